"""A small stand-in for kube-apiserver's list and watch, over real HTTP, for the fast tests of `watch`: the real
`Client` (urllib3 from the kubernetes package) talks to it, so streaming, resuming, bookmarks and 410 Gone are
exercised through the code that talks to real clusters, without starting one.

What it models is the part of the API server's behaviour the reflector relies on (apiserver's watch cache):
one resourceVersion counter for all objects; a list answers with it; a watch from version V streams every
change after V, then waits for more until timeoutSeconds; a watch from a version older than the oldest change
kept (`compact`) answers 410 Gone as an ERROR event; `drop()` breaks every open watch connection, as a
restarted API server or a proxy in between does; `bookmark()` sends a BOOKMARK to every open watch.
"""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class FakeAPI:
    def __init__(self):
        self.lock = threading.Condition()
        self.version = 100
        self.objects = {}           # (plural, namespace, name) -> object
        self.log = []               # (version, type, plural, object)
        self.oldest = 0             # changes at or before this were compacted away
        self.generation = 0         # bumped by drop(): open watches end abruptly
        self.bookmarks = 0
        self.requests = []
        self.gets = {}              # (plural, namespace, name) -> object for GETs of single objects
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        self.drop()
        self.server.shutdown()
        self.server.server_close()

    # -- changes -----------------------------------------------------------------------------------------

    def put(self, plural, obj, kind="ADDED"):
        with self.lock:
            self.version += 1
            md = obj.setdefault("metadata", {})
            md["resourceVersion"] = str(self.version)
            md.setdefault("uid", f"uid-{md.get('name')}-{self.version}")
            key = (plural, md.get("namespace", ""), md.get("name", ""))
            if kind == "DELETED":
                self.objects.pop(key, None)
            else:
                self.objects[key] = obj
            self.log.append((self.version, kind, plural, json.loads(json.dumps(obj))))
            self.lock.notify_all()
            return obj

    def compact(self):
        """Forget the changes so far: a watch from any version before now gets 410 Gone."""
        with self.lock:
            self.oldest = self.version
            self.log = []

    def drop(self):
        with self.lock:
            self.generation += 1
            self.lock.notify_all()

    def bookmark(self):
        with self.lock:
            self.bookmarks += 1
            self.lock.notify_all()


def _matches(plural, namespace, selector, key_plural, obj):
    md = obj.get("metadata") or {}
    if key_plural != plural or (namespace and md.get("namespace") != namespace):
        return False
    for part in filter(None, (selector or "").split(",")):
        field, _, value = part.partition("=")
        if str(obj.get(field, "")) != value:
            return False
    return True


def _handler(api):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            url = urlparse(self.path)
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            parts = url.path.strip("/").split("/")
            api.requests.append((url.path, q))
            parts = parts[2:] if parts[0] == "api" else parts[3:]        # after api/v1 or apis/GROUP/VERSION
            namespace = None
            if parts[0] == "namespaces" and len(parts) >= 3:
                namespace, parts = parts[1], parts[2:]
            plural = parts[0]
            if len(parts) == 2:
                obj = api.gets.get((plural, namespace or "", parts[1])) or api.objects.get((plural, namespace or "", parts[1]))
                return self._json(200 if obj else 404, obj or {"kind": "Status", "code": 404, "message": "not found"})
            if q.get("watch"):
                return self._watch(plural, namespace, q)
            with api.lock:
                items = [o for (p, _ns, _n), o in sorted(api.objects.items())
                         if _matches(plural, namespace, q.get("fieldSelector"), p, o)]
                version = api.version
            if q.get("limit") == "1":
                items = items[:1]
            return self._json(200, {"kind": "List", "metadata": {"resourceVersion": str(version)}, "items": items})

        def _json(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _watch(self, plural, namespace, q):
            since = int(q.get("resourceVersion") or api.version)
            deadline = time.monotonic() + int(q.get("timeoutSeconds") or 30)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            with api.lock:
                generation, bookmarks = api.generation, api.bookmarks
            if since < api.oldest:
                self._chunk({"type": "ERROR", "object": {"kind": "Status", "code": 410, "reason": "Expired",
                                                          "message": f"too old resource version: {since} ({api.oldest})"}})
                return self._end()
            while time.monotonic() < deadline:
                with api.lock:
                    events = [(v, t, o) for v, t, p, o in api.log
                              if v > since and _matches(plural, namespace, q.get("fieldSelector"), p, o)]
                    if not events and api.generation == generation and api.bookmarks == bookmarks:
                        api.lock.wait(0.2)
                        continue
                    dropped = api.generation != generation
                    marks, bookmarks = api.bookmarks != bookmarks, api.bookmarks
                    version = api.version
                if dropped:
                    self.close_connection = True
                    return self.connection.shutdown(2)      # mid-stream, no final chunk: a broken connection
                for v, t, o in events:
                    self._chunk({"type": t, "object": o})
                    since = v
                if marks and q.get("allowWatchBookmarks") == "true":
                    self._chunk({"type": "BOOKMARK", "object": {"kind": "Pod", "metadata": {"resourceVersion": str(version)}}})
                    since = max(since, version)
            self._end()

        def _chunk(self, event):
            data = json.dumps(event).encode() + b"\n"
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

        def _end(self):
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

    return Handler


def connection(api, namespace="default"):
    """A plugin Connection to the fake, as kubeconfig resolution makes them."""
    from plugin.kube.kubeconfig import Connection

    config = {"apiVersion": "v1", "kind": "Config", "current-context": "fake",
              "clusters": [{"name": "fake", "cluster": {"server": api.url}}],
              "users": [{"name": "u", "user": {"token": "t"}}],
              "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "u", "namespace": namespace}}]}
    return Connection("fake", "fake", "u", api.url, namespace, config=config)
