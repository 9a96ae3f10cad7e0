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
