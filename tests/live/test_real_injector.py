"""The real injector: istiod (pilot-discovery, built from the Go module proxy) is the cluster's injection webhook,
called by the real kube-apiserver. Every prediction of `kubectl inject explain` against that cluster is held to
what istiod did to the pod (the strongest fidelity check this project can run), in both sidecar layouts, and
`status` reads the pods it injected.

Slow the first time (building pilot-discovery takes 10-30 minutes on 2 cores; it is cached under
~/.cache/kubectl-inject/pilot-discovery/), ~20 s once cached. Pods are created with dryRun=All where only the
injector's answer matters: the apiserver runs the whole admission chain, webhook included, and stores nothing.
"""
import copy
import json
import re
import time

import pytest

from . import workloads as wl
from .mesh import until

pytestmark = pytest.mark.slow


PODS = {
    "plain": {"spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}},
    "ports-and-probes": {"metadata": {"labels": {"app": "web", "version": "v2"}},
                         "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                                                  "ports": [{"containerPort": 8080, "name": "http"}],
                                                  "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}},
                                                  "livenessProbe": {"tcpSocket": {"port": 8080}}}]}},
    "proxy-config-and-prometheus": {"metadata": {"annotations": {
        "proxy.istio.io/config": '{"holdApplicationUntilProxyStarts": true}',
        "prometheus.io/scrape": "true", "prometheus.io/port": "9100"}},
        "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}, {"name": "helper", "image": "busybox"}]}},
    "opted-out": {"metadata": {"annotations": {"sidecar.istio.io/inject": "false"}},
                  "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}},
    "label-opt-in": {"metadata": {"labels": {"sidecar.istio.io/inject": "true"}},
                     "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}},
}


def _pod(name, shape):
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}}
    pod.update(copy.deepcopy(shape))
    pod["metadata"] = dict(copy.deepcopy(shape.get("metadata") or {}), name=name)
    return pod


def _pointer(doc, path):
    for part in path.lstrip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(doc, list):
            doc = doc[int(part)] if part != "-" else doc[-1]
        else:
            doc = doc[part]
    return doc


def _difference(predicted, real, path=""):
    """Where the prediction is not within the stored object (the apiserver only adds defaults after the webhook):
    the first such path with both values, or None."""
    if isinstance(predicted, dict) and isinstance(real, dict):
        for k, v in predicted.items():
            if k not in real:
                return f"{path}/{k}: predicted {json.dumps(v)[:200]}, not stored"
            found = _difference(v, real[k], f"{path}/{k}")
            if found:
                return found
        return None
    if isinstance(predicted, list) and isinstance(real, list) and len(predicted) != len(real):
        names = [x.get("name") if isinstance(x, dict) else x for x in predicted]
        extra = [x.get("name") if isinstance(x, dict) else x for x in real]
        extra, missing = [n for n in extra if n not in names], [n for n in names if n not in extra]
        return f"{path}: predicted {len(predicted)} items, stored {len(real)}; only stored: {json.dumps(extra)}; only predicted: {json.dumps(missing)}"
    if isinstance(predicted, list) and isinstance(real, list):
        for i, (a, b) in enumerate(zip(predicted, real)):
            found = _difference(a, b, f"{path}/{i}")
            if found:
                return found
        return None
    if predicted == real:
        return None
    return f"{path}: predicted {json.dumps(predicted)[:200]}, stored {json.dumps(real)[:200]}"


def _disagreements(prediction, stored):
    """Where the stored pod is not the prediction's patch applied. One known difference is left out: after a
    webhook changed the pod, kube-apiserver runs its in-tree mutating plugins again (admission reinvocation),
    and the ServiceAccount plugin mounts its token into the containers the webhook added; the prediction is
    the webhook's own answer and does not model that second round."""
    token = next((v["name"] for v in stored["spec"].get("volumes") or [] if v["name"].startswith("kube-api-access-")), "")
    stored = copy.deepcopy(stored)
    for field in ("containers", "initContainers"):
        for c in stored["spec"].get(field) or []:
            if c["name"] in ("istio-proxy", "istio-init") and c.get("volumeMounts"):
                c["volumeMounts"] = [m for m in c["volumeMounts"] if m["name"] != token]
    out = []
    for op in prediction["patch"]:
        if op["op"] == "remove":
            continue
        value = json.loads(json.dumps(op["value"]).replace("kube-api-access-sim00", token))
        try:
            real = _pointer(stored, op["path"])
        except (KeyError, IndexError, ValueError):
            out.append(f"{op['path']}: predicted, absent from the stored pod")
            continue
        if op["path"].endswith("sidecar.istio.io~1status"):
            value, real = json.loads(value), json.loads(real)
        found = _difference(value, real, op["path"])
        if found:
            out.append(found)
    return out


def _proxied(pod):
    return any(c["name"] == "istio-proxy" for c in pod["spec"].get("containers", []) + pod["spec"].get("initContainers", []))


def _predict(real, tmp_path, pod, namespace):
    path = tmp_path / f"{pod['metadata']['name']}.json"
    path.write_text(json.dumps(pod))
    run = real.run("explain", "-f", str(path), "-n", namespace, "-o", "json")
    assert run.status == 0, run.stderr
    item, = json.loads(run.stdout)["items"]
    return item


def _check_all(real, tmp_path, layout):
    checked = 0
    for namespace in ("inj", "plain"):
        for name, shape in PODS.items():
            pod = _pod(f"{name}-{layout}", shape)
            prediction = _predict(real, tmp_path, pod, namespace)
            stored = real.admit(pod, namespace)
            assert (prediction["verdict"] == "injected") == _proxied(stored), (namespace, name, prediction["decidedBy"])
            if prediction["verdict"] == "injected":
                problems = _disagreements(prediction, stored)
                assert not problems, f"{namespace}/{name}:\n" + "\n".join(problems)
                native = any(c["name"] == "istio-proxy" for c in stored["spec"].get("initContainers", []))
                assert native == (layout == "native"), (namespace, name)
                checked += 1
    return checked


def test_predictions_match_what_the_real_istiod_injects_native_layout(real_injector, tmp_path):
    """No Node objects: Istio's auto mode gives native sidecars (istio-proxy an init container, restartPolicy
    Always), and so does the prediction."""
    assert _check_all(real_injector, tmp_path, "native") == 5     # 4 shapes in inj, the label opt-in in plain


def test_predictions_match_with_an_old_kubelet_classic_layout(real_injector, tmp_path):
    """One node whose kubelet version Istio cannot read as >= 1.33 (kwok's default): classic sidecars, for
    every pod of the cluster; the plugin reads the same Nodes."""
    real = real_injector
    real.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "old-node"},
                 "status": {"nodeInfo": {"kubeletVersion": "kwok-0.8.0"}}})
    try:
        deadline = time.monotonic() + 30           # istiod learns about nodes through an informer
        while _proxied_native(real.admit(_pod("probe", PODS["plain"]), "inj")):
            assert time.monotonic() < deadline, "istiod never saw the node"
            time.sleep(0.3)
        assert _check_all(real, tmp_path, "classic") == 5
    finally:
        real.cluster.request("DELETE", "/api/v1/nodes/old-node")


def _proxied_native(pod):
    return any(c["name"] == "istio-proxy" for c in pod["spec"].get("initContainers", []))


def test_status_reads_the_pods_istiod_injected(real_injector, tmp_path):
    real = real_injector
    _, rs = wl.deployment(real, "inj", "shop", replicas=2)
    for i in range(2):             # as the ReplicaSet controller would create them; istiod injects for real
        pod = {"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": f"shop-5f7d-{i}", "namespace": "inj", "labels": dict(rs["spec"]["template"]["metadata"]["labels"]),
                            "ownerReferences": [wl.owner(rs)]},
               "spec": copy.deepcopy(rs["spec"]["template"]["spec"])}
        real.admit(pod, "inj", dry_run=False)
    run = real.run("status", "-n", "inj", "-o", "json")
    assert run.status == 0, run.stderr
    item, = [i for i in json.loads(run.stdout)["items"] if i["workload"]["name"] == "shop"]
    assert item["findings"] == [] and all(p["sidecar"] for p in item["pods"])
    assert {p["proxyImage"] for p in item["pods"]} == {item["expected"]["proxyImage"]}
    # an in-place upgrade of the injector: the running proxies are now stale
    cm = real.get("ConfigMap", "istio-sidecar-injector", "istio-system")
    values = json.loads(cm["data"]["values"])
    values["global"]["tag"] = "1.99.0"
    cm["data"]["values"] = json.dumps(values)
    real.replace(cm)
    run = real.run("status", "-n", "inj", "-o", "json")
    item, = [i for i in json.loads(run.stdout)["items"] if i["workload"]["name"] == "shop"]
    assert [f["code"] for f in item["findings"]] == ["stale-proxy"]
    assert re.search(r":1\.99\.0$", item["expected"]["proxyImage"])
    # and istiod agrees: a pod created now gets that image
    deadline = time.monotonic() + 30
    while True:
        stored = real.admit(_pod("after-upgrade", PODS["plain"]), "inj")
        images = {c["image"] for c in stored["spec"].get("containers", []) + stored["spec"].get("initContainers", [])
                  if c["name"] == "istio-proxy"}
        if images == {item["expected"]["proxyImage"]}:
            break
        assert time.monotonic() < deadline, images
        time.sleep(0.3)


def test_istiod_down_refuses_pods_as_the_message_says(real_injector):
    real = real_injector
    real.istiod.stop()
    try:
        status, body = real.cluster.request("POST", "/api/v1/namespaces/inj/pods", _pod("refused", PODS["plain"]),
                                            query={"dryRun": "All"})
        assert status == 500 and 'failed calling webhook "namespace.sidecar-injector.istio.io"' in body["message"]
        # the prediction is about what the injector would do, not whether it is up: still injected
        item, = json.loads(real.run("explain", "deployment/shop", "-n", "inj", "-o", "json").stdout)["items"]
        assert item["verdict"] == "injected"
    finally:
        real.istiod.start()


# -- the whole control plane: kube-controller-manager makes the pods, kwok runs them, istiod injects them ----------

def _pods(real, namespace, app):
    _, body = real.cluster.request("GET", f"/api/v1/namespaces/{namespace}/pods", query={"labelSelector": f"app={app}"})
    return [p for p in body["items"] if not p["metadata"].get("deletionTimestamp")]


def _running(pods, count, sidecar):
    return len(pods) == count and all(p["status"].get("phase") == "Running" and _proxied(p) == sidecar for p in pods)


def _deployment(name, replicas=2):
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"nodeName": "kwok-node-1",        # no scheduler in this tier
                                           "containers": [{"name": name, "image": "docker.io/kennethreitz/httpbin",
                                                           "ports": [{"containerPort": 80}]}]}}}}


def _status(real, namespace):
    run = real.run("status", "-n", namespace, "-o", "json")
    assert run.status == 0, run.stderr
    return {i["workload"]["name"]: i for i in json.loads(run.stdout)["items"]}


def test_seed_lab_label_restart_strict_mtls_and_istiod_down(control_plane):
    """The seed lab, all real: httpbin in an unlabelled namespace; the label comes → its running pods need a
    restart → `kubectl rollout restart` → injected by istiod, Running; a sidecar-less client under STRICT;
    istiod down under failurePolicy Fail → the ReplicaSet's FailedCreate events → injection-failing."""
    real = control_plane
    for ns in ("seed", "seed-client"):
        real.cluster.request("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
        until(lambda ns=ns: real.get("ServiceAccount", "default", ns), f"ServiceAccount default in {ns} (made by kcm)")
    status, body = real.cluster.request("POST", "/apis/apps/v1/namespaces/seed/deployments", _deployment("httpbin"))
    assert status == 201, body
    until(lambda: _running(_pods(real, "seed", "httpbin"), 2, False), "2 httpbin pods Running without sidecars")
    item = _status(real, "seed")["httpbin"]
    assert item["workload"]["kind"] == "Deployment" and item["findings"] == []

    ns = real.get("Namespace", "seed")
    ns["metadata"]["labels"]["istio-injection"] = "enabled"
    real.replace(ns)
    finding, = _status(real, "seed")["httpbin"]["findings"]
    assert finding["code"] == "needs-restart" and len(finding["pods"]) == 2
    assert finding["fix"] == "kubectl rollout restart deployment/httpbin -n seed"

    dep = real.get("Deployment", "httpbin", "seed")        # what `kubectl rollout restart` does
    dep["spec"]["template"]["metadata"].setdefault("annotations", {})["kubectl.kubernetes.io/restartedAt"] = \
        time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    real.replace(dep)
    pods = until(lambda: (lambda p: p if _running(p, 2, True) else None)(_pods(real, "seed", "httpbin")),
                  "2 injected httpbin pods Running")
    item = _status(real, "seed")["httpbin"]
    assert item["findings"] == [] and all(p["sidecar"] for p in item["pods"])
    for pod in pods:                  # what istiod did to the controller's pods is what explain pod/NAME predicts
        prediction, = json.loads(real.run("explain", f"pod/{pod['metadata']['name']}", "-n", "seed",
                                          "-o", "json").stdout)["items"]
        assert not _disagreements(prediction, pod), _disagreements(prediction, pod)

    status, body = real.cluster.request("POST", "/apis/apps/v1/namespaces/seed-client/deployments", _deployment("sleep", 1))
    assert status == 201, body
    until(lambda: _running(_pods(real, "seed-client", "sleep"), 1, False), "the sleep client Running")
    status, body = real.cluster.request("POST", "/apis/security.istio.io/v1/namespaces/seed/peerauthentications",
                                        {"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication",
                                         "metadata": {"name": "strict", "namespace": "seed"},
                                         "spec": {"mtls": {"mode": "STRICT"}}})
    assert status == 201, body
    finding, = _status(real, "seed-client")["sleep"]["findings"]
    assert finding["code"] == "no-sidecar-strict-mtls" and "seed/strict" in finding["detail"]
    assert _status(real, "seed")["httpbin"]["findings"] == []

    real.istiod.stop()
    try:
        dep = real.get("Deployment", "httpbin", "seed")
        dep["spec"]["replicas"] = 3
        real.replace(dep)
        item = until(lambda: (lambda i: i if i["findings"] else None)(_status(real, "seed")["httpbin"]),
                      "injection-failing from the ReplicaSet's events")
        finding, = item["findings"]
        assert finding["code"] == "injection-failing"
        assert "FailedCreate" in finding["detail"] and "namespace.sidecar-injector.istio.io" in finding["fix"]
    finally:
        real.istiod.start()
    until(lambda: _running(_pods(real, "seed", "httpbin"), 3, True), "3 injected pods once istiod is back", timeout=120)
    assert _status(real, "seed")["httpbin"]["findings"] == []
