#!/bin/sh
# test-serve-web-signin.sh: a flood of sign-ins (POST /login) from one
# address is refused past [server] rate and burst (429, Retry-After, a
# page saying so), audited once rather than once a try, and signs nobody
# else out; another address signs in meanwhile.  (The session table's
# per-token cap and its refusal when full: tests/unit/test-sessions.c.)
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_store '[server]\nrate = 6\nburst = 5\ntrusted_proxies = 127.0.0.1\n'
READ=$("$CHOUSA" -q token create --role read mallory)
ALICE=$("$CHOUSA" -q token create --role read alice)
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
cd "$T" || exit 1

# login JAR TOKEN [ADDRESS]: the HTTP status of a sign-in.
login() {
	curl -s -c "$1" -D "$1.h" -o "$1.html" -w '%{http_code}' -H "Origin: $URL" \
	    ${3:+-H "X-Forwarded-For: $3"} --data-urlencode "token=$2" "$URL/login"
}
[ "$(login alice "$ALICE" 198.51.100.9)" = 303 ] && ok victim_signs_in || not_ok victim_signs_in "$(head -c 200 alice.html)"
n303=0 n429=0
i=0
while [ $i -lt 40 ]; do
	case $(login "m$i" "$READ" 203.0.113.5) in
	303) n303=$((n303 + 1)) ;;
	429) n429=$((n429 + 1)) ;;
	esac
	i=$((i + 1))
done
[ "$n303" -ge 4 ] && [ "$n303" -le 7 ] && ok flood_burst_let_in || not_ok flood_burst_let_in "$n303 let in"
[ "$n429" -ge 33 ] && ok flood_refused_429 || not_ok flood_refused_429 "$n429 refused"
expect flood_says_retry_after '^Retry-After: [0-9]+' m39.h
expect flood_refusal_is_a_page 'too many sign-ins from your address' m39.html
[ "$(login other "$READ" 192.0.2.44)" = 303 ] && ok another_address_signs_in || not_ok another_address_signs_in "$(head -c 200 other.html)"
sleep 0.5
n=$(grep -c '"path":"/login".*"status":429' audit.log)
[ "$n" = 1 ] && ok flood_audited_once || not_ok flood_audited_once "$n lines for the refused sign-ins"
code=$(curl -s -b alice -o /dev/null -w '%{http_code}' "$URL/")
[ "$code" = 200 ] && ok victim_still_signed_in || not_ok victim_still_signed_in "HTTP $code"

# A sign-in form sent without a token: refused, and audited as nobody (the
# audit line read a principal never set, which a sanitizer build caught).
code=$(curl -s -o notoken.html -w '%{http_code}' -H "Origin: $URL" \
    -H "X-Forwarded-For: 192.0.2.77" --data "next=/" "$URL/login")
[ "$code" = 401 ] && ok no_token_form_refused || not_ok no_token_form_refused "status $code"
sleep 0.5
python3 - audit.log <<'PY' && ok no_token_form_audited || not_ok no_token_form_audited "$(grep 192.0.2.77 audit.log | tail -1)"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if "192.0.2.77" in l]
sys.exit(0 if lines and lines[-1]["via"] == "none" and lines[-1]["who"] is None else 1)
PY
