#!/bin/sh
# test-serve-robust.sh: chousa serve under abuse and failure.
#  1. 1,000 malformed requests (tests/serve/malformed.py): each a 4xx, slow
#     clients hung up on past the idle limit, and the server goes on.
#  2. Twenty clients ask the same 100 indicators online at once, against
#     the loopback replay server (tests/http/server.py): each request
#     reaches its service once, and the quota counters (and the token's
#     count of online requests) equal the requests the services saw.
#  3. kill -9 of the server during a scheduled update: the store is
#     intact, no reader ever saw half a feed, and the next start runs the
#     update again to its end.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
REPLAY=
trap 'serve_stop; [ -n "$REPLAY" ] && kill $REPLAY 2>/dev/null' EXIT INT TERM

# Background jobs enough for the malformed imports that reach an importer
# (each is refused, but only once read), so a sweep's is never full.
serve_store '[server]\nidle_timeout = 3\nrate = 0\nbackground_jobs = 8\n'
TOKEN=$("$CHOUSA" -q token create --role investigate robust)
ADMIN=$("$CHOUSA" -q token create --role admin robust-admin)

# ---- 1. malformed requests ----
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
timeout 240 python3 "$TESTS/serve/malformed.py" 127.0.0.1 "$PORT" "$TOKEN" 3 "$ADMIN" \
    2> "$T/mal.err" || not_ok malformed_run "$(tail -n 3 "$T/mal.err" | tr '\n' ' ')"
serve_stop
n=$(grep -c '"status":4' "$T/audit.log")
# (What libmicrohttpd refuses itself, before a request exists, is not.)
[ "$n" -ge 600 ] && ok "malformed_requests_audited ($n)" || not_ok malformed_requests_audited "$n lines"

# ---- 2. one flight for twenty clients ----
replay_start
SRCS="virustotal urlhaus threatfox abuseipdb"
for m in $SRCS; do
	u=$(echo "$m" | tr a-z A-Z)
	export "CHOUSA_${u}_URL=http://127.0.0.1:$RP/$m" "CHOUSA_${u}_KEY=test-key" \
	    "CHOUSA_${u}_RATE=0" "CHOUSA_${u}_DAILY=100000"
done
"$CHOUSA" cache clear > /dev/null 2>&1
: > "$T/replay.log"
serve_start
T="$T" timeout 240 python3 - "$URL" "$TOKEN" > "$T/flight.out" 2>&1 <<'PY'
import json, sys, threading, urllib.request
url, token = sys.argv[1], sys.argv[2]
ips = ["45.%d.%d.%d" % (20, i // 250, i % 250 + 1) for i in range(100)]
body = json.dumps({"indicators": ips, "offline": False, "format": "json",
                   "sources": "virustotal,urlhaus,threatfox,abuseipdb"}).encode()
res = []
def ask():
    req = urllib.request.Request(url + "/api/v1/investigate", data=body,
        headers={"Authorization": "Bearer " + token,
                 "Content-Type": "application/json"})
    r = urllib.request.urlopen(req, timeout=200)
    lines = [json.loads(l) for l in r.read().splitlines() if l.strip()]
    res.append((r.status, [l["verdict"] for l in lines]))
ts = [threading.Thread(target=ask) for _ in range(20)]
[t.start() for t in ts]
[t.join() for t in ts]
assert len(res) == 20 and all(s == 200 and len(v) == 100 for s, v in res), res[:1]
assert all(v == res[0][1] for s, v in res), "clients got different verdicts"
print("answered", len(res))
PY
[ $? = 0 ] && ok "twenty_clients_answered ($(tail -n 1 "$T/flight.out"))" ||
	not_ok twenty_clients_answered "$(tail -n 3 "$T/flight.out" | tr '\n' ' ')"
http GET "/api/v1/sources?format=json" "$TOKEN"
python3 - "$T/replay.log" "$T/body" > "$T/flight.check" 2>&1 <<'PY'
import collections, json, sys
reqs = [l.split()[:3] for l in open(sys.argv[1]) if l.strip()]
# A GET names its indicator in the path: none may come twice.  A POST
# carries it in the body: one per indicator at most.
seen = collections.Counter(tuple(r) for r in reqs if r[1] == "GET")
dups = [k for k, n in seen.items() if n > 1]
assert not dups, "asked twice: %s" % dups[:3]
posts = collections.Counter((r[0], r[2]) for r in reqs if r[1] == "POST")
assert all(n <= 100 for n in posts.values()), "more than one POST an IP: %s" % posts
per = collections.Counter(r[0] for r in reqs)
used = {s["name"]: s.get("used_today") for s in json.load(open(sys.argv[2]))["sources"]}
for svc in ("virustotal", "urlhaus", "threatfox", "abuseipdb"):
    assert per[svc] > 0, "%s never asked" % svc
    assert used[svc] == per[svc], "%s: quota says %s, the service saw %d" % (
        svc, used[svc], per[svc])
print("%d requests, each once; quota counters exact (%s)" % (
    len(reqs), ", ".join("%s %d" % kv for kv in sorted(per.items()))))
PY
[ $? = 0 ] && ok "single_flight ($(tail -n 1 "$T/flight.check"))" ||
	not_ok single_flight "$(tail -n 2 "$T/flight.check" | tr '\n' ' ')"
# The token's count of online requests is exact too: each charged once.
n_sent=$(grep -c . "$T/replay.log")
n_charged=$("$CHOUSA" token list --json | python3 -c 'import json, sys; print([t["online_today"] for t in json.load(sys.stdin)["tokens"] if t["name"] == "robust"][0])')
[ "$n_charged" = "$n_sent" ] && ok "token_charged_exactly ($n_charged)" ||
	not_ok token_charged_exactly "token $n_charged, services $n_sent"
serve_stop
kill $REPLAY 2> /dev/null
REPLAY=
for m in $SRCS; do
	u=$(echo "$m" | tr a-z A-Z)
	unset "CHOUSA_${u}_URL" "CHOUSA_${u}_KEY" "CHOUSA_${u}_RATE" "CHOUSA_${u}_DAILY"
done

# ---- 3. kill -9 during a scheduled update ----
mkdir -p "$T/www" "$T/u"
N=300000
python3 - "$T/www/urlhaus.csv" $N <<'PY'
import sys
n = int(sys.argv[2])
with open(sys.argv[1], "w") as f:
    f.write("# abuse.ch URLhaus Database Dump (CSV - recent URLs only)\n"
            "# id,dateadded,url,url_status,last_online,threat,tags,"
            "urlhaus_link,reporter\n")
    for i in range(n):
        f.write('"%d","2024-03-01 10:00:00","http://killtest-%d.example.com'
                '/p/%d.exe","online","2024-03-01 11:00:00","malware_download",'
                '"exe","https://urlhaus.abuse.ch/url/%d/","t"\n' % (i, i % 5000, i, i))
PY
feeds_serve
REPLAY=$WWW
export CHOUSA_DB="$T/u/store.db" CHOUSA_CONFIG="$T/uconfig"
: > "$T/uconfig"
feeds_config "$T/uconfig"
chmod 600 "$T/uconfig"
TOKEN=$("$CHOUSA" -q token create --role read watcher)
# (The busy timeout: a killed first import leaves a hot journal that the
# next reader rolls back under a lock the others then wait for.)
count() { sqlite3 -cmd ".timeout 5000" "$CHOUSA_DB" "SELECT count(*) FROM indicators WHERE source = 'urlhaus'" 2> /dev/null; }
# A reader that records every count it sees, as any request would.
( while :; do count; sleep 0.02; done ) > "$T/seen" 2> /dev/null &
READER=$!
serve_start --update-every 1h
child=
i=0
while [ -z "$child" ] && [ $i -lt 300 ]; do
	child=$(pgrep -P "$SERVER_PID" 2> /dev/null | head -n 1)
	sleep 0.05
	i=$((i + 1))
done
size=$(stat -c %s "$T/www/urlhaus.csv")
# Once the child has read the download and a third of the import, kill.
i=0
while [ -n "$child" ] && [ $i -lt 1200 ]; do
	r=$(awk '/^rchar/ {print $2}' "/proc/$child/io" 2> /dev/null)
	[ -z "$r" ] && break
	[ "$r" -gt $((size + size / 3)) ] && break
	sleep 0.02
	i=$((i + 1))
done
serve_kill
sleep 0.5
# Gone, or a zombie waiting for init: either way it runs no more.
st=$(awk '{print $3}' "/proc/$child/stat" 2> /dev/null)
if [ -n "$child" ] && [ -n "$st" ] && [ "$st" != Z ]; then
	not_ok update_child_dies_with_server "pid $child still runs"
	kill -9 "$child" 2> /dev/null
else ok update_child_dies_with_server; fi
[ "$(sqlite3 -cmd ".timeout 5000" "$CHOUSA_DB" 'PRAGMA integrity_check')" = ok ] && ok store_intact_after_kill ||
	not_ok store_intact_after_kill "$(sqlite3 -cmd ".timeout 5000" "$CHOUSA_DB" 'PRAGMA integrity_check' 2>&1 | head -n 2)"
c=$(count)
[ "$c" = 0 ] || [ "$c" = $N ] && ok "no_half_feed_after_kill ($c)" || not_ok no_half_feed_after_kill "$c rows"
[ ! -f "$CHOUSA_DB.last-update" ] && ok killed_update_not_recorded || not_ok killed_update_not_recorded "recorded"
# The next start runs it again, to the end, while requests go on.
serve_start --update-every 1h
bad=0
i=0
while [ ! -f "$CHOUSA_DB.last-update" ] && [ $i -lt 600 ]; do
	http GET "/api/v1/lookup?indicator=killtest-7.example.com" "$TOKEN"
	[ "$(cat "$T/status")" = 200 ] || bad=$((bad + 1))
	i=$((i + 1))
done
kill $READER 2> /dev/null
[ -f "$CHOUSA_DB.last-update" ] && ok update_retried_at_start || not_ok update_retried_at_start "$(tail -n 3 "$T/serve.log")"
[ "$(count)" = $N ] && ok "update_complete ($N rows)" || not_ok update_complete "$(count) rows"
[ $bad = 0 ] && ok "requests_during_update_answered ($i)" || not_ok requests_during_update_answered "$bad failed"
half=$(sort -u "$T/seen" | grep -v -x -e 0 -e $N | head -n 3 | tr '\n' ' ')
[ -z "$half" ] && ok "readers_never_saw_half_a_feed ($(sort -u "$T/seen" | tr '\n' ' '))" ||
	not_ok readers_never_saw_half_a_feed "saw $half"
expect update_logged "update: done" "$T/serve.log"
check update_status 0 python3 -c 'import json,sys,urllib.request; r=urllib.request.urlopen(urllib.request.Request(sys.argv[1]+"/api/v1/update", headers={"Authorization":"Bearer "+sys.argv[2]})); d=json.load(r); assert d["last_ok"]>0 and d["failures"]==0, d' "$URL" "$TOKEN"
