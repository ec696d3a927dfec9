# test-robust-concurrency.sh: readers while an import writes (issue 7,
# part 4).  Four readers (chousa lookup, chousa investigate, chousa db stats
# and, when it exists, chousa sweep) loop while chousa import writes a large
# URLhaus file: none may fail ("database is locked" or any other error), and
# every count a reader sees is the count before the import or after it,
# never one in between.  Then two imports started at once must both succeed
# and leave exactly the union of their files.
. "$TESTS/cli/lib.sh"

ROWS=${CONC_ROWS:-60000}
if ldd "$CHOUSA" 2> /dev/null | grep -q asan; then
	ROWS=${CONC_ROWS:-6000}	# a sanitizer build is ten times slower
fi
DB="$T/c.db"

python3 - "$T/big.csv" "$ROWS" "$T/other.csv" <<'EOF'
import sys
n = int(sys.argv[2])
row = ('"%d","2026-08-18 16:17:08","http://h%d.%s.com/p/%d.exe","online",'
    '"2026-08-18 16:17:08","malware_download","elf","https://urlhaus.abuse.ch/url/%d/","t"\n')
hdr = "# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"
with open(sys.argv[1], "w") as f:
    f.write(hdr)
    for i in range(n):
        f.write(row % (i + 1, i % 3000, "conc-one", i, i + 1))
with open(sys.argv[3], "w") as f:
    f.write(hdr)
    for i in range(n // 2):
        f.write(row % (900000 + i, i % 3000, "conc-two", i, 900000 + i))
EOF

"$CHOUSA" --db "$DB" -q import urlhaus \
    "$SAMPLES/abusech/urlhaus/csv_online_2026-08-18_head21lines.csv" > /dev/null 2>&1
# indicators: the count in `db stats --json`, read through chousa itself.
indicators() {
	"$CHOUSA" --db "$1" db stats --json 2> "$T/stats.err" |
	    python3 -c 'import json,sys; print(json.load(sys.stdin)["indicators"])' 2>/dev/null
}
before=$(indicators "$DB")
cp "$DB" "$T/after.db"
"$CHOUSA" --db "$T/after.db" -q import urlhaus "$T/big.csv" > /dev/null 2>&1
after=$(indicators "$T/after.db")
if [ -n "$before" ] && [ -n "$after" ] && [ "$before" != "$after" ]; then
	ok concurrency_setup
else
	not_ok concurrency_setup "counts '$before' -> '$after': $(head -c 200 "$T/stats.err")"
	exit 0
fi

have_sweep=0
if "$CHOUSA" sweep --help > /dev/null 2>&1; then
	have_sweep=1
	printf '%s\n' "GET http://176.65.139.212/eclipse.sh4" \
	    "GET http://h7.conc-one.com/p/7.exe" > "$T/sweep.log"
fi

# reader ID: loop until the import is over; log every failure.
reader() {
	id=$1 i=0
	: > "$T/r$id.fail"
	: > "$T/r$id.counts"
	while [ ! -f "$T/done" ] || [ "$i" -lt 3 ]; do
		i=$((i + 1))
		case $id in
		1)	"$CHOUSA" --db "$DB" lookup http://h7.conc-one.com/p/7.exe \
			    > /dev/null 2> "$T/r$id.err"
			st=$? ;;
		2)	"$CHOUSA" --db "$DB" investigate --offline --format json \
			    http://176.65.139.212/eclipse.sh4 > "$T/r$id.out" 2> "$T/r$id.err"
			st=$? ;;
		3)	n=$(indicators "$DB")
			st=$?
			[ -n "$n" ] || st=9
			echo "$n" >> "$T/r$id.counts" ;;
		4)	if [ "$have_sweep" = 1 ]; then
				"$CHOUSA" --db "$DB" sweep "$T/sweep.log" \
				    > /dev/null 2> "$T/r$id.err"
			else
				"$CHOUSA" --db "$DB" lookup 120.84.215.27 \
				    > /dev/null 2> "$T/r$id.err"
			fi
			st=$? ;;
		esac
		if [ "$st" -gt 1 ]; then
			echo "reader $id run $i: exit $st: $(head -c 200 "$T/r$id.err" "$T/stats.err" 2>/dev/null | tr '\n' ' ')" >> "$T/r$id.fail"
		fi
		[ "$i" -lt 2000 ] || break
	done
	echo "$i" > "$T/r$id.runs"
}

rm -f "$T/done"
for id in 1 2 3 4; do
	reader $id &
done
"$CHOUSA" --db "$DB" -q import urlhaus "$T/big.csv" > "$T/imp.out" 2> "$T/imp.err"
imp=$?
touch "$T/done"
wait

if [ "$imp" -eq 0 ]; then ok concurrency_import_succeeds; else
	not_ok concurrency_import_succeeds "exit $imp: $(head -c 300 "$T/imp.err")"; fi
cat "$T"/r?.fail > "$T/fails"
if [ -s "$T/fails" ]; then
	not_ok concurrency_readers_never_fail "$(head -n 3 "$T/fails" | tr '\n' ' ')"
else
	ok "concurrency_readers_never_fail ($(cat "$T"/r?.runs | tr '\n' ' ')runs)"
fi
refute concurrency_no_database_locked "database is locked|busy" "$T/fails"
odd=$(grep -v -x -e "$before" -e "$after" "$T/r3.counts" | head -n 3 | tr '\n' ' ')
if [ -z "$odd" ]; then
	ok "concurrency_counts_before_or_after ($(sort -u "$T/r3.counts" | tr '\n' ' '))"
else
	not_ok concurrency_counts_before_or_after "saw $odd (before $before, after $after)"
fi

# Two imports at once serialise: both succeed, the store holds both.
cp "$T/after.db" "$T/two.db"
rm -f "$T/two.db-wal" "$T/two.db-shm"
"$CHOUSA" --db "$T/two.db" -q import urlhaus "$T/other.csv" > /dev/null 2> "$T/a.err" &
pa=$!
"$CHOUSA" --db "$T/two.db" -q import urlhaus \
    "$SAMPLES/abusech/urlhaus/csv_online_2026-08-18_head21lines.csv" \
    > /dev/null 2> "$T/b.err" &
pb=$!
"$CHOUSA" --db "$T/two.db" -q import feodo \
    "$SAMPLES/abusech/feodo/ipblocklist_2025-06-25.csv" > /dev/null 2> "$T/c.err" &
pc=$!
wait $pa; sa=$?
wait $pb; sb=$?
wait $pc; sc=$?
if [ "$sa" -eq 0 ] && [ "$sb" -eq 0 ] && [ "$sc" -eq 0 ]; then
	ok concurrent_imports_all_succeed
else
	not_ok concurrent_imports_all_succeed "exits $sa $sb $sc: $(cat "$T/a.err" "$T/b.err" "$T/c.err" | head -c 300)"
fi
cp "$T/after.db" "$T/serial.db"
"$CHOUSA" --db "$T/serial.db" -q import urlhaus "$T/other.csv" > /dev/null 2>&1
"$CHOUSA" --db "$T/serial.db" -q import feodo \
    "$SAMPLES/abusech/feodo/ipblocklist_2025-06-25.csv" > /dev/null 2>&1
want=$(indicators "$T/serial.db")
got=$(indicators "$T/two.db")
if [ -n "$want" ] && [ "$got" = "$want" ]; then
	ok "concurrent_imports_equal_serial ($got indicators)"
else
	not_ok concurrent_imports_equal_serial "got '$got', serial '$want'"
fi
check concurrent_imports_store_checks 0 "$CHOUSA" --db "$T/two.db" db check
