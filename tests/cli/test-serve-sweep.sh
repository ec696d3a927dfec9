#!/bin/sh
# test-serve-sweep.sh: POST /api/v1/sweep (src/serve/sweep.c), a log
# uploaded and swept as it arrives, never stored.
#  1. Real-format logs of every kind (tests/data/logs), gzip and a
#     capture: the hits are byte for byte those of `chousa sweep - < log`
#     on the same store, in json, text and csv; the summary's counts too;
#     Chousa-Exit 1 with hits, 0 without.
#  2. A body of 40 MiB sent chunked, ten times the queue: the connection
#     waits for the sweep (suspended, never blocking an HTTP thread), and
#     every one of the planted hits comes back; look-ups are answered
#     meanwhile.
#  3. Refusals: no token 401, unknown options 400, a log no format fits
#     400 with Chousa-Exit 3, a body over [server] sweep_max 413 (said at
#     once for a Content-Length, after the cap for a chunked one), past
#     [server] background_jobs 503 with Retry-After.
#  4. A client that goes half way: the sweep stops, the server goes on,
#     the audit line says so.  An import while serving: the next sweep
#     sees the new indicator (the shared matcher is built again).
#  5. Nothing of the log is left on disk (TMPDIR of the server is empty),
#     and a server stopped during an upload ends at once.
#  6. [server] sweep_matcher_keep: 0 keeps the matcher; set to 2 s at a
#     SIGHUP, the matcher unused that long is freed, and the next sweep
#     builds it again.
#  7. chousa --server URL sweep: the local command's output and status.
#  8. The web page's form (POST /sweep, multipart through curl): the hits
#     as a table, defanged and escaped; the CSRF field checked before the
#     log is read; refusals; the audit line.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

L="$TESTS/data/logs"
serve_store '[server]\nrate = 0\nsweep_max = 50000000\nbackground_jobs = 2\n'
"$CHOUSA" -q import list --family emotet --source-name testfeed \
    "$L/iocs.txt" > /dev/null 2>&1
TOKEN=$("$CHOUSA" -q token create --role read analyst)
mkdir -p "$T/servertmp"
TMPDIR="$T/servertmp" serve_start ||
	{ not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }

# upload NAME QUERY FILE [OPTIONS...]: POST FILE to /api/v1/sweep?QUERY;
# the status in $T/status, the body in $T/up.NAME, headers in .h.
upload() {
	name=$1 query=$2 file=$3
	shift 3
	python3 "$TESTS/cli/serve_upload.py" "$URL" "$TOKEN" \
	    "/api/v1/sweep?$query" "$file" "$T/up.$name" "$@" \
	    > "$T/status" 2> "$T/up.$name.err"
}
status_of() {
	got=$(cat "$T/status")
	if [ "$got" = "$2" ]; then ok "$1"; else
		not_ok "$1" "status $got, want $2: $(head -c 300 "$T/up.$3" 2> /dev/null) $(head -c 300 "$T/up.$3.err")"
	fi
}
header_of() {	# NAME UPLOAD REGEX
	grep -qi "$3" "$T/up.$2.h" && ok "$1" ||
		not_ok "$1" "no '$3' in: $(tr '\n' ' ' < "$T/up.$2.h" | head -c 400)"
}

# ---- 1. the same hits as chousa sweep ----
gzip -c "$L/zeek-http.log" > "$T/zeek-http.log.gz"
python3 "$L/mkpcap.py" "$T/c.pcap" > /dev/null 2>&1
for f in zeek-conn.log zeek-dns.log eve.json squid-access.log \
    access-combined.log bind-query.log windns-debug.log zeek-http.json \
    "$T/zeek-http.log.gz" "$T/c.pcap"; do
	case $f in /*) path=$f ;; *) path=$L/$f ;; esac
	[ -f "$path" ] || { not_ok "sample_$f" "missing"; continue; }
	n=$(basename "$f" | tr '.-' '__')
	"$CHOUSA" sweep --json - < "$path" > "$T/local.$n" 2> /dev/null
	want_exit=$?
	upload "$n" "" "$path"
	status_of "sweep_${n}_200" 200 "$n"
	# Every line but the summary, whose seconds differ.
	sed '$d' "$T/local.$n" > "$T/local.$n.hits"
	sed '$d' "$T/up.$n" > "$T/up.$n.hits"
	if cmp -s "$T/local.$n.hits" "$T/up.$n.hits" &&
	    [ -s "$T/local.$n.hits" ]; then ok "sweep_${n}_same_hits"; else
		not_ok "sweep_${n}_same_hits" "$(diff "$T/local.$n.hits" "$T/up.$n.hits" | head -5)"
	fi
	sumkeys='s/"seconds":[0-9.e+-]*//'
	if [ "$(tail -n 1 "$T/local.$n" | sed "$sumkeys")" = \
	    "$(tail -n 1 "$T/up.$n" | sed "$sumkeys")" ]; then
		ok "sweep_${n}_same_summary"; else
		not_ok "sweep_${n}_same_summary" "$(tail -n 1 "$T/local.$n") vs $(tail -n 1 "$T/up.$n")"
	fi
	header_of "sweep_${n}_exit" "$n" "^Chousa-Exit: $want_exit"
done
header_of sweep_log_format_said zeek_conn_log '^Chousa-Log-Format: zeek'
header_of sweep_ndjson_type zeek_conn_log '^Content-Type: application/x-ndjson'
header_of sweep_malformed_warned zeek_conn_log '^Chousa-Warning: -: 1 malformed lines skipped'

for fmt in text csv; do
	opt=--csv
	[ $fmt = text ] && opt=
	"$CHOUSA" sweep $opt - < "$L/eve.json" > "$T/local.$fmt" 2> /dev/null
	upload "$fmt" "format=$fmt" "$L/eve.json"
	status_of "sweep_${fmt}_200" 200 "$fmt"
	cmp -s "$T/local.$fmt" "$T/up.$fmt" && ok "sweep_${fmt}_same_bytes" ||
		not_ok "sweep_${fmt}_same_bytes" "$(diff "$T/local.$fmt" "$T/up.$fmt" | head -5)"
done
"$CHOUSA" sweep --json --internal 192.0.2.0/24 --format zeek - \
    < "$L/zeek-conn.log" 2> /dev/null | sed '$d' > "$T/local.opts"
upload opts "internal=192.0.2.0/24&log_format=zeek&name=-" "$L/zeek-conn.log"
sed '$d' "$T/up.opts" > "$T/up.opts.hits"
cmp -s "$T/local.opts" "$T/up.opts.hits" && ok sweep_options_as_the_cli ||
	not_ok sweep_options_as_the_cli "$(diff "$T/local.opts" "$T/up.opts.hits" | head -5)"
# As the README says to send one.
curl -s -o "$T/up.curl" -D "$T/up.curl.h" -H "Authorization: Bearer $TOKEN" \
    -T "$T/zeek-http.log.gz" -X POST "$URL/api/v1/sweep"
[ "$(sed '$d' "$T/up.curl")" = "$(cat "$T/local.zeek_http_log_gz.hits")" ] &&
	ok curl_upload_same_hits || not_ok curl_upload_same_hits "$(head -c 300 "$T/up.curl")"
upload named "name=conn.log" "$L/zeek-conn.log"
grep -q '"file":"conn.log"' "$T/up.named" && ok sweep_name_is_the_file ||
	not_ok sweep_name_is_the_file "$(head -c 300 "$T/up.named")"

printf '#separator \\x09\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\n1700000000.0\tC1\t10.0.0.1\t1000\t10.0.0.2\t80\n' > "$T/clean.log"
upload clean "" "$T/clean.log"
status_of sweep_clean_200 200 clean
header_of sweep_clean_exit_0 clean '^Chousa-Exit: 0'
[ "$(grep -c . "$T/up.clean")" = 1 ] && grep -q '"summary"' "$T/up.clean" &&
	ok sweep_clean_summary_only || not_ok sweep_clean_summary_only "$(head -c 300 "$T/up.clean")"

# ---- 2. a big body, chunked, through the queue ----
# 40 MiB of Zeek conn lines, one in 1000 to a listed address.
python3 - "$T/big.log" <<'PY'
import sys
lines = ["#separator \\x09\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n"]
n = size = 0
while size < 40 << 20:
    dst = "185.244.25.10" if n % 1000 == 0 else "10.1.%d.%d" % (n // 250 % 250, n % 250)
    lines.append("1700000000.%06d\tC%d\t10.0.0.%d\t%d\t%s\t443\ttcp\n" % (n, n, n % 200, 1024 + n % 60000, dst))
    size += len(lines[-1])
    n += 1
open(sys.argv[1], "w").write("".join(lines))
print(n)
PY
want_big=$("$CHOUSA" sweep - < "$T/big.log" 2> /dev/null | wc -l | tr -d ' ')
(
	for i in 1 2 3 4 5 6 7 8 9 10; do
		http GET "/api/v1/lookup?indicator=185.244.25.10" "$TOKEN"
		cat "$T/status"
	done > "$T/during"
) &
during=$!
upload big "format=text" "$T/big.log" --chunked --piece 262144
wait $during
status_of sweep_big_chunked_200 200 big
got_big=$(wc -l < "$T/up.big" | tr -d ' ')
[ "$got_big" = "$want_big" ] && [ "$want_big" -gt 500 ] &&
	ok sweep_big_every_hit || not_ok sweep_big_every_hit "$got_big hits, want $want_big"
# Gzip members one after another are one stream: sent faster than they
# are swept (7 MiB each, 40 MiB to sweep), the queue fills and the
# connection waits.
gzip -c "$T/big.log" > "$T/big.log.gz"
upload biggz "format=text" "$T/big.log.gz" --chunked --piece 1048576 --repeat 5
status_of sweep_gzip_members_200 200 biggz
got_big=$(wc -l < "$T/up.biggz" | tr -d ' ')
[ "$got_big" = $((want_big * 5)) ] && ok sweep_gzip_members_every_hit ||
	not_ok sweep_gzip_members_every_hit "$got_big hits, want $((want_big * 5))"
http GET /metrics "$TOKEN"
waits=$(awk '/^chousa_sweep_upload_waits_total / {print $2}' "$T/body")
[ "${waits:-0}" -gt 0 ] && ok upload_waited_for_its_sweep ||
	not_ok upload_waited_for_its_sweep "waits '$waits'"
received=$(awk '/^chousa_sweep_received_bytes_total / {print $2}' "$T/body")
[ "${received:-0}" -gt $((5 * $(wc -c < "$T/big.log.gz"))) ] &&
	ok received_bytes_counted || not_ok received_bytes_counted "'$received'"
expect matcher_bytes_said '^chousa_sweep_matcher_bytes [1-9]' "$T/body"
expect background_jobs_said '^chousa_background_jobs 0$' "$T/body"
[ "$(grep -c '^200$' "$T/during")" = 10 ] && ok lookups_answered_during_a_sweep ||
	not_ok lookups_answered_during_a_sweep "$(tr '\n' ' ' < "$T/during")"

# ---- 3. refusals ----
python3 "$TESTS/cli/serve_upload.py" "$URL" "" /api/v1/sweep "$L/eve.json" \
    "$T/up.notoken" > "$T/status" 2> /dev/null
status_of sweep_needs_a_token 401 notoken
upload badfmt "format=xml" "$L/eve.json"
status_of sweep_unknown_format_400 400 badfmt
upload badlog "log_format=syslog9" "$L/eve.json"
status_of sweep_unknown_log_format_400 400 badlog
upload badint "internal=10.0.0.0/99" "$L/eve.json"
status_of sweep_bad_internal_400 400 badint
upload misspelt "no_benign_filtr=1" "$L/eve.json"
status_of sweep_unknown_parameter_400 400 misspelt
expect sweep_unknown_parameter_named "unknown parameter 'no_benign_filtr'" "$T/up.misspelt"
upload badbool "as_of_log_time=maybe" "$L/eve.json"
status_of sweep_bad_boolean_400 400 badbool
# Any text fits the text format: a capture that is none cannot be read.
upload junk "log_format=pcap" "$L/eve.json"
status_of sweep_unreadable_capture_400 400 junk
header_of sweep_unreadable_exit_3 junk '^Chousa-Exit: 3'
expect sweep_unreadable_said 'not a pcap or pcapng file' "$T/up.junk"
python3 -c "import sys; sys.stdout.write('x' * 50000001)" > "$T/toobig"
upload toobig "" "$T/toobig"
status_of sweep_content_length_over_cap_413 413 toobig
# The token is read before the size: the 413 is audited with who sent
# it, and a body too large without a token gets the 401.
sleep 0.3
grep '"status":413' "$T/audit.log" | grep -q '"who":"analyst"' &&
	ok over_cap_audited_with_who ||
	not_ok over_cap_audited_with_who "$(grep '"status":413' "$T/audit.log" | tail -n 1)"
code=$(curl -s -o /dev/null -w '%{http_code}' --data-binary @"$T/toobig" "$URL/api/v1/sweep")
[ "$code" = 401 ] && ok over_cap_no_token_401 || not_ok over_cap_no_token_401 "HTTP $code"
upload toobigc "" "$T/toobig" --chunked --piece 1048576
status_of sweep_chunked_over_cap_413 413 toobigc
# A chunked body that breaks off into garbage, after its sweep has begun:
# the library refuses it, the sweep is aborted and its slot freed.
python3 - "$PORT" "$TOKEN" <<'PY' > "$T/badchunk" 2>&1
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
s.sendall(("POST /api/v1/sweep HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
           "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz-not-a-size\r\n\r\n"
           % sys.argv[2]).encode())
try:
    print(s.recv(4096).split(b"\r\n")[0].decode() or "closed")
except OSError:
    print("closed")
PY
grep -q 'HTTP/1.1 400\|closed' "$T/badchunk" && ok bad_chunk_refused ||
	not_ok bad_chunk_refused "$(cat "$T/badchunk")"
sleep 0.5
http GET /metrics "$TOKEN"
expect bad_chunk_slot_freed '^chousa_background_jobs 0$' "$T/body"
http GET /api/v1/health
status_is serves_after_refusals 200

# Two slow uploads hold both slots: a third is refused at once.
for k in 1 2; do
	python3 "$TESTS/cli/serve_upload.py" "$URL" "$TOKEN" /api/v1/sweep \
	    "$L/zeek-conn.log" "$T/up.slow$k" --chunked --piece 200 --pause 0.3 \
	    > "$T/status.slow$k" 2>&1 &
	eval "slow$k=\$!"
done
sleep 1
upload third "" "$L/eve.json"
status_of sweep_past_background_jobs_503 503 third
header_of sweep_503_retry_after third '^Retry-After: 5'
wait $slow1 $slow2
[ "$(cat "$T/status.slow1")" = 200 ] && [ "$(cat "$T/status.slow2")" = 200 ] &&
	ok slow_uploads_answered ||
	not_ok slow_uploads_answered "$(cat "$T/status.slow1" "$T/status.slow2" | tr '\n' ' ')"
[ "$(sed '$d' "$T/up.slow1")" = "$(cat "$T/local.zeek_conn_log.hits")" ] &&
    [ "$(sed '$d' "$T/up.slow2")" = "$(cat "$T/local.zeek_conn_log.hits")" ] &&
	ok slow_uploads_same_hits || not_ok slow_uploads_same_hits "$(head -c 300 "$T/up.slow1")"

# ---- 4. a client that goes, an import while serving ----
upload gone "" "$T/big.log" --chunked --stop-after 8000000
[ "$(cat "$T/status")" = closed ] && ok client_went || not_ok client_went "$(cat "$T/status")"
sleep 1
upload after "" "$L/eve.json"
status_of sweep_after_a_client_went 200 after
grep '"what":"sweep"' "$T/audit.log" | grep -q '"ended":"client closed"' &&
	ok gone_client_audited ||
	not_ok gone_client_audited "$(grep '"what":"sweep"' "$T/audit.log" | tail -n 2)"
grep '"what":"sweep"' "$T/audit.log" | grep '"who":"analyst"' |
	grep -q '"verdict":"hits:' && ok sweep_audited_with_hits ||
	not_ok sweep_audited_with_hits "$(grep '"what":"sweep"' "$T/audit.log" | head -n 2)"

printf '203.0.113.77\n' > "$T/new.txt"
printf '#separator \\x09\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\n1700000000.0\tC1\t10.0.0.1\t1000\t203.0.113.77\t80\n' > "$T/new.log"
upload before_import "" "$T/new.log"
header_of new_indicator_not_yet before_import '^Chousa-Exit: 0'
"$CHOUSA" -q import list --family qakbot --source-name later "$T/new.txt" > /dev/null 2>&1
upload after_import "" "$T/new.log"
header_of new_indicator_after_import after_import '^Chousa-Exit: 1'
expect matcher_built_again '"indicator":"203.0.113.77"' "$T/up.after_import"
http GET /metrics "$TOKEN"
expect matcher_built_twice_only '^chousa_sweep_matcher_builds_total 2$' "$T/body"

# ---- 5. nothing left behind; a stop during an upload ----
# The upload (1 kB in pieces of 100 bytes 0.5 s apart) is finished by the
# stop's drain about 4 s after the signal; the stop comes soon after it,
# not after drain_timeout (30 s).
[ -z "$(ls -A "$T/servertmp")" ] && ok nothing_left_in_tmpdir ||
	not_ok nothing_left_in_tmpdir "$(ls -A "$T/servertmp" | head)"
python3 "$TESTS/cli/serve_upload.py" "$URL" "$TOKEN" /api/v1/sweep \
    "$L/zeek-conn.log" "$T/up.stop" --chunked --piece 100 --pause 0.5 \
    > "$T/status.stop" 2>&1 &
stopper=$!
# The stop must come once the server has the upload under way (its sweep
# counted in the metrics), not after a guessed delay: on a loaded machine
# the client may not have connected yet, and a connection the server has
# not accepted is refused by the stop, as it should be.
i=0
while [ $i -lt 300 ]; do
	http GET /metrics "$TOKEN"
	grep -q '^chousa_background_jobs [1-9]' "$T/body" && break
	sleep 0.05
	i=$((i + 1))
done
expect upload_under_way_before_the_stop '^chousa_background_jobs [1-9]' "$T/body"
t0=$(date +%s)
serve_stop
t1=$(date +%s)
[ $((t1 - t0)) -le 12 ] && ok stop_during_upload_prompt ||
	not_ok stop_during_upload_prompt "$((t1 - t0)) s"
wait $stopper 2> /dev/null
expect upload_under_way_finished_by_the_stop '^200' "$T/status.stop"
refute no_error_at_stop 'ERROR\|panic\|Assertion' "$T/serve.log"

# ---- 6. an unused matcher is freed ----
# Kept (0) at start, then 2 s from a SIGHUP.
printf '[server]\nrate = 0\nsweep_matcher_keep = 0\n' > "$CHOUSA_CONFIG"
serve_start || { not_ok server_restarts "$(head -c 300 "$T/serve.log")"; exit 0; }
upload keep1 "" "$L/zeek-conn.log"
sleep 3
http GET /metrics "$TOKEN"
expect matcher_held_after_a_sweep '^chousa_sweep_matcher_bytes [1-9]' "$T/body"
refute matcher_kept_when_keep_is_0 'matcher freed' "$T/serve.log"
printf '[server]\nrate = 0\nsweep_matcher_keep = 2\n' > "$CHOUSA_CONFIG"
serve_hup
expect matcher_keep_live_said '\[server\] sweep_matcher_keep is now 2' "$T/serve.log"
i=0
while [ $i -lt 100 ] && ! grep -q 'matcher freed' "$T/serve.log"; do
	sleep 0.1
	i=$((i + 1))
done
expect matcher_freed_said 'sweep: the matcher freed, unused for ([2-9]|[1-9][0-9]+) s' "$T/serve.log"
http GET /metrics "$TOKEN"
expect matcher_bytes_zero_when_freed '^chousa_sweep_matcher_bytes 0$' "$T/body"
upload keep2 "" "$L/zeek-conn.log"
[ "$(sed '$d' "$T/up.keep2")" = "$(cat "$T/local.zeek_conn_log.hits")" ] &&
	ok sweep_after_the_matcher_was_freed ||
	not_ok sweep_after_the_matcher_was_freed "$(head -c 300 "$T/up.keep2")"
http GET /metrics "$TOKEN"
expect matcher_built_again_after_freed '^chousa_sweep_matcher_builds_total 2$' "$T/body"

# ---- 7. chousa --server URL sweep ----
# The same hits on stdout, the same exit status and the same summary on
# stderr as the local command (but the seconds, and the top hosts and
# families, which the server does not count), a file sent with its
# length, standard input in chunks, compressed or not.
export CHOUSA_SERVER_KEY="$TOKEN"
gzip -c "$L/eve.json" > "$T/eve.json.gz"
for spec in "zeek-conn.log:" "zeek-conn.log:--json" "eve.json:--csv" \
    "squid-access.log:--json --internal 192.0.2.0/24" "-$T/eve.json.gz:--json"; do
	f=${spec%%:*} opts=${spec#*:}
	case $f in -*) path=${f#-}; src=stdin ;; *) path=$L/$f; src=file ;; esac
	n="cli_$(basename "$path" | tr '.-' '__')_$(echo "$opts" | tr -dc a-z)"
	if [ $src = stdin ]; then
		"$CHOUSA" sweep $opts - < "$path" > "$T/l.out" 2> "$T/l.err"; le=$?
		"$CHOUSA" --server "$URL" sweep $opts - < "$path" > "$T/r.out" 2> "$T/r.err"; re=$?
	else
		"$CHOUSA" sweep $opts "$path" > "$T/l.out" 2> "$T/l.err"; le=$?
		"$CHOUSA" --server "$URL" sweep $opts "$path" > "$T/r.out" 2> "$T/r.err"; re=$?
	fi
	sed 's/"seconds":[0-9.]*//' "$T/l.out" > "$T/l.cmp"
	sed 's/"seconds":[0-9.]*//' "$T/r.out" > "$T/r.cmp"
	grep '^chousa: ' "$T/l.err" | sed 's/ (-v shows the first)//; s/ in [0-9.]* s (.*//' > "$T/l.ecmp"
	sed 's/ in [0-9.]* s (.*//' "$T/r.err" > "$T/r.ecmp"
	if [ "$le" = "$re" ] && cmp -s "$T/l.cmp" "$T/r.cmp" && [ -s "$T/l.cmp" ] &&
	    cmp -s "$T/l.ecmp" "$T/r.ecmp"; then ok "${n}_same_as_local (exit $le)"; else
		not_ok "${n}_same_as_local" "exit $le/$re; $(diff "$T/l.cmp" "$T/r.cmp" | head -n 3 | tr '\n' '|') $(diff "$T/l.ecmp" "$T/r.ecmp" | head -n 4 | tr '\n' '|')"
	fi
done
check cli_sweep_quiet 1 "$CHOUSA" -q --server "$URL" sweep "$L/zeek-conn.log"
refute cli_sweep_quiet_says_nothing "sweep:" "$T/err"
check cli_sweep_investigate_refused 2 "$CHOUSA" --server "$URL" sweep --investigate "$L/zeek-conn.log"
expect cli_sweep_investigate_says_instead "chousa --server URL investigate" "$T/err"
check cli_sweep_one_file 2 "$CHOUSA" --server "$URL" sweep "$L/zeek-conn.log" "$L/eve.json"
check cli_sweep_missing_file 3 "$CHOUSA" --server "$URL" sweep "$T/nosuch.log"
check cli_sweep_bad_log_format 2 "$CHOUSA" --server "$URL" sweep --format nosuch "$L/zeek-conn.log"
serve_stop

# ---- 8. the web page's form (POST /sweep) ----
# Signed in with the session cookie, the home page's form uploads a log
# with curl's own multipart encoding: the hits come back as a table of the
# page, defanged and escaped, each linked to its report; a Zeek log and a
# gzipped EVE log give the hits the API gives.  The CSRF field is checked
# before the log is read (missing, wrong, after the file, from another
# origin: 403), a form without a file is a 400, a body that is no form a
# 415, no session a 401, a log past sweep_max a 413; the audit log names
# the sweep.
printf '[server]\nrate = 0\nsweep_max = 50000000\n' > "$CHOUSA_CONFIG"
TMPDIR="$T/servertmp" serve_start ||
	{ not_ok web_server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
curl -s -c "$T/jar" -o /dev/null -H "Origin: $URL" --data-urlencode "token=$TOKEN" "$URL/login"
curl -s -b "$T/jar" -o "$T/home.html" "$URL/"
expect web_home_has_the_sweep_form 'action="/sweep" enctype="multipart/form-data"' "$T/home.html"
csrf=$(grep -o 'name="csrf" value="[^"]*"' "$T/home.html" | head -n 1 | sed 's/.*value="//; s/"$//')
# form NAME [CURL ARGS...]: POST /sweep with the session; the status in
# $T/wstatus, the page in $T/web.NAME.
form() {
	n=$1; shift
	curl -s -b "$T/jar" -o "$T/web.$n" -w '%{http_code}' "$@" "$URL/sweep" > "$T/wstatus"
}
wstatus_is() {
	if [ "$(cat "$T/wstatus")" = "$2" ]; then ok "$1"; else not_ok "$1" "HTTP $(cat "$T/wstatus"), want $2: $(head -c 200 "$T/web.$n")"; fi
}
printf 'GET http://www.dnautik.com/x HTTP/1.1\n<script>window.__pwned=1</script> nothing\n' > "$T/hostile.log"
form text -F "csrf=$csrf" -F "log=@$T/hostile.log;filename=<img src=x onerror=alert(1)>.log"
wstatus_is web_sweep_answers 200
expect web_sweep_table 'id="hits".*<tbody>' "$T/web.text"
expect web_sweep_row_defanged '<a href="/report\?q=www.dnautik.com"><code>www\[\.\]dnautik\[\.\]com</code></a>' "$T/web.text"
expect web_sweep_other_end_defanged '<code>hxxp\[:\]//www\[\.\]dnautik\[\.\]com/x</code>' "$T/web.text"
expect web_sweep_summary '<strong>1 hit</strong>' "$T/web.text"
refute web_sweep_file_name_escaped '<img src=x' "$T/web.text"
expect web_sweep_file_name_shown '&lt;img src=x onerror=alert\(1\)&gt;\.log' "$T/web.text"
refute web_sweep_no_script_from_the_log '<script>window' "$T/web.text"
# The hits of a Zeek log and of a gzipped EVE log: those the API gives.
gzip -c "$L/eve.json" > "$T/eve.json.gz"
for f in "$L/zeek-conn.log" "$T/eve.json.gz"; do
	b=$(basename "$f" | tr '.-' '__')
	form "$b" -F "csrf=$csrf" -F "log=@$f"
	"$CHOUSA" --server "$URL" sweep --json "$f" > "$T/api.$b" 2> /dev/null
	api=$(grep -c '"indicator"' "$T/api.$b")
	web=$(grep -o '<tr><td>[0-9]' "$T/web.$b" | wc -l)
	if [ "$(cat "$T/wstatus")" = 200 ] && [ "$api" -gt 0 ] && [ "$api" = "$web" ]; then
		ok "web_sweep_${b}_same_hits_as_the_api ($web)"
	else
		not_ok "web_sweep_${b}_same_hits_as_the_api" "HTTP $(cat "$T/wstatus"): web $web, api $api"
	fi
done
# The form's options, sent before the file as the page's fields are: the
# same hits as the API with the same options.
form opt_zeek -F "csrf=$csrf" -F log_format=zeek -F "log=@$L/zeek-conn.log"
wstatus_is web_sweep_log_format_zeek 200
expect web_sweep_log_format_zeek_says 'as zeek' "$T/web.opt_zeek"
form opt_eve -F "csrf=$csrf" -F log_format=eve -F "log=@$L/zeek-conn.log"
expect web_sweep_log_format_forced_eve_no_hits '<strong>0 hits</strong>' "$T/web.opt_eve"
printf '#separator \\x09\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n1710353351.5\tCx\t203.0.113.5\t50112\t185.244.25.10\t8080\ttcp\n' > "$T/public.log"
for internal in "" "185.244.25.0/24"; do
	form "internal${internal%%.*}" -F "csrf=$csrf" -F "internal=$internal" -F "log=@$T/public.log"
	"$CHOUSA" --server "$URL" sweep ${internal:+--internal "$internal"} --json "$T/public.log" > "$T/api.internal" 2> /dev/null
	src=$(sed -n 's/.*"src":"\([^"]*\)".*/\1/p' "$T/api.internal" | head -n 1 | sed 's/\./[.]/g')
	if [ -n "$src" ] && grep -q "<td><code>$src</code></td>" "$T/web.internal${internal%%.*}"; then
		ok "web_sweep_internal_${internal:-none}_as_the_api ($src)"
	else
		not_ok "web_sweep_internal_${internal:-none}_as_the_api" "api src '$src', HTTP $(cat "$T/wstatus")"
	fi
done
form asof -F "csrf=$csrf" -F as_of_log_time=1 -F window=0 -F "log=@$L/zeek-conn.log"
"$CHOUSA" --server "$URL" sweep --as-of-log-time --window 0 --json "$L/zeek-conn.log" > "$T/api.asof" 2> /dev/null
api=$(grep -c '"indicator"' "$T/api.asof")
web=$(grep -o '<tr><td>[0-9]' "$T/web.asof" | wc -l)
[ "$(cat "$T/wstatus")" = 200 ] && [ "$api" = "$web" ] && ok "web_sweep_as_of_log_time_as_the_api ($web)" ||
	not_ok web_sweep_as_of_log_time_as_the_api "HTTP $(cat "$T/wstatus"): web $web, api $api"
form badformat -F "csrf=$csrf" --form-string "log_format=<b>nosuch" -F "log=@$T/hostile.log"
wstatus_is web_sweep_unknown_log_format_400 400
expect web_sweep_unknown_log_format_says "unknown log_format &#39;&lt;b&gt;nosuch&#39;" "$T/web.badformat"
form badinternal -F "csrf=$csrf" -F "internal=10.0.0.0/99" -F "log=@$T/hostile.log"
wstatus_is web_sweep_bad_internal_400 400
form badwindow -F "csrf=$csrf" -F "window=-1" -F "log=@$T/hostile.log"
wstatus_is web_sweep_bad_window_400 400
form longopt -F "csrf=$csrf" -F "internal=$(head -c 3000 /dev/zero | tr '\0' '1')" -F "log=@$T/hostile.log"
wstatus_is web_sweep_too_long_field_400 400
form lateopt -F "csrf=$csrf" -F "log=@$T/hostile.log" -F log_format=eve
wstatus_is web_sweep_option_after_the_file_400 400
# Refusals.
form nocsrf -F "log=@$T/hostile.log"
wstatus_is web_sweep_without_csrf_403 403
form badcsrf -F "csrf=x$csrf" -F "log=@$T/hostile.log"
wstatus_is web_sweep_wrong_csrf_403 403
form late -F "log=@$T/hostile.log" -F "csrf=$csrf"
wstatus_is web_sweep_csrf_after_the_file_403 403
form origin -H "Origin: http://evil.example" -F "csrf=$csrf" -F "log=@$T/hostile.log"
wstatus_is web_sweep_other_origin_403 403
form nofile -F "csrf=$csrf"
wstatus_is web_sweep_without_a_file_400 400
expect web_sweep_without_a_file_says 'choose a log file' "$T/web.nofile"
form json -H 'Content-Type: application/json' --data '{"log":"x"}'
wstatus_is web_sweep_not_a_form_415 415
curl -s -o /dev/null -w '%{http_code}' -F "csrf=$csrf" -F "log=@$T/hostile.log" "$URL/sweep" > "$T/wstatus"
n=nosession wstatus_is web_sweep_without_a_session_401 401
head -c 60000000 /dev/zero | tr '\0' 'a' > "$T/big.log"
form big -F "csrf=$csrf" -F "log=@$T/big.log"
wstatus_is web_sweep_over_sweep_max_413 413
form after -F "csrf=$csrf" -F "log=@$T/hostile.log"
wstatus_is web_sweep_serves_on 200
sleep 0.3	# the audit writer gathers for 10 ms
expect web_sweep_audited '"what":"web: sweep".*"status":200.*"verdict":"hits:1"' "$T/audit.log"
expect web_sweep_refusal_audited '"what":"web: sweep".*"status":403' "$T/audit.log"
ls "$T/servertmp" | grep -q . && not_ok web_sweep_leaves_nothing "$(ls "$T/servertmp" | head -n 3)" || ok web_sweep_leaves_nothing
serve_stop
