"""explain against a real kube-apiserver: the state read live, every kind saying where it came from, the same
answer as offline against the same objects, the API calls it costs, and what an unreachable cluster gives."""
import json
import os

from .conftest import ADMIN_CONTEXT

HTTPBIN = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "httpbin.yaml")


def _items(run):
    assert run.status == 0, run.stderr
    return json.loads(run.stdout)["items"]


def test_explain_file_reads_the_live_cluster(live_cluster):
    injected, = _items(live_cluster.run("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "json"))
    assert injected["verdict"] == "injected"
    assert injected["decidedBy"]["rule"] == "policy-enabled"
    origins = injected["clusterState"]
    assert origins["Namespace"] == origins["MutatingWebhookConfiguration"] == origins["ConfigMap"] == \
        f"live: {ADMIN_CONTEXT}"
    plain, = _items(live_cluster.run("explain", "-f", HTTPBIN, "-o", "json"))   # the context's namespace: default
    assert plain["object"]["namespace"] == "default" and plain["verdict"] == "not-injected"
    assert plain["decidedBy"]["rule"] == "no-matching-webhook"


def test_the_live_answer_is_the_offline_answer_for_the_same_objects(live_cluster):
    """The cluster holds the embedded default's Istio objects: same verdict, rule and patch."""
    live, = _items(live_cluster.run("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "json"))
    offline, = _items(live_cluster.run("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "json", "--offline"))
    for key in ("verdict", "decidedBy", "patch"):
        assert live[key] == offline[key], key


def test_text_output_names_the_live_cluster(live_cluster):
    run = live_cluster.run("explain", "-f", HTTPBIN, "-n", "mesh")
    assert run.status == 0, run.stderr
    assert not run.stdout.startswith("note:")
    assert run.stdout.splitlines()[1] == f"cluster state: read live from context {ADMIN_CONTEXT}"


def test_a_constant_number_of_list_calls(live_cluster):
    run = live_cluster.run("explain", "-f", HTTPBIN, "-n", "mesh", "-v", "6")
    assert run.status == 0, run.stderr
    requests = [ln for ln in run.stderr.splitlines() if ln.startswith("I GET ")]
    assert all(" 200 " in ln for ln in requests), requests
    paths = [ln.split()[2].split("?")[0].split("://", 1)[1].split("/", 1)[1] for ln in requests]
    assert paths == ["api/v1/namespaces", "apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
                     "api/v1/namespaces/istio-system/configmaps", "api/v1/nodes",
                     "api/v1/namespaces/mesh/serviceaccounts", "api/v1/namespaces/mesh/limitranges",
                     "apis/scheduling.k8s.io/v1/priorityclasses", "apis/node.k8s.io/v1/runtimeclasses"]


def test_kubeconfig_flag_and_environment_agree(live_cluster):
    by_env = live_cluster.run("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "json", context=None)
    by_flag = live_cluster.run("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "json", "--kubeconfig",
                               live_cluster.kubeconfig, context=None, environ={"KUBECONFIG": "/nonexistent"})
    assert by_env.status == by_flag.status == 0
    assert by_env.stdout == by_flag.stdout


def test_an_unreachable_cluster_is_one_line_and_exit_2(tmp_path):
    from .conftest import run_cli

    cfg = tmp_path / "kc"
    cfg.write_text("apiVersion: v1\nkind: Config\ncurrent-context: gone\ncontexts:\n- name: gone\n  context: "
                   "{cluster: c}\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\n")
    run = run_cli("explain", "-f", HTTPBIN, environ={"KUBECONFIG": str(cfg)})
    assert run.status == 2 and run.stdout == ""
    line, = run.stderr.splitlines()
    assert line.startswith('error: cannot reach the cluster of context "gone" (server https://127.0.0.1:1): ')
    assert "connection refused" in line and "--offline" in line
