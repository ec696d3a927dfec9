# test-verdict.sh: verdicts that hold on real data.  The verdict benchmark
# (bench/verdict: real feed rows and real VirusTotal answers, shared
# platforms, a resolver, a CDN range) case by case; then a benign set
# loaded by `chousa update` from a loopback server, abuse.ch's
# false-positive list, the note of a store with no benign list, stale and
# historical feeds, and Malpedia's family list fetched on first use.
. "$TESTS/cli/lib.sh"

# ---- the benchmark, each case a check ----
python3 "$TESTS/../bench/verdict/run.py" "$CHOUSA" --check > "$T/bench" 2> "$T/bench.err"
if [ -s "$T/bench" ]; then cat "$T/bench"; else
	not_ok verdict_benchmark_runs "$(head -c 300 "$T/bench.err")"; fi

# ---- the loopback server and a config that points every feed at it ----
python3 "$TESTS/http/server.py" --lifetime 240 --log "$T/server.log" \
    --port-file "$T/port" > /dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT INT TERM
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
B="http://127.0.0.1:$(cat "$T/port")/verdict-feeds"
export CHOUSA_CONFIG="$T/config" CHOUSA_DB="$T/store.db"
cat > "$CHOUSA_CONFIG" <<EOF
[feeds]
malpedia_url = $B/malpedia/get/families
warninglist_url = $B/misp-warninglists/main.tar.gz
abusech-fp_url = $B/hunting/api/v1/
urlhaus_url = $B/none/urlhaus.csv
threatfox_url = $B/none/threatfox.csv
feodo_url = $B/none/feodo.csv
malwarebazaar_url = $B/none/malwarebazaar.csv
EOF
chmod 600 "$CHOUSA_CONFIG"

# A store with feeds but no benign list says so, with the fix.
"$CHOUSA" -q import urlhaus "$TESTS/data/verdict/urlhaus-hosts.csv" > /dev/null 2>&1
check no_benign_list_investigates 1 "$CHOUSA" investigate --offline --sources local github.com
expect no_benign_list_noted 'no known-benign list.*chousa update warninglist' "$T/out"
expect no_benign_list_source_skipped_count '^Skipped: [0-9]+ look-ups \(.*no known-benign list: chousa update warninglist: 1.*-v lists them' "$T/out"
"$CHOUSA" -v investigate --offline --sources local github.com > "$T/v" 2> /dev/null
expect no_benign_list_source_skipped 'skipped \(no known-benign list: chousa update warninglist\): benign' "$T/v"
expect shared_platform_without_list 'Verdict: suspicious: hosts listed content' "$T/out"
refute shared_platform_never_infected 'a host here (is infected|downloaded)' "$T/out"

# `chousa update` with no argument loads the warninglists archive; the
# feeds that fail (404 here) keep going, and say so in the status.
check update_default_status_4_for_missing_feeds 4 "$CHOUSA" update
expect update_loads_warninglists_by_default '^warninglist: updated \([0-9]+ lists\)' "$T/err"
expect update_skips_fplist_without_key 'abusech-fp: skipped: .*auth_key' "$T/err"
n=$(sqlite3 "$CHOUSA_DB" "SELECT count(DISTINCT list) FROM benign")
[ "$n" -ge 5 ] && ok update_warninglists_stored || not_ok update_warninglists_stored "$n lists"
grep -q 'verdict-feeds GET /misp-warninglists/main.tar.gz' "$T/server.log" &&
	ok update_warninglists_from_archive_url || not_ok update_warninglists_from_archive_url "no request"
check benign_list_note_gone 1 "$CHOUSA" investigate --offline --sources local github.com
refute benign_list_note_gone_text 'no known-benign list' "$T/out"
expect shared_platform_on_lots_list 'LOTS' "$T/out"
check cdn_range_benign 0 "$CHOUSA" investigate --offline --sources local 104.16.0.1
expect cdn_range_benign_verdict '^Verdict: benign' "$T/out"

# abuse.ch's false-positive list, with a key.
check update_fplist_needs_key 2 "$CHOUSA" update abusech-fp
CHOUSA_ABUSECH_AUTH_KEY=test-key-not-real check update_fplist_with_key 0 "$CHOUSA" update abusech-fp
expect update_fplist_imported '^abusech-fp: updated \(2 lists\)' "$T/err"
grep -q 'verdict-feeds POST /hunting/api/v1/ auth' "$T/server.log" &&
	ok fplist_key_sent || not_ok fplist_key_sent "$(grep hunting "$T/server.log")"
# --json says what the text says of a bundle of lists: how many lists went
# in, and the rows over them (its line is chousa import's for a bundle).
CHOUSA_ABUSECH_AUTH_KEY=test-key-not-real check update_json_bundles 0 \
    "$CHOUSA" --db "$T/json.db" --json update warninglist abusech-fp
python3 - "$T/out" "$T/err" 2> "$T/py" <<'PY' && ok update_json_counts_lists || not_ok update_json_counts_lists "$(tr '\n' ' ' < "$T/py")"
import json, re, sys
lines = {}
for l in open(sys.argv[1]):
    o = json.loads(l)
    lines[o["source"]] = o
said = {}
for l in open(sys.argv[2]):
    m = re.match(r"^(\S+): updated \((\d+) lists?\): read (\d+), added (\d+)", l)
    if m:
        said[m.group(1)] = tuple(int(x) for x in m.group(2, 3, 4))
assert set(said) == {"warninglist", "abusech-fp"}, said
for name, fmt in (("warninglist", "archive"), ("abusech-fp", "json")):
    o = lines[name]
    assert (o["lists"], o["rows_read"], o["added"]) == said[name], (o, said[name])
    assert o["lists"] > 0 and o["lists_failed"] == 0 and o["format"] == fmt, o
PY
json_shapes "Bundle of lists import result=$T/out"
check fplist_entry_benign 0 "$CHOUSA" investigate --offline --sources local test.com
expect fplist_entry_benign_verdict 'Verdict: benign: on the known-benign list abuse.ch false positives' "$T/out"

# A warninglist_url naming one list.json still works.
cat >> "$CHOUSA_CONFIG" <<EOF
[feeds]
warninglist_url = $B/one/list.json
EOF
check update_single_warninglist 0 "$CHOUSA" update warninglist
expect update_single_warninglist_summary '^warninglist: updated \(json\)' "$T/err"

# ---- freshness ----
fresh="$T/fresh.db"
"$CHOUSA" -q --db "$fresh" import urlhaus "$TESTS/data/verdict/urlhaus-hosts.csv" > /dev/null 2>&1
check fresh_feed_no_note 0 "$CHOUSA" --db "$fresh" investigate --offline --sources local-urlhaus quiet-meadow-4821.net
refute fresh_feed_not_named 'URLhaus data is' "$T/out"
sqlite3 "$fresh" "UPDATE imports SET started_at = started_at - 30*86400, finished_at = finished_at - 30*86400"
check stale_feed_investigates 0 "$CHOUSA" --db "$fresh" investigate --offline --sources local-urlhaus quiet-meadow-4821.net
expect stale_feed_named_in_notes 'URLhaus data is 30 days old .*max_age_days is 7' "$T/out"
expect stale_miss_is_no_evidence 'not listed \(stale data: not listed is no evidence\): URLhaus' "$T/out"
"$CHOUSA" -v --db "$fresh" investigate --offline --sources local-urlhaus quiet-meadow-4821.net > "$T/v" 2> /dev/null
expect stale_miss_is_no_evidence_verbose 'miss +\(stale data: not listed is no evidence\)' "$T/v"
"$CHOUSA" --db "$fresh" investigate --offline --sources local-urlhaus --format json quiet-meadow-4821.net > "$T/j" 2> /dev/null
expect stale_finding_json '"stale":true' "$T/j"
expect finding_carries_data_age '"data_at":"[0-9]{4}-' "$T/j"
"$CHOUSA" --db "$fresh" investigate --offline --sources local-urlhaus --format html quiet-meadow-4821.net > "$T/h" 2> /dev/null
expect stale_finding_html 'Not listed by URLhaus \(<strong>stale data</strong>: not listed is no evidence\)' "$T/h"
CHOUSA_DB="$fresh" check stale_feed_in_sources 0 "$CHOUSA" sources
expect stale_feed_in_sources_text 'data: STALE: updated' "$T/out"
printf '[freshness]\nmax_age_days = 60\n' > "$T/config60"
chmod 600 "$T/config60"
CHOUSA_CONFIG="$T/config60" check max_age_configurable 0 "$CHOUSA" --db "$fresh" investigate --offline --sources local-urlhaus quiet-meadow-4821.net
refute max_age_configurable_no_note 'URLhaus data is' "$T/out"

# A feed emptied upstream (Feodo Tracker, June 2025: one entry) is historical.
hist="$T/hist.db"
mkdir -p "$T/www"
python3 -c '
import http.server, sys, functools
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
h.log_message = lambda *a: None
s = http.server.HTTPServer(("127.0.0.1", 0), h)
print(s.server_address[1], flush=True)
s.serve_forever()' "$T/www" > "$T/port2" 2> /dev/null &
SERVER2=$!
trap 'kill $SERVER $SERVER2 2>/dev/null' EXIT INT TERM
cp "$SAMPLES/abusech/feodo/ipblocklist_2025-06-25.csv" "$T/www/feodo.csv"
i=0
while [ ! -s "$T/port2" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
printf '[feeds]\nfeodo_url = http://127.0.0.1:%s/feodo.csv\n' "$(cat "$T/port2")" > "$T/config-feodo"
chmod 600 "$T/config-feodo"
CHOUSA_CONFIG="$T/config-feodo" check update_emptied_feed 0 "$CHOUSA" --db "$hist" update feodo
CHOUSA_CONFIG="$T/config-feodo" check historical_feed_investigates 1 "$CHOUSA" --db "$hist" investigate --offline --sources local 162.243.103.246
expect historical_feed_noted 'Feodo Tracker is historical: its last update .* held 1 row.* data ends 2025-06-18' "$T/out"
expect historical_listing_still_shown '^Verdict: malicious' "$T/out"
CHOUSA_CONFIG="$T/config-feodo" check historical_in_sources 0 "$CHOUSA" --db "$hist" sources
expect historical_in_sources_text 'HISTORICAL: .*held 1 row.*data ends 2025-06-18' "$T/out"

# ---- Malpedia's family list on first use ----
MP="http://127.0.0.1:$(cat "$T/port")"
nocat="$T/nocat.db"
"$CHOUSA" -q --db "$nocat" import urlhaus "$TESTS/data/verdict/urlhaus-hosts.csv" > /dev/null 2>&1
: > "$T/config-none"
chmod 600 "$T/config-none"
export CHOUSA_VIRUSTOTAL_URL="$MP/verdict-vt" CHOUSA_VIRUSTOTAL_KEY=test-key-not-real \
    CHOUSA_VIRUSTOTAL_RATE=0 CHOUSA_MALPEDIA_URL="$MP/verdict-feeds/malpedia"
before=$(grep -c 'GET /malpedia/get/families' "$T/server.log")
# Sources named without Malpedia: Malpedia is not contacted, and the note
# says how to have the list.
CHOUSA_CONFIG="$T/config-none" check family_list_restricted 1 "$CHOUSA" --db "$nocat" investigate \
    --sources local,virustotal 'http://sskymedia.com/VMYB-ht_JAQo-gi/INV/99401FORPO/20673114777/US/Outstanding-Invoices/'
expect family_list_restricted_noted "Malpedia is not among this run's sources, so its family list was not fetched.*add malpedia to --sources, or run chousa update malpedia" "$T/out"
grep -q 'verdict-vt GET ' "$T/server.log" &&
	ok family_list_restricted_went_online || not_ok family_list_restricted_went_online "no VirusTotal request"
[ "$(grep -c 'GET /malpedia/get/families' "$T/server.log")" -eq "$before" ] &&
	ok family_list_restricted_not_fetched || not_ok family_list_restricted_not_fetched "$(grep families "$T/server.log")"
# No --sources: every source, Malpedia among them.
CHOUSA_CONFIG="$T/config-none" check family_list_first_use 1 "$CHOUSA" --db "$nocat" investigate \
    'http://sskymedia.com/VMYB-ht_JAQo-gi/INV/99401FORPO/20673114777/US/Outstanding-Invoices/'
expect family_list_fetched_noted "Malpedia's public family list was fetched for this run" "$T/out"
expect family_aliases_meet '^Family: +Emotet \(win\.emotet\)' "$T/out"
refute family_aliases_no_conflict 'conflict:' "$T/out"
grep -q 'verdict-feeds GET /malpedia/get/families' "$T/server.log" &&
	ok family_list_requested || not_ok family_list_requested "no request"
# The cached list contacts nobody: a run without Malpedia reads it too.
CHOUSA_CONFIG="$T/config-none" check family_list_cached 1 "$CHOUSA" --db "$nocat" investigate \
    --sources local,virustotal 'http://sskymedia.com/VMYB-ht_JAQo-gi/INV/99401FORPO/20673114777/US/Outstanding-Invoices/'
expect family_list_from_cache "Malpedia's family list, cached" "$T/out"
[ "$(grep -c 'GET /malpedia/get/families' "$T/server.log")" -eq $((before + 1)) ] &&
	ok family_list_fetched_once || not_ok family_list_fetched_once "$(grep -c families "$T/server.log") requests"
"$CHOUSA" -q --db "$T/offline-nocat.db" import urlhaus "$TESTS/data/verdict/urlhaus-hosts.csv" > /dev/null 2>&1
check family_builtin_offline 1 "$CHOUSA" --db "$T/offline-nocat.db" investigate --offline \
    --sources local 'http://sskymedia.com/VMYB-ht_JAQo-gi/INV/99401FORPO/20673114777/US/Outstanding-Invoices/'
expect family_builtin_offline_noted "family aliases come from chousa's built-in list only" "$T/out"
expect family_builtin_offline_emotet '^Family: +Emotet \(win\.emotet\)' "$T/out"
expect feed_tags_always_shown 'labels (win\.emotet,)?emotet,epoch2,heodo' "$T/out"
unset CHOUSA_VIRUSTOTAL_URL CHOUSA_VIRUSTOTAL_KEY CHOUSA_VIRUSTOTAL_RATE CHOUSA_MALPEDIA_URL

# ---- samples that merely contacted a domain ----
demo="$T/demo.db"
for f in urlhaus.csv malpedia.json sandbox-report.misp.json; do
	"$CHOUSA" -q --db "$demo" import auto "$TESTS/../demo/$f" > /dev/null 2>&1
done
check contacted_only_not_malicious 0 "$CHOUSA" --db "$demo" investigate --offline --sources local-reports,local-malpedia,benign www.dnautik.com
expect contacted_only_unknown '^Verdict: unknown' "$T/out"
expect contacted_only_identification 'identification evidence only, never a verdict' "$T/out"
