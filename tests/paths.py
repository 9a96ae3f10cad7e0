"""Where the tests find what is not in the repository: the only module that knows.

Two sources, both read in place (nothing is copied into the repository):

- `../shared` beside the repository, or wherever `KUBECTL_INJECT_SHARED` points: the project's acceptance
  cases (`cases/`) and Istio's pinned releases, `istio/1.30.3/{chart,inject-testdata}` and
  `istio/1.24.6/chart`.
- The `istio.io/istio` master snapshot that the Go module proxy serves (the one
  tests/oracles/istioctl/master-20260827/go.mod pins, so the master istioctl build uses the same files), read
  from the Go module cache: its sidecar-injector chart `manifests/charts/istio-control/istio-discovery` and
  its injection corpus `pkg/kube/inject/testdata/inject`.  When the cache lacks it, `go mod download` fetches
  it (about 60 MB) with the environment the oracle builds use.

Every accessor returns a Path or raises `Missing`, whose message says exactly what is missing and how to
get it; `require` turns that into a pytest skip.  No pytest import here, so bench scripts can use it too.
"""

import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

#: Where ../shared is: $KUBECTL_INJECT_SHARED, else the directory beside the repository.
SHARED = Path(os.environ.get("KUBECTL_INJECT_SHARED") or REPO.parent / "shared")

#: The pinned releases ../shared carries, and the master snapshot the module proxy serves.
SHARED_RELEASES = ("1.30.3", "1.24.6")
MASTER = "master-20260827"

_MASTER_WRAPPER = REPO / "tests" / "oracles" / "istioctl" / MASTER / "go.mod"
_CHART_IN_MODULE = ("manifests", "charts", "istio-control", "istio-discovery")
_CORPUS_IN_MODULE = ("pkg", "kube", "inject", "testdata", "inject")


class Missing(Exception):
    """Data a test needs is not here; the message says what and how to get it."""


def _shared_hint():
    if "KUBECTL_INJECT_SHARED" in os.environ:
        return "KUBECTL_INJECT_SHARED=%s is not a directory" % os.environ["KUBECTL_INJECT_SHARED"]
    return "../shared is not beside the repository (looked at %s; or set KUBECTL_INJECT_SHARED)" % SHARED


def shared(*parts):
    """Path of `parts` inside ../shared; Missing says which file and why when it is not there."""
    path = SHARED.joinpath(*parts)
    if path.exists():
        return path
    if not SHARED.is_dir():
        raise Missing("%s is missing: %s" % ("/".join(("shared",) + parts), _shared_hint()))
    raise Missing("%s is missing from %s" % ("/".join(parts), SHARED))


def shared_or_none(*parts):
    try:
        return shared(*parts)
    except Missing:
        return None


# --- the istio.io/istio module the Go module proxy serves ----------------------------------------------------

def master_module_version():
    """The pseudo-version of istio.io/istio the master istioctl wrapper requires."""
    m = re.search(r"^require\s+istio\.io/istio\s+(\S+)", _MASTER_WRAPPER.read_text(), re.M)
    return m.group(1)


def _modcache(go):
    if go is not None:
        out = subprocess.run([go, "env", "GOMODCACHE"], capture_output=True, text=True).stdout.strip()
        if out:
            return Path(out)
    if os.environ.get("GOMODCACHE"):
        return Path(os.environ["GOMODCACHE"])
    gopath = os.environ.get("GOPATH", "").split(os.pathsep)[0] or str(Path.home() / "go")
    return Path(gopath) / "pkg" / "mod"


@functools.lru_cache(maxsize=None)
def _go_module(module, version, what):
    """(Path, None) of module@version in the Go module cache, downloading it if needed, else (None, reason)."""
    go = shutil.which("go")
    where = _modcache(go) / (module + "@" + version)
    if (where / "go.mod").exists():
        return where, None
    what = "%s@%s (%s)" % (module, version, what)
    if go is None:
        return None, "%s is not in the Go module cache (%s) and Go is not on PATH to download it" % (what, where)
    # Outside any module, with the environment the oracle builds use (tests/oracles/istioctl.py).
    env = dict(os.environ, GOFLAGS="-mod=mod", GOTOOLCHAIN="local")
    try:
        with tempfile.TemporaryDirectory(prefix="kubectl-inject-modload-") as scratch:
            proc = subprocess.run([go, "mod", "download", "-json", module + "@" + version], cwd=scratch,
                                  env=env, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        return None, "`go mod download %s` timed out after 900 s" % what
    try:
        info = json.loads(proc.stdout)
    except ValueError:
        info = {}
    if proc.returncode != 0 or not info.get("Dir"):
        detail = info.get("Error") or proc.stderr.strip()[-500:]
        return None, "`go mod download` of %s failed: %s" % (what, detail)
    return Path(info["Dir"]), None


def _master_module():
    return _go_module("istio.io/istio", master_module_version(), "Istio's master chart and injection corpus")


def kubernetes_module():
    """k8s.io/kubernetes at the version the kube-apiserver build pins, from the Go module cache (downloaded
    here if the build has not run yet, so a cold run does not skip what a warm one runs)."""
    from tests.realcluster.apiserver import Unavailable, kubernetes_version

    try:
        version = kubernetes_version()
    except Unavailable as e:
        raise Missing(str(e)) from None
    path, reason = _go_module("k8s.io/kubernetes", version, "Kubernetes' e2e manifests")
    if path is None:
        raise Missing(reason)
    return path


def master_module():
    path, reason = _master_module()
    if path is None:
        raise Missing(reason)
    return path


# --- Istio's chart and injection corpus, by release ----------------------------------------------------------

def istio_chart(release):
    """The istio-discovery chart of `release`: ../shared for the pinned releases, the module for master."""
    if release == MASTER:
        return _in_module(_CHART_IN_MODULE)
    return shared("istio", release, "chart")


def istio_corpus(release):
    """Istio's injection corpus (inputs and golden outputs) as `release`'s source tree has it."""
    if release == MASTER:
        return _in_module(_CORPUS_IN_MODULE)
    return shared("istio", release, "inject-testdata")


def _in_module(parts):
    path = master_module().joinpath(*parts)
    if not path.is_dir():
        raise Missing("%s is not in %s" % ("/".join(parts), master_module()))
    return path


@functools.lru_cache(maxsize=None)
def any_istio_corpus():
    """(release, Path) of an injection corpus for tests that only need Istio's manifests, not one release's
    goldens: 1.30.3's from ../shared when it is there, else master's from the module cache."""
    reasons = []
    for release in ("1.30.3", MASTER):
        try:
            return release, istio_corpus(release)
        except Missing as e:
            reasons.append(str(e))
    raise Missing("no Istio injection corpus: " + "; ".join(reasons))


def any_istio_corpus_path():
    return any_istio_corpus()[1]


def any_istio_chart():
    """(release, Path) of a chart for tests that only need Istio's chart files, preferring 1.30.3."""
    reasons = []
    for release in ("1.30.3", MASTER):
        try:
            return release, istio_chart(release)
        except Missing as e:
            reasons.append(str(e))
    raise Missing("no Istio chart: " + "; ".join(reasons))


def optional(fn, *args):
    """(fn(*args), None), or (None, Missing's sentence): for module-level lookups that tests skip on later."""
    try:
        return fn(*args), None
    except Missing as e:
        return None, str(e)


def params(values, missing, ids=None):
    """pytest parameters: `values`, or one skipped parameter saying what is missing when there are none
    (pytest's own "got empty parameter set" would not say why)."""
    import pytest

    if values:
        return [pytest.param(v, id=i) for v, i in zip(values, ids)] if ids else list(values)
    return [pytest.param(None, id="missing", marks=pytest.mark.skip(reason=missing or "no cases"))]


def require(fn, *args):
    """fn(*args), or a pytest skip with Missing's sentence."""
    import pytest

    try:
        return fn(*args)
    except Missing as e:
        pytest.skip(str(e))
