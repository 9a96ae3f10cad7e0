"""krew cannot run here, so its manifest validation and install-time rules are checked directly
(rules from krew's validate.go and installer), and the built archive is unpacked and run."""
import os
import re
import subprocess
import sys
import tarfile

import pytest
import yaml

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
