#!/bin/sh
# check-symbols.sh ARCHIVE: every global symbol ARCHIVE defines starts with
# chousa_ (the installed libchousa.a; see the Makefile).  Prints the others
# and fails when there is one.
set -u
lib=${1:?usage: check-symbols.sh ARCHIVE}
[ -f "$lib" ] || { echo "check-symbols: $lib missing (make)" >&2; exit 2; }
bad=$(nm -g --defined-only "$lib" | awk 'NF == 3 && $3 !~ /^chousa_/ { print $3 }')
if [ -n "$bad" ]; then
	echo "check-symbols: $(echo "$bad" | wc -l) global symbols of $lib lack the chousa_ prefix:" >&2
	echo "$bad" | head -n 20 >&2
	exit 1
fi
echo "check-symbols: $(nm -g --defined-only "$lib" | awk 'NF == 3' | wc -l) global symbols of $lib, all chousa_"
