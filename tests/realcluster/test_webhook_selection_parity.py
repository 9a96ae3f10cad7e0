"""Webhook selection parity: the simulator must call exactly the webhooks a real kube-apiserver calls.

For every scenario the real apiserver (built from k8s.io/kubernetes, see apiserver.py) receives the
namespaces and MutatingWebhookConfigurations, with each webhook pointed at a recorder, and a dry-run pod
CREATE; the recorder's log says which webhooks were called and the response says whether the pod was
rejected.  `kubectl-inject explain -o json` is then asked the same question about the same world.
"""

import pytest

from tests import paths

from . import parity, scenarios

ALL = scenarios.all_scenarios()
GROUPS = ["case", "truth-table", "auto", "tags", "match-conditions", "cel-environment", "rules", "selectors"]


def test_every_scenario_belongs_to_a_tested_group():
    assert {s.group for s in ALL} <= set(GROUPS)


def test_scenarios_are_unique():
    ids = [s.id for s in ALL]
    assert len(ids) == len(set(ids))


KNOWN_GAPS = {}   # group -> reason, for a disagreement that is understood but not fixed yet


@pytest.mark.parametrize("group", [pytest.param(g, marks=pytest.mark.xfail(reason=KNOWN_GAPS[g], strict=True))
                                   if g in KNOWN_GAPS else g for g in GROUPS])
def test_webhook_selection_matches_real_apiserver(real_apiserver, group):
    chosen = [s for s in ALL if s.group == group]
    if not chosen:
        paths.require(paths.shared, "cases")
        pytest.skip("no %s scenarios: the shared acceptance cases are read from %s, which has no *.yaml"
                    % (group, scenarios.CASES_DIR))
    results, resolved = parity.run_real(real_apiserver, chosen)
    parity.run_simulator(results, resolved)
    disagreements = [r for r in results.values() if not r.agrees]
    assert not disagreements, "%d of %d scenarios disagree with the real kube-apiserver:\n%s" % (
        len(disagreements), len(results), "\n".join(r.describe() for r in disagreements))
