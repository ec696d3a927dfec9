#!/bin/sh
# test-serve-metrics.sh: GET /metrics (src/serve/metrics.c) and the audit
# log's failures (src/serve/audit.c).
#  1. Without a token, 401, audited; with one, the Prometheus text format,
#     read by the reference parser (python3-prometheus-client) and checked
#     strictly (tests/serve/metrics_check.py): every family typed once, no
#     series twice, histogram buckets rising to _count.  A store never
#     backed up has its last good backup at 0 (an alert can find it).
#  2. The counts are exact: 600 look-ups from 6 threads at once, a 404, a
#     405 and a 401 are each counted under their route, method and code;
#     a path a client makes up is counted as route "other", never as
#     itself; chousa_audit_lines_total is the audit log's line count.
#  3. The sources' figures are chousa sources': a feed's last import, its
#     staleness, an online service's daily limit.
#  4. An audit log on a full disk (/dev/full): once a write failed, the
#     requests it would audit are refused (503, one line of JSON saying
#     why), never answered unaudited; the health check and the metrics
#     still answer; each lost line counted, and said once on stderr, not
#     once a request.  A disk that fills and empties, unprivileged: a
#     file size limit (ulimit -f, SIGXFSZ ignored: writes fail with EFBIG
#     as they would with ENOSPC) reached, then lifted (prlimit) under the
#     running server: it refuses, then serves again by itself, saying so.
#  5. SIGHUP after the log was moved (logrotate): the next lines go to a
#     new file at the path, none to the moved one.
#  6. A log that ends inside a line (a crash mid-write) is ended by a
#     newline first: the next line is whole JSON.  One that ends a line
#     gets no blank line.
#  7. The series by token name (a token's name is often a person's
#     e-mail address) are an admin's, or a token's [server]
#     metrics_scrapers names: a read token's scrape has the counts by
#     state and no name of another's token.  A reload changes the list.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_store '[server]\nrate = 0\nmetrics_scrapers = Grafana, other\n[virustotal]\ndaily = 321\n'
TOKEN=$("$CHOUSA" -q token create --role read monitor)
ADMIN=$("$CHOUSA" -q token create --role admin boss)
GRAFANA=$("$CHOUSA" -q token create --role read grafana)
"$CHOUSA" -q token create --role investigate --expires 30d carol@example.org > /dev/null
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }

# ---- 1. the token, the format ----
http GET /metrics
status_is metrics_needs_a_token 401
http GET /metrics "$TOKEN"
status_is metrics_answers 200
grep -qi '^Content-Type: text/plain; version=0.0.4; charset=utf-8' "$T/headers" &&
	ok metrics_content_type ||
	not_ok metrics_content_type "$(grep -i content-type "$T/headers")"
# A store never backed up: the last good backup's time 0, alone of its
# family (ChousaBackupStale then counts from process_start_time_seconds).
grep '^chousa_backup_' "$T/body" > "$T/backup.series"
[ "$(cat "$T/backup.series")" = "chousa_backup_last_success_timestamp_seconds 0" ] &&
	ok never_backed_up_series || not_ok never_backed_up_series "$(tr '\n' ';' < "$T/backup.series")"
expect process_start_series '^process_start_time_seconds [1-9]' "$T/body"

# ---- 2. exact counts ----
python3 - "$URL" "$TOKEN" <<'PY' > "$T/burst" 2>&1
import sys, threading, urllib.error
from serve_http import request
url, tok = sys.argv[1], sys.argv[2]
bad = []
def run(k):
    for i in range(100):
        try:
            request(url, "/api/v1/lookup?indicator=198.51.100.%d" % (k * 40 + i % 40), tok).read()
        except Exception as e:
            bad.append(repr(e))
ts = [threading.Thread(target=run, args=(k,)) for k in range(6)]
[t.start() for t in ts]
[t.join() for t in ts]
for path, method, token in (("/no/such/%22%7D%20evil", "GET", tok),
                            ("/api/v1/extract", "GET", tok),
                            ("/api/v1/sources", "GET", "")):
    try:
        request(url, path, token, method=method).read()
    except urllib.error.HTTPError as e:
        e.read()
print("errors", len(bad), bad[:3])
PY
expect burst_answered "errors 0" "$T/burst"
sleep 0.3	# the audit writer gathers for 10 ms
http GET /metrics "$TOKEN"
cp "$T/body" "$T/metrics"
audit_lines=$(wc -l < "$T/audit.log")
sources_json=$("$CHOUSA" sources --json 2>/dev/null)
printf '%s' "$sources_json" > "$T/sources.json"
PY=/usr/bin/python3	# Debian's, for Debian's python3-prometheus-client
"$PY" -c 'import prometheus_client' 2> /dev/null ||
	not_ok prometheus_client_available "python3-prometheus-client is needed (scripts/install-deps.sh test)"
"$PY" "$TESTS/serve/metrics_check.py" "$T/metrics" "$T/sources.json" \
    "$audit_lines" > "$T/check" 2>&1 ||
	not_ok metrics_check_run "$(tail -n 3 "$T/check" | tr '\n' ' ')"
cat "$T/check"
python3 - "$T/audit.log" <<'PY' > "$T/audited" 2>&1
import json, sys
got = [(d["path"], d["status"]) for d in map(json.loads, open(sys.argv[1]))
       if d["path"] == "/metrics"]
print("refused", sum(st == 401 for _, st in got), "answered",
      sum(st == 200 for _, st in got))
PY
expect metrics_refusal_audited_scrapes_not "refused 1 answered 0" "$T/audited"

# ---- 7. who sees the tokens by name ----
# A read token's scrape has the counts by state and says it has no more:
# no name of another's token, a person's e-mail address here, in any
# series; an admin's, and that of a token metrics_scrapers names (in any
# case), have each name's series; a reload that drops it from the list
# takes them away at once.
grep -E '^chousa_tokens\{state="valid"\} 4$' "$T/metrics" > /dev/null &&
	ok read_scrape_counts_tokens || not_ok read_scrape_counts_tokens "$(grep '^chousa_tokens' "$T/metrics" | tr '\n' ' ')"
refute read_scrape_names_no_colleague 'carol@example\.org|"boss"|"grafana"' "$T/metrics"
refute read_scrape_no_series_by_name '^chousa_token_' "$T/metrics"
expect read_scrape_says_names_left_out '^chousa_metrics_token_names 0$' "$T/metrics"
http GET /metrics "$ADMIN"
status_is admin_scrape_200 200
expect admin_scrape_names_colleague '^chousa_token_expiry_timestamp_seconds\{name="carol@example\.org"\} [0-9]{10}$' "$T/body"
expect admin_scrape_last_use '^chousa_token_last_used_timestamp_seconds\{name="monitor"\} [0-9]{10}$' "$T/body"
expect admin_scrape_says_names '^chousa_metrics_token_names 1$' "$T/body"
http GET /metrics "$GRAFANA"
expect scraper_scrape_names_colleague '^chousa_token_online_requests_today\{name="carol@example\.org"\} 0$' "$T/body"
expect scraper_scrape_says_names '^chousa_metrics_token_names 1$' "$T/body"
printf '[server]\nrate = 0\nmetrics_scrapers = other\n[virustotal]\ndaily = 321\n' > "$T/config"
serve_hup
expect scrapers_reload_said '\[server\] metrics_scrapers is now other' "$T/serve.log"
http GET /metrics "$GRAFANA"
refute unlisted_scraper_no_name 'carol@example\.org' "$T/body"
expect unlisted_scraper_says_so '^chousa_metrics_token_names 0$' "$T/body"

# ---- 5. SIGHUP after logrotate's move ----
mv "$T/audit.log" "$T/audit.log.1"
moved=$(wc -l < "$T/audit.log.1")
kill -HUP "$SERVER_PID"
sleep 0.3
http GET /api/v1/version "$TOKEN"
status_is answered_after_sighup 200
sleep 0.3
grep -q '"/api/v1/version"' "$T/audit.log" 2> /dev/null &&
	ok sighup_new_log_at_the_path ||
	not_ok sighup_new_log_at_the_path "$(ls "$T" | tr '\n' ' ')"
[ "$(wc -l < "$T/audit.log.1")" = "$moved" ] && ok moved_log_left_alone ||
	not_ok moved_log_left_alone "$moved lines before, $(wc -l < "$T/audit.log.1") after"
kill -0 "$SERVER_PID" 2> /dev/null && ok sighup_does_not_stop ||
	not_ok sighup_does_not_stop "the server ended"
serve_stop

# ---- 4. a full disk ----
# audit_wait WANT: until the health check's audit says WANT (15 s at most).
audit_wait() {
	i=0
	while [ $i -lt 300 ]; do
		http GET /api/v1/health "$TOKEN"
		grep -q "{\"check\":\"audit\",\"status\":\"$1\"" "$T/body" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
rm -f "$T/port"
"$CHOUSA" serve --listen 127.0.0.1:0 --port-file "$T/port" \
    --audit-log /dev/full > "$T/serve.log" 2>&1 &
SERVER_PID=$!
serve_wait "$SERVER_PID" "$T/port"
URL="http://127.0.0.1:$(cat "$T/port")"
http GET "/api/v1/lookup?indicator=198.51.100.1" "$TOKEN"
audit_wait degraded && ok full_disk_found || not_ok full_disk_found "$(head -c 300 "$T/body")"
n=0
for i in 2 3 4 5 6 7 8 9 10; do
	http GET "/api/v1/lookup?indicator=198.51.100.$i" "$TOKEN"
	[ "$(cat "$T/status")" = 503 ] && n=$((n + 1))
done
[ $n = 9 ] && ok full_disk_refuses || not_ok full_disk_refuses "$n of 9 refused"
[ "$(cat "$T/body")" = '{"error":"the audit log cannot be written (No space left on device): the server refuses requests rather than answer them unaudited, until it can (free space on its disk)"}' ] &&
	ok full_disk_refusal_said || not_ok full_disk_refusal_said "$(head -c 300 "$T/body")"
expect full_disk_retry_after '^Retry-After: 5' "$T/headers"
kill -0 "$SERVER_PID" 2> /dev/null && ok full_disk_server_runs || not_ok full_disk_server_runs "it ended"
http GET /metrics "$TOKEN"
status_is full_disk_metrics_answer 200
lost=$(sed -n 's/^chousa_audit_lines_lost_total //p' "$T/body")
written=$(sed -n 's/^chousa_audit_lines_total //p' "$T/body")
[ "${lost:-0}" -ge 10 ] && [ "$written" = 0 ] && ok full_disk_lines_counted ||
	not_ok full_disk_lines_counted "lost '$lost', written '$written'"
said=$(grep -c "cannot write the audit log '/dev/full': No space left on device" "$T/serve.log")
[ "$said" = 1 ] && ok full_disk_said_once ||
	not_ok full_disk_said_once "$said lines: $(head -c 300 "$T/serve.log")"
# The health check tells a monitor (with a token) what is wrong; still 200.
http GET /api/v1/health "$TOKEN"
status_is full_disk_health_200 200
expect full_disk_health_degraded '^\{"status":"degraded",.*\{"check":"audit","status":"degraded","detail":"the audit log cannot be written now \(No space left on device\): the requests it audits are refused \(503\) until it can; [0-9]+ lines lost' "$T/body"
http GET /api/v1/health
expect full_disk_health_no_detail_without_token '^\{"status":"degraded"\}$' "$T/body"
serve_stop

# A disk that fills, then has room again.  The soft limit (100 blocks of
# 512 bytes) leaves room for the store's -shm (32 KiB); the log starts a few
# lines short of it.
rm -f "$T/port"
python3 -c '
import sys
line = "{\"time\": \"2026-01-01T00:00:00Z\", \"pad\": \"%s\"}\n" % ("x" * 200)
open(sys.argv[1], "w").write(line * (51200 // len(line) - 2))
' "$T/limited.log"
sh -c 'trap "" XFSZ; ulimit -S -f 100; exec "$@"' sh "$CHOUSA" serve \
    --listen 127.0.0.1:0 --port-file "$T/port" --audit-log "$T/limited.log" \
    > "$T/serve.log" 2>&1 &
SERVER_PID=$!
serve_wait "$SERVER_PID" "$T/port"
URL="http://127.0.0.1:$(cat "$T/port")"
i=0
while [ $i -lt 200 ]; do
	http GET "/api/v1/lookup?indicator=198.51.100.$((i % 200))" "$TOKEN"
	[ "$(cat "$T/status")" = 503 ] && break
	i=$((i + 1))
done
status_is limit_reached_refuses 503
expect limit_reached_said '"the audit log cannot be written \(File too large\)' "$T/body"
# The soft limit only: raising it back needs no privilege.
prlimit --pid "$SERVER_PID" --fsize=unlimited:
i=0
while [ $i -lt 100 ]; do
	http GET "/api/v1/lookup?indicator=198.51.100.7" "$TOKEN"
	[ "$(cat "$T/status")" = 200 ] && break
	sleep 0.05
	i=$((i + 1))
done
status_is limit_lifted_serves_again 200
audit_wait ok && ok limit_lifted_health_ok || not_ok limit_lifted_health_ok "$(head -c 300 "$T/body")"
log_wait "is written again"
expect limit_lifted_said "the audit log '$T/limited.log' is written again; [0-9]+ lines? lost" "$T/serve.log"
[ "$(grep -c "cannot write the audit log" "$T/serve.log")" = 1 ] && ok limit_said_once ||
	not_ok limit_said_once "$(grep -c "cannot write the audit log" "$T/serve.log") lines"
serve_stop

# ---- 6. a log that ends inside a line; one that ends a line ----
printf '{"time": "2026-01-01T00:00:00Z"}\n' > "$T/whole.log"
serve_start --audit-log "$T/whole.log"
http GET /api/v1/version "$TOKEN"
sleep 0.3
serve_stop
grep -c '^$' "$T/whole.log" | grep -q '^0$' && [ "$(grep -c . "$T/whole.log")" = 2 ] &&
	ok whole_log_no_blank_line || not_ok whole_log_no_blank_line "$(head -c 300 "$T/whole.log")"

printf '{"time": "2026-01-01T00:00:00Z", "who": "cut sh' > "$T/torn.log"
serve_start --audit-log "$T/torn.log"
http GET /api/v1/version "$TOKEN"
sleep 0.3
serve_stop
python3 - "$T/torn.log" <<'PY' > "$T/torn.out" 2>&1
import json, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[0] == '{"time": "2026-01-01T00:00:00Z", "who": "cut sh', lines[0]
assert lines[-1] == "", "no final newline"
for l in lines[1:-1]:
    json.loads(l)
print("whole", len(lines) - 2)
PY
expect torn_line_ended_first "whole 1" "$T/torn.out"
