"""Large inputs are explained by forked workers (plugin/runtime/bulk.py): what a user sees - output, messages,
exit status - must not depend on how many processes did the work."""
import os

import pytest
import yaml

from plugin.runtime import bulk

from .conftest import run_cli


def _fleet(tmp_path, n):
    docs = []
    for i in range(n):
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"web-{i}", "labels": {"app": f"a{i % 7}"}},
               "spec": {"containers": [{"name": "web", "image": "nginx", "ports": [{"containerPort": 8000 + i}]}]}}
        if i % 9 == 0:
            pod["metadata"]["annotations"] = {"sidecar.istio.io/inject": "false"}
        if i % 25 == 3:
            pod["metadata"]["namespace"] = "nowhere"     # not in the cluster state: an error for this one
        docs.append(pod)
    path = tmp_path / "fleet.yaml"
    path.write_text(yaml.safe_dump_all(docs))
    return str(path)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked processes; this platform cannot fork")
@pytest.mark.parametrize("output", ["json", "text", "pod"])
def test_workers_change_nothing_but_speed(tmp_path, output):
    path = _fleet(tmp_path, bulk.MIN_PARALLEL + 40)
    assert bulk.workers_for(bulk.MIN_PARALLEL + 40, {"KUBECTL_INJECT_WORKERS": "2"}) == 2
    runs = [run_cli("explain", "-f", path, "-o", output, "--ns-label", "istio-injection=enabled",
                    environ={"KUBECTL_INJECT_WORKERS": w, "KUBECTL_INJECT_CACHE": "off"}) for w in ("1", "2")]
    one, two = runs
    assert one.status == two.status == 2                      # the pods in "nowhere" are errors
    assert one.stderr == two.stderr and "nowhere" in one.stderr
    assert one.stdout == two.stdout and one.stdout


def test_small_inputs_stay_in_process():
    assert bulk.workers_for(bulk.MIN_PARALLEL - 1, {"KUBECTL_INJECT_WORKERS": "8"}) == 1
    assert bulk.workers_for(10_000, {"KUBECTL_INJECT_WORKERS": "1"}) == 1
    assert bulk.workers_for(10_000, {"KUBECTL_INJECT_WORKERS": "3"}) == 3
