# test-reports.sh: reports fit for a ticket, checked the way their readers
# read them.  Every indicator defanged in text, md and html (sentences and
# the HTML conclusion included); Markdown rendered by cmark-gfm with no
# stray backslash and working links; the HTML page rendered by headless
# Chromium; the STIX bundle validated offline against the OASIS STIX 2.1
# schemas and the TLP 2.0 extension's; the MISP event's objects against
# MISP's own templates.  On the demo feeds and ThreatFox's documented CSV.
. "$TESTS/cli/lib.sh"
SCHEMAS="$TESTS/data/stix2-json-schemas/schemas"
TLP2="$SAMPLES/stix-tlp2/extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d.json"
TEMPLATES="$SAMPLES/misp-objects"
CHECK="$TESTS/cli/report-check.py"
export CHOUSA_CONFIG="$T/config" CHOUSA_DB="$T/demo.db"
: > "$CHOUSA_CONFIG"
demo_store
# A domain, a URL on its host, a range, an e-mail address and a C2.
set -- www.dnautik.com 'http://www.dnautik.com/other.php' 162.243.103.0/24 \
    billing@www.dnautik.com 162.243.103.246
inv() { "$CHOUSA" investigate --offline "$@"; }

schema_python || :

# ---- defanged everywhere ----
inv --format json "$@" > "$T/r.jsonl" 2> /dev/null
for f in text md html; do
	inv --format "$f" "$@" > "$T/r.$f" 2> "$T/err"
	if python3 "$CHECK" defanged "$f" "$T/r.$f" "$T/r.jsonl" > "$T/py" 2>&1
	then ok "defanged_everywhere_$f"; else
		not_ok "defanged_everywhere_$f" "$(tail -n 1 "$T/py")"; fi
done
# The checker sees a live one.
inv --format text --no-defang www.dnautik.com > "$T/nd.text" 2> /dev/null
if python3 "$CHECK" defanged text "$T/nd.text" "$T/r.jsonl" > /dev/null 2>&1
then not_ok defang_checker_catches_live "--no-defang passed"
else ok defang_checker_catches_live; fi
# The HTML conclusion, which the page said was defanged and was not.
expect html_conclusion_defanged '<section class="conclusion"><h3>Conclusion</h3><p><code>|<p>www\[\.\]<wbr>dnautik\[\.\]<wbr>com is listed' "$T/r.html"
refute html_conclusion_no_live 'class="conclusion".*[^[]www\.dnautik\.com' "$T/r.html"
# A reference site named in a sentence stays as written.
expect text_sentence_defanged '^  www\[\.\]dnautik\[\.\]com is listed by URLhaus, ThreatFox and Imported lists' "$T/r.text"

# ---- Markdown, raw and rendered ----
refute md_raw_no_escaped_dots '\\\.' "$T/r.md"
refute md_raw_no_escape_in_code '`[^`]*\\[^`]*`' "$T/r.md"
expect md_raw_autolink '<https://urlhaus\.abuse\.ch/url/868533/>' "$T/r.md"
expect md_raw_code_span '`hxxp\[:\]//www\[\.\]dnautik\[\.\]com/other\.php`' "$T/r.md"
if command -v cmark-gfm > /dev/null 2>&1; then
	cmark-gfm -e table -e autolink "$T/r.md" > "$T/md.html"
	if python3 "$CHECK" markdown "$T/md.html" "$T/r.jsonl" > "$T/py" 2>&1
	then ok md_rendered_by_cmark_gfm; else
		not_ok md_rendered_by_cmark_gfm "$(tail -n 1 "$T/py")"; fi
	grep -q '<a href="https://feodotracker.abuse.ch/browse/host/162.243.103.246/">' "$T/md.html" &&
		ok md_link_target_intact || not_ok md_link_target_intact "no feodo link"
	# A family label with markup stays text when rendered.
	# ThreatFox's documented CSV, with a row whose tags hold markup.
	head -n 5 "$TESTS/data/feeds/threatfox.csv" > "$T/tf.csv"
	printf '"2026-09-24 09:13:10", "1932299", "evil-md.example.com", "domain", "payload_delivery", "win.emotet", "None", "Emotet", "", "100", "False", "None", "*bold* [x](http://y) <b>t</b> a_b_c", "0", "tester"\n' >> "$T/tf.csv"
	"$CHOUSA" -q --db "$T/md.db" import threatfox "$T/tf.csv" > /dev/null 2>&1
	"$CHOUSA" --db "$T/md.db" investigate --offline --format md evil-md.example.com > "$T/h.md" 2> /dev/null
	cmark-gfm -e table -e autolink "$T/h.md" > "$T/h.html"
	grep -q '<strong>bold\|<em>bold\|href="http://y"\|<b>t' "$T/h.html" &&
		not_ok md_feed_markup_stays_text "$(grep -o '<em>bold.\{0,20\}\|href="http://y"\|<b>t' "$T/h.html" | head -n 1)" ||
		ok md_feed_markup_stays_text
	grep -q '\*bold\* \[x\](<code>hxxp\[:\]//y/</code>) &lt;b&gt;t&lt;/b&gt; a_b_c' "$T/h.html" &&
		ok md_feed_text_reads_as_written ||
		not_ok md_feed_text_reads_as_written "$(grep -o 'labels[^|]*' "$T/h.html" | head -n 1)"
else
	echo "ok - md_rendered_by_cmark_gfm # SKIP cmark-gfm not installed (scripts/install-deps.sh test)"
fi

# ---- HTML, in a browser ----
inv --format html --tlp amber "$@" > "$T/page.html" 2> /dev/null
expect html_tlp_banner '<p class="tlp tlp-amber">TLP:AMBER</p>' "$T/page.html"
if command -v chromium > /dev/null 2>&1; then
	prof=$(mktemp -d "$T/chromium.XXXXXX")
	# Chromium's own requests (its updates, sign-in, clock) look up no
	# name and reach no proxy: offline as the browse() of test-html.
	timeout 90 chromium --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync --user-data-dir="$prof" \
	    --no-proxy-server \
	    --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" \
	    --dump-dom "file://$T/page.html" > "$T/dom.html" 2> "$T/chromium.log"
	if [ -s "$T/dom.html" ] && grep -q '<section class="triage">' "$T/dom.html"; then
		ok html_browser_renders_triage
	else
		not_ok html_browser_renders_triage "$(tail -n 2 "$T/chromium.log")"
	fi
	if python3 "$CHECK" defanged html "$T/dom.html" "$T/r.jsonl" > "$T/py" 2>&1
	then ok html_browser_dom_defanged; else
		not_ok html_browser_dom_defanged "$(tail -n 1 "$T/py")"; fi
	# Every row of the table links to a report the page has.
	python3 - "$T/dom.html" > "$T/py" 2>&1 <<'PY'
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
links = re.findall(r'href="#(report-\d+)"', dom)
ids = set(re.findall(r'id="(report-\d+)"', dom))
assert len(links) == 5 and set(links) <= ids, (links, ids)
PY
	[ $? -eq 0 ] && ok html_triage_links_resolve || not_ok html_triage_links_resolve "$(tail -n 1 "$T/py")"
else
	echo "ok - html_browser_renders_triage # SKIP chromium not installed"
fi

# ---- STIX: TLP 2.0, confidence, first seen; valid against the schemas ----
inv --format stix --tlp amber "$@" > "$T/b.stix.json" 2> /dev/null
if [ -n "$SCHEMA_PY" ]; then
	check stix_valid_oasis_schemas 0 "$SCHEMA_PY" "$TESTS/cli/stix-validate.py" \
	    "$T/b.stix.json" "$SCHEMAS" "$TLP2"
	expect stix_has_tlp2_marking '1 TLP 2.0 marking definitions' "$T/out"
	# The validator refuses what the schemas refuse.
	python3 -c '
import json, sys
b = json.load(open(sys.argv[1]))
for o in b["objects"]:
    if o["type"] == "indicator":
        o["confidence"] = 101
    if o["type"] == "marking-definition":
        o["name"] = "TLP:RED"
json.dump(b, open(sys.argv[2], "w"))' "$T/b.stix.json" "$T/bad.stix.json"
	check stix_validator_refuses 1 "$SCHEMA_PY" "$TESTS/cli/stix-validate.py" \
	    "$T/bad.stix.json" "$SCHEMAS" "$TLP2"
	inv --format stix "$@" > "$T/n.stix.json" 2> /dev/null
	check stix_valid_without_tlp 0 "$SCHEMA_PY" "$TESTS/cli/stix-validate.py" \
	    "$T/n.stix.json" "$SCHEMAS" "$TLP2"
else
	echo "ok - stix_valid_oasis_schemas # SKIP no python3 with jsonschema (scripts/install-deps.sh test)"
fi
if python3 - "$T/b.stix.json" "$T/r.jsonl" "$T/n.stix.json" > "$T/py" 2>&1 <<'PY'
import json, sys
b = json.load(open(sys.argv[1], encoding="utf-8"))
objs = b["objects"]
mark = [o for o in objs if o["type"] == "marking-definition"]
assert len(mark) == 1 and mark[0]["id"] == \
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", mark
assert mark[0]["extensions"]["extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"]["tlp_2_0"] == "amber"
for o in objs:
    if o["type"] != "marking-definition":
        assert o.get("object_marking_refs") == [mark[0]["id"]], o["id"]
reps = {}
for line in open(sys.argv[2], encoding="utf-8"):
    r = json.loads(line)
    reps[r["indicator"]["value"]] = r
ind = {o["pattern"]: o for o in objs if o["type"] == "indicator"}
d = ind["[domain-name:value = 'www.dnautik.com']"]
assert d["confidence"] == reps["www.dnautik.com"]["confidence"] > 0, d
first = reps["www.dnautik.com"]["first_seen"]
assert d["valid_from"] == first[:19] + ".000Z", (d["valid_from"], first)
c2 = ind["[ipv4-addr:value = '162.243.103.246']"]
assert c2["valid_from"].startswith("2020-09-12"), c2["valid_from"]
n = json.load(open(sys.argv[3], encoding="utf-8"))
assert not any(o["type"] == "marking-definition" or "object_marking_refs" in o
               for o in n["objects"])
PY
then ok stix_tlp_confidence_first_seen; else not_ok stix_tlp_confidence_first_seen "$(tail -n 2 "$T/py" | tr '\n' ' ')"; fi
check tlp_unknown_usage 2 inv --format stix --tlp orange www.dnautik.com
expect tlp_unknown_says_levels 'clear, green, amber, amber\+strict or red' "$T/err"

# ---- MISP: templates, tags per attribute, TLP ----
"$CHOUSA" -q --db "$T/tf.db" import threatfox "$TESTS/data/feeds/threatfox.csv" > /dev/null 2>&1
"$CHOUSA" --db "$T/tf.db" investigate --offline --format misp --tlp amber+strict \
    192.0.2.242 dl.emotet-example.com > "$T/m.json" 2> /dev/null
inv --format misp --tlp amber+strict "$@" > "$T/demo.misp.json" 2> /dev/null
for f in m demo.misp; do
	check "misp_objects_match_templates_$f" 0 python3 "$TESTS/cli/misp-objects-check.py" \
	    "$T/$f.json" "$TEMPLATES"
done
if python3 - "$T/m.json" "$T/demo.misp.json" > "$T/py" 2>&1 <<'PY'
import json, sys
e = json.load(open(sys.argv[1], encoding="utf-8"))["Event"]
assert e["Tag"][0] == {"name": "tlp:amber+strict"}, e["Tag"]
tags = {a["value"]: [t["name"] for t in a.get("Tag", [])] for a in e["Attribute"]}
# Two families in one event: each attribute says its own.
assert tags["192.0.2.242"] == ['misp-galaxy:malpedia="Remcos"'], tags
assert tags["dl.emotet-example.com"] == ['misp-galaxy:malpedia="Emotet"'], tags
ports = [o for o in e["Object"] if o["name"] == "ip-port"]
assert ports and {a["object_relation"]: a["value"] for a in ports[0]["Attribute"]} == \
    {"ip": "192.0.2.242", "dst-port": "14643"}, ports
d = json.load(open(sys.argv[2], encoding="utf-8"))["Event"]
files = [o for o in d["Object"] if o["name"] == "file"]
assert files and files[0]["template_uuid"] == "688c46fb-5edb-40a3-8273-1af7923e2215"
assert all(a["object_relation"] != "file-type" for a in files[0]["Attribute"])
PY
then ok misp_tags_per_attribute_and_ports; else not_ok misp_tags_per_attribute_and_ports "$(tail -n 2 "$T/py" | tr '\n' ' ')"; fi
# The checker refuses the relation the file object used to have.
sed 's/"object_relation":"text"/"object_relation":"file-type"/' "$T/demo.misp.json" > "$T/old.json"
check misp_checker_refuses_unknown_relation 1 python3 "$TESTS/cli/misp-objects-check.py" \
    "$T/old.json" "$TEMPLATES"

# ---- SOURCE_DATE_EPOCH: one stamp, so the same bytes on every run ----
for fmt in stix misp html; do
	SOURCE_DATE_EPOCH=1700000000 inv --format $fmt www.dnautik.com > "$T/e1.$fmt" 2> /dev/null
	sleep 1
	SOURCE_DATE_EPOCH=1700000000 inv --format $fmt www.dnautik.com > "$T/e2.$fmt" 2> /dev/null
	if cmp -s "$T/e1.$fmt" "$T/e2.$fmt" && grep -q "2023-11-14" "$T/e1.$fmt"; then
		ok "source_date_epoch_stamps_$fmt"
	else
		not_ok "source_date_epoch_stamps_$fmt" "$(diff "$T/e1.$fmt" "$T/e2.$fmt" | head -n 2 | tr '\n' ' ')"
	fi
done
