# test-investigate.sh: `chousa investigate` end to end, on stores filled
# through `chousa import` with data in the real feed formats (demo/ and
# the real samples): the worked example, a Feodo C2, a hash only
# MalwareBazaar knows, a URL whose host alone is listed, a benign domain,
# an unknown one, a family conflict, failing sources, and the formats.
. "$TESTS/cli/lib.sh"
DEMO="$TESTS/../demo"
DATA="$TESTS/data/investigate"
GOLD="$TESTS/golden/investigate"
export CHOUSA_CONFIG="$T/config"
: > "$CHOUSA_CONFIG"

# imp DB SOURCE FILE: import; the status says whether this build can.
imp() { "$CHOUSA" -q --db "$1" import "$2" "$3" > /dev/null 2>&1; }
skip() { echo "ok - $1 # SKIP $2"; }
inv() { db=$1; shift; "$CHOUSA" --db "$db" investigate --offline "$@"; }

# ---- the worked example ----
demo="$T/demo.db"
imp "$demo" urlhaus "$DEMO/urlhaus.csv"
imp "$demo" threatfox "$DEMO/threatfox.csv"
imp "$demo" malwarebazaar "$DEMO/malwarebazaar.csv"
imp "$demo" feodo "$DEMO/feodo.csv"
full=1
imp "$demo" malpedia "$DEMO/malpedia.json" || full=0
imp "$demo" warninglist "$DEMO/warninglist.json" || full=0
imp "$demo" misp "$DEMO/sandbox-report.misp.json" || full=0

check worked_example_found 1 inv "$demo" --sources local 'www[.]dnautik[.]com'
# An input that is none beside one malicious: 3 wins, as in lookup; the
# malicious one is still reported.
check bad_beside_malicious_3 3 inv "$demo" --sources local 'www[.]dnautik[.]com' 'not an indicator'
expect bad_beside_malicious_reported '^Verdict: malicious' "$T/out"
expect worked_example_malicious '^Verdict: malicious' "$T/out"
expect worked_example_both_feeds 'listed by URLhaus, ThreatFox and Imported lists' "$T/out"
expect worked_example_defanged '^www\[\.\]dnautik\[\.\]com' "$T/out"
refute worked_example_no_raw_domain 'www\.dnautik\.com' "$T/out"
if [ "$full" = 1 ]; then
	expect worked_example_sample 'Word document \(sha256 d7e61d7d.*766a7cf, MalwareBazaar: Emotet\)' "$T/out"
	expect worked_example_sandbox 'contacted it in a sandbox' "$T/out"
	expect worked_example_cause 'Most likely an Emotet downloader document was opened' "$T/out"
	expect worked_example_confidence 'Confidence: high' "$T/out"
	expect worked_example_family '^Family: +Emotet \(win\.emotet\)' "$T/out"
	expect worked_example_description 'infrastructure as a service' "$T/out"
	# The data's age is the import's time: the same on every run only
	# once it is named, not dated.
	for f in text json md; do
		inv "$demo" --sources local --format "$f" 'www[.]dnautik[.]com' |
		    sed -E 's/"data_at":"[^"]*"/"data_at":"(import time)"/g' > "$T/g.$f" 2> /dev/null
		same "golden_worked_example_$f" "$T/g.$f" "$GOLD/worked-example.$f"
	done
else
	skip worked_example_full_chain "this build cannot import malpedia, warninglist or misp yet"
fi
check no_defang 1 inv "$demo" --sources local --no-defang 'www.dnautik.com'
expect no_defang_keeps_dots '^www\.dnautik\.com' "$T/out"

# --at: listed and online when the traffic was seen?
check at_time 1 inv "$demo" --sources local --at '2020-11-27 10:00:00' www.dnautik.com
expect at_time_listed 'At 2020-11-27T10:00:00Z it was listed' "$T/out"
check at_time_before 1 inv "$demo" --sources local --at '2019-01-01' www.dnautik.com
expect at_time_not_yet 'it was not listed yet' "$T/out"
check at_time_unreadable 2 inv "$demo" --sources local --at yesterday www.dnautik.com
expect at_time_unreadable_gives_forms "cannot read 'yesterday' as a time: give a date such as 2024-03-13, 2024-03-13 18:49\[:10\] \(UTC\), 2024-03-13T18:49:10Z or Unix seconds" "$T/err"

# ---- a C2 IP from the real Feodo list ----
feodo="$T/feodo.db"
imp "$feodo" feodo "$SAMPLES/abusech/feodo/ipblocklist_2025-06-25.csv"
check feodo_c2_found 1 inv "$feodo" --sources local 162.243.103.246
expect feodo_c2_malicious '^Verdict: malicious: listed by Feodo Tracker' "$T/out"
expect feodo_c2_family '^Family: +Emotet' "$T/out"
expect feodo_c2_cause 'infected with Emotet malware and talks to its C2 server' "$T/out"

# ---- a hash only MalwareBazaar knows (real export) ----
mb="$T/mb.db"
imp "$mb" malwarebazaar "$SAMPLES/abusech/malwarebazaar/export_recent_csv_2026-07-22_head12lines.csv"
check bazaar_hash_found 1 inv "$mb" --sources local \
    1d233362395405a19be5da8fc1f3fba060e658fb30718a47eedc0925a7226e52
expect bazaar_hash_malicious '^Verdict: malicious: listed by MalwareBazaar' "$T/out"
expect bazaar_hash_family '^Family: +RustyStealer' "$T/out"
check bazaar_md5_found 1 inv "$mb" --sources local --format json \
    7564553469f8675a41cb1ee014b3dfdd
expect bazaar_md5_finds_sha256 '"matched":"1d233362395405a19be5da8fc1f3fba060e658fb30718a47eedc0925a7226e52"' "$T/out"

# ---- a URL whose host alone is listed ----
tf="$T/tf.db"
imp "$tf" threatfox "$DEMO/threatfox.csv"
check host_only_found 1 inv "$tf" --sources local 'hxxp://www[.]dnautik[.]com/never/listed.php'
expect host_only_says_so 'itself is not listed, but its host www\[\.\]dnautik\[\.\]com is' "$T/out"
inv "$tf" --sources local --format json 'http://www.dnautik.com/never/listed.php' > "$T/j" 2> /dev/null
expect host_only_json_level '"match":"host","matched":"www.dnautik.com"' "$T/j"

# ---- a benign domain must not come out malicious ----
if [ "$full" = 1 ]; then
	check benign_clean_exit 0 inv "$demo" --sources local www.google.com
	expect benign_verdict '^Verdict: benign' "$T/out"
	printf 'google.com\n' > "$T/bad-list.txt"
	imp "$demo" list "$T/bad-list.txt" || true
	"$CHOUSA" -q --db "$demo" import --family emotet list "$T/bad-list.txt" > /dev/null 2>&1
	inv "$demo" --sources local google.com > "$T/out" 2> /dev/null
	refute benign_listed_not_malicious '^Verdict: malicious' "$T/out"
	expect benign_listed_shared 'shared infrastructure' "$T/out"
else
	skip benign_domain "this build cannot import warninglists yet"
fi

# ---- nobody knows it ----
check unknown_exit_clean 0 inv "$demo" --sources local quiet-meadow-4821.net
expect unknown_verdict '^Verdict: unknown' "$T/out"
expect unknown_never_clean 'not the same as clean' "$T/out"
refute unknown_no_family_claim 'Most likely' "$T/out"

# A source that cannot take the input's type says so; it is never absent.
check type_unsupported_exit_clean 0 inv "$demo" --offline AS13335
expect type_unsupported_counted '^Skipped: [0-9]+ look-ups \(.*type not supported: [0-9]+.*\); -v lists them' "$T/out"
refute type_unsupported_folded 'skipped \(type not supported\)' "$T/out"
"$CHOUSA" -v --db "$demo" investigate --offline AS13335 > "$T/out" 2> /dev/null
expect type_unsupported_said 'skipped \(type not supported\): .*virustotal' "$T/out"
check type_unsupported_json 0 inv "$demo" --offline --format json AS13335
expect type_unsupported_json_reason '"source":"abuseipdb"[^}]*"status":"skipped","reason":"type not supported"' "$T/out"

# ---- two sources disagree on the family ----
cf="$T/conflict.db"
imp "$cf" feodo "$DEMO/feodo.csv"
imp "$cf" threatfox "$DATA/threatfox-conflict.csv"
check conflict_found 1 inv "$cf" --sources local 51.178.161.32
expect conflict_reported 'Sources disagree on the family' "$T/out"
expect conflict_listed '^ +conflict: ' "$T/out"
inv "$cf" --sources local --format json 51.178.161.32 > "$T/j" 2> /dev/null
expect conflict_json '"conflict":true' "$T/j"

# ---- sources that fail ----
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()')
export CHOUSA_URLHAUS_KEY=test-key-not-real CHOUSA_URLHAUS_URL="http://127.0.0.1:$port"
check failing_source_goes_on 1 "$CHOUSA" --db "$demo" investigate --sources local,urlhaus www.dnautik.com
expect failing_source_error '^  URLhaus API.* error' "$T/out"
expect failing_source_verdict_kept '^Verdict: malicious' "$T/out"
refute failing_source_no_key_leak 'test-key-not-real' "$T/out"
check only_failing_source_exit_4 4 "$CHOUSA" --db "$demo" investigate --sources urlhaus www.dnautik.com
expect only_failing_source_unknown '^Verdict: unknown' "$T/out"
check offline_skips_online 1 inv "$demo" --sources local,urlhaus -v www.dnautik.com
expect offline_says_skipped 'skipped \(offline\): urlhaus' "$T/out"
# The most fundamental reason is the one shown: the config's no, then offline.
printf '[urlhaus]\nenabled = no\n' > "$CHOUSA_CONFIG"
check disabled_before_offline 1 inv "$demo" --sources local,urlhaus -v www.dnautik.com
expect disabled_says_skipped 'skipped \(disabled in the config\): urlhaus' "$T/out"
: > "$CHOUSA_CONFIG"
unset CHOUSA_URLHAUS_KEY CHOUSA_URLHAUS_URL
check missing_store_exit_4 4 inv "$T/nonexistent/none.db" --sources local www.dnautik.com
expect missing_store_error 'error: no store is open' "$T/out"

# ---- inputs ----
check malformed_exit_3 3 inv "$demo" --sources local 'not an indicator'
expect malformed_says_why "not an indicator" "$T/err"
printf 'www[.]dnautik[.]com\n# a comment\n\n162.243.103.246\n' > "$T/list.txt"
check file_input 1 inv "$demo" --sources local --format json -f "$T/list.txt"
[ "$(wc -l < "$T/out")" -eq 2 ] && ok file_input_two_reports || not_ok file_input_two_reports "$(wc -l < "$T/out") lines"
check stdin_input 1 sh -c "printf 'quiet-meadow-4821.net\n162.243.103.246\n' | \"\$0\" --db \"\$1\" investigate --offline --sources local --format json" "$CHOUSA" "$demo"
[ "$(wc -l < "$T/out")" -eq 2 ] && ok stdin_two_reports || not_ok stdin_two_reports "$(wc -l < "$T/out") lines"
printf 'Hi team, the proxy saw hxxp://www[.]dnautik[.]com/wp-admin/n/ and\nthen 162[.]243[.]103[.]246:8080. Ticket #4411.\n' > "$T/mail.txt"
check extract_input 1 inv "$demo" --sources local --format json --extract -f "$T/mail.txt"
expect extract_finds_url '"input":"http://www.dnautik.com/wp-admin/n/"' "$T/out"
expect extract_finds_ip '"input":"162.243.103.246"' "$T/out"
check unknown_format_usage 2 inv "$demo" --format pdf www.dnautik.com
check unknown_source_is_usage 2 inv "$demo" --sources nosuch www.dnautik.com
check output_file 1 inv "$demo" --sources local --format md -o "$T/report.md" www.dnautik.com
expect output_file_written '^## `www\[\.\]dnautik\[\.\]com` \(domain\)' "$T/report.md"

# ---- JSON: valid, one object per line, the documented keys ----
inv "$demo" --sources local --format json www.dnautik.com 162.243.103.246 \
    quiet-meadow-4821.net 'not an indicator' > "$T/all.json" 2> /dev/null
if python3 -c '
import json, sys
keys = ["input", "indicator", "verdict", "family", "samples", "stages", "conclusion"]
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    n += 1
    if o["indicator"] is None:
        assert o["error"] and o["verdict"] is None
        continue
    for k in keys:
        assert k in o, k
    assert o["verdict"] in ("malicious", "suspicious", "benign", "unknown")
    for s in o["stages"]:
        for f in s["findings"]:
            assert f["status"] in ("hit", "miss", "skipped", "error"), f
            assert f["status"] != "skipped" or f["reason"], f
assert n == 4, n
' "$T/all.json" 2> "$T/py"; then ok json_lines_valid; else not_ok json_lines_valid "$(tail -n 2 "$T/py")"; fi

# ---- hostile strings from a feed never reach the terminal raw ----
hostile="$T/hostile.db"
printf 'hostile-family.example.net\n' > "$T/h.txt"
"$CHOUSA" -q --db "$hostile" import --family "$(printf 'Evil\033]0;pwned\007\033[31mRed|*bold*<b>')" list "$T/h.txt" > /dev/null 2>&1
inv "$hostile" --sources local hostile-family.example.net > "$T/h.out" 2> /dev/null
if grep -q "$(printf '\033')" "$T/h.out"; then not_ok text_strips_escapes "an ESC reached the text report"; else ok text_strips_escapes; fi
inv "$hostile" --sources local --format json hostile-family.example.net > "$T/h.json" 2> /dev/null
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/h.json" 2> /dev/null && ok json_hostile_valid || not_ok json_hostile_valid "$(head -c 200 "$T/h.json")"
inv "$hostile" --sources local --format md hostile-family.example.net > "$T/h.md" 2> /dev/null
refute md_escapes_html '<b>' "$T/h.md"
# A MISP event's title and a reference go in code spans: no C1 control
# there either (U+009B, which a terminal decoding UTF-8 takes as ESC [),
# nor a bidi override (U+202E, which shows the text reversed).
printf '{"Event":{"info":"evt \\u009b31mRed \\u202etxt","uuid":"5f3c2b1a-1111-4222-8333-444455556666","date":"2024-01-01","Attribute":[{"type":"domain","value":"hostile-event.example.net","category":"Network activity","to_ids":true,"uuid":"6f3c2b1a-1111-4222-8333-444455556666"},{"type":"link","value":"http://ref.example.org/\\u009b31m\\u202e","category":"External analysis","to_ids":false,"uuid":"7f3c2b1a-1111-4222-8333-444455556666"}]}}' > "$T/h.misp.json"
"$CHOUSA" -q --db "$hostile" import misp "$T/h.misp.json" > /dev/null 2>&1
inv "$hostile" --sources local --format md hostile-event.example.net > "$T/he.md" 2> /dev/null
expect md_event_title_shown '`MISP event [^`]*: evt 31mRed txt`' "$T/he.md"
if LC_ALL=C grep -q "$(printf '\302\233')\|$(printf '\342\200\256')" "$T/he.md"; then
	not_ok md_code_spans_drop_c1_and_bidi "$(LC_ALL=C grep -n "$(printf '\302\233')\|$(printf '\342\200\256')" "$T/he.md" | od -c | head -n 3)"
else
	ok md_code_spans_drop_c1_and_bidi
fi
