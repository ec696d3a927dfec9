#!/bin/sh
# test-serve-memory.sh: what the requests of investigations hold is
# bounded ([server] queue_memory), not only their number.  With a budget
# of 1 MiB and a queue long enough for all, six investigations of a
# 1.5 MiB text at once: one is taken, the others are refused at once with
# 503 and Retry-After, and audited; the server keeps answering, and once
# they are done the budget is whole again (a big one is taken).  Answers
# count too: a job waits to run while answers not yet read hold more than
# the budget.  The server ends without a leak or a sanitizer's report.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_up '[server]\nrate = 0\ninvestigate_threads = 1\ninvestigate_queue = 64\nqueue_memory = 1048576\n' read memory

timeout 120 python3 - "$URL" "$TOKEN" > "$T/memory.out" 2>&1 <<'PY'
import sys
from serve_http import Burst, addresses
url, token = sys.argv[1], sys.argv[2]
# A thousand addresses in 1.5 MiB of text.
def text(k):
    return "\n".join(addresses(k)) + "\n" + ("filler text " * 10 +
                                              "\n") * 12500
res = Burst(url, token, [{"text": text(k), "offline": True,
                          "format": "json"} for k in range(6)]).join()
# An answer's lines, a refusal's message.
res = [(st, ra, len(body.splitlines()) if st == 200 else body)
       for st, ra, body, _ in res]
ok = [r for r in res if r[0] == 200]
refused = [r for r in res if r[0] == 503]
assert len(ok) >= 1 and all(r[2] >= 1000 for r in ok), res
assert len(refused) >= 1 and len(ok) + len(refused) == 6, res
assert all(r[1] == "1" and b"too much memory" in r[2] for r in refused), res
print("%d taken, %d refused" % (len(ok), len(refused)))
PY
[ $? = 0 ] && ok "burst_refused_past_budget ($(tail -n 1 "$T/memory.out"))" ||
	not_ok burst_refused_past_budget "$(tail -n 3 "$T/memory.out" | tr '\n' ' ' | head -c 600)"
n=$(grep '"what":"investigate","status":503' "$T/audit.log" | grep -c 'too much memory')
[ "$n" -ge 1 ] && ok "refusals_audited ($n)" || not_ok refusals_audited "$n lines"
http GET "/api/v1/lookup?indicator=162.243.103.246" "$TOKEN"
status_is lookup_answered_after_burst 200
# An answer of megabytes a client is slow to read holds the budget: the
# next job (a small one, taken) runs once that answer is read.
timeout 120 python3 - "$URL" "$TOKEN" > "$T/answers.out" 2>&1 <<'PY'
import sys, threading, time, urllib.error
from serve_http import investigate
url, token = sys.argv[1], sys.argv[2]
def ask(inputs):
    return investigate(url, token, {"indicators": inputs, "offline": True,
                                    "format": "json"})
big = ["47.%d.%d.1" % (i // 250, i % 250) for i in range(1000)]
seen = {}
def small():
    # Queued behind the big one; or, if that one is done already,
    # refused while its answer is held.
    time.sleep(0.05)
    while True:
        try:
            ask(["162.243.103.246"]).read()
            break
        except urllib.error.HTTPError as e:
            assert e.code == 503, e.code
            time.sleep(0.2)
    seen["small"] = time.monotonic()
t = threading.Thread(target=small)
t.start()
r = ask(big)
time.sleep(3)
seen["read"] = time.monotonic()
n = len(r.read())
t.join()
assert n > 4 << 20, n
assert seen["small"] >= seen["read"], \
    "the small job ran %.1f s before the answer was read" % (
        seen["read"] - seen["small"])
print("%d bytes read 3 s late; the next job ran %.1f s after" % (
    n, seen["small"] - seen["read"]))
PY
[ $? = 0 ] && ok "job_waits_for_answers ($(tail -n 1 "$T/answers.out"))" ||
	not_ok job_waits_for_answers "$(tail -n 3 "$T/answers.out" | tr '\n' ' ' | head -c 600)"
# Every request's bytes were given back: a body over the budget is taken.
check big_investigate_after_drain 0 python3 -c '
import sys
from serve_http import investigate
ips = "\n".join("46.0.%d.%d" % (i // 250, i % 250 + 1) for i in range(50))
assert investigate(sys.argv[1], sys.argv[2], {"text": ips + "\n" +
    "filler " * 250000, "offline": True, "format": "json"},
    timeout=60).status == 200
' "$URL" "$TOKEN"
kill "$SERVER_PID" 2> /dev/null
wait "$SERVER_PID"
st=$?
SERVER_PID=
[ $st = 0 ] && ! grep -Eq 'Sanitizer|runtime error' "$T/serve.log" &&
	ok server_ends_clean ||
	not_ok server_ends_clean "exit $st: $(grep -E -m1 'Sanitizer|runtime error' "$T/serve.log" | head -c 300)"

# ---- answers past 1 MiB are spooled ----
# An answer past 1 MiB waits to be read in an unlinked file of TMPDIR, not
# in memory, and is the bytes the CLI prints: over REST (sent from the
# file) and through `chousa --server` (its frame read from the file in
# pieces, a warning in the middle).  With no TMPDIR to write in, a big
# answer fails (500) and a small one is still answered.
# Stop the server; it ends without a leak or a sanitizer's report.
stop_clean() {
	kill "$SERVER_PID" 2> /dev/null
	wait "$SERVER_PID"
	st=$?
	SERVER_PID=
	[ $st = 0 ] && ! grep -Eq 'Sanitizer|runtime error' "$T/serve.log" &&
		ok "$1" ||
		not_ok "$1" "exit $st: $(grep -E -m1 'Sanitizer|runtime error' "$T/serve.log" | head -c 300)"
}
mkdir -p "$T/spool"
old_tmpdir=${TMPDIR-}
export TMPDIR="$T/spool"
serve_start || { not_ok spool_server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
if [ -n "$old_tmpdir" ]; then export TMPDIR="$old_tmpdir"; else unset TMPDIR; fi
big_inputs() {
	i=0
	while [ $i -lt 999 ]; do
		[ $i = 500 ] && echo 'not an ioc'
		echo "48.$((i / 250)).$((i % 250)).1"
		i=$((i + 1))
	done
}
big_inputs > "$T/big.txt"
"$CHOUSA" investigate --offline --format json - < "$T/big.txt" > "$T/big.local" 2> "$T/big.local.err"
timeout 120 python3 - "$URL" "$TOKEN" "$SERVER_PID" "$T/spool" "$T/big.local" "$T/big.txt" > "$T/spool.out" 2>&1 <<'PY'
import json, os, socket, sys, urllib.parse
url, token, pid, spool, want, inputs = sys.argv[1:7]
inputs = open(inputs).read().splitlines()
u = urllib.parse.urlparse(url)
body = json.dumps({"indicators": inputs, "offline": True,
                   "format": "json"}).encode()
s = socket.socket()
# A small window: the server cannot push the answer into the socket.
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect((u.hostname, u.port))
s.sendall(b"POST /api/v1/investigate HTTP/1.1\r\nHost: x\r\n"
          b"Authorization: Bearer " + token.encode() + b"\r\n"
          b"Content-Type: application/json\r\nConnection: close\r\n"
          b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
got = b""
while b"\r\n\r\n" not in got:
    got += s.recv(1)
head = got.decode()
assert head.startswith("HTTP/1.1 200"), head
held = []
for fd in os.listdir("/proc/%s/fd" % pid):
    try:
        held.append(os.readlink("/proc/%s/fd/%s" % (pid, fd)))
    except OSError:
        pass
spooled = [h for h in held if h.startswith(spool + "/")]
assert len(spooled) == 1, "no answer spooled in %s: %s" % (spool, held)
# Spooled; now read at speed (a 4 KiB window takes half a minute).
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
data = b""
while True:
    b = s.recv(1 << 16)
    if not b:
        break
    data += b
clen = [l for l in head.split("\r\n") if l.lower().startswith("content-length:")]
assert clen and int(clen[0].split(":")[1]) == len(data), (clen, len(data))
local = open(want, "rb").read()
assert data == local, "%d bytes, the CLI's %d" % (len(data), len(local))
print("%d bytes sent from %s" % (len(data), spooled[0]))
PY
[ $? = 0 ] && ok "big_answer_spooled ($(tail -n 1 "$T/spool.out"))" ||
	not_ok big_answer_spooled "$(tail -n 3 "$T/spool.out" | tr '\n' ' ' | head -c 600)"
# The same through the CLI: its frame 2 from the spool, the warning where
# the local command says it (also in one stream).
CHOUSA_SERVER_KEY="$TOKEN" "$CHOUSA" --server "$URL" investigate --offline --format json - < "$T/big.txt" > "$T/big.remote" 2> "$T/big.remote.err"
if cmp -s "$T/big.local" "$T/big.remote" && cmp -s "$T/big.local.err" "$T/big.remote.err" &&
    [ "$(wc -c < "$T/big.local")" -gt 2097152 ] && grep -q 'not an ioc' "$T/big.local.err"; then
	ok "big_answer_cli_identical ($(wc -c < "$T/big.local") bytes)"
else
	not_ok big_answer_cli_identical "$(cmp "$T/big.local" "$T/big.remote") $(cmp "$T/big.local.err" "$T/big.remote.err")"
fi
# Once sent, each answer's file is closed (and so gone).
sleep 0.5
n=$(ls -l "/proc/$SERVER_PID/fd" 2> /dev/null | grep -c "$T/spool/")
[ "$n" = 0 ] && ok spooled_answers_closed || not_ok spooled_answers_closed "$n files of $T/spool still open"
stop_clean spool_server_ends_clean
# No TMPDIR to write in: the big answer fails, the server goes on.
export TMPDIR="$T/no-such-dir"
serve_start || { not_ok spool_server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
if [ -n "$old_tmpdir" ]; then export TMPDIR="$old_tmpdir"; else unset TMPDIR; fi
http POST /api/v1/investigate "$TOKEN" "$(python3 -c '
import json, sys
print(json.dumps({"indicators": open(sys.argv[1]).read().splitlines(),
    "offline": True, "format": "json"}))' "$T/big.txt")"
status_is big_answer_unspoolable_fails 500
expect big_answer_unspoolable_says "temporary file" "$T/body"
http GET "/api/v1/lookup?indicator=162.243.103.246" "$TOKEN"
status_is lookup_answered_without_spool 200
stop_clean unspooled_server_ends_clean
