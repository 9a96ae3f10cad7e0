"""The objects the lab applies, as plain dicts: Istio's `httpbin` and `sleep` samples (their shape, written here:
a ServiceAccount, a Service and a Deployment each), the variants the scenarios need (opt-in, opt-out, the
classic annotation-on-the-Deployment mistake), an OpenShift-style build pod and a STRICT PeerAuthentication.

The lab writes each one to a file and prints `kubectl apply -f FILE`, so what the learner reads is what is applied.
`node_name` pins pods to a node, for clusters without a scheduler (kwok); the file then shows `nodeName`.
"""
from __future__ import annotations

import copy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional

#: The label that marks a namespace as the lab's own: the lab deletes (or reuses) only namespaces carrying it.
OWNER_LABEL = "app.kubernetes.io/managed-by"
OWNER_VALUE = "kubectl-inject-lab"

HTTPBIN_IMAGE = "docker.io/mccutchen/go-httpbin:v2.15.0"
SLEEP_IMAGE = "docker.io/curlimages/curl"

#: Every lab pod's terminationGracePeriodSeconds, as Istio's sleep/curl samples set it: the demo pods hold nothing
#: worth a graceful stop (`sleep infinity` as PID 1 ignores SIGTERM and would sit out the default 30 s), and the
#: namespace controller, seeing pods with a 30 s grace period, waits 16 s before it looks again — so with the
#: default every rollout restart and every clean-up of the lab would wait half a minute on a real cluster too.
GRACE_SECONDS = 0

#: The labels OpenShift's source-to-image puts on its build and deployer pods (the seed blog's case).
BUILD_LABELS = ("openshift.io/build.name", "openshift.io/deployer-pod-for.name")


def namespace(name: str, labels: Dict[str, str]) -> Dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": name, "labels": dict(labels, **{OWNER_LABEL: OWNER_VALUE})}}


def _app(name: str, image: str, port: int, target: int, container: Dict[str, Any]) -> List[Dict[str, Any]]:
    labels = {"app": name}
    return [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "labels": labels},
         "spec": {"selector": labels, "ports": [{"name": "http", "port": port, "targetPort": target}]}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
         "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                  "template": {"metadata": {"labels": dict(labels, version="v1")},
                               "spec": {"serviceAccountName": name, "terminationGracePeriodSeconds": GRACE_SECONDS,
                                        "containers": [dict({"name": name, "image": image}, **container)]}}}},
    ]


def httpbin() -> List[Dict[str, Any]]:
    return _app("httpbin", HTTPBIN_IMAGE, 8000, 8080,
                {"ports": [{"containerPort": 8080}], "command": ["go-httpbin"], "args": ["-port", "8080"]})


def sleep() -> List[Dict[str, Any]]:
    return _app("sleep", SLEEP_IMAGE, 80, 80, {"command": ["/bin/sleep", "infinity"]})


def _template(docs: List[Dict[str, Any]]) -> Dict[str, Any]:
    return next(d for d in docs if d["kind"] == "Deployment")["spec"]["template"]


def pod_label(docs: List[Dict[str, Any]], key: str, value: str) -> List[Dict[str, Any]]:
    """The pod template labelled: where `sidecar.istio.io/inject` belongs (a label, which webhooks select on)."""
    docs = copy.deepcopy(docs)
    _template(docs)["metadata"]["labels"][key] = value
    return docs


def pod_annotation(docs: List[Dict[str, Any]], key: str, value: str) -> List[Dict[str, Any]]:
    docs = copy.deepcopy(docs)
    _template(docs)["metadata"].setdefault("annotations", {})[key] = value
    return docs


def deployment_annotation(docs: List[Dict[str, Any]], key: str, value: str) -> List[Dict[str, Any]]:
    """The classic mistake: the annotation on the Deployment's own metadata, which no pod ever carries."""
    docs = copy.deepcopy(docs)
    dep = next(d for d in docs if d["kind"] == "Deployment")
    dep["metadata"].setdefault("annotations", {})[key] = value
    return docs


def build_pod() -> List[Dict[str, Any]]:
    """A pod as OpenShift's source-to-image makes one: nobody can annotate it, but it carries build labels."""
    return [{"apiVersion": "v1", "kind": "Pod",
             "metadata": {"name": "app-1-build", "labels": {BUILD_LABELS[0]: "app-1"}},
             "spec": {"restartPolicy": "Never", "terminationGracePeriodSeconds": GRACE_SECONDS,
                      "containers": [{"name": "sti-build", "image": SLEEP_IMAGE,
                                      "command": ["/bin/sleep", "infinity"]}]}}]


def strict_mtls(namespace_name: str) -> List[Dict[str, Any]]:
    """STRICT mutual TLS for the lab's namespace only (a mesh-wide policy would live in istio-system)."""
    return [{"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication",
             "metadata": {"name": "strict", "namespace": namespace_name},
             "spec": {"mtls": {"mode": "STRICT"}}}]


#: name → a function of the namespace giving the documents; the scenarios refer to manifests by these names.
MANIFESTS = {
    "httpbin": lambda ns: httpbin(),
    "sleep": lambda ns: sleep(),
    "httpbin-opt-in": lambda ns: pod_label(httpbin(), "sidecar.istio.io/inject", "true"),
    "httpbin-annotated": lambda ns: pod_annotation(httpbin(), "sidecar.istio.io/inject", "true"),
    "sleep-opt-out": lambda ns: pod_label(sleep(), "sidecar.istio.io/inject", "false"),
    "sleep-annotation-on-deployment": lambda ns: deployment_annotation(sleep(), "sidecar.istio.io/inject", "false"),
    "build-pod": lambda ns: build_pod(),
    "strict-mtls": strict_mtls,
}


def render(name: str, namespace_name: str, node_name: Optional[str] = None) -> str:
    """The manifest's YAML text, documents separated by `---` (as kubectl reads them)."""
    from simulator.yamlio.write import dump

    docs = MANIFESTS[name](namespace_name)
    if node_name:
        for doc in docs:
            spec = doc["spec"]["template"]["spec"] if doc["kind"] == "Deployment" else (
                doc["spec"] if doc["kind"] == "Pod" else None)
            if spec is not None:
                spec["nodeName"] = node_name
    return "---\n".join(dump(d) for d in docs)
