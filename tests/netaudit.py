#!/usr/bin/env python3
"""netaudit.py DIR: what the tests asked of the network, from the strace
logs `NETAUDIT=DIR tests/run.sh BUILD` writes (one a test, named as its
directory: cli_test-sweep).  Per test, each connect() to an address that
is not loopback and each DNS question sent (the resolver's UDP to port
53, so a host looked up on a machine without internet too), with how
many times; nothing when no test did.  Exit 1 when some test did.

A connect() of a UDP socket sends nothing: Chromium's IPv6 probe
(2001:4860:4860::8888 port 443) is one, listed all the same.
"""
import collections
import os
import re
import sys

CONNECT = re.compile(
    r'^(\d+)\s+connect\((\d+), \{sa_family=AF_INET6?, sin6?_port=htons\((\d+)\), '
    r'(?:sin6_flowinfo=[^,]*, )?'
    r'(?:inet_pton\(AF_INET6, "([^"]+)"|sin_addr=inet_addr\("([^"]+)"\))')
SEND = re.compile(r'^(\d+)\s+(?:sendto|sendmsg|sendmmsg)\((\d+), .*?"((?:[^"\\]|\\.)*)"')


def loopback(addr):
    return (addr.startswith("127.") or addr == "::1" or
            addr.startswith("::ffff:127.") or addr in ("0.0.0.0", "::"))


def question(escaped):
    """The name a DNS query (strace's C escapes) asks for; ValueError
    when it is not one."""
    b = escaped.encode("latin1").decode("unicode_escape").encode("latin1")
    if len(b) < 17 or b[4:6] != b"\0\1":
        raise ValueError("not one question")
    i, labels = 12, []
    while i < len(b) and b[i]:
        if b[i] > 63:
            raise ValueError("not a label")
        labels.append(b[i + 1:i + 1 + b[i]].decode("latin1"))
        i += 1 + b[i]
    if i + 5 != len(b):
        raise ValueError("not a question")
    return ".".join(labels)


def audit(path):
    seen = collections.Counter()
    dns = set()	# (pid, fd) connected to port 53
    for line in open(path, errors="replace"):
        m = CONNECT.match(line)
        if m:
            pid, fd, port, a6, a4 = m.groups()
            addr = a6 or a4
            dns.discard((pid, fd))
            if not loopback(addr):
                seen["connect %s port %s" % (addr, port)] += 1
                if port == "53":
                    dns.add((pid, fd))
            continue
        m = SEND.match(line)
        if m and (m.group(1), m.group(2)) in dns:
            try:
                seen["dns %s" % question(m.group(3))] += 1
            except ValueError:
                pass
    return seen


def main():
    d = sys.argv[1]
    found = 0
    for name in sorted(os.listdir(d)):
        seen = audit(os.path.join(d, name))
        if not seen:
            continue
        found = 1
        print(name)
        for what, n in sorted(seen.items()):
            print("    %-60s x%d" % (what, n))
    sys.exit(found)


main()
