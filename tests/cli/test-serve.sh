#!/bin/sh
# test-serve.sh: chousa serve through its REST API and `chousa --server`:
# the same documents and exit statuses as the local commands, tokens and
# roles (no, wrong, malformed, revoked and too low a token are refused and
# audited), the audit log and its rotation, rate limits, TLS, and keys
# never in any answer or log.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

export CHOUSA_DB="$T/db" CHOUSA_CONFIG="$T/config"
KEY="PLANTED-$(od -An -N28 -tx1 /dev/urandom | tr -d ' \n')"  # 64 characters, as VirusTotal issues them
printf '[virustotal]\napi_key = %s\n' "$KEY" > "$T/config"
chmod 600 "$T/config"
demo_store
READ=$("$CHOUSA" -q token create --role read reader)
INV=$("$CHOUSA" -q token create --role investigate analyst)
ADMIN=$("$CHOUSA" -q token create --role admin boss)
OLD=$("$CHOUSA" -q token create --role admin leaver)
case "$READ" in chousa_*) ok token_created ;; *) not_ok token_created "$READ" ;; esac
check token_name_taken 3 "$CHOUSA" token create --role read reader
check token_bad_role 2 "$CHOUSA" token create --role root x
"$CHOUSA" token revoke leaver
check token_list 0 "$CHOUSA" token list
expect token_list_revoked "^[0-9]+ +leaver +admin .* revoked" "$T/out"
refute token_list_no_token "chousa_" "$T/out"
[ "$(sqlite3 "$CHOUSA_DB" "SELECT count(*) FROM tokens WHERE hash LIKE 'chousa_%'")" = 0 ] &&
	ok token_stored_as_hash || not_ok token_stored_as_hash "a token in the store"

# Reports are stamped with this (a STIX bundle's id is made from the
# stamp), here and in the server, so local and remote runs can be compared.
export SOURCE_DATE_EPOCH=1700000000
if serve_start; then ok server_starts; else
	not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; fi

# ---- without a token, health only ----
http GET /api/v1/health
status_is health_without_token 200
expect health_body '"status":"ok"' "$T/body"
http GET /api/v1/version
status_is version_needs_token 401
expect www_authenticate "WWW-Authenticate: Bearer" "$T/headers"
http GET "/api/v1/lookup?indicator=www.dnautik.com"
status_is lookup_needs_token 401
http GET /api/v1/version chousa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
status_is wrong_token_refused 401
expect wrong_token_says "unknown token" "$T/body"
http GET /api/v1/version "not-a-token"
status_is malformed_token_refused 401
http GET /api/v1/version "$OLD"
status_is revoked_token_refused 401
expect revoked_token_says "revoked token" "$T/body"
http GET /api/v1/tokens "$READ"
status_is low_role_refused 403
http POST /api/v1/investigate "$READ" '{"indicator":"www.dnautik.com","offline":false}'
status_is read_may_not_go_online 403
http POST /api/v1/investigate "$READ" '{"indicator":"www.dnautik.com","refresh":true}'
status_is read_may_not_refresh 403
http GET /api/v1/version "$READ"
status_is version_with_token 200
expect version_role '"role":"read"' "$T/body"

# ---- the same documents as the CLI ----
export CHOUSA_SERVER_KEY="$INV"
# Ages are still measured against the clock, so a pair of runs that
# straddles a boundary is run once more.
run_pair() {
	"$CHOUSA" "$@" > "$T/l.out" 2> "$T/l.err"
	ls=$?
	"$CHOUSA" --server "$URL" "$@" > "$T/r.out" 2> "$T/r.err"
	rs=$?
	[ "$ls" = "$rs" ] && cmp -s "$T/l.out" "$T/r.out" &&
	    cmp -s "$T/l.err" "$T/r.err"
}
same_run() {
	name=$1
	shift
	if run_pair "$@" || run_pair "$@"; then ok "$name (exit $ls)"; else
		not_ok "$name" "exit $ls/$rs; $(diff "$T/l.out" "$T/r.out" | head -n 4 | tr '\n' '|') $(diff "$T/l.err" "$T/r.err" | head -n 3 | tr '\n' '|')"
	fi
}
same_run client_lookup_text lookup www.dnautik.com 162.243.103.246 'not an ioc' 192.0.2.1
same_run client_lookup_json lookup --json www.dnautik.com 162.243.103.246 8.8.8.8
# More warnings than an answer has headers for: the CLI still says each.
same_run client_lookup_ten_warnings lookup 'no ioc 1' 'no ioc 2' 'no ioc 3' \
    'no ioc 4' 'no ioc 5' 'no ioc 6' 'no ioc 7' 'no ioc 8' 'no ioc 9' \
    'no ioc 10' www.dnautik.com
printf 'www.dnautik.com\n# a comment\n\n162.243.103.246\n' > "$T/list.txt"
"$CHOUSA" lookup - < "$T/list.txt" > "$T/l.out" 2>&1
"$CHOUSA" --server "$URL" lookup - < "$T/list.txt" > "$T/r.out" 2>&1
cmp -s "$T/l.out" "$T/r.out" && ok client_lookup_stdin || not_ok client_lookup_stdin "$(diff "$T/l.out" "$T/r.out" | head -n 3)"
# Warnings fall between the outputs where they fall locally, also in one
# stream (2>&1: stdout's buffer is flushed at the same bytes): the first
# after some of the output.
same_between() {
	name=$1
	input=$2
	shift 2
	"$CHOUSA" "$@" < "$input" > "$T/l.out" 2> "$T/l.err"
	ls=$?
	"$CHOUSA" --server "$URL" "$@" < "$input" > "$T/r.out" 2> "$T/r.err"
	rs=$?
	if [ "$ls" = "$rs" ] && cmp -s "$T/l.out" "$T/r.out" &&
	    cmp -s "$T/l.err" "$T/r.err"; then ok "$name (exit $ls)"; else
		not_ok "$name" "exit $ls/$rs; $(cmp "$T/l.out" "$T/r.out") $(cmp "$T/l.err" "$T/r.err")"
	fi
	"$CHOUSA" "$@" < "$input" > "$T/l.out" 2>&1
	"$CHOUSA" --server "$URL" "$@" < "$input" > "$T/r.out" 2>&1
	at=$(grep -bo "chousa: 'no ioc 1'" "$T/l.out" | cut -d: -f1)
	if cmp -s "$T/l.out" "$T/r.out" && [ "${at:-0}" -gt 0 ]; then
		ok "${name}_merged (at byte $at)"
	else
		not_ok "${name}_merged" "at byte ${at:-?}: $(cmp "$T/l.out" "$T/r.out")"
	fi
}
# Both frames, as a client asks: 1 (older clients) and 2.
http GET "/api/v1/lookup?indicator=no+ioc&format=json&cli=1" "$READ"
printf 'chousa/1 3\nW %s\n\n[]\n' "'no ioc' is not an indicator" > "$T/want"
cmp -s "$T/body" "$T/want" && ok cli_frame_1 || not_ok cli_frame_1 "$(head -c 200 "$T/body")"
http GET "/api/v1/lookup?indicator=no+ioc&format=json&cli=1&frame=2" "$READ"
printf 'chousa/2 3\nO 1\n[W %s\nO 2\n]\n' "'no ioc' is not an indicator" > "$T/want"
cmp -s "$T/body" "$T/want" && ok cli_frame_2 || not_ok cli_frame_2 "$(head -c 200 "$T/body")"
{ i=1; while [ $i -le 150 ]; do echo "45.2.0.$i"; i=$((i + 1)); done
  echo 'no ioc 1'
  i=1; while [ $i -le 100 ]; do echo "45.3.0.$i"; i=$((i + 1)); done
  echo 'no ioc 2'; } > "$T/many.txt"
same_between client_lookup_warning_between "$T/many.txt" lookup -
same_between client_investigate_warning_between /dev/null investigate \
    --offline --json www.dnautik.com 162.243.103.246 'no ioc 1' 8.8.8.8 \
    'no ioc 2'
same_run client_sources sources
same_run client_sources_json sources --json
same_run client_extract_tsv extract "$TESTS/../demo/README.md"
same_run client_extract_json extract --json --defang --unique --types url,domain "$TESTS/../demo/urlhaus.csv"
same_run client_investigate_text investigate --offline 'www[.]dnautik[.]com' 8.8.8.8
same_run client_investigate_json investigate --offline --format json www.dnautik.com 162.243.103.246
same_run client_investigate_md investigate --offline --format md --depth 1 www.dnautik.com
same_run client_investigate_extract investigate --offline --extract 'see hxxp://www[.]dnautik[.]com/x from 10.1.1.1'
same_run client_investigate_bad investigate --offline not_an_indicator
same_run client_investigate_file investigate --offline -f "$T/list.txt"
printf 'see hxxp://www[.]dnautik[.]com/x from 10.1.1.1\n' > "$T/note.txt"
same_run client_investigate_extract_file investigate --offline --extract "$T/note.txt"
# An e-mail: its recipients and reference sites left out (named in the
# table, or counted in a warning without one) unless --all.
MAIL="$TESTS/data/investigate/alert-mail.eml"
same_run client_investigate_extract_mail investigate --offline --extract "$MAIL"
same_run client_investigate_extract_mail_all investigate --offline --extract --all "$MAIL"
same_run client_investigate_extract_mail_brief investigate --offline --extract --brief "$MAIL"
same_run client_investigate_extract_mail_all_brief investigate --offline --extract --all --brief "$MAIL"
same_run client_investigate_extract_mail_json investigate --offline --extract --json "$MAIL"
same_run client_investigate_extract_mail_json_all investigate --offline --extract --json --all "$MAIL"
same_run client_investigate_extract_mail_json_brief investigate --offline --extract --json --brief "$MAIL"
same_run client_investigate_extract_mail_md investigate --offline --extract --format md "$MAIL"
same_run client_investigate_extract_only_left_out investigate --offline --extract 'background: https://attack.mitre.org/software/S0367/'
"$CHOUSA" investigate --offline --extract --json - < "$MAIL" > "$T/l.out" 2> "$T/l.err"
"$CHOUSA" --server "$URL" investigate --offline --extract --json - < "$MAIL" > "$T/r.out" 2> "$T/r.err"
cmp -s "$T/l.out" "$T/r.out" && cmp -s "$T/l.err" "$T/r.err" && grep -q "4 indicators left out" "$T/r.err" &&
	ok client_investigate_extract_mail_stdin || not_ok client_investigate_extract_mail_stdin "$(diff "$T/l.err" "$T/r.err" | head -n 3)"
same_run client_investigate_json_flag investigate --offline --json www.dnautik.com
same_run client_investigate_brief investigate --offline --brief www.dnautik.com 162.243.103.246 8.8.8.8
# -v: each source's finding listed, as locally.
same_run client_investigate_verbose investigate -v --offline www.dnautik.com 8.8.8.8
same_run client_investigate_brief_one investigate --offline --brief www.dnautik.com
same_run client_investigate_brief_md investigate --offline --brief --format md www.dnautik.com 8.8.8.8
same_run client_investigate_width investigate --offline --width 40 www.dnautik.com 162.243.103.246
same_run client_investigate_width_0 investigate --offline --width 0 www.dnautik.com
export COLUMNS=60
same_run client_investigate_columns investigate --offline www.dnautik.com
unset COLUMNS
same_run client_investigate_tlp investigate --offline --tlp amber+strict www.dnautik.com
same_run client_investigate_tlp_md investigate --offline --format md --tlp green www.dnautik.com 8.8.8.8
same_run client_investigate_tlp_stix investigate --offline --format stix --tlp red www.dnautik.com
check client_investigate_bad_tlp 2 "$CHOUSA" --server "$URL" investigate --offline --tlp purple www.dnautik.com
http POST /api/v1/investigate "$READ" '{"indicator":"www.dnautik.com","tlp":"purple"}'
status_is api_investigate_bad_tlp_400 400
http POST /api/v1/investigate "$READ" '{"indicator":"www.dnautik.com","width":-1}'
status_is api_investigate_bad_width_400 400
check client_unknown_source 2 "$CHOUSA" --server "$URL" investigate --offline --sources nosuch x.example
expect client_unknown_source_says "unknown source" "$T/err"
check client_check_is_local 2 "$CHOUSA" --server "$URL" sources --check
# The option after the command, and the config's [server] url.
check client_option_after_command 1 "$CHOUSA" lookup --server "$URL" www.dnautik.com
CHOUSA_SERVER_URL="$URL" "$CHOUSA" lookup www.dnautik.com > "$T/cfg.out" 2>&1
[ $? = 1 ] && ok client_server_from_config || not_ok client_server_from_config "$(head -c 200 "$T/cfg.out")"
# A read token: investigations without --offline read the store only.
"$CHOUSA" investigate --offline www.dnautik.com > "$T/l.out" 2>&1
CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$URL" investigate www.dnautik.com > "$T/r.out" 2>&1
cmp -s "$T/l.out" "$T/r.out" && ok read_token_runs_offline || not_ok read_token_runs_offline "$(diff "$T/l.out" "$T/r.out" | head -n 3)"
CHOUSA_SERVER_KEY=chousa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA check client_wrong_token 3 "$CHOUSA" --server "$URL" lookup x.example
expect client_wrong_token_says "unknown token" "$T/err"
check client_no_server 4 "$CHOUSA" --server http://127.0.0.1:9 lookup x.example

# ---- requests and their answers ----
http POST /api/v1/lookup "$READ" '{"indicators":["www.dnautik.com","8.8.8.8"]}'
status_is lookup_post 200
expect lookup_exit_header "Chousa-Exit: 1" "$T/headers"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d)==2 and d[0]["malicious"]' "$T/body" &&
	ok lookup_post_json || not_ok lookup_post_json "$(head -c 200 "$T/body")"
http POST /api/v1/lookup "$READ" '{"indicators":["no ioc 1","no ioc 2","no ioc 3","no ioc 4","no ioc 5","no ioc 6","no ioc 7","no ioc 8","no ioc 9","no ioc 10"]}'
[ "$(grep -c '^Chousa-Warning: ' "$T/headers")" = 8 ] &&
	ok lookup_warning_headers_capped ||
	not_ok lookup_warning_headers_capped "$(grep -c '^Chousa-Warning: ' "$T/headers") headers"
expect lookup_last_warning_counts_the_rest "^Chousa-Warning: .*ioc 8.* \\(and 2 more\\)" "$T/headers"
http POST /api/v1/lookup "$READ" '{"indicators":"www.dnautik.com"}'
status_is lookup_wrong_type 400
http POST /api/v1/lookup "$READ" '{"indicators":[1,2]}'
status_is lookup_not_strings 400
http POST /api/v1/lookup "$READ" '{"indicators":['
status_is lookup_bad_json 400
http POST /api/v1/extract "$READ" 'mail from hxxp://evil[.]example/a and 1.2.3.4' text/plain
status_is extract_raw 200
expect extract_raw_found '"value":"http://evil.example/a"' "$T/body"
http POST /api/v1/extract "$READ" '{"text":"x 1.2.3.4 y","format":"tsv"}'
status_is extract_json_body 200
expect extract_tsv "^ipv4	1.2.3.4$" "$T/body"
# A NUL inside a JSON string: a text is read whole, past it, as a raw
# body is; a short string (an indicator, a name) that it would cut short
# unseen is refused, as is a query parameter holding one (%00).
http POST /api/v1/extract "$READ" '{"text":"x\u0000 then 1.2.3.4 y","format":"tsv"}'
status_is extract_text_past_nul 200
expect extract_found_past_nul "^ipv4	1.2.3.4$" "$T/body"
http POST /api/v1/investigate "$READ" '{"text":"hidden\u0000 www.dnautik[.]com","offline":true,"format":"json"}'
status_is investigate_text_past_nul 200
expect investigate_found_past_nul '"input":"www\.dnautik\.com"' "$T/body"
http POST /api/v1/lookup "$READ" '{"indicator":"1.2.3.4\u0000x"}'
status_is indicator_nul_400 400
expect indicator_nul_said "without NUL characters" "$T/body"
http POST /api/v1/lookup "$READ" '{"indicators":["ok.example","1.2.3.4\u0000x"]}'
status_is indicators_nul_400 400
http POST /api/v1/tokens "$ADMIN" '{"name":"x\u0000y","role":"read"}'
status_is token_name_nul_400 400
expect token_name_nul_said "'name' holds a NUL character" "$T/body"
http GET "/api/v1/lookup?indicator=1.2.3.4%00x" "$READ"
status_is query_value_nul_400 400
expect query_value_nul_said "a query parameter holds a NUL character" "$T/body"
http GET "/api/v1/investigate?indicator=www.dnautik.com&format%00x=html" "$READ"
status_is query_key_nul_400 400
http GET "/api/v1/investigate?indicator=www.dnautik.com&format=html" "$READ"
status_is investigate_html 200
expect investigate_html_type "Content-Type: text/html" "$T/headers"
http DELETE /api/v1/lookup "$READ"
status_is wrong_method 405
http GET /api/v1/nothing "$READ"
status_is unknown_path 404

# ---- administration ----
http POST /api/v1/tokens "$ADMIN" '{"name":"api-made","role":"read"}'
status_is admin_creates_token 201
NEW=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$T/body")
http GET /api/v1/version "$NEW"
status_is new_token_works 200
http DELETE /api/v1/tokens/api-made "$ADMIN"
status_is admin_revokes_token 200
http GET /api/v1/version "$NEW"
status_is revoked_at_once 401
# Revoked by another process between two requests of one keep-alive
# connection, which the same HTTP thread answers: refused at once too.
LATE=$("$CHOUSA" -q token create --role read late)
python3 - "$URL" "$LATE" "$CHOUSA" > "$T/late.check" 2>&1 <<'PY'
import http.client, subprocess, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
def ask(post=False):
    h = {"Authorization": "Bearer " + sys.argv[2]}
    if post:
        h["Content-Type"] = "application/json"
        c.request("POST", "/api/v1/lookup", body='{"indicators":["x.example"]}', headers=h)
    else:
        c.request("GET", "/api/v1/version", headers=h)
    r = c.getresponse()
    r.read()
    return r.status
# GETs and POSTs: each keeps the token it let in.
before = [ask(i % 2) for i in range(6)]
subprocess.run([sys.argv[3], "-q", "token", "revoke", "late"], check=True)
after = [ask(1), ask(), ask(1), ask()]
print(before, after)
sys.exit(0 if before == [200] * 6 and after == [401] * 4 else 1)
PY
[ $? = 0 ] && ok revoked_elsewhere_at_once || not_ok revoked_elsewhere_at_once "$(cat "$T/late.check")"
# The same for data: a GET sees an import that another process committed
# before it, though its thread kept the read snapshot of the GETs before.
echo "fresh-elsewhere.example.net" > "$T/fresh.txt"
python3 - "$URL" "$READ" "$CHOUSA" "$T/fresh.txt" > "$T/fresh.check" 2>&1 <<'PY'
import http.client, json, subprocess, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
def ask():
    c.request("GET", "/api/v1/lookup?indicator=fresh-elsewhere.example.net",
              headers={"Authorization": "Bearer " + sys.argv[2]})
    r = c.getresponse()
    d = json.loads(r.read())
    return bool(d[0]["records"])
before = [ask() for _ in range(5)]
subprocess.run([sys.argv[3], "-q", "import", "list", sys.argv[4]], check=True,
               stdout=subprocess.DEVNULL)
after = [ask() for _ in range(3)]
print(before, after)
sys.exit(0 if before == [False] * 5 and after == [True] * 3 else 1)
PY
[ $? = 0 ] && ok import_elsewhere_seen_at_once || not_ok import_elsewhere_seen_at_once "$(cat "$T/fresh.check")"
http GET /api/v1/tokens "$ADMIN"
status_is admin_lists_tokens 200
refute token_list_has_no_secret "chousa_|[0-9a-f]{64}" "$T/body"
"$CHOUSA" token list --json > "$T/tokens.cli" 2> /dev/null
# But for the last uses, which the server knows before its store does.
sed -E 's/,"last_used_at":[^,]*,"last_used_from":[^}]*//g' "$T/body" > "$T/tokens.api"
sed -i -E 's/,"last_used_at":[^,]*,"last_used_from":[^}]*//g' "$T/tokens.cli"
cmp -s "$T/tokens.api" "$T/tokens.cli" && ok token_list_same_as_cli ||
	not_ok token_list_same_as_cli "$(head -c 200 "$T/body")"

# A hundred long inputs: their audit line is still one JSON object.
python3 -c 'import json; print(json.dumps({"indicators": ["http://x.example/" + "a" * 1000 + str(i) for i in range(100)]}))' > "$T/long.json"
http POST /api/v1/lookup "$READ" "$(cat "$T/long.json")"
status_is lookup_long_inputs 200
# An agent's look-up over MCP: its line has the tool and the method.
http POST /mcp "$READ" '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"lookup","arguments":{"indicators":["www.dnautik.com"]}}}'
status_is mcp_lookup_200 200

# ---- the audit log ----
sleep 0.2
python3 - "$T/audit.log" > "$T/audit.check" 2>&1 <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
refused = [l for l in lines if l["refused"]]
reasons = {l["refused"] for l in refused}
for want in ("unknown token", "malformed token", "revoked token"):
    assert want in reasons, (want, reasons)
assert any(l["status"] == 403 and l["who"] == "reader" for l in lines)
assert any(l["status"] == 401 and l["who"] is None for l in lines)
ok = [l for l in lines if l["what"] == "lookup" and l["status"] == 200]
assert ok and ok[0]["inputs"] and ok[0]["who"], ok[:1]
assert any(l["what"] == "investigate" and l["verdict"] for l in lines)
long = [l for l in lines if l["n_inputs"] == 100]
assert long and len(long[0]["inputs"]) == 100, len(long)
# How long each took in the server: a number of ms, a lookup's short.
assert all(isinstance(l["duration_ms"], (int, float)) and l["duration_ms"] >= 0 for l in lines)
assert any(0 < l["duration_ms"] < 10000 for l in ok), [l["duration_ms"] for l in ok[:3]]
print("ok", len(lines))
PY
[ $? = 0 ] && ok "audit_log_records_refusals ($(cat "$T/audit.check"))" || not_ok audit_log_records_refusals "$(tail -n 2 "$T/audit.check")"
# Every line has the shape docs/json.md gives.
python3 "$TESTS/cli/json-shapes-check.py" "$TESTS/../docs/json.md" \
    "$TESTS/../docs/openapi.json" "Audit log line=$T/audit.log" \
    > "$T/audit.shape" 2>&1
grep -q "^ok - json_shape_audit_log_line" "$T/audit.shape" &&
	ok audit_line_shape_documented ||
	not_ok audit_line_shape_documented "$(grep audit "$T/audit.shape" | head -c 300)"
for f in "$T/audit.log" "$T/serve.log"; do
	for t in "$READ" "$INV" "$ADMIN" "$OLD" "$NEW" "$KEY"; do
		if grep -qF "$t" "$f"; then not_ok secret_not_logged "$(basename "$f") holds a secret"; break 2; fi
	done
done
ok secrets_not_logged
serve_stop

# ---- keys never in any answer ----
if grep -rlF "$KEY" "$T"/*.out "$T"/body 2> /dev/null | grep -q .; then
	not_ok key_in_no_answer "$(grep -rlF "$KEY" "$T" | head -n 3)"; else ok key_in_no_answer; fi

# ---- rate limits and rotation ----
printf '[server]\nrate = 6\nburst = 3\n' > "$T/config2"
chmod 600 "$T/config2"
export CHOUSA_CONFIG="$T/config2"
serve_start --audit-max 600 --audit-keep 2 || not_ok second_server_starts "$(head -c 300 "$T/serve.log")"
export CHOUSA_CONFIG="$T/config"
n429=0
for i in 1 2 3 4 5 6; do
	http GET /api/v1/version "$READ"
	[ "$(cat "$T/status")" = 429 ] && n429=$((n429 + 1)) &&
		cp "$T/headers" "$T/headers-429"
done
[ $n429 -ge 2 ] && ok "rate_limit_per_token ($n429 of 6 refused)" || not_ok rate_limit_per_token "$n429 refused"
expect rate_limit_retry_after "Retry-After: [0-9]+" "$T/headers-429"
http GET /api/v1/version "$INV"
status_is rate_limit_is_per_token 200
serve_stop
[ -f "$T/audit.log.1" ] && [ ! -f "$T/audit.log.3" ] && ok audit_rotates ||
	not_ok audit_rotates "$(ls "$T" | grep audit)"

# The audit log's writer gathers lines for a moment; a clean stop right
# after the requests still writes every one of them.
rm -f "$T"/audit.log*
serve_start || not_ok audit_server_starts "$(head -c 300 "$T/serve.log")"
python3 - "$URL" "$READ" "$SERVER_PID" > "$T/drain.out" 2>&1 <<'PY'
import os, signal, sys
from serve_http import request
for i in range(200):
    try:
        request(sys.argv[1], "/api/v1/lookup?indicator=drain%d.example" % i, sys.argv[2]).read()
    except Exception as e:  # a 429 past the burst is audited as well
        pass
# At once, while the last lines wait in the writer's queue.
os.kill(int(sys.argv[3]), signal.SIGTERM)
PY
serve_stop
n=$(wc -l < "$T/audit.log" 2> /dev/null | tr -d " ")
[ "$n" = 200 ] && ok "audit_stop_writes_every_line ($n)" ||
	not_ok audit_stop_writes_every_line "$n of 200 lines; $(head -c 200 "$T/drain.out")"

# ---- query booleans, and hostile strings in JSON answers and the log ----
# The query reads yes and no as the config file does; anything else is a
# 400.  A feed string and a request input with a quote, a backslash,
# control bytes and invalid UTF-8 (a stray byte, an overlong, a surrogate)
# come out as valid JSON, in the MCP result (over HTTP and stdio) and in
# the audit line.
# The feed string is a URLhaus tag (a user's own --tag is refused with a
# control in it, test-robust-hostile).
HOSTILE=$(printf 'q""b\\c\001\033\377\300\200\355\240\200<x>')
{ printf '# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n'
  printf '"9000009","2026-08-18 16:17:08","http://hostile-json.example.org/","online","2026-08-18 16:17:08","malware_download","%s","https://urlhaus.abuse.ch/url/9000009/","r"\n' "$HOSTILE"
} > "$T/hostile.csv"
"$CHOUSA" -q import urlhaus "$T/hostile.csv" > /dev/null 2>&1
: > "$T/audit.log"
serve_start || not_ok third_server_starts "$(head -c 300 "$T/serve.log")"
for v in 1 yes TRUE On; do
	http POST "/api/v1/extract?unique=$v" "$READ" '1.2.3.4 1.2.3.4' text/plain
	[ "$(cat "$T/status") $(wc -l < "$T/body")" = "200 1" ] && ok "query_bool_yes_$v" ||
		not_ok "query_bool_yes_$v" "$(cat "$T/status") $(head -c 200 "$T/body")"
done
for v in 0 no No off FALSE; do
	http POST "/api/v1/extract?unique=$v" "$READ" '1.2.3.4 1.2.3.4' text/plain
	[ "$(cat "$T/status") $(wc -l < "$T/body")" = "200 2" ] && ok "query_bool_no_$v" ||
		not_ok "query_bool_no_$v" "$(cat "$T/status") $(head -c 200 "$T/body")"
done
http GET "/api/v1/investigate?text=see+1.2.3.4&all=maybe" "$READ"
status_is query_bool_maybe_400 400
expect query_bool_maybe_says "'all' must be yes or no.*'maybe'" "$T/body"
http GET "/api/v1/investigate?indicator=1.2.3.4&no_defang=%22%5C%01%FF" "$READ"
status_is query_no_defang_bad_400 400
expect query_no_defang_bad_error '^\{"error":' "$T/body"
http GET "/report?q=1.2.3.4&online=maybe" "$READ"
status_is web_flag_maybe_400 400
# A report page's CSP allows its own style block, by its hash.
http GET "/report?q=1.2.3.4" "$READ"
python3 - "$T/body" "$T/headers" <<'PY' && ok web_report_csp_hash ||
import base64, hashlib, re, sys
style = re.search(rb"<style>(.*?)</style>", open(sys.argv[1], "rb").read(), re.S)
want = base64.b64encode(hashlib.sha256(style.group(1)).digest()).decode()
assert "'sha256-%s'" % want in open(sys.argv[2]).read(), want
PY
	not_ok web_report_csp_hash "$(grep -i content-security "$T/headers")"
http GET "/api/v1/lookup?indicator=%22%5C%01%1B%FF%C0%80%ED%A0%80x" "$READ"
http GET "/api/v1/%22%5C%01%FF%ED%A0%80" "$READ"
status_is hostile_path_404 404
http POST /mcp "$READ" '{"jsonrpc":"2.0","id":"q\"\\\u0001","method":"tools/call","params":{"name":"lookup","arguments":{"indicators":["hostile-json.example.org"]}}}'
cp "$T/body" "$T/mcp-http.json"
printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"investigate","arguments":{"indicators":["hostile-json.example.org"]}}}' |
    "$CHOUSA" mcp > "$T/mcp-stdio.json" 2> /dev/null
serve_stop
python3 - "$T/mcp-http.json" "$T/mcp-stdio.json" "$T/audit.log" > "$T/hostile.check" 2>&1 <<'PY'
import json, sys
def load(path):
    # Strict: invalid UTF-8 or a raw control byte is an error.
    return [json.loads(l.decode("utf-8")) for l in open(path, "rb") if l.strip()]
want = 'q"b\\c\x01\x1b\ufffd'
(h,) = load(sys.argv[1])
assert h["id"] == 'q"\\\x01', h["id"]
sc = h["result"]["structuredContent"]
tags = sc["untrusted_data"][0]["records"][0]["tags"]
assert tags[0].startswith(want) and tags[0].endswith("<x>"), tags
assert "q\"b" not in h["result"]["content"][0]["text"]
(s,) = load(sys.argv[2])
rep = s["result"]["structuredContent"]["untrusted_data"]["reports"][0]
assert any(t.startswith(want) for st in rep["stages"] for f in st["findings"]
    for t in f["labels"]), "no hostile label"
lines = load(sys.argv[3])
lk = [l for l in lines if l["what"] == "lookup"]
assert lk and lk[0]["inputs"][0].startswith('"\\\x01\x1b\ufffd'), lk
assert any(l["status"] == 404 and l["path"].startswith('/api/v1/"\\\x01') for l in lines)
assert any(l["status"] == 400 and "'no_defang'" in (l["refused"] or "") and
    '"\\\x01' in l["refused"] for l in lines)
print("ok", len(lines))
PY
[ $? = 0 ] && ok "hostile_strings_valid_json ($(cat "$T/hostile.check"))" ||
	not_ok hostile_strings_valid_json "$(tail -n 3 "$T/hostile.check" | tr '\n' ' ')"

# ---- TLS ----
if openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" \
    -out "$T/cert.pem" -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 > /dev/null 2>&1; then
	serve_start --tls-cert "$T/cert.pem" --tls-key "$T/key.pem"
	printf '[http]\nca_file = %s\n' "$T/cert.pem" > "$T/config3"
	chmod 600 "$T/config3"
	check tls_client 1 env CHOUSA_CONFIG="$T/config3" "$CHOUSA" --server "https://127.0.0.1:$PORT" lookup www.dnautik.com
	expect tls_client_answer "records?, malicious" "$T/out"
	curl -s --cacert "$T/cert.pem" -D "$T/tls.h" -o /dev/null "https://127.0.0.1:$PORT/api/v1/health"
	expect tls_hsts '^Strict-Transport-Security: max-age=31536000' "$T/tls.h"
	check tls_plain_refused 4 "$CHOUSA" --server "http://127.0.0.1:$PORT" lookup www.dnautik.com
	serve_stop
else
	ok "tls_client # SKIP no openssl"
fi

# ---- a warning on the edge of stdout's buffer ----
# 128 records of 32 bytes fill a 4096-byte stdout buffer exactly before
# the warning: locally the buffer is full and not yet flushed, so with
# 2>&1 the warning comes first.  The frame gives the local command's last
# write before a warning as a record of its own, so the CLI's buffer is
# in the same state there.
serve_start || not_ok edge_server_starts "$(head -c 300 "$T/serve.log")"
python3 -c '
ips = ["45.%d.%d.%d" % (a, b, c) for a in range(1, 10) for b in range(10)
       for c in range(1, 10)]
print("\n".join(ips[:128] + ["no ioc 1"] + ips[128:140]))' > "$T/edge.txt"
"$CHOUSA" lookup - < "$T/edge.txt" > "$T/l.out" 2>&1
"$CHOUSA" --server "$URL" lookup - < "$T/edge.txt" > "$T/r.out" 2>&1
at=$(grep -bo "chousa: 'no ioc 1'" "$T/l.out" | cut -d: -f1)
if cmp -s "$T/l.out" "$T/r.out"; then
	ok "client_warning_on_buffer_edge (at byte $at)"
else
	not_ok client_warning_on_buffer_edge "locally at byte $at, remotely at $(grep -bo "chousa: 'no ioc 1'" "$T/r.out" | cut -d: -f1)"
fi
serve_stop
