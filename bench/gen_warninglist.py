#!/usr/bin/env python3
"""gen_warninglist.py KIND OUT [N]: a MISP warninglist too large to keep in
the tree, written the way MISP/misp-warninglists writes every list.json
(tools/generator.py): the six keys sorted, so "list" comes before "name"
and "type"; the entries sorted and unique; json.dump(indent=2,
sort_keys=True) and one final newline.  Name, description, type, version
and matching_attributes are the real list's (from its last lines, kept in
tests/data/samples/import/warninglists-excerpts/); the entries are made up
in the real list's shape, from a fixed seed.

KIND and the real list's size:
  public-dns-v4      62,745 bare IPv4 addresses (1,313,670 bytes)
  ti-falsepositives  24,645 hex hashes of 32, 40 or 64 digits
  tranco             1,000,000 host names (about 20 MB)
"""
import json
import random
import sys

KINDS = {
    "public-dns-v4": dict(
        n=62745, type="cidr", version=20240615,
        name="List of known IPv4 public DNS resolvers",
        description="Event contains one or more public IPv4 DNS resolvers "
        "as attribute with an IDS flag set",
        matching_attributes=["ip-src", "ip-dst", "domain|ip", "ip-src|port",
                             "ip-dst|port"]),
    "ti-falsepositives": dict(
        n=24645, type="string", version=1,
        name="Hashes that are often included in IOC lists but are false "
        "positives.",
        description="Hashes that are often included in IOC lists but are "
        "false positives.",
        matching_attributes=["md5", "sha1", "sha256", "filename|md5",
                             "filename|sha1", "filename|sha256"]),
    "tranco": dict(
        n=1000000, type="hostname", version=20250115,
        name="Top 1M most-used sites from Tranco",
        description="Event contains one or more entries from the top 1M "
        "most-used sites (https://tranco-list.eu/).",
        matching_attributes=["hostname", "domain", "url", "domain|ip"]),
}

TLDS = ["com", "net", "org", "de", "ru", "jp", "co.uk", "com.br", "io",
        "fr", "it", "nl", "pl", "info", "cn", "in", "es", "ca", "com.au"]


def entry(kind, rnd):
    if kind == "public-dns-v4":
        return ".".join(str(rnd.randrange(1, 255)) for _ in range(4))
    if kind == "ti-falsepositives":
        return "%0*x" % (n := rnd.choice((32, 40, 64)), rnd.getrandbits(4 * n))
    label = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                    for _ in range(rnd.randrange(3, 12)))
    return "%s.%s" % (label, rnd.choice(TLDS))


def main():
    kind, out = sys.argv[1], sys.argv[2]
    spec = dict(KINDS[kind])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else spec.pop("n")
    spec.pop("n", None)
    rnd = random.Random(13)
    entries = set()
    while len(entries) < n:
        entries.add(entry(kind, rnd))
    spec["list"] = sorted(entries)
    with open(out, "w") as f:
        json.dump(spec, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
