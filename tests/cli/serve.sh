# serve.sh: helpers for the tests of chousa serve (sourced after lib.sh).
# serve_start [ARGS...] starts a server on 127.0.0.1 on a free port, with
# its audit log at $T/audit.log and its stderr in $T/serve.log, and sets
# PORT, URL and SERVER_PID; serve_stop ends it.  A test's EXIT trap should
# call serve_stop.  serve_store CONFIG makes the store and config a server
# test starts from: the demo store at $T/db, and $T/config written with
# printf's format CONFIG, readable only by its owner (it may hold keys).
# A test's python imports serve_http (its requests) from tests/cli.

PYTHONPATH="$TESTS/cli${PYTHONPATH:+:$PYTHONPATH}"
PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH PYTHONDONTWRITEBYTECODE

serve_store() {
	export CHOUSA_DB="$T/db" CHOUSA_CONFIG="$T/config"
	printf "$1" > "$T/config"
	chmod 600 "$T/config"
	demo_store
}

# serve_up CONFIG ROLE NAME: serve_store CONFIG, a token of ROLE for NAME
# in TOKEN, then serve_start; a server that does not start fails the
# check server_starts and ends the test.
serve_up() {
	serve_store "$1"
	TOKEN=$("$CHOUSA" -q token create --role "$2" "$3")
	serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
}

serve_start() {
	rm -f "$T/port"
	"$CHOUSA" serve --listen 127.0.0.1:0 --port-file "$T/port" \
	    --audit-log "$T/audit.log" "$@" > "$T/serve.log" 2>&1 &
	SERVER_PID=$!
	serve_wait "$SERVER_PID" "$T/port"
	PORT=$(cat "$T/port" 2> /dev/null)
	URL="http://127.0.0.1:$PORT"
	[ -n "$PORT" ]
}

# serve_wait PID PORT_FILE: until the server PID has written its port, or
# has ended, or 15 s have passed.
serve_wait() {
	i=0
	while [ ! -s "$2" ] && [ $i -lt 150 ]; do
		kill -0 "$1" 2> /dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
}

# A server that has not ended 30 s after SIGTERM fails server_stops and
# is killed, so a hung server cannot hang its test.
serve_stop() {
	[ -n "${SERVER_PID:-}" ] || return 0
	kill "$SERVER_PID" 2> /dev/null
	i=0
	while [ $i -lt 300 ]; do
		st=$(awk '{print $3}' "/proc/$SERVER_PID/stat" 2> /dev/null)
		[ -z "$st" ] || [ "$st" = Z ] && break
		sleep 0.1
		i=$((i + 1))
	done
	if [ $i -ge 300 ]; then
		not_ok server_stops "still running 30 s after SIGTERM"
		kill -9 "$SERVER_PID" 2> /dev/null
	fi
	wait "$SERVER_PID" 2> /dev/null
	SERVER_PID=
}


# serve_hup: SIGHUP, and wait (5 s at most) for the server to say it read
# the config again or kept the one in force.
serve_hup() {
	serve_reloaded kill -HUP "$SERVER_PID"
}

# serve_reloaded CMD...: CMD run (it signals the server: logrotate's
# postrotate), then the wait of serve_hup; CMD's status returned.
serve_reloaded() {
	n=$(grep -c "serve: the config read again\|kept the config in force" "$T/serve.log")
	"$@"
	st=$?
	i=0
	while [ "$(grep -c "serve: the config read again\|kept the config in force" "$T/serve.log")" = "$n" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	return $st
}

# serve_kill: the server killed (SIGKILL), as a crash or the OOM killer
# would, and reaped.
serve_kill() {
	kill -9 "$SERVER_PID"
	wait "$SERVER_PID" 2> /dev/null
	SERVER_PID=
}

# replay_start: the loopback replay server (tests/http/server.py) standing
# in for the online services for 300 s, its requests logged to
# $T/replay.log; sets REPLAY (its pid, for the EXIT trap) and RP (its port).
replay_start() {
	python3 "$TESTS/http/server.py" --lifetime 300 --log "$T/replay.log" \
	    --port-file "$T/rport" > /dev/null 2>&1 &
	REPLAY=$!
	i=0
	while [ ! -s "$T/rport" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	RP=$(cat "$T/rport")
}

# replay_virustotal: the replay server standing in for VirusTotal, with a
# test key and neither a rate nor a daily cap; then sent says how many
# requests it was sent, and spent NAME how many online requests token
# NAME spent today.
replay_virustotal() {
	replay_start
	export CHOUSA_VIRUSTOTAL_URL="http://127.0.0.1:$RP/virustotal" \
	    CHOUSA_VIRUSTOTAL_KEY=test-key CHOUSA_VIRUSTOTAL_RATE=0 \
	    CHOUSA_VIRUSTOTAL_DAILY=100000
}
sent() {
	n=$(grep -c '^virustotal ' "$T/replay.log" 2> /dev/null)
	echo "${n:-0}"
}
spent() {
	"$CHOUSA" token list --json | python3 -c 'import json, sys; print({t["name"]: t["online_today"] for t in json.load(sys.stdin)["tokens"]}.get(sys.argv[1]))' "$1"
}

# http METHOD PATH [TOKEN [BODY [CONTENT-TYPE]]]: one request through
# python's client; the status goes to $T/status, the body to $T/body, the
# headers to $T/headers.
http() {
	T="$T" python3 - "$URL" "$@" > "$T/status" 2> "$T/http.err" <<'PY'
import os, sys, urllib.error
from serve_http import request
url, method, path = sys.argv[1], sys.argv[2], sys.argv[3]
token = sys.argv[4] if len(sys.argv) > 4 else ""
body = sys.argv[5].encode() if len(sys.argv) > 5 else None
ctype = sys.argv[6] if len(sys.argv) > 6 else "application/json"
T = os.environ["T"]
try:
    r = request(url, path, token, body, ctype, method)
    status, data, hdrs = r.status, r.read(), r.headers
except urllib.error.HTTPError as e:
    status, data, hdrs = e.code, e.read(), e.headers
open(T + "/body", "wb").write(data)
open(T + "/headers", "w").write(str(hdrs))
print(status)
PY
}

# status_is NAME WANT: the last http's status.
status_is() {
	got=$(cat "$T/status" 2> /dev/null)
	if [ "$got" = "$2" ]; then ok "$1"; else
		not_ok "$1" "status $got, want $2: $(head -c 200 "$T/body" 2> /dev/null) $(head -c 200 "$T/http.err")"
	fi
}

# same_as_local NAME WANT LOCAL_EXIT REMOTE_EXIT: a command run here and
# through the server (its stdout and stderr in $T/local.out, .err and
# $T/remote.out, .err) ended with WANT both and said the same, byte for
# byte.
same_as_local() {
	if [ "$3" != "$2" ] || [ "$4" != "$2" ]; then
		not_ok "$1" "exit local $3, remote $4, want $2: $(head -c 300 "$T/remote.err")"
	elif ! cmp -s "$T/local.out" "$T/remote.out"; then
		not_ok "$1" "stdout differs: $(diff "$T/local.out" "$T/remote.out" | head -n 6 | tr '\n' '|')"
	elif ! cmp -s "$T/local.err" "$T/remote.err"; then
		not_ok "$1" "stderr differs: $(diff "$T/local.err" "$T/remote.err" | head -n 6 | tr '\n' '|')"
	else
		ok "$1"
	fi
}

# feeds_serve: the demo's feeds (those $T/www does not hold already) on
# a loopback web server, its pid in WWW; feeds_config FILE appends the
# [feeds] section that points every feed at it.
feeds_serve() {
	mkdir -p "$T/www"
	for f in urlhaus.csv threatfox.csv feodo.csv malwarebazaar.csv malpedia.json warninglist.json; do
		[ -f "$T/www/$f" ] || cp "$TESTS/../demo/$f" "$T/www/$f"
	done
	(cd "$T/www" && exec python3 -m http.server --bind 127.0.0.1 0) > "$T/www.log" 2>&1 &
	WWW=$!
	i=0
	while ! grep -q "port" "$T/www.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	WP=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$T/www.log" | head -n 1)
}
feeds_config() {
	{
		echo "[feeds]"
		for f in urlhaus.csv threatfox.csv feodo.csv malwarebazaar.csv malpedia.json warninglist.json; do
			echo "${f%%.*}_url = http://127.0.0.1:$WP/$f"
		done
	} >> "$1"
}

# log_wait TEXT: until the server's log ($T/serve.log) has a line holding
# TEXT, or 15 s have passed.
log_wait() {
	i=0
	while ! grep -qF -- "$1" "$T/serve.log" && [ $i -lt 750 ]; do
		sleep 0.02
		i=$((i + 1))
	done
}

# import_left NAME FILE WHO: the import of FILE by WHO, whose client left
# in the middle, was stopped (said in the log) and rolled back (the store
# holds $before indicators, counted by the caller before it began).
import_left() {
	log_wait "import: $2 by $3: "
	expect "$1_import_stopped" "import: $2 by $3: nothing imported: .*stopped before its end.*(its client left)" "$T/serve.log"
	after=$(sqlite3 "$CHOUSA_DB" "SELECT count(*) FROM indicators")
	[ "$after" = "$before" ] && ok "$1_rolled_back ($before -> $after)" ||
		not_ok "$1_rolled_back" "$before -> $after"
}

# nginx_conf CONF SITE: nginx's main config at CONF, for an nginx run as
# this user in the foreground, its temporary files and logs in $T, serving
# the site config SITE (dist/chousa.nginx adapted).
nginx_conf() {
	mkdir -p "$T/ngx"
	cat > "$1" <<NGX
daemon off;
master_process off;
pid $T/nginx.pid;
error_log $T/nginx.err info;
events { worker_connections 64; }
http {
	access_log $T/access.log;
	client_body_temp_path $T/ngx/body;
	proxy_temp_path $T/ngx/proxy;
	fastcgi_temp_path $T/ngx/fastcgi;
	uwsgi_temp_path $T/ngx/uwsgi;
	scgi_temp_path $T/ngx/scgi;
	include $2;
}
NGX
}

# need_openssl: 1, with openssl_available failed, when there is no openssl
# to make the tests' certificates with.
need_openssl() {
	command -v openssl > /dev/null 2>&1 && return 0
	not_ok openssl_available "openssl is needed (scripts/install-deps.sh test)"
	return 1
}
