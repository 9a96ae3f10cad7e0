"""Istio's injection decision chain, one table row per rule and interaction."""
import pytest

from simulator.istio.injector_config import build_config
from simulator.istio.policy import KUBE_INJECT, decide
from simulator.istio.release import release_for
from simulator.trace import Outcome

from .tables import load_table

ROWS = load_table("policy.yaml")
#: One release of each line whose rules differ: before 1.25, the current release, the master snapshot.
LINES = ("1.24.6", "1.30.3", "1.31")
CASES = [(row, line) for row in ROWS for line in LINES]


def _config(row):
    cfg = {"policy": row.get("policy", "enabled"), "neverInjectSelector": row.get("never"),
           "alwaysInjectSelector": row.get("always")}
    return build_config(cfg, {}, name="istio-sidecar-injector", namespace="istio-system", revision="default",
                        engine="go", origin="test")


def _pod(row):
    return {"metadata": {"namespace": row.get("namespace", "apps"), "labels": row.get("labels", {}),
                         "annotations": row.get("annotations", {})},
            "spec": {"hostNetwork": row.get("hostNetwork", False), "containers": [{"name": "app"}]}}


@pytest.mark.parametrize("row, line", CASES, ids=["%s [%s]" % (r["name"], line) for r, line in CASES])
def test_policy(row, line):
    expect = row["expect_by_line"][line] if "expect_by_line" in row else row["expect"]
    decision = decide(_pod(row), _config(row), release_for(line))
    assert decision.inject is expect["inject"]
    assert decision.rule.value == expect["rule"]
    deciding = [s for s in decision.steps if s.outcome is Outcome.MATCH and s.inject is not None]
    assert deciding and deciding[-1].rule.value == expect["rule"], "the deciding step is marked in the chain"
    if "warning" in expect:
        assert expect["warning"] in [w.code for w in decision.warnings]
    if "warnings" in expect:
        assert [w.code for w in decision.warnings] == expect["warnings"]


@pytest.mark.parametrize("line", LINES)
@pytest.mark.parametrize("value, injected", [("", True), ("true", True), ("false", False), ("yes", None),
                                             ("True", None), ("maybe", None)])
def test_kube_inject_decides_with_policy_enabled_and_no_selectors(line, value, injected):
    """istioctl kube-inject ignores the ConfigMap's policy and selectors: the same chain as an injector
    whose policy is enabled, with nothing else (None: the line decides, as its webhook would)."""
    pod = _pod({"annotations": {"sidecar.istio.io/inject": value}, "labels": {"app": "x"}})
    webhook = decide(pod, _config({}), release_for(line))
    kube_inject = decide(pod, KUBE_INJECT, release_for(line))
    assert kube_inject == webhook
    if injected is not None:
        assert kube_inject.inject is injected


def test_chain_order_is_istios():
    decision = decide(_pod({}), _config({}), release_for("1.30.3"))
    assert [s.rule.value for s in decision.steps] == [
        "host-network", "ignored-namespace", "inject-label", "inject-annotation",
        "never-inject-selector", "always-inject-selector", "policy-enabled"]


def test_steps_after_the_decision_are_not_evaluated():
    decision = decide(_pod({"hostNetwork": True}), _config({}), release_for("1.30.3"))
    assert [s.outcome for s in decision.steps[1:]] == [Outcome.NOT_EVALUATED] * 6
