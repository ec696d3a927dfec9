#!/bin/sh
# test-store-open.sh: how the store is opened, made and migrated, and how
# the team server watches the one it serves (src/store/store.c,
# src/store/store_schema.c, cli/store.c, src/serve/storewatch.c).
#  1. A command that only reads (token list and the other listings)
#     leaves an older store at its schema; one that writes (token create)
#     migrates it and says so on stderr, as serve's start does (8 -> 9,
#     5 -> 9).  token list never makes a store that is not there.
#  2. A store deleted under a running server is not made again (an
#     import's own open), is said once in the log, and health says the
#     store is unavailable (503).  A start that makes the store empty
#     says so.
#  3. An unwritable store (a full disk, a file or directory the server's
#     user may not write) is said by serve --check, and health's store
#     check is degraded with why; a directory the user may not write
#     gives a message that names it, not SQLite's "attempt to write a
#     readonly database".
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
NB= MNT=
cleanup() {
	serve_stop
	[ -n "$MNT" ] && umount "$MNT" 2> /dev/null
	[ -n "$NB" ] && rm -rf "$NB"
}
trap cleanup EXIT INT TERM

serve_store "[server]\nrate = 0\n"
ADMIN=$("$CHOUSA" -q token create --role admin boss)
cp "$T/db" "$T/v9.db"

# old DB VERSION: DB taken back to schema VERSION (8 or 5), as an older
# chousa left it.
old() {
	cp "$T/v9.db" "$1"
	sql="DROP TABLE sessions; ALTER TABLE imports DROP COLUMN published_at; DROP TABLE backups;"
	[ "$2" -le 7 ] && sql="$sql ALTER TABLE tokens DROP COLUMN last_used_at; ALTER TABLE tokens DROP COLUMN last_used_from; ALTER TABLE tokens DROP COLUMN note;"
	[ "$2" -le 6 ] && sql="$sql ALTER TABLE tokens DROP COLUMN allow_from;"
	[ "$2" -le 5 ] && sql="$sql ALTER TABLE tokens DROP COLUMN online_budget; DROP TABLE token_usage;"
	sqlite3 "$1" "$sql PRAGMA user_version = $2"
}
schema() { sqlite3 "$1" 'PRAGMA user_version'; }

# ---- 1. read-only commands never migrate; writing ones say it ----
old "$T/v8.db" 8
export CHOUSA_DB="$T/v8.db"
check token_list_old_store 0 "$CHOUSA" token list
expect token_list_old_lists '^1 +boss ' "$T/out"
refute token_list_says_no_migration 'migrated' "$T/err"
[ "$(schema "$T/v8.db")" = 8 ] && ok token_list_leaves_schema_8 ||
	not_ok token_list_leaves_schema_8 "schema $(schema "$T/v8.db")"
check token_list_json_old_store 0 "$CHOUSA" token list --json
for cmd in "db stats" "db check" "lookup x.example" "sources" "cache stats" "export --format csv"; do
	name=$(echo "$cmd" | tr ' -' '__')
	# shellcheck disable=SC2086
	"$CHOUSA" $cmd > /dev/null 2> "$T/err"
	[ "$(schema "$T/v8.db")" = 8 ] && ok "${name}_leaves_schema_8" ||
		not_ok "${name}_leaves_schema_8" "schema $(schema "$T/v8.db"): $(head -c 200 "$T/err")"
done
check token_create_migrates 0 "$CHOUSA" -q token create --role read later
expect token_create_says_migrated "^chousa: the store '$T/v8.db' was migrated from schema 8 to 11 \(chousa [0-9.]+[^)]*\): older versions of chousa cannot open it any more$" "$T/err"
[ "$(schema "$T/v8.db")" = 11 ] && ok token_create_migrated_to_current ||
	not_ok token_create_migrated_to_current "schema $(schema "$T/v8.db")"
check token_create_current_silent 0 "$CHOUSA" -q token create --role read later2
refute token_create_current_no_word 'migrated' "$T/err"

rm -f "$T/none.db"
check token_list_missing_store 3 env CHOUSA_DB="$T/none.db" "$CHOUSA" token list
expect token_list_missing_said "no store at '$T/none.db', so no token" "$T/err"
[ ! -e "$T/none.db" ] && ok token_list_makes_no_store || not_ok token_list_makes_no_store "made"

for v in 8 5; do
	old "$T/s$v.db" "$v"
	export CHOUSA_DB="$T/s$v.db"
	serve_start || { not_ok "serve_starts_on_$v" "$(head -c 300 "$T/serve.log")"; continue; }
	serve_stop
	expect "serve_says_migrated_from_$v" "the store '$T/s$v.db' was migrated from schema $v to 11 \(chousa " "$T/serve.log"
	[ "$(grep -c migrated "$T/serve.log")" = 1 ] && ok "serve_says_it_once_$v" ||
		not_ok "serve_says_it_once_$v" "$(grep -c migrated "$T/serve.log") lines"
done

# ---- 2. the store deleted under a running server ----
cp "$T/v9.db" "$T/db"
export CHOUSA_DB="$T/db"
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
http GET /api/v1/health "$ADMIN"
status_is health_ok_before 200
rm -f "$T/db" "$T/db-wal" "$T/db-shm"
printf 'gone-case.example\n' > "$T/list.txt"
CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "$URL" import list "$T/list.txt" > /dev/null 2> "$T/import.err"
[ ! -e "$T/db" ] && ok deleted_store_not_made_again ||
	not_ok deleted_store_not_made_again "$(sqlite3 "$T/db" 'SELECT count(*) FROM tokens') tokens in a new store; $(head -c 200 "$T/import.err")"
http GET /api/v1/health "$ADMIN"
status_is health_deleted_503 503
python3 - "$T/body" > "$T/py.out" 2>&1 <<'PY' && ok health_store_unavailable || not_ok health_store_unavailable "$(head -c 300 "$T/py.out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "unavailable", d
c = [c for c in d["checks"] if c["check"] == "store"][0]
assert c["status"] == "unavailable", c
assert "was deleted under the server" in c["detail"], c
assert "chousa db restore" in c["detail"], c
assert not [c for c in d["checks"] if c["check"] == "feeds"], d
PY
http GET /api/v1/health
status_is health_deleted_503_no_token 503
expect deleted_said_in_log "the store $T/db was deleted under the server: .*stop the server, restore the store \(chousa db restore\), and start it" "$T/serve.log"
[ "$(grep -c 'was deleted under the server' "$T/serve.log")" = 1 ] && ok deleted_said_once ||
	not_ok deleted_said_once "$(grep -c 'was deleted under the server' "$T/serve.log") lines"
serve_stop
serve_start || { not_ok server_restarts "$(head -c 300 "$T/serve.log")"; exit 0; }
serve_stop
expect restart_says_store_made_empty "serve: the store '$T/db' was not there and is made empty: no token works" "$T/serve.log"
# In a directory not made yet, as token create and every command that
# writes a new store makes it (the lock file beside the store needs it).
db=$CHOUSA_DB
CHOUSA_DB="$T/new/dir/db"
serve_start && ok start_in_new_directory ||
	not_ok start_in_new_directory "$(head -c 300 "$T/serve.log")"
serve_stop
CHOUSA_DB=$db
expect new_directory_store_made_empty "serve: the store '$T/new/dir/db' was not there and is made empty" "$T/serve.log"

# ---- 3. a store that cannot be written ----
# A full disk: a small tmpfs, which root may mount here (CI's container
# too); elsewhere the checks are skipped.
MNT=$T/small
mkdir -p "$MNT"
if mount -t tmpfs -o size=1M tmpfs "$MNT" 2> /dev/null; then
	export CHOUSA_DB="$MNT/s.db"
	"$CHOUSA" -q token create --role admin full > /dev/null 2>&1
	FULL=$(CHOUSA_DB="$MNT/s.db" "$CHOUSA" -q token create --role admin full2)
	serve_start || not_ok server_starts_full "$(head -c 300 "$T/serve.log")"
	dd if=/dev/zero of="$MNT/fill" bs=4k 2> /dev/null
	check full_check_warns 0 "$CHOUSA" serve --check --audit-log "$T/audit.log"
	expect full_check_said "^warning +store +the disk that holds $MNT/s.db is full" "$T/out"
	http GET /api/v1/health "$FULL"
	status_is full_health_200 200
	python3 - "$T/body" > "$T/py.out" 2>&1 <<'PY' && ok full_health_degraded || not_ok full_health_degraded "$(head -c 300 "$T/py.out")"
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["checks"] if c["check"] == "store"][0]
assert c["status"] == "degraded" and "is full" in c["detail"], c
PY
	expect full_said_in_log "the store $MNT/s.db cannot be written: the disk that holds it .* is full" "$T/serve.log"
	# An import the full store cannot take: the store's failure (507,
	# exit 3, saying the disk is full), never a file refused or a 500.
	printf 'http://full-import.example/a\n' > "$T/one.txt"
	http POST "/api/v1/import?source=list" "$FULL" "$(cat "$T/one.txt")" text/plain
	status_is full_import_507 507
	expect full_import_said '"exit_status":3,"error":".*the disk that holds store .* is full' "$T/body"
	CHOUSA_SERVER_KEY=$FULL check full_import_cli_exit_3 3 "$CHOUSA" --server "$URL" import list "$T/one.txt"
	expect full_import_cli_said "the disk that holds store .* is full" "$T/err"
	# Every other write the full store cannot take says the same: 507 on
	# the API, exit 3 through the CLI, and a page that says the disk is
	# full on the web, never a bare 500 (an internal error, exit 5).
	http POST /api/v1/tokens "$FULL" '{"name": "made-on-full", "role": "read"}'
	status_is full_token_create_507 507
	expect full_token_create_said '"error":".*the disk that holds store .* is full' "$T/body"
	http DELETE /api/v1/tokens/full "$FULL"
	status_is full_token_revoke_507 507
	http POST /api/v1/tokens/full "$FULL" '{"note": "on a full disk"}'
	status_is full_token_change_507 507
	CHOUSA_SERVER_KEY=$FULL check full_token_cli_exit_3 3 "$CHOUSA" --server "$URL" token create --role read made-by-cli
	expect full_token_cli_said "the disk that holds store .* is full" "$T/err"
	# A web sign-in, whose session the store must keep.
	curl -s -o "$T/login.html" -w '%{http_code}' -H "Origin: $URL" \
	    --data-urlencode "token=$FULL" "$URL/login" > "$T/login.code"
	[ "$(cat "$T/login.code")" = 507 ] && ok full_sign_in_507 ||
		not_ok full_sign_in_507 "HTTP $(cat "$T/login.code"): $(head -c 200 "$T/login.html")"
	expect full_sign_in_page_title "No room to write \(507\)" "$T/login.html"
	expect full_sign_in_page_said "its store cannot be written \(a full disk" "$T/login.html"
	rm -f "$MNT/fill"
	# Room again: the next write goes in, and health says so.
	http POST /api/v1/tokens "$FULL" '{"name": "made-with-room", "role": "read"}'
	status_is room_token_create_201 201
	http GET /api/v1/health "$FULL"
	expect full_then_ok '"check":"store","status":"ok"' "$T/body"
	expect writable_again_said "the store $MNT/s.db can be written again" "$T/serve.log"
	serve_stop
	# A start on the full disk (SQLite cannot make the -shm): said as a
	# full disk, bad input (3), not an internal error (5).
	dd if=/dev/zero of="$MNT/fill" bs=4k 2> /dev/null
	check full_start_refused 3 "$CHOUSA" serve --listen 127.0.0.1:0 --audit-log "$T/audit.log"
	expect full_start_said "the disk that holds store '$MNT/s.db' is full: free space on it, then try again" "$T/err"
	rm -f "$MNT/fill"
	umount "$MNT" && MNT=
else
	ok "full_disk # SKIP cannot mount a tmpfs here"
fi

# A directory and a file the server's user may not write: as nobody, in a
# directory of /tmp nobody may enter (root writes whatever the bits say).
AS=
if command -v setpriv > /dev/null && id nobody > /dev/null 2>&1; then
	AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
fi
NB=$(mktemp -d /tmp/chousa-storeopen.XXXXXX)
chmod 755 "$NB"
if [ -n "$AS" ] && $AS test -x "$CHOUSA" 2> /dev/null && $AS true 2> /dev/null; then
	: > "$NB/config"
	chown nobody "$NB/config"
	# 5. the directory root's, the store nobody's.
	mkdir "$NB/rootdir"
	cp "$T/v9.db" "$NB/rootdir/s.db"
	chown nobody "$NB/rootdir/s.db"
	for cmd in "token list" "lookup x.com"; do
		name=$(echo "$cmd" | tr ' ' '_')
		# shellcheck disable=SC2086
		check "dir_unwritable_${name}_fails" 3 env CHOUSA_CONFIG="$NB/config" HOME="$NB" $AS "$CHOUSA" --db "$NB/rootdir/s.db" $cmd
		expect "dir_unwritable_${name}_says_dir" "the store '$NB/rootdir/s\.db' cannot be written: its directory '$NB/rootdir' is not writable by this user \(uid 65534\), and SQLite makes the store's -wal and -shm files there" "$T/err"
		refute "dir_unwritable_${name}_not_sqlite_words" 'attempt to write a readonly database' "$T/err"
	done
	# A long path: the message is whole, both paths and the advice.
	long="$NB/$(printf 'd%.0s' $(seq 1 200))/$(printf 'e%.0s' $(seq 1 200))"
	mkdir -p "$long"
	cp "$T/v9.db" "$long/s.db"
	chown nobody "$long/s.db"
	check dir_unwritable_long_fails 3 env CHOUSA_CONFIG="$NB/config" HOME="$NB" $AS "$CHOUSA" --db "$long/s.db" lookup x.com
	expect dir_unwritable_long_whole "the store '$long/s\.db' cannot be written: its directory '$long' is not writable .* or run chousa as its owner$" "$T/err"
	# A start: the lock file beside the store cannot be made; said with
	# what to do, exit 3.
	check dir_unwritable_start_fails 3 env CHOUSA_CONFIG="$NB/config" HOME="$NB" $AS "$CHOUSA" --db "$NB/rootdir/s.db" serve --listen 127.0.0.1:0 --audit-log none
	expect dir_unwritable_start_says_what_to_do "cannot open the store's lock file '$NB/rootdir/s\.db\.serve\.lock': Permission denied: this user \(uid 65534\) must be able to write it and the store's directory: chown them" "$T/err"
	check dir_unwritable_check_errs 2 env CHOUSA_CONFIG="$NB/config" HOME="$NB" $AS "$CHOUSA" --db "$NB/rootdir/s.db" serve --check --audit-log "$NB/audit.log"
	expect dir_unwritable_check_said "^error +store +the directory $NB/rootdir cannot be written by this user \(uid 65534\)" "$T/out"
	# 4. the file read-only, in nobody's directory.
	mkdir "$NB/own"
	cp "$T/v9.db" "$NB/own/s.db"
	chown -R nobody "$NB/own"
	chmod 444 "$NB/own/s.db"
	check ro_file_check_errs 2 env CHOUSA_CONFIG="$NB/config" HOME="$NB" $AS "$CHOUSA" --db "$NB/own/s.db" serve --check --audit-log "$NB/own/audit.log"
	expect ro_file_check_said "^error +store +$NB/own/s.db cannot be written by this user \(uid 65534\)" "$T/out"
	rm -f "$T/port"
	env CHOUSA_CONFIG="$NB/config" HOME="$NB" $AS "$CHOUSA" --db "$NB/own/s.db" serve --listen 127.0.0.1:0 --port-file "$NB/own/port" \
	    --audit-log "$NB/own/audit.log" > "$T/serve.log" 2>&1 &
	SERVER_PID=$!
	serve_wait "$SERVER_PID" "$NB/own/port"
	URL="http://127.0.0.1:$(cat "$NB/own/port" 2> /dev/null)"
	http GET /api/v1/health "$ADMIN"
	status_is ro_file_health_200 200
	python3 - "$T/body" > "$T/py.out" 2>&1 <<'PY' && ok ro_file_health_degraded || not_ok ro_file_health_degraded "$(head -c 300 "$T/py.out")"
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["checks"] if c["check"] == "store"][0]
assert c["status"] == "degraded", c
assert "cannot be written by the server's user (uid 65534)" in c["detail"], c
PY
	serve_stop
else
	ok "unwritable_as_nobody # SKIP cannot run as nobody here"
fi
