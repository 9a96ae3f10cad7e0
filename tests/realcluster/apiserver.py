"""Build, cache and run a real kube-apiserver (with Debian's etcd) on loopback for parity tests.

The simulator's webhook selection is only worth trusting if a real apiserver agrees with it, so these tests
drive the genuine binary rather than a fake.  Building it from k8s.io/kubernetes takes many minutes on a cold
machine; the binary is therefore cached under ~/.cache/kubectl-inject/kube-apiserver/<version>-<key>/, keyed
by everything that can change it (the wrapper module, go.sum, `go version`, link flags), and built under a
file lock so parallel sessions never race.

Everything the server needs lives in one temporary directory that disappears with `Cluster.stop()`: etcd's
data, a private CA, serving certificates, a static token for an admin user and the service-account key.
"""

import fcntl
import hashlib
import json
import os
import platform
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from . import certs

MODULE_DIR = Path(__file__).resolve().parent / "apiserver"
CACHE_ROOT = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kubectl-inject" / "kube-apiserver"
CMD_PACKAGE = "k8s.io/kubernetes/cmd/kube-apiserver"
ADMIN_TOKEN = "kubectl-inject-parity-admin-token"
ADMIN_USER = "parity-admin"
BUILD_TIMEOUT = 60 * 60
#: Seconds a stopped process gets after SIGTERM before SIGKILL. Everything of a test cluster is thrown away with
#: its scratch directory, so nothing is lost by the kill; a kube-apiserver's graceful termination otherwise waits
#: for long-running requests (a watch a test left open) until the 15 s the wait allowed before.
STOP_GRACE = 3

#: Seconds the last build in this process took (None when the cached binary was reused).
last_build_seconds = None


class Unavailable(Exception):
    """Go, etcd or the build is missing; the parity tests skip with this message."""


def kubernetes_version():
    """The k8s.io/kubernetes version the wrapper module pins (the one thing to bump on upgrades)."""
    m = re.search(r"^require k8s\.io/kubernetes (v\S+)", (MODULE_DIR / "go.mod").read_text(), re.M)
    if not m:
        raise Unavailable("tests/realcluster/apiserver/go.mod does not pin k8s.io/kubernetes")
    return m.group(1)


def _ldflags(version):
    # Stamp the real version so `--version` and /version say what was built; it does not change behaviour.
    minor = version.split(".")[1]
    return ("-s -w -X k8s.io/component-base/version.gitVersion=%s -X k8s.io/component-base/version.gitMajor=1 "
            "-X k8s.io/component-base/version.gitMinor=%s" % (version, minor))


def _go():
    go = shutil.which("go")
    if go is None:
        raise Unavailable("Go toolchain not found on PATH; the real kube-apiserver cannot be built, so webhook "
                          "selection parity against a real apiserver is skipped")
    return go


def cache_dir(go, version):
    h = hashlib.sha256()
    for p in sorted(MODULE_DIR.iterdir()):
        if p.suffix == ".go" or p.name in ("go.mod", "go.sum"):
            h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    h.update(subprocess.run([go, "version"], capture_output=True, text=True, check=True).stdout.encode())
    h.update(_ldflags(version).encode())
    return CACHE_ROOT / ("%s-%s" % (version, h.hexdigest()[:16]))


def apiserver_binary():
    """Path of the cached kube-apiserver, building it under a file lock when the cache has none.

    KUBECTL_INJECT_KUBE_APISERVER names a prebuilt binary instead (e.g. one a CI cache restored).
    """
    global last_build_seconds
    prebuilt = os.environ.get("KUBECTL_INJECT_KUBE_APISERVER")
    if prebuilt:
        if not os.access(prebuilt, os.X_OK):
            raise Unavailable("KUBECTL_INJECT_KUBE_APISERVER=%s is not an executable file" % prebuilt)
        return Path(prebuilt)
    go = _go()
    version = kubernetes_version()
    out_dir = cache_dir(go, version)
    binary = out_dir / "kube-apiserver"
    if binary.exists():
        return binary
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if binary.exists():
            return binary
        start = time.monotonic()
        tmp = out_dir / ("kube-apiserver.tmp.%d" % os.getpid())
        env = dict(os.environ, CGO_ENABLED="0")
        # -buildvcs=false: the module sits inside this project's git checkout, whose state is irrelevant.
        cmd = [go, "build", "-mod=readonly", "-buildvcs=false", "-trimpath", "-ldflags", _ldflags(version),
               "-o", str(tmp), CMD_PACKAGE]
        try:
            proc = subprocess.run(cmd, cwd=MODULE_DIR, env=env, capture_output=True, text=True,
                                  timeout=BUILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            tmp.unlink(missing_ok=True)
            raise Unavailable("building kube-apiserver %s took over %d s; giving up" % (version, BUILD_TIMEOUT))
        if proc.returncode != 0:
            tmp.unlink(missing_ok=True)
            raise Unavailable("building kube-apiserver %s failed:\n%s" % (version, proc.stderr[-4000:]))
        os.replace(tmp, binary)
        last_build_seconds = time.monotonic() - start
    return binary


def etcd_binary():
    etcd = shutil.which("etcd") or ("/usr/bin/etcd" if os.access("/usr/bin/etcd", os.X_OK) else None)
    if etcd is None:
        raise Unavailable("etcd not found (install Debian's etcd-server, see .ci/prereqs-apiserver.sh); "
                          "the real kube-apiserver cannot run, so webhook selection parity is skipped")
    return etcd


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _scratch_dir():
    # etcd fsyncs on every write; tmpfs keeps a few hundred writes from costing seconds.
    base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix="kubectl-inject-apiserver-", dir=base))


def _die_with_parent():
    # If pytest is killed outright, the kernel stops etcd and the apiserver too (Linux only; best effort).
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _etcd_env():
    # etcd 3.4 refuses to start on arm64 unless told that the platform is acceptable.
    env = dict(os.environ)
    if platform.machine() in ("aarch64", "arm64"):
        env.setdefault("ETCD_UNSUPPORTED_ARCH", "arm64")
    return env


class Cluster:
    """One etcd plus one kube-apiserver, both on 127.0.0.1 with fresh ports, owned by this process."""

    def __init__(self, apiserver, etcd, extra_tokens=(), extra_args=()):
        self.apiserver_path = apiserver
        self.etcd_path = etcd
        self.extra_tokens = list(extra_tokens)   # (token, user, groups...) for users other than the admin
        self.extra_args = list(extra_args)       # more kube-apiserver flags
        self.dir = _scratch_dir()
        self.procs = []
        self.logs = []
        self.url = None
        self.ssl_context = None

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self, timeout=120):
        try:
            self._start(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self, timeout):
        pki = certs.make_pki(self.dir / "pki", ["127.0.0.1"], ["localhost"])
        self.pki = pki
        etcd_port, peer_port, api_port = free_port(), free_port(), free_port()
        etcd_url = "http://127.0.0.1:%d" % etcd_port
        peer_url = "http://127.0.0.1:%d" % peer_port
        self._spawn("etcd", [
            self.etcd_path, "--name", "parity", "--data-dir", str(self.dir / "etcd"),
            "--listen-client-urls", etcd_url, "--advertise-client-urls", etcd_url,
            "--listen-peer-urls", peer_url, "--initial-advertise-peer-urls", peer_url,
            "--initial-cluster", "parity=" + peer_url, "--log-level", "warn",
        ], env=_etcd_env())
        self._wait_etcd(etcd_url, timeout)

        tokens = self.dir / "tokens.csv"
        lines = ['%s,%s,%s-uid,"system:masters"' % (ADMIN_TOKEN, ADMIN_USER, ADMIN_USER)]
        for token, user, *groups in self.extra_tokens:
            lines.append('%s,%s,%s-uid' % (token, user, user) + (',"%s"' % ",".join(groups) if groups else ""))
        tokens.write_text("\n".join(lines) + "\n")
        self._spawn("kube-apiserver", [
            str(self.apiserver_path),
            "--etcd-servers", etcd_url,
            "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1",
            "--secure-port", str(api_port),
            "--tls-cert-file", pki["server_cert"], "--tls-private-key-file", pki["server_key"],
            "--client-ca-file", pki["ca_cert"],
            "--token-auth-file", str(tokens), "--anonymous-auth=false",
            "--authorization-mode", "RBAC",
            "--service-account-issuer", "https://kubernetes.default.svc",
            "--service-account-key-file", pki["sa_pub"],
            "--service-account-signing-key-file", pki["sa_key"],
            "--service-cluster-ip-range", "10.0.0.0/24",
            "--allow-privileged=true",
            # The default admission chain is kept as it is: every in-tree mutator runs before the webhooks,
            # so matchConditions see the same object a production cluster would give them.
            "--enable-priority-and-fairness=false",
            "--endpoint-reconciler-type", "none",
            "--v", "1",
            *self.extra_args,
        ])
        self.url = "https://127.0.0.1:%d" % api_port
        self.ssl_context = ssl.create_default_context(cafile=pki["ca_cert"])
        self._wait_ready(timeout)

    def _spawn(self, name, argv, env=None):
        log = open(self.dir / ("%s.log" % name), "wb")
        self.logs.append(log)
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                cwd=self.dir, start_new_session=True, preexec_fn=_die_with_parent)
        proc.name = name
        self.procs.append(proc)

    def _check_alive(self):
        for p in self.procs:
            if p.poll() is not None:
                raise Unavailable("%s exited with %s during start-up; log tail:\n%s"
                                  % (p.name, p.returncode, self.log_tail(p.name)))

    def log_tail(self, name, n=4000):
        try:
            return (self.dir / ("%s.log" % name)).read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def _wait_etcd(self, etcd_url, timeout):
        deadline = time.monotonic() + timeout
        while True:
            self._check_alive()
            try:
                with urllib.request.urlopen(etcd_url + "/health", timeout=2) as r:
                    if json.loads(r.read()).get("health") in ("true", True):
                        return
            except (OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise Unavailable("etcd did not become healthy within %d s:\n%s" % (timeout, self.log_tail("etcd")))
            time.sleep(0.1)

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        last = None
        while True:
            self._check_alive()
            try:
                status, body = self.request("GET", "/readyz")
                if status == 200:
                    return
                last = body
            except OSError as e:
                last = str(e)
            if time.monotonic() > deadline:
                raise Unavailable("kube-apiserver not ready within %d s (%s); log tail:\n%s"
                                  % (timeout, last, self.log_tail("kube-apiserver")))
            time.sleep(0.2)

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
        deadline = time.monotonic() + STOP_GRACE
        for p in reversed(self.procs):
            try:
                p.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs = []
        for log in self.logs:
            log.close()
        self.logs = []
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- REST ------------------------------------------------------------------------------------

    def request(self, method, path, body=None, query=None):
        """(status, decoded JSON or text) of one call as the admin user; HTTP errors are returned, not raised."""
        url = self.url + path
        if query:
            url += "?" + "&".join("%s=%s" % kv for kv in query.items())
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("Authorization", "Bearer " + ADMIN_TOKEN)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, context=self.ssl_context, timeout=60) as r:
                status, raw = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")
