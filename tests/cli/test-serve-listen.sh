#!/bin/sh
# test-serve-listen.sh: chousa serve's listening socket (src/serve/listen.c).
#  1. A port in use is refused with its reason and what to do, exit 3, and
#     the server already there goes on.  A connection accepted has TCP
#     keep-alive (a client gone silent is found out).
#  2. A restart binds the same port at once, though the last connections
#     it closed are still in TIME_WAIT.
#  3. [::1] listens on IPv6 only.
#  4. A descriptor limit too low for [server] max_connections: the limit
#     is lowered (one line says so), clients past it wait in the backlog,
#     and every one is answered, none refused for want of a descriptor.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop; [ -n "${P2:-}" ] && kill $P2 2> /dev/null' EXIT INT TERM

serve_up '[server]\nrate = 0\n' read listen

# ---- 1. in use ----
# (On a store of its own: a second server on the first's is refused
# before it binds, test-serve-check.)
check port_in_use_refused 3 "$CHOUSA" --db "$T/other.db" serve --listen "127.0.0.1:$PORT"
expect port_in_use_says_why "cannot listen on '127.0.0.1:$PORT': bind: Address already in use; another program listens there" "$T/err"
http GET /api/v1/health
status_is first_server_goes_on 200
check address_not_here_refused 3 "$CHOUSA" --db "$T/other.db" serve --listen 192.0.2.1:0
expect address_not_here_says_why "is not one of this machine's" "$T/err"
# A connection accepted has TCP keep-alive, so a client gone silent is
# found out: the server's end of it shows the keep-alive timer (2) in
# /proc/net/tcp, its idle time 20 s.
check accepted_has_keepalive 0 python3 - "$PORT" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
c = socket.create_connection(("127.0.0.1", port))
c.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
c.recv(4096)
mine = c.getsockname()[1]
for _ in range(50):
    for line in open("/proc/net/tcp").read().splitlines()[1:]:
        f = line.split()
        local, remote = int(f[1].split(":")[1], 16), int(f[2].split(":")[1], 16)
        if local == port and remote == mine:
            timer, when = f[5].split(":")
            if timer == "02" and 10 * 100 < int(when, 16) <= 20 * 100:
                sys.exit(0)
            print("timer", timer, "when", int(when, 16))
    time.sleep(0.1)
sys.exit(1)
PY

# ---- 2. restart on the same port ----
# Closed by the server (Connection: close), these leave TIME_WAIT on its side.
python3 - "$PORT" <<'PY' > "$T/closes" 2>&1
import socket, sys
for _ in range(20):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    while s.recv(4096):
        pass
    s.close()
PY
serve_stop
old=$PORT
"$CHOUSA" serve --listen "127.0.0.1:$old" --port-file "$T/port2" \
    > "$T/serve2.log" 2>&1 &
P2=$!
serve_wait $P2 "$T/port2"
[ "$(cat "$T/port2" 2> /dev/null)" = "$old" ] && ok restart_binds_same_port ||
	not_ok restart_binds_same_port "$(head -c 300 "$T/serve2.log")"
kill $P2 2> /dev/null
wait $P2 2> /dev/null
P2=

# ---- 3. IPv6 ----
if python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2> /dev/null; then
	"$CHOUSA" serve --listen '[::1]:0' --port-file "$T/port6" > "$T/serve6.log" 2>&1 &
	P2=$!
	serve_wait $P2 "$T/port6"
	p6=$(cat "$T/port6" 2> /dev/null)
	check ipv6_health 0 python3 -c 'import sys, urllib.request; assert urllib.request.urlopen("http://[::1]:%s/api/v1/health" % sys.argv[1], timeout=10).status == 200' "$p6"
	check ipv6_only 0 python3 -c '
import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
except ConnectionRefusedError:
    sys.exit(0)
sys.exit(1)' "$p6"
	kill $P2 2> /dev/null
	wait $P2 2> /dev/null
	P2=
else
	ok "ipv6_health (skipped: this machine has no ::1)"
fi

# ---- 4. a low descriptor limit ----
# What a started server holds, the 64 kept for its files, and 10 more.
serve_start
http GET "/api/v1/lookup?indicator=example.com" "$TOKEN"
base=$(ls "/proc/$SERVER_PID/fd" | wc -l)
serve_stop
lim=$((base + 74))
rm -f "$T/port"
(ulimit -n $lim && exec "$CHOUSA" serve --listen 127.0.0.1:0 --port-file "$T/port" \
    --audit-log "$T/audit.log") > "$T/serve.log" 2>&1 &
SERVER_PID=$!
serve_wait "$SERVER_PID" "$T/port"
PORT=$(cat "$T/port" 2> /dev/null)
URL="http://127.0.0.1:$PORT"
# 40 clients at once, each waiting for its answer: past the limit they
# wait in the backlog until answered ones close theirs.
expect connection_limit_lowered "max_connections lowered from 1024 to [0-9]+: the descriptor limit is $lim" "$T/serve.log"
timeout 120 python3 - "$PORT" "$TOKEN" > "$T/full.out" 2>&1 <<'PY'
import socket, sys, time
port, token = int(sys.argv[1]), sys.argv[2]
req = ("GET /api/v1/lookup?indicator=example.com HTTP/1.1\r\nHost: t\r\n"
       "Authorization: Bearer %s\r\nConnection: close\r\n\r\n" % token).encode()
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(40)]
time.sleep(1.5)  # all held at once, so the server runs out
for s in socks:
    s.sendall(req)
ok = 0
for s in socks:
    s.settimeout(60)
    data = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
    s.close()
    if data.startswith(b"HTTP/1.1 200"):
        ok += 1
    else:
        print(repr(data[:100]))
print("answered %d of 40" % ok, flush=True)
assert ok == 40
PY
[ $? = 0 ] && ok "full_process_answers_all ($(tail -n 1 "$T/full.out"))" ||
	not_ok full_process_answers_all "$(tail -n 3 "$T/full.out" | tr '\n' ' ')"
refute never_out_of_descriptors "cannot accept connections" "$T/serve.log"
http GET /api/v1/health
status_is serves_after_descriptors_free 200
