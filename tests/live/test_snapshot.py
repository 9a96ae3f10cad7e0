"""snapshot against a real kube-apiserver: what it holds, what it hides, and that explaining from it gives the
live answer (verdict, deciding rule and patch), for the admin and for an RBAC-limited user."""
import json
import os

import pytest

from simulator import yamlio

from ..conftest import run_cli
from .conftest import LIMITED_CONTEXT

HTTPBIN = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "httpbin.yaml")
SAME = ("verdict", "decidedBy", "patch")


def _explain(live_cluster, namespace, *extra, context="live-admin"):
    run = live_cluster.run("explain", "-f", HTTPBIN, "-n", namespace, "-o", "json", *extra, context=context)
    assert run.status == 0, run.stderr
    item, = json.loads(run.stdout)["items"]
    return item


@pytest.mark.parametrize("output", ["yaml", "json"])
def test_explaining_from_a_snapshot_gives_the_live_answer(live_cluster, tmp_path, output):
    path = tmp_path / f"state.{output}"
    run = live_cluster.run("snapshot", "-A", "-o", output, "--file", str(path))
    assert run.status == 0 and run.stdout == "", run.stderr
    assert run.stderr.startswith("wrote ") and str(path) in run.stderr
    for namespace in ("mesh", "default"):
        live = _explain(live_cluster, namespace)
        offline = run_cli("explain", "-f", HTTPBIN, "-n", namespace, "-o", "json", "--cluster-state", str(path))
        assert offline.status == 0, offline.stderr
        from_snapshot, = json.loads(offline.stdout)["items"]
        for key in SAME:
            assert from_snapshot[key] == live[key], (namespace, key)
        assert set(from_snapshot["clusterState"].values()) == {str(path)}   # nothing from the embedded default


def test_a_snapshot_is_a_kubectl_list_of_the_state_kinds_redacted(live_cluster):
    run = live_cluster.run("snapshot", "-n", "mesh")
    assert run.status == 0, run.stderr
    snap = yamlio.load(run.stdout)
    assert (snap["apiVersion"], snap["kind"]) == ("v1", "List")
    kinds = {item["kind"] for item in snap["items"]}
    assert {"Namespace", "MutatingWebhookConfiguration", "ConfigMap", "Node", "PriorityClass"} <= kinds
    covered = snap["metadata"]["annotations"]["kubectl-inject.io/kinds"].split(",")
    assert covered == ["Namespace", "MutatingWebhookConfiguration", "ConfigMap", "Node", "ServiceAccount",
                       "LimitRange", "PriorityClass", "RuntimeClass", "PeerAuthentication"]
    assert "namespaces mesh" in snap["metadata"]["annotations"]["kubectl-inject.io/snapshot-of"]
    hooks = [h for i in snap["items"] if i["kind"] == "MutatingWebhookConfiguration" for h in i["webhooks"]]
    assert hooks and all(h["clientConfig"]["caBundle"] == "REDACTED" for h in hooks)
    assert "BEGIN CERTIFICATE" not in run.stdout and "managedFields" not in run.stdout
    configmaps = sorted(i["metadata"]["name"] for i in snap["items"] if i["kind"] == "ConfigMap")
    assert configmaps == ["istio-sidecar-injector"]          # not the namespace's other ConfigMaps
    node, = [i for i in snap["items"] if i["kind"] == "Node"]
    assert node == {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"},
                    "status": {"nodeInfo": {"kubeletVersion": "v1.37.1"}}}


def test_certificates_and_last_applied_copies_are_redacted(live_cluster):
    pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"
    live_cluster.create({"apiVersion": "v1", "kind": "ConfigMap",
                         "metadata": {"name": "istio", "namespace": "istio-system",
                                      "annotations": {"kubectl.kubernetes.io/last-applied-configuration": '{"x": 1}'}},
                         "data": {"mesh": f"defaultConfig:\n  caCertificates:\n  - pem: |\n      {pem}\n"}})
    try:
        run = live_cluster.run("snapshot", "-n", "mesh", "-o", "json")
        assert run.status == 0, run.stderr
        mesh, = [i for i in json.loads(run.stdout)["items"] if i["metadata"]["name"] == "istio"]
        assert mesh["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] == "REDACTED"
        assert "MIIB" not in mesh["data"]["mesh"] and "-----BEGIN CERTIFICATE-----\nREDACTED\n" in mesh["data"]["mesh"]
    finally:
        live_cluster.delete("ConfigMap", "istio", "istio-system")


def test_an_rbac_limited_snapshot_names_what_it_could_not_read(live_cluster, tmp_path):
    path = tmp_path / "limited.yaml"
    run = live_cluster.run("snapshot", "--file", str(path), context=LIMITED_CONTEXT)   # the context's namespace: mesh
    assert run.status == 0, run.stderr
    warnings = [ln for ln in run.stderr.splitlines() if ln.startswith("warning: ")]
    assert any("forbidden to list configmaps in namespace istio-system" in w for w in warnings)
    assert any("forbidden to list nodes " in w for w in warnings)
    live = _explain(live_cluster, "mesh", context=LIMITED_CONTEXT)
    offline = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "json", "--cluster-state", str(path))
    from_snapshot, = json.loads(offline.stdout)["items"]
    for key in SAME:
        assert from_snapshot[key] == live[key], key
    assert from_snapshot["clusterState"]["ConfigMap"].startswith("unknown: forbidden to list configmaps in namespace "
                                                                 "istio-system")
    assert live["clusterState"]["ConfigMap"].startswith("unknown: forbidden to list configmaps in namespace istio-system")


def test_snapshot_needs_a_live_cluster():
    run = run_cli("snapshot")
    assert run.status == 2 and run.stderr.startswith("error: snapshot reads a live cluster, and there is none: no kubeconfig")
