#!/bin/sh
# test-serve-audit-move.sh: the audit log moved by a reload ([server]
# audit_log changed, then SIGHUP), with no restart.
#  0. Started with the config's audit_log: opened once, nothing said.
#  1. The log moves to the new path: said, and the requests from then on
#     are written there, none at the old path; GET /api/v1/audit reads
#     the new file.
#  2. A path that cannot be opened: said, and the log stays where it was.
#  3. "none" (turning the log off) waits for the next start, said so; the
#     log is still written.
#  4. Unset again: back to the default, the path the server started with.
#  5. Named by --audit-log, the option stays in force, said so.
#  6. A server started with none turns the log on at a file the config
#     names (a file that cannot be made: said, still off); off again
#     waits for the next start.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_store "[server]\nrate = 0\n"
TOKEN=$("$CHOUSA" -q token create --role admin boss)
mkdir -p "$T/logs"
# start: the server without --audit-log, its log where the config says.
start() {
	rm -f "$T/port"
	"$CHOUSA" serve --listen 127.0.0.1:0 --port-file "$T/port" \
	    "$@" > "$T/serve.log" 2>&1 &
	SERVER_PID=$!
	serve_wait "$SERVER_PID" "$T/port"
	PORT=$(cat "$T/port" 2> /dev/null)
	URL="http://127.0.0.1:$PORT"
	[ -n "$PORT" ] || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
}
# ask IP: a look-up of IP, then its audit line given time to be written.
ask() {
	http GET "/api/v1/lookup?indicator=$1" "$TOKEN"
	sleep 0.3
}
# lines FILE IP: how many audit lines of FILE asked about IP.
lines() {
	grep -c "\"inputs\":\[\"$2\"\]" "$1" 2> /dev/null || true
}
# config AUDIT_LOG_LINE: the config, then SIGHUP.
config() {
	printf "[server]\nrate = 0\n$1" > "$T/config"
	serve_hup
}

printf '[server]\nrate = 0\naudit_log = %s\n' "$T/logs/a1.log" > "$T/config"
start
ask 192.0.2.1
[ "$(lines "$T/logs/a1.log" 192.0.2.1)" = 1 ] && ok first_path_written || not_ok first_path_written "$(ls "$T/logs")"
# The start opens the config's log once: no reload's "now on" (which
# opened a second writer, left running).
refute start_opens_log_once "the audit log is now on" "$T/serve.log"

# ---- 1. moved ----
mkdir -p "$T/logs/new"
config "audit_log = $T/logs/new/a2.log\n"
sleep 0.3
expect move_said "\[server\] audit_log: the audit log is now '.*/logs/new/a2.log' \(it was '.*/logs/a1.log'\)" "$T/serve.log"
refute move_not_said_as_restart "audit_log changed in the config: it takes effect at the next start" "$T/serve.log"
ask 192.0.2.2
[ "$(lines "$T/logs/new/a2.log" 192.0.2.2)" = 1 ] && ok moved_path_written || not_ok moved_path_written "$(lines "$T/logs/new/a2.log" 192.0.2.2) lines"
[ "$(lines "$T/logs/a1.log" 192.0.2.2)" = 0 ] && ok old_path_not_written || not_ok old_path_not_written "$(lines "$T/logs/a1.log" 192.0.2.2) lines"
http GET "/api/v1/audit?indicator=192.0.2.2" "$TOKEN"
status_is audit_read_after_move_200 200
expect audit_read_from_the_new_file '"192.0.2.2"' "$T/body"
http GET "/api/v1/audit?indicator=192.0.2.1" "$TOKEN"
refute audit_read_not_the_old_file '"192.0.2.1"' "$T/body"

# ---- 2. a path that cannot be opened ----
config "audit_log = $T/logs/missing/dir/a3.log\n"
sleep 0.3
expect unopenable_said "cannot open the audit log '.*/logs/missing/dir/a3.log': No such file or directory; it stays at '.*/logs/new/a2.log'" "$T/serve.log"
ask 192.0.2.3
[ "$(lines "$T/logs/new/a2.log" 192.0.2.3)" = 1 ] && ok unopenable_stays || not_ok unopenable_stays "$(lines "$T/logs/new/a2.log" 192.0.2.3) lines"

# ---- 3. none: at the next start ----
config "audit_log = none\n"
expect none_waits_for_restart "\[server\] audit_log changed in the config: it takes effect at the next start" "$T/serve.log"
ask 192.0.2.4
[ "$(lines "$T/logs/new/a2.log" 192.0.2.4)" = 1 ] && ok none_still_written || not_ok none_still_written "$(lines "$T/logs/new/a2.log" 192.0.2.4) lines"
serve_stop

# ---- 4. unset: back to where the server started ----
# (The default: audit.log beside the store, $T/audit.log.)
printf '[server]\nrate = 0\n' > "$T/config"
start
config "audit_log = $T/logs/a4.log\n"
ask 192.0.2.5
[ "$(lines "$T/logs/a4.log" 192.0.2.5)" = 1 ] && ok from_default_moved || not_ok from_default_moved "$(lines "$T/logs/a4.log" 192.0.2.5) lines: $(tail -n 2 "$T/serve.log")"
config ""
sleep 0.3
expect back_to_default_said "\[server\] audit_log: the audit log is now '$T/audit.log' \(it was '.*/logs/a4.log'\)" "$T/serve.log"
ask 192.0.2.6
[ "$(lines "$T/audit.log" 192.0.2.6)" = 1 ] && ok back_to_default_written || not_ok back_to_default_written "$(lines "$T/audit.log" 192.0.2.6) lines"
[ "$(lines "$T/logs/a4.log" 192.0.2.6)" = 0 ] && ok back_to_default_not_there || not_ok back_to_default_not_there "written at a4.log"
serve_stop

# ---- 5. named by the option ----
printf '[server]\nrate = 0\n' > "$T/config"
start --audit-log "$T/logs/opt.log"
config "audit_log = $T/logs/a5.log\n"
expect option_stays_said "\[server\] audit_log changed in the config: the command line's value stays in force" "$T/serve.log"
ask 192.0.2.7
[ "$(lines "$T/logs/opt.log" 192.0.2.7)" = 1 ] && ok option_stays_written || not_ok option_stays_written "$(lines "$T/logs/opt.log" 192.0.2.7) lines"
serve_stop

# ---- 6. turned on: a server started with none ----
printf '[server]\nrate = 0\naudit_log = none\n' > "$T/config"
rm -f "$T/audit.log"
start
ask 192.0.2.8
http GET "/api/v1/audit?indicator=192.0.2.8" "$TOKEN"
status_is off_audit_search_404 404
# A file that cannot be made: said, and still off.
config "audit_log = $T/logs/missing/dir/on.log\n"
sleep 0.3
expect turn_on_failure_said "\[server\] audit_log: cannot turn the audit log on at '.*/logs/missing/dir/on.log': .*; requests are still not recorded" "$T/serve.log"
config "audit_log = $T/logs/on.log\n"
sleep 0.3
expect turned_on_said "\[server\] audit_log: the audit log is now on, at '.*/logs/on.log'" "$T/serve.log"
refute turned_on_not_said_as_restart "audit_log changed in the config: it takes effect at the next start" "$T/serve.log"
ask 192.0.2.9
[ "$(lines "$T/logs/on.log" 192.0.2.9)" = 1 ] && ok turned_on_written || not_ok turned_on_written "$(lines "$T/logs/on.log" 192.0.2.9) lines: $(tail -n 2 "$T/serve.log")"
[ "$(lines "$T/logs/on.log" 192.0.2.8)" = 0 ] && ok turned_on_from_then || not_ok turned_on_from_then "a request from before is in it"
http GET "/api/v1/audit?indicator=192.0.2.9" "$TOKEN"
status_is turned_on_searchable_200 200
expect turned_on_search_finds '"192.0.2.9"' "$T/body"
# Off again waits for a restart: still written.
config "audit_log = none\n"
expect turned_on_none_waits "\[server\] audit_log changed in the config: it takes effect at the next start" "$T/serve.log"
ask 192.0.2.10
[ "$(lines "$T/logs/on.log" 192.0.2.10)" = 1 ] && ok turned_on_stays_on || not_ok turned_on_stays_on "$(lines "$T/logs/on.log" 192.0.2.10) lines"
