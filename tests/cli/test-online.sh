#!/bin/sh
# test-online.sh: the online sources against the loopback replay server
# (tests/http/server.py), never the internet.  Each failure mode runs once
# for every module at the same time: the mode is put in each source's
# CHOUSA_<NAME>_URL, so one investigation shows every module's status for
# it, and a source left healthy shows that the others go on.
. "$TESTS/cli/lib.sh"

DOC=d7e61d7d1f31426d1c59eeab4e60fdd433b6889a548b94129e0ae34fb766a7cf
KEY="PLANTED-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
# One hit indicator per module (malpedia answers the family look-up).
HITS="www.dnautik.com $DOC 118.25.6.39 jppost-tu.top vektorex.com 51.75.33.120"
ONLINE_LIFETIME=240
. "$TESTS/cli/lib-online.sh"
# expect_local NAME PATTERN FILE: expect, when the store could be built.
expect_local() {
	if [ "$HAVE_LOCAL" = 1 ]; then expect "$@"; else
		ok "$1 # SKIP the feodo import failed"; fi
}
FEODO_IP=$(grep -v '^#' "$SAMPLES/abusech/feodo/ipblocklist_2025-06-25.csv" |
    grep -v first_seen | head -n 1 | cut -d, -f2 | tr -d '"')

# point MODE [EXCEPT]: every module at the server with MODE (none: plain),
# EXCEPT healthy; no rate limits, keys planted.
point() {
	for m in $MODS; do
		u=$(upper "$m")
		if [ -n "$1" ] && [ "$m" != "${2:-}" ]; then
			export CHOUSA_${u}_URL="http://127.0.0.1:$PORT/$m/@$1"
		else
			export CHOUSA_${u}_URL="http://127.0.0.1:$PORT/$m"
		fi
		export CHOUSA_${u}_KEY="$KEY" CHOUSA_${u}_RATE=0
	done
}

# run NAME ARGS...: an investigation as JSON lines into $T/NAME.json.
run() {
	name=$1
	shift
	[ -n "${TIMING:-}" ] && date +"%s.%N $name" >&2
	"$CHOUSA" investigate --format json --exhaustive "$@" \
	    > "$T/$name.json" 2> "$T/$name.err"
	findings "$T/$name.json" > "$T/$name.f"
}

# ---- hits and misses, every module ----
point ""
run hit --refresh $HITS
for m in $MODS; do
	expect "${m}_hit" "^$m [^ ]+ hit " "$T/hit.f"
done
expect worked_example_vt_11 '"detections": ?11' "$T/hit.json"
expect worked_example_doc_listed "$DOC" "$T/hit.json"
expect worked_example_ha_terms "^hybridanalysis www.dnautik.com hit" "$T/hit.f"
expect worked_example_vt_emotet "^virustotal $DOC hit .* .*emotet" "$T/hit.f"
expect worked_example_triage_emotet "^triage $DOC hit .* .*emotet" "$T/hit.f"
python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).readline())
fam = (o.get("family") or {}).get("name") or ""
c = o.get("conclusion") or ""
c = c if isinstance(c, str) else " ".join(c)
ok = "emotet" in fam.lower() and "emotet" in c.lower() and "VirusTotal" in c
print("ok - worked_example_conclusion_emotet" if ok else
      "not ok - worked_example_conclusion_emotet: family %r conclusion %r" % (fam, c[:300]))
' "$T/hit.json"
# OTX url_list: the host's URLs become SERVED related indicators; a
# javascript: entry in the list is not a URL and is dropped.
python3 -c '
import json, sys
rel = []
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    for st in json.loads(line).get("stages") or []:
        for f in st.get("findings") or []:
            if f["source"] == "otx" and f.get("subject") == "jppost-tu.top":
                rel += f.get("related") or []
def has(v):
    return any(r.get("relation") == "served" and r.get("type") == "url"
               and r.get("value") == v for r in rel)
print("ok - otx_url_list_served" if has("http://jppost-tu.top/jp/login.php")
      else "not ok - otx_url_list_served: %r" % rel[:8])
bad = [r for r in rel if "javascript" in (r.get("value") or "")]
print("not ok - otx_url_list_only_urls: %r" % bad if bad
      else "ok - otx_url_list_only_urls")
pd = any(r.get("relation") == "resolves" for r in rel)
print("ok - otx_pdns_still_resolves" if pd
      else "not ok - otx_pdns_still_resolves: %r" % rel[:8])
' "$T/hit.json"

run miss --refresh unknown-host-4711.com 0123456789abcdef0123456789abcdef01234567 \
    203.0.113.77
for m in virustotal hybridanalysis triage urlhaus threatfox otx inquest \
    joesandbox anyrun malwarebazaar; do
	expect "${m}_miss" "^$m [^ ]+ miss " "$T/miss.f"
done
refute misses_are_not_errors " error " "$T/miss.f"

# The request bodies written with the JSON writer are those the cache's
# keys ("METHOD URL", a newline and the body) were made of before it, so
# old entries still answer: one of each kind.  ANY.RUN's startDate is 180
# days back, so it varies.
python3 -c '
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for src, key in db.execute("SELECT source, key FROM cache WHERE source IN"
                           " (?, ?) ORDER BY source, key",
                           ("threatfox", "anyrun")):
    body = key.split("\n", 1)[1]
    if any(re.search(r"[\":]" + re.escape(s) + r"\\?\"", body)
           for s in sys.argv[2:]):
        print(src, re.sub(r"\d{4}-\d\d-\d\d", "DAY", body))
' "$CHOUSA_DB" "$DOC" 118.25.6.39 www.dnautik.com \
    http://jppost-tu.top/jp/login.php > "$T/bodies"
cat > "$T/bodies.want" << 'EOF'
anyrun {"query": "destinationIP:\"118.25.6.39\"", "startDate": "DAY"}
anyrun {"query": "domainName:\"www.dnautik.com\"", "startDate": "DAY"}
anyrun {"query": "sha256:\"d7e61d7d1f31426d1c59eeab4e60fdd433b6889a548b94129e0ae34fb766a7cf\"", "startDate": "DAY"}
anyrun {"query": "url:\"http://jppost-tu.top/jp/login.php\"", "startDate": "DAY"}
threatfox {"query": "search_hash", "hash": "d7e61d7d1f31426d1c59eeab4e60fdd433b6889a548b94129e0ae34fb766a7cf"}
threatfox {"query": "search_ioc", "search_term": "118.25.6.39", "exact_match": false}
threatfox {"query": "search_ioc", "search_term": "http://jppost-tu.top/jp/login.php", "exact_match": true}
threatfox {"query": "search_ioc", "search_term": "www.dnautik.com", "exact_match": true}
EOF
if cmp -s "$T/bodies" "$T/bodies.want"; then ok request_bodies_as_cached
else not_ok request_bodies_as_cached "$(diff "$T/bodies.want" "$T/bodies" | head -n 8 | tr '\n' '|')"; fi

# ---- the cache: the same run again makes no request ----
run warm --refresh --depth 1 www.dnautik.com "$DOC"
before=$(wc -l < "$T/server.log")
run cached --depth 1 www.dnautik.com "$DOC"
after=$(wc -l < "$T/server.log")
if [ "$before" -eq "$after" ]; then ok cache_answers_without_requests; else
	not_ok cache_answers_without_requests "$((after - before)) requests made: $(tail -n $((after - before)) "$T/server.log" | tr '\n' '|')"
fi
expect cache_marks_findings "^virustotal www.dnautik.com hit - cached" \
    "$T/cached.f"
expect cache_has_time '"cached_at": ?"20' "$T/cached.json"
# The human reports say which answers came from the cache, and when.
"$CHOUSA" investigate --exhaustive --depth 1 www.dnautik.com > "$T/cached.txt" 2>&1
expect cache_said_in_text '^  VirusTotal .*cached 20' "$T/cached.txt"
"$CHOUSA" investigate --exhaustive --depth 1 --format md www.dnautik.com > "$T/cached.md" 2>&1
expect cache_said_in_md '^\| reputation \| VirusTotal .*cached 20' "$T/cached.md"
run refreshed --refresh www.dnautik.com
expect refresh_bypasses_cache "^virustotal www.dnautik.com hit - fresh" \
    "$T/refreshed.f"

# ---- failure modes: every module but VirusTotal fails, VirusTotal goes on
mode() {
	name=$1 mode=$2 want=$3
	point "$mode" virustotal
	run "$name" --refresh --depth 1 www.dnautik.com "$DOC" "$FEODO_IP"
	for m in $MODS; do
		[ "$m" = virustotal ] && continue
		[ "$m" = malpedia ] && continue	# asked only after a family
		expect "${m}_$name" "^$m [^ ]+ $want" "$T/$name.f"
	done
	expect "${name}_others_go_on" "^virustotal www.dnautik.com hit " \
	    "$T/$name.f"
	expect_local "${name}_local_goes_on" "^local-feodo $FEODO_IP hit " "$T/$name.f"
}
mode bad_key 401 "error key_refused_\(HTTP_401\)"
mode rate_429_retry_after 429ra "skipped quota"
mode rate_429 429 "skipped quota"
mode server_500 500 "error server_error_\(HTTP_500\)"
export CHOUSA_HTTP_TIMEOUT_MS=300
mode timeout delay=1500 "error timed_out_after_1_s"
mode slow_drip drip "error timed_out_after_1_s"
unset CHOUSA_HTTP_TIMEOUT_MS
mode truncated_json truncated "error truncated_JSON"
mode cut_transfer cut "error network_error"
mode wrong_content_type html "error not_a_JSON_answer_\(content_type_text/html\)"
mode oversized big "error response_over_[0-9]+_bytes"
expect retry_after_honoured "virustotal|hybridanalysis" "$T/server.log"
n=$(grep -c '^urlhaus POST /host/' "$T/server.log")
if [ "$n" -ge 2 ]; then ok retries_are_bounded_but_happen; else
	not_ok retries_are_bounded_but_happen "$n urlhaus host requests"
fi

# Retry-After as an HTTP date is honoured too: the call is made again.
point ""
export CHOUSA_URLHAUS_URL="http://127.0.0.1:$PORT/urlhaus/@429date"
before=$(grep -c '^urlhaus ' "$T/server.log")
run retry_date --refresh --sources urlhaus vektorex.com
after=$(grep -c '^urlhaus ' "$T/server.log")
if [ $((after - before)) -ge 2 ]; then ok retry_after_http_date_retried
else not_ok retry_after_http_date_retried "$((after - before)) requests"; fi
expect retry_after_http_date_skipped "^urlhaus [^ ]+ skipped quota" \
    "$T/retry_date.f"

# VirusTotal fails, the others answer.
point 500 triage
run vt_fails --refresh www.dnautik.com "$DOC"
expect vt_500_is_error "^virustotal [^ ]+ error server_error" "$T/vt_fails.f"
expect vt_500_triage_goes_on "^triage $DOC hit " "$T/vt_fails.f"
# Malpedia's own failure modes, after a family is known.
point ""
export CHOUSA_MALPEDIA_URL="http://127.0.0.1:$PORT/malpedia/@500"
run malpedia_fails --refresh --sources virustotal,malpedia "$DOC"
expect malpedia_500 "^malpedia [^ ]+ error server_error" "$T/malpedia_fails.f"
export CHOUSA_MALPEDIA_URL="http://127.0.0.1:$PORT/malpedia/@truncated"
run malpedia_trunc --refresh --sources virustotal,malpedia "$DOC"
expect malpedia_truncated "^malpedia [^ ]+ error truncated" \
    "$T/malpedia_trunc.f"

# ---- quotas: a spent daily quota is skipped (quota), never a miss ----
point ""
export CHOUSA_VIRUSTOTAL_DAILY=1
run quota1 --refresh www.dnautik.com
run quota2 --refresh github.com
expect daily_quota_is_skipped "^virustotal github.com skipped quota" \
    "$T/quota2.f"
expect daily_quota_has_reset '"reset_at": ?"20' "$T/quota2.json"
unset CHOUSA_VIRUSTOTAL_DAILY
export CHOUSA_VIRUSTOTAL_RATE=1 CHOUSA_HTTP_MAX_WAIT=0
run rate --refresh www.dnautik.com github.com ninoseki.github.io
expect rate_limit_is_skipped "^virustotal [^ ]+ skipped quota_\(rate" \
    "$T/rate.f"
unset CHOUSA_HTTP_MAX_WAIT
# A rate that queues: requests wait for their token on a timer, none lost.
export CHOUSA_VIRUSTOTAL_RATE=300 CHOUSA_VIRUSTOTAL_BURST=1
run queued --refresh --sources virustotal --depth 1 www.dnautik.com
expect rate_queue_releases "^virustotal www.dnautik.com hit " "$T/queued.f"
refute rate_queue_loses_nothing " skipped " "$T/queued.f"
expect rate_queue_keeps_relations "$DOC" "$T/queued.json"
unset CHOUSA_VIRUSTOTAL_BURST
export CHOUSA_VIRUSTOTAL_RATE=0
# Relationship pages are picked in the config (each costs quota).
before=$(grep -c '^virustotal .*_files' "$T/server.log")
CHOUSA_VIRUSTOTAL_RELATIONSHIPS=referrer_files run rels --refresh \
    --sources virustotal --depth 1 www.dnautik.com
after=$(grep -c '^virustotal .*_files' "$T/server.log")
if [ $((after - before)) -eq 1 ]; then ok vt_relationships_configurable
else not_ok vt_relationships_configurable "$((after - before)) pages asked"; fi
unset CHOUSA_VIRUSTOTAL_RELATIONSHIPS
expect vt_referrer_only_still_relates "$DOC" "$T/rels.json"

# ---- keys ----
unset CHOUSA_VIRUSTOTAL_KEY
run nokey --refresh www.dnautik.com
expect missing_key_is_skipped "^virustotal [^ ]+ skipped no_key" "$T/nokey.f"
export CHOUSA_VIRUSTOTAL_KEY="$KEY"
printf '[virustotal]\nenabled = no\n' > "$T/config"
run disabled --refresh www.dnautik.com
expect disabled_source_is_skipped "^virustotal [^ ]+ skipped" "$T/disabled.f"
: > "$T/config"
if grep -rqa -- "$KEY" "$T"/*.json "$T"/*.err "$T"/*.f "$T/server.log" \
    "$CHOUSA_DB" "$CHOUSA_DB"-wal 2>/dev/null; then
	not_ok key_never_written "the planted key appears in an output or the store"
else
	ok key_never_written
fi
expect server_saw_auth_headers " auth( proxied)?$" "$T/server.log"
refute server_never_saw_missing_auth " noauth$" "$T/server.log"

# ---- no keys at all: offline answers, says what it skipped ----
(
	for m in $MODS; do unset "CHOUSA_$(upper "$m")_KEY"; done
	run nokeys www.dnautik.com "$FEODO_IP"
)
findings "$T/nokeys.json" > "$T/nokeys.f"
expect no_keys_skips_virustotal "^virustotal [^ ]+ skipped no_key" "$T/nokeys.f"
expect_local no_keys_local_still_hits "^local-feodo $FEODO_IP hit" "$T/nokeys.f"

# ---- --offline opens no socket ----
before=$(wc -l < "$T/server.log")
"$CHOUSA" investigate --offline --format json --refresh www.dnautik.com \
    > "$T/offline.json" 2> "$T/offline.err"
after=$(wc -l < "$T/server.log")
if [ "$before" -eq "$after" ]; then ok offline_makes_no_request; else
	not_ok offline_makes_no_request "$((after - before)) requests"
fi
findings "$T/offline.json" > "$T/offline.f"
expect offline_says_skipped "^virustotal [^ ]+ skipped offline" "$T/offline.f"
if command -v unshare > /dev/null 2>&1 && unshare -n true 2> /dev/null; then
	unshare -n "$CHOUSA" investigate --offline --format json \
	    www.dnautik.com > "$T/unshare.json" 2> "$T/unshare.err"
	findings "$T/unshare.json" > "$T/unshare.f"
	expect offline_in_empty_netns "^virustotal [^ ]+ skipped offline" \
	    "$T/unshare.f"
else
	ok "offline_in_empty_netns # SKIP unshare -n not permitted"
fi

# ---- the proxy from the environment (libcurl's http_proxy) ----
point ""
(
	export http_proxy="http://127.0.0.1:$PORT" no_proxy="" NO_PROXY=""
	export CHOUSA_VIRUSTOTAL_URL="http://virustotal.proxy-test.invalid/virustotal"
	run proxy --refresh --sources virustotal www.dnautik.com
)
findings "$T/proxy.json" > "$T/proxy.f"
expect proxy_from_environment "^virustotal www.dnautik.com hit" "$T/proxy.f"
expect proxy_was_used "^virustotal GET /domains/www.dnautik.com auth proxied" \
    "$T/server.log"

# ---- chousa sources and chousa cache ----
check sources_lists 0 "$CHOUSA" sources
expect sources_lists_virustotal "^virustotal +online" "$T/out"
expect sources_lists_types "^ +types: ipv4,ipv6,domain,url,md5,sha1,sha256$" "$T/out"
expect sources_lists_local "^local-feodo +local" "$T/out"
check sources_json 0 "$CHOUSA" sources --json
expect sources_json_quota '"used_today": ?[0-9]' "$T/out"
expect sources_json_last_error '"last_error": ?"' "$T/out"
refute sources_never_print_key "$KEY" "$T/out"
point ""
check sources_check 0 "$CHOUSA" sources --check
expect sources_check_accepted "^virustotal .*key accepted" "$T/out"
point 401
check sources_check_bad_key 4 "$CHOUSA" sources --check
expect sources_check_refused "^virustotal .*key refused" "$T/out"
# The JSON form (docs/json.md, "Sources check"): the text form's sources,
# states and exit status, each state with its HTTP status; never the key.
# check_json NAME FILE SOURCE STATE HTTP OK: FILE is that document.
check_json() {
	python3 - "$2" "$T/check-text" "$3" "$4" "$5" "$6" <<'PY' &&
import json, sys
path, text, source, state, http, want_ok = sys.argv[1:]
lines = open(path).read().splitlines()
assert len(lines) == 1, "%d lines" % len(lines)
d = json.loads(lines[0])
assert sorted(d) == ["ok", "sources"], sorted(d)
assert d["ok"] is (want_ok == "true"), d["ok"]
said = {"hit": "ok", "skipped": "skipped", "pending": "error"}
rows = [l.split(None, 2) for l in open(text).read().splitlines()]
assert [r["name"] for r in d["sources"]] == [r[0] for r in rows], \
    "not the text form's sources"
for r, t in zip(d["sources"], rows):
    assert sorted(r) == ["http_status", "name", "reason", "state"], sorted(r)
    assert r["state"] in ("ok", "refused", "error", "skipped"), r
    assert r["state"] == said.get(t[1], r["state"]), (r, t)
    assert (t[1] == "error") == (r["state"] in ("refused", "error")), (r, t)
    assert r["reason"] == t[2], (r["reason"], t[2])
    assert r["http_status"] is None or isinstance(r["http_status"], int), r
vt = [r for r in d["sources"] if r["name"] == source][0]
assert vt["state"] == state, vt
assert vt["http_status"] == (int(http) if http != "null" else None), vt
PY
		ok "$1" || not_ok "$1" "see the assertion above"
	refute "$1_no_key" "$KEY" "$2"
}
"$CHOUSA" sources --check > "$T/check-text" 2> /dev/null
check sources_check_json_refused 4 "$CHOUSA" --json sources --check
cp "$T/out" "$T/check-refused.json"
check_json sources_check_json_refused_said "$T/check-refused.json" \
    virustotal refused 401 false
point ""
"$CHOUSA" sources --check > "$T/check-text" 2> /dev/null
check sources_check_json_accepted 0 "$CHOUSA" sources --check --json
cp "$T/out" "$T/check-ok.json"
check_json sources_check_json_accepted_said "$T/check-ok.json" \
    virustotal ok 404 true
point 500
"$CHOUSA" sources --check > "$T/check-text" 2> /dev/null
check sources_check_json_error 4 "$CHOUSA" --json sources --check
cp "$T/out" "$T/check-error.json"
check_json sources_check_json_error_said "$T/check-error.json" \
    virustotal error 500 false
cat "$T/check-refused.json" "$T/check-ok.json" "$T/check-error.json" \
    > "$T/check.json"
json_shapes "Sources check=$T/check.json"
# Sources that need no key, without one: nothing to test, so nothing is
# asked (nor their anonymous quota spent), and never "no key" alone.
point ""
keyless_calls() {
	grep -cE '^(inquest GET /iocdb/search\?keyword=example\.com|malpedia GET /check/apikey) ' "$T/server.log"
}
before=$(keyless_calls)
check sources_check_keyless 0 env -u CHOUSA_INQUEST_KEY -u CHOUSA_MALPEDIA_KEY \
    "$CHOUSA" sources --check
expect sources_check_keyless_unused '^inquest +skipped +no key \(none needed: enabled = yes uses it without one\)$' "$T/out"
expect sources_check_keyless_malpedia '^malpedia +skipped +no key \(none needed' "$T/out"
printf '[inquest]\nenabled = yes\n' > "$T/config-keyless"
chmod 600 "$T/config-keyless"
CHOUSA_CONFIG="$T/config-keyless" check sources_check_keyless_enabled 0 \
    env -u CHOUSA_INQUEST_KEY -u CHOUSA_MALPEDIA_KEY "$CHOUSA" sources --check
expect sources_check_keyless_enabled_said '^inquest +skipped +no key needed: used without one \(enabled = yes\), nothing to check$' "$T/out"
[ "$(keyless_calls)" -eq "$before" ] && ok sources_check_keyless_not_contacted ||
	not_ok sources_check_keyless_not_contacted "$(grep -E '^(inquest|malpedia) ' "$T/server.log" | tail -n 3)"
check sources_check_optional_key 0 "$CHOUSA" sources --check
expect sources_check_optional_key_checked "^inquest .*key accepted" "$T/out"
[ "$(keyless_calls)" -eq $((before + 2)) ] && ok sources_check_optional_key_contacted ||
	not_ok sources_check_optional_key_contacted "$(keyless_calls) calls, $before before"
check cache_stats 0 "$CHOUSA" cache stats
expect cache_stats_lists "^virustotal +[0-9]+" "$T/out"
# The JSON has the shape docs/json.md documents (test-json-shapes.sh
# checks the other kinds; the cache is filled only here).
"$CHOUSA" cache stats --json > "$T/cache.json" 2> /dev/null
json_shapes "Cache listing=$T/cache.json"
check cache_clear_one 0 "$CHOUSA" cache clear virustotal
check cache_stats_after 0 "$CHOUSA" cache stats
refute cache_clear_one_removed "^virustotal " "$T/out"
expect cache_clear_one_kept_others "^triage " "$T/out"
check cache_clear_all 0 "$CHOUSA" cache clear
check cache_clear_unknown 2 "$CHOUSA" cache clear nosuchsource
