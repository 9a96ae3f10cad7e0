"""Building the small Go programs the tests compare against, once, into a shared cache.

Each program lives in a folder with its own go.mod/go.sum; the binary is cached under
~/.cache/kubectl-inject/<name>/<key>/ where the key hashes the sources, go.mod, go.sum and
`go version`, and a file lock keeps parallel runs from building it twice. Without Go, or when the
build fails, `GoProgramUnavailable` carries the sentence the tests skip or fail with.
"""
import fcntl
import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

CACHE_ROOT = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kubectl-inject"

#: program folder -> seconds its build took in this process (absent when a cached binary was reused)
build_seconds = {}


class GoProgramUnavailable(Exception):
    pass


def _go(what: str) -> str:
    go = shutil.which("go")
    if go is None:
        raise GoProgramUnavailable(f"Go is not on PATH, so {what} cannot be built; comparisons against it are skipped")
    return go


def cache_key(go: str, source: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(source.iterdir()):
        if p.suffix == ".go" or p.name in ("go.mod", "go.sum"):
            h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    h.update(subprocess.run([go, "version"], capture_output=True, text=True, check=True).stdout.encode())
    return h.hexdigest()[:16]


def go_program(source: Path, cache_name: str, what: str) -> Path:
    """Path of the built program in `source`, building it under a file lock when the cache lacks it."""
    go = _go(what)
    out_dir = CACHE_ROOT / cache_name / cache_key(go, source)
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
            proc = subprocess.run([go, "build", "-trimpath", "-buildvcs=false", "-o", str(tmp), "."], cwd=source,
                                  env=dict(os.environ, CGO_ENABLED="0"), capture_output=True, text=True)
            if proc.returncode != 0:
                raise GoProgramUnavailable(f"building {what} failed:\n" + proc.stderr[-4000:])
            os.replace(tmp, binary)
            build_seconds[str(source)] = time.monotonic() - start
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return binary
