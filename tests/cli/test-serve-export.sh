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
#     gets a 304 with no body, another query another ETag; so does
#     If-Modified-Since with the Last-Modified.
#  5. Refusals: no token (401), no or an unknown format, a bad
#     min_confidence, since or include_benign, delta, a path as file
#     (400); nothing is left in TMPDIR; the audit log names the export.
#  6. [server] background_jobs = 1 held by a sweep whose upload is still
#     coming: an export is a 503 with Retry-After, and runs once it ends.
#  7. chousa --server URL export: the local command's files (stdout, a
#     file, into a directory, split per type, a directory format), its
#     summary and exit status; suricata.yaml names the directory here;
#     refusals in the local words; filters that select nothing warn as
#     locally (Chousa-Warning); a hostile tar (a member climbing out,
#     a link, a name twice, cut short) changes nothing.
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

get "format=csv&sources=feodo,urlhuas"
status_is export_sources_typo_is_400 400
expect export_sources_typo_names_it "nothing from 'urlhuas'" "$T/body"

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
get "format=suricata&archive=tar"
status_is export_tar_naming_server_paths_is_refused 400
expect export_tar_refusal_says_where "in the tar names the directory .*deploy_dir=/absolute/path \(where the tar is unpacked\)" "$T/body"
get "format=suricata&archive=tar&deploy_dir=/etc/suricata/chousa"
status_is export_tar_with_deploy_dir 200
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
	cond "$1" If-None-Match "$2"
}
# cond QUERY HEADER VALUE [HEADER VALUE]: the same, with those headers.
cond() {
	python3 - "$URL" "$TOKEN" "$@" <<'PY'
import sys, urllib.error, urllib.request
url, tok, q = sys.argv[1:4]
req = urllib.request.Request(url + "/api/v1/export?" + q)
req.add_header("Authorization", "Bearer " + tok)
for i in range(4, len(sys.argv), 2):
    req.add_header(sys.argv[i], sys.argv[i + 1])
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
# If-Modified-Since, for a client that keeps dates alone (curl -z): the
# Last-Modified sent back gets a 304, an earlier date the whole answer;
# so do a date it cannot read, and a stale If-None-Match beside it (which
# comes first).
LM="Tue, 14 Nov 2023 22:13:20 GMT"
is export_if_modified_since_is_304 "$(cond "format=zeek-intel&types=domain,url" If-Modified-Since "$LM")" "304 0 $etag"
is export_if_modified_since_later_is_304 "$(cond "format=zeek-intel&types=domain,url" If-Modified-Since "Wed, 15 Nov 2023 00:00:00 GMT" | cut -d' ' -f1)" "304"
is export_if_modified_since_earlier_is_200 "$(cond "format=zeek-intel&types=domain,url" If-Modified-Since "Tue, 14 Nov 2023 22:13:19 GMT" | cut -d' ' -f1)" "200"
is export_if_modified_since_unreadable_is_200 "$(cond "format=zeek-intel&types=domain,url" If-Modified-Since "yesterday" | cut -d' ' -f1)" "200"
is export_if_none_match_comes_first "$(cond "format=zeek-intel&types=domain,url" If-Modified-Since "$LM" If-None-Match '"0000000000000000"' | cut -d' ' -f1)" "200"
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
# A refusal after the export ran (several files, none named) gives no
# verdict: nothing was sent.
grep '"inputs":\["format=ecs"\]' "$T/audit.log" | grep '"status":400' > "$T/ecs400"
expect export_listing_refusal_audited '"verdict":null.*"refused":"' "$T/ecs400"
refute export_listing_refusal_no_written 'written:' "$T/ecs400"

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

# ---- 7. chousa --server URL export ----
# The files the local command writes, byte for byte, in the same places
# (stdout, a file, into a directory, a directory of its own), with the
# same summary on stderr and exit status; a directory's files come in one
# tar and take their names together; what cannot be asked is refused as
# locally, and a hostile answer writes nothing.
export CHOUSA_SERVER_KEY="$TOKEN"
D=$(cd "$T" && pwd -P)
# same_export NAME LOCAL REMOTE: the trees (or files) are the same, and so
# are the stderr summaries (the paths aside) and the exit statuses.
same_export() {
	sed "s|$2|OUT|" "$T/l.err" > "$T/l.ecmp"
	sed "s|$3|OUT|" "$T/r.err" > "$T/r.ecmp"
	if [ "$le" = "$re" ] && diff -r "$2" "$3" > "$T/diff" 2>&1 &&
	    cmp -s "$T/l.ecmp" "$T/r.ecmp" && [ -s "$T/l.ecmp" ]; then
		ok "$1 (exit $le)"
	else
		not_ok "$1" "exit $le/$re; $(head -c 300 "$T/diff" | tr '\n' '|') $(diff "$T/l.ecmp" "$T/r.ecmp" | head -n 4 | tr '\n' '|')"
	fi
}
# both OUT OPTS...: the local export into $D/l.OUT and the server's into
# $D/r.OUT, stderr in $T/l.err and $T/r.err.
both() {
	o=$1; shift
	"$CHOUSA" export "$@" -o "$D/l.$o" > /dev/null 2> "$T/l.err"; le=$?
	"$CHOUSA" --server "$URL" export "$@" -o "$D/r.$o" > /dev/null 2> "$T/r.err"; re=$?
}
"$CHOUSA" export --format zeek-intel > "$T/l.out" 2> "$T/l.err"; le=$?
"$CHOUSA" --server "$URL" export --format zeek-intel > "$T/r.out" 2> "$T/r.err"; re=$?
same_export cli_export_stdout_same_as_local "$T/l.out" "$T/r.out"
both rpz --format rpz --types domain,url --min-confidence 50
same_export cli_export_file_and_filters_same_as_local "$D/l.rpz" "$D/r.rpz"
expect cli_export_summary_says_left_out 'left out [0-9]+: below --min-confidence \(' "$T/r.err"
mkdir "$D/l.zdir" "$D/r.zdir"
both zdir --format zeek-intel --active 36500
same_export cli_export_one_file_into_a_directory "$D/l.zdir" "$D/r.zdir"
mkdir "$D/l.csv" "$D/r.csv"
both csv --format csv
same_export cli_export_split_into_a_directory "$D/l.csv" "$D/r.csv"
for fmt in ecs misp-feed splunk stix; do
	both "$fmt" --format "$fmt" --tlp amber
	same_export "cli_export_${fmt}_same_as_local" "$D/l.$fmt" "$D/r.$fmt"
done
# suricata.yaml and the ClickHouse statements name their directory: the
# same path on both sides, as the engine reads it.
for fmt in suricata clickhouse; do
	"$CHOUSA" export --format "$fmt" -o "$D/$fmt" > /dev/null 2> "$T/l.err"; le=$?
	mv "$D/$fmt" "$D/l.$fmt"
	"$CHOUSA" --server "$URL" export --format "$fmt" -o "$D/$fmt" > /dev/null 2> "$T/r.err"; re=$?
	sed -i "s|$D/l.$fmt|$D/$fmt|" "$T/l.err"
	same_export "cli_export_${fmt}_names_this_directory" "$D/l.$fmt" "$D/$fmt"
done
expect cli_export_suricata_yaml_here "load: $D/suricata/domains.lst" "$D/suricata/suricata.yaml"
"$CHOUSA" --server "$URL" export --format suricata --deploy-dir /etc/suricata/chousa -o "$D/sd" 2> "$T/err"
expect cli_export_deploy_dir_given 'load: /etc/suricata/chousa/domains.lst' "$D/sd/suricata.yaml"
ls -A "$D/suricata" "$D/r.csv" | grep -q '\.tmp\.' &&
	not_ok cli_export_leaves_no_temporary_file "$(ls -A "$D/suricata" | head -n 3)" ||
	ok cli_export_leaves_no_temporary_file
check cli_export_quiet 0 "$CHOUSA" -q --server "$URL" export --format txt -o "$D/q.txt"
[ -s "$T/err" ] && not_ok cli_export_quiet_says_nothing "$(head -c 200 "$T/err")" || ok cli_export_quiet_says_nothing

# Filters that leave out everything: the local warning, word for word,
# after the summary and with -q too (a Chousa-Warning of the answer).
for q in "" -q; do
	# shellcheck disable=SC2086
	"$CHOUSA" $q export --format txt --family emotte > "$T/local.out" 2> "$T/local.err"; le=$?
	# shellcheck disable=SC2086
	"$CHOUSA" $q --server "$URL" export --format txt --family emotte > "$T/remote.out" 2> "$T/remote.err"; re=$?
	same_as_local "cli_export_selected_nothing${q}_same_as_local" 0 "$le" "$re"
	expect "cli_export_selected_nothing${q}_warned" "^chousa: the export selected nothing: its filters left out every indicator of the store$" "$T/remote.err"
done

# Refusals, with the local command's words and status.
for spec in "2:--format nope" "2:--format txt --delta $D/state" "2:--types ipx --format txt" \
    "2:--format txt --min-confidence 101" "2:" "2:--format txt extra"; do
	st=${spec%%:*} opts=${spec#*:}
	n=$(echo "cli_export_refuses_$opts" | tr -c 'a-z0-9_\n' _ | tr -s _)
	# shellcheck disable=SC2086
	check "$n" "$st" "$CHOUSA" --server "$URL" export $opts
	expect "${n}_says_why" '^chousa: |^usage' "$T/err"
done
check cli_export_dir_format_to_stdout 2 "$CHOUSA" --server "$URL" export --format suricata
expect cli_export_dir_format_to_stdout_says "writes a directory: give one with -o DIR" "$T/err"
# The server's refusal, framed: its words and status.
cp "$D/r.rpz" "$D/keep.rpz"
check cli_export_server_refusal 2 "$CHOUSA" --server "$URL" export --format rpz --tlp purple -o "$D/r.rpz"
expect cli_export_server_refusal_says "unknown TLP 'purple'" "$T/err"
cmp -s "$D/r.rpz" "$D/keep.rpz" && ok cli_export_refusal_keeps_the_file || not_ok cli_export_refusal_keeps_the_file "changed"
CHOUSA_SERVER_KEY=wrong check cli_export_wrong_token 3 "$CHOUSA" --server "$URL" export --format txt -o "$D/w.txt"
[ -e "$D/w.txt" ] && not_ok cli_export_wrong_token_writes_nothing "$D/w.txt" || ok cli_export_wrong_token_writes_nothing
serve_stop

# ---- 8. Last-Modified on the clock (no SOURCE_DATE_EPOCH) ----
unset SOURCE_DATE_EPOCH
serve_start || not_ok server_restarts "$(head -c 300 "$T/serve.log")"
# A date later than the server's clock is ignored: the whole answer.
is export_future_ims_is_200 "$(cond "format=txt" If-Modified-Since "Thu, 01 Jan 2099 00:00:00 GMT" | cut -d' ' -f1)" "200"
# No Last-Modified dates a change of the answer's own second: an import
# later in that second would carry the same date.
printf 'same-second.example\n' > "$T/same.txt"
"$CHOUSA" -q import list --source-name same "$T/same.txt" > /dev/null 2>&1
get "format=txt"
lm=$(header Last-Modified) date=$(header Date)
if [ -n "$lm" ] && [ "$lm" = "$date" ]; then
	not_ok export_no_last_modified_in_its_second "$lm"
else
	ok export_no_last_modified_in_its_second
fi
# A restore of an older copy is a change: a client holding the newer
# export is not told 304.
"$CHOUSA" -q db backup "$T/old.db" > /dev/null 2>&1
sleep 1
printf 'after-backup.example\n' > "$T/after.txt"
"$CHOUSA" -q import list --source-name after "$T/after.txt" > /dev/null 2>&1
sleep 1
get "format=txt"
lm=$(header Last-Modified)
echo "$lm" > "$T/lm"
expect export_last_modified_once_settled ' GMT$' "$T/lm"
is export_ims_before_restore_is_304 "$(cond "format=txt" If-Modified-Since "$lm" | cut -d' ' -f1)" "304"
check restore_older_copy 0 "$CHOUSA" -q db restore "$T/old.db"
is export_ims_after_restore_is_200 "$(cond "format=txt" If-Modified-Since "$lm" | cut -d' ' -f1)" "200"
sleep 1
get "format=txt"
lm2=$(header Last-Modified)
[ -n "$lm2" ] && [ "$lm2" != "$lm" ] && ok export_last_modified_is_the_restore ||
	not_ok export_last_modified_is_the_restore "$lm2 after $lm"
serve_stop

# A hostile answer: a tar whose member climbs out of the directory, or
# is not a file, or comes twice; and a tar cut short.  Each is refused,
# nothing lands outside, and the directory's old files stay as they were.
python3 - "$T/evil" <<'PY'
import io, os, sys, tarfile
out = sys.argv[1]
os.makedirs(out)
def tar(name, members):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        for n, kind, data in members:
            i = tarfile.TarInfo(n)
            if kind == "sym":
                i.type, i.linkname = tarfile.SYMTYPE, "/etc/passwd"
                t.addfile(i)
            else:
                i.size = len(data)
                t.addfile(i, io.BytesIO(data))
    open(os.path.join(out, name), "wb").write(b.getvalue())
    return b.getvalue()
tar("climb.tar", [("domains.lst", "file", b"a\n"), ("../escaped", "file", b"x\n")])
tar("link.tar", [("ips.jsonl", "sym", b"")])
tar("twice.tar", [("domains.lst", "file", b"a\n"), ("domains.lst", "file", b"b\n")])
whole = tar("whole.tar", [("domains.lst", "file", b"a\n" * 5000)])
open(os.path.join(out, "cut.tar"), "wb").write(whole[:4096])
PY
python3 - "$T/evil" > "$T/evil.port" 2> "$T/evil.log" <<'PY' &
import http.server, os, sys
d = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        name = self.path.split("/")[1].split("?")[0]
        body = open(os.path.join(d, name), "rb").read()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-tar")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
EVIL_PID=$!
i=0; while [ ! -s "$T/evil.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
EVIL="http://127.0.0.1:$(cat "$T/evil.port")"
for t in climb link twice cut; do
	check "cli_export_hostile_${t}_refused" 4 "$CHOUSA" --server "$EVIL/$t.tar" export --format suricata -o "$D/suricata"
	expect "cli_export_hostile_${t}_says" "answered an export that cannot be unpacked" "$T/err"
done
[ -e "$D/escaped" ] && not_ok cli_export_hostile_nothing_outside "$D/escaped" || ok cli_export_hostile_nothing_outside
diff -r "$D/l.suricata" "$D/suricata" > "$T/diff" 2>&1 && ok cli_export_hostile_keeps_the_old_files ||
	not_ok cli_export_hostile_keeps_the_old_files "$(head -c 300 "$T/diff")"
kill "$EVIL_PID" 2> /dev/null
