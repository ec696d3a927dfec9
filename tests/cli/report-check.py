# report-check.py CHECK ARGS...: test-side readers of chousa's reports.
#   defanged FORMAT REPORT JSONL   no indicator of the JSON reports appears
#       live in a text, md or html report: only inside the links to the
#       sources' own pages, whose hosts are the reference sites
#   markdown HTML JSONL   what cmark-gfm made of a Markdown report: no
#       backslash shows in the text, every link's target is a reference of
#       the reports byte for byte, every table row has its header's cells,
#       and each report's indicator shows as a defanged code span
import html.parser
import json
import re
import sys

REF = re.compile(r"https://(urlhaus|threatfox|bazaar|feodotracker)\.abuse\.ch/"
                 r"[^\s<>|)\"']*|https://malpedia\.caad\.fkie\.fraunhofer\.de/"
                 r"[^\s<>|)\"']*")


def values(jsonl):
    """Every indicator value the reports name, but hashes and families."""
    vals, refs = set(), set()
    for line in open(jsonl, encoding="utf-8"):
        r = json.loads(line)
        if "triage" in r or r.get("indicator") is None:
            continue
        vals.add(r["indicator"]["value"])
        for k in ("host", "regdomain"):
            if r["indicator"].get(k):
                vals.add(r["indicator"][k])
        for e in r["edges"]:
            for end in ("from", "to"):
                if e[end + "_type"] in ("ipv4", "ipv6", "domain", "url",
                                        "email", "cidr"):
                    vals.add(e[end])
        for rec in (r["listed"] or {}).get("records", []):
            vals.add(rec["value"])
        for s in r["stages"]:
            for f in s["findings"]:
                if f["reference"]:
                    refs.add(f["reference"])
                for rel in f["related"]:
                    if rel["type"] in ("ipv4", "ipv6", "domain", "url"):
                        vals.add(rel["value"])
        for rec in (r["listed"] or {}).get("records", []):
            if rec["reference"]:
                refs.add(rec["reference"])
    return vals, refs


class Text(html.parser.HTMLParser):
    """Text and attribute values of a page, hrefs and code apart."""

    def __init__(self):
        super().__init__()
        self.text, self.code, self.hrefs, self.attrs = [], [], [], []
        self.in_code = 0
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("code", "pre"):
            self.in_code += 1
        if tag in ("style", "script"):
            self.skip += 1
        for k, v in attrs:
            (self.hrefs if k == "href" else self.attrs).append(v or "")

    def handle_endtag(self, tag):
        if tag in ("code", "pre"):
            self.in_code -= 1
        if tag in ("style", "script"):
            self.skip -= 1

    def handle_data(self, d):
        if self.skip:
            return
        (self.code if self.in_code else self.text).append(d)


def live(text, vals):
    text = REF.sub(" ", text)
    found = []
    for v in vals:
        for m in re.finditer(re.escape(v), text):
            after = text[m.end():m.end() + 1]
            before = text[m.start() - 1:m.start()] if m.start() else ""
            # Only whole values: "a.b.com" in "x.a.b.com" is another host.
            if re.match(r"[A-Za-z0-9.-]", after or " ") and \
                    not (after == "." and not
                         re.match(r"[A-Za-z0-9-]", text[m.end() + 1:m.end() + 2])):
                continue
            if re.match(r"[A-Za-z0-9.@-]", before or " "):
                continue
            found.append(v)
            break
    return found


def defanged(fmt, path, jsonl):
    vals, _ = values(jsonl)
    doc = open(path, encoding="utf-8").read()
    if fmt == "html":
        p = Text()
        p.feed(doc)
        for h in p.hrefs:
            if not h.startswith(("#report-", "https://", "http://")):
                sys.exit("a link to %r" % h)
            if live(h, vals) and not REF.fullmatch(h):
                sys.exit("a link to an indicator: %r" % h)
        doc = "\n".join(p.text + p.code + p.attrs)
    bad = live(doc, vals)
    if bad:
        sys.exit("live in the %s report: %s" % (fmt, ", ".join(sorted(bad))))
    print("%d values, none live" % len(vals))


def markdown(path, jsonl):
    vals, refs = values(jsonl)
    p = Text()
    p.feed(open(path, encoding="utf-8").read())
    text = "".join(p.text)
    if "\\" in text:
        i = text.index("\\")
        sys.exit("a backslash shows: %r" % text[max(0, i - 40):i + 40])
    for h in p.hrefs:
        if h not in refs:
            sys.exit("link %r is no reference of the reports" % h)
    if not p.hrefs:
        sys.exit("no link at all")
    page = open(path, encoding="utf-8").read()
    for table in re.findall(r"<table>.*?</table>", page, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
        want = len(re.findall(r"<th", rows[0]))
        for row in rows[1:]:
            if len(re.findall(r"<td", row)) != want:
                sys.exit("a row of %d cells under %d headers: %s" %
                         (len(re.findall(r"<td", row)), want, row[:200]))
    codes = set(p.code)
    for line in open(jsonl, encoding="utf-8"):
        r = json.loads(line)
        if r.get("indicator") and r["indicator"]["type"] in ("domain", "url"):
            want = r["indicator"]["value"].replace(".", "[.]")
            want = want.replace("http://", "hxxp[:]//")
            if not any(c.startswith(want[:12]) for c in codes):
                sys.exit("no code span %r" % want)
    bad = live("\n".join(p.text + p.code), vals)
    if bad:
        sys.exit("live in the rendered page: %s" % ", ".join(sorted(bad)))
    print("%d links, %d code spans" % (len(p.hrefs), len(codes)))


if __name__ == "__main__":
    {"defanged": defanged, "markdown": markdown}[sys.argv[1]](*sys.argv[2:])
