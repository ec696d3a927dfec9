#!/bin/sh
# bench-online.sh: the online path's concurrency and cache.  1,000 IPs are
# investigated against five online sources on the loopback replay server
# (tests/http/server.py, one process per service) with 50 ms added to
# every reply and no rate limits: the run must overlap requests (target
# < 10 s; one after another would take 5,000 x 50 ms = 250 s), and the same
# run again must come from the cache (target < 1 s).  Peer: curl's own
# --parallel fetching the same 5,000 URLs from the same servers.
# BENCH_ONLINE_N overrides the number of indicators.
set -eu
N=${BENCH_ONLINE_N:-1000}
CHOUSA=${CHOUSA:?}
work=${BENCH_WORK:?}/online-$N
here=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$work"
mkdir -p "$work"
SOURCES="virustotal urlhaus threatfox abuseipdb hybridanalysis"

pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
for s in $SOURCES; do
	python3 "$here/tests/http/server.py" --lifetime 600 --delay-ms 50 \
	    --port-file "$work/port.$s" > /dev/null 2>&1 &
	pids="$pids $!"
done
for s in $SOURCES; do
	i=0
	while [ ! -s "$work/port.$s" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
done

export CHOUSA_DB="$work/chousa.db" CHOUSA_CONFIG="$work/config"
: > "$CHOUSA_CONFIG"
chmod 600 "$CHOUSA_CONFIG"
"$CHOUSA" -q import feodo "$here/tests/data/samples/abusech/feodo/ipblocklist_2025-06-25.csv" > /dev/null 2>&1
export CHOUSA_HTTP_MAX_PARALLEL=128
list=""
for s in $SOURCES; do
	u=$(echo "$s" | tr a-z A-Z)
	export "CHOUSA_${u}_URL=http://127.0.0.1:$(cat "$work/port.$s")/$s"
	export "CHOUSA_${u}_KEY=bench-key" "CHOUSA_${u}_RATE=0" \
	    "CHOUSA_${u}_DAILY=0"
	list="$list,$s"
done
list=${list#,}
python3 -c '
import sys
n = int(sys.argv[1])
for i in range(n):
    print("45.%d.%d.%d" % (10 + i // 62500, (i // 250) % 250, i % 250 + 1))
' "$N" > "$work/ips.txt"

t0=$(date +%s.%N)
"$CHOUSA" -q investigate --sources "$list" --format json -f "$work/ips.txt" \
    > "$work/first.jsonl" 2> "$work/first.err" || true
t1=$(date +%s.%N)
"$CHOUSA" -q investigate --sources "$list" --format json -f "$work/ips.txt" \
    > "$work/second.jsonl" 2> "$work/second.err" || true
t2=$(date +%s.%N)

# The peer: curl --parallel over the same 5,000 requests, 128 at a time.
python3 - "$work" "$N" $SOURCES > "$work/curl.cfg" <<'PY'
import sys
work, n, srcs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
for s in srcs:
    port = open("%s/port.%s" % (work, s)).read().strip()
    for i in range(n):
        ip = "45.%d.%d.%d" % (10 + i // 62500, (i // 250) % 250, i % 250 + 1)
        print('url = "http://127.0.0.1:%s/%s/check?ipAddress=%s"' % (port, s, ip))
        print('output = "/dev/null"')
PY
t3=$(date +%s.%N)
curl -s --parallel --parallel-max 128 -K "$work/curl.cfg" > /dev/null 2>&1 || true
t4=$(date +%s.%N)

python3 - "$work" "$N" "$t0" "$t1" "$t2" "$t3" "$t4" <<'PY'
import json, sys
work, n = sys.argv[1], int(sys.argv[2])
t0, t1, t2, t3, t4 = map(float, sys.argv[3:8])
def count(path):
    st, cached, total = {}, 0, 0
    for line in open(path):
        try:
            o = json.loads(line)
        except ValueError:
            continue
        for s in o.get("stages") or []:
            for f in s.get("findings") or []:
                if f["source"] in ("virustotal", "urlhaus", "threatfox",
                                   "abuseipdb", "hybridanalysis"):
                    total += 1
                    st[f["status"]] = st.get(f["status"], 0) + 1
                    cached += 1 if f.get("from_cache") else 0
    return st, cached, total
s1, c1, n1 = count(work + "/first.jsonl")
s2, c2, n2 = count(work + "/second.jsonl")
first, second, peer = t1 - t0, t2 - t1, t4 - t3
print("## Online sources (bench-online.sh)\n")
print("%d indicators x 5 online sources on the loopback server, 50 ms added"
      " to every reply, no rate limits, 128 requests in flight.\n" % n)
print("| run | look-ups | statuses | time | target |")
print("|---|---|---|---|---|")
fmt = lambda d: ", ".join("%s %d" % kv for kv in sorted(d.items()))
print("| first (network) | %d | %s | %.2f s | < 10 s %s |" % (
    n1, fmt(s1), first, "met" if first < 10 else "MISSED"))
print("| again (cache) | %d | %s, %d from cache | %.2f s | < 1 s %s |" % (
    n2, fmt(s2), c2, second, "met" if second < 1 else "MISSED"))
print("| peer: curl --parallel, same %d requests | %d | - | %.2f s | - |" % (
    5 * n, 5 * n, peer))
print("\nchousa / curl (network run): %.2fx; serial would take %.0f s.\n" % (
    first / peer if peer > 0 else 0, 5 * n * 0.05))
PY
