#!/bin/sh
# test-serve-cache-only.sh: the team server shows what its online cache
# already knows without spending anything.  After an investigate token's
# online run (the loopback replay server standing in for VirusTotal), a
# read token's REST POST /api/v1/investigate with cache_only, the MCP
# investigate tool with cache_only, and the web page's GET /report all
# give VirusTotal's answer marked cached, while the replay server sees no
# request and no quota moves; an indicator never asked online is skipped
# "not in the online cache", never a miss.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
REPLAY=
trap 'serve_stop; [ -n "$REPLAY" ] && kill $REPLAY 2>/dev/null' EXIT INT TERM

serve_store '[server]\nrate = 0\nonline_budget = 1000\n'
INV=$("$CHOUSA" -q token create --role investigate ivan)
READ=$("$CHOUSA" -q token create --role read rita)
replay_virustotal
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
cd "$T" || exit 1

used() {
	"$CHOUSA" sources --json | python3 -c 'import json, sys; print([s.get("used_today") for s in json.load(sys.stdin)["sources"] if s["name"] == "virustotal"][0])'
}
# vt FILE: "status reason cached|fresh" of VirusTotal's finding about the
# input of each report (JSON lines, or an MCP result's reports).
vt() {
	python3 - "$1" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
try:
    o = json.loads(text)
    reps = o["result"]["structuredContent"]["untrusted_data"]["reports"]
except Exception:
    reps = [json.loads(l) for l in text.splitlines() if l.strip()]
for r in reps:
    f = [f for s in r["stages"] for f in s["findings"]
         if f["source"] == "virustotal" and f["subject"] == r["indicator"]["value"]]
    f = f[0] if f else {}
    print(f.get("status"), (f.get("reason") or "-").replace(" ", "_"),
          "cached" if f.get("from_cache") else "fresh",
          "at" if f.get("cached_at") else "-")
PY
}

# ---- an analyst's online run fills the cache ----
http POST /api/v1/investigate "$INV" '{"indicator":"www.dnautik.com","offline":false,"format":"json","sources":"virustotal"}'
status_is online_run 200
cp body online.json
vt online.json > online.vt
expect online_run_asked "^hit - fresh" online.vt
# Every source, as the web page asks: 1.0.0.1 is in no local feed, so
# VirusTotal is asked (www.dnautik.com's listing would settle the verdict).
http POST /api/v1/investigate "$INV" '{"indicator":"1.0.0.1","offline":false,"format":"json"}'
status_is online_run_all_sources 200
vt body > online-all.vt
expect online_run_all_asked "^hit - fresh" online-all.vt
n0=$(sent) q0=$(spent ivan) u0=$(used)
[ "$n0" -ge 1 ] && ok online_run_sent || not_ok online_run_sent "$n0 requests"

# ---- REST, a read token: the cache alone ----
http POST /api/v1/investigate "$READ" '{"indicator":"www.dnautik.com","cache_only":true,"format":"json","sources":"virustotal"}'
status_is rest_cache_only_read_role 200
cp body rest.json
vt rest.json > rest.vt
expect rest_same_answer_cached "^$(cut -d' ' -f1 online.vt) - cached at" rest.vt
http POST /api/v1/investigate "$READ" '{"indicator":"45.30.0.99","cache_only":true,"format":"json","sources":"virustotal"}'
status_is rest_never_asked_200 200
vt body > never.vt
expect rest_never_asked_skipped "^skipped not_in_the_online_cache fresh" never.vt
http GET "/api/v1/investigate?indicator=www.dnautik.com&cache_only=1&sources=virustotal" "$READ"
status_is rest_query_cache_only 200
vt body > query.vt
expect rest_query_cached "^hit - cached" query.vt
http POST /api/v1/investigate "$INV" '{"indicator":"www.dnautik.com","cache_only":true,"offline":true}'
status_is rest_not_with_offline 400
http POST /api/v1/investigate "$INV" '{"indicator":"www.dnautik.com","cache_only":true,"refresh":true}'
status_is rest_not_with_refresh 400

# The CLI through the server: --cache-only is sent as cache_only.
CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$URL" investigate --json \
    --cache-only --sources virustotal www.dnautik.com > client.json 2> client.err
vt client.json > client.vt
expect client_cache_only_cached "^hit - cached at" client.vt

# ---- MCP, a read token ----
mcp() {
	curl -s -o "$1" -H "Authorization: Bearer $READ" \
	    -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    -H 'MCP-Protocol-Version: 2025-06-18' \
	    --data-binary "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"investigate\",\"arguments\":$2}}" \
	    "$URL/mcp"
}
mcp mcp.json '{"indicators":["www.dnautik.com"],"cache_only":true,"sources":"virustotal"}'
vt mcp.json > mcp.vt
expect mcp_cached "^hit - cached at" mcp.vt
expect mcp_summary_answered '"online":\{"answered":[1-9][0-9]*,' mcp.json
expect mcp_text_says_cache 'online cache only' mcp.json
mcp mcp-never.json '{"indicators":["45.30.0.98"],"cache_only":true,"sources":"virustotal"}'
expect mcp_never_not_cached '"skipped_not_cached":1' mcp-never.json
mcp mcp-both.json '{"indicators":["www.dnautik.com"],"cache_only":true,"online":true}'
expect mcp_not_with_online '"isError":true' mcp-both.json
curl -s -H "Authorization: Bearer $READ" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' -H 'MCP-Protocol-Version: 2025-06-18' \
    --data-binary '{"jsonrpc":"2.0","id":2,"method":"tools/list"}' "$URL/mcp" > tools.json
expect mcp_schema_has_cache_only '"cache_only":\{"type":"boolean"' tools.json

# ---- the web page: a GET of a report is the cache-only one ----
curl -s -c jar -o /dev/null -H "Origin: $URL" --data-urlencode "token=$READ" "$URL/login"
curl -s -b jar -o web.html "$URL/report?q=1.0.0.1"
expect web_get_has_cached_answer '<td>VirusTotal</td>.*cached 20' web.html
curl -s -b jar -o web-never.html "$URL/report?q=45.30.0.97"
expect web_get_never_asked_skipped 'not in the online cache' web-never.html
refute web_get_read_no_button 'id="report-online"' web.html
curl -s -c jar2 -o /dev/null -H "Origin: $URL" --data-urlencode "token=$INV" "$URL/login"
curl -s -b jar2 -o web-inv.html "$URL/report?q=1.0.0.1"
expect web_get_investigate_keeps_button 'id="report-online"' web-inv.html
expect web_get_investigate_cached '<td>VirusTotal</td>.*cached 20' web-inv.html

# ---- nothing of it was sent or spent ----
sleep 1
[ "$(sent)" = "$n0" ] && ok cache_only_sends_nothing || not_ok cache_only_sends_nothing "$n0 then $(sent) requests"
[ "$(spent ivan)" = "$q0" ] && ok cache_only_spends_no_budget || not_ok cache_only_spends_no_budget "$q0 then $(spent ivan)"
[ "$(used)" = "$u0" ] && ok cache_only_spends_no_quota || not_ok cache_only_spends_no_quota "used_today $u0 then $(used)"
