"""Every case in ../shared/cases runs through the CLI with -o json, as outside checks run them."""
import glob
import json
import os

import pytest
import yaml

from . import paths
from .conftest import run_cli

CASES = sorted(glob.glob(os.path.join(paths.SHARED, "cases", "*.yaml")))
_, MISSING = paths.optional(paths.shared, "cases")


def test_the_shared_cases_are_there():
    paths.require(paths.shared, "cases")
    assert CASES, "no acceptance cases (*.yaml) in %s" % paths.shared("cases")


@pytest.mark.parametrize("path", paths.params(CASES, MISSING, [os.path.basename(p) for p in CASES]))
def test_case(path, tmp_path):
    with open(path, encoding="utf-8") as fh:
        case = yaml.safe_load(fh)
    cluster = tmp_path / "cluster.yaml"
    cluster.write_text(yaml.safe_dump_all(case["cluster"]))
    manifest = tmp_path / "input.yaml"
    manifest.write_text(yaml.safe_dump(case["input"]))
    run = run_cli("explain", "-f", str(manifest), "--cluster-state", str(cluster), "-n", case["namespace"], "-o", "json")
    assert run.status == 0, run.stderr
    item = json.loads(run.stdout)["items"][0]
    expect = case["expect"]
    assert item["verdict"] == expect["verdict"]
    assert item["decidedBy"]["stage"] == expect["stage"]
    assert item["decidedBy"]["rule"] == expect["rule"]
    assert item["decidedBy"]["webhook"] == expect.get("webhook")
    if expect["verdict"] == "injected":
        assert item["patch"], "an injected pod has a non-empty patch"
    else:
        assert item["patch"] == []
