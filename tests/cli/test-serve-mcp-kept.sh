#!/bin/sh
# test-serve-mcp-kept.sh: POST /mcp's investigate tool answers an offline
# call of one indicator from the answers kept (src/serve/kept.c), as the
# REST route does: the same arguments asked again, in any order or spacing
# and under another JSON-RPC id, get the kept result in their own envelope
# (their own id), an Age header, and an audit line that says kept.
# Arguments that change the answer (the indicator, depth, sources, at,
# the protocol version's embedded resource) are another answer; text,
# lists and cache_only run every time; an import by another process makes
# the next call run again.  A burst of one call behind others runs once.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_up '[server]\nrate = 0\ninvestigate_threads = 1\n' read agent

# mcp NAME ID ARGUMENTS: tools/call investigate with ARGUMENTS under id
# ID, in protocol version $VERSION; the body in $T/NAME.body, the headers
# in $T/NAME.hdr, the status in $T/NAME.status.
VERSION=2025-06-18
mcp() {
	name=$1
	b=$(printf '{"jsonrpc":"2.0","id":%s,"method":"tools/call","params":{"name":"investigate","arguments":%s}}' "$2" "$3")
	curl -s -o "$T/$name.body" -D "$T/$name.hdr" -w '%{http_code}' \
	    -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    -H "MCP-Protocol-Version: $VERSION" --data-binary "$b" "$URL/mcp" > "$T/$name.status" 2> /dev/null
}
# kept NAME / fresh NAME: call NAME's answer came from the kept ones, or
# not (its Age header).
kept() {
	grep -qi '^Age: [0-9]' "$T/$1.hdr" && ok "mcp_kept_$1" ||
	    not_ok "mcp_kept_$1" "no Age header: $(tr '\r\n' '||' < "$T/$1.hdr") $(head -c 200 "$T/$1.body")"
}
fresh() {
	grep -qi '^Age:' "$T/$1.hdr" && not_ok "mcp_fresh_$1" "kept: $(tr '\r\n' '||' < "$T/$1.hdr")" ||
	    ok "mcp_fresh_$1"
}
kept_total() {
	http GET /metrics "$TOKEN"
	sed -n 's/^chousa_investigations_kept_total \([0-9]*\).*/\1/p' "$T/body"
}
# same_result A B: the two answers' results alike, each with its own id.
same_result() {
	python3 - "$T/$1.body" "$T/$2.body" "$3" "$4" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
sys.exit(0 if a["result"] == b["result"] and not a["result"]["isError"]
         and a["id"] == json.loads(sys.argv[3]) and b["id"] == json.loads(sys.argv[4]) else 1)
PY
}

A='{"indicators":["www.dnautik.com"]}'
mcp first 1 "$A"
fresh first
mcp again '"second"' '{ "online" : false, "indicators" : [ "www.dnautik.com" ] }'
kept again
[ "$(cat "$T/again.status")" = 200 ] && ok mcp_kept_200 || not_ok mcp_kept_200 "$(cat "$T/again.status")"
same_result first again 1 '"second"' && ok mcp_kept_own_id_same_result ||
    not_ok mcp_kept_own_id_same_result "$(head -c 300 "$T/again.body")"
[ "$(kept_total)" = 1 ] && ok mcp_kept_counted || not_ok mcp_kept_counted "$(grep kept_total "$T/body")"

# The audit log says the same of both, and that the second was kept.
i=0
while [ "$(grep -c '"/mcp"' "$T/audit.log" 2> /dev/null)" -lt 2 ] && [ $i -lt 250 ]; do
	sleep 0.02
	i=$((i + 1))
done
python3 - "$T/audit.log" <<'PY' && ok mcp_kept_audited || not_ok mcp_kept_audited "$(grep '"/mcp"' "$T/audit.log" | tail -2)"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if '"/mcp"' in l]
a, b = rows[0], rows[1]
sys.exit(0 if len(rows) == 2 and a.get("verdict") and a.get("verdict") == b.get("verdict")
         and a.get("sources") == b.get("sources") and a.get("what") == b.get("what") == "investigate"
         and a.get("inputs") == b.get("inputs") == ["www.dnautik.com"]
         and a.get("kept", 0) is None and isinstance(b.get("kept"), int) else 1)
PY

# Arguments that change the answer are another answer: each runs, then
# is kept under its own.
n=0
for args in '{"indicators":["dnautik.com"]}' \
    '{"indicators":["www.dnautik.com"],"depth":0}' \
    '{"indicators":["www.dnautik.com"],"sources":"local"}' \
    '{"indicators":["www.dnautik.com"],"at":"2024-03-13T18:49:10Z"}'; do
	n=$((n + 1))
	mcp "other$n" 10 "$args"
	fresh "other$n"
	mcp "other${n}_again" 11 "$args"
	kept "other${n}_again"
done
# A session before 2025-06-18 has the result as an embedded resource too.
VERSION=2025-03-26
mcp old 12 "$A"
VERSION=2025-06-18
fresh old
grep -q '"type":"resource"' "$T/old.body" && ok mcp_kept_old_has_resource ||
    not_ok mcp_kept_old_has_resource "$(head -c 300 "$T/old.body")"
mcp new 13 "$A"
kept new
grep -q '"type":"resource"' "$T/new.body" && not_ok mcp_kept_new_no_resource "$(head -c 300 "$T/new.body")" ||
    ok mcp_kept_new_no_resource

# Never kept: lists, text, the online cache's answers.
for args in '{"indicators":["www.dnautik.com","example.org"]}' \
    '{"text":"seen at www.dnautik.com"}' \
    '{"indicators":["www.dnautik.com"],"cache_only":true}'; do
	n=$((n + 1))
	mcp "never$n" 20 "$args"
	mcp "never$n" 21 "$args"
	fresh "never$n"
done

# A commit by another process: the next call runs, and tells of it.
printf '{"name":"kept test","version":1,"description":"test","type":"hostname","list":["www.dnautik.com"]}\n' > "$T/wl.json"
check mcp_kept_import 0 "$CHOUSA" -q import warninglist "$T/wl.json"
mcp after 30 "$A"
fresh after
grep -q 'kept test' "$T/after.body" && ok mcp_kept_new_answer_has_commit ||
    not_ok mcp_kept_new_answer_has_commit "$(head -c 300 "$T/after.body")"
mcp after_again 31 "$A"
kept after_again

# A burst of one call behind long investigations (one thread): it runs
# once, and every answer has its own id.
before=$(kept_total)
python3 - "$URL" "$TOKEN" "$T/burst" <<'PY'
import json, sys, threading
from serve_http import Burst, addresses, request
url, token, out = sys.argv[1], sys.argv[2], sys.argv[3]
long = Burst(url, token, [{"indicators": addresses(k), "offline": True} for k in range(4)])
answers = {}
def call(i):
    body = {"jsonrpc": "2.0", "id": i, "method": "tools/call",
            "params": {"name": "investigate",
                       "arguments": {"indicators": ["burst.example.net"]}}}
    r = request(url, "/mcp", token, json.dumps(body).encode())
    answers[i] = json.loads(r.read())
threads = [threading.Thread(target=call, args=(i,)) for i in range(10)]
for t in threads:
    t.start()
for t in threads:
    t.join()
long.join()
ids = sorted(a["id"] for a in answers.values())
results = {json.dumps(a["result"], sort_keys=True) for a in answers.values()}
open(out, "w").write("%s %d\n" % (ids, len(results)))
PY
[ "$(cat "$T/burst")" = "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9] 1" ] && ok mcp_kept_burst_own_ids ||
    not_ok mcp_kept_burst_own_ids "$(cat "$T/burst")"
after=$(kept_total)
[ $((after - before)) = 9 ] && ok mcp_kept_burst_runs_once ||
    not_ok mcp_kept_burst_runs_once "$((after - before)) of 10 kept, want 9"
