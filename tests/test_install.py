"""The README's Install section, run exactly as written: each route (pip, pipx, krew) in a copy of this
checkout with a fresh HOME, ending in a working `kubectl inject`; and the wheel on the oldest and newest
Python the package supports. These reach PyPI (pip builds in an isolated environment) and take a minute."""
import os
import re
import shutil
import subprocess
import sys

import pytest

from .conftest import REPO
from .krewtools import krew_tools  # noqa: F401  (a fixture)

pytestmark = pytest.mark.slow

def readme_block(route):
    """The ```sh block that follows the README's `**route**` paragraph in its Install section."""
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as f:
        text = f.read()
    section = text.split("## Install\n", 1)[1].split("\n## ", 1)[0]
    after = section.split(f"**{route}**", 1)[1]
    return re.search(r"```sh\n(.*?)```", after, re.S).group(1)


@pytest.fixture
def checkout(tmp_path):
    """This checkout as git sees it (tracked and untracked-but-not-ignored files), copied: what a clone gets."""
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, capture_output=True,
                         check=True).stdout.decode().split("\0")
    dest = tmp_path / "kubectl-inject"
    for rel in filter(None, out):
        src = os.path.join(REPO, rel)
        if os.path.isfile(src):
            os.makedirs(dest / os.path.dirname(rel), exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def run_block(block, cwd, env):
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, f"README block failed:\n{block}\n--- stdout\n{proc.stdout[-3000:]}\n" \
                                 f"--- stderr\n{proc.stderr[-3000:]}"
    return proc.stdout


def base_env(tmp_path, path_first=()):
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    path = list(path_first) + [os.path.dirname(sys.executable), "/usr/local/bin", "/usr/bin", "/bin"]
    return {"HOME": str(home), "PATH": os.pathsep.join(map(str, path)), "LANG": "C.UTF-8",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def test_pip_route(tmp_path, checkout):
    from plugin import __version__

    out = run_block(readme_block("pip"), checkout, base_env(tmp_path))
    assert f"kubectl-inject {__version__}" in out
    bin_dir = tmp_path / "home" / ".venvs" / "kubectl-inject" / "bin"
    assert (bin_dir / "kubectl_complete-inject").exists()
    explained = subprocess.run([str(bin_dir / "kubectl-inject"), "explain", "-f", str(checkout / "tests/data/httpbin.yaml"),
                                "-n", "mesh", "-o", "json"], cwd=tmp_path, capture_output=True, text=True)
    assert explained.returncode == 0 and '"verdict": "injected"' in explained.stdout, explained.stderr


def test_pipx_route(tmp_path, checkout):
    from plugin import __version__

    tools = tmp_path / "tools"
    subprocess.run([sys.executable, "-m", "venv", str(tools)], check=True)
    env = base_env(tmp_path, [tools / "bin", tmp_path / "pipx-bin"])
    env.update(PIPX_HOME=str(tmp_path / "pipx-home"), PIPX_BIN_DIR=str(tmp_path / "pipx-bin"))
    out = run_block(readme_block("pipx"), checkout, env)
    assert f"kubectl-inject {__version__}" in out
    with_complete = subprocess.run([str(tmp_path / "pipx-bin" / "kubectl_complete-inject"), "explain", "-o", "p"],
                                   cwd=tmp_path, env=env, capture_output=True, text=True)
    assert with_complete.stdout.splitlines() == ["patch", "pod", ":4"], with_complete.stderr
    wheel = next((checkout / "dist").glob("kubectl_inject-*.whl"))
    sdist = next((checkout / "dist").glob("kubectl_inject-*.tar.gz"))
    import tarfile
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"plugin/data/default-cluster.yaml", "plugin/data/sidecar.yaml.j2"} <= names
    assert any(n.endswith(".data/scripts/kubectl_complete-inject") for n in names)
    with tarfile.open(sdist) as tar:
        members = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}
    assert {"plugin/data/default-cluster.yaml", "kubectl-inject", "kubectl_complete-inject", "LICENSE",
            "README.md"} <= members


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not on PATH: krew runs as `kubectl krew`")
def test_krew_route(tmp_path, checkout, krew_tools):
    from plugin import __version__

    bindir = tmp_path / "krew-bin"
    bindir.mkdir()
    os.symlink(krew_tools["krew"], bindir / "kubectl-krew")
    root = tmp_path / "krew-root"
    (root / "index" / "default" / "plugins").mkdir(parents=True)        # stands in for the index's git clone
    subprocess.run(["git", "init", "-q", str(root / "index" / "default")], check=True)
    env = base_env(tmp_path, [bindir, root / "bin"])
    env.update(KREW_ROOT=str(root), KREW_NO_UPGRADE_CHECK="1")
    out = run_block(readme_block("krew"), checkout, env)
    assert f"kubectl-inject {__version__}" in out


@pytest.mark.parametrize("version", ["3.9", "3.13"])
def test_wheel_on_oldest_and_newest_python(tmp_path, version):
    """The wheel, default install (no extra: offline paths stay light), in a venv of that Python whose
    dependencies pip resolved from PyPI for it (tests/pyvenvs.py: cached by the requirements, so a warm run
    reaches PyPI not at all); `status` with the `cluster` extra is tests/live/test_python_versions.py."""
    from . import pyvenvs

    with pyvenvs.cached_venv(version, extras=()) as (venv, full):
        bin_dir = pyvenvs.install_wheel(venv, pyvenvs.build_wheel())
        shutil.copy(os.path.join(REPO, "tests", "data", "httpbin.yaml"), tmp_path / "httpbin.yaml")
        run = subprocess.run([str(bin_dir / "kubectl-inject"), "explain", "-f", "httpbin.yaml", "-n", "mesh", "-o",
                              "json"], cwd=tmp_path, capture_output=True, text=True)
        shown = subprocess.run([str(bin_dir / "kubectl-inject"), "version", "-o", "json"], cwd=tmp_path,
                               capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert '"verdict": "injected"' in run.stdout
    assert f'"python": "{full}"' in shown.stdout
