#!/bin/sh
# bench-serve.sh: chousa serve under load, on loopback.  A 5M-indicator
# store (gen_threatfox.py, the same generator as bench-store.sh); wrk,
# 200 connections for 60 s: 100 asking GET /api/v1/lookup and 100 asking
# an offline POST /api/v1/investigate, each with its own latency figures,
# over indicators drawn from the store (hits and misses).  Targets: 0
# errors, p99 under 10 ms for lookup and 50 ms for offline investigate.
# Then the server's peak RSS, and `chousa --server URL lookup` as whole
# processes against a local `chousa lookup` in the same run.  Prints a
# Markdown section.  BENCH_SERVE_N (rows, default 5000000), BENCH_SERVE_SECS
# (default 60), BENCH_SERVE_CONNS (per kind, default 100).  With --cpu,
# each kind runs alone and the server's CPU per request is printed.
# BENCH_SERVE_ARGS: more options for chousa serve (--threads N).  Then the
# same mix below saturation: each connection waits an exponential think
# time between requests (BENCH_SERVE_THINK_LOOKUP, default 7 ms;
# BENCH_SERVE_THINK_INVESTIGATE, 30 ms) for BENCH_SERVE_PACED_SECS (30).  With
# --instr, instructions per request under callgrind instead (valgrind).
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
CHOUSA=${CHOUSA:-$top/build/chousa}
CHOUSA=$(readlink -f "$CHOUSA")
SECS=${BENCH_SERVE_SECS:-60}
CONNS=${BENCH_SERVE_CONNS:-100}
command -v wrk > /dev/null || { echo "bench-serve: wrk missing (scripts/install-deps.sh test)" >&2; exit 1; }
. bench/serve-store.sh
rm -f "$W/token"
"$CHOUSA" -q token revoke bench > /dev/null 2>&1 || true
"$CHOUSA" -q token create --role read bench > "$W/token"
TOKEN=$(cat "$W/token")
# Indicators to ask: 2,000 from the store, 500 that are in no feed.
python3 - "$tf" "$W/iocs.lua" <<'PY'
import random, re, sys
vals = []
for line in open(sys.argv[1]):
    if line.startswith('"2'):
        f = line.split('", "')
        if len(f) > 2:
            v = f[2].strip('"')
            if ":" in v and not v.startswith("http"):
                v = v.split(":")[0]
            vals.append(v)
random.seed(7)
pick = random.sample(vals, 2000) + ["miss-%d.example.net" % i for i in range(500)]
random.shuffle(pick)
esc = lambda s: s.replace("\\", "\\\\").replace('"', '\\"')
with open(sys.argv[2], "w") as f:
    f.write("iocs = {%s}\n" % ",".join('"%s"' % esc(p) for p in pick))
PY
# Each request is built once, in init: built as it is sent (the URL
# encoded in Lua), a look-up cost wrk 3.4 us more, taken from the 2 cores
# the server runs on (bench/RESULTS.md, 2026-12-03 21:49).
lua() {
	cat <<EOF2
dofile("$W/iocs.lua")
local n, reqs = 0, {}
local function enc(s) return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end)) end
wrk.headers["Authorization"] = "Bearer $TOKEN"
init = function(args)
  for i, v in ipairs(iocs) do reqs[i] = $1 end
end
$2
request = function()
  n = n + 1
  return reqs[n % #reqs + 1]
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f\\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
EOF2
}
# A paced connection waits a think time between an answer and its next
# request, drawn from an exponential law of mean THINK ms (wrk's delay()).
paced() {
	echo "delay = function() return math.floor(-math.log(1 - math.random()) * $1 + 0.5) end"
}
LOOKUP_REQ='wrk.format("GET", "/api/v1/lookup?indicator=" .. enc(v))'
INVESTIGATE_REQ='wrk.format("POST", "/api/v1/investigate", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer '"$TOKEN"'"}, "{\"indicator\":\"" .. v .. "\",\"offline\":true,\"format\":\"json\"}")'
lua "$LOOKUP_REQ" "" > "$W/lookup.lua"
lua "$INVESTIGATE_REQ" "" > "$W/investigate.lua"
THINK_L=${BENCH_SERVE_THINK_LOOKUP:-7}
THINK_I=${BENCH_SERVE_THINK_INVESTIGATE:-30}
PACED_SECS=${BENCH_SERVE_PACED_SECS:-30}
lua "$LOOKUP_REQ" "$(paced "$THINK_L")" > "$W/lookup-paced.lua"
lua "$INVESTIGATE_REQ" "$(paced "$THINK_I")" > "$W/investigate-paced.lua"

# --instr: instructions per request (callgrind), which the machine's load
# does not move: for each kind, a server under callgrind, one pass over
# BENCH_SERVE_INSTR_N indicators to warm it, then the same pass counted
# alone.  Look-ups come out in two modes some 59,000 instructions apart
# (how libmicrohttpd's threads share the one connection); compare like
# with like.
if [ "${1:-}" = "--instr" ]; then
	command -v valgrind > /dev/null || { echo "bench-serve: valgrind missing" >&2; exit 1; }
	for kind in lookup investigate; do
		d=$W/instr-$kind
		rm -rf "$d"
		mkdir -p "$d"
		valgrind --tool=callgrind --callgrind-out-file="$d/cg.out" \
		    "$CHOUSA" serve --listen 127.0.0.1:0 --port-file "$d/port" \
		    --audit-log "$d/audit.log" ${BENCH_SERVE_ARGS:-} 2> "$d/log" &
		vg=$!
		i=0
		while [ ! -s "$d/port" ] && [ $i -lt 600 ]; do sleep 0.2; i=$((i + 1)); done
		pass() {
			python3 - "$(cat "$d/port")" "$TOKEN" "$kind" "${BENCH_SERVE_INSTR_N:-500}" "$W/iocs.lua" <<'PY'
import http.client, json, re, sys, urllib.parse
port, tok, kind, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
iocs = re.findall(r'"((?:[^"\\]|\\.)*)"', open(sys.argv[5]).read())
c = http.client.HTTPConnection("127.0.0.1", port)
h = {"Authorization": "Bearer " + tok}
for i in range(n):
    v = iocs[i % len(iocs)]
    if kind == "lookup":
        c.request("GET", "/api/v1/lookup?indicator=" + urllib.parse.quote(v), headers=h)
    else:
        c.request("POST", "/api/v1/investigate", headers=dict(h, **{"Content-Type": "application/json"}),
                  body=json.dumps({"indicator": v, "offline": True, "format": "json"}))
    r = c.getresponse()
    r.read()
    if r.status != 200:
        sys.exit("bench-serve: %s answered %d" % (kind, r.status))
PY
		}
		pass
		callgrind_control -z $vg > /dev/null 2>&1
		pass
		callgrind_control -d $vg > /dev/null 2>&1
		kill $vg
		wait $vg 2> /dev/null || true
		tot=$(callgrind_annotate "$d/cg.out.1" 2> /dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
		echo "$kind: $((tot / ${BENCH_SERVE_INSTR_N:-500})) instructions per request (callgrind, ${BENCH_SERVE_INSTR_N:-500} after as many to warm)"
	done
	exit 0
fi

rm -f "$W/port"
# -v: libmicrohttpd's own messages (why it closed a connection) go to
# serve.log, so a socket error wrk counts has its reason beside it.
"$CHOUSA" -v serve --listen 127.0.0.1:0 --port-file "$W/port" --audit-log "$W/audit.log" ${BENCH_SERVE_ARGS:-} 2> "$W/serve.log" &
srv=$!
trap 'kill $srv 2>/dev/null' EXIT INT TERM
i=0
while [ ! -s "$W/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done

URL="http://127.0.0.1:$(cat "$W/port")"
# Warm the store's pages, as a server that has run a while has them.
wrk -t 1 -c 4 -d 5 -s "$W/lookup.lua" "$URL" > /dev/null 2>&1 || true

# --cpu: each kind alone, and the server's CPU time (user + system, from
# /proc) over the requests it answered: far steadier than latency on a
# shared machine.  BENCH_SERVE_PERF=1 records a perf profile of each run.
if [ "${1:-}" = "--cpu" ]; then
	tck=$(getconf CLK_TCK)
	cpu() { awk '{print $14 + $15}' "/proc/$srv/stat"; }
	for kind in lookup investigate; do
		[ "${BENCH_SERVE_PERF:-0}" = 1 ] && {
			perf record -q -g -o "$W/perf-$kind.data" -p "$srv" \
			    > /dev/null 2>&1 &
			pf=$!
		}
		c0=$(cpu)
		wrk -t 1 -c "$CONNS" -d "${SECS}s" --timeout 10s \
		    -s "$W/$kind.lua" "$URL" > "$W/wrk-$kind.out" 2>&1
		c1=$(cpu)
		[ "${BENCH_SERVE_PERF:-0}" = 1 ] && { kill -INT $pf; wait $pf || true; }
		set -- $(grep '^RESULT' "$W/wrk-$kind.out")
		python3 -c "import sys; n, c = int(sys.argv[2]), (int(sys.argv[4]) - int(sys.argv[3])) / int(sys.argv[5]); print('%-12s %8d req %7.0f req/s  server CPU %6.1f us/req  errors %s/%s  p50 %s ms p99 %s ms' % (sys.argv[1], n, n / float(sys.argv[6]), c * 1e6 / max(n, 1), sys.argv[7], sys.argv[8], sys.argv[9], sys.argv[10]))" \
		    "$kind" "$2" "$c0" "$c1" "$tck" "$SECS" "$3" "$4" "$5" "$6"
	done
	exit 0
fi
# mix SECS SUFFIX: both kinds at once, each wrk's RESULT line in
# $W/wrk-KIND.out (SUFFIX "-paced": the paced scripts).
mix() {
	wrk -t 1 -c "$CONNS" -d "${1}s" --timeout 10s -s "$W/lookup$2.lua" "$URL" > "$W/wrk-lookup$2.out" 2>&1 &
	w1=$!
	wrk -t 1 -c "$CONNS" -d "${1}s" --timeout 10s -s "$W/investigate$2.lua" "$URL" > "$W/wrk-investigate$2.out" 2>&1
	wait $w1
}
# results KIND SUFFIX VAR: the RESULT line of $W/wrk-KIND$SUFFIX.out as
# VAR_n (requests), VAR_err (socket errors), VAR_st (non-2xx), VAR_p50,
# VAR_p99, VAR_max (ms).
results() {
	set -- "$3" $(grep '^RESULT' "$W/wrk-$1$2.out")
	eval "$1_n=$3 $1_err=$4 $1_st=$5 $1_p50=$6 $1_p99=$7 $1_max=$8"
}
mix_from=$(date -u +%Y-%m-%dT%H:%M:%SZ)
mix "$SECS" ""
# How many of its investigations were answered from the answers kept.
kept_n=$(python3 - "$URL" "$TOKEN" <<'PY'
import re, sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/metrics", headers={"Authorization": "Bearer " + sys.argv[2]})
m = re.search(r"^chousa_investigations_kept_total (\d+)", urllib.request.urlopen(req).read().decode(), re.M)
print(m.group(1) if m else "?")
PY
)
rss=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$srv/status")
# RSS counts the store's pages once for each HTTP thread's SQLite mapping
# of it; PSS shares them out, so it is what the server really holds.
pss=$(awk '/^Pss:/ {printf "%.0f", $2 / 1024}' "/proc/$srv/smaps_rollup" 2>/dev/null || echo "?")
results lookup "" l
results investigate "" i
# The server's own time for each request of the mix, from its audit log
# (duration_ms: from the request's headers read to its answer's last byte
# sent), over the lines the log's rotation kept: what wrk sees beyond it
# is waiting, in the socket for an HTTP thread's turn and for a core.
sleep 0.5
own=$(python3 - "$W/audit.log" "$mix_from" <<'PY'
import json, os, sys
path, since = sys.argv[1], sys.argv[2]
files = [path + ".%d" % i for i in range(99, 0, -1)] + [path]
d = {"lookup": [], "investigate": []}
for f in files:
    if not os.path.exists(f):
        continue
    for line in open(f, errors="replace"):
        try:
            j = json.loads(line)
        except ValueError:
            continue
        if j.get("time", "") >= since and j.get("what") in d:
            d[j["what"]].append(j["duration_ms"])
out = []
for k in ("lookup", "investigate"):
    v = sorted(d[k])
    n = len(v)
    if n == 0:
        out.append("%s: none logged" % k)
        continue
    q = lambda p: v[min(n - 1, int(n * p))]
    out.append("%s p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms (%d requests)"
               % (k, q(0.5), q(0.99), q(0.999), n))
print("; ".join(out))
PY
)

# Whole processes: the CLI as the server's client, and the local look-up.
q=$(python3 -c 'import re,sys; print(re.findall(r"\"([^\"]+)\"", open(sys.argv[1]).read())[5])' "$W/iocs.lua")
med() {
	python3 - "$@" <<'PY'
import subprocess, sys, time
ts = []
for _ in range(50):
    t0 = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ts.append(time.perf_counter() - t0)
ts.sort()
print("%.2f" % (ts[len(ts) // 2] * 1000))
PY
}
local_ms=$(med "$CHOUSA" lookup "$q")
remote_ms=$(CHOUSA_SERVER_KEY="$TOKEN" med "$CHOUSA" --server "$URL" lookup "$q")
# The same 200 connections below saturation: each paced.
mix "$PACED_SECS" -paced
results lookup "-paced" pl
results investigate "-paced" pi
# The saturated mix again with no answer kept ([server] answer_cache = 0,
# put in force by a SIGHUP): every investigation runs, as when each asks
# about an indicator nobody asked in the last minute.
printf '[server]\nrate = 0\nanswer_cache = 0\n' > "$CHOUSA_CONFIG"
n=$(grep -c 'the config read again' "$W/serve.log" || true)
kill -HUP $srv
i=0
while [ "$(grep -c 'the config read again' "$W/serve.log" || true)" = "$n" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
cp "$W/lookup.lua" "$W/lookup-run.lua"
cp "$W/investigate.lua" "$W/investigate-run.lua"
mix "$SECS" -run
results lookup "-run" rl
results investigate "-run" ri
printf '[server]\nrate = 0\n' > "$CHOUSA_CONFIG"
# A Prometheus scrape of the server, and a backup of its store while it
# serves, against SQLite's own .backup (the peer) and cp (the floor).
metrics_ms=$(python3 - "$URL" "$TOKEN" <<'PY'
import sys, time, urllib.request
ts = []
for _ in range(20):
    req = urllib.request.Request(sys.argv[1] + "/metrics",
                                 headers={"Authorization": "Bearer " + sys.argv[2]})
    t0 = time.perf_counter()
    urllib.request.urlopen(req).read()
    ts.append(time.perf_counter() - t0)
ts.sort()
print("%.2f" % (ts[len(ts) // 2] * 1000))
PY
)
secs() { python3 - "$@" <<'PY'
import subprocess, sys, time
t0 = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print("%.2f" % (time.perf_counter() - t0))
PY
}
rm -f "$W"/backup-*.db
backup_s=$(secs "$CHOUSA" -q db backup "$W/backup-chousa.db")
sqlite_s=$(secs sqlite3 "$CHOUSA_DB" ".backup $W/backup-sqlite.db")
cp_s=$(secs cp "$CHOUSA_DB" "$W/backup-cp.db")
rm -f "$W"/backup-*.db
kill $srv
wait $srv 2> /dev/null || true
trap - EXIT INT TERM
said=$(grep -v -e 'listening on' -e 'serve: stopping' -e 'the config read again' -e 'answer_cache is now' "$W/serve.log" | sort | uniq -c | sort -rn | head -n 3 | sed 's/^ *//' | tr '\n' ';')
rps() { python3 -c "print('%.0f' % ($1 / ${2:-$SECS}))"; }
cat <<EOF3

### chousa serve (bench-serve.sh)

Store: $rows indicators (gen_threatfox.py, $N rows).  wrk on loopback, ${SECS} s,
$CONNS connections asking GET /api/v1/lookup and $CONNS asking an offline
POST /api/v1/investigate at the same time (one wrk each, on the same
2 cores as the server); indicators from the store and misses.

| requests | count | per second | errors (socket / non-2xx) | p50 | p99 | max |
|---|---|---|---|---|---|---|
| lookup | $l_n | $(rps "$l_n") | $l_err / $l_st | $l_p50 ms | $l_p99 ms | $l_max ms |
| offline investigate | $i_n | $(rps "$i_n") | $i_err / $i_st | $i_p50 ms | $i_p99 ms | $i_max ms |

Of those investigations, $kept_n were answered from the answers kept
(the same request within the minute, the store's data unchanged: wrk
asks about the same 2,500 indicators again and again, as a team asks
about the same ones; the first asking of each ran, and a commit of data
forgets every kept answer, while the server's own bookkeeping, as the
tokens' uses written each minute, keeps them).
The same mix with none kept (answer_cache = 0), every investigation
run:

| requests | count | per second | errors (socket / non-2xx) | p50 | p99 | max |
|---|---|---|---|---|---|---|
| lookup | $rl_n | $(rps "$rl_n") | $rl_err / $rl_st | $rl_p50 ms | $rl_p99 ms | $rl_max ms |
| offline investigate, each run | $ri_n | $(rps "$ri_n") | $ri_err / $ri_st | $ri_p50 ms | $ri_p99 ms | $ri_max ms |

The server's own time for each of the first mix's requests (the audit log's
duration_ms, from its headers read to its answer's last byte sent, so
an investigation's includes its wait for an investigation thread; over
the lines the log's rotation kept): $own.  Beyond it, wrk's figures are
waiting: in the socket for an HTTP thread's turn, and for a core.

Server peak RSS: $rss MiB (PSS at the end: $pss MiB; RSS counts the
store's mapped pages once per HTTP thread).  What the server said
(chousa -v serve, count and message): ${said:-nothing}.  Targets: 0 errors; p99 under 10 ms (lookup)
and 50 ms (offline investigate).

One look-up as a whole process (median of 50): local \`chousa lookup\`
$local_ms ms; \`chousa --server URL lookup\` $remote_ms ms (libcurl loaded,
one HTTP request).

The same 200 connections below saturation, ${PACED_SECS} s: each waits a think
time between an answer and its next request (exponential, mean $THINK_L ms
for look-ups, $THINK_I ms for investigations), as a team's clients do,
where the run above never lets go.

| requests | count | per second | errors (socket / non-2xx) | p50 | p99 | max |
|---|---|---|---|---|---|---|
| lookup, paced | $pl_n | $(rps "$pl_n" "$PACED_SECS") | $pl_err / $pl_st | $pl_p50 ms | $pl_p99 ms | $pl_max ms |
| offline investigate, paced | $pi_n | $(rps "$pi_n" "$PACED_SECS") | $pi_err / $pi_st | $pi_p50 ms | $pi_p99 ms | $pi_max ms |

A scrape of /metrics (median of 20): $metrics_ms ms.  The store copied
while the server serves: \`chousa db backup\` (one read transaction,
then quick_check) $backup_s s; sqlite3's \`.backup\` (the peer, no check)
$sqlite_s s; \`cp\` (the floor, not consistent under writes) $cp_s s.
EOF3
