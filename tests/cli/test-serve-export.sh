#!/bin/sh
# test-serve-export.sh: GET /api/v1/export (src/serve/api_export.c), the
# store's indicators as `chousa export` writes them, for the engines that
# pull a feed from the team server.
#  1. zeek-intel, stix and rpz from the server are byte for byte the local
#     export of the same store (SOURCE_DATE_EPOCH fixes both stamps), with
#     the media type, a download name and the summary in headers.
#  2. A format that writes a directory: without file= a 400 naming its
#     files; with it, that file's bytes as the local export wrote them; a
#     file it did not write is a 404; one that names the server's own
#     paths (suricata.yaml) is refused.
#  3. types, family and min_confidence narrow the export exactly as the
#     CLI's options do, and the left-out counts say why.
#  4. ETag: the same store and query give the same one, If-None-Match
#     gets a 304 with no body, another query another ETag.
#  5. Refusals: no token (401), no or an unknown format, a bad
#     min_confidence, since or include_benign, delta, a path as file
#     (400); nothing is left in TMPDIR; the audit log names the export.
#  6. [server] background_jobs = 1 held by a sweep whose upload is still
#     coming: an export is a 503 with Retry-After, and runs once it ends.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

export SOURCE_DATE_EPOCH=1700000000
serve_up '[server]\nrate = 0\nbackground_jobs = 1\n' read siem

# get QUERY: GET /api/v1/export?QUERY with the token.
get() { http GET "/api/v1/export?$1" "$TOKEN"; }
# header NAME: the value of the last answer's header NAME.
header() {
	grep -i "^$1:" "$T/headers" | head -n 1 | sed 's/^[^:]*: *//' | tr -d '\r'
}
# same_bytes NAME FILE: the last answer's body is FILE, byte for byte.
same_bytes() {
	if [ -s "$2" ] && cmp -s "$T/body" "$2"; then ok "$1"; else
		not_ok "$1" "$(cat "$T/status") $(wc -c < "$T/body") bytes, local $(wc -c < "$2" 2> /dev/null) bytes: $(cmp "$T/body" "$2" 2>&1 | head -c 200)"
	fi
}
# is NAME GOT WANT
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "'$2', want '$3'"; fi
}

# ---- 1. one-file formats, byte for byte ----
for f in zeek-intel:chousa.intel stix:chousa.stix.json rpz:chousa.rpz; do
	fmt=${f%%:*} name=${f#*:}
	"$CHOUSA" -q export --format "$fmt" -o "$T/local.$fmt" 2> "$T/err"
	get "format=$fmt"
	status_is "export_${fmt}_answers" 200
	same_bytes "export_${fmt}_is_the_local_export" "$T/local.$fmt"
	is "export_${fmt}_download_name" "$(header Content-Disposition)" \
	    "attachment; filename=\"$name\""
	is "export_${fmt}_exit" "$(header Chousa-Exit)" 0
done
get "format=zeek-intel"
is export_zeek_text_type "$(header Content-Type)" "text/plain; charset=utf-8"
is export_zeek_written "$(header Chousa-Export-Written)" \
    "$("$CHOUSA" export --format zeek-intel -o "$T/z2" 2>&1 |
	sed -n 's/.*: \([0-9]*\) of [0-9]* indicators written.*/\1/p')"
is export_zeek_last_modified "$(header Last-Modified)" \
    "Tue, 14 Nov 2023 22:13:20 GMT"
get "format=stix"
is export_stix_json_type "$(header Content-Type)" "application/json"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["type"] == "bundle"' \
    "$T/body" && ok export_stix_is_a_bundle || not_ok export_stix_is_a_bundle "$(head -c 200 "$T/body")"
get "format=rpz"
header Chousa-Export-Left-Out > "$T/lo"
expect export_rpz_left_out_types '^type=[0-9]+$' "$T/lo"

# ---- 2. formats that write a directory ----
"$CHOUSA" -q export --format ecs -o "$T/ecs" 2> /dev/null
"$CHOUSA" -q export --format misp-feed -o "$T/misp" 2> /dev/null
"$CHOUSA" -q export --format suricata -o "$T/suricata" 2> /dev/null
get "format=ecs"
status_is export_dir_without_file_is_400 400
expect export_dir_400_names_the_files 'chousa-ecs\.ndjson.*chousa-ecs-template\.json|chousa-ecs-template\.json.*chousa-ecs\.ndjson' "$T/body"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert sorted(d["files"]) == ["chousa-ecs-template.json", "chousa-ecs.ndjson"], d' \
    "$T/body" 2> "$T/py.err" && ok export_dir_400_files_member || not_ok export_dir_400_files_member "$(tail -n 1 "$T/py.err")"
get "format=ecs&file=chousa-ecs.ndjson"
status_is export_dir_file_answers 200
same_bytes export_dir_file_is_the_local_file "$T/ecs/chousa-ecs.ndjson"
is export_ecs_ndjson_type "$(header Content-Type)" "application/x-ndjson"
is export_dir_file_download_name "$(header Content-Disposition)" \
    'attachment; filename="chousa-ecs.ndjson"'
get "format=misp-feed&file=manifest.json"
same_bytes export_misp_manifest_is_the_local_one "$T/misp/manifest.json"
ev=$(ls "$T/misp" | grep -E '^[0-9a-f-]{36}\.json$' | head -n 1)
get "format=misp-feed&file=$ev"
same_bytes export_misp_event_is_the_local_one "$T/misp/$ev"
get "format=suricata&file=domains.lst"
same_bytes export_suricata_dataset_is_the_local_one "$T/suricata/domains.lst"
get "format=suricata&file=ips.jsonl"
same_bytes export_suricata_jsonl_is_the_local_one "$T/suricata/ips.jsonl"
get "format=suricata&file=no-such.lst"
status_is export_dir_unknown_file_is_404 404
expect export_404_names_the_files 'domains\.lst' "$T/body"
get "format=suricata&file=suricata.yaml"
status_is export_file_naming_server_paths_is_refused 400
refute export_refusal_leaks_no_path 'chousa-export\.' "$T/body"
expect export_refusal_says_deploy_dir 'deploy_dir=' "$T/body"
# With the directory the engine reads them from, as the CLI's --deploy-dir.
"$CHOUSA" -q export --format suricata -o "$T/suricata-d" \
    --deploy-dir /etc/suricata/chousa 2> /dev/null
get "format=suricata&file=suricata.yaml&deploy_dir=/etc/suricata/chousa"
status_is export_yaml_with_deploy_dir 200
same_bytes export_yaml_is_the_local_one "$T/suricata-d/suricata.yaml"
expect export_yaml_names_deploy_dir 'load: /etc/suricata/chousa/domains.lst' "$T/body"
get "format=clickhouse&file=dictionaries.sql&deploy_dir=/var/lib/clickhouse/user_files/chousa"
status_is export_sql_with_deploy_dir 200
expect export_sql_names_deploy_dir "path '/var/lib/clickhouse/user_files/chousa/" "$T/body"
get "format=suricata&file=suricata.yaml&deploy_dir=relative/dir"
status_is export_relative_deploy_dir_400 400
get "format=suricata&file=suricata.yaml&deploy_dir=/etc/x%0Ay"
status_is export_deploy_dir_newline_400 400

# ---- 3. filters, as the CLI's ----
for q in "zeek-intel:types=domain:--types domain" \
    "csv:family=emotet:--family emotet" \
    "csv:min_confidence=50:--min-confidence 50" \
    "txt:types=url,ip&min_confidence=0:--types url,ip --min-confidence 0"; do
	fmt=${q%%:*} rest=${q#*:}
	query=${rest%%:*} opts=${rest#*:}
	# shellcheck disable=SC2086
	"$CHOUSA" -q export --format "$fmt" $opts -o "$T/filtered" 2> "$T/err"
	"$CHOUSA" -q export --format "$fmt" -o "$T/all" 2> /dev/null
	get "format=$fmt&$query"
	name=$(echo "export_filter_${fmt}_$query" | tr -c 'a-z0-9_\n' _)
	same_bytes "$name" "$T/filtered"
	if [ "$(wc -l < "$T/filtered")" -lt "$(wc -l < "$T/all")" ]; then
		ok "${name}_narrows"
	else
		not_ok "${name}_narrows" "$(wc -l < "$T/filtered") lines of $(wc -l < "$T/all")"
	fi
done
get "format=csv&min_confidence=50"
header Chousa-Export-Left-Out > "$T/lo"
expect export_left_out_says_why '(^|,)confidence=[0-9]+' "$T/lo"

# ---- 4. ETag and 304 ----
get "format=zeek-intel&types=domain,url"
etag=$(header ETag)
echo "$etag" > "$T/etag"
expect export_has_an_etag '^"[0-9a-f]{16}"$' "$T/etag"
get "types=url,domain&format=zeek-intel"
is export_same_query_same_etag "$(header ETag)" "$etag"
get "format=zeek-intel&types=domain"
[ "$(header ETag)" != "$etag" ] && ok export_other_query_other_etag ||
	not_ok export_other_query_other_etag "$(header ETag)"
# inm QUERY ETAG: the status, the body's size and the ETag of a request
# with If-None-Match.
inm() {
	python3 - "$URL" "$TOKEN" "$1" "$2" <<'PY'
import sys, urllib.error, urllib.request
url, tok, q, etag = sys.argv[1:5]
req = urllib.request.Request(url + "/api/v1/export?" + q)
req.add_header("Authorization", "Bearer " + tok)
req.add_header("If-None-Match", etag)
try:
    r = urllib.request.urlopen(req, timeout=60)
    st, body, h = r.status, r.read(), r.headers
except urllib.error.HTTPError as e:
    st, body, h = e.code, e.read(), e.headers
print(st, len(body), h.get("ETag"))
PY
}
is export_if_none_match_is_304 "$(inm "format=zeek-intel&types=domain,url" "$etag")" "304 0 $etag"
is export_if_none_match_list_is_304 "$(inm "format=zeek-intel&types=domain,url" "\"0000000000000000\", W/$etag")" "304 0 $etag"
is export_stale_etag_is_200 "$(inm "format=zeek-intel&types=domain,url" '"0000000000000000"' | cut -d' ' -f1,3)" "200 $etag"
# An import changes the ETag, even within the second of the last one and
# with the stamp fixed (SOURCE_DATE_EPOCH): the store's generation is in it.
printf 'fresh-after-etag.example\n' > "$T/fresh.txt"
"$CHOUSA" -q import list --source-name fresh "$T/fresh.txt" > /dev/null 2>&1
set -- $(inm "format=zeek-intel&types=domain,url" "$etag")
[ "$1" = 200 ] && [ "$3" != "$etag" ] && ok export_import_changes_the_etag ||
	not_ok export_import_changes_the_etag "$*"

# ---- 5. refusals ----
http GET "/api/v1/export?format=zeek-intel"
status_is export_needs_a_token 401
for q in "nothing=1:no_format" "format=nope:unknown_format" \
    "format=rpz&min_confidence=abc:bad_min_confidence" \
    "format=rpz&min_confidence=101:min_confidence_over_100" \
    "format=rpz&since=yesterdayish:bad_since" \
    "format=rpz&active=0:bad_active" \
    "format=rpz&include_benign=maybe:bad_include_benign" \
    "format=rpz&types=ipx:bad_types" \
    "format=rpz&tlp=purple:bad_tlp" \
    "format=txt&delta=state:delta" \
    "format=rpz&file=chousa.rpz:file_of_a_one_file_format" \
    "format=splunk&file=../db:file_with_a_path" \
    "format=splunk&file=.hidden:dot_file" \
    "format=rpz&familly=emotet:misspelt_parameter"; do
	get "${q%:*}"
	status_is "export_refuses_${q##*:}" 400
done
get "format=nope"
expect export_unknown_format_names_the_formats 'zeek-intel.*suricata.*stix.*txt' "$T/body"
get "format=rpz&familly=emotet"
expect export_misspelt_parameter_named "unknown parameter 'familly'" "$T/body"
get "format=rpz&min_confidence=abc"
expect export_bad_number_says_the_range 'min_confidence.*0 to 100' "$T/body"
ls "$TMPDIR" | grep -q '^chousa-export\.' &&
	not_ok export_leaves_nothing_in_tmpdir "$(ls "$TMPDIR" | grep chousa-export | head -n 3)" ||
	ok export_leaves_nothing_in_tmpdir
sleep 0.3	# the audit writer gathers for 10 ms
expect export_audited '"what":"export".*"status":200.*"inputs":\["format=zeek-intel"\].*"verdict":"written:[0-9]+"' "$T/audit.log"
expect export_file_audited '"what":"export".*"inputs":\["format=ecs file=chousa-ecs.ndjson"\]' "$T/audit.log"
expect export_refusal_audited '"what":"export".*"status":400.*"refused":"unknown format' "$T/audit.log"

# ---- 6. background_jobs = 1, held by a sweep still uploading ----
python3 - "$URL" "$TOKEN" <<'PY' > "$T/busy" 2>&1
import http.client, sys, time, urllib.error, urllib.parse
from serve_http import request
url, tok = sys.argv[1], sys.argv[2]
u = urllib.parse.urlsplit(url)

def jobs():
    for line in request(url, "/metrics", tok).read().decode().splitlines():
        if line.startswith("chousa_background_jobs "):
            return float(line.split()[1])
    return None

def export():
    try:
        r = request(url, "/api/v1/export?format=txt", tok)
        return r.status, r.headers.get("Retry-After"), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Retry-After"), e.read()

conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
conn.putrequest("POST", "/api/v1/sweep?format=json")
conn.putheader("Authorization", "Bearer " + tok)
conn.putheader("Content-Type", "text/plain")
conn.putheader("Content-Length", str(1 << 20))
conn.endheaders()
conn.send(b"www.dnautik.com\n" * 64)
for _ in range(100):
    if jobs() == 1:
        break
    time.sleep(0.05)
if jobs() != 1:
    print("skip: the sweep holds no background job")
    sys.exit(0)
st, ra, body = export()
print("busy", st, "retry-after", ra)
conn.close()
for _ in range(200):
    if jobs() == 0:
        break
    time.sleep(0.05)
st, ra, body = export()
print("free", st)
PY
if grep -q '^skip' "$T/busy"; then
	ok "export_busy # SKIP $(head -n 1 "$T/busy")"
else
	expect export_busy_is_503_with_retry_after '^busy 503 retry-after [0-9]+$' "$T/busy"
	expect export_runs_once_free '^free 200$' "$T/busy"
fi
