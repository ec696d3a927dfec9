#!/bin/sh
# bench-export.sh: `chousa export` of a store of BENCH_EXPORT_N (default
# 1000000) indicators in each format, against the sqlite3 shell reading
# the same rows in `.mode tabs` into a file (SQLite's own floor, same run);
# peak RSS of each, and of txt on a store a tenth the size (flat memory);
# the size of each output; and the same exports through a team server on
# loopback (`chousa --server URL export`, a directory as one tar), against
# the local command in the same run, with the client's peak RSS (flat: the
# answer streams to disk).  The store is a ThreatFox-format CSV from
# bench/gen_threatfox.py (ip:port, domains, URLs, sha256, md5) with a
# known-benign list of 1000 ranges, so the benign probes are in the time.
# Prints a Markdown section.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
CHOUSA=${CHOUSA:-$top/build/chousa}
CHOUSA=$(readlink -f "$CHOUSA")
W=${BENCH_WORK:-$top/bench/work}/export
N=${BENCH_EXPORT_N:-1000000}
SMALL=$((N / 10))
mkdir -p "$W"
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench-export: /usr/bin/time missing" >&2; exit 1; }

now() { date +%s.%N; }

# ---- the stores (made once, kept in BENCH_WORK) ----
ranges=$W/benign-ranges.json
[ -f "$ranges" ] || python3 - "$ranges" <<'PY'
import json, sys
# 1000 /24s in the space gen_threatfox.py draws addresses from.
nets = ["%d.%d.%d.0/24" % (1 + i % 223, (i * 7) % 256, (i * 13) % 256) for i in range(1000)]
json.dump({"name": "bench ranges", "description": "bench", "type": "cidr",
           "version": 1, "matching_attributes": ["ip-dst"], "list": nets},
          open(sys.argv[1], "w"))
PY
make_store() {	# make_store N DB
	[ -f "$2" ] && return 0
	python3 bench/gen_threatfox.py --n "$1" --seed export --out "$W/tf-$1.csv"
	"$CHOUSA" -q --db "$2" import threatfox "$W/tf-$1.csv"
	"$CHOUSA" -q --db "$2" import warninglist "$ranges"
	sqlite3 "$2" "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
	rm -f "$W/tf-$1.csv"
}
db=$W/store-$N.db
small=$W/store-$SMALL.db
make_store "$N" "$db"
make_store "$SMALL" "$small"
n_ind=$(sqlite3 "$db" "SELECT count(*) FROM indicators")
cat "$db" > /dev/null	# the page cache warm for every reader alike

# run CMD...: wall seconds, CPU seconds (user + system, which other
# jobs' load does not inflate) and peak RSS (MiB) into $secs $cpu $rss.
run() {
	t0=$(now)
	$TIME -f '%M %U %S' -o "$W/rss" "$@" > /dev/null 2> "$W/err" || {
		cat "$W/err" >&2
		return 1
	}
	t1=$(now)
	secs=$(python3 -c "print('%.2f' % ($t1 - $t0))")
	rss=$(awk '{printf "%.0f", $1 / 1024}' "$W/rss")
	cpu=$(awk '{printf "%.2f", $2 + $3}' "$W/rss")
}

# ---- the floor: the same rows through the sqlite3 shell ----
run sqlite3 "$db" ".mode tabs" ".output $W/floor.tsv" "SELECT type, value,
    source, first_seen, last_seen, status, threat, family, tags, confidence,
    reference, port, host FROM indicators"
floor=$secs
floor_cpu=$cpu
floor_rss=$rss
floor_size=$(stat -c %s "$W/floor.tsv")
rm -f "$W/floor.tsv"

echo
echo "### Export (bench/bench-export.sh)"
echo
echo "A store of $n_ind indicators (gen_threatfox.py: ip:port 35%, domain"
echo "25%, url 25%, sha256 10%, md5 5%) and a known-benign list of 1000"
echo "ranges.  Floor: the sqlite3 shell writing the same rows with"
echo "\`.mode tabs\` to a file, same run: **$floor s** ($floor_cpu s of CPU),"
echo "$floor_rss MiB, $(python3 -c "print('%.0f' % ($floor_size / 1048576))") MiB of output.  CPU time is"
echo "user + system, which the load of other jobs inflates much less than"
echo "the wall time."
echo
echo "| Format | wall | CPU | CPU vs floor | peak RSS | output | output vs floor | written |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for fmt in zeek-intel suricata ecs splunk clickhouse rpz misp-feed stix csv txt; do
	rm -rf "$W/out"
	mkdir -p "$W/out"
	case $fmt in
	zeek-intel|rpz|stix) out=$W/out/file ;;
	*) out=$W/out/dir ;;
	esac
	[ "$fmt" = txt ] || [ "$fmt" = csv ] && mkdir -p "$out"
	run "$CHOUSA" --db "$db" export --format "$fmt" -o "$out" || {
		echo "| $fmt | failed | | | | | | |"
		continue
	}
	written=$(sed -n 's/.*: \([0-9]*\) of [0-9]* indicators written/\1/p' \
	    "$W/err")
	size=$(du -sb "$out" | cut -f1)
	echo "| $fmt | $secs s | $cpu s |" \
	    "$(python3 -c "print('%.2fx' % ($cpu / $floor_cpu))") |" \
	    "$rss MiB | $(python3 -c "print('%.0f MiB' % ($size / 1048576))") |" \
	    "$(python3 -c "print('%.1fx' % ($size / $floor_size))") | $written |"
done
rm -rf "$W/out"
mkdir -p "$W/out/small" "$W/out/big"
run "$CHOUSA" -q --db "$small" export --format txt -o "$W/out/small"
rss_small=$rss
run "$CHOUSA" -q --db "$db" export --format txt -o "$W/out/big"
rss_big=$rss
rm -rf "$W/out"
echo
echo "Peak RSS of a txt export: $rss_small MiB at $SMALL indicators, $rss_big"
echo "MiB at $N (flat: the store is read as a stream, only indicators"
echo "several sources list are remembered).  Load average at the end:"
echo "$(cut -d' ' -f1 /proc/loadavg)."

# ---- through a team server on loopback ----
printf '[server]\nrate = 0\n' > "$W/server.conf"
chmod 600 "$W/server.conf"
tok=$(CHOUSA_CONFIG="$W/server.conf" "$CHOUSA" -q --db "$db" token create \
    --role read bench-export-$$)
rm -f "$W/port"
CHOUSA_CONFIG="$W/server.conf" "$CHOUSA" --db "$db" serve --listen \
    127.0.0.1:0 --port-file "$W/port" > "$W/serve.log" 2>&1 &
spid=$!
i=0
while [ ! -s "$W/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
url=http://127.0.0.1:$(cat "$W/port")
echo
echo "Through \`chousa serve\` on loopback (\`chousa --server URL export\`;"
echo "suricata and csv as one tar unpacked here, zeek-intel and stix streamed"
echo "to their file), against the local command, same run:"
echo
echo "| Format | local wall | remote wall | remote / local | client peak RSS | same bytes |"
echo "|---|---:|---:|---:|---:|---|"
for fmt in zeek-intel suricata stix csv; do
	rm -rf "$W/out"
	mkdir -p "$W/out"
	case $fmt in
	suricata) l=$W/out/l r=$W/out/r ;;
	csv) l=$W/out/l r=$W/out/r; mkdir -p "$l" "$r" ;;
	*) l=$W/out/l.$fmt r=$W/out/r.$fmt ;;
	esac
	run "$CHOUSA" -q --db "$db" export --format "$fmt" -o "$l" || continue
	lsecs=$secs
	CHOUSA_SERVER_KEY=$tok run "$CHOUSA" -q --server "$url" export \
	    --format "$fmt" -o "$r" || { echo "| $fmt | $lsecs s | failed | | | |"; continue; }
	# suricata.yaml names each side's own directory.
	same=$(diff -r -x suricata.yaml "$l" "$r" > /dev/null 2>&1 && echo yes || echo no)
	echo "| $fmt | $lsecs s | $secs s |" \
	    "$(python3 -c "print('%.2fx' % ($secs / max($lsecs, 0.01)))") |" \
	    "$rss MiB | $same |"
done
kill "$spid" 2> /dev/null
wait "$spid" 2> /dev/null || :
rm -rf "$W/out"
