#!/bin/sh
# fuzz.sh SECONDS TARGET.c...: build each libFuzzer target with clang
# (-fsanitize=fuzzer,address,undefined) against the library compiled with
# -fsanitize=fuzzer-no-link,address,undefined into build-fuzz/, run it for
# SECONDS on its corpus (tests/fuzz/corpus/NAME) and dictionary
# (tests/fuzz/NAME.dict), and print per target: runs, exec/s, and whether
# it found anything.  New inputs go to build-fuzz/new/NAME, never into the
# committed corpus; a crash is left as build-fuzz/crash-NAME-*.
set -u
cd "$(dirname "$0")/.."
secs=${1:?usage: fuzz.sh SECONDS TARGET.c...}
shift
CLANG=${CLANG:-clang}
out=${FUZZ_BUILD:-build-fuzz}
mkdir -p "$out/obj" "$out/new"
command -v "$CLANG" > /dev/null || { echo "fuzz.sh: clang is needed" >&2; exit 2; }

# libcurl and libarchive are loaded on first use (src/base/dynlib.h):
# their headers are needed, not their link flags.
deps="libpsl libidn2 sqlite3 yajl zlib"
# The data files compiled in (src/investigate/data.c), as the Makefile does.
mkdir -p "$out/gen"
scripts/gen-data.sh $(ls data/*.txt data/*/*.txt 2>/dev/null) > "$out/gen/chousa-data.h"
cflags="-g -O1 -std=c11 -D_GNU_SOURCE -Iinclude -Isrc -include base/banned.h -I$out/gen $(pkg-config --cflags $deps libcurl libarchive)"
libs="$(pkg-config --libs $deps) -ldl -lpthread -lm"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"

# The library, once, object by object (a file that does not build is left
# out with a warning, so one broken module does not stop every target).
objs=""
for f in src/*/*.c src/*/*/*.c; do
	[ -f "$f" ] || continue
	o="$out/obj/$(echo "$f" | tr / _).o"
	if [ ! -f "$o" ] || [ "$f" -nt "$o" ] || [ -n "$(find include src -name '*.h' -newer "$o" 2>/dev/null | head -1)" ]; then
		if ! $CLANG $cflags $san -fsanitize=fuzzer-no-link -c -o "$o" "$f" 2> "$out/obj/err"; then
			echo "fuzz.sh: warning: $f does not build, left out" >&2
			rm -f "$o"
			continue
		fi
	fi
	objs="$objs $o"
done
rm -f "$out/libchousa-fuzz.a"
ar rcs "$out/libchousa-fuzz.a" $objs

status=0
printf '%-16s %10s %10s  %s\n' target runs exec/s result
for src in "$@"; do
	name=$(basename "$src" .c)
	short=${name#fuzz-}
	bin="$out/$name"
	if ! $CLANG $cflags $san -fsanitize=fuzzer -o "$bin" "$src" \
	    "$out/libchousa-fuzz.a" $libs; then
		printf '%-16s %10s %10s  %s\n' "$name" - - "BUILD FAILED"
		status=1
		continue
	fi
	corpus="tests/fuzz/corpus/$short"
	dict="tests/fuzz/$short.dict"
	new="$out/new/$short"
	mkdir -p "$new"
	set -- -max_total_time="$secs" -print_final_stats=1 \
	    -artifact_prefix="$out/crash-$short-" -max_len=65536 -timeout=20
	[ -f "$dict" ] && set -- "$@" -dict="$dict"
	log="$out/$name.log"
	"$bin" "$@" "$new" "$corpus" > "$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	if [ "$rc" -eq 0 ]; then
		result="nothing found"
	else
		result="FOUND (exit $rc): see $log and $out/crash-$short-*"
		status=1
	fi
	printf '%-16s %10s %10s  %s\n' "$name" "${runs:-?}" "${eps:-?}" "$result"
done
exit $status
