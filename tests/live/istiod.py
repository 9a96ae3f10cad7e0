"""A real istiod (`pilot-discovery`) as the cluster's injection webhook, for the live tier's top layer.

Built like the istioctl oracle, from the same wrapper module (tests/oracles/istioctl/master-20260827/go.mod:
the Istio master snapshot the Go module proxy serves), with `nice -n 10`, once, cached under
~/.cache/kubectl-inject/pilot-discovery/<version>-<key>/ behind a file lock, so parallel sessions never build
it twice. Run as /work/shared/docs/local-control-plane-recipe.md §4 says: from an empty working directory,
every listener on 127.0.0.1 with a free port, `REVISION=default` (its caBundle patcher only fills webhook
configurations labelled with its revision), `ISTIOD_CUSTOM_HOST=127.0.0.1` (an IP SAN on its serving
certificate); native sidecars in Istio's auto mode unless pinned (the layout then follows the Nodes' kubelet
versions, which the plugin reads too).
"""
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from ..oracles import istioctl as oracle
from ..realcluster.apiserver import STOP_GRACE, Unavailable, free_port
from .controlplane import locked_build

VERSION = "master-20260827"
PACKAGE = "istio.io/istio/pilot/cmd/pilot-discovery"
CACHE_ROOT = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kubectl-inject" / "pilot-discovery"
BUILD_TIMEOUT = 60 * 60


def _key(go):
    wrapper = oracle.WRAPPERS / VERSION
    h = hashlib.sha256()
    for p in sorted(wrapper.iterdir()):
        if p.name in ("go.mod", "go.sum"):
            h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    h.update(subprocess.run([go, "version"], capture_output=True, text=True, check=True).stdout.encode())
    h.update(oracle._ldflags(VERSION).encode() + PACKAGE.encode())
    return h.hexdigest()[:16]


def pilot_discovery_binary():
    """The cached pilot-discovery, built under a file lock when missing (KUBECTL_INJECT_PILOT_DISCOVERY names a
    prebuilt one). A failed build is remembered for an hour, as the istioctl oracle's is."""
    prebuilt = os.environ.get("KUBECTL_INJECT_PILOT_DISCOVERY")
    if prebuilt:
        if not os.access(prebuilt, os.X_OK):
            raise Unavailable(f"KUBECTL_INJECT_PILOT_DISCOVERY={prebuilt} is not an executable file")
        return Path(prebuilt)
    go = shutil.which("go")
    if go is None:
        raise Unavailable("Go is not on PATH, so istiod (pilot-discovery) cannot be built; the real-injector tests skip")
    out_dir = CACHE_ROOT / f"{VERSION}-{_key(go)}"
    binary = out_dir / "pilot-discovery"

    def build(tmp):
        env = dict(os.environ, CGO_ENABLED="0", GOFLAGS="-mod=mod", GOTOOLCHAIN="local")
        with tempfile.TemporaryDirectory(prefix="pilot-discovery-wrapper-") as scratch:
            for p in (oracle.WRAPPERS / VERSION).iterdir():      # -mod=mod completes go.sum there, not in the repo
                if p.name in ("go.mod", "go.sum"):
                    shutil.copy(p, scratch)
            cmd = ["nice", "-n", "10", go, "build", "-trimpath", "-ldflags", oracle._ldflags(VERSION), "-o", str(tmp),
                   PACKAGE]
            proc = subprocess.run(cmd, cwd=scratch, env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT)
        return subprocess.CompletedProcess(cmd, proc.returncode, proc.stdout, oracle._summarise_go_failure(proc.stderr)
                                           if proc.returncode else proc.stderr)

    locked_build(out_dir, binary, build)
    return binary


class Istiod:
    """One pilot-discovery against the cluster's kubeconfig; `url` is its injection endpoint."""

    def __init__(self, binary, kubeconfig, native_sidecars=None):
        self.binary = binary
        self.kubeconfig = kubeconfig
        self.native_sidecars = native_sidecars
        self.dir = Path(tempfile.mkdtemp(prefix="kubectl-inject-istiod-"))
        self.proc = None
        self.log = None
        self.ports = {}

    def start(self, timeout=90):
        names = ("http", "https", "grpc", "secure_grpc", "monitoring", "ctrlz")
        if not self.ports:          # a restart keeps them: the webhook configuration names the https port
            self.ports = {n: free_port() for n in names}
        work = self.dir / "cwd"          # an empty working directory: files there would win over the ConfigMaps
        work.mkdir(exist_ok=True)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.dir), "KUBECONFIG": self.kubeconfig,
               "POD_NAMESPACE": "istio-system", "POD_NAME": "istiod-local", "REVISION": "default",
               "ISTIOD_CUSTOM_HOST": "127.0.0.1,localhost", "PILOT_CERT_PROVIDER": "istiod", "CLUSTER_ID": "Kubernetes",
               "PILOT_ENABLE_ANALYSIS": "false"}
        if self.native_sidecars is not None:    # unset: Istio's auto mode, which reads the Nodes' kubelet versions
            env["ENABLE_NATIVE_SIDECARS"] = self.native_sidecars
        p = self.ports
        argv = [str(self.binary), "discovery", "--kubeconfig", self.kubeconfig,
                "--httpAddr", f"127.0.0.1:{p['http']}", "--httpsAddr", f"127.0.0.1:{p['https']}",
                "--grpcAddr", f"127.0.0.1:{p['grpc']}", "--secureGRPCAddr", f"127.0.0.1:{p['secure_grpc']}",
                "--monitoringAddr", f"127.0.0.1:{p['monitoring']}", "--ctrlz_address", "127.0.0.1",
                "--ctrlz_port", str(p["ctrlz"]), "--domain", "cluster.local", "--log_output_level=default:info"]
        self.log = open(self.dir / "istiod.log", "ab")
        self.proc = subprocess.Popen(argv, cwd=work, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Unavailable(f"istiod exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{p['http']}/ready", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        raise Unavailable(f"istiod not ready within {timeout} s:\n{self.log_tail()}")

    @property
    def url(self):
        return f"https://127.0.0.1:{self.ports['https']}/inject"

    def log_tail(self, n=3000):
        try:
            return (self.dir / "istiod.log").read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self.log is not None:
            self.log.close()
            self.log = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


if __name__ == "__main__":      # python3 -m tests.live.istiod: build (or find) the binary and say where it is
    print(pilot_discovery_binary())
