#!/bin/sh
# test-serve-alerts.sh: the alerting rules in dist/chousa-alerts.yml, in a
# real Prometheus (Debian's prometheus) scraping a real server as
# docs/team.md's scrape job does (a read token in credentials_file, named
# in [server] metrics_scrapers).
#  1. promtool checks the rules, and lints a scrape of /metrics.  Its unit
#     tests take the backup alerts through 4 days: a store never backed up
#     (its time 0, or none from an older chousa) on a server up 4 days,
#     and a backup 4 days old on a server restarted 3 h ago, are stale; a
#     server up 3 h without a backup, a backup of 6 h ago, and another
#     job's process up 4 days are not; a failed backup is said at once.
#     An audit log deleted under the server is said at once, for an hour.
#  2. Prometheus scrapes the server (up is 1) and takes every sample: no
#     duplicate or out-of-order sample counted.  /metrics has each check
#     of the health answer (chousa_health_status) and each token's making
#     (chousa_token_created_timestamp_seconds).
#  3. The alerts fire, or wait out their "for", on the server's real state:
#     an audit log that cannot be written (lines lost; the audit check
#     degraded), a token ending in 3 days, a token made 100 days ago and
#     never used, a last good backup 3 days old and a backup that failed.  A token made today and never used is not dormant, nor
#     is the one Prometheus uses; nothing else is said.
#  4. The server stopped: ChousaDown.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
RULES="$TESTS/../dist/chousa-alerts.yml"
PROM_PID=
trap 'serve_stop; [ -n "$PROM_PID" ] && kill $PROM_PID 2> /dev/null' EXIT INT TERM

for tool in prometheus promtool; do
	command -v $tool > /dev/null || { not_ok ${tool}_installed "no $tool (scripts/install-deps.sh test installs Debian's prometheus)"; exit 0; }
done

# ---- 1. promtool ----
check rules_valid 0 promtool check rules "$RULES"
expect rules_counted 'SUCCESS: 11 rules found' "$T/out"
# One sample a minute for 100 h; the alerts as they are at 96 h.
s() { printf "      - series: '%s{job=\"%s\",instance=\"%s\"}'\n        values: '%s+0x6000'\n" "$@"; }
a() { printf "          - labels: 'ALERTS{alertname=\"%s\",alertstate=\"firing\",instance=\"%s\",job=\"chousa\",severity=\"warning\"}'\n            value: 1\n" "$@"; }
{
	printf 'rule_files: ["%s"]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n' "$RULES"
	s process_start_time_seconds chousa never 0
	s chousa_backup_last_success_timestamp_seconds chousa never 0
	s process_start_time_seconds chousa older 0
	s process_start_time_seconds chousa restarted 334800
	s chousa_backup_last_success_timestamp_seconds chousa restarted 1000
	s process_start_time_seconds chousa started 334800
	s chousa_backup_last_success_timestamp_seconds chousa started 0
	s process_start_time_seconds chousa recent 0
	s chousa_backup_last_success_timestamp_seconds chousa recent 324000
	s process_start_time_seconds chousa failed 0
	s chousa_backup_last_success_timestamp_seconds chousa failed 324000
	s chousa_backup_last_attempt_successful chousa failed 0
	s process_start_time_seconds node other 0
	printf '    promql_expr_test:\n      - expr: ALERTS{alertname=~"ChousaBackup.*"}\n        eval_time: 96h\n        exp_samples:\n'
	a ChousaBackupFailed failed
	a ChousaBackupStale never
	a ChousaBackupStale older
	a ChousaBackupStale restarted
} > "$T/alerts-test.yml"
check backup_alerts_over_4_days 0 promtool test rules "$T/alerts-test.yml"
# An audit log deleted at minute 31: said at once, for an hour; a
# server whose count stays as it started is quiet.
cat > "$T/deleted-test.yml" <<EOF
rule_files: ["$RULES"]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'chousa_audit_log_deleted_total{job="chousa",instance="a"}'
        values: '0x30 1x120'
      - series: 'chousa_audit_log_deleted_total{job="chousa",instance="b"}'
        values: '2x150'
    promql_expr_test:
      - expr: ALERTS{alertname="ChousaAuditLogDeleted"}
        eval_time: 40m
        exp_samples:
          - labels: 'ALERTS{alertname="ChousaAuditLogDeleted",alertstate="firing",instance="a",job="chousa",severity="critical"}'
            value: 1
      - expr: ALERTS{alertname="ChousaAuditLogDeleted"}
        eval_time: 140m
        exp_samples: []
EOF
check audit_deleted_alert 0 promtool test rules "$T/deleted-test.yml"

# Prometheus's read token sees the tokens by name as docs/team.md says:
# named in metrics_scrapers.
serve_store '[server]\nrate = 0\nmetrics_scrapers = prometheus\n'
MONITOR=$("$CHOUSA" -q token create --role read prometheus)
printf '%s' "$MONITOR" > "$T/prom.token"
chmod 600 "$T/prom.token"
"$CHOUSA" -q token create --role read --expires 3d soon > /dev/null
"$CHOUSA" -q token create --role read old > /dev/null
"$CHOUSA" -q token create --role read new > /dev/null
# "old" was made 100 days ago: as a store of that age holds it.
python3 - "$CHOUSA_DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE tokens SET created_at = created_at - 100 * 86400 WHERE name = 'old'")
db.commit()
PY
# A good backup 3 days old, then one that failed.
"$CHOUSA" -q db backup "$T/backup.db"
check backup_failed_as_it_should 2 "$CHOUSA" -q db backup "$T/backup.db"
python3 - "$CHOUSA_DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE backups SET at = at - 3 * 86400 WHERE ok")
db.commit()
PY
# The audit log on a full disk: every line lost.
serve_start --audit-log /dev/full || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
http GET /metrics "$MONITOR"
status_is metrics_200 200
cp "$T/body" "$T/metrics.txt"
check metrics_lint_clean 0 promtool check metrics < "$T/metrics.txt"
[ -s "$T/out" ] && not_ok metrics_lint_said_nothing "$(head -c 300 "$T/out")" || ok metrics_lint_said_nothing
expect health_series_ok '^chousa_health_status\{check="store"\} 0$' "$T/metrics.txt"
expect created_series '^chousa_token_created_timestamp_seconds\{name="old"\} [0-9]' "$T/metrics.txt"
expect backup_failed_series '^chousa_backup_last_attempt_successful 0$' "$T/metrics.txt"
expect backup_good_series '^chousa_backup_last_success_size_bytes [1-9]' "$T/metrics.txt"

# ---- 2. a real Prometheus ----
PP=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$T/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: ["$RULES"]
scrape_configs:
  - job_name: chousa
    scheme: http
    authorization: { credentials_file: $T/prom.token }
    static_configs: [{ targets: ["127.0.0.1:$PORT"] }]
EOF
check prometheus_config_valid 0 promtool check config "$T/prometheus.yml"
prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/tsdb" \
    --web.listen-address="127.0.0.1:$PP" --log.level=warn \
    > "$T/prometheus.log" 2>&1 &
PROM_PID=$!

# wait_for NAME PYTHON_CONDITION: poll Prometheus' API (q(PROMQL) answers
# a query's result, alerts() the alerts) until the condition holds, for
# up to 30 s; the last answer is in $T/prom.json.
wait_for() {
	PP=$PP python3 - "$2" "$T/prom.json" <<'PY' > "$T/wait" 2>&1
import json, os, sys, time, urllib.parse, urllib.request
base = "http://127.0.0.1:%s/api/v1/" % os.environ["PP"]
last = None
def get(path):
    global last
    with urllib.request.urlopen(base + path, timeout=5) as r:
        last = json.load(r)
    return last["data"]
def q(promql):
    return get("query?query=" + urllib.parse.quote(promql))["result"]
def alerts():
    return {(a["labels"]["alertname"], a["labels"].get("name") or
             a["labels"].get("check") or ""): a["state"]
            for a in get("alerts")["alerts"]}
end = time.time() + 30
while True:
    try:
        if eval(sys.argv[1]):
            break
    except Exception as e:
        last = {"error": str(e)}
    if time.time() > end:
        print("not after 30 s: " + json.dumps(last)[:600])
        break
    time.sleep(0.5)
json.dump(last, open(sys.argv[2], "w"))
PY
	[ -s "$T/wait" ] && not_ok "$1" "$(cat "$T/wait")" || ok "$1"
}

wait_for prometheus_scrapes_chousa 'any(r["value"][1] == "1" for r in q("up{job=\"chousa\"}"))'
wait_for prometheus_took_health 'len(q("chousa_health_status")) >= 6'
# Requests whose audit lines are lost, after Prometheus has seen none
# lost: the loss is an increase.
for i in 1 2 3 4 5; do
	http GET "/api/v1/lookup?indicator=198.51.100.$i" "$MONITOR"
done
http GET /metrics "$MONITOR"
expect health_series '^chousa_health_status\{check="audit"\} 1$' "$T/body"
curl -s "http://127.0.0.1:$PP/metrics" > "$T/prom-self.txt"
for c in prometheus_target_scrapes_sample_duplicate_timestamp_total \
    prometheus_target_scrapes_sample_out_of_order_total \
    prometheus_target_scrapes_exceeded_sample_limit_total; do
	expect "no_$c" "^$c 0$" "$T/prom-self.txt"
done

# ---- 3. the alerts ----
wait_for alerts_as_the_state_is '
(lambda a: a.get(("ChousaAuditLinesLost", "")) == "firing"
    and a.get(("ChousaDegraded", "audit")) == "pending"
    and a.get(("ChousaTokenExpiring", "soon")) == "firing"
    and a.get(("ChousaTokenDormant", "old")) == "pending"
    and a.get(("ChousaBackupFailed", "")) == "firing"
    and a.get(("ChousaBackupStale", "")) == "pending")(alerts())'
python3 - "$T/prom.json" > "$T/alerts" <<'PY'
import json, sys
for a in json.load(open(sys.argv[1]))["data"]["alerts"]:
    l = a["labels"]
    print(l["alertname"], l.get("name") or l.get("check") or "-", a["state"])
PY
refute new_token_not_dormant '^ChousaTokenDormant new ' "$T/alerts"
refute monitor_token_not_dormant '^ChousaTokenDormant prometheus ' "$T/alerts"
n=$(wc -l < "$T/alerts")
[ "$n" = 6 ] && ok only_those_alerts || not_ok only_those_alerts "$(tr '\n' ';' < "$T/alerts")"
expect alert_says_what_to_do '"description": ?"Rotate it before its end \(chousa token rotate --grace 24h soon\)' "$T/prom.json"

# ---- 4. down ----
serve_stop
wait_for down_alert '(lambda a: a.get(("ChousaDown", "")) == "pending")(alerts())'
