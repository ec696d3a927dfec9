# test-update.sh: `chousa update` against a feed server on 127.0.0.1 that
# serves the real samples: the Auth-Key is sent, a second run is answered
# 304 and imports nothing, a failing feed keeps the previous data.
. "$TESTS/cli/lib.sh"

A=$SAMPLES/abusech
F=$TESTS/data/feeds
export CHOUSA_DB="$T/data/store.db"
mkdir -p "$T/www" "$T/data"
cp "$A"/feodo/ipblocklist_2021-12-20.csv "$T/www/feodo.csv"
cp "$A"/urlhaus/csv_online_*.csv "$T/www/urlhaus.csv"
cp "$F/malpedia.json" "$T/www/malpedia.json"

cat > "$T/server.py" <<'PY'
import hashlib, http.server, os, sys
root, log = sys.argv[1], sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def do_GET(self):
        with open(log, "a") as f:
            f.write("%s auth=%s inm=%s\n" % (self.path,
                    self.headers.get("Auth-Key"),
                    self.headers.get("If-None-Match")))
        p = os.path.join(root, self.path.lstrip("/"))
        if self.path == "/broken" or not os.path.isfile(p):
            self.send_response(500 if self.path == "/broken" else 404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = open(p, "rb").read()
        tag = '"%s"' % hashlib.md5(body).hexdigest()
        if self.headers.get("If-None-Match") == tag:
            self.send_response(304)
            self.send_header("ETag", tag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", tag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
python3 "$T/server.py" "$T/www" "$T/requests.log" > "$T/port" &
server=$!
trap 'kill $server 2>/dev/null' EXIT
i=0
while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$T/port")
base="http://127.0.0.1:$port"
mkdir -p "$T/config"
cat > "$T/config/config" <<EOF2
[feeds]
urlhaus_url = $base/urlhaus.csv
feodo_url = $base/feodo.csv
malpedia_url = $base/malpedia.json
threatfox_url = $base/broken
malwarebazaar_url = $base/missing.csv
[abusech]
auth_key = test-key-not-real
EOF2
chmod 600 "$T/config/config"
export CHOUSA_CONFIG="$T/config/config"

check update_named_feeds 0 "$CHOUSA" update malpedia feodo urlhaus
expect update_feodo_summary "^feodo: updated \(csv\): read 750, added 728" "$T/err"
expect update_urlhaus_summary "^urlhaus: updated \(csv\): read 12, added 12" "$T/err"
expect auth_key_sent "^/feodo.csv auth=test-key-not-real" "$T/requests.log"
expect auth_key_not_sent_to_malpedia "^/malpedia.json auth=None" "$T/requests.log"
check lookup_after_update 1 "$CHOUSA" lookup 59.6.7.83
expect updated_family_mapped "QakBot|win\.qakbot" "$T/out"
check update_again 0 "$CHOUSA" update feodo
expect second_run_conditional "^/feodo.csv auth=test-key-not-real inm=\"" "$T/requests.log"
expect second_run_not_modified "^feodo: not modified" "$T/err"
before=$(sqlite3 "$CHOUSA_DB" "SELECT count(*) FROM indicators")
# Offline, every feed fails alike: one line says what helps.  Not when
# one feed came through.
closed=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
for f in urlhaus threatfox feodo malwarebazaar malpedia warninglist; do
	echo "${f}_url = http://127.0.0.1:$closed/$f"
done | sed '1i [feeds]' > "$T/config/offline"
CHOUSA_CONFIG="$T/config/offline" check offline_update_exit_4 4 "$CHOUSA" update
expect offline_update_says_what_helps "^chousa: no feed could be downloaded: check the network and HTTPS_PROXY, name mirrors in \[feeds\]" "$T/err"
check one_feed_through_no_hint 4 "$CHOUSA" update feodo threatfox
refute one_feed_through_no_hint_said "no feed could be downloaded" "$T/err"
check failed_download_exit_4 4 "$CHOUSA" update threatfox malwarebazaar
expect failed_download_says_kept "threatfox: .*previous data kept" "$T/err"
refute failed_download_no_key_in_message "test-key-not-real" "$T/err"
[ "$(sqlite3 "$CHOUSA_DB" "SELECT count(*) FROM indicators")" = "$before" ] &&
	ok failed_download_keeps_data || not_ok failed_download_keeps_data "count changed"
# db stats lists a failed download with the failed imports (a cron's
# update that never reached a feed), naming the file, not the URL.
check failed_download_stats 0 "$CHOUSA" db stats
expect failed_download_listed "^  threatfox  .*threatfox[^ ]*: download failed: " "$T/out"
refute failed_download_listed_no_key "test-key-not-real" "$T/out"
check update_unknown_feed 2 "$CHOUSA" update nosuchfeed
printf 'not a feodo file\n' > "$T/www/feodo.csv"
check bad_feed_content_exit_4 4 "$CHOUSA" update feodo
check data_kept_after_bad_content 1 "$CHOUSA" lookup 59.6.7.83
# A damaged download fails as the full disk's store did (a read or write
# failed), yet it is the feed's failure: exit 4, never the store's 3.
gzip -c "$A"/feodo/ipblocklist_2021-12-20.csv | head -c 3000 > "$T/www/feodo.csv"
check truncated_gzip_feed_exit_4 4 "$CHOUSA" update feodo
expect truncated_gzip_feed_said "^chousa: feodo: cannot read .*truncated gzip input \(previous data kept\)" "$T/err"
check data_kept_after_truncated_gzip 1 "$CHOUSA" lookup 59.6.7.83
# A newer feed whose CRC-32 is wrong (a byte flipped on the way) is no
# newer feed: exit 4, the previous rows kept and none of its own in.
gzip -c "$A"/feodo/ipblocklist_2025-06-25.csv > "$T/new.gz"
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[-8] ^= 1; open(sys.argv[2], "wb").write(b)' "$T/new.gz" "$T/www/feodo.csv"
new_only=$(grep -o '^"[^"]*","[0-9.]*"' "$A"/feodo/ipblocklist_2025-06-25.csv | cut -d'"' -f4 |
	while read -r ip; do grep -q "\"$ip\"" "$A"/feodo/ipblocklist_2021-12-20.csv || { echo "$ip"; break; }; done)
[ -n "$new_only" ] && ok crc_feed_has_new_row || not_ok crc_feed_has_new_row "no row only in the newer sample"
check crc_gzip_feed_exit_4 4 "$CHOUSA" update feodo
expect crc_gzip_feed_said "^chousa: feodo: cannot read .*damaged gzip input: CRC mismatch \(previous data kept\)" "$T/err"
check data_kept_after_crc_gzip 1 "$CHOUSA" lookup 59.6.7.83
check crc_gzip_rows_not_in 0 "$CHOUSA" lookup "$new_only"

# ---- feed state that cannot be saved: a full disk ----
# The store on a 1 MB tmpfs (mounted as root, SKIP otherwise).  The second
# update is answered 304, so noting when the feed was checked is its only
# write; the disk is filled but for 32 KiB, which the store's -shm takes,
# and that write fails.  The update must fail with it (exit 3, as a full
# disk is everywhere), or a script never learns that each run downloads
# the feed again.
mnt="$T/full"
small_disk "$mnt" 1m full_disk_state_unsaved || exit 0
trap 'kill $server 2>/dev/null; umount "$mnt" 2>/dev/null' EXIT
check full_disk_first_update 0 "$CHOUSA" --db "$mnt/s.db" update urlhaus
# Checked long ago: the next check's time differs, so it has a page to write.
sqlite3 "$mnt/s.db" "UPDATE feed_state SET checked_at = 1"
dd if=/dev/zero of="$mnt/room" bs=1k count=32 2> /dev/null
dd if=/dev/zero of="$mnt/fill" bs=4k 2> /dev/null
rm "$mnt/room"
check full_disk_state_unsaved_exit_3 3 "$CHOUSA" --db "$mnt/s.db" update urlhaus
expect full_disk_state_unsaved_said "^chousa: urlhaus: cannot save feed state: the disk that holds store .* is full" "$T/err"
[ "$(grep -c '^chousa: ' "$T/err")" = 1 ] && ok full_disk_state_unsaved_one_line ||
	not_ok full_disk_state_unsaved_one_line "$(head -c 300 "$T/err")"

# ---- a full disk during the import of a downloaded feed ----
# The store's write fails, not the feed: exit 3 (the store's status, as
# above), one line that says the disk is full, and the data the store held
# before still answered (the import is one transaction).  The feed is
# gzipped so that its download fits in the room left; its import does not.
rm -f "$mnt/fill"
kept=$(sqlite3 "$mnt/s.db" "SELECT value FROM indicators LIMIT 1")
before=$(sqlite3 "$mnt/s.db" "SELECT count(*) FROM indicators")
python3 - "$T/big.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n')
    for i in range(8000):
        f.write('"%d","2026-01-01 00:00:00","http://full%d.example/payload/%d","online","2026-01-01 00:00:00","malware_download","elf","https://urlhaus.abuse.ch/url/%d/","test"\n' % (i, i, i, i))
PY
gzip -c "$T/big.csv" > "$T/www/urlhaus.csv"
check full_disk_import_exit_3 3 "$CHOUSA" --db "$mnt/s.db" update urlhaus
expect full_disk_import_said "^chousa: urlhaus: .*the disk that holds store '$mnt/s.db' is full: free space on it, then try again \(previous data kept\)" "$T/err"
[ "$(grep -c '^chousa: ' "$T/err")" = 1 ] && ok full_disk_import_one_line ||
	not_ok full_disk_import_one_line "$(head -c 300 "$T/err")"
rm -f "$mnt/feeds/urlhaus.csv"
[ "$(sqlite3 "$mnt/s.db" "SELECT count(*) FROM indicators")" = "$before" ] &&
	ok full_disk_import_keeps_data || not_ok full_disk_import_keeps_data "count changed"
check full_disk_import_old_data_answered 1 "$CHOUSA" --db "$mnt/s.db" lookup "$kept"

# ---- a full disk midway through the warninglists archive ----
# The archive commits list by list: two small lists go in, the big one
# after them does not fit in the 300 KiB left (its download does).  Exit
# 3, and the line must not say "previous data kept" when two lists
# changed: it says how many went in and that the rest kept theirs.
rm -f "$mnt/fill"
wl_archive_big_last "$T/www/wl.tar.gz"
printf '[feeds]\nwarninglist_url = %s/wl.tar.gz\n' "$base" > "$T/config/wl"
dd if=/dev/zero of="$mnt/room" bs=1k count=300 2> /dev/null
dd if=/dev/zero of="$mnt/fill" bs=4k 2> /dev/null
rm "$mnt/room"
CHOUSA_CONFIG="$T/config/wl" check full_disk_lists_exit_3 3 "$CHOUSA" --db "$mnt/s.db" update warninglist
[ "$(sqlite3 "$mnt/s.db" "SELECT count(*) FROM benign WHERE entry LIKE '%wl-full.example.com'")" = 2 ] &&
	ok full_disk_lists_first_two_in ||
	not_ok full_disk_lists_first_two_in "$(sqlite3 "$mnt/s.db" "SELECT count(*) FROM benign WHERE entry LIKE '%wl-full.example.com'") rows, want 2 (the room left no longer fits the test)"
expect full_disk_lists_said "^chousa: warninglist: .*the disk that holds store '$mnt/s.db' is full: free space on it, then try again \(2 lists updated before it; the rest keep their previous data\)$" "$T/err"
refute full_disk_lists_not_kept "previous data kept" "$T/err"
# The same, for a script: the JSON line counts the lists that went in.
CHOUSA_CONFIG="$T/config/wl" check full_disk_lists_json_exit_3 3 "$CHOUSA" --db "$mnt/s.db" --json update warninglist
python3 - "$T/out" <<'PY' && ok full_disk_lists_json_counts || not_ok full_disk_lists_json_counts "$(head -c 300 "$T/out")"
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert o["state"] == "failed" and o["lists"] == 2 and o["exit_status"] == 3, o
assert "full" in o["error"] and o["source"] == "warninglist", o
PY
json_shapes "Bundle of lists import result=$T/out"
check full_disk_lists_import_json_exit_3 3 "$CHOUSA" --db "$mnt/s.db" --json import warninglist "$T/www/wl.tar.gz"
python3 - "$T/out" <<'PY' && ok full_disk_lists_import_json_counts || not_ok full_disk_lists_import_json_counts "$(head -c 300 "$T/out")"
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert o["state"] == "failed" and o["lists"] == 2 and o["exit_status"] == 3, o
PY
expect full_disk_lists_import_said "\(2 lists imported before it; the rest keep their previous data\)$" "$T/err"
