#!/bin/sh
# test-serve-listen-move.sh: [server] listen changed in the config and
# SIGHUP moves the server to the new address without a restart:
#  1. to another port: the new one answers, the old one is let go, the
#     port file and the log say where it now listens, and a keep-alive
#     connection taken on the old address before the move is served.
#  2. to an address another process holds: said, and the server stays
#     where it was; the health check's config is degraded, saying why and
#     where it still listens (the metric of the last reload 0), until a
#     reload of the same config, the address freed, moves it.
#  3. within one port, from 127.0.0.1 to the wildcard 0.0.0.0 that covers
#     it (they cannot be bound side by side): moved, with the plain-HTTP
#     warning serve --check gives; and back.
#  4. to the wildcard while another process holds 127.0.0.2 on that port:
#     the new address cannot be bound, and the server listens again where
#     it was.
#  5. --listen on the command line: the config's listen is said to be left.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
HOLDER=
CLIENT=
trap 'serve_stop; for p in $HOLDER $CLIENT; do kill $p 2>/dev/null; done' EXIT INT TERM

# free_port: a port free on 127.0.0.1 now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# answers PORT [HOST]: the status of GET /api/v1/health there, or "refused".
answers() {
	python3 - "$1" "${2:-127.0.0.1}" <<'PY'
import http.client, sys
try:
    c = http.client.HTTPConnection(sys.argv[2], int(sys.argv[1]), timeout=5)
    c.request("GET", "/api/v1/health")
    print(c.getresponse().status)
except OSError:
    print("refused")
PY
}
# moved WANT: SIGHUP with [server] listen = WANT in the config, and wait
# for the server to say what it did with it.
moved() {
	printf '[server]\nlisten = %s\n' "$1" > "$T/config"
	n=$(grep -c "\[server\] listen" "$T/serve.log")
	serve_hup
	i=0
	while [ "$(grep -c "\[server\] listen" "$T/serve.log")" = "$n" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
# hold ADDR PORT: another process listens there until the test ends.
hold() {
	rm -f "$T/held"
	python3 -c 'import socket, sys, time
s = socket.socket(); s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(1)
open(sys.argv[3], "w").write("held")
time.sleep(120)' "$1" "$2" "$T/held" &
	HOLDER="$HOLDER $!"
	i=0
	while [ ! -s "$T/held" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}

P1=$(free_port)
P2=$(free_port)
serve_store "[server]\nlisten = 127.0.0.1:$P1\n"
TOKEN=$("$CHOUSA" -q token create --role read reader)
"$CHOUSA" serve --port-file "$T/port" --audit-log "$T/audit.log" > "$T/serve.log" 2>&1 &
SERVER_PID=$!
serve_wait "$SERVER_PID" "$T/port"
[ "$(cat "$T/port" 2> /dev/null)" = "$P1" ] && ok starts_at_config_listen || { not_ok starts_at_config_listen "$(cat "$T/port" 2>&1) $(head -c 300 "$T/serve.log")"; exit 0; }

# ---- 1. another port; a keep-alive connection on the old one ----
python3 - "$P1" "$TOKEN" "$T/go" > "$T/kept" 2>&1 <<'PY' &
import http.client, os, sys, time
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
def ask():
    c.request("GET", "/api/v1/lookup?indicator=kept.example",
              headers={"Authorization": "Bearer " + sys.argv[2]})
    r = c.getresponse()
    r.read()
    return r.status
first = ask()
print("first", first, flush=True)
for _ in range(100):
    if os.path.exists(sys.argv[3]):
        break
    time.sleep(0.1)
print("after", ask(), flush=True)
PY
CLIENT=$!
i=0
while ! grep -q first "$T/kept" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
moved "127.0.0.1:$P2"
expect moved_said "\[server\] listen is now 127\.0\.0\.1:$P2 \(it was 127\.0\.0\.1:$P1\)" "$T/serve.log"
expect moved_announced "serve: now listening on http://127\.0\.0\.1:$P2" "$T/serve.log"
[ "$(cat "$T/port")" = "$P2" ] && ok moved_port_file || not_ok moved_port_file "$(cat "$T/port")"
[ "$(answers "$P2")" = 200 ] && ok moved_new_answers || not_ok moved_new_answers "$(answers "$P2")"
[ "$(answers "$P1")" = refused ] && ok moved_old_let_go || not_ok moved_old_let_go "$(answers "$P1")"
touch "$T/go"
wait $CLIENT
CLIENT=
grep -q "^first 200" "$T/kept" && grep -q "^after 200" "$T/kept" && ok moved_open_connection_served ||
	not_ok moved_open_connection_served "$(cat "$T/kept")"
refute moved_no_warning_on_loopback "without TLS" "$T/serve.log"

# ---- 2. an address in use ----
P3=$(free_port)
hold 127.0.0.1 "$P3"
moved "127.0.0.1:$P3"
expect in_use_said "\[server\] listen: cannot listen on '127\.0\.0\.1:$P3': bind: Address already in use.*; still listening on 127\.0\.0\.1:$P2" "$T/serve.log"
[ "$(answers "$P2")" = 200 ] && ok in_use_old_kept || not_ok in_use_old_kept "$(answers "$P2")"
[ "$(cat "$T/port")" = "$P2" ] && ok in_use_port_file_kept || not_ok in_use_port_file_kept "$(cat "$T/port")"
URL="http://127.0.0.1:$P2"
http GET /api/v1/health "$TOKEN"
status_is in_use_health_200 200
expect in_use_health_degraded '^\{"status":"degraded",.*\{"check":"config","status":"degraded","detail":"read at [^"]*; but the last reload.s \[server\] listen: cannot listen on .127\.0\.0\.1:'"$P3"'.: bind: Address already in use[^"]*; still listening on 127\.0\.0\.1:'"$P2" "$T/body"
http GET /metrics "$TOKEN"
expect in_use_metric_0 '^chousa_config_last_reload_successful 0$' "$T/body"
# Freed, the same config again: moved, and the health ok again.
kill $HOLDER 2> /dev/null
wait $HOLDER 2> /dev/null
HOLDER=
moved "127.0.0.1:$P3"
expect in_use_retried "\[server\] listen is now 127\.0\.0\.1:$P3 \(it was 127\.0\.0\.1:$P2\)" "$T/serve.log"
URL="http://127.0.0.1:$P3"
http GET /api/v1/health "$TOKEN"
expect in_use_health_ok_again '^\{"status":"ok",' "$T/body"
moved "127.0.0.1:$P2"

# ---- 3. within one port, to the wildcard and back ----
moved "0.0.0.0:$P2"
expect wildcard_said "\[server\] listen is now 0\.0\.0\.0:$P2 \(it was 127\.0\.0\.1:$P2\)" "$T/serve.log"
expect wildcard_warned "\[server\] listen: 0\.0\.0\.0:$P2 without TLS: tokens cross the network in clear" "$T/serve.log"
[ "$(answers "$P2")" = 200 ] && ok wildcard_answers || not_ok wildcard_answers "$(answers "$P2")"
moved "127.0.0.1:$P2"
expect back_said "\[server\] listen is now 127\.0\.0\.1:$P2 \(it was 0\.0\.0\.0:$P2\)" "$T/serve.log"
[ "$(answers "$P2")" = 200 ] && ok back_answers || not_ok back_answers "$(answers "$P2")"

# ---- 4. the wildcard cannot be bound: the old address taken again ----
hold 127.0.0.2 "$P2"
moved "0.0.0.0:$P2"
expect rebound_said "\[server\] listen: cannot listen on '0\.0\.0\.0:$P2': bind: .*; still listening on 127\.0\.0\.1:$P2" "$T/serve.log"
[ "$(answers "$P2")" = 200 ] && ok rebound_answers || not_ok rebound_answers "$(answers "$P2")"
URL="http://127.0.0.1:$P2"
http GET /api/v1/health "$TOKEN"
status_is rebound_health_ok 200
serve_stop
expect stopped_cleanly "serve: stopping" "$T/serve.log"

# ---- 5. the command line's address stays ----
P4=$(free_port)
printf '[server]\nlisten = 127.0.0.1:%s\n' "$P4" > "$T/config"
serve_start
moved "127.0.0.1:$(free_port)"
expect cli_listen_said "\[server\] listen changed in the config: the command line's value stays in force" "$T/serve.log"
[ "$(answers "$PORT")" = 200 ] && ok cli_listen_kept || not_ok cli_listen_kept "$(answers "$PORT")"
