#!/usr/bin/env python3
"""netguard.py PORT_FILE LOG: the internet as the tests see it.

tests/run.sh names this server, on 127.0.0.1 and an ephemeral port (written
to PORT_FILE), as every test's proxy (http_proxy, https_proxy, all_proxy,
with NO_PROXY for loopback), so that an HTTP client that reads the proxy
from the environment (chousa's libcurl, curl, python's urllib) sends it
any request for a host but loopback, and never looks that host up.  Each
request is refused (403) and appended to LOG as one line "TEST TIME
METHOD TARGET": TEST is the user name of the proxy URL (run.sh puts the
test's name there; "-" when the client sent none), TIME the Unix time, and
run.sh fails that test with it.  Standard library only; it ends when
run.sh does.
"""
import base64
import os
import socket
import socketserver
import sys
import threading
import time

PORT_FILE, LOG = sys.argv[1], sys.argv[2]
LOCK = threading.Lock()
BODY = (b"refused by tests/netguard.py: no test touches the internet; "
        b"point the client at a loopback server (tests/http/server.py)\n")


def who(head):
    """The user name of the request's Proxy-Authorization (Basic), or -."""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() != b"proxy-authorization":
            continue
        scheme, _, cred = value.strip().partition(b" ")
        if scheme.lower() != b"basic":
            break
        try:
            user = base64.b64decode(cred.strip()).split(b":", 1)[0]
        except ValueError:
            break
        return user.decode("ascii", "replace") or "-"
    return "-"


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        s = self.request
        s.settimeout(5)
        head = b""
        try:
            while b"\r\n\r\n" not in head and len(head) < 16384:
                got = s.recv(4096)
                if not got:
                    break
                head += got
        except OSError:
            pass
        words = head.split(b"\r\n", 1)[0].split()
        method = words[0].decode("ascii", "replace") if words else "?"
        target = (words[1].decode("ascii", "replace").split("?")[0][:200]
                  if len(words) > 1 else "?")
        with LOCK, open(LOG, "a") as f:
            f.write("%s %d %s %s\n" % (who(head), time.time(), method,
                                         target))
        try:
            s.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n"
                      b"Connection: close\r\nContent-Length: %d\r\n\r\n%s"
                      % (len(BODY), BODY))
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    request_queue_size = 64


def orphaned(parent):
    """Exit once run.sh, the parent, has gone (killed or interrupted)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


srv = Server(("127.0.0.1", 0), Handler)
threading.Thread(target=orphaned, args=(os.getppid(),), daemon=True).start()
with open(PORT_FILE + ".tmp", "w") as f:
    f.write("%d\n" % srv.server_address[1])
os.rename(PORT_FILE + ".tmp", PORT_FILE)
srv.serve_forever()
