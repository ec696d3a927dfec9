# test-robust-inject.sh: out-of-memory paths through the whole program
# (issue 7, part 2).  The failure-injection build (make INJECT=1, which
# `make all-tests` also builds as $BUILD-inject) fails the Nth library
# allocation and every later one (CHOUSA_FAIL_ALLOC=N, src/base/mem.c).  For an
# import, an investigation in every format and a sweep, N runs from 1 until
# a run gets through untouched: every failing run must end with status 3 or
# 5 and one "chousa: " line, never a signal; under ASan a leak fails the run
# (LeakSanitizer exits 23); an import leaves the store consistent and holds
# either the earlier data or the earlier data plus the file.
. "$TESTS/cli/lib.sh"

IBUILD="${BUILD:-$(dirname "$CHOUSA")}-inject"
ICHOUSA="$IBUILD/chousa"
if [ ! -x "$ICHOUSA" ]; then
	echo "ok - inject_runs # SKIP $ICHOUSA not built (make INJECT=1 inject-tests)"
	exit 0
fi
# Leaks are errors here, with their own status.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=1:exitcode=23"
export LSAN_OPTIONS="exitcode=23"

# The in-process loop over every renderer.
if [ -x "$IBUILD/tests/test-robust-render" ]; then
	CHOUSA_TEST_INJECT=1 "$IBUILD/tests/test-robust-render" > "$T/r.out" 2>&1
	grep -E '^(not )?ok - render_.*alloc_failures' "$T/r.out"
else
	echo "ok - inject_renderers # SKIP $IBUILD/tests/test-robust-render not built"
fi

# The server's count of connections by address, when it cannot grow: the
# third allocation on is refused (the table and its first slots are made).
if [ -x "$IBUILD/tests/test-peers" ]; then
	CHOUSA_TEST_INJECT=1 CHOUSA_FAIL_ALLOC=3 "$IBUILD/tests/test-peers" \
	    > "$T/p.out" 2>&1
	grep -E '^(not )?ok - ' "$T/p.out" | sed 's/ok - /ok - inject_peers_/'
	grep -q '^ok - a_freed_slot' "$T/p.out" ||
	    echo "not ok - inject_peers_ran_to_the_end: $(tail -3 "$T/p.out")"
else
	echo "ok - inject_peers # SKIP $IBUILD/tests/test-peers not built"
fi

DB0="$T/base.db"
"$CHOUSA" --db "$DB0" -q import urlhaus \
    "$SAMPLES/abusech/urlhaus/csv_online_2026-08-18_head21lines.csv" > /dev/null 2>&1
"$CHOUSA" --db "$DB0" -q import malwarebazaar \
    "$SAMPLES/abusech/malwarebazaar/export_recent_csv_2026-07-22_head12lines.csv" > /dev/null 2>&1
count() {
	sqlite3 "$1" 'SELECT count(*) FROM indicators' 2>&1
}
before=$(count "$DB0")

# The N to try: every one up to 30, then growing by a third, so runs with
# thousands of allocations still end in a few dozen steps.
steps() {
	python3 -c '
n, out = 1, []
while n < 1000000:
    out.append(n)
    n = n + 1 if n < 30 else n * 4 // 3
print(" ".join(map(str, out)))'
}
STEPS=$(steps)

# loop NAME KIND CMD...: run CMD under CHOUSA_FAIL_ALLOC=N for each N.
# KIND is "import" when CMD writes $T/k.db (copied fresh each time).
loop() {
	name=$1 kind=$2
	shift 2
	bad= n_fail=0 done_at=
	for n in $STEPS; do
		if [ "$kind" = import ]; then
			cp "$DB0" "$T/k.db"
			# feeds/: what update keeps for conditional requests.
			rm -rf "$T/k.db-wal" "$T/k.db-shm" "$T/feeds"
		fi
		env "${FAIL_VAR:-CHOUSA_FAIL_ALLOC}=$n" "$@" > "$T/i.out" 2> "$T/i.err"
		st=$?
		if grep -Eq 'runtime error|Sanitizer' "$T/i.err"; then
			bad="N=$n: $(grep -E -m1 'runtime error|Sanitizer' "$T/i.err" | head -c 300)"
			break
		fi
		if [ "$st" -le 1 ]; then
			done_at=$n
			now=$(count "$T/k.db")
			if [ "$kind" = import ] && [ "$now" != "$after" ]; then
				bad="N=$n: exit $st, but $now indicators (want $after)"
			fi
			break
		fi
		n_fail=$((n_fail + 1))
		case " ${ALLOWED:-3 5} " in
		*" $st "*) ;;
		*)	bad="N=$n: exit $st: $(head -c 400 "$T/i.err" | tr '\n' '|')"
			break ;;
		esac
		if [ "$(grep -c . "$T/i.err")" -ne 1 ] ||
		    ! grep -q '^chousa: [^ ]' "$T/i.err"; then
			bad="N=$n: not one line: $(head -c 300 "$T/i.err" | tr '\n' '|')"
			break
		fi
		if [ "$kind" = import ]; then
			ck=$(sqlite3 "$T/k.db" 'PRAGMA integrity_check' 2>&1)
			now=$(count "$T/k.db")
			if [ "$ck" != ok ] || { [ "$now" != "$before" ] &&
			    [ "$now" != "$after" ]; }; then
				bad="N=$n: store '$ck', $now indicators (before $before, after $after)"
				break
			fi
		fi
	done
	if [ -n "$bad" ]; then
		not_ok "inject_$name" "$bad"
	elif [ -z "$done_at" ]; then
		not_ok "inject_$name" "still failing at the last N"
	else
		ok "inject_$name ($n_fail failing runs, clean from N=$done_at)"
	fi
}

# An import, atomic under every failure.
FEED="$SAMPLES/abusech/feodo/ipblocklist_2025-06-25.csv"
cp "$DB0" "$T/after.db"
"$CHOUSA" --db "$T/after.db" -q import feodo "$FEED" > /dev/null 2>&1
after=$(count "$T/after.db")
loop import_feodo import "$ICHOUSA" --db "$T/k.db" -q import feodo "$FEED"

# The JSON importers, through format detection (auto), just as atomic.
after_feodo=$after
for spec in misp:mispevent_testfiles__malware_exist.json \
    stix:../stix/unit42/2024-02-08-Pikabot.json \
    warninglist:../warninglists/rfc1918.list.json; do
	file="$SAMPLES/import/misp/${spec#*:}"
	cp "$DB0" "$T/after.db"
	"$CHOUSA" --db "$T/after.db" -q import auto "$file" > /dev/null 2>&1
	after=$(count "$T/after.db")
	loop "import_auto_${spec%%:*}" import "$ICHOUSA" --db "$T/k.db" -q \
	    import auto "$file"
done
after=$after_feodo

# An investigation in every format.
for fmt in text json md html stix misp dot; do
	loop "investigate_$fmt" read "$ICHOUSA" --db "$DB0" investigate \
	    --offline --format "$fmt" "http://176.65.139.212/eclipse.sh4"
done

# A sweep over a small log.
if "$ICHOUSA" sweep --help > /dev/null 2>&1; then
	printf '%s\n' "GET http://176.65.139.212/eclipse.sh4 HTTP/1.1" \
	    "a line with 120.84.215.27 in it" "nothing here" > "$T/sweep.log"
	loop sweep read "$ICHOUSA" --db "$DB0" sweep "$T/sweep.log"
else
	echo "ok - inject_sweep # SKIP no sweep command yet"
fi

# chousa update from a local server: every failing allocation or write
# (CHOUSA_FAIL_WRITE reaches the download's file writes) is a clean
# failure, status 4 as documented for a failed update, or 3 or 5.
if "$ICHOUSA" update --help > /dev/null 2>&1; then
	mkdir -p "$T/srv"
	cp "$SAMPLES/abusech/feodo/ipblocklist_2025-06-25.csv" "$T/srv/feodo.csv"
	python3 -c '
import functools, http.server, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
h.log_message = lambda *a: None
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
print(s.server_address[1], flush=True)
s.serve_forever()' "$T/srv" > "$T/port" 2> /dev/null &
	spid=$!
	i=0
	while [ ! -s "$T/port" ] && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	export CHOUSA_FEEDS_FEODO_URL="http://127.0.0.1:$(head -n 1 "$T/port")/feodo.csv"
	ALLOWED="3 4 5" loop update_feodo_alloc import \
	    "$ICHOUSA" --db "$T/k.db" -q update feodo
	ALLOWED="3 4 5" FAIL_VAR=CHOUSA_FAIL_WRITE loop update_feodo_write \
	    import "$ICHOUSA" --db "$T/k.db" -q update feodo
	kill "$spid" 2> /dev/null
	wait "$spid" 2> /dev/null
else
	echo "ok - inject_update # SKIP no update command yet"
fi
exit 0
