"""What a controller puts on the pods it creates, and whether `explain KIND/NAME` (the workload's template, as the
webhook would see the controller's pod) predicts what the real istiod did to the real pods: kube-controller-manager
makes the pods (ownerReferences with controller and blockOwnerDeletion, generateName NAME-HASH-, the controllers'
labels), istiod injects them, and the prediction from the template alone must agree — the owner decides
ISTIO_META_WORKLOAD_NAME and ISTIO_META_OWNER in Istio's own template."""
import json
import os

import pytest

from .mesh import until
from .test_real_injector import _disagreements, _proxied

pytestmark = pytest.mark.slow

NODE = "kwok-node-1"       # no scheduler in this tier
CONTAINER = {"name": "app", "image": "docker.io/kennethreitz/httpbin", "ports": [{"containerPort": 80}]}


def _template(app, restart=None):
    spec = {"nodeName": NODE, "containers": [dict(CONTAINER)]}
    if restart:
        spec["restartPolicy"] = restart
    return {"metadata": {"labels": {"app": app}}, "spec": spec}


WORKLOADS = {
    "Deployment": ("apps/v1", "deployments", {"replicas": 1, "selector": {"matchLabels": {"app": "ctl-dep"}},
                                              "template": _template("ctl-dep")}),
    "StatefulSet": ("apps/v1", "statefulsets", {"replicas": 1, "serviceName": "ctl-sts",
                                                "selector": {"matchLabels": {"app": "ctl-sts"}},
                                                "template": _template("ctl-sts")}),
    "DaemonSet": ("apps/v1", "daemonsets", {"selector": {"matchLabels": {"app": "ctl-ds"}},
                                            "template": _template("ctl-ds")}),
    "Job": ("batch/v1", "jobs", {"template": _template("ctl-job", "Never")}),
}
NAMES = {"Deployment": "ctl-dep", "StatefulSet": "ctl-sts", "DaemonSet": "ctl-ds", "Job": "ctl-job"}


def _pods_of(real, namespace, app):
    _, body = real.cluster.request("GET", f"/api/v1/namespaces/{namespace}/pods", query={"labelSelector": f"app={app}"})
    return [p for p in body["items"] if not p["metadata"].get("deletionTimestamp")]


@pytest.mark.parametrize("kind", list(WORKLOADS))
def test_the_template_prediction_matches_the_pod_the_controller_made(control_plane, kind):
    real = control_plane
    api_version, plural, spec = WORKLOADS[kind]
    name = NAMES[kind]
    group = "api" if api_version == "v1" else f"apis/{api_version}"
    body = {"apiVersion": api_version, "kind": kind, "metadata": {"name": name, "namespace": "inj"}, "spec": spec}
    status, made = real.cluster.request("POST", f"/{group}/namespaces/inj/{plural}", body)
    assert status == 201, made
    pod, = until(lambda: (lambda p: p if len(p) == 1 and _proxied(p[0]) else None)(_pods_of(real, "inj", name)),
                 f"the {kind}'s pod, injected by istiod")
    if os.environ.get("KUBECTL_INJECT_SHOW_PODS"):
        print(kind, json.dumps({k: pod["metadata"].get(k) for k in ("name", "generateName", "labels", "annotations",
                                                                    "ownerReferences", "finalizers")}, indent=1))
    ref, = pod["metadata"]["ownerReferences"]
    assert ref["controller"] is True and ref["blockOwnerDeletion"] is True
    run = real.run("explain", f"{kind.lower()}/{name}", "-n", "inj", "-o", "json")
    assert run.status == 0, run.stderr
    prediction, = json.loads(run.stdout)["items"]
    assert prediction["verdict"] == "injected"
    problems = _disagreements(prediction, pod)
    assert not problems, f"{kind}:\n" + "\n".join(problems)
