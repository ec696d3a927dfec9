#!/bin/sh
# test-serve-inputs.sh: the REST API refuses what it would otherwise read
# as less than was asked, since an answer of "nothing malicious" to a
# question cut short is a wrong answer:
#  1. a text with more indicators than a request takes (1,000): 413 with
#     why, through the API, the CLI (--server investigate --extract; the
#     local run finds the 1,001st, malicious) and the web page; 1,000 are
#     investigated.  So is a list of 1,001.
#  2. both 'indicator' and 'indicators', or 'text' with either: 400.
#  3. an unknown query parameter on lookup, investigate, extract, sources
#     and version (a misspelt ofline=1 ran online): 400 naming it; and
#     one in the query of a request with a JSON body, which would be
#     ignored: 400.
#  4. indicator repeated on GET lookup and investigate: each one taken
#     (openapi.json's "repeat for several"); any other parameter still
#     refused when repeated.
#  5. investigate with one input malicious and another no indicator: 3,
#     as Chousa-Exit and through chousa --server, as locally.
#  6. POST /api/v1/extract of a text with more than 1,000 indicators: 413,
#     none answered; 1,000 are.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_up '[server]\nrate = 0\n' investigate analyst

# ---- 1. more indicators than a request takes ----
# 1,000 addresses nobody lists, then the demo store's Emotet C2.
python3 -c '
print(" ".join("45.33.%d.%d" % (i // 250, i % 250 + 1) for i in range(1000)))
print("and then 162.243.103.246 at the end")' > "$T/big.txt"
check local_finds_the_last 1 "$CHOUSA" investigate --offline --brief --extract "$T/big.txt"
expect local_finds_the_last_said "1 malicious" "$T/out"
CHOUSA_SERVER_KEY=$TOKEN check client_big_text_refused 3 "$CHOUSA" --server "$URL" investigate --offline --brief --extract "$T/big.txt"
expect client_big_text_says_why "the text holds more than 1000 indicators, and the server investigates at most 1000 a request: send it in parts" "$T/err"
refute client_big_text_no_verdict "unknown|Overall" "$T/out"
python3 -c 'import json, sys
print(json.dumps({"text": open(sys.argv[1]).read(), "offline": True, "format": "json"}))' "$T/big.txt" > "$T/big.json"
http POST /api/v1/investigate "$TOKEN" "$(cat "$T/big.json")"
status_is api_big_text_413 413
expect api_big_text_says_why "more than 1000 indicators" "$T/body"
# The web page's paste form: the same refusal, as a page.
curl -s -c "$T/jar" -o /dev/null -H "Origin: $URL" --data-urlencode "token=$TOKEN" "$URL/login"
curl -s -b "$T/jar" -o "$T/home.html" "$URL/"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/home.html" | head -n 1)
code=$(curl -s -b "$T/jar" -o "$T/page.html" -w '%{http_code}' -H "Origin: $URL" \
    --data-urlencode "csrf=$csrf" --data-urlencode "text@$T/big.txt" "$URL/triage")
[ "$code" = 413 ] && ok web_big_text_413 || not_ok web_big_text_413 "HTTP $code: $(head -c 200 "$T/page.html")"
expect web_big_text_says_why "more than 1000 indicators" "$T/page.html"
# 1,000 are taken: the last line dropped, they are investigated.
head -n 1 "$T/big.txt" > "$T/thousand.txt"
CHOUSA_SERVER_KEY=$TOKEN check client_thousand_taken 0 "$CHOUSA" --server "$URL" investigate --offline --brief --extract "$T/thousand.txt"
expect client_thousand_all_there "1000 (inputs|indicators)" "$T/out"
# As many in a list: refused, not cut at the 1,000th.
python3 -c 'import json
print(json.dumps({"indicators": ["45.34.%d.%d" % (i // 250, i % 250 + 1) for i in range(1000)] + ["162.243.103.246"]}))' > "$T/list.json"
http POST /api/v1/lookup "$TOKEN" "$(cat "$T/list.json")"
status_is list_many_indicators_413 413

# ---- 2. two ways of naming the inputs at once ----
http POST /api/v1/lookup "$TOKEN" '{"indicator":"8.8.8.8","indicators":["www.dnautik.com"]}'
status_is lookup_both_400 400
expect lookup_both_says "not both" "$T/body"
http POST /api/v1/investigate "$TOKEN" '{"indicator":"8.8.8.8","indicators":["www.dnautik.com"],"offline":true}'
status_is investigate_both_400 400
http POST /api/v1/investigate "$TOKEN" '{"text":"8.8.8.8","indicators":["www.dnautik.com"],"offline":true}'
status_is investigate_text_and_list_400 400
expect investigate_text_and_list_says "give 'text' or the indicators, not both" "$T/body"
http GET "/api/v1/investigate?text=8.8.8.8&indicator=www.dnautik.com&offline=1" "$TOKEN"
status_is investigate_query_text_and_indicator_400 400

# ---- 3. unknown query parameters ----
for q in "lookup?indicator=8.8.8.8&formt=text:lookup" \
    "investigate?indicator=45.77.1.2&ofline=1:investigate" \
    "sources?formt=json:sources" "version?x=1:version"; do
	http GET "/api/v1/${q%:*}" "$TOKEN"
	status_is "unknown_parameter_${q##*:}_400" 400
	expect "unknown_parameter_${q##*:}_named" "unknown parameter" "$T/body"
done
refute misspelt_offline_never_ran '"inputs":\["45\.77\.1\.2"\].*"status":200' "$T/audit.log"
http POST "/api/v1/extract?typess=ip" "$TOKEN" "see 8.8.8.8" "text/plain"
status_is extract_unknown_parameter_400 400
http POST "/api/v1/extract?types=ipv4" "$TOKEN" "see 8.8.8.8 and evil.example" "text/plain"
status_is extract_known_parameter_200 200
http POST "/api/v1/lookup?format=text" "$TOKEN" '{"indicator":"8.8.8.8"}'
status_is json_body_with_query_400 400
expect json_body_with_query_says "'format' in the query of a request with a JSON body: give it as a member of the body" "$T/body"
# The CLI through the server is unchanged by it.
CHOUSA_SERVER_KEY=$TOKEN check client_lookup_still 1 "$CHOUSA" --server "$URL" lookup 162.243.103.246
CHOUSA_SERVER_KEY=$TOKEN check client_sources_still 0 "$CHOUSA" --server "$URL" sources
printf 'see 8.8.8.8 and evil.example\n' > "$T/x.txt"
CHOUSA_SERVER_KEY=$TOKEN check client_extract_still 0 "$CHOUSA" --server "$URL" extract --types ipv4 "$T/x.txt"
expect client_extract_still_said "8\.8\.8\.8" "$T/out"
# A GET's body would be ignored: refused.
code=$(curl -s -o "$T/body" -w '%{http_code}' -X GET -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' --data '{"indicators":["www.dnautik.com"]}' \
    "$URL/api/v1/lookup?indicator=8.8.8.8")
[ "$code" = 413 ] && ok get_with_body_413 || not_ok get_with_body_413 "HTTP $code: $(head -c 200 "$T/body")"
expect get_with_body_says "a GET takes no body" "$T/body"
# A 200 whose handler names no exit status is framed as 0 for the CLI.
curl -s -o "$T/vh" -H "Authorization: Bearer $TOKEN" "$URL/api/v1/version?cli=1"
expect version_cli_exit_0 "^chousa/[0-9]+ 0$" "$T/vh"
# A UTF-8 BOM before the JSON (PowerShell 5 writes one) is skipped; a
# UTF-16 body is said to be one.
printf '\357\273\277{"indicators":["162.243.103.246"]}' > "$T/bom.json"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' --data-binary @"$T/bom.json" "$URL/api/v1/lookup")
[ "$code" = 200 ] && ok bom_skipped || not_ok bom_skipped "HTTP $code: $(head -c 200 "$T/body")"
printf '{"indicators":["8.8.8.8"]}' | iconv -f UTF-8 -t UTF-16LE > "$T/u16.json"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' --data-binary @"$T/u16.json" "$URL/api/v1/lookup")
[ "$code" = 400 ] && ok utf16_refused || not_ok utf16_refused "HTTP $code"
expect utf16_said "JSON is sent as UTF-8 \(this looks like UTF-16\)" "$T/body"

# ---- 4. indicator repeated on GET ----
http GET "/api/v1/lookup?indicator=162.243.103.246&indicator=8.8.8.8" "$TOKEN"
status_is repeated_lookup_200 200
expect repeated_lookup_first '"indicator":"162\.243\.103\.246"' "$T/body"
expect repeated_lookup_second '"indicator":"8\.8\.8\.8"' "$T/body"
http GET "/api/v1/investigate?indicator=www.dnautik.com&indicator=8.8.8.8&offline=1&format=json" "$TOKEN"
status_is repeated_investigate_200 200
[ "$(grep -c '"input":' "$T/body")" = 2 ] && ok repeated_investigate_both ||
	not_ok repeated_investigate_both "$(grep -c '"input":' "$T/body") reports"
http GET "/api/v1/investigate?indicator=8.8.8.8&offline=1&depth=1&depth=2" "$TOKEN"
status_is repeated_depth_400 400
expect repeated_depth_once "parameter 'depth' is given more than once: give it once" "$T/body"

# ---- 5. 3 wins over malicious in investigate ----
http GET "/api/v1/investigate?indicator=www.dnautik.com&indicator=not-an-indicator&offline=1" "$TOKEN"
status_is bad_beside_malicious_rest_200 200
expect bad_beside_malicious_rest_3 "^Chousa-Exit: 3" "$T/headers"
CHOUSA_SERVER_KEY=$TOKEN check bad_beside_malicious_remote_3 3 "$CHOUSA" --server "$URL" investigate --offline www.dnautik.com not-an-indicator
expect bad_beside_malicious_remote_reported "Verdict: malicious" "$T/out"

# ---- 6. extract: more than 1,000 indicators refused, never cut ----
i=0
: > "$T/many.txt"
while [ $i -lt 1001 ]; do
	echo "45.$((i / 250)).$((i % 250 + 1)).9"
	i=$((i + 1))
done > "$T/many.txt"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    --data-binary @"$T/many.txt" "$URL/api/v1/extract")
[ "$code" = 413 ] && ok extract_1001_413 || not_ok extract_1001_413 "HTTP $code: $(head -c 200 "$T/body")"
expect extract_1001_says "more than 1000 indicators" "$T/body"
refute extract_1001_nothing_answered '"type":"ipv4"' "$T/body"
head -n 1000 "$T/many.txt" > "$T/thousand.txt"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    --data-binary @"$T/thousand.txt" "$URL/api/v1/extract")
[ "$code" = 200 ] && [ "$(grep -c '"type":"ipv4"' "$T/body")" = 1000 ] && ok extract_1000_200 ||
	not_ok extract_1000_200 "HTTP $code, $(grep -c '"type":"ipv4"' "$T/body") lines"
CHOUSA_SERVER_KEY=$TOKEN check extract_1001_remote 3 "$CHOUSA" --server "$URL" extract "$T/many.txt"
expect extract_1001_remote_says "more than 1000 indicators" "$T/err"
