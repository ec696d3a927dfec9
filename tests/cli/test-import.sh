# test-import.sh: `chousa import` over every real sample and every
# hand-written feed format, compressed input, idempotency, rejected rows,
# refusing the wrong format, and a kill -9 in the middle of an import.
. "$TESTS/cli/lib.sh"

A=$SAMPLES/abusech
F=$TESTS/data/feeds
export CHOUSA_DB="$T/store.db"

# count SQL: one number from the store (the sqlite3 shell is a test dep).
count() { sqlite3 "$CHOUSA_DB" "$1"; }
# summary FILE: the added/updated/rejected of the summary line.
summary() { grep -Eo 'added [0-9]+, updated [0-9]+, rejected [0-9]+' "$1" | head -n1; }

# Every real sample, as it is.
check urlhaus_csv_sample 0 "$CHOUSA" import urlhaus "$A"/urlhaus/csv_online_*.csv
expect urlhaus_csv_counts "read 12, added 12, updated 0, unchanged 0, rejected 0" "$T/err"
check urlhaus_csv_again 0 "$CHOUSA" import urlhaus "$A"/urlhaus/csv_online_*.csv
expect urlhaus_reimport_adds_nothing "read 12, added 0, updated 0, unchanged 12, rejected 0" "$T/err"
sed 's/$/\r/' "$A"/urlhaus/csv_online_*.csv > "$T/urlhaus-crlf.csv"
check urlhaus_crlf 0 "$CHOUSA" import urlhaus "$T/urlhaus-crlf.csv"
expect urlhaus_crlf_same_rows "read 12, added 0, updated 0, unchanged 12, rejected 0" "$T/err"
for f in "$A"/feodo/*; do
	check "feodo_sample_$(basename "$f")" 0 "$CHOUSA" import feodo "$f"
	refute "feodo_no_rejects_$(basename "$f")" "rejected [1-9]" "$T/err"
done
expect feodo_recommended_rows "read 244" "$T/err"
cp "$A"/malwarebazaar/*.csv "$T/mb.csv"
printf '# Number of entries: 3\r\n' >> "$T/mb.csv"
check malwarebazaar_with_footer 0 "$CHOUSA" import malwarebazaar "$T/mb.csv"
expect malwarebazaar_counts "read 3, added 3, updated 0, unchanged 0, rejected 0" "$T/err"
[ "$(count "SELECT count(*) FROM samples")" = 3 ] && ok samples_stored ||
	not_ok samples_stored "$(count "SELECT count(*) FROM samples")"

# Compressed input, read directly.
gzip -c "$A"/feodo/ipblocklist_2021-12-20.csv > "$T/feodo.csv.gz"
check gzip_input 0 "$CHOUSA" import feodo "$T/feodo.csv.gz"
expect gzip_rows_read "read 750, added 0" "$T/err"
(cd "$T" && cp "$A"/urlhaus/csv_online_*.csv csv.txt && zip -q urlhaus.zip csv.txt)
check zip_input 0 "$CHOUSA" import --source auto "$T/urlhaus.zip"
expect zip_detected_as_urlhaus "^urlhaus: .*read 12" "$T/err"

# A damaged compressed file is refused whole, never imported as if whole:
# exit 3, a line naming the file and the damage, nothing stored (in a
# store of its own).  gzip is checked as gzip -t checks it: a byte flipped
# in the data (stored deflate blocks make it a silent change of one date,
# which only the CRC-32 tells), in the CRC-32, in the length; cut short;
# bytes after the last member, zeros too (gzip(1) only warns of those).
python3 - "$A"/feodo/ipblocklist_2021-12-20.csv "$F/feodo.json" "$T" <<'PY'
import sys, zlib
csv, js, out = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read(), sys.argv[3]
def gz(data, level=6):
    c = zlib.compressobj(level, zlib.DEFLATED, 31)
    return bytearray(c.compress(data) + c.flush())
def put(name, b):
    open(out + "/" + name, "wb").write(b)
def flip(b, i):
    b = bytearray(b); b[i] ^= 1; return b
g = gz(csv, 0)
put("date.csv.gz", flip(g, g.index(b'"2021-01-17 07:44:46","51.178') + 4))
g = gz(csv)
put("crc.csv.gz", flip(g, len(g) - 8))
put("isize.csv.gz", flip(g, len(g) - 2))
put("cut.csv.gz", g[:-4])
put("zeros.csv.gz", g + b"\0" * 8)
put("junk.csv.gz", g + b"junk")
half = csv.index(b"\n", len(csv) // 2) + 1
put("members.csv.gz", gz(csv[:half]) + gz(csv[half:]))
put("members-bad.csv.gz", gz(csv[:half]) + flip(gz(csv[half:]), -8))
g = gz(js)
put("feodo.json.gz", flip(g, len(g) - 8))
PY
# damaged NAME FILE PATTERN: FILE refused, saying PATTERN.
damaged() {
	rm -f "$T/damaged.db"
	CHOUSA_DB="$T/damaged.db" check "damaged_$1_exit_3" 3 "$CHOUSA" import feodo "$2"
	expect "damaged_$1_said" "^chousa: cannot read '.*$(basename "$2")': $3\$" "$T/err"
	[ "$(sqlite3 "$T/damaged.db" "SELECT count(*) FROM indicators" 2> /dev/null || echo 0)" = 0 ] &&
		ok "damaged_$1_nothing_stored" || not_ok "damaged_$1_nothing_stored" "rows stored"
}
damaged gzip_flipped_date "$T/date.csv.gz" "damaged gzip input: CRC mismatch"
damaged gzip_crc "$T/crc.csv.gz" "damaged gzip input: CRC mismatch"
damaged gzip_isize "$T/isize.csv.gz" "damaged gzip input: length mismatch"
damaged gzip_cut "$T/cut.csv.gz" "truncated gzip input"
damaged gzip_trailing_zeros "$T/zeros.csv.gz" "damaged gzip input: data after the last gzip member"
damaged gzip_trailing_junk "$T/junk.csv.gz" "damaged gzip input: data after the last gzip member"
damaged gzip_second_member "$T/members-bad.csv.gz" "damaged gzip input: CRC mismatch"
damaged gzip_json "$T/feodo.json.gz" "damaged gzip input: CRC mismatch"
rm -f "$T/damaged.db"
CHOUSA_DB="$T/damaged.db" check damaged_gzip_stdin_exit_3 3 sh -c '"$1" import feodo - < "$2"' _ "$CHOUSA" "$T/crc.csv.gz"
expect damaged_gzip_stdin_said "CRC mismatch" "$T/err"
# Members one after another are one whole file (gzip(1) writes them).
rm -f "$T/damaged.db"
CHOUSA_DB="$T/damaged.db" check gzip_members_whole 0 "$CHOUSA" import feodo "$T/members.csv.gz"
expect gzip_members_every_row "read 750, added 728" "$T/err"
# The other compressions check their own: zip's CRC-32, bzip2's, xz's.
cp "$A"/feodo/ipblocklist_2021-12-20.csv "$T/f.csv"
(cd "$T" && zip -q -0 f.zip f.csv && bzip2 -kf f.csv && xz -kf f.csv)
for f in f.csv.bz2 f.csv.xz f.zip; do
	n=$(($(stat -c %s "$T/$f") / 2))
	python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[int(sys.argv[2])] ^= 1; open(sys.argv[1], "wb").write(b)' "$T/$f" "$n"
	damaged "$(echo "$f" | tr . _)" "$T/$f" ".+"
done
expect damaged_zip_says_crc "ZIP bad CRC" "$T/err"

# Every other format, from files written after REFERENCE.md.
check malpedia_families 0 "$CHOUSA" import malpedia "$F/malpedia.json"
expect malpedia_counts "read 3, added 3" "$T/err"
check malpedia_galaxy 0 "$CHOUSA" import malpedia "$F/malpedia-galaxy.json"
expect malpedia_galaxy_counts "read 2, added 2" "$T/err"
check urlhaus_json 0 "$CHOUSA" import urlhaus "$F/urlhaus.json"
expect urlhaus_json_counts "read 2, added 2" "$T/err"
check urlhaus_2019_layout 0 "$CHOUSA" import urlhaus "$F/urlhaus-2019.csv"
expect urlhaus_2019_counts "read 2, added 2, updated 0, unchanged 0, rejected 0" "$T/err"
check threatfox_csv 0 "$CHOUSA" import threatfox "$F/threatfox.csv"
expect threatfox_csv_counts "read 6, added 6, updated 0, unchanged 0, rejected 0" "$T/err"
check threatfox_csv_14_columns 0 "$CHOUSA" import threatfox "$F/threatfox-2024.csv"
expect threatfox_14_counts "read 2, added 2" "$T/err"
check threatfox_json 0 "$CHOUSA" import threatfox "$F/threatfox.json"
expect threatfox_json_counts "read 2, added 2" "$T/err"
[ "$(count "SELECT port FROM indicators WHERE value = '2001:db8::7'")" = 80 ] &&
	ok threatfox_v6_port_kept || not_ok threatfox_v6_port_kept "no port 80"
check feodo_json 0 "$CHOUSA" import feodo "$F/feodo.json"
expect feodo_json_counts "read 2, added 2" "$T/err"
check warninglist_cidr 0 "$CHOUSA" import warninglist "$F/warninglist-cdn.json"
check warninglist_hostname 0 "$CHOUSA" import warninglist "$F/warninglist-top.json"
expect warninglist_counts "read 3, added 3" "$T/err"
check warninglist_public_dns 0 "$CHOUSA" import warninglist "$F/warninglist-public-dns.json"
expect warninglist_public_dns_counts "read 2, added 2" "$T/err"
check stix_bundle 0 "$CHOUSA" -v import stix "$F/stix.json"
# 4 pattern values and 1 relation added; the file observable added as an
# observation, the domain observable already listed; process:name skipped.
expect stix_counts "read 7, added 6, updated 0, unchanged 1, rejected 0" "$T/err"
expect stix_skip_says_why "skipped 1 not kept: process:name" "$T/err"
check misp_event 0 "$CHOUSA" import misp "$F/misp-event.json"
expect misp_event_counts "read 9, added 8, updated 0, unchanged 1, rejected 0" "$T/err"
check misp_feed_dir 0 "$CHOUSA" import misp "$F/misp-feed"
expect misp_feed_counts "read 2, added 2" "$T/err"
# A directory that is no MISP feed says so, not "cannot open DIR/manifest.json".
mkdir -p "$T/notafeed"
check plain_dir_refused 3 "$CHOUSA" import auto "$T/notafeed"
expect plain_dir_says_not_a_feed "is a directory, not a MISP feed \(no manifest.json in it\)" "$T/err"
check misp_feed_manifest 0 "$CHOUSA" import --source auto "$F/misp-feed/manifest.json"
expect misp_manifest_same "read 2, added 0" "$T/err"
[ "$(count "SELECT count(*) FROM relations")" = 3 ] && ok relations_stored ||
	not_ok relations_stored "$(count "SELECT count(*) FROM relations")"
check malwarebazaar_emotet 0 "$CHOUSA" import malwarebazaar "$F/malwarebazaar-emotet.csv"
check urlhaus_emotet_tag 0 "$CHOUSA" import urlhaus "$F/urlhaus-emotet.csv"
check list_import 0 "$CHOUSA" import list --tag case7 --family QBot \
	--source-name case7 "$F/../feeds/README.md"
expect list_uses_source_name "^case7: " "$T/err"
# Labels the store keeps and tables show: one line of plain text, as a
# token's note.  A C1 control or a bidi override is a usage error (2),
# nothing imported.
before=$(count "SELECT count(*) FROM indicators")
check label_c1_refused 2 "$CHOUSA" import list --source-name "$(printf 'case\302\2158')" "$F/../feeds/README.md"
expect label_c1_said "the --source-name holds a control character or a line or direction mark \(at byte 4\)" "$T/err"
check label_bidi_tag_refused 2 "$CHOUSA" import list --tag "$(printf 'a\342\200\256b')" "$F/../feeds/README.md"
check label_isolate_family_refused 2 "$CHOUSA" import list --family "$(printf 'Q\342\201\246Bot')" "$F/../feeds/README.md"
[ "$(count "SELECT count(*) FROM indicators")" = "$before" ] && ok label_refused_imports_nothing ||
	not_ok label_refused_imports_nothing "$before then $(count "SELECT count(*) FROM indicators")"

# auto detection, every format.
for f in "$F"/*.json "$F"/threatfox.csv "$F"/urlhaus-2019.csv; do
	check "auto_$(basename "$f")" 0 "$CHOUSA" import --source auto "$f"
	expect "auto_reimport_adds_nothing_$(basename "$f")" "added 0" "$T/err"
done

# Rejected rows: counted with their line numbers; --strict fails the file.
check rejects_counted 0 "$CHOUSA" -v import urlhaus "$F/bad-rows.csv"
expect rejects_count "read 4, added 2, updated 0, unchanged 0, rejected 2" "$T/err"
expect rejects_line_numbers "rejected line 3: " "$T/err"
before=$(count "SELECT count(*) FROM indicators")
check strict_fails 3 "$CHOUSA" import --strict urlhaus "$F/bad-rows.csv"
expect strict_names_line "line 3" "$T/err"
# The wrong format is refused before anything is written.
check wrong_format_refused 3 "$CHOUSA" import threatfox "$A"/feodo/ipblocklist_2025-06-25.csv
expect wrong_format_names_expected "is not a ThreatFox CSV or JSON export" "$T/err"
check not_json_refused 3 "$CHOUSA" import stix "$A"/urlhaus/csv_online_*.csv
# Records' list that is not a list is not the format, never "read 0"; a
# MISP event whose Object is broken after good attributes writes none.
printf '{"type":"bundle","id":"bundle--1","objects":3}' > "$T/stix-scalar.json"
check stix_objects_scalar_refused 3 "$CHOUSA" import stix "$T/stix-scalar.json"
expect stix_objects_scalar_says "'objects' is a number, not a list, in '.*stix-scalar.json'" "$T/err"
printf '{"type":"bundle","objects":{"type":"indicator"}}' > "$T/stix-obj.json"
check stix_objects_object_refused 3 "$CHOUSA" import --source auto "$T/stix-obj.json"
expect stix_objects_object_says "'objects' is an object, not a list" "$T/err"
printf '{"Event":{"info":"x","Attribute":[{"type":"domain","value":"half-written.example.com","to_ids":true}],"Object":"5"}}' > "$T/misp-half.json"
check misp_object_string_refused 3 "$CHOUSA" import misp "$T/misp-half.json"
expect misp_object_string_says "'Event.Object' is a string, not a list" "$T/err"
printf '{"Event":{"info":"x","Object":[{"name":"file","Attribute":"z"}]}}' > "$T/misp-obj.json"
check misp_object_attribute_string_rejected 0 "$CHOUSA" -v import misp "$T/misp-obj.json"
expect misp_object_attribute_string_said "rejected Event.Object\[0\]: an object whose Attribute is not a list" "$T/err"
refute misp_object_attribute_string_not_none "holds no attributes" "$T/err"
printf '{"type":"bundle","id":"bundle--2","objects":null}' > "$T/stix-null.json"
check stix_objects_null_is_empty 0 "$CHOUSA" import stix "$T/stix-null.json"
expect stix_objects_null_read_0 "read 0, added 0" "$T/err"
[ "$(count "SELECT count(*) FROM indicators")" = "$before" ] &&
	ok refused_files_write_nothing || not_ok refused_files_write_nothing "count changed"
# A line over the 1 MiB cap is one rejected row, not unbounded memory.
python3 -c 'print("http://ok.example.com/a"); print("x" * 2000000); print("http://ok.example.com/b")' > "$T/long.txt"
check long_line_rejected 0 "$CHOUSA" -v import urlhaus "$T/long.txt"
expect long_line_counts "read 3, added 2, updated 0, unchanged 0, rejected 1" "$T/err"
expect long_line_says_why "line 2 is longer than" "$T/err"
check unknown_source_is_usage 2 "$CHOUSA" import nosuchfeed "$F/feodo.json"
check missing_file 3 "$CHOUSA" import feodo "$T/nonexistent.csv"
printf 'not json at all {' > "$T/broken.json"
check broken_json 3 "$CHOUSA" import urlhaus "$T/broken.json"
printf 'Some prose that mentions evil.example.com once.\n' > "$T/prose.txt"
check auto_refuses_prose 3 "$CHOUSA" import --source auto "$T/prose.txt"
expect auto_prose_says_list "or list for any text" "$T/err"
printf 'evil-list.example.com\n198.51.100.99\n' > "$T/plain.txt"
check auto_takes_plain_list 0 "$CHOUSA" import --source auto "$T/plain.txt"
expect auto_plain_is_list "^list: .*read 2, added 2" "$T/err"
# auto takes MISP's warninglists archive too; another archive stays unknown.
check auto_takes_warninglists_archive 0 "$CHOUSA" import --source auto "$SAMPLES/warninglists/misp-warninglists-main.subset.tar.gz"
expect auto_warninglists_archive_said "^warninglist: .*subset.tar.gz \([0-9]+ lists\): read [0-9]+" "$T/err"
# Its lists commit one by one, and a gzip's CRC-32 is at its end: a
# damaged archive is refused before any list goes in.
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[-8] ^= 1; open(sys.argv[2], "wb").write(b)' "$SAMPLES/warninglists/misp-warninglists-main.subset.tar.gz" "$T/wl-crc.tar.gz"
for how in warninglist auto; do
	rm -f "$T/damaged.db"
	CHOUSA_DB="$T/damaged.db" check "damaged_warninglists_${how}_exit_3" 3 "$CHOUSA" import --source "$how" "$T/wl-crc.tar.gz"
	expect "damaged_warninglists_${how}_said" "^chousa: cannot read '.*wl-crc.tar.gz': damaged gzip input: CRC mismatch" "$T/err"
	[ "$(sqlite3 "$T/damaged.db" "SELECT count(*) FROM indicators" 2> /dev/null || echo 0)" = 0 ] &&
		ok "damaged_warninglists_${how}_no_list_in" || not_ok "damaged_warninglists_${how}_no_list_in" "lists stored"
done
(cd "$T" && tar czf other.tar.gz prose.txt)
check auto_other_archive_refused 3 "$CHOUSA" import --source auto "$T/other.tar.gz"
expect auto_other_archive_said "cannot tell the format of '.*other.tar.gz'" "$T/err"

# One family id for the same indicator from three sources.
check same_indicator_three_sources 1 "$CHOUSA" lookup --json \
	http://dl.emotet-example.com/invoice.doc \
	3f1ba0b4bfe1b1b7d2f0e0fd1d8cf3ef6c1f3a40b0a2e1f3e1d0c0b0a0908070
python3 - "$T/out" > "$T/fam" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))
print(" ".join(sorted({(r["source"]) for x in res for r in x["records"]})))
print(" ".join(sorted({r["family"] for x in res for r in x["records"]})))
PY
expect three_sources_seen "^malwarebazaar threatfox urlhaus$" "$T/fam"
expect one_family_id "^win\.emotet$" "$T/fam"

# db stats and check.
check db_stats 0 "$CHOUSA" db stats
expect db_stats_sources "^  urlhaus  url  " "$T/out"
expect db_stats_last_import "^  feodo  [0-9-]+T" "$T/out"
check db_stats_json 0 "$CHOUSA" db stats --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["indicators"] > 900' "$T/out" &&
	ok db_stats_json_parses || not_ok db_stats_json_parses "bad JSON"
check db_check 0 "$CHOUSA" db check

# kill -9 in the middle of an import leaves the store as it was.
python3 - "$T/big.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n")
    for i in range(300000):
        f.write('"%d","2026-01-01 00:00:00","http://h%d.kill-test-example.com/p/%d","online","","malware_download","None","https://urlhaus.abuse.ch/url/%d/","t"\n' % (i, i % 5000, i, i))
PY
before=$(count "SELECT count(*) FROM indicators")
"$CHOUSA" -q import urlhaus "$T/big.csv" > /dev/null 2>&1 &
pid=$!
kill_mid_read "$pid" "$T/big.csv"
wait "$pid" 2> /dev/null
[ "$(count "PRAGMA integrity_check")" = ok ] && ok kill9_integrity_ok ||
	not_ok kill9_integrity_ok "integrity_check failed"
[ "$(count "SELECT count(*) FROM indicators")" = "$before" ] &&
	ok kill9_earlier_data_intact || not_ok kill9_earlier_data_intact \
	"$before before, $(count "SELECT count(*) FROM indicators") after"
check after_kill9_store_usable 1 "$CHOUSA" lookup 162.243.103.246

# A first import (a bulk load: the unique key is built at the end) merges
# an indicator the file names twice exactly as an import into a store that
# already holds rows does, row by row.
python3 - "$T/dups.csv" <<'PY'
import sys
rows = [
    (1, "2026-01-01 00:00:00", "http://dup.bulk-example.com/a", "offline", "", "None"),
    (2, "2026-01-02 00:00:00", "http://other.bulk-example.com/b", "online", "", "elf"),
    (3, "2026-01-03 00:00:00", "http://dup.bulk-example.com/a", "online", "2026-01-03 00:00:00", "emotet"),
    (4, "2025-12-30 00:00:00", "http://dup.bulk-example.com/a", "offline", "", "None"),
    (5, "2026-01-04 00:00:00", "http://once.bulk-example.com/c", "online", "", "None"),
    (6, "2026-01-04 00:00:00", "http://once.bulk-example.com/c", "online", "", "None"),
]
with open(sys.argv[1], "w") as f:
    f.write("# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n")
    for i, d, u, st, lo, tags in rows:
        f.write('"%d","%s","%s","%s","%s","malware_download","%s","https://urlhaus.abuse.ch/url/%d/","t"\n' % (i, d, u, st, lo, tags, i))
PY
printf 'seed.bulk-example.net\n' > "$T/seed.txt"
CHOUSA_DB="$T/bulk.db" "$CHOUSA" import urlhaus "$T/dups.csv" > "$T/bulk.out" 2>&1
"$CHOUSA" --db "$T/rowwise.db" -q import list "$T/seed.txt"
CHOUSA_DB="$T/rowwise.db" "$CHOUSA" import urlhaus "$T/dups.csv" > "$T/rowwise.out" 2>&1
expect bulk_dups_counted "read 6, added 3, updated 2, unchanged 1, rejected 0" "$T/bulk.out"
rows_of() {
	sqlite3 "$1" "SELECT value, source_id, first_seen, last_seen, status,
	    family, tags, reference FROM indicators WHERE source = 'urlhaus'
	    ORDER BY value"
}
if [ "$(rows_of "$T/bulk.db")" = "$(rows_of "$T/rowwise.db")" ] &&
    [ "$(sed 's/.*added/added/' "$T/bulk.out")" = "$(sed 's/.*added/added/' "$T/rowwise.out")" ]; then
	ok bulk_dups_merged_as_rowwise
else
	not_ok bulk_dups_merged_as_rowwise "$(rows_of "$T/bulk.db" | tr '\n' '|') vs $(rows_of "$T/rowwise.db" | tr '\n' '|'); $(cat "$T/bulk.out") vs $(cat "$T/rowwise.out")"
fi
[ "$(sqlite3 "$T/bulk.db" "SELECT count(*) FROM sqlite_master WHERE name = 'indicators_key'")" = 1 ] &&
	[ "$(sqlite3 "$T/bulk.db" "PRAGMA integrity_check")" = ok ] &&
	ok bulk_key_index_built || not_ok bulk_key_index_built "no unique key after a bulk load"
check bulk_dup_one_record 1 "$CHOUSA" --db "$T/bulk.db" lookup http://dup.bulk-example.com/a
expect bulk_dup_latest_state "exact +urlhaus +online" "$T/out"

# A schema 1 store: read as it is, then migrated by the first import (the
# table copied under its new unique index), nothing lost.
sqlite3 "$T/v1.db" < "$TESTS/data/store-v1.sql"
check v1_store_readable 1 "$CHOUSA" --db "$T/v1.db" lookup http://176.65.139.212/eclipse.sh4
check v1_store_migrates 0 "$CHOUSA" --db "$T/v1.db" -q import list "$T/seed.txt"
[ "$(sqlite3 "$T/v1.db" "PRAGMA user_version")" = 11 ] &&
	[ "$(sqlite3 "$T/v1.db" "SELECT count(*) FROM indicators")" = 14 ] &&
	[ "$(sqlite3 "$T/v1.db" "SELECT count(*) FROM sqlite_master WHERE name IN ('indicators_key', 'indicators_host', 'indicators_regdomain', 'indicators_net')")" = 4 ] &&
	[ "$(sqlite3 "$T/v1.db" "PRAGMA integrity_check")" = ok ] &&
	ok v1_migrated_intact || not_ok v1_migrated_intact "$(sqlite3 "$T/v1.db" "PRAGMA user_version; SELECT count(*) FROM indicators")"
check v1_migrated_lookup 1 "$CHOUSA" --db "$T/v1.db" lookup 176.65.139.212
expect v1_migrated_url_host "^  url_host +urlhaus" "$T/out"

# kill -9 in the middle of a first import (a bulk load under a rollback
# journal): the store is as it was, empty, and a read-only look-up rolls
# the journal back instead of failing.
"$CHOUSA" --db "$T/first.db" -q import list "$T/seed.txt"
sqlite3 "$T/first.db" "DELETE FROM indicators"
"$CHOUSA" --db "$T/first.db" -q import urlhaus "$T/big.csv" > /dev/null 2>&1 &
pid=$!
kill_mid_read "$pid" "$T/big.csv"
wait "$pid" 2> /dev/null
if [ -f "$T/first.db-journal" ]; then
	ok first_import_killed_mid_load
	check first_import_kill_lookup 0 "$CHOUSA" --db "$T/first.db" lookup h1.kill-test-example.com
	[ "$(sqlite3 "$T/first.db" "SELECT count(*) FROM indicators")" = 0 ] &&
		[ "$(sqlite3 "$T/first.db" "PRAGMA integrity_check")" = ok ] &&
		ok first_import_kill_store_as_before ||
		not_ok first_import_kill_store_as_before "$(sqlite3 "$T/first.db" "SELECT count(*) FROM indicators; PRAGMA integrity_check")"
	check first_import_after_kill 0 "$CHOUSA" --db "$T/first.db" -q import list "$T/seed.txt"
	[ "$(sqlite3 "$T/first.db" "PRAGMA journal_mode")" = wal ] &&
		ok first_import_back_to_wal || not_ok first_import_back_to_wal "journal $(sqlite3 "$T/first.db" "PRAGMA journal_mode")"
else
	not_ok first_import_killed_mid_load "the import ended before the kill (or never used a journal)"
fi

# ---- a full disk ----
# The store on a 1 MB tmpfs (mounted as root, SKIP otherwise), filled but
# for 128 KiB: an import the store cannot take fails as the store's
# failure (exit 3, one line that says the disk is full), never as a file
# or list the importer refused, and the store answers what it held.
mnt="$T/full"
small_disk "$mnt" 1m full_disk || exit 0
trap 'umount "$mnt" 2>/dev/null' EXIT
export CHOUSA_DB="$mnt/s.db"
check full_disk_seed 0 "$CHOUSA" -q import feodo "$A"/feodo/ipblocklist_2021-12-20.csv
before=$(count "SELECT count(*) FROM indicators")
dd if=/dev/zero of="$mnt/room" bs=1k count=128 2> /dev/null
dd if=/dev/zero of="$mnt/fill" bs=4k 2> /dev/null
rm "$mnt/room"
head -n 20001 "$T/big.csv" > "$T/big-20k.csv"
for threads in 1 2; do
	check full_disk_import_threads_${threads}_exit_3 3 "$CHOUSA" import --threads $threads urlhaus "$T/big-20k.csv"
	expect full_disk_import_threads_${threads}_said "^chousa: .*the disk that holds store '$mnt/s.db' is full: free space on it, then try again$" "$T/err"
	[ "$(grep -c . "$T/err")" = 1 ] && ok full_disk_import_threads_${threads}_one_line ||
		not_ok full_disk_import_threads_${threads}_one_line "$(head -c 300 "$T/err")"
done
# An archive of lists: the first the store cannot take ends it, as the
# store's failure, not as lists the importer refused (exit 0).
check full_disk_warninglists_exit_3 3 "$CHOUSA" import warninglist "$SAMPLES"/warninglists/misp-warninglists-main.subset.tar.gz
expect full_disk_warninglists_said "^chousa: .*the disk that holds store '$mnt/s.db' is full: free space on it, then try again( \([0-9]+ lists? imported before it; the rest keep their previous data\))?$" "$T/err"
refute full_disk_warninglists_not_refused "refused by the importer" "$T/err"
[ "$(count "SELECT count(*) FROM indicators")" = "$before" ] &&
	ok full_disk_import_keeps_data || not_ok full_disk_import_keeps_data "count changed"
check full_disk_old_data_answered 1 "$CHOUSA" lookup 59.6.7.83
