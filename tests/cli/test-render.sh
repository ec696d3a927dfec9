# test-render.sh: the html, stix, misp and dot renderers against golden
# files, over the hand-built report models of tests/unit/test-robust-render.c
# (the worked example, a hostile report, an unknown indicator, a malformed
# input), so the formats are pinned whatever the engine finds.  JSON formats
# are parsed with python3; the STIX bundle is checked for the properties the
# 2.1 spec requires.  With a store and `chousa investigate`, the formats are
# also produced end to end from the CLI.
. "$TESTS/cli/lib.sh"

G="$TESTS/golden/render"
BIN="${BUILD:-$(dirname "$CHOUSA")}/tests/test-robust-render"
if [ ! -x "$BIN" ]; then
	echo "ok - render_goldens # SKIP $BIN not built"
	exit 0
fi

# Goldens: each format over the worked example and over every model.
for fmt in html stix misp dot; do
	ext=$fmt
	case $fmt in stix|misp) ext=$fmt.json ;; esac
	for which in worked all; do
		if "$BIN" --dump $fmt $which > "$T/$which.$ext" 2> "$T/err"; then
			same "golden_${fmt}_$which" "$T/$which.$ext" "$G/$which.$ext"
		else
			not_ok "golden_${fmt}_$which" "$(head -c 300 "$T/err")"
		fi
	done
done
"$BIN" --dump html worked --no-defang > "$T/nodefang.html"
same golden_html_no_defang "$T/nodefang.html" "$G/worked-no-defang.html"
expect html_no_defang_keeps_value "<code>www\.<wbr>dnautik\.<wbr>com</code>" "$T/nodefang.html"
expect html_defangs_by_default "<code>www\[\.\]dnautik\[\.\]com</code>" "$T/worked.html"

# Valid JSON, strictly UTF-8, for both JSON formats.
for f in all.stix.json all.misp.json worked.stix.json worked.misp.json; do
	if python3 -c '
import json, sys
raw = open(sys.argv[1], "rb").read()
json.loads(raw.decode("utf-8", "strict"))
' "$T/$f" 2> "$T/err"; then ok "json_valid_$f"; else
		not_ok "json_valid_$f" "$(tail -n 1 "$T/err")"; fi
done

# STIX 2.1: required common properties, id forms, references that resolve.
if python3 - "$T/all.stix.json" > "$T/stix.out" 2>&1 <<'EOF'
import json, re, sys
b = json.load(open(sys.argv[1], encoding="utf-8"))
assert b["type"] == "bundle" and re.match(r"^bundle--[0-9a-f-]{36}$", b["id"])
ids = set()
ts = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
uid = re.compile(r"^([a-z0-9-]+)--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
sco = {"domain-name", "ipv4-addr", "ipv6-addr", "url", "file", "email-addr"}
for o in b["objects"]:
    assert o["spec_version"] == "2.1", o
    m = uid.match(o["id"])
    assert m and m.group(1) == o["type"], o["id"]
    assert o["id"] not in ids, "duplicate " + o["id"]
    ids.add(o["id"])
    if o["type"] not in sco:
        assert ts.match(o["created"]) and ts.match(o["modified"]), o
    if o["type"] == "indicator":
        assert o["pattern_type"] == "stix" and o["pattern"].startswith("[")
        assert ts.match(o["valid_from"])
    if o["type"] == "malware":
        assert isinstance(o["is_family"], bool) and o["name"]
    if o["type"] in sco and "value" in o:
        # Observable ids are UUIDv5 of their id-contributing properties.
        import uuid
        ns = uuid.UUID("00abedb4-aa42-581e-8e1c-9c6b1e5f5a4b")
        want = uuid.uuid5(ns, json.dumps({"value": o["value"]},
            separators=(",", ":"), ensure_ascii=False))
        assert o["id"] == "%s--%s" % (o["type"], want), o["id"]
    if o["type"] == "relationship":
        assert o["relationship_type"] and o["source_ref"] and o["target_ref"]
types = {o["type"] for o in b["objects"]}
for t in ("identity", "indicator", "malware", "relationship", "note", "domain-name", "file"):
    assert t in types, "no " + t
for o in b["objects"]:
    for k, v in o.items():
        refs = v if isinstance(v, list) else [v]
        if k.endswith("_ref") or k.endswith("_refs"):
            for r in refs:
                assert r in ids, "dangling %s %s" % (k, r)
print("ok")
EOF
then ok stix_required_properties; else
	not_ok stix_required_properties "$(tail -n 2 "$T/stix.out" | tr '\n' ' ')"; fi

# MISP: the event shape MISP's JSON import reads.
if python3 - "$T/worked.misp.json" > "$T/misp.out" 2>&1 <<'EOF'
import json, sys
e = json.load(open(sys.argv[1], encoding="utf-8"))["Event"]
for k in ("uuid", "info", "date", "threat_level_id", "analysis", "Attribute", "Object", "Tag"):
    assert k in e, "no " + k
assert e["threat_level_id"] == "1"
a = e["Attribute"][0]
assert a["type"] == "domain" and a["value"] == "www.dnautik.com" and a["to_ids"] is True
assert {"name": 'misp-galaxy:malpedia="Emotet"'} in e["Tag"]
o = e["Object"][0]
assert o["name"] == "file" and o["Attribute"][0]["type"] == "sha256"
assert o["ObjectReference"][0]["referenced_uuid"] == a["uuid"]
print("ok")
EOF
then ok misp_event_shape; else
	not_ok misp_event_shape "$(tail -n 2 "$T/misp.out" | tr '\n' ' ')"; fi

# DOT: Graphviz reads it when it is installed.
if command -v dot > /dev/null 2>&1; then
	check dot_parses 0 dot -Tsvg "$T/all.dot"
else
	echo "ok - dot_parses # SKIP graphviz not installed"
fi

# Every format names each renderer in the CLI's --format list.
if "$CHOUSA" investigate --help > "$T/help" 2>&1; then
	for fmt in html stix misp dot; do
		expect "investigate_help_lists_$fmt" "$fmt" "$T/help"
	done
else
	echo "ok - investigate_help_lists_formats # SKIP no investigate command"
fi

# ---- end to end: the worked example from the demo data, through the CLI ----

DEMO="$TESTS/../demo"
if [ -f "$DEMO/urlhaus.csv" ] && "$CHOUSA" import --help > /dev/null 2>&1; then
	db="$T/demo.db"
	for pair in urlhaus:urlhaus.csv threatfox:threatfox.csv \
	    malwarebazaar:malwarebazaar.csv feodo:feodo.csv \
	    malpedia:malpedia.json warninglist:warninglist.json \
	    misp:sandbox-report.misp.json; do
		"$CHOUSA" --db "$db" -q import "${pair%%:*}" "$DEMO/${pair#*:}" \
		    > /dev/null 2>&1
	done
	for fmt in html stix misp dot; do
		"$CHOUSA" --db "$db" investigate --sources local --format "$fmt" \
		    'www[.]dnautik[.]com' > "$T/cli.$fmt" 2> "$T/cli.err"
		st=$?
		if [ "$st" -eq 1 ] && [ -s "$T/cli.$fmt" ]; then
			ok "cli_worked_example_$fmt"
		else
			not_ok "cli_worked_example_$fmt" "exit $st: $(head -c 200 "$T/cli.err")"
		fi
	done
	expect cli_html_defanged '<code>www\[\.\]dnautik\[\.\]com</code>' "$T/cli.html"
	refute cli_html_no_live_domain '>www\.dnautik\.com<' "$T/cli.html"
	expect cli_html_draws_graph '<svg xmlns' "$T/cli.html"
	expect cli_dot_names_family 'win\.emotet' "$T/cli.dot"
	"$CHOUSA" --db "$db" investigate --sources local --format html \
	    --no-defang 'www[.]dnautik[.]com' > "$T/nd.html" 2> /dev/null
	expect cli_html_no_defang '<h2>.*<code>www\.<wbr>dnautik\.<wbr>com</code>' "$T/nd.html"
	if python3 - "$T/cli.stix" "$T/cli.misp" > "$T/py.out" 2>&1 <<'PY'
import json, sys
b = json.load(open(sys.argv[1], encoding="utf-8"))
objs = {o["id"]: o for o in b["objects"]}
mal = [o for o in objs.values() if o["type"] == "malware"]
assert mal and mal[0]["name"] == "Emotet" and mal[0]["is_family"], mal
ind = [o for o in objs.values() if o["type"] == "indicator"
    and o["pattern"] == "[domain-name:value = 'www.dnautik.com']"]
assert ind, "no indicator for the domain"
rel = [o for o in objs.values() if o["type"] == "relationship"
    and o["relationship_type"] == "indicates" and o["source_ref"] == ind[0]["id"]]
assert rel and rel[0]["target_ref"] == mal[0]["id"], "no indicates"
files = [o for o in objs.values() if o["type"] == "file"]
assert any(f["hashes"].get("SHA-256", "").startswith("d7e61d7d") for f in files)
e = json.load(open(sys.argv[2], encoding="utf-8"))["Event"]
a = [x for x in e["Attribute"] if x["value"] == "www.dnautik.com"]
assert a and a[0]["type"] == "domain" and a[0]["to_ids"], a
assert {"name": 'misp-galaxy:malpedia="Emotet"'} in e["Tag"], e["Tag"]
assert any(o["Attribute"][0]["value"].startswith("d7e61d7d") for o in e["Object"])
PY
	then ok cli_stix_misp_carry_the_chain; else
		not_ok cli_stix_misp_carry_the_chain "$(tail -n 1 "$T/py.out")"; fi
else
	echo "ok - cli_worked_example # SKIP no demo data or no import command"
fi
