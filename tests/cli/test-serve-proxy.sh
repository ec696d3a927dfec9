#!/bin/sh
# test-serve-proxy.sh: chousa serve behind a real nginx, configured by the
# example the project ships (dist/chousa.nginx, only its addresses and
# certificate paths changed), with [server] trusted_proxies naming it.
#  1. Through the proxy: a look-up, a sweep streamed up, an import, the
#     CLI (--server https://proxy) and MCP all work; a client that leaves in
#     the middle of an import has it rolled back, as without the proxy.
#  2. The audit log records the analyst's own address (the client is
#     127.0.0.2, the proxy 127.0.0.1), with the proxy's beside it; an
#     X-Forwarded-For the client sent itself is not believed.
#  3. The web page: its forms pass through (the Host with its port), and
#     the session cookie is Secure and __Host- prefixed (the bare name not
#     taken) and HSTS sent, the proxy having taken the TLS.
#  4. Straight to the server, from an address that is not a trusted
#     proxy, the headers are ignored; and by default they always are.
#  5. Behind proxies, the limit of connections per address applies only
#     when max_per_ip is set (else it would cap the whole team).
#  6. A trusted_proxies entry that is no address is refused at start.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
NGINX=/usr/sbin/nginx
NGINX_PID=
nginx_stop() {
	[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2> /dev/null && wait "$NGINX_PID" 2> /dev/null
	NGINX_PID=
}
trap 'nginx_stop; serve_stop' EXIT INT TERM

if [ ! -x "$NGINX" ] || ! command -v openssl > /dev/null 2>&1; then
	not_ok nginx_available "nginx and openssl are needed (scripts/install-deps.sh test)"
	exit 0
fi
cd "$T" || exit 1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout px.key -out px.pem -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 > /dev/null 2>&1

serve_store '[server]\nrate = 0\n'
printf '[server]\nrate = 0\ntrusted_proxies = 127.0.0.1, ::1\n[http]\nca_file = %s\n' "$T/px.pem" > "$T/config"
READ=$("$CHOUSA" -q token create --role read analyst)
ADMIN=$("$CHOUSA" -q token create --role admin lead)
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }

NPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -e "s|listen 443 ssl;|listen 127.0.0.1:$NPORT ssl;|" \
    -e "s|/etc/ssl/chousa/fullchain.pem|$T/px.pem|" \
    -e "s|/etc/ssl/chousa/privkey.pem|$T/px.key|" \
    -e "s|http://127.0.0.1:8080|http://127.0.0.1:$PORT|" \
    "$TESTS/../dist/chousa.nginx" > site.conf
[ "$(grep -c -e "$NPORT ssl" -e "$T/px" -e ":$PORT;" site.conf)" = 4 ] &&
	ok example_adapted || not_ok example_adapted "$(cat site.conf)"
nginx_conf "$T/nginx.conf" "$T/site.conf"
check example_accepted_by_nginx 0 "$NGINX" -t -q -p "$T" -c "$T/nginx.conf" -e "$T/nginx.err"
"$NGINX" -p "$T" -c "$T/nginx.conf" -e "$T/nginx.err" 2>> "$T/nginx.err" &
NGINX_PID=$!
PX="https://127.0.0.1:$NPORT"
i=0
until curl -s -o /dev/null --cacert px.pem "$PX/api/v1/health" || [ $i -ge 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
# px ARGS...: curl through the proxy as a client at 127.0.0.2.
px() {
	curl -s --cacert "$T/px.pem" --interface 127.0.0.2 "$@"
}
# last_audit PATTERN: the audit log's last line about PATTERN, once written.
last_audit() {
	sleep 0.2
	grep -F -- "$1" "$T/audit.log" | tail -n 1 > "$T/audit.last"
}

# ---- 1 and 2. the API through the proxy, and who asked ----
px -H "Authorization: Bearer $READ" -o lk.json -w '%{http_code}' \
    "$PX/api/v1/lookup?indicator=www.dnautik.com" > code
[ "$(cat code)" = 200 ] && ok proxied_lookup_200 || not_ok proxied_lookup_200 "HTTP $(cat code): $(tail -n 5 nginx.err)"
expect proxied_lookup_answer '"malicious"' lk.json
last_audit 'www.dnautik.com'
expect audit_client_behind_proxy '"peer":"127.0.0.2","proxy":"127.0.0.1"' audit.last
px -H "Authorization: Bearer $READ" -H "X-Forwarded-For: 203.0.113.66" \
    -o /dev/null "$PX/api/v1/lookup?indicator=spoofed-case.com"
last_audit 'spoofed-case.com'
expect audit_spoofed_header_not_believed '"peer":"127.0.0.2","proxy":"127.0.0.1"' audit.last
refute audit_spoofed_address_absent '203\.0\.113\.66' audit.last
# A client on the proxy's own address: still said as through the proxy.
curl -s --cacert "$T/px.pem" -H "Authorization: Bearer $READ" \
    -o /dev/null "$PX/api/v1/lookup?indicator=same-host-case.com"
last_audit 'same-host-case.com'
expect audit_same_host_client_through_proxy '"peer":"127.0.0.1","proxy":"127.0.0.1"' audit.last
printf 'GET http://www.dnautik.com/x HTTP/1.1\nnothing\n' > proxy.log
px -H "Authorization: Bearer $READ" -H "Transfer-Encoding: chunked" \
    --data-binary @proxy.log -o sweep.json -w '%{http_code}' \
    "$PX/api/v1/sweep" > code
[ "$(cat code)" = 200 ] && ok proxied_sweep_chunked_200 || not_ok proxied_sweep_chunked_200 "HTTP $(cat code): $(head -c 200 sweep.json)"
expect proxied_sweep_hit '"www.dnautik.com"' sweep.json
printf 'proxied-case.com\n' > case.txt
check cli_import_through_proxy 0 env CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "$PX" -q import list --source-name proxied case.txt
check cli_lookup_through_proxy 1 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$PX" lookup proxied-case.com
expect cli_lookup_through_proxy_found 'proxied' "$T/out"

# An agent through the proxy: MCP over streamable HTTP, a tool called.
mcp() {
	px -H "Authorization: Bearer $READ" -H "Content-Type: application/json" \
	    -H "Accept: application/json, text/event-stream" --data "$1" "$PX/mcp"
}
mcp '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"proxy-test","version":"1"}}}' > mcp1.out
expect mcp_through_proxy_initializes '"serverInfo"' mcp1.out
mcp '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"lookup","arguments":{"indicators":["www.dnautik.com"]}}}' > mcp2.out
expect mcp_through_proxy_tool_answers '"malicious": *1' mcp2.out

# A client that leaves in the middle of an import: nginx closes its
# connection to the server, which stops the import and rolls it back.
python3 -c "
import sys
for i in range(120000):
    sys.stdout.write('left-%d-case.com\\n' % i)" > big.txt
before=$(sqlite3 "$CHOUSA_DB" "SELECT count(*) FROM indicators")
curl -s --cacert px.pem --interface 127.0.0.2 -o /dev/null \
    -H "Authorization: Bearer $ADMIN" --data-binary @big.txt \
    "$PX/api/v1/import?source=list&name=big.txt" &
client=$!
log_wait "import: big.txt of"
kill $client
wait $client
import_left proxied_client_left big.txt lead

# ---- 3. the web page through the proxy ----
px -c jar -D login.h -o /dev/null -H "Origin: $PX" \
    --data-urlencode "token=$READ" "$PX/login"
expect session_cookie_secure_behind_tls_proxy '^Set-Cookie: __Host-chousa_session=[^;]+; Path=/; .*; Secure' login.h
expect hsts_behind_tls_proxy '^Strict-Transport-Security: max-age=31536000' login.h
px -b jar -o home.html "$PX/"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' home.html | head -n 1)
# Answered by a redirect to the table, followed through the proxy.
px -L -b jar -H "Origin: $PX" -o triage.html -w '%{http_code}' \
    --data-urlencode "csrf=$csrf" --data-urlencode "text=see www[.]dnautik[.]com" \
    "$PX/triage" > code
[ "$(cat code)" = 200 ] && ok web_form_through_proxy || not_ok web_form_through_proxy "HTTP $(cat code): $(head -c 300 triage.html)"
expect web_form_answer 'dnautik' triage.html
# The bare name is plain http's: through the TLS proxy it is not taken.
SID=$(awk '$6 ~ /chousa_session$/ { print $7 }' jar)
px -b "chousa_session=$SID" -o /dev/null -w '%{http_code}' "$PX/" > code
[ "$(cat code)" = 303 ] && ok bare_cookie_not_taken_behind_tls_proxy || not_ok bare_cookie_not_taken_behind_tls_proxy "HTTP $(cat code)"

# ---- 4. not from a trusted proxy: the headers are ignored ----
curl -s --interface 127.0.0.2 -H "Authorization: Bearer $READ" \
    -H "X-Forwarded-For: 203.0.113.67" -H "X-Forwarded-Proto: https" \
    -o /dev/null "http://127.0.0.1:$PORT/api/v1/lookup?indicator=direct-case.com"
last_audit 'direct-case.com'
expect audit_direct_client_is_peer '"peer":"127.0.0.2","proxy":null,"method"' audit.last
curl -s --interface 127.0.0.2 -c jar2 -D login2.h -o /dev/null \
    -H "Origin: http://127.0.0.1:$PORT" -H "X-Forwarded-Proto: https" \
    --data-urlencode "token=$READ" "http://127.0.0.1:$PORT/login"
expect direct_session_cookie_set '^Set-Cookie: chousa_session=' login2.h
refute direct_session_cookie_not_secure '^Set-Cookie: chousa_session=.*Secure' login2.h
refute direct_plain_no_hsts '^Strict-Transport-Security' login2.h
nginx_stop
serve_stop
printf '[server]\nrate = 0\n' > "$T/config"
serve_start || { not_ok server_starts_without_proxies "$(head -c 300 "$T/serve.log")"; exit 0; }
curl -s -H "Authorization: Bearer $READ" -H "X-Forwarded-For: 203.0.113.68" \
    -o /dev/null "http://127.0.0.1:$PORT/api/v1/lookup?indicator=default-case.com"
last_audit 'default-case.com'
expect audit_default_ignores_header '"peer":"127.0.0.1","proxy":null,"method"' audit.last
serve_stop

# ---- 5. the limit of connections per address ----
# Behind proxies every client has their address: unless max_per_ip is set,
# it does not apply.  520 connections open at once, each then asking.
# answered NAME WANT CONFIG: a server with CONFIG answers WANT of 520
# connections opened at once.
answered() {
	printf "$3" > "$T/config"
	serve_start || { not_ok "$1_server_starts" "$(head -c 300 "$T/serve.log")"; return; }
	n=$(python3 "$TESTS/cli/serve_many.py" "$PORT" 520)
	[ "$n" = "$2" ] && ok "$1 ($n of 520)" || not_ok "$1" "$n of 520 answered"
	serve_stop
}
answered per_address_limit_off_behind_proxies 520 '[server]\nrate = 0\ntrusted_proxies = 127.0.0.1\n'
answered per_address_limit_when_set 500 '[server]\nrate = 0\ntrusted_proxies = 127.0.0.1\nmax_per_ip = 500\n'

# ---- 6. a bad entry ----
printf '[server]\ntrusted_proxies = 127.0.0.1, 10.0.0.0/99\n' > "$T/config"
check bad_trusted_proxy_refused 3 "$CHOUSA" serve --listen 127.0.0.1:0
expect bad_trusted_proxy_said "bad trusted proxy '10.0.0.0/99': want an address or CIDR" "$T/err"
