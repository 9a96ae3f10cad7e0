"""The merge oracle: a small Go program (tests/merge/oracle) built on demand and cached.

It links the real k8s.io/api and k8s.io/apimachinery at the versions Istio 1.30 pins, so tests compare
simulator/merge.py and simulator/typed.py against the actual strategic-merge code and the actual
corev1.Pod JSON round trip.  The binary is cached under ~/.cache/kubectl-inject/merge-oracle/<key>/, key =
hash of the program's sources, go.mod, go.sum and `go version`; a file lock keeps parallel sessions from
building it twice.  Without Go every oracle comparison skips with the reason.
"""

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from simulator.typed import go_json_dumps

ORACLE_DIR = Path(__file__).resolve().parent / "oracle"
CACHE_ROOT = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kubectl-inject" / "merge-oracle"

#: Seconds the build took in this process, or None when a cached binary was reused.
last_build_seconds = None


class OracleUnavailable(Exception):
    pass


def _go():
    go = shutil.which("go")
    if go is None:
        raise OracleUnavailable("Go is not on PATH, so the Kubernetes merge oracle cannot be built; "
                                "comparisons against the real strategic merge are skipped")
    return go


def cache_key(go):
    h = hashlib.sha256()
    for p in sorted(ORACLE_DIR.iterdir()):
        if p.suffix == ".go" or p.name in ("go.mod", "go.sum"):
            h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    h.update(subprocess.run([go, "version"], capture_output=True, text=True, check=True).stdout.encode())
    return h.hexdigest()[:16]


def oracle_binary():
    """Path of the oracle binary; builds it under a file lock when the cache lacks it."""
    global last_build_seconds
    go = _go()
    out_dir = CACHE_ROOT / cache_key(go)
    binary = out_dir / "oracle"
    if binary.exists():
        return binary
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if binary.exists():
                return binary
            start = time.monotonic()
            tmp = out_dir / ("oracle.tmp.%d" % os.getpid())
            env = dict(os.environ, CGO_ENABLED="0")
            proc = subprocess.run([go, "build", "-trimpath", "-buildvcs=false", "-o", str(tmp), "."], cwd=ORACLE_DIR, env=env,
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                raise OracleUnavailable("building the merge oracle failed:\n" + proc.stderr[-4000:])
            os.replace(tmp, binary)
            last_build_seconds = time.monotonic() - start
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return binary


class Oracle:
    """Runs the oracle binary; every call sends a batch of JSON lines and returns the decoded answers."""

    def __init__(self, binary):
        self.binary = str(binary)
        self.last_raw = []

    def _run(self, mode, lines):
        data = "".join(line + "\n" for line in lines)
        proc = subprocess.run([self.binary, mode], input=data.encode(), capture_output=True, timeout=300)
        if proc.returncode != 0:
            raise RuntimeError("oracle %s failed: %s" % (mode, proc.stderr.decode()[-2000:]))
        out_lines = proc.stdout.decode().splitlines()
        answers = [json.loads(line) for line in out_lines]
        # The exact bytes Go wrote for each result (None for errors), for byte-level comparisons.
        self.last_raw = [line[len('{"result":'):-1] if line.startswith('{"result":') else None
                         for line in out_lines]
        if len(answers) != len(lines):
            raise RuntimeError("oracle %s answered %d of %d lines" % (mode, len(answers), len(lines)))
        return answers

    @staticmethod
    def _pair_text(original, patch):
        # Numbers spelled as Go writes a float64 (80.0 -> 80), as they reach the typed decode in Istio.
        return go_json_dumps({"original": original, "patch": patch}, sort_keys=False)

    def smp(self, pairs):
        """[(original, patch)] -> [{"result": ...} | {"error": ...}] from the real strategic merge."""
        return self._run("smp", [self._pair_text(o, p) for o, p in pairs])

    def overlay(self, pairs):
        """Typed pod -> merge -> typed pod, as Istio's applyOverlay does per template."""
        return self._run("overlay", [self._pair_text(o, p) for o, p in pairs])

    def roundtrip_text(self, texts):
        """JSON texts of pods -> answers of json.Unmarshal into corev1.Pod + json.Marshal."""
        return self._run("roundtrip", list(texts))

    def schema(self):
        proc = subprocess.run([self.binary, "schema"], capture_output=True, text=True, check=True)
        return json.loads(proc.stdout)


@pytest.fixture(scope="session")
def merge_oracle():
    try:
        binary = oracle_binary()
    except OracleUnavailable as exc:
        pytest.skip(str(exc))
    return Oracle(binary)
