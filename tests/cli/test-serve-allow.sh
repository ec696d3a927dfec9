#!/bin/sh
# test-serve-allow.sh: a token bound to the addresses it is accepted from
# (chousa token create --allow-from, chousa token allow; the tokens
# table's allow_from, schema 7).
#  1. Made and listed: the list checked and kept without blanks, in the
#     text and the JSON; a bad address or an empty list refused with
#     status 2 and what is wrong; --allow-from outside create refused.
#  2. Through the server: a token bound elsewhere is refused (401 "token
#     not allowed from this address"), audited with its name and the
#     address; one bound to loopback works; `token allow` changes it from
#     the next request on (to an address, to any, and back); a rotation
#     keeps it; the web sign-in refuses it too; another address is
#     refused by a thread that has just let the token in.
#  3. Behind a proxy named in [server] trusted_proxies, the address it
#     forwards is the one compared; without that setting the header is
#     not believed.
#  4. Through the API and chousa --server: create with allow_from, set it
#     (POST /api/v1/tokens/NAME), refuse a bad one (400, not stored).
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_store "[server]\nrate = 0\n"
ADMIN=$("$CHOUSA" -q token create --role admin boss)

# ---- 1. made and listed ----
FAR=$("$CHOUSA" token create --role read --allow-from ' 10.0.0.0/8 , 192.0.2.7 ' far 2> "$T/err")
expect create_says_from "token 'far' \(role read, from 10\.0\.0\.0/8,192\.0\.2\.7\) created" "$T/err"
NEAR=$("$CHOUSA" -q token create --role read --allow-from 127.0.0.0/8,::1 near)
check list_text 0 "$CHOUSA" token list
expect list_text_from "^[0-9]+ +far +read .* valid +10\.0\.0\.0/8,192\.0\.2\.7 " "$T/out"
expect list_text_any "^[0-9]+ +boss +admin .* valid +any " "$T/out"
check list_json 0 "$CHOUSA" token list --json
cp "$T/out" "$T/list1.json"
check list_json_from 0 python3 -c '
import json, sys
t = {x["name"]: x for x in json.load(open(sys.argv[1]))["tokens"]}
assert t["far"]["allow_from"] == ["10.0.0.0/8", "192.0.2.7"], t["far"]
assert t["boss"]["allow_from"] is None, t["boss"]' "$T/list1.json"
check bad_address_refused 2 "$CHOUSA" token create --role read --allow-from 10.0.0.300 bad1
expect bad_address_said "bad address range '10\.0\.0\.300': want an address or CIDR" "$T/err"
check empty_list_refused 2 "$CHOUSA" token create --role read --allow-from ' , ' bad2
expect empty_list_said "no address in .*any address: 'any'" "$T/err"
check allow_from_outside_create 2 "$CHOUSA" token rotate --allow-from any far
check allow_bad_address 2 "$CHOUSA" token allow near 300.1.1.1
check allow_unknown_name 3 "$CHOUSA" token allow nobody 10.0.0.1
# A zone is an interface's name; no other text hides behind a '%'.
check allow_zone_garbage_refused 2 "$CHOUSA" token allow near '10.0.0.1%a b/8'
expect allow_zone_garbage_said "bad address range '10\.0\.0\.1%a b/8'" "$T/err"
check allow_zone_link_local 0 "$CHOUSA" token allow near 'fe80::1%eth0, 127.0.0.0/8, ::1'
"$CHOUSA" token list --json > "$T/list.json"
grep -q '"name":"bad1"' "$T/list.json" && not_ok bad_not_stored "bad1 listed" || ok bad_not_stored

serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }

# ---- 2. through the server ----
http GET /api/v1/version "$FAR"
status_is bound_elsewhere_401 401
expect bound_elsewhere_said "token not allowed from this address" "$T/body"
http GET /api/v1/version "$NEAR"
status_is bound_here_200 200
sleep 0.3
expect refusal_audited '"who":"far".*"peer":"127\.0\.0\.1".*"status":401.*"refused":"token not allowed from this address' "$T/audit.log"

check allow_here 0 "$CHOUSA" token allow far 127.0.0.1
http GET /api/v1/version "$FAR"
status_is allowed_from_next_request 200
# Each HTTP thread keeps the token it last let in: another address must
# still be refused by a thread that has just let it in from this one.
check cached_token_other_address 0 python3 - "$PORT" "$FAR" <<'PY'
import http.client, sys
port, token = int(sys.argv[1]), sys.argv[2]
def ask(source):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10,
                                   source_address=(source, 0))
    c.request("GET", "/api/v1/version",
              headers={"Authorization": "Bearer " + token})
    status = c.getresponse().status
    c.close()
    return status
got = [(ask("127.0.0.1"), ask("127.0.0.2")) for _ in range(12)]
assert all(g == (200, 401) for g in got), got
PY
check allow_any 0 "$CHOUSA" token allow far any
http GET /api/v1/version "$FAR"
status_is allowed_any 200
"$CHOUSA" token list > "$T/list"
expect list_says_any_again "^[0-9]+ +far +read .* valid +any " "$T/list"
check allow_elsewhere_again 0 "$CHOUSA" token allow far 10.9.9.9
http GET /api/v1/version "$FAR"
status_is bound_elsewhere_again_401 401

FAR2=$("$CHOUSA" -q token rotate --grace 0 far)
http GET /api/v1/version "$FAR2"
status_is rotation_keeps_binding 401
"$CHOUSA" token list > "$T/list"
expect rotation_listed_bound "^[0-9]+ +far +read .* valid +10\.9\.9\.9 " "$T/list"

curl -s -o "$T/login.html" -w '%{http_code}' -H "Origin: $URL" \
    --data-urlencode "token=$FAR2" "$URL/login" > "$T/login.code"
[ "$(cat "$T/login.code")" = 401 ] && ok web_sign_in_refused || not_ok web_sign_in_refused "HTTP $(cat "$T/login.code")"
expect web_sign_in_says_why "token not allowed from this address" "$T/login.html"

# ---- 3. behind a trusted proxy ----
"$CHOUSA" -q token allow far 10.0.0.0/8
http_xff() {
	curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $1" \
	    -H "X-Forwarded-For: $2" "$URL/api/v1/version" > "$T/status"
}
http_xff "$FAR2" 10.1.2.3
status_is forwarded_not_believed_without_proxy 401
printf '[server]\nrate = 0\ntrusted_proxies = 127.0.0.1\n' > "$T/config"
serve_hup
http_xff "$FAR2" 10.1.2.3
status_is forwarded_client_compared 200
http_xff "$FAR2" 198.51.100.9
status_is forwarded_client_elsewhere 401
http_xff "$NEAR" 198.51.100.9
status_is proxy_address_not_the_client 401

# ---- 4. through the API and chousa --server ----
export CHOUSA_SERVER_KEY="$ADMIN"
"$CHOUSA" --server "$URL" token create --role read --allow-from 192.0.2.0/24 remote1 > /dev/null 2> "$T/err"
expect remote_create_says_from "token 'remote1' \(role read, from 192\.0\.2\.0/24\) created" "$T/err"
check remote_allow 0 "$CHOUSA" --server "$URL" token allow remote1 '2001:db8::/32, 192.0.2.0/24'
check remote_allow_bad 2 "$CHOUSA" --server "$URL" token allow remote1 not-an-address
check remote_list 0 "$CHOUSA" --server "$URL" token list --json
expect remote_allow_stored '"name":"remote1",.*"allow_from":\["2001:db8::/32","192\.0\.2\.0/24"\]' "$T/out"
http POST /api/v1/tokens/remote1 "$ADMIN" '{"allow_from": 5}'
status_is api_allow_not_string_400 400
http POST /api/v1/tokens/remote1 "$ADMIN" '{"allow_from": "10.0.0.0/33"}'
status_is api_allow_bad_range_400 400
expect api_allow_bad_range_said "bad address range '10\.0\.0\.0/33'" "$T/body"
# The answer says what is now in force, as `token list` says it.
http POST /api/v1/tokens/remote1 "$ADMIN" '{"allow_from": " 192.0.2.0/24 ,, 2001:db8::1 "}'
status_is api_allow_200 200
expect api_allow_said_as_kept '"allow_from":\["192\.0\.2\.0/24","2001:db8::1"\]' "$T/body"
http POST /api/v1/tokens/remote1 "$ADMIN" '{"allow_from": "any"}'
status_is api_allow_any_200 200
expect api_allow_any_said_null '"allow_from":null' "$T/body"
http POST /api/v1/tokens "$ADMIN" '{"name": "remote2", "role": "read", "allow_from": "10.0.0.0/8"}'
status_is api_create_201 201
expect api_create_says_from '"allow_from":\["10\.0\.0\.0/8"\]' "$T/body"
REMOTE2=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["token"])' "$T/body")
http GET /api/v1/version "$REMOTE2"
status_is api_created_bound 401
unset CHOUSA_SERVER_KEY
