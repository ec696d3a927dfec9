#!/bin/sh
# test-cache-only.sh: investigate --cache-only, against the loopback
# replay server (tests/http/server.py).  After one online run fills the
# online cache, a cache-only run with no key at all gives the same online
# findings, each marked cached with its age, while the replay server sees
# no request and no daily counter moves; an indicator never asked online
# has every online source skipped "not in the online cache" (no evidence,
# so its verdict is the store's alone), and an answer past its ttl is not
# used, the reason saying so.
. "$TESTS/cli/lib.sh"

DOC=d7e61d7d1f31426d1c59eeab4e60fdd433b6889a548b94129e0ae34fb766a7cf
ONLINE_LIFETIME=120
. "$TESTS/cli/lib-online.sh"

for m in $MODS; do
	u=$(upper "$m")
	export CHOUSA_${u}_URL="http://127.0.0.1:$PORT/$m" \
	    CHOUSA_${u}_KEY=test-key CHOUSA_${u}_RATE=0
done
# run NAME ARGS...: an investigation as JSON lines into $T/NAME.json.
run() {
	name=$1
	shift
	"$CHOUSA" investigate --format json --exhaustive --depth 1 "$@" \
	    > "$T/$name.json" 2> "$T/$name.err"
	findings "$T/$name.json" > "$T/$name.f"
}
# used: the daily counters of every source, summed.
used() {
	"$CHOUSA" sources --json | python3 -c '
import json, sys
print(sum(s.get("used_today") or 0 for s in json.load(sys.stdin)["sources"]))'
}
# online FILE: the online sources' "source subject status" lines.
online() {
	grep -v '^local-' "$1" | grep -v '^benign' | cut -d' ' -f1-3 | sort
}

run online --refresh www.dnautik.com "$DOC"
expect online_run_hits "^virustotal www.dnautik.com hit - fresh" "$T/online.f"
sent=$(wc -l < "$T/server.log")
spent=$(used)

# No key anywhere: the cache needs none.
for m in $MODS; do unset "CHOUSA_$(upper "$m")_KEY"; done
run cached --cache-only www.dnautik.com "$DOC"
[ "$(wc -l < "$T/server.log")" -eq "$sent" ] && ok cache_only_sends_nothing ||
    not_ok cache_only_sends_nothing "$(tail -n +$((sent + 1)) "$T/server.log" | head -n 5 | tr '\n' '|')"
[ "$(used)" = "$spent" ] && ok cache_only_spends_no_quota ||
    not_ok cache_only_spends_no_quota "used_today $spent then $(used)"
online "$T/online.f" > "$T/online.s"
online "$T/cached.f" > "$T/cached.s"
if cmp -s "$T/online.s" "$T/cached.s"; then ok cache_only_same_online_findings
else not_ok cache_only_same_online_findings "$(diff "$T/online.s" "$T/cached.s" | head -n 8 | tr '\n' '|')"; fi
expect cache_only_vt_hit_cached "^virustotal www.dnautik.com hit - cached" "$T/cached.f"
refute cache_only_answers_all_cached "^(virustotal|urlhaus|threatfox|otx|triage|hybridanalysis) .* (hit|miss) .* fresh" "$T/cached.f"
expect cache_only_cached_at '"cached_at": ?"20' "$T/cached.json"
refute cache_only_no_key_skip "no_key" "$T/cached.f"
"$CHOUSA" investigate --cache-only --exhaustive --depth 1 www.dnautik.com > "$T/cached.txt" 2>&1
expect cache_only_text_says_cached '^  VirusTotal .*cached 20' "$T/cached.txt"
"$CHOUSA" investigate --cache-only --exhaustive --depth 1 --format html www.dnautik.com > "$T/cached.html" 2>&1
expect cache_only_html_says_cached 'cached' "$T/cached.html"

# Never asked online: skipped, not in the online cache; never a miss.
run never --cache-only 203.0.113.78
expect never_skipped "^virustotal 203.0.113.78 skipped not_in_the_online_cache " "$T/never.f"
refute never_no_miss "^(virustotal|otx|abuseipdb|urlhaus|threatfox) [^ ]+ miss" "$T/never.f"
refute never_not_listed "^[a-z]+ [^ ]+ [a-z]+ not_listed" "$T/never.f"
expect never_verdict_unknown '"verdict": ?"unknown"' "$T/never.json"
[ "$(wc -l < "$T/server.log")" -eq "$sent" ] && ok never_sends_nothing ||
    not_ok never_sends_nothing "$(tail -n +$((sent + 1)) "$T/server.log" | head -n 5 | tr '\n' '|')"

# A listed address never asked online: the verdict is the store's alone.
FEODO_IP=$(grep -v '^#' "$SAMPLES/abusech/feodo/ipblocklist_2025-06-25.csv" |
    grep -v first_seen | head -n 1 | cut -d, -f2 | tr -d '"')
verdict() { python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["verdict"])' "$1"; }
run store_only --offline "$FEODO_IP"
run store_cached --cache-only "$FEODO_IP"
if [ "$(verdict "$T/store_cached.json")" = "$(verdict "$T/store_only.json")" ]; then
	ok never_verdict_is_the_store_s
else not_ok never_verdict_is_the_store_s "$(verdict "$T/store_cached.json") cache-only, $(verdict "$T/store_only.json") offline"; fi

# An answer past its ttl is not used, as an online run would not use it.
python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE cache SET expires_at = 1000 WHERE source = ?", ("virustotal",))
db.commit()' "$CHOUSA_DB"
run expired --cache-only --sources virustotal www.dnautik.com
expect expired_skipped "^virustotal www.dnautik.com skipped not_in_the_online_cache_\(the_answer_fetched_20[^ ]*_is_past_its_ttl\)" "$T/expired.f"

# The choices that contradict it are usage errors.
check cache_only_not_with_offline 2 "$CHOUSA" investigate --cache-only --offline 8.8.8.8
check cache_only_not_with_refresh 2 "$CHOUSA" investigate --cache-only --refresh 8.8.8.8
