#!/bin/sh
# test-serve-update.sh: the team server's feed update asked for by an
# admin (POST /api/v1/update?wait=1, chousa --server URL update;
# src/serve/update.c), on a server started without --update-every.
#  1. The same as chousa update run on the server's machine: stdout (with
#     --json), stderr and exit status, byte for byte, against a copy of
#     the server's store in a directory of its own; then again, each feed
#     not modified; then -q.
#  2. A feed that cannot be downloaded: the same warning and status 4 as
#     locally, the previous data kept.
#  3. Only an admin: a read token 403, audited; feed names refused with
#     --server (the server updates what its config names); the server's
#     state says it runs updates when asked, not on a schedule.
#  4. A schedule set in the config takes effect at a SIGHUP: updates run
#     on it, the state says it, and unset again they stop; one that
#     cannot be read keeps the config in force; --update-every given at
#     start stays in force over the config's; a start with that config
#     is refused in the reload's words.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop; [ -n "${WWW:-}" ] && kill $WWW 2> /dev/null' EXIT INT TERM

mkdir -p "$T/srv" "$T/local"
feeds_serve
export CHOUSA_DB="$T/srv/store.db" CHOUSA_CONFIG="$T/config"
printf '[server]\nrate = 0\n' > "$T/config"
feeds_config "$T/config"
chmod 600 "$T/config"
ADMIN=$("$CHOUSA" -q token create --role admin boss)
READ=$("$CHOUSA" -q token create --role read alice)
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }

# parity NAME EXIT ARGS...: `chousa ARGS update` through the server with
# the admin token, and here on the copy in $T/local (made once, before
# the first update, so both go through the same updates); the same
# stdout, stderr and exit status EXIT (the downloads' directory apart).
"$CHOUSA" -q db backup "$T/local/store.db"
parity() {
	name=$1 want=$2
	shift 2
	CHOUSA_DB="$T/local/store.db" "$CHOUSA" "$@" update > "$T/local.raw" 2> "$T/local.rawerr"
	lst=$?
	# The downloads are kept beside each store: the one path that differs.
	sed "s|$T/local/|$T/srv/|g" "$T/local.raw" > "$T/local.out"
	sed "s|$T/local/|$T/srv/|g" "$T/local.rawerr" > "$T/local.err"
	CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "$URL" "$@" update \
	    > "$T/remote.out" 2> "$T/remote.err"
	rst=$?
	same_as_local "$name" "$want" "$lst" "$rst"
}

# ---- 1. the same as here ----
parity update_same 0 --json
expect update_json_lines '^\{"source":"urlhaus","file":".*urlhaus.csv","state":"imported"' "$T/remote.out"
expect update_said 'urlhaus: updated \(csv\): read [0-9]+, added [1-9]' "$T/remote.err"
check update_imported_on_the_server 1 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$URL" lookup 'www[.]dnautik[.]com'
parity update_again_not_modified_same 0
expect update_again_not_modified 'urlhaus: not modified since the last update' "$T/remote.err"
parity update_quiet_same 0 -q
[ -s "$T/remote.err" ] && not_ok update_quiet_says_nothing "$(head -c 200 "$T/remote.err")" || ok update_quiet_says_nothing

# ---- 2. a feed that cannot be downloaded ----
mv "$T/www/feodo.csv" "$T/www/feodo.gone"
parity update_download_failed_same 4
expect update_download_failed_said 'feodo: .*previous data kept' "$T/remote.err"
check update_previous_data_kept 1 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$URL" lookup 'www[.]dnautik[.]com'
expect update_failure_logged 'update: failed \(status 4\); run again when asked' "$T/serve.log"
# What happens next is said last, below the feeds' reasons.
tail -n 1 "$T/serve.log" > "$T/last"
expect update_failure_said_last 'update: failed \(status 4\)' "$T/last"
http GET /api/v1/health "$READ"
expect update_failure_in_health '"status":"degraded".*\{"check":"update","status":"degraded","detail":"the last feed update failed \(exit status 4' "$T/body"
mv "$T/www/feodo.gone" "$T/www/feodo.csv"
# A run that says more than the log repeats: how many more, said.
cp "$T/config" "$T/config.kept"
i=0
while [ $i -lt 25 ]; do printf '[typo%d]
key = 1
' $i >> "$T/config"; i=$((i + 1)); done
CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "$URL" -q update > /dev/null 2>&1
expect update_more_lines_counted '^chousa: serve: update: and [0-9]+ more lines \(chousa db stats lists the failed imports\)$' "$T/serve.log"
cp "$T/config.kept" "$T/config"

# ---- 3. an admin's only ----
check update_read_token_refused 3 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$URL" update
expect update_read_token_said "role 'read' may not" "$T/err"
check update_feed_names_refused 2 env CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "$URL" update urlhaus
expect update_feed_names_said 'the server updates every feed its config names' "$T/err"
http GET /api/v1/update "$READ"
expect update_state_not_scheduled '"scheduled":false' "$T/body"
http POST "/api/v1/update?wait=1&format=xml" "$ADMIN" ""
status_is update_bad_format_400 400
# Without wait: started, and said to be running from the answer on (a
# second ask before it begins gets 409, not a second 202).
http POST "/api/v1/update" "$ADMIN" ""
status_is update_api_started_202 202
expect update_api_started_running '"running":true' "$T/body"
http POST "/api/v1/update?wait=1" "$ADMIN" ""
status_is update_api_200 200
expect update_api_json '"exit_status":0,"output":"' "$T/body"
http GET /api/v1/health "$READ"
expect update_success_health_ok '\{"check":"update","status":"ok","detail":"updates run when asked \(no --update-every\); last success: 20' "$T/body"
sleep 0.3
check update_audited 1 "$CHOUSA" audit --log "$T/audit.log" --what update --json
expect update_audited_read_refused '"who":"alice".*"what":"update".*"status":403' "$T/out"
expect update_audited_exit '"who":"boss".*"what":"update".*"verdict":"exit:4"' "$T/out"

# ---- 4. a schedule set at a reload ----
runs() { grep -c 'update: started' "$T/serve.log"; }
printf '[server]\nrate = 0\nupdate_every = 2s\n' > "$T/config"
feeds_config "$T/config"
serve_hup
expect schedule_live_said '\[server\] update_every is now 2s' "$T/serve.log"
http GET /api/v1/update "$READ"
expect schedule_live_state '"scheduled":true,"every":2' "$T/body"
n=$(runs)
i=0
while [ "$(runs)" -le "$n" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(runs)" -gt "$n" ] && ok schedule_live_runs || not_ok schedule_live_runs "no update started in 10 s: $(tail -n 3 "$T/serve.log")"
printf '[server]\nrate = 0\nupdate_every = soon\n' > "$T/config"
feeds_config "$T/config"
serve_hup
expect schedule_bad_refused "kept the config in force: bad \[server\] update_every 'soon'" "$T/serve.log"
# The same config refuses a start with the same words, status 3 (as
# chousa config check: a config that cannot be used).
check schedule_bad_start 3 "$CHOUSA" serve --listen 127.0.0.1:0
expect schedule_bad_start_said "^chousa: bad \[server\] update_every 'soon': a duration such as 90s" "$T/err"
printf '[server]\nrate = 0\n' > "$T/config"
feeds_config "$T/config"
serve_hup
http GET /api/v1/update "$READ"
expect schedule_unset_state '"scheduled":false,"every":0' "$T/body"
serve_stop
serve_start --update-every 1d || { not_ok server_restarts "$(head -c 300 "$T/serve.log")"; exit 0; }
printf '[server]\nrate = 0\nupdate_every = 2s\n' > "$T/config"
feeds_config "$T/config"
serve_hup
expect schedule_flag_stays_said "\\[server\\] update_every changed in the config: the command line's value stays in force" "$T/serve.log"
http GET /api/v1/update "$READ"
expect schedule_flag_stays '"scheduled":true,"every":86400' "$T/body"
