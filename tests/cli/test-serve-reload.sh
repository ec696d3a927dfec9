#!/bin/sh
# test-serve-reload.sh: SIGHUP puts the config file in force again
# without a restart (a key added or rotated, a source's settings), against
# the loopback replay server (tests/http/server.py) as VirusTotal:
#  1. Without a key, VirusTotal is skipped; the key added to the config
#     and SIGHUP: the next investigation asks it, and /api/v1/sources says
#     the key is set.  The web session signed in before goes on.
#  2. A source's base_url changed: the requests go to the new one.
#  3. A config that cannot be read is said and the one in force kept.
#  4. A [server] setting changed: the live ones (rate, burst,
#     trusted_proxies, the caps and queues, idle_timeout, the audit log's
#     rotation, max_per_ip, max_connections, investigate_threads) are in
#     force at once, said with the value in force (a size in bytes too; a
#     value not taken, as the default used instead); the others are said
#     to wait for the next start; a trusted_proxies or listen that cannot
#     be read keeps the config.
#  5. Under load: look-ups and investigations (online and offline)
#     running while SIGHUP comes again and again, the investigations'
#     threads changed each time, all get their answer.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
REPLAY=
trap 'serve_stop; [ -n "$REPLAY" ] && kill $REPLAY 2>/dev/null' EXIT INT TERM

replay_start
# config KEY_LINE BASE: the config with [virustotal]'s key line and path.
config() {
	printf '[server]\nrate = 0\n[http]\nbackoff_ms = 1\nretries = 1\n[virustotal]\n%s\nbase_url = http://127.0.0.1:%s/%s\nrate = 0\ndaily = 100000\n' \
	    "$1" "$RP" "$2" > "$T/config"
}
serve_store '[server]\nrate = 0\n'
config '' virustotal
TOKEN=$("$CHOUSA" -q token create --role investigate analyst)
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
curl -s -c "$T/jar" -o /dev/null -H "Origin: $URL" --data-urlencode "token=$TOKEN" "$URL/login"

# ask IP: an online investigation of IP with VirusTotal alone; its finding
# ("status reason") in $T/vt.
ask() {
	http POST /api/v1/investigate "$TOKEN" "{\"indicators\":[\"$1\"],\"offline\":false,\"format\":\"json\",\"sources\":\"virustotal\"}"
	python3 - "$T/body" > "$T/vt" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    if line.strip():
        r = json.loads(line)
        f = [f for s in r["stages"] for f in s["findings"] if f["source"] == "virustotal"]
        print(f[0]["status"] if f else "none", (f[0].get("reason") or "") if f else "")
PY
}
sent() { n=$(grep -c "^virustotal " "$T/replay.log" 2> /dev/null); echo "${n:-0}"; }

# ---- 1. a key added ----
ask 45.30.1.1
expect no_key_skipped '^skipped.*key' "$T/vt"
[ "$(sent)" = 0 ] && ok no_key_nothing_sent || not_ok no_key_nothing_sent "$(sent)"
config 'api_key = reload-test-key-one' virustotal
serve_hup
expect reload_said "serve: the config read again" "$T/serve.log"
http GET /metrics "$TOKEN"
expect metric_reload_ok '^chousa_config_last_reload_successful 1$' "$T/body"
expect metric_reload_time '^chousa_config_last_reload_success_timestamp_seconds [0-9]' "$T/body"
refute reload_never_says_the_key "reload-test-key" "$T/serve.log"
ask 45.30.1.2
refute key_added_not_skipped '^skipped' "$T/vt"
[ "$(sent)" -ge 1 ] && ok "key_added_service_asked ($(sent))" || not_ok key_added_service_asked "$(sent): $(cat "$T/vt")"
http GET "/api/v1/sources?format=json" "$TOKEN"
python3 - "$T/body" > "$T/src" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rows = d["sources"] if isinstance(d, dict) else d
for s in rows:
    if s.get("name") == "virustotal":
        print(json.dumps(s))
PY
refute sources_key_now_set '"key": *"(missing|none|unset)"' "$T/src"
curl -s -b "$T/jar" -o "$T/home.html" -w '%{http_code}' "$URL/" > "$T/code"
[ "$(cat "$T/code")" = 200 ] && ok web_session_kept_across_reload || not_ok web_session_kept_across_reload "HTTP $(cat "$T/code")"

# ---- 2. the service moved ----
config 'api_key = reload-test-key-two' virustotal/@401
serve_hup
ask 45.30.1.3
expect new_base_url_in_force '(401|key refused)' "$T/vt"

# ---- 3. a config that cannot be read ----
printf '[virustotal\nbroken' > "$T/config"
serve_hup
expect bad_config_said "serve: kept the config in force: " "$T/serve.log"
http GET /api/v1/health "$TOKEN"
expect bad_config_in_health '"status":"degraded".*\{"check":"config","status":"degraded","detail":"the config file read at the last reload could not be used' "$T/body"
ask 45.30.1.4
expect bad_config_old_kept '(401|key refused)' "$T/vt"
http GET /metrics "$TOKEN"
expect metric_reload_failed '^chousa_config_last_reload_successful 0$' "$T/body"
: > "$T/client.config"
check server_goes_on 1 env CHOUSA_CONFIG="$T/client.config" CHOUSA_SERVER_KEY="$TOKEN" "$CHOUSA" --server "$URL" lookup www.dnautik.com

# ---- 4. a [server] setting ----
printf '[server]\nrate = 0\nbackground_jobs = 5\n[http]\nbackoff_ms = 1\nretries = 1\n[virustotal]\napi_key = reload-test-key-two\nbase_url = http://127.0.0.1:%s/virustotal\nrate = 0\ndaily = 100000\n' "$RP" > "$T/config"
serve_hup
http GET /metrics "$TOKEN"
expect metric_reload_ok_again '^chousa_config_last_reload_successful 1$' "$T/body"
expect server_setting_live_said "\[server\] background_jobs is now 5" "$T/serve.log"
expect server_setting_live_in_force '^chousa_background_jobs_limit 5$' "$T/body"

# sconfig SERVER_LINES: the config of section 4 with these [server] lines.
sconfig() {
	printf '[server]\n%b\n[http]\nbackoff_ms = 1\nretries = 1\n[virustotal]\napi_key = reload-test-key-two\nbase_url = http://127.0.0.1:%s/virustotal\nrate = 0\ndaily = 100000\n' "$1" "$RP" > "$T/config"
}
sconfig 'rate = 0\nthreads = 3\nidle_timeout = 1'
serve_hup
expect server_setting_waits_for_restart "\[server\] threads changed in the config: it takes effect at the next start" "$T/serve.log"
# The idle timeout lowered: a connection opened from now on and left
# silent is closed after 1 s, not the 15 s in force at start.
expect idle_timeout_live_said "\[server\] idle_timeout is now 1" "$T/serve.log"
python3 - "$PORT" > "$T/idle" 2>&1 <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(10)
t = time.monotonic()
try:
    gone = s.recv(1) == b""
except OSError:
    gone = True
print("closed" if gone else "data", round(time.monotonic() - t, 1))
PY
awk '$1 == "closed" && $2 < 5 { ok = 1 } END { exit !ok }' "$T/idle" &&
	ok idle_timeout_live_in_force || not_ok idle_timeout_live_in_force "$(cat "$T/idle")"
# A rate lowered: in force for the next requests, no restart.
sconfig 'rate = 1\nburst = 2\nthreads = 3\nsweep_max = 1000'
serve_hup
expect rate_live_said "\[server\] rate is now 1" "$T/serve.log"
for i in 1 2 3; do
	http GET "/api/v1/lookup?indicator=evil.example" "$TOKEN"
	cp "$T/status" "$T/status.$i"
done
[ "$(cat "$T/status.1") $(cat "$T/status.2") $(cat "$T/status.3")" = "200 200 429" ] &&
	ok rate_lowered_in_force_at_once || not_ok rate_lowered_in_force_at_once "$(cat "$T/status.1") $(cat "$T/status.2") $(cat "$T/status.3")"
# The rate raised while the token is throttled: its backlog is counted at
# the new rate, so the next request is served, not kept waiting longer.
sconfig 'rate = 6000\nburst = 1000\nthreads = 3\nsweep_max = 1000'
serve_hup
http GET "/api/v1/lookup?indicator=evil.example" "$TOKEN"
status_is rate_raised_in_force_at_once 200
# The sweep's cap lowered: a bigger upload is refused, and the web form
# says the new cap.  A size as the options write it: 1k is 1024 bytes.
head -c 2000 /dev/zero | tr '\0' 'a' > "$T/2k.log"
sconfig 'rate = 0\nthreads = 3\nsweep_max = 1k'
serve_hup
python3 "$TESTS/cli/serve_upload.py" "$URL" "$TOKEN" /api/v1/sweep "$T/2k.log" "$T/up.body" > "$T/up.status" 2>&1
[ "$(head -1 "$T/up.status")" = 413 ] && ok sweep_max_lowered_in_force || not_ok sweep_max_lowered_in_force "$(head -c 200 "$T/up.status")"
expect sweep_max_413_names_key 'body over 1024 bytes \(\[server\] sweep_max\)' "$T/up.body"
curl -s -b "$T/jar" "$URL/" > "$T/sweep.html"
expect sweep_form_says_new_cap 'data-max="1024"' "$T/sweep.html"
expect sweep_max_said_in_bytes '\[server\] sweep_max is now 1k \(1024 bytes\)' "$T/serve.log"
# A value not taken: the reload says the default in force, not the value.
sconfig 'rate = 0\nthreads = 3\nsweep_max = lots'
serve_hup
expect sweep_max_bad_said_default "\[server\] sweep_max is now 1073741824, the default: 'lots' is not taken" "$T/serve.log"
refute sweep_max_bad_not_said_in_force '\[server\] sweep_max is now lots' "$T/serve.log"
python3 "$TESTS/cli/serve_upload.py" "$URL" "$TOKEN" /api/v1/sweep "$T/2k.log" "$T/up.body" > "$T/up.status" 2>&1
[ "$(head -1 "$T/up.status")" = 200 ] && ok sweep_max_bad_default_in_force || not_ok sweep_max_bad_default_in_force "$(head -c 200 "$T/up.status")"
# Trusted proxies set: a forwarded client is audited as itself from now on.
sconfig 'rate = 0\nthreads = 3\ntrusted_proxies = 127.0.0.1'
serve_hup
expect proxies_live_said "\[server\] trusted_proxies is now 127.0.0.1" "$T/serve.log"
curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" -H "X-Forwarded-For: 198.51.100.23" "$URL/api/v1/lookup?indicator=proxied.example"
sleep 0.1
expect proxies_live_audit '"peer":"198\.51\.100\.23","proxy":"127\.0\.0\.1"' "$T/audit.log"
# One that cannot be read: the config in force is kept, and said.
sconfig 'rate = 0\nthreads = 3\ntrusted_proxies = 10.0.0.0/99'
serve_hup
expect bad_proxies_keep_config "kept the config in force: bad trusted proxy '10.0.0.0/99'" "$T/serve.log"
http GET /metrics "$TOKEN"
expect bad_proxies_metric '^chousa_config_last_reload_successful 0$' "$T/body"
curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" -H "X-Forwarded-For: 198.51.100.24" "$URL/api/v1/lookup?indicator=proxied2.example"
sleep 0.1
expect bad_proxies_old_ones_kept '"peer":"198\.51\.100\.24"' "$T/audit.log"
# An address a start would refuse: the reload refuses it too, so that the
# next start does not find it.
sconfig 'rate = 0\nthreads = 3\nlisten = nowhere'
serve_hup
expect bad_listen_keeps_config "kept the config in force: bad \[server\] listen 'nowhere': cannot be read as ADDR:PORT" "$T/serve.log"
# The audit log's rotation: from the next line written on.
sconfig 'rate = 0\naudit_max = 1000\naudit_keep = 2'
serve_hup
expect audit_max_live_said '\[server\] audit_max is now 1000' "$T/serve.log"
for i in 1 2 3 4 5 6 7 8; do http GET "/api/v1/lookup?indicator=rotate$i.example" "$TOKEN"; done
i=0
while [ ! -f "$T/audit.log.1" ] && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
[ -f "$T/audit.log.1" ] && [ ! -f "$T/audit.log.3" ] && ok audit_max_live_rotates ||
	not_ok audit_max_live_rotates "$(ls "$T" | grep audit)"
# audit_max = none: never rotated, read with no warning.
sconfig 'rate = 0\naudit_max = none\naudit_keep = 2'
serve_hup
expect audit_max_none_live_said '\[server\] audit_max is now none' "$T/serve.log"
refute audit_max_none_not_warned "audit_max = 'none'" "$T/serve.log"
# The limit per address lowered: of 5 connections opened at once from
# here, 3 are served and 2 closed as they come, counted and said.
sconfig 'rate = 0\nmax_per_ip = 3'
serve_hup
expect max_per_ip_live_said '\[server\] max_per_ip is now 3' "$T/serve.log"
python3 "$TESTS/cli/serve_many.py" "$PORT" 5 > "$T/per_ip" 2>&1
[ "$(cat "$T/per_ip")" = 3 ] && ok max_per_ip_live_in_force || not_ok max_per_ip_live_in_force "$(cat "$T/per_ip") of 5 answered"
expect max_per_ip_refusal_said 'refused connections from 127\.0\.0\.1: it has \[server\] max_per_ip \(3\) open' "$T/serve.log"
http GET /metrics "$TOKEN"
expect max_per_ip_metric '^chousa_http_connections_per_address_limit 3$' "$T/body"
expect max_per_ip_refused_counted '^chousa_http_connections_refused_total 2$' "$T/body"
# The connections lowered to 2: with 2 held open, a third waits to be
# accepted, and is answered once one of them closes.
sconfig 'rate = 0\nmax_connections = 2'
serve_hup
expect max_connections_live_said '\[server\] max_connections is now 2' "$T/serve.log"
python3 - "$PORT" > "$T/max_conns" 2>&1 <<'PY'
import socket, sys, time
port = int(sys.argv[1])
held = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
time.sleep(0.3)
c = socket.create_connection(("127.0.0.1", port))
c.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
c.settimeout(1)
try:
    early = c.recv(12)
except socket.timeout:
    early = b"waited"
held[0].close()
c.settimeout(5)
try:
    late = c.recv(12)
except OSError as e:
    late = str(e).encode()
print(early.decode(errors="replace"), "then", late.decode(errors="replace"))
PY
[ "$(cat "$T/max_conns")" = "waited then HTTP/1.1 200" ] && ok max_connections_live_in_force ||
	not_ok max_connections_live_in_force "$(cat "$T/max_conns")"
# The investigations' threads: 4, then 1, each said and counted in the
# limit; the investigations are answered at each.
offline_ok() {
	http POST /api/v1/investigate "$TOKEN" '{"indicators":["www.dnautik.com"],"offline":true,"format":"json"}'
	status_is "$1" 200
}
sconfig 'rate = 0\ninvestigate_threads = 4\ninvestigate_queue = 10'
serve_hup
expect investigate_threads_live_said '\[server\] investigate_threads is now 4' "$T/serve.log"
http GET /metrics "$TOKEN"
expect investigate_threads_live_limit '^chousa_investigations_offline_limit 14$' "$T/body"
n=$(grep -lx chousa-offline /proc/"$SERVER_PID"/task/*/comm 2> /dev/null | wc -l)
[ "$n" -ge 4 ] && ok investigate_threads_started || not_ok investigate_threads_started "$n chousa-offline threads"
offline_ok investigate_at_4_threads
sconfig 'rate = 0\ninvestigate_threads = 1\ninvestigate_queue = 10'
serve_hup
http GET /metrics "$TOKEN"
expect investigate_threads_lowered_limit '^chousa_investigations_offline_limit 11$' "$T/body"
offline_ok investigate_at_1_thread
sconfig 'rate = 0\nbackground_jobs = 5'
serve_hup
http GET /metrics "$TOKEN"
expect max_connections_back_to_default '^chousa_http_connections_limit 1024$' "$T/body"
expect max_per_ip_back_to_default '^chousa_http_connections_per_address_limit 512$' "$T/body"

# The key VirusTotal refused, replaced: the next investigation sends the
# new one, not "refused earlier in this run".
n=$(sent)
ask 45.30.1.5
refute key_replaced_tried_again 'refused earlier' "$T/vt"
[ "$(sent)" -gt "$n" ] && ok key_replaced_service_asked || not_ok key_replaced_service_asked "$(cat "$T/vt")"

# ---- 5. SIGHUP under load ----
python3 - "$URL" "$TOKEN" > "$T/load" 2>&1 <<'PY' &
import json, sys, threading
from serve_http import request
url, tok = sys.argv[1], sys.argv[2]
bad = []
def run(k):
    for i in range(40):
        try:
            if i % 2:
                r = request(url, "/api/v1/lookup?indicator=www.dnautik.com", tok)
            else:
                r = request(url, "/api/v1/investigate", tok, json.dumps(
                    {"indicators": ["45.31.%d.%d" % (k, i)], "offline": i % 4 == 2,
                     "format": "json", "sources": "virustotal"}).encode())
            r.read()
            if r.status != 200:
                bad.append(r.status)
        except Exception as e:
            bad.append(str(e)[:80])
ts = [threading.Thread(target=run, args=(k,)) for k in range(4)]
[t.start() for t in ts]
[t.join() for t in ts]
print("bad", len(bad), bad[:3])
PY
load=$!
# The investigations' threads go from 3 to 1 and back at each reload.
for i in 1 2 3 4 5 6 7 8; do
	sconfig "rate = 0\\ninvestigate_threads = $((i % 2 * 2 + 1))"
	kill -HUP "$SERVER_PID"
	sleep 0.1
done
wait $load
expect reload_under_load_all_answered '^bad 0 ' "$T/load"
expect reload_under_load_threads_changed '\[server\] investigate_threads is now 3' "$T/serve.log"
kill -0 "$SERVER_PID" 2> /dev/null && ok server_alive_after_reloads || not_ok server_alive_after_reloads "it ended"
