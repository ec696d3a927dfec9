# test-feed-published.sh: a feed file's own "# Last updated:" date (the
# real abuse.ch dumps give one) is when its data was published: the
# import says so, and the source's age in `chousa sources` and the
# staleness notes of a report count from it, not from the day an old
# dump was imported.  A file that gives no date, or a date after the
# import, counts from the import.
. "$TESTS/cli/lib.sh"

A=$SAMPLES/abusech
export CHOUSA_DB="$T/s.db"

check import_old_dump 0 "$CHOUSA" import feodo "$A/feodo/ipblocklist_2021-12-20.csv"
expect import_says_published "the file says its data was published 2021-12-20, [0-9]+ days ago" "$T/err"
check import_old_dump_json 0 "$CHOUSA" import --json feodo "$A/feodo/ipblocklist_2021-12-20.csv"
expect import_json_published '"published_at":"2021-12-20T00:03:32Z"' "$T/out"

check sources_old_dump 0 "$CHOUSA" sources --json
python3 - "$T/out" <<'PY' && ok sources_age_from_dump || not_ok sources_age_from_dump "$(head -c 300 "$T/out")"
import json, sys
src = {s["name"]: s for s in json.load(open(sys.argv[1]))["sources"]}
f = src["local-feodo"]
assert f["updated_at"] == "2021-12-20T00:03:32Z", f["updated_at"]
assert f["stale"] is True, f
PY
check sources_old_dump_text 0 "$CHOUSA" sources
expect sources_old_dump_stale "data: STALE: updated 2021-12-20, [0-9]+ days old" "$T/out"

# Its "not listed" is no evidence, and the report says why.
check report_old_dump 0 "$CHOUSA" investigate --offline 198.51.100.200
expect report_old_dump_note "Feodo Tracker data is [0-9]+ days old \(updated 2021-12-20" "$T/out"

# The URL list gives its date as "(UTC)": the same.
check import_urlhaus_dump 0 "$CHOUSA" import urlhaus "$A/urlhaus/csv_online_2026-08-18_head21lines.csv"
expect import_urlhaus_published "published 2026-08-18" "$T/err"

# No date (the demo's files), or one after the import: the import's day.
export CHOUSA_DB="$T/fresh.db"
check import_demo 0 "$CHOUSA" import feodo "$TESTS/../demo/feodo.csv"
refute import_demo_no_date "published" "$T/err"
sed 's/^# Last updated: .*/# Last updated: 2099-01-01 00:00:00 UTC  #/' \
    "$A/feodo/ipblocklist_2021-12-20.csv" > "$T/future.csv"
check import_future 0 "$CHOUSA" import --json feodo "$T/future.csv"
expect import_future_ignored '"published_at":null' "$T/out"
check sources_fresh 0 "$CHOUSA" sources
expect sources_fresh_age "local-feodo" "$T/out"
refute sources_fresh_not_stale "STALE: updated 20(21|99)" "$T/out"
