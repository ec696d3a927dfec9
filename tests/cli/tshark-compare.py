#!/usr/bin/env python3
"""tshark-compare.py CHOUSA DIFFERENCES CAPTURE...: for each capture, the
addresses and names tshark decodes in each packet (every IP layer, inner
and outer, DNS questions and answers, HTTP Host, TLS server name) are
imported as a list, and `chousa sweep` must hit exactly those (packet,
value) pairs, apart from the differences listed (file, packet, value,
why).  Prints one "ok - " or "not ok - " line per capture, as lib.sh does.

tshark reads packets one by one as chousa does: no TCP reassembly and no
IP defragmentation.  tshark reads them all concatenated by mergecap
(same packets, one start-up); chousa reads each file as it is."""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

FIELDS = ["ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "dns.qry.name",
          "dns.a", "dns.aaaa", "dns.cname", "http.host",
          "tls.handshake.extensions_server_name"]


def tshark(path):
    """The (frame, value) pairs tshark decodes in path."""
    cmd = ["tshark", "-n", "-r", path,
           "-o", "tcp.desegment_tcp_streams:FALSE",
           "-o", "tcp.analyze_sequence_numbers:FALSE",
           "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
           "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
           "-e", "frame.number"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True)
    pairs = set()
    for line in out.stdout.splitlines():
        cols = line.split("\t")
        for c in cols[1:]:
            for v in c.split(","):
                v = v.strip().lower().rstrip(".")
                if v and v != "<root>":
                    pairs.add((int(cols[0]), v))
    return pairs


def main():
    chousa, diff_file, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    allowed = {}
    for line in open(diff_file):
        if line.startswith("#") or not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        allowed.setdefault(f[0], set()).add((f[1], int(f[2]), f[3]))
    work = tempfile.mkdtemp(dir=os.environ.get("TMPDIR"))
    # tshark takes a second to start: it reads all the captures at once,
    # concatenated, and each packet is traced back to its file.
    merged = os.path.join(work, "all.pcapng")
    subprocess.run(["mergecap", "-a", "-w", merged] + paths, check=True)
    counts = {}
    for line in subprocess.run(["capinfos", "-c", "-T", "-r", "-M"] + paths,
                               capture_output=True, text=True).stdout \
            .splitlines():
        f = line.split("\t")
        counts[f[0]] = int(f[1])
    everything = tshark(merged)
    iocs = os.path.join(work, "iocs.txt")
    with open(iocs, "w") as fp:
        fp.write("\n".join(sorted({v for _, v in everything})) + "\n")
    env = dict(os.environ, CHOUSA_DB=os.path.join(work, "s.db"),
               CHOUSA_CONFIG=os.path.join(work, "config"))
    open(env["CHOUSA_CONFIG"], "w").close()
    subprocess.run([chousa, "-q", "import", "list", iocs], env=env,
                   capture_output=True)
    con = sqlite3.connect(env["CHOUSA_DB"])
    stored = {r[0].lower() for r in
              con.execute("SELECT value FROM indicators")}
    con.close()
    base = 0
    for path in paths:
        name = os.path.basename(path)
        n_packets = counts.get(path, 0)
        # A value the list importer refuses (a bare label) cannot hit.
        want = {(n - base, v) for n, v in everything
                if base < n <= base + n_packets and v in stored}
        base += n_packets
        p = subprocess.run([chousa, "sweep", "--json", "--no-benign-filter",
                            path], env=env, capture_output=True, text=True)
        got = set()
        for line in p.stdout.splitlines():
            h = json.loads(line)
            if "indicator" in h and h["match"] == "exact":
                got.add((h["line"], h["indicator"].lower()))
        seen = {("missing", n, v) for n, v in want - got} | \
            {("extra", n, v) for n, v in got - want}
        test = "capture_matches_tshark_" + name
        if not want:
            print("not ok - %s: tshark decoded nothing to compare" % test)
        elif seen != allowed.get(name, set()):
            print("not ok - %s: differences %s, listed %s; stderr %s" % (
                test, sorted(seen)[:6], sorted(allowed.get(name, set())),
                p.stderr.strip()[:200]))
        else:
            print("ok - %s (%d values in %d packets)" % (
                test, len(want), len({n for n, _ in want})))


main()
