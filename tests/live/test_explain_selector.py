"""`explain -l SELECTOR` against a real kube-apiserver finds workloads as kubectl users select them: by their pods'
labels (`kubectl get pods -l`) and by their own labels (`kubectl get deploy,sts,ds,cronjob,job,rs,rc -l`), so a
Deployment scaled to 0, or one whose pods were never made (no kube-controller-manager here), is explained too."""
import json

from . import workloads as wl


def _items(run):
    assert run.status == 0, run.stderr
    return json.loads(run.stdout)["items"]


def _labelled_deployment(live, ns, name, labels, template_labels, replicas=0):
    """A Deployment with labels of its own (wl.deployment makes none), and no ReplicaSet or pods: what a state-only
    cluster holds after `kubectl apply`."""
    return live.create({"apiVersion": "apps/v1", "kind": "Deployment",
                        "metadata": {"name": name, "namespace": ns, "labels": labels},
                        "spec": {"replicas": replicas, "selector": {"matchLabels": template_labels},
                                 "template": {"metadata": {"labels": template_labels}, "spec": wl.pod_spec()}}})


def test_a_deployment_without_pods_is_found_by_its_own_labels(live_cluster):
    live = live_cluster
    wl.namespace(live, "lsel", {"istio-injection": "enabled"})
    _labelled_deployment(live, "lsel", "idle", {"team": "zero"}, {"app": "idle"})
    statefulset = live.create({"apiVersion": "apps/v1", "kind": "StatefulSet",
                               "metadata": {"name": "db", "namespace": "lsel", "labels": {"team": "zero"}},
                               "spec": {"replicas": 0, "serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
                                        "template": {"metadata": {"labels": {"app": "db"}}, "spec": wl.pod_spec()}}})
    items = _items(live.run("explain", "-l", "team=zero", "-n", "lsel", "-o", "json"))
    assert [(i["object"]["kind"], i["object"]["name"], i["verdict"]) for i in items] == \
        [("Deployment", "idle", "injected"), ("StatefulSet", "db", "injected")]
    assert [i["live"] for i in items] == [{"pods": [], "findings": []}] * 2
    assert statefulset["metadata"]["labels"] == {"team": "zero"}
    text = live.run("explain", "-l", "team=zero", "-n", "lsel")
    assert text.status == 0 and text.stdout.startswith("Deployment lsel/idle"), text.stdout
    assert "StatefulSet lsel/db" in text.stdout and "(deployment/idle (live: live-admin))" in text.stdout
    # the template's labels are not the workload's: as `kubectl get deploy -l app=idle`, nothing is found
    none = live.run("explain", "-l", "app=idle", "-n", "lsel")
    assert none.status == 2 and "no workloads found with those labels" in none.stderr


def test_a_workload_found_by_its_own_labels_brings_its_running_pods(live_cluster):
    """Its pods do not carry the label selected on, yet `live` lists them, and the finding names them."""
    live = live_cluster
    wl.namespace(live, "lsel", {"istio-injection": "enabled"})
    dep = _labelled_deployment(live, "lsel", "web", {"team": "web"}, {"app": "web"}, replicas=2)
    rs = live.create({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                      "metadata": {"name": "web-5f7d", "namespace": "lsel", "ownerReferences": [wl.owner(dep)],
                                   "labels": {"app": "web", "pod-template-hash": "5f7d"}},
                      "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web", "pod-template-hash": "5f7d"}},
                               "template": {"metadata": {"labels": {"app": "web", "pod-template-hash": "5f7d"}},
                                            "spec": wl.pod_spec()}}})
    pods = wl.pods(live, rs, 2)
    item, = _items(live.run("explain", "-l", "team=web", "-n", "lsel", "-o", "json"))
    assert (item["object"]["kind"], item["object"]["name"]) == ("Deployment", "web")
    assert [p["name"] for p in item["live"]["pods"]] == [p["metadata"]["name"] for p in pods]
    assert [f["code"] for f in item["live"]["findings"]] == ["needs-restart"]
    # found by its pods' labels and by its ReplicaSet's own: still one item, the same one
    again, = _items(live.run("explain", "-l", "app=web", "-n", "lsel", "-o", "json"))
    assert again["live"] == item["live"] and again["object"] == item["object"]
    both = _items(live.run("explain", "-l", "app in (web,idle)", "-n", "lsel", "-o", "json"))
    assert [(i["object"]["kind"], i["object"]["name"]) for i in both] == [("Deployment", "web")]
