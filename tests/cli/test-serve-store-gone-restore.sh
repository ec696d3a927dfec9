#!/bin/sh
# test-serve-store-gone-restore.sh: a store deleted under a running server
# is put back as the server's log says (cli/cmd-db.c, storewatch.c).
#  - While the server still runs on the deleted file, db restore refuses,
#    naming the server's pid, and makes nothing at the path: a new store
#    there would take the server's -wal and -shm (still the deleted
#    file's) as its own, and the restore failed with a disk I/O error,
#    leaving an empty store that the next start served, no token working.
#  - The server's log and health say to stop it first; once stopped, the
#    restore puts the backup back and the next start serves its tokens.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap serve_stop EXIT INT TERM

serve_up "[server]\nrate = 0\n" admin boss
"$CHOUSA" -q db backup "$T/backup.db" || not_ok backup_made "exit $?"
# Sign-ins write sessions: the server's -wal holds pages then.
for i in 1 2 3; do
	http POST /login "" "token=$TOKEN" application/x-www-form-urlencoded
done
mv "$T/db" "$T/db.gone"
http GET /api/v1/health "$TOKEN"
status_is health_store_gone_503 503
expect health_says_stop_first "stop the server, restore the store \(chousa db restore\), and start it" "$T/body"

check restore_refused_while_served 3 "$CHOUSA" db restore "$T/backup.db"
expect refusal_names_server "the store '$T/db' is not there, and chousa serve \(pid $SERVER_PID\) still runs on the file deleted under it: stop the server, then restore, then start it" "$T/err"
[ ! -e "$T/db" ] && ok refused_restore_makes_no_store ||
	not_ok refused_restore_makes_no_store "a store was made at $T/db"

serve_stop
check restore_after_stop 0 "$CHOUSA" db restore "$T/backup.db"
serve_start || { not_ok server_restarts "$(head -c 300 "$T/serve.log")"; exit 0; }
http GET /api/v1/health "$TOKEN"
status_is token_works_after_restore 200
