"""The pod the webhooks see for a workload is the one its controller creates (simulator/kube/controllers.py):
an ownerReference (controller, blockOwnerDeletion), the controller's name and labels. Istio reads the owner to
name the workload (ISTIO_META_WORKLOAD_NAME, ISTIO_META_OWNER in its own template); the real pods of
kube-controller-manager are compared in tests/live/test_controller_pods.py."""
import json
import re

import pytest
import yaml

from simulator.istio.data import deploy_meta_from_pod
from simulator.kube.controllers import as_controller_creates, template_hash
from simulator.kube.objects import pod_for

from . import paths
from .conftest import run_cli

TEMPLATE = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx"}]}}
HASH = re.compile(r"^[bcdfghjklmnpqrstvwxz2456789]{8,10}$")


def workload(kind, api="apps/v1", name="web", **spec):
    if kind == "CronJob":
        spec = {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": TEMPLATE}}}
    else:
        spec = dict(spec, template=TEMPLATE)
    return {"apiVersion": api, "kind": kind, "metadata": {"name": name, "namespace": "shop"}, "spec": spec}


def created(obj):
    return as_controller_creates(obj, pod_for(obj, "shop"), "shop")


@pytest.mark.parametrize("kind, api, owner_kind, workload_kind", [
    ("Deployment", "apps/v1", "ReplicaSet", "Deployment"),
    ("ReplicaSet", "apps/v1", "ReplicaSet", "ReplicaSet"),
    ("StatefulSet", "apps/v1", "StatefulSet", "StatefulSet"),
    ("DaemonSet", "apps/v1", "DaemonSet", "DaemonSet"),
    ("ReplicationController", "v1", "ReplicationController", "ReplicationController"),
    ("Job", "batch/v1", "Job", "Job"),
    ("CronJob", "batch/v1", "Job", "CronJob"),
])
def test_the_pod_has_its_controllers_owner_reference_and_istio_names_the_workload(kind, api, owner_kind, workload_kind):
    pod = created(workload(kind, api))
    md = pod["metadata"]
    ref, = md["ownerReferences"]
    assert (ref["kind"], ref["controller"], ref["blockOwnerDeletion"]) == (owner_kind, True, True)
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", ref["uid"])
    assert md["generateName"] == ref["name"] + "-"
    deploy, type_meta = deploy_meta_from_pod(pod)          # Istio's GetDeployMetaFromPod
    assert (type_meta["Kind"], deploy["Name"]) == (workload_kind, "web")
    assert md["labels"]["app"] == "web"


def test_what_each_controller_adds_as_kube_controller_manager_did():
    """The shapes read from kcm's pods (tests/live/test_controller_pods.py prints them)."""
    dep = created(workload("Deployment"))["metadata"]
    pod_hash = dep["labels"]["pod-template-hash"]
    assert HASH.match(pod_hash) and dep["ownerReferences"][0]["name"] == f"web-{pod_hash}"
    assert dep["generateName"] == f"web-{pod_hash}-"
    sts = created(workload("StatefulSet", serviceName="web"))["metadata"]
    assert (sts["name"], sts["generateName"]) == ("web-0", "web-")
    assert sts["labels"]["statefulset.kubernetes.io/pod-name"] == "web-0"
    assert sts["labels"]["apps.kubernetes.io/pod-index"] == "0"
    assert re.fullmatch(r"web-[bcdfghjklmnpqrstvwxz2456789]{8,10}", sts["labels"]["controller-revision-hash"])
    ds = created(workload("DaemonSet"))["metadata"]["labels"]
    assert HASH.match(ds["controller-revision-hash"]) and ds["pod-template-generation"] == "1"
    job = created(workload("Job", "batch/v1"))["metadata"]
    uid = job["ownerReferences"][0]["uid"]
    assert {k: v for k, v in job["labels"].items() if k != "app"} == {
        "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "web", "controller-uid": uid,
        "job-name": "web"}
    assert job["finalizers"] == ["batch.kubernetes.io/job-tracking"]
    cron = created(workload("CronJob", "batch/v1"))["metadata"]
    assert re.fullmatch(r"web-\d{8}", cron["ownerReferences"][0]["name"])


def test_the_hash_follows_the_template_and_a_known_uid_is_kept():
    one, other = workload("Deployment"), workload("Deployment")
    other["spec"]["template"] = {"metadata": {"labels": {"app": "web", "v": "2"}}, "spec": TEMPLATE["spec"]}
    assert template_hash(one["spec"]["template"]) == template_hash(json.loads(json.dumps(one["spec"]["template"])))
    assert template_hash(one["spec"]["template"]) != template_hash(other["spec"]["template"])
    live = workload("DaemonSet")
    live["metadata"]["uid"] = "6f1a3c1e-0000-4000-8000-000000000001"
    assert created(live)["metadata"]["ownerReferences"][0]["uid"] == live["metadata"]["uid"]


def test_pods_and_templates_that_already_say_who_they_are_are_left_alone():
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": TEMPLATE["spec"]}
    assert created(pod) == pod_for(pod, "shop")
    named = workload("Deployment")
    named["spec"]["template"] = dict(TEMPLATE, metadata={"name": "fixed", "labels": {"app": "web"}})
    assert "ownerReferences" not in created(named)["metadata"]
    crd = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": {"name": "web"},
           "spec": {"template": TEMPLATE}}
    assert "ownerReferences" not in created(crd)["metadata"]


@pytest.fixture(scope="module")
def chart():
    return str(paths.require(paths.istio_chart, "1.30.3"))


@pytest.mark.parametrize("kind, api, owner", [
    ("Deployment", "apps/v1", "kubernetes://apis/apps/v1/namespaces/default/deployments/web"),
    ("StatefulSet", "apps/v1", "kubernetes://apis/apps/v1/namespaces/default/statefulsets/web"),
    ("CronJob", "batch/v1", "kubernetes://apis/batch/v1/namespaces/default/cronjobs/web"),
])
def test_istios_own_template_names_the_workload_in_the_webhook_patch(chart, tmp_path, kind, api, owner):
    """Before, the webhook view of a template had no owner, so Istio 1.30.3's template left both variables out,
    where the real istiod (tests/live/test_controller_pods.py) sets them."""
    path = tmp_path / "w.yaml"
    obj = workload(kind, api)
    obj["metadata"].pop("namespace")
    path.write_text(yaml.safe_dump(obj))
    run = run_cli("explain", "-f", str(path), "--offline", "--ns-label", "istio-injection=enabled",
                  "--istio-release", chart, "-o", "json")
    assert run.status == 0, run.stderr
    item, = json.loads(run.stdout)["items"]
    env = {e["name"]: e.get("value") for op in item["patch"] if op["op"] == "add"
           for c in ([op["value"]] if isinstance(op["value"], dict) else op["value"] if isinstance(op["value"], list) else [])
           if isinstance(c, dict) and c.get("name") == "istio-proxy" for e in c.get("env") or []}
    assert (env.get("ISTIO_META_WORKLOAD_NAME"), env.get("ISTIO_META_OWNER")) == ("web", owner)


def test_the_teaching_profile_names_the_workload_from_the_owner_not_the_generated_name(tmp_path):
    obj = workload("Deployment")
    obj["metadata"].pop("namespace")
    obj["spec"]["template"] = {"metadata": {"labels": {"tier": "x"}}, "spec": TEMPLATE["spec"]}   # no app label
    path = tmp_path / "w.yaml"
    path.write_text(yaml.safe_dump(obj))
    run = run_cli("explain", "-f", str(path), "--offline", "--ns-label", "istio-injection=enabled", "-o", "json")
    assert run.status == 0, run.stderr
    text = json.dumps(json.loads(run.stdout)["items"][0]["patch"])
    assert '"ISTIO_META_WORKLOAD_NAME", "value": "web"}' in text
