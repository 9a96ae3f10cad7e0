"""An RBAC-limited user: every refused read is named (verb, resource, namespace), the rest still works, and
the result says which conclusions are unknown. Impersonation (--as, --as-group) reaches the same limits."""
import json
import os

from .conftest import LIMITED_CONTEXT, LIMITED_USER

HTTPBIN = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "httpbin.yaml")


def _refused(stderr):
    return sorted(ln.split(" (context ")[0] for ln in stderr.splitlines() if ln.startswith("warning: forbidden to "))


LIMITED_REFUSALS = ["warning: forbidden to list configmaps in namespace istio-system",
                    "warning: forbidden to list nodes",
                    "warning: forbidden to list priorityclasses.scheduling.k8s.io",
                    "warning: forbidden to list runtimeclasses.node.k8s.io"]


def test_refusals_are_named_and_the_rest_still_works(live_cluster):
    run = live_cluster.run("explain", "-f", HTTPBIN, "-o", "json", context=LIMITED_CONTEXT)   # namespace mesh
    assert run.status == 0, run.stderr
    assert _refused(run.stderr) == LIMITED_REFUSALS
    item, = json.loads(run.stdout)["items"]
    origins = item["clusterState"]
    assert origins["Namespace"] == origins["MutatingWebhookConfiguration"] == f"live: {LIMITED_CONTEXT}"
    assert origins["ConfigMap"] == ("unknown: forbidden to list configmaps in namespace istio-system "
                                    f"(live: {LIMITED_CONTEXT})")
    selection = next(st for st in item["stages"] if st["stage"] == "webhook-selection")
    called = [w["webhook"] for w in selection["webhooks"] if w["called"]]
    assert called == ["namespace.sidecar-injector.istio.io"]           # selection was still evaluated
    assert any(w["code"] == "injector-config-unavailable" for w in item["warnings"])
    assert (item["verdict"], item["decidedBy"]["rule"]) == ("unknown", "injector-unknown")     # not guessed
    text = live_cluster.run("explain", "-f", HTTPBIN, context=LIMITED_CONTEXT).stdout
    assert text.splitlines()[1].startswith(f"cluster state: read live from context {LIMITED_CONTEXT}; unknown: "
                                           "ConfigMap (forbidden to list configmaps in namespace istio-system)")
    assert "   ? ConfigMap: forbidden to list configmaps in namespace istio-system — the injector's policy and " \
        "templates are unknown" in text
    result = next(line for line in text.splitlines() if line.startswith("RESULT: "))
    assert result.startswith("RESULT: UNKNOWN") and result.endswith("(incomplete: see Unknown above)")


def test_impersonation_sends_the_user_and_every_group(live_cluster):
    as_user = live_cluster.run("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "json", "--as", LIMITED_USER)
    assert as_user.status == 0, as_user.stderr
    assert _refused(as_user.stderr) == LIMITED_REFUSALS
    live_cluster.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                         "metadata": {"name": "node-reader"},
                         "rules": [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["list"]}]})
    live_cluster.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                         "metadata": {"name": "node-readers"},
                         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "node-reader"},
                         "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "node-readers"}]})
    try:
        grouped = live_cluster.run("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "json", "--as", LIMITED_USER,
                                   "--as-group", "developers", "--as-group", "node-readers")
        assert grouped.status == 0, grouped.stderr
        assert "warning: forbidden to list nodes" not in _refused(grouped.stderr)     # the second group counted
        assert "warning: forbidden to list configmaps in namespace istio-system" in _refused(grouped.stderr)
    finally:
        live_cluster.delete("ClusterRoleBinding", "node-readers")
        live_cluster.delete("ClusterRole", "node-reader")
