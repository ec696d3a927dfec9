#!/bin/sh
# demo.sh: the worked example, end to end (make demo).  Imports the demo
# data (demo/: small files in the real feed formats) into a fresh store in
# a temporary directory, never the user's, then investigates the domain an
# analyst saw: www[.]dnautik[.]com.  Offline: no network is used.
set -eu
cd "$(dirname "$0")/.."
CHOUSA=${CHOUSA:-./chousa}
work=$(mktemp -d "${TMPDIR:-/tmp}/chousa-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
export CHOUSA_DB="$work/demo.db" CHOUSA_CONFIG="$work/config"
: > "$CHOUSA_CONFIG"

say() { printf '\n\033[1m$ %s\033[0m\n' "$*" | { [ -t 1 ] && cat || sed 's/\x1b\[[0-9;]*m//g'; }; }

# source file: every import is one command an analyst could type.
for pair in urlhaus:urlhaus.csv threatfox:threatfox.csv \
    malwarebazaar:malwarebazaar.csv feodo:feodo.csv malpedia:malpedia.json \
    warninglist:warninglist.json misp:sandbox-report.misp.json; do
	src=${pair%%:*} file=demo/${pair#*:}
	say chousa import "$src" "$file"
	if ! "$CHOUSA" -q import "$src" "$file"; then
		echo "(this chousa cannot import $src yet; the demo goes on" \
		    "without $file)"
	fi
done

say chousa investigate --offline "'www[.]dnautik[.]com'"
status=0
"$CHOUSA" investigate --offline 'www[.]dnautik[.]com' || status=$?
# 1 means "malicious or suspicious found": the expected end of this demo.
[ "$status" -le 1 ]
