#!/bin/sh
# test-nonpublic-note.sh: a private or documentation address is another
# host in every network.  Unlisted, its report says no public feed can know
# it; listed (a list of the user's own names it), the note says whose
# network that listing speaks of, never that no feed can know it.
. "$TESTS/cli/lib.sh"
cd "$T" || exit 1
export CHOUSA_DB="$T/s.db"

printf '198.51.100.77\n' > own.txt
"$CHOUSA" -q import list own.txt --family win.emotet

# note NAME INDICATOR: the report's notes, one a line, in $T/NAME.notes.
notes() {
	"$CHOUSA" investigate --offline --json "$2" > "$T/$1.json" 2> "$T/$1.err"
	python3 -c 'import json,sys; [print(n) for n in json.loads(open(sys.argv[1]).readline())["notes"]]' \
	    "$T/$1.json" > "$T/$1.notes" 2>> "$T/$1.err"
}
notes unlisted 10.1.2.3
expect unlisted_said '^10\.1\.2\.3 is not a public address: no public feed can know it$' "$T/unlisted.notes"
notes listed 198.51.100.77
expect listed_said '^198\.51\.100\.77 is not a public address: it is another host in every network, so a list that names it speaks of its lister.s network' "$T/listed.notes"
refute listed_not_unknowable 'no (public )?feed can know it' "$T/listed.notes"
