"""The embedded Jinja profile goes through Istio's template stage: Istio's rules, whatever the engine."""
import json

import pytest

from plugin.state.sources import load_cluster_state
from simulator import explain


@pytest.fixture(scope="module")
def state():
    return load_cluster_state([])[0]


def _pod(annotations=None, containers=("app",)):
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "web", "labels": {"app": "web"}, "annotations": dict(annotations or {})},
            "spec": {"containers": [{"name": n, "image": "nginx"} for n in containers]}}


def _proxy(pod):
    return next(c for c in pod["spec"]["containers"] if c["name"] == "istio-proxy")


def test_the_proxy_image_is_istios_proxy_image(state):
    """inject.go ProxyImage: hub/image:tag, the image type from the annotation replacing the tag's."""
    assert _proxy(explain(_pod(), "mesh", state).pod)["image"] == "docker.io/istio/proxyv2:1.30.3"
    typed = explain(_pod({"sidecar.istio.io/proxyImageType": "distroless"}), "mesh", state).pod
    assert _proxy(typed)["image"] == "docker.io/istio/proxyv2:1.30.3-distroless"


def test_reinjection_strips_what_the_status_lists(state):
    first = explain(_pod(), "mesh", state).pod
    first["metadata"].pop("namespace", None)
    again = explain(first, "mesh", state).pod
    assert [c["name"] for c in again["spec"]["containers"]] == ["app", "istio-proxy"]
    assert [c["name"] for c in again["spec"]["initContainers"]] == ["istio-init"]
    status = json.loads(again["metadata"]["annotations"]["sidecar.istio.io/status"])
    assert status["containers"] == ["istio-proxy"] and status["revision"] == "default"


def test_a_status_that_does_not_decode_strips_nothing(state):
    """stripPod ignores a status annotation json.Unmarshal refuses ("containers" must be a list of names),
    so the templates still see container "a" as an application container."""
    pod = explain(_pod({"sidecar.istio.io/status": '{"containers": "abc"}'}, ("a", "app")), "mesh", state).pod
    env = {e["name"]: e.get("value") for e in _proxy(pod).get("env", [])}
    assert env["ISTIO_META_APP_CONTAINERS"] == "a,app"


def test_hold_application_puts_the_proxy_first(state):
    held = explain(_pod({"proxy.istio.io/config": "holdApplicationUntilProxyStarts: true\n"}), "mesh", state).pod
    assert [c["name"] for c in held["spec"]["containers"]] == ["istio-proxy", "app"]
    unreadable = explain(_pod({"proxy.istio.io/config": "holdApplicationUntilProxyStarts: [x"}), "mesh", state).pod
    assert [c["name"] for c in unreadable["spec"]["containers"]] == ["app", "istio-proxy"]


def test_a_missing_template_is_named_with_the_ones_there_are(state):
    expl = explain(_pod({"inject.istio.io/templates": "sidecar,nope"}), "mesh", state)
    assert expl.verdict.value == "rejected"
    assert expl.decided_by.detail["message"].endswith('requested template "nope" not found; have sidecar')
