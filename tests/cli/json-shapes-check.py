"""json-shapes-check.py: check JSON output against docs/json.md.

Usage: json-shapes-check.py DOCS OPENAPI KIND=FILE...

DOCS is docs/json.md: each "## Kind" section holds a table of
| `path` | type | meaning |.  Each FILE holds the output of one kind (one
JSON document, an array of them, or JSON lines).  Every key of the output
must be documented with its type, every documented key must be present in
every object it belongs to, and every documented key must be seen at least
once.  Then the schemas of docs/openapi.json that the server returns for
the same kinds must have the documented keys and types.  Prints TAP-like
"ok"/"not ok" lines, one per kind.
"""
import json
import re
import sys

ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|")

# Which openapi schema (and where in it) answers for a kind.
OPENAPI = {
    "Look-up record": ("LookupDocument", "items"),
    "Extracted indicator": ("ExtractLine", None),
    "Sources listing": ("SourcesDocument", None),
}


def parse_docs(path):
    kinds, kind = {}, None
    for line in open(path, encoding="utf-8"):
        if line.startswith("## "):
            kind = line[3:].strip()
            kinds[kind] = {}
            continue
        m = ROW.match(line)
        if kind is not None and m and m.group(1) != "Key":
            kinds[kind][m.group(1)] = m.group(2)
    return kinds


def type_ok(doc_type, v):
    base = doc_type
    if doc_type.endswith(" or null"):
        if v is None:
            return True
        base = doc_type[: -len(" or null")]
    if base == "string":
        return isinstance(v, str)
    if base == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if base == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if base == "boolean":
        return isinstance(v, bool)
    if base == "object":
        return isinstance(v, dict)
    if base == "array of strings":
        return isinstance(v, list) and all(isinstance(x, str) for x in v)
    if base == "array of objects":
        return isinstance(v, list) and all(isinstance(x, dict) for x in v)
    raise SystemExit("docs/json.md: unknown type '%s'" % doc_type)


def children(table, prefix):
    """The documented keys directly inside the object at prefix."""
    out = set()
    for p in table:
        if p.startswith(prefix):
            rest = p[len(prefix):]
            if "." not in rest and "[]" not in rest:
                out.add(rest)
    return out


def walk(table, obj, prefix, seen, errors):
    for k, v in obj.items():
        path = prefix + k
        if path not in table:
            errors.append("%s: not documented" % path)
            continue
        seen.add(path)
        if not type_ok(table[path], v):
            errors.append("%s: %r is not %s" % (path, v, table[path]))
            continue
        if isinstance(v, dict):
            walk(table, v, path + ".", seen, errors)
        elif isinstance(v, list):
            for x in v:
                if isinstance(x, dict):
                    walk(table, x, path + "[].", seen, errors)
    for k in sorted(children(table, prefix) - set(obj)):
        errors.append("%s%s: documented but missing" % (prefix, k))


def load(path):
    text = open(path, encoding="utf-8").read()
    try:
        v = json.loads(text)
        return v if isinstance(v, list) else [v]
    except ValueError:
        return [json.loads(l) for l in text.splitlines() if l.strip()]


def openapi_paths(schema, prefix, out):
    """The documented-style type of every property under schema."""
    for k, p in schema.get("properties", {}).items():
        t = p.get("type")
        if t == "array":
            it = p.get("items", {}).get("type")
            t = "array of objects" if it == "object" else "array of %ss" % it
        null = " or null" if p.get("nullable") else ""
        out[prefix + k] = t + null
        req = set(schema.get("required", []))
        if k not in req:
            out[prefix + k] += " (not required)"
        if p.get("type") == "object":
            openapi_paths(p, prefix + k + ".", out)
        elif p.get("type") == "array" and p["items"].get("type") == "object":
            openapi_paths(p["items"], prefix + k + "[].", out)


def main():
    kinds = parse_docs(sys.argv[1])
    spec = json.load(open(sys.argv[2], encoding="utf-8"))
    status = 0
    for arg in sys.argv[3:]:
        kind, path = arg.split("=", 1)
        name = re.sub(r"[^a-z]+", "_", kind.lower()).strip("_")
        table = kinds.get(kind)
        if not table:
            print("not ok - json_shape_%s: no table in docs/json.md" % name)
            status = 1
            continue
        errors, seen = [], set()
        docs = load(path)
        if not docs:
            errors.append("no output to check")
        for d in docs:
            walk(table, d, "", seen, errors)
        for p in sorted(set(table) - seen):
            errors.append("%s: never seen in the test output" % p)
        if errors:
            print("not ok - json_shape_%s: %s" % (name,
                  "; ".join(sorted(set(errors))[:8])))
            status = 1
        else:
            print("ok - json_shape_%s" % name)
    for kind, (schema, inner) in sorted(OPENAPI.items()):
        name = re.sub(r"[^a-z]+", "_", kind.lower()).strip("_")
        s = spec["components"]["schemas"][schema]
        if inner:
            s = s[inner]
        got = {}
        openapi_paths(s, "", got)
        want = {p: t for p, t in kinds[kind].items()}
        diff = sorted("%s: openapi %s, docs %s" % (p, got.get(p), want.get(p))
                      for p in set(got) | set(want)
                      if got.get(p) != want.get(p))
        if diff:
            print("not ok - openapi_shape_%s: %s" % (name, "; ".join(diff[:8])))
            status = 1
        else:
            print("ok - openapi_shape_%s" % name)
    return status


if __name__ == "__main__":
    sys.exit(main())
