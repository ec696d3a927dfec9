#!/bin/sh
# test-serve-tokens.sh: the team server's tokens managed from another
# machine (chousa --server URL token create|list|budget|revoke; the
# /api/v1/tokens routes in the CLI's frame).
#  1. list, as text and JSON, the same bytes as chousa token list on the
#     server's store; create prints the token once and says so, as
#     locally, and the token works; budget and revoke print nothing and
#     take effect at once (a revoked token refused).
#  2. Errors as locally: the same message and exit status for a name that
#     has a token already or none to revoke: bad input (3), not a usage
#     error, each saying which commands mend it; the API answers 409 to
#     a name taken; a read token 403.
#  3. [server] url alone leaves token on this machine's store.
#  4. A server without these routes (an older chousa serve, or none at
#     all): said so, status 4.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop; [ -n "${PLAIN:-}" ] && kill $PLAIN 2> /dev/null' EXIT INT TERM

serve_store '[server]\nrate = 0\n'
ADMIN=$("$CHOUSA" -q token create --role admin boss)
READ=$("$CHOUSA" -q token create --role read alice)
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
remote() { CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "$URL" "$@"; }

# ---- 1. the same as here ----
# But for the last uses, which the server knows before its store does
# (test-serve-used).
"$CHOUSA" token list > "$T/local.out" 2> "$T/local.err"
lst=$?
remote token list > "$T/remote.out" 2> "$T/remote.err"
rst=$?
# The columns are as wide as their cells, so the last use can move the
# note: the cells are compared, each last use set aside.
sed -i -E 's/ +/ /g; s/^(.*) (never|[0-9T:Z-]+ from [^ ]+) (.*)$/\1 (used) \3/' \
    "$T/local.out" "$T/remote.out"
same_as_local token_list_same 0 $lst $rst
"$CHOUSA" token list --json > "$T/local.out" 2> "$T/local.err"
lst=$?
remote token list --json > "$T/remote.out" 2> "$T/remote.err"
rst=$?
sed -i -E 's/,"last_used_at":[^,]*,"last_used_from":[^}]*//g' "$T/local.out" "$T/remote.out"
same_as_local token_list_json_same 0 $lst $rst
check token_create_remote 0 remote token create --role investigate --expires 30d --online-budget 40 carol
CAROL=$(cat "$T/out")
case $CAROL in chousa_*) ok token_create_prints_the_token ;; *) not_ok token_create_prints_the_token "$CAROL" ;; esac
n=$(wc -l < "$T/out")
[ "$n" = 1 ] && ok token_create_one_line || not_ok token_create_one_line "$n lines"
expect token_create_said "^chousa: token 'carol' \(role investigate, until [0-9TZ:-]+\) created; it is shown only this once$" "$T/err"
refute token_create_remote_no_store_said 'did not exist' "$T/err"
# Made on this machine in a store that did not exist (a wrong HOME or
# CHOUSA_DB): said, since no server reads it.
check token_create_new_store 0 "$CHOUSA" --db "$T/elsewhere/chousa.db" -q token create --role read lost
expect token_create_new_store_said "^chousa: the store '.*/elsewhere/chousa\.db' did not exist and was made for this token: a team server accepts it only if it serves that store" "$T/err"
check token_create_known_store 0 "$CHOUSA" --db "$T/elsewhere/chousa.db" -q token create --role read lost2
refute token_create_known_store_quiet 'did not exist' "$T/err"
check token_created_works 0 env CHOUSA_SERVER_KEY="$CAROL" "$CHOUSA" --server "$URL" lookup 192.0.2.1
"$CHOUSA" token list > "$T/list"
expect token_created_listed '^[0-9]+ +carol +investigate .* valid +any +0 of 40 ' "$T/list"
check token_create_quiet 0 remote -q token create --role read dave
[ -s "$T/err" ] && not_ok token_create_quiet_says_nothing "$(cat "$T/err")" || ok token_create_quiet_says_nothing
check token_budget_remote 0 remote token budget carol 7
[ -s "$T/out" ] || [ -s "$T/err" ] && not_ok token_budget_prints_nothing "$(cat "$T/out" "$T/err")" || ok token_budget_prints_nothing
"$CHOUSA" token list > "$T/list"
expect token_budget_taken '^[0-9]+ +carol .* valid +any +0 of 7 ' "$T/list"
check token_budget_default_remote 0 remote token budget carol default
"$CHOUSA" token list > "$T/list"
expect token_budget_default_taken "^[0-9]+ +carol .* valid +any +0 \(server's budget\) " "$T/list"
check token_note_remote 0 remote token note carol "the SOC's laptop"
check token_allow_remote 0 remote token allow carol 127.0.0.1
check token_revoke_remote 0 remote token revoke carol
check token_revoked_refused 3 env CHOUSA_SERVER_KEY="$CAROL" "$CHOUSA" --server "$URL" lookup 192.0.2.1
expect token_revoked_said 'revoked token' "$T/err"
# The audit log says what was done to which token.
sleep 0.1
for w in "create tokens" "set a token's budget" "set a token's note" \
    "set a token's addresses" "revoke tokens"; do
	expect "token_audited_$(echo "$w" | tr -c 'a-z\n' '_')" "\"what\":\"$w\".*\"inputs\":\[\"carol\"\]" "$T/audit.log"
done

# --state: carol revoked above, boss and alice valid.
check token_list_state_valid 0 "$CHOUSA" token list --state valid
refute token_list_state_valid_no_revoked ' carol ' "$T/out"
expect token_list_state_valid_keeps ' boss ' "$T/out"
check token_list_state_revoked 0 "$CHOUSA" token list --json --state revoked,expired
python3 -c 'import json, sys
names = sorted({t["name"] for t in json.load(open(sys.argv[1]))["tokens"]})
assert names == ["carol"], names' "$T/out" 2> "$T/py.err" &&
	ok token_list_state_revoked_only || not_ok token_list_state_revoked_only "$(tail -n 1 "$T/py.err")"
"$CHOUSA" token list --json --state revoked > "$T/local.out" 2> "$T/local.err"
lst=$?
remote token list --json --state revoked > "$T/remote.out" 2> "$T/remote.err"
rst=$?
sed -i -E 's/,"last_used_at":[^,]*,"last_used_from":[^}]*//g' "$T/local.out" "$T/remote.out"
same_as_local token_list_state_same 0 $lst $rst
check token_list_state_unknown 2 "$CHOUSA" token list --state gone
expect token_list_state_unknown_said "unknown token state 'gone' \(valid, expired, revoked\)" "$T/err"
expect token_list_state_in_usage "list \[--json\] \[--unused-for DURATION\] \[--state STATES\]" "$T/err"
check token_list_state_unknown_remote 2 remote token list --state gone
http GET "/api/v1/tokens?state=gone" "$ADMIN"
status_is token_list_state_unknown_api_400 400

# ---- 2. errors as here ----
"$CHOUSA" token create --role read dave > "$T/local.out" 2> "$T/local.err"
lst=$?
remote token create --role read dave > "$T/remote.out" 2> "$T/remote.err"
same_as_local token_create_taken_same 3 $lst $?
expect token_create_taken_said "^chousa: 'dave' already has a valid token: revoke it first \(chousa token revoke dave\), rotate it \(chousa token rotate dave\), or choose another name$" "$T/local.err"
http POST /api/v1/tokens "$ADMIN" '{"name": "dave", "role": "read"}'
status_is token_create_taken_api_409 409
expect token_create_taken_api_said '^\{"error":"'"'"'dave'"'"' already has a valid token: revoke it first' "$T/body"
"$CHOUSA" token revoke nobody > "$T/local.out" 2> "$T/local.err"
lst=$?
remote token revoke nobody > "$T/remote.out" 2> "$T/remote.err"
same_as_local token_revoke_unknown_same 3 $lst $?
expect token_revoke_unknown_said "^chousa: 'nobody' has no valid token \(chousa token list names those there are\)$" "$T/local.err"
"$CHOUSA" token budget nobody 5 > "$T/local.out" 2> "$T/local.err"
lst=$?
remote token budget nobody 5 > "$T/remote.out" 2> "$T/remote.err"
same_as_local token_budget_unknown_same 3 $lst $?
# A name with '/' (which no token has) is answered as here, not as a path
# the server lacks.
"$CHOUSA" token revoke 'a/b' > "$T/local.out" 2> "$T/local.err"
lst=$?
remote token revoke 'a/b' > "$T/remote.out" 2> "$T/remote.err"
same_as_local token_revoke_slash_same 3 $lst $?
"$CHOUSA" token budget '../x' 5 > "$T/local.out" 2> "$T/local.err"
lst=$?
remote token budget '../x' 5 > "$T/remote.out" 2> "$T/remote.err"
same_as_local token_budget_dots_same 3 $lst $?
check token_bad_role_refused_here 2 remote token create --role root eve
expect token_bad_role_lists_roles "read, investigate or admin" "$T/err"
# A slip is answered with the role meant, as a misspelt command is.
check token_role_slip_refused 2 "$CHOUSA" token create --role admn eve
expect token_role_slip_names_meant "unknown role 'admn'; did you mean 'admin'\?" "$T/err"
check token_read_token_refused 3 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$URL" token list
expect token_read_token_said "role 'read' may not" "$T/err"
# Each token route refused to a role too low: the answer and the audit
# line say what was asked, and name the token acted on (but a create's,
# which is in the body the refusal does not read).
# refused_route NAME METHOD PATH WHAT INPUTS
refused_route() {
	http "$2" "$3" "$READ" '{"online_budget": 5, "note": "x"}'
	status_is "refused_$1_403" 403
	expect "refused_$1_said" "\"error\":\"role 'read' may not $4\"" "$T/body"
	sleep 0.1
	tail -n 3 "$T/audit.log" | grep -F "\"path\":\"$3\"" > "$T/line"
	expect "refused_$1_audited" "\"what\":\"$4\".*\"inputs\":\[$5\]" "$T/line"
}
refused_route list GET /api/v1/tokens "list tokens" ''
refused_route create POST /api/v1/tokens "create tokens" ''
refused_route rotate POST /api/v1/tokens/boss/rotate "rotate tokens" '"boss"'
refused_route readmit POST /api/v1/tokens/boss/readmit "readmit users" '"boss"'
refused_route change POST /api/v1/tokens/boss "change tokens" '"boss"'
refused_route revoke DELETE /api/v1/tokens/boss "revoke tokens" '"boss"'
# A name with characters a path escapes goes as one segment.
check token_odd_name_remote 0 remote token create --role read 'soc.bot@example'
"$CHOUSA" token list > "$T/list"
expect token_odd_name_listed '^[0-9]+ +soc\.bot@example ' "$T/list"
check token_odd_name_revoked 0 remote token revoke 'soc.bot@example'
"$CHOUSA" token list > "$T/list"
expect token_odd_name_revoked_listed '^[0-9]+ +soc\.bot@example .* revoked ' "$T/list"
# A name refused by the store is refused through the server alike.
"$CHOUSA" token create --role read 'a b/../c' > "$T/local.out" 2> "$T/local.err"
lst=$?
remote token create --role read 'a b/../c' > "$T/remote.out" 2> "$T/remote.err"
same_as_local token_bad_name_same 2 $lst $?

# ---- 3. [server] url alone ----
cp "$CHOUSA_CONFIG" "$T/client.config"
printf '[server]\nurl = %s\napi_key = %s\n' "$URL" "$ADMIN" >> "$T/client.config"
chmod 600 "$T/client.config"
rm -f "$T/own.db"
check token_config_url_stays_local 0 env CHOUSA_CONFIG="$T/client.config" CHOUSA_DB="$T/own.db" "$CHOUSA" -q token create --role read frank
"$CHOUSA" token list > "$T/list"
refute token_config_url_server_has_not '^[0-9]+ +frank ' "$T/list"

# ---- 4. a server that has not these routes ----
# (An older chousa serve, or no chousa at all: a plain web server.)
mkdir -p "$T/plain"
(cd "$T/plain" && exec python3 -m http.server --bind 127.0.0.1 0) > "$T/plain.log" 2>&1 &
PLAIN=$!
i=0
while ! grep -q "port" "$T/plain.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
PP=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$T/plain.log" | head -n 1)
check token_route_missing 4 env CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "http://127.0.0.1:$PP" token list
expect token_route_missing_said "has no /api/v1/tokens \(HTTP 404\): a chousa serve older than this chousa" "$T/err"
kill $PLAIN 2> /dev/null
