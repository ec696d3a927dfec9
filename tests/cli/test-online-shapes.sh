#!/bin/sh
# test-online-shapes.sh: the online sources against answers that are not
# what they expect, on the loopback replay server.  Each field a source
# relies on (tests/http/relied-fields, named in the module's header) is
# removed from a genuine answer in turn: the source must say "unexpected
# answer", never "not found", never cache it, and -v shows the first
# bytes.  Also: abuse.ch's 401 says where the Auth-Key goes and stops the
# abuse.ch sources for the rest of the run, and failed calls spend no
# quota.
. "$TESTS/cli/lib.sh"

ONLINE_LIFETIME=300
. "$TESTS/cli/lib-online.sh"
[ "$HAVE_LOCAL" = 1 ] || not_ok store_for_the_cache "the feodo import failed"
for m in $MODS; do
	u=$(upper "$m")
	export "CHOUSA_${u}_URL=http://127.0.0.1:$PORT/$m" \
	    "CHOUSA_${u}_KEY=test-key" "CHOUSA_${u}_RATE=0"
done

# ---- each relied-on field missing: error, never a miss ----
# The runs first, then one pass over their reports (python starts once).
n=0
: > "$T/manifest"
grep -v '^#' "$TESTS/http/relied-fields" > "$T/fields"
while IFS='	' read -r src ind field; do
	[ -n "$src" ] || continue
	n=$((n + 1))
	name="${src}_without_$(echo "$field" | tr -c 'a-zA-Z0-9_\n' '_')"
	# The module's header comment names the field.
	if sed -n '1,/\*\//p' "$TESTS/../src/investigate/sources/$src.c" |
	    tr '\n' ' ' | grep -Fq -- "$field"; then
		ok "${name}_is_named_in_the_header"
	else
		not_ok "${name}_is_named_in_the_header" "src/investigate/sources/$src.c does not name '$field'"
	fi
	path=$(echo "$field" | sed 's/\[\]/.*/g; s/^\.//')
	env "CHOUSA_$(upper "$src")_URL=http://127.0.0.1:$PORT/$src/@drop=$path" \
	    "$CHOUSA" investigate --format json --exhaustive --refresh \
	    --depth 0 --sources "$src" "$ind" > "$T/$n.json" 2> "$T/$n.err"
	printf '%s\t%s\t%s\t%s\tunexpected\n' "$T/$n.json" "$src" "$ind" \
	    "$name" >> "$T/manifest"
done < "$T/fields"
# The genuine answers themselves are read (the table's own indicators).
cut -f1,2 "$T/fields" | sort -u > "$T/genuine"
while IFS='	' read -r src ind; do
	[ -n "$src" ] || continue
	n=$((n + 1))
	"$CHOUSA" investigate --format json --exhaustive --refresh --depth 0 \
	    --sources "$src" "$ind" > "$T/$n.json" 2> "$T/$n.err"
	printf '%s\t%s\t%s\tgenuine_%s_%s_is_read\tread\n' "$T/$n.json" \
	    "$src" "$ind" "$src" "$(echo "$ind" | cut -c1-20 |
	    tr -c 'a-zA-Z0-9_\n' '_')" >> "$T/manifest"
done < "$T/genuine"
python3 - "$T/manifest" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    path, src, ind, name, want = line.rstrip("\n").split("\t")
    mine = []
    for rep in open(path):
        if not rep.strip():
            continue
        for st in json.loads(rep).get("stages") or []:
            mine += [f for f in st.get("findings") or []
                     if f["source"] == src and f.get("depth") == 0]
    first = [f for f in mine if f.get("subject") == mine[0].get("subject")] \
        if mine else []
    got = ["%s %s" % (f["status"], f.get("reason") or "") for f in first]
    if want == "unexpected":
        good = any(g.startswith("error unexpected answer from ")
                   for g in got)
        print(("ok - %s" % name) if good else
              "not ok - %s: %r" % (name, got))
        miss = any(g.startswith("miss") for g in got)
        print(("not ok - %s_is_not_a_miss: %r" % (name, got)) if miss else
              "ok - %s_is_not_a_miss" % name)
    else:
        bad = not first or any(g.startswith("error") for g in got)
        print(("not ok - %s: %r" % (name, got)) if bad else
              "ok - %s" % name)
PY

# ---- what the genuine answers say, through the whole investigation ----
"$CHOUSA" investigate --format json --refresh --depth 0 \
    --sources hybridanalysis \
    4c740b7f0bdc728daf9fca05241e85d921a54a6e17ae47ed1577a2b30792cf5c \
    > "$T/ha.json" 2> "$T/ha.err"
expect ha_2025_report_summary_followed '"file_name": ?"gs901w32.exe"' "$T/ha.json"
expect ha_2025_summary_asked \
    "^hybridanalysis GET /report/6231490aa298763373515933/summary auth" \
    "$T/server.log"
"$CHOUSA" investigate --format json --refresh --depth 0 --sources threatfox \
    139.180.203.104 > "$T/tf.json" 2> "$T/tf.err"
findings "$T/tf.json" > "$T/tf.f"
expect threatfox_bare_ip_finds_ip_port_ioc \
    "^threatfox 139.180.203.104 hit .*Cobalt Strike" "$T/tf.f"
"$CHOUSA" investigate --format json --refresh --depth 0 --sources inquest \
    sample.com > "$T/iq.json" 2> "$T/iq.err"
findings "$T/iq.json" > "$T/iq.f"
expect inquest_keyword_substring_is_a_miss "^inquest sample.com miss" \
    "$T/iq.f"
"$CHOUSA" investigate --format json --refresh --depth 0 --sources otx,abuseipdb \
    1.1.1.1 > "$T/one.json" 2> "$T/one.err"
findings "$T/one.json" > "$T/one.f"
expect otx_whitelisted_ip_is_benign "^otx 1.1.1.1 hit" "$T/one.f"
expect otx_whitelisted_ip_benign_verdict '"source": ?"otx".*"verdict": ?"benign"' \
    "$T/one.json"

# ---- never cached, and -v shows the first bytes ----
export CHOUSA_ABUSEIPDB_URL="http://127.0.0.1:$PORT/abuseipdb/@drop=data.totalReports"
before=$(grep -c '^abuseipdb ' "$T/server.log")
"$CHOUSA" investigate --format json --sources abuseipdb 1.2.3.4 \
    > /dev/null 2>&1
"$CHOUSA" -v investigate --format json --sources abuseipdb 1.2.3.4 \
    > "$T/v.json" 2> "$T/v.err"
after=$(grep -c '^abuseipdb ' "$T/server.log")
if [ $((after - before)) -eq 2 ]; then ok unexpected_answer_never_cached
else not_ok unexpected_answer_never_cached "$((after - before)) requests for two runs"; fi
expect unexpected_answer_verbose_shows_head \
    "abuseipdb about '1.2.3.4': unexpected answer from AbuseIPDB: no totalReports; the answer began: \{\"data\": \{\"ipAddress\": \"1.2.3.4\"" \
    "$T/v.err"
"$CHOUSA" investigate --sources abuseipdb 1.2.3.4 > "$T/nv.out" 2> "$T/nv.err"
refute unexpected_answer_quiet_without_v "the answer began" "$T/nv.err"
expect unexpected_answer_in_report "unexpected answer from AbuseIPDB" "$T/nv.out"
"$CHOUSA" sources --json > "$T/src.json"
expect unexpected_answer_is_last_error \
    '"name":"abuseipdb".*"last_error":"unexpected answer from AbuseIPDB: no totalReports"' \
    "$T/src.json"
export CHOUSA_ABUSEIPDB_URL="http://127.0.0.1:$PORT/abuseipdb"

# ---- a 404 that is not the service's "not found" ----
export CHOUSA_VIRUSTOTAL_URL="http://127.0.0.1:$PORT/virustotal/@html"
"$CHOUSA" investigate --format json --refresh --sources virustotal \
    github.com > "$T/html.json" 2>&1
findings "$T/html.json" > "$T/html.f"
refute html_page_is_not_a_miss "^virustotal [^ ]+ miss" "$T/html.f"
export CHOUSA_VIRUSTOTAL_URL="http://127.0.0.1:$PORT/virustotal"

# ---- abuse.ch: a refused Auth-Key says where it goes, and is not sent again
for m in urlhaus threatfox malwarebazaar; do
	export "CHOUSA_$(upper "$m")_URL=http://127.0.0.1:$PORT/$m/@401"
done
: > "$T/server.log.mark"
before=$(grep -cE '^(urlhaus|threatfox|malwarebazaar) ' "$T/server.log")
"$CHOUSA" investigate --format json --refresh --exhaustive \
    --sources urlhaus,threatfox,malwarebazaar \
    http://sskymedia.com/VMYB-ht_JAQo-gi/INV/ vektorex.com \
    > "$T/ach.json" 2> "$T/ach.err"
after=$(grep -cE '^(urlhaus|threatfox|malwarebazaar) ' "$T/server.log")
findings "$T/ach.json" > "$T/ach.f"
expect abusech_401_says_auth_key_is_required \
    "error key_refused_\(HTTP_401\):_abuse.ch_requires_an_Auth-Key;_set_\[abusech\]_auth_key_in_the_config_or_CHOUSA_ABUSECH_AUTH_KEY" \
    "$T/ach.f"
expect abusech_refused_key_skips_the_rest \
    "^(urlhaus|threatfox|malwarebazaar) [^ ]+ skipped abuse.ch_refused_the_Auth-Key_earlier_in_this_run" \
    "$T/ach.f"
asked=$((after - before))
total=$(wc -l < "$T/ach.f")
if [ "$asked" -lt "$total" ]; then ok abusech_refused_key_not_sent_again
else not_ok abusech_refused_key_not_sent_again "$asked requests for $total look-ups"; fi
for m in urlhaus threatfox malwarebazaar; do
	u=$(upper "$m")
	export "CHOUSA_${u}_URL=http://127.0.0.1:$PORT/$m"
	unset "CHOUSA_${u}_KEY"
done
# [abusech] auth_key serves every abuse.ch source.
printf '[abusech]\nauth_key = shared-test-key\n' > "$T/config"
"$CHOUSA" investigate --format json --refresh --sources urlhaus,threatfox \
    vektorex.com > "$T/shared.json" 2> "$T/shared.err"
findings "$T/shared.json" > "$T/shared.f"
expect abusech_auth_key_used_by_urlhaus "^urlhaus vektorex.com hit" "$T/shared.f"
expect abusech_auth_key_used_by_threatfox "^threatfox vektorex.com (hit|miss)" \
    "$T/shared.f"
"$CHOUSA" sources > "$T/src.txt"
expect sources_show_abusech_key "^urlhaus +online +[a-z,]+ +key set" "$T/src.txt"
: > "$T/config"
for m in urlhaus threatfox malwarebazaar; do
	export "CHOUSA_$(upper "$m")_KEY=test-key"
done

# ---- failed calls spend no quota; answered ones do ----
used() {
	"$CHOUSA" sources --json | python3 -c '
import json, sys
for s in json.load(sys.stdin)["sources"]:
    if s["name"] == sys.argv[1]:
        print(s.get("used_today"))
' "$1"
}
export CHOUSA_OTX_DAILY=100
u0=$(used otx)
for mode in 500 401; do
	CHOUSA_OTX_URL="http://127.0.0.1:$PORT/otx/@$mode" "$CHOUSA" \
	    investigate --format json --refresh --sources otx 8.8.8.8 \
	    > /dev/null 2>&1
done
u1=$(used otx)
if [ "$u1" = "$u0" ]; then ok failed_calls_spend_no_quota
else not_ok failed_calls_spend_no_quota "used_today went from $u0 to $u1"; fi
"$CHOUSA" investigate --format json --refresh --sources otx 8.8.8.8 \
    > /dev/null 2>&1
u2=$(used otx)
if [ "$u2" -gt "$u1" ]; then ok answered_calls_spend_quota
else not_ok answered_calls_spend_quota "used_today $u1 then $u2"; fi
unset CHOUSA_OTX_DAILY
