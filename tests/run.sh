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
	TMPDIR="$dir/tmp" HOME="$dir/tmp/home" XDG_DATA_HOME="$dir/tmp/data" \
	    XDG_CONFIG_HOME="$dir/tmp/config" \
	    timeout -k 10 "${CHOUSA_TEST_TIMEOUT:-900}" "$@" \
	    > "$dir/out" 2> "$dir/err"
	status=$?
	[ "$status" -eq 124 ] && echo "not ok - $name: still running after ${CHOUSA_TEST_TIMEOUT:-900} s" >> "$dir/out"
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
unset CHOUSA_DB CHOUSA_CONFIG HTTPS_PROXY https_proxy HTTP_PROXY http_proxy
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

rm -rf "$RUN_TMP"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
