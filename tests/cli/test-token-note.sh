#!/bin/sh
# test-token-note.sh: a token's note, whose it is and what for (chousa
# token create --note, chousa token note; the tokens table's note,
# schema 8).
#  1. Here: made with one, listed (text, JSON), changed, cleared ("");
#     UTF-8 prose kept; a control character (an escape sequence), a
#     direction mark, a line separator, bytes that are no UTF-8 and a
#     note over 200 bytes refused with status 2 and nothing stored; a name
#     with no valid token is status 3; --note outside create refused;
#     rotate keeps it; one written into the store some other way is not
#     printed as it is.
#  2. Through the server: create and note with --server; the API's create
#     answer says it; POST /api/v1/tokens/NAME sets it, null clears it, a
#     number or an escape sequence is 400.
#  3. The web page's Tokens: made with one, shown as text, never markup;
#     a form field holding a NUL (%00) refused.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_store '[server]\nrate = 0\n'
ADMIN=$("$CHOUSA" -q token create --role admin boss)

# ---- 1. here ----
check create_with_note 0 "$CHOUSA" -q token create --role read --note "Grafana on mon-01, ask Bob" grafana
check list_note 0 "$CHOUSA" token list
expect list_has_note_column "^ID +NAME .* LAST USED +NOTE$" "$T/out"
expect list_note_text "^[0-9]+ +grafana +read .* never +Grafana on mon-01, ask Bob$" "$T/out"
expect list_no_note_dash "^[0-9]+ +boss +admin .* -$" "$T/out"
check list_note_json 0 "$CHOUSA" token list --json
expect list_note_json_said '"name":"grafana",[^}]*"note":"Grafana on mon-01, ask Bob"' "$T/out"
expect list_no_note_null '"name":"boss",[^}]*"note":null' "$T/out"
check note_prose 0 "$CHOUSA" token note grafana "調査チーム (SOC), Grafana 用"
"$CHOUSA" token list --json > "$T/list.json"
expect note_prose_kept '"name":"grafana",[^}]*"note":"調査チーム \(SOC\), Grafana 用"' "$T/list.json"
check note_cleared 0 "$CHOUSA" token note grafana ""
"$CHOUSA" token list --json > "$T/list.json"
expect note_cleared_null '"name":"grafana",[^}]*"note":null' "$T/list.json"
"$CHOUSA" token note grafana "kept" 2> /dev/null

esc=$(printf 'red \033[31mtext')
check note_escape_refused 2 "$CHOUSA" token note grafana "$esc"
expect note_escape_said "control character .*one line of plain text" "$T/err"
check note_newline_refused 2 "$CHOUSA" token note grafana "two
lines"
check note_bidi_refused 2 "$CHOUSA" token note grafana "$(printf 'abc\342\200\256cba')"
check note_line_separator_refused 2 "$CHOUSA" token note grafana "$(printf 'a\342\200\250b')"
check note_c1_refused 2 "$CHOUSA" token note grafana "$(printf 'a\302\233b')"
check note_not_utf8_refused 2 "$CHOUSA" token note grafana "$(printf 'caf\351')"
expect note_not_utf8_said "not UTF-8" "$T/err"
long=$(python3 -c 'print("x" * 201)')
check note_too_long_refused 2 "$CHOUSA" token note grafana "$long"
expect note_too_long_said "201 bytes long: at most 200" "$T/err"
check note_create_refused 2 "$CHOUSA" token create --role read --note "$esc" other
"$CHOUSA" token list --json > "$T/list.json"
expect refused_notes_not_stored '"name":"grafana",[^}]*"note":"kept"' "$T/list.json"
refute refused_create_not_stored '"name":"other"' "$T/list.json"
check note_unknown_name 3 "$CHOUSA" token note nobody "x"
check note_needs_text 2 "$CHOUSA" token note grafana
check note_outside_create 2 "$CHOUSA" token list --note x
expect note_outside_create_said "--note is for create" "$T/err"
check rotate_keeps_note 0 "$CHOUSA" -q token rotate --grace 0 grafana
"$CHOUSA" token list > "$T/list"
expect rotated_note "^[0-9]+ +grafana +read .* valid .* kept$" "$T/list"

# A note written into the store some other way is not printed to a
# terminal as it is.
sqlite3 "$T/db" "UPDATE tokens SET note = 'x' || char(27) || '[2J' WHERE name = 'boss'"
check list_tampered_note 0 "$CHOUSA" token list
expect tampered_note_not_shown "^[0-9]+ +boss +admin .* \(not shown: not one line of plain text\)$" "$T/out"
if grep -q "$(printf '\033')" "$T/out"; then not_ok tampered_note_no_escape "an escape byte printed"; else ok tampered_note_no_escape; fi
sqlite3 "$T/db" "UPDATE tokens SET note = NULL WHERE name = 'boss'"

# ---- 2. through the server ----
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
remote() { CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "$URL" "$@"; }
check remote_create_note 0 remote -q token create --role read --note "SOAR playbooks" soar
check remote_note 0 remote token note soar "SOAR playbooks (Carol)"
check remote_note_bad 2 remote token note soar "$esc"
expect remote_note_bad_said "control character" "$T/err"
check remote_list 0 remote token list --json
expect remote_note_listed '"name":"soar",[^}]*"note":"SOAR playbooks \(Carol\)"' "$T/out"
http POST /api/v1/tokens "$ADMIN" '{"name": "api1", "role": "read", "note": "from the API"}'
status_is api_create_201 201
expect api_create_says_note '"note":"from the API"' "$T/body"
http POST /api/v1/tokens/api1 "$ADMIN" '{"note": "changed"}'
status_is api_note_200 200
expect api_note_said '"name":"api1","note":"changed"' "$T/body"
http POST /api/v1/tokens/api1 "$ADMIN" '{"note": null}'
status_is api_note_null_200 200
expect api_note_null_said '"note":null' "$T/body"
http POST /api/v1/tokens/api1 "$ADMIN" '{"note": 5}'
status_is api_note_number_400 400
http POST /api/v1/tokens/api1 "$ADMIN" '{"note": "\u001b[2J"}'
status_is api_note_escape_400 400
http POST /api/v1/tokens/nobody "$ADMIN" '{"note": "x"}'
status_is api_note_unknown_404 404
http GET /api/v1/tokens "$ADMIN"
expect api_note_cleared '"name":"api1",[^}]*"note":null' "$T/body"

# ---- 3. the web page ----
cd "$T" || exit 1
curl -s -c jar -o /dev/null -H "Origin: $URL" --data-urlencode "token=$ADMIN" "$URL/login"
curl -s -b jar -o tokens.html "$URL/tokens"
expect web_note_field '<input name="note" id="token-note" maxlength="200"' tokens.html
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' tokens.html | head -n 1)
code=$(curl -s -L -b jar -H "Origin: $URL" -o made.html -w '%{http_code}' \
    --data-urlencode "csrf=$csrf" --data-urlencode "name=webnote" \
    --data-urlencode "role=read" --data-urlencode 'note=<script>alert(1)</script> & co' \
    "$URL/tokens")
[ "$code" = 200 ] && ok web_create_with_note || not_ok web_create_with_note "HTTP $code: $(head -c 200 made.html)"
expect web_note_shown '<td>webnote</td>.*<td>&lt;script&gt;alert\(1\)&lt;/script&gt; &amp; co</td>' made.html
refute web_note_not_markup '<script>alert' made.html
# A field holding a NUL (%00) is refused, not cut short unseen.
code=$(curl -s -b jar -H "Origin: $URL" -o nul.html -w '%{http_code}' \
    --data "csrf=$csrf&name=webnul&role=read&note=kept%00hidden" "$URL/tokens")
[ "$code" = 400 ] && ok web_form_nul_400 || not_ok web_form_nul_400 "HTTP $code: $(head -c 200 nul.html)"
expect web_form_nul_said "a form field holds a NUL character" nul.html
"$CHOUSA" token list > list.txt
refute web_form_nul_not_made " webnul " list.txt
