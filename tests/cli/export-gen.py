#!/usr/bin/env python3
"""export-gen.py OUTDIR N NOW: a generated store's feeds, for the export
property checks, and what an export of it must hold.

Writes threatfox.csv (domains, ip:port, URLs, sha256, md5, sha1) and
urlhaus.csv (URLs, a third of them also in ThreatFox, so the export must
merge them) in the feeds' real layouts, warninglist-hosts.json and
warninglist-ranges.json (known-benign CDN hostnames and ranges: the
ranges hold some of the addresses, which one source lists and which are
left out; the hostnames are parents of some domains and hosts of some
URLs, which stay), and expected.tsv: "type<TAB>value" of every indicator
that is active (last seen within 30 days before NOW, or online) and not
known-benign.
Deterministic for N and NOW.
"""
import json
import os
import random
import sys

out, n, now = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random("export-gen:%d:%d" % (n, now))
DAY = 86400


def ts(t):
    import time
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))


seen = {}       # (type, value) -> [last, online]
benign = set()  # (type, value)


def note(t, v, last, online=False):
    cur = seen.setdefault((t, v), [0, False])
    cur[0] = max(cur[0], last)
    cur[1] = cur[1] or online


tf = []
urls = []
for i in range(n):
    first = now - r.randint(0, 120) * DAY - r.randint(0, DAY - 1)
    last = first + r.randint(0, 20) * DAY if r.random() < 0.5 else 0
    kind = r.choice(("domain", "ip", "url", "url", "sha256", "md5", "sha1"))
    if kind == "domain":
        if r.random() < 0.15:
            # A tenant's name under a CDN's: its own (row 5), kept.
            v = "h%d.cdn%d.net" % (i, i % 3)
        else:
            v = "d%d.evil%d.com" % (i, i % 7)
        tt, typ = "domain", "domain"
    elif kind == "ip":
        if r.random() < 0.15:
            v = "45.60.%d.%d" % ((i >> 8) & 255, i & 255 or 1)
            benign.add(("ipv4", v))
        else:
            v = "%d.%d.%d.%d" % (r.choice((5, 31, 37, 91, 185)), (i >> 16) & 255, (i >> 8) & 255, i & 255 or 1)
        tt, typ, value = "ip:port", "ipv4", "%s:%d" % (v, r.choice((443, 8080, 4444)))
    elif kind == "url":
        host = "h%d.cdn1.net" % i if r.random() < 0.1 else "u%d.bad.org" % i
        v = "http://%s/p%d/x.php" % (host, i)
        tt, typ = "url", "url"
        urls.append(v)
    else:
        bits = {"sha256": 256, "md5": 128, "sha1": 160}[kind]
        v = "%0*x" % (bits // 4, r.getrandbits(bits))
        tt, typ = kind + "_hash", kind
    if kind != "ip":
        value = v
    note(typ, v, last or first)
    tf.append('"%s", "%d", "%s", "%s", "botnet_cc", "win.emotet", "None", "Emotet", "%s", "%d", "False", "None", "None", "0", "gen"' % (
        ts(first), 100000 + i, value, tt, ts(last) if last else "", r.choice((25, 50, 75, 100))))

uh = []
for i, u in enumerate(urls[: len(urls) // 3] + ["http://w%d.urlhaus.net/f%d.exe" % (i, i) for i in range(n // 5)]):
    first = now - r.randint(0, 120) * DAY
    last = first + r.randint(0, 5) * DAY if r.random() < 0.7 else 0
    online = r.random() < 0.2
    note("url", u, last or first, online)
    uh.append('"%d","%s","%s","%s","%s","malware_download","elf,mirai","https://urlhaus.abuse.ch/url/%d/","gen"' % (
        900000 + i, ts(first), u, "online" if online else "offline", ts(last) if last else "", 900000 + i))

with open(os.path.join(out, "threatfox.csv"), "w", newline="") as f:
    f.write("#\r\n# ThreatFox IOCs: generated for the chousa export tests\r\n#\r\n")
    f.write('# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias","malware_printable","last_seen_utc","confidence_level","is_compromised","reference","tags","anonymous","reporter"\r\n')
    for l in tf:
        f.write(l + "\r\n")
    f.write("# Number of entries: %d\r\n" % len(tf))
with open(os.path.join(out, "urlhaus.csv"), "w", newline="") as f:
    f.write("#\r\n# abuse.ch URLhaus Database Dump (CSV): generated for the chousa export tests\r\n#\r\n")
    f.write("# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\r\n")
    for l in uh:
        f.write(l + "\r\n")
json.dump({"name": "chousa test CDN hosts", "description": "generated",
           "type": "hostname", "version": 1,
           "matching_attributes": ["hostname", "domain"],
           "list": ["cdn0.net", "cdn1.net", "cdn2.net"]},
          open(os.path.join(out, "warninglist-hosts.json"), "w"), indent=1)
json.dump({"name": "chousa test CDN ranges", "description": "generated",
           "type": "cidr", "version": 1, "matching_attributes": ["ip-dst"],
           "list": ["45.60.0.0/16"]},
          open(os.path.join(out, "warninglist-ranges.json"), "w"), indent=1)
with open(os.path.join(out, "expected.tsv"), "w") as f:
    for (t, v), (last, online) in sorted(seen.items()):
        if (t, v) in benign:
            continue
        if online or last >= now - 30 * DAY:
            f.write("%s\t%s\n" % (t, v))
