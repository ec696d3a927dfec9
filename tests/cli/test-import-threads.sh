# test-import-threads.sh: the import's write pipeline (src/store/import/pipe.c).
# A file imported with a second thread writing gives the same rows, counts
# and rejects as with one thread, for a first import (bulk load) and for
# an update of a store that holds rows (upserts); families map the same
# way (ThreatFox's two labels, URLhaus's tags); --strict still fails the
# whole file; a failure on the writing thread fails the import, names its
# cause and leaves the store as it was.
. "$TESTS/cli/lib.sh"

F=$TESTS/data/feeds
python3 "$TESTS/../bench/gen_threatfox.py" --n 12000 --out "$T/tf.csv"
python3 "$TESTS/../bench/gen_threatfox.py" --n 3000 --seed later --out "$T/tf2.csv"
python3 - "$T" <<'PY'
import sys
t = sys.argv[1]
hdr = "# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"
tags = ["None", "elf,mirai", "doc,Heodo", "exe,QBot,loader", "js,unknownfam"]
with open(t + "/uh.csv", "w") as f:
    f.write(hdr)
    for i in range(12000):
        url = "http://h%d.pipe%d.example.com/p/%d" % (i % 4000, i % 13, i)
        if i % 997 == 5:
            url = "not a url %d" % i          # rejected, with its line
        if i % 1500 == 7:
            url = "http://h7.pipe7.example.com/p/7"   # the same URL again
        st = "online" if i % 3 else "offline"
        f.write('"%d","2026-01-%02d 00:00:00","%s","%s","","malware_download",'
                '"%s","https://urlhaus.abuse.ch/url/%d/","t"\n'
                % (i, i % 28 + 1, url, st, tags[i % len(tags)], i))
PY
[ "$(wc -c < "$T/uh.csv")" -gt 1048576 ] && ok pipe_input_big_enough || not_ok pipe_input_big_enough "$(wc -c < "$T/uh.csv") bytes: under the 1 MB the pipeline starts at"

rows_of() {
	sqlite3 "$1" "SELECT type, value, source, source_id, first_seen,
	    last_seen, status, threat, family, tags, confidence, reference,
	    port, host, hhash, regdomain, rhash, net, prefix FROM indicators
	    ORDER BY source, vhash, type" | md5sum
}
load() {	# load DB THREADS: the same imports, the reports kept
	"$CHOUSA" --db "$1" -q import malpedia "$F/malpedia.json"
	for f in "$T/tf.csv" "$T/uh.csv" "$T/tf2.csv"; do
		src=threatfox
		case $f in *uh.csv) src=urlhaus ;; esac
		"$CHOUSA" --db "$1" -v import --threads "$2" "$src" "$f" 2>&1 |
		    sed "s|$T/||"
	done
}
load "$T/one.db" 1 > "$T/one.out"
load "$T/two.db" 2 > "$T/two.out"
if cmp -s "$T/one.out" "$T/two.out"; then
	ok pipe_same_reports
else
	not_ok pipe_same_reports "$(diff "$T/one.out" "$T/two.out" | head -n 4 | tr '\n' '|')"
fi
expect pipe_rejects_reported "rejected line 7: " "$T/two.out"
expect pipe_update_counted "tf2.csv \(csv\): read 3000, added [0-9]+, updated [0-9]+" "$T/two.out"
[ "$(rows_of "$T/one.db")" = "$(rows_of "$T/two.db")" ] && ok pipe_same_rows ||
	not_ok pipe_same_rows "the stores differ"
fam=$(sqlite3 "$T/two.db" "SELECT family, count(*) FROM indicators
    WHERE source = 'urlhaus' GROUP BY family ORDER BY family" | tr '\n' ' ')
case $fam in
*"elf.mirai|"*"win.emotet|"*"win.qakbot|"*) ok pipe_urlhaus_families_from_tags ;;
*) not_ok pipe_urlhaus_families_from_tags "families: $fam" ;;
esac
[ "$(sqlite3 "$T/two.db" "SELECT count(*) FROM indicators WHERE source = 'threatfox'
    AND family IN ('win.emotet', 'win.qakbot', 'elf.mirai')")" -gt 0 ] &&
	[ "$(sqlite3 "$T/two.db" "SELECT count(*) FROM indicators WHERE family = 'unknown'")" = 0 ] &&
	ok pipe_threatfox_families || not_ok pipe_threatfox_families "$(sqlite3 "$T/two.db" "SELECT family, count(*) FROM indicators WHERE source = 'threatfox' GROUP BY 1")"
check pipe_lookup_after 1 "$CHOUSA" --db "$T/two.db" lookup http://h7.pipe7.example.com/p/7
expect pipe_lookup_family "win.(emotet|qakbot)|elf.mirai|exact +urlhaus" "$T/out"

# --strict: the first bad row fails the file, nothing is written.
before=$(sqlite3 "$T/two.db" "SELECT count(*) FROM indicators")
sed 's/pipe/strict/' "$T/uh.csv" > "$T/strict.csv"
check pipe_strict_fails 3 "$CHOUSA" --db "$T/two.db" import --strict --threads 2 urlhaus "$T/strict.csv"
expect pipe_strict_names_line "line 7" "$T/err"
[ "$(sqlite3 "$T/two.db" "SELECT count(*) FROM indicators")" = "$before" ] &&
	ok pipe_strict_nothing_written || not_ok pipe_strict_nothing_written "rows changed"

# A failure while writing (a trigger refuses one row) fails the import on
# the writing thread: the cause is named and nothing is kept.
sqlite3 "$T/two.db" "CREATE TRIGGER refuse BEFORE INSERT ON indicators
    WHEN NEW.value LIKE '%h3999.boom%' BEGIN SELECT RAISE(ABORT, 'refused by test'); END"
sed 's/pipe/boom/' "$T/uh.csv" > "$T/boom.csv"
check pipe_writer_error_fails 5 "$CHOUSA" --db "$T/two.db" import --threads 2 urlhaus "$T/boom.csv"
expect pipe_writer_error_named "refused by test" "$T/err"
[ "$(sqlite3 "$T/two.db" "SELECT count(*) FROM indicators")" = "$before" ] &&
	[ "$(sqlite3 "$T/two.db" "PRAGMA integrity_check")" = ok ] &&
	ok pipe_writer_error_nothing_kept || not_ok pipe_writer_error_nothing_kept "rows changed"
check pipe_threads_bad 2 "$CHOUSA" --db "$T/two.db" import --threads 3 urlhaus "$T/uh.csv"

# A row bigger than a whole batch (300 KB of tags) is written on the
# reading thread once the writer is idle, in its place among the others.
python3 - "$T/huge.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n")
    for i in range(3000):
        tags = ("t" * 300000) if i == 1500 else "elf"
        f.write('"%d","2026-02-01 00:00:00","http://huge%d.example.net/x","online","","malware_download","%s","https://urlhaus.abuse.ch/url/%d/","t"\n' % (i, i, tags, i))
PY
check pipe_huge_row 0 "$CHOUSA" --db "$T/huge.db" import --threads 2 urlhaus "$T/huge.csv"
expect pipe_huge_row_counted "read 3000, added 3000" "$T/err"
[ "$(sqlite3 "$T/huge.db" "SELECT length(tags) FROM indicators WHERE value = 'http://huge1500.example.net/x'")" = 300000 ] &&
	ok pipe_huge_row_whole || not_ok pipe_huge_row_whole "the big row's tags were not kept whole"
