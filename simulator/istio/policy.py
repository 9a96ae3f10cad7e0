"""Istio's injection decision (`injectRequired` in `pkg/kube/inject/inject.go`), step by step.

Istio returns a bare bool and logs its reasons; here every link of the chain is a `PolicyStep`, in
Istio's fixed order, so the explanation can mark the one that decided and show the ones that did not
get a say. Namespace labels are never read here: namespaces are selected by the webhook selectors.

One implementation for both callers: the webhook passes the injector's configuration, `istioctl
kube-inject` passes `KUBE_INJECT` (IntoObject calls injectRequired with `&Config{Policy:
InjectionPolicyEnabled}` and no selectors).  The release matters for one link, the value of the
`sidecar.istio.io/inject` label or annotation (`Release.strict_inject_values`).
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, List, Mapping, Optional, Tuple

    from .injector_config import InjectorConfig, SelectorEntry
    from .release import Release

from ..kube.objects import annotations_of, labels_of
from ..trace import Check, Outcome, PolicyStep, RuleId, WarningCode, WarningNote
from ..records import Frozen

INJECT_KEY = "sidecar.istio.io/inject"
IGNORED_NAMESPACES = ("kube-system", "kube-public", "kube-node-lease", "local-path-storage")
#: Values the older lines (before 1.25) take for "inject", compared lower-cased (YAML 1.1's true words).
_LENIENT_TRUE = ("y", "yes", "true", "on")


class PolicyConfig(Frozen):
    """The three inputs of injectRequired's Config; an InjectorConfig has the same attributes."""

    policy: str
    never_inject: Tuple[SelectorEntry, ...] = ()
    always_inject: Tuple[SelectorEntry, ...] = ()


#: What `istioctl kube-inject` decides with, whatever the injector ConfigMap says.
KUBE_INJECT = PolicyConfig("enabled")


def explicit_value(value: str, release: Release) -> Tuple[Optional[bool], bool]:
    """(the pod's explicit answer or None for "use the default", whether Istio accepts the value).

    1.25 and later: exactly "true" or "false"; anything else is logged as invalid and the default
    applies.  Older lines: y/yes/true/on in any case inject, the empty string is the default, and any
    other value - "false", "no", or a typo - is an explicit "do not inject"."""
    if value == "":
        return None, True
    if release.strict_inject_values:
        explicit = {"true": True, "false": False}.get(value)
        return explicit, explicit is not None
    return value.lower() in _LENIENT_TRUE, True


class PolicyDecision(Frozen):
    inject: bool
    rule: RuleId
    steps: Tuple[PolicyStep, ...]
    warnings: Tuple[WarningNote, ...] = ()


def _remaining(rules: List[RuleId]) -> List[PolicyStep]:
    return [PolicyStep(r, Outcome.NOT_EVALUATED, {}) for r in rules]


def decide(pod: Mapping[str, Any], config: InjectorConfig | PolicyConfig, release: Release) -> PolicyDecision:
    """injectRequired for `pod` (its own metadata.namespace is the one checked) under `config`."""
    spec = pod.get("spec") or {}
    namespace = (pod.get("metadata") or {}).get("namespace", "")
    labels = labels_of(pod)
    annotations = annotations_of(pod)
    steps: List[PolicyStep] = []
    warnings: List[WarningNote] = []
    chain = [RuleId.HOST_NETWORK, RuleId.IGNORED_NAMESPACE, RuleId.INJECT_LABEL, RuleId.INJECT_ANNOTATION,
             RuleId.NEVER_INJECT_SELECTOR, RuleId.ALWAYS_INJECT_SELECTOR, RuleId.POLICY_ENABLED]

    policy_rule = {"enabled": RuleId.POLICY_ENABLED, "disabled": RuleId.POLICY_DISABLED}.get(config.policy, RuleId.POLICY_INVALID)
    chain[-1] = policy_rule

    def done(inject: bool, rule: RuleId) -> PolicyDecision:
        tail = chain[chain.index(rule) + 1:]
        return PolicyDecision(inject, rule, steps + _remaining(tail), warnings)

    host_network = spec.get("hostNetwork") is True
    steps.append(PolicyStep(RuleId.HOST_NETWORK, Outcome.MATCH if host_network else Outcome.NO_MATCH,
                            {"hostNetwork": spec.get("hostNetwork", False)}, inject=False if host_network else None))
    if host_network:
        return done(False, RuleId.HOST_NETWORK)

    ignored = namespace in IGNORED_NAMESPACES
    steps.append(PolicyStep(RuleId.IGNORED_NAMESPACE, Outcome.MATCH if ignored else Outcome.NO_MATCH,
                            {"namespace": namespace, "ignored": list(IGNORED_NAMESPACES)}, inject=False if ignored else None))
    if ignored:
        return done(False, RuleId.IGNORED_NAMESPACE)

    # The label, when present (even empty), replaces the annotation's value.
    has_label = INJECT_KEY in labels
    has_annotation = INJECT_KEY in annotations
    value = labels[INJECT_KEY] if has_label else annotations.get(INJECT_KEY, "")
    explicit, accepted = explicit_value(value, release)
    if not accepted:
        warnings.append(WarningNote(WarningCode.INVALID_INJECT_VALUE, {"value": value, "source": "label" if has_label else "annotation",
                                                          "key": INJECT_KEY}))
    label_inputs = {"label": labels.get(INJECT_KEY) if has_label else None}
    ann_inputs = {"annotation": annotations.get(INJECT_KEY) if has_annotation else None}
    if has_label:
        steps.append(PolicyStep(RuleId.INJECT_LABEL, Outcome.MATCH if explicit is not None else Outcome.NO_MATCH,
                                {**label_inputs, **ann_inputs, "valid": explicit is not None}, inject=explicit))
        steps.append(PolicyStep(RuleId.INJECT_ANNOTATION, Outcome.SKIPPED if has_annotation else Outcome.NO_MATCH,
                                {**ann_inputs, "overriddenByLabel": has_annotation}))
    else:
        steps.append(PolicyStep(RuleId.INJECT_LABEL, Outcome.NO_MATCH, label_inputs))
        steps.append(PolicyStep(RuleId.INJECT_ANNOTATION,
                                Outcome.MATCH if explicit is not None else Outcome.NO_MATCH,
                                {**ann_inputs, "valid": explicit is not None or not has_annotation}, inject=explicit))
    explicit_rule = RuleId.INJECT_LABEL if has_label else RuleId.INJECT_ANNOTATION

    decided_rule: Optional[RuleId] = explicit_rule if explicit is not None else None
    inject_value = explicit
    if explicit is None:
        for rule, entries, verdict in ((RuleId.NEVER_INJECT_SELECTOR, config.never_inject, False),
                                       (RuleId.ALWAYS_INJECT_SELECTOR, config.always_inject, True)):
            checks: List[Check] = []
            hit = None
            for entry in entries:
                if entry.error is not None:
                    checks.append(Check(f"{rule.value}[{entry.index}]", Outcome.ERROR, expected=entry.raw, message=entry.error))
                    warnings.append(WarningNote(WarningCode.INVALID_SELECTOR, {"rule": rule.value, "index": entry.index, "error": entry.error}))
                    continue
                if entry.selector.everything:
                    checks.append(Check(f"{rule.value}[{entry.index}]", Outcome.SKIPPED, expected=entry.raw,
                                        message="empty selector ignored"))
                    continue
                c = entry.selector.check(f"{rule.value}[{entry.index}]", labels)
                checks.append(c)
                if c.outcome is Outcome.MATCH:
                    hit = entry.index
                    break
            steps.append(PolicyStep(rule, Outcome.MATCH if hit is not None else Outcome.NO_MATCH,
                                    {"selectors": len(entries), "matched": hit}, inject=verdict if hit is not None else None,
                                    checks=checks))
            if hit is not None:
                decided_rule, inject_value = rule, verdict
                break
    if decided_rule is RuleId.NEVER_INJECT_SELECTOR:
        steps.append(PolicyStep(RuleId.ALWAYS_INJECT_SELECTOR, Outcome.NOT_EVALUATED, {}))
    elif explicit is not None:
        steps.append(PolicyStep(RuleId.NEVER_INJECT_SELECTOR, Outcome.NOT_EVALUATED, {}))
        steps.append(PolicyStep(RuleId.ALWAYS_INJECT_SELECTOR, Outcome.NOT_EVALUATED, {}))

    policy = config.policy
    use_default = decided_rule is None
    if policy == "enabled":
        rule = RuleId.POLICY_ENABLED if use_default else decided_rule
        inject = True if use_default else bool(inject_value)
    elif policy == "disabled":
        rule = RuleId.POLICY_DISABLED if use_default else decided_rule
        inject = False if use_default else bool(inject_value)
    else:
        rule, inject = RuleId.POLICY_INVALID, False
        warnings.append(WarningNote(WarningCode.INVALID_POLICY, {"policy": policy}))
    steps.append(PolicyStep(policy_rule, Outcome.MATCH if rule in (RuleId.POLICY_ENABLED, RuleId.POLICY_DISABLED, RuleId.POLICY_INVALID)
                            else Outcome.SKIPPED, {"policy": policy, "useDefault": use_default},
                            inject=inject if rule == policy_rule else None))
    return PolicyDecision(inject, rule, steps, warnings)
