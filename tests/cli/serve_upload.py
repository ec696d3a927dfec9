"""
serve_upload.py: uploads to chousa serve's POST /api/v1/sweep for the
tests, as a client of any size and speed would send them: with a
Content-Length or chunked, all at once or in pieces with pauses, or given
up half way.

    python3 serve_upload.py URL TOKEN PATH FILE OUT [options]

prints the status, and writes the body to OUT and the headers to OUT.h.
Options: --chunked (Transfer-Encoding: chunked), --piece N (bytes a send,
default 64 KiB), --pause S (seconds between pieces), --repeat K (send the
file K times over, one body), --stop-after N (close the connection after
N bytes of the body, without ending it; prints "closed").
"""
import argparse
import http.client
import sys
import time
import urllib.parse


def pieces(data, size, repeat):
    for _ in range(repeat):
        for i in range(0, len(data), size):
            yield data[i:i + size]


def upload(url, token, path, data, chunked=False, piece=65536, pause=0.0,
           repeat=1, stop_after=None, timeout=120):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    conn.putrequest("POST", path)
    if token:
        conn.putheader("Authorization", "Bearer " + token)
    conn.putheader("Content-Type", "application/octet-stream")
    if chunked:
        conn.putheader("Transfer-Encoding", "chunked")
    else:
        conn.putheader("Content-Length", str(len(data) * repeat))
    conn.endheaders()
    sent = 0
    try:
        for p in pieces(data, piece, repeat):
            if stop_after is not None and sent + len(p) > stop_after:
                p = p[:stop_after - sent]
                conn.send(b"%x\r\n%s\r\n" % (len(p), p) if chunked else p)
                conn.close()
                return "closed", {}, b""
            conn.send(b"%x\r\n%s\r\n" % (len(p), p) if chunked else p)
            sent += len(p)
            if pause:
                time.sleep(pause)
        if chunked:
            conn.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        # Refused before the whole body went: the answer is still there.
        pass
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, r.getheaders(), body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("token")
    ap.add_argument("path")
    ap.add_argument("file")
    ap.add_argument("out")
    ap.add_argument("--chunked", action="store_true")
    ap.add_argument("--piece", type=int, default=65536)
    ap.add_argument("--pause", type=float, default=0.0)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--stop-after", type=int)
    a = ap.parse_args()
    data = open(a.file, "rb").read()
    status, headers, body = upload(a.url, a.token, a.path, data, a.chunked,
                                   a.piece, a.pause, a.repeat, a.stop_after)
    with open(a.out, "wb") as f:
        f.write(body)
    with open(a.out + ".h", "w") as f:
        for k, v in headers:
            f.write("%s: %s\n" % (k, v))
    print(status)


if __name__ == "__main__":
    sys.exit(main())
