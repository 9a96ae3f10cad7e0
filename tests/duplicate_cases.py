"""Manifests with a key written twice, JSON and YAML, at the top level, in metadata.labels and in a container:
one table for the plugin's fast tests (tests/test_duplicate_keys.py) and for the real kubectl against the real
kube-apiserver (tests/realcluster/test_duplicate_keys.py), which establishes what becomes of them.

Each case: (file name, text, what the object created from it has: the pod's labels and its (container, image)
pairs, the last value of each duplicate)."""

POD_TOP = (
    '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "dup-top", "labels": {"app": "web"}},\n'
    ' "spec": {"containers": [{"name": "first", "image": "nginx"}]},\n'
    ' "spec": {"containers": [{"name": "second", "image": "busybox"}]}}\n')
POD_LABELS = (
    '{"apiVersion": "v1", "kind": "Pod",\n'
    ' "metadata": {"name": "dup-labels", "labels": {"app": "one",\n'
    '   "app": "two"}},\n'
    ' "spec": {"containers": [{"name": "c", "image": "nginx"}]}}\n')
DEPLOYMENT_CONTAINER = (
    '{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "dup-container"},\n'
    ' "spec": {"selector": {"matchLabels": {"app": "x"}},\n'
    '  "template": {"metadata": {"labels": {"app": "x"}},\n'
    '   "spec": {"containers": [{"name": "c", "image": "nginx",\n'
    '     "image": "busybox"}]}}}}\n')
#: the injection label, first "false" then "true": which one the object gets decides injection
POD_INJECT_LABEL = (
    '{"apiVersion": "v1", "kind": "Pod",\n'
    ' "metadata": {"name": "dup-inject", "labels": {"sidecar.istio.io/inject": "false",\n'
    '   "sidecar.istio.io/inject": "true"}},\n'
    ' "spec": {"containers": [{"name": "c", "image": "nginx"}]}}\n')

POD_TOP_YAML = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: dup-top-y\n  labels:\n    app: web\nspec:\n"
                "  containers:\n  - name: first\n    image: nginx\nspec:\n  containers:\n  - name: second\n"
                "    image: busybox\n")
POD_LABELS_YAML = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: dup-labels-y\n  labels:\n    app: one\n"
                   "    app: two\nspec:\n  containers:\n  - name: c\n    image: nginx\n")
DEPLOYMENT_CONTAINER_YAML = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: dup-container-y\nspec:\n  selector:\n"
    "    matchLabels:\n      app: x\n  template:\n    metadata:\n      labels:\n        app: x\n    spec:\n"
    "      containers:\n      - name: c\n        image: nginx\n        image: busybox\n")
POD_INJECT_LABEL_YAML = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: dup-inject-y\n  labels:\n"
                         "    sidecar.istio.io/inject: \"false\"\n    sidecar.istio.io/inject: \"true\"\n"
                         "spec:\n  containers:\n  - name: c\n    image: nginx\n")

CASES = [
    ("top.json", POD_TOP, {"app": "web"}, [("second", "busybox")]),
    ("labels.json", POD_LABELS, {"app": "two"}, [("c", "nginx")]),
    ("container.json", DEPLOYMENT_CONTAINER, {"app": "x"}, [("c", "busybox")]),
    ("inject-label.json", POD_INJECT_LABEL, {"sidecar.istio.io/inject": "true"}, [("c", "nginx")]),
    ("top.yaml", POD_TOP_YAML, {"app": "web"}, [("second", "busybox")]),
    ("labels.yaml", POD_LABELS_YAML, {"app": "two"}, [("c", "nginx")]),
    ("container.yaml", DEPLOYMENT_CONTAINER_YAML, {"app": "x"}, [("c", "busybox")]),
    ("inject-label.yaml", POD_INJECT_LABEL_YAML, {"sidecar.istio.io/inject": "true"}, [("c", "nginx")]),
]


def pod_view(obj):
    """(the pod's labels, its (container, image) pairs but Istio's) of a Pod, or of a workload's template."""
    pod = obj if obj.get("kind") == "Pod" else obj["spec"]["template"]
    labels = (pod.get("metadata") or {}).get("labels") or {}
    containers = [(c["name"], c["image"]) for c in pod["spec"]["containers"] if not c["name"].startswith("istio-")]
    return labels, containers


def plugin_view(stdout, given_labels):
    """pod_view of the one object in `-o pod` output, with only the label keys the case names (the injector
    adds its own)."""
    import yaml

    obj = next(d for d in yaml.safe_load_all(stdout) if d)
    labels, containers = pod_view(obj)
    return {k: labels.get(k) for k in given_labels}, containers
