"""The real krew, built once from the Go module proxy (sigs.k8s.io/krew) and cached, for the tests that install
the plugin the way krew users do (tests/test_krew.py, tests/test_install.py)."""
import fcntl
import hashlib
import os
import shutil
import subprocess

import pytest

from .gobuild import CACHE_ROOT

KREW_VERSION = "v0.4.3"       # the newest krew release the Go module proxy serves here


@pytest.fixture(scope="session")
def krew_tools():
    """Paths of the real `krew` and `validate-krew-manifest`, `go install`ed once into the cache."""
    go = shutil.which("go")
    if go is None:
        pytest.skip("Go is not on PATH, so the real krew cannot be built; only the direct checks ran")
    go_version = subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True, check=True).stdout.strip()
    out = CACHE_ROOT / "krew" / hashlib.sha256(f"{KREW_VERSION} {go_version}".encode()).hexdigest()[:16]
    tools = {name: out / name for name in ("krew", "validate-krew-manifest")}
    if not all(p.exists() for p in tools.values()):
        out.mkdir(parents=True, exist_ok=True)
        with open(out / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not all(p.exists() for p in tools.values()):
                proc = subprocess.run([go, "install"] + [f"sigs.k8s.io/krew/cmd/{n}@{KREW_VERSION}" for n in tools],
                                      env=dict(os.environ, GOBIN=str(out), CGO_ENABLED="0"),
                                      capture_output=True, text=True)
                if proc.returncode != 0:
                    pytest.skip(f"building krew {KREW_VERSION} from the Go module proxy failed:\n{proc.stderr[-2000:]}")
    return tools
