"""status against a real kube-apiserver, through the seed lab's scenarios: httpbin in an unlabelled namespace;
the label comes → its running pods need a restart → restarted, injected and healthy; an in-place upgrade →
stale proxies; STRICT mTLS with a sidecar-less client; the injector down → pods cannot be created; a
sidecar where none is expected, another revision; and always a constant number of list calls."""
import json

import pytest

from . import workloads as wl


def status(live, *args):
    run = live.run("status", *args, "-o", "json")
    assert run.status in (0, 1), run.stderr
    return {(i["workload"]["kind"], i["workload"]["name"]): i for i in json.loads(run.stdout)["items"]}


def codes(item):
    return [f["code"] for f in item["findings"]]


def test_label_after_start_then_restart(live_cluster, tmp_path):
    live = live_cluster
    wl.namespace(live, "shop")
    dep, rs = wl.deployment(live, "shop", "httpbin", replicas=3)
    old = wl.pods(live, rs, 3)
    item = status(live, "-n", "shop")[("Deployment", "httpbin")]
    assert item["expected"]["verdict"] == "not-injected" and item["findings"] == []
    assert [p["sidecar"] for p in item["pods"]] == [False, False, False]

    ns = live.get("Namespace", "shop")
    ns["metadata"]["labels"]["istio-injection"] = "enabled"
    live.replace(ns)
    item = status(live, "-n", "shop")[("Deployment", "httpbin")]
    assert item["workload"] == {"kind": "Deployment", "name": "httpbin", "namespace": "shop"}
    assert item["expected"]["verdict"] == "injected" and item["expected"]["revision"] == "default"
    assert item["expected"]["proxyImage"] == "docker.io/istio/proxyv2:1.30.3"
    assert item["expected"]["decidedBy"]["rule"] == "policy-enabled"
    finding, = item["findings"]
    assert finding["code"] == "needs-restart"
    assert finding["pods"] == sorted(p["metadata"]["name"] for p in old)
    assert finding["fix"] == "kubectl rollout restart deployment/httpbin -n shop"
    assert "3 running pods have no sidecar" in finding["detail"]
    run = live.run("status", "-n", "shop", "--exit-code")
    assert run.status == 1
    table = run.stdout.splitlines()
    assert table[0].split() == ["NAMESPACE", "WORKLOAD", "PODS", "SIDECARS", "REVISION", "PROXY", "FINDINGS"]
    assert table[1].split() == ["shop", "deployment/httpbin", "3", "0/3", "-", "-", "needs-restart"]
    assert "fix: kubectl rollout restart deployment/httpbin -n shop" in run.stdout
    # the page about the finding, in the JSON and under the fix
    page = "https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/"
    assert finding["docs"] == page and f"  about needs-restart: {page}\n" in run.stdout
    # the names to restart, as `kubectl get -o name` prints them, ready for xargs
    names = live.run("status", "-n", "shop", "--finding", "needs-restart", "-o", "name")
    assert (names.status, names.stdout) == (0, "deployment.apps/httpbin\n"), names.stderr
    assert live.run("status", "-n", "shop", "--finding", "stale-proxy", "-o", "name").stdout == ""
    bare = live.run("status", "-n", "shop", "--no-headers").stdout.splitlines()
    assert bare[0].split() == table[1].split()

    # `kubectl rollout restart`, as the controller and the injector would carry it out
    wl.pods(live, rs, 3, injected=True, suffix="r", tmp_path=tmp_path)
    for pod in old:
        live.delete("Pod", pod["metadata"]["name"], "shop")
    item = status(live, "-n", "shop")[("Deployment", "httpbin")]
    assert item["findings"] == []
    assert {(p["sidecar"], p["revision"], p["proxyImage"]) for p in item["pods"]} == \
        {(True, "default", "docker.io/istio/proxyv2:1.30.3")}
    assert live.run("status", "-n", "shop", "--exit-code").status == 0
    wide = live.run("status", "-n", "shop", "-o", "wide").stdout.splitlines()
    assert wide[1].split() == ["shop", "deployment/httpbin", "3", "3/3", "default", "1.30.3", "injected", "default",
                               "docker.io/istio/proxyv2:1.30.3", "policy-enabled", "-"]


def test_in_place_upgrade_leaves_stale_proxies(live_cluster, tmp_path):
    live = live_cluster
    wl.namespace(live, "upgrade", {"istio-injection": "enabled"})
    _, rs = wl.deployment(live, "upgrade", "web", replicas=2)
    wl.pods(live, rs, 2, injected=True, tmp_path=tmp_path)
    assert status(live, "-n", "upgrade")[("Deployment", "web")]["findings"] == []
    cm = live.get("ConfigMap", "istio-sidecar-injector", "istio-system")
    original = json.loads(json.dumps(cm))
    cm["data"]["values"] = cm["data"]["values"].replace('"tag": "1.30.3"', '"tag": "1.31.0"')
    live.replace(cm)
    try:
        item = status(live, "-n", "upgrade")[("Deployment", "web")]
        assert item["expected"]["proxyImage"] == "docker.io/istio/proxyv2:1.31.0"
        finding, = item["findings"]
        assert finding["code"] == "stale-proxy" and len(finding["pods"]) == 2
        assert "run proxy image docker.io/istio/proxyv2:1.30.3; the injector now injects docker.io/istio/proxyv2:1.31.0" \
            in finding["detail"]
        assert finding["fix"] == "kubectl rollout restart deployment/web -n upgrade"
    finally:
        original["metadata"].pop("resourceVersion", None)
        live.replace(original)


def test_strict_mtls_with_a_sidecar_less_client(live_cluster, tmp_path):
    live = live_cluster
    wl.peer_authentication_crd(live)
    wl.namespace(live, "server", {"istio-injection": "enabled"})
    wl.namespace(live, "client")
    _, srv = wl.deployment(live, "server", "httpbin", replicas=1)
    wl.pods(live, srv, 1, injected=True, tmp_path=tmp_path)
    _, cli = wl.deployment(live, "client", "sleep", replicas=1)
    wl.pods(live, cli, 1)
    assert status(live, "-n", "client")[("Deployment", "sleep")]["findings"] == []
    wl.peer_authentication(live, "server", "strict", "STRICT")
    finding, = status(live, "-n", "client")[("Deployment", "sleep")]["findings"]
    assert finding["code"] == "no-sidecar-strict-mtls" and finding["pods"] == ["sleep-5f7d-0"]
    assert "server/strict" in finding["detail"] and "connection reset by peer" in finding["detail"]
    assert "kubectl label namespace client istio-injection=enabled" in finding["fix"]
    assert status(live, "-n", "server")[("Deployment", "httpbin")]["findings"] == []      # it has its sidecar
    # mesh-wide STRICT applies to the client itself; a PERMISSIVE policy on its namespace takes it out again
    wl.peer_authentication(live, "istio-system", "default", "STRICT")
    finding, = status(live, "-n", "client")[("Deployment", "sleep")]["findings"]
    assert "STRICT mutual TLS applies to 1 pod without a sidecar (istio-system/default)" in finding["detail"]
    live.cluster.request("DELETE", "/apis/security.istio.io/v1/namespaces/istio-system/peerauthentications/default")
    live.cluster.request("DELETE", "/apis/security.istio.io/v1/namespaces/server/peerauthentications/strict")
    assert status(live, "-n", "client")[("Deployment", "sleep")]["findings"] == []


def test_injector_down_shows_as_injection_failing(live_cluster):
    """The apiserver's own error for a pod the unreachable injector could not inject (failurePolicy Fail),
    reported by the ReplicaSet as kube-controller-manager reports it."""
    live = live_cluster
    wl.namespace(live, "broken", {"istio-injection": "enabled"})
    mwc = live.get("MutatingWebhookConfiguration", "istio-sidecar-injector")
    original = json.loads(json.dumps(mwc))
    for hook in mwc["webhooks"]:
        hook["failurePolicy"] = "Fail"
    live.replace(mwc)
    try:
        status_code, body = live.cluster.request("POST", "/api/v1/namespaces/broken/pods",
                                                 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "probe"},
                                                  "spec": wl.pod_spec()})
    finally:
        original["metadata"].pop("resourceVersion", None)
        live.replace(original)
    assert status_code == 500 and 'failed calling webhook "namespace.sidecar-injector.istio.io"' in body["message"]
    _, rs = wl.deployment(live, "broken", "api", replicas=2)
    wl.failed_create_event(live, rs, "Error creating: " + body["message"])
    item = status(live, "-n", "broken")[("Deployment", "api")]
    assert item["pods"] == []
    finding, = item["findings"]
    assert finding["code"] == "injection-failing"
    assert "ReplicaSet api-5f7d cannot create pods (4 FailedCreate events" in finding["detail"]
    assert "namespace.sidecar-injector.istio.io" in finding["fix"] and "get pods -l app=istiod" in finding["fix"]


def test_sidecar_not_expected_revision_mismatch_and_bare_pods(live_cluster, tmp_path):
    live = live_cluster
    wl.namespace(live, "mixed", {"istio-injection": "enabled"})
    _, opted = wl.deployment(live, "mixed", "batch", replicas=1, template_annotations={"sidecar.istio.io/inject": "false"})
    wl.pods(live, opted, 1, injected=False,
            mutate=lambda pod: pod["spec"]["containers"].append({"name": "istio-proxy", "image": "docker.io/istio/proxyv2:1.30.3"}))
    _, canary = wl.deployment(live, "mixed", "canary-app", replicas=1)

    def from_canary(pod):
        status_annotation = json.loads(pod["metadata"]["annotations"]["sidecar.istio.io/status"])
        status_annotation["revision"] = "canary"
        pod["metadata"]["annotations"]["sidecar.istio.io/status"] = json.dumps(status_annotation)

    wl.pods(live, canary, 1, injected=True, tmp_path=tmp_path, mutate=from_canary)
    live.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "loner", "namespace": "mixed"},
                 "spec": wl.pod_spec()})
    items = status(live, "-n", "mixed")
    batch = items[("Deployment", "batch")]
    assert codes(batch) == ["sidecar-not-expected"] and batch["expected"]["decidedBy"]["rule"] == "inject-annotation"
    assert codes(items[("Deployment", "canary-app")]) == ["revision-mismatch"]
    assert "injected by revision canary; a pod created now would be injected by revision default" in \
        items[("Deployment", "canary-app")]["findings"][0]["detail"]
    loner = items[("Pod", "loner")]
    assert loner["workload"] == {"kind": "Pod", "name": "loner", "namespace": "mixed"}
    assert codes(loner) == ["needs-restart"]
    assert loner["findings"][0]["fix"] == "kubectl get pod loner -n mixed -o yaml | kubectl replace --force -f -"


def _lists(run):
    return [ln.split()[2].split("?")[0] for ln in run.stderr.splitlines() if ln.startswith("I GET ")]


def test_status_makes_a_constant_number_of_list_calls(live_cluster):
    live = live_cluster
    wl.namespace(live, "scale")
    before = live.run("status", "-A", "-v", "6")
    assert before.status == 0, before.stderr
    for n in range(5):
        _, rs = wl.deployment(live, "scale", f"svc{n}", replicas=3)
        wl.pods(live, rs, 3)
    after = live.run("status", "-A", "-v", "6")
    assert after.status == 0, after.stderr
    assert _lists(after) == _lists(before)
    assert len(_lists(after)) <= 20, _lists(after)
    assert ["scale", "deployment/svc4", "3", "0/0", "-", "-", "-"] in [ln.split() for ln in after.stdout.splitlines()]


@pytest.mark.parametrize("selector, expected", [("app=svc1", {("Deployment", "svc1")}), ("app in (svc2,svc3)",
                                                {("Deployment", "svc2"), ("Deployment", "svc3")})])
def test_status_with_a_label_selector(live_cluster, selector, expected):
    wl.namespace(live_cluster, "scale")
    if live_cluster.get("Deployment", "svc3", "scale") is None:
        pytest.skip("needs the workloads of test_status_makes_a_constant_number_of_list_calls")
    assert set(status(live_cluster, "-n", "scale", "-l", selector)) == expected
