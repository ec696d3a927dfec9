# test-sweep-captures.sh: `chousa sweep` over real captures from the Zeek,
# Suricata and tcpdump test suites ($SAMPLES/logs/pcap, README.md there):
# every link type and tunnel they hold, checked packet by packet against
# tshark's decoding of the same captures; then the cases a capture reader
# must refuse, naming why.
. "$TESTS/cli/lib.sh"

P="$SAMPLES/logs/pcap"
export CHOUSA_DB="$T/captures.db"
export CHOUSA_CONFIG="$T/config"
: > "$CHOUSA_CONFIG"

if command -v tshark > /dev/null && command -v mergecap > /dev/null; then
	python3 "$TESTS/cli/tshark-compare.py" "$CHOUSA" \
	    "$P/tshark-differences.tsv" "$P"/*.pcap "$P"/*.pcapng
else
	ok "capture_matches_tshark # SKIP tshark is not installed"
fi

# FDDI: no real capture was found; the real packets of http-vlan-0.pcap
# are re-framed as FDDI with 802.2 SNAP headers (link type 10), and
# checked against tshark like the others.
python3 - "$P/http-vlan-0.pcap" "$T/fddi-http.pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
out = bytearray(data[:20] + struct.pack("<I", 10))
off = 24
while off + 16 <= len(data):
    sec, usec, incl, orig = struct.unpack("<IIII", data[off:off + 16])
    frame = data[off + 16:off + 16 + incl]
    off += 16 + incl
    etype, payload = frame[12:14], frame[14:]
    if etype == b"\x81\x00":
        etype, payload = payload[2:4], payload[4:]
    fddi = b"\x50" + frame[0:6] + frame[6:12] + b"\xaa\xaa\x03\x00\x00\x00" + \
        etype + payload
    out += struct.pack("<IIII", sec, usec, len(fddi), len(fddi)) + fddi
open(sys.argv[2], "wb").write(out)
PY
if command -v tshark > /dev/null && command -v mergecap > /dev/null; then
	python3 "$TESTS/cli/tshark-compare.py" "$CHOUSA" \
	    "$P/tshark-differences.tsv" "$T/fddi-http.pcap"
fi

# hit NAME FILE PATTERN: a sweep of FILE (exit 1) has a hit line matching.
hit() {
	"$CHOUSA" sweep --no-benign-filter "$2" > "$T/out" 2> "$T/err"
	if [ $? -ne 1 ]; then
		not_ok "$1" "exit status is not 1: $(head -c 300 "$T/err")"
	else
		expect "$1" "$3" "$T/out"
	fi
}

# The inner and the outer addresses of a tunnelled packet both hit, and
# the packet's sides are the inner flow's.
printf '%s\n' 192.168.56.11 10.0.0.2 66.59.111.190 www.gleeble.org \
    172.27.1.66 www.wireshark.org 2001:4860:0:2001::68 \
    2a00:6020:ad0b:8381:fd70:e2f9:f031:9dc4 api.cirrus-ci.com > "$T/iocs.txt"
"$CHOUSA" -q import list "$T/iocs.txt" > /dev/null 2>&1
hit sweep_vxlan_outer_address "$P/vxlan.pcap" \
    "vxlan.pcap:3	10.0.0.1	10.0.0.2	192.168.56.11	exact"
expect sweep_vxlan_inner_address "vxlan.pcap:3	10.0.0.1	10.0.0.2	10.0.0.2	exact" "$T/out"
hit sweep_gre_inner_dns_query "$P/gre-sample.pcap" \
    'gre-sample.pcap:33	172.28.2.3	66.59.111.190	www.gleeble.org	exact'
expect sweep_gre_outer_address 'gre-sample.pcap:33	.*	172.27.1.66	exact' "$T/out"
hit sweep_teredo_http_host "$P/teredo.pcap" 'teredo.pcap:67	.*	www.wireshark.org	exact'
# QUIC: the server name of Chromium's Initial, decrypted.
hit sweep_quic_initial_sni "$P/quic-chromium-api-cirrus-com.pcap" \
    'cirrus-com.pcap:1	82.239.54.117	.*	api.cirrus-ci.com	exact'

# A pcapng whose 126 interfaces differ in snap length: libpcap 1.10
# refused it after its first block, and the sweep said 0 packets, exit 0.
check sweep_pcapng_many_interfaces 1 "$CHOUSA" sweep --no-benign-filter \
    "$P/pcapng-126-idbs-ldap-gap.pcapng"
refute sweep_pcapng_many_interfaces_not_cut 'cut short|snapshot length' "$T/err"
expect sweep_pcapng_many_interfaces_packets '; 18 lines' "$T/err"

# A link type chousa cannot decode (the same real packet, its header said
# USB_LINUX) is an error that names it, never 0 packets and exit 0.
python3 - "$P/tcpdump-LINKTYPE_IPV4.pcap" "$T/usb.pcap" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[20:24] = (189).to_bytes(4, "little")
open(sys.argv[2], "wb").write(data)
PY
check sweep_pcap_unknown_link_type 3 "$CHOUSA" sweep "$T/usb.pcap"
expect sweep_pcap_unknown_link_type_named 'link type 189 \(USB_LINUX\) cannot be decoded' "$T/err"
check sweep_pcap_not_a_capture 3 "$CHOUSA" sweep --format pcap "$SAMPLES/logs/zeek/brim-notice.log"
expect sweep_pcap_not_a_capture_says 'not a pcap or pcapng file' "$T/err"
head -c 20 "$P/teredo.pcap" > "$T/header-cut.pcap"
check sweep_pcap_header_cut 3 "$CHOUSA" sweep "$T/header-cut.pcap"
expect sweep_pcap_header_cut_says 'file header is cut short' "$T/err"

# A capture cut in a packet keeps the packets before it; compressed
# captures are read as compressed logs are.
head -c $(($(stat -c %s "$P/teredo.pcap") - 100)) "$P/teredo.pcap" > "$T/cut.pcap"
hit sweep_pcap_cut_keeps_packets "$T/cut.pcap" 'cut.pcap:67	.*www.wireshark.org'
expect sweep_pcap_cut_reported 'cut short in its last packet' "$T/err"
xz -c "$P/gre-sample.pcap" > "$T/gre.pcap.xz"
hit sweep_pcap_xz "$T/gre.pcap.xz" 'gre.pcap.xz:33	.*www.gleeble.org'
