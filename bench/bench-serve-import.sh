#!/bin/sh
# bench-serve-import.sh: a ThreatFox export (1M rows by default, from
# gen_threatfox.py) imported into a team server's store with `chousa
# --server URL import` (uploaded as it is read, kept in TMPDIR, imported
# in one transaction on the server), against the same `chousa import`
# run locally on the same store (the peer: what the admin did before,
# on the server's machine), and against the floor of the upload alone
# (the file copied once, as the server keeps it in TMPDIR).  Both import
# three files of the same size one after the other from the same small
# store.  Prints a Markdown section.
#   CHOUSA              binary (default ./chousa)
#   BENCH_WORK          scratch dir (default bench/work)
#   BENCH_IMPORT_N      rows (default 1000000)
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
CHOUSA=${CHOUSA:-$top/chousa}
work=${BENCH_WORK:-$top/bench/work}
n=${BENCH_IMPORT_N:-1000000}
W=$work/serve-import
mkdir -p "$W"
tf=$W/threatfox-$n.csv
[ -f "$tf" ] || python3 bench/gen_threatfox.py --n "$n" --seed import --out "$tf"
base=$W/base.db
if [ ! -f "$base" ]; then
	CHOUSA_DB=$base CHOUSA_CONFIG=/dev/null "$CHOUSA" -q import malpedia demo/malpedia.json >&2
fi
export CHOUSA_CONFIG="$W/config"
printf '[server]\nrate = 0\n' > "$CHOUSA_CONFIG"
chmod 600 "$CHOUSA_CONFIG"
rm -f "$W/srv.db" "$W/srv.db-wal" "$W/srv.db-shm"
cp "$base" "$W/srv.db"
token=$(CHOUSA_DB="$W/srv.db" "$CHOUSA" -q token create --role admin bench)
mkdir -p "$W/tmp"
rm -f "$W/port"
CHOUSA_DB="$W/srv.db" TMPDIR="$W/tmp" "$CHOUSA" serve --listen 127.0.0.1:0 \
    --port-file "$W/port" > "$W/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2> /dev/null; wait $pid 2> /dev/null || true' EXIT INT TERM
i=0
while [ ! -s "$W/port" ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
url=http://127.0.0.1:$(cat "$W/port")

# The server keeps its store open, so each run imports a file of new
# rows (the export made with another seed, the same size) into a store
# that grows by each, the local one alike: file k meets the same store
# on both sides.
t_local=
t_remote=
for k in 1 2 3; do
	f=$W/threatfox-$n-$k.csv
	[ -f "$f" ] || python3 bench/gen_threatfox.py --n "$n" --seed "import$k" --out "$f"
done
cat "$W"/threatfox-"$n"-*.csv > /dev/null
rm -f "$W/local.db"
cp "$base" "$W/local.db"
for k in 1 2 3; do
	f=$W/threatfox-$n-$k.csv
	t=$(python3 -c 'import subprocess,sys,time; t=time.monotonic(); r=subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print("%.3f" % (time.monotonic()-t) if r.returncode == 0 else "failed")' \
	    env CHOUSA_DB="$W/local.db" "$CHOUSA" -q import threatfox "$f")
	t_local="$t_local $t"
	t=$(python3 -c 'import subprocess,sys,time; t=time.monotonic(); r=subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print("%.3f" % (time.monotonic()-t) if r.returncode == 0 else "failed")' \
	    env CHOUSA_SERVER_KEY="$token" "$CHOUSA" --server "$url" -q import threatfox "$f")
	t_remote="$t_remote $t"
done
t_floor=$(python3 - "$W/threatfox-$n-1.csv" "$W/tmp/floor" <<'PY'
import shutil, sys, time
best = None
for _ in range(3):
    t = time.monotonic()
    shutil.copyfile(sys.argv[1], sys.argv[2])
    best = min(best or 1e9, time.monotonic() - t)
import os
os.unlink(sys.argv[2])
print("%.3f" % best)
PY
)
rows=$(sqlite3 "$W/srv.db" "SELECT count(*) FROM indicators")
rss=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$pid/status")
left=$(ls -A "$W/tmp" | wc -l)
size=$(($(stat -c %s "$W/threatfox-$n-1.csv") / 1048576))
read lt rt ratios first_ratio <<NUMS
$(python3 -c "
import sys
l = [float(x) for x in sys.argv[1].split()]
r = [float(x) for x in sys.argv[2].split()]
print('%.3f %.3f %s %.3f' % (sum(l), sum(r), ','.join('%.2fx' % (b / a) for a, b in zip(l, r)), float(sys.argv[3]) / l[0]))" "$t_local" "$t_remote" "$t_floor")
NUMS
cells() { echo "$@" | sed 's/^ *//; s/[ ,]/ | /g'; }

cat <<EOF

### chousa --server import (bench-serve-import.sh)

A ThreatFox export of $n rows ($size MiB, gen_threatfox.py), three
different files of the same size imported one after the other into a
store that starts small and grows by each: locally with \`chousa import
threatfox\`, and through a team server on loopback with \`chousa
--server URL import threatfox\` (an admin token), from the same small
store, so file k meets a store of the same size on both sides.  Seconds.

| run | file 1 | file 2 | file 3 | all three | vs local |
|---|---:|---:|---:|---:|---:|
| \`chousa import\`, local (the peer) | $(cells $t_local) | $lt | 1.00x |
| \`chousa --server URL import\` | $(cells $t_remote) | $rt | $(python3 -c "print('%.2fx' % ($rt / $lt))") |
| remote / local, per file | $(cells $ratios) | | |
| floor: the file copied once (what keeping the upload costs at least) | $t_floor | | | | ${first_ratio}x of file 1 |

The server's store ends with $rows indicators; its peak RSS was $rss MiB;
files left in its TMPDIR: $left.
EOF
