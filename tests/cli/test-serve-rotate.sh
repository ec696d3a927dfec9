#!/bin/sh
# test-serve-rotate.sh: a token rotated (chousa token rotate, here and
# through the server; POST /api/v1/tokens/NAME/rotate).
#  1. A name with no valid token: said, status 3, here and through the
#     server alike; --grace takes a duration or 0, is for rotate only;
#     rotate keeps the role and budget (--role, --online-budget refused).
#  2. Rotated with a grace: the new token printed once and said; it has
#     the old one's role, budget and lifetime; both work through the
#     server, each audited with its own token_id; past the grace the old
#     one is refused as expired (audited), the new one works on.  The
#     metrics say the name once meanwhile, from its current token.
#  3. --grace 0: the one before revoked at once; --expires sets the new
#     token's end.
#  4. Through the server (an admin's token): printed and said as here, and
#     the API's JSON answer; bad members 400; a read token 403; audited
#     as "rotate tokens".
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_store '[server]\nrate = 0\n'
ADMIN=$("$CHOUSA" -q token create --role admin boss)
READ=$("$CHOUSA" -q token create --role read alice)
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
remote() { CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "$URL" "$@"; }
# works NAME TOKEN WANT: a look-up through the server with TOKEN answers
# HTTP WANT.
works() {
	http GET "/api/v1/lookup?indicator=www.dnautik.com" "$2"
	status_is "$1" "$3"
}

# ---- 1. what rotate refuses ----
"$CHOUSA" token rotate nobody > "$T/local.out" 2> "$T/local.err"
lst=$?
remote token rotate nobody > "$T/remote.out" 2> "$T/remote.err"
same_as_local rotate_unknown_same 3 $lst $?
expect rotate_unknown_said "^chousa: 'nobody' has no valid token to rotate: create one \(chousa token create\)$" "$T/remote.err"
check rotate_bad_grace 2 "$CHOUSA" token rotate --grace soon alice
expect rotate_bad_grace_said "bad --grace 'soon': a duration" "$T/err"
check grace_only_for_rotate 2 "$CHOUSA" token create --role read --grace 1h zed
check rotate_keeps_role 2 "$CHOUSA" token rotate --role admin alice
expect rotate_keeps_role_said "rotate keeps the token's role and budget" "$T/err"
check rotate_keeps_budget 2 "$CHOUSA" token rotate --online-budget 5 alice
check rotate_takes_one_name 2 "$CHOUSA" token rotate alice bob
check create_taken_says_rotate 3 "$CHOUSA" token create --role read alice
expect create_taken_says_rotate_said "'alice' already has a valid token: revoke it first \(chousa token revoke alice\), rotate it \(chousa token rotate alice\)" "$T/err"

# ---- 2. rotated with a grace ----
OLD=$("$CHOUSA" -q token create --role investigate --expires 30d --online-budget 40 dash)
check rotate_grace 0 "$CHOUSA" token rotate --grace 6s dash
NEW=$(cat "$T/out")
n=$(wc -l < "$T/out")
case $NEW in chousa_*) [ "$n" = 1 ] && ok rotate_prints_the_token_once ||
	not_ok rotate_prints_the_token_once "$n lines" ;;
*) not_ok rotate_prints_the_token_once "$NEW" ;; esac
[ "$NEW" != "$OLD" ] && ok rotate_new_token || not_ok rotate_new_token "the same token"
expect rotate_said "^chousa: token 'dash' rotated \(role investigate, until [0-9TZ:-]+\); the one before works until [0-9TZ:-]+; the new one is shown only this once$" "$T/err"
in30=$(date -u -d '+30 days' +%Y-%m-%d)
expect rotate_keeps_lifetime "until ${in30}T" "$T/err"
"$CHOUSA" token list --json > "$T/list.json"
python3 - "$T/list.json" > "$T/rows" <<'PY'
import json, sys
for t in json.load(open(sys.argv[1]))["tokens"]:
    if t["name"] == "dash":
        print(t["id"], t["role"], t["state"], t["online_budget"])
PY
rows=$(cat "$T/rows" | tr '\n' ';')
case $rows in
*" investigate valid 40;"*" investigate valid 40;") ok "rotate_both_valid_same_role_budget ($rows)" ;;
*) not_ok rotate_both_valid_same_role_budget "$rows" ;;
esac
"$CHOUSA" token list > "$T/list"
a=$(grep -cE '^[0-9]+ +dash .* valid +any +0 of 40 ' "$T/list")
b=$(grep -cE '^[0-9]+ +dash .* valid +any +- ' "$T/list")
[ "$a:$b" = 1:1 ] && ok list_says_the_spend_once || not_ok list_says_the_spend_once "$(grep -E '^[0-9]+ +dash' "$T/list" | tr '\n' '|')"
works old_token_works_in_grace "$OLD" 200
works new_token_works "$NEW" 200
# The metrics say a name once, from its current token: two valid tokens of
# one name must not make two samples of one series.
http GET /metrics "$ADMIN"
dups=$(grep -v '^#' "$T/body" | sed 's/ [^ ]*$//' | sort | uniq -d)
[ -z "$dups" ] && ok metrics_no_duplicate_series || not_ok metrics_no_duplicate_series "$dups"
expect metrics_dash_once '^chousa_token_online_budget\{name="dash"\} 40$' "$T/body"
expect metrics_dash_used '^chousa_token_last_used_timestamp_seconds\{name="dash"\} [0-9]{10}$' "$T/body"
sleep 0.3
python3 - "$T/audit.log" > "$T/ids" <<'PY'
import json, sys
ids = set()
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d.get("who") == "dash" and d.get("status") == 200:
        ids.add(d["token_id"])
print(len(ids))
PY
[ "$(cat "$T/ids")" = 2 ] && ok audit_tells_the_two_tokens_apart || not_ok audit_tells_the_two_tokens_apart "$(cat "$T/ids") token ids"
# Past the grace (6 s from the rotation).
i=0
while http GET "/api/v1/lookup?indicator=www.dnautik.com" "$OLD" && [ "$(cat "$T/status")" = 200 ] && [ $i -lt 150 ]; do
	sleep 0.1
	i=$((i + 1))
done
status_is old_token_refused_past_grace 401
expect old_token_refused_as_expired "expired token" "$T/body"
works new_token_works_past_grace "$NEW" 200
sleep 0.3
expect old_token_refusal_audited '"who":"dash".*"status":401.*"refused":"expired token"' "$T/audit.log"

# ---- 3. --grace 0, --expires ----
check rotate_no_grace 0 "$CHOUSA" token rotate --grace 0 --expires 2d dash
NEWER=$(cat "$T/out")
expect rotate_no_grace_said "the one before is revoked; the new one" "$T/err"
in2=$(date -u -d '+2 days' +%Y-%m-%d)
expect rotate_expires_sets_end "until ${in2}T" "$T/err"
works revoked_at_once "$NEW" 401
expect revoked_at_once_said "revoked token" "$T/body"
works newest_works "$NEWER" 200

# ---- 4. through the server ----
check rotate_remote 0 remote token rotate --grace 1h dash
RNEW=$(cat "$T/out")
expect rotate_remote_said "^chousa: token 'dash' rotated \(role investigate, until ${in2}T[0-9:]+Z\); the one before works until [0-9TZ:-]+; the new one is shown only this once$" "$T/err"
works rotate_remote_token_works "$RNEW" 200
works rotate_remote_old_in_grace "$NEWER" 200
check rotate_remote_quiet 0 remote -q token rotate dash
[ -s "$T/err" ] && not_ok rotate_remote_quiet_says_nothing "$(cat "$T/err")" || ok rotate_remote_quiet_says_nothing
http POST /api/v1/tokens/dash/rotate "$ADMIN" '{"grace": "0"}'
status_is api_rotate_201 201
python3 - "$T/body" <<'PY' > "$T/api"
import json, sys
d = json.load(open(sys.argv[1]))
print(d["name"], d["role"], d["online_budget"], d["before_until"], d["token"][:7], d["expires_at"][:4])
PY
expect api_rotate_answer "^dash investigate 40 None chousa_ 20[0-9][0-9]$" "$T/api"
http POST /api/v1/tokens/dash/rotate "$ADMIN" '{"grace": "soon"}'
status_is api_rotate_bad_grace_400 400
http POST /api/v1/tokens/dash/rotate "$ADMIN" '{"online_budget": 5}'
status_is api_rotate_unknown_member_400 400
http POST /api/v1/tokens/dash/rotate "$ADMIN" '{"grace": 5}'
status_is api_rotate_grace_not_a_string_400 400
http POST /api/v1/tokens/dash/rotate "$ADMIN" '{"grace": "99999999999d"}'
status_is api_rotate_grace_too_long_400 400
http POST /api/v1/tokens/dash/rotate "$ADMIN" '{"grace": '
status_is api_rotate_broken_json_400 400
http POST /api/v1/tokens/dash/rotate "$ADMIN" '["grace"]'
status_is api_rotate_not_an_object_400 400
# A name no token may have, in the path: not found, never a rotation.
http POST '/api/v1/tokens/%3Cscript%3E/rotate' "$ADMIN" '{}'
status_is api_rotate_hostile_name_refused 400
refute api_rotate_hostile_name_not_echoed '<script>' "$T/body"
http POST /api/v1/tokens/dash/rotate "$READ" '{}'
status_is api_rotate_read_403 403
http POST /api/v1/tokens/nobody/rotate "$ADMIN" '{}'
status_is api_rotate_unknown_404 404
sleep 0.3
expect api_rotate_audited '"who":"boss".*"path":"/api/v1/tokens/dash/rotate","what":"rotate tokens","status":201' "$T/audit.log"
