"""The installed entry script, as kubectl runs it: a subprocess, with no kubernetes client import."""
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENTRY = os.path.join(REPO, "kubectl-inject")


def test_entry_script_explains_and_does_not_import_the_kubernetes_client():
    """Run as kubectl runs it (the file executed); Python's import log shows every module it loaded."""
    env = dict(os.environ, KUBECTL_INJECT_PYTHON=sys.executable, PYTHONPROFILEIMPORTTIME="1")
    proc = subprocess.run([ENTRY, "explain", "-f", os.path.join(REPO, "tests", "data", "httpbin.yaml"), "-o", "json"],
                          capture_output=True, text=True, cwd=REPO, env=env)
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert proc.returncode == 0
    assert "plugin.cli" in imported and not {m for m in imported if m.split(".")[0] == "kubernetes"}
    assert '"verdict": "not-injected"' in proc.stdout


def test_version_and_help():
    out = subprocess.run([sys.executable, ENTRY, "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("kubectl-inject ")
    out = subprocess.run([sys.executable, ENTRY, "explain", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "--cluster-state" in out.stdout
