"""
serve_restart.py: chousa serve restarted under load, as `systemctl restart`
does it with chousa.socket: this script holds the listening socket, as
systemd does, and passes it to each server it starts (LISTEN_PID,
LISTEN_FDS=1, descriptor 3: sd_listen_fds(3)).  Clients ask all the
while, each request on a new connection; at each restart a slow sweep
upload is under way when SIGTERM comes.

    python3 serve_restart.py CHOUSA TOKEN RESTARTS OUT_JSON LOG_PREFIX

writes what happened as JSON: every request's outcome, the servers' exit
statuses, the slow uploads' statuses, and how long each server took to stop
and the next to answer.  The servers' stderr goes to LOG_PREFIX.N.
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

chousa, token, restarts, out, logs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.bind(("127.0.0.1", 0))
sock.listen(512)
port = sock.getsockname()[1]


def start(gen):
    fd = sock.fileno()
    log = open("%s.%d" % (logs, gen), "w")
    return subprocess.Popen(
        ["sh", "-c", 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$@"', "sh", chousa, "serve",
         "--audit-log", "%s.audit" % logs],
        stdin=subprocess.DEVNULL, stdout=log, stderr=log,
        preexec_fn=lambda: os.dup2(fd, 3), pass_fds=(3, fd))


stop = threading.Event()
results = []          # (time, kind, outcome)
lock = threading.Lock()
AUTH = {"Authorization": "Bearer " + token}
ASK = ["evil.example", "1.2.3.4", "www.dnautik.com", "benign.example.org"]


def client(n):
    i = n
    while not stop.is_set():
        i += 1
        v = ASK[i % len(ASK)]
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            if i % 2:
                kind = "lookup"
                c.request("GET", "/api/v1/lookup?indicator=" + urllib.parse.quote(v), headers=AUTH)
            else:
                kind = "investigate"
                c.request("POST", "/api/v1/investigate", headers=dict(AUTH, **{"Content-Type": "application/json"}),
                          body=json.dumps({"indicator": v, "offline": True, "format": "json"}))
            r = c.getresponse()
            r.read()
            outcome = r.status
        except Exception as e:
            outcome = "%s: %s" % (type(e).__name__, e)
        finally:
            c.close()
        with lock:
            results.append((time.time(), kind, outcome))


def slow_sweep(box):
    """A sweep whose body takes about 1.2 s to arrive."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.putrequest("POST", "/api/v1/sweep")
        c.putheader("Authorization", "Bearer " + token)
        c.putheader("Transfer-Encoding", "chunked")
        c.endheaders()
        for k in range(12):
            line = b"2026-12-05T06:00:%02d conn 10.0.0.1 -> 1.2.3.4:443\n" % k
            c.send(b"%x\r\n%s\r\n" % (len(line), line))
            time.sleep(0.1)
        c.send(b"0\r\n\r\n")
        r = c.getresponse()
        body = r.read()
        box.append(r.status if body else "empty body")
    except Exception as e:
        box.append("%s: %s" % (type(e).__name__, e))
    finally:
        c.close()


report = {"exits": [], "slow": [], "stop_s": [], "gap_s": []}
gen = 0
srv = start(gen)
threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
for t in threads:
    t.start()
time.sleep(1.0)
for _ in range(restarts):
    box = []
    up = threading.Thread(target=slow_sweep, args=(box,))
    up.start()
    time.sleep(0.4)
    t0 = time.time()
    srv.send_signal(signal.SIGTERM)
    try:
        report["exits"].append(srv.wait(timeout=30))
    except subprocess.TimeoutExpired:
        srv.kill()
        report["exits"].append("still running 30 s after SIGTERM")
    t1 = time.time()
    report["stop_s"].append(round(t1 - t0, 3))
    gen += 1
    srv = start(gen)
    up.join()
    report["slow"].append(box[0] if box else "none")
    # The next server's first answer after the restart.
    while True:
        with lock:
            later = [r for r in results if r[0] > t1 and r[2] == 200]
        if later or time.time() - t1 > 20:
            break
        time.sleep(0.05)
    report["gap_s"].append(round(later[0][0] - t1, 3) if later else None)
    time.sleep(0.5)
stop.set()
for t in threads:
    t.join()
srv.send_signal(signal.SIGTERM)
report["exits"].append(srv.wait(timeout=30))
report["requests"] = len(results)
report["ok"] = sum(1 for r in results if r[2] == 200)
report["failed"] = [[round(r[0], 3), r[1], r[2]] for r in results if r[2] != 200][:10]
report["servers"] = gen + 1
json.dump(report, open(out, "w"))
