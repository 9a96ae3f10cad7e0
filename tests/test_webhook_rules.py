"""Rule matching, in apiserver's table shape: each rule with requests that must and must not match."""
import pytest

from simulator.kube.webhook.request import AdmissionRequest
from simulator.kube.webhook.rules import match_rules
from simulator.trace import Outcome

from .tables import load_table

ROWS = load_table("rules.yaml")


def _request(spec):
    op, group, version, resource, sub, ns = spec
    return AdmissionRequest(operation=op, group=group, version=version, resource=resource, subresource=sub, namespace=ns)


@pytest.mark.parametrize("row", ROWS, ids=[r["name"] for r in ROWS])
def test_rule(row):
    for spec in row["match"]:
        check, index = match_rules([row["rule"]], _request(spec))
        assert index == 0 and check.outcome is Outcome.MATCH, spec
    for spec in row["noMatch"]:
        check, index = match_rules([row["rule"]], _request(spec))
        assert index is None and check.outcome is Outcome.NO_MATCH, spec


def test_rules_are_ored_and_the_first_match_is_named():
    rules = [{"operations": ["UPDATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"]},
             {"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"]},
             {"operations": ["*"], "apiGroups": ["*"], "apiVersions": ["*"], "resources": ["*"]}]
    check, index = match_rules(rules, _request(["CREATE", "", "v1", "pods", "", "ns"]))
    assert index == 1


def test_no_rules_match_nothing():
    check, index = match_rules([], _request(["CREATE", "", "v1", "pods", "", "ns"]))
    assert index is None and check.outcome is Outcome.NO_MATCH
