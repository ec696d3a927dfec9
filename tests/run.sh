#!/bin/sh
# run.sh BUILD [--update-golden]: run every test and end with the line
# "N passed, N failed".  Each test program or script prints "ok - NAME" or
# "not ok - NAME: why" per check; a program that dies without saying why
# counts as one failure.  TEST=NAME runs only the tests whose name (such
# as cli/test-sweep or unit/test-store) holds NAME.
#
# Tests run JOBS at a time (default: one a core), each with a TMPDIR, HOME
# and XDG directories of its own, since most of a test's time is spent
# waiting on a server or a child.  A script with the line
# "# run.sh: alone" runs after the others with nothing beside it: it
# measures time (a restart under load, a slow client cut off) and a
# neighbour's load would make it fail without a fault.
#
# No test touches the internet.  Every test's proxy (http_proxy,
# https_proxy, all_proxy; NO_PROXY: loopback) is tests/netguard.py, so a
# request of chousa's libcurl, curl or python's urllib for a host but
# loopback is refused there, its host never looked up, and fails the test
# that made it: "not ok - NAME: asked the internet: CONNECT host:443" (a
# client that names no test, chromium, fails the run with the tests then
# running).  NETAUDIT=DIR also runs each test under strace and writes its
# connect()s and sends to DIR/NAME, which tests/netaudit.py DIR sums up:
# the clients that ignore the proxy, and the DNS look-ups.
set -u

# run_one NAME CMD...: run one test in a directory of its own, keep its
# output in $RUN_TMP/NAME/, and say how it went on stderr.  One that
# hangs is stopped after CHOUSA_TEST_TIMEOUT seconds (900) and counts as
# a failure, so a hang never holds up the whole run.
run_one() {
	name=$1
	shift
	dir="$RUN_TMP/$(printf %s "$name" | tr / _)"
	mkdir -p "$dir/tmp/home"
	start=$(date +%s)
	# The proxy's user name says which test asked (netguard.py logs it).
	key=$(basename "$dir")
	guard="http://$key:netguard@127.0.0.1:${NETGUARD_PORT:-9}"
	if [ -n "${NETAUDIT:-}" ]; then
		set -- strace -f --seccomp-bpf -qq -e signal=none -s 120 \
		    -e trace=connect,sendto,sendmsg,sendmmsg \
		    -o "$NETAUDIT/$key" "$@"
	fi
	TMPDIR="$dir/tmp" HOME="$dir/tmp/home" XDG_DATA_HOME="$dir/tmp/data" \
	    XDG_CONFIG_HOME="$dir/tmp/config" http_proxy="$guard" \
	    https_proxy="$guard" HTTPS_PROXY="$guard" all_proxy="$guard" \
	    ALL_PROXY="$guard" \
	    timeout -k 10 "${CHOUSA_TEST_TIMEOUT:-900}" "$@" \
	    > "$dir/out" 2> "$dir/err"
	status=$?
	[ "$status" -eq 124 ] && echo "not ok - $name: still running after ${CHOUSA_TEST_TIMEOUT:-900} s" >> "$dir/out"
	echo "$name $start $(date +%s)" >> "$RUN_TMP/times"
	[ -s "${NETGUARD_LOG:-}" ] && awk -v k="$key" -v n="$name" '$1 == k && !seen[$3 " " $4]++ {
		print "not ok - " n ": asked the internet: " $3 " " $4 " (tests/netguard.py: point it at a loopback server)"
	}' "$NETGUARD_LOG" >> "$dir/out"
	ok=$(grep -c '^ok - ' "$dir/out")
	bad=$(grep -c '^not ok - ' "$dir/out")
	if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
		echo "not ok - $name: exited $status" >> "$dir/out"
		bad=1
	fi
	echo "$status" > "$dir/status"
	rm -rf "$dir/tmp"
	printf '%-40s %4d ok %4d failed %4d s\n' "$name" "$ok" "$bad" \
	    $(($(date +%s) - start)) >&2
	return 0
}

if [ "${1:-}" = --one ]; then
	shift
	run_one "$@"
	exit 0
fi

cd "$(dirname "$0")/.."
build=${1:-build}
[ "${2:-}" = "--update-golden" ] && export CHOUSA_UPDATE_GOLDEN=1

top=$(pwd)
export CHOUSA="$top/$build/chousa"
export TESTS="$top/tests"
export BUILD="$top/$build"
export SAMPLES="$top/tests/data/samples"
# Tests never read the user's store or config, and never colour.
RUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/chousa-test.XXXXXX")
export RUN_TMP NO_COLOR=1
unset CHOUSA_DB CHOUSA_CONFIG HTTPS_PROXY https_proxy HTTP_PROXY http_proxy \
    ALL_PROXY all_proxy
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

# The tests start python3 thousands of times (each HTTP request of the
# server tests is one).  A version manager's shim (pyenv's costs 0.4 s a
# start) would be most of the suite's time, so the interpreter it
# chooses is put first on PATH under its own name.
if py=$(python3 -c 'import sys; print(sys.executable)' 2> /dev/null) &&
    [ -x "$py" ] && [ "$py" != "$(command -v python3)" ]; then
	mkdir -p "$RUN_TMP/bin"
	ln -s "$py" "$RUN_TMP/bin/python3"
	PATH="$RUN_TMP/bin:$PATH"
	export PATH
fi

# The internet as the tests see it (see the top).  Should it not start,
# the proxy is a closed port: a request still fails, though unnamed.
NETGUARD_LOG="$RUN_TMP/netguard.log"
: > "$NETGUARD_LOG"
: > "$RUN_TMP/times"
python3 tests/netguard.py "$RUN_TMP/netguard.port" "$NETGUARD_LOG" &
netguard=$!
i=0
while [ ! -s "$RUN_TMP/netguard.port" ] && [ $i -lt 100 ]; do
	kill -0 "$netguard" 2> /dev/null || break
	sleep 0.1
	i=$((i + 1))
done
NETGUARD_PORT=$(cat "$RUN_TMP/netguard.port" 2> /dev/null)
if [ -z "$NETGUARD_PORT" ]; then
	echo "run.sh: tests/netguard.py did not start; the tests' proxy is a closed port" >&2
	NETGUARD_PORT=9
fi
no_proxy=127.0.0.1,localhost,::1,[::1]
NO_PROXY=$no_proxy
export NETGUARD_LOG NETGUARD_PORT no_proxy NO_PROXY
if [ -n "${NETAUDIT:-}" ]; then
	mkdir -p "$NETAUDIT"
	NETAUDIT=$(cd "$NETAUDIT" && pwd)
	export NETAUDIT
fi

# Every test as a line "NAME CMD ARGS...", in the order results are told;
# the long CLI scripts are listed first, so the short programs fill the end.
selected() { case "$1" in *"${TEST:-}"*) return 0 ;; esac; return 1; }
: > "$RUN_TMP/shared"
: > "$RUN_TMP/alone"
for t in tests/cli/test-*.sh; do
	[ -f "$t" ] || continue
	n="cli/$(basename "$t" .sh)"
	selected "$n" || continue
	if grep -q '^# run.sh: alone' "$t"; then
		echo "$n sh $t" >> "$RUN_TMP/alone"
	else
		echo "$n sh $t" >> "$RUN_TMP/shared"
	fi
done
for t in "$build"/tests/test-*; do
	[ -x "$t" ] || continue
	selected "unit/$(basename "$t")" || continue
	echo "unit/$(basename "$t") $t" >> "$RUN_TMP/shared"
done
for t in "$build"/replay/fuzz-*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	corpus="tests/fuzz/corpus/${n#fuzz-}"
	[ -d "$corpus" ] || corpus="tests/fuzz/corpus"
	selected "replay/$n" || continue
	echo "replay/$n $t $corpus" >> "$RUN_TMP/shared"
done

xargs -r -P "$jobs" -L 1 sh tests/run.sh --one < "$RUN_TMP/shared"
xargs -r -P 1 -L 1 sh tests/run.sh --one < "$RUN_TMP/alone"

passed=0
failed=0
for name in $(cat "$RUN_TMP/shared" "$RUN_TMP/alone" | cut -d' ' -f1); do
	dir="$RUN_TMP/$(printf %s "$name" | tr / _)"
	if [ ! -f "$dir/status" ]; then
		echo "not ok - $name: never ran"
		failed=$((failed + 1))
		continue
	fi
	ok=$(grep -c '^ok - ' "$dir/out")
	bad=$(grep -c '^not ok - ' "$dir/out")
	passed=$((passed + ok))
	failed=$((failed + bad))
	if [ "$bad" -ne 0 ]; then
		grep '^not ok - ' "$dir/out"
		sed -n '1,40p' "$dir/err" | sed 's/^/    /'
	fi
done

# A request whose client named no test (it sent no proxy user: chromium)
# fails the run, with the tests that were running when it came.
kill "$netguard" 2> /dev/null
bad=$(awk 'FILENAME == ARGV[1] { name[NR] = $1; from[NR] = $2; to[NR] = $3; n = NR; next }
	$1 == "-" {
		during = ""
		for (i = 1; i <= n; i++)
			if (from[i] <= $2 && $2 <= to[i] + 1)
				during = during " " name[i]
		if (seen[$3 " " $4 during]++)
			next
		print "not ok - netguard: asked the internet while" during " ran: " $3 " " $4
	}' "$RUN_TMP/times" "$NETGUARD_LOG")
if [ -n "$bad" ]; then
	echo "$bad"
	failed=$((failed + $(echo "$bad" | wc -l)))
fi

rm -rf "$RUN_TMP"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
