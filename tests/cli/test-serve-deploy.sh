#!/bin/sh
# test-serve-deploy.sh: running chousa serve as a service.
#  1. make install puts a systemd unit (dist/chousa.service.in) and a
#     logrotate example (dist/chousa.logrotate) in place; systemd's own
#     checker accepts the unit (systemd-analyze verify), and its exposure
#     is low (systemd-analyze security --offline, threshold 2.0 of 10).
#     The same for the daily backup's timer and service, whose command
#     runs as written.
#  2. Type=notify: with $NOTIFY_SOCKET (a path, or '@' abstract), the
#     server says READY=1 (with STATUS and MAINPID) once it listens,
#     RELOADING=1 then READY=1 around a SIGHUP, STOPPING=1 as it stops.
#  3. The real logrotate, with --audit-max none: it moves the log, its
#     postrotate sends SIGHUP, the next lines go to the new file, none to
#     the moved one; a second rotation compresses the first.
#  4. The unit's system-call filter lets the server be: run as an
#     unprivileged user (as User= does) under strace through look-ups,
#     an investigation, a sweep upload, an export, MCP, /metrics, a
#     SIGHUP and a stop, every call it makes is in the unit's
#     SystemCallFilter (expanded by systemd-analyze syscall-filter).
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

top=$TESTS/..
root=$T/root

# ---- 1. the unit ----
check install_runs 0 make_install "$root"
unit=$root/usr/lib/systemd/system/chousa.service
[ -f "$unit" ] && ok unit_installed || not_ok unit_installed "no $unit"
[ -f "$root/usr/share/doc/chousa/examples/chousa.logrotate" ] &&
	ok logrotate_example_installed ||
	not_ok logrotate_example_installed "missing"
[ -f "$root/usr/share/doc/chousa/examples/chousa.nginx" ] &&
	ok nginx_example_installed ||
	not_ok nginx_example_installed "missing"
[ -f "$root/usr/share/doc/chousa/examples/chousa-alerts.yml" ] &&
	ok alerts_example_installed ||
	not_ok alerts_example_installed "missing"
[ -f "$root/usr/share/doc/chousa/docs/team.md" ] &&
	ok operators_guide_installed ||
	not_ok operators_guide_installed "missing"
# The guides' links hold where they are installed: README -> docs/team.md,
# team.md -> openapi.json and json.md.
python3 - "$root/usr/share/doc/chousa" <<'PY' > "$T/links"
import os, re, sys
root = sys.argv[1]
bad = []
for f in ["README.md"] + ["docs/" + n for n in os.listdir(root + "/docs") if n.endswith(".md")]:
    here = os.path.dirname(os.path.join(root, f))
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", open(os.path.join(root, f)).read()):
        if not os.path.exists(os.path.join(here, target)):
            bad.append("%s -> %s" % (f, target))
print("; ".join(bad) or "ok")
PY
expect installed_doc_links_hold '^ok$' "$T/links"
expect unit_prefix_filled '^ExecStart=/usr/bin/chousa serve ' "$unit"
refute unit_no_placeholder '@PREFIX@' "$unit"
if command -v systemd-analyze > /dev/null 2>&1; then
	# verify needs ExecStart's program where the unit says it is.
	sed "s|/usr/bin/chousa|$root/usr/bin/chousa|" "$unit" > "$T/chousa.service"
	check unit_verifies 0 systemd-analyze verify --man=no "$T/chousa.service"
	# The socket unit, beside the service it starts.
	cp "$root/usr/lib/systemd/system/chousa.socket" "$T/chousa.socket" 2> /dev/null &&
	    ok socket_unit_installed || not_ok socket_unit_installed "missing"
	check socket_unit_verifies 0 systemd-analyze verify --man=no \
	    "$T/chousa.socket" "$T/chousa.service"
	expect socket_unit_listens '^ListenStream=127\.0\.0\.1:8080$' "$T/chousa.socket"
	check unit_exposure_low 0 systemd-analyze security --offline=yes \
	    --threshold=20 --no-pager "$T/chousa.service"
	# The daily backup: its timer and the service that timer starts.
	for u in chousa-backup.service chousa-backup.timer; do
		sed "s|/usr/bin/chousa|$root/usr/bin/chousa|" \
		    "$root/usr/lib/systemd/system/$u" > "$T/$u" 2> /dev/null
	done
	[ -s "$T/chousa-backup.timer" ] && ok backup_timer_installed ||
		not_ok backup_timer_installed "missing"
	check backup_units_verify 0 systemd-analyze verify --man=no \
	    "$T/chousa-backup.timer" "$T/chousa-backup.service"
	check backup_unit_exposure_low 0 systemd-analyze security \
	    --offline=yes --threshold=20 --no-pager "$T/chousa-backup.service"
	sed "s|^ExecStart=[^ ]*|ExecStart=$T/no-such-chousa|" "$T/chousa.service" > "$T/bad.service"
	check checker_catches_a_bad_unit 1 systemd-analyze verify --man=no \
	    "$T/bad.service"
else
	not_ok systemd_analyze_available "systemd is needed (scripts/install-deps.sh test)"
fi

# ---- 2. sd_notify ----
serve_store ''
TOKEN=$("$CHOUSA" -q token create --role read ops)
# The backup unit's command, as it is written there, on this store and
# into a directory here: a backup named for its time, checked.
cmd=$(sed -n "s|^ExecStart=||p" "$root/usr/lib/systemd/system/chousa-backup.service" |
    sed "s|^/usr/bin/chousa|$CHOUSA|; s|/var/backups/chousa|$T/backups|")
mkdir -p "$T/backups"
check backup_unit_command_runs 0 $cmd
ls "$T/backups" > "$T/backups.ls"
expect backup_unit_named_for_its_time '^chousa-[0-9]{8}T[0-9]{6}Z\.db$' "$T/backups.ls"
for where in path abstract; do
	python3 - "$CHOUSA" "$T" "$where" <<'PY' > "$T/notify.$where" 2>&1
import os, signal, socket, subprocess, sys, time
chousa, T, where = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
if where == "path":
    addr = T + "/notify.sock"
    s.bind(addr)
else:
    addr = "@chousa-test-%d" % os.getpid()
    s.bind("\0" + addr[1:])
s.settimeout(20)
env = dict(os.environ, NOTIFY_SOCKET=addr)
p = subprocess.Popen([chousa, "serve", "--listen", "127.0.0.1:0",
                      "--port-file", T + "/port." + where,
                      "--audit-log", "none"], env=env,
                     stderr=subprocess.DEVNULL)
def recv():
    return s.recv(4096).decode()
ready = recv()
port = open(T + "/port." + where).read().strip()
print("ready", "READY=1" in ready.split("\n"),
      "status", ("STATUS=serving on 127.0.0.1:%s" % port) in ready,
      "mainpid", ("MAINPID=%d" % p.pid) in ready)
p.send_signal(signal.SIGHUP)
a, b = recv(), recv()
print("reload", a.startswith("RELOADING=1\nMONOTONIC_USEC="), b == "READY=1")
p.send_signal(signal.SIGTERM)
print("stopping", recv() == "STOPPING=1", "exit", p.wait(timeout=30))
PY
	expect "notify_ready_$where" "ready True status True mainpid True" "$T/notify.$where"
	expect "notify_reload_$where" "reload True True" "$T/notify.$where"
	expect "notify_stopping_$where" "stopping True exit 0" "$T/notify.$where"
done

# ---- 3. logrotate ----
if command -v logrotate > /dev/null 2>&1 || [ -x /usr/sbin/logrotate ]; then
	LR=$(command -v logrotate || echo /usr/sbin/logrotate)
	serve_start --audit-max none ||
		not_ok server_starts_audit_max_none "$(head -c 300 "$T/serve.log")"
	for i in 1 2 3; do http GET /api/v1/version "$TOKEN"; done
	cat > "$T/lr.conf" <<EOF
$T/audit.log {
	rotate 5
	compress
	delaycompress
	missingok
	create 0600
	postrotate
		kill -HUP $SERVER_PID
	endscript
}
EOF
	sleep 0.3
	check logrotate_runs 0 "$LR" -f -s "$T/lr.state" "$T/lr.conf"
	sleep 0.3
	http GET /api/v1/sources "$TOKEN"
	status_is answered_after_logrotate 200
	sleep 0.3
	[ "$(grep -c '"/api/v1/version"' "$T/audit.log.1")" = 3 ] &&
		[ "$(grep -c . "$T/audit.log.1")" = 3 ] &&
		ok moved_log_has_the_old_lines ||
		not_ok moved_log_has_the_old_lines "$(head -c 300 "$T/audit.log.1")"
	grep -q '"/api/v1/sources"' "$T/audit.log" && [ "$(grep -c . "$T/audit.log")" = 1 ] &&
		ok new_log_has_the_new_line ||
		not_ok new_log_has_the_new_line "$(head -c 300 "$T/audit.log")"
	check logrotate_again 0 "$LR" -f -s "$T/lr.state" "$T/lr.conf"
	http GET /api/v1/version "$TOKEN"
	sleep 0.3
	[ -f "$T/audit.log.2.gz" ] && [ "$(gzip -dc "$T/audit.log.2.gz" | grep -c .)" = 3 ] &&
		ok first_rotation_compressed ||
		not_ok first_rotation_compressed "$(ls "$T" | tr '\n' ' ')"
	grep -q '"/api/v1/version"' "$T/audit.log" && ok logging_goes_on ||
		not_ok logging_goes_on "$(head -c 200 "$T/audit.log")"
	serve_stop
else
	not_ok logrotate_available "logrotate is needed (scripts/install-deps.sh test)"
fi

# ---- 4. the system-call filter ----
filter_check() {
	command -v strace > /dev/null 2>&1 ||
		{ not_ok strace_available "strace is needed (scripts/install-deps.sh test)"; return; }
	command -v systemd-analyze > /dev/null 2>&1 || return
	# What the unit allows: every SystemCallFilter line, in order.
	grep '^SystemCallFilter=' "$unit" | sed 's/^SystemCallFilter=//' > "$T/filters"
	systemd-analyze syscall-filter --no-pager > "$T/groups" 2>&1 ||
		{ not_ok syscall_groups_read "$(head -c 200 "$T/groups")"; return; }
	sc=$(mktemp -d /tmp/chousa-sc.XXXXXX)
	chmod 755 "$sc"
	cp "$T/db" "$sc/db"
	printf '[server]\nrate = 0\n' > "$sc/config"
	run_as=""
	if [ "$(id -u)" = 0 ]; then
		chown -R 65534:65534 "$sc"
		run_as="setpriv --reuid=65534 --regid=65534 --clear-groups"
	fi
	CHOUSA_DB="$sc/db" CHOUSA_CONFIG="$sc/config" HOME="$sc" TMPDIR="$sc" \
	    $run_as strace -f -qq -o "$sc/trace" "$CHOUSA" serve \
	    --listen 127.0.0.1:0 --port-file "$sc/port" --audit-log "$sc/audit.log" \
	    > "$T/sc.log" 2>&1 &
	tracer=$!
	i=0
	while [ ! -s "$sc/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	scurl="http://127.0.0.1:$(cat "$sc/port" 2> /dev/null)"
	tok=$(CHOUSA_DB="$sc/db" "$CHOUSA" -q token create --role investigate sc 2> /dev/null)
	printf '#separator \\x09\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\n1606470000.0\tC1\t10.0.0.2\t1000\t162.243.103.246\t8080\n' > "$T/sc.log.in"
	SC_URL=$scurl SC_TOK=$tok python3 - "$T/sc.log.in" <<'PY' > "$T/sc.calls" 2>&1
import json, os, sys, urllib.request
url, tok = os.environ["SC_URL"], os.environ["SC_TOK"]
def ask(path, body=None, ctype="application/json"):
    req = urllib.request.Request(url + path, data=body)
    req.add_header("Authorization", "Bearer " + tok)
    if body is not None:
        req.add_header("Content-Type", ctype)
    try:
        r = urllib.request.urlopen(req, timeout=60)
        print(path, r.status); r.read()
    except urllib.error.HTTPError as e:
        print(path, e.code); e.read()
ask("/api/v1/lookup?indicator=www.dnautik.com")
ask("/api/v1/investigate", json.dumps({"indicator": "www.dnautik.com", "offline": True}).encode())
ask("/api/v1/sweep", open(sys.argv[1], "rb").read(), "application/octet-stream")
ask("/api/v1/export?format=zeek-intel")
ask("/api/v1/export?format=suricata&file=domains.lst")
ask("/mcp", json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
    "params": {"name": "lookup", "arguments": {"indicators": ["162.243.103.246"]}}}).encode())
ask("/metrics")
ask("/")
PY
	srv=$(pgrep -P "$tracer" -x chousa 2> /dev/null || pgrep -f "port-file $sc/port" | grep -v "^$tracer$" | head -n 1)
	[ -n "$srv" ] && kill -HUP "$srv" 2> /dev/null
	sleep 0.5
	[ -n "$srv" ] && kill "$srv" 2> /dev/null
	wait "$tracer" 2> /dev/null
	[ "$(grep -c ' 200$' "$T/sc.calls")" = 8 ] && ok traced_server_answered ||
		not_ok traced_server_answered "$(tr '\n' ' ' < "$T/sc.calls" | head -c 300) $(head -c 200 "$T/sc.log")"
	python3 - "$T/groups" "$T/filters" "$sc/trace" <<'PY' > "$T/sc.denied" 2>&1
import re, sys
groups, cur = {}, None
for line in open(sys.argv[1]):
    s = line.strip()
    if not s or s.startswith("#"):
        continue
    if not line[0].isspace() and s.startswith("@"):
        cur = groups.setdefault(s, set())
    elif cur is not None:
        cur.add(s)
def expand(name, seen=()):
    if not name.startswith("@"):
        return {name}
    out = set()
    for m in groups.get(name, ()):
        if m not in seen:
            out |= expand(m, seen + (m,))
    return out
allowed = None
for f in open(sys.argv[2]):
    f = f.strip()
    deny = f.startswith("~")
    names = set()
    for n in f.lstrip("~").split():
        names |= expand(n)
    if deny:
        allowed = (allowed if allowed is not None else set()) - names
    else:
        allowed = names if allowed is None else allowed | names
allowed |= expand("@default")
used = set()
for line in open(sys.argv[3]):
    m = re.match(r"^\d+\s+([a-z0-9_]+)\(", line)
    if m:
        used.add(m.group(1))
print("used %d" % len(used))
for u in sorted(used - allowed):
    print("denied", u)
PY
	if grep -q '^used [1-9]' "$T/sc.denied" && ! grep -q '^denied' "$T/sc.denied"; then
		ok unit_filter_allows_every_call
	else
		not_ok unit_filter_allows_every_call "$(tr '\n' ' ' < "$T/sc.denied" | head -c 300)"
	fi
	rm -rf "$sc"
}
filter_check

