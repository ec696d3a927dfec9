#!/bin/sh
# test-serve-audit.sh: the audit log read back (chousa audit,
# GET /api/v1/audit, src/serve/audit_search.c).
#  1. Requests of two analysts and refusals, then: who asked about an
#     indicator, however it was written (defanged, capitals), and a
#     domain's subdomains and URLs; --who, --what, --refused, --since,
#     --limit, newest first; text defanged, JSON lines as the log holds
#     them with a summary; the admin's own searches only with --what audit.
#     Each text line says the client's address and the token's id;
#     --peer (an address, a range, a list) and --token-id select by them.
#  2. Through the server with an admin token: the same lines and exit
#     status as the local command; a read token refused (403, audited);
#     bad options 400 / exit 2.
#     The web page /audit: the same search for an admin's session, each
#     indicator linked to its report, the query escaped; a read session
#     refused.
#  3. Through the rotated files (audit_max), and a line cut short, or a
#     hostile line planted in the log, skipped and counted, never
#     answered; feed or user text in the terminal output made inert.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_store '[server]\nrate = 0\n'
ADMIN=$("$CHOUSA" -q token create --role admin boss)
ALICE=$("$CHOUSA" -q token create --role read alice)
BOB=$("$CHOUSA" -q token create --role read bob)
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
printf '[server]\naudit_log = %s\n' "$T/audit.log" >> "$CHOUSA_CONFIG"

# ---- 1. requests, then the local command ----
http GET "/api/v1/lookup?indicator=www%5B.%5Ddnautik%5B.%5Dcom" "$ALICE"
http GET "/api/v1/lookup?indicator=1.2.3.4" "$BOB"
http POST /api/v1/lookup "$BOB" '{"indicators":["hxxp://WWW.DNAUTIK.COM/x/y","8.8.8.8"]}'
http GET "/api/v1/lookup?indicator=1.2.3.4" "wrong-token"
http GET /api/v1/tokens "$ALICE"
sleep 0.3	# the audit writer gathers for 10 ms
check audit_indicator_found 1 "$CHOUSA" audit 'www[.]dnautik[.]com'
n=$(wc -l < "$T/out")
[ "$n" = 2 ] && ok "audit_indicator_two_requests" || not_ok audit_indicator_two_requests "$n lines: $(cat "$T/out")"
expect audit_newest_first '^[^	]*	bob	[0-9][0-9]*	127\.0\.0\.1	lookup	200	' "$T/out"
first=$(head -n 1 "$T/out" | cut -f2)
[ "$first" = bob ] && ok audit_bob_first || not_ok audit_bob_first "$first"
expect audit_text_defanged 'hxxp\[:\]//www\[\.\]dnautik\[\.\]com/x/y, 8\[\.\]8\[\.\]8\[\.\]8' "$T/out"
refute audit_text_no_live_indicator 'www\.dnautik\.com' "$T/out"
check audit_parent_domain_finds_subdomain_and_url 1 "$CHOUSA" audit dnautik.com
n=$(wc -l < "$T/out")
[ "$n" = 2 ] && ok "audit_parent_domain_two" || not_ok audit_parent_domain_two "$n lines"
check audit_unasked_indicator 0 "$CHOUSA" audit 9.9.9.9
[ -s "$T/out" ] && not_ok audit_unasked_prints_nothing "$(cat "$T/out")" || ok audit_unasked_prints_nothing
# The wrong token's request is refused before its inputs are read.
check audit_address_finds_it 1 "$CHOUSA" audit 1.2.3.4
n=$(wc -l < "$T/out")
[ "$n" = 1 ] && ok "audit_address_one_request" || not_ok audit_address_one_request "$n lines"
check audit_who 1 "$CHOUSA" audit --who alice
refute audit_who_only_alice '	bob	' "$T/out"
check audit_refused 1 "$CHOUSA" audit --refused
expect audit_refused_401 '	-	-	127\.0\.0\.1	lookup	401	' "$T/out"
expect audit_refused_403 "	alice	[0-9][0-9]*	127.0.0.1	list tokens	403	role 'read' may not" "$T/out"
refute audit_refused_no_200 '	200	' "$T/out"
check audit_since_future 0 "$CHOUSA" audit --since 2099-01-01
check audit_since_duration 1 "$CHOUSA" audit --since 1h
check audit_limit 1 "$CHOUSA" audit --limit 1
n=$(wc -l < "$T/out")
[ "$n" = 1 ] && ok audit_limit_one || not_ok audit_limit_one "$n lines"
# The client's address and the token's id: shown, and filters.
BOB_ID=$("$CHOUSA" audit --json --who bob | grep -o '"token_id":[0-9]*' | head -n 1 | cut -d: -f2)
[ -n "$BOB_ID" ] && ok audit_token_id_logged || not_ok audit_token_id_logged "no token_id"
check audit_token_id 1 "$CHOUSA" audit --token-id "$BOB_ID"
n=$(wc -l < "$T/out")
[ "$n" = 2 ] && ok audit_token_id_bobs_two || not_ok audit_token_id_bobs_two "$n lines: $(cat "$T/out")"
refute audit_token_id_only_bob '	alice	' "$T/out"
expect audit_token_id_column "^[^	]*	bob	$BOB_ID	127\.0\.0\.1	lookup	" "$T/out"
check audit_token_id_none 0 "$CHOUSA" audit --token-id 999999
check audit_token_id_bad 2 "$CHOUSA" audit --token-id 0
check audit_token_id_too_big 2 "$CHOUSA" audit --token-id 99999999999999999999
check audit_peer 1 "$CHOUSA" audit --peer 127.0.0.1
n=$(wc -l < "$T/out")
[ "$n" = 5 ] && ok audit_peer_all_five || not_ok audit_peer_all_five "$n lines: $(cat "$T/out")"
check audit_peer_cidr_list 1 "$CHOUSA" audit --peer '10.0.0.0/8,127.0.0.0/8' --who alice
check audit_peer_other 0 "$CHOUSA" audit --peer 192.0.2.0/24
check audit_peer_with_indicator 1 "$CHOUSA" audit --peer 127.0.0.1/32 --token-id "$BOB_ID" 1.2.3.4
check audit_peer_bad 2 "$CHOUSA" audit --peer 'not-an-address'
expect audit_peer_bad_said "bad peer 'not-an-address'" "$T/err"
check audit_json 1 "$CHOUSA" audit --json 'WWW.dnautik.com'
python3 - "$T/out" "$T/audit.log" > "$T/py" 2>&1 <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
entries, summary = [json.loads(l) for l in lines[:-1]], json.loads(lines[-1])["summary"]
log = open(sys.argv[2]).read().splitlines()
assert all(l in log for l in lines[:-1]), "not as the log holds them"
assert [e["who"] for e in entries] == ["bob", "alice"], entries
assert summary["shown"] == 2 and summary["matched"] == 2 and not summary["more"], summary
assert summary["files"] == 1 and summary["unreadable"] == 0, summary
print("ok")
PY
expect audit_json_lines_as_logged '^ok$' "$T/py"
check audit_bad_indicator 2 "$CHOUSA" audit 'not an indicator'
check audit_bad_since 2 "$CHOUSA" audit --since yesterday
check audit_bad_limit 2 "$CHOUSA" audit --limit 0
check audit_two_indicators 2 "$CHOUSA" audit 1.2.3.4 8.8.8.8
: > "$T/empty.config"
# No [server] audit_log: the server's default, audit.log beside the
# store, which is where this server writes.
check audit_default_log 1 env CHOUSA_CONFIG="$T/empty.config" "$CHOUSA" audit --what lookup 'www[.]dnautik[.]com'
expect audit_default_log_read "	alice	[0-9][0-9]*	127.0.0.1	lookup	200	" "$T/out"
mkdir -p "$T/elsewhere"
check audit_no_log 2 env CHOUSA_CONFIG="$T/empty.config" CHOUSA_DB="$T/elsewhere/db" "$CHOUSA" audit
expect audit_no_log_says_what_to_do "no audit log at .*/elsewhere/audit\.log, where chousa serve writes one by default: give --log FILE" "$T/err"
# A server that has just rotated has no audit.log yet; its rotated
# copies are still the default log's history.
mkdir -p "$T/rotated"
gzip -c "$(dirname "$CHOUSA_DB")/audit.log" > "$T/rotated/audit.log.1.gz"
check audit_default_rotated_only 1 env CHOUSA_CONFIG="$T/empty.config" CHOUSA_DB="$T/rotated/db" "$CHOUSA" audit --what lookup 'www[.]dnautik[.]com'
expect audit_default_rotated_only_read "	alice	[0-9][0-9]*	127.0.0.1	lookup	200	" "$T/out"
printf '[server]\naudit_log = none\n' > "$T/off.config"
check audit_off_log 2 env CHOUSA_CONFIG="$T/off.config" "$CHOUSA" audit
expect audit_off_says_what_to_do "the config turns the audit log off .*give --log FILE" "$T/err"
check audit_missing_log 0 "$CHOUSA" audit --log "$T/nosuch.log"
expect audit_missing_log_warned 'no such audit log' "$T/err"

# ---- 2. through the server ----
CHOUSA_SERVER_KEY=$ADMIN check audit_remote_found 1 "$CHOUSA" --server "$URL" audit 'www[.]dnautik[.]com'
cp "$T/out" "$T/remote.out"
check audit_local_again 1 "$CHOUSA" audit --what lookup 'www[.]dnautik[.]com'
if cmp -s "$T/out" "$T/remote.out"; then ok audit_remote_same_as_local; else
	not_ok audit_remote_same_as_local "$(diff "$T/out" "$T/remote.out" | head -c 300)"; fi
CHOUSA_SERVER_KEY=$ADMIN check audit_remote_none 0 "$CHOUSA" --server "$URL" audit 9.9.9.9
CHOUSA_SERVER_KEY=$ADMIN check audit_remote_json 1 "$CHOUSA" --server "$URL" audit --json --who alice
expect audit_remote_json_summary '^\{"summary":\{"files":1,' "$T/out"
CHOUSA_SERVER_KEY=$ADMIN check audit_remote_peer_token_id 1 "$CHOUSA" --server "$URL" audit --peer 127.0.0.0/8 --token-id "$BOB_ID"
cp "$T/out" "$T/remote.out"
check audit_local_peer_token_id 1 "$CHOUSA" audit --what lookup --peer 127.0.0.0/8 --token-id "$BOB_ID"
if cmp -s "$T/out" "$T/remote.out"; then ok audit_remote_peer_token_id_same; else
	not_ok audit_remote_peer_token_id_same "$(diff "$T/out" "$T/remote.out" | head -c 300)"; fi
CHOUSA_SERVER_KEY=$ADMIN check audit_remote_peer_other 0 "$CHOUSA" --server "$URL" audit --peer 192.0.2.7
CHOUSA_SERVER_KEY=$ADMIN check audit_remote_peer_bad 2 "$CHOUSA" --server "$URL" audit --peer 300.1.1.1
expect audit_remote_peer_bad_said "bad peer '300.1.1.1'" "$T/err"
CHOUSA_SERVER_KEY=$ALICE check audit_remote_read_token_refused 3 "$CHOUSA" --server "$URL" audit
expect audit_remote_refusal_says "role 'read' may not" "$T/err"
CHOUSA_SERVER_KEY=$ADMIN check audit_remote_log_refused 2 "$CHOUSA" --server "$URL" audit --log x
http GET "/api/v1/audit?indicator=1.2.3.4" "$ADMIN"
status_is api_audit_200 200
expect api_audit_ndjson 'Content-Type: application/x-ndjson' "$T/headers"
http GET "/api/v1/audit" ""
status_is api_audit_no_token_401 401
http GET "/api/v1/audit?limit=0" "$ADMIN"
status_is api_audit_bad_limit_400 400
http GET "/api/v1/audit?since=soon" "$ADMIN"
status_is api_audit_bad_since_400 400
http GET "/api/v1/audit?indicator=%3Cscript%3E" "$ADMIN"
status_is api_audit_bad_indicator_400 400
http GET "/api/v1/audit?peer=127.0.0.1&token_id=$BOB_ID&format=text" "$ADMIN"
status_is api_audit_peer_token_id_200 200
expect api_audit_peer_token_id_bob "	bob	$BOB_ID	127.0.0.1	lookup	200	" "$T/body"
refute api_audit_peer_token_id_not_alice '	alice	' "$T/body"
http GET "/api/v1/audit?peer=example.com" "$ADMIN"
status_is api_audit_bad_peer_400 400
http GET "/api/v1/audit?token_id=bob" "$ADMIN"
status_is api_audit_bad_token_id_400 400
http GET "/api/v1/audit?whom=x" "$ADMIN"
status_is api_audit_unknown_key_400 400
http GET "/api/v1/audit?format=html" "$ADMIN"
status_is api_audit_bad_format_400 400
# Hostile values: each a 400 that says why, the server serving on.
for q in "limit=-1" "limit=99999999999999999999999" "limit=1e3" "since=%01" \
    "refused=maybe" "indicator=$(head -c 20000 /dev/zero | tr '\0' 'a').com" \
    "indicator=%FF%FE" "since=99999999999d" "token_id=0" "token_id=-1" \
    "token_id=99999999999999999999" "peer=1.2.3.4/33" "peer=%FF" \
    "peer=::1%2C%2Cx"; do
	http GET "/api/v1/audit?$q" "$ADMIN"
	st=$(cat "$T/status")
	if [ "$st" = 400 ] && grep -q '"error"' "$T/body"; then :; else
		not_ok "api_audit_hostile_value_400" "$(echo "$q" | head -c 40): $st"
		bad_value=1
	fi
done
[ -z "${bad_value:-}" ] && ok api_audit_hostile_values_400
http GET "/api/v1/health" ""
status_is api_audit_serves_on 200
sleep 0.3
check audit_searches_hidden 0 "$CHOUSA" audit --who boss --what lookup
check audit_searches_with_what 1 "$CHOUSA" audit --what audit
expect audit_searches_logged '	boss	[0-9][0-9]*	127.0.0.1	audit	200	entries:' "$T/out"
check audit_refusal_of_audit_logged 1 "$CHOUSA" audit --what audit --refused
expect audit_read_token_refusal_logged '	alice	[0-9][0-9]*	127.0.0.1	audit	403	' "$T/out"
# ---- 2b. the web page, for an admin's session ----
curl -s -c "$T/jar" -o /dev/null -H "Origin: $URL" --data-urlencode "token=$ADMIN" "$URL/login"
curl -s -b "$T/jar" -o "$T/home.html" "$URL/"
expect web_nav_links_audit_for_admin '<a href="/audit">Audit</a>' "$T/home.html"
curl -s -b "$T/jar" -o "$T/audit.html" -w '%{http_code}' "$URL/audit?indicator=www%5B.%5Ddnautik%5B.%5Dcom&who=&since=&refused=" > "$T/wstatus"
[ "$(cat "$T/wstatus")" = 200 ] && ok web_audit_200 || not_ok web_audit_200 "HTTP $(cat "$T/wstatus")"
n=$(grep -c '^<tr><td>20' "$T/audit.html")
[ "$n" = 2 ] && ok "web_audit_two_entries" || not_ok web_audit_two_entries "$n rows"
expect web_audit_links_report '<a href="/report\?q=www.dnautik.com"><code>www\[\.\]dnautik\[\.\]com</code></a>' "$T/audit.html"
expect web_audit_keeps_the_query 'name="indicator" id="indicator" placeholder="[^"]*" value="www\[\.\]dnautik\[\.\]com"' "$T/audit.html"
# Each entry's token ID and address, and a search by them; the form's
# empty fields ask for any.
expect web_audit_id_and_peer_columns '<th>Token ID</th><th>From</th>' "$T/audit.html"
expect web_audit_row_id_and_peer '^<tr><td>20[^<]*</td><td>[^<]*</td><td>[0-9]+</td><td>127\.0\.0\.1</td>' "$T/audit.html"
code=$(curl -s -b "$T/jar" -o "$T/audit5.html" -w '%{http_code}' "$URL/audit?indicator=www%5B.%5Ddnautik%5B.%5Dcom&who=&token_id=&peer=&since=&refused=")
[ "$code" = 200 ] && [ "$(grep -c '^<tr><td>20' "$T/audit5.html")" = 2 ] && ok web_audit_empty_id_and_peer_any ||
	not_ok web_audit_empty_id_and_peer_any "HTTP $code, $(grep -c '^<tr><td>20' "$T/audit5.html") rows"
curl -s -b "$T/jar" -o "$T/audit6.html" "$URL/audit?indicator=www%5B.%5Ddnautik%5B.%5Dcom&peer=192.0.2.0/24"
[ "$(grep -c '^<tr><td>20' "$T/audit6.html")" = 0 ] && ok web_audit_peer_selects ||
	not_ok web_audit_peer_selects "$(grep -c '^<tr><td>20' "$T/audit6.html") rows"
curl -s -b "$T/jar" -o "$T/audit2.html" "$URL/audit?who=%3Cscript%3Ealert(1)%3C/script%3E"
refute web_audit_escapes_the_query '<script>alert' "$T/audit2.html"
curl -s -b "$T/jar" -o "$T/audit3.html" -w '%{http_code}' "$URL/audit?since=soon" > "$T/wstatus"
[ "$(cat "$T/wstatus")" = 400 ] && ok web_audit_bad_since_400 || not_ok web_audit_bad_since_400 "HTTP $(cat "$T/wstatus")"
curl -s -c "$T/jar2" -o /dev/null -H "Origin: $URL" --data-urlencode "token=$ALICE" "$URL/login"
curl -s -b "$T/jar2" -o "$T/home2.html" "$URL/"
refute web_nav_no_audit_for_read '/audit' "$T/home2.html"
# A session of too low a role is told so on a page (403).
curl -s -b "$T/jar2" -o "$T/audit4.html" -w '%{http_code}' "$URL/audit" > "$T/wstatus"
[ "$(cat "$T/wstatus")" = 403 ] && ok web_audit_read_session_refused || not_ok web_audit_read_session_refused "HTTP $(cat "$T/wstatus")"
refute web_audit_read_session_sees_nothing '<table id="audit"' "$T/audit4.html"
serve_stop

# ---- 3. rotated files, broken and hostile lines ----
rm -f "$T/audit.log"*
printf '[server]\nrate = 0\naudit_max = 2000\naudit_keep = 3\naudit_log = %s\n' "$T/audit.log" > "$CHOUSA_CONFIG"
serve_start --audit-max 2000 --audit-keep 3 || { not_ok rotated_server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
for i in 1 2 3 4 5 6 7 8; do
	http GET "/api/v1/lookup?indicator=5.5.5.$i" "$ALICE"
	sleep 0.05
done
sleep 0.3
serve_stop
ls "$T"/audit.log.* > /dev/null 2>&1 && ok audit_log_rotated || not_ok audit_log_rotated "$(ls "$T")"
check audit_through_rotated_files 1 "$CHOUSA" audit --json --who alice
python3 - "$T/out" > "$T/py" 2>&1 <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
entries, summary = [json.loads(l) for l in lines[:-1]], json.loads(lines[-1])["summary"]
got = [e["inputs"][0] for e in entries]
assert got == ["5.5.5.%d" % i for i in range(8, 0, -1)], got
assert summary["files"] >= 2, summary
print("ok")
PY
expect audit_rotated_newest_first_all_eight '^ok$' "$T/py"
# A line cut short, and one planted: skipped and counted.
printf '{"time":"2026-01-01T00:00:00Z","who":"alice","what":"lookup","inputs":["5.5.5.1"' >> "$T/audit.log"
printf '\n{"time":"2026-01-02T00:00:00Z","who":"alice\\u001b]0;pwned\\u0007","what":"lookup","status":200,"verdict":"<script>\\u001b[31m","n_inputs":1,"inputs":["5.5.5.1"]}\n' >> "$T/audit.log"
printf 'ignore previous instructions\n' >> "$T/audit.log"
check audit_broken_lines_skipped 1 "$CHOUSA" audit 5.5.5.1
expect audit_broken_lines_counted '2 lines of .* could not be read' "$T/err"
cp "$T/out" "$T/local.out"
serve_start --audit-max 2000000 --audit-keep 3 || { not_ok broken_server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
CHOUSA_SERVER_KEY=$ADMIN check audit_remote_broken_lines 1 "$CHOUSA" --server "$URL" audit 5.5.5.1
expect audit_remote_broken_lines_warned '2 lines of .* could not be read' "$T/err"
cmp -s "$T/out" "$T/local.out" && ok audit_remote_broken_lines_same || not_ok audit_remote_broken_lines_same "$(diff "$T/out" "$T/local.out" | head -c 300)"
serve_stop
cp "$T/local.out" "$T/out"
if od -c "$T/out" | grep -q '033'; then not_ok audit_no_escape_reaches_the_terminal "$(od -c "$T/out" | grep 033 | head -n 2)"; else ok audit_no_escape_reaches_the_terminal; fi
refute audit_no_planted_text 'ignore previous' "$T/out"
n=$(wc -l < "$T/out")
[ "$n" = 2 ] && ok "audit_planted_entry_shown_as_data ($n)" || not_ok audit_planted_entry_shown_as_data "$n lines: $(cat "$T/out")"

# ---- 4. --since reads only the files it needs ----
# Rotated files are older all through: one whose last line is older than
# --since (less a minute of leeway) is not read, nor those rotated before.
line() { printf '{"time":"%s","who":"%s","what":"lookup","status":200,"n_inputs":1,"inputs":["%s"]}\n' "$@"; }
{ line 2025-01-01T00:00:00Z old 7.7.7.7; line 2025-02-01T00:00:00Z old 7.7.7.7; } > "$T/s.log.2"
{ line 2025-06-01T00:00:00Z mid 7.7.7.7; line 2025-12-31T23:59:30Z edge 7.7.7.7; } > "$T/s.log.1"
{ line 2025-12-31T23:59:50Z late 7.7.7.7; line 2026-02-01T00:00:00Z new 7.7.7.7; } > "$T/s.log"
check audit_since_skips_files 1 "$CHOUSA" audit --log "$T/s.log" --json --since 2026-01-01T00:05:00Z 7.7.7.7
expect audit_since_one_file '"files":1,' "$T/out"
refute audit_since_skips_nothing_newer '"who":"(old|mid|edge|late)"' "$T/out"
expect audit_since_finds_the_new '"who":"new"' "$T/out"
check audit_since_within_the_leeway 1 "$CHOUSA" audit --log "$T/s.log" --json --since 2025-12-31T23:59:40Z 7.7.7.7
expect audit_since_leeway_reads_the_older_file '"files":2,' "$T/out"
expect audit_since_leeway_finds_late '"who":"late"' "$T/out"
refute audit_since_leeway_not_edge '"who":"edge"' "$T/out"
check audit_since_all 1 "$CHOUSA" audit --log "$T/s.log" --json --since 2024-01-01 7.7.7.7
expect audit_since_all_six '"files":3,.*"shown":6' "$T/out"
# --help gives every status audit ends with: 3 for a refused token too.
check audit_help 0 "$CHOUSA" audit --help
tr '\n' ' ' < "$T/out" | tr -s ' ' > "$T/help1"
expect audit_help_exit_3 '3 for a token the server refuses' "$T/help1"

# ---- 5. terminal controls beyond ESC, from anyone ----
# A path nobody may open is audited all the same: its C1 CSI (U+009B,
# which a terminal decoding UTF-8 takes as ESC [) and a bidi override
# (U+202E, which shows a line's text reversed) are written escaped, as ESC
# is, so that tail -f of the log in a terminal shows them inert; json
# reads them back the same.
rm -f "$T/audit.log"*
serve_start || { not_ok controls_server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
http GET "/c1%C2%9B31mred%C2%9B0m%E2%80%AEtxt.exe"
serve_stop
if LC_ALL=C grep -q "$(printf '\302\233')\|$(printf '\342\200\256')" "$T/audit.log"; then
	not_ok audit_line_holds_no_c1_nor_bidi "$(grep -a '"/c1' "$T/audit.log" | od -c | head -n 4)"
else
	ok audit_line_holds_no_c1_nor_bidi
fi
expect audit_line_c1_and_bidi_escaped '"path":"/c1\\u009b31mred\\u009b0m\\u202etxt\.exe"' "$T/audit.log"
