#!/bin/sh
# test-serve-head.sh: a request whose line and headers are past the 32 KiB
# the server takes is refused by the server itself: 414 for a long URI
# (a GET of many indicators), 431 for large headers, each with the
# server's own headers (nosniff, the CSP, no-store), a JSON error,
# Connection: close, and an audit line.  Up to the limit the request is
# answered; just past it the answer is never a hang-up without one.
# Past libmicrohttpd's buffers (the limit and 16 KiB) it answers by itself, as
# docs/team.md says: a bare HTML page.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_up '[server]\nrate = 0\n' read header

python3 - "$PORT" "$TOKEN" > "$T/head" 2>&1 <<'PY'
import socket, sys
port, tok = int(sys.argv[1]), sys.argv[2].encode()

def ask(name, query=b"", headers=b""):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(10)
    s.sendall(b"GET /api/v1/lookup?indicator=1.2.3.4" + query
              + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
              + b"Authorization: Bearer " + tok + b"\r\n" + headers + b"\r\n")
    out = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
    except socket.timeout:
        out += b"<open>"
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode("latin1").split("\r\n")
    print("%s|status=%s" % (name, lines[0] if lines[0] else "none"))
    for h in lines[1:]:
        print("%s|header=%s" % (name, h.lower()))
    print("%s|body=%s" % (name, body[:200].decode("latin1")))

pad = b"&indicator=" + b"a" * 1000
# 28 parameters of 1 KB, each counting 64 bytes more: 30 KiB.
ask("fits", (b"&indicator=" + b"c" * 1000) * 28)
# Many short parameters: 300 fit; 600 (11 KB of URI) would fill
# libmicrohttpd's buffers, and are refused by the server first.
ask("params_fit", b"&indicator=1.2.3.4" * 300)
ask("params_many", b"&indicator=1.2.3.4" * 600)
# The URI alone past 32 KiB, at the limit's edge and well past it.
ask("uri_edge", pad * 33)
ask("uri_long", pad * 42)
# The headers past it: one large, or many.
ask("header_big", headers=b"X-Pad: " + b"b" * 40000 + b"\r\n")
ask("header_many", headers=b"".join(b"X-Pad-%d: %s\r\n" % (i, b"b" * 150)
                                    for i in range(210)))
# Past libmicrohttpd's own buffers: its answer.
ask("uri_past_buffers", pad * 80)
PY
expect fits_answered '^fits\|status=HTTP/1.1 200 ' "$T/head"
expect params_fit_answered '^params_fit\|status=HTTP/1.1 200 ' "$T/head"
expect params_many_says_post '^params_many\|body=\{"error":"the URI.s 601 query parameters are over the 32 KiB the server takes .*: send many indicators in a POST body' "$T/head"
for c in uri_edge uri_long params_many header_big header_many; do
	case $c in uri*|params*) code=414 ;; *) code=431 ;; esac
	expect "${c}_${code}" "^$c\|status=HTTP/1.1 $code " "$T/head"
	expect "${c}_nosniff" "^$c\|header=x-content-type-options: nosniff$" "$T/head"
	expect "${c}_csp" "^$c\|header=content-security-policy: default-src 'none'" "$T/head"
	expect "${c}_no_store" "^$c\|header=cache-control: no-store$" "$T/head"
	expect "${c}_json" "^$c\|header=content-type: application/json$" "$T/head"
	expect "${c}_closed" "^$c\|header=connection: close$" "$T/head"
done
expect uri_long_says_post '^uri_long\|body=\{"error":"the URI is over 32 KiB: send many indicators in a POST body' "$T/head"
expect header_big_says '^header_big\|body=\{"error":"the headers are over 32 KiB' "$T/head"
# libmicrohttpd's own answer, as documented: no header of the server's.
expect past_buffers_414 '^uri_past_buffers\|status=HTTP/1.1 414 ' "$T/head"
refute past_buffers_bare '^uri_past_buffers\|header=x-content-type-options' "$T/head"

# Each refusal the server made is audited, without the URI's query.
[ "$(grep -c '"status":414' "$T/audit.log")" = 3 ] && ok uri_refusals_audited ||
	not_ok uri_refusals_audited "$(grep -c '"status":414' "$T/audit.log")"
[ "$(grep -c '"status":431' "$T/audit.log")" = 2 ] && ok header_refusals_audited ||
	not_ok header_refusals_audited "$(grep -c '"status":431' "$T/audit.log")"
refute audit_no_query 'aaaaaaaaaa' "$T/audit.log"
# Each says what was asked, as a request routed would: a look-up.
[ "$(grep -E '"status":(414|431)' "$T/audit.log" | grep -c '"what":"lookup"')" = 5 ] &&
	ok refusals_say_what || not_ok refusals_say_what "$(grep -E '"status":(414|431)' "$T/audit.log")"
# A path that is no route's: what is null (docs/json.md).
http GET /api/v1/no-such-thing "$TOKEN"
status_is no_route_404 404
i=0
while ! grep -q '"status":404' "$T/audit.log" && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done
expect no_route_what_null '"status":404.*"what":null|"what":null.*"status":404' "$T/audit.log"

# The server still answers after them.
http GET /api/v1/health
status_is health_after 200
