#!/bin/sh
# test-serve-web-online.sh: the report's "Ask the online services too"
# button is Post/Redirect/Get.  The POST (with the session's CSRF token)
# asks the services (the loopback replay server counts the requests) and
# answers with a 303 to GET /report?q=...&r=ID, which shows that report
# again, its online answers in it, as often as it is loaded, without a
# request to any service nor a unit of the token's quota; another session
# gets the cache-only report for that URL (the answers just paid for,
# marked cached), and a forged POST is refused.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop; [ -n "${REPLAY:-}" ] && kill "$REPLAY" 2> /dev/null' EXIT INT TERM

serve_store '[server]\nrate = 0\nonline_budget = 1000\n'
INV=$("$CHOUSA" -q token create --role investigate ivan)
INV2=$("$CHOUSA" -q token create --role investigate ines)
replay_virustotal
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
cd "$T" || exit 1

login() {
	curl -s -c "$1" -o /dev/null -H "Origin: $URL" --data-urlencode "token=$2" "$URL/login"
}
csrf_of() {
	curl -s -b "$1" "$URL/" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1
}
code() {
	sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$1.h"
}
login jar "$INV"
login jar2 "$INV2"

curl -s -b jar -H "Origin: $URL" -D post.h -o post.html \
    --data-urlencode "csrf=$(csrf_of jar)" --data-urlencode q=45.30.0.1 \
    --data-urlencode online=1 "$URL/report"
[ "$(code post)" = 303 ] && ok online_post_redirects || not_ok online_post_redirects "HTTP $(code post): $(head -c 300 post.html)"
TO=$(tr -d '\r' < post.h | sed -n 's/^Location: //Ip')
case $TO in /report\?q=45.30.0.1\&r=?*) ok online_post_to_a_get ;; *) not_ok online_post_to_a_get "Location '$TO'" ;; esac
n_post=$(sent)
q_post=$(spent ivan)
[ "$n_post" -ge 1 ] && ok online_post_asked_the_service || not_ok online_post_asked_the_service "$n_post requests"

# The GET, a reload, and Back to it: the same report, no request.
for i in 1 2 3; do
	curl -s -b jar -D get$i.h -o get$i.html "$URL$TO"
done
[ "$(code get1)" = 200 ] && ok online_get_200 || not_ok online_get_200 "HTTP $(code get1)"
expect online_get_has_the_online_answer 'VirusTotal' get1.html
refute online_get_offers_no_online_button 'id="report-online"' get1.html
cmp -s get1.html get3.html && ok online_reload_same_report || not_ok online_reload_same_report "get1 and get3 differ"
expect online_get_has_a_csp "^Content-Security-Policy: default-src 'none'; style-src 'sha256-" get1.h
sleep 1
[ "$(sent)" = "$n_post" ] && ok online_get_asks_no_service || not_ok online_get_asks_no_service "$n_post then $(sent) requests"
[ "$(spent ivan)" = "$q_post" ] && ok online_get_spends_no_quota || not_ok online_get_spends_no_quota "$q_post then $(spent ivan)"
expect online_post_audited '"method":"POST","path":"/report","what":"web: report online","status":303' audit.log

# Another session's GET of the same URL: the cache-only report, no request.
curl -s -b jar2 -D other.h -o other.html "$URL$TO"
[ "$(code other)" = 200 ] && ok other_session_gets_the_store_report || not_ok other_session_gets_the_store_report "HTTP $(code other)"
expect other_session_offered_the_button 'id="report-online"' other.html
expect other_session_sees_the_cached_answer 'virustotal answered from the cache' other.html
[ "$(sent)" = "$n_post" ] && ok other_session_asks_no_service || not_ok other_session_asks_no_service "$n_post then $(sent) requests"

# A forged POST is refused, and asks nothing.
curl -s -b jar -H "Origin: $URL" -o forged.html -w '%{http_code}' \
    --data-urlencode csrf=forged --data-urlencode q=45.30.0.2 \
    --data-urlencode online=1 "$URL/report" > forged.code
[ "$(cat forged.code)" = 403 ] && ok online_post_forged_csrf_403 || not_ok online_post_forged_csrf_403 "$(cat forged.code)"
[ "$(sent)" = "$n_post" ] && ok forged_post_asks_no_service || not_ok forged_post_asks_no_service "$n_post then $(sent) requests"
