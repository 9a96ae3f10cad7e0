"""Advice a learner can trust (issue 14, part 3): what the user reads — text and -o json — for the classic
mistakes around revisions, opt-in/opt-out, ambient namespaces, Jobs and pods injected before, and the
documentation link of every rule id."""
import json
import os

import pytest
import yaml

from plugin.printers import docs
from simulator.trace import RuleId
from .conftest import run_cli

HERE = os.path.dirname(__file__)
HTTPBIN = os.path.join(HERE, "data", "httpbin.yaml")
ADVICE = os.path.join(HERE, "data", "advice")
CANARY_PROD = os.path.join(HERE, "data", "revisions", "canary-tag-prod.yaml")
CHART = os.path.join(HERE, os.pardir, os.pardir, "shared", "istio", "1.30.3", "chart")


def explain(*args):
    text = run_cli("explain", *args, "--offline", "--no-color")
    data = run_cli("explain", *args, "--offline", "-o", "json")
    assert "Traceback" not in text.stderr + data.stderr and "internal error" not in text.stderr + data.stderr
    return text.stdout, json.loads(data.stdout)["items"][0]


def warning(item, code):
    found = [w for w in item["warnings"] if w["code"] == code]
    assert len(found) == 1, item["warnings"]
    return found[0]


def hint_lines(text):
    return [line.strip() for line in text.splitlines() if line.strip().startswith("label the") or
            line.strip().startswith("remove the")]


# -- revisions -------------------------------------------------------------------------------------------

def test_a_revision_label_naming_nothing_installed_is_replaced_not_doubled():
    """ns istio.io/rev=canary, only the default revision: the fix removes istio.io/rev when it adds
    istio-injection (they are alternatives), or sets istio.io/rev to the installed default."""
    text, item = explain("-f", HTTPBIN, "--ns-label", "istio.io/rev=canary")
    assert item["verdict"] == "not-injected"
    w = warning(item, "revision-not-installed")
    assert (w["value"], w["installed"]) == ("canary", {"revisions": ["default"], "tags": {}})
    assert "no installed injector serves that revision (installed: revision default)" in text
    assert hint_lines(text) == [
        "label the namespace: kubectl label namespace default istio.io/rev- istio-injection=enabled  "
        "(then namespace.sidecar-injector.istio.io injects it)",
        "label the namespace: kubectl label namespace default istio.io/rev=default --overwrite  "
        "(then rev.namespace.sidecar-injector.istio.io injects it)"]
    first = item["hints"][0]
    assert (first["key"], first["value"], first["remove"]) == ("istio-injection", "enabled", ["istio.io/rev"])
    assert "remove" not in item["hints"][1]
    # what the first hint says really injects, and leaves no revision label behind
    _, after = explain("-f", HTTPBIN, "--ns-label", "istio.io/rev-", "--ns-label", "istio-injection=enabled")
    assert after["verdict"] == "injected" and not after["warnings"]


def test_a_revision_label_beside_istio_injection_is_told_to_go_not_to_add_what_is_there():
    """Both labels, the revision not installed: istio-injection decides (and here injects), so the advice is to
    remove the misleading revision label, not to add istio-injection=enabled, which is already there."""
    text, item = explain("-f", HTTPBIN, "--ns-label", "istio-injection=enabled", "--ns-label", "istio.io/rev=canary")
    assert item["verdict"] == "injected"
    w = warning(item, "revision-not-installed")
    assert (w["value"], w["injectionLabel"]) == ("canary", "enabled")
    assert "remove it (kubectl label namespace default istio.io/rev-)" in text
    assert "adding istio-injection=enabled" not in text
    _, alone = explain("-f", HTTPBIN, "--ns-label", "istio.io/rev=canary")
    assert "injectionLabel" not in warning(alone, "revision-not-installed")


def test_istio_injection_with_only_a_canary_revision_and_a_tag_is_told_which_label_to_use():
    text, item = explain("-f", HTTPBIN, "-n", "mesh", "--cluster-state", CANARY_PROD)
    assert item["verdict"] == "not-injected"
    w = warning(item, "injection-label-unserved")
    assert w["installed"] == {"revisions": ["canary"], "tags": {"prod": "canary"}}
    assert "(installed: revision canary; tag prod → canary)" in text
    assert "Use istio.io/rev=canary or istio.io/rev=prod instead and remove istio-injection" in text
    assert [(h["key"], h["value"], h["remove"]) for h in item["hints"]] == [
        ("istio.io/rev", "canary", ["istio-injection"]), ("istio.io/rev", "prod", ["istio-injection"])]
    assert "kubectl label namespace mesh istio-injection- istio.io/rev=prod" in text
    _, after = explain("-f", HTTPBIN, "-n", "mesh", "--cluster-state", CANARY_PROD,
                       "--ns-label", "istio-injection-", "--ns-label", "istio.io/rev=prod")
    assert after["verdict"] == "injected"
    assert after["stages"][1]["webhooks"][0]["configuration"] == "istio-revision-tag-prod"


def test_a_pod_revision_under_istio_injection_is_said_to_be_ignored():
    text, item = explain("-f", os.path.join(ADVICE, "pod-revision.yaml"), "-n", "mesh")
    assert item["verdict"] == "injected"
    w = warning(item, "pod-revision-ignored")
    assert (w["value"], w["namespaceLabel"], w["revision"], w["valueInstalled"]) == (
        "canary", "istio-injection=enabled", "default", False)
    assert "takes precedence, so revision default handles this pod" in text
    assert "Revision canary is not installed either." in text


def test_a_pod_revision_is_not_flagged_when_the_namespace_tag_points_at_it():
    _, item = explain("-f", os.path.join(ADVICE, "pod-revision.yaml"), "-n", "mesh", "--cluster-state", CANARY_PROD,
                      "--ns-label", "istio-injection-", "--ns-label", "istio.io/rev=prod")
    assert item["verdict"] == "injected" and not item["warnings"]


def test_a_pod_revision_losing_to_another_installed_revision_names_the_namespace_fix(tmp_path):
    from plugin.state.sources import load_default

    with open(CANARY_PROD) as fh:
        state = [d for d in yaml.safe_load_all(fh) if d]
    state += [d.obj for d in load_default() if d.obj["kind"] in ("MutatingWebhookConfiguration", "ConfigMap")]
    path = tmp_path / "cluster.yaml"
    path.write_text(yaml.safe_dump_all(state))
    text, item = explain("-f", os.path.join(ADVICE, "pod-revision.yaml"), "-n", "mesh", "--cluster-state", str(path),
                         "--ns-label", "istio-injection-", "--ns-label", "istio.io/rev=default")
    w = warning(item, "pod-revision-ignored")
    assert (w["namespaceLabel"], w["revision"], w["valueInstalled"]) == ("istio.io/rev=default", "default", True)
    assert "To use canary, label the namespace istio.io/rev=canary instead." in text


def test_a_label_that_has_another_value_is_changed_with_overwrite():
    """kubectl label refuses to change an existing value without --overwrite."""
    text, _ = explain("-f", HTTPBIN, "--ns-label", "istio-injection=disabled")
    assert "kubectl label namespace default istio-injection=enabled --overwrite  (then" in text


# -- opt-in and opt-out ------------------------------------------------------------------------------------

def test_an_opt_in_annotation_in_an_unlabelled_namespace_is_explained():
    text, item = explain("-f", os.path.join(ADVICE, "annotation-opt-in.yaml"))
    assert item["decidedBy"]["rule"] == "no-matching-webhook"
    warning(item, "inject-annotation-not-selected")
    assert "webhook selection sees only labels" in text
    assert 'label the pod: sidecar.istio.io/inject: "true"' in text


def test_a_false_label_opt_out_has_its_own_rule():
    text, item = explain("-f", os.path.join(ADVICE, "label-opt-out.yaml"), "-n", "mesh")
    db = item["decidedBy"]
    assert (db["stage"], db["rule"]) == ("webhook-selection", "opt-out-label")
    assert db["inputs"]["webhooks"] == ["namespace.sidecar-injector.istio.io"]
    assert "[rule: opt-out-label]" in text
    assert 'the pod label sidecar.istio.io/inject="false" opts out' in text
    assert [h["kind"] for h in item["hints"]] == ["remove-pod-label"]


def test_a_false_label_in_an_unlabelled_namespace_is_still_no_matching_webhook():
    """Removing the label would not inject there either: the label is not what kept the injectors away."""
    _, item = explain("-f", os.path.join(ADVICE, "label-opt-out.yaml"))
    assert item["decidedBy"]["rule"] == "no-matching-webhook"


# -- wording -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("field, rule", [("alwaysInjectSelector", "always-inject-selector"),
                                         ("neverInjectSelector", "never-inject-selector")])
def test_a_selector_decision_is_not_called_the_pods_choice(tmp_path, field, rule):
    state = tmp_path / "cluster.yaml"
    from plugin.state.sources import load_default
    docs_ = [d.obj for d in load_default()]
    cm = next(d for d in docs_ if d["kind"] == "ConfigMap")
    assert f"{field}: []" in cm["data"]["config"]
    cm["data"]["config"] = cm["data"]["config"].replace(f"{field}: []", f"{field}: [{{matchLabels: {{app: httpbin}}}}]")
    state.write_text(yaml.safe_dump_all(docs_))
    text, item = explain("-f", HTTPBIN, "-n", "mesh", "--cluster-state", str(state))
    assert item["decidedBy"]["rule"] == rule
    assert f"→ {field} decided" in text
    assert "explicit choice" not in text


def test_the_workload_metadata_warning_uses_the_right_article(tmp_path):
    doc = yaml.safe_load(open(HTTPBIN))
    doc["metadata"]["annotations"] = {"sidecar.istio.io/inject": "false"}
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump(doc))
    text, _ = explain("-f", str(path), "-n", "mesh")
    assert "is set as an annotation on the Deployment" in text and "a annotation" not in text


# -- ambient, jobs, re-injection ---------------------------------------------------------------------------

def test_an_ambient_namespace_is_not_told_to_add_istio_injection():
    text, item = explain("-f", HTTPBIN, "--ns-label", "istio.io/dataplane-mode=ambient")
    assert item["verdict"] == "not-injected" and item["hints"] == []
    assert warning(item, "ambient-namespace")["sidecar"] is False
    assert "istio-injection=enabled" not in text and "To get a sidecar" not in text
    assert "without a sidecar, so none is expected" in text


def test_an_ambient_namespace_that_also_injects_says_the_sidecar_takes_precedence():
    text, item = explain("-f", HTTPBIN, "-n", "mesh", "--ns-label", "istio.io/dataplane-mode=ambient")
    assert item["verdict"] == "injected"
    assert warning(item, "ambient-namespace")["sidecar"] is True
    assert "the sidecar then takes precedence over ztunnel" in text


@pytest.mark.parametrize("name, kind", [("job.yaml", "Job"), ("cronjob.yaml", "CronJob")])
def test_jobs_with_a_classic_sidecar_are_warned(name, kind):
    text, item = explain("-f", os.path.join(ADVICE, name), "-n", "mesh")
    assert item["verdict"] == "injected"
    assert warning(item, "job-sidecar-blocks-completion")["kind"] == kind
    assert f"this {kind}'s pods get istio-proxy as a regular container" in text


def test_a_job_with_native_sidecars_is_not_warned(tmp_path):
    if not os.path.isdir(CHART):
        pytest.skip("Istio 1.30.3's chart (../shared/istio) is not here: the embedded profile has no native sidecars")
    doc = yaml.safe_load(open(os.path.join(ADVICE, "job.yaml")))
    doc["spec"]["template"]["metadata"] = {"annotations": {"sidecar.istio.io/nativeSidecar": "true"}}
    path = tmp_path / "job.yaml"
    path.write_text(yaml.safe_dump(doc))
    _, item = explain("-f", str(path), "-n", "mesh", "--istio-release", CHART)
    assert item["verdict"] == "injected"
    assert "job-sidecar-blocks-completion" not in [w["code"] for w in item["warnings"]]
    _, classic = explain("-f", os.path.join(ADVICE, "job.yaml"), "-n", "mesh", "--istio-release", CHART)
    assert "job-sidecar-blocks-completion" in [w["code"] for w in classic["warnings"]]


def test_a_deployment_is_not_warned_about_jobs():
    _, item = explain("-f", HTTPBIN, "-n", "mesh")
    assert item["warnings"] == []


def test_a_pod_injected_by_an_older_istio_says_what_reinjection_changes():
    text, item = explain("-f", os.path.join(ADVICE, "already-injected.yaml"), "-n", "mesh")
    w = warning(item, "already-injected")
    assert (w["previousRevision"], w["previousImage"], w["injected"]) == (
        "1-24-6", "docker.io/istio/proxyv2:1.24.6", ["istio-init", "istio-proxy"])
    assert (w["reinjected"], w["revision"], w["image"]) == (True, "default", "docker.io/istio/proxyv2:1.30.3")
    assert "the pod was injected before (sidecar.istio.io/status: revision 1-24-6" in text
    assert "istio-proxy image docker.io/istio/proxyv2:1.24.6 → docker.io/istio/proxyv2:1.30.3" in text


def test_a_pod_injected_before_and_not_selected_now_keeps_its_old_sidecar():
    text, item = explain("-f", os.path.join(ADVICE, "already-injected.yaml"))
    assert warning(item, "already-injected")["reinjected"] is False
    assert "it is not injected again here, so it keeps the sidecar written in it" in text


# -- documentation links -------------------------------------------------------------------------------------

def test_every_rule_id_and_warning_code_has_an_upstream_page():
    from simulator.trace import WarningCode

    assert set(docs.RULES) == set(RuleId) and set(docs.WARNINGS) == set(WarningCode)
    for url in list(docs.RULES.values()) + list(docs.WARNINGS.values()):
        assert url.startswith(("https://istio.io/latest/docs/", "https://kubernetes.io/docs/")) and url.endswith("/")


def test_the_deciding_rule_links_to_its_page_in_json_and_text():
    text, item = explain("-f", HTTPBIN)
    assert item["decidedBy"]["docs"] == docs.INJECTION_PROBLEMS
    lines = text.rstrip("\n").splitlines()
    assert lines[-2].startswith("RESULT: ") and lines[-1] == f"   about this rule: {docs.INJECTION_PROBLEMS}"


def test_each_warning_links_to_its_page_in_json_and_text():
    text, item = explain("-f", os.path.join(ADVICE, "job.yaml"), "-n", "mesh")
    w = warning(item, "job-sidecar-blocks-completion")
    assert w["docs"] == docs.K8S_SIDECARS
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("   ! this Job's pods"))
    assert lines[at + 1] == f"     about job-sidecar-blocks-completion: {docs.K8S_SIDECARS}"


def test_every_status_finding_has_an_upstream_page():
    """The codes `status` reports (and lab scenarios 2, 5, 6 teach) each link to a page, in -o json and text."""
    from plugin.commands.status import FINDINGS
    from plugin.workloads.findings import findings_for
    from plugin.workloads.owners import Workload

    assert set(docs.FINDINGS) == set(FINDINGS)
    for url in docs.FINDINGS.values():
        assert url.startswith(("https://istio.io/latest/docs/", "https://kubernetes.io/docs/")) and url.endswith("/")
    pod = {"metadata": {"name": "httpbin-1", "namespace": "shop"}, "spec": {"containers": [{"name": "httpbin"}]}}
    found = findings_for(Workload("Deployment", "httpbin", "shop", pods=[pod]),
                         {"verdict": "injected", "decidedBy": {"rule": "policy-enabled"}, "revision": "default"}, None)
    assert [(f["code"], f["docs"]) for f in found] == [("needs-restart", docs.SIDECAR_INJECTION)]

