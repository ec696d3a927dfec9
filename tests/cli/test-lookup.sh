# test-lookup.sh: `chousa lookup` output, match kinds, defanged input,
# JSON, and its exit statuses.
. "$TESTS/cli/lib.sh"

A=$SAMPLES/abusech
F=$TESTS/data/feeds
export CHOUSA_DB="$T/store.db"

check lookup_without_store 3 "$CHOUSA" lookup 8.8.8.8
"$CHOUSA" -q import malpedia "$F/malpedia.json"
"$CHOUSA" -q import feodo "$A"/feodo/ipblocklist_2025-06-25.csv
"$CHOUSA" -q import urlhaus "$A"/urlhaus/csv_online_*.csv
"$CHOUSA" -q import warninglist "$F/warninglist-cdn.json"
"$CHOUSA" -q import warninglist "$F/warninglist-top.json"
printf 'bad.example.com\n203.0.113.0/24\n' > "$T/list.txt"
"$CHOUSA" -q import list "$T/list.txt"

check found_exits_1 1 "$CHOUSA" lookup 162.243.103.246
expect feodo_record "exact +feodo +offline +2022-06-04 2025-06-18 win\.emotet \(Emotet\)" "$T/out"
check clean_exits_0 0 "$CHOUSA" lookup 192.0.2.1
expect clean_says_not_in_store "not in the store" "$T/out"
expect clean_shows_benign "known benign: List of known Example CDN" "$T/out"
check malformed_exits_3 3 "$CHOUSA" lookup 'not an indicator!'
check defanged_accepted 1 "$CHOUSA" lookup 'hxxp://176.65.139[.]212/eclipse.sh4'
expect defanged_exact "^  exact +urlhaus" "$T/out"
check ip_hosting_urls 1 "$CHOUSA" lookup 176.65.139.212
expect url_host_kind "^  url_host +urlhaus" "$T/out"
# Only a parent or a range listed: suspicious, status 0 (policy row 12);
# benign when a known-benign list covers it (row 13: example.com is).
check parent_domain 0 "$CHOUSA" lookup deep.sub.bad.example.com
expect parent_kind "^  parent +list" "$T/out"
expect parent_benign ": 1 record, benign$" "$T/out"
check ip_in_cidr 0 "$CHOUSA" lookup 203.0.113.77
expect cidr_kind "^  cidr +list" "$T/out"
expect cidr_suspicious ": 1 record, suspicious$" "$T/out"
# A listed host under a benign domain is shared: suspicious (row 7).
check url_host_listed 0 "$CHOUSA" lookup 'https://bad.example.com/login'
expect host_kind "^  host +list" "$T/out"
expect host_shared_suspicious ": [0-9]+ records?, suspicious$" "$T/out"
check host_listed_itself 1 "$CHOUSA" lookup bad.example.com
# A record without dates keeps the family in the dated records' column.
expect undated_record_aligned "^  exact +list +- +-          -          [^ ]" "$T/out"
expect host_listed_malicious ": [0-9]+ records?, malicious$" "$T/out"
check regdomain_under_benign 0 "$CHOUSA" lookup example.com
expect regdomain_kind "^  regdomain +list" "$T/out"
check json_output 1 "$CHOUSA" lookup --json 162.243.103.246 192.0.2.1
python3 - "$T/out" <<'PY' && ok json_shape || not_ok json_shape "unexpected JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d) == 2 and d[0]["malicious"] and not d[1]["malicious"]
r = d[0]["records"][0]
assert r["match"] == "exact" and r["source"] == "feodo"
assert r["family"] == "win.emotet" and r["family_name"] == "Emotet"
assert r["first_seen"] == "2022-06-04T21:24:53Z" and r["status"] == "offline"
assert d[1]["benign"][0]["kind"] == "cdn"
PY
printf '162.243.103.246\n# comment\n192.0.2.1\n' > "$T/in.txt"
check stdin_input 1 sh -c "\"$CHOUSA\" lookup - < \"$T/in.txt\""
expect stdin_both_looked_up "ipv4 192.0.2.1" "$T/out"
check mixed_bad_and_found 3 "$CHOUSA" lookup 162.243.103.246 'x y z'
check readonly_store_not_written 0 sh -c "chmod a-w \"$CHOUSA_DB\"; \"$CHOUSA\" lookup 192.0.2.9; s=\$?; chmod u+w \"$CHOUSA_DB\"; exit \$s"
# A line longer than any indicator is refused whole, never cut in pieces
# that would be looked up as a shorter (wrong) URL, then as garbage.
python3 -c "print('http://evil.example/' + 'a' * 100000); print('162.243.103.246')" > "$T/long.txt"
check stdin_long_line_refused 3 sh -c "\"$CHOUSA\" lookup - < \"$T/long.txt\""
expect stdin_long_line_said 'line 1 of stdin is longer than' "$T/err"
refute stdin_long_line_not_cut 'evil.example' "$T/out"
expect stdin_after_long_line_looked_up 'ipv4 162.243.103.246' "$T/out"

# Colour: a malicious verdict in red only when asked (or on a terminal).
check color_always 1 "$CHOUSA" --color always lookup 162.243.103.246
expect color_malicious_red "$(printf '\033')\[1;31mmalicious" "$T/out"
check color_never 1 "$CHOUSA" --color never lookup 162.243.103.246
refute color_never_plain "$(printf '\033')" "$T/out"
