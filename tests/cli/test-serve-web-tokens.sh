#!/bin/sh
# test-serve-web-tokens.sh: the web page's Tokens, for an admin's session
# (GET /tokens; POST /tokens, /tokens/rotate, /tokens/revoke).
#  1. The nav links it for an admin only; a read session is refused it.
#  2. Create: the new token shown once on the page, said; it works through
#     the API; it is listed.
#  3. Rotate (a day's grace): a new token shown, said with the end of the
#     one before; both work; only the newest valid token of a name has the
#     forms.  Rotate with "revoked now": the one before refused at once.
#  4. Revoke: said; the token refused.
#  5. Every form checks the session's CSRF token (a forged one 403); bad
#     fields 400, a name with none 404, nothing from them echoed as
#     markup; each action audited.
#  6. Post/Redirect/Get: an action is answered with a 303 to GET
#     /tokens?r=ID, which says it (and shows a new token) once: a reload
#     repeats nothing and shows the token no more; the token is in no
#     address.  A HEAD of it (a link's prefetch, a monitor) takes nothing:
#     the GET after it still shows the token.
#  7. A create the store refuses (a trigger stands in for a full disk)
#     marks the health's store check at once, as the API's does; the next
#     write that works clears it.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_store '[server]\nrate = 0\n'
ADMIN=$("$CHOUSA" -q token create --role admin boss)
READ=$("$CHOUSA" -q token create --role read alice)
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
cd "$T" || exit 1

curl -s -c jar -o /dev/null -H "Origin: $URL" --data-urlencode "token=$ADMIN" "$URL/login"
curl -s -c jar2 -o /dev/null -H "Origin: $URL" --data-urlencode "token=$READ" "$URL/login"
# page NAME PATH [JAR]: GET PATH in the session, into NAME.html.
page() {
	curl -s -b "${3:-jar}" -o "$1.html" -w '%{http_code}' "$URL$2" > status
}
# post NAME PATH FIELDS...: the form POSTed with the session's CSRF token
# (taken from the last tokens.html), into NAME.html; an action done is
# answered 303 to the page that says it (its Location in NAME.to),
# followed as a browser does.
post() {
	name=$1 path=$2
	shift 2
	curl -s -b jar -H "Origin: $URL" -D "$name.h" -o "$name.html" \
	    -w '%{http_code}' --data-urlencode "csrf=$csrf" "$@" "$URL$path" > status
	if [ "$(cat status)" = 303 ]; then
		tr -d '\r' < "$name.h" | sed -n 's/^Location: //Ip' > "$name.to"
		page "$name" "$(cat "$name.to")"
	fi
}
code_is() {
	[ "$(cat status)" = "$2" ] && ok "$1" || not_ok "$1" "HTTP $(cat status), want $2: $(head -c 200 "$3" 2> /dev/null)"
}
# shown FILE: the token the page shows once.
shown() {
	sed -n 's/.*<code id="new-token">\([^<]*\)<\/code>.*/\1/p' "$1" | head -n 1
}
works() {
	http GET "/api/v1/lookup?indicator=www.dnautik.com" "$2"
	status_is "$1" "$3"
}

# ---- 1. who sees it ----
page home /
expect nav_links_tokens_for_admin '<a href="/tokens">Tokens</a>' home.html
page home2 / jar2
refute nav_no_tokens_for_read '<a href="/tokens">' home2.html
page tread /tokens jar2
code_is read_session_refused 403 tread.html
expect read_session_told_why "Your role \(read\) may not list tokens" tread.html
page tokens /tokens
code_is tokens_page_200 200 tokens.html
expect tokens_page_lists_boss '<tr><td>[0-9]+</td><td>boss</td><td>admin</td>' tokens.html
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' tokens.html | head -n 1)

# ---- 2. create ----
post made /tokens --data-urlencode name=dash --data-urlencode role=read --data-urlencode expires=30d
code_is create_200 200 made.html
DASH=$(shown made.html)
case $DASH in chousa_*) ok create_shows_the_token ;; *) not_ok create_shows_the_token "$(head -c 300 made.html)" ;; esac
expect create_said "token &#39;dash&#39; \(role read, until [0-9TZ:-]+\) created; it is shown only this once" made.html
expect create_listed '<tr><td>[0-9]+</td><td>dash</td><td>read</td>.*<td>valid</td>' made.html
works created_token_works "$DASH" 200
# "From": the token is accepted only from there (this test is 127.0.0.1).
post madefar /tokens --data-urlencode name=farweb --data-urlencode role=read --data-urlencode 'allow_from=10.0.0.0/8, 192.0.2.7'
code_is create_from_200 200 madefar.html
expect create_from_said "\(role read, from 10\.0\.0\.0/8,192\.0\.2\.7\) created" madefar.html
expect create_from_listed '<td>farweb</td><td>read</td>.*<td>valid</td><td>10\.0\.0\.0/8,192\.0\.2\.7</td>' madefar.html
works create_from_refused_here "$(shown madefar.html)" 401
post badfrom /tokens --data-urlencode name=eve --data-urlencode role=read --data-urlencode allow_from=10.0.0.0/99
code_is create_bad_from_400 400 badfrom.html
page again /tokens
refute token_shown_only_once "$DASH" again.html

# ---- 3. rotate ----
post rotated /tokens/rotate --data-urlencode name=dash --data-urlencode grace=24h
code_is rotate_200 200 rotated.html
DASH2=$(shown rotated.html)
case $DASH2 in chousa_*) [ "$DASH2" != "$DASH" ] && ok rotate_shows_a_new_token || not_ok rotate_shows_a_new_token "the same" ;;
*) not_ok rotate_shows_a_new_token "$(head -c 300 rotated.html)" ;; esac
expect rotate_said "token &#39;dash&#39; rotated \(role read, until [0-9TZ:-]+\); the one before works until [0-9TZ:-]+" rotated.html
works rotated_old_works_in_grace "$DASH" 200
works rotated_new_works "$DASH2" 200
n=$(grep -o 'name="name" value="dash"' rotated.html | wc -l)
[ "$n" = 2 ] && ok forms_on_the_newest_only || not_ok forms_on_the_newest_only "$n dash fields (want 2: rotate and revoke of one row)"
post rotated2 /tokens/rotate --data-urlencode name=dash --data-urlencode grace=0
code_is rotate_now_200 200 rotated2.html
DASH3=$(shown rotated2.html)
expect rotate_now_said "the one before is revoked" rotated2.html
works rotate_now_old_refused "$DASH2" 401
works rotate_now_new_works "$DASH3" 200
# "Ends after" on the row: the new token ends in two days, where the one
# it replaces would have lasted the 30 days it was made for.
post rotated3 /tokens/rotate --data-urlencode name=dash --data-urlencode grace=1h --data-urlencode expires=2d
code_is rotate_expires_200 200 rotated3.html
DASH4=$(shown rotated3.html)
expect rotate_expires_said "rotated \(role read, until $(date -u -d '+2 days' +%Y-%m-%d)T" rotated3.html
works rotate_expires_new_works "$DASH4" 200
expect rotate_form_has_expires '<form method="post" action="/tokens/rotate"[^>]*>.*name="expires"' rotated3.html

# ---- 4. revoke ----
post revoked /tokens/revoke --data-urlencode name=dash
code_is revoke_200 200 revoked.html
expect revoke_said "&#39;dash&#39; revoked: refused from its next request on" revoked.html
works revoked_refused "$DASH4" 401
works rotated_grace_token_revoked_too "$DASH3" 401
works grace_token_revoked_too "$DASH" 401

# ---- 5. refusals ----
csrf_good=$csrf
csrf=forged
post forged /tokens --data-urlencode name=eve --data-urlencode role=admin
code_is forged_csrf_403 403 forged.html
post forged2 /tokens/rotate --data-urlencode name=boss
code_is forged_csrf_rotate_403 403 forged2.html
post forged3 /tokens/revoke --data-urlencode name=boss
code_is forged_csrf_revoke_403 403 forged3.html
works forged_changed_nothing "$ADMIN" 200
csrf=$csrf_good
post badname /tokens --data-urlencode 'name=<img src=x onerror=alert(1)>' --data-urlencode role=read
code_is bad_name_400 400 badname.html
refute bad_name_not_echoed_as_markup '<img src=x' badname.html
post badrole /tokens --data-urlencode name=eve --data-urlencode role=root
code_is bad_role_400 400 badrole.html
post badexp /tokens --data-urlencode name=eve --data-urlencode role=read --data-urlencode expires=soon
code_is bad_expires_400 400 badexp.html
post badgrace /tokens/rotate --data-urlencode name=alice --data-urlencode grace=soon
code_is bad_grace_400 400 badgrace.html
post badrotexp /tokens/rotate --data-urlencode name=alice --data-urlencode grace=1h --data-urlencode expires=soon
code_is bad_rotate_expires_400 400 badrotexp.html
expect bad_rotate_expires_said "Ends after" badrotexp.html
post nobody /tokens/rotate --data-urlencode name=nobody --data-urlencode grace=1h
code_is rotate_unknown_404 404 nobody.html
post nobody2 /tokens/revoke --data-urlencode name=nobody
code_is revoke_unknown_404 404 nobody2.html
post taken /tokens --data-urlencode name=alice --data-urlencode role=read
code_is create_taken_400 400 taken.html
expect create_taken_says_rotate "rotate it" taken.html
sleep 0.3
check audited 1 "$CHOUSA" audit --log "$T/audit.log" --who boss --json
# The API's words, as docs/team.md lists them; the path says the page.
expect audited_create '"path":"/tokens","what":"create tokens"' "$T/out"
expect audited_rotate '"path":"/tokens/rotate","what":"rotate tokens"' "$T/out"
expect audited_revoke '"path":"/tokens/revoke","what":"revoke tokens"' "$T/out"

# ---- 6. Post/Redirect/Get ----
post prg /tokens --data-urlencode name=prg --data-urlencode role=read
grep -q '^HTTP/[0-9.]* 303' prg.h && ok create_answered_303 || not_ok create_answered_303 "$(head -n 1 prg.h)"
TO=$(cat prg.to)
case $TO in /tokens\?r=?*) ok create_redirects_to_a_get ;; *) not_ok create_redirects_to_a_get "Location '$TO'" ;; esac
PRG=$(shown prg.html)
case $PRG in chousa_*) ok prg_shows_the_token_once ;; *) not_ok prg_shows_the_token_once "$(head -c 300 prg.html)" ;; esac
case $TO in *"$PRG"*) not_ok token_in_no_address "$TO" ;; *) ok token_in_no_address ;; esac
n_before=$(grep -c '"what":"create tokens"' "$T/audit.log")
page reload "$TO"
code_is reload_200 200 reload.html
refute reload_shows_no_token "$PRG" reload.html
expect reload_says_shown_already "shown already" reload.html
sleep 0.3
n_after=$(grep -c '"what":"create tokens"' "$T/audit.log")
[ "$n_before" = "$n_after" ] && ok reload_creates_nothing || not_ok reload_creates_nothing "$n_before then $n_after"
post prgrot /tokens/rotate --data-urlencode name=prg --data-urlencode grace=0
case $(cat prgrot.to) in /tokens\?r=?*) ok rotate_redirects_to_a_get ;; *) not_ok rotate_redirects_to_a_get "$(cat prgrot.to)" ;; esac
PRG2=$(shown prgrot.html)
page reload2 "$(cat prgrot.to)"
refute rotate_reload_shows_no_token "$PRG2" reload2.html
works rotate_reload_rotated_nothing "$PRG2" 200
post prgrev /tokens/revoke --data-urlencode name=prg
case $(cat prgrev.to) in /tokens\?r=?*) ok revoke_redirects_to_a_get ;; *) not_ok revoke_redirects_to_a_get "$(cat prgrev.to)" ;; esac
expect revoke_said_after_redirect "&#39;prg&#39; revoked" prgrev.html
# Another session cannot read what this one's action said.
page other "$(cat prgrot.to)" jar2
refute other_session_sees_no_result "$PRG2" other.html
page bogus "/tokens?r=x&bogus=1"
code_is tokens_unknown_parameter_400 400 bogus.html
expect tokens_unknown_parameter_named "bogus" bogus.html
# A HEAD sends no page: the token is still there for the GET.
curl -s -b jar -H "Origin: $URL" -D head.h -o /dev/null --data-urlencode "csrf=$csrf" \
    --data-urlencode name=prghead --data-urlencode role=read "$URL/tokens"
TO=$(tr -d '\r' < head.h | sed -n 's/^Location: //Ip')
curl -s -b jar -I -o headed.h -w '%{http_code}' "$URL$TO" > status
code_is head_of_result_200 200 headed.h
page afterhead "$TO"
HEADED=$(shown afterhead.html)
case $HEADED in chousa_*) ok head_takes_no_new_token ;; *) not_ok head_takes_no_new_token "$(head -c 300 afterhead.html)" ;; esac
works head_kept_token_works "$HEADED" 200
page afterhead2 "$TO"
refute get_after_head_still_once "$HEADED" afterhead2.html

# ---- 7. the health's store check ----
sqlite3 "$T/db" "CREATE TRIGGER no_token BEFORE INSERT ON tokens BEGIN SELECT RAISE(ABORT, 'no room for a token'); END;"
post refused /tokens --data-urlencode name=refused --data-urlencode role=read
[ "$(cat status)" -ge 500 ] && ok store_refused_create_5xx || not_ok store_refused_create_5xx "HTTP $(cat status)"
http GET /api/v1/health "$ADMIN"
expect web_create_failure_marks_health '"check":"store","status":"degraded","detail":"[^"]*the last write failed: [^"]*no room for a token' "$T/body"
sqlite3 "$T/db" "DROP TRIGGER no_token;"
post stored /tokens --data-urlencode name=stored --data-urlencode role=read
code_is store_takes_create_again 200 stored.html
http GET /api/v1/health "$ADMIN"
refute web_create_clears_health 'the last write failed' "$T/body"
