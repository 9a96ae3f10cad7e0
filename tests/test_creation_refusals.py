"""Input kube-apiserver would refuse is not explained as if it had a pod: one line naming the file,
document, line and field, exit 2, the other documents still explained; `-o pod` (istioctl kube-inject's
output, which asks no API server) prints as before and notes the refusal."""
import json

import pytest
import yaml

from .conftest import run_cli
from .creation_cases import ACCEPTED, DEPLOYMENT, REFUSED


@pytest.mark.parametrize("name,obj,field,message", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_with_the_field_and_the_other_documents_explained(tmp_path, name, obj, field, message):
    path = tmp_path / "in.yaml"
    path.write_text(yaml.safe_dump_all([obj, DEPLOYMENT], width=10 ** 9))
    run = run_cli("explain", "-f", str(path), "-o", "json")
    assert run.status == 2
    errors = [x for x in run.stderr.splitlines() if x.startswith("error:")]
    assert len(errors) == 1, run.stderr
    assert errors[0].startswith(f"error: {path}: document 0, line ") and f": field {field}: " in errors[0], errors[0]
    assert message in errors[0] and len(errors[0]) < 1000
    items = json.loads(run.stdout)["items"]
    assert [i["object"]["name"] for i in items] == ["web"]


@pytest.mark.parametrize("name,obj", ACCEPTED, ids=[r[0] for r in ACCEPTED])
def test_accepted_near_the_limits(tmp_path, name, obj):
    path = tmp_path / "in.yaml"
    path.write_text(yaml.safe_dump(obj, width=10 ** 9))
    run = run_cli("explain", "-f", str(path), "-o", "json")
    assert run.status == 0, run.stderr
    assert len(json.loads(run.stdout)["items"]) == 1


def test_pod_output_is_kube_injects_and_notes_the_refusal(tmp_path):
    obj = dict(DEPLOYMENT, metadata={"name": "statusPort"})   # a name in Istio's own kube-inject test corpus
    path = tmp_path / "in.yaml"
    path.write_text(yaml.safe_dump(obj))
    run = run_cli("explain", "-f", str(path), "-n", "mesh", "--ns-label", "istio-injection=enabled", "-o", "pod")
    assert run.status == 0
    assert "istio-proxy" in run.stdout
    assert [x for x in run.stderr.splitlines() if "kube-apiserver would refuse it" in x] == [
        x for x in run.stderr.splitlines() if x.startswith(f"note: {path}: document 0, line 4: kube-apiserver would "
                                                           'refuse it: field metadata.name: Invalid value: "statusPort"')]
    assert "kube-apiserver would refuse it" in run.stderr
