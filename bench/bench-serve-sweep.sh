#!/bin/sh
# bench-serve-sweep.sh: POST /api/v1/sweep of chousa serve on the
# 5M-indicator store of bench-serve.sh (made there, or here the same way):
# a Zeek conn.log of BENCH_SWEEP_MB MiB (default 256; one line in 1,000 to
# an address of the store) uploaded with curl -T, plain and gzip, against
# the floor: the same log swept by a local `chousa sweep --threads 1 -`
# from standard input (the same stream path, one thread, and the matcher
# built in the same run).  The first upload also builds the server's
# shared matcher; the next ones find it built.  Prints a Markdown section.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
CHOUSA=${CHOUSA:-$top/build/chousa}
CHOUSA=$(readlink -f "$CHOUSA")
MB=${BENCH_SWEEP_MB:-256}
command -v curl > /dev/null || { echo "bench-serve-sweep: curl missing (scripts/install-deps.sh test)" >&2; exit 1; }
CONFIG_NAME=config-sweep
. bench/serve-store.sh
"$CHOUSA" -q token revoke bench-sweep > /dev/null 2>&1 || true
TOKEN=$("$CHOUSA" -q token create --role read bench-sweep)
log=$W/conn-$MB.log
if [ ! -f "$log" ]; then
	sqlite3 "$CHOUSA_DB" "SELECT value FROM indicators WHERE type = 1 LIMIT 5000" > "$W/sweep-ips.txt"
	python3 - "$W/sweep-ips.txt" "$log" "$MB" <<'PY'
import sys
ips = [l.strip() for l in open(sys.argv[1]) if l.strip()] or ["192.0.2.1"]
out = open(sys.argv[2], "w")
out.write("#separator \\x09\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\n")
n, limit = 0, int(sys.argv[3]) << 20
while out.tell() < limit:
    dst = ips[n // 1000 % len(ips)] if n % 1000 == 0 else "10.%d.%d.%d" % (n >> 16 & 255, n >> 8 & 255, n & 255)
    out.write("1700000000.%06d\tC%x\t192.168.%d.%d\t%d\t%s\t443\ttcp\tssl\t0.5\t512\t4096\tSF\n"
              % (n % 1000000, n, n >> 8 & 255, n & 255, 1024 + n % 60000, dst))
    n += 1
PY
	gzip -1 -c "$log" > "$log.gz"
fi
size=$(wc -c < "$log")
gzsize=$(wc -c < "$log.gz")

rm -f "$W/port-sweep"
"$CHOUSA" serve --listen 127.0.0.1:0 --port-file "$W/port-sweep" \
    --audit-log "$W/audit-sweep.log" > "$W/serve-sweep.log" 2>&1 &
srv=$!
trap 'kill $srv 2> /dev/null' EXIT INT TERM
i=0
while [ ! -s "$W/port-sweep" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
URL="http://127.0.0.1:$(cat "$W/port-sweep")"

# upload FILE: seconds and hit lines of one curl -T to the server.
upload() {
	python3 - "$URL" "$TOKEN" "$1" <<'PY'
import subprocess, sys, time
url, tok, path = sys.argv[1:4]
t0 = time.perf_counter()
p = subprocess.run(["curl", "-s", "-f", "-H", "Authorization: Bearer " + tok, "-T", path,
                    "-X", "POST", url + "/api/v1/sweep?format=text"],
                   stdout=subprocess.PIPE, check=True)
print("%.2f %d" % (time.perf_counter() - t0, p.stdout.count(b"\n")))
PY
}
# local FILE: wall seconds, the sweep alone (its summary) and hit lines.
local_sweep() {
	python3 - "$CHOUSA" "$1" <<'PY'
import re, subprocess, sys, time
chousa, path = sys.argv[1:3]
t0 = time.perf_counter()
with open(path, "rb") as f:
    p = subprocess.run([chousa, "sweep", "--threads", "1", "-"], stdin=f,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
wall = time.perf_counter() - t0
m = re.search(rb"in ([0-9.]+) s", p.stderr)
print("%.2f %s %d" % (wall, m.group(1).decode() if m else "?", p.stdout.count(b"\n")))
PY
}
set -- $(upload "$log")
cold_s=$1 cold_hits=$2
set -- $(upload "$log")
warm_s=$1 warm_hits=$2
set -- $(upload "$log")
warm2_s=$1
set -- $(upload "$log.gz")
gz_s=$1 gz_hits=$2
set -- $(local_sweep "$log")
loc_wall=$1 loc_sweep=$2 loc_hits=$3
set -- $(local_sweep "$log.gz")
locgz_wall=$1 locgz_sweep=$2
rss=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$srv/status")
metrics=$(curl -s -H "Authorization: Bearer $TOKEN" "$URL/metrics")
matcher_mb=$(echo "$metrics" | awk '/^chousa_sweep_matcher_bytes / {printf "%.0f", $2 / 1048576}')
waits=$(echo "$metrics" | awk '/^chousa_sweep_upload_waits_total / {print $2}')
kill $srv
wait $srv 2> /dev/null || true
trap - EXIT INT TERM
best() { python3 -c "print(min($1, $2))"; }
mbs() { python3 -c "print('%.0f' % ($1 / 1048576 / $2))"; }
warm=$(best "$warm_s" "$warm2_s")
cat <<EOF3

### chousa serve: sweeps of uploaded logs (bench-serve-sweep.sh)

Store: $rows indicators.  A Zeek conn.log of $((size >> 20)) MiB (gzip -1:
$((gzsize >> 20)) MiB), one line in 1,000 to an address of the store,
uploaded by \`curl -T\` on loopback to POST /api/v1/sweep?format=text; the
answer comes once all of it is swept.  The floor: \`chousa sweep --threads 1 -\`
reading the same file from standard input (the same stream reader).

| run | seconds | MiB/s of log | hit lines |
|---|---|---|---|
| upload, first (builds the shared matcher) | $cold_s | $(mbs "$size" "$cold_s") | $cold_hits |
| upload, matcher built (best of 2) | $warm | $(mbs "$size" "$warm") | $warm_hits |
| upload, gzip | $gz_s | $(mbs "$size" "$gz_s") | $gz_hits |
| local sweep from stdin, whole process | $loc_wall | $(mbs "$size" "$loc_wall") | $loc_hits |
| local sweep from stdin, the sweep alone | $loc_sweep | $(mbs "$size" "$loc_sweep") | |
| local sweep of the gzip, whole process (sweep alone) | $locgz_wall ($locgz_sweep) | $(mbs "$size" "$locgz_wall") | |

Upload with the matcher built against the local sweep alone: $(python3 -c "print('%.2f' % ($warm / $loc_sweep))")x its time.
The server's matcher: $matcher_mb MiB; its peak RSS $rss MiB; uploads
that waited for their sweep (a full queue): $waits.
EOF3
