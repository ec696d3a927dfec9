#!/bin/sh
# test-client-scheme.sh: `chousa --server URL` with the wrong scheme for
# the server says so, after the library's own words: https:// to a
# plain-HTTP `chousa serve` (use http://), http:// to one serving TLS
# (use https://).  The right scheme works.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

need_openssl || exit 0
serve_up '[server]\nrate = 0\n' read scheme
export CHOUSA_SERVER_KEY="$TOKEN"

# ---- a plain-HTTP server ----
check plain_right_scheme 0 "$CHOUSA" --server "$URL" lookup 8.8.8.8
check plain_as_https 4 "$CHOUSA" --server "https://127.0.0.1:$PORT" lookup 8.8.8.8
expect plain_as_https_raw_error "^chousa: cannot reach the server 'https://127\.0\.0\.1:$PORT': .*SSL" "$T/err"
expect plain_as_https_hint "\(the server answers plain HTTP, not HTTPS: use http://127\.0\.0\.1:$PORT\)$" "$T/err"
# A path after the address is kept in the URL to use.
check plain_as_https_path 4 "$CHOUSA" --server "https://127.0.0.1:$PORT/" investigate --offline 8.8.8.8
expect plain_as_https_path_hint "use http://127\.0\.0\.1:$PORT\)$" "$T/err"
serve_stop

# ---- a TLS server ----
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/key.pem" -out "$T/cert.pem" -subj /CN=127.0.0.1 -days 2 \
    -addext subjectAltName=IP:127.0.0.1 2> /dev/null ||
	{ not_ok certificate_made "openssl failed"; exit 0; }
serve_start --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" ||
	{ not_ok tls_server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
printf '[http]\nca_file = %s/cert.pem\n' "$T" > "$T/client.conf"
check tls_right_scheme 0 env CHOUSA_CONFIG="$T/client.conf" "$CHOUSA" --server "https://127.0.0.1:$PORT" lookup 8.8.8.8
check tls_as_http 4 env CHOUSA_CONFIG="$T/client.conf" "$CHOUSA" --server "http://127.0.0.1:$PORT" lookup 8.8.8.8
expect tls_as_http_raw_error "^chousa: cannot reach the server 'http://127\.0\.0\.1:$PORT': Empty reply from server" "$T/err"
expect tls_as_http_hint "\(the server speaks HTTPS: use https://127\.0\.0\.1:$PORT\)$" "$T/err"
