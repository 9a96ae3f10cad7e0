"""The installed entry script, as kubectl runs it: a subprocess, with no kubernetes client import."""
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENTRY = os.path.join(REPO, "kubectl-inject")


def test_entry_script_explains_and_does_not_import_the_kubernetes_client():
    code = ("import runpy, sys\n"
            "sys.argv = ['kubectl-inject', 'explain', '-f', %r, '-o', 'json']\n"
            "try:\n    runpy.run_path(%r, run_name='__main__')\n"
            "except SystemExit as e:\n    status = e.code\n"
            "sys.stderr.write('STATUS=%%s KUBERNETES=%%s\\n' %% (status, 'kubernetes' in sys.modules))\n"
            % (os.path.join(REPO, "tests", "data", "httpbin.yaml"), ENTRY))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert "STATUS=0 KUBERNETES=False" in proc.stderr
    assert '"verdict": "not-injected"' in proc.stdout


def test_version_and_help():
    out = subprocess.run([sys.executable, ENTRY, "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("kubectl-inject ")
    out = subprocess.run([sys.executable, ENTRY, "explain", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "--cluster-state" in out.stdout
