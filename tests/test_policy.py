"""Istio's injection decision chain, one table row per rule and interaction."""
import pytest

from simulator.istio.injector_config import build_config
from simulator.istio.policy import decide
from simulator.trace import Outcome

from .tables import load_table

ROWS = load_table("policy.yaml")


def _config(row):
    cfg = {"policy": row.get("policy", "enabled"), "neverInjectSelector": row.get("never"),
           "alwaysInjectSelector": row.get("always")}
    return build_config(cfg, {}, name="istio-sidecar-injector", namespace="istio-system", revision="default",
                        engine="go", origin="test")


def _pod(row):
    return {"metadata": {"namespace": row.get("namespace", "apps"), "labels": row.get("labels", {}),
                         "annotations": row.get("annotations", {})},
            "spec": {"hostNetwork": row.get("hostNetwork", False), "containers": [{"name": "app"}]}}


@pytest.mark.parametrize("row", ROWS, ids=[r["name"] for r in ROWS])
def test_policy(row):
    decision = decide(_pod(row), _config(row))
    assert decision.inject is row["expect"]["inject"]
    assert decision.rule.value == row["expect"]["rule"]
    deciding = [s for s in decision.steps if s.outcome is Outcome.MATCH and s.inject is not None]
    assert deciding and deciding[-1].rule.value == row["expect"]["rule"], "the deciding step is marked in the chain"
    if "warning" in row["expect"]:
        assert row["expect"]["warning"] in [w.code for w in decision.warnings]


def test_chain_order_is_istios():
    decision = decide(_pod({}), _config({}))
    assert [s.rule.value for s in decision.steps] == [
        "host-network", "ignored-namespace", "inject-label", "inject-annotation",
        "never-inject-selector", "always-inject-selector", "policy-enabled"]


def test_steps_after_the_decision_are_not_evaluated():
    decision = decide(_pod({"hostNetwork": True}), _config({}))
    assert [s.outcome for s in decision.steps[1:]] == [Outcome.NOT_EVALUATED] * 6
