#!/bin/sh
# lint.sh [ARCHIVE]: the checks `make lint` runs.  cppcheck finds real
# bugs, so it fails the lint; clang-format is advisory (it reports the files
# whose layout differs from .clang-format) because style(9) continuation
# lines are not fully expressible in clang-format 14.  ARCHIVE (make lint
# passes the built libchousa.a) must define no global symbol without the
# chousa_ prefix, and every include must keep the layers of docs/HACKING.md.
set -u
cd "$(dirname "$0")/.."
status=0
if [ $# -gt 0 ]; then
	scripts/check-symbols.sh "$1" || status=1
fi
scripts/check-layers.sh >/dev/null || status=1
files=$(ls src/*/*.c src/*/*/*.c cli/*.c 2>/dev/null)
if command -v cppcheck >/dev/null 2>&1; then
	# shellcheck disable=SC2086
	cppcheck --quiet --error-exitcode=1 --std=c11 --inline-suppr \
	    --enable=warning,portability -Iinclude -Isrc \
	    --suppress=missingIncludeSystem $files || status=1
else
	echo "lint: cppcheck missing (apt-get install cppcheck)" >&2
fi
# Banned functions must not appear even in code the compiler never sees
# (an #if branch this build leaves out), where banned.h cannot catch them.
if grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|strtok)\(' $files |
    grep -v 'banned.h'; then
	echo "lint: banned function used" >&2
	status=1
fi
if command -v clang-format >/dev/null 2>&1; then
	n=0
	for f in $files; do
		clang-format --dry-run "$f" 2>&1 | grep -q warning && n=$((n + 1))
	done
	echo "lint: clang-format: $n of $(echo "$files" | wc -w) files differ from .clang-format (advisory)"
fi
[ "$status" -eq 0 ] && echo "lint: ok"
exit "$status"
