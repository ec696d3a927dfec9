#!/bin/sh
# test-db-restore.sh: chousa db restore FILE (src/store/store_backup.c).
#  1. A backup put back while a team server serves: every request during
#     it answered (200), the server sees the restored store at once (an
#     indicator imported after the backup is gone, one in the backup
#     found), nothing left beside the store.
#     Each day's online quota and token spend keeps the higher count; the
#     backups noted are the store's (the copy's end before it), and so
#     are the web sessions: none signed out since the backup comes back,
#     none signed in since is lost.
#  2. Tokens: one revoked after the backup stays revoked (refused by the
#     server), one made after it is named, kept revoked and refused; one
#     in the backup still works.  IDs are never given again: a token made
#     after the restore gets a new one, and the use of the token made
#     after the backup, noted by the server before the restore and
#     written when it stops, stays that token's (token list, and the
#     audit log's token_id), never the new token's.
#  3. An older backup (schema 1) is migrated as it is restored; one from a
#     newer chousa, a file that is not a chousa store, a damaged one and a
#     missing one are refused with why (exit 3), the store unchanged.
#  4. Usage: FILE is required (exit 2).
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop; [ -n "${L:-}" ] && kill $L 2> /dev/null' EXIT INT TERM

serve_store '[server]\nrate = 0\n'
KEPT=$("$CHOUSA" -q token create --role read kept)
LEAKED=$("$CHOUSA" -q token create --role read leaked)
# Spend counted on a day, as the server counts it.
sqlite3 "$CHOUSA_DB" "INSERT INTO quota VALUES ('virustotal', '2099-01-01', 10), ('otx', '2099-01-01', 50); INSERT INTO token_usage VALUES ('kept', '2099-01-01', 2)"
sqlite3 "$CHOUSA_DB" "INSERT INTO sessions VALUES ('out-since', 'a', 'token', 1, 4102444800)"
check backup_taken 0 "$CHOUSA" db backup "$T/b.db"
# Spent since: more of one, a new one; less of another (a counter the
# backup holds higher is kept as it is).
sqlite3 "$CHOUSA_DB" "UPDATE quota SET used = 400 WHERE source = 'virustotal'; UPDATE quota SET used = 20 WHERE source = 'otx'; INSERT INTO quota VALUES ('abuseipdb', '2099-01-01', 5); UPDATE token_usage SET online = 7"
sqlite3 "$CHOUSA_DB" "DELETE FROM sessions; INSERT INTO sessions VALUES ('in-since', 'a', 'token', 1, 4102444800)"
# After the backup: a backup noted, a token revoked, one made, an
# indicator imported.
"$CHOUSA" -q db backup "$T/b-later.db"
"$CHOUSA" -q token revoke leaked
LATER=$("$CHOUSA" -q token create --role read later)
printf '203.0.113.77\n' > "$T/case.txt"
"$CHOUSA" -q import list --source-name case9 "$T/case.txt"
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
http GET "/api/v1/lookup?indicator=203.0.113.77" "$KEPT"
expect case_listed_before '"case9"' "$T/body"
# A use of the token made after the backup, in the server's memory.
http GET /api/v1/version "$LATER"
status_is made_later_used 200
LATER_ID=$(sqlite3 "$CHOUSA_DB" "SELECT id FROM tokens WHERE name = 'later'")

# ---- 1. under a running server, asked all along ----
python3 - "$URL" "$KEPT" "$T/load.out" <<'PY' &
import sys, time, urllib.request, urllib.error
url, token, out = sys.argv[1:]
codes, end = {}, time.time() + 60
while time.time() < end:
    req = urllib.request.Request(url + "/api/v1/lookup?indicator=www.dnautik.com",
                                 headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            code = r.status
            r.read()
    except urllib.error.HTTPError as e:
        code = e.code
    except Exception as e:
        code = type(e).__name__
    codes[code] = codes.get(code, 0) + 1
    open(out + ".tmp", "w").write(repr(codes) + "\n")
    import os; os.replace(out + ".tmp", out)
PY
L=$!
i=0
while [ ! -s "$T/load.out" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check restore_runs 0 "$CHOUSA" db restore "$T/b.db"
expect restore_says_done "'.*b\.db' restored over '.*/db' and checked$" "$T/err"
expect restore_says_revoked "^chousa: 1 token revoked since the backup stays revoked$" "$T/err"
expect restore_says_gone "^chousa: token 'later' was made after the backup and is revoked \(kept, so that its ID is not given again\): make another \(chousa token create\)$" "$T/err"
NEWER=$("$CHOUSA" -q token create --role read newer)
sleep 0.5
kill $L 2> /dev/null
wait $L 2> /dev/null
L=
python3 - "$T/load.out" <<'PY' > "$T/load.check"
import ast, sys
codes = ast.literal_eval(open(sys.argv[1]).read())
bad = {k: v for k, v in codes.items() if k != 200}
print("ok" if codes.get(200, 0) > 5 and not bad else "codes %r" % codes)
PY
expect requests_answered_during_restore '^ok$' "$T/load.check"
http GET "/api/v1/lookup?indicator=203.0.113.77" "$KEPT"
status_is lookup_after_restore 200
refute case_gone_after_restore '"case9"' "$T/body"
http GET "/api/v1/lookup?indicator=www.dnautik.com" "$KEPT"
expect backup_data_served '"malicious"' "$T/body"
ls "$T" | grep -q 'restore-' && not_ok nothing_left_beside "$(ls "$T")" || ok nothing_left_beside
spend=$(sqlite3 "$CHOUSA_DB" "SELECT group_concat(source || '=' || used, ' ') FROM (SELECT * FROM quota ORDER BY source); SELECT online FROM token_usage WHERE name = 'kept'" | tr '\n' ' ')
[ "$spend" = "abuseipdb=5 otx=50 virustotal=400 7 " ] && ok spend_keeps_the_higher_count ||
	not_ok spend_keeps_the_higher_count "$spend"
noted=$(sqlite3 "$CHOUSA_DB" "SELECT group_concat(file, ' ') FROM (SELECT replace(file, rtrim(file, replace(file, '/', '')), '') AS file FROM backups ORDER BY id)")
[ "$noted" = "b.db b-later.db" ] && ok backups_noted_are_the_stores || not_ok backups_noted_are_the_stores "$noted"
sessions=$(sqlite3 "$CHOUSA_DB" "SELECT group_concat(id_hash, ' ') FROM sessions")
[ "$sessions" = "in-since" ] && ok sessions_are_the_stores || not_ok sessions_are_the_stores "'$sessions'"

# ---- 2. tokens ----
http GET /api/v1/version "$LEAKED"
status_is revoked_stays_revoked 401
http GET /api/v1/version "$LATER"
status_is made_later_gone 401
http GET /api/v1/version "$KEPT"
status_is kept_token_works 200
http GET /api/v1/version "$NEWER"
status_is made_after_restore_works 200
# The server writes the uses it holds as it stops.
serve_stop
"$CHOUSA" token list --json > "$T/tokens.json"
python3 - "$T/tokens.json" "$T/audit.log" "$LATER_ID" <<'PY' > "$T/ids.check"
import json, sys
tokens = {t["name"]: t for t in json.load(open(sys.argv[1]))["tokens"]}
later, newer = tokens["later"], tokens["newer"]
bad = []
if later["id"] != int(sys.argv[3]):
    bad.append("later's id %s, was %s" % (later["id"], sys.argv[3]))
if not later["revoked"]:
    bad.append("later not revoked")
if later["last_used_at"] is None:
    bad.append("later's use lost")
if newer["id"] <= max(t["id"] for n, t in tokens.items() if n != "newer"):
    bad.append("newer's id %s given again" % newer["id"])
by_id = {t["id"]: n for n, t in tokens.items()}
for line in open(sys.argv[2]):
    a = json.loads(line)
    if a.get("token_id") is not None and by_id.get(a["token_id"]) != a.get("who"):
        bad.append("audit: %s as token_id %s, now %s's" % (a.get("who"), a["token_id"], by_id.get(a["token_id"])))
print("; ".join(sorted(set(bad))) or "ok")
PY
expect ids_never_given_again '^ok$' "$T/ids.check"

# ---- 3. what is refused ----
sqlite3 "$T/v1.db" < "$TESTS/data/store-v1.sql"
check old_schema_restored 0 "$CHOUSA" db restore "$T/v1.db"
expect old_schema_said_migrated "restored over .* and checked \(its schema migrated\)$" "$T/err"
[ "$(sqlite3 "$T/db" 'PRAGMA user_version')" = 11 ] && ok old_schema_now_current ||
	not_ok old_schema_now_current "schema $(sqlite3 "$T/db" 'PRAGMA user_version')"
check old_schema_answers 1 "$CHOUSA" lookup 176.65.139.212
"$CHOUSA" -q db backup "$T/good.db"
sum() { sqlite3 "$T/db" "SELECT count(*) FROM indicators; SELECT group_concat(name) FROM tokens"; }
before=$(sum)
cp "$T/good.db" "$T/newer.db"
sqlite3 "$T/newer.db" 'PRAGMA user_version = 99'
check newer_refused 3 "$CHOUSA" db restore "$T/newer.db"
expect newer_says_why "is not a backup this chousa can restore: it is from a newer chousa \(schema 99, this build reads up to 11\)" "$T/err"
python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("CREATE TABLE t(x)")' "$T/foreign.db"
check foreign_refused 3 "$CHOUSA" db restore "$T/foreign.db"
expect foreign_says_why "'.*foreign\.db' is not a chousa store \(a backup made by chousa db backup\)" "$T/err"
check text_refused 3 "$CHOUSA" db restore "$TESTS/data/store-v1.sql"
expect text_says_why "is not a chousa store" "$T/err"
# Damaged: a page in the middle overwritten.
cp "$T/good.db" "$T/damaged.db"
pages=$(sqlite3 "$T/good.db" 'PRAGMA page_count')
dd if=/dev/urandom of="$T/damaged.db" bs=4096 seek=$((pages / 2)) count=2 conv=notrunc 2> /dev/null
check damaged_refused 3 "$CHOUSA" db restore "$T/damaged.db"
expect damaged_says_why "damaged|malformed|not a" "$T/err"
check missing_refused 3 "$CHOUSA" db restore "$T/nosuch.db"
expect missing_says_why "cannot read '.*nosuch\.db': No such file" "$T/err"
[ "$(sum)" = "$before" ] && ok refusals_leave_the_store || not_ok refusals_leave_the_store "$before -> $(sum)"
ls "$T" | grep -q 'restore-' && not_ok refusals_leave_nothing "$(ls "$T")" || ok refusals_leave_nothing

# ---- 4. usage ----
check restore_needs_file 2 "$CHOUSA" db restore
expect restore_usage_says "restore takes one FILE" "$T/err"
