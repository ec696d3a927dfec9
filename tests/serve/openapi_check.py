#!/usr/bin/env python3
"""openapi_check.py DOC SRC URL READ ADMIN: docs/openapi.json against a live
chousa serve.  Every route of src/serve/api.c, health.c, mcp.c and metrics.c must be in the
document with its methods; every documented operation is called with its
examples (and the token its x-role needs) and must answer with a status,
media type and JSON shape the document gives; and without a token, a
secured operation must answer a documented 401.  Prints ok / not ok lines.
"""
import json, re, sys, urllib.error, urllib.parse, urllib.request

doc_path, src, url, read, admin = sys.argv[1:6]
doc = json.load(open(doc_path))
fails = 0


def say(ok, name, why=""):
    global fails
    fails += not ok
    print(("ok - %s" % name) if ok else ("not ok - %s: %s" % (name, why)))


def resolve(node):
    while isinstance(node, dict) and "$ref" in node:
        cur = doc
        for part in node["$ref"][2:].split("/"):
            cur = cur[part]
        node = cur
    return node


def validate(v, schema, where="$"):
    s = resolve(schema)
    if v is None:
        if s.get("nullable") or not s.get("type"):
            return None
        return "%s: null" % where
    if "oneOf" in s:
        errs = [validate(v, sub, where) for sub in s["oneOf"]]
        n = sum(1 for e in errs if e is None)
        return None if n == 1 else "%s: fits %d of oneOf: %s" % (where, n, errs)
    t = s.get("type")
    types = {"object": dict, "array": list, "string": str, "boolean": bool,
             "integer": int, "number": (int, float)}
    if t and not isinstance(v, types[t]) or (t == "integer" and isinstance(v, bool)):
        return "%s: %s is not %s" % (where, type(v).__name__, t)
    if "enum" in s and v not in s["enum"]:
        return "%s: %r not in %s" % (where, v, s["enum"])
    if t == "object":
        for k in s.get("required", []):
            if k not in v:
                return "%s: no %s" % (where, k)
        for k, sub in s.get("properties", {}).items():
            if k in v:
                e = validate(v[k], sub, where + "." + k)
                if e:
                    return e
    if t == "array":
        for i, x in enumerate(v[:50]):
            e = validate(x, s.get("items", {}), "%s[%d]" % (where, i))
            if e:
                return e
    return None


def call(method, path, token, body=None, ctype=None):
    req = urllib.request.Request(url + path, data=body, method=method.upper())
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if ctype:
        req.add_header("Content-Type", ctype)
    try:
        r = urllib.request.urlopen(req, timeout=60)
        return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


# Every route in the code is documented.
for f in ("api.c", "health.c", "mcp.c", "metrics.c"):
    text = open(src + "/" + f).read()
    for path, methods, flags in re.findall(
            r'\{ "(/[^"]*)", (M_[A-Z_ |]+), [^,]+,\s*[^,]+, ([^,]+),', text):
        p = path.rstrip("/") + "/{name}" if "ROUTE_PREFIX" in flags else path
        for m in re.findall(r"M_([A-Z]+)", methods):
            say(p in doc["paths"] and m.lower() in doc["paths"][p],
                "documented %s %s" % (m, p), "missing from the document")

for path, ops in doc["paths"].items():
    for method, op in ops.items():
        name = "%s %s" % (method.upper(), path)
        token = {"admin": admin, None: None}.get(op.get("x-role"), read)
        real, query = path, {}
        for prm in op.get("parameters", []):
            prm = resolve(prm)
            if prm["in"] == "path":
                real = real.replace("{%s}" % prm["name"], prm["example"])
            elif prm.get("required"):
                query[prm["name"]] = prm["example"]
        if query:
            real += "?" + urllib.parse.urlencode(query)
        body = ctype = None
        rb = op.get("requestBody")
        if rb:
            ctype, media = next(iter(rb["content"].items()))
            ex = media.get("example")
            body = (json.dumps(ex) if ctype == "application/json" else ex).encode()
        st, got_type, data = call(method, real, token, body, ctype)
        resp = op["responses"].get(str(st))
        if resp is None:
            say(False, name, "status %d not documented: %s" % (st, data[:150]))
            continue
        resp = resolve(resp)
        media = (got_type or "").split(";")[0].strip()
        content = resp.get("content", {})
        if not content:
            say(not data.strip(), name + " (%d, no body)" % st, data[:100])
            continue
        if media not in content:
            say(False, name, "media %s not documented for %d" % (media, st))
            continue
        schema = content[media].get("schema", {})
        err = None
        try:
            if media == "application/json":
                err = validate(json.loads(data), schema)
            elif media == "application/x-ndjson":
                for line in data.splitlines():
                    if line.strip():
                        err = err or validate(json.loads(line), schema)
        except ValueError as e:
            err = "not JSON: %s" % e
        say(err is None, "%s answers as documented (%d %s)" % (name, st, media), err)
        if op.get("security", doc["security"]):
            st, _, _ = call(method, real, None, body, ctype)
            say(st == 401 and "401" in op["responses"], name + " without a token is a documented 401", st)
sys.exit(1 if fails else 0)
