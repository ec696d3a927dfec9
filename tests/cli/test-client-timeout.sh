#!/bin/sh
# test-client-timeout.sh: a team server that takes the connection and then
# says nothing does not hang `chousa --server`: after [server] timeout
# seconds with no byte sent or received (here 1, or CHOUSA_SERVER_TIMEOUT)
# each command ends with one line naming the server and the setting, exit
# 4.  A server that answers in time is not cut (test-client-split and the
# serve tests run with the default).
. "$TESTS/cli/lib.sh"
trap '[ -n "${MUTE:-}" ] && kill "$MUTE" 2> /dev/null' EXIT INT TERM

# A listener that accepts every connection and never reads or answers.
python3 - "$T/port" <<'PY' > /dev/null 2>&1 &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
end = time.time() + 300
s.settimeout(1)
while time.time() < end:
    try:
        held.append(s.accept()[0])
    except socket.timeout:
        pass
PY
MUTE=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
URL="http://127.0.0.1:$(cat "$T/port")"
printf '[server]\nurl = %s\napi_key = k\ntimeout = 1\n' "$URL" > "$T/config"
chmod 600 "$T/config"
export CHOUSA_CONFIG="$T/config" CHOUSA_DB="$T/db"
printf '1.2.3.4 x\n' > "$T/log"

# timed NAME CMD...: check NAME 4 CMD, in less than 10 s, said in one line.
timed() {
	name=$1
	shift
	start=$(date +%s)
	check "$name" 4 timeout 20 "$@"
	took=$(($(date +%s) - start))
	[ "$took" -lt 10 ] && ok "${name}_in_time" ||
		not_ok "${name}_in_time" "took $took s"
	expect "${name}_said" "^chousa: the server '$URL' answered nothing: nothing sent or received for [0-9]+ s \(\[server\] timeout; " "$T/err"
	[ "$(wc -l < "$T/err")" -eq 1 ] && ok "${name}_one_line" ||
		not_ok "${name}_one_line" "$(head -c 300 "$T/err")"
}
timed lookup "$CHOUSA" lookup 8.8.8.8
expect lookup_said_seconds "for 1 s \(" "$T/err"
timed lookup_json_stdin sh -c 'echo 8.8.8.8 | "$CHOUSA" lookup --json -'
timed investigate "$CHOUSA" investigate 8.8.8.8
timed extract "$CHOUSA" extract "$T/log"
timed sources "$CHOUSA" sources
timed sweep "$CHOUSA" sweep "$T/log"
timed export "$CHOUSA" export --format stix -o "$T/out.json"
timed audit "$CHOUSA" audit
timed token "$CHOUSA" --server "$URL" token list
# The variable sets it too, over the file.
printf '[server]\nurl = %s\napi_key = k\n' "$URL" > "$T/config"
timed from_environment env CHOUSA_SERVER_TIMEOUT=2 "$CHOUSA" lookup 8.8.8.8
expect from_environment_seconds "for 2 s \(" "$T/err"
# A value out of range is said, and the default (600) kept, as for
# every setting; not tested here: it would wait 10 minutes.
