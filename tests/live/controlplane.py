"""kube-controller-manager and kwok for the live tier's top layer: Deployments make ReplicaSets and Pods, and the
pods of fake nodes become Running and Ready (/work/shared/docs/local-control-plane-recipe.md §2, §3, §5).

Both are built once from the Go module proxy with `nice -n 10` and cached under ~/.cache/kubectl-inject/ keyed
by version and build inputs, under a file lock (never two builds of one binary):
- kube-controller-manager from the same wrapper module as the kube-apiserver (tests/realcluster/apiserver/
  go.mod, copied to a scratch directory where `-mod=mod` completes go.sum with the few modules only it needs)
  and the apiserver's link flags, so the two builds share Go's build cache;
- kwok with `go install sigs.k8s.io/kwok/cmd/kwok@VERSION` (its go.mod has no replace directives).
"""
import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from ..realcluster import apiserver
from ..realcluster.apiserver import Unavailable

KWOK_VERSION = "v0.8.0"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kubectl-inject"
BUILD_TIMEOUT = 60 * 60


def _go():
    go = shutil.which("go")
    if go is None:
        raise Unavailable("Go is not on PATH: kube-controller-manager and kwok cannot be built")
    return go


def locked_build(out_dir: Path, binary: Path, build):
    """`binary`, built by `build(tmp)` under a file lock when the cache lacks it; a failure is remembered an hour."""
    if binary.exists():
        return binary
    out_dir.mkdir(parents=True, exist_ok=True)
    failed = out_dir / "build-failed.txt"
    with open(out_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if binary.exists():
            return binary
        if failed.exists() and time.time() - failed.stat().st_mtime < 3600:
            raise Unavailable(failed.read_text().strip() + f"\n(remembered failure; delete {failed} to retry now)")
        tmp = out_dir / f"{binary.name}.tmp.{os.getpid()}"
        try:
            proc = build(tmp)
        except subprocess.TimeoutExpired:
            proc = subprocess.CompletedProcess([], -1, "", f"build timed out after {BUILD_TIMEOUT} s")
        if proc.returncode != 0 or not tmp.exists():
            failed.write_text(f"building {binary.name} failed:\n{proc.stderr[-3000:]}\n")
            raise Unavailable(failed.read_text())
        os.replace(tmp, binary)
    return binary


def controller_manager_binary():
    prebuilt = os.environ.get("KUBECTL_INJECT_KUBE_CONTROLLER_MANAGER")
    if prebuilt:
        return Path(prebuilt)
    go = _go()
    version = apiserver.kubernetes_version()
    key = apiserver.cache_dir(go, version).name.split("-", 1)[1]      # the apiserver's build inputs
    out_dir = CACHE / "kube-controller-manager" / f"{version}-{key}"

    def build(tmp):
        with tempfile.TemporaryDirectory(prefix="kcm-wrapper-") as scratch:
            for name in ("go.mod", "go.sum"):
                shutil.copy(apiserver.MODULE_DIR / name, scratch)
            env = dict(os.environ, CGO_ENABLED="0", GOFLAGS="-mod=mod", GOTOOLCHAIN="local")
            return subprocess.run(["nice", "-n", "10", go, "build", "-buildvcs=false", "-trimpath", "-ldflags",
                                   apiserver._ldflags(version), "-o", str(tmp),
                                   "k8s.io/kubernetes/cmd/kube-controller-manager"],
                                  cwd=scratch, env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT)

    return locked_build(out_dir, out_dir / "kube-controller-manager", build)


def kwok_binary():
    prebuilt = os.environ.get("KUBECTL_INJECT_KWOK")
    if prebuilt:
        return Path(prebuilt)
    go = _go()
    goversion = subprocess.run([go, "version"], capture_output=True, text=True, check=True).stdout
    key = hashlib.sha256((KWOK_VERSION + goversion).encode()).hexdigest()[:16]
    out_dir = CACHE / "kwok" / f"{KWOK_VERSION}-{key}"

    def build(tmp):
        with tempfile.TemporaryDirectory(prefix="kwok-bin-") as gobin:
            env = dict(os.environ, CGO_ENABLED="0", GOBIN=gobin, GOTOOLCHAIN="local", GOFLAGS="-mod=mod")
            proc = subprocess.run(["nice", "-n", "10", go, "install", "-trimpath", f"sigs.k8s.io/kwok/cmd/kwok@{KWOK_VERSION}"],
                                  env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT)
            if proc.returncode == 0:
                shutil.move(os.path.join(gobin, "kwok"), tmp)
            return proc

    return locked_build(out_dir, out_dir / "kwok", build)


def kwok_stages():
    """The stage files kwok needs when run alone (it has none built in): from its module in GOMODCACHE."""
    modcache = subprocess.run([_go(), "env", "GOMODCACHE"], capture_output=True, text=True, check=True).stdout.strip()
    base = Path(modcache) / f"sigs.k8s.io/kwok@{KWOK_VERSION}/kustomize/stage"
    files = [base / "node/fast/node-initialize.yaml", base / "node/heartbeat/node-heartbeat.yaml",
             base / "pod/fast/pod-ready.yaml", base / "pod/fast/pod-complete.yaml", base / "pod/fast/pod-delete.yaml"]
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        raise Unavailable("kwok's stage files are not in the module cache: " + ", ".join(missing))
    return files


class Process:
    """A background process with its log, stopped by its own pid."""

    def __init__(self, name, argv, env=None, cwd=None):
        self.name = name
        self.dir = Path(tempfile.mkdtemp(prefix=f"kubectl-inject-{name}-"))
        self.log = open(self.dir / f"{name}.log", "ab")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=env, cwd=cwd or self.dir, start_new_session=True)

    def alive(self):
        return self.proc.poll() is None

    def log_tail(self, n=3000):
        return (self.dir / f"{self.name}.log").read_text(errors="replace")[-n:]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=apiserver.STOP_GRACE)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def start_controller_manager(binary, kubeconfig, pki):
    return Process("kube-controller-manager", [
        str(binary), "--kubeconfig", kubeconfig, "--bind-address", "127.0.0.1", "--secure-port", "0",
        "--leader-elect=false", "--use-service-account-credentials=false",
        "--service-account-private-key-file", pki["sa_key"], "--root-ca-file", pki["ca_cert"], "--v", "1"])


def start_kwok(binary, kubeconfig):
    argv = [str(binary), "--kubeconfig", kubeconfig, "--manage-all-nodes=false",
            "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake", "--cidr", "10.244.0.0/24",
            "--node-ip", "127.0.0.1", "--node-lease-duration-seconds", "0"]
    for stage in kwok_stages():
        argv += ["--config", str(stage)]
    return Process("kwok", argv)


def fake_node(name, kubelet_version="v1.37.1"):
    """A Node kwok manages, with the kubelet version preset (kwok's own, `kwok-0.8.0`, makes Istio fall back to
    classic sidecars for the whole cluster)."""
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "annotations": {"kwok.x-k8s.io/node": "fake"},
                         "labels": {"kubernetes.io/hostname": name, "type": "kwok"}},
            "spec": {}, "status": {"allocatable": {"cpu": "32", "memory": "256Gi", "pods": "110"},
                                   "capacity": {"cpu": "32", "memory": "256Gi", "pods": "110"},
                                   "nodeInfo": {"kubeletVersion": kubelet_version}}}


if __name__ == "__main__":      # python3 -m tests.live.controlplane: build (or find) both binaries
    print(controller_manager_binary())
    print(kwok_binary())
