#!/bin/sh
# test-client-token.sh: a token the team server refuses (none, unknown,
# revoked, or not allowed the request) ends `chousa --server` with exit 3,
# not 4 (a failure a retry may mend), the server's reason and what to do,
# naming where the token came from.  A server URL without its scheme says
# where it was given and the URL meant.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_up '[server]\nrate = 0\n' read reader
READ=$TOKEN
CAROL=$("$CHOUSA" -q token create --role read carol)
"$CHOUSA" -q token revoke carol

check no_token 3 env CHOUSA_SERVER_KEY= "$CHOUSA" --server "$URL" lookup 8.8.8.8
expect no_token_reason "^chousa: a token is needed \(Authorization: Bearer \.\.\.\)$" "$T/err"
expect no_token_what_to_do "^chousa: no token was sent to '$URL': set CHOUSA_SERVER_KEY or \[server\] api_key in the config to the token the server's admin gave you" "$T/err"
check no_token_json 3 env CHOUSA_SERVER_KEY= "$CHOUSA" --server "$URL" lookup --json 8.8.8.8
check no_token_investigate 3 env CHOUSA_SERVER_KEY= "$CHOUSA" --server "$URL" investigate --offline 8.8.8.8
check wrong_token 3 env CHOUSA_SERVER_KEY=chousa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA "$CHOUSA" --server "$URL" lookup 8.8.8.8
expect wrong_token_names_variable "^chousa: the token of CHOUSA_SERVER_KEY is refused by '$URL': ask the server's admin" "$T/err"
check revoked_token 3 env CHOUSA_SERVER_KEY="$CAROL" "$CHOUSA" --server "$URL" sources
expect revoked_token_reason "revoked token" "$T/err"
# From the config: the file and line named.
printf '[server]\nurl = %s\napi_key = %s\n' "$URL" "$CAROL" > "$T/client.conf"
chmod 600 "$T/client.conf"
check revoked_in_config 3 env CHOUSA_CONFIG="$T/client.conf" "$CHOUSA" lookup 8.8.8.8
expect revoked_in_config_names_file "^chousa: the token of \[server\] api_key in '$T/client\.conf' line 3 is refused" "$T/err"
# A role that may not: 403, exit 3 too.
check role_refused 3 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$URL" token list
expect role_refused_reason "role 'read' may not" "$T/err"
expect role_refused_what_to_do "^chousa: the token is refused this request on '$URL'" "$T/err"
# A read token asking online, or to refresh: the reason names the option
# the CLI's user gave, beside the API's field.
check read_refresh_refused 3 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$URL" investigate --refresh 8.8.8.8
expect read_refresh_reason "^chousa: role 'read' reads the store only: 'refresh' \(--refresh\) asks the online services again; leave it out, or ask with a token of role investigate$" "$T/err"
http POST /api/v1/investigate "$READ" '{"indicator":"8.8.8.8","offline":false}'
status_is read_online_refused 403
expect read_online_reason "role 'read' reads the store only: ask offline \('offline': true, --offline\), or with a token of role investigate" "$T/body"
# The token that works still works.
check right_token 1 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$URL" lookup 162.243.103.246

# A URL without its scheme.
check scheme_missing_option 2 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "127.0.0.1:$PORT" lookup 8.8.8.8
expect scheme_missing_option_said "^chousa: --server '127\.0\.0\.1:$PORT': not an http or https URL \(did you mean http://127\.0\.0\.1:$PORT or https://127\.0\.0\.1:$PORT\?\)$" "$T/err"
printf '[server]\nurl = 127.0.0.1:%s\napi_key = %s\n' "$PORT" "$READ" > "$T/client.conf"
check scheme_missing_config 3 env CHOUSA_CONFIG="$T/client.conf" "$CHOUSA" lookup 8.8.8.8
expect scheme_missing_config_said "^chousa: \[server\] url in '$T/client\.conf' line 2 '127\.0\.0\.1:$PORT': not an http or https URL \(did you mean http://127\.0\.0\.1:$PORT" "$T/err"
check scheme_missing_env 3 env CHOUSA_CONFIG="$T/client.conf" CHOUSA_SERVER_URL="127.0.0.1:$PORT" "$CHOUSA" lookup 8.8.8.8
expect scheme_missing_env_said "^chousa: CHOUSA_SERVER_URL '127\.0\.0\.1:$PORT': not an http or https URL" "$T/err"
check other_scheme 2 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "ftp://127.0.0.1:$PORT" lookup 8.8.8.8
expect other_scheme_said "^chousa: --server 'ftp://127\.0\.0\.1:$PORT': not an http or https URL$" "$T/err"
