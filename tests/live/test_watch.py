"""`kubectl inject watch` on the whole real control plane: kube-controller-manager makes the pods, istiod injects
them, kwok runs them. The watch runs as its own process (as a user runs it), through a TCP proxy in front of the
API server that the tests kill and restart: its connections really drop, and it must lose no pod-created line
and repeat none. istiod stopped → the ReplicaSet's FailedCreate → a create-failed line naming the webhook."""
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from .mesh import until

pytestmark = pytest.mark.slow
ENTRY = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "kubectl-inject")


class Proxy:
    """127.0.0.1:port → the API server, byte for byte (TLS passes through: the certificate names 127.0.0.1)."""

    def __init__(self, target_port):
        self.target = target_port
        self.port = None
        self.listener = None
        self.conns = []

    def start(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port or 0))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(64)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()
        return self

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self.conns += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    @staticmethod
    def _pipe(a, b):
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 1.0)
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    (b if s is a else a).sendall(data)
        except OSError:
            return
        finally:
            for s in (a, b):
                try:
                    s.close()
                except OSError:
                    pass

    def kill(self):
        """Every connection reset and nothing listening, as when the API server's host goes away."""
        self.listener.close()
        for s in self.conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.conns = []


#: Runs the entry with SIGINT's default action, as a terminal's Ctrl-C finds it: a test run started in the
#: background (`pytest &`, nohup in a script) ignores SIGINT, and its children would inherit that and never
#: see the Ctrl-C `finish` sends (exec keeps an ignored signal ignored, and a default one default).
_WITH_CTRL_C = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                "os.execv(sys.executable, [sys.executable] + sys.argv[1:])")


class Watcher:
    def __init__(self, real, tmp_path, proxy, *args, timeout=240):
        text = open(real.kubeconfig).read().replace(real.cluster.url, f"https://127.0.0.1:{proxy.port}")
        kubeconfig = tmp_path / "proxied-kubeconfig"
        kubeconfig.write_text(text)
        self.proc = subprocess.Popen([sys.executable, "-c", _WITH_CTRL_C, ENTRY, "watch", *args, "-o", "json",
                                      "--timeout", str(timeout)],
                                     env=dict(os.environ, KUBECONFIG=str(kubeconfig), PYTHONFAULTHANDLER="1"), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.records, self.stderr = [], []
        self.ready = threading.Event()
        threading.Thread(target=self._read_out, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()
        assert self.ready.wait(90), "watch never started:\n" + "".join(self.stderr)

    def _read_out(self):
        for line in self.proc.stdout:
            self.records.append(json.loads(line))

    def _read_err(self):
        for line in self.proc.stderr:
            self.stderr.append(line)
            if line.startswith("watching"):
                self.ready.set()

    def created(self, namespace):
        return [r for r in self.records if r["event"] == "pod-created" and r["object"]["namespace"] == namespace]

    def finish(self):
        """Ctrl-C, as a user ends it: exit 0."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            status = self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGABRT)       # faulthandler prints every thread's stack
            self.proc.wait(10)
            time.sleep(0.2)
            raise AssertionError("watch did not end within 30 s of Ctrl-C:\n" + "".join(self.stderr)[-12000:])
        time.sleep(0.2)         # the readers' last lines
        return status


def _deployment(name, replicas):
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"nodeName": "kwok-node-1",
                                           "containers": [{"name": name, "image": "docker.io/kennethreitz/httpbin"}]}}}}


def _create(real, namespace, dep):
    status, body = real.cluster.request("POST", f"/apis/apps/v1/namespaces/{namespace}/deployments", dep)
    assert status == 201, body


def _scale(real, namespace, name, replicas):
    dep = real.get("Deployment", name, namespace)
    dep["spec"]["replicas"] = replicas
    real.replace(dep)


def _pod_uids(real, namespace, app):
    _, body = real.cluster.request("GET", f"/api/v1/namespaces/{namespace}/pods", query={"labelSelector": f"app={app}"})
    return {p["metadata"]["uid"] for p in body["items"]}


@pytest.fixture
def proxy(control_plane):
    port = int(control_plane.cluster.url.rsplit(":", 1)[1])
    p = Proxy(port).start()
    yield p
    p.kill()


def test_pods_in_labelled_and_unlabelled_namespaces(control_plane, tmp_path, proxy):
    real = control_plane
    w = Watcher(real, tmp_path, proxy, "-A", timeout=120)
    try:
        _create(real, "inj", _deployment("web", 2))
        _create(real, "plain", _deployment("api", 1))
        until(lambda: len(w.created("inj")) >= 2 and len(w.created("plain")) >= 1, "3 pod-created lines")
    finally:
        assert w.finish() == 0
    for r in w.created("inj"):
        assert (r["verdict"], r["decidedBy"]["rule"], r["agrees"]) == ("injected", "policy-enabled", True), r
        assert r["observed"]["sidecar"] and r["observed"]["revision"] == "default", r
        assert r["from"].startswith("template of ReplicaSet web-")
    r, = w.created("plain")
    assert (r["verdict"], r["agrees"], r["observed"]["sidecar"]) == ("not-injected", True, False), r


def test_a_dropped_api_connection_loses_no_pod_and_repeats_none(control_plane, tmp_path, proxy):
    real = control_plane
    _create(real, "inj", _deployment("churn", 1))
    until(lambda: len(_pod_uids(real, "inj", "churn")) == 1, "the first churn pod")
    w = Watcher(real, tmp_path, proxy, "-n", "inj", "-v", "6", timeout=200)
    try:
        expected = set()
        for replicas in (3, 5, 7):
            _scale(real, "inj", "churn", replicas)
            proxy.kill()                   # the watch's connections reset while the controller creates pods
            time.sleep(1.5)
            proxy.start()
            until(lambda r=replicas: len(_pod_uids(real, "inj", "churn")) == r, f"{replicas} churn pods")
        expected = _pod_uids(real, "inj", "churn")
        until(lambda: {r["object"]["uid"] for r in w.created("inj")} >= expected - _first(real), "every pod reported",
              timeout=120)
        time.sleep(2)
    finally:
        assert w.finish() == 0
    uids = [r["object"]["uid"] for r in w.created("inj") if r["object"]["name"].startswith("churn-")]
    assert len(uids) == len(set(uids)) == 6, uids           # the 6 pods made while watching, each once
    summary = [ln for ln in w.stderr if " pods created (" in ln][-1]
    broken = int(summary.split(" watches, ")[1].split()[0])
    assert broken >= 3, summary                             # the watches did break, and were resumed
    assert all(r["agrees"] for r in w.created("inj")), [r["detail"] for r in w.created("inj")]


def _first(real):
    _, body = real.cluster.request("GET", "/api/v1/namespaces/inj/pods", query={"labelSelector": "app=churn"})
    return {sorted(body["items"], key=lambda p: p["metadata"]["creationTimestamp"])[0]["metadata"]["uid"]}


def test_istiod_down_gives_create_failed_naming_the_webhook(control_plane, tmp_path, proxy):
    real = control_plane
    _create(real, "inj", _deployment("down", 1))
    until(lambda: len(_pod_uids(real, "inj", "down")) == 1, "the first pod of down")
    w = Watcher(real, tmp_path, proxy, "-n", "inj", timeout=150)
    real.istiod.stop()
    try:
        _scale(real, "inj", "down", 2)
        failed = until(lambda: [r for r in w.records if r["event"] == "create-failed"], "a create-failed line")
    finally:
        real.istiod.start()
        assert w.finish() == 0
    r = failed[0]
    assert r["webhook"].endswith("sidecar-injector.istio.io") and r["object"]["kind"] == "ReplicaSet"
    assert r["cause"] == "unreachable" and r["failurePolicy"] == "Fail", r
    assert r["verdict"] == "injected" and r["agrees"] is True, r
    assert "istiod is unreachable, and the webhook's failurePolicy is Fail" in r["detail"]


def test_timeout_ends_the_watch_with_exit_0(control_plane, tmp_path, proxy):
    w = Watcher(control_plane, tmp_path, proxy, "-n", "plain", timeout=3)
    assert w.proc.wait(60) == 0
