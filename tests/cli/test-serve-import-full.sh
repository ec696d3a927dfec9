#!/bin/sh
# test-serve-import-full.sh: the warninglists archive imported through the
# team server (chousa --server URL import) into a store whose disk fills
# midway.  The archive commits list by list: two small lists go in, the
# big one after them does not fit.  The answer is 507 and exit 3 as a full
# disk is everywhere, and it must not say nothing changed: the JSON line
# is the bundle's, state failed, with the two lists counted, and the
# warning and the server's log say how many went in, as chousa import
# does locally.  The store is on a small tmpfs (root only; SKIP else).
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"

mnt="$T/full"
small_disk "$mnt" 4m full_disk_import_through_server || exit 0
trap 'serve_stop; umount "$mnt" 2>/dev/null' EXIT INT TERM
export CHOUSA_DB="$mnt/s.db" CHOUSA_CONFIG="$T/config"
printf '[server]\nrate = 0\n' > "$T/config"
chmod 600 "$T/config"
ADMIN=$("$CHOUSA" -q token create --role admin ops)
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }

wl_archive_big_last "$T/wl.tar.gz"
# All but 300 KiB of the disk taken.
dd if=/dev/zero of="$mnt/room" bs=1k count=300 2> /dev/null
dd if=/dev/zero of="$mnt/fill" bs=4k 2> /dev/null
rm "$mnt/room"

CHOUSA_SERVER_KEY="$ADMIN" check full_import_exit_3 3 "$CHOUSA" --server "$URL" --json import warninglist "$T/wl.tar.gz"
python3 - "$T/out" <<'PY' && ok full_import_json_counts || not_ok full_import_json_counts "$(head -c 300 "$T/out")"
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert o["state"] == "failed" and o["lists"] == 2 and o["exit_status"] == 3, o
assert "full" in o["error"] and o["source"] == "warninglist", o
PY
json_shapes "Bundle of lists import result=$T/out"
[ "$(sqlite3 "$mnt/s.db" "SELECT count(*) FROM benign WHERE entry LIKE '%wl-full.example.com'")" = 2 ] &&
	ok full_import_first_two_in ||
	not_ok full_import_first_two_in "$(sqlite3 "$mnt/s.db" "SELECT count(*) FROM benign WHERE entry LIKE '%wl-full.example.com'") rows, want 2 (the room left no longer fits the test)"
CHOUSA_SERVER_KEY="$ADMIN" check full_import_text_exit_3 3 "$CHOUSA" --server "$URL" import warninglist "$T/wl.tar.gz"
expect full_import_said "is full: free space on it, then try again \(2 lists imported before it; the rest keep their previous data\)$" "$T/err"
log_wait "2 lists imported, then: "
grep -qF "2 lists imported, then: " "$T/serve.log" && ok full_import_logged ||
    not_ok full_import_logged "$(grep import: "$T/serve.log" | tail -n 2)"
refute full_import_not_nothing "nothing imported" "$T/serve.log"
# The server serves on.
http GET /api/v1/health ""
status_is full_import_serves_on 200
