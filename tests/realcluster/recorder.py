"""An HTTPS admission webhook that allows everything, patches nothing, and remembers who called it.

Every webhook under test gets `url: https://127.0.0.1:PORT/<configuration>/<webhook>`, so the request path alone
tells which (configuration, webhook) the apiserver decided to call.  Allowing without a patch keeps the object
unchanged, so one webhook's call can never influence whether a later one is selected.
"""

import json
import ssl
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Call:
    __slots__ = ("configuration", "webhook", "namespace", "name", "operation", "resource", "dry_run", "labels")

    def __init__(self, configuration, webhook, request):
        self.configuration = configuration
        self.webhook = webhook
        self.namespace = request.get("namespace") or ""
        self.name = request.get("name") or ""
        self.operation = request.get("operation")
        self.resource = ((request.get("resource") or {}).get("resource") or "") + (
            "/" + request["subResource"] if request.get("subResource") else "")
        self.dry_run = request.get("dryRun")
        obj = request.get("object") or {}
        self.labels = (obj.get("metadata") or {}).get("labels") or {}

    def __repr__(self):
        return "Call(%s/%s for %s/%s)" % (self.configuration, self.webhook, self.namespace, self.name)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        review = json.loads(self.rfile.read(length) or b"{}")
        request = review.get("request") or {}
        path = urllib.parse.urlparse(self.path).path.strip("/").split("/")
        if len(path) == 2:
            self.server.recorder._record(Call(urllib.parse.unquote(path[0]), urllib.parse.unquote(path[1]), request))
        answer = {
            # Echo the review version the apiserver chose (the first of admissionReviewVersions it knows).
            "apiVersion": review.get("apiVersion", "admission.k8s.io/v1"),
            "kind": "AdmissionReview",
            "response": {"uid": request.get("uid", ""), "allowed": True},
        }
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Recorder:
    """Serves on 127.0.0.1 with a certificate the apiserver trusts through caBundle."""

    def __init__(self, cert_file, key_file, ca_file):
        with open(ca_file, "rb") as f:
            self.ca_bundle_pem = f.read()
        self._calls = []
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.recorder = self
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert_file, key_file)
        self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, name="webhook-recorder", daemon=True)
        self._thread.start()

    def url(self, configuration, webhook):
        q = urllib.parse.quote
        return "https://127.0.0.1:%d/%s/%s" % (self.port, q(configuration, safe=""), q(webhook, safe=""))

    def _record(self, call):
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()

    def calls(self, namespace=None, name=None):
        with self._lock:
            return [c for c in self._calls
                    if (namespace is None or c.namespace == namespace) and (name is None or c.name == name)]

    def clear(self):
        with self._lock:
            self._calls = []

    def close(self):
        self.server.shutdown()
        self.server.server_close()
