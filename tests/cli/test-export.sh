# test-export.sh: `chousa export`.  Every format over a store built from
# the real sample feeds (tests/data/samples, demo/) against golden files;
# each output read back by a test-side reader that follows the format's
# documented grammar (tests/cli/export-check.py), the zone through
# named-checkzone, the STIX bundle through the OASIS STIX 2.1 JSON
# schemas (tests/cli/stix-validate.py); on a generated store, every active, non-benign indicator in
# each format that carries its type exactly once and nothing else;
# hostile values from a store written by other means; --delta; failures.
. "$TESTS/cli/lib.sh"

CHECK="$TESTS/cli/export-check.py"
STIX_VALIDATE="$TESTS/cli/stix-validate.py"
G="$TESTS/golden/export"
S="$SAMPLES/abusech"
NOW=1790000000
export SOURCE_DATE_EPOCH=$NOW
cd "$T" || exit 1

# A python that has jsonschema: Debian's (python3-jsonschema) may not be
# the first python3 on PATH.
SCHEMA_PY=
for py in python3 /usr/bin/python3; do
	if "$py" -c 'import jsonschema' 2> /dev/null; then
		SCHEMA_PY=$py
		break
	fi
done

# import DB SOURCE FILE...: pairs of importer and file.
import_all() {
	into=$1
	shift
	for pair in "$@"; do
		if ! "$CHOUSA" -q --db "$into" import "${pair%%=*}" "${pair#*=}" \
		    2> "$T/import.err"; then
			not_ok "import_${pair%%=*}" "$(head -c 200 "$T/import.err")"
		fi
	done
}

# out_for FORMAT: where each format writes in these tests.
out_for() {
	case $1 in
	zeek-intel) echo o/chousa.intel ;;
	rpz) echo o/chousa.rpz ;;
	stix) echo o/chousa.stix.json ;;
	csv) echo o/chousa.csv ;;
	*) echo "o/$1" ;;
	esac
}

FORMATS="zeek-intel suricata ecs splunk clickhouse rpz misp-feed stix csv txt"

# ---- the store of real samples ----

db=$T/samples.db
import_all "$db" \
    "urlhaus=$S/urlhaus/csv_online_2026-08-18_head21lines.csv" \
    "feodo=$S/feodo/ipblocklist_2025-06-25.csv" \
    "feodo=$S/feodo/ipblocklist_recommended_2022-07-08.txt" \
    "malwarebazaar=$S/malwarebazaar/export_recent_csv_2026-07-22_head12lines.csv" \
    "threatfox=$TESTS/../demo/threatfox.csv" \
    "urlhaus=$TESTS/../demo/urlhaus.csv" \
    "malpedia=$TESTS/../demo/malpedia.json" \
    "misp=$TESTS/../demo/sandbox-report.misp.json" \
    "warninglist=$TESTS/../demo/warninglist.json" \
    "warninglist=$TESTS/data/feeds/warninglist-public-dns.json"

mkdir -p o/txt
for fmt in $FORMATS; do
	out=$(out_for "$fmt")
	check "export_${fmt}_runs" 0 "$CHOUSA" --db "$db" export --format "$fmt" \
	    -o "$out"
	cp "$T/err" "summary.$fmt"
	if [ -d "$out" ]; then
		[ "${CHOUSA_UPDATE_GOLDEN:-}" = 1 ] && rm -rf "$G/$fmt" &&
		    mkdir -p "$G/$fmt"
		(cd "$out" && ls) > got.list
		(cd "$G/$fmt" 2> /dev/null && ls) > want.list
		if [ "${CHOUSA_UPDATE_GOLDEN:-}" = 1 ] ||
		    cmp -s got.list want.list; then
			ok "golden_${fmt}_files"
		else
			not_ok "golden_${fmt}_files" "$(diff want.list got.list |
			    tr '\n' ' ' | head -c 300)"
		fi
		# A snippet names the directory by its absolute path.
		for f in $(cat got.list); do
			sed "s#$(pwd -P)/##g" "$out/$f" > "golden.cmp"
			same "golden_${fmt}_$f" "golden.cmp" "$G/$fmt/$f"
		done
	else
		mkdir -p "$G"
		same "golden_$fmt" "$out" "$G/$fmt.$(basename "$out")"
	fi
	if python3 "$CHECK" values "$fmt" "$out" > "values.$fmt" 2> check.err
	then
		ok "reader_$fmt"
	else
		not_ok "reader_$fmt" "$(head -c 300 check.err)"
	fi
done

# Every file is the same bytes on a second run of the same store.
for fmt in suricata misp-feed stix; do
	out=$(out_for "$fmt")
	rm -rf first && cp -r "$out" first
	"$CHOUSA" -q --db "$db" export --format "$fmt" -o "$out"
	if diff -r first "$out" > /dev/null; then
		ok "deterministic_$fmt"
	else
		not_ok "deterministic_$fmt" "a second export differs"
	fi
done

# What the formats hold, and what the summary says was left out.
expect summary_counts "export zeek-intel: [0-9]+ of [0-9]+ indicators written" summary.zeek-intel
expect summary_file_counts "chousa.rules +27 entries" summary.suricata
expect benign_left_out "left out 1: on a known-benign list.*ipv4 1" summary.csv
# A path longer than any file name is said whole in the summary.
long="$PWD/a-directory-whose-name-is-longer-than-sixty-four-characters-so-there"
mkdir -p "$long"
"$CHOUSA" --db "$db" export --format rpz -o "$long/block.rpz" 2> summary.long
expect summary_says_a_long_path_whole "^chousa: +$long/block\.rpz +[0-9]+ entries" summary.long
refute benign_not_written '"8\.8\.8\.8"' o/chousa.csv
"$CHOUSA" -q --db "$db" export --format txt --include-benign --types ip \
    > all-ips.txt
expect include_benign_keeps_it '^8\.8\.8\.8$' all-ips.txt
expect rpz_type_left_out "left out [0-9]+: a type the format has no place for" summary.rpz
expect family_in_zeek 'Intel::DOMAIN	chousa	Emotet \(win\.emotet\), payload_delivery, confidence 75' o/chousa.intel
expect merged_sources 'Intel::ADDR	chousa	Emotet \(win\.emotet\), botnet_cc, port 8080, confidence 100, .*from feodo,threatfox	https://threatfox' o/chousa.intel
expect zeek_url_without_scheme '^www\.dnautik\.com/wp-admin/n/	Intel::URL' o/chousa.intel
expect suricata_family_in_json '"value":"www\.dnautik\.com","family":"win\.emotet","family_name":"Emotet","confidence":75' o/suricata/domains.jsonl
expect suricata_base64_domain '^d3d3LmRuYXV0aWsuY29t$' o/suricata/domains.lst
expect suricata_hashsize 'hashsize: 1024' o/suricata/suricata.yaml
# The files by their absolute path, whatever Suricata's working directory.
expect suricata_load_absolute "load: $(pwd -P)/o/suricata/domains\.lst" o/suricata/suricata.yaml
check suricata_deploy_dir 0 "$CHOUSA" -q --db "$db" export --format suricata -o o/sd \
    --deploy-dir /etc/suricata/chousa
expect suricata_deploy_dir_named 'load: /etc/suricata/chousa/domains.lst' o/sd/suricata.yaml
refute suricata_deploy_dir_only '/o/sd' o/sd/suricata.yaml
check deploy_dir_relative_refused 2 "$CHOUSA" -q --db "$db" export --format suricata \
    -o o/sd2 --deploy-dir rel/dir
expect ecs_software 'threat":\{"feed":\{"name":"chousa"\}.*"software":\{"type":"Malware","name":"Emotet"' o/ecs/chousa-ecs.ndjson
expect splunk_cidr_lookup 'match_type = CIDR\(ip\)' o/splunk/transforms.conf
expect misp_galaxy_tag 'misp-galaxy:malpedia=\\"Emotet\\"' o/misp-feed/manifest.json
expect stix_indicates '"relationship_type":"indicates"' o/chousa.stix.json

# Validators of the formats' own tools and schemas.
if command -v named-checkzone > /dev/null; then
	check rpz_named_checkzone 0 named-checkzone -q rpz.chousa o/chousa.rpz
else
	not_ok rpz_named_checkzone "named-checkzone missing (scripts/install-deps.sh test installs bind9-utils)"
fi
if [ -n "$SCHEMA_PY" ]; then
	check stix_schema 0 "$SCHEMA_PY" "$STIX_VALIDATE" o/chousa.stix.json
	# The validator does reject: an indicator without its pattern.
	python3 -c '
import json, sys
b = json.load(open(sys.argv[1]))
next(o for o in b["objects"] if o["type"] == "indicator").pop("pattern")
json.dump(b, open(sys.argv[2], "w"))' o/chousa.stix.json bad.stix.json
	check stix_schema_rejects 1 "$SCHEMA_PY" "$STIX_VALIDATE" bad.stix.json
else
	not_ok stix_schema "no python3 with jsonschema (scripts/install-deps.sh test installs python3-jsonschema)"
fi

# ---- property checks on a generated store ----

mkdir gen
python3 "$TESTS/cli/export-gen.py" gen 1500 "$NOW"
import_all gen/s.db "threatfox=gen/threatfox.csv" "urlhaus=gen/urlhaus.csv" \
    "warninglist=gen/warninglist-hosts.json" \
    "warninglist=gen/warninglist-ranges.json"
for fmt in $FORMATS; do
	rm -rf gen/out && mkdir -p gen/out/d
	case $fmt in
	zeek-intel|rpz|stix) out=gen/out/file ;;
	*) out=gen/out/d ;;
	esac
	"$CHOUSA" -q --db gen/s.db export --format "$fmt" --active 30 -o "$out"
	python3 "$CHECK" values "$fmt" "$out" | sort > gen/got
	python3 "$CHECK" expect "$fmt" gen/expected.tsv | sort > gen/want
	if [ -s gen/want ] && cmp -s gen/got gen/want; then
		ok "each_active_indicator_once_$fmt"
	else
		not_ok "each_active_indicator_once_$fmt" "$(diff gen/want gen/got |
		    head -n 4 | tr '\n' ' ')"
	fi
done
# A URL on a known-benign host is kept, and so is a domain under one: a
# tenant's subdomain is its own (docs/verdict-policy.md row 5).
"$CHOUSA" -q --db gen/s.db export --format txt -o gen/all.txt
expect url_on_benign_host_kept '^http://h[0-9]+\.cdn1\.net/' gen/all.txt
expect domain_under_benign_host_kept '^h[0-9]+\.cdn[0-9]\.net$' gen/all.txt

# ---- hostile values in a store written by other means ----

cp "$db" hostile.db
python3 - hostile.db <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
def fnv(s):
    h = 14695981039346656037
    for b in s:
        h = ((h ^ b) * 1099511628211) & (2**64 - 1)
    return h - 2**64 if h >= 2**63 else h
rows = [
    (4, "tab\there.com"), (4, "new\nline.com"), (4, 'quo"te.com'),
    (4, "semi;colon.com"), (4, "x.rpz-ip"), (4, "a" * 64 + ".com"),
    (4, ".".join(["b" * 63] * 3) + ".com"), (4, "(empty)"), (4, "-"),
    (4, "nodot"), (4, "*.wild.com"), (4, "$origin.com"),
    (5, "http://h.example/a\tb"), (5, "http://h.example/back\\x41slash"),
    (5, "http://h.example/q'uo\"te"), (5, "http://h.example/" + "p" * 1100),
    (5, "http://h.example/" + "l" * 5000), (1, "203.0.113.9"),
    (6, "phish@h.example"),
]
for i, (t, v) in enumerate(rows):
    b = v.encode()
    db.execute("INSERT INTO indicators (type, value, vhash, source, family,"
        " reference, threat, confidence, first_seen, last_seen, host)"
        " VALUES (?, ?, ?, 'hostile', ?, ?, ?, 50, 1700000000, 1700000000, ?)",
        (t, v, fnv(b), "fam\tily\n\"x\"\\<script>;$ORIGIN",
         "https://x.example/\n; $ORIGIN evil.\n", "c2\r\n", "h.example" if t == 5 else None))
db.execute("INSERT INTO indicators (type, value, vhash, source) VALUES"
    " (4, CAST(X'6261642dc3282e636f6d' AS TEXT), 1, 'hostile')")
db.commit()
EOF
mkdir -p ho/txt
for fmt in $FORMATS; do
	out=h$(out_for "$fmt")
	if "$CHOUSA" --db hostile.db export --format "$fmt" -o "$out" 2> hsum.$fmt &&
	    python3 "$CHECK" values "$fmt" "$out" > /dev/null 2> check.err; then
		ok "hostile_values_keep_$fmt"
	else
		not_ok "hostile_values_keep_$fmt" "$(head -c 300 check.err hsum.$fmt)"
	fi
done
expect hostile_refused "left out [0-9]+: a value the format cannot carry" hsum.zeek-intel
check hostile_zone_loads 0 named-checkzone -q rpz.chousa ho/chousa.rpz
refute hostile_no_rpz_trigger 'rpz-ip|semi|\(empty\)|^-	|nodot|wild|origin' ho/chousa.rpz
refute hostile_no_long_rpz_name '^b{63}\.' ho/chousa.rpz
expect hostile_long_name_elsewhere "^b{63}\.b{63}\.b{63}\.com	Intel::DOMAIN" ho/chousa.intel
expect zeek_backslash_escaped 'back\\x5cx41slash' ho/chousa.intel
expect suricata_long_path_has_its_rule 'content:"/p{1100}"; bsize:1101;' ho/suricata/chousa.rules
for f in ho/ecs/chousa-ecs.ndjson ho/misp-feed/manifest.json ho/chousa.stix.json; do
	if python3 -c 'import json,sys
d = open(sys.argv[1], "rb").read().decode("utf-8", "strict")
[json.loads(l) for l in d.splitlines()] if sys.argv[1].endswith("ndjson") else json.loads(d)' "$f" 2> check.err
	then ok "hostile_json_valid_$(basename "$f")"
	else not_ok "hostile_json_valid_$(basename "$f")" "$(head -c 200 check.err)"; fi
done
refute hostile_zeek_no_stray_line '^; \$ORIGIN' ho/chousa.intel
if [ -n "$SCHEMA_PY" ]; then
	check hostile_stix_schema 0 "$SCHEMA_PY" "$STIX_VALIDATE" \
	    ho/chousa.stix.json
fi

# ---- Suricata: a rule per URL ----

# Any listed host with any listed path must not fire: each URL is one rule,
# exact on http.host and http.uri, its sid from a hash of the URL.
cp "$db" urls.db
cat > urls.txt <<'EOF'
http://feed.example/
http://github.com/owner/repo/raw/main/a.exe
http://evil.example/q"uo;te|pi\pe?x=1
http://evil.example/überfile.exe
http://evil.example:8080/p.php
http://feed.example/drop/b.bin
EOF
printf 'https://secure.example/x.exe\n' > urls-tls.txt
python3 - urls.db urls.txt urls-tls.txt <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("DELETE FROM indicators")
def fnv(s):
    h = 14695981039346656037
    for b in s:
        h = ((h ^ b) * 1099511628211) & (2**64 - 1)
    return h - 2**64 if h >= 2**63 else h
for f in sys.argv[2:]:
    for v in open(f, encoding="utf-8").read().split("\n")[:-1]:
        host = v.split("://")[1].split("/")[0].split(":")[0]
        db.execute("INSERT INTO indicators (type, value, vhash, source, family,"
            " confidence, first_seen, last_seen, host) VALUES (5, ?, ?,"
            " 'fe\"e;d', ?, 50, 1700000000, 1700000000, ?)",
            (v, fnv(v.encode()), 'win.x"y;z', host))
db.commit()
EOF
check suricata_url_rules_export 0 "$CHOUSA" --db urls.db export --format suricata -o urls
cp "$T/err" urls.summary
check suricata_url_rule_each_alone 0 python3 "$CHECK" suricata-urls urls urls.txt
expect suricata_url_rules_said "ok" "$T/out"
expect suricata_https_url_left_out "left out 1: a URL the engine cannot see in clear.*url 1" urls.summary
expect suricata_hostile_url_escaped 'content:"/q\|22\|uo\|3b\|te\|7c\|pi\|5c\|pe\?x=1"' urls/chousa.rules
expect suricata_non_ascii_url_hex 'content:"/\|c3 bc\|berfile\.exe"' urls/chousa.rules
expect suricata_url_port_in_host 'http\.host\.raw; content:"evil\.example:8080"; bsize:17; nocase;( fast_pattern;)? http\.uri; content:"/p\.php"' urls/chousa.rules
# A family that is no label (quotes, a semicolon) is none; the feed's
# name is escaped.
expect suricata_msg_escaped 'msg:"chousa HTTP request for a listed URL, (unknown family, )?first seen 2023-11-14, from fe\\"e\\;d"' urls/chousa.rules
refute suricata_msg_no_junk_family 'win\.x' urls/chousa.rules
refute suricata_no_url_sets 'url-(hosts|paths)' urls/chousa.rules
# The same URL keeps its sid when other URLs come and go.
sid_of() { grep -F 'content:"/drop/b.bin"' "$1" | sed 's/.*; sid:\([0-9]*\);.*/\1/'; }
first_sid=$(sid_of urls/chousa.rules)
python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute("DELETE FROM indicators WHERE value LIKE ?", ("%github%",)); d.commit()' urls.db
"$CHOUSA" -q --db urls.db export --format suricata -o urls
if [ -n "$first_sid" ] && [ "$(sid_of urls/chousa.rules)" = "$first_sid" ]; then
	ok suricata_url_sid_stable
else
	not_ok suricata_url_sid_stable "sid $first_sid became $(sid_of urls/chousa.rules)"
fi
# Colliding hashes probe to the next free sid: many URLs, no repeat.
python3 - urls.db <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for i in range(3000):
    v = "http://m%d.example/%d" % (i % 7, i)
    db.execute("INSERT INTO indicators (type, value, vhash, source, host)"
        " VALUES (5, ?, ?, 'feed', ?)", (v, i + 100, "m%d.example" % (i % 7)))
db.commit()
EOF
"$CHOUSA" -q --db urls.db export --format suricata -o urls
n_sids=$(grep -c 'sid:19' urls/chousa.rules)
n_unique=$(sed -n 's/.*; sid:\(19[0-9]*\);.*/\1/p' urls/chousa.rules | sort -u | wc -l)
if [ "$n_sids" -ge 3000 ] && [ "$n_sids" = "$n_unique" ]; then
	ok suricata_url_sids_unique
else
	not_ok suricata_url_sids_unique "$n_sids rules, $n_unique sids"
fi

# ---- the built-in shared-platform and public-resolver lists ----

# investigate's lists (data/) leave a whole-host entry out of an export
# even when no warninglist was imported; a URL of one file on such a host
# stays, a root URL (the whole host) does not.
cp "$db" shared.db
python3 - shared.db <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("DELETE FROM indicators")
db.execute("DELETE FROM benign")
rows = [(4, "github.com", None, "github.com"),
        (4, "cdn.discordapp.com", None, "discordapp.com"),
        (4, "drive.google.com", None, "google.com"),
        (4, "evil.example", None, "evil.example"),
        (4, "github.io", None, "github.io"),
        (4, "raw.githubusercontent.com", None, "githubusercontent.com"),
        (4, "evil-user.github.io", None, "evil-user.github.io"),
        (4, "d1234.cloudfront.net", None, "cloudfront.net"),
        (4, "ec2-198-51-100-9.compute-1.amazonaws.com", None, "amazonaws.com"),
        (1, "8.8.8.8", None, None), (1, "1.1.1.1", None, None),
        (1, "203.0.113.7", None, None),
        (5, "http://github.com/", "github.com", "github.com"),
        (5, "http://github.com/o/r/raw/a.exe", "github.com", "github.com"),
        (5, "http://8.8.8.8/", "8.8.8.8", None),
        (5, "http://www.google.com/", "www.google.com", "google.com"),
        (5, "http://www.google.com/?q=x", "www.google.com", "google.com"),
        (5, "http://google.com/", "google.com", "google.com"),
        (5, "http://evil.example/", "evil.example", "evil.example"),
        (5, "http://evil-user.github.io/", "evil-user.github.io", "evil-user.github.io")]
for i, (t, v, host, rd) in enumerate(rows):
    db.execute("INSERT INTO indicators (type, value, vhash, source, confidence,"
        " first_seen, last_seen, host, regdomain) VALUES (?, ?, ?, 'feed', 50,"
        " 1700000000, 1700000000, ?, ?)", (t, v, 1000 + i, host, rd))
db.commit()
EOF
check shared_rpz 0 "$CHOUSA" --db shared.db export --format rpz -o shared.rpz
expect shared_rpz_counted "left out 9: on a known-benign list.*domain 5" "$T/err"
refute shared_rpz_no_platform '^(github\.com|github\.io|raw\.githubusercontent\.com|cdn\.discordapp\.com|drive\.google\.com)[[:space:]]' shared.rpz
expect shared_rpz_keeps_the_rest '^evil\.example[[:space:]]+CNAME[[:space:]]+\.' shared.rpz
# A "*." platform's hosts are its tenants': an attacker's own host is blocked.
expect shared_rpz_keeps_tenant '^evil-user\.github\.io[[:space:]]+CNAME[[:space:]]+\.' shared.rpz
expect shared_rpz_keeps_cloudfront '^d1234\.cloudfront\.net[[:space:]]+CNAME[[:space:]]+\.' shared.rpz
expect shared_rpz_keeps_ec2 '^ec2-198-51-100-9\.compute-1\.amazonaws\.com[[:space:]]+CNAME' shared.rpz
check shared_zeek 0 "$CHOUSA" --db shared.db export --format zeek-intel -o shared.intel
refute shared_zeek_no_resolver '^(8\.8\.8\.8|1\.1\.1\.1)	' shared.intel
expect shared_zeek_keeps_address '^203\.0\.113\.7	Intel::ADDR' shared.intel
expect shared_zeek_keeps_file_url '^github\.com/o/r/raw/a\.exe	Intel::URL' shared.intel
refute shared_zeek_no_root_url '^(github\.com|8\.8\.8\.8)/	' shared.intel
expect shared_zeek_keeps_other_root '^evil\.example/	Intel::URL' shared.intel
expect shared_zeek_keeps_tenant '^evil-user\.github\.io	Intel::DOMAIN' shared.intel
expect shared_zeek_keeps_cloudfront '^d1234\.cloudfront\.net	Intel::DOMAIN' shared.intel
expect shared_zeek_keeps_tenant_root '^evil-user\.github\.io/	Intel::URL' shared.intel
refute shared_zeek_no_platform_name '^(github\.io|raw\.githubusercontent\.com)	' shared.intel
expect shared_zeek_counted "left out 9: on a known-benign list.*ipv4 2, domain 5, url 2" "$T/err"
check shared_include_benign 0 "$CHOUSA" -q --db shared.db export --format zeek-intel \
    --include-benign -o shared-all.intel
expect shared_include_benign_keeps '^github\.com/	Intel::URL' shared-all.intel
expect shared_include_benign_keeps_resolver '^8\.8\.8\.8	Intel::ADDR' shared-all.intel
expect shared_include_benign_keeps_platform '^github\.io	Intel::DOMAIN' shared-all.intel
expect shared_include_benign_keeps_tenant '^evil-user\.github\.io	Intel::DOMAIN' shared-all.intel
# A warninglisted host's root URL is the host: left out; with a query, or
# on a host under the listed one (not named by the list), kept.
import_all shared.db "warninglist=$TESTS/../demo/warninglist.json"
check shared_after_warninglist 0 "$CHOUSA" -q --db shared.db export --format zeek-intel -o shared2.intel
refute warninglisted_root_url_left_out '^google\.com/	' shared2.intel
expect warninglisted_url_with_query_kept '^www\.google\.com/\?q=x	Intel::URL' shared2.intel
expect root_url_under_listed_host_kept '^www\.google\.com/	Intel::URL' shared2.intel

# ---- a filter that selects nothing ----

# A misspelt source is refused, not a silently narrower export.
rm -f typo.csv
check sources_typo_refused 2 "$CHOUSA" --db "$db" export --format csv \
    --sources feodo,urlhuas -o typo.csv
expect sources_typo_names_it "urlhuas.*did you mean 'urlhaus'" "$T/err"
if [ -e typo.csv ]; then not_ok sources_typo_writes_nothing; else ok sources_typo_writes_nothing; fi
check sources_unknown_refused 2 "$CHOUSA" --db "$db" export --format csv \
    --sources nosuch -o typo.csv
expect sources_unknown_says_so "nothing from 'nosuch'" "$T/err"
check sources_known_kept 0 "$CHOUSA" -q --db "$db" export --format csv \
    --sources feodo,urlhaus -o ok.csv
refute sources_known_quiet 'selected nothing' "$T/err"
# Filters that leave out every entry of a full store: said, even with -q.
check filters_select_nothing 0 "$CHOUSA" -q --db "$db" export --format csv \
    --min-confidence 100 --since 2099-01-01 -o none.csv
expect filters_select_nothing_warned 'selected nothing' "$T/err"

# ---- docs/export.md's scheduling recipes ----

# Followed literally, a recipe must reach the right store: each chousa it
# runs names the team server (--server) or the server's store and config
# (CHOUSA_DB and CHOUSA_CONFIG, in the line or the unit), by the path
# `make install` uses; none runs update beside --server.
if python3 - "$TESTS/../docs/export.md" > recipes.err 2>&1 <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
sec = text.split("## Scheduling", 1)[1].split("\n## ", 1)[0]
bad = []
for block in re.findall(r"```\n(.*?)```", sec, re.S):
    unit_env = "Environment=CHOUSA_DB=" in block and "Environment=CHOUSA_CONFIG=" in block
    for line in block.splitlines():
        for m in re.finditer(r"(?:(\S+)=\S+ )*(\S*/?chousa) -q ([^&]*)", line):
            path, rest = m.group(2).split("=")[-1], m.group(3)
            if path != "/usr/local/bin/chousa":
                bad.append("not the installed path: " + line[:80])
            env = ("CHOUSA_DB=" in m.group(0) and "CHOUSA_CONFIG=" in m.group(0)) or unit_env
            if "--server" in rest and " update" in line:
                bad.append("update beside --server: " + line[:80])
            if "--server" not in rest and not env:
                bad.append("no store named: " + line[:80])
if bad:
    print("\n".join(bad))
    sys.exit(1)
EOF
then ok docs_scheduling_recipes_name_the_store
else not_ok docs_scheduling_recipes_name_the_store "$(head -c 300 recipes.err)"; fi

# ---- --delta ----

cp "$db" delta.db
mkdir -p dz
check delta_first_run 0 "$CHOUSA" --db delta.db export --format suricata \
    --delta d.state -o dd
expect delta_first_adds_all "delta: [1-9][0-9]* added or changed, 0 removed" "$T/err"
expect delta_add_command '^dataset-add chousa-domains string d3d3LmRuYXV0aWsuY29t$' dd/delta-7.txt
check delta_zeek_first 0 "$CHOUSA" --db delta.db export --format zeek-intel \
    --delta z.state -o dz/chousa.intel
sqlite3 delta.db "DELETE FROM indicators WHERE value = 'www.dnautik.com'"
import_all delta.db "threatfox=$TESTS/data/feeds/threatfox.csv"
check delta_second_run 0 "$CHOUSA" --db delta.db export --format suricata \
    --delta d.state -o dd
expect delta_counts "delta: [1-9][0-9]* added or changed, 1 removed" "$T/err"
expect delta_remove_command '^dataset-remove chousa-domains string d3d3LmRuYXV0aWsuY29t$' dd/delta-7.txt
expect delta_remove_json_set '^dataset-remove chousa-domains-json string d3d3LmRuYXV0aWsuY29t$' dd/delta-8.txt
refute delta_add_has_no_space_in_json '^dataset-add-json [^ ]+ [^ ]+ [^ ]+ .* ' dd/delta-8.txt
check delta_zeek_second 0 "$CHOUSA" --db delta.db export --format zeek-intel \
    --delta z.state -o dz/chousa.intel
expect zeek_intel_remove 'Intel::remove\(\[\$indicator="www\.dnautik\.com", \$indicator_type=Intel::DOMAIN' dz/chousa-remove.zeek
check delta_third_run_unchanged 0 "$CHOUSA" --db delta.db export --format suricata \
    --delta d.state -o dd
expect delta_nothing_changed "delta: 0 added or changed, 0 removed" "$T/err"
check delta_state_of_other_format 2 "$CHOUSA" --db delta.db export --format csv \
    --delta d.state -o dd/x.csv
printf '# chousa export state 1 format=suricata\nnot a line\n' > bad.state
check delta_damaged_state 3 "$CHOUSA" --db delta.db export --format suricata \
    --delta bad.state -o dd
expect delta_damaged_message "state file 'bad.state' is damaged at line 2" "$T/err"

# ---- failures ----

check unknown_format 2 "$CHOUSA" --db "$db" export --format nope
check dir_format_needs_output 2 "$CHOUSA" --db "$db" export --format suricata
check delta_needs_a_delta_format 2 "$CHOUSA" --db "$db" export --format rpz \
    --delta x.state -o x.rpz
check bad_tlp 2 "$CHOUSA" --db "$db" export --format stix --tlp purple
check bad_min_confidence 2 "$CHOUSA" --db "$db" export --format txt \
    --min-confidence 101
check missing_parent_dir 3 "$CHOUSA" --db "$db" export --format rpz \
    -o no/such/dir/x.rpz
mkdir -p ro && chmod 555 ro
if [ "$(id -u)" -ne 0 ]; then
	check unwritable_dir 3 "$CHOUSA" --db "$db" export --format txt -o ro/x
fi
# A rename that fails leaves no temporary file behind.
mkdir -p blocked/chousa.rules
check rename_fails 3 "$CHOUSA" --db "$db" export --format suricata -o blocked
if ls -A blocked | grep -q '\.tmp\.'; then
	not_ok no_temporary_files_left "$(ls -A blocked | head -c 200)"
else
	ok no_temporary_files_left
fi
chmod 755 ro

# ---- failure injection: every failed allocation or write is a clean error
# that leaves the files of the last export as they were ----

ICHOUSA="${BUILD:-$(dirname "$CHOUSA")}-inject/chousa"
if [ -x "$ICHOUSA" ]; then
	for mode in ALLOC WRITE; do
		for fmt in stix suricata; do
			rm -rf inj && mkdir inj
			bad= n=1
			"$CHOUSA" -q --db "$db" export --format "$fmt" \
			    -o inj/x 2> inj.err ||
			    bad="the export before: $(head -c 200 inj.err)"
			cp -r inj/x inj.before 2> /dev/null || cp inj/x inj.before
			[ -n "$bad" ] && n=100000
			while [ "$n" -lt 100000 ]; do
				env "CHOUSA_FAIL_$mode=$n" "$ICHOUSA" -q --db "$db" \
				    export --format "$fmt" -o inj/x > /dev/null \
				    2> inj.err
				st=$?
				[ "$st" -eq 0 ] && break
				if [ "$st" -ne 3 ] && [ "$st" -ne 5 ] ||
				    [ "$(grep -c '^chousa: ' inj.err)" -ne 1 ]; then
					bad="N=$n: status $st: $(head -c 200 inj.err)"
					break
				fi
				if ls -A inj inj/x 2> /dev/null | grep -q '\.tmp\.' ||
				    ! diff -r inj.before inj/x > inj.diff 2>&1; then
					bad="N=$n: files changed or left behind: $(ls -A inj inj/x 2> /dev/null | tr '\n' ' ') $(head -c 300 inj.diff)"
					break
				fi
				n=$((n < 30 ? n + 1 : n * 4 / 3))
			done
			rm -rf inj.before
			if [ -z "$bad" ]; then
				ok "inject_${mode}_$fmt"
			else
				not_ok "inject_${mode}_$fmt" "$bad"
			fi
		done
	done
else
	echo "ok - inject_export # SKIP $ICHOUSA not built"
fi
exit 0
