"""Making workloads on a cluster without kube-controller-manager: the Deployment, its ReplicaSet and its Pods
are created as the controllers would (ownerReferences, pod-template-hash), and an "injected" pod is what
the plugin predicts for the pod (`explain -o pod`), since no real injector answers in this tier."""
import copy
import time

from simulator import yamlio

APP_IMAGE = "docker.io/kennethreitz/httpbin"
PA_CRD = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "peerauthentications.security.istio.io"},
    "spec": {"group": "security.istio.io", "scope": "Namespaced",
             "names": {"kind": "PeerAuthentication", "listKind": "PeerAuthenticationList",
                       "plural": "peerauthentications", "singular": "peerauthentication", "shortNames": ["pa"]},
             "versions": [{"name": "v1", "served": True, "storage": True,
                           "schema": {"openAPIV3Schema": {"type": "object",
                                                          "x-kubernetes-preserve-unknown-fields": True}}},
                          {"name": "v1beta1", "served": True, "storage": False,
                           "schema": {"openAPIV3Schema": {"type": "object",
                                                          "x-kubernetes-preserve-unknown-fields": True}}}]}}


def namespace(live, name, labels=None):
    """A namespace with its `default` ServiceAccount (which kube-controller-manager would make)."""
    if live.get("Namespace", name) is None:
        live.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels or {}}})
    if live.get("ServiceAccount", "default", name) is None:   # kcm may make it between the get and the create
        live.create({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": name}},
                    exist_ok=True)


def owner(obj):
    return {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": obj["metadata"]["name"],
            "uid": obj["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}


def pod_spec(name="app"):
    return {"containers": [{"name": name, "image": APP_IMAGE, "ports": [{"containerPort": 80}]}]}


def deployment(live, ns, name, replicas=2, template_labels=None, template_annotations=None):
    """A Deployment with one ReplicaSet; its pods are made by `pods`."""
    labels = dict(template_labels or {"app": name})
    meta = {"labels": labels}
    if template_annotations:
        meta["annotations"] = dict(template_annotations)
    dep = live.create({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": ns},
                       "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                                "template": {"metadata": meta, "spec": pod_spec()}}})
    rs_meta = copy.deepcopy(meta)
    rs_meta["labels"]["pod-template-hash"] = "5f7d"
    rs = live.create({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                      "metadata": {"name": f"{name}-5f7d", "namespace": ns, "ownerReferences": [owner(dep)],
                                   "labels": rs_meta["labels"]},
                      "spec": {"replicas": replicas, "selector": {"matchLabels": rs_meta["labels"]},
                               "template": {"metadata": rs_meta, "spec": pod_spec()}}})
    return dep, rs


def pods(live, controller, count, injected=False, suffix="", tmp_path=None, mutate=None):
    """Pods of a controller (a ReplicaSet, Job, … object) from its template, as the controller creates them;
    `injected`: with the sidecar the plugin predicts from the live state."""
    template = controller["spec"]["template"]
    ns = controller["metadata"]["namespace"]
    made = []
    for i in range(count):
        pod = {"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": f"{controller['metadata']['name']}-{suffix}{i}", "namespace": ns,
                            "labels": dict(template["metadata"].get("labels") or {}),
                            "annotations": dict(template["metadata"].get("annotations") or {}),
                            "ownerReferences": [owner(controller)]},
               "spec": copy.deepcopy(template["spec"])}
        if injected:
            pod = injected_pod(live, pod, tmp_path)
        if mutate:
            mutate(pod)
        made.append(live.create(pod))
    return made


def injected_pod(live, pod, tmp_path):
    """The pod as the injector would return it (the plugin's prediction against the live state)."""
    import json

    path = tmp_path / f"{pod['metadata']['name']}.json"
    path.write_text(json.dumps(pod))
    run = live.run("explain", "-f", str(path), "-o", "pod")
    assert run.status == 0, run.stderr
    out = yamlio.load(run.stdout)
    assert any(c["name"] == "istio-proxy" for c in (out["spec"].get("containers", []) +
                                                    out["spec"].get("initContainers", []))), run.stdout
    out["metadata"]["ownerReferences"] = pod["metadata"]["ownerReferences"]
    return out


def peer_authentication_crd(live):
    status, body = live.cluster.request("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"
                                               "peerauthentications.security.istio.io")
    if status == 200:
        return
    status, body = live.cluster.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", PA_CRD)
    assert status == 201, body
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, _ = live.cluster.request("GET", "/apis/security.istio.io/v1/peerauthentications")
        if status == 200:
            return
        time.sleep(0.2)
    raise AssertionError("the PeerAuthentication CRD was not served within 60 s")


def peer_authentication(live, ns, name, mode, selector=None):
    body = {"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication",
            "metadata": {"name": name, "namespace": ns}, "spec": {"mtls": {"mode": mode}}}
    if selector:
        body["spec"]["selector"] = {"matchLabels": selector}
    status, out = live.cluster.request("POST", f"/apis/security.istio.io/v1/namespaces/{ns}/peerauthentications", body)
    assert status == 201, out
    return out


def failed_create_event(live, controller, message):
    md = controller["metadata"]
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 1))
    body = {"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": f"{md['name']}.failed", "namespace": md["namespace"]},
            "involvedObject": {"apiVersion": controller["apiVersion"], "kind": controller["kind"], "name": md["name"],
                               "namespace": md["namespace"], "uid": md["uid"]},
            "reason": "FailedCreate", "type": "Warning", "message": message, "count": 4,
            "firstTimestamp": now, "lastTimestamp": now, "source": {"component": "replicaset-controller"}}
    status, out = live.cluster.request("POST", f"/api/v1/namespaces/{md['namespace']}/events", body)
    assert status == 201, out
    return out
