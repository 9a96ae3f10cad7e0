"""The CLI as a user drives it: formats, exit codes, what-if flags, warnings and bad input."""
import json
import os
import re

import jsonpatch
import pytest
import yaml

HERE = os.path.dirname(__file__)
HTTPBIN = os.path.join(HERE, "data", "httpbin.yaml")
MIXED = os.path.join(HERE, "data", "mixed.yaml")


def manifests(run):
    """The documents `-o pod` printed; like `istioctl kube-inject`, each ends with `---`, so the
    stream's last document is empty."""
    docs = list(yaml.safe_load_all(run.stdout))
    assert docs and docs[-1] is None and run.stdout.endswith("---\n"), run.stdout[-200:]
    return docs[:-1]


def single(run):
    docs = manifests(run)
    assert len(docs) == 1
    return docs[0]


def items(run):
    return json.loads(run.stdout)["items"]


def test_unlabeled_namespace_is_not_injected_and_says_why(cli):
    run = cli("explain", "-f", HTTPBIN)
    assert run.status == 0
    assert "RESULT: NOT INJECTED" in run.stdout
    assert "no-matching-webhook" in run.stdout
    assert "needs istio-injection in (enabled); namespace has no label istio-injection" in run.stdout


def test_labeled_namespace_is_injected_with_a_recognisable_sidecar(cli):
    run = cli("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "json")
    item = items(run)[0]
    assert item["verdict"] == "injected"
    assert item["decidedBy"] == {**item["decidedBy"], "stage": "policy", "rule": "policy-enabled",
                                 "webhook": "namespace.sidecar-injector.istio.io",
                                 "configuration": "istio-sidecar-injector"}
    assert item["object"] == {**item["object"], "kind": "Deployment", "name": "httpbin", "namespace": "mesh"}
    assert isinstance(item["decidedBy"]["detail"], str) and "enabled" in item["decidedBy"]["detail"]
    pod = single(cli("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "pod"))
    spec = pod["spec"]["template"]["spec"]
    assert [c["name"] for c in spec["containers"]] == ["httpbin", "istio-proxy"]
    assert [c["name"] for c in spec["initContainers"]] == ["istio-init"]
    proxy = spec["containers"][1]
    assert {"containerPort": 15090, "name": "http-envoy-prom", "protocol": "TCP"} in proxy["ports"]
    assert "istio-token" in [v["name"] for v in spec["volumes"]]
    annotations = pod["spec"]["template"]["metadata"]["annotations"]
    status = json.loads(annotations["sidecar.istio.io/status"])
    assert status["initContainers"] == ["istio-init"] and status["containers"] == ["istio-proxy"]
    assert status["revision"] == "default"
    env = {e["name"]: e.get("value") for e in proxy["env"]}
    assert env["ISTIO_META_APP_CONTAINERS"] == "httpbin"
    assert json.loads(env["ISTIO_META_POD_PORTS"]) == [{"containerPort": 80}]


def test_patch_turns_the_pod_the_webhook_receives_into_the_injected_pod(cli):
    """The patch is relative to what kube-apiserver hands the webhook (the defaulted pod, which
    tests/realcluster holds to a real kube-apiserver), and applying it - with `jsonpatch`, an RFC 6902
    implementation independent of the simulator - gives that pod plus exactly the sidecar parts `-o pod`
    prints: the user's containers, the apiserver's defaults and its token volume are left alone."""
    import copy

    from simulator.kube.admission.chain import prepare_for_webhooks
    from simulator.kube.controllers import as_controller_creates
    from simulator.kube.objects import pod_for

    patch = json.loads(cli("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "patch").stdout)["items"][0]["patch"]
    assert {op["op"] for op in patch} <= {"add", "remove", "replace", "move", "copy", "test"}
    assert items(cli("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "json"))[0]["patch"] == patch
    with open(HTTPBIN) as fh:
        deployment = yaml.safe_load(fh)
    received, _ = prepare_for_webhooks(as_controller_creates(deployment, pod_for(deployment, "mesh"), "mesh"), "mesh")
    assert received["spec"]["serviceAccountName"] == "default"
    printed = single(cli("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "pod"))["spec"]["template"]

    def named(section, pod):
        return {c["name"]: c for c in pod["spec"].get(section) or []}

    ours = {"initContainers": {"istio-init"}, "containers": {"istio-proxy"}}
    expected = copy.deepcopy(received)
    for section, names in ours.items():
        assert set(named(section, printed)) - set(named(section, received)) == names
    # The webhook's template sees the pod's ports as the apiserver defaulted them (protocol TCP), where
    # kube-inject sees the manifest's: the one value the two modes render differently.
    app_ports = [p for c in received["spec"]["containers"] for p in c.get("ports") or []]
    proxy = copy.deepcopy(named("containers", printed)["istio-proxy"])
    for env in proxy["env"]:
        if env["name"] == "ISTIO_META_POD_PORTS":
            env["value"] = json.dumps(app_ports, separators=(",", ":"))
    expected["spec"]["initContainers"] = [named("initContainers", printed)["istio-init"]]
    expected["spec"]["containers"] = received["spec"]["containers"] + [proxy]
    # Istio's volumes come first (strategic merge puts new items before the pod's), then the token volume.
    expected["spec"]["volumes"] = printed["spec"]["volumes"] + received["spec"]["volumes"]
    for key in ("labels", "annotations"):
        expected["metadata"][key] = {**received["metadata"].get(key, {}), **printed["metadata"][key]}
    assert jsonpatch.apply_patch(received, patch) == expected


def test_pod_output_is_the_manifest_without_server_defaults(cli):
    pod = single(cli("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "pod"))
    spec = pod["spec"]["template"]["spec"]
    assert "serviceAccountName" not in spec and "tolerations" not in spec
    assert "kube-api-access-sim00" not in [v["name"] for v in spec["volumes"]]


def test_stdin_and_yaml_output(cli):
    with open(HTTPBIN) as fh:
        text = fh.read()
    run = cli("explain", "-f", "-", "-n", "mesh", "-o", "yaml", stdin=text)
    assert run.status == 0
    assert yaml.safe_load(run.stdout)["items"][0]["verdict"] == "injected"


def test_ns_label_what_if(cli):
    assert items(cli("explain", "-f", HTTPBIN, "--ns-label", "istio-injection=enabled", "-o", "json"))[0]["verdict"] == "injected"
    assert items(cli("explain", "-f", HTTPBIN, "-n", "mesh", "--ns-label", "istio-injection-", "-o", "json"))[0]["verdict"] == "not-injected"
    run = cli("explain", "-f", HTTPBIN, "--ns-label", "istio.io/rev=default", "-o", "json")
    assert items(run)[0]["decidedBy"]["webhook"] == "rev.namespace.sidecar-injector.istio.io"
    run = cli("explain", "-f", HTTPBIN, "--ns-label", "bad key=x")
    assert run.status == 2 and "--ns-label" in run.stderr


def test_exit_code(cli):
    assert cli("explain", "-f", HTTPBIN, "--exit-code", "-o", "json").status == 1
    assert cli("explain", "-f", HTTPBIN, "-n", "mesh", "--exit-code", "-o", "json").status == 0
    assert cli("explain", "-f", HTTPBIN, "-o", "json").status == 0


def test_multi_document_files_lists_and_skipped_kinds(cli):
    run = cli("explain", "-f", MIXED, "-n", "mesh", "-o", "json")
    assert run.status == 0
    got = [(i["object"]["kind"], i["object"]["name"], i["verdict"]) for i in items(run)]
    assert got == [("Pod", "web", "injected"), ("CronJob", "nightly", "injected")]
    assert "Service web skipped" in run.stderr
    assert items(run)[1]["object"]["source"]["item"] == 0
    docs = manifests(cli("explain", "-f", MIXED, "-n", "mesh", "-o", "pod"))
    original = list(yaml.safe_load_all(open(MIXED)))
    assert [d["kind"] for d in docs] == ["Service", "Pod", "List"]   # every document, a List kept whole
    assert docs[0] == original[0]
    assert len(docs[2]["items"]) == len(original[2]["items"])
    cron = docs[2]["items"][0]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert "istio-proxy" in [c["name"] for c in cron["containers"]]
    assert docs[2]["items"][1:] == original[2]["items"][1:]


def test_annotation_on_the_deployment_instead_of_the_template_is_flagged(cli, tmp_path):
    doc = yaml.safe_load(open(HTTPBIN))
    doc["metadata"]["annotations"] = {"sidecar.istio.io/inject": "false"}
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump(doc))
    item = items(cli("explain", "-f", str(path), "-n", "mesh", "-o", "json"))[0]
    assert item["verdict"] == "injected"
    assert {"code": "inject-on-workload-metadata", "kind": "Deployment", "source": "annotation",
            "key": "sidecar.istio.io/inject", "value": "false",
            "docs": "https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/"} in item["warnings"]
    text = cli("explain", "-f", str(path), "-n", "mesh").stdout
    assert "has no effect there" in text


def test_invalid_inject_value_and_namespace_with_both_labels(cli, tmp_path):
    doc = yaml.safe_load(open(HTTPBIN))
    doc["spec"]["template"]["metadata"]["labels"]["sidecar.istio.io/inject"] = "yes"
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump(doc))
    item = items(cli("explain", "-f", str(path), "-n", "mesh", "--ns-label", "istio.io/rev=canary", "-o", "json"))[0]
    codes = [w["code"] for w in item["warnings"]]
    assert "invalid-inject-value" in codes and "namespace-both-labels" in codes
    assert item["decidedBy"]["rule"] == "policy-enabled"


def test_host_network_pod(cli, tmp_path):
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "h"},
           "spec": {"hostNetwork": True, "containers": [{"name": "c", "image": "x"}]}}
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(pod))
    item = items(cli("explain", "-f", str(path), "-n", "mesh", "-o", "json"))[0]
    assert (item["verdict"], item["decidedBy"]["rule"]) == ("not-injected", "host-network")


def test_colour_only_on_a_terminal_and_never_with_no_color(cli):
    assert "\x1b[" in cli("explain", "-f", HTTPBIN, tty=True).stdout
    assert "\x1b[" not in cli("explain", "-f", HTTPBIN, tty=True, environ={"NO_COLOR": "1"}).stdout
    assert "\x1b[" not in cli("explain", "-f", HTTPBIN, tty=False).stdout


def test_escape_characters_in_labels_are_not_echoed_raw(cli, tmp_path):
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "annotations": {"note": "a\x1b[31mred"}},
           "spec": {"containers": [{"name": "c", "image": "x"}]}}
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(pod))
    assert "\x1b[31mred" not in cli("explain", "-f", str(path), "-n", "mesh", tty=False).stdout


# --- cluster state -------------------------------------------------------------------------------

def test_cluster_state_replaces_only_the_kinds_it_contains(cli, tmp_path):
    state = tmp_path / "ns.yaml"
    state.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "Namespace",
                                     "metadata": {"name": "shop", "labels": {"istio-injection": "enabled"}}}))
    item = items(cli("explain", "-f", HTTPBIN, "-n", "shop", "--cluster-state", str(state), "-o", "json"))[0]
    assert item["verdict"] == "injected"
    assert item["clusterState"]["Namespace"] == str(state)
    assert item["clusterState"]["MutatingWebhookConfiguration"] == "embedded default"
    run = cli("explain", "-f", HTTPBIN, "-n", "mesh", "--cluster-state", str(state), "-o", "json")
    assert run.status == 2 and 'namespace "mesh" is not in the cluster state' in run.stderr


def test_a_webhook_that_is_not_an_injector_is_reported_as_unknown(cli, tmp_path):
    other = {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
             "metadata": {"name": "policy-agent"},
             "webhooks": [{"name": "mutate.policy.example.com", "rules": [{"operations": ["CREATE"], "apiGroups": [""],
                                                                            "apiVersions": ["v1"], "resources": ["pods"]}],
                           "clientConfig": {"url": "https://x.example.com"}, "sideEffects": "None",
                           "admissionReviewVersions": ["v1"]}]}
    state = tmp_path / "mwc.yaml"
    state.write_text(yaml.safe_dump(other))
    item = items(cli("explain", "-f", HTTPBIN, "--cluster-state", str(state), "-o", "json"))[0]
    assert item["verdict"] == "not-injected" and item["decidedBy"]["rule"] == "no-matching-webhook"
    assert item["warnings"][0]["code"] == "webhook-effect-unknown"


def _default_docs():
    from plugin.state.sources import load_default
    return [d.obj for d in load_default()]


def test_two_injector_configurations_inject_twice_and_warn(cli, tmp_path):
    docs = _default_docs()
    tag = next(d for d in docs if d["kind"] == "MutatingWebhookConfiguration")
    tag = json.loads(json.dumps(tag))
    tag["metadata"]["name"] = "istio-revision-tag-default"
    tag["metadata"]["labels"]["istio.io/tag"] = "default"
    state = tmp_path / "state.yaml"
    state.write_text(yaml.safe_dump_all(docs + [tag]))
    item = items(cli("explain", "-f", HTTPBIN, "-n", "mesh", "--cluster-state", str(state), "-o", "json"))[0]
    assert item["verdict"] == "injected"
    assert "double-injection" in [w["code"] for w in item["warnings"]]
    selection = next(st for st in item["stages"] if st["stage"] == "webhook-selection")
    called = [w["configuration"] for w in selection["webhooks"] if w["called"]]
    assert called == ["istio-revision-tag-default", "istio-sidecar-injector"]


def test_match_condition_error_rejects_under_fail(cli, tmp_path):
    docs = _default_docs()
    mwc = next(d for d in docs if d["kind"] == "MutatingWebhookConfiguration")
    mwc["webhooks"][2]["matchConditions"] = [{"name": "needs-owner", "expression": "object.metadata.labels['owner'] != ''"}]
    state = tmp_path / "state.yaml"
    state.write_text(yaml.safe_dump_all(docs))
    run = cli("explain", "-f", HTTPBIN, "-n", "mesh", "--cluster-state", str(state), "-o", "json")
    item = items(run)[0]
    assert item["verdict"] == "rejected" and item["decidedBy"]["rule"] == "webhook-rejected"
    assert run.status == 2 and "needs-owner" in run.stderr


# --- bad input -----------------------------------------------------------------------------------

def _one_line_errors(stderr):
    lines = [l for l in stderr.splitlines() if l.startswith("error:")]
    assert "Traceback" not in stderr
    return lines


def test_malformed_yaml_names_file_document_and_line_and_other_files_still_run(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: fine}\nspec: {containers: [{name: c}]}\n---\nkind: Pod\nmetadata: [unclosed\n")
    run = cli("explain", "-f", str(bad), "-f", HTTPBIN, "-n", "mesh", "-o", "json")
    assert run.status == 2
    (line,) = _one_line_errors(run.stderr)
    assert str(bad) in line and "document 1" in line and "line 8" in line and "malformed YAML" in line
    assert [i["object"]["name"] for i in items(run)] == ["fine", "httpbin"]


@pytest.mark.parametrize("text,needle", [
    ("- just\n- a list\n", "not a Kubernetes object"),
    ("apiVersion: v1\nmetadata: {name: x}\n", "missing kind"),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: []\n", "field spec.containers"),
    ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels:\n    enabled: true\nspec:\n  containers: [{name: c}]\n",
     "metadata.labels.enabled"),
])
def test_bad_documents(cli, tmp_path, text, needle):
    path = tmp_path / "in.yaml"
    path.write_text(text)
    run = cli("explain", "-f", str(path), "-o", "json")
    assert run.status == 2
    (line,) = _one_line_errors(run.stderr)
    assert needle in line and str(path) in line


def test_pod_without_containers_points_at_the_line(cli, tmp_path):
    path = tmp_path / "in.yaml"
    path.write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  restartPolicy: Never\n  containers: []\n")
    (line,) = _one_line_errors(cli("explain", "-f", str(path)).stderr)
    assert "line 7" in line


def test_invalid_selector_in_a_webhook_configuration(cli, tmp_path):
    docs = _default_docs()
    mwc = next(d for d in docs if d["kind"] == "MutatingWebhookConfiguration")
    mwc["webhooks"][2]["namespaceSelector"]["matchExpressions"][0]["operator"] = "Equals"
    state = tmp_path / "state.yaml"
    state.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    run = cli("explain", "-f", HTTPBIN, "-n", "mesh", "--cluster-state", str(state), "-o", "json")
    assert run.status == 2
    errors = _one_line_errors(run.stderr)
    assert any("webhooks[2].namespaceSelector.matchExpressions[0].operator" in e and "Equals" in e
               and re.search(r"line \d+", e) for e in errors)
    assert items(run)[0]["verdict"] == "rejected"   # kube-apiserver fails the request: the rule matched


def test_template_that_fails_to_render_rejects_the_pod(cli, tmp_path):
    docs = _default_docs()
    cm = next(d for d in docs if d["kind"] == "ConfigMap")
    cfg = yaml.safe_load(cm["data"]["config"])
    cfg["templates"]["sidecar"] = "spec:\n  containers:\n  - name: {{ no_such_name.field }}\n"
    cm["data"]["config"] = yaml.safe_dump(cfg)
    cm["metadata"]["annotations"].pop("kubectl-inject.io/templates-from")
    state = tmp_path / "state.yaml"
    state.write_text(yaml.safe_dump_all(docs))
    run = cli("explain", "-f", HTTPBIN, "-n", "mesh", "--cluster-state", str(state), "-o", "json")
    assert run.status == 2 and _one_line_errors(run.stderr)
    item = items(run)[0]
    assert (item["verdict"], item["decidedBy"]["stage"], item["decidedBy"]["rule"]) == ("rejected", "template", "template-error")


def test_missing_file(cli):
    run = cli("explain", "-f", "/no/such/file.yaml")
    assert run.status == 2 and "no such file" in run.stderr


def test_usage_error_exits_2(cli):
    assert cli("explain").status == 2


def test_hints_are_simulated_changes_that_really_inject(cli, tmp_path):
    item = items(cli("explain", "-f", HTTPBIN, "-o", "json"))[0]
    hints = {(h["kind"], h.get("key"), h.get("value")): h for h in item["hints"]}
    assert hints[("namespace-label", "istio-injection", "enabled")]["webhook"] == "namespace.sidecar-injector.istio.io"
    assert hints[("pod-label", "sidecar.istio.io/inject", "true")]["webhook"] == "object.sidecar-injector.istio.io"
    # the default revision is reached through istio-injection, so no istio.io/rev=<other> hint is invented
    assert not [h for h in item["hints"] if h.get("key") == "istio.io/rev"]
    doc = yaml.safe_load(open(HTTPBIN))
    doc["spec"]["template"]["metadata"]["annotations"] = {"sidecar.istio.io/inject": "false"}
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump(doc))
    item = items(cli("explain", "-f", str(path), "-n", "mesh", "-o", "json"))[0]
    assert [h["kind"] for h in item["hints"]] == ["remove-pod-annotation"]
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "h"},
           "spec": {"hostNetwork": True, "containers": [{"name": "c", "image": "x"}]}}
    path.write_text(yaml.safe_dump(pod))
    assert items(cli("explain", "-f", str(path), "-n", "mesh", "-o", "json"))[0]["hints"] == []


def test_invalid_selector_in_the_injector_config_is_reported_and_skipped(cli, tmp_path):
    docs = _default_docs()
    cm = next(d for d in docs if d["kind"] == "ConfigMap")
    cfg = yaml.safe_load(cm["data"]["config"])
    cfg["neverInjectSelector"] = [{"matchExpressions": [{"key": "app", "operator": "Equals", "values": ["httpbin"]}]}]
    cm["data"]["config"] = yaml.safe_dump(cfg)
    state = tmp_path / "state.yaml"
    state.write_text(yaml.safe_dump_all(docs))
    run = cli("explain", "-f", HTTPBIN, "-n", "mesh", "--cluster-state", str(state), "-o", "json")
    assert run.status == 2
    (line,) = _one_line_errors(run.stderr)
    assert str(state) in line and "neverInjectSelector[0]" in line and "Equals" in line
    item = items(run)[0]
    assert item["verdict"] == "injected"          # Istio skips the broken selector
    assert "invalid-selector" in [w["code"] for w in item["warnings"]]


def test_an_in_tree_plugin_can_refuse_the_pod_before_any_webhook(cli, tmp_path):
    state = tmp_path / "sa.yaml"
    state.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "ServiceAccount",
                                     "metadata": {"name": "default", "namespace": "mesh"}}))
    doc = yaml.safe_load(open(HTTPBIN))
    doc["spec"]["template"]["spec"]["serviceAccountName"] = "builder"
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump(doc))
    run = cli("explain", "-f", str(path), "-n", "mesh", "--cluster-state", str(state), "-o", "json")
    item = items(run)[0]
    assert (item["verdict"], item["decidedBy"]["stage"], item["decidedBy"]["rule"]) == \
        ("rejected", "admission-chain", "admission-plugin-rejected")
    assert "builder" in item["decidedBy"]["detail"] and run.status == 2
    assert "REJECTED" in cli("explain", "-f", str(path), "-n", "mesh", "--cluster-state", str(state)).stdout


def test_inject_config_file_full_and_bare_template(cli, tmp_path):
    full = tmp_path / "config.yaml"
    full.write_text("policy: disabled\ntemplates:\n  sidecar: |\n    spec:\n      containers:\n      - name: istio-proxy\n"
                    "        image: proxy:{{ .Values.global.tag }}\n")
    values = tmp_path / "values.json"
    values.write_text('{"global": {"tag": "9.9"}}')
    item = items(cli("explain", "-f", HTTPBIN, "-n", "mesh", "--inject-config", str(full), "--values", str(values),
                     "-o", "json"))[0]
    assert (item["verdict"], item["decidedBy"]["rule"]) == ("not-injected", "policy-disabled")
    assert item["clusterState"]["ConfigMap"] == f"{full}, {values}"
    bare = tmp_path / "bare.yaml"
    bare.write_text("spec:\n  containers:\n  - name: istio-proxy\n    image: proxy:{{ .Values.global.tag }}\n")
    pod = single(cli("explain", "-f", HTTPBIN, "-n", "mesh", "--inject-config", str(bare),
                     "--values", str(values), "-o", "pod"))
    proxy = [c for c in pod["spec"]["template"]["spec"]["containers"] if c["name"] == "istio-proxy"][0]
    assert proxy["image"] == "proxy:9.9"
    assert cli("explain", "-f", HTTPBIN, "--inject-config", "/no/such/file").status == 2


def _buggy_template_function(monkeypatch, tmp_path):
    """An injector whose template calls a function with a bug: a Python exception, which models no Go
    error or panic (those are FuncError/FuncPanic)."""
    import simulator.istio.inject as istio_inject

    real = istio_inject.injection_funcs

    def broken():
        raise KeyError("no such thing")

    monkeypatch.setattr(istio_inject, "injection_funcs", lambda *a, **k: dict(real(*a, **k), broken=broken))
    bare = tmp_path / "bare.yaml"
    bare.write_text("spec:\n  containers:\n  - name: istio-proxy\n    image: proxy:{{ broken }}\n")
    (tmp_path / "values.json").write_text("{}")
    return bare


@pytest.mark.parametrize("output", ["text", "json", "pod"])
def test_an_engine_bug_is_an_internal_error_not_a_rejected_pod(cli, tmp_path, monkeypatch, output):
    bare = _buggy_template_function(monkeypatch, tmp_path)
    run = cli("explain", "-f", HTTPBIN, "-n", "mesh", "--inject-config", str(bare), "--values",
              str(tmp_path / "values.json"), "-o", output)
    assert run.status == 2
    assert run.stderr.splitlines() == ["error: internal error: KeyError: 'no such thing' (this is a bug in "
                                       "kubectl-inject; set KUBECTL_INJECT_DEBUG=1 to see the traceback)"]
    assert "rejected" not in run.stdout.lower() + run.stderr.lower()


def test_debug_shows_the_internal_errors_traceback(tmp_path, monkeypatch):
    from tests.conftest import TREE_CACHE, run_cli

    bare = _buggy_template_function(monkeypatch, tmp_path)
    run = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "--inject-config", str(bare), "--values",
                  str(tmp_path / "values.json"), "-o", "json",
                  environ={"KUBECTL_INJECT_DEBUG": "1", "KUBECTL_INJECT_CACHE_DIR": TREE_CACHE})
    assert run.status == 2
    assert run.stderr.startswith("Traceback") and "in broken" in run.stderr
    assert run.stderr.splitlines()[-1] == "error: internal error: KeyError: 'no such thing' (this is a bug in kubectl-inject)"


def test_istio_release_chart_with_set(cli):
    from tests import paths

    chart = str(paths.require(paths.any_istio_chart)[1])
    item = items(cli("explain", "-f", HTTPBIN, "-n", "mesh", "--istio-release", chart, "-o", "json"))[0]
    template = next(s for s in item["stages"] if s["stage"] == "template")["calls"][0]
    assert item["verdict"] == "injected" and template["engine"] == "go"
    assert item["clusterState"]["ConfigMap"] == f"--istio-release {chart}"
    pod = single(cli("explain", "-f", HTTPBIN, "-n", "mesh", "--istio-release", chart,
                     "--set", "values.global.proxy.image=example.com/proxy:1", "-o", "pod"))
    images = {c["name"]: c["image"] for c in pod["spec"]["template"]["spec"]["containers"]}
    assert images["istio-proxy"] == "example.com/proxy:1"
    off = items(cli("explain", "-f", HTTPBIN, "-n", "mesh", "--istio-release", chart,
                    "--set", "values.global.proxy.autoInject=disabled", "-o", "json"))[0]
    assert (off["verdict"], off["decidedBy"]["rule"]) == ("not-injected", "policy-disabled")
    assert cli("explain", "-f", HTTPBIN, "--set", "values.x=1").status == 2
    assert cli("explain", "-f", HTTPBIN, "--istio-release", "/no/such/dir").status == 2
