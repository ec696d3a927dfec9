#!/usr/bin/env python3
"""Loopback replay server for chousa's online-source tests (stdlib only).

Listens on 127.0.0.1 on an ephemeral port, prints the port on stdout and
stops on its own after --lifetime seconds.  A request for
    /<service>[/@<mode>]/<rest of the path>
is answered from the case files tests/http/<service>/*.case, in the spirit
of curl's tests/data: each names the request it expects (method, path glob,
a substring of the body, the auth header the real service uses) and the
reply (status, headers, body file).  A request without the expected auth
header gets the 401 the real services give.

Modes, put in the path after the service, change one reply:
    @delay=MS     answer after MS milliseconds
    @drip         send the body one byte every 100 ms
    @truncated    send the first half of the body (valid HTTP, cut JSON)
    @cut          promise the whole body, send half and close
    @html         an HTML error page served as text/html
    @big          a 33 MiB body (over the client's cap)
    @429ra        429 with Retry-After: 1     @429   429 without it
    @429date      429 with Retry-After as an HTTP date 1 s ahead
    @500          a 500                       @401   a 401
    @goto=PORT    302 to the same path on http://127.0.0.1:PORT (plain)
    @hops=N       N redirects to this server (same scheme), then the reply
    @drop=PATH    the case's JSON reply without the field at PATH (dots
                  between keys, * for every element of a list:
                  "reports.*.verdict"); a reply without it is unchanged
--tls CERT KEY serves HTTPS with that certificate (tests/cli/test-tls.sh).
--delay-ms adds latency to every reply (the benchmark).  Each request is
logged to --log as "service method path auth|noauth [proxied]" (never a
header value); a request sent to the server as a proxy (an absolute URI)
is answered as if it came directly, and logged as proxied.
"""
import argparse
import fnmatch
import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))


def load_cases(root, samples):
    cases = {}
    for service in sorted(os.listdir(root)):
        d = os.path.join(root, service)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith(".case"):
                continue
            c = {"name": name, "status": 200, "method": "GET",
                 "content-type": "application/json", "headers": []}
            with open(os.path.join(d, name)) as fp:
                for line in fp:
                    line = line.rstrip("\n")
                    if not line or line.startswith("#"):
                        continue
                    k, _, v = line.partition(":")
                    k, v = k.strip().lower(), v.strip()
                    if k == "header":
                        c["headers"].append(v)
                    else:
                        c[k] = v
            c["data"] = read_body(c.get("body", ""), d, samples)
            cases.setdefault(service, []).append(c)
    return cases


def read_body(spec, d, samples):
    """body: file (in the service dir), samples:path, wrap-data:samples:path
    (the VT excerpts: {"data": <object>}), or text:literal."""
    if spec == "":
        return b""
    if spec.startswith("text:"):
        return spec[5:].encode()
    wrap = spec.startswith("wrap-data:")
    if wrap:
        spec = spec[len("wrap-data:"):]
    path = os.path.join(samples, spec[8:]) if spec.startswith("samples:") \
        else os.path.join(d, spec)
    with open(path, "rb") as fp:
        data = fp.read()
    if wrap:
        data = b'{"data": ' + data + b"}"
    return data


def drop_field(data, path):
    """The JSON text data without the field at path (see @drop)."""
    try:
        doc = json.loads(data)
    except ValueError:
        return data
    keys = path.split(".")

    def walk(node, i):
        k = keys[i]
        if k == "*":
            if isinstance(node, list):
                for el in node:
                    walk(el, i + 1) if i + 1 < len(keys) else None
            return
        if isinstance(node, list):
            for el in node:
                walk(el, i)
            return
        if not isinstance(node, dict) or k not in node:
            return
        if i + 1 == len(keys):
            del node[k]
        else:
            walk(node[k], i + 1)

    walk(doc, 0)
    return json.dumps(doc).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "chousa-loopback/1"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def handle_any(self, method):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("utf-8", "replace") if n else ""
        path, proxied = self.path, False
        if path.startswith("http://"):
            # Sent to us as a proxy: an absolute URI (tests of http_proxy).
            path, proxied = "/" + path[7:].partition("/")[2], True
        parts = path.split("/", 2)
        service = parts[1] if len(parts) > 1 else ""
        rest = "/" + (parts[2] if len(parts) > 2 else "")
        mode = ""
        if rest.startswith("/@"):
            seg = rest[2:].split("/", 1)
            mode = seg[0]
            rest = "/" + (seg[1] if len(seg) > 1 else "")
        case = self.find(service, method, rest, body)
        auth = case.get("auth", "") if case else ""
        if auth.startswith("form:"):
            has_auth = (auth[5:] + "=") in body
        else:
            has_auth = not auth or self.has_header(auth)
        self.server.log(service, method, rest, has_auth, proxied)
        delay = self.server.delay_ms
        if mode.startswith("delay="):
            delay += int(mode[6:])
        if delay:
            time.sleep(delay / 1000.0)
        if mode.startswith("goto="):
            return self.reply(302, b"", extra=[
                "Location: http://127.0.0.1:%d/%s%s" % (int(mode[5:]),
                                                        service, rest)])
        if mode.startswith("hops=") and int(mode[5:]) > 0:
            scheme = "https" if self.server.tls else "http"
            return self.reply(302, b"", extra=[
                "Location: %s://127.0.0.1:%d/%s/@hops=%d%s" % (
                    scheme, self.server.server_address[1], service,
                    int(mode[5:]) - 1, rest)])
        if mode == "429ra":
            return self.reply(429, b'{"error": {"code": "QuotaExceededError",'
                              b' "message": "Quota exceeded"}}',
                              extra=["Retry-After: 1"])
        if mode == "429date":
            when = time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                                 time.gmtime(time.time() + 1))
            return self.reply(429, b'{"error": "slow down"}',
                              extra=["Retry-After: " + when])
        if mode == "429":
            return self.reply(429, b'{"error": "too many requests"}')
        if mode == "500":
            return self.reply(500, b'{"error": "internal"}')
        if mode == "401" or not has_auth:
            return self.reply(401, b'{"error": {"code": '
                              b'"AuthenticationRequiredError", "message":'
                              b' "wrong credentials"}}')
        if mode == "html":
            return self.reply(200, b"<html><body><h1>Just a moment...</h1>"
                              b"</body></html>", ctype="text/html")
        if mode == "big":
            return self.send_big()
        if case is None:
            return self.reply(404, b'{"error": "no case for this request"}')
        data = case["data"]
        extra = case["headers"]
        ctype = case["content-type"]
        status = int(case["status"])
        if mode == "truncated":
            return self.reply(status, data[: len(data) // 2], ctype, extra)
        if mode.startswith("drop="):
            data = drop_field(data, mode[5:])
        if mode == "cut":
            return self.reply(status, data, ctype, extra, cut=True)
        if mode == "drip":
            return self.reply(status, data, ctype, extra, drip=True)
        return self.reply(status, data, ctype, extra)

    def has_header(self, spec):
        # "Authorization: Bearer" checks the value's scheme too.
        name, _, scheme = spec.partition(" ")
        name = name.rstrip(":")
        v = self.headers.get(name)
        if v is None:
            return False
        return not scheme or v.startswith(scheme.strip())

    def find(self, service, method, rest, body):
        for c in self.server.cases.get(service, []):
            if c["method"] != method:
                continue
            if not fnmatch.fnmatchcase(rest, c.get("path", "*")):
                continue
            want = c.get("body-contains")
            if want and want not in body:
                continue
            return c
        return None

    def reply(self, status, data, ctype="application/json", extra=(),
              cut=False, drip=False):
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for h in extra:
                k, _, v = h.partition(":")
                self.send_header(k.strip(), v.strip())
            if cut:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if cut:
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                return
            if drip:
                for i in range(len(data)):
                    self.wfile.write(data[i:i + 1])
                    self.wfile.flush()
                    time.sleep(0.1)
                return
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def send_big(self):
        size = 33 << 20
        chunk = b"[" + b"0," * 32767 + b"0]"
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            sent = 0
            while sent < size:
                part = chunk[: size - sent]
                self.wfile.write(part)
                sent += len(part)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, addr, cases, delay_ms, log_path):
        super().__init__(addr, Handler)
        self.cases = cases
        self.delay_ms = delay_ms
        self.lock = threading.Lock()
        self.logfp = open(log_path, "a") if log_path else None
        self.tls = False

    def use_tls(self, cert, key):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        self.socket = ctx.wrap_socket(self.socket, server_side=True)
        self.tls = True

    def log(self, service, method, path, has_auth, proxied=False):
        if self.logfp is None:
            return
        with self.lock:
            self.logfp.write("%s %s %s %s%s\n" % (
                service, method, path, "auth" if has_auth else "noauth",
                " proxied" if proxied else ""))
            self.logfp.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=HERE)
    ap.add_argument("--samples",
                    default=os.path.join(HERE, "..", "data", "samples"))
    ap.add_argument("--lifetime", type=float, default=300)
    ap.add_argument("--delay-ms", type=int, default=0)
    ap.add_argument("--log", default="")
    ap.add_argument("--port-file", default="")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    a = ap.parse_args()
    srv = Server(("127.0.0.1", 0), load_cases(a.root, a.samples),
                 a.delay_ms, a.log)
    if a.tls:
        srv.use_tls(a.tls[0], a.tls[1])
    port = srv.server_address[1]
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as fp:
            fp.write("%d\n" % port)
        os.rename(a.port_file + ".tmp", a.port_file)
    print(port, flush=True)
    threading.Timer(a.lifetime, srv.shutdown).start()
    srv.serve_forever(poll_interval=0.2)
    srv.server_close()


if __name__ == "__main__":
    sys.exit(main())
