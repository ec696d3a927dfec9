#!/bin/sh
# bench-sweep.sh: `chousa sweep` over gen_corpus.py's corpus: 1,000,000
# indicators imported through `chousa import`, Zeek conn/dns/http/ssl, EVE
# and Squid logs of 1 GiB each.  Per file: correctness (hit lines against
# the manifest's planted count and truth.tsv), MB/s on one and two cores,
# and the floor (bench/floor.c: a memchr newline count of the mapped file).
# Peers rg -F -f and grep -F -f run on a slice of http.log only (they take
# about 90 s per GB with 1M indicators).  Then a generated capture of
# BENCH_SWEEP_PCAP_MB, against tshark when it is installed.
# A gzip copy of eve.json measures the compressed path (base/input.c).
# Overrides: BENCH_SWEEP_MB (default 1024), BENCH_SWEEP_N (1000000),
# BENCH_SWEEP_PEER_MB (256; 0 skips the peers, whose 1M patterns take
# minutes and 15 GB), BENCH_SWEEP_PCAP_MB (1024),
# BENCH_SWEEP_TSHARK_PKTS (1000000: tshark reads only that many packets).
set -eu
MB=${BENCH_SWEEP_MB:-1024}
N=${BENCH_SWEEP_N:-1000000}
PEER_MB=${BENCH_SWEEP_PEER_MB:-256}
PCAP_MB=${BENCH_SWEEP_PCAP_MB:-1024}
CHOUSA=${CHOUSA:?}
here=$(cd "$(dirname "$0")" && pwd)
if [ -f "$here/../../shared/bench/gen_corpus.py" ]; then
	GEN="$here/../../shared/bench/gen_corpus.py"
else
	GEN=${GEN:?}
fi
work=${BENCH_WORK:?}/sweep-$N-$MB
mkdir -p "$work"
export CHOUSA_CONFIG="$work/config" CHOUSA_DB="$work/chousa.db"
: > "$CHOUSA_CONFIG"
${CC:-cc} -O2 -std=c11 -D_GNU_SOURCE -o "$work/floor" "$here/floor.c" \
    -lpthread

if [ ! -f "$work/corpus/manifest.json" ]; then
	python3 "$GEN" --out "$work/corpus" --n "$N" --plant-subset 100000 \
	    --formats zeek-conn,zeek-dns,zeek-http,zeek-ssl,eve,squid \
	    --log-mb "$MB" --truth -q >&2
fi
if [ ! -f "$work/imported" ]; then
	rm -f "$CHOUSA_DB"
	t0=$(date +%s)
	"$CHOUSA" -q import urlhaus "$work/corpus/indicators.urlhaus.csv" >&2
	"$CHOUSA" -q import threatfox "$work/corpus/indicators.threatfox.csv" >&2
	echo "$(( $(date +%s) - t0 ))" > "$work/imported"
fi

python3 - "$CHOUSA" "$work" "$PEER_MB" "$PCAP_MB" "$(cat "$work/imported")" <<'PY'
import json, os, re, shutil, socket, struct, subprocess, sys, time

chousa, work, peer_mb, pcap_mb, import_s = sys.argv[1:6]
peer_mb, pcap_mb = int(peer_mb), int(pcap_mb)
corpus = os.path.join(work, "corpus")
floor = os.path.join(work, "floor")
manifest = json.load(open(os.path.join(corpus, "manifest.json")))
truth = {}
for line in open(os.path.join(corpus, "truth.tsv")):
    f = line.split("\t")
    if f[0] != "file":
        truth.setdefault(f[0], set()).add(int(f[1]))


def load():
    return os.getloadavg()[0]


def timed(cmd, stdout=subprocess.DEVNULL, timeout=900):
    """Run cmd under /usr/bin/time; (seconds, max RSS MB, stderr)."""
    t0 = time.time()
    p = subprocess.run(["/usr/bin/time", "-f", "TIME %e %M %U %S"] + cmd,
                       stdout=stdout, stderr=subprocess.PIPE, timeout=timeout)
    wall = time.time() - t0
    err = p.stderr.decode(errors="replace")
    m = re.search(r"TIME ([\d.]+) (\d+)", err)
    return (float(m.group(1)) if m else wall,
            int(m.group(2)) / 1024 if m else 0, err, p)


def warm(path):
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def sweep(path, threads, reps=2):
    """Best sweep time of reps (from the summary), and the hit lines.
    Also the least CPU time of the process minus the matcher's."""
    global best_cpu
    best, lines, best_cpu = None, set(), None
    for _ in range(reps):
        _, rss, err, p = timed([chousa, "sweep", "--threads", str(threads),
                                path], stdout=subprocess.PIPE)
        m = re.search(r"MB in ([\d.]+) s", err)
        s = float(m.group(1)) if m else None
        if s is not None and (best is None or s < best):
            best = s
        c = re.search(r"TIME [\d.]+ \d+ ([\d.]+) ([\d.]+)", err)
        if c:
            cpu = float(c.group(1)) + float(c.group(2)) - matcher_cpu
            if best_cpu is None or cpu < best_cpu:
                best_cpu = cpu
        lines = set()
        for out in p.stdout.decode(errors="replace").splitlines():
            f = out.split("\t")
            if len(f) > 1:
                lines.add(int(f[1].rsplit(":", 1)[1]))
    return best, lines, rss


def floor_mbs(path, threads):
    out = subprocess.run([floor, path, str(threads)], capture_output=True,
                         text=True).stdout.split()
    return float(out[3]) if out else 0.0


print("## sweep (`chousa sweep`)\n")
print("%s indicators (%s URL, %s domain, %s IP, %s sha256), logs of %s MiB "
      "from gen_corpus.py; store built by `chousa import` in %s s.  "
      "Load average at start: %.2f (2 cores shared with other work)."
      % (format(sum(manifest["counts"].values()), ","),
         format(manifest["counts"].get("url", 0), ","),
         format(manifest["counts"].get("domain", 0), ","),
         format(manifest["counts"].get("ip", 0), ","),
         format(manifest["counts"].get("sha256", 0), ","),
         manifest["logs"][0]["bytes"] >> 20, import_s, load()))

# The matcher alone: sweep an empty file with -v.
empty = os.path.join(work, "empty.log")
open(empty, "w").close()
_, rss, err, _ = timed([chousa, "-v", "sweep", empty])
m = re.search(r"([\d.]+) MB, built in ([\d.]+) s", err)
cpu = re.search(r"TIME [\d.]+ \d+ ([\d.]+) ([\d.]+)", err)
matcher_cpu = (float(cpu.group(1)) + float(cpu.group(2))) if cpu else 0.0
print("\nMatcher from the store: built in %s s wall (the whole process used "
      "%s s of CPU), %s MB held, process peak RSS %.0f MB (targets: < 2 s, "
      "< 300 MB).\n"
      % (m.group(2) if m else "?",
         "%.2f" % (float(cpu.group(1)) + float(cpu.group(2))) if cpu else "?",
         m.group(1) if m else "?", rss))

print("MB/s is wall-clock time of the sweep alone (from its summary line); "
      "on a loaded machine the MB per CPU-second (the process's user+sys "
      "time less the matcher build's) says more about the code.\n")
print("| file | format | planted | hit lines | truth lines | 1 core MB/s "
      "| 1 core MB per CPU-s | 2 cores MB/s | scaling | floor 1 core MB/s "
      "| of floor | floor 2 cores MB/s |")
print("|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
results = {}
for log in manifest["logs"]:
    path = os.path.join(corpus, log["file"])
    warm(path)
    size = os.path.getsize(path) / 1e6
    f1 = floor_mbs(path, 1)
    f2 = floor_mbs(path, 2)
    s1, lines, _ = sweep(path, 1)
    cpu1 = best_cpu
    s2, lines2, _ = sweep(path, 2)
    mb1 = size / s1 if s1 else 0
    mb2 = size / s2 if s2 else 0
    results[log["file"]] = mb1
    ok = "yes" if lines == truth.get(log["file"], set()) else "NO"
    print("| %s | %s | %d | %d%s | %s | %.0f | %.0f | %.0f | %.2fx | %.0f "
          "| %.0f%% | %.0f |" % (log["file"], log["format"], log["planted"],
                        len(lines), "" if lines == lines2 else " (2 cores: %d)"
                        % len(lines2), ok, mb1,
                        size / cpu1 if cpu1 and cpu1 > 0 else 0, mb2,
                        mb2 / mb1 if mb1 else 0, f1,
                        100 * mb1 / f1 if f1 else 0, f2))

# The compressed path: eve.json through gzip, one thread, MB of content.
gz = os.path.join(work, "eve.json.gz")
if not os.path.exists(gz):
    subprocess.run("gzip -1 -c '%s' > '%s'" % (os.path.join(corpus,
                   "eve.json"), gz), shell=True, check=True)
warm(gz)
content = os.path.getsize(os.path.join(corpus, "eve.json")) / 1e6
s1, lines, _ = sweep(gz, 1)
print("\neve.json compressed with gzip -1 (%.0f MB, %.0f MB of content), "
      "read through base/input.c: %.0f MB/s of content wall, %.0f MB of "
      "content per CPU-s; hit lines %s.\n"
      % (os.path.getsize(gz) / 1e6, content, content / s1 if s1 else 0,
         content / best_cpu if best_cpu else 0,
         "= truth" if lines == truth.get("eve.json", set()) else
         "%d, truth %d" % (len(lines), len(truth.get("eve.json", set())))))

# Peers on a slice of http.log, with the whole indicator set.
ind = os.path.join(corpus, "indicators.txt")
if peer_mb > 0:
    http = os.path.join(corpus, "http.log")
    slice_path = os.path.join(work, "http-slice.log")
    want = peer_mb << 20
    if not os.path.exists(slice_path) or os.path.getsize(slice_path) > want:
        with open(http, "rb") as src, open(slice_path, "wb") as dst:
            data = src.read(want)
            dst.write(data[:data.rfind(b"\n") + 1])
    warm(slice_path)
    size = os.path.getsize(slice_path) / 1e6
    print("\nPeers on the first %.0f MB of http.log (substring tools take about "
          "90 s per GB with 1M indicators, so not the whole file); their counts "
          "are literal matches only (no URL rebuilt from host and uri):\n" % size)
    print("| tool | seconds | MB/s | peak RSS MB | count | chousa (1 core) is |")
    print("|---|---:|---:|---:|---:|---:|")
    s1, lines, rss1 = sweep(slice_path, 1)
    cm = size / s1 if s1 else 0
    print("| chousa sweep --threads 1 | %.2f | %.0f | %.0f | %d lines | - |"
          % (s1, cm, rss1, len(lines)))
    for name, cmd in (("rg -F -f", ["rg", "-F", "-f", ind, "-c", slice_path]),
                      ("grep -F -f", ["grep", "-F", "-f", ind, "-c",
                                      slice_path])):
        if shutil.which(cmd[0]) is None:
            print("| %s | not installed | | | | |" % name)
            continue
        try:
            secs, rss, _, p = timed(cmd, stdout=subprocess.PIPE, timeout=1800)
            count = p.stdout.decode().strip()
            mbs = size / secs if secs else 0
            print("| %s | %.1f | %.1f | %.0f | %s | %.0fx faster |"
                  % (name, secs, mbs, rss, count, cm / mbs if mbs else 0))
        except subprocess.TimeoutExpired:
            print("| %s | > 1800 | | | | |" % name)

# A capture: DNS, HTTP and TLS packets with planted indicators.
cap = os.path.join(work, "bench-%d.pcap" % pcap_mb)
meta = cap + ".planted"
if not os.path.exists(meta):
    ips, doms, urls = [], [], []
    for v in open(ind):
        v = v.strip()
        if v.startswith("http://"):
            urls.append(v)
        elif re.fullmatch(r"\d+\.\d+\.\d+\.\d+", v):
            ips.append(v)
        elif "." in v and "/" not in v and len(v) < 64 and len(doms) < 5000:
            doms.append(v)
        if len(urls) > 5000 and len(ips) > 5000 and len(doms) >= 5000:
            break

    def eth(p):
        return b"\0\x11\x22\x33\x44\x55\0\x66\x77\x88\x99\xaa\x08\x00" + p

    def ip4(s, d, proto, p):
        return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(p), 1, 0, 64,
                           proto, 0, s, d) + p

    def qname(n):
        return b"".join(bytes([len(x)]) + x.encode() for x in n.split(".")) \
            + b"\0"

    def dns(n):
        return struct.pack("!HHHHHHHH", 53000, 53, 0, 0, 0x1234, 0x0100, 1,
                           0) + b"\0\0\0\0" + qname(n) + b"\0\x01\0\x01"

    def tcp(dport, p):
        return struct.pack("!HHIIBBHHH", 50000, dport, 1, 1, 0x50, 0x18,
                           65535, 0, 0) + p

    def hello(sni):
        n = sni.encode()
        ext = struct.pack("!HHHBH", 0, len(n) + 5, len(n) + 3, 0, len(n)) + n
        body = b"\x03\x03" + b"\x11" * 32 + b"\0" + b"\0\x02\x13\x01" + \
            b"\x01\0" + struct.pack("!H", len(ext)) + ext
        hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
        return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs

    benign = ["www.example%d.com" % i for i in range(500)]
    client = socket.inet_aton("10.1.2.3")
    out = open(cap, "wb")
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    written, n, planted = 24, 0, 0
    while written < pcap_mb << 20:
        n += 1
        i = n % 1000
        hit = i == 0
        if hit:
            planted += 1
            k = (n // 1000) % 3
            if k == 0:
                p = eth(ip4(client, socket.inet_aton("8.8.8.8"), 17,
                            dns(doms[n % len(doms)])))
            elif k == 1:
                u = urls[n % len(urls)][7:]
                host, _, path = u.partition("/")
                p = eth(ip4(client, socket.inet_aton("93.184.216.34"), 6,
                            tcp(80, ("GET /%s HTTP/1.1\r\nHost: %s\r\n\r\n"
                                     % (path, host)).encode())))
            else:
                p = eth(ip4(client, socket.inet_aton(ips[n % len(ips)]), 6,
                            tcp(443, b"")))
        elif i % 3 == 0:
            p = eth(ip4(client, socket.inet_aton("8.8.4.4"), 17,
                        dns(benign[i % 500])))
        elif i % 3 == 1:
            p = eth(ip4(client, socket.inet_aton("93.184.216.34"), 6,
                        tcp(80, ("GET /static/%d/app.js HTTP/1.1\r\nHost: "
                                 "%s\r\nUser-Agent: Mozilla/5.0\r\n\r\n"
                                 % (i, benign[i % 500])).encode())))
        else:
            p = eth(ip4(client, socket.inet_aton("93.184.216.35"), 6,
                        tcp(443, hello(benign[i % 500]))))
        out.write(struct.pack("<IIII", 1710000000 + n // 1000, n % 1000000,
                              len(p), len(p)) + p)
        written += 16 + len(p)
    out.close()
    open(meta, "w").write("%d %d\n" % (planted, n))
planted, packets = map(int, open(meta).read().split())
warm(cap)
size = os.path.getsize(cap) / 1e6
secs, rss, err, p = timed([chousa, "sweep", cap], stdout=subprocess.PIPE)
csecs = secs
hits = len({l.split("\t")[1] for l in p.stdout.decode(errors="replace")
            .splitlines() if "\t" in l})
print("\nCapture: %.0f MB, %d packets (DNS queries, HTTP requests, TLS "
      "ClientHellos), %d planted.\n" % (size, packets, planted))
print("| tool | seconds | MB/s | packets/s | hits |")
print("|---|---:|---:|---:|---:|")
print("| chousa sweep (pcap) | %.2f | %.0f | %.0f | %d packets (%s) |"
      % (secs, size / secs, packets / secs, hits,
         "= planted" if hits == planted else "planted %d" % planted))
if shutil.which("tshark"):
    # tshark is slow: its first TSHARK_PKTS packets, with TCP sequence
    # analysis and reassembly off (single-packet fields, as chousa reads).
    limit = min(packets, int(os.environ.get("BENCH_SWEEP_TSHARK_PKTS",
                                            "1000000")))
    secs, rss, _, _ = timed(["tshark", "-r", cap, "-c", str(limit),
                             "-o", "tcp.analyze_sequence_numbers:FALSE",
                             "-o", "tcp.desegment_tcp_streams:FALSE",
                             "-T", "fields", "-e", "ip.src", "-e", "ip.dst",
                             "-e", "dns.qry.name", "-e", "http.host", "-e",
                             "http.request.uri", "-e",
                             "tls.handshake.extensions_server_name"],
                            timeout=3600)
    rate = limit / secs
    print("| tshark -T fields, same fields, first %d packets | %.1f | %.0f "
          "| %.0f | - (chousa is %.0fx faster per packet) |"
          % (limit, secs, size * limit / packets / secs, rate,
             (packets / float(csecs)) / rate))
else:
    print("| tshark | not installed here | | | |")
print("\nLoad average at the end: %.2f.\n" % load())
PY
