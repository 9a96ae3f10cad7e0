"""Plain-language phrases for rule ids and checks — the only place sentences are made.

The JSON printer's `decidedBy.detail` and the text printer both come from here, so the wording a
learner sees is the same everywhere and can change without touching the engine.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Mapping, Optional

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
    "host-network": "the pod uses hostNetwork: Istio never injects such pods",
    "policy-enabled": "the injector policy is \"enabled\" and nothing on the pod opted out",
    "policy-disabled": "the injector policy is \"disabled\" and nothing on the pod opted in",
}


def decided(rule: str, detail: Mapping[str, Any], item: Mapping[str, Any]) -> str:
    """One sentence naming the deciding rule, for RESULT lines and `decidedBy.detail`."""
    policy = _policy_call(item)
    inputs = _deciding_inputs(policy, rule)
    ns = item.get("object", {}).get("namespace")
    if rule == "no-matching-webhook":
        other = detail.get("calledOther") or []
        tail = f" (other webhooks were called: {', '.join(other)}; their effect is unknown offline)" if other else ""
        return f"no Istio injector webhook matched this pod in namespace \"{ns}\", so Istio was never asked{tail}"
    if rule in _FIXED:
        return _FIXED[rule]
    if rule in ("never-inject-selector", "always-inject-selector"):
        name = "neverInjectSelector" if rule.startswith("never") else "alwaysInjectSelector"
        return f"the pod's labels match {name}[{inputs.get('matched')}] of the injector configuration"
    if rule == "webhook-rejected":
        return f"the API server rejected the pod while selecting webhooks: {detail.get('message')}"
    if rule == "admission-plugin-rejected":
        return f"the {detail.get('plugin')} admission plugin refused the pod before any webhook: {detail.get('message')}"
    if rule == "template-error":
        return f"the injector could not render its templates, so the API server rejects the pod: {detail.get('message')}"
    if rule == "ignored-namespace":
        return f"namespace \"{ns}\" is one Istio always ignores"
    if rule == "inject-label":
        value = inputs.get("label")
        extra = " (the label wins over the annotation)" if inputs.get("annotation") is not None else ""
        return f"the pod label {INJECT_KEY}=\"{value}\" {_asks(policy, value)} injection{extra}"
    if rule == "inject-annotation":
        value = inputs.get("annotation")
        return f"the pod annotation {INJECT_KEY}: \"{value}\" {_asks(policy, value)} injection"
    if rule == "policy-invalid":
        return f"the injector policy \"{policy.get('policy') if policy else ''}\" is neither enabled nor disabled, so Istio injects nothing"
    return rule


def _asks(policy: Optional[Mapping[str, Any]], value: Any) -> str:
    """The label or annotation decided, so the call's verdict is its answer (Istio lines before 1.25 also
    take yes/on/y for "true" and any other word for "false")."""
    inject = policy.get("inject") if policy is not None else value == "true"
    return "asks for" if inject else "opts out of"


def _policy_call(item: Mapping[str, Any]) -> Optional[Mapping[str, Any]]:
    webhook = (item.get("decidedBy") or {}).get("webhook")
    for stage in item.get("stages") or []:
        if stage.get("stage") == "policy":
            for call in stage.get("calls") or []:
                if call.get("webhook") == webhook:
                    return call
    return None


def _deciding_inputs(policy: Optional[Mapping[str, Any]], rule: str) -> Dict[str, Any]:
    for step in (policy or {}).get("steps") or []:
        if step.get("rule") == rule:
            return dict(step.get("inputs") or {})
    return {}


def warning(w: Mapping[str, Any]) -> str:
    code = w.get("code")
    if code == "inject-on-workload-metadata":
        return (f"{w.get('key')} is set as a {w.get('source')} on the {w.get('kind')} itself; it has no effect there. "
                f"Put it on the pod template (spec.template.metadata) instead.")
    if code == "invalid-inject-value":
        return (f"{w.get('key')} {w.get('source')} has the value \"{w.get('value')}\"; only \"true\" and \"false\" count "
                f"(case-sensitive), so Istio ignores it and falls back to its defaults.")
    if code == "namespace-both-labels":
        return (f"namespace \"{w.get('namespace')}\" has both istio-injection={w.get('istio-injection')} and "
                f"istio.io/rev={w.get('istio.io/rev')}; istio-injection takes precedence and the revision label is ignored.")
    if code == "double-injection":
        return f"more than one injector webhook injected this pod ({', '.join(w.get('webhooks') or [])}): it is mutated twice."
    if code == "webhook-effect-unknown":
        return f"webhook {w.get('webhook')} ({w.get('configuration')}) is called, but it is not an Istio injector: its effect is unknown offline."
    if code == "injector-config-unavailable":
        return f"webhook {w.get('webhook')} is called, but its injector configuration is unusable: {w.get('problem')}; its effect is unknown offline."
    if code == "invalid-selector":
        return f"{w.get('rule')}[{w.get('index')}] is not a valid label selector ({w.get('error')}); Istio skips it."
    if code == "invalid-policy":
        return f"the injector policy \"{w.get('policy')}\" is not \"enabled\" or \"disabled\"; Istio treats it as off."
    return str(code)


def hint(h: Mapping[str, Any], obj: Mapping[str, Any]) -> str:
    by = f"  (then {h.get('webhook')} injects it)"
    kind = h.get("kind")
    if kind == "namespace-label":
        return f"label the namespace: kubectl label namespace {h.get('namespace')} {h.get('key')}={h.get('value')}{by}"
    where = "pod template" if obj.get("kind") != "Pod" else "pod"
    if kind == "pod-label":
        return f"label the {where}: {h.get('key')}: \"{h.get('value')}\"{by}"
    if kind == "remove-pod-label":
        return f"remove the label {h.get('key')} from the {where}{by}"
    if kind == "remove-pod-annotation":
        return f"remove the annotation {h.get('key')} from the {where}{by}"
    return str(kind)
