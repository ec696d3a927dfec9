#!/bin/sh
# test-serve-audit-verdict.sh: the audit log's verdict of a look-up is the
# look-ups' own verdicts, counted as an investigation's are
# ("malicious:1,suspicious:1,unknown:1,not an indicator:1", the worst
# first), through REST, the web page and MCP alike: a suspicious look-up
# (a name whose registrable domain only is listed) is never "not listed".
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_up '[server]\nrate = 0\n' read alice

# audited N: until the audit log holds N lines (the writer gathers them).
audited() {
	i=0
	while [ "$(wc -l < "$T/audit.log" 2> /dev/null || echo 0)" -lt "$1" ] &&
	    [ $i -lt 500 ]; do
		sleep 0.02
		i=$((i + 1))
	done
}
# verdict_is NAME N WANT: the verdict of the audit log's line N.
verdict_is() {
	got=$(sed -n "$2p" "$T/audit.log" | python3 -c 'import json,sys; print(json.load(sys.stdin)["verdict"])' 2> /dev/null)
	[ "$got" = "$3" ] && ok "$1" || not_ok "$1" "verdict '$got', want '$3'"
}

http GET "/api/v1/lookup?indicator=dnautik.com" "$TOKEN"
status_is rest_lookup_suspicious 200
audited 1
verdict_is rest_lookup_suspicious_audited 1 "suspicious:1"

http POST /api/v1/lookup "$TOKEN" '{"indicators":["9.9.9.9","dnautik.com","bad!!","www.dnautik.com"]}'
status_is rest_lookup_mixed 200
audited 2
verdict_is rest_lookup_mixed_audited 2 \
    "malicious:1,suspicious:1,unknown:1,not an indicator:1"

http POST /api/v1/investigate "$TOKEN" '{"indicator":"dnautik.com","format":"json"}'
status_is rest_investigate 200
audited 3
verdict_is rest_investigate_same_words 3 "suspicious:1"

curl -s -H "Authorization: Bearer $TOKEN" -o "$T/lk.html" \
    "$URL/lookup?q=dnautik.com"
expect web_lookup_suspicious 'suspicious' "$T/lk.html"
audited 4
verdict_is web_lookup_audited 4 "suspicious:1"

curl -s -o "$T/mcp.body" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' \
    -H 'MCP-Protocol-Version: 2025-06-18' --data-binary \
    '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"lookup","arguments":{"indicators":["dnautik.com","9.9.9.9"]}}}' \
    "$URL/mcp"
expect mcp_lookup_answered '"result"' "$T/mcp.body"
audited 5
verdict_is mcp_lookup_audited 5 "suspicious:1,unknown:1"
refute no_lookup_not_listed '"verdict":"not listed"' "$T/audit.log"
