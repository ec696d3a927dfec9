#!/bin/sh
# test-lookup-cidr.sh: `chousa lookup RANGE` lists the store's records
# inside the range (its addresses, the URLs on them, narrower ranges), as
# investigate finds them, suspicious when any is listed (it holds listed
# indicators: docs/verdict-policy.md row 12a) and exit 0, as malicious is
# only a listing of the range itself; at most 100, the most recently seen,
# with the count of all (text and inside_total in --json).  Through a team
# server it answers the same.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_up '[server]\nrate = 0\n' read cidr
export CHOUSA_SERVER_KEY="$TOKEN"
# 150 addresses listed inside 198.18.0.0/16.
i=1
while [ $i -le 150 ]; do echo "198.18.$((i / 200)).$((i % 200 + 1))"; i=$((i + 1)); done > "$T/many.txt"
"$CHOUSA" -q import list --source-name many "$T/many.txt"

check range_holds_listed 0 "$CHOUSA" lookup 162.243.103.0/24
expect range_says_records "^cidr 162\.243\.103\.0/24: 2 records, suspicious$" "$T/out"
expect range_lists_feodo "^  cidr +feodo .* 162\.243\.103\.246$" "$T/out"
expect range_lists_threatfox "^  cidr +threatfox .* 162\.243\.103\.246$" "$T/out"
refute range_not_capped "most recently seen" "$T/out"
check range_json 0 "$CHOUSA" lookup --json 162.243.103.0/24
python3 - "$T/out" <<'PY' && ok range_json_shape || not_ok range_json_shape "$(head -c 300 "$T/out")"
import json, sys
[l] = json.load(open(sys.argv[1]))
assert l["type"] == "cidr" and l["malicious"] is False, l
assert l["verdict"] == "suspicious", l["verdict"]
assert l["inside_total"] == 2, l["inside_total"]
assert sorted(r["source"] for r in l["records"]) == ["feodo", "threatfox"]
assert all(r["value"] == "162.243.103.246" for r in l["records"])
PY
check range_empty 0 "$CHOUSA" lookup 192.0.2.0/24
expect range_empty_said "^cidr 192\.0\.2\.0/24: not in the store$" "$T/out"
check range_empty_json 0 "$CHOUSA" lookup --json 192.0.2.0/24
expect range_empty_inside_zero '"inside_total":0' "$T/out"
check address_json 1 "$CHOUSA" lookup --json 162.243.103.246
expect address_inside_null '"inside_total":null' "$T/out"
# A single-host CIDR is still the address.
check slash32_is_address 1 "$CHOUSA" lookup 162.243.103.246/32
expect slash32_said "^ipv4 162\.243\.103\.246 \(given as 162\.243\.103\.246/32\): 2 records, malicious$" "$T/out"
# The same verdict as investigate's (whose status 1 is for suspicious too).
check investigate_agrees 1 "$CHOUSA" investigate --offline 162.243.103.0/24
expect investigate_says_suspicious "^Verdict: suspicious" "$T/out"

# The cap.
check capped 0 "$CHOUSA" lookup 198.18.0.0/16
expect capped_count "^cidr 198\.18\.0\.0/16: 100 records, suspicious$" "$T/out"
expect capped_said "^  \(inside the range: the 100 most recently seen of 150 records\)$" "$T/out"
check capped_json 0 "$CHOUSA" lookup --json 198.18.0.0/16
python3 - "$T/out" <<'PY' && ok capped_json_shape || not_ok capped_json_shape "$(head -c 300 "$T/out")"
import json, sys
[l] = json.load(open(sys.argv[1]))
assert l["inside_total"] == 150 and len(l["records"]) == 100, (l["inside_total"], len(l["records"]))
PY

# Through the server, the same bytes and status.
for args in "162.243.103.0/24" "--json 162.243.103.0/24" "198.18.0.0/16" "--json 198.18.0.0/16"; do
	name=remote_$(echo "$args" | tr -c 'a-z0-9\n' _)
	"$CHOUSA" lookup $args > "$T/local.out" 2> "$T/local.err"
	l=$?
	"$CHOUSA" --server "$URL" lookup $args > "$T/remote.out" 2> "$T/remote.err"
	r=$?
	same_as_local "$name" 0 "$l" "$r"
done
