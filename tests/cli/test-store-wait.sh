# test-store-wait.sh: the store's rough edges (issue 16, item 7).
#  - A store another chousa writes to: --wait SECONDS waits for it, and
#    past that the status is 6 (busy), never 3 (bad input).
#  - Ctrl-C during an import: "interrupted: the store is unchanged", status
#    130, and the store is indeed as it was (counts and integrity).
#  - db stats names each failed import, its file and why it failed.
. "$TESTS/cli/lib.sh"

if ! command -v sqlite3 > /dev/null 2>&1; then
	echo "ok - store_wait # SKIP the sqlite3 shell is not installed"
	exit 0
fi
DB="$T/store.db"
FEODO="$SAMPLES/abusech/feodo/ipblocklist_2021-12-20.csv"
URLHAUS="$SAMPLES/abusech/urlhaus/csv_online_2026-08-18_head21lines.csv"
"$CHOUSA" --db "$DB" -q import urlhaus "$URLHAUS" > /dev/null 2>&1
counts() {
	sqlite3 "$1" 'SELECT (SELECT count(*) FROM indicators),
	    (SELECT count(*) FROM imports), (SELECT count(*) FROM relations)' \
	    2>&1
}

# hold SECONDS: another writer holds the store's write lock that long.
hold() {
	rm -f "$T/ready"
	python3 - "$DB" "$T/ready" "$1" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
c.execute("INSERT INTO source_state VALUES ('held', NULL, 0)")
open(sys.argv[2], "w").close()
time.sleep(float(sys.argv[3]))
c.execute("ROLLBACK")
PY
	HOLDER=$!
	n=0
	while [ ! -f "$T/ready" ] && [ $n -lt 1000 ]; do sleep 0.01; n=$((n + 1)); done
}

# ---- busy: its own status, and --wait ----
hold 20
check busy_import_is_6 6 "$CHOUSA" --db "$DB" --wait 1 import feodo "$FEODO"
expect busy_says_what "held by another chousa .*for more than 1 s" "$T/err"
expect busy_names_wait "--wait SECONDS" "$T/err"
check busy_wait_on_the_command 6 "$CHOUSA" --db "$DB" import --wait 0 feodo \
    "$FEODO"
check busy_wait_bad_value 2 "$CHOUSA" --db "$DB" --wait soon import feodo \
    "$FEODO"
kill "$HOLDER" 2> /dev/null
wait "$HOLDER" 2> /dev/null
hold 2
check wait_outlasts_the_writer 0 "$CHOUSA" --db "$DB" --wait 30 import feodo \
    "$FEODO"
wait "$HOLDER" 2> /dev/null
expect waited_import_done "read 750" "$T/err"

# ---- Ctrl-C during an import ----
python3 - "$T/big.csv" 200000 <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n")
    for i in range(int(sys.argv[2])):
        f.write('"%d","2026-08-18 16:17:08","http://h%d.int-test.com/p/%d.exe",'
            '"online","2026-08-18 16:17:08","malware_download","elf",'
            '"https://urlhaus.abuse.ch/url/%d/","tester"\n' % (i + 1, i % 4000, i, i + 1))
EOF
before=$(counts "$DB")
"$CHOUSA" --db "$DB" import urlhaus "$T/big.csv" > "$T/out" 2> "$T/err" &
pid=$!
# Once a fifth of the file is read: in the middle of the import however
# fast the build is (nothing commits before the whole file is read).
size=$(stat -c %s "$T/big.csv")
n=0
while [ $n -lt 2000 ]; do
	r=$(awk '/^rchar/ {print $2}' "/proc/$pid/io" 2> /dev/null)
	[ -z "$r" ] && break
	[ "$r" -gt $((size / 5)) ] && break
	sleep 0.01
	n=$((n + 1))
done
kill -INT "$pid" 2> /dev/null
wait "$pid"
st=$?
if [ "$st" -eq 130 ]; then ok interrupt_exits_130; else
	not_ok interrupt_exits_130 "exit $st: $(head -c 300 "$T/err")"; fi
expect interrupt_says_unchanged "^chousa: interrupted: the store is unchanged$" "$T/err"
after=$(counts "$DB")
if [ "$before" = "$after" ]; then ok interrupt_store_is_unchanged; else
	not_ok interrupt_store_is_unchanged "before $before, after $after"; fi
check interrupt_store_intact 0 "$CHOUSA" --db "$DB" db check
check interrupt_store_still_writable 0 "$CHOUSA" --db "$DB" -q import urlhaus \
    "$URLHAUS"

# ---- db stats: which import failed, and why ----
{
	head -n 12 "$URLHAUS"
	echo '"999","2026-08-18 16:17:08","","online","","malware_download","","",""'
} > "$T/badrow.csv"
check strict_import_fails 3 "$CHOUSA" --db "$DB" import --strict urlhaus \
    "$T/badrow.csv"
reason=$(sed -n 's/^chousa: //p' "$T/err" | head -n 1)
check stats_after_failure 0 "$CHOUSA" --db "$DB" db stats
expect stats_lists_failures "^failed imports \(1 recorded" "$T/out"
expect stats_names_failed_file "^  urlhaus  .*badrow.csv: " "$T/out"
if grep -qF -- "$reason" "$T/out"; then ok stats_gives_the_reason; else
	not_ok stats_gives_the_reason "'$reason' not in: $(grep badrow "$T/out")"; fi
check stats_json_after_failure 0 "$CHOUSA" --db "$DB" db stats --json
python3 - "$T/out" <<'PY' > "$T/f"
import json, sys
for f in json.load(open(sys.argv[1]))["failures"]:
    print(f["source"], f["file"].rsplit("/", 1)[-1], bool(f["message"]),
          f["imported_fine_since"])
PY
expect stats_json_failures "^urlhaus badrow.csv True False$" "$T/f"
"$CHOUSA" --db "$DB" -q import urlhaus "$URLHAUS" > /dev/null 2>&1
"$CHOUSA" --db "$DB" db stats > "$T/out" 2>&1
expect stats_failure_marked_fixed "badrow.csv: .*\[imported fine since\]" "$T/out"
