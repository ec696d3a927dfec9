#!/bin/sh
# test-serve-framing.sh: requests a front end might frame otherwise than
# the server, and clients that send their headers a byte at a time.
#  1. Two Content-Lengths that differ, Transfer-Encoding beside
#     Content-Length, a space before a header's colon: 400; a transfer
#     coding other than chunked: 501.  Each answered at once, with
#     Connection: close, and the connection closed: what follows on it
#     (a request smuggled past a proxy) is never answered.  The same
#     Content-Length twice is one length: answered.
#  2. [server] header_timeout = 2: a client sending a header line a
#     second is closed after about 2 s (idle_timeout 15 would hold it as
#     long as it trickles), counted on /metrics; a client that sends its
#     request whole is answered, and a kept-alive connection may ask
#     again.  A reload sets the deadline, and says it.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_up '[server]\nrate = 0\nidle_timeout = 15\nheader_timeout = 2\n' read framer

# ---- 1. framing ----
python3 - "$PORT" "$TOKEN" > "$T/framing" 2>&1 <<'PY'
import socket, sys, time
port, tok = int(sys.argv[1]), sys.argv[2].encode()

def send(name, head, body=b""):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(5)
    req = (b"POST /api/v1/lookup HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
           + tok + b"\r\nContent-Type: application/json\r\n" + head + b"\r\n" + body
           + b"GET /api/v1/version HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
           + tok + b"\r\n\r\n")
    s.sendall(req)
    out, t = b"", time.time()
    try:
        while time.time() - t < 4:
            d = s.recv(65536)
            if not d:
                break
            out += d
    except socket.timeout:
        out += b"<open>"
    answers = out.count(b"HTTP/1.1 ")
    first = out.split(b"\r\n", 1)[0].decode()
    close = b"\r\nConnection: close\r\n" in out
    print("%s|%s|answers=%d|close=%d|ended=%d" % (name, first, answers, close,
          not out.endswith(b"<open>")))

j = b'{"indicators":["1.2.3.4"]}'
send("two_lengths", b"Content-Length: 26\r\nContent-Length: 80\r\n", j)
send("space_colon", b"Transfer-Encoding : chunked\r\nContent-Length: 26\r\n", j)
send("te_and_cl", b"Transfer-Encoding: chunked\r\nContent-Length: 26\r\n",
     b"1a\r\n" + j + b"\r\n0\r\n\r\n")
send("other_coding", b"Transfer-Encoding: xchunked\r\n",
     b"1a\r\n" + j + b"\r\n0\r\n\r\n")
send("same_length_twice", b"Content-Length: 26\r\nContent-Length: 26\r\n", j)
PY
for c in two_lengths space_colon te_and_cl; do
	expect "${c}_400_closed" "^$c\|HTTP/1.1 400 [A-Za-z ]*\|answers=1\|close=1\|ended=1$" "$T/framing"
done
expect other_coding_501_closed '^other_coding\|HTTP/1.1 501 [A-Za-z ]*\|answers=1\|close=1\|ended=1$' "$T/framing"
expect same_length_twice_both_answered '^same_length_twice\|HTTP/1.1 200 OK\|answers=2\|close=0' "$T/framing"
sleep 0.3
grep -q '"status":400.*two Content-Lengths that differ' "$T/audit.log" &&
	ok framing_refusal_audited || not_ok framing_refusal_audited "$(grep '"status":400' "$T/audit.log" | head -n 2)"

# ---- 2. the headers' deadline ----
# trickle SECONDS: a header line a second for SECONDS; prints how long the
# server kept the connection, and whether it answered.
trickle() {
	python3 - "$PORT" "$TOKEN" "$1" <<'PY'
import socket, sys, time
port, tok, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port))
t0 = time.time()
s.sendall(b"GET /api/v1/version HTTP/1.1\r\nHost: x\r\n")
end = "held"
for i in range(n):
    time.sleep(1)
    try:
        s.sendall(b"X-Slow-%d: a\r\n" % i)
    except OSError:
        end = "closed"
        break
    s.settimeout(0.01)
    try:
        if s.recv(1) == b"":
            end = "closed"
            break
    except socket.timeout:
        pass
    except OSError:
        end = "closed"
        break
print("%s %.0f" % (end, time.time() - t0))
PY
}
trickle 8 > "$T/slow"
read -r how secs < "$T/slow"
[ "$how" = closed ] && [ "$secs" -le 5 ] && ok slow_headers_closed_at_deadline ||
	not_ok slow_headers_closed_at_deadline "$(cat "$T/slow")"
http GET /metrics "$TOKEN"
expect slow_headers_counted '^chousa_http_connections_header_timeout_total [1-9]' "$T/body"
# A client that sends its requests whole, kept alive past the deadline
# between them is closed as idle, not while it asks.
python3 - "$PORT" "$TOKEN" > "$T/keep" 2>&1 <<'PY'
import http.client, sys, time
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=5)
h = {"Authorization": "Bearer " + sys.argv[2]}
for i in range(3):
    c.request("GET", "/api/v1/version", headers=h)
    r = c.getresponse()
    r.read()
    print(r.status)
    time.sleep(0.5)
PY
[ "$(tr '\n' ' ' < "$T/keep")" = "200 200 200 " ] && ok whole_requests_answered ||
	not_ok whole_requests_answered "$(cat "$T/keep")"

# A reload sets it.
printf '[server]\nrate = 0\nidle_timeout = 15\nheader_timeout = 6\n' > "$CHOUSA_CONFIG"
serve_hup
expect header_timeout_reload_said '\[server\] header_timeout is now 6' "$T/serve.log"
trickle 4 > "$T/slow"
read -r how secs < "$T/slow"
[ "$how" = held ] && ok header_timeout_reloaded || not_ok header_timeout_reloaded "$(cat "$T/slow")"
