"""The layout's promises, checked on every run: the engine stays pure and layered (import-linter's
contracts in setup.cfg), the code passes ruff, and code written twice stays rare (`duplicates`)."""
import os
import shutil
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: Pairs of places in plugin/ and simulator/ sharing six or more lines. Lower it when a change removes
#: some; a change that adds one should rather reuse the code it repeats.
MAX_DUPLICATE_PAIRS = 41


def test_import_contracts_hold():
    """simulator/ never imports plugin/ or the kubernetes client; plugin/ uses the engine's surface; Go's
    template parser does not import the executor."""
    pytest.importorskip("importlinter", reason="import-linter is part of the test extra: pip install -e '.[test]'")
    proc = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                           "sys.exit(lint_imports_command())"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "broken" in proc.stdout and " 0 broken" in proc.stdout


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff") or os.path.join(os.path.dirname(sys.executable), "ruff")
    if not os.path.exists(ruff):
        pytest.skip("ruff is part of the test extra (pip install -e '.[test]') and is not installed here")
    proc = subprocess.run([ruff, "check", "--no-cache", "plugin", "simulator", "tests", "tools", "bench"],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_code_written_twice_stays_rare():
    tool = shutil.which("duplicates")
    if tool is None:
        pytest.skip("the `duplicates` command (this workplace's tool library) is not on PATH")
    if not os.path.exists(os.path.join(REPO, ".git")):   # a directory, or a file in a worktree
        pytest.skip("duplicates reads the files git tracks; this is not a git checkout")
    pairs = 0
    for folder in ("plugin", "simulator"):
        proc = subprocess.run([tool, "--repo", folder, "--most", "1", "--seconds", "60"], cwd=REPO,
                              capture_output=True, text=True)
        first = proc.stdout.splitlines()[0] if proc.stdout else ""
        if first.startswith("incomplete"):
            pytest.skip(f"duplicates could not read {folder}/: {first}")
        pairs += 0 if first.startswith("no duplicates") else int(first.split()[0])
    assert pairs <= MAX_DUPLICATE_PAIRS, f"{pairs} pairs of duplicated places (at most {MAX_DUPLICATE_PAIRS}): " \
                                         "run `duplicates --repo simulator --most 60` to see them"
