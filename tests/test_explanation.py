"""The explanation as data: made once and immutable, every code with its words, Istio webhooks naming the
injector ConfigMap they were matched with."""
import json
import os

import pytest
import yaml

from plugin.printers import words
from simulator.trace import (DecidedBy, Explanation, Hint, HintKind, ObjectRef, RuleId, Stage, Verdict, WarningCode,
                             WarningNote)

HERE = os.path.dirname(__file__)
HTTPBIN = os.path.join(HERE, "data", "httpbin.yaml")


def _explain(namespace="mesh"):
    from plugin.state.sources import load_cluster_state
    from simulator import explain

    with open(HTTPBIN) as fh:
        return explain(yaml.safe_load(fh), namespace, load_cluster_state([])[0])


def _records(value):
    """Every record reachable from `value` through records and tuples (not through evidence dicts)."""
    from simulator.records import Frozen

    if isinstance(value, Frozen):
        yield value
        for v in value:
            yield from _records(v)
    elif type(value) is tuple:
        for v in value:
            yield from _records(v)


def test_the_explanation_is_immutable_all_the_way_down():
    expl = _explain()
    records = list(_records(expl))
    assert len(records) > 50
    for record in records:
        with pytest.raises(AttributeError):
            setattr(record, record._fields[0], None)
        for name in record._tuple_fields:
            assert type(getattr(record, name)) is tuple, (type(record).__name__, name)


def test_explaining_twice_gives_equal_explanations():
    assert _explain() == _explain()


def _bare(rule, stage):
    return Explanation(ObjectRef("Pod", "p", "ns"), Verdict.NOT_INJECTED, DecidedBy(stage, rule, None, None, {}), (),
                       (), [])


DECIDING = {RuleId.NO_MATCHING_WEBHOOK: Stage.WEBHOOK_SELECTION, RuleId.WEBHOOK_REJECTED: Stage.WEBHOOK_SELECTION,
            RuleId.ADMISSION_PLUGIN_REJECTED: Stage.ADMISSION_CHAIN, RuleId.TEMPLATE_ERROR: Stage.TEMPLATE}


@pytest.mark.parametrize("rule", [r for r in RuleId if r not in (RuleId.NAMESPACE_SELECTOR, RuleId.OBJECT_SELECTOR,
                                                                 RuleId.RULES, RuleId.MATCH_CONDITIONS, RuleId.CALLED,
                                                                 RuleId.REINVOCATION)])
def test_every_deciding_rule_has_a_sentence(rule):
    sentence = words.decided(_bare(rule, DECIDING.get(rule, Stage.POLICY)))
    assert sentence and sentence != rule.value and " " in sentence


@pytest.mark.parametrize("code", list(WarningCode))
def test_every_warning_code_has_a_sentence(code):
    sentence = words.warning(WarningNote(code, {"error": "boom", "webhooks": ["a", "b"]}))
    assert sentence and code.value not in sentence and " " in sentence


@pytest.mark.parametrize("kind", list(HintKind))
def test_every_hint_kind_has_advice(kind):
    advice = words.hint(Hint(kind, "sidecar.istio.io/inject", "true", namespace="ns", result=Verdict.INJECTED,
                             webhook="w", rule=RuleId.POLICY_ENABLED), "Deployment")
    assert advice and kind.value not in advice and "sidecar.istio.io/inject" in advice


def test_a_called_istio_webhook_names_the_injector_configmap_it_was_matched_with(cli, tmp_path):
    item = json.loads(cli("explain", "-f", HTTPBIN, "-n", "mesh", "-o", "json").stdout)["items"][0]
    webhooks = next(s for s in item["stages"] if s["stage"] == "webhook-selection")["webhooks"]
    called = [w for w in webhooks if w["called"]]
    assert [(w["webhook"], w["injector"], w["revision"], w["effect"]) for w in called] == [
        ("namespace.sidecar-injector.istio.io", "istio-system/istio-sidecar-injector", "default", "injected")]
    assert all("injector" not in w and "revision" not in w for w in webhooks if not w["called"])
    # a revision whose ConfigMap is missing: the webhook still says which ConfigMap it was matched with
    from plugin.state.sources import load_default

    docs = [d.obj for d in load_default()]
    canary = json.loads(json.dumps(next(d for d in docs if d["kind"] == "MutatingWebhookConfiguration"))
                        .replace('"default"', '"canary"'))
    canary["metadata"]["name"] = "istio-sidecar-injector-canary"
    state = tmp_path / "state.yaml"
    state.write_text(yaml.safe_dump_all(docs + [canary]))
    item = json.loads(cli("explain", "-f", HTTPBIN, "--ns-label", "istio.io/rev=canary", "--cluster-state", str(state),
                          "-o", "json").stdout)["items"][0]
    webhooks = next(s for s in item["stages"] if s["stage"] == "webhook-selection")["webhooks"]
    (called,) = [w for w in webhooks if w["called"]]
    assert (called["injector"], called["revision"], called["effect"]) == (
        "istio-system/istio-sidecar-injector-canary", "canary", "unknown")
    assert item["warnings"][0]["code"] == "injector-config-unavailable"
    # the injector that decides cannot be read: the verdict is unknown, never "no webhook matched"
    assert item["verdict"] == "unknown"
    assert (item["decidedBy"]["rule"], item["decidedBy"]["webhook"], item["decidedBy"]["inputs"]["revision"]) == (
        "injector-unknown", called["webhook"], "canary")
    assert "ConfigMap istio-system/istio-sidecar-injector-canary" in item["decidedBy"]["detail"]
    assert item["hints"] == []
    assert cli("explain", "-f", HTTPBIN, "--ns-label", "istio.io/rev=canary", "--cluster-state", str(state),
               "--exit-code").status == 1
