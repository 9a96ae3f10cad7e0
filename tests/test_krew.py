"""The krew route, for real: the real `krew` and `validate-krew-manifest` (sigs.k8s.io/krew, built from the Go
module proxy and cached) validate the manifest and install the archive that tools/build_krew_archive.py
builds into a scratch KREW_ROOT; `kubectl inject` then runs through krew's symlink with kubectl on PATH, and
`kubectl krew uninstall inject` removes it. A few rules are also checked directly, so a machine without Go
still checks the manifest's shape."""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

from .krewtools import krew_tools  # noqa: F401  (a fixture)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def manifest():
    with open(os.path.join(REPO, "krew-manifest.yaml")) as fh:
        return yaml.safe_load(fh)


def test_manifest_passes_krew_validation(manifest):
    assert manifest["apiVersion"] == "krew.googlecontainertools.github.com/v1alpha2"
    assert manifest["kind"] == "Plugin"
    assert re.fullmatch(r"[\w-]+", manifest["metadata"]["name"])
    spec = manifest["spec"]
    assert re.fullmatch(r"v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?", spec["version"])
    assert spec["shortDescription"] and "\n" not in spec["shortDescription"] and len(spec["shortDescription"]) <= 50
    assert spec["platforms"]
    for p in spec["platforms"]:
        assert p["uri"] and p["bin"]
        assert re.fullmatch(r"[a-f0-9]{64}", p["sha256"])
        sel = p["selector"]
        assert sel.get("matchLabels") or sel.get("matchExpressions")
        keys = set(sel.get("matchLabels", {})) | {e["key"] for e in sel.get("matchExpressions", [])}
        assert keys <= {"os", "arch"}
        assert "files" not in p or p["files"]


def test_manifest_version_is_the_plugin_version(manifest):
    from plugin import __version__

    assert manifest["spec"]["version"] == "v" + __version__


def test_archive_installs_and_runs(tmp_path, manifest):
    archive = tmp_path / "kubectl-inject.tar.gz"
    subprocess.run([sys.executable, os.path.join(REPO, "tools", "build_krew_archive.py"), "--out", str(archive)],
                   check=True, capture_output=True)
    with open(archive, "rb") as fh:
        assert fh.read(2) == b"\x1f\x8b", "krew sniffs the content type: it must be gzip"
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
        assert all(m.isfile() or m.isdir() for m in members), "krew aborts on link entries"
        assert not any(".." in m.name or m.name.startswith("/") for m in members)
        names = {m.name: m for m in members}
        bin_name = manifest["spec"]["platforms"][0]["bin"]
        assert names[bin_name].mode == 0o755
        assert "LICENSE" in names
        assert not any(n.endswith(".so") for n in names)
        tar.extractall(tmp_path / "store")
    store = tmp_path / "store"
    os.symlink(store / bin_name, tmp_path / "kubectl-inject")   # krew links into $KREW_ROOT/bin
    proc = subprocess.run([str(tmp_path / "kubectl-inject"), "explain", "-f",
                           os.path.join(REPO, "tests", "data", "httpbin.yaml"), "-n", "mesh", "-o", "json"],
                          capture_output=True, text=True, env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    assert '"verdict": "injected"' in proc.stdout


@pytest.fixture
def released(tmp_path):
    """The archive and a manifest for it, as a release would publish them: the manifest copied to inject.yaml
    (krew-index's file name, which validate-krew-manifest checks against metadata.name) with this archive's
    sha256 (krew checks it for --archive too)."""
    archive = tmp_path / "kubectl-inject.tar.gz"
    subprocess.run([sys.executable, os.path.join(REPO, "tools", "build_krew_archive.py"), "--out", str(archive)],
                   check=True, capture_output=True)
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    with open(os.path.join(REPO, "krew-manifest.yaml")) as fh:
        text = re.sub(r"sha256: [0-9a-f]{64}", f"sha256: {digest}", fh.read())
    manifest = tmp_path / "inject.yaml"
    manifest.write_text(text)
    return archive, manifest


def test_real_validator_accepts_the_manifest(krew_tools, released):
    _, manifest = released
    proc = subprocess.run([str(krew_tools["validate-krew-manifest"]), "-manifest", str(manifest), "-skip-install"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "structural validation OK" in proc.stderr


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not on PATH: krew runs as `kubectl krew`")
def test_real_krew_installs_runs_and_uninstalls(krew_tools, released, tmp_path):
    archive, manifest = released
    root, bindir = tmp_path / "krew-root", tmp_path / "krew-bin"
    bindir.mkdir()
    os.symlink(krew_tools["krew"], bindir / "kubectl-krew")      # kubectl finds `kubectl krew` on PATH
    # krew's list/uninstall want the default index; an empty one stands in for the git clone we cannot make here
    (root / "index" / "default" / "plugins").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root / "index" / "default")], check=True)
    env = {"PATH": os.pathsep.join([str(root / "bin"), str(bindir), os.environ["PATH"]]), "HOME": str(tmp_path),
           "KREW_ROOT": str(root), "KREW_NO_UPGRADE_CHECK": "1"}

    def kubectl(*args):
        return subprocess.run(["kubectl", *args], env=env, capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL)

    installed = kubectl("krew", "install", f"--manifest={manifest}", f"--archive={archive}")
    assert installed.returncode == 0, installed.stderr
    assert (root / "bin" / "kubectl-inject").is_symlink()
    run = kubectl("inject", "explain", "-f", os.path.join(REPO, "tests", "data", "httpbin.yaml"), "-n", "mesh",
                  "-o", "json")
    assert run.returncode == 0, run.stderr
    assert '"verdict": "injected"' in run.stdout
    version = kubectl("inject", "version")
    assert version.returncode == 0 and version.stdout.startswith("kubectl-inject "), version.stderr
    assert "inject" in kubectl("krew", "list").stdout
    removed = kubectl("krew", "uninstall", "inject")
    assert removed.returncode == 0, removed.stderr
    assert not (root / "bin" / "kubectl-inject").exists() and not any((root / "store").iterdir())


# --- what the archive vendors: offline paths need no pip and no site-packages ---------------------------------

PYENV = os.path.expanduser("~/.pyenv/versions")


def _python(version):
    """This interpreter, or pyenv's newest `version`.x (skip when there is none)."""
    if version is None:
        return sys.executable
    found = sorted((d for d in os.listdir(PYENV) if d.startswith(version + ".")),
                   key=lambda d: [int(x) for x in d.split(".") if x.isdigit()]) if os.path.isdir(PYENV) else []
    if not found:
        pytest.skip(f"no Python {version} under {PYENV} (pyenv) on this machine")
    return os.path.join(PYENV, found[-1], "bin", "python3")


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    """The archive, extracted as krew extracts it into store/inject/<version>/."""
    out = tmp_path_factory.mktemp("krew-archive")
    subprocess.run([sys.executable, os.path.join(REPO, "tools", "build_krew_archive.py"), "--out",
                    str(out / "kubectl-inject.tar.gz")], check=True, capture_output=True)
    with tarfile.open(out / "kubectl-inject.tar.gz") as tar:
        tar.extractall(out / "store")
    return out / "store"


def _states(tmp_path):
    """Cluster states whose answers need what is not vendored: a webhook with matchConditions (cel-python) and an
    injector template that calls sprig's regexMatch (google-re2)."""
    from plugin.state.sources import load_default

    docs = [d.obj for d in load_default()]
    mwc = next(d for d in docs if d["kind"] == "MutatingWebhookConfiguration")
    mwc["webhooks"][2]["matchConditions"] = [{"name": "owned", "expression": "object.metadata.labels['owner'] != ''"}]
    (tmp_path / "cel.yaml").write_text(yaml.safe_dump_all(docs))
    docs = [d.obj for d in load_default()]
    cm = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "istio-sidecar-injector")
    cm["metadata"]["annotations"] = {}           # a Go-template injector, as a real cluster's
    cm["data"]["config"] = (cm["data"]["config"].split("templates:")[0]
                            + 'templates:\n  sidecar: |-\n    {{ if regexMatch "^a+$" "aaa" }}spec: {}{{ end }}\n')
    (tmp_path / "regex.yaml").write_text(yaml.safe_dump_all(docs))
    (tmp_path / "kubeconfig").write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "c",
        "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:1"}}],
        "users": [{"name": "u", "user": {"token": "t"}}],
        "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}]}))


@pytest.mark.parametrize("version", [None, pytest.param("3.9", marks=pytest.mark.slow),
                                     pytest.param("3.13", marks=pytest.mark.slow)])
def test_archive_needs_no_pip_and_no_site_packages(unpacked, tmp_path, version):
    """On a Python with nothing installed (a virtualenv without pip), offline explain works from the vendored
    tree; what is not vendored is named in one line (exit 2, no verdict guessed) on the path that needs it."""
    bare = tmp_path / "bare"
    subprocess.run([_python(version), "-m", "venv", "--without-pip", str(bare)], check=True)
    _states(tmp_path)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "KUBECTL_INJECT_PYTHON": str(bare / "bin" / "python")}

    def inject(*args, **extra):
        return subprocess.run([str(unpacked / "kubectl-inject"), *args], capture_output=True, text=True,
                              env=dict(env, **extra), cwd=tmp_path, stdin=subprocess.DEVNULL, timeout=120)

    httpbin = os.path.join(REPO, "tests", "data", "httpbin.yaml")
    shown = inject("version", "-o", "json")
    assert shown.returncode == 0 and '"python": "' + (version or "") in shown.stdout, shown.stderr
    explained = inject("explain", "-f", httpbin, "-n", "mesh", "--offline", "-o", "json")
    assert explained.returncode == 0 and '"verdict": "injected"' in explained.stdout, explained.stderr
    for state, package in (("cel.yaml", "cel-python"), ("regex.yaml", "google-re2")):
        run = inject("explain", "-f", httpbin, "-n", "mesh", "--cluster-state", state, "-o", "json")
        assert run.returncode == 2 and '"verdict"' not in run.stdout, (state, run.stdout)
        (line,) = run.stderr.splitlines()
        assert line.startswith("error: ") and f"the Python package {package} is not installed" in line, line
    live = inject("status", KUBECONFIG=str(tmp_path / "kubeconfig"))
    (line,) = live.stderr.splitlines()
    assert live.returncode == 2 and "needs the Python package `kubernetes`, which is not installed" in line
    assert "export KUBECTL_INJECT_PYTHON=" in line, "a krew user is told how to add it (pip --user is not seen)"
    patched = subprocess.run([str(bare / "bin" / "python"), "-I", "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                              "import jsonpatch; print(jsonpatch.apply_patch({}, [{'op': 'add', 'path': '/a', "
                              "'value': 1}]))", str(unpacked / "lib")], capture_output=True, text=True)
    assert patched.stdout.strip() == "{'a': 1}", patched.stderr      # apply's patch check, vendored for this Python
