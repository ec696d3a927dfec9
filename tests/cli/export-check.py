#!/usr/bin/env python3
"""export-check.py: test-side readers of `chousa export` output.

Each reader follows the format's documented grammar exactly (and fails
on anything outside it), then prints one "KIND<TAB>VALUE" line per
indicator the output carries, so the test can compare what each format
holds with what the store should have given it.

  export-check.py values FORMAT PATH     read and print
  export-check.py expect FORMAT FILE     the same view of FILE's
                                         "type<TAB>value" lines

Zeek: the Intel framework's input file (base/frameworks/intel/main.zeek,
the input framework's ASCII reader): a "#fields" header, one tab between
fields, "-" for an unset field, \\xHH escapes, URLs without their scheme.
Suricata: the dataset file formats of doc/userguide/rules/datasets.rst
(string sets base64, md5/sha256 hex, ip text; datarep "data,value";
JSON lines with the value under value_key, each under Suricata's
1024-byte line buffer) and ip-reputation-format.rst (categories
"<id>,<short name>,<description>" with ids up to 60; reputation
"<ip>,<category>,<score 1-127>").
"""
import base64
import binascii
import csv
import hashlib
import io
import ipaddress
import json
import os
import re
import sys


def die(msg):
    sys.stderr.write("export-check: %s\n" % msg)
    sys.exit(1)


def kind_of(t):
    return {"ipv4": "ip", "ipv6": "ip"}.get(t, t)


HEX = {"md5": 32, "sha1": 40, "sha256": 64, "sha512": 128}


def hash_kind(v):
    for k, n in HEX.items():
        if len(v) == n and re.fullmatch("[0-9a-f]+", v):
            return k
    die("not a hash: %r" % v)


def strip_scheme(url):
    rest = url.split("://", 1)[1]
    return rest.split("#", 1)[0]


def url_path(url):
    rest = url.split("://", 1)[1]
    m = re.search(r"[/?#]", rest)
    p = rest[m.start():] if m else ""
    p = p.split("#", 1)[0]
    return p or "/"


# ---- Zeek intel ----

ZEEK_TYPES = {"Intel::ADDR": "ip", "Intel::SUBNET": "cidr",
              "Intel::DOMAIN": "domain", "Intel::URL": "url",
              "Intel::FILE_HASH": "hash", "Intel::EMAIL": "email"}


def zeek_unescape(s):
    out = bytearray()
    i = 0
    b = s.encode("utf-8", "surrogateescape")
    while i < len(b):
        if b[i:i + 2] == b"\\x" and re.fullmatch(rb"[0-9a-fA-F]{2}", b[i + 2:i + 4] or b""):
            out.append(int(b[i + 2:i + 4], 16))
            i += 4
        else:
            out.append(b[i])
            i += 1
    return out.decode("utf-8", "surrogateescape")


def zeek_values(path):
    lines = open(path, "rb").read().split(b"\n")
    if lines[-1] != b"":
        die("zeek: no newline at the end")
    lines = lines[:-1]
    if not lines or not lines[0].startswith(b"#fields\t"):
        die("zeek: the first line is not #fields")
    fields = lines[0].decode().split("\t")[1:]
    want = ["indicator", "indicator_type", "meta.source", "meta.desc", "meta.url"]
    if fields[:5] != want or fields[5:] not in ([], ["meta.do_notice"]):
        die("zeek: fields %r" % fields)
    for raw in lines[1:]:
        if raw.startswith(b"#"):
            continue
        if b"\r" in raw:
            die("zeek: a CR in %r" % raw)
        cols = raw.decode("utf-8").split("\t")
        if len(cols) != len(fields):
            die("zeek: %d fields, want %d: %r" % (len(cols), len(fields), raw))
        ind, typ, source = cols[0], cols[1], cols[2]
        if ind in ("-", "", "(empty)"):
            die("zeek: an unset indicator")
        if typ not in ZEEK_TYPES:
            die("zeek: type %r" % typ)
        if source != "chousa":
            die("zeek: meta.source %r" % source)
        if len(fields) == 6 and cols[5] != "T":
            die("zeek: do_notice %r" % cols[5])
        ind = zeek_unescape(ind)
        kind = ZEEK_TYPES[typ]
        if kind == "url" and "://" in ind:
            die("zeek: a URL with its scheme: %r" % ind)
        if kind == "hash":
            kind = hash_kind(ind)
        if kind == "ip":
            ipaddress.ip_address(ind)
        if kind == "cidr":
            ipaddress.ip_network(ind)
        yield kind, ind


# ---- Suricata ----

def b64(s):
    try:
        raw = base64.b64decode(s, validate=True)
    except binascii.Error:
        die("suricata: not base64: %r" % s)
    if base64.b64encode(raw).decode() != s:
        die("suricata: not canonical base64: %r" % s)
    return raw.decode("utf-8", "surrogateescape")


def lines_of(path):
    data = open(path, "rb").read()
    if data and not data.endswith(b"\n"):
        die("%s: no newline at the end" % path)
    return [l.decode("utf-8") for l in data.split(b"\n")[:-1]]


def content_bytes(c):
    """A Suricata content string's bytes: |hex| runs decoded; a byte the
    parser gives a meaning must not stand raw."""
    out, i = bytearray(), 0
    while i < len(c):
        if c[i] == "|":
            j = c.index("|", i + 1)
            out += bytes.fromhex(c[i + 1:j])
            i = j + 1
        else:
            if c[i] in "\";\\" or not " " < c[i] < "\x7f":
                die("suricata: raw %r in content %r" % (c[i], c))
            out += c[i].encode()
            i += 1
    return bytes(out)


URL_RULE = re.compile(
    r'alert http any any -> any (any) \(msg:"((?:[^"\\;]|\\["\\;])*)"; '
    r'flow:established,to_server; http\.host\.raw; content:"([^"]*)"; bsize:(\d+); nocase;'
    r'( fast_pattern;)? http\.uri; content:"([^"]*)"; bsize:(\d+);( fast_pattern;)? '
    r'classtype:trojan-activity; sid:(\d+); rev:1; '
    r'metadata:provider chousa(, chousa_family [A-Za-z0-9._-]+)?'
    r'(, first_seen \d{4}_\d\d_\d\d)?;\)')


def suricata_url_rules(path):
    """The URL rules of a rules file: (Host header, uri, sid)."""
    rules = []
    for l in lines_of(path):
        if not l.startswith("alert http") or "http.uri; content:" not in l:
            continue
        m = URL_RULE.fullmatch(l)
        if not m:
            die("suricata: URL rule %r" % l)
        host, uri = content_bytes(m.group(3)), content_bytes(m.group(6))
        if len(host) != int(m.group(4)) or len(uri) != int(m.group(7)):
            die("suricata: bsize is not the content's length: %r" % l)
        if bool(m.group(5)) == bool(m.group(8)):
            die("suricata: one fast_pattern per URL rule: %r" % l)
        if host != host.lower():
            die("suricata: http.host content not lower case: %r" % l)
        rules.append((host, uri, int(m.group(9))))
    return rules


def suricata_match(rules, host, uri, port=80):
    """The sids that fire on a request, as Suricata judges these rules:
    http.host.raw (the Host header, with the port when not 80) equal to
    the content but for case (bsize = its length, so the whole buffer),
    http.uri equal to the content."""
    raw = (host + (":%d" % port if port != 80 else "")).lower().encode()
    return [sid for h, u, sid in rules if h.lower() == raw and u == uri]


def split_url(u):
    """host, port (80 when none), path and query as the request line has
    them, of an http URL."""
    rest = u.split("://", 1)[1].split("#", 1)[0]
    m = re.search(r"[/?]", rest)
    auth, path = (rest[:m.start()], rest[m.start():]) if m else (rest, "")
    if path.startswith("?") or not path:
        path = "/" + path
    host, _, port = auth.rpartition(":") if re.search(r":\d+$", auth) else (auth, "", "")
    return host, int(port) if port else 80, path.encode()


def suricata_urls(d, listed):
    """Each http URL of listed has exactly one rule, that rule fires on
    its own request, and no rule fires on a listed host with another
    listed URL's path (or the root) unless that pair is itself listed."""
    urls = [l.rstrip("\n") for l in open(listed, encoding="utf-8")]
    http = [u for u in urls if u.startswith("http://")]
    for name in ("chousa.rules", "chousa-7.rules"):
        rules = suricata_url_rules(os.path.join(d, name))
        if len(rules) != len(http):
            die("%s: %d URL rules for %d http URLs" % (name, len(rules), len(http)))
        if len({r[2] for r in rules}) != len(rules):
            die("%s: a sid repeats" % name)
        for sid in (r[2] for r in rules):
            if not 1900000000 <= sid < 2000000000:
                die("%s: sid %d outside the URL range" % (name, sid))
        reqs = {split_url(u) for u in http}
        for u in http:
            host, port, path = split_url(u)
            if len(suricata_match(rules, host, path, port)) != 1:
                die("%s: %s: %d rules fire" % (name, u, len(
                    suricata_match(rules, host, path, port))))
        for h, port, _ in reqs:
            for _, _, path in reqs | {("", 80, b"/")}:
                if (h, port, path) in reqs:
                    continue
                got = suricata_match(rules, h, path, port)
                if got:
                    die("%s: %s%s fires sid %s" % (name, h, path, got))
    print("ok")


def suricata_values(d):
    for name, kind, dec in (("domains.lst", "domain", b64),
                            ("ips.lst", "ip", None), ("md5.lst", "md5", None),
                            ("sha1.lst", "sha1", None),
                            ("sha256.lst", "sha256", None)):
        for l in lines_of(os.path.join(d, name)):
            v = dec(l) if dec else l
            if kind == "ip":
                ipaddress.ip_address(v)
            elif kind in HEX and not re.fullmatch("[0-9a-f]{%d}" % HEX[kind], v):
                die("suricata: %s: %r" % (name, v))
            yield kind, v
    for name, dec in (("domains.rep", b64), ("ips.rep", None),
                      ("md5.rep", None), ("sha256.rep", None)):
        for l in lines_of(os.path.join(d, name)):
            data, _, score = l.rpartition(",")
            if dec:
                dec(data)
            if not score.isdigit() or int(score) > 100:
                die("suricata: %s score %r" % (name, l))
    for name in ("domains.jsonl", "ips.jsonl"):
        for l in lines_of(os.path.join(d, name)):
            if len(l.encode()) + 1 >= 1024:
                die("suricata: %s line of %d bytes" % (name, len(l)))
            o = json.loads(l)
            if not isinstance(o.get("value"), str):
                die("suricata: %s without value: %r" % (name, l))
    cats = {}
    for l in lines_of(os.path.join(d, "iprep-categories.txt")):
        m = re.fullmatch(r"(\d+),([A-Za-z0-9]+),([^,]+)", l)
        if not m or not 1 <= int(m.group(1)) <= 60:
            die("suricata: category %r" % l)
        cats[m.group(1)] = m.group(2)
    for l in lines_of(os.path.join(d, "iprep.list")):
        ip, cat, score = l.split(",")
        if cat not in cats or not 1 <= int(score) <= 127:
            die("suricata: iprep %r" % l)
        if "/" in ip:
            ipaddress.ip_network(ip)
            yield "cidr", ip
        else:
            ipaddress.ip_address(ip)
    urls = {}
    for rules in ("chousa.rules", "chousa-7.rules"):
        sids = set()
        for l in lines_of(os.path.join(d, rules)):
            if l and not l.startswith("#") and not re.fullmatch(
                    r"alert \S+ any any -> any (any|\d+) \(.*; sid:\d+; rev:1; metadata:provider chousa[^;]*;\)", l):
                die("suricata: rule %r" % l)
            m = re.search(r"; sid:(\d+);", l)
            if m and m.group(1) in sids:
                die("suricata: sid %s twice in %s" % (m.group(1), rules))
            if m:
                sids.add(m.group(1))
        urls[rules] = suricata_url_rules(os.path.join(d, rules))
    if urls["chousa.rules"] != urls["chousa-7.rules"]:
        die("suricata: the URL rules of the two files differ")
    for host, uri, sid in urls["chousa.rules"]:
        yield "url", "%s%s" % (host.decode("utf-8", "surrogateescape"),
                               uri.decode("utf-8", "surrogateescape"))


# ---- ECS ----

STIX_TYPES = {"ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr",
              "file", "autonomous-system"}
CONF = {"Not Specified", "None", "Low", "Medium", "High"}
TLP = {"WHITE", "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}
DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def mapping_leaves(props, prefix=""):
    for k, v in props.items():
        if "properties" in v:
            yield from mapping_leaves(v["properties"], prefix + k + ".")
        else:
            yield prefix + k, v["type"]


def doc_leaves(o, prefix=""):
    for k, v in o.items():
        if isinstance(v, dict):
            yield from doc_leaves(v, prefix + k + ".")
        else:
            yield prefix + k, v


def ecs_check_value(path, typ, v):
    vals = v if isinstance(v, list) else [v]
    for x in vals:
        if typ == "ip":
            ipaddress.ip_address(x)
        elif typ == "date":
            if not DATE.match(x):
                die("ecs: %s not a date: %r" % (path, x))
        elif typ == "long":
            if not isinstance(x, int):
                die("ecs: %s not a long: %r" % (path, x))
        elif not isinstance(x, str):
            die("ecs: %s not a string: %r" % (path, x))


def ecs_values(d):
    tmpl = json.load(open(os.path.join(d, "chousa-ecs-template.json")))
    types = dict(mapping_leaves(tmpl["template"]["mappings"]["properties"]))
    lines = lines_of(os.path.join(d, "chousa-ecs.ndjson"))
    if len(lines) % 2:
        die("ecs: an action without its document")
    ids = set()
    for action, docline in zip(lines[0::2], lines[1::2]):
        a = json.loads(action)
        if list(a) != ["index"] or a["index"]["_index"] != "chousa-intel":
            die("ecs: action %r" % action)
        if a["index"]["_id"] in ids:
            die("ecs: _id twice")
        ids.add(a["index"]["_id"])
        doc = json.loads(docline)
        for path, v in doc_leaves(doc):
            if path not in types:
                die("ecs: %s is not in the template" % path)
            ecs_check_value(path, types[path], v)
        if doc["event"]["kind"] != "enrichment" or doc["event"]["category"] != ["threat"] \
                or doc["event"]["type"] != ["indicator"]:
            die("ecs: event %r" % doc["event"])
        ti = doc["threat"]["indicator"]
        if ti["type"] not in STIX_TYPES or ti["confidence"] not in CONF \
                or ti["marking"]["tlp"] not in TLP:
            die("ecs: indicator %r" % ti)
        if doc["threat"]["feed"]["name"] != "chousa":
            die("ecs: feed")
        t = ti["type"]
        if t in ("ipv4-addr", "ipv6-addr"):
            yield "ip", ti["ip"]
        elif t == "domain-name":
            yield "domain", ti["url"]["domain"]
        elif t == "url":
            if ti["url"]["full"] != ti["url"]["original"]:
                die("ecs: url.full and url.original differ")
            yield "url", ti["url"]["full"]
        elif t == "email-addr":
            yield "email", ti["email"]["address"]
        elif t == "autonomous-system":
            yield "asn", "AS%d" % ti["as"]["number"]
        else:
            (k, v), = ti["file"]["hash"].items()
            if hash_kind(v) != k:
                die("ecs: hash %s %r" % (k, v))
            yield k, v


# ---- Splunk ----

SPLUNK = {"chousa_ip_intel.csv": ("ip", "description,ip,weight"),
          "chousa_domain_intel.csv": ("domain", "description,domain,weight"),
          "chousa_http_intel.csv": ("url", "description,http_referrer,http_user_agent,url,weight"),
          "chousa_file_intel.csv": ("file_hash", "description,file_hash,file_name,weight"),
          "chousa_email_intel.csv": ("src_user", "description,src_user,subject,weight")}


def splunk_values(d):
    for name, (key, head) in SPLUNK.items():
        text = open(os.path.join(d, name), encoding="utf-8", newline="").read()
        if not text.startswith(head + ",threat_key,"):
            die("splunk: %s header" % name)
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        for r in rows:
            if not 1 <= int(r["weight"]) <= 100:
                die("splunk: weight %r" % r["weight"])
            v = r[key]
            if key == "ip":
                if "/" in v:
                    ipaddress.ip_network(v)
                    yield "cidr", v
                else:
                    ipaddress.ip_address(v)
                    yield "ip", v
            elif key == "file_hash":
                yield hash_kind(v), v
            else:
                yield {"domain": "domain", "url": "url", "src_user": "email"}[key], v
    conf = open(os.path.join(d, "transforms.conf")).read()
    if "match_type = CIDR(ip)" not in conf:
        die("splunk: no CIDR lookup")


# ---- ClickHouse ----

def tsv_unescape(s):
    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(m.group(1), m.group(1)), s)


def clickhouse_values(d):
    for name, kind in (("ip_trie.tsv", "ip"), ("domains.tsv", "domain"),
                       ("urls.tsv", "url"), ("hashes.tsv", "hash")):
        lines = lines_of(os.path.join(d, name))
        head = lines[0].split("\t")
        if head[1:] != ["family", "family_name", "confidence", "first_seen",
                        "last_seen", "sources", "reference"]:
            die("clickhouse: %s header %r" % (name, head))
        for l in lines[1:]:
            cols = l.split("\t")
            if len(cols) != 8:
                die("clickhouse: %s columns %r" % (name, l))
            for c in (cols[4], cols[5]):
                if not re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", c):
                    die("clickhouse: DateTime %r" % c)
            int(cols[3])
            v = tsv_unescape(cols[0])
            if kind == "ip":
                net = ipaddress.ip_network(v)
                if "/32" in v and net.version == 4 or v.endswith("/128"):
                    yield "ip", v.rsplit("/", 1)[0]
                else:
                    yield "cidr", v
            elif kind == "hash":
                yield hash_kind(v), v
            else:
                yield kind, v


# ---- RPZ, MISP, STIX, csv, txt ----

def rpz_values(path):
    names = []
    for l in lines_of(path):
        if not l or l.startswith((";", "$", "@", "\t")):
            continue
        owner, typ, target = l.split("\t")
        if typ != "CNAME" or target != ".":
            die("rpz: %r" % l)
        names.append(owner)
    plain = [n for n in names if not n.startswith("*.")]
    if sorted("*." + n for n in plain) != sorted(n for n in names if n.startswith("*.")):
        die("rpz: a name without its wildcard")
    for n in plain:
        yield "domain", n


MISP_TYPES = {"ip-dst": "ip", "ip-dst|port": "ip", "domain": "domain",
              "url": "url", "email-src": "email", "md5": "md5",
              "sha1": "sha1", "sha256": "sha256", "sha512": "sha512",
              "AS": "asn"}
# Each type's default category in MISP's describeTypes.json (sane_defaults);
# MISP refuses a category that does not list the type.
MISP_CATEGORIES = {"ip-dst": "Network activity",
                   "ip-dst|port": "Network activity",
                   "domain": "Network activity", "url": "Network activity",
                   "email-src": "Payload delivery", "md5": "Payload delivery",
                   "sha1": "Payload delivery", "sha256": "Payload delivery",
                   "sha512": "Payload delivery", "AS": "Network activity"}


def misp_values(d):
    manifest = json.load(open(os.path.join(d, "manifest.json")))
    files = {f[:-5] for f in os.listdir(d) if f.endswith(".json") and f != "manifest.json"}
    if set(manifest) != files:
        die("misp: manifest %r, files %r" % (sorted(manifest), sorted(files)))
    hashes = {tuple(l.split(",")) for l in lines_of(os.path.join(d, "hashes.csv"))}
    want = set()
    for uuid in sorted(files):
        ev = json.load(open(os.path.join(d, uuid + ".json")))["Event"]
        if ev["uuid"] != uuid or manifest[uuid]["info"] != ev["info"]:
            die("misp: event %s" % uuid)
        for a in ev["Attribute"]:
            tags = [t["name"] for t in a["Tag"]]
            if not any(t.startswith("tlp:") for t in tags):
                die("misp: attribute without TLP")
            for part in a["value"].split("|"):
                want.add((hashlib.md5(part.encode()).hexdigest(), uuid))
            kind = MISP_TYPES[a["type"]]
            if a["category"] != MISP_CATEGORIES[a["type"]]:
                die("misp: %s in category %r" % (a["type"], a["category"]))
            v = a["value"].split("|")[0]
            if kind == "ip" and "/" in v:
                kind = "cidr"
            yield kind, v
    if want != hashes:
        die("misp: hashes.csv does not match the attributes")


def stix_values(path):
    b = json.load(open(path, encoding="utf-8"))
    for o in b["objects"]:
        if o["type"] == "indicator":
            m = re.fullmatch(r"\[([a-z0-9-]+):([a-z.'A-Z0-9-]+) = (?:'((?:[^'\\]|\\.)*)'|(\d+))\]", o["pattern"])
            if not m:
                die("stix: pattern %r" % o["pattern"])
            v = re.sub(r"\\(.)", r"\1", m.group(3)) if m.group(3) is not None else "AS" + m.group(4)
            if v != o["name"]:
                die("stix: pattern %r for %r" % (o["pattern"], o["name"]))
            t = m.group(1)
            kind = {"ipv4-addr": "ip", "ipv6-addr": "ip", "domain-name": "domain",
                    "url": "url", "email-addr": "email", "autonomous-system": "asn"}.get(t)
            if kind is None:
                kind = hash_kind(v)
            if kind == "ip" and "/" in v:
                kind = "cidr"
            yield kind, v


def csv_values(path):
    paths = [os.path.join(path, f) for f in sorted(os.listdir(path))] if os.path.isdir(path) else [path]
    for p in paths:
        text = open(p, encoding="utf-8", newline="").read()
        for r in csv.DictReader(io.StringIO(text, newline="")):
            yield kind_of(r["type"]), r["value"]


def txt_values(path):
    if not os.path.isdir(path):
        die("txt: give the directory")
    for f in sorted(os.listdir(path)):
        t = f[:-4]
        for l in lines_of(os.path.join(path, f)):
            yield kind_of(t), l


READERS = {"zeek-intel": zeek_values, "suricata": suricata_values,
           "ecs": ecs_values, "splunk": splunk_values,
           "clickhouse": clickhouse_values, "rpz": rpz_values,
           "misp-feed": misp_values, "stix": stix_values,
           "csv": csv_values, "txt": txt_values}

# What each format carries, in its own view of the value.
CARRIES = {
    "zeek-intel": {"ip", "cidr", "domain", "url", "email", "md5", "sha1", "sha256", "sha512"},
    "suricata": {"ip", "cidr", "domain", "url", "md5", "sha1", "sha256"},
    "ecs": {"ip", "domain", "url", "email", "md5", "sha1", "sha256", "sha512", "asn"},
    "splunk": {"ip", "cidr", "domain", "url", "email", "md5", "sha1", "sha256", "sha512"},
    "clickhouse": {"ip", "cidr", "domain", "url", "md5", "sha1", "sha256", "sha512"},
    "rpz": {"domain"},
}


def expect_view(fmt, kind, v):
    if kind not in CARRIES.get(fmt, {kind}):
        return None
    if fmt == "zeek-intel" and kind == "url":
        return strip_scheme(v)
    if fmt == "suricata" and kind == "url":
        # Only http: nothing sees an https URL's host and path in clear.
        if not v.startswith("http://"):
            return None
        rest = strip_scheme(v)
        m = re.search(r"[/?]", rest)
        return rest if m and rest[m.start()] == "/" else (
            rest[:m.start()] + "/" + rest[m.start():] if m else rest + "/")
    return v


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "values":
        for kind, v in READERS[sys.argv[2]](sys.argv[3]):
            print("%s\t%s" % (kind, v))
    elif len(sys.argv) == 4 and sys.argv[1] == "suricata-urls":
        suricata_urls(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "expect":
        for l in open(sys.argv[3], encoding="utf-8"):
            t, v = l.rstrip("\n").split("\t", 1)
            w = expect_view(sys.argv[2], kind_of(t), v)
            if w is not None:
                print("%s\t%s" % (kind_of(t), w))
    else:
        die("usage: values|expect FORMAT PATH")


if __name__ == "__main__":
    main()
