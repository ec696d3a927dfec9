#!/bin/sh
# run.sh BUILD [--update-golden]: run every test and end with the line
# "N passed, N failed".  Each test program or script prints "ok - NAME" or
# "not ok - NAME: why" per check; a program that dies without saying why
# counts as one failure.  TEST=NAME runs only the tests whose name (such
# as cli/test-sweep or unit/test-store) holds NAME.
set -u
cd "$(dirname "$0")/.."
build=${1:-build}
[ "${2:-}" = "--update-golden" ] && export CHOUSA_UPDATE_GOLDEN=1

top=$(pwd)
export CHOUSA="$top/$build/chousa"
export TESTS="$top/tests"
export BUILD="$top/$build"
export SAMPLES="$top/tests/data/samples"
# Tests never read the user's store or config, and never colour.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chousa-test.XXXXXX")
export TMPDIR="$tmp" HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" \
    XDG_CONFIG_HOME="$tmp/config" NO_COLOR=1
unset CHOUSA_DB CHOUSA_CONFIG HTTPS_PROXY https_proxy HTTP_PROXY http_proxy
mkdir -p "$HOME"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

log="$tmp/log"
: > "$log"
passed=0
failed=0

# run_one NAME CMD...: run a test program, count its ok / not ok lines.
# One that hangs is stopped after CHOUSA_TEST_TIMEOUT seconds (900) and
# counts as a failure, so a hang never holds up the whole run.
run_one() {
	name=$1
	shift
	case "$name" in *"${TEST:-}"*) ;; *) return 0 ;; esac
	out="$tmp/out"
	start=$(date +%s)
	timeout -k 10 "${CHOUSA_TEST_TIMEOUT:-900}" "$@" > "$out" 2> "$tmp/err"
	status=$?
	[ "$status" -eq 124 ] && echo "not ok - $name: still running after ${CHOUSA_TEST_TIMEOUT:-900} s" >> "$out"
	ok=$(grep -c '^ok - ' "$out")
	bad=$(grep -c '^not ok - ' "$out")
	if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
		echo "not ok - $name: exited $status" >> "$out"
		bad=1
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	grep '^not ok - ' "$out"
	if [ "$status" -ne 0 ] || [ "$bad" -ne 0 ]; then
		sed -n '1,40p' "$tmp/err" | sed 's/^/    /'
	fi
	cat "$out" >> "$log"
	printf '%-40s %4d ok %4d failed %4d s\n' "$name" "$ok" "$bad" \
	    $(($(date +%s) - start)) >&2
}

for t in "$build"/tests/test-*; do
	[ -x "$t" ] || continue
	run_one "unit/$(basename "$t")" "$t"
done
for t in "$build"/replay/fuzz-*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	corpus="tests/fuzz/corpus/${n#fuzz-}"
	[ -d "$corpus" ] || corpus="tests/fuzz/corpus"
	run_one "replay/$n" "$t" "$corpus"
done
for t in tests/cli/test-*.sh; do
	[ -f "$t" ] || continue
	run_one "cli/$(basename "$t" .sh)" sh "$t"
done

rm -rf "$tmp"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
