#!/bin/sh
# test-serve-restart.sh: chousa serve on sockets systemd passes it (socket
# activation, sd_listen_fds(3)), and a stop that finishes what it began:
#  1. systemd's own systemd-socket-activate passes a dual-stack socket
#     ([::]:PORT): the server serves it, over IPv4 and IPv6, and audits an
#     IPv4 client as 127.0.0.1, not ::ffff:127.0.0.1.
#  2. Restarted twice under load, with the socket held across the
#     restarts as systemd holds chousa.socket's (serve_restart.py): no
#     request fails, and the sweep uploading at each SIGTERM is answered.
#  3. Stopping: a request under way is finished, a second signal stops
#     at once, and [server] drain_timeout, as a reload left it, bounds
#     the wait.
#  4. A descriptor passed that is no listening socket is refused, saying
#     which.
# Timed under load of its own: tests/run.sh runs it with nothing beside it.
# run.sh: alone
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_store '[server]\nrate = 0\n'
TOKEN=$("$CHOUSA" -q token create --role investigate analyst)

# stopped PID SECS: whether PID ends within SECS seconds (reaped or not).
stopped() {
	i=0
	while [ $i -lt $(($2 * 10)) ]; do
		st=$(awk '{print $3}' "/proc/$1/stat" 2> /dev/null)
		[ -z "$st" ] || [ "$st" = Z ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# ---- 1. systemd-socket-activate ----
if command -v systemd-socket-activate > /dev/null; then
	P=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::", 0)); print(s.getsockname()[1])')
	systemd-socket-activate -l "$P" -E CHOUSA_DB -E CHOUSA_CONFIG \
	    "$CHOUSA" serve --audit-log "$T/audit.log" > "$T/serve.log" 2>&1 &
	SERVER_PID=$!
	i=0
	until grep -q "^Listening on" "$T/serve.log" || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
	# It starts the server at the first connection, which waits for it.
	URL="http://127.0.0.1:$P"
	http GET "/api/v1/lookup?indicator=evil.example" "$TOKEN"
	status_is activated_ipv4_lookup 200
	expect activated_says_socket "listening on the socket systemd passed: \[::\]:$P" "$T/serve.log"
	curl -s -g -o "$T/v6" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
	    "http://[::1]:$P/api/v1/lookup?indicator=evil.example" > "$T/code"
	[ "$(cat "$T/code")" = 200 ] && ok activated_ipv6_lookup || not_ok activated_ipv6_lookup "HTTP $(cat "$T/code")"
	same activated_same_answer_both_families "$T/body" "$T/v6"
	sleep 0.1
	expect audit_ipv4_client_plain '"peer":"127\.0\.0\.1"' "$T/audit.log"
	refute audit_no_mapped_address '::ffff:' "$T/audit.log"
	expect audit_ipv6_client '"peer":"::1"' "$T/audit.log"
	serve_stop
	expect activated_stops_cleanly "serve: stopping" "$T/serve.log"
else
	echo "ok # skip systemd-socket-activate missing (scripts/install-deps.sh test)"
fi

# ---- 2. restarts under load lose nothing ----
python3 "$TESTS/cli/serve_restart.py" "$CHOUSA" "$TOKEN" 2 "$T/restart.json" "$T/restart" 2> "$T/restart.err"
python3 - "$T/restart.json" > "$T/restart.out" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("requests %d ok %d" % (r["requests"], r["ok"]))
print("failed %s" % json.dumps(r["failed"]))
print("slow %s" % " ".join(str(s) for s in r["slow"]))
print("exits %s" % " ".join(str(e) for e in r["exits"]))
print("gaps %s stops %s" % (r["gap_s"], r["stop_s"]))
PY
echo "# restarts: $(tr '\n' ';' < "$T/restart.out")"
expect restart_no_request_failed '^failed \[\]$' "$T/restart.out"
python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit(0 if r["requests"] >= 200 and r["ok"] == r["requests"] else 1)' "$T/restart.json" &&
    ok restart_many_requests_all_answered || not_ok restart_many_requests_all_answered "$(head -1 "$T/restart.out") $(head -c 300 "$T/restart.err")"
expect restart_uploads_in_flight_answered '^slow 200 200$' "$T/restart.out"
expect restart_servers_exit_clean '^exits 0 0 0$' "$T/restart.out"
n=$(cat "$T"/restart.[0-9] | grep -c "listening on the socket systemd passed")
[ "$n" = 3 ] && ok restart_each_server_took_the_socket || not_ok restart_each_server_took_the_socket "$n of 3"
n=$(cat "$T"/restart.[0-9] | grep -c "every request under way was answered")
[ "$n" = 2 ] && ok restart_each_stop_finished_its_requests || not_ok restart_each_stop_finished_its_requests "$n of 2"

# ---- 3. stopping ----
LOG=$TESTS/data/samples/logs/zeek/brim-notice.log
# upload SECS: a sweep upload in the background whose body takes SECS s.
upload() {
	python3 "$TESTS/cli/serve_upload.py" "$URL" "$TOKEN" /api/v1/sweep \
	    "$LOG" "$T/up.body" --chunked --piece 64 \
	    --pause "$(python3 -c "import os, sys; print(float(sys.argv[1]) * 64 / os.path.getsize(sys.argv[2]))" "$1" "$LOG")" \
	    > "$T/up.status" 2>&1 &
	UP=$!
	# Until its connection is up (its first piece sent), or 5 s.
	i=0
	until [ "$(ss -Htn state established "( dport = :$PORT )" 2> /dev/null | wc -l)" -gt 0 ] || [ $i -ge 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.2
}
serve_start
upload 2
kill "$SERVER_PID"
sleep 0.3
curl -s -m 2 -o /dev/null "$URL/api/v1/health" && not_ok stopping_takes_no_new_connection "answered" || ok stopping_takes_no_new_connection
wait "$UP"
[ "$(head -1 "$T/up.status")" = 200 ] && ok stopping_finishes_upload_under_way || not_ok stopping_finishes_upload_under_way "$(head -c 200 "$T/up.status")"
stopped "$SERVER_PID" 10 && ok stopping_then_ends || not_ok stopping_then_ends "still running"
expect stopping_says_waiting "finishing 1 request under way" "$T/serve.log"
expect stopping_says_done "every request under way was answered" "$T/serve.log"
serve_stop

serve_start
upload 20
kill "$SERVER_PID"
sleep 0.5
kill "$SERVER_PID"
stopped "$SERVER_PID" 3 && ok second_signal_stops_at_once || not_ok second_signal_stops_at_once "still running 3 s after"
expect second_signal_says_cut "stopping now: 1 request cut short" "$T/serve.log"
wait "$UP"
serve_stop

# drain_timeout as a reload left it: started at 600 s, then 1 s.
printf '[server]\nrate = 0\ndrain_timeout = 600\n' > "$T/config"
serve_start
printf '[server]\nrate = 0\ndrain_timeout = 1\n' > "$T/config"
serve_hup
expect drain_timeout_reloaded "\[server\] drain_timeout is now 1$" "$T/serve.log"
upload 20
kill "$SERVER_PID"
stopped "$SERVER_PID" 4 && ok drain_timeout_bounds_the_wait || not_ok drain_timeout_bounds_the_wait "still running 4 s after"
expect drain_timeout_said "1 request cut short after 1 s .\[server\] drain_timeout" "$T/serve.log"
wait "$UP"
serve_stop

# ---- 4. a descriptor that is no listening socket ----
sh -c 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$@"' sh "$CHOUSA" serve --audit-log none 3< "$T/config" > "$T/bad.out" 2> "$T/bad.err"
st=$?
[ "$st" = 2 ] && ok passed_file_refused_status || not_ok passed_file_refused_status "status $st: $(cat "$T/bad.err")"
expect passed_file_refused_said "descriptor 3 passed to listen on is no stream socket" "$T/bad.err"
python3 - "$CHOUSA" > "$T/bad2.err" 2>&1 <<'PY'
import os, socket, subprocess, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))          # bound, never listening
fd = s.fileno()
p = subprocess.run(["sh", "-c", 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$@"', "sh", sys.argv[1], "serve", "--audit-log", "none"],
                   preexec_fn=lambda: os.dup2(fd, 3), pass_fds=(3, fd), capture_output=True, text=True, timeout=30)
print(p.returncode, p.stderr.strip())
PY
expect passed_unlistening_refused "^2 .*descriptor 3 passed to listen on is not listening" "$T/bad2.err"
# LISTEN_PID of another process: the variables are not this server's.
rm -f "$T/port"
LISTEN_PID=1 LISTEN_FDS=1 "$CHOUSA" serve --listen 127.0.0.1:0 --port-file "$T/port" --audit-log none > "$T/serve.log" 2>&1 &
SERVER_PID=$!
serve_wait "$SERVER_PID" "$T/port"
expect other_pids_sockets_ignored "listening on http://127.0.0.1:" "$T/serve.log"
serve_stop
