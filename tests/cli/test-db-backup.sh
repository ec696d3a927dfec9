#!/bin/sh
# test-db-backup.sh: chousa db backup FILE (src/store/store_backup.c).
#  1. The copy answers as the store does (a look-up, the tokens), passes
#     SQLite's integrity check, stands alone (no -wal), and only its owner
#     may read it.
#  2. An existing FILE is never overwritten (exit 2), a FILE in a missing
#     directory fails with why (exit 3), and neither leaves a partial file.
#  3. Made while a writer commits without pause and a team server serves:
#     the copy is one commit's store (an invariant the writer keeps holds
#     in it), the writer and the server are not held up.
#  Each backup, good or failed, is noted in the store: db stats (text and
#     JSON) and serve --check say the last good one and a failure since.
#  Into a directory: named for the time; --keep N deletes the oldest so
#     named, and nothing else.
# Timed under load of its own: tests/run.sh runs it with nothing beside it.
# run.sh: alone
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop; [ -n "${W:-}" ] && kill $W 2> /dev/null' EXIT INT TERM

serve_store ''
TOKEN=$("$CHOUSA" -q token create --role read backup-check)

# ---- 1. the copy ----
check backup_made 0 "$CHOUSA" db backup "$T/b1.db"
expect backup_says_checked "written to '.*b1.db' and checked" "$T/err"
[ "$(stat -c %a "$T/b1.db")" = 600 ] && ok backup_owner_only ||
	not_ok backup_owner_only "mode $(stat -c %a "$T/b1.db")"
[ ! -e "$T/b1.db-wal" ] && ok backup_stands_alone || not_ok backup_stands_alone "a -wal beside it"
[ "$(sqlite3 "$T/b1.db" 'PRAGMA integrity_check')" = ok ] && ok backup_integrity ||
	not_ok backup_integrity "$(sqlite3 "$T/b1.db" 'PRAGMA integrity_check' | head -3)"
"$CHOUSA" lookup --json www.dnautik.com > "$T/orig.json" 2>&1
"$CHOUSA" --db "$T/b1.db" lookup --json www.dnautik.com > "$T/copy.json" 2>&1
cmp -s "$T/orig.json" "$T/copy.json" && grep -q malicious "$T/copy.json" &&
	ok backup_answers_the_same || not_ok backup_answers_the_same "$(diff "$T/orig.json" "$T/copy.json" | head -5)"
"$CHOUSA" --db "$T/b1.db" token list > "$T/tokens" 2>&1
expect backup_has_tokens "^[0-9]+ +backup-check +read" "$T/tokens"

# ---- 2. refusals ----
before=$(md5sum < "$T/b1.db")
check existing_file_refused 2 "$CHOUSA" db backup "$T/b1.db"
expect existing_file_says_why "exists: a backup never overwrites a file" "$T/err"
[ "$(md5sum < "$T/b1.db")" = "$before" ] && ok existing_file_untouched ||
	not_ok existing_file_untouched "changed"
check missing_dir_refused 3 "$CHOUSA" db backup "$T/no/such/dir/b.db"
expect missing_dir_says_why "cannot create '.*no/such/dir/b.db.partial-[0-9]+': No such file" "$T/err"
ls "$T" | grep -q partial && not_ok no_partial_left "$(ls "$T")" || ok no_partial_left

# ---- noted in the store: db stats, serve --check ----
check stats_after_failure 0 "$CHOUSA" db stats
expect stats_last_failed "^  failed  .* /.*no/such/dir/b\.db: cannot create" "$T/out"
expect stats_last_good "^  good    .* [0-9.]+ MB in [0-9.]+ s  /.*/b1\.db$" "$T/out"
check check_says_backups 0 "$CHOUSA" serve --check
expect check_backup_failed "^warning +backup +the last one failed, at .*Z: cannot create" "$T/out"
expect check_backup_good "^ok +backup +the last good one .*Z, 0 h ago \([0-9.]+ MB\): /.*/b1\.db$" "$T/out"

# A failure with a relative FILE is noted by its absolute path.
(cd "$T" && "$CHOUSA" -q db backup b1.db 2> /dev/null)
check stats_failed_absolute 0 "$CHOUSA" db stats
expect stats_failed_absolute_path "^  failed  .* $T/b1\.db: '" "$T/out"

# ---- into a directory, the oldest deleted ----
mkdir -p "$T/dir"
for d in 20200101T000000Z 20200102T000000Z 20200103T000000Z; do
	: > "$T/dir/chousa-$d.db"
done
: > "$T/dir/chousa-notes.db"
: > "$T/dir/other.db"
check backup_into_dir 0 "$CHOUSA" db backup --keep 2 "$T/dir"
ls "$T/dir" > "$T/dir.ls"
new=$(grep -E '^chousa-2[0-9]{7}T[0-9]{6}Z\.db$' "$T/dir.ls" | grep -v '^chousa-2020')
[ -n "$new" ] && [ "$(sqlite3 "$T/dir/$new" 'PRAGMA integrity_check')" = ok ] &&
	ok dir_backup_named_for_its_time || not_ok dir_backup_named_for_its_time "$(cat "$T/dir.ls")"
[ "$(tr '\n' ' ' < "$T/dir.ls")" = "chousa-20200103T000000Z.db $new chousa-notes.db other.db " ] &&
	ok keep_deletes_only_the_oldest_backups || not_ok keep_deletes_only_the_oldest_backups "$(tr '\n' ' ' < "$T/dir.ls")"
expect keep_says_deleted "deleted the old backup '.*chousa-20200101T000000Z\.db' \(keeping 2\)" "$T/err"
"$CHOUSA" db stats --json > "$T/stats.json"
python3 - "$T/stats.json" "$new" <<'PY' > "$T/stats.check"
import json, sys
d = json.load(open(sys.argv[1]))
last, good = d["last_backup"], d["last_good_backup"]
print("ok" if last == good and last["ok"] and last["file"].endswith("/dir/" + sys.argv[2])
      and last["bytes"] > 0 and last["message"] is None else json.dumps(d)[-400:])
PY
expect stats_json_last_backup '^ok$' "$T/stats.check"
check keep_needs_a_dir 2 "$CHOUSA" db backup --keep 2 "$T/b1.db"
expect keep_needs_a_dir_says "--keep is for a backup into a directory: '.*b1\.db' is not one" "$T/err"
check keep_only_for_backup 2 "$CHOUSA" db stats --keep 2

# The timer's command into a directory that does not exist: a failed
# backup, noted with why (ChousaBackupFailed), the directory not made.
check missing_backup_dir_fails 3 "$CHOUSA" db backup --keep 14 "$T/nodir/backups"
expect missing_backup_dir_says "^chousa: the directory '.*/nodir/backups' does not exist: make it, for the user who runs the backups only \(install -d -m 700 '.*/nodir/backups'\)$" "$T/err"
refute missing_backup_dir_no_usage "usage:" "$T/err"
[ ! -e "$T/nodir" ] && ok missing_backup_dir_not_made || not_ok missing_backup_dir_not_made "made"
"$CHOUSA" db stats --json > "$T/stats.json"
python3 - "$T/stats.json" "$T/nodir/backups" <<'PY' > "$T/stats.check"
import json, sys
last = json.load(open(sys.argv[1]))["last_backup"]
print("ok" if last["ok"] is False and last["file"] == sys.argv[2]
      and "does not exist" in last["message"] else json.dumps(last))
PY
expect missing_backup_dir_noted '^ok$' "$T/stats.check"
check missing_dir_slash_fails 3 "$CHOUSA" db backup "$T/nodir/"
expect missing_dir_slash_says "the directory '.*/nodir/' does not exist" "$T/err"

# Two in the same second: the second named -1, none overwritten; --keep
# orders them by time, then number (chousa-...Z-2.db is newer than
# chousa-...Z.db, though it sorts before it).
mkdir "$T/same"
now=$(date +%s)
for i in 0 1 2 3 4 5; do
	: > "$T/same/chousa-$(date -u -d @$((now + i)) +%Y%m%dT%H%M%SZ).db"
done
check same_second_named_apart 0 "$CHOUSA" db backup "$T/same"
expect same_second_says_which "written to '.*/same/chousa-[0-9]{8}T[0-9]{6}Z-1\.db' and checked" "$T/err"
rm -f "$T/same/"*
"$CHOUSA" -q db backup "$T/same" & p1=$!
"$CHOUSA" -q db backup "$T/same" & p2=$!
"$CHOUSA" -q db backup "$T/same" & p3=$!
wait $p1 && wait $p2 && wait $p3 && ok same_second_all_written || not_ok same_second_all_written "a backup failed"
good=0
for f in "$T/same/"chousa-*.db; do
	[ "$(sqlite3 "$f" 'PRAGMA quick_check')" = ok ] && good=$((good + 1))
done
[ "$good" = 3 ] && ok same_second_three_backups || not_ok same_second_three_backups "$(ls "$T/same" | tr '\n' ' ')"
rm -f "$T/same/"*
for n in 20200101T000000Z 20200101T000000Z-1 20200101T000000Z-2 20200101T000001Z 20200101T000000Z-x; do
	: > "$T/same/chousa-$n.db"
done
check keep_by_time_then_number 0 "$CHOUSA" -q db backup --keep 3 "$T/same"
ls "$T/same" | grep -v '^chousa-2020' > "$T/new.ls"
[ "$(ls "$T/same" | grep '^chousa-2020' | tr '\n' ' ')" = "chousa-20200101T000000Z-2.db chousa-20200101T000000Z-x.db chousa-20200101T000001Z.db " ] &&
	[ "$(wc -l < "$T/new.ls")" = 1 ] && ok keep_orders_same_second ||
	not_ok keep_orders_same_second "$(ls "$T/same" | tr '\n' ' ')"

# ---- 3. under writes, with a server ----
# 40 MB of rows first, so the copy takes many steps.
sqlite3 "$T/db" "CREATE TABLE pad(b BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) INSERT INTO pad SELECT randomblob(4000) FROM n; CREATE TABLE ledger(side TEXT, n INTEGER);"
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
# The writer: each transaction adds one row to each side; they stay equal.
python3 - "$T/db" "$T/writer.out" <<'PY' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
n, longest, end = 0, 0.0, time.time() + 60
while time.time() < end:
    t = time.time()
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO ledger VALUES ('a', ?)", (n,))
    db.execute("INSERT INTO ledger VALUES ('b', ?)", (n,))
    db.execute("COMMIT")
    longest = max(longest, time.time() - t)
    n += 1
    # Whole or not at all: a kill between a truncate and a write, or a
    # read between them, must not see an empty file.
    open(sys.argv[2] + ".tmp", "w").write("commits %d longest %.3f\n" % (n, longest))
    os.replace(sys.argv[2] + ".tmp", sys.argv[2])
PY
W=$!
i=0	# until it has committed some
while ! grep -q '^commits [1-9][0-9]' "$T/writer.out" 2> /dev/null && [ $i -lt 200 ]; do
	sleep 0.1
	i=$((i + 1))
done
check backup_under_writes 0 "$CHOUSA" db backup "$T/b2.db"
http GET "/api/v1/lookup?indicator=www.dnautik.com" "$TOKEN"
status_is server_serves_during_backup 200
sleep 0.3
kill $W 2> /dev/null
wait $W 2> /dev/null
W=
a=$(sqlite3 "$T/b2.db" "SELECT count(*) FROM ledger WHERE side = 'a'")
b=$(sqlite3 "$T/b2.db" "SELECT count(*) FROM ledger WHERE side = 'b'")
[ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" -gt 0 ] && ok "backup_is_one_commit ($a pairs)" ||
	not_ok backup_is_one_commit "a=$a b=$b"
total=$(sed -n 's/^commits \([0-9]*\).*/\1/p' "$T/writer.out")
[ -n "$total" ] && [ "$total" -gt "$a" ] && ok "writer_went_on_during_backup ($total commits)" ||
	not_ok writer_went_on_during_backup "$(cat "$T/writer.out") against $a in the copy"
longest=$(sed -n 's/.*longest \([0-9.]*\).*/\1/p' "$T/writer.out")
awk -v l="$longest" 'BEGIN { exit !(l < 2) }' && ok "writer_not_held ($longest s)" ||
	not_ok writer_not_held "a commit took $longest s"
[ "$(sqlite3 "$T/b2.db" 'PRAGMA integrity_check')" = ok ] && ok backup_under_writes_integrity ||
	not_ok backup_under_writes_integrity "damaged"
