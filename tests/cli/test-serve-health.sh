#!/bin/sh
# test-serve-health.sh: GET /api/v1/health (src/serve/health.c), the
# probe of a load balancer or a monitoring check.
#  1. Without a token, the status alone ({"status":"ok"}), whatever is
#     wrong; a wrong token the same.  With a token of any role, each check
#     (store, feeds, online, update, audit, config) with what it found;
#     valid JSON.  Not audited.
#     The web page's Sources page shows the same status, and each feed's
#     age ("Data as of").
#  2. A feed past its max age: "degraded", still 200, the feed named; the
#     status alone without a token; on the Sources page, the check and
#     the feed marked stale; "ok" again once it is fresh.
#  3. A store whose feeds were never imported: degraded, said so.
#  4. A stop under way: 503 "draining" with Retry-After, on a connection
#     kept from before, so the balancer sends the next requests elsewhere.
#  5. A store at a path as long as SQLite takes (504 bytes), replaced under
#     the server: the store check and the log line say the whole path and
#     the whole advice, nothing cut; a path one byte longer is refused at
#     the start, saying the limit.
# The audit log failing, a feed update failing and a reload refused are
# checked where those are made: test-serve-metrics, test-serve-update,
# test-serve-reload.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_up "[server]\nrate = 0\n" read monitor

# checks_ok NAME: the last answer is JSON whose checks are each "ok".
checks_ok() {
	python3 - "$T/body" <<'PY' > "$T/py.out" 2>&1 && ok "$1" || not_ok "$1" "$(head -c 300 "$T/py.out")"
import json, sys
d = json.load(open(sys.argv[1]))
names = [c["check"] for c in d["checks"]]
assert names == ["store", "feeds", "online", "update", "audit", "config"], names
assert d["status"] == "ok", d
assert all(c["status"] == "ok" and isinstance(c["detail"], str) for c in d["checks"]), d
assert d["checked_at"].endswith("Z"), d
PY
}

# ---- 1. the status alone, or every check ----
http GET /api/v1/health
status_is no_token_200 200
expect no_token_status_alone '^\{"status":"ok"\}$' "$T/body"
expect no_token_not_cached 'Cache-Control: no-store' "$T/headers"
http GET /api/v1/health chousa_not_a_token
status_is wrong_token_200 200
expect wrong_token_status_alone '^\{"status":"ok"\}$' "$T/body"
http GET /api/v1/health "$TOKEN"
status_is token_200 200
checks_ok token_every_check_ok
expect feeds_counted '\{"check":"feeds","status":"ok","detail":"[0-9]+ of [0-9]+ feeds imported, none past its max age"\}' "$T/body"
refute health_not_audited '"what":"health"' "$T/audit.log"
# The web page's Sources page says the same, and each feed's age.
curl -s -c "$T/jar" -o /dev/null -H "Origin: $URL" --data-urlencode "token=$TOKEN" "$URL/login"
curl -s -b "$T/jar" -o "$T/sources.html" "$URL/sources"
expect web_health_ok '<p id="health">Server: <strong class="health-ok">ok</strong> \(every check passed\)</p>' "$T/sources.html"
expect web_feed_age_column '<th>Configured</th><th>Data as of</th>' "$T/sources.html"
expect web_feed_age 'local-urlhaus</span></td><td>local</td><td>[^<]*</td><td><span class="when">20[0-9-]+T[0-9:]+Z</span></td>' "$T/sources.html"

# ---- 2. a feed past its max age ----
sqlite3 "$CHOUSA_DB" "UPDATE imports SET started_at = started_at - 30*86400, finished_at = finished_at - 30*86400 WHERE source = 'urlhaus'"
http GET /api/v1/health "$TOKEN"
status_is stale_still_200 200
expect stale_degraded '^\{"status":"degraded",' "$T/body"
expect stale_feed_named '\{"check":"feeds","status":"degraded","detail":"1 of [0-9]+ feeds past their max age \(\[freshness\] max_age_days\): local-urlhaus"\}' "$T/body"
http GET /api/v1/health
expect stale_status_alone_without_token '^\{"status":"degraded"\}$' "$T/body"
curl -s -b "$T/jar" -o "$T/sources.html" "$URL/sources"
expect web_health_degraded '<p id="health">Server: <strong class="health-degraded">degraded</strong></p><ul id="health-checks"><li><strong>feeds</strong>: 1 of [0-9]+ feeds past their max age \(\[freshness\] max_age_days\): local-urlhaus</li></ul>' "$T/sources.html"
expect web_feed_stale 'local-urlhaus</span></td><td>local</td><td>[^<]*</td><td><span class="when">20[0-9-]+T[0-9:]+Z</span> <span class="error">stale</span>' "$T/sources.html"
sqlite3 "$CHOUSA_DB" "UPDATE imports SET started_at = started_at + 30*86400, finished_at = finished_at + 30*86400 WHERE source = 'urlhaus'"
http GET /api/v1/health "$TOKEN"
checks_ok fresh_again_ok
serve_stop

# ---- 3. nothing ever imported ----
export CHOUSA_DB="$T/empty.db"
EMPTY=$("$CHOUSA" -q token create --role read m2)
serve_start || not_ok empty_server_starts "$(head -c 300 "$T/serve.log")"
http GET /api/v1/health "$EMPTY"
status_is empty_200 200
expect empty_degraded '\{"check":"feeds","status":"degraded","detail":"none of the [0-9]+ feeds was ever imported: run chousa update"\}' "$T/body"
serve_stop
export CHOUSA_DB="$T/db"

# ---- 4. a stop under way ----
serve_start || not_ok drain_server_starts "$(head -c 300 "$T/serve.log")"
python3 - "$PORT" "$TOKEN" "$SERVER_PID" > "$T/drain.out" 2>&1 <<'PY'
import http.client, os, signal, socket, sys, time
port, token, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
kept = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
kept.request("GET", "/api/v1/health")
r = kept.getresponse()
print("before", r.status, r.read().decode().strip(), flush=True)
# An upload half sent keeps the stop draining.
up = socket.create_connection(("127.0.0.1", port))
up.sendall(b"POST /api/v1/sweep HTTP/1.1\r\nHost: t\r\nAuthorization: "
           b"Bearer " + token.encode() + b"\r\nContent-Length: 100000\r\n"
           b"\r\n" + b"x" * 10)
time.sleep(0.3)
os.kill(pid, signal.SIGTERM)
time.sleep(0.5)
kept.request("GET", "/api/v1/health", headers={"Authorization": "Bearer " + token})
r = kept.getresponse()
print("during", r.status, r.getheader("Retry-After"), r.read().decode().strip())
up.close()
PY
grep -q '^before 200 {"status":"ok"}$' "$T/drain.out" && ok drain_before_ok ||
	not_ok drain_before_ok "$(tr '\n' '|' < "$T/drain.out" | tail -c 600) $(tail -n 3 "$T/serve.log" | tr '\n' '|')"
expect drain_503 '^during 503 5 \{"status":"draining",' "$T/drain.out"
expect drain_said '\{"check":"draining","status":"draining","detail":"the server is stopping' "$T/drain.out"
serve_stop

# ---- 5. a long store path ----
# long_path N: a path of N bytes under $T (directories of 200 at most).
long_path() {
	python3 - "$T" "$1" <<'PY'
import os, sys
base, n = sys.argv[1] + "/long", int(sys.argv[2])
rest, parts = n - len(base) - len("/db"), []
while rest > 0:
    k = min(200, rest - 1) if rest > 1 else 1
    parts.append("d" * k)
    rest -= k + 1
d = base + "/" + "/".join(parts)
os.makedirs(d, exist_ok=True)
print(d + "/db")
PY
}
LONG=$(long_path 504)
cp "$T/db" "$LONG"
CHOUSA_DB="$LONG" serve_start || not_ok long_path_server_starts "$(head -c 300 "$T/serve.log")"
# Replaced (a restore under it): the tokens still read at the path.
mv "$LONG" "$T/moved.db"
cp "$T/moved.db" "$LONG"
http GET /api/v1/health "$TOKEN"
python3 - "$T/body" "$LONG" <<'PY' > "$T/py.out" 2>&1 && ok long_path_said_whole || not_ok long_path_said_whole "$(tail -n 1 "$T/py.out" | head -c 900)"
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["checks"] if c["check"] == "store"][0]
want = "the store %s was deleted or replaced under the server" % sys.argv[2]
assert c["status"] == "unavailable", c
assert c["detail"].startswith(want) and c["detail"].endswith("(chousa db restore), and start it"), c["detail"]
PY
expect long_path_logged_whole "the store $LONG was deleted or replaced under the server: .*\(chousa db restore\), and start it$" "$T/serve.log"
serve_stop
TOO_LONG=$(long_path 505)
check long_path_refused 3 env CHOUSA_DB="$TOO_LONG" "$CHOUSA" serve --listen 127.0.0.1:0
expect long_path_refused_said "its absolute path is 505 bytes, and SQLite opens at most 504: give a shorter one" "$T/err"
