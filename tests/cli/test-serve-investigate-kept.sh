#!/bin/sh
# test-serve-investigate-kept.sh: the team server keeps an offline
# investigation's answer ([server] answer_cache, src/serve/kept.c) and
# gives it again to the same request, with an Age header, the same exit
# status and the same audit line, and never past what makes it true: a
# commit to the store by another process, a config read again at SIGHUP
# (the server's own bookkeeping, a session, an online run's cache and
# counts, changes no data and keeps it).
# Only one indicator asked offline in a POST's body is kept; text, lists,
# cache_only and answer_cache = 0 run every time.  A burst of one question
# queued behind a long investigation runs once: the first keeps its
# answer, and each after it takes that when its turn comes.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

replay_virustotal
serve_store '[server]\nrate = 0\ninvestigate_threads = 1\n'
TOKEN=$("$CHOUSA" -q token create --role read alice)
INV=$("$CHOUSA" -q token create --role investigate bob)
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }

ask() {
	http POST /api/v1/investigate "$TOKEN" "$1"
}
# kept NAME / fresh NAME: the last answer came from the kept ones, or not.
kept() {
	grep -qi '^Age: [0-9]' "$T/headers" && ok "$1" ||
	    not_ok "$1" "no Age header: $(tr '\n' '|' < "$T/headers")"
}
fresh() {
	grep -qi '^Age:' "$T/headers" && not_ok "$1" "kept: $(tr '\n' '|' < "$T/headers")" ||
	    ok "$1"
}
exit_header() {
	sed -n 's/^Chousa-Exit: *\([0-9]*\).*/\1/p' "$T/headers" | tr -d '\r'
}
kept_total() {
	http GET /metrics "$TOKEN"
	sed -n 's/^chousa_investigations_kept_total \([0-9]*\).*/\1/p' "$T/body"
}

Q='{"indicator":"www.dnautik.com","offline":true}'
ask "$Q"
status_is kept_first_200 200
fresh kept_first_runs
cp "$T/body" "$T/first"
e1=$(exit_header)
ask "$Q"
status_is kept_again_200 200
kept kept_again_is_kept
cmp -s "$T/body" "$T/first" && ok kept_same_bytes ||
    not_ok kept_same_bytes "$(diff "$T/first" "$T/body" | head -5)"
[ -n "$e1" ] && [ "$(exit_header)" = "$e1" ] && ok kept_same_exit ||
    not_ok kept_same_exit "first '$e1', kept '$(exit_header)'"
[ "$(kept_total)" = 1 ] && ok kept_counted || not_ok kept_counted "$(grep kept_total "$T/body")"

# The audit log says the same of both: the sources asked, the verdicts.
i=0
while [ "$(grep -c '"/api/v1/investigate"' "$T/audit.log" 2> /dev/null)" -lt 2 ] && [ $i -lt 250 ]; do
	sleep 0.02
	i=$((i + 1))
done
python3 - "$T/audit.log" <<'PY' && ok kept_audited_alike || not_ok kept_audited_alike "$(grep investigate "$T/audit.log" | tail -2)"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if '"/api/v1/investigate"' in l]
a, b = rows[0], rows[1]
sys.exit(0 if len(rows) == 2 and a.get("verdict") and a.get("verdict") == b.get("verdict")
         and a.get("sources") == b.get("sources") and a.get("status") == b.get("status") == 200
         and a.get("kept", 0) is None and isinstance(b.get("kept"), int) else 1)
PY

# The same question in other bytes runs, and answers what was kept.
ask '{"offline": true, "indicator": "www.dnautik.com"}'
fresh kept_other_bytes_run
cmp -s "$T/body" "$T/first" && ok kept_equals_fresh ||
    not_ok kept_equals_fresh "$(diff "$T/first" "$T/body" | head -5)"
# Another format is another answer.
ask '{"indicator":"www.dnautik.com","offline":true,"format":"text"}'
fresh kept_text_first_runs
cp "$T/body" "$T/text"
ask '{"indicator":"www.dnautik.com","offline":true,"format":"text"}'
kept kept_text_again
cmp -s "$T/body" "$T/text" && ! cmp -s "$T/body" "$T/first" && ok kept_text_own_answer ||
    not_ok kept_text_own_answer "$(head -c 200 "$T/body")"

# A commit by another process: the next answer runs, and tells of it.
printf '{"name":"kept test","version":1,"description":"test","type":"hostname","list":["www.dnautik.com"]}\n' > "$T/wl.json"
check kept_import_benign 0 "$CHOUSA" -q import warninglist "$T/wl.json"
ask "$Q"
fresh kept_forgotten_after_commit
grep -q 'kept test' "$T/body" && ok kept_new_answer_has_commit ||
    not_ok kept_new_answer_has_commit "$(head -c 300 "$T/body")"
ask "$Q"
kept kept_again_after_commit

# A config read again (SIGHUP): the next answer runs.
serve_hup
ask "$Q"
fresh kept_forgotten_after_reload
ask "$Q"
kept kept_again_after_reload

# The server's own bookkeeping (a sign-in's session written to the store)
# changes no indicator data: the answer still holds.
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Origin: $URL" \
    --data-urlencode "token=$TOKEN" "$URL/login")
[ "$code" = 303 ] && ok kept_signed_in || not_ok kept_signed_in "status $code"
ask "$Q"
kept kept_after_own_bookkeeping
# An online investigation by another analyst: its answer cached, the
# service's quota and the token's online count written, all bookkeeping.
before_sent=$(sent)
http POST /api/v1/investigate "$INV" '{"indicator":"online-run.example.com","sources":"virustotal"}'
status_is kept_online_run_200 200
[ "$(sent)" -gt "$before_sent" ] && ok kept_online_run_asked ||
    not_ok kept_online_run_asked "the replay server was sent nothing"
ask "$Q"
kept kept_after_online_run

# Not kept: several indicators, text, the online cache's answers.
for body in '{"indicators":["www.dnautik.com","example.org"],"offline":true}' \
    '{"text":"seen at www.dnautik.com","offline":true}' \
    '{"indicator":"www.dnautik.com","cache_only":true}'; do
	ask "$body"
	ask "$body"
	fresh "kept_not_$(echo "$body" | cut -c3-8)"
done

# A body padded past 16 KiB runs every time: its bytes are no key.
pad=$(python3 -c 'print(" " * 20000)')
ask "{\"indicator\":\"www.dnautik.com\",\"offline\":true}$pad"
ask "{\"indicator\":\"www.dnautik.com\",\"offline\":true}$pad"
status_is kept_padded_200 200
fresh kept_padded_runs

# A burst of one question behind long investigations (one thread): the
# first runs, the 19 others take its answer at their turn.
before=$(kept_total)
python3 - "$URL" "$TOKEN" "$T/burst" <<'PY'
import sys, time
from serve_http import Burst, addresses
url, token, out = sys.argv[1], sys.argv[2], sys.argv[3]
long = Burst(url, token, [{"indicators": addresses(k), "offline": True} for k in range(8)])
time.sleep(0.1)
doc = {"indicator": "burst.example.net", "offline": True}
burst = Burst(url, token, [doc] * 20)
answers = burst.join()
long.join()
bodies = {a[2] for a in answers}
open(out, "w").write("%s %d\n" % (sorted(a[0] for a in answers), len(bodies)))
PY
[ "$(cat "$T/burst")" = "[$(printf '200, %.0s' $(seq 19))200] 1" ] && ok kept_burst_answers_alike ||
    not_ok kept_burst_answers_alike "$(cat "$T/burst")"
after=$(kept_total)
[ $((after - before)) = 19 ] && ok kept_burst_runs_once ||
    not_ok kept_burst_runs_once "$((after - before)) of 20 kept, want 19"

# answer_cache = 0 keeps none.
printf '[server]\nrate = 0\nanswer_cache = 0\n' > "$T/config"
serve_hup
ask "$Q"
ask "$Q"
status_is kept_off_200 200
fresh kept_off_runs_every_time
cmp -s "$T/body" "$T/first" && not_ok kept_off_current "the answer before the import" ||
    ok kept_off_current
