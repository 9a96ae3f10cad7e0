"""The real `istioctl` of pinned Istio releases, as the oracle for injector configuration and kube-inject.

Why a real binary: what `istioctl manifest generate` puts into the injector ConfigMaps and what
`istioctl kube-inject` prints are the behaviour the simulator must reproduce field for field; only the
program itself can say what that is for inputs nobody wrote a golden for.

Where the binary comes from, in order:
1. `KUBECTL_INJECT_ISTIOCTL_<version with dots as underscores>` (e.g. `KUBECTL_INJECT_ISTIOCTL_1_30_3`):
   the path of an istioctl someone already has (a release download's `bin/istioctl`).  It is used only if
   `istioctl version --remote=false` reports that very version.
2. A build from the Go module registry: the wrapper module `tests/oracles/istioctl/<version>/go.mod`
   requires `istio.io/istio` at the pseudo-version of the release tag's commit (Istio's tags are not
   semver), and `go build istio.io/istio/istioctl/cmd/istioctl` runs in a scratch copy of it, cached in
   `~/.cache/kubectl-inject/istioctl/<version>-<key>/istioctl` (key: wrapper files, `go version`, this
   recipe) under a file lock.  The release's version is stamped in with `-X` like Istio's own build; the
   image hub is left unset so the profile's hub/tag apply, exactly as in Istio's own injection tests
   (release binaries default to the release hub/tag instead; pass `--set hub=… --set tag=…` for that).

Anything else raises `OracleUnavailable` with a sentence saying why, which tests turn into a skip.
A failed build is remembered for an hour so a test session does not pay for it again and again.

Everything derived from one binary (manifest-generated inputs, kube-inject results) is cached beside it
and keyed by the content of every input, so parity tests can be re-run and compared without istioctl
being run again.
"""

import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

#: Release -> commit of its git tag.  The wrapper go.mod pins the matching pseudo-version.
RELEASES = {
    "1.30.3": "56df41f63e513f834c9a3af33d8aed82d1d961f2",
    "1.24.6": "734e100e0cfbc22f431613b49b8932a700da6b35",
    # Not a release: the master snapshot the module proxy does serve (see its wrapper go.mod), so that a
    # real istioctl can be built wherever the proxy is reachable, CI included.
    "master-20260827": "eed52ebb66ad",
}

WRAPPERS = Path(__file__).resolve().parent / "istioctl"
CACHE_ROOT = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kubectl-inject" / "istioctl"
ISTIOCTL_PACKAGE = "istio.io/istio/istioctl/cmd/istioctl"

#: The settings Istio's own injection tests render the chart with (`getInjectionSettings` in
#: pkg/kube/inject/inject_test.go): the empty profile plus istiod, i.e. chart defaults for the injector.
DEFAULT_MANIFEST_FLAGS = ("profile=empty", "components.pilot.enabled=true")

#: Bumped whenever the build command below changes, so old cached binaries are not reused.
_RECIPE = "go build -trimpath -ldflags=-s -w -X version (buildVersion buildGitRevision buildStatus buildTag); CGO_ENABLED=0; v1"
_FAILURE_TTL = 3600.0
_BUILD_TIMEOUT = float(os.environ.get("KUBECTL_INJECT_ISTIOCTL_BUILD_TIMEOUT", "3600"))
_RUN_TIMEOUT = 300.0

#: Seconds the last build in this process took, per version (absent when a cached binary was reused).
last_build_seconds = {}


class OracleUnavailable(Exception):
    """No real istioctl of the requested release can be had here; `reason` says why in one sentence."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class IstioctlError(Exception):
    """istioctl ran and exited non-zero (for kube-inject: the input was rejected)."""

    def __init__(self, args, returncode, stderr):
        super().__init__("istioctl %s exited %d: %s" % (" ".join(map(str, args)), returncode, stderr.strip()[-2000:]))
        self.returncode = returncode
        self.stderr = stderr


@dataclass(frozen=True)
class InjectResult:
    stdout: str
    stderr: str
    returncode: int


def _check_version(version):
    if version not in RELEASES:
        raise ValueError("no istioctl oracle is pinned for Istio %r (pinned: %s)" % (version, ", ".join(RELEASES)))


def env_var(version):
    """Name of the variable that points at a ready-made istioctl of `version`."""
    return "KUBECTL_INJECT_ISTIOCTL_" + version.replace(".", "_").replace("-", "_")


def _sha256(*chunks):
    h = hashlib.sha256()
    for c in chunks:
        h.update(c if isinstance(c, bytes) else str(c).encode())
        h.update(b"\0")
    return h.hexdigest()


@functools.lru_cache(maxsize=None)
def _file_digest(path, mtime_ns, size):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _digest(path):
    st = os.stat(path)
    return _file_digest(str(path), st.st_mtime_ns, st.st_size)


def _hermetic_env(home, extra=None):
    """istioctl reads ~/.istioctl and a kubeconfig; pin both to empty places so no cluster is ever contacted."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
           "KUBECONFIG": str(Path(home) / "no-such-kubeconfig"), "LANG": "C.UTF-8"}
    env.update(extra or {})
    return env


@functools.lru_cache(maxsize=None)
def _reported_version(binary, digest):
    with tempfile.TemporaryDirectory() as home:
        proc = subprocess.run([binary, "version", "--remote=false"], capture_output=True, text=True,
                              env=_hermetic_env(home), timeout=60)
    return proc.returncode, proc.stdout + proc.stderr


def _verified(binary, version, origin):
    rc, out = _reported_version(str(binary), _digest(binary))
    if rc != 0 or not re.search(r"(^|[\s:])%s(\s|$)" % re.escape(version), out):
        raise OracleUnavailable("%s (%s) is not istioctl %s: `istioctl version --remote=false` said %r"
                                % (binary, origin, version, out.strip()[-300:]))
    return Path(binary)


def _go():
    go = shutil.which("go")
    if go is None:
        raise OracleUnavailable("Go toolchain not found on PATH, so the real istioctl cannot be built from the "
                                "Go module registry; comparisons against istioctl are skipped")
    return go


def _build_key(version, go):
    wrapper = WRAPPERS / version
    files = [p for p in sorted(wrapper.iterdir()) if p.name in ("go.mod", "go.sum")]
    goversion = subprocess.run([go, "version"], capture_output=True, text=True, check=True).stdout
    return _sha256(version, RELEASES[version], _RECIPE, goversion,
                   *(p.name.encode() + b"\0" + p.read_bytes() for p in files))[:16]


def _ldflags(version):
    pkg = "istio.io/istio/pkg/version."
    stamps = {"buildVersion": version, "buildGitRevision": RELEASES[version], "buildStatus": "Clean",
              "buildTag": version}
    return " ".join(["-s", "-w"] + ["-X %s%s=%s" % (pkg, k, v) for k, v in stamps.items()])


def _summarise_go_failure(stderr):
    """The useful part of a failed module build: refusals by the proxy, else the last lines."""
    lines = [l for l in stderr.splitlines() if l.strip() and not l.startswith("go: downloading")]
    refusals = [l.strip() for l in lines if "403" in l or "404" in l or "not available" in l or "not found" in l]
    picked = refusals[:6] or lines[-12:]
    return "\n".join(picked)


def _build(version, go, out_dir):
    binary = out_dir / "istioctl"
    failed = out_dir / "build-failed.txt"
    if failed.exists() and time.time() - failed.stat().st_mtime < _FAILURE_TTL:
        raise OracleUnavailable(failed.read_text().strip() + "\n(remembered failure; delete %s to retry now)" % failed)
    start = time.monotonic()
    env = dict(os.environ, CGO_ENABLED="0", GOFLAGS="-mod=mod", GOTOOLCHAIN="local")
    with tempfile.TemporaryDirectory(prefix="istioctl-wrapper-") as scratch:
        # A scratch copy: -mod=mod completes go.mod/go.sum there, never in the repository.
        for p in (WRAPPERS / version).iterdir():
            if p.name in ("go.mod", "go.sum"):
                shutil.copy(p, scratch)
        tmp = out_dir / ("istioctl.tmp.%d" % os.getpid())
        cmd = [go, "build", "-trimpath", "-ldflags", _ldflags(version), "-o", str(tmp), ISTIOCTL_PACKAGE]
        try:
            proc = subprocess.run(cmd, cwd=scratch, env=env, capture_output=True, text=True, timeout=_BUILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc = subprocess.CompletedProcess(cmd, -1, "", "build timed out after %.0f s" % _BUILD_TIMEOUT)
    if proc.returncode != 0:
        reason = ("building istioctl %s from the Go module registry (istio.io/istio at the tag's pseudo-version) "
                  "failed, so comparisons against istioctl %s are skipped:\n%s"
                  % (version, version, _summarise_go_failure(proc.stderr)))
        failed.write_text(reason + "\n")
        raise OracleUnavailable(reason)
    os.replace(tmp, binary)
    failed.unlink(missing_ok=True)
    last_build_seconds[version] = time.monotonic() - start
    return binary


def istioctl_binary(version):
    """Path of a real istioctl of `version`, building it from the Go module registry when none is cached."""
    _check_version(version)
    given = os.environ.get(env_var(version))
    if given:
        if not os.access(given, os.X_OK):
            raise OracleUnavailable("%s=%s is not an executable file" % (env_var(version), given))
        return _verified(given, version, "from $" + env_var(version))
    go = _go()
    out_dir = CACHE_ROOT / ("%s-%s" % (version, _build_key(version, go)))
    binary = out_dir / "istioctl"
    if not binary.exists():
        out_dir.mkdir(parents=True, exist_ok=True)
        with open(out_dir / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not binary.exists():
                _build(version, go, out_dir)
    return _verified(binary, version, "built from the Go module registry")


def oracle_dir(version):
    """Cache directory of everything derived from the istioctl in use (keyed by that binary)."""
    binary = istioctl_binary(version)
    if os.environ.get(env_var(version)):
        d = CACHE_ROOT / ("%s-ext-%s" % (version, _digest(binary)[:16]))
    else:
        d = binary.parent
    d.mkdir(parents=True, exist_ok=True)
    return d


def run_istioctl(version, args, *, env=None, timeout=_RUN_TIMEOUT):
    """Run istioctl hermetically (empty HOME, no kubeconfig) and return the CompletedProcess."""
    binary = istioctl_binary(version)
    home = oracle_dir(version) / "home"
    home.mkdir(exist_ok=True)
    return subprocess.run([str(binary)] + [str(a) for a in args], capture_output=True, text=True,
                          env=_hermetic_env(home, env), timeout=timeout)


def _write(path, text):
    tmp = path.with_name(path.name + ".tmp.%d" % os.getpid())
    tmp.write_text(text)
    os.replace(tmp, path)


def _injector_configmaps(manifest_text):
    import yaml

    injector = mesh = None
    for doc in yaml.safe_load_all(manifest_text):
        if not isinstance(doc, dict) or doc.get("kind") != "ConfigMap":
            continue
        data = doc.get("data") or {}
        if "config" in data and "values" in data:
            if injector is not None:
                raise ValueError("manifest holds more than one injector ConfigMap")
            injector = data
        elif "mesh" in data:
            if mesh is not None:
                raise ValueError("manifest holds more than one mesh ConfigMap")
            mesh = data
    if injector is None or mesh is None:
        raise ValueError("manifest lacks the istio-sidecar-injector or the istio ConfigMap")
    return injector, mesh


def oracle_inputs(version, *, set_flags=DEFAULT_MANIFEST_FLAGS, files=()):
    """The three kube-inject input files exactly as `istioctl manifest generate` renders them.

    Returns {"inject_config": Path, "mesh_config": Path, "values": Path, "manifest": Path}; the first three
    are the `config` and `values` keys of the istio-sidecar-injector ConfigMap and the `mesh` key of the
    istio ConfigMap, so `kube_inject(version, f, **{k: v for k, v in oracle_inputs(version).items()
    if k != "manifest"})` is what a user following the kube-inject recipe gets.  `set_flags` are `--set`
    values (defaults: those of Istio's injection tests), `files` IstioOperator files passed with `-f`.
    """
    files = [Path(f) for f in files]
    key = _sha256(*set_flags, *(f.read_bytes() for f in files))[:16]
    name = "default" if tuple(set_flags) == DEFAULT_MANIFEST_FLAGS and not files else key
    d = oracle_dir(version) / "inputs" / name
    out = {"inject_config": d / "inject-config.yaml", "mesh_config": d / "mesh-config.yaml",
           "values": d / "values.json", "manifest": d / "manifest.yaml"}
    if all(p.exists() for p in out.values()):
        return out
    d.mkdir(parents=True, exist_ok=True)
    with open(d / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if all(p.exists() for p in out.values()):
            return out
        args = ["manifest", "generate"]
        for flag in set_flags:
            args += ["--set", flag]
        for f in files:
            args += ["-f", f.resolve()]
        proc = run_istioctl(version, args)
        if proc.returncode != 0:
            raise IstioctlError(args, proc.returncode, proc.stderr)
        injector, mesh = _injector_configmaps(proc.stdout)
        _write(out["inject_config"], injector["config"])
        _write(out["values"], injector["values"])
        _write(out["mesh_config"], mesh["mesh"])
        _write(d / "command.txt", "istioctl " + " ".join(map(str, args)) + "\n")
        _write(out["manifest"], proc.stdout)
    return out


def kube_inject_result(version, manifest_path, *, inject_config=None, mesh_config=None, values=None,
                       extra_args=(), env=None, save_as=None):
    """Run `istioctl kube-inject -f manifest_path` with explicit config files; cached by content.

    Inputs left as None come from `oracle_inputs(version)` (chart defaults).  `env` adds variables for the
    process, e.g. {"ENABLE_NATIVE_SIDECARS": "true"}: kube-inject has no cluster to ask about node
    versions, so that variable alone decides native sidecars.  `save_as` also writes stdout, stderr and
    exit code to `<oracle_dir>/outputs/<save_as>{,.stderr,.rc}` for people (and later comparisons) to browse.
    """
    if None in (inject_config, mesh_config, values):
        defaults = oracle_inputs(version)
        inject_config = inject_config or defaults["inject_config"]
        mesh_config = mesh_config or defaults["mesh_config"]
        values = values or defaults["values"]
    paths = [Path(manifest_path), Path(inject_config), Path(mesh_config), Path(values)]
    env = dict(env or {})
    key = _sha256(*(p.read_bytes() for p in paths), json.dumps([list(map(str, extra_args)), sorted(env.items())]))
    cache = oracle_dir(version) / "kube-inject" / (key[:32] + ".json")
    if cache.exists():
        result = InjectResult(**json.loads(cache.read_text()))
    else:
        args = ["kube-inject", "-f", paths[0].resolve(), "--injectConfigFile", paths[1].resolve(),
                "--meshConfigFile", paths[2].resolve(), "--valuesFile", paths[3].resolve(), *extra_args]
        if not any(str(a) in ("-r", "--revision") or str(a).startswith(("-r=", "--revision=")) for a in extra_args):
            # Without a revision, istioctl >= 1.26 asks the cluster for the default revision tag and,
            # having no cluster, waits forever; "default" is what it falls back to (rendered as "").
            args += ["--revision", "default"]
        proc = run_istioctl(version, args, env=env)
        result = InjectResult(proc.stdout, proc.stderr, proc.returncode)
        cache.parent.mkdir(exist_ok=True)
        _write(cache, json.dumps(result.__dict__))
    if save_as:
        base = oracle_dir(version) / "outputs" / save_as
        base.parent.mkdir(parents=True, exist_ok=True)
        _write(base, result.stdout)
        _write(base.with_name(base.name + ".stderr"), result.stderr)
        _write(base.with_name(base.name + ".rc"), "%d\n" % result.returncode)
    return result


def kube_inject(version, manifest_path, *, inject_config=None, mesh_config=None, values=None, extra_args=(),
                env=None, save_as=None):
    """stdout of `istioctl kube-inject` (see kube_inject_result); raises IstioctlError if it fails."""
    r = kube_inject_result(version, manifest_path, inject_config=inject_config, mesh_config=mesh_config,
                           values=values, extra_args=extra_args, env=env, save_as=save_as)
    if r.returncode != 0:
        raise IstioctlError(["kube-inject", "-f", manifest_path, *extra_args], r.returncode, r.stderr)
    return r.stdout


_STATUS_VERSION = re.compile(r"""sidecar\.istio\.io/status: '\{"version":"[0-9a-f]+",""")


def strip_status_version(text):
    """Blank the template-hash `version` inside sidecar.istio.io/status, as Istio's own golden tests do.

    The hash depends on the exact template bytes; Istio's goldens carry it blanked, so this is the one
    normalisation comparisons against them need.
    """
    return _STATUS_VERSION.sub("""sidecar.istio.io/status: '{"version":"",""", text)
