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
