# test-sweep-real.sh: `chousa sweep` over logs that Zeek, Suricata, Beats
# and brimdata published ($SAMPLES/logs, provenance in the README there):
# each case is one finding of a sweep over real files, and the field or
# format that was missed.
. "$TESTS/cli/lib.sh"

S="$SAMPLES/logs"
export CHOUSA_DB="$T/real.db"
export CHOUSA_CONFIG="$T/config"
: > "$CHOUSA_CONFIG"

# Values the files below hold, each where only the field under test has it.
printf '%s\n' www.suricata.io 81.2.69.143 10.31.64.240 216.160.83.57 \
    192.168.56.1 128.2.6.189 192.168.199.132 upload.wikimedia.org \
    1.2.3.4 199.233.217.249 10.105.21.199 10.47.27.80 \
    google.com 192.168.1.1 > "$T/iocs.txt"
"$CHOUSA" -q import list "$T/iocs.txt" > /dev/null 2>&1

# sweep NAME FILE [OPTIONS...]: exit 1, output in $T/out and $T/err.
sweep() {
	name=$1 file=$2
	shift 2
	check "$name" 1 "$CHOUSA" -v sweep --no-benign-filter "$@" "$file"
}

# Suricata 8 logs a DNS question at dns.queries[].rrname (version 3); an
# alert on a request has nothing else that names it.
sweep sweep_eve_dns_v3 "$S/eve/docs-dns-v3-upgrade-examples-REPAIRED.json"
expect sweep_eve_dns_v3_alert_on_request 'REPAIRED.json:2	.*www.suricata.io	exact' "$T/out"
expect sweep_eve_dns_v3_response 'REPAIRED.json:1	.*www.suricata.io	exact' "$T/out"
sweep sweep_eve_dns_v2_v3_alerts "$S/eve/docs-dns-v2-vs-v3-upgrade-examples.json"
for n in 1 2 3 4 5; do
	expect "sweep_eve_dns_versions_line_$n" "examples.json:$n	" "$T/out"
done
sweep sweep_eve_dns_v1_v2_mixed "$S/eve/beats-eve-dns-4.1.4.json"
expect sweep_eve_dns_v1_answer_reversed ':3	10.0.2.15	10.0.2.3	google.com	exact' "$T/out"
refute sweep_eve_dns_malformed 'malformed' "$T/err"

# A Suricata 6 alert on a response: src_ip is the web server.  Both ends
# listed, one line: both hits name the client as the internal host.
sweep sweep_eve_response_direction "$S/eve/beats-eve-6.0-alert-to-client.json"
expect sweep_eve_response_internal_client '	10.31.64.240	81.2.69.143	81.2.69.143	exact' "$T/out"
expect sweep_eve_response_same_sides '	10.31.64.240	81.2.69.143	10.31.64.240	exact' "$T/out"
refute sweep_eve_response_no_opposite_sides ':1	81.2.69.143	10.31.64.240	' "$T/out"

# Zeek TSV: notice src (no id fields), dhcp's assigned address, intel's
# seen.indicator, a two-byte #separator and a comma one.
sweep sweep_zeek_notice_src "$S/zeek/notice.protocols.ssh.detect-bruteforcing.log"
expect sweep_zeek_notice_src_hit 'bruteforcing.log:10	192.168.56.1	.*192.168.56.1	exact' "$T/out"
expect sweep_zeek_notice_format 'format zeek,' "$T/err"
sweep sweep_zeek_dhcp "$S/zeek/dhcp.dhcp-all-msg-types.log"
expect sweep_zeek_dhcp_assigned 'types.log:10	128.2.6.97	128.2.6.152	128.2.6.189	exact' "$T/out"
expect sweep_zeek_dhcp_requested 'types.log:12	.*128.2.6.189	exact' "$T/out"
sweep sweep_zeek_intel_seen_indicator "$S/zeek/intel.whitelisting.log"
expect sweep_zeek_intel_domain 'whitelisting.log:10	141.142.220.118	141.142.2.2	upload.wikimedia.org	exact' "$T/out"
expect sweep_zeek_intel_format 'format zeek,' "$T/err"
sweep sweep_zeek_two_byte_separator "$S/zeek/ascii-escape.ssh.log"
expect sweep_zeek_two_byte_separator_hit 'ssh.log:9	2.3.4.5	1.2.3.4	1.2.3.4	exact' "$T/out"
expect sweep_zeek_two_byte_separator_format 'format zeek, 13 lines, 5 records' "$T/err"
refute sweep_zeek_two_byte_separator_clean 'malformed' "$T/err"
sweep sweep_zeek_comma_separator "$S/zeek/zeek-cut.nondefault-separator"
expect sweep_zeek_comma_separator_hit 'separator:12	.*199.233.217.249	exact' "$T/out"
check sweep_zeek_multibyte_set_separator 0 "$CHOUSA" -v sweep \
    "$S/zeek/ascii-utf8-enabled-set-separator-escape.test.log"
refute sweep_zeek_multibyte_set_separator_clean 'malformed' "$T/err"
sweep sweep_zeek_notice_brim "$S/zeek/brim-notice.log"
expect sweep_zeek_notice_brim_hit 'brim-notice.log:11	10.164.94.120	10.47.27.80	10.47.27.80	exact' "$T/out"

# Zeek JSON: every log type is zeek-json, even with no uid or id fields.
for f in known_hosts known_services software; do
	"$CHOUSA" -v sweep --no-benign-filter "$S/zeek-json/brim-$f.json" > "$T/out" 2> "$T/err"
	expect "sweep_zeek_json_${f}_detected" "brim-$f.json: format zeek-json" "$T/err"
done
printf '%s\n' $(grep -o '"host":"[^"]*"' "$S/zeek-json/brim-known_hosts.json" | head -n 1 | cut -d'"' -f4) > "$T/host.txt"
CHOUSA_DB="$T/host.db" "$CHOUSA" -q import list "$T/host.txt" > /dev/null 2>&1
CHOUSA_DB="$T/host.db" check sweep_zeek_json_known_hosts_hit 1 "$CHOUSA" sweep "$S/zeek-json/brim-known_hosts.json"
expect sweep_zeek_json_known_hosts_line 'known_hosts.json:1	' "$T/out"
sweep sweep_zeek_json_notice_src_dst "$S/zeek-json/beats-notice.json"
expect sweep_zeek_json_notice_scan 'beats-notice.json:2	207.154.238.205	216.160.83.57	216.160.83.57	exact' "$T/out"
sweep sweep_zeek_json_dhcp "$S/zeek-json/beats-dhcp.json"
expect sweep_zeek_json_dhcp_client 'beats-dhcp.json:1	192.168.199.132	192.168.199.254	192.168.199.132	exact' "$T/out"
sweep sweep_zeek_json_intel "$S/zeek-json/beats-intel.json"
expect sweep_zeek_json_intel_hit 'beats-intel.json:1	192.168.1.1	' "$T/out"

# The text format matches private addresses the store lists.
sweep sweep_text_private_address "$S/other/squid-access-beats-access1.head25.log" --format text
expect sweep_text_private_hit 'head25.log:1	.*10.105.21.199	exact' "$T/out"

# --internal: two public ends; the configured range makes the IRC server
# the internal host.
printf '185.18.76.170\n203.143.168.47\n' > "$T/irc.txt"
CHOUSA_DB="$T/irc.db" "$CHOUSA" -q import list "$T/irc.txt" > /dev/null 2>&1
CHOUSA_DB="$T/irc.db" check sweep_internal_default 1 "$CHOUSA" sweep "$SAMPLES/logs/pcap/sll-irc-starttls.pcap"
expect sweep_internal_default_client 'pcap:1	203.143.168.47	185.18.76.170	' "$T/out"
CHOUSA_DB="$T/irc.db" check sweep_internal_range 1 "$CHOUSA" sweep --internal 185.18.76.0/24 "$SAMPLES/logs/pcap/sll-irc-starttls.pcap"
expect sweep_internal_range_server 'pcap:1	185.18.76.170	203.143.168.47	' "$T/out"
refute sweep_internal_range_every_line ':[0-9]*	203.143.168.47	185.18.76.170	' "$T/out"
check sweep_internal_bad_range 2 "$CHOUSA" sweep --internal 10.0.0.0/99 "$SAMPLES/logs/pcap/sll-irc-starttls.pcap"
expect sweep_internal_bad_range_says "bad internal range '10.0.0.0/99'" "$T/err"

# What benign lists suppressed is said every time, in text and JSON.
printf '{"name":"test benign","version":1,"description":"test","type":"hostname","list":["www.suricata.io"]}\n' > "$T/wl.json"
"$CHOUSA" -q import warninglist "$T/wl.json" > /dev/null 2>&1
check sweep_benign_summary 0 "$CHOUSA" sweep "$S/eve/docs-dns-v3-upgrade-examples-REPAIRED.json"
expect sweep_benign_summary_text '0 hits, 3 suppressed by known-benign lists' "$T/err"
check sweep_benign_summary_json 0 "$CHOUSA" sweep --json "$S/eve/docs-dns-v3-upgrade-examples-REPAIRED.json"
expect sweep_benign_summary_json_line '^\{"summary":\{.*"hits":0,"benign_suppressed":3,' "$T/out"
