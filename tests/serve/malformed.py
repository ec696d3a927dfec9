#!/usr/bin/env python3
"""malformed.py HOST PORT TOKEN IDLE [ADMIN]: 1,000 malformed requests to chousa serve.

Bad JSON, wrong types, huge bodies (by Content-Length and by chunks), path
traversal, header floods, bad request lines and methods, and slow clients,
each sent on its own connection.  Every request must get a 4xx answer;
a client that stalls past IDLE seconds must be hung up on without taking
the server with it.  With an ADMIN token, imports too (bad options, files
no importer takes, bodies past the cap).  Prints one "ok - ..." or
"not ok - ..." line per kind and one for the server still answering
afterwards.
"""
import json
import socket
import sys
import threading
import time

HOST, PORT, TOKEN, IDLE = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
AUTH = "Authorization: Bearer %s\r\n" % TOKEN
ADMIN = sys.argv[5] if len(sys.argv) > 5 else None


def exchange(data, pause=None, timeout=20):
    """Send data (bytes, or a list of pieces with pause between), return
    the status code of the answer, or 0 when the server hung up first."""
    s = socket.create_connection((HOST, PORT), timeout=timeout)
    try:
        for piece in (data if isinstance(data, list) else [data]):
            try:
                s.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
            if pause:
                time.sleep(pause)
        buf = b""
        while b"\r\n" not in buf:
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
        line = buf.split(b"\r\n", 1)[0].split()
        return int(line[1]) if len(line) >= 2 and line[1].isdigit() else 0
    except (ConnectionResetError, socket.timeout):
        return 0
    finally:
        s.close()


def post(path, body, ctype="application/json", extra=""):
    if isinstance(body, str):
        body = body.encode()
    return ("POST %s HTTP/1.1\r\nHost: x\r\n%s%sContent-Type: %s\r\n"
            "Content-Length: %d\r\n\r\n" % (path, AUTH, extra, ctype,
                                             len(body))).encode() + body


def get(path, extra="", auth=True):
    return ("GET %s HTTP/1.1\r\nHost: x\r\n%s%s\r\n" % (
        path, AUTH if auth else "", extra)).encode()


kinds = {}
bad_json = ['{', '{"indicators":[', 'null', '[]', '"x"', '{"indicators":["a"]',
            '\x00\x01', '{"a":1}}', '{"indicators":["a"],}',
            '{"indicators":[' + '[' * 5000 + ']' * 5000 + ']}', 'tru',
            '{"indicators":["x" "y"]}']
kinds["bad_json"] = [post(p, b) for p in ("/api/v1/lookup", "/api/v1/investigate")
                     for b in bad_json]
wrong = ['{"indicators":5}', '{"indicators":[1,2]}', '{"indicator":[]}',
         '{"indicators":[]}', '{"indicators":["x"],"format":5}',
         '{"indicator":"x","depth":"deep"}', '{"indicator":"x","depth":99}',
         '{"indicator":"x","offline":"maybe"}', '{"indicator":"x","at":"soon"}',
         '{"indicator":"x","format":"exe"}', '{"indicators":["x"],"format":"xml"}',
         '{"text":42}', '{"indicator":"x","budget":-1}',
         '{"indicators":[' + ','.join(['"a"'] * 1001) + ']}']
kinds["wrong_types"] = [post(p, b) for p in ("/api/v1/lookup", "/api/v1/investigate",
                                              "/api/v1/extract")
                        for b in wrong if not (p.endswith("extract") and "text" not in b)]
kinds["wrong_types"] += [post("/api/v1/extract", '{"text":42}'),
                         post("/mcp", '{"jsonrpc":"2.0","id":1}'),
                         post("/mcp", '[1,2,3]')]
kinds["huge_body"] = [
    ("POST /api/v1/lookup HTTP/1.1\r\nHost: x\r\n%sContent-Type: application/json"
     "\r\nContent-Length: %d\r\n\r\n" % (AUTH, n)).encode()
    for n in (2 << 20, 1 << 30, 10 ** 12, 99999999999999)]
kinds["huge_body"] += [
    ("POST /api/v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n"
     "0123456789").encode(),
    ("POST /api/v1/lookup HTTP/1.1\r\nHost: x\r\n%sContent-Type: application/json"
     "\r\nTransfer-Encoding: chunked\r\n\r\n" % AUTH).encode() +
    (b"100000\r\n" + b"[" * 0x100000 + b"\r\n") * 3 + b"0\r\n\r\n"]
# Sweeps and exports refused before they take a job's slot: options,
# caps, a body where none goes.
kinds["sweep_export"] = [
    post("/api/v1/sweep?format=exe", "x", "application/octet-stream"),
    post("/api/v1/sweep?log_format=nope", "x", "application/octet-stream"),
    post("/api/v1/sweep?internal=10.0.0.0/77", "x", "application/octet-stream"),
    post("/api/v1/sweep?window=-1", "x", "application/octet-stream"),
    post("/api/v1/sweep?max_line=1", "x", "application/octet-stream"),
    post("/api/v1/sweep?name=", "x", "application/octet-stream"),
    post("/api/v1/sweep?no_benign_filtr=1", "x", "application/octet-stream"),
    ("POST /api/v1/sweep HTTP/1.1\r\nHost: x\r\n%sContent-Length: %d\r\n\r\n"
     % (AUTH, 10 ** 12)).encode(),
    get("/api/v1/sweep"),
    get("/api/v1/export"),
    get("/api/v1/export?format=nope"),
    get("/api/v1/export?format=rpz&min_confidence=-5"),
    get("/api/v1/export?format=splunk&file=../../etc/passwd"),
    get("/api/v1/export?format=rpz&types=zz"),
    get("/api/v1/export?format=rpz&since=%00"),
    get("/api/v1/export?format=rpz&delta=x"),
    post("/api/v1/export?format=rpz", "x"),
]
# Imports, by an admin: each refused before anything is written.
if ADMIN is not None:
    ADMIN_AUTH = "Authorization: Bearer %s\r\n" % ADMIN
    def post_admin(path, body):
        if isinstance(body, str):
            body = body.encode()
        return ("POST %s HTTP/1.1\r\nHost: x\r\n%sContent-Type: "
                "application/octet-stream\r\nContent-Length: %d\r\n\r\n"
                % (path, ADMIN_AUTH, len(body))).encode() + body
    kinds["import"] = [
        post_admin("/api/v1/import", "x"),
        post_admin("/api/v1/import?source=../../etc/passwd", "x"),
        post_admin("/api/v1/import?source=list&name=%0a%1b", "x"),
        post_admin("/api/v1/import?source=list&strict=2", "x"),
        post_admin("/api/v1/import?source=list&tag=" + "t" * 300, "x"),
        post_admin("/api/v1/import?source=list&format=exe", "x"),
        post_admin("/api/v1/import?source=list&sourcename=x", "x"),
        post_admin("/api/v1/import?source=list", ""),
        post_admin("/api/v1/import?source=urlhaus", "\x00\xff" * 500),
        post_admin("/api/v1/import?source=threatfox", '{"not": "threatfox"}'),
        post_admin("/api/v1/import?source=misp", "[" * 5000),
        post_admin("/api/v1/import?source=stix", '{"type":"bundle","objects":[{"type":'),
        ("POST /api/v1/import?source=list HTTP/1.1\r\nHost: x\r\n%s"
         "Content-Length: %d\r\n\r\n" % (ADMIN_AUTH, 10 ** 12)).encode(),
        ("GET /api/v1/import?source=list HTTP/1.1\r\nHost: x\r\n%s\r\n"
         % ADMIN_AUTH).encode(),
    ]
    # The web page's file form, with an admin's token but no session's
    # CSRF token: refused, whatever the body.
    def post_admin_form(body, ctype="multipart/form-data; boundary=XyZ"):
        return ("POST /import/file HTTP/1.1\r\nHost: x\r\n%sContent-Type: "
                "%s\r\nContent-Length: %d\r\n\r\n"
                % (ADMIN_AUTH, ctype, len(body))).encode() + body.encode()
    kinds["import"] += [
        post_admin_form("x", "multipart/form-data"),
        post_admin_form("source=list&file=x", "application/x-www-form-urlencoded"),
        post_admin_form('--XyZ\r\nContent-Disposition: form-data; name="file"; '
                        'filename="a"\r\n\r\nevil.example\r\n--XyZ--\r\n'),
        post_admin_form('--XyZ\r\nContent-Disposition: form-data; name="csrf"'
                        '\r\n\r\n' + "c" * 5000 + '\r\n--XyZ\r\nContent-'
                        'Disposition: form-data; name="file"; filename="a"\r\n'
                        '\r\nevil.example\r\n--XyZ--\r\n'),
        post_admin_form('--XyZ\r\nContent-Disposition: form-data; name="file"; '
                        'filename="a"\r\n\r\nevil.exa'),
    ]
# The web page's sweep form: no boundary, garbage for a form, a CSRF
# field past any token's length, a file without the field, parts cut
# short, no form at all, a body past sweep_max.
MP = "multipart/form-data; boundary=XyZ"
kinds["web_sweep"] = [
    post("/sweep", "x", "multipart/form-data"),
    post("/sweep", "\x00\xff" * 50, MP),
    post("/sweep", '--XyZ\r\nContent-Disposition: form-data; name="csrf"'
         '\r\n\r\n' + "c" * 100000 + '\r\n--XyZ\r\nContent-Disposition: '
         'form-data; name="log"; filename="a"\r\n\r\nwww.dnautik.com\r\n'
         '--XyZ--\r\n', MP),
    post("/sweep", '--XyZ\r\nContent-Disposition: form-data; name="log"; '
         'filename="a"\r\n\r\nwww.dnautik.com\r\n--XyZ--\r\n', MP),
    post("/sweep", '--XyZ\r\nContent-Disposition: form-data; name="log"; '
         'filename="a"\r\n\r\nwww.dnautik', MP),
    post("/sweep", '--XyZ\r\nContent-Disposition: form-data; name=\r\n\r\n'
         '--XyZ--', MP),
    post("/sweep", "log=x", "text/plain"),
    ("POST /sweep HTTP/1.1\r\nHost: x\r\n%sContent-Type: %s\r\n"
     "Content-Length: %d\r\n\r\n" % (AUTH, MP, 10 ** 12)).encode(),
]
trav = ["/../../etc/passwd", "/static/../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd", "/static/%2e%2e%2fapp.css", "/api/v1/../../x",
        "/static/app.css/../../etc/shadow", "/api/v1/tokens/../../../etc",
        "//etc/passwd", "/static/..%5c..%5cwindows", "/api/v1/lookup/../tokens",
        "/.git/config", "/static/", "/api/v1/tokens/%00", "/report/../../x"]
kinds["path_traversal"] = [get(p) for p in trav]
kinds["header_flood"] = [
    get("/api/v1/version", "".join("X-Flood-%d: %s\r\n" % (i, "a" * 100)
                                   for i in range(n)))
    for n in (700, 2000, 5000)]
kinds["header_flood"] += [get("/api/v1/version", "X-Big: %s\r\n" % ("b" * n))
                          for n in (70000, 200000)]
kinds["header_flood"] += [get("/api/v1/version?" + "a=1&" * 20000)]
# A request line of one word is no HTTP at all: libmicrohttpd hangs up
# without an answer, counted apart ("not_http").
kinds["bad_request_line"] = [b"GET /x\r\n\r\n",
                             b"GET /api/v1/version HTTP/1.1\r\n\r\n",
                             b"PUT /api/v1/lookup HTTP/1.1\r\nHost: x\r\n\r\n",
                             b"BREW /api/v1/lookup HTTP/1.1\r\nHost: x\r\n\r\n",
                             ("DELETE /api/v1/lookup HTTP/1.1\r\nHost: x\r\n%s\r\n"
                              % AUTH).encode(),
                             b"GET /api/v1/version HTTP/1.1\r\nHost: x\r\n"
                             b"Content-Length: abc\r\n\r\n",
                             b"GET /api/v1/version HTTP/1.1\r\nHost: x\r\n"
                             b"Bad Header Line\r\n\r\n",
                             ("GET /api/v1/version HTTP/1.1\r\nHost: x\r\n"
                              "Authorization: Bearer %s\r\n\r\n" % ("x" * 500)).encode(),
                             b"POST /login HTTP/1.1\r\nHost: x\r\nOrigin: http://evil\r\n"
                             b"Content-Length: 7\r\n\r\ntoken=x",
                             b"POST /triage HTTP/1.1\r\nHost: x\r\n"
                             b"Content-Length: 6\r\n\r\ntext=x"]

not_http = [b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"\x16\x03\x01\x02\x00\r\n\r\n"]

# Cycle the kinds up to 1,000 requests in all (slow ones apart).
order, i = [], 0
names = sorted(kinds)
while len(order) < 980:
    k = names[i % len(names)]
    order.append((k, kinds[k][(i // len(names)) % len(kinds[k])]))
    i += 1
results = {}
lock = threading.Lock()


def worker(items):
    for k, data in items:
        st = exchange(data)
        with lock:
            results.setdefault(k, []).append(st)


threads = [threading.Thread(target=worker, args=(order[j::8],)) for j in range(8)]
for t in threads:
    t.start()

# Ten slow clients: five trickle a request byte by byte within the idle
# limit (answered), five stall past it (hung up on).
slow = []
def trickle(stall):
    req = get("/api/v1/version")
    if stall:
        st = exchange([req[:20], req[20:]], pause=IDLE + 3, timeout=IDLE + 10)
    else:
        pieces = [req[j:j + 8] for j in range(0, len(req), 8)]
        st = exchange(pieces, pause=IDLE / (2.0 * len(pieces)))
    with lock:
        slow.append((stall, st))
for data in not_http * 3:
    results.setdefault("not_http", []).append(exchange(data))
slow_threads = [threading.Thread(target=trickle, args=(j >= 5,)) for j in range(10)]
for t in slow_threads:
    t.start()
for t in threads + slow_threads:
    t.join()

total = 0
for k in names + ["not_http"]:
    got = results.get(k, [])
    total += len(got)
    bad = [s for s in got if not (400 <= s < 500 or
                                  (k == "not_http" and s == 0))]
    if bad:
        print("not ok - malformed_%s: %d of %d not a 4xx: %s" % (
            k, len(bad), len(got), sorted(set(bad))[:6]))
    else:
        print("ok - malformed_%s (%d requests, all %s)" % (
            k, len(got), ",".join(str(s) for s in sorted(set(got)))))
trickled = [st for stall, st in slow if not stall]
stalled = [st for stall, st in slow if stall]
ok = all(st == 200 for st in trickled)
print(("ok - " if ok else "not ok - ") + "slow_client_within_idle_answered %s" % trickled)
ok = all(st in (0, 408) for st in stalled)
print(("ok - " if ok else "not ok - ") + "slow_client_past_idle_hung_up %s" % stalled)
st = exchange(get("/api/v1/health", auth=False))
print(("ok - " if st == 200 else "not ok - ") + "still_serving_after_%d (health %d)" %
      (total + len(slow), st))
st = exchange(post("/api/v1/lookup", '{"indicators":["www.dnautik.com"]}'))
print(("ok - " if st == 200 else "not ok - ") + "still_looking_up (%d)" % st)
