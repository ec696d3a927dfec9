#!/bin/sh
# bench-investigate.sh: `chousa investigate` as a whole process, offline,
# on a store of 5,000,000 indicators built through `chousa import` from
# gen_corpus.py's URLhaus and ThreatFox files: the median of single
# investigations (target < 20 ms) and 10,000 indicators from a file
# (target < 10 s).  Peer: grep -F -x over the same indicators.txt.
# BENCH_INV_N overrides the store size (for a quick run).
set -eu
N=${BENCH_INV_N:-5000000}
work=${BENCH_WORK:?}/investigate-$N
CHOUSA=${CHOUSA:?}
GEN=${GEN:-$(dirname "$0")/../../shared/bench/gen_corpus.py}
mkdir -p "$work"
db=$work/chousa.db
export CHOUSA_CONFIG="$work/config"
: > "$CHOUSA_CONFIG"

if [ ! -f "$work/built" ]; then
	python3 "$GEN" --out "$work/corpus" --n "$N" --formats none -q >&2
	rm -f "$db"
	t0=$(date +%s)
	"$CHOUSA" -q --db "$db" import urlhaus "$work/corpus/indicators.urlhaus.csv" >&2
	"$CHOUSA" -q --db "$db" import threatfox "$work/corpus/indicators.threatfox.csv" >&2
	echo "$(( $(date +%s) - t0 ))" > "$work/built"
fi
ind=$work/corpus/indicators.txt
head -n 10000 "$ind" > "$work/10k.txt"

python3 - "$CHOUSA" "$db" "$ind" "$work/10k.txt" "$N" "$(cat "$work/built")" <<'PY'
import statistics, subprocess, sys, time
chousa, db, ind, tenk, n, built = sys.argv[1:7]
lines = open(ind).read().split("\n")
picks = [lines[i] for i in range(1, len(lines) - 1, max(1, len(lines) // 25))][:21]
def run(cmd, **kw):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t
base = [chousa, "--db", db, "investigate", "--offline", "--sources", "local"]
run(base + [picks[0]])  # warm the page cache
one = [run(base + [p]) for p in picks]
peer = [run(["grep", "-F", "-x", "-q", p, ind]) for p in picks]
# The floor of any chousa process (loading its libraries), same run.
# `chousa help`: start-up and exit, no store (`version` loads libcurl).
floor = statistics.median([run([chousa, "help"]) for p in picks])
tk = run(base + ["--format", "json", "-f", tenk])
tk_peer = run(["grep", "-F", "-x", "-c", "-f", tenk, ind])
m, mp = statistics.median(one), statistics.median(peer)
print()
print("### investigate (offline, %s indicators in the store)" % format(int(n), ","))
print()
print("Load average before: %s." % open("/proc/loadavg").read().split()[0])
print()
print("Store built through `chousa import` (URLhaus + ThreatFox CSV from gen_corpus.py) in %s s." % built)
print()
print("| Measure | chousa | peer: grep -F -x on indicators.txt | ratio | target |")
print("|---|---|---|---|---|")
print("| one investigation, whole process, median of %d | %.1f ms | %.1f ms | %.2fx | < 20 ms %s |" % (
    len(one), m * 1000, mp * 1000, m / mp if mp else 0, "ok" if m < 0.020 else "MISSED"))
print("| `chousa help`, the process floor, median | %.1f ms | | | |" % (floor * 1000))
print("| 10,000 indicators from a file (-f, json) | %.2f s | %.2f s | %.2fx | < 10 s %s |" % (
    tk, tk_peer, tk / tk_peer if tk_peer else 0, "ok" if tk < 10 else "MISSED"))
PY
