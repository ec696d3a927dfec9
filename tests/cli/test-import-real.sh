# test-import-real.sh: `chousa import` over files other projects published
# (tests/data/samples/import/, provenance in tests/data/samples/README.md):
# every MISP warninglist, galaxy, PyMISP event and feed, OASIS, Unit 42 and
# ATT&CK STIX bundle is imported right or refused clearly; no benign list
# becomes indicators; each real shape the field showed imports; and what
# an import keeps answers in investigate as it does in sweep.
. "$TESTS/cli/lib.sh"

D=$SAMPLES/import
GEN="$TESTS/../bench/gen_warninglist.py"

# counts FILE: "read added updated unchanged rejected" of the summary line.
counts() {
	sed -n 's/.*read \([0-9]*\), added \([0-9]*\), updated \([0-9]*\), unchanged \([0-9]*\), rejected \([0-9]*\)$/\1 \2 \3 \4 \5/p' "$1" | head -n1
}

# ---- every file: imported right, or refused saying what it is ----

export CHOUSA_DB="$T/all.db"
n=0 bad=""
for f in $(find "$D" -type f \( -name '*.json' -o -name '*.csv' \) | sort); do
	n=$((n + 1))
	"$CHOUSA" import --source auto "$f" > /dev/null 2> "$T/e"
	st=$?
	name=${f#"$D"/}
	case $st in
	0)
		set -- $(counts "$T/e")
		if [ $# -ne 5 ]; then
			bad="$bad|$name: no summary: $(head -c 160 "$T/e")"
		elif [ "$1" -ne $(($2 + $3 + $4 + $5)) ]; then
			bad="$bad|$name: counts do not add up: $*"
		fi
		grep -q '^list: ' "$T/e" && bad="$bad|$name: read as a list"
		;;
	3)
		grep -Eq "^chousa: cannot tell the format of '.*': it is " "$T/e" &&
		    [ "$(wc -l < "$T/e")" -eq 1 ] ||
		    bad="$bad|$name: unclear refusal: $(head -c 200 "$T/e")"
		;;
	*)
		bad="$bad|$name: exit $st: $(head -c 200 "$T/e")"
		;;
	esac
done
[ "$n" -gt 100 ] && [ -z "$bad" ] && ok every_real_file_imported_or_refused ||
	not_ok every_real_file_imported_or_refused "$n files$bad"
# A benign list never becomes indicators: not one row from a warninglist
# or a galaxy, and the names they hold are not malicious.
[ "$(sqlite3 "$CHOUSA_DB" "SELECT count(*) FROM indicators WHERE source IN ('list', 'warninglist', 'malpedia')")" = 0 ] &&
	ok benign_lists_make_no_indicators ||
	not_ok benign_lists_make_no_indicators "$(sqlite3 "$CHOUSA_DB" "SELECT source, value FROM indicators WHERE source IN ('list', 'warninglist', 'malpedia') LIMIT 3")"
check benign_names_not_malicious 0 "$CHOUSA" lookup google.com 8.8.8.8 \
	twitter.com attack.mitre.org 1.1.1.1

# The Feodo Tracker blocklist names some addresses twice: 750 rows read
# are 728 added, 6 updated by a later row and 16 already as they were.
check feodo_counts_add_up 0 "$CHOUSA" --db "$T/feodo.db" import feodo \
	"$SAMPLES/abusech/feodo/ipblocklist_2021-12-20.csv"
expect feodo_counts_sum "read 750, added 728, updated 6, unchanged 16, rejected 0" "$T/err"

# ---- detection: refusals say what the file is, before any write ----

export CHOUSA_DB="$T/one.db"
: > "$T/empty.json"
check empty_file_auto 3 "$CHOUSA" import --source auto "$T/empty.json"
expect empty_file_says_empty "'.*empty.json' is empty$" "$T/err"
check empty_file_named 3 "$CHOUSA" import warninglist "$T/empty.json"
expect empty_file_named_says_empty "is empty$" "$T/err"
check galaxy_refused 3 "$CHOUSA" import --source auto "$D/galaxy/clusters-threat-actor.excerpt.json"
expect galaxy_refusal_names_it "MISP galaxy cluster of type 'threat-actor'" "$T/err"
check misp_index_refused 3 "$CHOUSA" import --source auto "$D/misp/search_index_result.json"
expect misp_index_refusal_names_it "a MISP event index, events without their attributes; the importers of JSON are urlhaus, threatfox, feodo, malpedia, warninglist, stix and misp" "$T/err"
check wrong_format_named 3 "$CHOUSA" import warninglist "$D/stix/unit42/icedid.excerpt.json"
expect wrong_format_says_what_it_is "is not a MISP warninglist \(list.json\): it is a STIX 2.0 or 2.1 bundle \(import stix\)" "$T/err"
check list_refuses_warninglist 3 "$CHOUSA" import list "$D/warninglists/google.list.json"
expect list_refusal_names_warninglist "is a MISP warninglist \(list.json\), not a list" "$T/err"
[ "$(sqlite3 "$CHOUSA_DB" "SELECT (SELECT count(*) FROM indicators) + (SELECT count(*) FROM benign)")" = 0 ] &&
	ok refused_files_wrote_nothing || not_ok refused_files_wrote_nothing "rows written"

# ---- warninglists: real shapes, any size ----

# amazon-aws (96 KB): "list" comes first and "type" 90 KB later.
check warninglist_large_named 0 "$CHOUSA" import warninglist "$D/warninglists/amazon-aws.list.json"
expect warninglist_large_counts "read 3847, added 3847, updated 0, unchanged 0, rejected 0" "$T/err"
check warninglist_large_auto 0 "$CHOUSA" import --source auto "$D/warninglists/microsoft-azure.list.json"
expect warninglist_large_auto_is_warninglist "^warninglist: .*read 2683, added 2683" "$T/err"
# Leading dots: ".aadrm.com" and ".bmw.de" cover the names under them.
"$CHOUSA" -q import warninglist "$D/warninglists/microsoft.list.json" "$D/warninglists/dax30.list.json"
check leading_dot_lookup 0 "$CHOUSA" lookup x.aadrm.com www.bmw.de
expect leading_dot_microsoft "known benign: List of known microsoft domains .*aadrm.com" "$T/out"
expect leading_dot_dax30 "known benign: List of known dax30 webpages .*bmw.de" "$T/out"
# An old list: "type": ["cidr"], no matching attribute type, list first.
check warninglist_2016_type_array 0 "$CHOUSA" import --source auto "$D/warninglists-historic/rfc1918-2016-06-27-30ef83d.list.json"
check warninglist_2016_applied 0 "$CHOUSA" lookup 10.20.30.40
expect warninglist_2016_rfc1918 "known benign: .*10.0.0.0/8" "$T/out"
# Lists that must not hide hits, and regex lists: skipped, and said so.
check regex_list_skipped 0 "$CHOUSA" import warninglist "$D/warninglists/phone_numbers.list.json"
expect regex_list_says_why "skipped 33 not kept: a regex warninglist" "$T/err"
check dynamic_dns_skipped 0 "$CHOUSA" import warninglist "$D/warninglists-excerpts/dynamic-dns.excerpt.json"
expect dynamic_dns_says_why "skipped 57 not kept: a warninglist of dynamic DNS, known but not benign" "$T/err"
check email_list_skipped 0 "$CHOUSA" import warninglist "$D/warninglists/microsoft-azure-appid.list.json"
expect email_list_says_why "a warninglist for azure-application-id, which chousa does not check" "$T/err"
# A ranking is a ranking whatever provider publishes it: Cloudflare
# Radar's top domains are no CDN's names.
check radar_ranking_imported 0 "$CHOUSA" import warninglist "$D/warninglists-excerpts/cloudflare-top100k.excerpt.json"
k=$(sqlite3 "$CHOUSA_DB" "SELECT DISTINCT kind FROM benign WHERE list = 'Top 100,000 domains from Cloudflare Radar'")
[ "$k" = top ] && ok radar_ranking_kind_top || not_ok radar_ranking_kind_top "kind '$k'"
# A rejected entry names its place in the list.
check warninglist_reject_path 0 "$CHOUSA" import warninglist "$D/warninglists/covid.list.json"
expect warninglist_reject_names_path "rejected list\[37\]: 'corona helden'" "$T/err"
# The public-dns-v4 list (1.3 MB, 62,745 addresses) and tranco (1M
# names, bench/) are too large to keep: the generator writes them as the
# repository does.  Memory stays that of the caches, not of the list.
if python3 "$GEN" public-dns-v4 "$T/public-dns-v4.json"; then
	python3 - "$CHOUSA" "$T/big.db" "$T/public-dns-v4.json" > "$T/rss" 2> "$T/err" <<'PY'
import resource, subprocess, sys
subprocess.run([sys.argv[1], "--db", sys.argv[2], "import", "--source",
    "auto", sys.argv[3]], check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
PY
	expect generated_list_imported "^warninglist: .*read 62745, added 62745, updated 0, unchanged 0, rejected 0" "$T/err"
	case "$BUILD" in
	*-san*) ok "generated_list_memory # SKIP sanitizer build" ;;
	*) [ "$(cat "$T/rss")" -lt 100 ] && ok generated_list_memory ||
		not_ok generated_list_memory "$(cat "$T/rss") MB" ;;
	esac
else
	not_ok generated_list_imported "gen_warninglist.py failed"
fi

# ---- MISP: every shape imports its attributes ----

M=$D/misp
check misp_bare_sorted_event 0 "$CHOUSA" import --source auto "$M/mispevent_testfiles__existing_event.json"
expect misp_bare_event_imports "^misp: .*\(event\): read 88, added 86, updated 2" "$T/err"
expect misp_bare_event_skips_named "skipped 54 not kept: link, text, filename" "$T/err"
check misp_rest_wrapper 0 "$CHOUSA" import --source auto "$M/mispevent_testfiles__malware_exist.json"
expect misp_rest_wrapper_imports "^misp: .*read 4, added 3" "$T/err"
check misp_event_array 0 "$CHOUSA" import --source auto "$M/search_event_by_tag.json"
expect misp_event_array_both "^misp: .*\(2 events\): read 4, added 2" "$T/err"
expect misp_reject_names_path "rejected \[0\]\.Event\.Attribute\[0\]: '2ccc6'" "$T/err"
check misp_empty_event 0 "$CHOUSA" import misp "$M/new_misp_event.json"
expect misp_empty_event_said "nothing to import: the event holds no attributes" "$T/err"
check misp_feed_dir 0 "$CHOUSA" import misp "$M/feed-tweetfeed"
expect misp_feed_dir_counts "^misp: .*\(feed\): read 119, added 119" "$T/err"
check misp_feed_hashes_csv 0 "$CHOUSA" import --source auto "$M/feed-tweetfeed/hashes.csv"
expect misp_feed_hashes_csv_is_feed "^misp: .*\(feed\): read 119, added 0, updated 0, unchanged 119" "$T/err"
check misp_feed_missing_events 0 "$CHOUSA" import --source auto "$M/feed-fukuro/manifest.json"
expect misp_feed_missing_counted "read 8, .*rejected 6" "$T/err"
# The comment of a feed's attribute is its link; tags are kept.
check misp_feed_reference 1 "$CHOUSA" lookup --json mu-hiqwnkesad.com
expect misp_feed_reference_link '"reference":"https://x.com/kubotaa3/status/2083367233183715611"' "$T/out"
expect misp_feed_tags '"tags":\["TweetFeed","type:OSINT","tlp:clear","phishing"\]' "$T/out"

# to_ids: a listing or an observation.  CIRCL event 57153590 (excerpt).
export CHOUSA_DB="$T/misp.db"
check misp_long_event 0 "$CHOUSA" -v import misp "$M/reportlab__long_event.excerpt.json"
expect misp_junk_url_rejected "rejected Event.Attribute\[0\]: '107.183.86' is no URL" "$T/err"
check misp_to_ids_listed 1 "$CHOUSA" lookup gugehotel.cn
check misp_not_ids_observed 0 "$CHOUSA" lookup uyguhr1.webhop.net 114.60.106.156
expect misp_observed_shown "exact +misp +observed" "$T/out"
check misp_schemeless_url 1 "$CHOUSA" lookup http://www.kcico.com.tw/data/openwebmail/doc/wthk.txt
check misp_listing_investigated 1 "$CHOUSA" investigate --offline --sources local gugehotel.cn
expect misp_listing_verdict "^Verdict: malicious: listed by Imported lists" "$T/out"
expect misp_listing_reference "MISP event 57153590-" "$T/out"
check misp_observation_investigated 0 "$CHOUSA" investigate --offline --sources local uyguhr1.webhop.net
expect misp_observation_no_verdict "^Verdict: unknown" "$T/out"
expect misp_observation_identifies "Imported reports +hit" "$T/out"
expect misp_observation_says_seen "seen in a MISP report, not listed" "$T/out"

# sweep and sweep --investigate agree: the listing is a hit, found again;
# the observation is no hit.
printf '%s\n' \
    '1606478400.1 12 10.1.2.3 TCP_MISS/200 5120 GET http://gugehotel.cn/a - HIER_DIRECT/203.0.113.5 text/html' \
    '1606478401.1 12 10.1.2.4 TCP_MISS/200 5120 GET http://uyguhr1.webhop.net/b - HIER_DIRECT/203.0.113.6 text/html' \
    > "$T/proxy.log"
check sweep_listing_hit 1 "$CHOUSA" sweep "$T/proxy.log"
expect sweep_hits_listing "gugehotel.cn" "$T/out"
refute sweep_skips_observation "uyguhr1.webhop.net" "$T/out"
check sweep_investigate_agrees 1 "$CHOUSA" sweep --investigate --offline "$T/proxy.log"
expect sweep_investigate_malicious "investigation of gugehotel.cn.*malicious" "$T/out"
refute sweep_investigate_not_unknown "investigation of .*unknown" "$T/out"

# ---- STIX: keys in any order, 2.0, ranges, URLs without scheme ----

export CHOUSA_DB="$T/stix.db"
S=$D/stix
# id, objects, spec_version, type: "type": "bundle" is the last key.
check stix_sorted_keys 0 "$CHOUSA" import --source auto "$S/unit42/icedid.excerpt.json"
expect stix_sorted_keys_imports "^stix: .*\(stix2.0\): read 10, added 10" "$T/err"
check stix_schemeless_url 1 "$CHOUSA" lookup http://104.238.220.131/download/sys.exe
check stix_cidr 0 "$CHOUSA" import stix "$S/oasis/json-schemas__apt1.json"
check stix_cidr_lookup 0 "$CHOUSA" lookup 223.167.1.1
expect stix_cidr_match "cidr +stix" "$T/out"
expect stix_cidr_inside_suspicious "^ipv4 223\.167\.1\.1: [0-9]+ records?, suspicious" "$T/out"
check stix_dst_ref 0 "$CHOUSA" import stix "$S/unit42/boggyserpens.excerpt.json"
check stix_dst_ref_lookup 1 "$CHOUSA" lookup 148.251.204.131 www.mackellarscreenworks.com
check stix_skip_named 0 "$CHOUSA" import stix "$S/unit42/hellokitty-ransomware.json"
expect stix_skip_names_paths "skipped 4 not kept: process:command_line, file:name" "$T/err"
# The family an `indicates` relationship names.
check stix_indicates_family 0 "$CHOUSA" import stix "$S/oasis/json-schemas__poisonivy.json"
check stix_family_lookup 1 "$CHOUSA" lookup --json 113.10.246.30
# The malware's name is kept as the feed's family value; "PIVY Variant
# (<md5>)" is no label, so no surface calls it a family.
[ "$(sqlite3 "$CHOUSA_DB" "SELECT family FROM indicators WHERE value = '113.10.246.30'")" = "PIVY Variant (8010cae3e8431bb11ed6dc9acabb93b7,)" ] &&
	ok stix_family_from_malware ||
	not_ok stix_family_from_malware "$(sqlite3 "$CHOUSA_DB" "SELECT family FROM indicators WHERE value = '113.10.246.30'")"
expect stix_family_no_label '"family":null' "$T/out"
check stix_reject_path 0 "$CHOUSA" import stix "$S/unit42/vmware-vulnerabilities.excerpt.json"
expect stix_reject_names_path "rejected objects\[15\]: 'wget%20-O%20" "$T/err"
# Observed-data (STIX 2.0 from MISP, to_ids false): an observation.
check stix_observed_data 0 "$CHOUSA" import --source auto "$S/misp/pymisp__stix2.json"
check stix_observed_not_malicious 0 "$CHOUSA" lookup 8.8.8.8
expect stix_observed_shown "exact +stix +observed" "$T/out"
check stix_attack_bundle 0 "$CHOUSA" import --source auto "$S/mitre/enterprise-attack-2017-12-14.excerpt.json"
expect stix_attack_says_nothing_kept "nothing to import: no indicator or observable chousa keeps among its 8 objects" "$T/err"
# --source-name names a colleague's bundle.
check stix_source_name 0 "$CHOUSA" import stix --source-name case42 "$S/unit42/2024-02-08-Pikabot.json"
expect stix_source_name_used "^case42: " "$T/err"
