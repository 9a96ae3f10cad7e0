"""explain TYPE/NAME and -l against a real kube-apiserver: the object's template is explained with the live
state, and the item says what its running pods have and what differs (the `live` section of the contract)."""
import json

from . import workloads as wl


def _items(run):
    assert run.status == 0, run.stderr
    return json.loads(run.stdout)["items"]


def test_explain_deployment_adds_its_running_pods_and_findings(live_cluster):
    live = live_cluster
    wl.namespace(live, "tgt", {"istio-injection": "enabled"})
    _, rs = wl.deployment(live, "tgt", "httpbin", replicas=2)
    pods = wl.pods(live, rs, 2)
    item, = _items(live.run("explain", "deployment/httpbin", "-n", "tgt", "-o", "json"))
    assert item["object"]["kind"] == "Deployment" and item["verdict"] == "injected"
    assert [p["name"] for p in item["live"]["pods"]] == [p["metadata"]["name"] for p in pods]
    finding, = item["live"]["findings"]
    assert finding["code"] == "needs-restart" and finding["fix"] == "kubectl rollout restart deployment/httpbin -n tgt"
    # the same as status says about it, and `deploy/` as kubectl abbreviates it, explain as the default verb
    short, = _items(live.run("deploy/httpbin", "-n", "tgt", "-o", "json"))
    assert short["live"] == item["live"] and short["patch"] == item["patch"]
    text = live.run("explain", "deployment/httpbin", "-n", "tgt")
    assert text.status == 0, text.stderr
    assert "Running pods — 2, 0 with a sidecar" in text.stdout
    assert "fix: kubectl rollout restart deployment/httpbin -n tgt" in text.stdout
    assert text.stdout.splitlines()[0].startswith("Deployment tgt/httpbin  (deployment/httpbin (live: live-admin))")


def test_explain_a_deployment_without_pods_still_explains_its_template(live_cluster):
    wl.namespace(live_cluster, "tgt", {"istio-injection": "enabled"})
    wl.deployment(live_cluster, "tgt", "idle", replicas=0)
    item, = _items(live_cluster.run("explain", "deployment/idle", "-n", "tgt", "-o", "json"))
    assert item["verdict"] == "injected" and item["live"] == {"pods": [], "findings": []}


def test_explain_pod_is_that_pod_created_now(live_cluster, tmp_path):
    live = live_cluster
    wl.namespace(live, "tgt", {"istio-injection": "enabled"})
    _, rs = wl.deployment(live, "tgt", "web", replicas=1)
    pod, = wl.pods(live, rs, 1, injected=True, tmp_path=tmp_path)
    item, = _items(live.run("explain", f"pod/{pod['metadata']['name']}", "-n", "tgt", "-o", "json"))
    assert item["object"]["kind"] == "Pod" and item["verdict"] == "injected"
    assert item["live"]["pods"] == [{"name": pod["metadata"]["name"], "sidecar": True, "revision": "default",
                                     "proxyImage": "docker.io/istio/proxyv2:1.30.3"}]
    assert item["live"]["findings"] == []
    # the prediction starts from the pod as its creator sent it: the same patch as for a fresh pod of the template
    fresh, = _items(live.run("explain", "deployment/web", "-n", "tgt", "-o", "json"))
    assert [op["path"] for op in item["patch"]] == [op["path"] for op in fresh["patch"]]


def test_explain_by_label_selector_across_namespaces(live_cluster):
    live = live_cluster
    wl.namespace(live, "sel-a")
    wl.namespace(live, "sel-b", {"istio-injection": "enabled"})
    for ns in ("sel-a", "sel-b"):
        _, rs = wl.deployment(live, ns, "picked", replicas=1, template_labels={"app": "picked", "tier": "sel"})
        wl.pods(live, rs, 1)
    items = _items(live.run("explain", "-l", "tier=sel", "-A", "-o", "json"))
    assert [(i["object"]["namespace"], i["object"]["name"], i["verdict"]) for i in items] == \
        [("sel-a", "picked", "not-injected"), ("sel-b", "picked", "injected")]
    assert [[f["code"] for f in i["live"]["findings"]] for i in items] == [[], ["needs-restart"]]
    one = _items(live.run("explain", "-l", "tier=sel", "-n", "sel-b", "-o", "json"))
    assert [i["object"]["namespace"] for i in one] == ["sel-b"]


def test_what_explain_refuses_for_live_objects(live_cluster):
    live = live_cluster
    run = live.run("explain", "deployment/nope", "-n", "tgt")
    assert run.status == 2 and run.stderr == 'error: deployments.apps "nope" not found in namespace tgt\n'
    run = live.run("explain", "service/x")
    assert run.status == 2 and "explain takes pods and workloads" in run.stderr
    run = live.run("explain", "deployment/httpbin", "-n", "tgt", "--offline")
    assert run.status == 2 and "explain objects of a live cluster, and there is none: --offline" in run.stderr
    run = live.run("explain", "-l", "app=none", "-A")
    assert run.status == 2 and "no workloads found with those labels" in run.stderr
