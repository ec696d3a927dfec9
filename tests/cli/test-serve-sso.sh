#!/bin/sh
# test-serve-sso.sh: users a single sign-on proxy signs in to the web page
# ([server] proxy_user_header, proxy_user_role, proxy_admins).
#  1. From a trusted proxy, the header signs a browser in as its user: the
#     page, a session cookie (once), the user's own token row made on first
#     sight (named as the user, noted), audited as the user, via "proxy".
#     The session's CSRF token serves a form.  The role: proxy_user_role,
#     admin for proxy_admins.  A HEAD makes no session and ends none.
#  2. Another user in the same browser: a session of its own, the first
#     ended; the session without the proxy's header is refused.  A user
#     name chousa cannot take, and a revoked user, are refused (403, not
#     the sign-in form).  The API still needs a token.  A plus-addressed
#     user; a user with a bearer token of the same name has a row beside
#     it, which a rotation leaves alone; revoking the name ends both.
#  3. A reload changes a user's role from the next request (token list
#     says it then); a bad proxy_user_role is refused at start and by
#     --check.
#  3b. Roles by group (proxy_groups_header, proxy_group_roles): the
#     highest of a user's groups', in any case; with proxy_user_role none,
#     a user in no such group is refused and given no row; a reload takes
#     a group's role away; a bad entry is refused by --check and a reload.
#  4. From an address that is not a trusted proxy, the header is ignored.
#  5. Through real nginx: the shipped site (dist/chousa.nginx) drops a
#     header the client sent; with its single sign-on lines turned on, the
#     user the identity service (a stand-in for oauth2-proxy's /oauth2/auth)
#     answers is signed in, with its groups, and headers the client sent
#     are replaced.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
NGINX=/usr/sbin/nginx
trap 'serve_stop; [ -n "${NGINX_PID:-}" ] && kill $NGINX_PID 2> /dev/null; [ -n "${IDP_PID:-}" ] && kill $IDP_PID 2> /dev/null' EXIT INT TERM
cd "$T" || exit 1

SSO='trusted_proxies = 127.0.0.1\nproxy_user_header = X-Forwarded-Email\nproxy_user_role = investigate\nproxy_admins = boss@example.org, Lead@Example.org\n'
serve_store "[server]\nrate = 0\n$SSO"
ADMIN=$("$CHOUSA" -q token create --role admin ops)
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
# as USER ARGS...: curl as the proxy naming USER.
as() {
	u=$1
	shift
	curl -s -H "X-Forwarded-Email: $u" "$@"
}
last_audit() {
	sleep 0.2
	grep -F -- "$1" "$T/audit.log" | tail -n 1 > "$T/audit.last"
}

# ---- 1. signed in by the proxy ----
as alice@example.org -c jar -D h1 -o home.html -w '%{http_code}' "$URL/" > code
[ "$(cat code)" = 200 ] && ok proxy_user_page || not_ok proxy_user_page "HTTP $(cat code)"
expect proxy_user_cookie '^Set-Cookie: chousa_session=[^;]+; Path=/; HttpOnly; SameSite=Strict' h1
# Signed in by the proxy: named, with no sign-out of chousa's own.
expect proxy_user_named '<span id="signed-in">alice@example\.org</span>' home.html
refute proxy_user_no_sign_out 'action="/logout"' home.html
"$CHOUSA" token list > tokens.txt 2>&1
grep -Eq "^[0-9]+ +alice@example\.org +investigate .* valid .* signed in by the proxy's X-Forwarded-Email header$" tokens.txt &&
	ok proxy_user_row || not_ok proxy_user_row "$(tr '\n' ';' < tokens.txt); serve.log: $(tail -n 5 "$T/serve.log" | tr '\n' ';')"
expect proxy_user_row_said "^chousa: serve: web: alice@example\.org, signed in by the proxy for the first time, has a token of its own now \(id [0-9]+: chousa token list\)$" "$T/serve.log"
# The sign-in form has nothing to add: to the page.
as alice@example.org -b jar -o /dev/null -w '%{http_code} %{redirect_url}' "$URL/login" > code
grep -q '^303 .*/$' code && ok proxy_user_login_page_skipped || not_ok proxy_user_login_page_skipped "$(cat code)"
last_audit '"path":"/"'
expect proxy_user_audited '"who":"alice@example\.org","token_id":[0-9]+,"role":"investigate","via":"proxy"' audit.last
as alice@example.org -b jar -D h2 -o /dev/null "$URL/"
refute proxy_user_one_cookie '^Set-Cookie' h2
"$CHOUSA" token list --json > tokens.json
[ "$(grep -o '"name":"alice@example.org"' tokens.json | wc -l)" = 1 ] && ok proxy_user_one_row ||
	not_ok proxy_user_one_row "$(cat tokens.json)"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' home.html | head -n 1)
# Answered by a redirect to the table (Post/Redirect/Get), followed.
as alice@example.org -L -b jar -H "Origin: $URL" -o triage.html -w '%{http_code}' \
    --data-urlencode "csrf=$csrf" --data-urlencode "text=see www[.]dnautik[.]com" \
    "$URL/triage" > code
[ "$(cat code)" = 200 ] && grep -q dnautik triage.html && ok proxy_user_form ||
	not_ok proxy_user_form "HTTP $(cat code): $(head -c 200 triage.html)"
as alice@example.org -b jar -o tok.html -w '%{http_code}' "$URL/tokens" > code
[ "$(cat code)" = 403 ] && ok proxy_user_role_not_admin || not_ok proxy_user_role_not_admin "HTTP $(cat code)"
as boss@example.org -o tok.html -w '%{http_code}' "$URL/tokens" > code
[ "$(cat code)" = 200 ] && grep -q 'alice@example.org' tok.html && ok proxy_admin_listed ||
	not_ok proxy_admin_listed "HTTP $(cat code)"
as lead@example.org -o /dev/null -w '%{http_code}' "$URL/tokens" > code
[ "$(cat code)" = 200 ] && ok proxy_admins_any_case || not_ok proxy_admins_any_case "HTTP $(cat code)"
# A HEAD (a monitor, a link's prefetch) sends no page: it makes no
# session (which would sweep the store's and end the oldest past the cap),
# nor ends one that is another user's.
n0=$(sqlite3 "$T/db" "SELECT count(*) FROM sessions")
as alice@example.org -I -D hhead -o /dev/null -w '%{http_code}' "$URL/" > code
[ "$(cat code)" = 200 ] && ok proxy_head_200 || not_ok proxy_head_200 "HTTP $(cat code)"
refute proxy_head_no_cookie '^Set-Cookie' hhead
as lead@example.org -I -b jar -o /dev/null "$URL/"
n1=$(sqlite3 "$T/db" "SELECT count(*) FROM sessions")
[ "$n0" = "$n1" ] && ok proxy_head_makes_no_session || not_ok proxy_head_makes_no_session "$n0 sessions, then $n1"
as alice@example.org -b jar -D hafter -o /dev/null "$URL/"
refute proxy_head_ends_no_session '^Set-Cookie' hafter

# ---- 2. another user, refusals ----
as carol@example.org -b jar -c jar -D h3 -o home3.html -w '%{http_code}' "$URL/" > code
[ "$(cat code)" = 200 ] && ok second_user_page || not_ok second_user_page "HTTP $(cat code)"
expect second_user_own_session '^Set-Cookie: chousa_session=' h3
last_audit '"who":"carol@example.org"'
expect second_user_audited_as_herself '"who":"carol@example\.org"' audit.last
# carol's cookie, the proxy's word gone: refused, and the session ended.
curl -s -b jar -D h303 -o /dev/null -w '%{http_code}' "$URL/" > code
[ "$(cat code)" = 303 ] && ok session_needs_the_proxy || not_ok session_needs_the_proxy "HTTP $(cat code)"
refute redirect_has_no_type '^Content-Type:' h303
as carol@example.org -b jar -D h4 -o /dev/null "$URL/"
expect ended_session_replaced '^Set-Cookie: chousa_session=' h4
# An empty value names no one: the sign-in form.
curl -s -H "X-Forwarded-Email;" -o /dev/null -w '%{http_code}' "$URL/" > code
[ "$(cat code)" = 303 ] && ok empty_user_sign_in_form || not_ok empty_user_sign_in_form "HTTP $(cat code)"
as '<script>' -o bad.html -w '%{http_code}' "$URL/" > code
[ "$(cat code)" = 403 ] && ok bad_user_403 || not_ok bad_user_403 "HTTP $(cat code)"
expect bad_user_says_why 'the proxy named a user chousa cannot take' bad.html
refute bad_user_escaped '<script>' bad.html
# A plus-addressed user is a user.
as erin+soc@example.org -o plus.html -w '%{http_code}' "$URL/" > code
[ "$(cat code)" = 200 ] && grep -q '>erin+soc@example\.org<' plus.html && ok plus_addressed_user ||
	not_ok plus_addressed_user "HTTP $(cat code): $(head -c 200 plus.html)"
# A user who had a bearer token of the same name before single sign-on:
# a row beside it, which a rotation of that token leaves alone.
FRANK=$("$CHOUSA" -q token create --role read frank@example.org)
as frank@example.org -o /dev/null -w '%{http_code}' "$URL/" > code
[ "$(cat code)" = 200 ] && ok user_with_a_token_signs_in || not_ok user_with_a_token_signs_in "HTTP $(cat code)"
check token_of_user_rotates 0 "$CHOUSA" -q token rotate --grace 0 frank@example.org
FRANK2=$(cat out)
as frank@example.org -o /dev/null -w '%{http_code}' "$URL/" > code
[ "$(cat code)" = 200 ] && ok rotation_leaves_proxy_row || not_ok rotation_leaves_proxy_row "HTTP $(cat code)"
curl -s -H "Authorization: Bearer $FRANK" -o /dev/null -w '%{http_code}' "$URL/api/v1/version" > code
curl -s -H "Authorization: Bearer $FRANK2" -o /dev/null -w ' %{http_code}' "$URL/api/v1/version" >> code
[ "$(cat code)" = "401 200" ] && ok rotation_replaced_the_token || not_ok rotation_replaced_the_token "$(cat code)"
# A user the proxy alone signs in has no token to rotate, and may be
# given one for the command line.
check proxy_row_not_rotated 3 "$CHOUSA" token rotate erin+soc@example.org
expect proxy_row_not_rotated_says "'erin\+soc@example\.org' has no valid token to rotate: create one" err
as erin+soc@example.org -o /dev/null -w '%{http_code}' "$URL/" > code
[ "$(cat code)" = 200 ] && ok proxy_row_kept || not_ok proxy_row_kept "HTTP $(cat code)"
check token_beside_proxy_row 0 "$CHOUSA" -q token create --role read erin+soc@example.org
ERIN=$(cat out)
curl -s -H "Authorization: Bearer $ERIN" -o /dev/null -w '%{http_code}' "$URL/api/v1/version" > code
[ "$(cat code)" = 200 ] && ok token_beside_proxy_row_works || not_ok token_beside_proxy_row_works "HTTP $(cat code)"
check plus_name_through_server 0 env CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "$URL" token note erin+soc@example.org "SOC lead"
"$CHOUSA" token list > tokens.txt
[ "$(grep -c 'erin+soc@example\.org .*SOC lead$' tokens.txt)" = 2 ] && ok plus_name_through_server_noted ||
	not_ok plus_name_through_server_noted "$(cat tokens.txt)"
check second_token_refused 3 "$CHOUSA" -q token create --role read erin+soc@example.org
expect second_token_refused_says "already has a valid token: revoke it first" err
# Revoking the name ends both.
"$CHOUSA" -q token revoke erin+soc@example.org
as erin+soc@example.org -o /dev/null -w '%{http_code}' "$URL/" > code
curl -s -H "Authorization: Bearer $ERIN" -o /dev/null -w ' %{http_code}' "$URL/api/v1/version" >> code
[ "$(cat code)" = "403 401" ] && ok revoke_ends_both || not_ok revoke_ends_both "$(cat code)"
"$CHOUSA" -q token revoke alice@example.org
as alice@example.org -o rev.html -w '%{http_code}' "$URL/" > code
[ "$(cat code)" = 403 ] && grep -q 'your access to chousa was revoked: ask the server' rev.html && ok revoked_user_403 ||
	not_ok revoked_user_403 "HTTP $(cat code): $(head -c 200 rev.html)"
# Readmitted: the same user in again (a bearer token revoked stays so).
check readmit_user 0 "$CHOUSA" token readmit alice@example.org
expect readmit_said "^chousa: 'alice@example\.org' readmitted: the proxy signs it in again$" "$T/err"
as alice@example.org -o /dev/null -w '%{http_code}' "$URL/" > code
[ "$(cat code)" = 200 ] && ok readmitted_user_in || not_ok readmitted_user_in "HTTP $(cat code)"
check readmit_not_revoked 3 "$CHOUSA" token readmit alice@example.org
expect readmit_not_revoked_says "'alice@example\.org' is not revoked: the single sign-on proxy signs it in" err
check readmit_unknown 3 "$CHOUSA" token readmit nobody@example.org
expect readmit_unknown_says "'nobody@example\.org' was never signed in by the single sign-on proxy \(a bearer token revoked stays revoked" err
check readmit_no_bearer 3 "$CHOUSA" token readmit frank@example.org
"$CHOUSA" -q token revoke alice@example.org
check readmit_through_server 0 env CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "$URL" token readmit alice@example.org
expect readmit_through_server_said "^chousa: 'alice@example\.org' readmitted: the proxy signs it in again$" err
as alice@example.org -o /dev/null -w '%{http_code}' "$URL/" > code
[ "$(cat code)" = 200 ] && ok readmitted_through_server || not_ok readmitted_through_server "HTTP $(cat code)"
# One user in any case: one row, named in lower case; revoked in any.
as Mixed@Example.ORG -o /dev/null -w '%{http_code}' "$URL/" > code
as mixed@example.org -o /dev/null -w ' %{http_code}' "$URL/" >> code
[ "$(cat code)" = "200 200" ] && ok user_in_any_case || not_ok user_in_any_case "$(cat code)"
"$CHOUSA" token list > tokens.txt
[ "$(grep -ci 'mixed@example\.org' tokens.txt)" = 1 ] && grep -q ' mixed@example\.org ' tokens.txt &&
	ok one_row_in_lower_case || not_ok one_row_in_lower_case "$(grep -i mixed tokens.txt)"
"$CHOUSA" -q token revoke mixed@example.org
as MIXED@example.org -o /dev/null -w '%{http_code}' "$URL/" > code
[ "$(cat code)" = 403 ] && ok revoked_in_any_case || not_ok revoked_in_any_case "HTTP $(cat code)"
# The web page's Tokens: a revoked user's row has Readmit, no Rotate.
as boss@example.org -c bossjar -o btok.html "$URL/tokens"
python3 - btok.html > rows.check <<'PY'
import re, sys
page = open(sys.argv[1]).read()
rows = {re.sub(r" \(sso\)$", "", re.sub("<[^>]+>", "", r.split("</td>")[1])): r
        for r in re.findall(r"<tr><td>\d+</td>.*?</tr>", page)}
m, a = rows.get("mixed@example.org", ""), rows.get("alice@example.org", "")
print("ok" if 'action="/tokens/readmit"' in m and "/tokens/rotate" not in m
      and "(sso)</span>" in m and "(sso)" not in rows.get("frank@example.org", "")
      and 'action="/tokens/revoke"' in a and "/tokens/rotate" not in a
      and "/tokens/readmit" not in a else "mixed: %s | alice: %s" % (m[-300:], a[-300:]))
PY
expect web_proxy_rows_actions '^ok$' rows.check
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' btok.html | head -n 1)
as boss@example.org -b bossjar -H "Origin: $URL" --data-urlencode "csrf=$csrf" \
    --data-urlencode "name=mixed@example.org" -D readm.h -o /dev/null -w '%{http_code}' "$URL/tokens/readmit" > code
# Answered with a redirect to the page that says it (Post/Redirect/Get).
to=$(tr -d '\r' < readm.h | sed -n 's/^Location: //Ip')
as boss@example.org -b bossjar -o readm.html "$URL$to"
[ "$(cat code)" = 303 ] && grep -q "readmitted: the proxy signs it in again" readm.html && ok web_readmit ||
	not_ok web_readmit "HTTP $(cat code): $(head -c 300 readm.html)"
as mixed@example.org -o /dev/null -w '%{http_code}' "$URL/" > code
[ "$(cat code)" = 200 ] && ok web_readmitted_in || not_ok web_readmitted_in "HTTP $(cat code)"
"$CHOUSA" token list --json > tokens.json
python3 -c 'import json,sys; t=[x for x in json.load(open(sys.argv[1]))["tokens"] if x["name"] in ("mixed@example.org","frank@example.org")]; print(sorted((x["name"], x["sso"]) for x in t))' tokens.json > sso.txt
expect json_sso_marks_rows "\[\('frank@example.org', False\), \('frank@example.org', False\), \('frank@example.org', True\), \('mixed@example.org', True\)\]" sso.txt
# A bearer token named in other capitals is the same user's: one revoke
# ends both, through the server too, which says so.
DANA=$("$CHOUSA" -q token create --role admin Dana@Example.org)
as dana@example.org -o /dev/null -w '%{http_code}' "$URL/" > code
check revoke_any_case_through_server 0 env CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "$URL" token revoke dana@example.org
expect revoke_through_server_said "^chousa: 'dana@example\.org' revoked: refused from its next request on$" err
as dana@example.org -o /dev/null -w ' %{http_code}' "$URL/" >> code
curl -s -H "Authorization: Bearer $DANA" -o /dev/null -w ' %{http_code}' "$URL/api/v1/version" >> code
[ "$(cat code)" = "200 403 401" ] && ok revoke_ends_every_case || not_ok revoke_ends_every_case "$(cat code)"
# A long address (up to 100 characters) is a user.
LONG=firstname.middlename.lastname.department.team@subsidiary.division.corporation.example.org
as "$LONG" -o /dev/null -w '%{http_code}' "$URL/" > code
[ "$(cat code)" = 200 ] && ok long_address_user || not_ok long_address_user "HTTP $(cat code) for ${#LONG} characters"
as dave@example.org -o /dev/null -w '%{http_code}' "$URL/api/v1/version" > code
[ "$(cat code)" = 401 ] && ok api_needs_a_token || not_ok api_needs_a_token "HTTP $(cat code)"
"$CHOUSA" token list > tokens.txt
refute api_made_no_row 'dave@example' tokens.txt

# ---- 3. a reload; a bad role ----
printf "[server]\nrate = 0\n${SSO}" | sed 's/proxy_user_role = investigate/proxy_user_role = read/' > "$T/config"
serve_hup
sleep 0.3
as carol@example.org -o /dev/null "$URL/"
last_audit '"who":"carol@example.org"'
expect reload_changes_role '"role":"read","via":"proxy"' audit.last
"$CHOUSA" token list > tokens.txt
expect reload_role_listed '^[0-9]+ +carol@example\.org +read ' tokens.txt
printf '[server]\nproxy_user_header = X-Forwarded-Email\nproxy_user_role = admin\n' > bad.conf
check bad_role_check 2 "$CHOUSA" --config bad.conf serve --check
expect bad_role_says "^error +config +bad\.conf:3: \[server\] proxy_user_role = 'admin': none, read or investigate \(admins are named in proxy_admins, or by group in proxy_group_roles\)" out
check bad_role_start 3 "$CHOUSA" --config bad.conf serve --listen 127.0.0.1:0
expect bad_role_start_says "^chousa: bad \[server\] proxy_user_role 'admin': none, read or investigate" err
printf '[server]\nproxy_user_header = X-Forwarded-Email\nproxy_group_roles = soc=root\n' > badgroup.conf
check bad_group_role_check 2 "$CHOUSA" --config badgroup.conf serve --check
expect bad_group_role_says "^error +config +badgroup\.conf:3: \[server\] proxy_group_roles = 'soc=root': its entry 'soc=root' is not GROUP=ROLE with the role read, investigate or admin" out
check check_says_sso 0 "$CHOUSA" serve --check
expect check_sso_line '^ok +sso +users signed in by the proxy.s X-Forwarded-Email header, as read; admins: boss@example\.org, Lead@Example\.org$' out
printf '[server]\nproxy_user_header = X-Forwarded-Email\n' > noproxy.conf
check check_sso_without_proxies 0 "$CHOUSA" --config noproxy.conf serve --check
expect check_sso_without_proxies_warns '^warning +sso +proxy_user_header X-Forwarded-Email has no effect without trusted_proxies' out
serve_stop

# ---- 3b. roles by group ----
GROUPS='proxy_groups_header = X-Forwarded-Groups\nproxy_group_roles = soc-l2=investigate, SOC-Leads=admin, ou=soc=read\n'
printf "[server]\nrate = 0\n${SSO}${GROUPS}" | sed 's/proxy_user_role = investigate/proxy_user_role = none/' > "$T/config"
check check_groups_line 0 "$CHOUSA" serve --check
expect check_groups_said '^ok +sso +users signed in by the proxy.s X-Forwarded-Email header, as none \(only users proxy_group_roles or proxy_admins name\); by group \(X-Forwarded-Groups\): soc-l2=investigate, SOC-Leads=admin, ou=soc=read; admins: ' out
serve_start || { not_ok server_starts_with_groups "$(head -c 300 "$T/serve.log")"; exit 0; }
# as_in GROUPS USER ARGS...: as the proxy naming USER in GROUPS.
as_in() {
	g=$1
	shift
	as "$@" -H "X-Forwarded-Groups: $g"
}
as_in "staff, soc-l2" gina@example.org -o /dev/null -w '%{http_code}' "$URL/" > code
as_in "staff, soc-l2" gina@example.org -o gina.html -w ' %{http_code}' "$URL/tokens" >> code
[ "$(cat code)" = "200 403" ] && ok group_gives_role || not_ok group_gives_role "$(cat code): $(head -c 300 gina.html); serve.log: $(tail -n 5 "$T/serve.log" | tr '\n' ';')"
last_audit '"who":"gina@example.org"'
expect group_role_audited '"role":"investigate","via":"proxy"' audit.last
# The groups header repeated is one list, as HTTP reads it; the user's
# header repeated names two users, refused.
as_in "soc-l2" ivy@example.org -H "X-Forwarded-Groups: soc-leads" -o /dev/null -w '%{http_code}' "$URL/tokens" > code
as ivy@example.org -H "X-Forwarded-Email: boss@example.org" -o /dev/null -w ' %{http_code}' "$URL/tokens" >> code
[ "$(cat code)" = "200 403" ] && ok repeated_headers_read_whole || not_ok repeated_headers_read_whole "$(cat code)"
as_in "soc-l2,soc-leads" hal@example.org -o /dev/null -w '%{http_code}' "$URL/tokens" > code
[ "$(cat code)" = 200 ] && ok highest_group_role_any_case || not_ok highest_group_role_any_case "HTTP $(cat code)"
"$CHOUSA" token list > tokens.txt
expect group_role_listed '^[0-9]+ +hal@example\.org +admin ' tokens.txt
as_in "staff" ivan@example.org -o nogroup.html -w '%{http_code}' "$URL/" > code
[ "$(cat code)" = 403 ] && grep -q 'none of its groups has a role here' nogroup.html && ok no_group_refused ||
	not_ok no_group_refused "HTTP $(cat code): $(head -c 200 nogroup.html)"
as ivan@example.org -o /dev/null -w '%{http_code}' "$URL/" > code
[ "$(cat code)" = 403 ] && ok no_groups_header_refused || not_ok no_groups_header_refused "HTTP $(cat code)"
"$CHOUSA" token list > tokens.txt
refute refused_user_no_row 'ivan@example' tokens.txt
# A group's name holding '=': the last '=' divides.
as_in "ou" jo@example.org -o /dev/null -w '%{http_code}' "$URL/" > code
as_in "ou=soc" jo@example.org -o /dev/null -w ' %{http_code}' "$URL/" >> code
[ "$(cat code)" = "403 200" ] && ok group_name_holding_equals || not_ok group_name_holding_equals "$(cat code)"
as boss@example.org -o /dev/null -w '%{http_code}' "$URL/tokens" > code
[ "$(cat code)" = 200 ] && ok admin_by_name_without_groups || not_ok admin_by_name_without_groups "HTTP $(cat code)"
# A group losing its role by a reload: refused from the next request.
printf "[server]\nrate = 0\n${SSO}${GROUPS}" | sed -e 's/proxy_user_role = investigate/proxy_user_role = none/' \
    -e 's/soc-l2=investigate, //' > "$T/config"
serve_hup
sleep 0.3
as_in "soc-l2" gina@example.org -o /dev/null -w '%{http_code}' "$URL/" > code
[ "$(cat code)" = 403 ] && ok reload_takes_group_role || not_ok reload_takes_group_role "HTTP $(cat code)"
# A bad entry: refused by a reload (the server keeps the last config).
printf "[server]\nrate = 0\n${SSO}${GROUPS}" | sed 's/SOC-Leads=admin/SOC-Leads=root/' > "$T/config"
serve_hup
sleep 0.3
expect bad_group_role_reload_refused "kept the config in force: bad \[server\] proxy_group_roles '.*': its entry 'SOC-Leads=root' is not GROUP=ROLE with the role read, investigate or admin" "$T/serve.log"
as_in "soc-leads" hal@example.org -o /dev/null -w '%{http_code}' "$URL/tokens" > code
[ "$(cat code)" = 200 ] && ok bad_reload_keeps_roles || not_ok bad_reload_keeps_roles "HTTP $(cat code)"
serve_stop
printf '[server]\ntrusted_proxies = 127.0.0.1\nproxy_user_header = X-Forwarded-Email\nproxy_groups_header = X-Forwarded-Groups\n' > half.conf
check check_groups_without_roles 0 "$CHOUSA" --config half.conf serve --check
expect check_groups_without_roles_warns '^warning +sso +proxy_groups_header has no effect without proxy_group_roles' out
printf '[server]\ntrusted_proxies = 127.0.0.1\nproxy_user_header = X-Forwarded-Email\nproxy_user_role = none\n' > none.conf
check check_no_one_comes_in 0 "$CHOUSA" --config none.conf serve --check
expect check_no_one_comes_in_warns '^warning +sso +proxy_user_role none, and no proxy_admins or roles by group' out

# ---- 4. not a trusted proxy ----
printf "[server]\nrate = 0\n${SSO}" | sed 's/trusted_proxies = 127.0.0.1/trusted_proxies = 192.0.2.1/' > "$T/config"
serve_start || { not_ok server_starts_again "$(head -c 300 "$T/serve.log")"; exit 0; }
as boss@example.org -o /dev/null -w '%{http_code}' "$URL/tokens" > code
[ "$(cat code)" = 303 ] && ok header_ignored_from_others || not_ok header_ignored_from_others "HTTP $(cat code)"
serve_stop

# ---- 5. through real nginx ----
if [ ! -x "$NGINX" ] || ! command -v openssl > /dev/null 2>&1; then
	not_ok nginx_available "nginx and openssl are needed (scripts/install-deps.sh test)"
	exit 0
fi
openssl req -x509 -newkey rsa:2048 -nodes -keyout px.key -out px.pem -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 > /dev/null 2>&1
printf "[server]\nrate = 0\n${SSO}${GROUPS}" > "$T/config"
serve_start || { not_ok server_starts_behind_nginx "$(head -c 300 "$T/serve.log")"; exit 0; }
# The identity service: 202 and the user for the cookie sso=NAME, else
# 401, as oauth2-proxy's /oauth2/auth answers nginx's auth_request.
IPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$IPORT" <<'PY' > idp.log 2>&1 &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        c = self.headers.get("Cookie", "")
        user = [p.split("=", 1)[1] for p in c.split("; ") if p.startswith("sso=")]
        if self.path.startswith("/oauth2/auth") and user:
            self.send_response(202)
            self.send_header("X-Auth-Request-Email", user[0])
            groups = [p.split("=", 1)[1] for p in c.split("; ") if p.startswith("grp=")]
            if groups:
                self.send_header("X-Auth-Request-Groups", groups[0])
        else:
            self.send_response(401)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
IDP_PID=$!
NPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# site NAME SED...: the shipped site, its addresses and paths changed.
site() {
	n=$1
	shift
	sed -e "s|listen 443 ssl;|listen 127.0.0.1:$NPORT ssl;|" \
	    -e "s|/etc/ssl/chousa/fullchain.pem|$T/px.pem|" \
	    -e "s|/etc/ssl/chousa/privkey.pem|$T/px.key|" \
	    -e "s|http://127.0.0.1:8080|http://127.0.0.1:$PORT|" "$@" \
	    "$TESTS/../dist/chousa.nginx" > "$n.site"
	nginx_conf "$T/$n.conf" "$T/$n.site"
}
# nginx_run NAME: nginx with NAME.conf, until it answers.
nginx_run() {
	[ -n "${NGINX_PID:-}" ] && kill $NGINX_PID 2> /dev/null && wait $NGINX_PID 2> /dev/null
	"$NGINX" -p "$T" -c "$T/$1.conf" -e "$T/nginx.err" 2>> "$T/nginx.err" &
	NGINX_PID=$!
	i=0
	until curl -s -o /dev/null --cacert px.pem "https://127.0.0.1:$NPORT/api/v1/health" || [ $i -ge 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
PX="https://127.0.0.1:$NPORT"
site plain
check plain_site_accepted 0 "$NGINX" -t -q -p "$T" -c "$T/plain.conf" -e "$T/nginx.err"
nginx_run plain
curl -s --cacert px.pem -H "X-Forwarded-Email: boss@example.org" -o /dev/null -w '%{http_code}' "$PX/tokens" > code
[ "$(cat code)" = 303 ] && ok shipped_site_drops_client_header || not_ok shipped_site_drops_client_header "HTTP $(cat code)"
# The single sign-on lines on, and the identity service's location.
site sso -e 's|#auth_request /oauth2/auth;|auth_request /oauth2/auth;|' \
    -e 's|#auth_request_set|auth_request_set|' \
    -e 's|#proxy_set_header X-Forwarded-Email $sso_user;|proxy_set_header X-Forwarded-Email $sso_user;|' \
    -e 's|#proxy_set_header X-Forwarded-Groups $sso_groups;|proxy_set_header X-Forwarded-Groups $sso_groups;|' \
    -e '/proxy_set_header X-Forwarded-Email "";/d' \
    -e '/proxy_set_header X-Forwarded-Groups "";/d' \
    -e "s|^	location / {|	location = /oauth2/auth { internal; proxy_pass http://127.0.0.1:$IPORT; proxy_pass_request_body off; proxy_set_header Content-Length \"\"; }\n	location / {|"
[ "$(grep -c -e '^		auth_request /oauth2/auth;' -e '^		proxy_set_header X-Forwarded-Email \$sso_user;' -e '^		proxy_set_header X-Forwarded-Groups \$sso_groups;' -e '^		auth_request_set \$sso_groups ' sso.site)" = 4 ] &&
	ok sso_lines_turned_on || not_ok sso_lines_turned_on "$(grep -n 'sso\|oauth2' sso.site)"
check sso_site_accepted 0 "$NGINX" -t -q -p "$T" -c "$T/sso.conf" -e "$T/nginx.err"
nginx_run sso
curl -s --cacert px.pem -o /dev/null -w '%{http_code}' "$PX/" > code
[ "$(cat code)" = 401 ] && ok sso_unsigned_refused_by_proxy || not_ok sso_unsigned_refused_by_proxy "HTTP $(cat code)"
curl -s --cacert px.pem -b "sso=erin@example.org" -D hx -o sso.html -w '%{http_code}' "$PX/" > code
[ "$(cat code)" = 200 ] && ok sso_user_signed_in || not_ok sso_user_signed_in "HTTP $(cat code): $(tail -n 3 nginx.err)"
expect sso_cookie_secure '^Set-Cookie: __Host-chousa_session=.*; Secure' hx
curl -s --cacert px.pem -b "sso=erin@example.org" -H "X-Forwarded-Email: boss@example.org" -o /dev/null -w '%{http_code}' "$PX/tokens" > code
[ "$(cat code)" = 403 ] && ok sso_client_header_replaced || not_ok sso_client_header_replaced "HTTP $(cat code)"
curl -s --cacert px.pem -b "sso=erin@example.org; grp=staff,soc-leads" -o /dev/null -w '%{http_code}' "$PX/tokens" > code
[ "$(cat code)" = 200 ] && ok sso_groups_passed || not_ok sso_groups_passed "HTTP $(cat code)"
curl -s --cacert px.pem -b "sso=erin@example.org" -H "X-Forwarded-Groups: soc-leads" -o /dev/null -w '%{http_code}' "$PX/tokens" > code
[ "$(cat code)" = 403 ] && ok sso_client_groups_dropped || not_ok sso_client_groups_dropped "HTTP $(cat code)"
last_audit '"who":"erin@example.org"'
expect sso_audited_with_client_address '"who":"erin@example\.org",.*"via":"proxy","peer":"127\.0\.0\.1","proxy":' audit.last
