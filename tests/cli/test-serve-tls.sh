#!/bin/sh
# test-serve-tls.sh: the team server's certificate (src/serve/tls.c).
#  1. A chain (leaf, then the intermediate that signed it) is served
#     whole: a client that trusts only the root verifies it.
#  2. SIGHUP after a renewal puts the new pair in force for new
#     connections; a connection already up goes on with the old one.
#     /metrics gives the notAfter in force; the log says it.
#  3. A renewal gone wrong (a file that is no certificate, a key of
#     another certificate, a missing file) is said, and the pair in force
#     kept: clients see no change.
#  4. At start, the same faults are refused with what is wrong.
#  5. A TLS client that leaves in the middle of an import with a
#     close_notify before its FIN (a clean TLS close, unread bytes in the
#     server's socket) stops the import as a killed client does.
#  6. The files' paths named in the config (not by an option): changed
#     there, the next SIGHUP reads the pair from the new paths, and says
#     so.  GET /api/v1/health's tls check gives the end.
#  7. A certificate ending within 14 days: the health check is degraded
#     and says to renew it.
#  8. chousa --server as the client: an unknown CA refused with how to
#     trust it ([http] ca_file), which then works.
#  9. TLS 1.0 and 1.1 are refused; 1.2 is taken.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

need_openssl || exit 0
cd "$T" || exit 1
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2> /dev/null; }
ca_ext='basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign'
leaf_ext='basicConstraints=CA:FALSE
subjectAltName=IP:127.0.0.1
extendedKeyUsage=serverAuth'
printf '%s\n' "$ca_ext" > ca.ext
printf '%s\n' "$leaf_ext" > leaf.ext
ec root.key && openssl req -x509 -key root.key -subj /CN=test-root -days 30 \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out root.pem 2> /dev/null
ec inter.key && openssl req -new -key inter.key -subj /CN=test-inter -out inter.csr 2> /dev/null &&
	openssl x509 -req -in inter.csr -CA root.pem -CAkey root.key -CAcreateserial \
	    -days 30 -extfile ca.ext -out inter.pem 2> /dev/null
# Leaves: A for 30 days, B (the renewal) for 90, C ending in 5 days.
for l in a:30 b:90 c:5; do
	ec "${l%:*}.key"
	openssl req -new -key "${l%:*}.key" -subj /CN=127.0.0.1 -out "${l%:*}.csr" 2> /dev/null
	openssl x509 -req -in "${l%:*}.csr" -CA inter.pem -CAkey inter.key \
	    -CAcreateserial -days "${l#*:}" -extfile leaf.ext -out "${l%:*}.leaf" 2> /dev/null
	cat "${l%:*}.leaf" inter.pem > "${l%:*}.chain"
done
[ -s a.chain ] && [ -s b.chain ] && ok certificates_made ||
	{ not_ok certificates_made "openssl failed"; exit 0; }
end_of() { date -u -d "$(openssl x509 -noout -enddate -in "$1" | cut -d= -f2)" +%s; }

serve_store '[server]\nrate = 0\n'
TOKEN=$("$CHOUSA" -q token create --role read tls)
ADMIN=$("$CHOUSA" -q token create --role admin tlsadmin)
# serve --check reads the pair as a start would, starting nothing.
check check_tls_ok 0 "$CHOUSA" serve --check --listen 0.0.0.0:0 --tls-cert a.chain --tls-key a.key
expect check_tls_ok_said '^ok +tls +certificate and key agree, valid until 20' "$T/out"
expect check_tls_listen_https '^ok +listen +0\.0\.0\.0:0 \(HTTPS\)$' "$T/out"
check check_tls_mismatch 2 "$CHOUSA" serve --check --tls-cert a.chain --tls-key b.key
expect check_tls_mismatch_said '^error +tls +' "$T/out"
expect check_tls_mismatch_one_line '^chousa: serve --check: 1 problem: tls: ' "$T/err"
check check_tls_near_end 0 "$CHOUSA" serve --check --tls-cert c.chain --tls-key c.key
expect check_tls_near_end_said '^warning +tls +the certificate ends on 20.*, in 5 days: renew it, then reload' "$T/out"
# A file missing or unreadable: the tls check's error, naming the file and
# the option or config key that named it, among the other lines; exit 2.
check check_tls_missing_key 2 "$CHOUSA" serve --check --tls-cert a.chain --tls-key "$T/nonexist"
expect check_tls_missing_key_said "^error +tls +cannot read the TLS key in '$T/nonexist' \(--tls-key\): No such file or directory$" "$T/out"
expect check_tls_missing_key_other_lines '^ok +listen ' "$T/out"
expect check_tls_missing_key_one_line '^chousa: serve --check: 1 problem: tls: cannot read the TLS key' "$T/err"
printf '[server]\ntls_cert = %s/nonexist.pem\ntls_key = %s/a.key\n' "$T" "$T" > tlsmiss.conf
check check_tls_missing_cert_json 2 "$CHOUSA" --config tlsmiss.conf --json serve --check
expect check_tls_missing_cert_json_said "\"check\":\"tls\",\"status\":\"error\",\"detail\":\"cannot read the TLS certificate in '$T/nonexist\.pem' \(\[server\] tls_cert in tlsmiss\.conf\): No such file or directory\"" "$T/out"
# At start the same, exit 3: a file that cannot be read.
check start_tls_missing_cert 3 "$CHOUSA" --config tlsmiss.conf serve --listen 127.0.0.1:0
expect start_tls_missing_cert_said "^chousa: serve: cannot read the TLS certificate in '$T/nonexist\.pem' \(\[server\] tls_cert in tlsmiss\.conf\)" "$T/err"
# Half a pair in the config: its keys and file named, not the options.
printf '[server]\ntls_cert = %s/a.chain\n' "$T" > tlshalf.conf
check start_tls_half_config 3 "$CHOUSA" --config tlshalf.conf serve --listen 127.0.0.1:0
expect start_tls_half_config_said "^chousa: serve: \[server\] tls_cert is set in tlshalf\.conf but tls_key is not: the TLS certificate and its key go together$" "$T/err"
check check_tls_half_config 2 "$CHOUSA" --config tlshalf.conf serve --check
expect check_tls_half_config_said "^error +tls +\[server\] tls_cert is set in tlshalf\.conf but tls_key is not" "$T/out"
check start_tls_half_option 2 "$CHOUSA" serve --tls-cert a.chain
expect start_tls_half_option_said "--tls-cert and --tls-key go together" "$T/err"
cp a.chain cert.pem
cp a.key key.pem
serve_start --tls-cert cert.pem --tls-key key.pem ||
	{ not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
expect start_says_until "TLS certificate loaded, valid until 20" "$T/serve.log"
# TLS 1.2 at least: 1.0 and 1.1 (RFC 8996) are refused in the handshake.
for v in tls1 tls1_1; do
	echo | openssl s_client -connect "127.0.0.1:$PORT" -$v -cipher 'DEFAULT@SECLEVEL=0' > "s_$v.out" 2>&1 &&
		not_ok "old_${v}_refused" "$(grep -m1 Protocol "s_$v.out")" || ok "old_${v}_refused"
done
echo | openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 > s_12.out 2>&1 &&
	ok tls1_2_taken || not_ok tls1_2_taken "$(tail -n 3 s_12.out)"
# chousa as the client: a certificate of a CA it does not know is refused,
# saying how to trust it; [http] ca_file with the root trusts it.
CHOUSA_SERVER_KEY=$TOKEN check client_unknown_ca 4 "$CHOUSA" --server "https://127.0.0.1:$PORT" lookup www.dnautik.com
expect client_unknown_ca_says_how "cannot reach the server 'https://127\.0\.0\.1:[0-9]+': SSL certificate problem: .*\(a server certificate of an on-premises CA is trusted with \[http\] ca_file = CA\.pem in the config\)$" "$T/err"
printf '[http]\nca_file = %s/root.pem\n' "$T" > client.conf
CHOUSA_SERVER_KEY=$TOKEN check client_with_ca_file 1 env CHOUSA_CONFIG="$T/client.conf" "$CHOUSA" --server "https://127.0.0.1:$PORT" lookup www.dnautik.com
expect client_with_ca_file_answers '^domain www\.dnautik\.com: [0-9]+ records, malicious' "$T/out"
# The web session over TLS: its cookie __Host- prefixed (Secure, Path=/,
# no Domain), so another port or a sibling subdomain cannot plant it; the
# bare name, which plain http sets, is not taken here.
TU="https://127.0.0.1:$PORT"
tcurl() { curl -s --cacert root.pem "$@"; }
tcurl -D tlslogin.h -o /dev/null -H "Origin: $TU" --data-urlencode "token=$TOKEN" "$TU/login"
expect tls_cookie_host_prefixed '^Set-Cookie: __Host-chousa_session=[^;]+; Path=/; HttpOnly; SameSite=Strict; Max-Age=28800; Secure' tlslogin.h
refute tls_cookie_no_domain '^Set-Cookie: .*Domain=' tlslogin.h
SID=$(tr -d '\r' < tlslogin.h | sed -n 's/^Set-Cookie: [_A-Za-z-]*chousa_session=\([^;]*\);.*/\1/p')
tcurl -b "__Host-chousa_session=$SID" -o tlshome.html -w '%{http_code}' "$TU/" > code
[ "$(cat code)" = 200 ] && ok tls_cookie_signs_in || not_ok tls_cookie_signs_in "HTTP $(cat code)"
tcurl -b "chousa_session=$SID" -o /dev/null -w '%{http_code}' "$TU/" > code
[ "$(cat code)" = 303 ] && ok tls_bare_cookie_not_taken || not_ok tls_bare_cookie_not_taken "HTTP $(cat code)"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' tlshome.html | head -n 1)
tcurl -b "__Host-chousa_session=$SID" -H "Origin: $TU" -D tlsout.h -o /dev/null --data-urlencode "csrf=$csrf" "$TU/logout"
expect tls_sign_out_ends_the_cookie '^Set-Cookie: __Host-chousa_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure' tlsout.h

# The client: trusts the root only, keeps one connection across the renewal.
cat > client.py <<'PY'
import hashlib, http.client, os, signal, ssl, sys, time
port, tok, pid, T = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
ctx = ssl.create_default_context(cafile=T + "/root.pem")
def conn():
    c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=30)
    c.connect()
    return c
def ask(c, path="/api/v1/version"):
    c.request("GET", path, headers={"Authorization": "Bearer " + tok})
    r = c.getresponse()
    return r.status, r.read()
def leaf(c):
    return hashlib.sha256(c.sock.getpeercert(binary_form=True)).hexdigest()[:16]
def fp(path):
    der = ssl.PEM_cert_to_DER_cert(open(path).read())
    return hashlib.sha256(der).hexdigest()[:16]
A, B = fp(T + "/a.leaf"), fp(T + "/b.leaf")
kept = conn()
print("first", ask(kept)[0], "leaf", {A: "A", B: "B"}.get(leaf(kept)))
step = sys.argv[5]
if step == "renew":
    os.replace(T + "/b.chain", T + "/cert.pem")
    os.replace(T + "/b.key", T + "/key.pem")
    os.kill(pid, signal.SIGHUP)
    time.sleep(0.5)
    new = conn()
    print("new", ask(new)[0], "leaf", {A: "A", B: "B"}.get(leaf(new)))
    print("kept", ask(kept)[0], "leaf", {A: "A", B: "B"}.get(leaf(kept)))
    st, body = ask(new, "/metrics")
    for line in body.decode().splitlines():
        if line.startswith("chousa_tls_certificate_expiry_timestamp_seconds "):
            print("metric", line.split()[1])
else:
    os.kill(pid, signal.SIGHUP)
    time.sleep(0.5)
    new = conn()
    print("after", ask(new)[0], "leaf", {A: "A", B: "B"}.get(leaf(new)))
PY

# ---- 1 and 2 ----
python3 client.py "$PORT" "$TOKEN" "$SERVER_PID" "$T" renew > renew.out 2>&1
expect chain_verified_by_root "first 200 leaf A" renew.out
expect renewal_for_new_connections "new 200 leaf B" renew.out
expect kept_connection_goes_on "kept 200 leaf A" renew.out
expect metric_is_the_renewal "metric $(end_of b.leaf)" renew.out
expect renewal_said "TLS certificate now in force, valid until 20" "$T/serve.log"

# ---- 3. renewals gone wrong ----
cp cert.pem good.pem
printf 'not a certificate\n' > cert.pem
python3 client.py "$PORT" "$TOKEN" "$SERVER_PID" "$T" garbage > garbage.out 2>&1
expect garbage_kept_in_force "after 200 leaf B" garbage.out
expect garbage_said "kept the TLS certificate in force: cannot read the TLS certificate" "$T/serve.log"
cp a.chain cert.pem		# key.pem is B's
python3 client.py "$PORT" "$TOKEN" "$SERVER_PID" "$T" mismatch > mismatch.out 2>&1
expect mismatch_kept_in_force "after 200 leaf B" mismatch.out
expect mismatch_said "kept the TLS certificate in force: the TLS key is not the certificate's" "$T/serve.log"
rm -f cert.pem
python3 client.py "$PORT" "$TOKEN" "$SERVER_PID" "$T" missing > missing.out 2>&1
expect missing_kept_in_force "after 200 leaf B" missing.out
expect missing_said "kept the TLS certificate in force: cannot read the TLS certificate in 'cert\.pem' \(--tls-cert\): No such file or directory" "$T/serve.log"
kill -0 "$SERVER_PID" 2> /dev/null && ok server_goes_on || not_ok server_goes_on "it ended"
# The refusal is seen where an operator looks: health and /metrics.
curl -s --cacert root.pem -H "Authorization: Bearer $TOKEN" -o refused.json "https://127.0.0.1:$PORT/api/v1/health"
expect refused_renewal_degrades_health '"check":"tls","status":"degraded","detail":"the last reload refused the renewed pair \(cannot read the TLS certificate in .cert\.pem. \(--tls-cert\): .*\) and kept the certificate in force, which ends at [0-9TZ:-]+: fix the files, then reload"' refused.json
curl -s --cacert root.pem -H "Authorization: Bearer $TOKEN" -o refused.prom "https://127.0.0.1:$PORT/metrics"
expect refused_renewal_metric '^chousa_tls_last_reload_successful 0$' refused.prom
cp good.pem cert.pem
kill -HUP "$SERVER_PID"
i=0
until [ "$(grep -c 'TLS certificate now in force' "$T/serve.log")" -ge 2 ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
curl -s --cacert root.pem -H "Authorization: Bearer $TOKEN" -o fixed.json "https://127.0.0.1:$PORT/api/v1/health"
expect fixed_renewal_health_ok '"check":"tls","status":"ok"' fixed.json
curl -s --cacert root.pem -H "Authorization: Bearer $TOKEN" -o fixed.prom "https://127.0.0.1:$PORT/metrics"
expect fixed_renewal_metric '^chousa_tls_last_reload_successful 1$' fixed.prom

# ---- 5. a TLS client closing cleanly in the middle of an import ----
cat > leave.py <<'PY'
import socket, ssl, sys, time
port, tok, T = int(sys.argv[1]), sys.argv[2], sys.argv[3]
body = "".join("tls-%d-case.com\n" % i for i in range(120000)).encode()
ctx = ssl.create_default_context(cafile=T + "/root.pem")
raw = socket.create_connection(("127.0.0.1", port))
s = ctx.wrap_socket(raw, server_hostname="127.0.0.1")
s.sendall(("POST /api/v1/import?source=list&name=tlsleft.txt HTTP/1.1\r\n"
    "Host: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
    "Content-Length: %d\r\n\r\n" % (tok, len(body))).encode() + body)
for i in range(300):
    if "import: tlsleft.txt of" in open(T + "/serve.log").read():
        break
    time.sleep(0.02)
s.settimeout(0.2)
try:
    s.unwrap()		# close_notify sent; the server's own never comes
except (OSError, ssl.SSLError):
    pass
raw.close()		# then the FIN
print("left")
PY
before=$(sqlite3 "$CHOUSA_DB" "SELECT count(*) FROM indicators")
python3 leave.py "$PORT" "$ADMIN" "$T" > leave.out 2>&1
expect tls_client_left "^left" leave.out
import_left tls_client_left tlsleft.txt tlsadmin
serve_stop

# ---- 4. at start ----
# A pair that cannot be used is bad input (3), as a missing file is.
check start_mismatch_refused 3 "$CHOUSA" serve --listen 127.0.0.1:0 \
    --tls-cert a.chain --tls-key key.pem
expect start_mismatch_says_why "^chousa: serve: the TLS key is not the certificate's: the key in 'key\.pem' \(--tls-key\) belongs to another certificate than the one in 'a\.chain' \(--tls-cert\)" "$T/err"
printf 'not a certificate\n' > junk.pem
check start_garbage_refused 3 "$CHOUSA" serve --listen 127.0.0.1:0 \
    --tls-cert junk.pem --tls-key a.key
expect start_garbage_says_why "^chousa: serve: cannot read the TLS certificate in 'junk\.pem' \(--tls-cert\): " "$T/err"

# ---- 6. the TLS files' paths in the config ----
# Named by the config (no option), they follow it at a SIGHUP: the pair
# moved to new paths is read from there, and said; the old names gone.
cp a.chain old-cert.pem
cp a.key old-key.pem
printf '[server]\nrate = 0\ntls_cert = %s/old-cert.pem\ntls_key = %s/old-key.pem\n' "$T" "$T" > "$T/config"
serve_start || { not_ok config_tls_server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
cp b.leaf new-cert.pem
cat inter.pem >> new-cert.pem
cp key.pem new-key.pem		# B's, since the renewal
rm -f old-cert.pem old-key.pem
printf '[server]\nrate = 0\ntls_cert = %s/new-cert.pem\ntls_key = %s/new-key.pem\n' "$T" "$T" > "$T/config"
python3 client.py "$PORT" "$TOKEN" "$SERVER_PID" "$T" moved > moved.out 2>&1
expect config_paths_followed "after 200 leaf B" moved.out
expect config_path_said "\[server\] tls_cert is now $T/new-cert.pem" "$T/serve.log"
refute config_path_not_for_next_start "tls_cert changed in the config: it takes effect" "$T/serve.log"
curl -s --cacert root.pem -H "Authorization: Bearer $TOKEN" -o health.json "https://127.0.0.1:$PORT/api/v1/health"
expect health_tls_ok '\{"check":"tls","status":"ok","detail":"the certificate ends at 20[0-9TZ:-]+"\}' health.json
serve_stop

# ---- 7. a certificate near its end: the health check says so ----
serve_start --tls-cert c.chain --tls-key c.key ||
	{ not_ok near_end_server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
curl -s --cacert root.pem -H "Authorization: Bearer $TOKEN" -o health.json "https://127.0.0.1:$PORT/api/v1/health"
expect health_tls_near_end '^\{"status":"degraded",.*\{"check":"tls","status":"degraded","detail":"the certificate ends at 20[0-9TZ:-]+, in under 14 days: renew it, then reload"\}' health.json
expect near_end_said_at_start "TLS certificate loaded: it expires in 5 days" "$T/serve.log"
# A reload a moment later says the same number of days.
days=$(sed -n 's/.*loaded: it expires in \([0-9]*\) days.*/\1/p' "$T/serve.log")
serve_hup
i=0
while ! grep -q "now in force: it expires" "$T/serve.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
expect near_end_said_at_reload "TLS certificate now in force: it expires in $days days" "$T/serve.log"
serve_stop
