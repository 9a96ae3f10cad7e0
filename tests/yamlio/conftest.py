"""The YAML oracle: a small Go program (tests/yamlio/oracle) linking sigs.k8s.io/yaml v1.6.0 (go-yaml v2 via
go.yaml.in/yaml/v2) and kubectl's document reader, built on demand and cached.

Cache: ~/.cache/kubectl-inject/yaml-oracle/<key>/oracle, key = hash of the program's sources, go.mod, go.sum
and `go version`; a file lock keeps parallel sessions from building it twice.  Without Go every
comparison skips and says why.
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

ORACLE_DIR = Path(__file__).resolve().parent / "oracle"
CACHE_ROOT = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kubectl-inject" / "yaml-oracle"

#: Seconds the build took in this process, or None when a cached binary was reused.
last_build_seconds = None


class OracleUnavailable(Exception):
    pass


def _go():
    go = shutil.which("go")
    if go is None:
        raise OracleUnavailable("Go is not on PATH, so the sigs.k8s.io/yaml oracle cannot be built; "
                                "comparisons of simulator/yamlio.py against YAMLToJSON are skipped")
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
            proc = subprocess.run([go, "build", "-trimpath", "-o", str(tmp), "."], cwd=ORACLE_DIR, env=env,
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                raise OracleUnavailable("building the YAML oracle failed:\n" + proc.stderr[-4000:])
            os.replace(tmp, binary)
            last_build_seconds = time.monotonic() - start
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return binary


class Oracle:
    """Runs the oracle binary on a batch of texts; one process per batch."""

    def __init__(self, binary):
        self.binary = str(binary)

    def _run(self, requests):
        data = "".join(json.dumps(r) + "\n" for r in requests)
        proc = subprocess.run([self.binary], input=data.encode(), capture_output=True, timeout=600)
        if proc.returncode != 0:
            raise RuntimeError("YAML oracle failed: " + proc.stderr.decode()[-2000:])
        # split on "\n" only: Go's JSON leaves U+0085 unescaped, which str.splitlines would cut at
        answers = [json.loads(line) for line in proc.stdout.decode().split("\n") if line]
        if len(answers) != len(requests):
            raise RuntimeError("YAML oracle answered %d of %d requests" % (len(answers), len(requests)))
        return answers

    def yaml_to_json(self, texts):
        """[text] -> [("ok", data) | ("error", message) | ("ambiguous", data or message)]: YAMLToJSON,
        its JSON parsed by Python; "ambiguous" when two keys of a mapping became the same string, so
        Go's random map order picked the outcome."""
        out = []
        for ans in self._run([{"yaml": t} for t in texts]):
            if ans.get("ambiguous"):
                out.append(("ambiguous", ans.get("error") or json.loads(ans["json"])))
            elif "error" in ans:
                out.append(("error", ans["error"]))
            else:
                out.append(("ok", json.loads(ans["json"])))
        return out

    def stream(self, texts):
        """[text] -> [("ok", [data per document]) | ("error", message)]: kubectl's document reader."""
        out = []
        for ans in self._run([{"yaml": t, "stream": True} for t in texts]):
            if "error" in ans:
                out.append(("error", ans["error"]))
            else:
                out.append(("ok", [json.loads(d) for d in ans["docs"]]))
        return out


@pytest.fixture(scope="session")
def yaml_oracle():
    try:
        binary = oracle_binary()
    except OracleUnavailable as exc:
        pytest.skip(str(exc))
    return Oracle(binary)
