#!/bin/sh
# test-serve-audit-logrotate.sh: the audit log rotated by logrotate, and
# deleted or moved under a running server.
#  1. dist/chousa.logrotate (compress, delaycompress, create, a SIGHUP
#     after) run three times under a server started with --audit-max
#     none: chousa audit finds the requests of before each rotation,
#     newest first, in audit.log, .1 (plain) and .2.gz, .3.gz; the
#     summary counts the four files; --log FILE.gz reads that copy;
#     GET /api/v1/audit and chousa --server audit alike.
#  2. Copies that logrotate's compresscmd made with xz, zstd or bzip2 are
#     read too, in their numbers' order (10 after 9); FILE.4 beside
#     FILE.4.gz read once; --since stops after a compressed file older
#     all through; a damaged copy is an error that names it.
#  2b. logrotate's dateext names (FILE-20260208, FILE-20260207.gz), the
#     latest date first, also as a real logrotate run names them.
#  3. The log deleted under the server: said on stderr, the next lines in
#     a new file (0600) at the path, none lost (the metrics say 0);
#     moved away with no signal: the lines in the moved file, then a new
#     one at the path, said; replaced (logrotate's create): followed.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

if ! command -v logrotate > /dev/null 2>&1; then
	not_ok logrotate_installed "scripts/install-deps.sh test installs it"
	exit 0
fi
serve_store '[server]\nrate = 0\n'
ADMIN=$("$CHOUSA" -q token create --role admin boss)
ALICE=$("$CHOUSA" -q token create --role read alice)
serve_start --audit-max none || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
printf '[server]\nrate = 0\naudit_log = %s\n' "$T/audit.log" >> "$CHOUSA_CONFIG"

# The shipped config, its path this test's log, its signal this server.
sed -e "s|/var/log/chousa/audit.log|$T/audit.log|" \
    -e 's|create 0600 chousa chousa|create 0600|' \
    -e "s|systemctl reload chousa.service.*|kill -HUP $SERVER_PID|" \
    "$TESTS/../dist/chousa.logrotate" > "$T/logrotate.conf"
grep -q "kill -HUP $SERVER_PID" "$T/logrotate.conf" && ok logrotate_conf_adapted || not_ok logrotate_conf_adapted "$(cat "$T/logrotate.conf")"
# rotate: logrotate forced, then the server's reload waited for.
rotate() {
	serve_reloaded logrotate -f -s "$T/logrotate.state" "$T/logrotate.conf" > "$T/lr.out" 2>&1 ||
		not_ok "logrotate_runs" "$(head -c 300 "$T/lr.out")"
}
ask() {
	http GET "/api/v1/lookup?indicator=$1" "$ALICE"
	sleep 0.3	# the audit writer gathers for 10 ms
}

# ---- 1. three rotations by logrotate ----
ask rot1.example.com
rotate
ask rot2.example.com
rotate
ask rot3.example.com
rotate
ask rot4.example.com
ls "$T" | grep '^audit\.log' | tr '\n' ' ' > "$T/files"
[ "$(cat "$T/files")" = "audit.log audit.log.1 audit.log.2.gz audit.log.3.gz " ] &&
	ok logrotate_made_compressed_copies || not_ok logrotate_made_compressed_copies "$(cat "$T/files")"
check audit_reads_gz_copy 1 "$CHOUSA" audit rot1.example.com
expect audit_gz_entry_shown 'rot1\[\.\]example\[\.\]com' "$T/out"
check audit_reads_all_rotated 1 "$CHOUSA" audit --json --who alice
python3 - "$T/out" > "$T/py" 2>&1 <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
entries, summary = [json.loads(l) for l in lines[:-1]], json.loads(lines[-1])["summary"]
got = [e["inputs"][0] for e in entries]
assert got == ["rot4.example.com", "rot3.example.com", "rot2.example.com", "rot1.example.com"], got
assert summary["files"] == 4 and summary["unreadable"] == 0, summary
print("ok")
PY
expect audit_rotated_newest_first_four_files '^ok$' "$T/py"
check audit_log_gz_given 1 "$CHOUSA" audit --log "$T/audit.log.2.gz" --json
refute audit_log_gz_not_unreadable 'could not be read' "$T/err"
expect audit_log_gz_its_entry '"inputs":\["rot2.example.com"\]' "$T/out"
expect audit_log_gz_one_file '"files":1,.*"unreadable":0' "$T/out"
http GET "/api/v1/audit?indicator=rot1.example.com" "$ADMIN"
status_is api_audit_gz_200 200
expect api_audit_reads_gz '"rot1.example.com"' "$T/body"
CHOUSA_SERVER_KEY=$ADMIN check audit_remote_reads_gz 1 "$CHOUSA" --server "$URL" audit --json --who alice
expect audit_remote_four_files '"files":4,' "$T/out"

# ---- 2. other compressions, order, duplicates, --since ----
mkdir -p "$T/c"
line() { printf '{"time":"%s","who":"%s","what":"lookup","status":200,"n_inputs":1,"inputs":["7.7.7.7"]}\n' "$@"; }
line 2026-01-09T00:00:00Z f0 > "$T/c/s.log"
line 2026-01-08T00:00:00Z f1 | xz > "$T/c/s.log.1.xz"
line 2026-01-07T00:00:00Z f2 | zstd -q > "$T/c/s.log.2.zst"
line 2026-01-06T00:00:00Z f3 | bzip2 > "$T/c/s.log.3.bz2"
line 2026-01-05T00:00:00Z f4 > "$T/c/s.log.4"
line 2026-01-05T00:00:00Z f4 | gzip > "$T/c/s.log.4.gz"
line 2026-01-04T00:00:00Z f9 | gzip > "$T/c/s.log.9.gz"
line 2026-01-03T00:00:00Z f10 | gzip > "$T/c/s.log.10.gz"
line 2026-01-01T00:00:00Z other > "$T/c/s.log.old"
line 2026-01-01T00:00:00Z other > "$T/c/s.log.1.gz.tmp"
check audit_compressions 1 "$CHOUSA" audit --log "$T/c/s.log" --json
grep -o '"who":"[a-z0-9]*"' "$T/out" | tr '\n' ' ' > "$T/who"
[ "$(cat "$T/who")" = '"who":"f0" "who":"f1" "who":"f2" "who":"f3" "who":"f4" "who":"f9" "who":"f10" ' ] &&
	ok audit_compressions_in_order || not_ok audit_compressions_in_order "$(cat "$T/who")"
expect audit_compressions_seven_files '"files":7,.*"unreadable":0' "$T/out"
check audit_compressed_since 1 "$CHOUSA" audit --log "$T/c/s.log" --json --since 2026-01-08T12:00:00Z
expect audit_compressed_since_stops '"files":2,' "$T/out"
head -c 20 "$T/c/s.log.10.gz" > "$T/c/s.log.11.gz"
check audit_damaged_copy 3 "$CHOUSA" audit --log "$T/c/s.log"
expect audit_damaged_copy_named 's\.log\.11\.gz' "$T/err"

# ---- 2b. logrotate's dateext: FILE-DATE, newest date first ----
mkdir -p "$T/d"
line 2026-02-09T00:00:00Z d0 > "$T/d/s.log"
line 2026-02-08T00:00:00Z d1 > "$T/d/s.log-20260208"
line 2026-02-07T00:00:00Z d2 | gzip > "$T/d/s.log-20260207.gz"
line 2026-02-06T00:00:00Z d3 | gzip > "$T/d/s.log-20260206.gz"
line 2026-01-01T00:00:00Z other > "$T/d/s.log-old"
check audit_dateext 1 "$CHOUSA" audit --log "$T/d/s.log" --json
grep -o '"who":"[a-z0-9]*"' "$T/out" | tr '\n' ' ' > "$T/who"
[ "$(cat "$T/who")" = '"who":"d0" "who":"d1" "who":"d2" "who":"d3" ' ] &&
	ok audit_dateext_in_order || not_ok audit_dateext_in_order "$(cat "$T/who")"
# The names a real logrotate gives with dateext (and a dateformat down
# to the second, so that two runs a second apart make two copies).
mkdir -p "$T/r"
line 2026-03-01T00:00:00Z r1 > "$T/r/a.log"
printf '%s {\n\trotate 5\n\tdateext\n\tdateformat -%%Y%%m%%d%%H%%M%%S\n\tcompress\n\tmissingok\n}\n' "$T/r/a.log" > "$T/r/lr.conf"
logrotate -f -s "$T/r/lr.state" "$T/r/lr.conf" > "$T/lr.out" 2>&1 || not_ok logrotate_dateext_runs "$(head -c 300 "$T/lr.out")"
sleep 1.1
line 2026-03-02T00:00:00Z r2 > "$T/r/a.log"
logrotate -f -s "$T/r/lr.state" "$T/r/lr.conf" > "$T/lr.out" 2>&1 || not_ok logrotate_dateext_runs "$(head -c 300 "$T/lr.out")"
line 2026-03-03T00:00:00Z r3 > "$T/r/a.log"
check audit_real_dateext 1 "$CHOUSA" audit --log "$T/r/a.log" --json
grep -o '"who":"[a-z0-9]*"' "$T/out" | tr '\n' ' ' > "$T/who"
[ "$(cat "$T/who")" = '"who":"r3" "who":"r2" "who":"r1" ' ] &&
	ok audit_real_dateext_in_order || not_ok audit_real_dateext_in_order "$(cat "$T/who"); $(ls "$T/r" | tr '\n' ' ')"

# ---- 3. deleted, moved, replaced under the server ----
# After a SIGHUP (the log opened again), a deletion still counts every
# line the file held, not only those since.
serve_hup
sleep 0.1
held=$(wc -l < "$T/audit.log")
rm "$T/audit.log"
ask del1.example.com
expect deleted_counts_all_lines "the $held it held before \([0-9]+ of them already there when the server opened it at .*\) are gone with it" "$T/serve.log"
expect deleted_said "the audit log '.*/audit.log' was deleted under the server: a new one is started at its path, and the last 1 line, which went to the deleted file, is written again there" "$T/serve.log"
grep -q '"del1.example.com"' "$T/audit.log" 2> /dev/null && ok deleted_new_file_written || not_ok deleted_new_file_written "$(ls "$T" | grep audit)"
[ "$(stat -c %a "$T/audit.log" 2> /dev/null)" = 600 ] && ok deleted_new_file_0600 || not_ok deleted_new_file_0600 "$(stat -c %a "$T/audit.log" 2> /dev/null)"
ask del2.example.com
[ "$(grep -c 'example.com' "$T/audit.log")" = 2 ] && ok deleted_then_written_on || not_ok deleted_then_written_on "$(cat "$T/audit.log")"
http GET /metrics "$ADMIN"
expect deleted_no_line_lost '^chousa_audit_lines_lost_total 0$' "$T/body"
expect deleted_counted '^chousa_audit_log_deleted_total 1$' "$T/body"
expect deleted_lines_gone_counted '^chousa_audit_lines_gone_total [1-9][0-9]*$' "$T/body"
http GET /api/v1/health "$ADMIN"
expect deleted_in_health '"audit".*deleted under the server 1 time, last at 20[0-9-]*T[0-9:]*Z, taking [1-9][0-9]* lines? written before' "$T/body"
check deleted_audit_finds_it 1 "$CHOUSA" audit del1.example.com

mv "$T/audit.log" "$T/moved.log"
ask mv1.example.com
grep -q '"mv1.example.com"' "$T/moved.log" && ok moved_lines_in_moved_file || not_ok moved_lines_in_moved_file "$(ls "$T" | grep audit)"
sleep 2.5
ask mv2.example.com
ask mv3.example.com
expect moved_said "the audit log '.*/audit.log' was moved away to '.*/moved.log': the [0-9]* lines written since .* are there; nothing took its path, so a new one is started there" "$T/serve.log"
grep -q '"mv2.example.com"' "$T/moved.log" && ok moved_lines_until_new || not_ok moved_lines_until_new "$(ls "$T" | grep audit)"
grep -q '"mv3.example.com"' "$T/audit.log" 2> /dev/null && ok moved_new_file_at_path || not_ok moved_new_file_at_path "$(ls "$T" | grep audit)"

mv "$T/audit.log" "$T/replaced.log"
: > "$T/audit.log"
chmod 600 "$T/audit.log"
ask rp1.example.com
ask rp2.example.com
expect replaced_said "the audit log '.*/audit.log' was moved away to '.*/replaced.log': .*; the file now at its path is written from now on" "$T/serve.log"
grep -q '"rp1.example.com"' "$T/replaced.log" && ok replaced_lines_in_moved_file || not_ok replaced_lines_in_moved_file "$(cat "$T/replaced.log")"
grep -q '"rp2.example.com"' "$T/audit.log" && ok replaced_followed || not_ok replaced_followed "$(cat "$T/audit.log")"
http GET /metrics "$ADMIN"
expect moved_no_line_lost '^chousa_audit_lines_lost_total 0$' "$T/body"
serve_stop
