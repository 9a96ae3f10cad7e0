"""Go template parse trees kept on disk between runs.

Parsing Istio's sidecar template (25 kB of Go template text) is most of what a one-pod `explain` with a
real injector configuration costs, and the text only changes when the cluster's Istio does; so the parse
trees are kept, like Python's own __pycache__ or Jinja2's bytecode cache, and a later run loads them in a
few milliseconds.

The cache is only an accelerator: an entry that is missing, unreadable, corrupt or written by a different
parser is ignored and rewritten; a failure to write is silent.  Entries are keyed by everything the parse
depends on (template name, text, accepted function names: `gotemplate.parse_key`) plus a fingerprint of
the parser itself (its source files and the Python version), so a changed parser never reads old trees.

Location: `$KUBECTL_INJECT_CACHE_DIR`, else `$XDG_CACHE_HOME/kubectl-inject/parse-trees`, else
`~/.cache/kubectl-inject/parse-trees`.  `KUBECTL_INJECT_CACHE=off` turns it off.  The directory is created
private to the user, and the entries are pickles, which are only ever read from there.

A one-pod run reads one entry, so this module stays cheap to import: plain os.path, and the C unpickler
without the `pickle` module around it (pathlib and pickle would add ~7 ms to every run).
"""
from __future__ import annotations

import os
import sys
import zlib
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping, Optional

try:
    from _pickle import load as _load
except ImportError:  # an interpreter without CPython's accelerator
    from pickle import load as _load

#: Entries kept; the least recently written are removed beyond this (an entry is ~80 kB).
MAX_ENTRIES = 200
_PARSER_FILES = ("lex.py", "parse.py", "nodes.py", "template.py")


def cache_dir(environ: Mapping[str, str]) -> Optional[str]:
    """Where trees are kept for this environment, or None when caching is turned off."""
    if environ.get("KUBECTL_INJECT_CACHE", "").lower() in ("off", "0", "false", "no"):
        return None
    if environ.get("KUBECTL_INJECT_CACHE_DIR"):
        return environ["KUBECTL_INJECT_CACHE_DIR"]
    base = environ.get("XDG_CACHE_HOME") or os.path.join(environ.get("HOME") or os.path.expanduser("~"), ".cache")
    return os.path.join(base, "kubectl-inject", "parse-trees")


def _parser_fingerprint() -> str:
    from simulator import gotemplate

    parts = [sys.version]
    here = os.path.dirname(gotemplate.__file__)
    for name in _PARSER_FILES:
        try:
            st = os.stat(os.path.join(here, name))
        except OSError:
            continue
        parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts)


class DiskTreeCache:
    """`get(key)` / `put(key, roots)` for gotemplate.Template(tree_cache=...)."""

    def __init__(self, directory: "str | os.PathLike[str]"):
        self.directory = os.fspath(directory)
        self._fingerprint = _parser_fingerprint()

    @classmethod
    def for_environment(cls, environ: Mapping[str, str]) -> Optional["DiskTreeCache"]:
        d = cache_dir(environ)
        return cls(d) if d is not None else None

    def _path(self, key: str) -> str:
        # The name only spreads entries; the whole key is stored and compared on load, so two keys
        # with the same checksums cannot be confused (and hashlib's import cost is spared).
        blob = f"{self._fingerprint}\0{key}".encode("utf-8", "surrogateescape")
        return os.path.join(self.directory, "%08x%08x.pickle" % (zlib.crc32(blob), zlib.adler32(blob)))

    def get(self, key: str) -> Any:
        try:
            with open(self._path(key), "rb") as fh:
                stored, roots = _load(fh)
        except Exception:  # noqa: BLE001 - missing or damaged entry: parse again
            return None
        return roots if stored == (self._fingerprint, key) else None

    def put(self, key: str, roots: Any) -> None:
        try:
            import pickle
            import tempfile

            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".pickle")
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump(((self._fingerprint, key), roots), fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self._path(key))
            except BaseException:
                os.unlink(tmp)
                raise
            self._prune()
        except Exception:  # noqa: BLE001 - a cache that cannot be written only costs speed
            return

    def _prune(self) -> None:
        entries = [e for e in os.scandir(self.directory) if e.name.endswith(".pickle") and not e.name.startswith(".")]
        if len(entries) <= MAX_ENTRIES:
            return
        entries.sort(key=lambda e: e.stat().st_mtime_ns)
        for e in entries[: len(entries) - MAX_ENTRIES]:
            try:
                os.unlink(e.path)
            except OSError:
                pass
