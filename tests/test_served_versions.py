"""A built-in kind at a version the API server does not serve (a Deployment from an old tutorial, written
`extensions/v1beta1`) is refused as kubectl refuses it, so it is never explained as if it got a pod; a kind of
the same name in a group of its own is some custom resource and is still explained."""
import copy
import json

import pytest
import yaml

from .conftest import run_cli
from .creation_cases import DEPLOYMENT, POD


@pytest.mark.parametrize("base,api_version", [
    (DEPLOYMENT, "extensions/v1beta1"), (DEPLOYMENT, "apps/v1beta2"), (DEPLOYMENT, "v1"),
    (POD, "apps/v1"), (POD, "v2"),
    ({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
      "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": {
          "restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}}}}, "batch/v1beta1"),
])
def test_an_unserved_version_is_refused_naming_the_served_one(tmp_path, base, api_version):
    obj = copy.deepcopy(base)
    obj["apiVersion"] = api_version
    path = tmp_path / "old.yaml"
    path.write_text(yaml.safe_dump_all([obj, DEPLOYMENT]))
    run = run_cli("explain", "-f", str(path), "-o", "json")
    assert run.status == 2
    [error] = [x for x in run.stderr.splitlines() if x.startswith("error:")]
    assert error.startswith(f"error: {path}: document 0, line 1: field apiVersion: ")
    assert f'no matches for kind "{obj["kind"]}" in version "{api_version}"' in error
    assert [i["object"]["name"] for i in json.loads(run.stdout)["items"]] == ["web"]


def test_the_same_kind_in_another_group_is_a_custom_resource_and_explained(tmp_path):
    obj = dict(copy.deepcopy(DEPLOYMENT), apiVersion="example.com/v1")
    path = tmp_path / "cr.yaml"
    path.write_text(yaml.safe_dump(obj))
    run = run_cli("explain", "-f", str(path), "-o", "json")
    assert run.status == 0, run.stderr
    assert [i["object"]["name"] for i in json.loads(run.stdout)["items"]] == ["web"]
