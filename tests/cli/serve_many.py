"""
serve_many.py: opens N connections to chousa serve on 127.0.0.1 at once,
then asks GET /api/v1/health on each in turn, and prints how many were
answered 200: the ones past [server] max_per_ip are closed as they come.

    python3 serve_many.py PORT N
"""
import socket
import sys
import time

port, n = int(sys.argv[1]), int(sys.argv[2])
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]
# Accepted (or closed) by the server before the first request is sent.
time.sleep(0.3)
answered = 0
for s in socks:
    s.settimeout(5)
    try:
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        answered += s.recv(12).startswith(b"HTTP/1.1 200")
    except OSError:
        pass
print(answered)
