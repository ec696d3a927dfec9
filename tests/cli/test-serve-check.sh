#!/bin/sh
# test-serve-check.sh: chousa serve --check says what a start would refuse
# (an error: exit 2, one "chousa: serve --check:" line) or regret (a
# warning: exit 0), one line a check, without starting: nothing listened
# on, made or written: the tokens (dormant ones counted), the
# metrics_scrapers no valid token or an admin token holds, an older schema the
# start migrates, a [server] value a start refuses (an error line, text
# and JSON), a plain-HTTP port behind a proxy, an address in use.  The TLS pair's checks are
# in test-serve-tls.
. "$TESTS/cli/lib.sh"
cd "$T" || exit 1
S="$CHOUSA --db s.db"

# A first start: the store and audit log not there yet, none made.
check fresh 0 $S serve --check
expect fresh_listen '^ok +listen +127\.0\.0\.1:8080$' out
expect fresh_audit_made_at_start '^ok +audit +.*audit\.log \(made at the start\)' out
expect fresh_store_warns '^warning +store +s\.db is not there yet: .*chousa token create' out
[ ! -e s.db ] && [ ! -e audit.log ] && ok fresh_nothing_made ||
	not_ok fresh_nothing_made "$(ls)"
[ ! -s err ] && ok fresh_stderr_quiet || not_ok fresh_stderr_quiet "$(head -c 200 err)"

# A first start on a new machine: the store's directory is not there
# either; the start makes it, and the audit log in it.
check fresh_dirs 0 $CHOUSA --db "$T/new/data/s.db" serve --check
expect fresh_dirs_audit '^ok +audit +.*/new/data/audit\.log \(made at the start\)' out
expect fresh_dirs_store '^warning +store +.*/new/data/s\.db is not there yet' out
[ ! -e "$T/new" ] && ok fresh_dirs_nothing_made || not_ok fresh_dirs_nothing_made "$(ls "$T/new")"
# A log elsewhere, in a directory that is not there: the start does not
# make it, and refuses.
check audit_dir_missing 2 $CHOUSA --db "$T/new/data/s.db" serve --check --audit-log "$T/new/logs/audit.log"
expect audit_dir_missing_said '^error +audit +.*/new/logs/audit\.log: cannot be made: .*/new/logs is not there \(the start makes only the store.s directory\)' out
# A store where this user cannot write: said, before the start fails.
if [ "$(id -u)" != 0 ]; then
	mkdir -p locked && chmod 555 locked
	check store_dir_locked 2 $CHOUSA --db "$T/locked/sub/s.db" serve --check
	expect store_dir_locked_said '^error +store +.*/locked/sub/s\.db: cannot be made in .*/locked: Permission denied' out
	chmod 755 locked
fi

# With tokens: counted; revoked ones are not.
$S -q token create --role admin lead > /dev/null
$S -q token create --role read gone > /dev/null
$S -q token revoke gone > /dev/null 2>&1
check with_tokens 0 $S serve --check
expect store_read '^ok +store +s\.db \(read\)' out
expect tokens_counted '^ok +tokens +1 valid, 1 of them admin$' out
$S -q token revoke lead > /dev/null 2>&1
check no_valid_token 0 $S serve --check
expect no_valid_token_warns '^warning +tokens +none valid: every request but the health check is refused' out
$S -q token create --role investigate ana > /dev/null

# Beyond loopback without TLS: said; behind a trusted proxy (which holds
# the TLS) too, as clients can come to the port past the proxy and its
# single sign-on; on loopback behind it, not.
check open_listen 0 $S serve --check --listen 0.0.0.0:8080
expect open_listen_warns '^warning +listen +0\.0\.0\.0:8080 without TLS' out
printf '[server]\ntrusted_proxies = 10.0.0.7, 2001:db8::/32\n' > proxy.conf
check behind_proxy 0 $S --config proxy.conf serve --check --listen 0.0.0.0:8080
expect behind_proxy_open_warns '^warning +listen +0\.0\.0\.0:8080 without TLS: clients can reach this plain-HTTP port directly, past the proxy \(and its single sign-on\): listen on 127\.0\.0\.1 behind the proxy, or firewall the port$' out
expect proxies_counted '^ok +proxies +2 trusted' out
check behind_proxy_loopback 0 $S --config proxy.conf serve --check --listen 127.0.0.1:8080
expect behind_proxy_loopback_ok '^ok +listen +127\.0\.0\.1:8080$' out
# The proxy's groups, roles and admins without the header that names the
# user: they do nothing, said.
printf '[server]\ntrusted_proxies = 127.0.0.1\nproxy_groups_header = X-Forwarded-Groups\nproxy_group_roles = soc-l2=investigate\n' > groups.conf
check groups_without_user 0 $S --config groups.conf serve --check
expect groups_without_user_warns '^warning +sso +proxy_groups_header, proxy_group_roles have no effect without proxy_user_header \(the header in which the proxy names the user\)$' out
# trusted_proxies left empty (a value blanked, an Environment= line) trusts
# no proxy, as none set does: the header is never read.
printf '[server]\ntrusted_proxies =\nproxy_user_header = X-Forwarded-Email\n' > blank.conf
check sso_blank_proxies 0 $S --config blank.conf serve --check
expect sso_blank_proxies_warns '^warning +sso +proxy_user_header X-Forwarded-Email has no effect without trusted_proxies' out
refute sso_blank_proxies_not_ok '^ok +sso' out

# [server] metrics_scrapers, against the tokens of the store: a name no
# valid token holds (a typo, revoked, expired, a proxy's user) warned of,
# as the alerts on tokens would stay silent; an admin token warned of, as
# needless and a risk on the scraping host; a read token, in any case, ok.
M="$CHOUSA --db m.db"
$M -q token create --role read prometheus > /dev/null 2>&1
$M -q token create --role admin lead > /dev/null
$M -q token create --role read gone > /dev/null
$M -q token revoke gone > /dev/null 2>&1
$M -q token create --role read old > /dev/null
sqlite3 m.db "UPDATE tokens SET expires_at = strftime('%s', 'now') - 60 WHERE name = 'old'"
printf '[server]\nmetrics_scrapers = Prometheus\n' > scrapers-ok.conf
check scrapers_ok 0 $M --config scrapers-ok.conf serve --check
expect scrapers_ok_said '^ok +metrics +the series by token name shown to the scrapes of: Prometheus$' out
refute scrapers_ok_no_warning '^warning +metrics' out
check scrapers_unset 0 $M serve --check
refute scrapers_unset_silent ' metrics ' out
printf '[server]\nmetrics_scrapers = prometheus, promethus, gone, old,lead\n' > scrapers.conf
check scrapers_bad 0 $M --config scrapers.conf serve --check
expect scrapers_typo "^warning +metrics +scrapers\.conf:2: \[server\] metrics_scrapers names 'promethus', which no token has \(a typo\?\): its scrape has none of the series by token name, and the alerts on tokens stay silent$" out
expect scrapers_revoked "^warning +metrics +scrapers\.conf:2: \[server\] metrics_scrapers names 'gone', whose token is revoked: " out
expect scrapers_expired "^warning +metrics +scrapers\.conf:2: \[server\] metrics_scrapers names 'old', whose token expired: " out
expect scrapers_admin "^warning +metrics +scrapers\.conf:2: \[server\] metrics_scrapers names 'lead', an admin token: an admin's scrape has the series by token name anyway, and an admin token on the scraping host can do anything; give it a read token \(chousa token create --role read\)$" out
[ "$(grep -c '^warning  *metrics' out)" = 4 ] && ok scrapers_one_line_each ||
	not_ok scrapers_one_line_each "$(grep metrics out)"
refute scrapers_valid_not_warned "names 'prometheus'" out
check scrapers_json 0 $M --json --config scrapers.conf serve --check
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "warning", d
m = [x["detail"] for x in d["checks"] if x["check"] == "metrics" and x["status"] == "warning"]
assert len(m) == 4 and any("promethus" in x for x in m), m
' out 2> py.err && ok scrapers_json_warnings || not_ok scrapers_json_warnings "$(tail -n 2 py.err)"

# Errors: all said, the first on stderr, exit 2.
printf '[server]\ntrusted_proxies = 10.0.0.0/33\n' > bad.conf
check bad_config 2 $S --config bad.conf serve --check --listen nowhere \
    --audit-log "$T/no-such-dir/audit.log"
expect bad_listen_said "^error +listen +cannot read 'nowhere' as ADDR:PORT" out
expect bad_proxy_said "^error +proxies +bad trusted proxy '10\.0\.0\.0/33'" out
expect bad_audit_said '^error +audit +.*no-such-dir/audit\.log: cannot be made: .*/no-such-dir is not there' out
expect bad_config_one_line "^chousa: serve --check: 3 problems: listen: cannot read 'nowhere'" err
[ "$(grep -c . err)" = 1 ] && ok bad_config_stderr_one_line || not_ok bad_config_stderr_one_line "$(cat err)"

# Values a start refuses ([server] proxy_user_role = admin...): an error
# line each, said once, beside the other checks; exit 2, one stderr line.
printf '[server]\ntrusted_proxies = 127.0.0.1\nproxy_user_header = X-Forwarded-Email\nproxy_user_role = admin\nproxy_group_roles = soc-l1\nupdate_every = soon\n' > refused.conf
check refused 2 $S --config refused.conf serve --check
expect refused_role_error "^error +config +refused\.conf:4: \[server\] proxy_user_role = 'admin': none, read or investigate \(admins are named in proxy_admins, or by group in proxy_group_roles\)$" out
expect refused_groups_error "^error +config +refused\.conf:5: \[server\] proxy_group_roles = 'soc-l1': its entry 'soc-l1' is not GROUP=ROLE with the role read, investigate or admin$" out
expect refused_update_error "^error +config +refused\.conf:6: \[server\] update_every = 'soon': a duration such as 90s, 30m, 6h, 1d$" out
refute refused_not_also_warned '^warning +config' out
refute refused_no_sso_ok '^ok +sso' out
expect refused_listen_checked '^ok +listen +127\.0\.0\.1:8080$' out
expect refused_proxies_checked '^ok +proxies +1 trusted' out
expect refused_store_checked '^ok +store +s\.db \(read\)' out
expect refused_tokens_checked '^ok +tokens +' out
expect refused_stderr_says "^chousa: serve --check: 3 problems: config: .*refused\.conf:6: \[server\] update_every = 'soon'" err
[ "$(grep -c . err)" = 1 ] && ok refused_stderr_one_line || not_ok refused_stderr_one_line "$(cat err)"
check refused_json 2 $S --json --config refused.conf serve --check
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "error", d
bad = [x["detail"] for x in d["checks"] if x["check"] == "config" and x["status"] == "error"]
assert len(bad) == 3 and any("proxy_user_role" in x for x in bad), bad
assert {x["check"] for x in d["checks"] if x["status"] == "ok"} >= {"listen", "store", "tokens"}, d
' out 2> py.err && ok refused_json_object || not_ok refused_json_object "$(tail -n 2 py.err)"
# A [server] listen a start refuses, though --listen names another: the
# start refuses the config still, and the check says so; without the
# option, the listen line says it, once.
printf '[server]\nlisten = nowhere\n' > listen.conf
check refused_listen_option 2 $S --config listen.conf serve --check --listen 127.0.0.1:8080
expect refused_listen_config_error "^error +config +listen\.conf:2: \[server\] listen = 'nowhere': cannot be read as ADDR:PORT" out
check refused_listen 2 $S --config listen.conf serve --check
expect refused_listen_line "^error +listen +listen.conf:2: cannot read 'nowhere' as ADDR:PORT" out
refute refused_listen_said_once '^error +config' out

# Tokens nobody used in 90 days (made 100 days ago, the store's clock set
# back) are pointed out, without a warning.
sqlite3 s.db "UPDATE tokens SET created_at = created_at - 100 * 86400 WHERE name = 'ana'"
check dormant 0 $S serve --check
expect dormant_said '^ok +tokens +1 valid, 0 of them admin; 1 unused for 90 days or more \(chousa token list --unused-for 90d\)$' out

# A store of an older schema: the start will migrate it, said; the check
# leaves it as it is.
sqlite3 s.db ".backup old.db"
sqlite3 old.db "ALTER TABLE tokens DROP COLUMN last_used_at; ALTER TABLE tokens DROP COLUMN last_used_from; ALTER TABLE tokens DROP COLUMN note; DROP TABLE backups; DROP TABLE sessions; PRAGMA user_version = 7"
check older_schema 0 "$CHOUSA" --db old.db serve --check
expect older_schema_said '^warning +store +old\.db has schema 7: the start migrates it to [0-9]+, after which older versions of chousa cannot open it \(a copy first: chousa db backup FILE\)$' out
expect older_schema_tokens_read '^ok +tokens +1 valid' out
[ "$(sqlite3 old.db 'PRAGMA user_version')" = 7 ] && ok older_schema_untouched ||
	not_ok older_schema_untouched "$(sqlite3 old.db 'PRAGMA user_version')"

# A file that is no chousa store.
printf 'not a database, only text\n' > junk.db
check not_a_store 2 "$CHOUSA" --db junk.db serve --check
expect not_a_store_said '^error +store +' out
[ "$(cat junk.db)" = "not a database, only text" ] && ok not_a_store_untouched ||
	not_ok not_a_store_untouched "changed"

# No audit log, a scheduled update; -q: the status alone.
check audit_off 0 $S serve --check --audit-log none --update-every 6h
expect audit_off_warns '^warning +audit +off: requests are not recorded' out
expect update_said '^ok +update +the feeds every 21600 s' out
check quiet_status_alone 2 $S -q serve --check --listen nowhere
[ ! -s out ] && ok quiet_no_lines || not_ok quiet_no_lines "$(head -c 200 out)"

# --json: one object, the worst status, each check as the health check
# writes them.
check json_error 2 $S --json serve --check --listen nowhere
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "error", d
c = {x["check"]: x for x in d["checks"]}
assert c["listen"]["status"] == "error" and "nowhere" in c["listen"]["detail"], c
assert c["tokens"]["status"] == "ok", c
assert all(set(x) == {"check", "status", "detail"} for x in d["checks"]), d
' out 2> py.err && ok json_error_object || not_ok json_error_object "$(tail -n 2 py.err)"
check json_warning 0 $S --json serve --check --audit-log none
expect json_warning_status '^\{"status":"warning","checks":\[' out

# The config's own problems, which a start passes over with a default,
# are in the report, and only there.
printf '[server]\nrate = abc\nidle_timout = 30\n' > typo.conf
check config_problems 0 $S --config typo.conf serve --check
expect config_bad_value "^warning +config +.*typo\.conf:2: \[server\] rate = 'abc' is not a whole number.*600 is used instead" out
expect config_unknown_key "^warning +config +.*typo\.conf:3: unknown key 'idle_timout' in \[server\]" out
[ -s err ] && not_ok config_problems_said_once "$(cat err)" || ok config_problems_said_once
# A start says them on stderr, before it refuses the address.
check start_says_config 2 $S --config typo.conf serve --listen nowhere
expect start_config_warning "^chousa: typo\.conf:2: \[server\] rate = 'abc'" err
expect start_then_refuses "^chousa: serve: cannot read 'nowhere' as ADDR:PORT" err
expect start_says_how "as ADDR:PORT \(127\.0\.0\.1:8080, localhost:8080, .*a host name other than localhost is not looked up\)$" err

# audit_max = none, as the docs write it for logrotate: no warning.
printf '[server]\naudit_max = none\n' > none.conf
check audit_max_none 0 $S --config none.conf serve --check
refute audit_max_none_no_warning '^warning +config' out
[ ! -s err ] && ok audit_max_none_stderr_quiet || not_ok audit_max_none_stderr_quiet "$(head -c 200 err)"

# localhost is loopback, without a resolver; another name is refused.
check listen_localhost 0 $S serve --check --listen localhost:8080
expect listen_localhost_ok '^ok +listen +localhost:8080$' out
check listen_name 2 $S serve --check --listen chousa.example:8080
expect listen_name_said "^error +listen +cannot read 'chousa\.example:8080' as ADDR:PORT" out
# IPv6 only in brackets: ::1:8080 could be an address or one and a port.
check listen_v6_unbracketed 2 $S serve --check --listen ::1:8080
check listen_v6_bracketed 0 $S serve --check --listen '[::1]:8080'
# And a start on localhost:0 listens on 127.0.0.1.
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM
CHOUSA_DB="$T/s.db" serve_start --listen localhost:0
expect localhost_listens '^chousa: listening on http://127\.0\.0\.1:[0-9]+$' "$T/serve.log"
http GET /api/v1/health
status_is localhost_answers 200
# One server a store: a second start on it is refused (exit 6, said in
# one line naming the first's pid), and --check says one runs.
check second_server_refused 6 $CHOUSA --db "$T/s.db" serve --listen 127.0.0.1:0 --audit-log "$T/audit2.log"
expect second_server_says_why "^chousa: serve: another chousa serve \(pid $SERVER_PID\) is running on the store '.*s\.db': one server owns a store$" err
[ "$(wc -l < err)" = 1 ] && ok second_server_one_line || not_ok second_server_one_line "$(cat err)"
[ ! -e "$T/audit2.log" ] && ok second_server_wrote_nothing || not_ok second_server_wrote_nothing "$(ls "$T")"
check check_sees_server 0 $S serve --check
expect check_says_server_runs "^ok +server +chousa serve \(pid $SERVER_PID\) is running on this store" out
check check_sees_server_json 0 $S --json serve --check
expect check_json_server '\{"check":"server","status":"ok","detail":"chousa serve \(pid [0-9]+\) is running' out
# Its own address before a reload: in use, and taken to be its own.
check check_own_address 0 $S serve --check --listen "127.0.0.1:$PORT"
expect check_own_address_said "^ok +listen +127\.0\.0\.1:$PORT is in use, by the server running on this store if it listens there" out
# An address another program listens on: a start now would be refused,
# which may change by the start (a warning: the port is the check's own
# state, not the configuration's).
check check_address_in_use 0 $CHOUSA --db "$T/other.db" serve --check --listen "127.0.0.1:$PORT"
expect check_address_in_use_said "^warning +listen +a start now would refuse it: cannot listen on '127\.0\.0\.1:$PORT': bind: Address already in use; another program listens there" out
# A server killed (a crash) leaves the lock file, not the claim.
serve_kill
check check_after_crash 0 $S serve --check
expect check_none_after_crash '^ok +server +none running on this store$' out
CHOUSA_DB="$T/s.db" serve_start --listen localhost:0
http GET /api/v1/health
status_is restart_after_crash 200
