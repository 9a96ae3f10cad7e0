"""kube-apiserver's webhook dispatch: ordering, predicate order, deferred selector errors,
matchConditions semantics, and reinvocation. Each test states the apiserver rule it pins."""
import copy

import pytest

from simulator.kube.webhook.dispatch import Mutation, dispatch, ordered_webhooks, should_call
from simulator.kube.webhook.request import AdmissionRequest
from simulator.trace import Outcome, RuleId

RULE = {"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"]}


def hook(name, **kw):
    return {"name": name, "rules": [RULE], **kw}


def mwc(name, *hooks):
    return {"metadata": {"name": name}, "webhooks": list(hooks)}


def pod(labels=None):
    return {"metadata": {"name": "p", "namespace": "ns", "labels": labels or {}}, "spec": {"containers": [{"name": "c"}]}}


def request(obj):
    return AdmissionRequest(namespace="ns", name="p", object=obj)


def no_change(ref, obj, round_):
    return Mutation(obj, "unchanged")


def test_configurations_sort_bytewise_and_hooks_keep_list_order():
    refs = ordered_webhooks([mwc("b", hook("b1.x.io"), hook("b0.x.io")), mwc("a-z", hook("a.x.io")), mwc("a.z", hook("c.x.io")),
                             mwc("A", hook("u.x.io"))])
    assert [(r.configuration, r.name) for r in refs] == [
        ("A", "u.x.io"), ("a-z", "a.x.io"), ("a.z", "c.x.io"), ("b", "b1.x.io"), ("b", "b0.x.io")]
    assert [r.position for r in refs] == [0, 1, 2, 3, 4]


def test_namespace_selector_is_evaluated_first_and_later_predicates_are_not_evaluated():
    ref = ordered_webhooks([mwc("c", hook("h.x.io", namespaceSelector={"matchLabels": {"a": "b"}},
                                                  objectSelector={"matchLabels": {"x": "y"}}))])[0]
    d = should_call(ref, request(pod()), {"kubernetes.io/metadata.name": "ns"})
    assert d.rule is RuleId.NAMESPACE_SELECTOR and not d.call
    assert [c.outcome for c in d.checks[1:]] == [Outcome.NOT_EVALUATED] * 3


def test_selector_parse_error_is_discarded_when_no_rule_matches():
    bad = {"matchExpressions": [{"key": "a", "operator": "Bogus"}]}
    ref = ordered_webhooks([mwc("c", {"name": "h.x.io", "namespaceSelector": bad,
                                      "rules": [{**RULE, "operations": ["DELETE"]}]})])[0]
    d = should_call(ref, request(pod()), {})
    assert d.rejection is None and d.rule is RuleId.RULES


def test_selector_parse_error_fails_the_request_when_a_rule_matches_whatever_the_failure_policy():
    bad = {"matchExpressions": [{"key": "a", "operator": "Bogus"}]}
    ref = ordered_webhooks([mwc("c", hook("h.x.io", objectSelector=bad, failurePolicy="Ignore"))])[0]
    d = should_call(ref, request(pod()), {})
    assert d.rejection and "objectSelector" in d.rejection


def test_missing_namespace_fails_the_request_only_if_a_rule_matches():
    sel = {"matchLabels": {"a": "b"}}
    ref = ordered_webhooks([mwc("c", hook("h.x.io", namespaceSelector=sel))])[0]
    d = should_call(ref, request(pod()), None)
    assert d.rejection == 'namespaces "ns" not found'


@pytest.mark.parametrize("exprs,policy,call,rejected", [
    (["true"], "Fail", True, False),
    (["false"], "Fail", False, False),
    (["object.metadata.labels['missing'] == 'x'"], "Fail", False, True),
    (["object.metadata.labels['missing'] == 'x'"], "Ignore", False, False),
    (["object.metadata.labels['missing'] == 'x'", "false"], "Fail", False, False),   # false beats error
    (["'x'"], "Fail", False, True),                                               # must be a bool
    (["params.x == 1"], "Fail", False, True),                                     # params is not declared
    (["request.operation == 'CREATE' && object.metadata.name == 'p'"], "Fail", True, False),
    (["oldObject == null"], "Fail", True, False),
])
def test_match_conditions(exprs, policy, call, rejected):
    conds = [{"name": f"c{i}", "expression": e} for i, e in enumerate(exprs)]
    ref = ordered_webhooks([mwc("c", hook("h.x.io", matchConditions=conds, failurePolicy=policy))])[0]
    d = should_call(ref, request(pod()), {})
    assert d.call is call
    assert (d.rejection is not None) is rejected


def test_later_webhooks_see_earlier_patches():
    refs = ordered_webhooks([mwc("a", hook("labeler.x.io")),
                             mwc("b", hook("selected.x.io", objectSelector={"matchLabels": {"added": "yes"}}))])

    def mutate(ref, obj, round_):
        if ref.name == "labeler.x.io":
            obj = copy.deepcopy(obj)
            obj["metadata"]["labels"]["added"] = "yes"
            return Mutation(obj, "injected")
        return Mutation(obj, "unchanged")

    result = dispatch(refs, request(pod()), {}, mutate)
    assert [r.called for r in result.results] == [True, True]


def test_ifneeded_webhook_is_reinvoked_once_when_a_later_webhook_changes_the_object():
    refs = ordered_webhooks([mwc("a", hook("first.x.io", reinvocationPolicy="IfNeeded")),
                             mwc("b", hook("second.x.io"))])
    calls = []

    def mutate(ref, obj, round_):
        calls.append((ref.name, round_))
        if ref.name == "second.x.io" and round_ == 0:
            obj = copy.deepcopy(obj)
            obj["metadata"]["labels"]["changed"] = "1"
        return Mutation(obj, "injected")

    dispatch(refs, request(pod()), {}, mutate)
    assert calls == [("first.x.io", 0), ("second.x.io", 0), ("first.x.io", 1)]


def test_never_policy_is_not_reinvoked_and_own_change_does_not_requeue():
    refs = ordered_webhooks([mwc("a", hook("first.x.io")), mwc("b", hook("second.x.io", reinvocationPolicy="IfNeeded"))])
    calls = []

    def mutate(ref, obj, round_):
        calls.append((ref.name, round_))
        obj = copy.deepcopy(obj)
        obj["metadata"]["labels"][ref.name] = "1"
        return Mutation(obj, "injected")

    dispatch(refs, request(pod()), {}, mutate)
    assert calls == [("first.x.io", 0), ("second.x.io", 0)]


def test_a_webhook_skipped_in_round_one_is_never_called_in_round_two():
    refs = ordered_webhooks([mwc("a", hook("late.x.io", reinvocationPolicy="IfNeeded",
                                           objectSelector={"matchLabels": {"added": "yes"}})),
                             mwc("b", hook("labeler.x.io"))])
    calls = []

    def mutate(ref, obj, round_):
        calls.append((ref.name, round_))
        obj = copy.deepcopy(obj)
        obj["metadata"]["labels"]["added"] = "yes"
        return Mutation(obj, "injected")

    dispatch(refs, request(pod()), {}, mutate)
    assert calls == [("labeler.x.io", 0)]


def test_a_rejecting_webhook_stops_the_chain():
    refs = ordered_webhooks([mwc("a", hook("deny.x.io")), mwc("b", hook("after.x.io"))])
    result = dispatch(refs, request(pod()), {}, lambda ref, obj, r: Mutation(obj, "rejected", rejected="denied"))
    assert result.rejection is not None and len(result.results) == 1
