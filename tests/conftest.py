"""Shared fixtures: the repository's neighbours (../shared) and an in-process CLI runner."""
import atexit
import io
import os
import shutil
import tempfile
from dataclasses import dataclass

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("KUBECTL_INJECT_SHARED", os.path.join(os.path.dirname(REPO), "shared"))


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/* from the current output")


@dataclass
class Run:
    status: int
    stdout: str
    stderr: str


#: Parse trees the in-process CLI caches (plugin/runtime/treecache.py) go here, not into the user's ~/.cache.
TREE_CACHE = tempfile.mkdtemp(prefix="kubectl-inject-test-trees-")
atexit.register(shutil.rmtree, TREE_CACHE, True)


def run_cli(*argv, stdin="", environ=None, tty=False):
    from plugin.cli import main
    from plugin.env import Environment

    out, err = io.StringIO(), io.StringIO()
    environ = {"KUBECTL_INJECT_CACHE_DIR": TREE_CACHE} if environ is None else environ
    env = Environment(stdin=io.StringIO(stdin), stdout=out, stderr=err, environ=environ, stdout_isatty=tty)
    status = main(list(argv), env)
    return Run(int(status), out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def shared_dir():
    if not os.path.isdir(SHARED):
        pytest.skip(f"../shared is not beside the repository ({SHARED}); the acceptance inputs live there")
    return SHARED
