#!/bin/sh
# test-serve-mcp-http.sh: POST /mcp of chousa serve as the protocol and the
# audit log want it: each tool call audited as its REST twin is (what,
# inputs, sources, verdict, and a tool error's refusal), found by chousa
# audit; the MCP-Protocol-Version header (refused when unknown, and the
# structured result as an embedded resource before 2025-06-18); Origin
# checked against DNS rebinding; every other method a 405 that allows
# POST; ids JSON-RPC refuses.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_up '' read agent

# mcp NAME BODY [CURL ARGS...]: POST BODY to /mcp with the token; the
# status in $T/NAME.status, the headers in $T/NAME.hdr, the body in
# $T/NAME.body.
mcp() {
	n=$1
	b=$2
	shift 2
	curl -s -o "$T/$n.body" -D "$T/$n.hdr" -w '%{http_code}' \
	    -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    "$@" --data-binary "$b" "$URL/mcp" > "$T/$n.status" 2> /dev/null
}
# status NAME CODE
status() {
	got=$(cat "$T/$1.status")
	[ "$got" = "$2" ] && ok "$1_$2" ||
	    not_ok "$1_$2" "status $got: $(head -c 300 "$T/$1.body")"
}
call() {
	printf '{"jsonrpc":"2.0","id":%s,"method":"tools/call","params":{"name":"%s","arguments":%s}}' "$1" "$2" "$3"
}

# -- each tool call audited as the REST call is ------------------------------
mcp init '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}'
status init 200
V='MCP-Protocol-Version: 2025-06-18'
mcp lookup "$(call 1 lookup '{"indicators":["www[.]dnautik[.]com","8.8.8.8"]}')" -H "$V"
status lookup 200
mcp sweep "$(call 2 sweep '{"log":"GET http://www.dnautik.com/x\n","format":"text"}')" -H "$V"
status sweep 200
mcp online "$(call 3 investigate '{"indicators":["45.9.9.9"],"online":true}')" -H "$V"
status online 200
mcp inv "$(call 4 investigate '{"indicators":["www.dnautik.com"]}')" -H "$V"
status inv 200
mcp badarg "$(call 5 sweep '{"log":"x","format":"pcap"}')" -H "$V"
status badarg 200
sleep 0.3
AUDIT="$CHOUSA audit --log $T/audit.log"
check audit_mcp_lookup_by_indicator 1 $AUDIT --json --what lookup 8.8.8.8
expect audit_mcp_lookup_what '"what":"lookup",.*"mcp":"tools/call"' "$T/out"
expect audit_mcp_lookup_inputs '"inputs":\["www\[\.\]dnautik\[\.\]com","8\.8\.8\.8"\]' "$T/out"
expect audit_mcp_lookup_verdict '"sources":"store".*"verdict":"malicious:1,unknown:1"' "$T/out"
check audit_mcp_sweep 1 $AUDIT --json --what sweep
expect audit_mcp_sweep_verdict '"path":"/mcp","what":"sweep".*"inputs":\["-"\],"sources":"store".*"verdict":"hits:1"' "$T/out"
check audit_mcp_investigate 1 $AUDIT --json --what investigate www.dnautik.com
expect audit_mcp_investigate_verdict '"what":"investigate",.*"verdict":"malicious:1".*"mcp":"tools/call"' "$T/out"
check audit_mcp_refused_found 1 $AUDIT --json --refused
expect audit_mcp_online_refused '"what":"investigate".*"status":200.*"inputs":\["45\.9\.9\.9"\].*"verdict":null,"refused":"online look-ups are not allowed here' "$T/out"
expect audit_mcp_tool_error_refused '"what":"sweep".*"verdict":null,"refused":"'"'"'format'"'"' takes' "$T/out"
refute audit_mcp_refused_not_successes '"verdict":"malicious' "$T/out"
check audit_mcp_other_messages 1 $AUDIT --json --what mcp
expect audit_mcp_initialize '"what":"mcp",.*"mcp":"initialize"' "$T/out"
check audit_mcp_text 1 $AUDIT 45.9.9.9
expect audit_mcp_text_says_refusal 'investigate	200	online look-ups are not allowed' "$T/out"

# -- the protocol version header ---------------------------------------------
mcp vbad "$(call 6 lookup '{"indicators":["8.8.8.8"]}')" -H 'MCP-Protocol-Version: 1999-01-01'
status vbad 400
for v in 2025-03-26 2024-11-05 none 2025-06-18; do
	if [ "$v" = none ]; then
		mcp "v$v" "$(call 7 lookup '{"indicators":["www.dnautik.com"]}')"
	else
		mcp "v$v" "$(call 7 lookup '{"indicators":["www.dnautik.com"]}')" -H "MCP-Protocol-Version: $v"
	fi
	status "v$v" 200
done
python3 - "$T" <<'PY'
import json, os, sys
T = sys.argv[1]
def res(v):
    return json.load(open(os.path.join(T, "v%s.body" % v)))["result"]
for v in ("2025-03-26", "2024-11-05", "none"):
    r = res(v)
    rs = [c for c in r["content"] if c["type"] == "resource"]
    good = len(rs) == 1 and rs[0]["resource"]["mimeType"] == \
        "application/json" and \
        json.loads(rs[0]["resource"]["text"]) == r["structuredContent"] and \
        "dnautik" not in r["content"][0]["text"]
    print(("ok - " if good else "not ok - ") + "mcp_http_resource_" + v +
          ("" if good else ": " + json.dumps(r)[:300]))
r = res("2025-06-18")
good = [c["type"] for c in r["content"]] == ["text"]
print(("ok - " if good else "not ok - ") + "mcp_http_structured_only_2025-06-18")
PY

# -- Origin ------------------------------------------------------------------
P='{"jsonrpc":"2.0","id":8,"method":"ping"}'
mcp origin_evil "$P" -H 'Origin: http://evil.example'
status origin_evil 403
mcp origin_port "$P" -H "Origin: http://127.0.0.1:1"
status origin_port 403
mcp origin_scheme "$P" -H "Origin: https://127.0.0.1:$PORT"
status origin_scheme 403
mcp origin_own "$P" -H "Origin: http://127.0.0.1:$PORT"
status origin_own 200
mcp origin_none "$P"
status origin_none 200

# -- every method but POST: 405, Allow: POST ----------------------------------
for m in GET DELETE PUT PATCH OPTIONS; do
	mcp "m$m" '{}' -X "$m"
	status "m$m" 405
	grep -qi '^Allow: POST' "$T/m$m.hdr" && ok "mcp_${m}_allows_post" ||
	    not_ok "mcp_${m}_allows_post" "$(grep -i '^allow' "$T/m$m.hdr")"
done
# A client ending its session (DELETE) is told there is none, not "no stream".
expect mcp_DELETE_says_no_session 'keeps no session' "$T/mDELETE.body"

# -- ids JSON-RPC refuses ------------------------------------------------------
mcp idfrac '{"jsonrpc":"2.0","id":1.5,"method":"ping"}'
status idfrac 400
expect mcp_http_id_fraction '"id":null,"error":\{"code":-32600' "$T/idfrac.body"
mcp idnull '{"jsonrpc":"2.0","id":null,"method":"ping"}'
status idnull 400
expect mcp_http_id_null '"id":null,"error":\{"code":-32600' "$T/idnull.body"
