#!/usr/bin/env python3
"""openapi_check.py MODE DOC SRC URL READ ADMIN [OPEN]: docs/openapi.json
against a live chousa serve.  Prints ok / not ok lines.

MODE live: every route of src/serve/api.c, health.c, mcp.c and metrics.c
must be in the document with its methods; every documented operation is
called with its examples (and the token its x-role needs), with each value
of its format parameter, framed for the CLI (cli=1), with a query of
100 KB, a header of 40 KB, a NUL in the query and a body where it takes
none, and without a token; and a few answers the examples do not give
(a malformed input, the triage line, a sweep line without a time, the MCP
errors, a second update while one runs) are asked for.  Each answer must
have a status the operation documents, a media type its response lists, a
body valid against that schema (with jsonschema, the OpenAPI 3.0 schema
turned into JSON Schema), the headers that response declares required, and
no header of the API's (Retry-After, Chousa-*, ETag...) it does not declare.
The server's feed URL of urlhaus is a tarpit that holds its connections
until the file OPEN exists: the update runs until this creates it.

MODE rate: the server's tokens may make 2 requests a minute; each is spent,
then every secured operation (and health with a token) must answer a
documented 429 with its Retry-After.
"""
import json, os, re, sys, time, urllib.error, urllib.parse, urllib.request

import jsonschema

mode, doc_path, src, url, read, admin = sys.argv[1:7]
open_file = sys.argv[7] if len(sys.argv) > 7 else None
doc = json.load(open(doc_path))
fails = 0
# The response headers of the API's own: each one sent must be declared.
API_HEADERS = re.compile(r"^(retry-after|chousa-.*|etag|last-modified|"
                         r"content-disposition|allow)$", re.I)


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


# OpenAPI 3.0's own keywords, not JSON Schema's.
OAS_ONLY = {"nullable", "example", "examples", "discriminator", "xml",
            "externalDocs", "deprecated", "readOnly", "writeOnly"}


def to_jsonschema(node):
    """An OpenAPI 3.0 schema as JSON Schema (draft 4): references
    inlined, nullable: true as a type (and enum) that takes null."""
    node = resolve(node)
    if isinstance(node, list):
        return [to_jsonschema(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k in OAS_ONLY or k.startswith("x-"):
            continue
        if k == "properties":
            out[k] = {p: to_jsonschema(s) for p, s in v.items()}
        elif k in ("items", "additionalProperties", "not") and \
                isinstance(v, dict):
            out[k] = to_jsonschema(v)
        elif k in ("oneOf", "anyOf", "allOf"):
            out[k] = [to_jsonschema(s) for s in v]
        else:
            out[k] = v
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = out["enum"] + [None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def validate(value, schema):
    s = to_jsonschema(schema)
    errs = sorted(jsonschema.Draft4Validator(s).iter_errors(value),
                  key=lambda e: list(e.absolute_path))
    if not errs:
        return None
    e = errs[0]
    return "$%s: %s" % ("".join("[%r]" % p for p in e.absolute_path),
                        e.message[:300])


def call(method, path, token, body=None, ctype=None, headers=()):
    req = urllib.request.Request(url + path, data=body, method=method.upper())
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if ctype:
        req.add_header("Content-Type", ctype)
    for k, v in headers:
        req.add_header(k, v)
    try:
        r = urllib.request.urlopen(req, timeout=120)
        return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def check(name, op, st, hdrs, data, want=None):
    """The answer (st, hdrs, data) is one op documents; want: the status
    it must be besides.  Returns the answer's JSON (or None)."""
    if want is not None and st != want:
        say(False, name, "status %d, want %d: %s" % (st, want, data[:200]))
        return None
    resp = op["responses"].get(str(st))
    if resp is None:
        say(False, name, "status %d not documented: %s" % (st, data[:200]))
        return None
    resp = resolve(resp)
    declared = {k.lower(): resolve(v) for k, v in
                resp.get("headers", {}).items()}
    for k, h in declared.items():
        if h.get("required") and hdrs.get(k) is None:
            say(False, name, "no %s header, which %d declares required" %
                (k, st))
            return None
    for k in set(hdrs.keys()):
        if API_HEADERS.match(k) and k.lower() not in declared:
            say(False, name, "header %s: %s not declared for %d" %
                (k, hdrs.get(k), st))
            return None
    for k, h in declared.items():
        v = hdrs.get(k)
        if v is not None and h.get("schema", {}).get("type") == "integer" \
                and not re.fullmatch(r"-?[0-9]+", v):
            say(False, name, "header %s: %r is not an integer" % (k, v))
            return None
    ctype = hdrs.get("Content-Type")
    media = (ctype or "").split(";")[0].strip()
    content = resp.get("content", {})
    if not content:
        say(not data.strip(), "%s (%d, no body)" % (name, st), data[:100])
        return None
    if ctype is None and resp.get("x-no-content-type"):
        media = resp["x-no-content-type"]
    if media not in content:
        say(False, name, "media %r not documented for %d (%s)" %
            (ctype, st, ", ".join(content)))
        return None
    schema = content[media].get("schema", {})
    err, value = None, None
    try:
        if media == "application/json":
            value = json.loads(data)
            err = validate(value, schema)
        elif media == "application/x-ndjson":
            value = []
            for line in data.splitlines():
                if line.strip():
                    value.append(json.loads(line))
                    err = err or validate(value[-1], schema)
    except ValueError as e:
        err = "not JSON: %s" % e
    say(err is None, "%s answers as documented (%d %s)" % (name, st, media),
        err)
    return value


def base_request(op, path, extra=None, drop=()):
    """The path and body of a call of op with its examples (and extra
    query parameters)."""
    real, query = path, []
    for prm in op.get("parameters", []):
        prm = resolve(prm)
        if prm["in"] == "path":
            real = real.replace("{%s}" % prm["name"], prm["example"])
        elif prm["in"] == "query" and "example" in prm and \
                prm["name"] not in drop:
            ex = prm["example"]
            query.append((prm["name"], json.dumps(ex) if
                          isinstance(ex, bool) else ex))
    query += list(extra or [])
    if query:
        real += "?" + urllib.parse.urlencode(query)
    body = ctype = None
    rb = op.get("requestBody")
    if rb:
        ctype, media = next(iter(rb["content"].items()))
        ex = media.get("example")
        body = (json.dumps(ex) if ctype == "application/json" else ex).encode()
    return real, body, ctype


def ops():
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in ("get", "put", "post", "delete", "head", "patch"):
                yield path, method, op


def token_of(op):
    return {"admin": admin, None: None}.get(op.get("x-role"), read)


def secured(op):
    return bool(op.get("security", doc["security"]))


def qparam(op, name):
    for prm in op.get("parameters", []):
        prm = resolve(prm)
        if prm["in"] == "query" and prm["name"] == name:
            return prm
    return None


def op_at(path, method):
    return doc["paths"][path][method]


# ---- MODE rate ----

if mode == "rate":
    for t in (read, admin):
        for _ in range(2):
            call("get", "/api/v1/version", t)
    for path, method, op in ops():
        name = "%s %s" % (method.upper(), path)
        real, body, ctype = base_request(op, path)
        token = token_of(op) or read
        st, hdrs, data = call(method, real, token, body, ctype)
        if check(name + " past the token's rate", op, st, hdrs, data,
                 429) is not None:
            ra = hdrs.get("Retry-After")
            say(ra is not None and ra.isdigit() and int(ra) > 0,
                name + " 429 says when to retry", ra)
    sys.exit(1 if fails else 0)

# ---- MODE live ----

jsonschema.Draft4Validator.check_schema(
    to_jsonschema({"type": "object", "properties": doc["components"]["schemas"]}))

# Every route in the code is documented.
for f in ("api.c", "health.c", "mcp.c", "metrics.c"):
    text = open(src + "/" + f).read()
    for path, methods, flags in re.findall(
            r'\{ "(/[^"]*)", (M_[A-Z_ |]+), [^,]+,\s*[^,]+, ([^,]+),', text):
        p = path.replace("*", "{name}")
        for m in re.findall(r"M_([A-Z]+)", methods):
            # M_OTHER is every method the server has no flag for: the
            # document names those OpenAPI has (put, patch, options).
            ms = ("put", "patch", "options") if m == "OTHER" else (m.lower(),)
            say(p in doc["paths"] and all(x in doc["paths"][p] for x in ms),
                "documented %s %s" % (m, p), "missing from the document")

# A second update asked for while one runs: 409 without wait; with wait,
# the one running is waited for.  The tarpit holds the first until OPEN.
if open_file:
    upd = op_at("/api/v1/update", "post")
    st, hdrs, data = call("post", "/api/v1/update", admin)
    check("POST /api/v1/update starts one", upd, st, hdrs, data, 202)
    for _ in range(100):
        st, _, data = call("get", "/api/v1/update", read)
        if st == 200 and json.loads(data).get("running"):
            break
        time.sleep(0.1)
    st, hdrs, data = call("post", "/api/v1/update", admin)
    check("POST /api/v1/update while one runs", upd, st, hdrs, data, 409)
    say(b"already running" in data and "409" in upd["description"],
        "the description says a second update without wait is a 409",
        data[:100])
    open(open_file, "w").close()
    st, hdrs, data = call("post", "/api/v1/update?wait=1", admin)
    check("POST /api/v1/update?wait=1 while one runs", upd, st, hdrs, data,
          200)

for path, method, op in ops():
    name = "%s %s" % (method.upper(), path)
    token = token_of(op)
    real, body, ctype = base_request(op, path)
    st, hdrs, data = call(method, real, token, body, ctype)
    check(name, op, st, hdrs, data)
    if secured(op):
        st, hdrs, data = call(method, real, None, body, ctype)
        check(name + " without a token", op, st, hdrs, data, 401)
    # Each format it takes, and each file of those that write several.
    fmt = qparam(op, "format")
    for value in (fmt or {}).get("schema", {}).get("enum", []):
        if method == "post" and path == "/api/v1/tokens":
            continue
        real, body, ctype = base_request(op, path, [("format", value)],
                                         drop=("format",))
        st, hdrs, data = call(method, real, token, body, ctype)
        v = check("%s format=%s" % (name, value), op, st, hdrs, data)
        if path == "/api/v1/export" and st == 400 and isinstance(v, dict):
            for f in v.get("files", [])[:12]:
                real, _, _ = base_request(op, path, [("format", value),
                                                     ("file", f)],
                                          drop=("format",))
                st, hdrs, data = call(method, real, token)
                check("%s format=%s file=%s" % (name, value, f), op, st,
                      hdrs, data, 200)
    # Framed for the CLI.
    if qparam(op, "cli") is not None:
        for extra in ([("cli", "1")], [("cli", "1"), ("frame", "2")]):
            real, body, ctype = base_request(op, path, extra)
            st, hdrs, data = call(method, real, token, body, ctype)
            check("%s %s" % (name, urllib.parse.urlencode(extra)), op, st,
                  hdrs, data)
    # What any request may be answered.
    # (Answered before the body is read: none is sent.)
    real, _, _ = base_request(op, path, [("q", "a" * 100000)])
    st, hdrs, data = call(method, real, token)
    check(name + " with a query of 100 KB", op, st, hdrs, data, 414)
    real, _, _ = base_request(op, path)
    st, hdrs, data = call(method, real, token, headers=[("X-Big", "b" * 40000)])
    check(name + " with a header of 40 KB", op, st, hdrs, data, 431)
    real, body, ctype = base_request(op, path, [("nul", "a\0b")])
    st, hdrs, data = call(method, real, token, body, ctype)
    check(name + " with a NUL in the query", op, st, hdrs, data, 400)
    # (GET lookup and investigate share their POST's route, which takes one.)
    if not op.get("requestBody") and "post" not in doc["paths"][path] \
            or path == "/api/v1/update" and method == "post":
        real, _, _ = base_request(op, path)
        st, hdrs, data = call(method, real, token, b"x", "text/plain")
        check(name + " with a body", op, st, hdrs, data, 413)

# Answers the examples do not give.
inv_get = op_at("/api/v1/investigate", "get")
inv_post = op_at("/api/v1/investigate", "post")
for q in ("indicator=zzz&offline=1",
          "indicator=www%5B.%5Ddnautik%5B.%5Dcom&offline=1&brief=1",
          "text=see+www%5B.%5Ddnautik%5B.%5Dcom&offline=1",
          "text=see+www%5B.%5Ddnautik%5B.%5Dcom+and+zzz&offline=1&brief=1"):
    st, hdrs, data = call("get", "/api/v1/investigate?" + q, read)
    v = check("GET /api/v1/investigate?" + q, inv_get, st, hdrs, data, 200)
st, hdrs, data = call("get", "/api/v1/investigate?indicator=zzz&offline=1",
                      read)
say(b'"verdict":null' in data, "a malformed input's verdict is null", data[:200])
for body in ({"indicators": ["www.dnautik.com", "zzz"], "offline": True},
             {"indicators": ["www.dnautik.com", "zzz"], "offline": True,
              "brief": True}):
    st, hdrs, data = call("post", "/api/v1/investigate", read,
                          json.dumps(body).encode(), "application/json")
    check("POST /api/v1/investigate %s" % json.dumps(body), inv_post, st,
          hdrs, data, 200)
sweep = op_at("/api/v1/sweep", "post")
st, hdrs, data = call("post", "/api/v1/sweep", read,
                      b"seen: www.dnautik.com\n", "text/plain")
v = check("POST /api/v1/sweep of a line without a time", sweep, st, hdrs,
          data, 200)
say(isinstance(v, list) and len(v) == 2 and v[0].get("time") is None,
    "the sweep of a line without a time has a hit without one", v)

mcp = op_at("/mcp", "post")
for body, want in ((b"{bad", 400), (b"[1, 2]", 400), (b'{"jsonrpc": "2.0"}', 400),
                   (b'{"jsonrpc": "2.0", "id": 7, "method": "nope"}', 200),
                   (b'{"jsonrpc": "2.0", "method": "notifications/initialized"}',
                    202),
                   (b'{"jsonrpc": "2.0", "id": 1, "method": "initialize", '
                    b'"params": {"protocolVersion": "2025-06-18"}}', 200),
                   (b'{"jsonrpc": "2.0", "id": 2, "method": "tools/call", '
                    b'"params": {"name": "lookup", "arguments": '
                    b'{"indicators": ["www.dnautik.com"]}}}', 200),
                   (b'{"jsonrpc": "2.0", "id": 3, "method": "tools/call", '
                    b'"params": {"name": "investigate", "arguments": '
                    b'{"indicators": ["www.dnautik.com"], "offline": true}}}',
                    200)):
    st, hdrs, data = call("post", "/mcp", read, body, "application/json")
    check("POST /mcp %s" % body.decode(), mcp, st, hdrs, data, want)
st, hdrs, data = call("post", "/mcp", read,
                      b'{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}',
                      "application/json")
tools = [t["name"] for t in json.loads(data)["result"]["tools"]]
desc = mcp["description"]
m = re.search(r"tools/call \(([^)]*)\)", desc)
named = sorted(re.findall(r"[a-z_]+", m.group(1))) if m else []
say(named == sorted(tools), "the /mcp description names the tools",
    "it names %s, the server has %s" % (named, sorted(tools)))
sys.exit(1 if fails else 0)
