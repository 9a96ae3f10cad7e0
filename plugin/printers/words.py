"""Plain-language phrases for rule ids and checks — the only place sentences are made.

The JSON printer's `decidedBy.detail` and the text printer both come from here, so the wording a
learner sees is the same everywhere and can change without touching the engine.
"""
from __future__ import annotations

from simulator.trace import HintKind, RuleId, WarningCode

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping

    from simulator.trace import Explanation, Hint, WarningNote

from simulator import INJECT_KEY  # the label and annotation Istio's policy reads


def requirement(expected: Mapping[str, Any], observed: Mapping[str, Any], whose: str) -> str:
    """Why one selector requirement did or did not hold, e.g. `namespace has no label istio-injection`."""
    key = expected.get("key")
    op = expected.get("operator")
    values = expected.get("values") or []
    value = (observed or {}).get(key)
    present = value is not None
    vals = ", ".join(values)
    need = {"In": f"{key} in ({vals})", "NotIn": f"{key} notin ({vals})",
            "Exists": f"{key} exists", "DoesNotExist": f"!{key}"}.get(op, f"{key} {op} {vals}")
    if present:
        seen = f'{whose} has {key}="{value}"'
    else:
        seen = f"{whose} has no label {key}"
    return f"needs {need}; {seen}"


_FIXED = {
    RuleId.HOST_NETWORK: "the pod uses hostNetwork: Istio never injects such pods",
    RuleId.POLICY_ENABLED: "the injector policy is \"enabled\" and nothing on the pod opted out",
    RuleId.POLICY_DISABLED: "the injector policy is \"disabled\" and nothing on the pod opted in",
}


def decided(expl: Explanation) -> str:
    """One sentence naming the deciding rule, for RESULT lines and `decidedBy.detail`."""
    rule = expl.decided_by.rule
    detail = expl.decided_by.detail
    policy = expl.deciding_call()
    step = policy.step(rule) if policy is not None else None
    inputs = step.inputs if step is not None else {}
    ns = expl.object.namespace
    if rule is RuleId.NO_MATCHING_WEBHOOK:
        other = detail.get("calledOther") or []
        tail = f" (other webhooks were called: {', '.join(other)}; their effect is unknown offline)" if other else ""
        return f"no Istio injector webhook matched this pod in namespace \"{ns}\", so Istio was never asked{tail}"
    if rule in _FIXED:
        return _FIXED[rule]
    if rule in (RuleId.NEVER_INJECT_SELECTOR, RuleId.ALWAYS_INJECT_SELECTOR):
        name = "neverInjectSelector" if rule is RuleId.NEVER_INJECT_SELECTOR else "alwaysInjectSelector"
        return f"the pod's labels match {name}[{inputs.get('matched')}] of the injector configuration"
    if rule is RuleId.WEBHOOK_REJECTED:
        return f"the API server rejected the pod while selecting webhooks: {detail.get('message')}"
    if rule is RuleId.ADMISSION_PLUGIN_REJECTED:
        return f"the {detail.get('plugin')} admission plugin refused the pod before any webhook: {detail.get('message')}"
    if rule is RuleId.TEMPLATE_ERROR:
        return f"the injector could not render its templates, so the API server rejects the pod: {detail.get('message')}"
    if rule is RuleId.IGNORED_NAMESPACE:
        return f"namespace \"{ns}\" is one Istio always ignores"
    if rule is RuleId.INJECT_LABEL:
        value = inputs.get("label")
        extra = " (the label wins over the annotation)" if inputs.get("annotation") is not None else ""
        return f"the pod label {INJECT_KEY}=\"{value}\" {_asks(policy, value)} injection{extra}"
    if rule is RuleId.INJECT_ANNOTATION:
        value = inputs.get("annotation")
        return f"the pod annotation {INJECT_KEY}: \"{value}\" {_asks(policy, value)} injection"
    if rule is RuleId.POLICY_INVALID:
        return f"the injector policy \"{policy.policy if policy else ''}\" is neither enabled nor disabled, so Istio injects nothing"
    raise ValueError(f"no words for deciding rule {rule!r}")   # a selection predicate never decides a verdict


def _asks(policy, value) -> str:
    """The label or annotation decided, so the call's verdict is its answer (Istio lines before 1.25 also
    take yes/on/y for "true" and any other word for "false")."""
    inject = policy.inject if policy is not None else value == "true"
    return "asks for" if inject else "opts out of"


def warning(w: WarningNote) -> str:
    code, d = w.code, w.detail
    if code is WarningCode.INJECT_ON_WORKLOAD_METADATA:
        return (f"{d.get('key')} is set as a {d.get('source')} on the {d.get('kind')} itself; it has no effect there. "
                f"Put it on the pod template (spec.template.metadata) instead.")
    if code is WarningCode.INVALID_INJECT_VALUE:
        return (f"{d.get('key')} {d.get('source')} has the value \"{d.get('value')}\"; only \"true\" and \"false\" count "
                f"(case-sensitive), so Istio ignores it and falls back to its defaults.")
    if code is WarningCode.NAMESPACE_BOTH_LABELS:
        return (f"namespace \"{d.get('namespace')}\" has both istio-injection={d.get('istio-injection')} and "
                f"istio.io/rev={d.get('istio.io/rev')}; istio-injection takes precedence and the revision label is ignored.")
    if code is WarningCode.DOUBLE_INJECTION:
        return f"more than one injector webhook injected this pod ({', '.join(d.get('webhooks') or [])}): it is mutated twice."
    if code is WarningCode.WEBHOOK_EFFECT_UNKNOWN:
        return f"webhook {d.get('webhook')} ({d.get('configuration')}) is called, but it is not an Istio injector: its effect is unknown offline."
    if code is WarningCode.INJECTOR_CONFIG_UNAVAILABLE:
        return f"webhook {d.get('webhook')} is called, but its injector configuration is unusable: {d.get('problem')}; its effect is unknown offline."
    if code is WarningCode.INVALID_SELECTOR:
        return f"{d.get('rule')}[{d.get('index')}] is not a valid label selector ({d.get('error')}); Istio skips it."
    if code is WarningCode.INVALID_POLICY:
        return f"the injector policy \"{d.get('policy')}\" is not \"enabled\" or \"disabled\"; Istio treats it as off."
    if code is WarningCode.KUBE_INJECT_FAILED:
        return (f"istioctl kube-inject would refuse this object ({d.get('error')}), though the webhook injects it; "
                f"-o pod shows the pod as the webhook stores it instead.")
    if code is WarningCode.GENERIC_WORKLOAD:
        return (f"{d.get('kind')} ({d.get('apiVersion')}) is not a kind kubectl-inject knows; its {d.get('template')} "
                f"is a pod template, so it is explained as a workload whose controller creates pods from it.")
    raise ValueError(f"no words for warning code {code!r}")


def hint(h: Hint, kind: str) -> str:
    """`kind`: the kind of the object explained (a Pod, or a workload with a pod template)."""
    by = f"  (then {h.webhook} injects it)"
    if h.kind is HintKind.NAMESPACE_LABEL:
        return f"label the namespace: kubectl label namespace {h.namespace} {h.key}={h.value}{by}"
    where = "pod template" if kind != "Pod" else "pod"
    if h.kind is HintKind.POD_LABEL:
        return f"label the {where}: {h.key}: \"{h.value}\"{by}"
    if h.kind is HintKind.REMOVE_POD_LABEL:
        return f"remove the label {h.key} from the {where}{by}"
    if h.kind is HintKind.REMOVE_POD_ANNOTATION:
        return f"remove the annotation {h.key} from the {where}{by}"
    raise ValueError(f"no words for hint kind {h.kind!r}")
