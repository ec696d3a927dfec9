# test-pivots.sh: the pivots an analyst expects, through the real CLI.  An
# e-mail address's domain is investigated; a CIDR lists what is listed
# inside it; every URL a host serves is shown (capped, with the count), with
# the ports feeds give and each record's own page; `lookup` of a URL finds
# the listed URLs on its host; the next steps are commands that run as
# pasted, defanged or not.  On the demo feeds and URLhaus's real CSV (a host
# serving 11 listed URLs, a URL with a port).
. "$TESTS/cli/lib.sh"
URLHAUS="$SAMPLES/abusech/urlhaus/csv_online_2026-08-18_head21lines.csv"
export CHOUSA_CONFIG="$T/config" CHOUSA_DB="$T/demo.db"
: > "$CHOUSA_CONFIG"
demo_store
"$CHOUSA" -q import urlhaus "$URLHAUS" > /dev/null 2>&1
inv() { "$CHOUSA" investigate --offline "$@"; }

# ---- an e-mail address: its domain's evidence ----
check email_domain_found 1 inv billing@www.dnautik.com
expect email_domain_verdict '^Verdict: suspicious: its domain www\[\.\]dnautik\[\.\]com is listed by URLhaus, ThreatFox and Imported lists' "$T/out"
expect email_domain_family '^Family: +Emotet \(win\.emotet\)' "$T/out"
expect email_domain_asked '^  ThreatFox +hit +about www\[\.\]dnautik\[\.\]com' "$T/out"
expect email_conclusion 'billing\[@\]www\[\.\]dnautik\[\.\]com itself is not listed, but its domain' "$T/out"
expect email_next_step "chousa investigate 'www\\[\\.\\]dnautik\\[\\.\\]com'" "$T/out"
# A mail provider's benign listing never clears one of its mailboxes.
check email_freemail_not_benign 0 inv someone@google.com
refute email_freemail_no_benign_verdict '^Verdict: benign' "$T/out"

# ---- a CIDR: what is listed inside it ----
check cidr_found 1 inv 162.243.103.0/24
expect cidr_verdict '^Verdict: suspicious: holds 2 listed indicators, by ThreatFox and Feodo Tracker' "$T/out"
expect cidr_lists_c2 '^  162\[\.\]243\[\.\]103\[\.\]246:8080  Feodo Tracker, win\.emotet, botnet_cc' "$T/out"
expect cidr_listed_heading '^Listed inside 162\[\.\]243\[\.\]103\[\.\]0/24: 2 records' "$T/out"
expect cidr_next_step "chousa investigate '162\\[\\.\\]243\\[\\.\\]103\\[\\.\\]246'" "$T/out"
check cidr_empty_unknown 0 inv 198.18.7.0/24
refute cidr_empty_no_listing '^Listed inside' "$T/out"
# Wider than a probe: the table is scanned, the answer the same.
check cidr_wide_found 1 inv 162.243.0.0/15
expect cidr_wide_lists_c2 '^  162\[\.\]243\[\.\]103\[\.\]246:8080  Feodo Tracker' "$T/out"

# ---- a host's listed URLs, ports and per-record pages ----
check host_urls_found 1 inv 176.65.139.212
expect host_urls_counted '^Listed on 176\[\.\]65\[\.\]139\[\.\]212: 11 records' "$T/out"
[ "$(grep -c '^  hxxp\[:\]//176\[\.\]65\[\.\]139\[\.\]212/' "$T/out")" -eq 11 ] &&
	ok host_urls_all_shown || not_ok host_urls_all_shown "$(grep -c '^  hxxp' "$T/out") shown"
expect host_urls_own_page 'eclipse\.sh4  URLhaus, .*https://urlhaus\.abuse\.ch/url/3905435/' "$T/out"
check url_port_found 1 inv 120.84.215.27
expect url_port_shown '^  hxxp\[:\]//120\[\.\]84\[\.\]215\[\.\]27:44835/i  URLhaus' "$T/out"
check c2_port_found 1 inv 162.243.103.246
expect c2_port_threatfox '^  162\[\.\]243\[\.\]103\[\.\]246:8080  ThreatFox, .*https://threatfox\.abuse\.ch/ioc/104861/' "$T/out"
expect c2_feodo_page_has_ip 'https://feodotracker\.abuse\.ch/browse/host/162\.243\.103\.246/' "$T/out"
refute c2_no_bare_feodo_page 'browse/host/$' "$T/out"
inv --format json 162.243.103.246 > "$T/j" 2> /dev/null
if python3 -c '
import json, sys
r = json.loads(open(sys.argv[1]).readline())
recs = r["listed"]["records"]
assert r["listed"]["on"] == "162.243.103.246" and r["listed"]["total"] == 2
assert {x["source"]: x["port"] for x in recs} == {"threatfox": 8080, "feodo": 8080}
tf = [x for x in recs if x["source"] == "threatfox"][0]
assert tf["reference"] == "https://threatfox.abuse.ch/ioc/104861/"
' "$T/j" 2> "$T/py"; then ok json_listed_ports_pages; else not_ok json_listed_ports_pages "$(tail -n 1 "$T/py")"; fi

# More than the text shows: the count, and -v for the rest.
{
	head -n 9 "$URLHAUS"
	i=1
	while [ $i -le 30 ]; do
		printf '"%d","2026-08-18 16:%02d:00","http://203.0.113.77/bins/x%d","online","2026-08-18 16:%02d:00","malware_download","elf,mirai","https://urlhaus.abuse.ch/url/%d/","tester"\n' \
		    $((4000000 + i)) $i $i $i $((4000000 + i))
		i=$((i + 1))
	done
} > "$T/many.csv"
"$CHOUSA" -q --db "$T/many.db" import urlhaus "$T/many.csv" > /dev/null 2>&1
check many_urls_found 1 "$CHOUSA" --db "$T/many.db" investigate --offline 203.0.113.77
expect many_urls_total '^Listed on 203\[\.\]0\[\.\]113\[\.\]77: 30 records' "$T/out"
[ "$(grep -c '^  hxxp\[:\]//203' "$T/out")" -eq 20 ] && ok many_urls_capped ||
	not_ok many_urls_capped "$(grep -c '^  hxxp' "$T/out") shown"
expect many_urls_rest_counted '^  and 10 more \(-v shows up to 100\)' "$T/out"
expect many_urls_newest_first '^  hxxp\[:\]//203\[\.\]0\[\.\]113\[\.\]77/bins/x30 ' "$T/out"
"$CHOUSA" -v --db "$T/many.db" investigate --offline 203.0.113.77 > "$T/v" 2> /dev/null
[ "$(grep -c '^  hxxp\[:\]//203' "$T/v")" -eq 30 ] && ok many_urls_verbose_all ||
	not_ok many_urls_verbose_all "$(grep -c '^  hxxp' "$T/v") shown"

# ---- lookup: a URL on a host that serves listed URLs ----
# Not listed itself: the host's listings make it suspicious (the policy), not malicious.
check lookup_url_on_listed_host 0 "$CHOUSA" lookup 'hxxp://176.65.139[.]212/not-listed.sh'
[ "$(grep -c '^  url_host ' "$T/out")" -eq 11 ] && ok lookup_url_host_records ||
	not_ok lookup_url_host_records "$(head -n 3 "$T/out")"
refute lookup_url_not_not_found 'not in the store' "$T/out"
check lookup_listed_url_once 1 "$CHOUSA" lookup --json 'http://176.65.139.212/eclipse.sh4'
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
recs = d[0]["records"] if isinstance(d, list) else d["records"]
exact = [r for r in recs if r["match"] == "exact"]
hosted = [r for r in recs if r["match"] == "url_host"]
assert len(exact) == 1 and len(hosted) == 10, (len(exact), len(hosted))
assert all(r["value"] != "http://176.65.139.212/eclipse.sh4" for r in hosted)
' "$T/out" 2> "$T/py"; then ok lookup_url_itself_not_twice; else not_ok lookup_url_itself_not_twice "$(tail -n 1 "$T/py")"; fi

# ---- next steps: commands that run as pasted ----
mkdir -p "$T/bin"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$CHOUSA" > "$T/bin/chousa"
chmod +x "$T/bin/chousa"
printf '2020-11-28T10:00:01Z 10.0.0.7 GET http://www.dnautik.com/wp-admin/n/\n' > "$T/proxy.log"
inv www.dnautik.com > "$T/r" 2> /dev/null
expect next_steps_heading '^Next steps$' "$T/r"
sweep=$(grep -A1 'Sweep your logs for it:' "$T/r" | tail -n 1 | sed 's/^ *//')
case $sweep in
*"\$(chousa refang 'www[.]dnautik[.]com')"*) ok next_step_defanged_refangs ;;
*) not_ok next_step_defanged_refangs "$sweep" ;;
esac
cmd=$(printf '%s' "$sweep" | sed "s|LOGS\\.\\.\\.|$T/proxy.log|")
PATH="$T/bin:$PATH" sh -c "$cmd" > "$T/ran" 2> /dev/null
expect next_step_sweep_runs 'www\.dnautik\.com' "$T/ran"
sample=$(grep -A1 'Investigate its top sample:' "$T/r" | tail -n 1 | sed 's/^ *//')
PATH="$T/bin:$PATH" sh -c "$sample --offline" > "$T/ran" 2> /dev/null
expect next_step_sample_runs '^Verdict: malicious: listed by MalwareBazaar' "$T/ran"
other=$(grep -A1 'other infrastructure' "$T/r" | tail -n 1 | sed 's/^ *//')
PATH="$T/bin:$PATH" sh -c "$other --offline" > "$T/ran" 2> /dev/null
expect next_step_defanged_url_runs '^hxxp\[:\]//www\[\.\]dnautik\[\.\]com/wp-admin/n/  \(url\)' "$T/ran"
inv --no-defang www.dnautik.com > "$T/r" 2> /dev/null
expect next_step_live_when_not_defanged "grep -F -- www\\.dnautik\\.com\$" "$T/r"
inv --format json www.dnautik.com > "$T/j" 2> /dev/null
expect next_step_json_raw '"command":"chousa sweep LOGS\.\.\. \| grep -F -- www\.dnautik\.com"' "$T/j"
