#!/bin/sh
# test-serve-sessions-restart.sh: web sessions are kept in the store
# (schema 11), so a restart of the server signs no browser out: the same
# cookie, and the same CSRF token in its forms, still work on a new server
# over the same store.  The store holds the hash of a session's id, never
# the id.  A session signed out, one whose token was revoked and one past
# its end do not come back.  The pages kept for Post/Redirect/Get are not
# kept over a restart: an online report's link then says so above the
# cache-only report, and a triage table's says so too.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop; [ -n "${REPLAY:-}" ] && kill "$REPLAY" 2> /dev/null' EXIT INT TERM

serve_store '[server]\nrate = 0\nonline_budget = 1000\n'
ANA=$("$CHOUSA" -q token create --role investigate ana)
BOB=$("$CHOUSA" -q token create --role read bob)
replay_virustotal
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
cd "$T" || exit 1

# login JAR TOKEN: the HTTP status of a sign-in, its cookie in JAR.
login() {
	curl -s -c "$1" -o /dev/null -w '%{http_code}' -H "Origin: $URL" \
	    --data-urlencode "token=$2" "$URL/login"
}
# get JAR [PATH]: the status of a GET with JAR's cookie; the page in
# JAR.page, the headers in JAR.h.
get() {
	curl -s -b "$1" -o "$1.page" -D "$1.h" -w '%{http_code}' "$URL${2:-/}"
}
# post JAR PATH FIELDS...: the status of a form POSTed with JAR's cookie
# and the CSRF token its home page holds.
post() {
	jar=$1 path=$2
	shift 2
	curl -s -b "$jar" -H "Origin: $URL" -o "$jar.page" -D "$jar.h" \
	    -w '%{http_code}' --data-urlencode "csrf=$(csrf_of "$jar")" "$@" \
	    "$URL$path"
}
csrf_of() {
	curl -s -b "$1" "$URL/" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1
}
location() {
	tr -d '\r' < "$1.h" | sed -n 's/^Location: //Ip' | head -n 1
}
sid_of() {
	awk '$6 == "chousa_session" { print $7 }' "$1"
}
# What the store keeps of JAR's session: the SHA-256 of its id.
key_of() {
	printf 'chousa-session:%s' "$(sid_of "$1")" | sha256sum | cut -d ' ' -f 1
}
rows() {
	sqlite3 "$CHOUSA_DB" "SELECT count(*) FROM sessions ${1:-}"
}

for j in kept out expired; do
	[ "$(login $j "$ANA")" = 303 ] && ok "${j}_signs_in" || not_ok "${j}_signs_in" "no 303"
done
[ "$(login revoked "$BOB")" = 303 ] && ok revoked_signs_in || not_ok revoked_signs_in "no 303"
[ "$(get kept)" = 200 ] && ok signed_in_before || not_ok signed_in_before "HTTP $(cat kept.page | head -c 200)"
CSRF=$(csrf_of kept)
[ -n "$CSRF" ] && ok csrf_on_the_page || not_ok csrf_on_the_page "none"

# ---- the store keeps a hash of each id, never the id ----
[ "$(rows)" = 4 ] && ok four_sessions_kept || not_ok four_sessions_kept "$(rows) rows"
[ "$(rows "WHERE id_hash = '$(key_of kept)' AND via = 'token'")" = 1 ] &&
	ok session_kept_by_its_hash || not_ok session_kept_by_its_hash "$(sqlite3 "$CHOUSA_DB" 'SELECT * FROM sessions')"
SID=$(sid_of kept)
if [ ${#SID} = 43 ] && ! sqlite3 "$CHOUSA_DB" .dump | grep -qF "$SID" &&
    ! sqlite3 "$CHOUSA_DB" .dump | grep -qF "$CSRF"; then
	ok store_holds_neither_id_nor_csrf
else
	not_ok store_holds_neither_id_nor_csrf "id '$SID' or its CSRF token in the store"
fi

# ---- pages kept for Post/Redirect/Get, and a sign-out, before ----
[ "$(post kept /report --data-urlencode q=45.30.0.1 --data-urlencode online=1)" = 303 ] &&
	ok online_report_kept || not_ok online_report_kept "$(head -c 200 kept.page)"
REPORT=$(location kept)
[ "$(post kept /triage --data-urlencode 'text=see 162.243.103.246')" = 303 ] &&
	ok triage_kept || not_ok triage_kept "$(head -c 200 kept.page)"
TRIAGE=$(location kept)
[ "$(post out /logout)" = 303 ] && ok signs_out || not_ok signs_out "$(head -c 200 out.page)"
[ "$(rows "WHERE id_hash = '$(key_of out)'")" = 0 ] && ok sign_out_ends_the_row ||
	not_ok sign_out_ends_the_row "still there"

# ---- the restart ----
serve_stop
serve_start || { not_ok server_restarts "$(head -c 300 "$T/serve.log")"; exit 0; }

[ "$(get kept)" = 200 ] && ok same_cookie_signed_in_after_restart ||
	not_ok same_cookie_signed_in_after_restart "Location '$(location kept)'"
expect same_cookie_has_the_bar 'action="/logout"' kept.page
[ "$(csrf_of kept)" = "$CSRF" ] && ok same_csrf_after_restart ||
	not_ok same_csrf_after_restart "'$CSRF' then '$(csrf_of kept)'"
[ "$(post kept /triage --data-urlencode 'text=see 162.243.103.246')" = 303 ] &&
	ok form_posts_after_restart || not_ok form_posts_after_restart "$(head -c 200 kept.page)"

# The kept pages are gone: said, with the way to run them again.
[ "$(get kept "$REPORT")" = 200 ] && ok report_link_after_restart_200 ||
	not_ok report_link_after_restart_200 "$(head -c 200 kept.page)"
expect report_link_says_no_longer_kept 'id="report-gone">The online report this link named is no longer kept' kept.page
expect report_link_offers_to_run_again 'id="report-online"' kept.page
# A HEAD of the link is answered as its GET: the note counted in.
glen=$(curl -s -b kept -o /dev/null -w '%{size_download}' "$URL$REPORT")
hlen=$(curl -s -b kept -I "$URL$REPORT" | tr -d '\r' | sed -n 's/^Content-Length: //Ip')
[ "$glen" = "$hlen" ] && ok report_link_head_as_get ||
	not_ok report_link_head_as_get "GET sends $glen bytes, HEAD says $hlen"
get kept "$TRIAGE" > /dev/null
expect triage_link_says_no_longer_kept 'This triage table is no longer kept' kept.page

# ---- what does not come back ----
[ "$(get out)" = 303 ] && ok signed_out_stays_out || not_ok signed_out_stays_out "HTTP 200"
"$CHOUSA" -q token revoke bob > /dev/null 2>&1
[ "$(get revoked)" = 303 ] && [ "$(location revoked)" = "/login?why=revoked" ] &&
	ok revoked_token_refused || not_ok revoked_token_refused "Location '$(location revoked)'"
[ "$(rows "WHERE id_hash = '$(key_of revoked)'")" = 0 ] && ok revoked_session_ended ||
	not_ok revoked_session_ended "still there"
sqlite3 "$CHOUSA_DB" "UPDATE sessions SET expires_at = strftime('%s', 'now') WHERE id_hash = '$(key_of expired)'"
[ "$(get expired)" = 303 ] && [ "$(location expired)" = "/login?why=ended" ] &&
	ok expired_session_refused || not_ok expired_session_refused "Location '$(location expired)'"
[ "$(get kept)" = 200 ] && ok others_still_signed_in || not_ok others_still_signed_in "Location '$(location kept)'"
