"""Shared fixtures: ../shared (located by tests/paths.py) and an in-process CLI runner."""
import atexit
import io
import os
import shutil
import tempfile
from dataclasses import dataclass

import pytest

from tests import paths

REPO = str(paths.REPO)


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/* from the current output")
    parser.addoption("--update-oracle-goldens", action="store_true",
                     help="rewrite the recorded Go oracle answers (tests/*/golden/*.json) from Go; needs Go")


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
    return str(paths.require(paths.shared))
