# test-benign-policy.sh: the known-benign lists judged one way everywhere
# (docs/verdict-policy.md rows 1 to 5), on real MISP warninglists and
# abuse.ch files: export leaves out what investigate does not call
# malicious because of a benign list, and keeps what it calls malicious;
# hash lists (EICAR, empty files, false positives) are consulted; the
# sinkhole list is no benign list; an export's evidence link is the
# record's own page, as lookup gives it.
. "$TESTS/cli/lib.sh"

WL=$SAMPLES/import/warninglists
WX=$SAMPLES/import/warninglists-excerpts
FEODO=$SAMPLES/abusech/feodo
cd "$T" || exit 1
export CHOUSA_DB="$T/s.db"

# verdict NAME WANT INDICATOR: investigate --offline's verdict.
verdict() {
	"$CHOUSA" investigate --offline --json "$3" > "$T/inv.json" 2> "$T/inv.err"
	got=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["verdict"])' "$T/inv.json" 2> /dev/null)
	if [ "$got" = "$2" ]; then ok "$1"; else
		not_ok "$1" "verdict '$got', want '$2': $(head -c 200 "$T/inv.err")"
	fi
}

# ---- a listed domain under a benign parent is the tenant's ----

cat > domains.txt <<'EOF'
evil-phish.wordpress.org
malware.files.wordpress.com
wordpress.org
files.wordpress.com
EOF
"$CHOUSA" -q import list domains.txt --family win.emotet
check top500_imported 0 "$CHOUSA" import warninglist "$WL/moz-top500.list.json"
check export_tenants 0 "$CHOUSA" export --format txt -o domains.out
expect tenant_wordpress_org_kept '^evil-phish\.wordpress\.org$' domains.out
expect tenant_files_wordpress_kept '^malware\.files\.wordpress\.com$' domains.out
# What the list names itself (row 2) is left out, and counted.
refute listed_benign_left_out '^(wordpress\.org|files\.wordpress\.com)$' domains.out
expect listed_benign_counted 'left out 2: on a known-benign list.*domain 2' "$T/err"
verdict tenant_malicious malicious evil-phish.wordpress.org
verdict tenant_under_listed_host_malicious malicious malware.files.wordpress.com
verdict listed_benign_suspicious suspicious wordpress.org

# ---- an address in a cloud range: one source is not enough (row 4) ----

"$CHOUSA" -q import feodo "$FEODO/ipblocklist_recommended_2022-07-08.txt"
check gcp_imported 0 "$CHOUSA" import warninglist "$WL/google-gcp.list.json"
check export_cloud_one 0 "$CHOUSA" export --format txt --types ip -o cloud1.out
refute cloud_one_source_left_out '^34\.80\.191\.247$' cloud1.out
verdict cloud_one_source_suspicious suspicious 34.80.191.247
echo 34.80.191.247 > ip.txt
"$CHOUSA" -q import list ip.txt --family win.emotet
check export_cloud_two 0 "$CHOUSA" export --format txt --types ip -o cloud2.out
expect cloud_two_sources_kept '^34\.80\.191\.247$' cloud2.out
verdict cloud_two_sources_malicious malicious 34.80.191.247

# ---- investigate and export give one verdict ----

# agree NAME INDICATOR WANT: investigate's verdict is WANT, and the export
# in agree.out tells the same: kept when malicious, left out when not.
agree() {
	"$CHOUSA" investigate --offline --json "$2" > "$T/inv.json" 2> "$T/inv.err"
	got=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["verdict"])' "$T/inv.json" 2> /dev/null)
	if grep -Fqx -- "$2" agree.out; then kept=malicious; else kept=suspicious; fi
	if [ "$got" = "$3" ] && [ "$kept" = "$3" ]; then ok "$1"; else
		not_ok "$1" "investigate '$got', export '$kept', want '$3'"
	fi
}

export CHOUSA_DB="$T/a.db"
cat > agree.txt <<'EOF'
wordpress.org
104.16.0.1
tenant.cdn-example.net
cdn-example.net
1.1.1.1
http://wordpress.org/
http://wordpress.org/evil/x.exe
http://tenant.cdn-example.net/
EOF
# A CDN's hostnames, as a warninglist of its names would give them.
cat > cdn.json <<'EOF'
{"name": "List of known CDN hostnames", "type": "hostname", "version": 1,
 "description": "Names a CDN serves its customers under", "list": ["cdn-example.net"]}
EOF
"$CHOUSA" -q import list agree.txt --family win.emotet
check agree_top500 0 "$CHOUSA" import warninglist "$WL/moz-top500.list.json"
check agree_cloudflare 0 "$CHOUSA" import warninglist "$WL/cloudflare.list.json"
check agree_cdn_names 0 "$CHOUSA" import warninglist cdn.json
check agree_export 0 "$CHOUSA" export --format txt -o agree.out
# Row 2: a domain a benign list names itself.
agree agree_named_domain wordpress.org suspicious
# Row 3: an address in a CDN's range, listed once.
agree agree_cdn_address 104.16.0.1 suspicious
# Row 5: a tenant's name under a CDN's is its own; the CDN's own is not.
agree agree_cdn_tenant tenant.cdn-example.net malicious
agree agree_cdn_own_name cdn-example.net suspicious
# Row 3: a public resolver (chousa's list; no resolver list imported).
agree agree_resolver 1.1.1.1 suspicious
# A root URL names its whole host; any other URL one resource (row 1).
agree agree_root_url_benign_host http://wordpress.org/ suspicious
agree agree_file_url_benign_host http://wordpress.org/evil/x.exe malicious
agree agree_root_url_tenant http://tenant.cdn-example.net/ malicious

# ---- a shared platform's own host, with no warninglist at all ----

export CHOUSA_DB="$T/p.db"
cat > agree.txt <<'EOF'
github.com
www.dropbox.com
evil-user.github.io
http://github.com/
http://github.com/evil/x.exe
http://evil-user.github.io/
EOF
"$CHOUSA" -q import list agree.txt --family win.emotet
check platform_export 0 "$CHOUSA" export --format txt -o agree.out
agree platform_host github.com suspicious
agree platform_plain_entry_host www.dropbox.com suspicious
agree platform_tenant evil-user.github.io malicious
agree platform_root_url http://github.com/ suspicious
agree platform_file_url http://github.com/evil/x.exe malicious
agree platform_tenant_root_url http://evil-user.github.io/ malicious
expect platform_counted 'left out 3: on a known-benign list.*domain 2, url 1' "$T/err"
check platform_rpz 0 "$CHOUSA" export --format rpz -o agree.rpz
refute platform_rpz_no_platform '^(\*\.)?(github\.com|www\.dropbox\.com)[[:space:]]' agree.rpz
expect platform_rpz_tenant '^evil-user\.github\.io[[:space:]]+CNAME' agree.rpz
check platform_suricata 0 "$CHOUSA" export --format suricata -o agree.suricata
refute platform_suricata_no_platform '"value":"(github\.com|www\.dropbox\.com)"' agree.suricata/domains.jsonl
expect platform_suricata_tenant '"value":"evil-user\.github\.io"' agree.suricata/domains.jsonl
# The file URL on the platform is a rule; its root URL is none.
expect platform_suricata_file_url 'content:"github\.com"; bsize:10; nocase; http\.uri; content:"/evil/x\.exe"' agree.suricata/chousa.rules
refute platform_suricata_no_root 'content:"github\.com"; bsize:10; nocase; http\.uri; content:"/";' agree.suricata/chousa.rules

# ---- hash warninglists are consulted ----

EICAR=275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f
EMPTY=d41d8cd98f00b204e9800998ecf8427e
FP=00014cb6ebc0e2fb3f83dec061fc8ac1
export CHOUSA_DB="$T/h.db"
printf '%s\n%s\n%s\n' "$EICAR" "$EMPTY" "$FP" > hashes.txt
"$CHOUSA" -q import list hashes.txt --family win.emotet
check eicar_imported 0 "$CHOUSA" import warninglist "$WL/eicar.com.list.json"
check empty_imported 0 "$CHOUSA" import warninglist "$WL/empty-hashes.list.json"
check fp_imported 0 "$CHOUSA" import warninglist "$WX/ti-falsepositives.excerpt.json"
check hash_lookup 0 "$CHOUSA" lookup "$EICAR" "$EMPTY" "$FP"
expect eicar_known_benign "known benign: List of hashes for EICAR test virus .*$EICAR" "$T/out"
expect empty_known_benign "known benign: List of known hashes for empty files .*$EMPTY" "$T/out"
expect fp_known_benign "known benign: Hashes that are often included .*$FP" "$T/out"
expect eicar_lookup_not_malicious "^(sha256|md5|sha1) [0-9a-f]+: [0-9]+ records?, suspicious" "$T/out"
refute hash_lookup_never_malicious "records?, malicious" "$T/out"
verdict eicar_suspicious suspicious "$EICAR"
verdict empty_md5_suspicious suspicious "$EMPTY"
check hash_export 0 "$CHOUSA" export --format txt -o hashes.out
refute hashes_left_out "^($EICAR|$EMPTY|$FP)$" hashes.out
expect hashes_counted 'left out 3: on a known-benign list.*md5 2, sha256 1' "$T/err"
check sources_hash_types 0 "$CHOUSA" sources
# A source not asked (no key it needs) has no quota to speak of.
expect sources_no_key_not_used '^virustotal +online +[a-z,]+ +no key +not used ' "$T/out"
python3 - "$T/out" > benign-types <<'EOF'
import sys
lines = open(sys.argv[1]).read().splitlines()
i = next(i for i, l in enumerate(lines) if l.startswith("benign "))
print(lines[i + 1])
EOF
expect benign_source_takes_hashes 'types: .*md5,sha1,sha256' benign-types
# A hash no list names stays malicious.
printf '%s\n' 0123456789abcdef0123456789abcdef > other.txt
"$CHOUSA" -q import list other.txt --family win.emotet
verdict other_hash_malicious malicious 0123456789abcdef0123456789abcdef

# ---- sinkholes are no benign list ----

export CHOUSA_DB="$T/k.db"
check sinkholes_skipped 0 "$CHOUSA" import warninglist "$WL/sinkholes.list.json"
expect sinkholes_say_why 'skipped 107 not kept: a warninglist of sinkholes, whose contact is a sign of infection' "$T/err"
[ "$(sqlite3 "$CHOUSA_DB" "SELECT count(*) FROM benign")" = 0 ] &&
	ok sinkholes_not_stored || not_ok sinkholes_not_stored "rows in benign"
# A store where an older chousa kept them: importing the list again
# removes them.
sqlite3 "$CHOUSA_DB" "INSERT INTO benign (list, kind, match, entry, net, prefix)
    VALUES ('List of known sinkholes', 'other', 'cidr', '104.155.11.149',
    X'689b0b95', 32)"
check sinkhole_was_benign 0 "$CHOUSA" lookup 104.155.11.149
expect sinkhole_was_benign_said 'known benign: List of known sinkholes' "$T/out"
check sinkholes_reimported 0 "$CHOUSA" import warninglist "$WL/sinkholes.list.json"
check sinkhole_lookup 0 "$CHOUSA" lookup 104.155.11.149
refute sinkhole_no_longer_benign 'sinkholes' "$T/out"

# ---- the evidence link: the record's own page ----

export CHOUSA_DB="$T/f.db"
"$CHOUSA" -q import feodo "$FEODO/ipblocklist_2021-12-20.csv"
check feodo_export 0 "$CHOUSA" export --format csv -o feodo.csv
expect feodo_own_page '"87\.120\.37\.231".*"https://feodotracker\.abuse\.ch/browse/host/87\.120\.37\.231/"' feodo.csv
refute feodo_no_generic_page 'browse/host/"' feodo.csv
check feodo_lookup 1 "$CHOUSA" lookup --json 87.120.37.231
expect feodo_lookup_same_page 'https://feodotracker\.abuse\.ch/browse/host/87\.120\.37\.231/' "$T/out"
