"""
serve_http.py: the client side of the chousa serve tests, which their
python imports (serve.sh puts tests/cli on PYTHONPATH): one request with
a bearer token, and investigations sent all at once, each answer kept
with its status, Retry-After and when it came.
"""
import json
import threading
import time
import urllib.error
import urllib.request


def request(url, path, token="", body=None, ctype="application/json",
            method=None, timeout=60):
    """The open response to one request; an HTTPError past 2xx, as
    urllib's own."""
    req = urllib.request.Request(url + path, data=body, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if body is not None:
        req.add_header("Content-Type", ctype)
    return urllib.request.urlopen(req, timeout=timeout)


def investigate(url, token, doc, timeout=100):
    """POST doc, as JSON, to /api/v1/investigate."""
    return request(url, "/api/v1/investigate", token,
                   json.dumps(doc).encode(), timeout=timeout)


def addresses(k):
    """A thousand addresses, 45.k.0.1 on, for request k of a burst: the
    most one request takes, and slow enough to keep a worker busy while
    the others come."""
    return ["45.%d.%d.%d" % (k, i // 250, i % 250 + 1) for i in range(1000)]


class Burst:
    """One thread per document, each investigating it at once.  answers
    grows, under lock, as they come: (status, Retry-After or None, body,
    time.monotonic() when read)."""

    def __init__(self, url, token, docs):
        self.answers, self.lock = [], threading.Lock()
        self.threads = [threading.Thread(target=self.ask,
                                         args=(url, token, doc))
                        for doc in docs]
        for t in self.threads:
            t.start()

    def ask(self, url, token, doc):
        try:
            r = investigate(url, token, doc)
            answer = (r.status, None, r.read())
        except urllib.error.HTTPError as e:
            answer = (e.code, e.headers.get("Retry-After"), e.read())
        with self.lock:
            self.answers.append(answer + (time.monotonic(),))

    def count(self, status):
        with self.lock:
            return sum(1 for a in self.answers if a[0] == status)

    def join(self):
        for t in self.threads:
            t.join()
        return self.answers
