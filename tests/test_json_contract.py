"""The `-o json` contract, pinned: checks outside this repository read it (README, "-o json / -o yaml").

tests/contract/explain-output.schema.json states it as a JSON Schema: the keys each object must have and
the closed sets of codes (verdicts, stages, rule ids, outcomes, webhook effects, warning codes, hint
kinds).  It may only grow.  Here every `-o json` (and `-o yaml`) output of the test inputs and the shared
cases must satisfy it, its sets must be exactly the engine's codes, and every id the README documents must
be in them, each rule with the stage the README gives it.
"""
import copy
import glob
import json
import os
import re

import pytest
import yaml

from . import paths
from .conftest import REPO, run_cli

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is part of the test extra: pip install -e '.[test]'")

HERE = os.path.dirname(__file__)
SCHEMA_PATH = os.path.join(HERE, "contract", "explain-output.schema.json")
INPUTS = sorted(glob.glob(os.path.join(HERE, "data", "*.yaml")))
CASES = sorted(glob.glob(os.path.join(paths.SHARED, "cases", "*.yaml")))


@pytest.fixture(scope="module")
def schema():
    with open(SCHEMA_PATH, encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def validator(schema):
    return jsonschema.Draft202012Validator(schema)


def _problems(validator, document):
    return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path), e.message)
            for e in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))][:10]


def _enum(schema, name):
    return set(schema["$defs"][name]["enum"])


def _rules(schema):
    deciding = _enum(schema, "policyRule") | set(schema["$defs"]["decidingRule"]["anyOf"][1]["enum"])
    return deciding, _enum(schema, "webhookRule")


def test_the_schema_is_a_json_schema(schema):
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_closed_sets_are_exactly_the_engines_codes(schema):
    """A code the engine can emit is in the contract, and no code of the contract has gone from the engine."""
    from simulator.trace import Effect, HintKind, Outcome, RuleId, Stage, Verdict, WarningCode

    deciding, per_webhook = _rules(schema)
    assert deciding.isdisjoint(per_webhook)
    assert {r.value for r in RuleId} == deciding | per_webhook
    for name, codes in (("verdict", Verdict), ("stage", Stage), ("outcome", Outcome), ("effect", Effect),
                        ("warningCode", WarningCode), ("hintKind", HintKind)):
        assert {c.value for c in codes} == _enum(schema, name), name


def _readme_contract():
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as fh:
        text = fh.read()
    section = text[text.index("## `-o json` / `-o yaml`"):]
    section = section[:section.index("\n## ", 1)]
    table = re.findall(r"^\| ((?:`[a-z-]+`(?: / )?)+) \| ([a-z-]+) \|", section, re.M)
    rules = [(rule, stage) for ids, stage in table for rule in re.findall(r"`([a-z-]+)`", ids)]
    def listed(after, end="."):
        start = section.index(after) + len(after)
        return re.findall(r"`([a-z-]+)`", section[start:section.index(end, start)])
    return {"rules": rules, "verdicts": listed("`verdict` is"), "stages": listed("`decidedBy.stage` is"),
            "webhook rules": listed("Per-webhook `rule` (in the `webhook-selection` stage's `webhooks[]`):"),
            "effects": listed("`effect` (", ")"), "outcomes": listed("`outcome`:"), "hints": listed("Hint `kind`:"),
            "warnings": listed("Warning codes:")}


def test_every_id_the_readme_documents_is_in_the_contract(schema, validator):
    readme = _readme_contract()
    deciding, per_webhook = _rules(schema)
    assert len(readme["rules"]) >= 13 and all(readme.values()), readme
    assert set(readme["verdicts"]) <= _enum(schema, "verdict")
    assert set(readme["stages"]) <= _enum(schema, "stage")
    assert set(readme["webhook rules"]) <= per_webhook
    assert set(readme["warnings"]) <= _enum(schema, "warningCode")
    assert set(readme["effects"]) <= _enum(schema, "effect")
    assert set(readme["outcomes"]) <= _enum(schema, "outcome")
    assert set(readme["hints"]) <= _enum(schema, "hintKind")
    decided_by = jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/decidedBy"})
    for rule, stage in readme["rules"]:
        assert rule in deciding, rule
        example = {"stage": stage, "rule": rule, "webhook": "w", "configuration": "c", "detail": "why", "inputs": {}}
        assert decided_by.is_valid(example), f"README: rule {rule} is decided at stage {stage}"


# -- outputs ---------------------------------------------------------------------------------------------------

def _default_docs():
    from plugin.state.sources import load_default
    return [copy.deepcopy(d.obj) for d in load_default()]


def _write(tmp_path, name, docs):
    path = tmp_path / name
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    return str(path)


def _state_with(tmp_path, change):
    docs = _default_docs()
    change(docs)
    return ["--cluster-state", _write(tmp_path, "state.yaml", docs)]


def _injector_config(docs, **fields):
    cm = next(d for d in docs if d["kind"] == "ConfigMap")
    config = yaml.safe_load(cm["data"]["config"])
    config.update(fields)
    cm["data"]["config"] = yaml.safe_dump(config)
    return cm


def _failing_template(docs):
    cm = _injector_config(docs)
    config = yaml.safe_load(cm["data"]["config"])
    config["templates"]["sidecar"] = "spec:\n  containers:\n  - name: {{ no_such_name.field }}\n"
    cm["data"]["config"] = yaml.safe_dump(config)
    cm["metadata"]["annotations"].pop("kubectl-inject.io/templates-from")


def _match_condition_error(docs):
    mwc = next(d for d in docs if d["kind"] == "MutatingWebhookConfiguration")
    mwc["webhooks"][2]["matchConditions"] = [{"name": "owner", "expression": "object.metadata.labels['owner'] != ''"}]


def _no_object_selector(docs):
    next(d for d in docs if d["kind"] == "MutatingWebhookConfiguration")["webhooks"][2].pop("objectSelector", None)


def _revision_tag(docs):
    tag = copy.deepcopy(next(d for d in docs if d["kind"] == "MutatingWebhookConfiguration"))
    tag["metadata"]["name"] = "istio-revision-tag-default"
    tag["metadata"]["labels"]["istio.io/tag"] = "default"
    docs.append(tag)


def _canary_without_configmap(docs):
    canary = json.loads(json.dumps(next(d for d in docs if d["kind"] == "MutatingWebhookConfiguration"))
                        .replace('"default"', '"canary"'))
    canary["metadata"]["name"] = "istio-sidecar-injector-canary"
    canary["metadata"].setdefault("labels", {})["istio.io/rev"] = "canary"
    docs.append(canary)


def _other_webhooks(docs):
    """A configuration whose webhooks are no Istio injectors: one called, one for other resources, one whose
    matchCondition is false."""
    def hook(name, resources=("pods",), **more):
        return {"name": name, "clientConfig": {"url": "https://x.example.com"}, "sideEffects": "None",
                "admissionReviewVersions": ["v1"],
                "rules": [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": list(resources)}],
                **more}

    docs.append({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
                 "metadata": {"name": "policy-agent"},
                 "webhooks": [hook("mutate.policy.example.com"), hook("services.policy.example.com", ["services"]),
                              hook("never.policy.example.com", matchConditions=[{"name": "never", "expression": "false"}])]})


def _httpbin_with(tmp_path, change):
    with open(os.path.join(HERE, "data", "httpbin.yaml")) as fh:
        doc = yaml.safe_load(fh)
    change(doc)
    return ["-f", _write(tmp_path, "input.yaml", [doc])]


def _template_metadata(doc, where, value):
    doc["spec"]["template"]["metadata"].setdefault(where, {})["sidecar.istio.io/inject"] = value


#: Inputs that reach every stage, rule, warning and hint kind the engine has, beside the plain inputs.
VARIANTS = {
    "opt-out annotation": lambda tmp: _httpbin_with(tmp, lambda d: _template_metadata(d, "annotations", "false"))
    + ["-n", "mesh"],
    "opt-out label": lambda tmp: _httpbin_with(tmp, lambda d: _template_metadata(d, "labels", "false")) + ["-n", "mesh"],
    "opt-out label, webhook without objectSelector": lambda tmp: _httpbin_with(
        tmp, lambda d: _template_metadata(d, "labels", "false")) + ["-n", "mesh"] + _state_with(tmp, _no_object_selector),
    "invalid inject value, both namespace labels": lambda tmp: _httpbin_with(
        tmp, lambda d: _template_metadata(d, "labels", "yes")) + ["-n", "mesh", "--ns-label", "istio.io/rev=canary"],
    "inject key on the Deployment": lambda tmp: _httpbin_with(
        tmp, lambda d: d["metadata"].update(annotations={"sidecar.istio.io/inject": "false"})) + ["-n", "mesh"],
    "host network": lambda tmp: _httpbin_with(
        tmp, lambda d: d["spec"]["template"]["spec"].update(hostNetwork=True)) + ["-n", "mesh"],
    "ignored namespace": lambda tmp: ["-f", INPUTS[0], "-n", "kube-system", "--ns-label", "istio-injection=enabled"],
    "policy disabled": lambda tmp: ["-f", INPUTS[0], "-n", "mesh"] + _state_with(
        tmp, lambda d: _injector_config(d, policy="disabled")),
    "policy invalid": lambda tmp: ["-f", INPUTS[0], "-n", "mesh"] + _state_with(
        tmp, lambda d: _injector_config(d, policy="sometimes")),
    "invalid and matching selectors": lambda tmp: ["-f", INPUTS[0], "-n", "mesh"] + _state_with(tmp, lambda d: _injector_config(
        d, neverInjectSelector=[{"matchExpressions": [{"key": "app", "operator": "Equals", "values": ["x"]}]}, {}],
        alwaysInjectSelector=[{"matchLabels": {"app": "httpbin"}}])),
    "never-inject selector": lambda tmp: ["-f", INPUTS[0], "-n", "mesh"] + _state_with(
        tmp, lambda d: _injector_config(d, neverInjectSelector=[{"matchLabels": {"app": "httpbin"}}])),
    "template error": lambda tmp: ["-f", INPUTS[0], "-n", "mesh"] + _state_with(tmp, _failing_template),
    "match condition error": lambda tmp: ["-f", INPUTS[0], "-n", "mesh"] + _state_with(tmp, _match_condition_error),
    "double injection": lambda tmp: ["-f", INPUTS[0], "-n", "mesh"] + _state_with(tmp, _revision_tag),
    "injector ConfigMap missing": lambda tmp: ["-f", INPUTS[0], "--ns-label", "istio.io/rev=canary"] + _state_with(
        tmp, _canary_without_configmap),
    "webhooks of unknown effect": lambda tmp: ["-f", INPUTS[0]] + _state_with(tmp, _other_webhooks),
    "admission plugin refuses": lambda tmp: _httpbin_with(
        tmp, lambda d: d["spec"]["template"]["spec"].update(serviceAccountName="builder")) + [
        "-n", "mesh", "--cluster-state", _write(tmp, "sa.yaml", [
            {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "mesh"}}])],
    "a kind with a pod template at spec.template": lambda tmp: _httpbin_with(
        tmp, lambda d: d.update(apiVersion="argoproj.io/v1alpha1", kind="Rollout")) + ["-n", "mesh"],
    "a real Istio configuration (go templates)": lambda tmp: ["-f", INPUTS[0], "-n", "mesh", "--inject-config",
                                                               _write(tmp, "config.yaml", [{"policy": "enabled", "templates": {
                                                                   "sidecar": "spec:\n  containers:\n  - name: istio-proxy\n"
                                                                              "    image: proxy:{{ .Values.global.tag }}\n"}}]),
                                                               "--values", _write(tmp, "values.yaml", [{"global": {"tag": "1"}}])],
    "istio-injection with only a canary revision and a tag": lambda tmp: [
        "-f", INPUTS[0], "-n", "mesh", "--cluster-state", os.path.join(HERE, "data", "revisions", "canary-tag-prod.yaml")],
    "pod revision under istio-injection": lambda tmp: ["-f", os.path.join(ADVICE, "pod-revision.yaml"), "-n", "mesh"],
    "opt-in annotation, unlabelled namespace": lambda tmp: ["-f", os.path.join(ADVICE, "annotation-opt-in.yaml")],
    "ambient namespace": lambda tmp: ["-f", INPUTS[0], "--ns-label", "istio.io/dataplane-mode=ambient"],
    "already injected": lambda tmp: ["-f", os.path.join(ADVICE, "already-injected.yaml"), "-n", "mesh"],
}


ADVICE = os.path.join(HERE, "data", "advice")


def _case(path, tmp_path):
    with open(path, encoding="utf-8") as fh:
        case = yaml.safe_load(fh)
    return ["-f", _write(tmp_path, "input.yaml", [case["input"]]),
            "--cluster-state", _write(tmp_path, "cluster.yaml", case["cluster"]), "-n", case["namespace"]]


SCENARIOS = {**{f"{os.path.basename(p)} -n {ns}": (lambda tmp, p=p, ns=ns: ["-f", p, "-n", ns])
                for p in INPUTS for ns in ("default", "mesh")},
             **{f"{os.path.basename(p)} --ns-label istio.io/rev=default": (lambda tmp, p=p: [
                 "-f", p, "--ns-label", "istio.io/rev=default"]) for p in INPUTS},
             **VARIANTS,
             **{f"shared case {os.path.basename(p)}": (lambda tmp, p=p: _case(p, tmp)) for p in CASES}}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_json_and_yaml_output_satisfies_the_contract(name, tmp_path, validator):
    args = SCENARIOS[name](tmp_path)
    run = run_cli("explain", *args, "-o", "json")
    assert run.stdout, run.stderr
    document = json.loads(run.stdout)
    assert document["items"], run.stderr
    assert not _problems(validator, document), "\n".join(_problems(validator, document))
    text = run_cli("explain", *args, "-o", "yaml").stdout
    assert yaml.safe_load(text) == document
    # Written out in full wherever the explanation shares a record, as kubectl's -o yaml: no &anchors/*aliases.
    events = list(yaml.parse(text))
    assert not [e for e in events if isinstance(e, yaml.AliasEvent) or getattr(e, "anchor", None)]


def test_the_scenarios_reach_every_code(tmp_path, schema):
    """The outputs above cover each closed set, so the contract is tested on every value it lists."""
    seen = {"verdict": set(), "stage": set(), "rule": set(), "outcome": set(), "effect": set(), "warning": set(),
            "hint": set()}

    def walk(value):
        if isinstance(value, dict):
            if "outcome" in value:
                seen["outcome"].add(value["outcome"])
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for n, name in enumerate(sorted(SCENARIOS)):
        folder = tmp_path / str(n)
        folder.mkdir()
        for item in json.loads(run_cli("explain", *SCENARIOS[name](folder), "-o", "json").stdout)["items"]:
            seen["verdict"].add(item["verdict"])
            seen["rule"].add(item["decidedBy"]["rule"])
            seen["warning"].update(w["code"] for w in item["warnings"])
            seen["hint"].update(h["kind"] for h in item["hints"])
            for stage in item["stages"]:
                seen["stage"].add(stage["stage"])
                for w in stage.get("webhooks") or []:
                    seen["rule"].add(w["rule"])
                    seen["effect"].add(w.get("effect"))
            walk(item["stages"])
    deciding, per_webhook = _rules(schema)
    missing = {
        "verdict": _enum(schema, "verdict") - seen["verdict"],
        "stage": _enum(schema, "stage") - seen["stage"],
        # reinvocation needs a second IfNeeded webhook that changes the pod: tests/test_dispatch.py covers it
        "rule": (deciding | per_webhook) - seen["rule"] - {"reinvocation"},
        "outcome": _enum(schema, "outcome") - seen["outcome"],
        # "unchanged" needs an injector that adds nothing: covered by tests/test_dispatch.py
        "effect": _enum(schema, "effect") - seen["effect"] - {"unchanged"},
        # kube-inject-failed is made only for -o pod, which prints no warnings
        "warning": _enum(schema, "warningCode") - seen["warning"] - {"kube-inject-failed"},
        "hint": _enum(schema, "hintKind") - seen["hint"],
    }
    assert not any(missing.values()), missing
