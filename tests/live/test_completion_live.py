"""TAB against a real kube-apiserver: `-n <TAB>` offers the cluster's namespaces and `explain deploy/<TAB>` the
Deployments of the namespace typed so far, through the `__complete` protocol kubectl speaks to the plugin;
a cluster that cannot answer gives no candidates, quickly, and never an error."""
import time

from . import workloads as wl
from .conftest import ADMIN_CONTEXT


def _complete(live, *words, environ=None):
    run = live.run("__complete", *words, context=None, environ=environ)
    assert run.status == 0, run.stderr
    *candidates, directive = run.stdout.splitlines()
    return [c.split("\t")[0] for c in candidates], directive


def test_namespaces_and_names_come_from_the_cluster(live_cluster):
    live = live_cluster
    wl.namespace(live, "tab-shop")
    wl.deployment(live, "tab-shop", "checkout", replicas=1)
    wl.deployment(live, "tab-shop", "cart", replicas=1)
    names, directive = _complete(live, "explain", "-n", "tab-")
    assert names == ["tab-shop"] and directive == ":4"
    names, _ = _complete(live, "status", "--namespace=")
    assert {"--namespace=tab-shop", "--namespace=mesh", "--namespace=istio-system"} <= set(names)
    names, _ = _complete(live, "explain", "-n", "tab-shop", "deploy/")
    assert names == ["deploy/cart", "deploy/checkout"]
    names, _ = _complete(live, "explain", "--context", ADMIN_CONTEXT, "-n", "tab-shop", "deployment/ch")
    assert names == ["deployment/checkout"]
    names, _ = _complete(live, "explain", "-n", "tab-shop", "statefulset/")
    assert names == []


def test_kinds_then_a_slash_and_no_space(live_cluster):
    names, directive = _complete(live_cluster, "explain", "d")
    assert names == ["daemonset/", "deployment/"] and directive == ":6"      # NO_SPACE | NO_FILE_COMP


def test_a_refusal_or_an_unreachable_cluster_offers_nothing(live_cluster, tmp_path):
    live = live_cluster
    names, _ = _complete(live, "explain", "--context", "live-limited", "-n", "tab-shop", "deploy/")
    assert names == []                                   # the limited user may not list there: nothing, no error
    dead = tmp_path / "dead-kubeconfig"
    dead.write_text("apiVersion: v1\nkind: Config\ncurrent-context: dead\n"
                    "clusters: [{name: dead, cluster: {server: 'https://10.255.255.1:6443'}}]\n"
                    "contexts: [{name: dead, context: {cluster: dead}}]\n")
    started = time.monotonic()
    names, _ = _complete(live, "explain", "-n", "", environ={"KUBECONFIG": str(dead)})
    assert names == [] and time.monotonic() - started < 10
