"""Virtual environments on the oldest and newest Python the package supports (pyenv's 3.9 and 3.13), with the
package's dependencies from PyPI, cached under ~/.cache/kubectl-inject/pyvenvs/ so warm runs reach PyPI not at
all: tests/test_install.py (explain offline) and tests/live/test_python_versions.py (status against a real
kube-apiserver) install the wheel of this checkout (built once per tree: `build_wheel`) into them.

A venv is keyed by the interpreter's full version and the requirements read from setup.cfg (install_requires and
the `cluster` extra, markers included, so pip resolves them for that Python): a changed pin makes a new venv,
resolved from PyPI again. Built under a lock (another process waits), marked ready only once complete. Using one
holds the same lock: the wheel is reinstalled (--no-deps) and run while no other process can swap it.
"""
import configparser
import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys

import pytest

from .conftest import REPO
from .gobuild import CACHE_ROOT

PYENV = os.path.expanduser("~/.pyenv/versions")
ROOT = CACHE_ROOT / "pyvenvs"
QUIET = {"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}


def pyenv_python(version):
    """pyenv's newest `version`.x as (path, full version), or a skip saying there is none."""
    found = sorted((d for d in os.listdir(PYENV) if d.startswith(version + ".") and d[len(version) + 1:].isdigit()),
                   key=lambda d: int(d.split(".")[2])) if os.path.isdir(PYENV) else []
    if not found:
        pytest.skip(f"no Python {version} under {PYENV} (pyenv) on this machine")
    return os.path.join(PYENV, found[-1], "bin", "python3"), found[-1]


def requirements(extras=("cluster",)):
    """install_requires and the given extras of setup.cfg, as pip takes them (comments dropped)."""
    cfg = configparser.ConfigParser()
    cfg.read(os.path.join(REPO, "setup.cfg"))
    lines = cfg["options"]["install_requires"].splitlines()
    for extra in extras:
        lines += cfg["options.extras_require"][extra].splitlines()
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


@contextlib.contextmanager
def cached_venv(version, extras=("cluster",)):
    """A venv of pyenv's `version` with the requirements installed, locked for this process while in use."""
    python, full = pyenv_python(version)
    reqs = requirements(extras)
    key = hashlib.sha256("\n".join([full] + reqs).encode()).hexdigest()[:16]
    venv = ROOT / f"py{full}-{key}"
    ROOT.mkdir(parents=True, exist_ok=True)
    with open(ROOT / f"py{full}-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / ".ready").exists():
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([python, "-m", "venv", str(venv)], check=True, capture_output=True)
            proc = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *reqs], capture_output=True, text=True,
                                  env=dict(os.environ, **QUIET), timeout=900)
            if proc.returncode != 0:
                shutil.rmtree(venv, ignore_errors=True)
                pytest.fail(f"pip could not install {reqs} on Python {full} from PyPI:\n{proc.stderr[-2000:]}")
            (venv / ".ready").write_text("\n".join(reqs) + "\n")
        yield venv, full


def install_wheel(venv, wheel):
    """This checkout's wheel into `venv` (held: see cached_venv), its dependencies already there."""
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
                   check=True, capture_output=True, env=dict(os.environ, **QUIET), timeout=300)
    return venv / "bin"


def build_wheel():
    """The wheel of this checkout, as pip builds it (in an isolated environment, as `python3 -m build` does), kept
    under ~/.cache/kubectl-inject/wheels/ by a digest of the files git would ship: the tests of one run (and a
    rerun of an unchanged tree) share one build (~15 s). Entries older than a day are removed."""
    import time

    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, capture_output=True,
                           check=True).stdout.decode().split("\0")
    digest = hashlib.sha256()
    for rel in sorted(filter(None, files)):
        path = os.path.join(REPO, rel)
        if os.path.isfile(path):
            with open(path, "rb") as fh:
                digest.update(rel.encode() + b"\0" + hashlib.sha256(fh.read()).digest())
    root = CACHE_ROOT / "wheels"
    out = root / digest.hexdigest()[:16]
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for old in root.iterdir():
            if old.is_dir() and old != out and time.time() - old.stat().st_mtime > 86400:
                shutil.rmtree(old, ignore_errors=True)
        if not list(out.glob("kubectl_inject-*.whl")):
            shutil.rmtree(out, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), REPO], check=True,
                           capture_output=True, env=dict(os.environ, **QUIET), timeout=600)
        (wheel,) = out.glob("kubectl_inject-*.whl")
    return wheel
