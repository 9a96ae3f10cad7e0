"""Golden files for the human output: review the diff when wording changes
(`python3 -m pytest tests/test_golden_text.py --update-golden` rewrites them)."""
import os

import pytest
import yaml

from . import paths
from .conftest import run_cli

HERE = os.path.dirname(__file__)
GOLDEN = os.path.join(HERE, "golden")


def _shared_case(name, tmp_path):
    path = paths.require(paths.shared, "cases", name)
    with open(path) as fh:
        case = yaml.safe_load(fh)
    (tmp_path / "cluster.yaml").write_text(yaml.safe_dump_all(case["cluster"]))
    (tmp_path / "input.yaml").write_text(yaml.safe_dump(case["input"]))
    return ["-f", "input.yaml", "--cluster-state", "cluster.yaml", "-n", case["namespace"]]


SCENARIOS = {
    "httpbin-default": lambda tmp: ["-f", os.path.join("tests", "data", "httpbin.yaml")],
    "httpbin-mesh": lambda tmp: ["-f", os.path.join("tests", "data", "httpbin.yaml"), "-n", "mesh"],
    "annotation-opt-out": lambda tmp: _shared_case("04-annotation-opt-out.yaml", tmp),
    "never-inject-selector": lambda tmp: _shared_case("07-never-inject-builder-pod.yaml", tmp),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_text_output(name, tmp_path, request, monkeypatch):
    repo = os.path.dirname(HERE)
    args = SCENARIOS[name](tmp_path)
    monkeypatch.chdir(tmp_path if "cluster.yaml" in args else repo)
    run = run_cli("explain", *args)
    assert run.status == 0, run.stderr
    path = os.path.join(GOLDEN, f"{name}.txt")
    if request.config.getoption("--update-golden"):
        with open(path, "w") as fh:
            fh.write(run.stdout)
    with open(path) as fh:
        assert run.stdout == fh.read()
