#!/usr/bin/env python3
"""make-fixtures.py: the URLhaus rows of the verdict benchmark, written to
tests/data/verdict/urlhaus-hosts.csv in URLhaus's CSV export layout.

Most rows come from genuine URLhaus API answers in tests/data/samples
(the URLs a host/ or url/ answer lists, with their tags and threat); the
rows on shared platforms (github.com, www.dropbox.com) and the C2 in a
CDN range are WRITTEN for the benchmark, in the shape URLhaus and Feodo
Tracker publish, because no capture of such rows was found.  Run it again
after changing the inputs; the output is committed.
"""
import csv, io, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.join(HERE, "..", "..")
S = os.path.join(TOP, "tests", "data", "samples", "abusech", "urlhaus_api")
OUT = os.path.join(TOP, "tests", "data", "verdict")

rows = []

def add(uid, added, url, status, threat, tags, reporter="chousa-bench"):
    rows.append([str(uid), added, url, status, "None", threat,
                 ",".join(tags) if tags else "None",
                 "https://urlhaus.abuse.ch/url/%s/" % uid, reporter])

def from_host(name):
    o = json.load(open(os.path.join(S, name)))
    for u in o["urls"]:
        uid = u["urlhaus_reference"].rstrip("/").rsplit("/", 1)[1]
        add(uid, u["date_added"].replace(" UTC", ""), u["url"],
            u["url_status"], u["threat"], u.get("tags") or [], u["reporter"])

def from_url(name):
    o = json.load(open(os.path.join(S, name)))
    add(o["id"], o["date_added"].replace(" UTC", ""), o["url"],
        o["url_status"], o["threat"], o.get("tags") or [], o["reporter"])

from_host("v1_host_2019-05-25.json")                 # vektorex.com, real
from_host("v1_host_1.1.1.1_2024-02_EDITED.json")     # 1.1.1.1, edited test data
from_url("v1_url_2019-05-25.json")                   # sskymedia.com, Heodo
# WRITTEN: what URLhaus lists on shared platforms, one tenant per row.
add(9000001, "2024-03-01 10:00:00",
    "https://github.com/ghost-tenant-a/tools/raw/main/setup.exe",
    "online", "malware_download", ["AsyncRAT", "exe"])
add(9000002, "2024-03-02 10:00:00",
    "https://github.com/ghost-tenant-b/updater/releases/download/v1/upd.zip",
    "offline", "malware_download", ["Lumma", "zip"])
add(9000003, "2024-03-03 10:00:00",
    "https://github.com/ghost-tenant-c/x/raw/refs/heads/main/a.dll",
    "offline", "malware_download", ["RedLineStealer", "dll"])
add(9000004, "2024-03-04 10:00:00",
    "https://www.dropbox.com/s/0000000000000aa/invoice.zip?dl=1",
    "offline", "malware_download", ["QakBot", "zip"])
add(9000005, "2024-03-05 10:00:00",
    "https://www.dropbox.com/scl/fi/0000000000000bb/doc.iso?dl=1",
    "offline", "malware_download", ["IcedID", "iso"])

with open(os.path.join(OUT, "urlhaus-hosts.csv"), "w", newline="") as f:
    f.write("# URLhaus CSV layout; see bench/verdict/make-fixtures.py\n")
    f.write("# id,dateadded,url,url_status,last_online,threat,tags,"
            "urlhaus_link,reporter\n")
    w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerows(rows)

# WRITTEN: a C2 that Feodo Tracker's layout lists inside a Cloudflare range.
with open(os.path.join(OUT, "feodo-cdn.csv"), "w") as f:
    f.write('# Feodo Tracker CSV layout; WRITTEN for the verdict benchmark\n')
    f.write('"first_seen_utc","dst_ip","dst_port","c2_status",'
            '"last_online","malware"\n')
    f.write('"2024-03-01 10:00:00","104.21.55.3","443","online",'
            '"2024-03-02","Emotet"\n')
print(len(rows), "rows")
