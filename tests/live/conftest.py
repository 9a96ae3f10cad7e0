"""Session fixture for the live tier: a real kube-apiserver + etcd (tests/realcluster's harness: built from the
Go module proxy once, cached) holding what a default-revision Istio install puts in a cluster, and a
kubeconfig with two users — an admin and a developer whose RBAC leaves things out.

State-only: the injector webhook points at a loopback URL nothing serves, with failurePolicy Ignore, so pods
are created without sidecars (exactly the pods of a namespace labelled after they started). There is no
kube-controller-manager: a Deployment makes no pods, so tests create Pods with ownerReferences themselves.
A real istiod and kwok are the next tier (/work/shared/docs/local-control-plane-recipe.md).
"""
import base64
import copy

import pytest

from plugin.kube import resources as r
from plugin.kube.resources import Resource
from plugin.state.sources import load_default, TEMPLATES_FROM

from ..conftest import run_cli
from ..realcluster import apiserver, certs
from .mesh import control_plane, real_injector  # noqa: F401  (module-scoped: one mesh per test module)

LIMITED_TOKEN = "kubectl-inject-live-limited-token"
LIMITED_USER = "limited-dev"
ADMIN_CONTEXT = "live-admin"
LIMITED_CONTEXT = "live-limited"

ROLES = Resource("rbac.authorization.k8s.io", "v1", "roles", "Role", True)
ROLEBINDINGS = Resource("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", True)
CLUSTERROLES = Resource("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", False)
CLUSTERROLEBINDINGS = Resource("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", False)
KINDS = {res.kind: res for res in (r.NAMESPACES, r.NODES, r.CONFIGMAPS, r.SERVICEACCOUNTS, r.LIMITRANGES, r.PODS,
                                   r.EVENTS, r.MUTATINGWEBHOOKCONFIGURATIONS, r.DEPLOYMENTS, r.REPLICASETS,
                                   r.STATEFULSETS, r.DAEMONSETS, r.JOBS, r.CRONJOBS, ROLES, ROLEBINDINGS,
                                   CLUSTERROLES, CLUSTERROLEBINDINGS)}


class LiveCluster:
    """The running control plane, its kubeconfig, and object helpers that talk REST as the admin."""

    def __init__(self, cluster, kubeconfig, unserved_url):
        self.cluster = cluster
        self.kubeconfig = kubeconfig
        self.unserved_url = unserved_url

    def _resource(self, obj):
        return KINDS[obj["kind"]]

    def create(self, obj, exist_ok=False):
        """`exist_ok`: an object someone else may make meanwhile (kube-controller-manager makes each
        namespace's `default` ServiceAccount) may already be there: its 409 AlreadyExists is no failure."""
        obj = copy.deepcopy(obj)
        res = self._resource(obj)
        ns = (obj.get("metadata") or {}).get("namespace") if res.namespaced else None
        status, body = self.cluster.request("POST", res.path(ns), obj)
        if exist_ok and status == 409 and body.get("reason") == "AlreadyExists":
            return body
        assert status in (200, 201), f"creating {obj['kind']} {obj['metadata'].get('name')}: {status} {body}"
        return body

    def replace(self, obj):
        res = self._resource(obj)
        md = obj["metadata"]
        ns = md.get("namespace") if res.namespaced else None
        status, current = self.cluster.request("GET", res.path(ns, md["name"]))
        assert status == 200, current
        obj = copy.deepcopy(obj)
        obj["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
        status, body = self.cluster.request("PUT", res.path(ns, md["name"]), obj)
        assert status == 200, body
        return body

    def delete(self, kind, name, namespace=None):
        res = KINDS[kind]
        status, body = self.cluster.request("DELETE", res.path(namespace if res.namespaced else None, name))
        assert status in (200, 202, 404), body

    def get(self, kind, name, namespace=None):
        res = KINDS[kind]
        status, body = self.cluster.request("GET", res.path(namespace if res.namespaced else None, name))
        return body if status == 200 else None

    def run(self, *argv, context=ADMIN_CONTEXT, environ=None):
        """The CLI in-process against this cluster, found through $KUBECONFIG as a user's shell would."""
        env = {"KUBECONFIG": self.kubeconfig}
        env.update(environ or {})
        return run_cli(*argv, *(["--context", context] if context else []), environ=env)


def istio_objects(unserved_url, ca_bundle):
    """The embedded default's Istio objects as a cluster holds them: the webhook configuration calling a URL
    (failurePolicy Ignore: nothing serves it), the injector ConfigMap with its templates inline."""
    out = []
    for doc in load_default():
        obj = copy.deepcopy(doc.obj)
        if obj["kind"] == "MutatingWebhookConfiguration":
            for hook in obj["webhooks"]:
                hook["clientConfig"] = {"url": unserved_url, "caBundle": ca_bundle}
                hook["failurePolicy"] = "Ignore"
            out.append(obj)
        elif obj["kind"] == "ConfigMap":
            obj["metadata"]["annotations"].pop(TEMPLATES_FROM, None)
            out.append(obj)
    return out


def state_only_cluster(cluster, home):
    """The benchmarks' cluster: a kubeconfig in `home` for the running `cluster`, and the embedded default's
    Istio objects installed with the webhook calling a URL nothing serves (no caBundle: nothing is called)."""
    import pathlib

    kubeconfig = _kubeconfig(pathlib.Path(home) / "kubeconfig", cluster)
    live = LiveCluster(cluster, kubeconfig, f"https://127.0.0.1:{apiserver.free_port()}/inject")
    live.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "istio-system"}})
    for obj in istio_objects(live.unserved_url, ""):
        for hook in obj.get("webhooks") or []:
            hook["clientConfig"].pop("caBundle", None)
        live.create(obj)
    return live, kubeconfig


def _kubeconfig(path, cluster):
    ca = cluster.pki["ca_cert"]
    users = [("admin", apiserver.ADMIN_TOKEN), ("limited", LIMITED_TOKEN)]
    text = ["apiVersion: v1", "kind: Config", f"current-context: {ADMIN_CONTEXT}", "clusters:",
            f"- name: live\n  cluster:\n    server: {cluster.url}\n    certificate-authority: {ca}", "users:"]
    text += [f"- name: {name}\n  user:\n    token: {token}" for name, token in users]
    text += ["contexts:", f"- name: {ADMIN_CONTEXT}\n  context: {{cluster: live, user: admin}}",
             f"- name: {LIMITED_CONTEXT}\n  context: {{cluster: live, user: limited, namespace: mesh}}"]
    path.write_text("\n".join(text) + "\n")
    return str(path)


def _rbac(live):
    """The limited developer: may read namespaces and webhook configurations cluster-wide and the workloads of
    namespace mesh, but not the injector's ConfigMaps in istio-system, nor Nodes or the admission kinds."""
    live.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                 "metadata": {"name": "live-limited-reader"},
                 "rules": [{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get", "list"]},
                           {"apiGroups": ["admissionregistration.k8s.io"],
                            "resources": ["mutatingwebhookconfigurations"], "verbs": ["get", "list"]}]})
    live.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                 "metadata": {"name": "live-limited-reader"},
                 "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "live-limited-reader"},
                 "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": LIMITED_USER}]})
    live.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                 "metadata": {"name": "workloads-reader", "namespace": "mesh"},
                 "rules": [{"apiGroups": ["", "apps", "batch"],
                            "resources": ["pods", "events", "serviceaccounts", "limitranges", "replicasets",
                                          "deployments", "statefulsets", "daemonsets", "jobs", "cronjobs",
                                          "replicationcontrollers"],
                            "verbs": ["get", "list"]}]})
    live.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                 "metadata": {"name": "workloads-reader", "namespace": "mesh"},
                 "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "workloads-reader"},
                 "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": LIMITED_USER}]})


@pytest.fixture(scope="session")
def live_cluster(tmp_path_factory):
    pytest.importorskip("kubernetes", reason="the live tier needs the cluster extra: pip install -e '.[cluster]'")
    try:
        etcd = apiserver.etcd_binary()
        binary = apiserver.apiserver_binary()
        cluster = apiserver.Cluster(binary, etcd, extra_tokens=[(LIMITED_TOKEN, LIMITED_USER)]).start()
    except (apiserver.Unavailable, certs.PKIError) as e:
        pytest.skip(str(e))
    try:
        kubeconfig = _kubeconfig(tmp_path_factory.mktemp("live") / "kubeconfig", cluster)
        unserved = f"https://127.0.0.1:{apiserver.free_port()}/inject"
        with open(cluster.pki["ca_cert"], "rb") as fh:
            ca_bundle = base64.b64encode(fh.read()).decode()
        live = LiveCluster(cluster, kubeconfig, unserved)
        for name, labels in (("mesh", {"istio-injection": "enabled"}), ("istio-system", {})):
            live.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}})
        for obj in istio_objects(unserved, ca_bundle):
            live.create(obj)
        live.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"},
                     "status": {"nodeInfo": {"kubeletVersion": "v1.37.1"}}})
        _rbac(live)
        yield live
    finally:
        cluster.stop()

