"""What the first mutating webhook receives: the real kube-apiserver against simulator.kube.admission.

Every case of defaults_cases.py is created (server-side dry run) in a fresh namespace that a capturing webhook
watches; the AdmissionReview the apiserver sends is the pod after decoding, API defaulting and every
built-in mutating plugin, which is exactly what `prepare_for_webhooks` must return.  The dry-run response
(the object after all admission and the registry's PrepareForCreate) is compared too, minus what only the
registry adds.  Refused pods are compared by status code and message.

KUBECTL_INJECT_RECORD_DEFAULTS=1 rewrites tests/data/admission_chain/real-apiserver.json from the live
answers, which tests/test_admission_chain.py replays without an apiserver.
"""

import copy
import json
import os
import time
from pathlib import Path

import pytest

from simulator.kube.admission.chain import prepare_for_webhooks, rejection
from simulator.kube.admission.serviceaccount import TOKEN_VOLUME_PLACEHOLDER

from . import defaults_cases, recorder
from .defaults_cases import CAPTURE_LABEL, cluster_objects, normalize_real

CASES = defaults_cases.cases()
ACCEPTED = [c.id for c in CASES if not c.expect_rejection]
REFUSED = [c.id for c in CASES if c.expect_rejection]
CAPTURE_CONFIG = "dp-capture"
CAPTURE_WEBHOOK = "capture.defaults-parity.kubectl-inject.test"
GOLDEN = Path(__file__).resolve().parents[1] / "data" / "admission_chain" / "real-apiserver.json"
SYNC_NAMESPACE = "dp-sync"


class _CapturingCall(recorder.Call):
    """The recorder's Call, keeping the object the webhook was sent."""
    __slots__ = ("object",)

    def __init__(self, configuration, webhook, request):
        super().__init__(configuration, webhook, request)
        self.object = request.get("object")


def _capture_mwc():
    return {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
            "metadata": {"name": CAPTURE_CONFIG},
            "webhooks": [{"name": CAPTURE_WEBHOOK, "clientConfig": {"url": "https://placeholder.invalid/"},
                          "rules": [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"],
                                     "resources": ["pods"]}],
                          "namespaceSelector": {"matchLabels": {CAPTURE_LABEL: "yes"}},
                          "sideEffects": "None", "admissionReviewVersions": ["v1"], "failurePolicy": "Ignore"}]}


_PATHS = {"PriorityClass": "/apis/scheduling.k8s.io/v1/priorityclasses",
          "RuntimeClass": "/apis/node.k8s.io/v1/runtimeclasses"}


def _create(cluster, path, obj):
    status, body = cluster.request("POST", path, obj)
    if status not in (201, 409):
        raise AssertionError("creating %s failed with HTTP %s: %s" % (path, status, body))


def _wait_for_priority_class(real, name, timeout=30):
    # The Priority plugin reads PriorityClasses only from its informer: wait until it knows the new one.
    real.resolve_namespaces({SYNC_NAMESPACE: {}})
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "sync"},
           "spec": {"priorityClassName": name, "containers": [{"name": "c", "image": "registry.invalid/x"}]}}
    deadline = time.monotonic() + timeout
    while True:
        status, body = real.cluster.request("POST", "/api/v1/namespaces/%s/pods" % SYNC_NAMESPACE, pod,
                                            {"dryRun": "All"})
        if status < 300:
            return
        if time.monotonic() > deadline:
            raise AssertionError("PriorityClass %s not visible to admission after %d s: %s" % (name, timeout, body))
        time.sleep(0.1)


@pytest.fixture(scope="module")
def live(real_apiserver):
    """{case id: {"namespace", "status", "message", "webhook_object", "response"}} from the real apiserver."""
    real = real_apiserver
    cluster = real.cluster
    real.install([_capture_mwc()])
    seen = set()
    for case in CASES:
        for obj in case.cluster_scoped:
            key = (obj["kind"], obj["metadata"]["name"])
            if key not in seen:
                seen.add(key)
                _create(cluster, _PATHS[obj["kind"]], obj)
                if obj["kind"] == "PriorityClass":
                    _wait_for_priority_class(real, obj["metadata"]["name"])
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(recorder, "Call", _CapturingCall)
        for case in CASES:
            ns = real.resolve_namespaces({case.namespace: {CAPTURE_LABEL: "yes"}})[case.namespace]
            for obj in case.namespaced:
                plural = {"ServiceAccount": "serviceaccounts", "LimitRange": "limitranges"}[obj["kind"]]
                _create(cluster, "/api/v1/namespaces/%s/%s" % (ns, plural), obj)
            real.recorder.clear()
            body = copy.deepcopy(case.pod)
            status, resp = cluster.request("POST", "/api/v1/namespaces/%s/pods" % ns, body, {"dryRun": "All"})
            calls = [c for c in real.recorder.calls() if c.configuration == CAPTURE_CONFIG]
            out[case.id] = {"namespace": ns, "status": status,
                            "message": resp.get("message") if isinstance(resp, dict) and status >= 300 else None,
                            "webhook_object": calls[0].object if calls else None,
                            "webhook_calls": len(calls), "response": resp}
    if os.environ.get("KUBECTL_INJECT_RECORD_DEFAULTS"):
        _record(cluster, out)
    return out


def _record(cluster, out):
    _, version = cluster.request("GET", "/version")
    by_id = {c.id: c for c in CASES}
    records = []
    for cid, o in out.items():
        case = by_id[cid]
        records.append({"id": cid, "namespace": o["namespace"], "pod": case.pod,
                        "cluster_objects": cluster_objects(case, o["namespace"]), "status": o["status"],
                        "message": o["message"],
                        "webhook_object": normalize_real(o["webhook_object"]) if o["webhook_object"] else None})
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(json.dumps({"recordedFrom": {"gitVersion": version.get("gitVersion"),
                                                   "note": "webhook_object: managedFields dropped, random token "
                                                           "volume suffix replaced by " + TOKEN_VOLUME_PLACEHOLDER},
                                  "cases": records}, indent=1, sort_keys=True) + "\n")


def _case(cid):
    return next(c for c in CASES if c.id == cid)


def _diff(a, b, path=""):
    """Readable first differences between two JSON values."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in a:
                out.append("%s.%s: only real: %s" % (path, k, json.dumps(b[k])[:200]))
            elif k not in b:
                out.append("%s.%s: only simulator: %s" % (path, k, json.dumps(a[k])[:200]))
            else:
                out += _diff(a[k], b[k], "%s.%s" % (path, k))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _diff(x, y, "%s[%d]" % (path, i))]
    return [] if a == b else ["%s: simulator %s, real %s" % (path, json.dumps(a)[:300], json.dumps(b)[:300])]


@pytest.mark.parametrize("cid", ACCEPTED)
def test_first_webhook_receives_the_simulated_pod(live, cid):
    real = live[cid]
    assert real["webhook_calls"] == 1, "the capturing webhook was called %d times (HTTP %s: %s)" % (
        real["webhook_calls"], real["status"], real["message"])
    case = _case(cid)
    sim, records = prepare_for_webhooks(case.pod, real["namespace"], cluster_objects(case, real["namespace"]))
    assert rejection(records) is None
    expected = normalize_real(real["webhook_object"])
    assert sim == expected, "\n".join(_diff(sim, expected))


_REGISTRY_FIELDS = ("uid", "creationTimestamp", "resourceVersion", "generation", "managedFields")


@pytest.mark.parametrize("cid", ACCEPTED)
def test_dry_run_response_is_the_simulated_pod_plus_registry_fields(live, cid):
    real = live[cid]
    if _case(cid).after_webhooks:
        pytest.skip(_case(cid).after_webhooks)
    if real["status"] != 201:
        pytest.fail("dry-run create answered HTTP %s: %s" % (real["status"], real["message"]))
    case = _case(cid)
    sim, _ = prepare_for_webhooks(case.pod, real["namespace"], cluster_objects(case, real["namespace"]))
    for key in _REGISTRY_FIELDS:
        assert key in real["response"]["metadata"] or key == "resourceVersion", \
            "the registry always sets metadata.%s" % key
    resp = normalize_real(real["response"])
    meta = resp["metadata"]
    for key in _REGISTRY_FIELDS:
        meta.pop(key, None)
        sim["metadata"].pop(key, None)   # PrepareForCreate sets generation 1 whatever the request said
    generate = sim["metadata"].get("generateName")
    if generate:
        assert meta.pop("name").startswith(generate)
    assert resp.pop("status")["phase"] == "Pending"
    sim.pop("status")
    assert sim == resp, "\n".join(_diff(sim, resp))


@pytest.mark.parametrize("cid", REFUSED)
def test_refusals_match(live, cid):
    real = live[cid]
    case = _case(cid)
    _, records = prepare_for_webhooks(case.pod, real["namespace"], cluster_objects(case, real["namespace"]))
    refused = rejection(records)
    assert real["webhook_calls"] == 0
    assert refused is not None, "the real apiserver refused with HTTP %s: %s" % (real["status"], real["message"])
    assert (refused["code"], refused["message"]) == (real["status"], real["message"])


@pytest.mark.parametrize("cid", ["bare", "generate-name", "image-pull-policies", "misc-defaults"])
def test_without_cluster_state_a_fresh_cluster_is_assumed(live, cid):
    real = live[cid]
    sim, _ = prepare_for_webhooks(_case(cid).pod, real["namespace"], None)
    assert sim == normalize_real(real["webhook_object"])
