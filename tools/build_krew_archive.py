#!/usr/bin/env python3
"""Build the krew archive: an arch-independent tar.gz with a POSIX launcher, the plugin and its
pure-Python dependencies vendored from the current environment, and write its sha256 into
krew-manifest.yaml (`--write-manifest`), or check that the manifest matches (`--check`).

Layout and rules follow krew's installer: regular files and directories only, explicit modes
(launcher 0755), a LICENSE inside, sorted entries and fixed mtimes so the hash is reproducible.

What is vendored: every dependency the offline paths import, all pure Python (PyYAML and MarkupSafe
without their C speed-ups, which both fall back from), and jsonpatch for `apply`'s patch check. One
archive serves every OS, arch and Python 3.9-3.13. Not vendored, each named in a one-line error on the
path that needs it (exit 2, no verdict guessed):
  - google-re2: a compiled wheel, built per platform *and* per CPython minor version (no abi3), with no
    pure-Python fallback; krew's selectors pick an archive by os/arch only, so per-platform archives would
    still have to carry five builds each. Only webhook matchConditions' `matches()` and templates calling
    sprig's regex functions need it (Istio's stock templates call none).
  - cel-python: it imports re2 (and pendulum's compiled core) at import time, so without google-re2 it
    is no use; only webhooks with matchConditions need it.
  - kubernetes: live clusters only (2 MB, and its version must be the user's choice).
krew users give the plugin these by pointing it at a Python that has them (KUBECTL_INJECT_PYTHON, e.g.
a virtualenv): the launcher runs Python isolated (-I), so `pip install --user` is not seen.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import os
import re
import sys
import tarfile
from importlib import metadata

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = os.path.join(REPO, "krew-manifest.yaml")
VENDORED = ("PyYAML", "Jinja2", "MarkupSafe", "jsonpatch", "jsonpointer")
MTIME = 1_700_000_000

LAUNCHER = """#!/bin/sh
# kubectl-inject launcher: find the real install dir through krew's symlink, pick a Python >= 3.9.
self="$0"
while [ -h "$self" ]; do
  link=$(ls -ld "$self" | sed 's/.* -> //')
  case "$link" in /*) self="$link" ;; *) self="$(dirname "$self")/$link" ;; esac
done
here=$(cd "$(dirname "$self")" && pwd)
for py in "${KUBECTL_INJECT_PYTHON:-}" python3 python3.13 python3.12 python3.11 python3.10 python3.9; do
  [ -n "$py" ] || continue
  if command -v "$py" >/dev/null 2>&1 && "$py" -I -S -c 'import sys; sys.exit(sys.version_info < (3, 9))' 2>/dev/null; then
    KUBECTL_INJECT_ARGV0="$0" exec "$py" -I -S "$here/libexec/main.py" "$@"
  fi
done
echo "kubectl-inject: needs python3 >= 3.9 on PATH (or set KUBECTL_INJECT_PYTHON)" >&2
exit 127
"""

MAIN = """import os
import sys

here = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(here, "..", "lib"))
from plugin.runtime import startup  # noqa: E402

startup.ARCHIVE = os.path.dirname(here)   # the install hints then say how a krew user adds a package
startup.without_site()      # started with -S: the vendored lib/ first, then the interpreter's site-packages
from plugin.cli import main  # noqa: E402

startup.leave(main())
"""


def _version() -> str:
    sys.path.insert(0, REPO)
    from plugin import __version__

    return __version__


def _files():
    """(archive path, bytes, mode) for everything in the archive, sorted."""
    out = [("kubectl-inject", LAUNCHER.encode(), 0o755), ("libexec/main.py", MAIN.encode(), 0o644)]
    with open(os.path.join(REPO, "LICENSE"), "rb") as fh:
        out.append(("LICENSE", fh.read(), 0o644))
    for package in ("plugin", "simulator"):
        for root, dirs, files in os.walk(os.path.join(REPO, package)):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(root, name)
                with open(path, "rb") as fh:
                    out.append(("lib/" + os.path.relpath(path, REPO), fh.read(), 0o644))
    for dist_name in VENDORED:
        dist = metadata.distribution(dist_name)
        for f in dist.files or ():
            rel = str(f)
            if rel.startswith("..") or "__pycache__" in rel or rel.endswith((".so", ".pyd", ".pyc")) or "/bin/" in rel:
                continue
            path = f.locate()
            if os.path.isfile(path):
                with open(path, "rb") as fh:
                    out.append(("lib/" + rel, fh.read(), 0o644))
    return sorted(out)


def build(path: str) -> str:
    buf = io.BytesIO()
    import gzip

    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=MTIME) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
            dirs = set()
            for name, data, mode in _files():
                parts = name.split("/")[:-1]
                for i in range(1, len(parts) + 1):
                    d = "/".join(parts[:i])
                    if d not in dirs:
                        dirs.add(d)
                        info = tarfile.TarInfo(d)
                        info.type, info.mode, info.mtime, info.uid, info.gid = tarfile.DIRTYPE, 0o755, MTIME, 0, 0
                        tar.addfile(info)
                info = tarfile.TarInfo(name)
                info.size, info.mode, info.mtime, info.uid, info.gid = len(data), mode, MTIME, 0, 0
                tar.addfile(info, io.BytesIO(data))
    data = buf.getvalue()
    with open(path, "wb") as fh:
        fh.write(data)
    return hashlib.sha256(data).hexdigest()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default=None, help="archive path (default dist/kubectl-inject-v<version>.tar.gz)")
    ap.add_argument("--write-manifest", action="store_true", help="write the sha256 and version into krew-manifest.yaml")
    ap.add_argument("--check", action="store_true", help="fail if krew-manifest.yaml does not match this build")
    ap.add_argument("--manifest-out", metavar="PATH", help="also write a copy of krew-manifest.yaml for this archive "
                    "(its sha256), to install a local build: kubectl krew install --manifest=PATH --archive=ARCHIVE")
    args = ap.parse_args()
    version = "v" + _version()
    out = args.out or os.path.join(REPO, "dist", f"kubectl-inject-{version}.tar.gz")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    digest = build(out)
    print(f"{out}\nsha256 {digest}")
    with open(MANIFEST) as fh:
        text = fh.read()
    if args.manifest_out:
        with open(args.manifest_out, "w") as fh:
            fh.write(re.sub(r"sha256: [0-9a-f]{64}", f"sha256: {digest}", text))
    if args.write_manifest:
        text = re.sub(r"sha256: [0-9a-f]{64}", f"sha256: {digest}", text)
        text = re.sub(r"version: v[0-9.]+", f"version: {version}", text)
        with open(MANIFEST, "w") as fh:
            fh.write(text)
    if args.check and f"sha256: {digest}" not in text:
        print("krew-manifest.yaml does not match this archive: run with --write-manifest at release", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
