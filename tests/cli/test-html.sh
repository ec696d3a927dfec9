# test-html.sh: the HTML report in a real browser and under a parser.
#  - Every element and attribute in the page is one chousa writes (a
#    whitelist), tags nest properly, no attribute is an event handler and
#    no link is javascript:, while the hostile strings still show as text:
#    so no element came from the data.
#  - Debian's chromium, headless, renders the page with no console message
#    at all (a control page with a broken script proves the log is read),
#    and the screenshot shows the evidence graph: its node colours cover
#    real areas, decoded from the PNG with python3's zlib.
# Pages come from the hand-built models (tests/unit/test-robust-render.c)
# and, when `chousa import` and `chousa investigate` exist, from a store
# filled with hostile feed rows in the real formats (tests/data/hostile/).
. "$TESTS/cli/lib.sh"

BIN="${BUILD:-$(dirname "$CHOUSA")}/tests/test-robust-render"
HOSTILE="$TESTS/data/hostile"

cat > "$T/check_html.py" <<'EOF'
# check_html.py FILE [TEXT...]: exit 1 with a reason unless FILE is a page
# chousa could have written and each TEXT appears in its text.
import sys
from html.parser import HTMLParser

ELEMENTS = set("""html head meta title style body header main footer section div
h1 h2 h3 p span code small strong dl dt dd ul li table thead tbody tr th td
pre wbr
a svg defs marker path g rect text""".split())
VOID = {"meta", "wbr"}
ATTRS = set("""lang charset http-equiv content name class id href rel xmlns
width height viewbox role aria-label refx refy markerwidth markerheight
orient d fill stroke stroke-width marker-end x y rx text-anchor font-size
font-family paint-order""".split())

class Check(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.text, self.errors, self.n = [], [], [], 0
        self.in_style = False
    def handle_starttag(self, tag, attrs):
        self.n += 1
        if tag not in ELEMENTS:
            self.errors.append("element <%s> from the data" % tag)
        for k, v in attrs:
            if k not in ATTRS or k.startswith("on"):
                self.errors.append("attribute %s= on <%s>" % (k, tag))
            if k == "href" and not (v or "").startswith(("http://", "https://", "#report-")):
                self.errors.append("link %r" % v)
            if k == "class" and not all(c.isalnum() or c in " -" for c in v or ""):
                self.errors.append("class %r" % v)
        if tag not in VOID:
            self.stack.append(tag)
        self.in_style = tag == "style"
    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()
    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes %s" % (tag, self.stack[-1:] or "nothing"))
        else:
            self.stack.pop()
        self.in_style = False
    def handle_data(self, data):
        if not self.in_style:
            self.text.append(data)
    def handle_decl(self, decl):
        if decl.lower() != "doctype html":
            self.errors.append("declaration " + decl)
    def handle_pi(self, data):
        self.errors.append("processing instruction")
    def unknown_decl(self, data):
        self.errors.append("declaration " + data)

raw = open(sys.argv[1], "rb").read()
try:
    page = raw.decode("utf-8", "strict")
except UnicodeDecodeError as e:
    sys.exit("not UTF-8: %s" % e)
if "\x1b" in page or "\x07" in page:
    sys.exit("a terminal control character is in the page")
c = Check()
c.feed(page)
c.close()
if c.stack:
    c.errors.append("unclosed " + " ".join(c.stack))
if c.errors:
    sys.exit("; ".join(sorted(set(c.errors))[:5]))
text = "".join(c.text)
for want in sys.argv[2:]:
    if want not in text:
        sys.exit("the text %r is not shown" % want)
print("%d elements" % c.n)
EOF

cat > "$T/check_png.py" <<'EOF'
# check_png.py FILE: exit 1 unless the screenshot shows the evidence graph:
# the input and another node kind's fill colours (src/investigate/render/graph.c) each
# cover at least a box's worth of pixels, and the page is not blank.
import struct, sys, zlib

def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("not a PNG")
    pos, idat, hdr = 8, [], None
    while pos + 8 <= len(data):
        n, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if typ == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif typ == b"IDAT":
            idat.append(body)
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or interlace or ctype not in (2, 6):
        sys.exit("PNG kind %r not handled" % (hdr,))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    prev = bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else
                    b if pb <= pc else c)) & 255
        yield line, bpp
        prev = line

count, colours, ink = {}, set(), 0
for line, bpp in pixels(sys.argv[1]):
    for i in range(0, len(line), bpp):
        px = bytes(line[i:i + 3])
        count[px] = count.get(px, 0) + 1
colours = len(count)
ink = sum(v for k, v in count.items() if k != b"\xff\xff\xff" and k != b"\xf9\xfa\xfb")
fills = {"input": b"\xfd\xe2\xe1", "domain": b"\xdb\xea\xfe",
    "ip": b"\xd1\xfa\xe5", "url": b"\xed\xe9\xfe", "sample": b"\xff\xed\xd5",
    "family": b"\xfe\xca\xca", "source": b"\xe5\xe7\xeb"}
box = 150 * 25      # a node box is 210 x 34 pixels, text inside
seen = [k for k, c in fills.items() if count.get(c, 0) >= box]
if colours < 20 or ink < 50000:
    sys.exit("blank: %d colours, %d inked pixels" % (colours, ink))
if "input" not in seen or len(seen) < 2:
    sys.exit("no graph: node fills seen %s" % seen)
print("%d colours, graph nodes: %s" % (colours, " ".join(seen)))
EOF

# html_ok NAME FILE [TEXT...]: the parser check.
html_ok() {
	name=$1
	shift
	if python3 "$T/check_html.py" "$@" > "$T/py.out" 2>&1; then
		ok "$name"
	else
		not_ok "$name" "$(tail -n 1 "$T/py.out")"
	fi
}

# browse NAME FILE: screenshot FILE and keep chromium's log in $T/NAME.log.
# Offline: its own requests (updates, sign-in, the clock), which the
# --disable flags leave, look up no name (every one is not found) and
# reach no proxy (tests/run.sh's would fail the test).
browse() {
	prof=$(mktemp -d "$T/chromium.XXXXXX")
	timeout 90 chromium --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync --user-data-dir="$prof" \
	    --no-proxy-server \
	    --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" \
	    --screenshot="$T/$1.png" --window-size=1200,1600 \
	    --enable-logging=stderr --v=0 "file://$2" \
	    > "$T/$1.stdout" 2> "$T/$1.log"
}

# ---- the page from the hand-built models ----

if [ -x "$BIN" ]; then
	"$BIN" --dump html all > "$T/model.html"
	html_ok html_model_elements_are_chousas "$T/model.html" \
	    "<script>alert(1)</script>" "<img src=x onerror=alert(1)>" \
	    '"><svg/onload=alert(1)>' "[click](javascript:alert(1))" \
	    "=cmd|' /C calc'!A0" "www[.]dnautik[.]com"
	"$BIN" --dump html worked > "$T/worked.html"
	html_ok html_worked_elements_are_chousas "$T/worked.html" \
	    "Emotet" "d7e61d7d1f31426d1c59eeab4e60fdd433b6889a548b94129e0ae34fb766a7cf"
else
	echo "ok - html_model_elements_are_chousas # SKIP $BIN not built"
fi

# The checker itself finds markup that came from data.
printf '<!DOCTYPE html><html><body><p>tag <img src=x onerror=alert(1)></p></body></html>' > "$T/evil.html"
if python3 "$T/check_html.py" "$T/evil.html" > /dev/null 2>&1; then
	not_ok html_checker_catches_injection "an <img onerror> page passed"
else
	ok html_checker_catches_injection
fi

# ---- the page from hostile feed rows, end to end ----

cli_html=
if "$CHOUSA" import --help > /dev/null 2>&1 &&
    "$CHOUSA" investigate --help > /dev/null 2>&1; then
	export CHOUSA_DB="$T/hostile.db"
	"$CHOUSA" -q import urlhaus "$HOSTILE/urlhaus.csv" > "$T/imp.out" 2>&1
	"$CHOUSA" -q import malwarebazaar "$HOSTILE/malwarebazaar.csv" >> "$T/imp.out" 2>&1
	"$CHOUSA" -q import malpedia "$HOSTILE/malpedia.json" >> "$T/imp.out" 2>&1
	"$CHOUSA" investigate --offline --format html \
	    "http://evil-host.example.com/%3Cscript%3E/x.exe" \
	    "www.dnautik-hostile.example.net" 203.0.113.99 \
	    1a2b3c4d5e6f70819a2b3c4d5e6f70819a2b3c4d5e6f70819a2b3c4d5e6f7081 \
	    > "$T/cli.html" 2> "$T/cli.err"
	st=$?
	if [ "$st" -le 1 ] && [ -s "$T/cli.html" ]; then
		ok html_cli_hostile_store_renders
		html_ok html_cli_elements_are_chousas "$T/cli.html"
		cli_html="$T/cli.html"
	else
		not_ok html_cli_hostile_store_renders "exit $st: $(head -c 300 "$T/cli.err")"
	fi
	unset CHOUSA_DB
else
	echo "ok - html_cli_hostile_store_renders # SKIP no import or investigate command yet"
fi

# ---- the browser ----

if ! command -v chromium > /dev/null 2>&1; then
	echo "ok - html_browser_renders # SKIP chromium not installed (scripts/install-deps.sh test)"
	exit 0
fi

# The control: a broken script must show in the log, or the log proves nothing.
printf '<!DOCTYPE html><html><body><script>chousa_no_such_function()</script></body></html>' > "$T/control.html"
browse control "$T/control.html"
if grep -q "CONSOLE.*Uncaught" "$T/control.log"; then
	ok html_browser_log_catches_errors
else
	not_ok html_browser_log_catches_errors "no console line for a broken script: $(tail -n 2 "$T/control.log")"
fi

for page in model cli; do
	case $page in
	cli) f=$cli_html ;;
	*) f="$T/$page.html" ;;
	esac
	[ -n "$f" ] && [ -s "$f" ] || continue
	if browse "$page" "$f" && [ -s "$T/$page.png" ]; then
		ok "html_browser_renders_$page"
	else
		not_ok "html_browser_renders_$page" "no screenshot: $(tail -n 2 "$T/$page.log")"
		continue
	fi
	refute "html_browser_no_console_message_$page" \
	    ":CONSOLE|Uncaught|Refused to" "$T/$page.log"
	if python3 "$T/check_png.py" "$T/$page.png" > "$T/png.out" 2>&1; then
		ok "html_screenshot_shows_graph_$page"
	else
		not_ok "html_screenshot_shows_graph_$page" "$(tail -n 1 "$T/png.out")"
	fi
done
