"""`watch`'s event handling against tests/fakeapi.py, through the real Client (urllib3 streaming): pods created
are predicted and compared, nothing is reported twice or lost across dropped connections and 410 Gone, the
state follows namespace label changes (and a pod is held to the state of its creation), FailedCreate events
naming an injector webhook are reported once per occurrence, and what is remembered stays bounded."""
import copy
import json
import threading
import time

import pytest

pytest.importorskip("kubernetes", reason="watch talks through the kubernetes package's connection pool")

from plugin.printers.watchlines import text_line  # noqa: E402
from plugin.state.sources import load_default  # noqa: E402
from tests.fakeapi import FakeAPI, connection  # noqa: E402

PLURALS = {"Namespace": "namespaces", "MutatingWebhookConfiguration": "mutatingwebhookconfigurations",
           "ConfigMap": "configmaps"}


@pytest.fixture
def api():
    fake = FakeAPI()
    for doc in load_default():
        obj = copy.deepcopy(doc.obj)
        fake.put(PLURALS[obj["kind"]], obj)
    for ns in ("default", "mesh"):
        fake.put("serviceaccounts", {"kind": "ServiceAccount", "metadata": {"name": "default", "namespace": ns}})
    yield fake
    fake.stop()


def session(api, namespaces=None, **limits):
    from plugin.kube.client import Client
    from plugin.watching.session import Session

    records, warnings = [], []
    s = Session(Client(connection(api)), namespaces, {}, records.append, warnings.append, limits=limits,
                reflector_options={"backoff": (0.02, 0.1)})
    s.start()
    return s, records, warnings


def settle(s, records, count, seconds=20):
    deadline = time.monotonic() + seconds
    while len(records) < count and time.monotonic() < deadline:
        s.run(0.1)
    s.run(0.3)              # and nothing more arrives
    return records


def pod(name, ns, sidecar=False, owner=None, labels=None):
    containers = [{"name": "app", "image": "nginx"}]
    md = {"name": name, "namespace": ns, "labels": dict(labels or {"app": "web"}),
          "creationTimestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 1))}
    if sidecar:
        containers.append({"name": "istio-proxy", "image": "docker.io/istio/proxyv2:1.30.3"})
        md["annotations"] = {"sidecar.istio.io/status": json.dumps({"containers": ["istio-proxy"], "revision": "default"})}
    if owner:
        md["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": owner["metadata"]["name"],
                                  "uid": owner["metadata"]["uid"], "controller": True}]
        md["generateName"] = owner["metadata"]["name"] + "-"
    return {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": {"containers": containers}}


def injected(api_pod):
    """The pod as the simulator's own injection stores it (what a faithful injector would give)."""
    from plugin.state.sources import build_state
    from simulator import Options, explain

    state, _ = build_state(load_default())
    out = explain(copy.deepcopy(api_pod), api_pod["metadata"]["namespace"], state, Options(admission_defaults=True)).pod
    out["metadata"].update({k: api_pod["metadata"][k] for k in ("name", "creationTimestamp")})
    return out


def test_pods_created_are_predicted_and_compared(api):
    s, records, _ = session(api)
    try:
        api.put("pods", injected(pod("good", "mesh")))
        api.put("pods", pod("bare", "mesh"))                 # the injector did not run: disagrees
        api.put("pods", pod("plain", "default"))
        settle(s, records, 3)
    finally:
        s.stop()
    by_name = {x["object"]["name"]: x for x in records}
    assert [x["event"] for x in records] == ["pod-created"] * 3
    good = by_name["good"]
    assert (good["verdict"], good["decidedBy"]["rule"], good["agrees"]) == ("injected", "policy-enabled", True)
    assert good["observed"]["sidecar"] and good["expected"]["revision"] == good["observed"]["revision"] == "default"
    bare = by_name["bare"]
    assert bare["agrees"] is False and bare["differences"] == [{"field": "sidecar", "predicted": True, "observed": False}]
    assert "a sidecar was predicted and the pod has none" in bare["detail"]
    assert by_name["plain"]["verdict"] == "not-injected" and by_name["plain"]["agrees"] is True
    assert "DISAGREES: a sidecar was predicted" in text_line(bare)
    assert text_line(good).split()[1:5] == ["pod-created", "mesh/good", "injected", "(policy-enabled)"]


def test_the_owners_template_is_what_is_predicted(api):
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web-5f7d", "namespace": "mesh", "uid": "rs-1"},
          "spec": {"template": {"metadata": {"labels": {"app": "web"}, "annotations": {"sidecar.istio.io/inject": "false"}},
                                "spec": {"containers": [{"name": "app", "image": "nginx"}]}}}}
    api.gets[("replicasets", "mesh", "web-5f7d")] = rs
    s, records, _ = session(api)
    try:
        created = pod("web-5f7d-abcde", "mesh", owner=rs)
        created["metadata"]["annotations"] = {"sidecar.istio.io/inject": "false"}
        api.put("pods", created)
        settle(s, records, 1)
    finally:
        s.stop()
    record, = records
    assert record["from"] == "template of ReplicaSet web-5f7d"
    assert record["object"]["owner"] == {"kind": "ReplicaSet", "name": "web-5f7d"}
    assert (record["verdict"], record["decidedBy"]["rule"], record["agrees"]) == ("not-injected", "inject-annotation", True)


def test_dropped_connections_lose_nothing_and_repeat_nothing(api):
    s, records, _ = session(api, ["default"])
    stop = threading.Event()

    def dropper():
        while not stop.is_set():
            time.sleep(0.05)
            api.drop()

    t = threading.Thread(target=dropper, daemon=True)
    t.start()
    try:
        for i in range(60):
            api.put("pods", pod(f"p{i}", "default"))
            if i % 7 == 0:
                api.bookmark()
            time.sleep(0.01)
        stop.set()
        settle(s, records, 60)
    finally:
        stop.set()
        s.stop()
    names = [x["object"]["name"] for x in records]
    assert sorted(names) == sorted(f"p{i}" for i in range(60))      # each exactly once
    assert sum(x.stats["broken"] for x in s.reflectors) > 0         # the drops did break the watches
    assert s.counts["relisted"] == 0


def test_410_gone_relists_and_reports_only_what_was_missed(api):
    s, records, _ = session(api, ["default"])
    try:
        api.put("pods", pod("before", "default"))
        settle(s, records, 1)
        with api.lock:                 # while no watch can see them: created, then compacted away
            api.put("pods", pod("gap-1", "default"))
            api.put("pods", pod("gap-2", "default"))
            api.compact()
            api.drop()
        api.put("pods", pod("after", "default"))
        settle(s, records, 4)
    finally:
        s.stop()
    assert sorted(x["object"]["name"] for x in records) == ["after", "before", "gap-1", "gap-2"]
    # the gap's pods come from the new list ("after" too, when it was made before the list)
    assert s.counts["relisted"] >= 2 and sum(x.stats["gone"] for x in s.reflectors) >= 1


def test_a_namespace_label_change_is_followed_and_pods_see_the_state_of_their_creation(api):
    s, records, _ = session(api)
    try:
        api.put("pods", pod("early", "default"))                # created before the label came
        ns = copy.deepcopy(api.objects[("namespaces", "", "default")])
        ns["metadata"]["labels"]["istio-injection"] = "enabled"
        api.put("namespaces", ns, "MODIFIED")
        api.put("pods", injected(pod("late", "mesh")) | {"metadata": dict(
            injected(pod("late", "mesh"))["metadata"], namespace="default")})
        settle(s, records, 2)
    finally:
        s.stop()
    by_name = {x["object"]["name"]: x for x in records}
    assert by_name["early"]["verdict"] == "not-injected" and by_name["early"]["agrees"] is True
    assert by_name["late"]["verdict"] == "injected" and by_name["late"]["decidedBy"]["rule"] == "policy-enabled"


def _failed_event(name, count, message):
    return {"kind": "Event", "metadata": {"name": name, "namespace": "mesh", "uid": f"ev-{name}"},
            "involvedObject": {"kind": "ReplicaSet", "name": "web-5f7d", "namespace": "mesh", "uid": "rs-1"},
            "reason": "FailedCreate", "type": "Warning", "count": count, "message": message,
            "lastTimestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 1))}


REFUSED = ('Error creating: Internal error occurred: failed calling webhook "namespace.sidecar-injector.istio.io": '
           'failed to call webhook: Post "https://istiod.istio-system.svc:443/inject?timeout=10s": dial tcp '
           '10.0.0.9:443: connect: connection refused')


def test_failed_create_events_naming_the_injector(api):
    s, records, _ = session(api, ["mesh"])
    try:
        event = api.put("events", _failed_event("a", 1, REFUSED))
        api.put("events", dict(copy.deepcopy(event), count=1), "MODIFIED")       # nothing new: not reported
        api.put("events", dict(copy.deepcopy(event), count=3), "MODIFIED")       # two more failures
        api.put("events", _failed_event("other", 1, "Error creating: pods \"x\" is forbidden: exceeded quota"))
        api.put("events", _failed_event("slow", 1, REFUSED.replace("connect: connection refused",
                                                                   "context deadline exceeded")))
        settle(s, records, 3)
    finally:
        s.stop()
    assert [(x["event"], x["count"], x["cause"]) for x in records] == [
        ("create-failed", 1, "unreachable"), ("create-failed", 3, "unreachable"), ("create-failed", 1, "timeout")]
    first = records[0]
    assert first["webhook"] == "namespace.sidecar-injector.istio.io" and first["object"]["kind"] == "ReplicaSet"
    assert first["failurePolicy"] in ("Fail", "Ignore")
    assert "ReplicaSet web-5f7d cannot create pods: webhook namespace.sidecar-injector.istio.io: istiod is " \
           "unreachable" in first["detail"]
    assert "(timeoutSeconds" in records[2]["detail"]
    assert text_line(first).split()[1:3] == ["create-failed", "mesh/replicaset/web-5f7d"]


def test_what_is_remembered_stays_bounded(api):
    s, records, _ = session(api, ["default"], pods=10)
    try:
        for i in range(40):
            api.put("pods", pod(f"p{i}", "default"))
        settle(s, records, 40)
    finally:
        s.stop()
    assert len(records) == 40 and len(s.pods_seen) == 10


def test_the_command_ends_with_its_timeout_and_exit_0(api, tmp_path, capsys):
    from tests.conftest import run_cli

    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(json.dumps(connection(api).config))
    started = time.monotonic()
    run = run_cli("watch", "-n", "default", "--timeout", "1s", "-o", "json", environ={"KUBECONFIG": str(kubeconfig)})
    assert run.status == 0, run.stderr
    assert 1 <= time.monotonic() - started < 15
    assert "watching pods created in namespace default" in run.stderr and run.stdout == ""
    bad = run_cli("watch", "--timeout", "soon", environ={"KUBECONFIG": str(kubeconfig)})
    assert bad.status == 2 and "invalid duration 'soon'" in capsys.readouterr().err   # argparse's usage error
