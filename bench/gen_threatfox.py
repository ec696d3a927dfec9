#!/usr/bin/env python3
"""gen_threatfox.py - a deterministic ThreatFox CSV export for import benchmarks.

Writes N rows in the layout of the real export (REFERENCE.md 1.2.2): the
"#" banner, the quoted header comment, 15 quoted columns separated by
", ", "None" nulls, and the "# Number of entries: N" footer.  The IOC mix
follows the real export's proportions roughly: ip:port 35%, domain 25%,
url 25%, sha256 10%, md5 5%.  Same --seed and --n give byte-identical
files (string seeding, so PYTHONHASHSEED does not matter).  Standard
library only, in the spirit of ../shared/bench/gen_corpus.py.

usage: gen_threatfox.py [--n N] [--seed S] [--out FILE]
"""

import argparse
import random
import sys

FAMILIES = (
    ("win.emotet", "Emotet", "Geodo,Heodo"),
    ("win.qakbot", "QakBot", "Pinkslipbot,QBot"),
    ("win.cobalt_strike", "Cobalt Strike", "Agentemis,BEACON,CobaltStrike"),
    ("win.remcos", "Remcos", "None"),
    ("elf.mirai", "Mirai", "None"),
    ("win.lumma", "Lumma Stealer", "LummaStealer"),
    ("js.clearfake", "ClearFake", "None"),
    ("win.asyncrat", "AsyncRAT", "None"),
    ("win.agent_tesla", "Agent Tesla", "AgentTesla"),
    ("unknown", "Unknown malware", "None"),
)
TLDS = ("com", "net", "org", "top", "xyz", "ru", "info", "online", "site",
        "shop", "click", "live", "icu", "cn", "biz", "cc", "su", "fun")
SYLL = ("ka", "lo", "mi", "ne", "ra", "to", "vu", "zen", "tor", "vex", "qua",
        "bri", "dex", "fy", "gon", "hal", "jin", "kor", "lux", "mar", "nex",
        "or", "pix", "quo", "rex", "sol", "tra", "ul", "vin", "wex", "xo")
REPORTERS = ("abuse_ch", "Bitsight", "anonymous", "JAMESWT_WT", "lrz_urlhaus")
THREATS = {"ip:port": "botnet_cc", "domain": "botnet_cc",
           "url": "payload_delivery", "sha256_hash": "payload",
           "md5_hash": "payload"}


def name(r):
    return "".join(r.choice(SYLL) for _ in range(r.randint(2, 4)))


def domain(r, i):
    # The row number keeps every value unique.
    return "%s%d.%s" % (name(r), i, r.choice(TLDS))


def ioc(r, i):
    x = r.random()
    if x < 0.35:
        ip = "%d.%d.%d.%d" % (r.randint(1, 223), (i >> 16) & 255,
                              (i >> 8) & 255, i & 255)
        return "ip:port", "%s:%d" % (ip, r.choice((443, 80, 8080, 2222, 4444, r.randint(1024, 65535))))
    if x < 0.60:
        return "domain", domain(r, i)
    if x < 0.85:
        return "url", "https://%s/%s/%s.php" % (domain(r, i), name(r), name(r))
    if x < 0.95:
        return "sha256_hash", "%064x" % r.getrandbits(256)
    return "md5_hash", "%032x" % r.getrandbits(128)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000000)
    ap.add_argument("--seed", default="1")
    ap.add_argument("--out", default="-")
    a = ap.parse_args()
    r = random.Random("threatfox:" + a.seed)
    out = sys.stdout if a.out == "-" else open(a.out, "w", newline="")
    w = out.write
    w("################################################################\r\n")
    w("# ThreatFox IOCs: additions - CSV format (full dump)           #\r\n")
    w("# Last updated: 2024-12-31 00:00:00 UTC                        #\r\n")
    w("#                                                              #\r\n")
    w("# Terms Of Use: https://threatfox.abuse.ch/faq/#tos            #\r\n")
    w("# For questions please contact threatfox [at] abuse.ch         #\r\n")
    w("################################################################\r\n")
    w("#\r\n")
    w('# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type",'
      '"fk_malware","malware_alias","malware_printable","last_seen_utc",'
      '"confidence_level","is_compromised","reference","tags","anonymous",'
      '"reporter"\r\n')
    t = 1735603200  # 2024-12-31, going back in time like the real dump
    for i in range(a.n):
        t -= r.randint(0, 40)
        typ, val = ioc(r, i)
        fam, printable, alias = r.choice(FAMILIES)
        first = "%04d-%02d-%02d %02d:%02d:%02d" % gm(t)
        last = "" if r.random() < 0.6 else "%04d-%02d-%02d %02d:%02d:%02d" % gm(t + r.randint(0, 86400 * 30))
        tags = printable.replace(" ", "") if r.random() < 0.7 else "None"
        w('"%s", "%d", "%s", "%s", "%s", "%s", "%s", "%s", "%s", "%d", "%s", "None", "%s", "%d", "%s"\r\n' % (
            first, 2000000 - i, val, typ, THREATS[typ], fam, alias, printable,
            last, r.choice((25, 50, 75, 100)), "False", tags,
            r.randint(0, 1), r.choice(REPORTERS)))
    w("# Number of entries: %d\r\n" % a.n)
    if out is not sys.stdout:
        out.close()


def gm(t):
    days, s = divmod(t, 86400)
    # civil_from_days (Howard Hinnant), no time module needed.
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return (y + (m <= 2), m, d, s // 3600, s % 3600 // 60, s % 60)


if __name__ == "__main__":
    main()
