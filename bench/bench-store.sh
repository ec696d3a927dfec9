#!/bin/sh
# bench-store.sh: the local store.  Import rate of a URLhaus-format and a
# ThreatFox-format CSV against the sqlite3 shell's .import of the same file
# into a bare table (SQLite's own floor, same run); peak RSS of imports of
# two sizes (flat memory); `chousa lookup` whole-process median on the big
# store against `grep -F` over the source CSVs; in-process look-ups per
# second (bench/lookup-bench.c); store size per million indicators.
# Prints a Markdown section.  Sizes: BENCH_STORE_N (default 1000000 rows per
# feed), BENCH_STORE_BIG (default 5000000 ThreatFox rows, so the big store
# holds BIG + N indicators), BENCH_STORE_LOOKUPS (default 50 processes).
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
CHOUSA=${CHOUSA:-$top/build/chousa}
CHOUSA=$(readlink -f "$CHOUSA")
W=${BENCH_WORK:-$top/bench/work}/store
N=${BENCH_STORE_N:-1000000}
BIG=${BENCH_STORE_BIG:-5000000}
LOOKUPS=${BENCH_STORE_LOOKUPS:-50}
GEN=${GEN:-}
[ -n "$GEN" ] || GEN=$top/../shared/bench/gen_corpus.py
mkdir -p "$W"
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench-store: /usr/bin/time missing (scripts/install-deps.sh test)" >&2; exit 1; }

now() { date +%s.%N; }
# secs CMD...: wall seconds of CMD (stdout and stderr dropped).
secs() {
	t0=$(now)
	"$@" > /dev/null 2>&1
	t1=$(now)
	python3 -c "print('%.2f' % ($t1 - $t0))"
}
ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }

# ---- inputs (made once, kept in BENCH_WORK) ----
uh=$W/urlhaus-$N.csv
if [ ! -f "$uh" ]; then
	# gen_corpus.py writes URLs as 60% of its set: ask for enough.
	n_all=$(( N * 10 / 6 + 1000 ))
	python3 "$GEN" --out "$W/corpus" --n "$n_all" --formats none -q >&2
	head -n $(( N + 9 )) "$W/corpus/indicators.urlhaus.csv" > "$uh"
	grep -v '^#' "$W/corpus/indicators.txt" | head -n 20000 > "$W/values.txt"
fi
tf=$W/threatfox-$N.csv
[ -f "$tf" ] || python3 bench/gen_threatfox.py --n "$N" --out "$tf"
tfbig=$W/threatfox-$BIG.csv
[ -f "$tfbig" ] || python3 bench/gen_threatfox.py --n "$BIG" --seed big --out "$tfbig"
rows_uh=$(grep -vc '^#' "$uh")
rows_tf=$(grep -vc '^#' "$tf")

# ---- import rate against sqlite3 .import ----
floor() {	# floor CSV COLUMNS
	rm -f "$W/floor.db"
	secs sqlite3 "$W/floor.db" "CREATE TABLE t($2)" ".mode csv" \
	    ".import --skip 9 $1 t"
}
import_time() {	# import_time SOURCE CSV [OPTION]
	rm -f "$W/imp.db" "$W/imp.db-wal" "$W/imp.db-shm" "$W/imp.db-journal"
	secs "$CHOUSA" -q --db "$W/imp.db" import ${3:-} "$1" "$2"
}
# ThreatFox writes ", " between fields, which the shell's CSV reader takes
# for extra columns and warns about on every row; its floor reads the
# same data written as plain CSV, so that the floor is SQLite's alone.
tf_plain=$W/threatfox-$N-plain.csv
[ -f "$tf_plain" ] || sed 's/", "/","/g' "$tf" > "$tf_plain"
fl_uh=$(floor "$uh" "id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter")
ch_uh=$(import_time urlhaus "$uh")
ch_uh1=$(import_time urlhaus "$uh" "--threads 1")
fl_tf=$(floor "$tf_plain" "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o")
ch_tf=$(import_time threatfox "$tf")
ch_tf1=$(import_time threatfox "$tf" "--threads 1")
rm -f "$W/floor.db"

# ---- peak RSS, N and BIG rows ----
rss() {	# rss CSV: peak RSS in MiB of importing CSV into a fresh store
	rm -f "$W/rss.db" "$W/rss.db-wal" "$W/rss.db-shm"
	$TIME -v "$CHOUSA" -q --db "$W/rss.db" import threatfox "$1" \
	    2> "$W/time.txt" > /dev/null
	awk '/Maximum resident/ {printf "%.0f", $NF / 1024}' "$W/time.txt"
}
rss_n=$(rss "$tf")
t0=$(now)
rss_big=$(rss "$tfbig")
t1=$(now)
big_secs=$(python3 -c "print('%.1f' % ($t1 - $t0))")

# ---- the big store: BIG ThreatFox rows + N URLhaus rows ----
db=$W/rss.db
"$CHOUSA" -q --db "$db" import urlhaus "$uh"
n_ind=$(sqlite3 "$db" "SELECT count(*) FROM indicators")
sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
size=$(stat -c %s "$db")
per_m=$(python3 -c "print('%.0f' % ($size / 1048576 / ($n_ind / 1e6)))")

# ---- look-up latency, whole process, warm cache ----
# Values: half from the store (URLs, domains, IPs, hashes), half not.
python3 - "$W/values.txt" "$tfbig" "$W/pick.txt" "$LOOKUPS" <<'PY'
import random, sys
vals = [l.strip() for l in open(sys.argv[1]) if l.strip()]
r = random.Random(7)
tf = []
with open(sys.argv[2]) as f:
    for i, line in enumerate(f):
        if line.startswith('"') and r.random() < 0.001:
            v = line.split('", "')[2]
            tf.append(v.rsplit(":", 1)[0] if v.count(":") == 1 else v)
        if len(tf) > 2000:
            break
n = int(sys.argv[4])
pick = r.sample(vals, min(n // 4, len(vals))) + r.sample(tf, min(n // 4, len(tf)))
pick += ["miss%d.example-nothing.com" % i for i in range(n // 4)]
pick += ["198.18.%d.%d" % (i // 250, i % 250 + 1) for i in range(n - len(pick))]
open(sys.argv[3], "w").write("\n".join(pick) + "\n")
PY
cat "$db" "$uh" "$tfbig" > /dev/null	# warm the page cache
python3 - "$CHOUSA" "$db" "$W/pick.txt" "$uh" "$tfbig" > "$W/lat.txt" <<'PY'
import statistics, subprocess, sys, time
chousa, db, pick, uh, tf = sys.argv[1:6]
vals = [l.strip() for l in open(pick) if l.strip()]
import os
cpu = []
def run(cmd, keep=None):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    _, _, ru = os.wait4(p.pid, 0)
    if keep is not None:
        keep.append((ru.ru_utime + ru.ru_stime) * 1000)
    return (time.perf_counter() - t) * 1000
for v in vals[:3]:
    run([chousa, "--db", db, "lookup", v])
cc, gc = [], []
c = [run([chousa, "--db", db, "lookup", v], cc) for v in vals]
g = [run(["grep", "-F", "--", v, uh, tf], gc) for v in vals]
print("%.2f %.2f %.2f %.2f %.2f %.2f" % (statistics.median(c), max(c),
      statistics.median(g), max(g), statistics.median(cc),
      statistics.median(gc)))
PY
read -r lat_med lat_max grep_med grep_max lat_cpu grep_cpu < "$W/lat.txt"
load=$(cut -d' ' -f1 /proc/loadavg)

# ---- in-process look-ups per second ----
lib=$(dirname "$CHOUSA")/libchousa.a
lps="n/a"
if [ -f "$lib" ]; then
	cc -O2 -D_GNU_SOURCE -Iinclude -o "$W/lookup-bench" bench/lookup-bench.c \
	    "$lib" $(make -s --no-print-directory print-ldlibs)
	cut -d'"' -f6 "$uh" | grep -v '^$' | head -n 5000 > "$W/inproc.txt"
	head -n 5000 "$W/values.txt" >> "$W/inproc.txt"
	lps=$("$W/lookup-bench" "$db" "$W/inproc.txt" 5 |
	    sed -n 's/.*per_second=\([0-9]*\).*/\1/p')
fi

cat <<EOF2
### Local store (bench/bench-store.sh)

Import into an empty store, one transaction, indexes in place at the end,
against the sqlite3 shell's \`.import\` of the same CSV into a bare table
(no parsing, normalising or indexes), same run:

| Feed | rows | chousa import | sqlite3 .import | ratio | chousa rows/s | --threads 1 | ratio |
|---|---:|---:|---:|---:|---:|---:|---:|
| URLhaus CSV (gen_corpus.py) | $rows_uh | ${ch_uh} s | ${fl_uh} s | $(ratio "$ch_uh" "$fl_uh")x | $(python3 -c "print('%.0f' % ($rows_uh / $ch_uh))") | ${ch_uh1} s | $(ratio "$ch_uh1" "$fl_uh")x |
| ThreatFox CSV (gen_threatfox.py) | $rows_tf | ${ch_tf} s | ${fl_tf} s | $(ratio "$ch_tf" "$fl_tf")x | $(python3 -c "print('%.0f' % ($rows_tf / $ch_tf))") | ${ch_tf1} s | $(ratio "$ch_tf1" "$fl_tf")x |

By default a second thread writes to SQLite while the first reads and
normalises (src/store/import/pipe.c); \`--threads 1\` is the same import on one
core.  The ThreatFox floor reads the same rows as plain CSV (its \`", "\`
separators made the shell warn on every row).

Peak RSS importing a ThreatFox CSV: $N rows ${rss_n} MiB, $BIG rows
${rss_big} MiB ($big_secs s).

Store of $n_ind indicators: $(python3 -c "print('%.0f' % ($size / 1048576))") MiB,
**$per_m MiB per million indicators** (after a checkpoint).

\`chousa lookup\` as a whole process on that store, warm cache, $LOOKUPS values
(half listed, half not): median **${lat_med} ms** (max ${lat_max} ms);
\`grep -F\` of the same value over the two source CSVs: median ${grep_med} ms
(max ${grep_max} ms), $(ratio "$grep_med" "$lat_med")x slower.  CPU time (user +
system) per process, which load from other jobs does not inflate: chousa
${lat_cpu} ms, grep ${grep_cpu} ms.  Load average at the end: $load.

In-process look-ups (bench/lookup-bench.c, 10000 values x 5, parse
excluded): **$lps per second**.
EOF2
