#!/bin/sh
# test-serve-methods.sh: what each route of chousa serve takes, by method
# and by body.
#  1. Every route of the tables (src/serve/*.c) answers a method it does
#     not take with 405 and an Allow naming exactly the methods that work
#     on its path (the tokens' NAME, NAME/rotate and NAME/readmit each
#     their own), and no method Allow names gets a 405.
#  2. A body sent as a multipart form (curl -F, python requests' files=)
#     to a route that reads its body as it is gets 415 saying to send the
#     file with curl --data-binary @FILE, on every such route; an import
#     so sent leaves the store as it was (its boundary, an MD5 to a
#     reader of lists, is no indicator of it).
#  3. A GET with a body is 413, as on every path that takes none.
#  4. An MCP notification's 202 has no body and says no Content-Type.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

# Every route is asked, POST /api/v1/update too: the feeds point at a
# closed loopback port, so that the update it starts asks no one outside.
feeds=""
for f in urlhaus threatfox feodo malwarebazaar malpedia warninglist; do
	feeds="$feeds${f}_url = http://127.0.0.1:9/$f\n"
done
serve_up "[feeds]\n$feeds" admin boss

# ---- 1. 405 and Allow, on every route ---------------------------------------
python3 - "$URL" "$TOKEN" "$TESTS/../src/serve" > "$T/allow.out" 2>&1 <<'PY'
import re, sys, urllib.error, urllib.request
url, token, src = sys.argv[1:4]
paths = {}
for f in ("api.c", "web.c", "mcp.c", "metrics.c", "health.c"):
    text = open(src + "/" + f).read()
    for path, methods in re.findall(r'\{ "(/[^"]*)", (M_[A-Z_ |]+),', text):
        paths.setdefault(path, set()).update(re.findall(r"M_([A-Z]+)", methods))

def send(method, path):
    req = urllib.request.Request(url + path, method=method,
                                 data=b"" if method in ("POST", "PUT") else None)
    req.add_header("Authorization", "Bearer " + token)
    try:
        r = urllib.request.urlopen(req, timeout=30)
        return r.status, r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.headers

for pattern, methods in sorted(paths.items()):
    path = pattern.replace("*", "nobody")
    works = [m for m in ("GET", "POST", "DELETE") if m in methods]
    if "GET" in works:
        works.insert(1, "HEAD")
    want = ", ".join(works)
    for m in ("GET", "HEAD", "POST", "DELETE", "PUT"):
        if "OTHER" in methods:
            break        # /mcp answers every other method itself
        st, h = send(m, path)
        if m in works:
            print(("ok" if st != 405 else "not ok") +
                  " - %s %s works (%s)" % (m, pattern, st))
        elif st == 405 and h.get("Allow") == want:
            print("ok - %s %s 405 Allow: %s" % (m, pattern, want))
        else:
            print("not ok - %s %s: %s Allow %r, want 405 Allow %r"
                  % (m, pattern, st, h.get("Allow"), want))
PY
cat "$T/allow.out"
grep -q "^ok - DELETE /api/v1/tokens/\*/rotate 405 Allow: POST$" "$T/allow.out" &&
	ok rotate_own_allow || not_ok rotate_own_allow "no such line"
grep -q "^ok - PUT /api/v1/tokens/\* 405 Allow: POST, DELETE$" "$T/allow.out" &&
	ok token_name_allow || not_ok token_name_allow "no such line"
[ "$(grep -c '^ok - ' "$T/allow.out")" -gt 60 ] && ok allow_every_route ||
	not_ok allow_every_route "$(grep -c '^ok - ' "$T/allow.out") lines"

# ---- 2. a multipart form, on every route that reads its body as it is -------
BOUNDARY=0123456789abcdef0123456789abcdef
printf -- '--%s\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\n203.0.113.77\r\n--%s--\r\n' \
    "$BOUNDARY" "$BOUNDARY" > "$T/form"
for p in "/api/v1/import?source=list&source_name=formcase" "/api/v1/sweep" \
    /api/v1/extract /api/v1/lookup /api/v1/investigate /api/v1/tokens \
    /api/v1/tokens/boss /api/v1/tokens/boss/rotate \
    /api/v1/tokens/boss/readmit /mcp; do
	n=$(echo "$p" | sed 's|^/api/v1/||; s|^/||; s|?.*||; s|/|_|g')
	http POST "$p" "$TOKEN" "$(cat "$T/form")" "multipart/form-data; boundary=$BOUNDARY"
	status_is "form_${n}_415" 415
	expect "form_${n}_says_how" "not a form \(Content-Type multipart/form-data\): send it with curl --data-binary @FILE" "$T/body"
done
http GET "/api/v1/lookup?indicator=$BOUNDARY" "$TOKEN"
refute form_boundary_not_imported '"malicious":true' "$T/body"
http GET "/api/v1/lookup?indicator=203.0.113.77" "$TOKEN"
refute form_file_not_imported 'formcase' "$T/body"
# curl --data-binary's own label stays taken.
http POST "/api/v1/extract" "$TOKEN" "see 203.0.113.9" application/x-www-form-urlencoded
status_is urlencoded_extract_200 200

# ---- 3. a GET with a body -----------------------------------------------------
for p in "/api/v1/lookup?indicator=8.8.8.8" "/api/v1/investigate?indicator=8.8.8.8&offline=1" \
    /api/v1/sources /api/v1/tokens; do
	n=$(echo "$p" | sed 's|^/api/v1/||; s|?.*||')
	code=$(curl -s -o "$T/body" -w '%{http_code}' -X GET -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/json' --data '{"indicators":["8.8.8.8"]}' "$URL$p")
	[ "$code" = 413 ] && ok "get_body_${n}_413" || not_ok "get_body_${n}_413" "HTTP $code: $(head -c 200 "$T/body")"
done
expect get_body_says_no_body "takes no body" "$T/body"

# ---- 4. an MCP notification ------------------------------------------------------
curl -s -D "$T/n.hdr" -o "$T/n.body" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -H 'MCP-Protocol-Version: 2025-06-18' \
    --data-binary '{"jsonrpc":"2.0","method":"notifications/initialized"}' "$URL/mcp"
expect mcp_notification_202 "^HTTP/1\.1 202" "$T/n.hdr"
refute mcp_notification_no_type "^Content-Type:" "$T/n.hdr"
[ ! -s "$T/n.body" ] && ok mcp_notification_no_body || not_ok mcp_notification_no_body "$(head -c 100 "$T/n.body")"
# One without "jsonrpc": "2.0" is another protocol's: refused, not taken.
curl -s -D "$T/n2.hdr" -o "$T/n2.body" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -H 'MCP-Protocol-Version: 2025-06-18' \
    --data-binary '{"method":"notifications/initialized"}' "$URL/mcp"
expect mcp_notification_without_version_400 "^HTTP/1\.1 400" "$T/n2.hdr"
expect mcp_notification_without_version_said '"code":-32600,"message":"a JSON-RPC 2.0 request is expected' "$T/n2.body"
