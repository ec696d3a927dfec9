#!/bin/sh
# test-host-forms.sh: lookup and investigate take one host written as more
# than its address as that address, here and through `chousa --server`:
# a single-host CIDR (1.2.3.4/32, 2001:db8::1/128, as firewall and SIEM
# exports write hosts) and IP:port (ThreatFox's ip:port, [IPv6]:port),
# saying how it was given.  A wider CIDR stays a range; bare IPv6 stays
# as it was; other text with ':' says what it is not.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_up '[server]\nrate = 0\n' investigate hosts
export CHOUSA_SERVER_KEY="$TOKEN" SOURCE_DATE_EPOCH=1700000000
C2=162.243.103.246

# ---- lookup ----
check lookup_bare_ip 1 "$CHOUSA" lookup "$C2"
check lookup_host_cidr 1 "$CHOUSA" lookup "$C2/32"
expect lookup_host_cidr_as_ip "^ipv4 162\.243\.103\.246 \(given as 162\.243\.103\.246/32\): 2 records, malicious$" "$T/out"
expect lookup_host_cidr_exact "^  exact +feodo " "$T/out"
check lookup_ip_port 1 "$CHOUSA" lookup "$C2:8080"
expect lookup_ip_port_as_ip "^ipv4 162\.243\.103\.246 \(given as 162\.243\.103\.246:8080\): 2 records, malicious$" "$T/out"
check lookup_ip_port_defanged 1 "$CHOUSA" lookup '162[.]243[.]103[.]246:8080'
expect lookup_ip_port_defanged_said "^ipv4 162\.243\.103\.246 \(given as 162\[\.\]243\[\.\]103\[\.\]246:8080\): 2 records" "$T/out"
check lookup_v6_port 0 "$CHOUSA" lookup '[2001:db8::1]:443'
expect lookup_v6_port_as_ip '^ipv6 2001:db8::1 \(given as \[2001:db8::1\]:443\): not in the store$' "$T/out"
check lookup_v6_host_cidr 0 "$CHOUSA" lookup 2001:DB8::1/128
expect lookup_v6_host_cidr_as_ip '^ipv6 2001:db8::1 \(given as 2001:DB8::1/128\): not in the store$' "$T/out"
check lookup_wider_cidr 0 "$CHOUSA" lookup 162.243.103.0/24
expect lookup_wider_cidr_stays '^cidr 162\.243\.103\.0/24: [0-9]+ records?, suspicious$' "$T/out"
# Bare IPv6 as before: no "given as".
for v6 in 2001:db8::1 ::ffff:1.2.3.4 '[2001:db8::1]'; do
	check "lookup_bare_v6 $v6" 0 "$CHOUSA" lookup "$v6"
	expect "lookup_bare_v6_said $v6" '^ipv6 [0-9a-f:.]+: not in the store$' "$T/out"
done
check lookup_zone 3 "$CHOUSA" lookup 'fe80::1%eth0'
expect lookup_zone_said "'fe80::1%eth0' is not an indicator: not an IPv6 address$" "$T/err"
check lookup_colon_garbage 3 "$CHOUSA" lookup 'a:b'
expect lookup_colon_garbage_said "'a:b' is not an indicator: not a URL, an IPv6 address or an IP address and port$" "$T/err"
check lookup_header_garbage 3 "$CHOUSA" lookup "$(printf 'evil!\r\nX: 1')"
expect lookup_header_garbage_said "is not an indicator: not a URL, an IPv6 address or an IP address and port$" "$T/err"
refute lookup_header_garbage_not_v6 "IPv6 address$" "$T/err"
check lookup_bad_port 3 "$CHOUSA" lookup "$C2:99999"
expect lookup_bad_port_said "port not in 1-65535 after the address$" "$T/err"

# ---- investigate ----
check investigate_host_cidr 1 "$CHOUSA" investigate --offline "$C2/32"
expect investigate_host_cidr_as_ip '^162\[\.\]243\[\.\]103\[\.\]246  \(ipv4, given as 162\[\.\]243\[\.\]103\[\.\]246/32\)$' "$T/out"
expect investigate_host_cidr_malicious '^Verdict: malicious: listed by ' "$T/out"
check investigate_ip_port 1 "$CHOUSA" investigate --offline "$C2:8080"
expect investigate_ip_port_as_ip '^162\[\.\]243\[\.\]103\[\.\]246  \(ipv4, given as 162\[\.\]243\[\.\]103\[\.\]246:8080\)$' "$T/out"
check investigate_ip_port_md 1 "$CHOUSA" investigate --offline --format md "$C2:8080"
expect investigate_ip_port_md_said '^## `162\[\.\]243\[\.\]103\[\.\]246` \(ipv4, given as `162\[\.\]243\[\.\]103\[\.\]246:8080`\)$' "$T/out"
# lookup --json says the form given beside the address looked up.
check lookup_ip_port_json 1 "$CHOUSA" lookup --json "$C2:8080" 8.8.8.8
expect lookup_ip_port_json_given '^\[\{"indicator":"162\.243\.103\.246","given":"162\.243\.103\.246:8080","type":"ipv4"' "$T/out"
expect lookup_plain_json_given_null '\{"indicator":"8\.8\.8\.8","given":null,' "$T/out"
check investigate_ip_port_json 1 "$CHOUSA" investigate --offline --json "$C2:8080"
expect investigate_ip_port_json_input '"input":"162\.243\.103\.246:8080"' "$T/out"
expect investigate_ip_port_json_type '"type":"ipv4"' "$T/out"
check investigate_wider_cidr 1 "$CHOUSA" investigate --offline 162.243.103.0/24
expect investigate_wider_cidr_stays '^162\[\.\]243\[\.\]103\[\.\]0/24  \(cidr\)$' "$T/out"
# extract keeps what the text says (a /32 is a cidr, an ip:port its IP);
# investigating what it found takes the /32 as the host.
printf 'blocked %s/32 and 1.2.3.4:8080\n' "$C2" > "$T/fw.txt"
check extract_host_cidr 0 "$CHOUSA" extract "$T/fw.txt"
expect extract_host_cidr_is_cidr "^cidr	$C2/32$" "$T/out"
expect extract_ip_port_is_ip '^ipv4	1\.2\.3\.4$' "$T/out"
check investigate_extract_host_cidr 1 "$CHOUSA" investigate --offline --extract --brief "$T/fw.txt"
expect investigate_extract_host_cidr_ip '^  malicious +162\[\.\]243\[\.\]103\[\.\]246 +Emotet' "$T/out"

# ---- the same through the server ----
same_run() {
	name=$1
	shift
	"$CHOUSA" "$@" > "$T/local.out" 2> "$T/local.err"
	l=$?
	"$CHOUSA" --server "$URL" "$@" > "$T/remote.out" 2> "$T/remote.err"
	r=$?
	same_as_local "$name" "$want" "$l" "$r"
}
want=1 same_run server_lookup_host_cidr lookup "$C2/32"
want=1 same_run server_lookup_ip_port lookup "$C2:8080" '[2001:db8::1]:443'
want=3 same_run server_lookup_colon_garbage lookup 'a:b' "$C2:8080"
want=1 same_run server_investigate_host_cidr investigate --offline "$C2/32"
want=1 same_run server_investigate_ip_port investigate --offline --json "$C2:8080"
want=1 same_run server_lookup_ip_port_json lookup --json "$C2:8080" 8.8.8.8
