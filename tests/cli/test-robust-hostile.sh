# test-robust-hostile.sh: hostile strings through every output (issue 7,
# part 5).  A store is filled through the real importers with feed rows
# whose tags, file names, reporters, signatures and families hold terminal
# escapes, <script>, Markdown links, CSV formulas and invalid UTF-8
# (tests/data/hostile/), then every command and format that prints them is
# checked: text has no control sequence, Markdown no live markup, CSV no
# cell a spreadsheet would run, JSON is valid strictly decoded UTF-8.  (The
# HTML parser check is tests/cli/test-html.sh.)
. "$TESTS/cli/lib.sh"

H="$TESTS/data/hostile"
export CHOUSA_DB="$T/h.db"
FORMULA='@SUM(1+1)*cmd|" /C calc"!A0'
"$CHOUSA" -q import urlhaus "$H/urlhaus.csv" > "$T/imp" 2>&1
"$CHOUSA" -q import malwarebazaar "$H/malwarebazaar.csv" >> "$T/imp" 2>&1
"$CHOUSA" -q import malpedia "$H/malpedia.json" >> "$T/imp" 2>&1
printf 'hostile-list.example.org\n198.51.100.77\n' > "$T/list.txt"
# A label the user gives is one line of plain text: a control sequence in
# it is refused (2), nothing imported; markup and formulas are text.
check hostile_label_controls_refused 2 "$CHOUSA" -q import list \
    --source-name "$(printf 'evil\033]0;x\007src')" "$T/list.txt"
"$CHOUSA" -q import list --family "$FORMULA" \
    --tag '<script>alert(1)</script>' \
    --source-name 'evil"src<b>' "$T/list.txt" >> "$T/imp" 2>&1
n=$("$CHOUSA" db stats --json 2>/dev/null | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["indicators"])' 2>/dev/null)
if [ -n "$n" ] && [ "$n" -gt 0 ]; then ok "hostile_store_imports ($n indicators)"; else
	not_ok hostile_store_imports "$(head -c 300 "$T/imp")"; exit 0; fi

INDS="http://evil-host.example.com/%3Cscript%3E/x.exe www.dnautik-hostile.example.net 203.0.113.99 1a2b3c4d5e6f70819a2b3c4d5e6f70819a2b3c4d5e6f70819a2b3c4d5e6f7081 2b3c4d5e6f70819a2b3c4d5e6f70819a2b3c4d5e6f70819a2b3c4d5e6f70819a hostile-list.example.org"

cat > "$T/check.py" <<'EOF'
# check.py KIND FILE: exit 1 with a reason unless FILE is safe as KIND.
import csv, io, json, re, sys
kind, raw = sys.argv[1], open(sys.argv[2], "rb").read()
try:
    s = raw.decode("utf-8", "strict")
except UnicodeDecodeError as e:
    sys.exit("invalid UTF-8: %s" % e)
bad = [c for c in s if (ord(c) < 32 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f]
if bad and kind != "json":
    sys.exit("control characters %r" % sorted(set(bad))[:5])
if kind == "text":
    pass
elif kind == "md":
    for pat in (r"<script", r"<img", r"\]\(javascript:", r"<svg"):
        if re.search(pat, s, re.I):
            sys.exit("live markup %s" % pat)
elif kind == "json":
    for i, line in enumerate(s.splitlines()):
        if line.strip():
            json.loads(line)
elif kind == "jsondoc":
    json.loads(s)
elif kind == "csv":
    for row in csv.reader(io.StringIO(s)):
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                sys.exit("cell %r would run as a formula" % cell)
print("ok")
EOF
safe() {
	if python3 "$T/check.py" "$2" "$3" > "$T/py" 2>&1; then ok "$1"; else
		not_ok "$1" "$(tail -n 1 "$T/py")"; fi
}

# investigate, every format, over every hostile indicator.
for fmt in text md json stix misp html dot; do
	"$CHOUSA" investigate --offline --format "$fmt" $INDS > "$T/inv.$fmt" 2> "$T/inv.err"
	st=$?
	if [ "$st" -gt 1 ]; then
		not_ok "hostile_investigate_$fmt" "exit $st: $(head -c 200 "$T/inv.err")"
		continue
	fi
	case $fmt in
	text|dot|html) safe "hostile_investigate_${fmt}_no_controls" text "$T/inv.$fmt" ;;
	md) safe hostile_investigate_md_escaped md "$T/inv.md" ;;
	json) safe hostile_investigate_json_valid json "$T/inv.json" ;;
	stix|misp) safe "hostile_investigate_${fmt}_valid" jsondoc "$T/inv.$fmt" ;;
	esac
	safe "hostile_investigate_${fmt}_stderr_clean" text "$T/inv.err"
done
"$CHOUSA" --color always investigate --offline $INDS > "$T/color.txt" 2>&1
if python3 -c '
import re, sys
s = open(sys.argv[1], "rb").read().decode("utf-8")
# Only chousa'"'"'s own SGR colour codes may remain.
rest = re.sub(r"\x1b\[[0-9;]*m", "", s)
sys.exit(1 if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", rest) else 0)' "$T/color.txt"; then
	ok hostile_text_color_only_sgr
else
	not_ok hostile_text_color_only_sgr "a control sequence besides colour"
fi

# lookup, text and JSON.
"$CHOUSA" lookup $INDS > "$T/lk.txt" 2> "$T/lk.err"
safe hostile_lookup_text_no_controls text "$T/lk.txt"
"$CHOUSA" lookup --json $INDS > "$T/lk.json" 2> "$T/lk.err"
safe hostile_lookup_json_valid json "$T/lk.json"
"$CHOUSA" db stats --json > "$T/stats.json" 2>&1
safe hostile_db_stats_json_valid jsondoc "$T/stats.json"
"$CHOUSA" db stats > "$T/stats.txt" 2>&1
safe hostile_db_stats_text_no_controls text "$T/stats.txt"

# sweep: a log whose lines are hostile too, and a family that is a formula.
if "$CHOUSA" sweep --help > /dev/null 2>&1; then
	printf '%s\n' \
	    "$(printf 'GET http://hostile-list.example.org/ \033]0;pwned\007 \033[2J')" \
	    "to 198.51.100.77 =HYPERLINK(\"x\") @SUM(1) +1 -1" \
	    "$(printf 'bad \377\376 utf8 203.0.113.99')" > "$T/hostile.log"
	"$CHOUSA" sweep --format text "$T/hostile.log" > "$T/sw.txt" 2> "$T/sw.err"
	safe hostile_sweep_text_no_controls text "$T/sw.txt"
	"$CHOUSA" sweep --format text --csv "$T/hostile.log" > "$T/sw.csv" 2> "$T/sw.err"
	safe hostile_sweep_csv_guards_formulas csv "$T/sw.csv"
	expect hostile_sweep_csv_has_hits "hostile-list" "$T/sw.csv"
	"$CHOUSA" sweep --format text --json "$T/hostile.log" > "$T/sw.json" 2> "$T/sw.err"
	safe hostile_sweep_json_valid json "$T/sw.json"
else
	echo "ok - hostile_sweep # SKIP no sweep command yet"
fi
