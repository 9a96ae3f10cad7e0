"""`kubectl inject apply` without a cluster: the comparison of a predicted pod with a stored one (what is
normalised away and what must be reported, with its JSON path), the patch check, how a controller's pod is
read back into the pod it submitted, and the argument errors (exit 2, one line). The live behaviour is
tests/live/test_apply.py."""
import copy
import json

import pytest

from plugin.workloads import compare
from plugin.workloads.observe import as_submitted, template_pod
from simulator import after_webhooks

TOKEN = "kube-api-access-x7k2q"


def _stored(**changes):
    """A pod as kube-apiserver stores it: server metadata, a generated name, a random token suffix, status, a
    node bound by the scheduler, and the token mounted into the injected istio-proxy (the second round)."""
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "web-5f7d-abcde", "generateName": "web-5f7d-", "namespace": "inj",
                        "uid": "0b5c", "resourceVersion": "812", "creationTimestamp": "2026-12-02T08:00:00Z",
                        "managedFields": [{"manager": "kube-controller-manager"}],
                        "labels": {"app": "web"},
                        "annotations": {"sidecar.istio.io/status": '{"containers":["istio-proxy"],"revision":"default"}'}},
           "spec": {"nodeName": "kwok-node-1",
                    "containers": [
                        {"name": "web", "image": "nginx", "volumeMounts": [
                            {"name": TOKEN, "mountPath": compare.TOKEN_MOUNT_PATH, "readOnly": True}]},
                        {"name": "istio-proxy", "image": "proxyv2:1.30", "volumeMounts": [
                            {"name": "istio-envoy", "mountPath": "/etc/istio/proxy"},
                            {"name": TOKEN, "mountPath": compare.TOKEN_MOUNT_PATH, "readOnly": True}]}],
                    "volumes": [{"name": "istio-envoy", "emptyDir": {}}, {"name": TOKEN, "projected": {}}]},
           "status": {"phase": "Pending"}}
    for path, value in changes.items():
        target = pod
        keys = path.split(".")
        for k in keys[:-1]:
            target = target[int(k)] if isinstance(target, list) else target[k]
        target[keys[-1]] = value
    return pod


def _predicted():
    """The same pod as the simulator predicts it: no server fields, the placeholder token volume, no second-round
    mount, the status annotation's JSON written with its keys in another order."""
    pod = _stored()
    pod["metadata"] = {"generateName": "web-5f7d-", "namespace": "inj", "labels": {"app": "web"},
                       "annotations": {"sidecar.istio.io/status": '{"revision": "default", "containers": ["istio-proxy"]}'}}
    pod.pop("status")
    spec = pod["spec"]
    spec.pop("nodeName")
    spec["containers"][0]["volumeMounts"][0]["name"] = compare.TOKEN_PLACEHOLDER
    spec["containers"][1]["volumeMounts"] = spec["containers"][1]["volumeMounts"][:1]
    spec["volumes"][1]["name"] = compare.TOKEN_PLACEHOLDER
    return pod


def _diff(predicted, stored, submitted=("web",)):
    node = predicted["spec"].get("nodeName")
    mine = compare.normalise(predicted, node)
    return compare.differences(mine, compare.comparable(stored, node, mine, set(submitted)))


def test_server_generated_fields_are_not_differences():
    assert _diff(_predicted(), _stored()) == []


def test_a_changed_image_is_named_by_its_json_path():
    found = _diff(_predicted(), _stored(**{"spec.containers.1.image": "proxyv2:1.99"}))
    assert found == [{"path": "/spec/containers/1/image", "predicted": "proxyv2:1.30", "observed": "proxyv2:1.99"}]


def test_a_label_another_webhook_added_is_a_difference_with_the_predicted_side_absent():
    stored = _stored()
    stored["metadata"]["labels"]["team/owner"] = "payments"
    assert _diff(_predicted(), stored) == [{"path": "/metadata/labels/team~1owner", "observed": "payments"}]


def test_a_map_on_one_side_only_is_named_key_by_key():
    """An unknown webhook injected a pod predicted without annotations: each annotation's own path (the status
    annotation as written), not the whole map; an empty map where the other side has none is still reported."""
    predicted, stored = _predicted(), _stored()
    predicted["metadata"].pop("annotations")
    stored["metadata"]["annotations"]["istio.io/rev"] = "default"
    stored["spec"]["securityContext"] = {"runAsUser": 1337, "seLinuxOptions": {}}
    assert _diff(predicted, stored) == [
        {"path": "/metadata/annotations/sidecar.istio.io~1status",
         "observed": stored["metadata"]["annotations"]["sidecar.istio.io/status"]},
        {"path": "/metadata/annotations/istio.io~1rev", "observed": "default"},
        {"path": "/spec/securityContext/runAsUser", "observed": 1337},
        {"path": "/spec/securityContext/seLinuxOptions", "observed": {}}]


def test_an_extra_container_is_one_difference_listing_the_names():
    stored = _stored()
    stored["spec"]["containers"].append({"name": "vault-agent", "image": "vault"})
    found, = _diff(_predicted(), stored)
    assert found == {"path": "/spec/containers", "predicted": ["web", "istio-proxy"],
                     "observed": ["web", "istio-proxy", "vault-agent"]}


def test_the_status_annotation_is_compared_as_json():
    stored = _stored()
    stored["metadata"]["annotations"]["sidecar.istio.io/status"] = '{"containers":["istio-proxy"],"revision":"canary"}'
    found, = _diff(_predicted(), stored)
    assert found["path"] == "/metadata/annotations/sidecar.istio.io~1status/revision"
    assert (found["predicted"], found["observed"]) == ("default", "canary")


def test_a_token_mount_in_a_submitted_container_is_not_excused():
    """The second round only mounts the token into containers a webhook added; the app container's mount is
    the first round's, which the prediction must have."""
    predicted = _predicted()
    predicted["spec"]["containers"][0].pop("volumeMounts")
    found, = _diff(predicted, _stored())
    assert found["path"] == "/spec/containers/0/volumeMounts"


def test_a_node_the_user_set_is_compared():
    predicted = _predicted()
    predicted["spec"]["nodeName"] = "kwok-node-2"
    assert _diff(predicted, _stored()) == [{"path": "/spec/nodeName", "predicted": "kwok-node-2",
                                            "observed": "kwok-node-1"}]


def test_a_name_without_generate_name_is_compared():
    predicted, stored = _predicted(), _stored()
    for pod in (predicted, stored):
        pod["metadata"].pop("generateName")
    predicted["metadata"]["name"] = "web-0"
    stored["metadata"]["name"] = "web-1"
    assert _diff(predicted, stored) == [{"path": "/metadata/name", "predicted": "web-0", "observed": "web-1"}]


def test_types_differ_even_when_python_equates_them():
    assert compare.differences({"a": 1}, {"a": True}) == [{"path": "/a", "predicted": 1, "observed": True}]


# -- the patch check ---------------------------------------------------------------------------------------------

def _handed():
    """The pod as the API server handed it to the webhook (its token volume named by the server)."""
    pod = _stored()
    pod["metadata"]["annotations"] = {}
    pod["spec"]["containers"] = pod["spec"]["containers"][:1]
    pod["spec"]["volumes"] = pod["spec"]["volumes"][1:]
    pod["spec"].pop("nodeName")
    return pod


PATCH = [{"op": "add", "path": "/metadata/annotations/sidecar.istio.io~1status",
          "value": '{"containers":["istio-proxy"],"revision":"default"}'},
         {"op": "add", "path": "/spec/containers/1",
          "value": {"name": "istio-proxy", "image": "proxyv2:1.30",
                    "volumeMounts": [{"name": "istio-envoy", "mountPath": "/etc/istio/proxy"}]}},
         {"op": "add", "path": "/spec/volumes/0", "value": {"name": "istio-envoy", "emptyDir": {}}}]


def _defaults(pod):
    return pod     # these hand-made pods carry no field the server would default


def test_the_predicted_patch_applied_to_the_handed_pod_gives_the_stored_pod():
    assert compare.patch_differences(PATCH, _handed(), _stored(), _defaults, None, {"web"}) == []


def test_a_patch_that_gives_another_pod_is_reported_at_the_path():
    patch = copy.deepcopy(PATCH)
    patch[1]["value"]["image"] = "proxyv2:1.29"
    found, = compare.patch_differences(patch, _handed(), _stored(), _defaults, None, {"web"})
    assert found["path"] == "/spec/containers/1/image" and found["predicted"] == "proxyv2:1.29"


def test_a_patch_that_does_not_apply_names_the_failing_operation():
    patch = [{"op": "replace", "path": "/spec/initContainers/0/image", "value": "x"}]
    found, = compare.patch_differences(patch, _handed(), _stored(), _defaults, None, {"web"})
    assert found["path"] == "/spec/initContainers/0/image" and found["observed"].startswith("it does not")


def test_after_webhooks_defaults_what_a_webhook_added():
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "inj"},
           "spec": {"containers": [{"name": "istio-proxy", "image": "proxyv2:1.30",
                                    "readinessProbe": {"httpGet": {"path": "/ready", "port": 15021}}}]}}
    stored = after_webhooks(pod)
    proxy = stored["spec"]["containers"][0]
    assert proxy["terminationMessagePath"] == "/dev/termination-log"
    assert proxy["readinessProbe"]["periodSeconds"] == 10 and proxy["readinessProbe"]["httpGet"]["scheme"] == "HTTP"
    assert "terminationMessagePath" not in pod["spec"]["containers"][0]        # a copy


# -- the controller's pod ------------------------------------------------------------------------------------------

def test_the_submitted_pod_takes_what_the_controller_added_and_nothing_the_injector_did():
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "inj"},
                  "spec": {"template": {"metadata": {"labels": {"app": "web"}},
                                        "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}}
    stored = _stored()
    stored["metadata"]["labels"].update({"pod-template-hash": "5f7d", "security.istio.io/tlsMode": "istio"})
    stored["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5f7d"}]
    pod = as_submitted(template_pod(deployment, "inj"), stored)
    assert pod["metadata"]["generateName"] == "web-5f7d-" and "name" not in pod["metadata"]
    assert pod["metadata"]["labels"] == {"app": "web", "pod-template-hash": "5f7d"}
    assert pod["metadata"]["ownerReferences"][0]["name"] == "web-5f7d"
    assert [c["name"] for c in pod["spec"]["containers"]] == ["web"]
    assert "labels" in deployment["spec"]["template"]["metadata"] and \
        deployment["spec"]["template"]["metadata"]["labels"] == {"app": "web"}     # the workload is not changed


# -- arguments -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("argv, message", [
    ((), "error: apply needs -f FILE"),
    (("-f", "x.yaml", "--dry-run=client"), "error: --dry-run=client: apply's dry run is --dry-run=server"),
    (("-f", "x.yaml", "--wait", "soon"), "error: invalid --wait 'soon'"),
    (("-f", "x.yaml", "--offline"), "error: apply reads a live cluster, and there is none: --offline"),
])
def test_argument_errors_are_one_line_and_exit_2(cli, argv, message):
    run = cli("apply", *argv)
    assert run.status == 2 and run.stdout == ""
    assert [ln for ln in run.stderr.splitlines() if ln.startswith("error:")] == [run.stderr.splitlines()[-1]]
    assert run.stderr.splitlines()[-1].startswith(message), run.stderr


def test_no_kubeconfig_is_an_error_not_the_embedded_default(cli, tmp_path):
    path = tmp_path / "pod.yaml"
    path.write_text(json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                                "spec": {"containers": [{"name": "a", "image": "nginx"}]}}))
    run = cli("apply", "-f", str(path))
    assert run.status == 2 and "apply reads a live cluster, and there is none" in run.stderr


def test_report_must_be_a_directory(cli, tmp_path):
    (tmp_path / "file").write_text("")
    run = cli("apply", "-f", "x.yaml", "--report", str(tmp_path / "file"))
    assert run.status == 2 and "exists and is not a directory" in run.stderr


# -- the first pod of a workload, from its controllers' events ---------------------------------------------------

class _FakeEvents:
    """A client whose watch of Events yields the given events once, and whose GET returns a named pod."""

    def __init__(self, events):
        self.events = events
        self.watches = []

    def watch_events(self, resource, namespace, resource_version, timeout, field_selector=None):
        self.watches.append((resource.plural, namespace, resource_version))
        out, self.events = self.events, []
        return iter(out)

    def get(self, resource, name, namespace):
        return {"kind": "Pod", "metadata": {"name": name, "namespace": namespace}}


def _event(kind, name, reason, message, rv="10"):
    return {"type": "ADDED", "object": {"metadata": {"resourceVersion": rv}, "reason": reason, "message": message,
                                        "involvedObject": {"kind": kind, "name": name}}}


DEPLOYMENT = {"kind": "Deployment", "metadata": {"name": "web", "namespace": "inj"}}


def test_a_deployments_first_pod_is_found_through_its_replicaset():
    from plugin.workloads.observe import first_pod

    client = _FakeEvents([
        _event("ReplicaSet", "other-77f", "SuccessfulCreate", "Created pod: other-77f-aaaaa"),   # not ours
        _event("Deployment", "web", "ScalingReplicaSet", "Scaled up replica set web-5f7d from 0 to 1"),
        _event("ReplicaSet", "web-5f7d", "FailedCreate", 'Error creating: pods "web-5f7d-" is forbidden: '
                                                         'error looking up service account inj/default'),  # no webhook
        _event("ReplicaSet", "web-5f7d", "SuccessfulCreate", "Created pod: web-5f7d-x2k9q")])
    seen = first_pod(client, DEPLOYMENT, "inj", "7", 5)
    assert seen.error is None and seen.pod["metadata"]["name"] == "web-5f7d-x2k9q" and seen.via == "controller"
    assert client.watches == [("events", "inj", "7")]


def test_a_failed_create_naming_a_webhook_ends_the_wait_with_the_controllers_error():
    from plugin.workloads.observe import first_pod

    message = ('Error creating: Internal error occurred: failed calling webhook "namespace.sidecar-injector.istio.io": '
               'failed to call webhook: Post "https://127.0.0.1:1/inject": connection refused')
    client = _FakeEvents([_event("Deployment", "web", "ScalingReplicaSet", "Scaled up replica set web-5f7d to 1"),
                          _event("ReplicaSet", "web-5f7d", "FailedCreate", message)])
    seen = first_pod(client, DEPLOYMENT, "inj", "7", 5)
    assert seen.pod is None
    assert seen.error == f"replicaset/web-5f7d could not create its pod (FailedCreate): {message}"


def test_a_statefulsets_pod_is_named_in_its_own_words():
    from plugin.workloads.observe import first_pod

    client = _FakeEvents([_event("StatefulSet", "db", "SuccessfulCreate", "create Pod db-0 in StatefulSet db successful")])
    seen = first_pod(client, {"kind": "StatefulSet", "metadata": {"name": "db"}}, "inj", "7", 5)
    assert seen.pod["metadata"]["name"] == "db-0"


def test_no_pod_within_the_wait_says_so(monkeypatch):
    from plugin.workloads import observe

    clock = iter([0.0, 0.0, 100.0, 100.0, 100.0])
    monkeypatch.setattr(observe.time, "monotonic", lambda: next(clock))
    seen = observe.first_pod(_FakeEvents([]), DEPLOYMENT, "inj", "7", 30)
    assert seen.pod is None and seen.error.startswith("no pod was created from deployment/web's template within 30s")
