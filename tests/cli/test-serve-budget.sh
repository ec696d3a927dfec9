#!/bin/sh
# test-serve-budget.sh: each token's daily budget of online requests
# (chousa token create --online-budget, chousa token budget, [server]
# online_budget), against the loopback replay server (tests/http/server.py)
# standing in for VirusTotal:
#  - a token past its budget skips the online source, saying whose budget
#    and until when, and sends nothing more;
#  - answers from the cache are free;
#  - another token pays for what the first could not, and the tokens'
#    counts add up to the requests the service saw;
#  - the counts survive a restart, a new budget applies from the next
#    request, a request that failed is given back;
#  - the counts are in chousa token list, GET /api/v1/tokens, the audit
#    log (online_requests) and an admin's /metrics, not another token's.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
REPLAY=
trap 'serve_stop; [ -n "$REPLAY" ] && kill $REPLAY 2>/dev/null' EXIT INT TERM

serve_store '[server]\nrate = 0\nonline_budget = 1000\n[http]\nbackoff_ms = 1\nretries = 1\n'
ALICE=$("$CHOUSA" -q token create --role investigate --online-budget 5 alice)
BOB=$("$CHOUSA" -q token create --role investigate bob)
check budget_bad_number 2 "$CHOUSA" token create --role investigate --online-budget lots carol
check budget_negative 2 "$CHOUSA" token budget alice -3
check budget_needs_valid_token 3 "$CHOUSA" token budget nobody 5

replay_virustotal
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }

# ask TOKEN FIRST COUNT: investigate COUNT addresses from 45.30.0.FIRST
# online with VirusTotal alone; the JSON lines go to $T/body.
ask() {
	ips=$(python3 -c 'import json, sys; f, n = int(sys.argv[1]), int(sys.argv[2]); print(json.dumps(["45.30.0.%d" % i for i in range(f, f + n)]))' "$2" "$3")
	http POST /api/v1/investigate "$1" "{\"indicators\":$ips,\"offline\":false,\"format\":\"json\",\"sources\":\"virustotal\"}"
}
# vt_status: "status reason" of VirusTotal's finding about each input.
vt_status() {
	python3 - "$T/body" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    r = json.loads(line)
    f = [f for s in r["stages"] for f in s["findings"]
         if f["source"] == "virustotal" and f["subject"] == r["indicator"]["value"]]
    print(r["input"], f[0]["status"] if f else "none",
          (f[0].get("reason") or "") if f else "", (f[0].get("reset_at") or "") if f else "")
PY
}

# ---- alice: 10 addresses, a budget of 5 ----
ask "$ALICE" 1 10
status_is alice_answered 200
vt_status > "$T/alice1"
n_asked=$(grep -c " miss \| hit " "$T/alice1")
n_skip=$(grep -c "skipped quota (token 'alice' spent its daily budget of 5 online requests)" "$T/alice1")
[ "$n_asked" = 5 ] && [ "$n_skip" = 5 ] && ok "budget_stops_alice (5 asked, 5 skipped)" ||
	not_ok budget_stops_alice "$n_asked asked, $n_skip skipped: $(head -n 7 "$T/alice1" | tr '\n' '|')"
reset=$(awk '$2 == "skipped" {print $NF; exit}' "$T/alice1")
case "$reset" in *T00:00:00Z) ok "skip_says_until_midnight ($reset)" ;;
	*) not_ok skip_says_until_midnight "$reset" ;; esac
[ "$(sent)" = 5 ] && ok service_saw_5 || not_ok service_saw_5 "$(sent)"
expect server_told_budget_reached "token 'alice' has spent its daily budget of 5 online requests" "$T/serve.log"
[ "$(spent alice)" = 5 ] && ok alice_spent_5 || not_ok alice_spent_5 "$(spent alice)"
tail -n 1 "$T/audit.log" > "$T/a1"
expect audit_online_requests '"who":"alice".*"online_requests":5' "$T/a1"

# ---- from the cache: free ----
ask "$ALICE" 1 3
vt_status > "$T/alice2"
[ "$(grep -c " miss \| hit " "$T/alice2")" = 3 ] && [ "$(sent)" = 5 ] &&
    [ "$(spent alice)" = 5 ] && ok cache_answers_are_free ||
	not_ok cache_answers_are_free "$(sent) sent, alice $(spent alice): $(tr '\n' '|' < "$T/alice2")"
tail -n 1 "$T/audit.log" > "$T/a2"
expect audit_cached_costs_nothing '"online_requests":0' "$T/a2"

# ---- bob pays for the rest; the counts add up ----
ask "$BOB" 1 10
vt_status > "$T/bob"
[ "$(grep -c " miss \| hit " "$T/bob")" = 10 ] && ok bob_answered_all ||
	not_ok bob_answered_all "$(tr '\n' '|' < "$T/bob")"
[ "$(spent bob)" = 5 ] && [ "$(sent)" = 10 ] && ok "bob_paid_the_rest (bob 5, alice 5, service 10)" ||
	not_ok bob_paid_the_rest "bob $(spent bob), alice $(spent alice), service $(sent)"

# ---- alice and bob at once, about the same new addresses ----
T="$T" python3 - "$URL" "$ALICE" "$BOB" > "$T/both.out" 2>&1 <<'PY'
import json, sys, threading
from serve_http import request
url, alice, bob = sys.argv[1:4]
body = json.dumps({"indicators": ["45.30.0.%d" % i for i in range(20, 30)],
                   "offline": False, "format": "json",
                   "sources": "virustotal"}).encode()
res = {}
def ask(who, tok):
    r = request(url, "/api/v1/investigate", tok, body, "application/json", "POST")
    res[who] = r.status
ts = [threading.Thread(target=ask, args=a) for a in (("alice", alice), ("bob", bob))]
[t.start() for t in ts]
[t.join() for t in ts]
print(res)
PY
a=$(spent alice) b=$(spent bob) s=$(sent)
[ "$a" = 5 ] && [ $((a + b)) = "$s" ] && [ "$s" = 20 ] &&
    ok "shared_flight_charged_once (alice $a, bob $b, service $s)" ||
	not_ok shared_flight_charged_once "alice $a, bob $b, service $s: $(cat "$T/both.out")"

# ---- a restart forgets nothing ----
serve_stop
serve_start
ask "$ALICE" 40 1
vt_status > "$T/alice3"
expect budget_survives_restart "skipped quota \\(token 'alice'" "$T/alice3"
[ "$(sent)" = 20 ] && ok nothing_sent_past_budget || not_ok nothing_sent_past_budget "$(sent)"
# The triage table does not call the silence of a source held back "no
# source lists it".
CHOUSA_SERVER_KEY="$ALICE" "$CHOUSA" --server "$URL" investigate --brief \
    --sources virustotal 45.30.0.41 > "$T/brief" 2> /dev/null
expect triage_says_quota_held_back "45\[\.\]30\[\.\]0\[\.\]41 +no listing found, but a quota held sources back" "$T/brief"

# ---- a new budget, from the next request ----
"$CHOUSA" token budget alice 7
ask "$ALICE" 40 4
vt_status > "$T/alice4"
[ "$(grep -c " miss \| hit " "$T/alice4")" = 2 ] && [ "$(spent alice)" = 7 ] &&
    ok "new_budget_applies (2 more)" ||
	not_ok new_budget_applies "alice $(spent alice): $(tr '\n' '|' < "$T/alice4")"
http GET /api/v1/version "$ALICE"
expect version_says_budget '"token":"alice","online_budget":7,"online_today":7' "$T/body"
# Another's spend and budget are an admin's to see, not alice's.
http GET /metrics "$ALICE"
refute metrics_not_bobs_for_alice 'name="bob"' "$T/body"
ADMIN=$("$CHOUSA" -q token create --role admin boss)
http GET /metrics "$ADMIN"
expect metrics_token_spent '^chousa_token_online_requests_today\{name="alice"\} 7$' "$T/body"
expect metrics_token_budget '^chousa_token_online_budget\{name="alice"\} 7$' "$T/body"
expect metrics_default_budget '^chousa_token_online_budget\{name="bob"\} 1000$' "$T/body"
http GET /sources "$ALICE"
expect web_sources_says_budget 'id="budget">Your token \(alice\) has spent 7 of its 7 online requests today' "$T/body"
check token_list_text 0 "$CHOUSA" token list
expect token_list_shows_spent "^[0-9]+ +alice .* 7 of 7" "$T/out"
expect token_list_shows_default "^[0-9]+ +bob .* 15 \\(server's budget\\)" "$T/out"
"$CHOUSA" token budget alice default
ask "$ALICE" 50 1
vt_status > "$T/alice5"
expect default_budget_applies " (miss|hit) " "$T/alice5"

# ---- the REST API: create with a budget, list the counts ----
http POST /api/v1/tokens "$BOB" '{"name":"eve","role":"investigate","online_budget":3}'
status_is budget_needs_admin 403
http POST /api/v1/tokens "$ADMIN" '{"name":"eve","role":"investigate","online_budget":3}'
status_is token_with_budget_created 201
expect created_says_budget '"online_budget":3' "$T/body"
http POST /api/v1/tokens "$ADMIN" '{"name":"frank","role":"investigate","online_budget":-1}'
status_is negative_budget_400 400
http POST /api/v1/tokens/eve "$ADMIN" '{"online_budget":9}'
status_is budget_set_through_api 200
expect budget_set_says '"name":"eve","online_budget":9' "$T/body"
http POST /api/v1/tokens/eve "$BOB" '{"online_budget":900}'
status_is budget_set_needs_admin 403
http POST /api/v1/tokens/nobody "$ADMIN" '{"online_budget":9}'
status_is budget_set_unknown_name_404 404
http POST /api/v1/tokens/eve "$ADMIN" '{}'
status_is budget_set_needs_a_budget 400
http POST /api/v1/tokens/eve "$ADMIN" '{"online_budget":"lots"}'
status_is budget_set_not_a_number_400 400
http POST /api/v1/tokens/eve "$ADMIN" '{"online_budget":3}'
http GET /api/v1/tokens "$ADMIN"
python3 - "$T/body" > "$T/tl" 2>&1 <<'PY'
import json, sys
t = {x["name"]: x for x in json.load(open(sys.argv[1]))["tokens"]}
assert t["eve"]["online_budget"] == 3 and t["eve"]["online_today"] == 0, t["eve"]
assert t["bob"]["online_budget"] is None and t["bob"]["online_today"] == 15, t["bob"]
assert t["alice"]["online_today"] == 8, t["alice"]
print("ok")
PY
[ $? = 0 ] && ok tokens_api_lists_budgets || not_ok tokens_api_lists_budgets "$(tail -n 2 "$T/tl")"

# ---- a request the service never counted is given back ----
serve_stop
export CHOUSA_VIRUSTOTAL_URL="http://127.0.0.1:$RP/virustotal/@500"
serve_start
ask "$BOB" 60 3
vt_status > "$T/bob2"
[ "$(grep -c " error " "$T/bob2")" = 3 ] && [ "$(spent bob)" = 15 ] &&
    ok failed_requests_given_back ||
	not_ok failed_requests_given_back "bob $(spent bob): $(tr '\n' '|' < "$T/bob2")"
serve_stop
