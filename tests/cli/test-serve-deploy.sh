#!/bin/sh
# test-serve-deploy.sh: running chousa serve as a service.
#  1. make install puts a systemd unit (dist/chousa.service.in) and a
#     logrotate example (dist/chousa.logrotate) in place; systemd's own
#     checker accepts the unit (systemd-analyze verify), and its exposure
#     is low (systemd-analyze security --offline, threshold 2.0 of 10).
#  2. Type=notify: with $NOTIFY_SOCKET (a path, or '@' abstract), the
#     server says READY=1 (with STATUS and MAINPID) once it listens,
#     RELOADING=1 then READY=1 around a SIGHUP, STOPPING=1 as it stops.
#  3. The real logrotate, with --audit-max none: it moves the log, its
#     postrotate sends SIGHUP, the next lines go to the new file, none to
#     the moved one; a second rotation compresses the first.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

top=$TESTS/..
root=$T/root

# ---- 1. the unit ----
check install_runs 0 make --no-print-directory -s -C "$top" install \
    DESTDIR="$root" PREFIX=/usr BUILD="$(basename "$BUILD")"
unit=$root/usr/lib/systemd/system/chousa.service
[ -f "$unit" ] && ok unit_installed || not_ok unit_installed "no $unit"
[ -f "$root/usr/share/doc/chousa/examples/chousa.logrotate" ] &&
	ok logrotate_example_installed ||
	not_ok logrotate_example_installed "missing"
expect unit_prefix_filled '^ExecStart=/usr/bin/chousa serve ' "$unit"
refute unit_no_placeholder '@PREFIX@' "$unit"
if command -v systemd-analyze > /dev/null 2>&1; then
	# verify needs ExecStart's program where the unit says it is.
	sed "s|/usr/bin/chousa|$root/usr/bin/chousa|" "$unit" > "$T/chousa.service"
	check unit_verifies 0 systemd-analyze verify --man=no "$T/chousa.service"
	check unit_exposure_low 0 systemd-analyze security --offline=yes \
	    --threshold=20 --no-pager "$T/chousa.service"
	sed "s|^ExecStart=[^ ]*|ExecStart=$T/no-such-chousa|" "$T/chousa.service" > "$T/bad.service"
	check checker_catches_a_bad_unit 1 systemd-analyze verify --man=no \
	    "$T/bad.service"
else
	not_ok systemd_analyze_available "systemd is needed (scripts/install-deps.sh test)"
fi

# ---- 2. sd_notify ----
serve_store ''
TOKEN=$("$CHOUSA" -q token create --role read ops)
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
      "status", ("STATUS=serving on 127.0.0.1:0 (port %s)" % port) in ready,
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
