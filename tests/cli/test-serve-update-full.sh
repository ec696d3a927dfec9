#!/bin/sh
# test-serve-update-full.sh: a scheduled feed update that fails for want
# of space (src/serve/update.c).  A full disk is stood in for without
# root by a soft file size limit on the server (ulimit -S -f, SIGXFSZ
# ignored: writes past it fail with EFBIG, as ENOSPC on a full disk),
# which its update child inherits:
#  1. the update fails; the store is as it was (the same indicators,
#     integrity ok); the failure is said with its retry, and the health
#     check's update degraded; the server keeps answering look-ups.
#  2. the limit lifted under the running server (prlimit): the next
#     update, the retry, succeeds, with no restart.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop; [ -n "${WWW:-}" ] && kill $WWW 2> /dev/null' EXIT INT TERM

# A feed of 3000 URLs: its import is far past the limit.
python3 - "$T/www/urlhaus.csv" <<'PY'
import os, sys
os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True)
with open(sys.argv[1], "w") as f:
    f.write('# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n')
    for i in range(3000):
        f.write('"%d","2026-01-01 00:00:00","http://full%d.example/payload/%d","online","2026-01-01 00:00:00","malware_download","elf","https://urlhaus.abuse.ch/url/%d/","test"\n' % (i, i, i, i))
PY
feeds_serve
serve_store '[server]\nrate = 0\n'
feeds_config "$T/config"
ADMIN=$("$CHOUSA" -q token create --role admin boss)
TOKEN=$ADMIN
before=$(sqlite3 "$CHOUSA_DB" "SELECT count(*) FROM indicators")
size=$(stat -c %s "$CHOUSA_DB")

# The soft limit: the store's size plus 64 KiB (its -wal, -shm and the
# audit log start below it), in blocks of 512 bytes.
rm -f "$T/port"
sh -c 'trap "" XFSZ; ulimit -S -f "$1"; shift; exec "$@"' sh \
    $(( (size + 65536) / 512 )) "$CHOUSA" serve --listen 127.0.0.1:0 \
    --port-file "$T/port" --audit-log "$T/audit.log" --update-every 1h \
    > "$T/serve.log" 2>&1 &
SERVER_PID=$!
serve_wait "$SERVER_PID" "$T/port"
URL="http://127.0.0.1:$(cat "$T/port")"

# ---- 1. the update fails, the store as it was ----
log_wait "update: failed"
expect update_failed_said 'serve: update: failed \(status [0-9]+\); tried again in [0-9]+ (second|minute)' "$T/serve.log"
# The disk failed, not the feed: its status is 3 (the machine's), never
# 4 (a source's), and the log names the file that could not be written.
expect update_failed_status_3 'serve: update: failed \(status 3\)' "$T/serve.log"
expect update_failed_names_the_file "serve: update: urlhaus: download failed: cannot write '.*/feeds/urlhaus.csv.part': File too large" "$T/serve.log"
after=$(sqlite3 "$CHOUSA_DB" "SELECT count(*) FROM indicators")
[ "$after" = "$before" ] && ok store_as_it_was || not_ok store_as_it_was "$before -> $after"
[ "$(sqlite3 "$CHOUSA_DB" "PRAGMA integrity_check")" = ok ] && ok store_intact ||
	not_ok store_intact "$(sqlite3 "$CHOUSA_DB" "PRAGMA integrity_check" | head -n 3)"
http GET /api/v1/health "$ADMIN"
expect health_update_degraded '\{"check":"update","status":"degraded"' "$T/body"
expect health_update_status_3 '"check":"update","status":"degraded","detail":"the last feed update failed \(exit status 3;' "$T/body"
http GET "/api/v1/lookup?indicator=192.0.2.1" "$ADMIN"
status_is lookups_still_answered 200
kill -0 "$SERVER_PID" 2> /dev/null && ok server_still_runs || not_ok server_still_runs "it ended: $(tail -n 3 "$T/serve.log")"

# ---- 2. room again: the retry succeeds ----
prlimit --pid "$SERVER_PID" --fsize=unlimited:
http POST "/api/v1/update?wait=1" "$ADMIN" ""
status_is update_with_room_answers 200
expect update_with_room_succeeds '"exit_status":0' "$T/body"
n=$(sqlite3 "$CHOUSA_DB" "SELECT count(*) FROM indicators WHERE value LIKE 'http://full%'")
[ "$n" = 3000 ] && ok update_with_room_imported || not_ok update_with_room_imported "$n of 3000"
http GET /api/v1/health "$ADMIN"
expect health_update_ok_again '\{"check":"update","status":"ok"' "$T/body"
serve_stop
