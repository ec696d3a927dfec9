#!/bin/sh
# test-serve-queue.sh: offline investigations wait on a pool of their own.
# With one investigation thread and a queue of two, six big investigations
# at once: three are taken (one runs, two wait) and three are refused at
# once with 503 and Retry-After; a look-up asked while they are in flight
# is answered before the last of them, and the server then answers again.
# Look-ups keep their connection alive, and see a feed imported meanwhile.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_up '[server]\nrate = 0\ninvestigate_threads = 1\ninvestigate_queue = 2\n' read queue

timeout 120 python3 - "$URL" "$TOKEN" > "$T/queue.out" 2>&1 <<'PY'
import json, sys, time
from serve_http import Burst, addresses, request
url, token = sys.argv[1], sys.argv[2]
# A thousand inputs each: the queue is still full when the look-up is
# asked.
burst = Burst(url, token, [{"indicators": addresses(k), "offline": True,
                            "format": "json"} for k in range(6)])
# The refusals come back at once; then the queue is full.
deadline = time.monotonic() + 30
while time.monotonic() < deadline and burst.count(503) < 3:
    time.sleep(0.01)
t0 = time.monotonic()
r = request(url, "/api/v1/lookup?indicator=162.243.103.246", token,
            timeout=100)
lk = (r.status, json.load(r), time.monotonic())
with burst.lock:
    pending = 6 - len(burst.answers)
# An answer's lines (none for a refusal) and when it came.
res = [(st, ra, len(body.splitlines()) if st == 200 else 0, at)
       for st, ra, body, at in burst.join()]
ok = sorted(r for r in res if r[0] == 200)
refused = [r for r in res if r[0] == 503]
assert len(ok) == 3 and all(r[2] == 1000 for r in ok), res
assert len(refused) == 3 and all(r[1] == "1" for r in refused), res
assert lk[0] == 200 and isinstance(lk[1], list) and len(lk[1]) == 1, lk
assert pending > 0 and lk[2] < max(r[3] for r in ok), \
    "the look-up waited for the investigations (%d pending)" % pending
print("look-up in %.0f ms with %d investigations in flight; 3 refused" % (
    (lk[2] - t0) * 1000, pending))
PY
[ $? = 0 ] && ok "lookup_answered_while_queue_full ($(tail -n 1 "$T/queue.out"))" ||
	not_ok lookup_answered_while_queue_full "$(tail -n 3 "$T/queue.out" | tr '\n' ' ')"
n=$(grep -c '"what":"investigate","status":503' "$T/audit.log")
[ "$n" = 3 ] && ok refusals_audited || not_ok refusals_audited "$n lines"
# A look-up keeps its connection open for the next (keep-alive).
check lookup_keeps_alive 0 python3 -c '
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
for _ in range(3):
    c.request("GET", "/api/v1/lookup?indicator=162.243.103.246",
        headers={"Authorization": "Bearer " + sys.argv[2]})
    r = r0 = c.getresponse()
    r.read()
    assert r.status == 200 and r.getheader("Connection", "").lower() != "close", r.getheaders()
    s = c.sock
c.request("GET", "/api/v1/health")
c.getresponse().read()
assert c.sock is s, "reconnected"
' "$PORT" "$TOKEN"
# A feed imported while the server runs is in the next look-up: the
# threads' probe filters see the store's data version move.
http GET "/api/v1/lookup?indicator=fresh-import.example.net" "$TOKEN"
grep -q '"source":"list"' "$T/body" && not_ok listed_before_import "$(head -c 200 "$T/body")"
printf 'fresh-import.example.net\n' > "$T/fresh.txt"
"$CHOUSA" -q import list "$T/fresh.txt" > /dev/null 2>&1
i=0
found=0
while [ $i -lt 16 ]; do
	http GET "/api/v1/lookup?indicator=fresh-import.example.net" "$TOKEN"
	grep -q '"source":"list"' "$T/body" && found=$((found + 1))
	i=$((i + 1))
done
[ $found = 16 ] && ok "new_import_seen_by_every_thread ($found of 16)" ||
	not_ok new_import_seen_by_every_thread "$found of 16: $(head -c 300 "$T/body")"
# Once the queue is drained, investigations are taken again.
http POST /api/v1/investigate "$TOKEN" '{"indicator":"162.243.103.246","offline":true}'
status_is investigate_after_drain 200
serve_stop
