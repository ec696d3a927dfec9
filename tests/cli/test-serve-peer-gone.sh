#!/bin/sh
# test-serve-peer-gone.sh: a client that vanishes without closing (its
# network gone: no FIN, no RST, what the server sends it lost) is dropped
# after [server] peer_timeout seconds, though idle_timeout would hold it
# an hour; a client that is there but silent is kept.  The test runs in a
# network namespace of its own (unshare -n; as a user, unshare -rn), where
# the loopback is set down for 10 s: what the server sends meanwhile is
# lost, as on a network that has gone.
#  1. peer_timeout = 4, idle_timeout = 3600: a connection opened and left
#     silent is still open 8 s later (its side answers the keep-alive
#     probes, one a second after 2 s of silence).
#  2. The loopback down for 10 s, then up: the server has dropped it.
#  3. The same at a SIGHUP that sets peer_timeout: the value is said.
#  4. An import whose client vanishes once its file is sent (peer_timeout
#     set to 2 by a reload, the loopback down while the import runs) is
#     stopped and rolled back, said as its client having left; the server
#     serves on.
if [ -z "${CHOUSA_NETNS:-}" ]; then
	export CHOUSA_NETNS=1
	command -v ip > /dev/null || { echo "ok - peer_gone # SKIP ip missing (scripts/install-deps.sh test)"; exit 0; }
	unshare -n true 2> /dev/null && exec unshare -n sh "$0"
	unshare -rn true 2> /dev/null && exec unshare -rn sh "$0"
	echo "ok - peer_gone # SKIP no network namespace for this user (unshare -n)"
	exit 0
fi
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
HOLD= client=
trap 'serve_stop; [ -n "$HOLD" ] && kill $HOLD 2> /dev/null; [ -n "$client" ] && kill $client 2> /dev/null' EXIT INT TERM
ip link set lo up || { not_ok loopback_up "ip link set lo up failed"; exit 0; }

serve_up '[server]\nrate = 0\nidle_timeout = 3600\npeer_timeout = 4\n' read alice

# open_count: the server's open connections, this request's own included.
open_count() {
	http GET /metrics "$TOKEN"
	sed -n 's/^chousa_http_connections \([0-9]*\)$/\1/p' "$T/body"
}

# A client that connects, then says nothing for 60 s.
python3 - "$PORT" > "$T/hold" 2>&1 <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print("open", flush=True)
time.sleep(60)
PY
HOLD=$!
i=0
while ! grep -q open "$T/hold" && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done

# 1. There and silent: kept past peer_timeout.
sleep 8
n=$(open_count)
[ "$n" = 2 ] && ok silent_client_kept || not_ok silent_client_kept "$n connections open, want 2 (it and this request); the client: $(cat "$T/hold"); the server: $(tail -n 3 "$T/serve.log")"

# 2. Its network gone: dropped.
ip link set lo down
sleep 10
ip link set lo up
i=0
while n=$(open_count) && [ "$n" != 1 ] && [ $i -lt 20 ]; do sleep 0.25; i=$((i + 1)); done
[ "$n" = 1 ] && ok vanished_client_dropped || not_ok vanished_client_dropped "$n connections open, want 1 (this request)"

# 3. A SIGHUP sets it anew, and says so.
printf '[server]\nrate = 0\nidle_timeout = 3600\npeer_timeout = 30\n' > "$T/config"
serve_hup
expect peer_timeout_live_said '\[server\] peer_timeout is now 30' "$T/serve.log"

# 4. An import whose client vanishes: 2,000,000 rows (some 6 s here, far
# more under a sanitizer) outlast the 2 s in which the server finds its
# client gone.  The loopback goes down as the import begins (its file all
# sent), and up once the import has ended, either way.
printf '[server]\nrate = 0\nidle_timeout = 3600\npeer_timeout = 2\n' > "$T/config"
serve_hup
expect peer_timeout_2_said '\[server\] peer_timeout is now 2' "$T/serve.log"
ADMIN=$("$CHOUSA" -q token create --role admin boss)
python3 -c "
import sys
w = sys.stdout.write
for i in range(2000000):
    w('gone-%d-case.com\\n' % i)" > "$T/gone.txt"
before=$(sqlite3 "$CHOUSA_DB" "SELECT count(*) FROM indicators")
cd "$T" || exit 1
CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "$URL" -q import list \
    --source-name gone gone.txt > gone.out 2> gone.err &
client=$!
log_wait "import: gone.txt of"
ip link set lo down
# Until the import has ended: stopped, or (a failure) all imported.
i=0
while ! grep -q "import: .*gone.txt by boss: " "$T/serve.log" && [ $i -lt 1200 ]; do
	sleep 0.1
	i=$((i + 1))
done
ip link set lo up
import_left import_client_vanished gone.txt boss
kill $client 2> /dev/null
wait $client 2> /dev/null
client=
http GET "/api/v1/lookup?indicator=www.dnautik.com" "$TOKEN"
status_is import_client_vanished_serves_on 200
rm -f "$T/gone.txt"
