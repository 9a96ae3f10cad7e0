"""`kubectl inject lab` without a cluster: the offline walk of every scenario (what an instructor rehearses
with), its checks, pausing, and — with a stand-in kubectl that records what it is asked — the lab's refusal
to touch a namespace that is not its own, and its clean-up when a step fails. The live walk on the real
control plane is tests/live/test_lab.py."""
import io
import json
import os
import re
import stat
import sys

import pytest

from plugin.lab import edits, scenarios
from plugin.lab.runner import ready_column
from tests.conftest import run_cli

IDS = ["unlabelled", "label-restart", "mistakes", "exceptions", "strict-mtls", "upgrade"]


def test_list_names_the_six_scenarios_in_order():
    run = run_cli("lab", "--list")
    assert run.status == 0, run.stderr
    rows = [line.split()[:2] for line in run.stdout.splitlines() if re.match(r"^\d ", line)]
    assert rows == [[str(n), i] for n, i in enumerate(IDS, 1)]


@pytest.fixture(scope="module")
def offline_run():
    return run_cli("lab", "--offline")


def test_offline_walk_says_nothing_runs_and_every_check_holds(offline_run):
    run = offline_run
    assert run.status == 0, run.stdout[-2000:] + run.stderr
    first = run.stdout.splitlines()[0]
    assert first.startswith("OFFLINE — nothing is running: no cluster is contacted")
    for n, i in enumerate(IDS, 1):
        assert f"━━ Scenario {n}/6 · {i}:" in run.stdout
    assert "✗ expected" not in run.stdout
    total = int(re.search(r"All (\d+) checks held \(offline: explain what-ifs only\)", run.stdout).group(1))
    assert total == len(re.findall(r"^  ✓ ", run.stdout, re.M)) >= 20
    # every kubectl line is marked as not run; every command that did run is the plugin's, offline or on files
    for line in run.stdout.splitlines():
        if line.startswith("$ "):
            assert line.startswith("$ kubectl inject explain "), line
            assert "--offline" in line or "--cluster-state" in line, line
    assert "# not run (offline): kubectl apply -f " in run.stdout
    assert "# not run (offline): kubectl rollout restart deployment/httpbin -n inject-lab-label-restart" in run.stdout


def _scenario_text(stdout, sid):
    start = stdout.index(f" · {sid}:")
    end = stdout.find("━━ Scenario", start)
    return stdout[start:end if end != -1 else None]


@pytest.mark.parametrize("sid,results", [
    ("unlabelled", ["NOT INJECTED — no Istio injector webhook matched"]),
    ("label-restart", ["[rule: policy-enabled]"]),
    ("mistakes", ["[rule: no-matching-webhook]", "it has no effect there", "[istio-sidecar-injector-canary]"]),
    ("exceptions", ["[rule: inject-label]", "[rule: never-inject-selector]", "[rule: policy-disabled]",
                    "[rule: inject-annotation]"]),
    ("strict-mtls", ["no-sidecar-strict-mtls", "try it yourself (the lab does not run it): kubectl exec deploy/sleep"]),
    ("upgrade", ["global.tag 1.30.3 → 1.31.0", "the injected istio-proxy image ends with :1.31.0"]),
])
def test_offline_scenario_shows_what_explain_decides(offline_run, sid, results):
    text = _scenario_text(offline_run.stdout, sid)
    for want in results:
        assert want in text, (want, text[-3000:])


def test_offline_explains_name_the_labs_namespace_and_their_hints_label_it(offline_run):
    """The explanations a learner reads offline are about the namespace the shown kubectl commands use, so a
    hint's `kubectl label namespace` can be typed as it is (it once named the embedded default's `default`)."""
    for sid in ("unlabelled", "mistakes", "exceptions"):
        text = _scenario_text(offline_run.stdout, sid)
        explained = re.findall(r"^(?:Deployment|Pod) ([a-z0-9-]+)/", text, re.M)
        assert explained and set(explained) == {f"inject-lab-{sid}"}, explained
        assert " -n default" not in text and 'new pod in "default"' not in text
    unlabelled = _scenario_text(offline_run.stdout, "unlabelled")
    assert "label the namespace: kubectl label namespace inject-lab-unlabelled istio-injection=enabled  (then" \
        in unlabelled
    mistakes = _scenario_text(offline_run.stdout, "mistakes")      # created with istio-injection=true
    assert "namespace labels: app.kubernetes.io/managed-by=kubectl-inject-lab, istio-injection=true" in mistakes
    assert "kubectl label namespace inject-lab-mistakes istio-injection- istio.io/rev=canary" in mistakes


def test_offline_runs_no_kubectl_and_leaves_no_files(monkeypatch, tmp_path):
    import subprocess
    import tempfile

    def refuse(*a, **k):
        raise AssertionError(f"offline ran a program: {a}")

    monkeypatch.setattr(subprocess, "run", refuse)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    run = run_cli("lab", "exceptions", "--offline")
    assert run.status == 0, run.stderr
    assert list(tmp_path.iterdir()) == []
    kept = run_cli("lab", "1", "--offline", "--keep")
    directory = re.search(r"kept the lab's files in (\S+)", kept.stdout).group(1)
    assert sorted(os.listdir(directory)) == ["httpbin.yaml", "namespaces.yaml"]


def test_a_check_that_does_not_hold_is_reported_and_exits_1(monkeypatch):
    changed = json.loads(json.dumps(scenarios.SCENARIOS[0]))
    changed["steps"][1]["do"][0]["expect"] = {"verdict": "injected"}
    monkeypatch.setattr(scenarios, "SCENARIOS", [changed] + scenarios.SCENARIOS[1:])
    run = run_cli("lab", "1", "--offline")
    assert run.status == 1
    assert "✗ expected INJECTED, got NOT INJECTED" in run.stdout
    assert "1 of 1 checks did not hold:\n  ✗ inject-lab-unlabelled: INJECTED (got NOT INJECTED)" in run.stdout


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_pauses_on_a_terminal_and_q_stops():
    from plugin.cli import main
    from plugin.env import Environment

    out = io.StringIO()
    env = Environment(stdin=_Terminal("\nq\n"), stdout=out, stderr=io.StringIO(), environ={}, stdout_isatty=False)
    assert main(["lab", "2", "--offline"], env) == 0
    text = out.getvalue()
    assert text.count("Press Enter for the next step (q to stop)") == 2
    assert "── Step 2: Label the namespace" in text and "── Step 3" not in text
    assert "not pausing" not in text
    out = io.StringIO()
    env = Environment(stdin=_Terminal(""), stdout=out, stderr=io.StringIO(), environ={}, stdout_isatty=False)
    assert main(["lab", "2", "--offline", "--yes"], env) == 0
    assert "Press Enter" not in out.getvalue() and "── Step 3" in out.getvalue()


def test_stdin_not_a_terminal_never_blocks():
    run = run_cli("lab", "2", "--offline", stdin="")
    assert run.status == 0
    assert "(stdin is not a terminal: not pausing between steps, as with --yes)" in run.stdout
    assert "Press Enter" not in run.stdout


@pytest.mark.parametrize("argv,message", [
    (["lab", "7", "--offline"], "error: SCENARIO '7': no such scenario; there are 1 (unlabelled), 2 (label-restart)"),
    (["lab", "1", "--offline", "--node-name", "n1"], "error: --node-name places pods on a cluster's node"),
    (["lab", "1"], "error: the lab runs on a live cluster, and there is none:"),
])
def test_bad_invocations_are_one_line_and_exit_2(argv, message):
    run = run_cli(*argv)
    assert run.status == 2
    assert run.stderr.startswith(message) and run.stderr.count("\n") == 1, run.stderr
    assert run.stdout == ""


# -- live mode against a stand-in kubectl: what the lab asks kubectl to do ------------------------------------

FAKE_KUBECTL = r'''#!PYTHON
import json, os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_KUBECTL_LOG"], "a") as fh:
    fh.write(json.dumps(args) + "\n")
if args[:2] == ["get", "namespace"]:
    labels = os.environ.get("FAKE_NS_LABELS")
    if labels is None:
        sys.stderr.write('Error from server (NotFound): namespaces "%s" not found\n' % args[2]); sys.exit(1)
    print(json.dumps({"kind": "Namespace", "metadata": {"name": args[2], "labels": json.loads(labels)}}))
elif args[:2] == ["get", "serviceaccount"]:
    print(json.dumps({"kind": "ServiceAccount", "metadata": {"name": "default"}}))
elif args[:2] == ["get", "pods"] and "json" in args:
    print(json.dumps({"items": [{"metadata": {"name": "httpbin-1"}, "spec": {"containers": [{"name": "httpbin"}]},
                                 "status": {"containerStatuses": [{"name": "httpbin", "ready": True}]}}]}))
'''


@pytest.fixture
def fake_kubectl(tmp_path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    script = bindir / "kubectl"
    script.write_text(FAKE_KUBECTL.replace("PYTHON", sys.executable))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text("apiVersion: v1\nkind: Config\ncurrent-context: lab\n"
                          "clusters:\n- name: lab\n  cluster:\n    server: https://127.0.0.1:1\n"
                          "users:\n- name: u\n  user:\n    token: t\n"
                          "contexts:\n- name: lab\n  context: {cluster: lab, user: u}\n")
    log = tmp_path / "kubectl.log"
    environ = {"KUBECONFIG": str(kubeconfig), "PATH": f"{bindir}:{os.environ['PATH']}", "FAKE_KUBECTL_LOG": str(log),
               "KUBECTL_INJECT_CACHE_DIR": str(tmp_path / "cache")}

    def calls():
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return environ, calls


def test_refuses_a_namespace_that_is_not_the_labs(fake_kubectl):
    environ, calls = fake_kubectl
    run = run_cli("lab", "1", "--context", "lab", environ=dict(environ, FAKE_NS_LABELS='{"team": "payments"}'))
    assert run.status == 2
    assert ("error: namespace inject-lab-unlabelled exists and is not the lab's (it has no label "
            "app.kubernetes.io/managed-by=kubectl-inject-lab)") in run.stderr
    assert calls() == [["get", "namespace", "inject-lab-unlabelled", "-o", "json", "--context", "lab"]]


def test_replaces_its_own_namespace_and_cleans_up_when_a_step_fails(fake_kubectl):
    environ, calls = fake_kubectl
    owned = json.dumps({"app.kubernetes.io/managed-by": "kubectl-inject-lab"})
    run = run_cli("lab", "1", "--context", "lab", environ=dict(environ, FAKE_NS_LABELS=owned))
    # kubectl (the stand-in) does everything; the plugin's own explain then cannot reach the cluster
    assert run.status == 2, run.stderr
    assert "cannot reach the cluster" in run.stderr
    writes = [c for c in calls() if c[0] not in ("get",) and c[:2] != ["rollout", "status"]]
    assert [c[:2] for c in writes] == [["delete", "namespace"], ["create", "-f"], ["apply", "-f"], ["delete", "namespace"]]
    assert writes[0][2] == writes[-1][2] == "inject-lab-unlabelled"
    assert all(c[-2:] == ["--context", "lab"] for c in calls())
    assert all(c[c.index("-n") + 1] == "inject-lab-unlabelled" for c in writes if "-n" in c)
    printed = [line[2:] for line in run.stdout.splitlines() if line.startswith("$ kubectl ")]
    assert "kubectl rollout status deployment/httpbin -n inject-lab-unlabelled --timeout=180s --context lab" in printed
    assert printed[-1] == "kubectl delete namespace inject-lab-unlabelled --timeout=180s --context lab"
    assert "✓ READY 1/1 for the pods of app=httpbin" in run.stdout


# -- the pieces -----------------------------------------------------------------------------------------------

def test_ready_column_counts_native_sidecars_as_kubectl_does():
    classic = {"spec": {"containers": [{"name": "app"}, {"name": "istio-proxy"}], "initContainers": [{"name": "istio-init"}]},
               "status": {"containerStatuses": [{"name": "app", "ready": True}, {"name": "istio-proxy", "ready": False}]}}
    assert ready_column(classic) == "1/2"
    native = {"spec": {"containers": [{"name": "app"}],
                       "initContainers": [{"name": "istio-init"}, {"name": "istio-proxy", "restartPolicy": "Always"}]},
              "status": {"containerStatuses": [{"name": "app", "ready": True}],
                         "initContainerStatuses": [{"name": "istio-init", "ready": False},
                                                   {"name": "istio-proxy", "ready": True, "started": True}]}}
    assert ready_column(native) == "2/2"


def test_config_edits_keep_the_rest_of_the_configuration():
    from simulator import yamlio

    text = "policy: enabled\nneverInjectSelector:\n- matchLabels: {a: b}\ntemplates:\n  sidecar: |\n    x: {{ .Foo }}\n"
    never = yamlio.load(edits.edited_config(text, "never-inject-builds"))
    assert never["neverInjectSelector"][0] == {"matchLabels": {"a": "b"}}
    assert [e["matchExpressions"][0]["key"] for e in never["neverInjectSelector"][1:]] == \
        ["openshift.io/build.name", "openshift.io/deployer-pod-for.name"]
    disabled = yamlio.load(edits.edited_config(text, "policy-disabled"))
    assert disabled["policy"] == "disabled" and disabled["templates"] == yamlio.load(text)["templates"]
    assert edits.next_version("1.30.3") == "1.31.0" and edits.next_version("master") == "master-upgraded"
    values, old, new = edits.upgraded_values('{"global": {"tag": "1.24.6", "hub": "h"}}')
    assert (old, new, json.loads(values)["global"]) == ("1.24.6", "1.25.0", {"tag": "1.25.0", "hub": "h"})


def test_revision_only_state_has_only_the_revisions_webhooks():
    from simulator import yamlio

    docs = list(yamlio.load_all(edits.revision_only_state("canary")))
    mwc, = [d for d in docs if d["kind"] == "MutatingWebhookConfiguration"]
    cm, = [d for d in docs if d["kind"] == "ConfigMap"]
    assert mwc["metadata"]["name"] == "istio-sidecar-injector-canary" and mwc["metadata"]["labels"]["istio.io/rev"] == "canary"
    assert [h["name"] for h in mwc["webhooks"]] == ["rev.namespace.sidecar-injector.istio.io",
                                                    "rev.object.sidecar-injector.istio.io"]
    selectors = json.dumps(mwc["webhooks"])
    assert '"default"' not in selectors and "istiod-canary" in selectors
    assert cm["metadata"]["name"] == "istio-sidecar-injector-canary"
    assert json.loads(cm["data"]["values"])["revision"] == "canary"
