"""What `istioctl kube-inject` refuses while decoding its input, and that `explain -o pod` says so.

istioctl decodes each document with sigs.k8s.io/yaml (FromRawToObject: TypeMeta first, then the Go type
of the kind), so its errors carry that library's "error unmarshaling JSON: while decoding JSON: " and
encoding/json's naming of values and fields.  The webhook path only sees the pod template, so it may
inject an object kube-inject refuses: `-o pod` must then fail like istioctl (exit 2, its message), not
print the webhook's pod.  Expected texts are what the real master istioctl printed; every line whose
istioctl the machine can build is compared again here.
"""
import json

import pytest

from tests.conftest import run_cli
from tests import paths
from tests.istio import parity

_DEPLOYMENT = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: %s\n"
               "  template: {spec: {containers: [{name: app, image: nginx}]}}\n")
_PREFIX = "error unmarshaling JSON: while decoding JSON: json: "

#: name -> (manifest, istioctl's error or None when it succeeds)
CASES = {
    "not-a-mapping": ("- a\n- b\n", _PREFIX + "cannot unmarshal array into Go value of type v1.TypeMeta"),
    "a-string": ("just a string\n", _PREFIX + "cannot unmarshal string into Go value of type v1.TypeMeta"),
    "api-version-list": ("apiVersion: [1]\nkind: Deployment\n",
                         _PREFIX + "cannot unmarshal array into Go struct field TypeMeta.apiVersion of type string"),
    "kind-number": ("apiVersion: v1\nkind: 5\n", None),
    "replicas-string": (_DEPLOYMENT % '"three"', _PREFIX + "cannot unmarshal string into Go struct field "
                                                           "DeploymentSpec.spec.replicas of type int32"),
    "list-api-version-number": ("kind: List\napiVersion: 5\n", _PREFIX + "cannot unmarshal number into Go struct "
                                                                         "field List.TypeMeta.apiVersion of type string"),
    "list-items-mapping": ("kind: List\napiVersion: v1\nitems: {a: 1}\n",
                           _PREFIX + "cannot unmarshal object into Go struct field List.items of type "
                                     "[]runtime.RawExtension"),
    "list-item-number": ("kind: List\napiVersion: v1\nitems:\n- 5\n",
                         _PREFIX + "cannot unmarshal number into Go value of type v1.TypeMeta"),
    # A List's item is decoded like a document.
    "list-item-replicas-string": (
        "kind: List\napiVersion: v1\nitems:\n- {kind: Deployment, apiVersion: apps/v1, metadata: {name: x}, spec: "
        "{replicas: \"3\", template: {spec: {containers: [{name: a, image: b}]}}}}\n",
        _PREFIX + "cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"),
    "list-unknown-item-kind": ("kind: List\napiVersion: v1\nitems:\n- {kind: 7}\n", None),
    "list-without-items": ("kind: List\napiVersion: v1\nmetadata: {resourceVersion: 5}\n", None),
    # The reader refuses the separator when it comes: the documents before are already written, the one it
    # would have ended is lost.
    "bad-separator": ("kind: Service\napiVersion: v1\nmetadata: {name: a}\n---\nkind: Service\napiVersion: v1\n"
                      "metadata: {name: b}\n--- x\nkind: Service\napiVersion: v1\nmetadata: {name: c}\n",
                      "invalid Yaml document separator: x"),
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("kube-inject-errors")
    paths = {}
    for name, (text, _) in CASES.items():
        paths[name] = d / (name + ".yaml")
        paths[name].write_text(text)
    return paths


@pytest.mark.parametrize("release", parity.RELEASES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_same_as_istioctl(istioctl_for, inputs, release, case):
    istioctl_for(release)
    r = parity.run_case(release, parity.VARIANT_BY_NAME["default"], inputs[case])
    assert r.identical, "%s\nistioctl error: %s\nsimulator error: %s" % (r.detail, r.real_error, r.mine_error)
    assert r.real_error == (CASES[case][1] or "")


def test_the_simulators_error_texts(inputs):
    """Without istioctl: the texts above, from the simulator on a chart-less configuration."""
    from simulator.istio.injector_config import build_config
    from simulator.istio.kubeinject import kube_inject_text

    template = "spec:\n  containers:\n  - name: istio-proxy\n    image: proxy\n"
    config = build_config({"templates": {"sidecar": template}}, {}, name="istio-sidecar-injector",
                          namespace="istio-system", revision="", engine="go", origin="test")
    for name, (text, want) in CASES.items():
        out, _, error = kube_inject_text(text, config)
        assert error == want, name
        if name == "bad-separator":
            assert out == "kind: Service\napiVersion: v1\nmetadata: {name: a}\n---\n"


def test_pod_output_fails_where_kube_inject_refuses_what_the_webhook_injects(inputs):
    """kube-inject refuses the Deployment's replicas, and so would kube-apiserver (its decode of the request):
    no webhook ever sees its pod template (simulator/kube/creatable.py)."""
    chart = paths.require(paths.istio_chart, "1.30.3")
    args = ("explain", "-f", str(inputs["replicas-string"]), "-n", "mesh", "--istio-release", str(chart))
    cluster = run_cli(*args, "-o", "json")
    assert cluster.status == 2 and json.loads(cluster.stdout)["items"] == []
    assert cluster.stderr.splitlines() == [
        'error: %s: document 0, line 5: field spec.replicas: Deployment in version "v1" cannot be handled as a '
        "Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"
        % inputs["replicas-string"]]
    run = run_cli(*args, "-o", "pod")
    assert run.status == 2
    assert run.stderr.splitlines() == [
        "error: %s: document 0, line 1: Deployment web: istioctl kube-inject refuses it: %s"
        % (inputs["replicas-string"], CASES["replicas-string"][1])]
    assert "istio-proxy" not in run.stdout, "the webhook's pod is not printed in kube-inject's place"
