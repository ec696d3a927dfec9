# test-robust-kill.sh: crash safety of the store (issue 7, part 3).
#  - SIGKILL at 20 random points of a large URLhaus import: afterwards the
#    store passes PRAGMA integrity_check and holds exactly the earlier data
#    (the same indicator and import counts), or, when the import had
#    finished, exactly the earlier data plus the file.
#  - A full disk (a 2 MB tmpfs holds the store): the import fails with one
#    clear line, and the earlier data survives intact.
# The kill points are fractions of a measured full import, so the test
# lands inside the import on fast and slow (sanitizer) builds alike; the
# seed is printed so a failure can be replayed (KILL_SEED=N).
. "$TESTS/cli/lib.sh"

ROWS=${KILL_ROWS:-25000}
# A sanitizer build imports about ten times slower: a smaller file still
# gives an import of a few seconds to kill.
if ldd "$CHOUSA" 2> /dev/null | grep -q asan; then
	ROWS=${KILL_ROWS:-3000}
fi
KILLS=${KILLS:-20}
SEED=${KILL_SEED:-$$}
echo "# kill seed $SEED, $ROWS rows, $KILLS kills"

if ! command -v sqlite3 > /dev/null 2>&1; then
	echo "ok - kill_import # SKIP the sqlite3 shell is not installed"
	exit 0
fi

# A large feed in the URLhaus CSV dump layout.
python3 - "$T/big.csv" "$ROWS" <<'EOF'
import sys
n = int(sys.argv[2])
with open(sys.argv[1], "w") as f:
    f.write("# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n")
    for i in range(n):
        f.write('"%d","2026-08-18 16:17:08","http://h%d.kill-test.com/p/%d.exe",'
            '"online","2026-08-18 16:17:08","malware_download","elf,mirai",'
            '"https://urlhaus.abuse.ch/url/%d/","tester"\n' % (i + 1, i % 4000, i, i + 1))
EOF

# counts DB: "indicators imports" as the store's own tables say.
counts() {
	sqlite3 "$1" 'SELECT (SELECT count(*) FROM indicators), (SELECT count(*) FROM imports)' 2>&1
}
integrity() {
	sqlite3 "$1" 'PRAGMA integrity_check' 2>&1
}

# The earlier data: the real URLhaus sample.
base="$T/base.db"
"$CHOUSA" --db "$base" -q import urlhaus \
    "$SAMPLES/abusech/urlhaus/csv_online_2026-08-18_head21lines.csv" \
    > "$T/out" 2> "$T/err"
# Leave one plain file: no -wal or -shm beside the copy.
sqlite3 "$base" 'PRAGMA wal_checkpoint(TRUNCATE)' > /dev/null 2>&1
before=$(counts "$base")
case $before in
"0|"*|*Error*|"")
	not_ok kill_base_store "the sample did not import: $before $(head -c 200 "$T/err")"
	exit 0 ;;
esac
ok kill_base_store

# A full import, for its time and its result.
cp "$base" "$T/full.db"
start=$(date +%s.%N)
"$CHOUSA" --db "$T/full.db" -q import urlhaus "$T/big.csv" > "$T/out" 2> "$T/err"
st=$?
end=$(date +%s.%N)
after=$(counts "$T/full.db")
if [ "$st" -eq 0 ] && [ "$after" != "$before" ]; then
	ok kill_full_import_runs
else
	not_ok kill_full_import_runs "exit $st, counts $before -> $after"
	exit 0
fi

# The kill points, as seconds, spread over the import.
points=$(python3 - "$SEED" "$KILLS" "$start" "$end" <<'EOF'
import random, sys
r = random.Random(int(sys.argv[1]))
span = float(sys.argv[4]) - float(sys.argv[3])
print(" ".join("%.3f" % (span * r.uniform(0.02, 0.98)) for _ in range(int(sys.argv[2]))))
EOF
)

mid=0 finished=0 bad=0
for delay in $points; do
	cp "$base" "$T/k.db"
	rm -f "$T/k.db-wal" "$T/k.db-shm" "$T/k.db-journal"
	"$CHOUSA" --db "$T/k.db" -q import urlhaus "$T/big.csv" \
	    > /dev/null 2> "$T/kill.err" &
	pid=$!
	sleep "$delay"
	kill -KILL "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	st=$?
	check_ok=$(integrity "$T/k.db")
	now=$(counts "$T/k.db")
	if [ "$check_ok" != "ok" ]; then
		not_ok "kill_at_${delay}s_integrity" "$check_ok"
		bad=$((bad + 1))
	elif [ "$st" -eq 137 ] && [ "$now" = "$before" ]; then
		mid=$((mid + 1))
	elif [ "$now" = "$after" ]; then
		# Committed before the kill (maybe killed while closing).
		finished=$((finished + 1))
	else
		not_ok "kill_at_${delay}s_holds_earlier_data" \
		    "exit $st: counts $now, before $before, after $after"
		bad=$((bad + 1))
	fi
done
if [ "$bad" -eq 0 ]; then
	ok "kill_import_${KILLS}_points_store_intact ($mid killed mid-import, $finished finished)"
fi
# Also the reader's view: chousa's own check and a look-up after a kill.
check kill_store_db_check 0 "$CHOUSA" --db "$T/k.db" db check
check kill_store_still_answers 1 "$CHOUSA" --db "$T/k.db" lookup \
    "http://176.65.139.212/eclipse.sh4"

# ---- a full disk ----

mnt="$T/full"
if small_disk "$mnt" 2m full_disk_import_fails_cleanly; then
trap 'umount "$mnt" 2> /dev/null' EXIT INT TERM
cp "$base" "$mnt/s.db"
# 30,000 rows need far more than 2 MB, whatever ROWS is.
head -n 1 "$T/big.csv" > "$T/fill.csv"
python3 - "$T/fill.csv" <<'EOF2'
import sys
with open(sys.argv[1], "a") as f:
    for i in range(30000):
        f.write('"%d","2026-08-18 16:17:08","http://f%d.disk-fill.com/%d.exe","online",'
            '"2026-08-18 16:17:08","malware_download","elf","https://urlhaus.abuse.ch/url/%d/","t"\n'
            % (700000 + i, i, i, 700000 + i))
EOF2
"$CHOUSA" --db "$mnt/s.db" -q import urlhaus "$T/fill.csv" > "$T/out" 2> "$T/err"
st=$?
lines=$(wc -l < "$T/err")
if [ "$st" -ne 0 ] && [ "$st" -lt 128 ]; then
	ok full_disk_import_fails
else
	not_ok full_disk_import_fails "exit $st"
fi
if [ "$lines" -eq 1 ] && grep -q '^chousa: ' "$T/err"; then
	ok full_disk_error_is_one_line
else
	not_ok full_disk_error_is_one_line "$lines lines: $(head -c 300 "$T/err")"
fi
expect full_disk_error_says_why "full|space|No space" "$T/err"
# The indicators are the earlier ones; a failed run may leave its row in
# the import log, which is what that log is for.
now=$(counts "$mnt/s.db")
check_ok=$(integrity "$mnt/s.db")
if [ "$check_ok" = ok ] && [ "${now%|*}" = "${before%|*}" ]; then
	ok full_disk_keeps_earlier_data
else
	not_ok full_disk_keeps_earlier_data "integrity '$check_ok', counts $now, want $before"
fi
umount "$mnt"
trap - EXIT INT TERM
fi

# ---- chousa update, killed while it downloads or imports ----

if ! "$CHOUSA" update --help > /dev/null 2>&1; then
	echo "ok - kill_update # SKIP no update command"
	exit 0
fi
mkdir -p "$T/srv"
cp "$T/big.csv" "$T/srv/csv.txt"
cat > "$T/srv.py" <<'PY'
import functools, http.server, sys
# Slow enough that a kill can land inside the download too.
class H(http.server.SimpleHTTPRequestHandler):
    def copyfile(self, src, dst):
        try:
            while True:
                b = src.read(256 << 10)
                if not b:
                    break
                dst.write(b)
        except OSError:
            pass    # the client was killed
    def log_message(self, *a):
        pass
h = functools.partial(H, directory=sys.argv[1])
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
s.handle_error = lambda *a: None
print(s.server_address[1], flush=True)
s.serve_forever()
PY
python3 "$T/srv.py" "$T/srv" > "$T/port" &
spid=$!
i=0
while [ ! -s "$T/port" ] && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
export CHOUSA_FEEDS_URLHAUS_URL="http://127.0.0.1:$(head -n 1 "$T/port")/csv.txt"
cp "$base" "$T/u.db"
start=$(date +%s.%N)
"$CHOUSA" --db "$T/u.db" -q update urlhaus > /dev/null 2> "$T/err"
st=$?
end=$(date +%s.%N)
uafter=$(counts "$T/u.db")
if [ "$st" -eq 0 ] && [ "${uafter%|*}" = "${after%|*}" ]; then
	ok kill_update_full_run
	points=$(python3 - "$SEED" 6 "$start" "$end" <<'PY'
import random, sys
r = random.Random(int(sys.argv[1]) + 1)
span = float(sys.argv[4]) - float(sys.argv[3])
print(" ".join("%.3f" % (span * r.uniform(0.02, 0.98)) for _ in range(int(sys.argv[2]))))
PY
)
	bad=0 mid=0
	for delay in $points; do
		cp "$base" "$T/u.db"
		rm -rf "$T/u.db-wal" "$T/u.db-shm" "$T/feeds"
		"$CHOUSA" --db "$T/u.db" -q update urlhaus > /dev/null 2>&1 &
		pid=$!
		sleep "$delay"
		kill -KILL "$pid" 2> /dev/null
		wait "$pid" 2> /dev/null
		ck=$(integrity "$T/u.db")
		now=$(counts "$T/u.db")
		if [ "$ck" != ok ]; then
			not_ok "kill_update_at_${delay}s_integrity" "$ck"
			bad=$((bad + 1))
		elif [ "${now%|*}" = "${before%|*}" ]; then
			mid=$((mid + 1))
		elif [ "${now%|*}" != "${uafter%|*}" ]; then
			not_ok "kill_update_at_${delay}s_holds_earlier_data" \
			    "indicators ${now%|*}, before ${before%|*}, after ${uafter%|*}"
			bad=$((bad + 1))
		fi
	done
	[ "$bad" -eq 0 ] && ok "kill_update_6_points_store_intact ($mid killed before commit)"
else
	not_ok kill_update_full_run "exit $st, counts $uafter: $(head -c 200 "$T/err")"
fi
kill "$spid" 2> /dev/null
wait "$spid" 2> /dev/null
exit 0
