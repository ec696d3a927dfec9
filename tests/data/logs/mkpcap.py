#!/usr/bin/env python3
"""mkpcap.py OUT [--ng] [--truncate]: write a small capture for the sweep
tests: a DNS query and answer, HTTP requests with Host, a TLS ClientHello
with SNI and an IPv6 packet, as pcap (default) or pcapng.  --truncate cuts
the file in the middle of the last packet."""
import socket
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(payload, v6=False):
    return b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb" + \
        struct.pack("!H", 0x86DD if v6 else 0x0800) + payload


def ipv4(src, dst, proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64,
                    proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ipv6(src, dst, proto, payload):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), proto, 64,
                       socket.inet_pton(socket.AF_INET6, src),
                       socket.inet_pton(socket.AF_INET6, dst)) + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(sport, dport, payload, flags=0x18):
    return struct.pack("!HHIIBBHHH", sport, dport, 1000, 2000, 5 << 4, flags,
                       65535, 0, 0) + payload


def qname(name):
    out = b""
    for label in name.split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def dns_query(name, qid=0x1234):
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + qname(name) + \
        struct.pack("!HH", 1, 1)


def dns_answer(name, ip, qid=0x1234):
    q = qname(name) + struct.pack("!HH", 1, 1)
    # CNAME to a compressed target, then the A record.
    cname = b"\x03cdn" + b"\xc0\x0c"
    a1 = b"\xc0\x0c" + struct.pack("!HHIH", 5, 1, 60, len(cname)) + cname
    a2 = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + \
        socket.inet_aton(ip)
    return struct.pack("!HHHHHH", qid, 0x8180, 1, 2, 0, 0) + q + a1 + a2


def client_hello(sni):
    name = sni.encode()
    sni_ext = struct.pack("!HHHBH", 0, len(name) + 5, len(name) + 3, 0,
                          len(name)) + name
    other = struct.pack("!HH", 0x000A, 4) + b"\x00\x02\x00\x1d"
    exts = other + sni_ext
    body = b"\x03\x03" + b"\x11" * 32 + b"\x20" + b"\x22" * 32 + \
        struct.pack("!H", 4) + b"\x13\x01\x13\x02" + b"\x01\x00" + \
        struct.pack("!H", len(exts)) + exts
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


def http(path, host):
    return ("GET %s HTTP/1.1\r\nUser-Agent: Wget/1.21\r\nAccept: */*\r\n"
            "Host: %s\r\nConnection: close\r\n\r\n" % (path, host)).encode()


def packets():
    return [
        eth(ipv4("10.0.0.31", "10.0.0.53", 17,
                 udp(53211, 53, dns_query("a.b.evilcorp.xyz")))),
        eth(ipv4("10.0.0.53", "10.0.0.31", 17,
                 udp(53, 53211, dns_answer("cdn.somesite.net",
                                           "45.133.1.20")))),
        eth(ipv4("10.0.0.23", "185.244.25.10", 6,
                 tcp(50112, 8080, http("/bins/mozi.m",
                                       "185.244.25.10:8080")))),
        eth(ipv4("10.0.0.17", "104.21.55.3", 6,
                 tcp(49734, 443, client_hello("update.evilcorp.xyz")))),
        eth(ipv6("2001:db8:10::5", "2a0e:1c80:1:1:45:15:158:1", 6,
                 tcp(51820, 443, b"", 0x02)), v6=True),
        eth(ipv4("10.0.0.25", "93.184.216.34", 6,
                 tcp(50114, 80, http("/index.html", "www.example.com")))),
        eth(ipv4("10.0.0.24", "104.21.7.9", 6,
                 tcp(50113, 80, http("/wp-content/plugins/x.exe",
                                     "malware-drop.top")))),
    ]


def pcap(pkts):
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    for i, p in enumerate(pkts):
        out += struct.pack("<IIII", 1710353350 + i, 1000 * i, len(p),
                           len(p)) + p
    return out


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def block(btype, body):
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def pcapng(pkts):
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += block(1, struct.pack("<HHI", 1, 0, 65535))
    for i, p in enumerate(pkts):
        ts = (1710353350 + i) * 1000000 + 1000 * i
        out += block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF,
                                    len(p), len(p)) + pad4(p))
    return out


def main():
    out = sys.argv[1]
    data = pcapng(packets()) if "--ng" in sys.argv else pcap(packets())
    if "--truncate" in sys.argv:
        data = data[:-30]
    with open(out, "wb") as f:
        f.write(data)


main()
