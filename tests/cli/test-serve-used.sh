#!/bin/sh
# test-serve-used.sh: when each token was last let in, and from where
# (the tokens table's last_used_at and last_used_from, schema 8), so that
# dormant tokens can be found.
#  1. A token never used says "never" (text) and null (JSON).  The text
#     table's columns are as wide as their widest cell, and aligned.
#  2. The server's own listing (GET /api/v1/tokens, text and JSON; the web
#     page's Tokens) says a use at once, from the client's address; a use
#     from another address is the one said.  /metrics says each name's
#     last use (0: never).
#  3. A request refused (a token bound elsewhere, a revoked one) is no use.
#  4. A rotation: the new token never used until it is; the one before
#     keeps its own last use.
#  5. Written to the store when the server stops: `chousa token list`
#     without a server says the same.
#  6. list --unused-for DURATION: only the valid tokens neither used nor
#     made within it, here and through the server (unused_for); a bad
#     duration refused (status 2, HTTP 400); for list only.  The web
#     page's Tokens links the same (/tokens?unused_for=90d).
#  7. A store another writer holds: requests do not wait; the write at the
#     stop gives up after the store's wait and says what is lost.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_store '[server]\nrate = 0\n'
ADMIN=$("$CHOUSA" -q token create --role admin boss)
ALICE=$("$CHOUSA" -q token create --role read alice)
FAR=$("$CHOUSA" -q token create --role read --allow-from 192.0.2.0/24 far)
GONE=$("$CHOUSA" -q token create --role read gone)
"$CHOUSA" -q token revoke gone
"$CHOUSA" -q token create --role read idle > /dev/null

# ---- 1. never used ----
check list_before 0 "$CHOUSA" token list
expect list_has_last_used_column "^ID +NAME +ROLE +CREATED +EXPIRES +STATE +FROM +ONLINE TODAY +LAST USED +NOTE$" "$T/out"
expect alice_never "^[0-9]+ +alice +read .* never +-$" "$T/out"
head -1 "$T/out" > "$T/head"
expect list_columns_fit "^ID NAME  ROLE  CREATED              EXPIRES STATE   FROM         ONLINE TODAY        LAST USED NOTE$" "$T/head"
# Every row's note starts under NOTE.
awk 'NR == 1 { at = index($0, "NOTE"); next }
    substr($0, at - 1, 2) != " -" || length($0) != at { bad = bad " " NR }
    END { if (bad != "") { print "misaligned rows:" bad; exit 1 } }' \
    "$T/out" > "$T/aligned" && ok list_columns_aligned ||
    not_ok list_columns_aligned "$(cat "$T/aligned")"
check list_json_before 0 "$CHOUSA" token list --json
expect alice_never_json '"name":"alice",[^}]*"last_used_at":null,"last_used_from":null' "$T/out"

serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }

# ---- 2. said at once by the server ----
http GET /api/v1/version "$ALICE"
status_is alice_let_in 200
http GET "/api/v1/tokens?format=text" "$ADMIN"
status_is list_text_200 200
expect alice_used_here "^[0-9]+ +alice +read .* [0-9-]+T[0-9:]+Z from 127\.0\.0\.1 +-$" "$T/body"
expect boss_used_here "^[0-9]+ +boss +admin .* from 127\.0\.0\.1 +-$" "$T/body"
expect idle_never "^[0-9]+ +idle +read .* never +-$" "$T/body"
check other_address 0 python3 - "$PORT" "$ALICE" <<'PY'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10,
                               source_address=("127.0.0.2", 0))
c.request("GET", "/api/v1/version",
          headers={"Authorization": "Bearer " + sys.argv[2]})
assert c.getresponse().status == 200
PY
http GET /api/v1/tokens "$ADMIN"
check json_said 0 python3 - "$T/body" <<'PY'
import json, sys, time, calendar
tokens = {t["name"]: t for t in json.load(open(sys.argv[1]))["tokens"]}
alice = tokens["alice"]
assert alice["last_used_from"] == "127.0.0.2", alice
at = calendar.timegm(time.strptime(alice["last_used_at"], "%Y-%m-%dT%H:%M:%SZ"))
assert abs(time.time() - at) < 120, alice
assert tokens["idle"]["last_used_at"] is None, tokens["idle"]
assert tokens["idle"]["last_used_from"] is None, tokens["idle"]
PY

http GET /metrics "$ADMIN"
expect metrics_alice_used '^chousa_token_last_used_timestamp_seconds\{name="alice"\} [0-9]{10}$' "$T/body"
expect metrics_idle_never '^chousa_token_last_used_timestamp_seconds\{name="idle"\} 0$' "$T/body"
refute metrics_revoked_not_said 'chousa_token_last_used_timestamp_seconds\{name="gone"\}' "$T/body"

# Tokens made 100 days ago (the store's clock set back); alice and boss
# have been used since, idle and far never; gone is revoked.
sqlite3 "$T/db" "UPDATE tokens SET created_at = created_at - 100 * 86400"
check unused_remote 0 env CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "$URL" token list --unused-for 90d
expect unused_remote_idle "^[0-9]+ +idle +read .* never +-$" "$T/out"
expect unused_remote_far "^[0-9]+ +far +read " "$T/out"
refute unused_remote_not_alice " alice | boss | gone " "$T/out"
http GET "/api/v1/tokens?unused_for=90d" "$ADMIN"
check unused_api_json 0 python3 -c '
import json, sys
names = sorted(t["name"] for t in json.load(open(sys.argv[1]))["tokens"])
assert names == ["far", "idle"], names' "$T/body"
http GET "/api/v1/tokens?unused_for=soon" "$ADMIN"
status_is unused_api_bad_400 400
expect unused_api_bad_said "bad unused_for 'soon'" "$T/body"

# ---- 3. a refusal is no use ----
http GET /api/v1/version "$FAR"
status_is bound_elsewhere_refused 401
http GET /api/v1/version "$GONE"
status_is revoked_refused 401
http GET "/api/v1/tokens?format=text" "$ADMIN"
expect far_never "^[0-9]+ +far +read .* never +-$" "$T/body"
expect gone_never "^[0-9]+ +gone +read .* revoked .* never +-$" "$T/body"

# ---- 4. a rotation ----
NEW=$(CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "$URL" -q token rotate --grace 1h alice 2> "$T/err")
[ -n "$NEW" ] && ok rotated || not_ok rotated "$(cat "$T/err")"
http GET "/api/v1/tokens?format=text" "$ADMIN"
[ "$(grep -c '^[0-9]* *alice ' "$T/body")" = 2 ] && ok rotation_two_rows || not_ok rotation_two_rows "$(cat "$T/body")"
expect rotated_old_keeps_use "^[0-9]+ +alice +read .* from 127\.0\.0\.2 +-$" "$T/body"
grep '^[0-9]* *alice ' "$T/body" | tail -n 1 > "$T/new-row"
expect rotated_new_never "never +-$" "$T/new-row"
http GET /api/v1/version "$NEW"
status_is new_let_in 200
http GET "/api/v1/tokens?format=text" "$ADMIN"
grep '^[0-9]* *alice ' "$T/body" | tail -n 1 > "$T/new-row"
expect rotated_new_used "from 127\.0\.0\.1 +-$" "$T/new-row"

# The web page's Tokens says it too.
cd "$T" || exit 1
curl -s -c jar -o /dev/null -H "Origin: $URL" --data-urlencode "token=$ADMIN" "$URL/login"
curl -s -b jar -o tokens.html "$URL/tokens"
expect web_last_used_column '<th>Last used</th>' tokens.html
expect web_alice_used '<td>alice</td>.*<td>[0-9-]+T[0-9:]+Z from 127\.0\.0\.[12]</td>' tokens.html
expect web_idle_never '<td>idle</td>.*<td>never</td>' tokens.html
expect web_filter_link '<a href="/tokens\?unused_for=90d">' tokens.html
curl -s -b jar -o unused.html "$URL/tokens?unused_for=90d"
check web_unused_rows 0 python3 -c '
import re, sys
names = sorted(re.findall(r"<tr><td>[0-9]+</td><td>([^<]*)</td>", open(sys.argv[1]).read()))
assert names == ["far", "idle"], names' unused.html
expect web_unused_said 'Only the valid tokens neither used nor made in the last 90d' unused.html
code=$(curl -s -b jar -o bad.html -w '%{http_code}' "$URL/tokens?unused_for=%3Cb%3E")
[ "$code" = 400 ] && ok web_unused_bad_400 || not_ok web_unused_bad_400 "HTTP $code"
refute web_unused_bad_not_markup '<b>' bad.html

# ---- 5. written when the server stops ----
serve_stop
SERVER_PID=
check list_after 0 "$CHOUSA" token list
expect stored_alice_used "^[0-9]+ +alice +read .* from 127\.0\.0\.2 +-$" "$T/out"
expect stored_boss_used "^[0-9]+ +boss +admin .* from 127\.0\.0\.1 +-$" "$T/out"
expect stored_idle_never "^[0-9]+ +idle +read .* never +-$" "$T/out"
expect stored_far_never "^[0-9]+ +far +read .* never +-$" "$T/out"
check list_json_after 0 "$CHOUSA" token list --json
expect stored_json '"name":"alice",[^}]*"last_used_at":"[0-9-]+T[0-9:]+Z","last_used_from":"127\.0\.0\.2"' "$T/out"

# ---- 6. --unused-for here ----
check unused_local 0 "$CHOUSA" token list --unused-for 90d
expect unused_local_idle "^[0-9]+ +idle +read .* never +-$" "$T/out"
refute unused_local_not_used " alice | boss | gone " "$T/out"
check unused_local_json 0 "$CHOUSA" token list --json --unused-for 90d
cp "$T/out" "$T/unused.json"
check unused_local_json_names 0 python3 -c '
import json, sys
names = sorted(t["name"] for t in json.load(open(sys.argv[1]))["tokens"])
assert names == ["far", "idle"], names' "$T/unused.json"
check unused_recent_none 0 "$CHOUSA" token list --unused-for 200d
[ "$(wc -l < "$T/out")" = 1 ] && ok unused_recent_header_only || not_ok unused_recent_header_only "$(cat "$T/out")"
check unused_bad 2 "$CHOUSA" token list --unused-for 0
expect unused_bad_said "bad --unused-for '0'" "$T/err"
check unused_bare_number 2 "$CHOUSA" token list --unused-for 90
expect unused_bare_number_says "bad --unused-for '90': a duration such as 90s, 30m, 12h or 90d" "$T/err"
check unused_not_for_create 2 "$CHOUSA" token create --role read --unused-for 9d x
expect unused_list_only_said "--unused-for is for list" "$T/err"

# ---- 7. a store held by another writer ----
# Requests do not wait for it; the write at the stop gives up after the
# store's wait, saying what is lost, and the server still stops.
serve_start || { not_ok server_restarts "$(head -c 300 "$T/serve.log")"; exit 0; }
http GET /api/v1/version "$NEW"
status_is held_before_200 200
python3 - "$T/db" "$T/held" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(13)
c.execute("ROLLBACK")
PY
HOLDER=$!
i=0
while [ ! -e "$T/held" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check held_request_answered 0 python3 - "$URL" "$NEW" <<'PY'
import sys, time
from serve_http import request
t = time.monotonic()
assert request(sys.argv[1], "/api/v1/version", sys.argv[2]).status == 200
assert time.monotonic() - t < 2, time.monotonic() - t
PY
serve_stop
SERVER_PID=
wait $HOLDER
expect held_loss_said "the tokens' uses of the last minute are lost: .*held by another chousa" "$T/serve.log"
