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
