# test-robust-badinput.sh: bad input at the CLI (issue 7, part 8).  Each
# case must give one "chousa: " line on stderr, exit status 3, and leave
# the store byte for byte as it was (sha256 of the file, and no journal or
# write-ahead log left holding changes).
. "$TESTS/cli/lib.sh"

DB="$T/s.db"
URLHAUS="$SAMPLES/abusech/urlhaus/csv_online_2026-08-18_head21lines.csv"
"$CHOUSA" --db "$DB" -q import urlhaus "$URLHAUS" > /dev/null 2>&1
sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE)' > /dev/null 2>&1

state() {
	{
		sha256sum < "$1"
		for x in wal journal; do
			[ -s "$1-$x" ] && sha256sum < "$1-$x"
		done
	} 2> /dev/null | tr '\n' ' '
}

# bad NAME STOREFILE CMD...: the three promises for one case.
bad() {
	name=$1 store=$2
	shift 2
	was=$(state "$store")
	"$@" > "$T/out" 2> "$T/err"
	st=$?
	if [ "$st" -eq 3 ]; then ok "${name}_exits_3"; else
		not_ok "${name}_exits_3" "exit $st: $(head -c 200 "$T/err" | tr '\n' '|')"; fi
	if [ "$(grep -c . "$T/err")" -eq 1 ] && grep -q '^chousa: ' "$T/err"; then
		ok "${name}_one_line_error"
	else
		not_ok "${name}_one_line_error" "$(head -c 300 "$T/err" | tr '\n' '|')"
	fi
	if [ "$(state "$store")" = "$was" ]; then ok "${name}_writes_nothing"; else
		not_ok "${name}_writes_nothing" "the store changed"; fi
}

bad missing_file "$DB" "$CHOUSA" --db "$DB" import urlhaus "$T/no-such-file.csv"
mkdir -p "$T/adir"
bad directory "$DB" "$CHOUSA" --db "$DB" import urlhaus "$T/adir"
bad directory_as_indicator_file "$DB" "$CHOUSA" --db "$DB" investigate \
    --offline -f "$T/adir"
bad directory_as_store "$DB" "$CHOUSA" --db "$T/adir" lookup 192.0.2.1
expect directory_as_store_said "is a directory, not a store" "$T/err"
: > "$T/empty.db"
bad empty_file_as_store "$T/empty.db" "$CHOUSA" --db "$T/empty.db" lookup \
    192.0.2.1
expect empty_store_says_import_first "empty store: import a feed first" \
    "$T/err"
bad directory_as_report_file "$DB" "$CHOUSA" --db "$DB" investigate \
    --offline -o "$T/adir" 192.0.2.1
bad report_file_in_missing_dir "$DB" "$CHOUSA" --db "$DB" investigate \
    --offline -o "$T/no/such/dir/r.html" 192.0.2.1
bad wrong_feed_type "$DB" "$CHOUSA" --db "$DB" import feodo "$URLHAUS"
bad wrong_feed_type_strict "$DB" "$CHOUSA" --db "$DB" import --strict \
    malwarebazaar "$URLHAUS"
bad binary_as_feed "$DB" "$CHOUSA" --db "$DB" import urlhaus "$CHOUSA"
# A source name that names nothing is a usage error (2) everywhere.
was=$(state "$DB")
check unknown_import_source_is_usage 2 "$CHOUSA" --db "$DB" import \
    nosuchfeed "$URLHAUS"
check unknown_investigate_source_is_usage 2 "$CHOUSA" --db "$DB" \
    investigate --offline --sources nosuchsource 192.0.2.1
check unknown_update_source_is_usage 2 "$CHOUSA" --db "$DB" update \
    nosuchfeed
if [ "$(state "$DB")" = "$was" ]; then ok unknown_source_writes_nothing
else not_ok unknown_source_writes_nothing "the store changed"; fi
bad malformed_indicator_lookup "$DB" "$CHOUSA" --db "$DB" lookup "not an indicator"
bad malformed_indicator_investigate "$DB" "$CHOUSA" --db "$DB" investigate \
    --offline "http://[::1"

# An unreadable file: root reads anyway, so drop to nobody for this case.
cp "$URLHAUS" "$T/secret.csv"
chmod 000 "$T/secret.csv"
if [ "$(id -u)" -ne 0 ]; then
	bad unreadable_file "$DB" "$CHOUSA" --db "$DB" import urlhaus "$T/secret.csv"
elif command -v setpriv > /dev/null 2>&1 &&
    setpriv --reuid=nobody --regid=nogroup --clear-groups true 2> /dev/null; then
	# nobody needs a store it may write, in a directory it may enter.
	mkdir -p "$T/nobody"
	cp "$DB" "$T/nobody/s.db"
	chmod 755 "$T" "$T/nobody"
	chown -R nobody:nogroup "$T/nobody"
	chmod 755 "$(dirname "$T")" 2> /dev/null
	bad unreadable_file "$T/nobody/s.db" setpriv --reuid=nobody \
	    --regid=nogroup --clear-groups "$CHOUSA" --db "$T/nobody/s.db" \
	    import urlhaus "$T/secret.csv"
else
	echo "ok - unreadable_file # SKIP running as root and cannot drop to nobody"
fi

# A database that is not chousa's: another application's, or not SQLite.
sqlite3 "$T/other.db" 'CREATE TABLE t(x); INSERT INTO t VALUES (1)'
bad foreign_db_lookup "$T/other.db" "$CHOUSA" --db "$T/other.db" lookup 192.0.2.1
bad foreign_db_import "$T/other.db" "$CHOUSA" --db "$T/other.db" import urlhaus "$URLHAUS"
head -c 8192 /dev/urandom > "$T/junk.db"
bad junk_db_import "$T/junk.db" "$CHOUSA" --db "$T/junk.db" import urlhaus "$URLHAUS"
bad junk_db_investigate "$T/junk.db" "$CHOUSA" --db "$T/junk.db" investigate \
    --offline 192.0.2.1

# A store from a newer schema is left alone.
cp "$DB" "$T/newer.db"
sqlite3 "$T/newer.db" 'PRAGMA user_version=999'
bad newer_schema_import "$T/newer.db" "$CHOUSA" --db "$T/newer.db" import urlhaus "$URLHAUS"
bad newer_schema_lookup "$T/newer.db" "$CHOUSA" --db "$T/newer.db" lookup 192.0.2.1
expect newer_schema_says_so "newer" "$T/err"

# A store another process holds past the busy timeout (a first import
# runs under a rollback journal, which keeps readers out): the busy status
# 6 and what to do, neither bad input nor an internal error.
cp "$DB" "$T/held.db"
sqlite3 "$T/held.db" 'PRAGMA journal_mode=DELETE' > /dev/null
python3 - "$T/held.db" "$T/held.ready" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
c.execute("INSERT INTO source_state VALUES ('held', NULL, 0)")
open(sys.argv[2], "w").close()
time.sleep(12)
c.execute("ROLLBACK")
PY
holder=$!
n=0
while [ ! -f "$T/held.ready" ] && [ $n -lt 500 ]; do sleep 0.01; n=$((n + 1)); done
check held_store_lookup_is_busy 6 "$CHOUSA" --db "$T/held.db" --wait 1 \
    lookup 192.0.2.1
expect held_store_says_what "held by another chousa .* try again" "$T/err"
expect held_store_names_wait "--wait SECONDS" "$T/err"
kill "$holder" 2> /dev/null
wait "$holder" 2> /dev/null || :
