#!/bin/sh
# bench-ioc.sh: the indicator core (issue 14).  Conformance per corpus of
# the published test data (tests/unit/test-conformance.c: pass, deliberate
# difference, fail), `chousa lookup` as a whole process for an ASCII, an
# international and a .za domain, and `chousa parse -` over 11,000 lines.
# With CHOUSA_BEFORE (an older binary) its figures stand beside.
#   CHOUSA            binary (default ./chousa)
#   CHOUSA_BEFORE     an older binary to compare with, or unset
#   BENCH_WORK        scratch dir (default bench/work)
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
CHOUSA=${CHOUSA:-$top/chousa}
W=${BENCH_WORK:-$top/bench/work}/ioc
mkdir -p "$W"
build=$(dirname "$CHOUSA")

make --no-print-directory "$build/tests/test-conformance" > /dev/null
stats=$(TESTS=$top/tests CONFORMANCE_STATS=1 "$build/tests/test-conformance" |
    sed -n 's/^# stats //p')

# A small store: look-up cost here is the process and the parse, which
# this work changed, not the store's size (bench-store.sh has that).
db=$W/store.db
if [ ! -f "$db" ]; then
	printf 'evil.example.com\n日本語.jp\nwww.gov.za\n203.0.113.9\n' > "$W/list.txt"
	"$CHOUSA" --db "$db" import list "$W/list.txt" > /dev/null 2>&1
fi
python3 -c "
import sys
for i in range(11000):
    print(['evil%d.example.com' % i, 'hxxp://%d.example[.]net/a' % i,
           '10.%d.%d.1' % (i // 256 % 256, i % 256), '日本語%d.jp' % i][i % 4])
" > "$W/parse-in.txt"

lookups() {
	python3 - "$1" "$db" <<'PY'
import os, statistics, subprocess, sys, time
chousa, db = sys.argv[1], sys.argv[2]
out = []
for v in ["evil.example.com", "日本語.jp", "www.gov.za"]:
    wall, cpu = [], []
    for i in range(60):
        t = time.perf_counter()
        p = subprocess.Popen([chousa, "--db", db, "lookup", v],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, ru = os.wait4(p.pid, 0)
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((ru.ru_utime + ru.ru_stime) * 1000)
    out.append("%.2f/%.2f" % (statistics.median(wall), statistics.median(cpu)))
print(" ".join(out))
PY
}
# Instructions a whole `chousa lookup` runs (valgrind), which load from
# other jobs does not change.
instr() {
	command -v valgrind > /dev/null || { echo "- - -"; return; }
	for v in evil.example.com 日本語.jp www.gov.za; do
		valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" \
		    --db "$db" lookup "$v" 2>&1 > /dev/null |
		    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' |
		    awk '{ printf "%.2fM ", $1 / 1e6 }'
	done
	echo
}
parse_lines() {
	/usr/bin/time -f "%e" -o "$W/time" sh -c "'$1' parse - < '$W/parse-in.txt' > /dev/null 2>&1" || true
	cat "$W/time"
}

after=$(lookups "$CHOUSA")
after_i=$(instr "$CHOUSA")
after_parse=$(parse_lines "$CHOUSA")
before=""
if [ -n "${CHOUSA_BEFORE:-}" ]; then
	before=$(lookups "$CHOUSA_BEFORE")
	before_i=$(instr "$CHOUSA_BEFORE")
fi

echo
echo "### ioc: conformance and start-up (issue 14)"
echo
echo "Conformance on the published test data (tests/data/samples/vectors/;"
echo "every difference is listed with its reason in"
echo "tests/cases/conformance-differences.txt):"
echo
echo "| corpus | pass | deliberate difference | fail | n/a | pass rate |"
echo "|---|---:|---:|---:|---:|---:|"
echo "$stats" | awk '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $3, $5, $7, $9, $12 }'
echo
echo "\`chousa lookup\` as a whole process, median of 60 runs, wall/CPU ms,"
echo "on a 4-indicator store (the process and the parse, not the store):"
echo
echo "| binary | evil.example.com | 日本語.jp (loads ICU) | www.gov.za (reads the TLD list) |"
echo "|---|---:|---:|---:|"
set -- $after
echo "| this commit | $1 | $2 | $3 |"
if [ -n "$before" ]; then
	set -- $before
	echo "| before (CHOUSA_BEFORE) | $1 | $2 | $3 (refused: unknown TLD) |"
fi
echo
echo "The same look-ups in instructions (valgrind; steady under load):"
echo
echo "| binary | evil.example.com | 日本語.jp | www.gov.za |"
echo "|---|---:|---:|---:|"
set -- $after_i
echo "| this commit | $1 | $2 | $3 |"
if [ -n "$before" ]; then
	set -- $before_i
	echo "| before | $1 | $2 | $3 (refused) |"
fi
echo
echo "\`chousa parse -\` over 11,000 lines (a quarter each: domain, defanged"
echo "URL, private IP, Japanese IDN): $after_parse s for the lot, in one process."
