"""The human explanation: each stage, each webhook's ✓/✗ with its reason, the policy chain with the
deciding step marked, what the templates add, and one RESULT line naming the deciding rule."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping

from .style import Style, clean
from . import words
from .structured import item_data

POLICY_LABELS = {
    "host-network": "hostNetwork",
    "ignored-namespace": "ignored namespaces",
    "inject-label": f"label {words.INJECT_KEY}",
    "inject-annotation": f"annotation {words.INJECT_KEY}",
    "never-inject-selector": "neverInjectSelector",
    "always-inject-selector": "alwaysInjectSelector",
    "policy-enabled": "policy",
    "policy-disabled": "policy",
    "policy-invalid": "policy",
}


def print_items(items, env, options) -> None:
    style = Style(env.colour)
    out: List[str] = []
    for n, item in enumerate(items):
        if n:
            out.append("")
        if item.explanation is None:
            continue
        out.extend(_item(_sanitize(item_data(item)), style))
    env.stdout.write("\n".join(out) + ("\n" if out else ""))


def _labels(labels: Mapping[str, str]) -> str:
    shown = {k: v for k, v in labels.items() if k != "kubernetes.io/metadata.name"}
    return ", ".join(f"{k}={v}" for k, v in shown.items()) or "(none besides kubernetes.io/metadata.name)"


def _item(d: Dict[str, Any], s: Style) -> List[str]:
    obj = d["object"]
    src = obj.get("source") or {}
    lines = [s.bold(f"{obj['kind']} {obj['namespace']}/{obj['name']}") +
             s.dim(f"  ({src.get('file')}, document {src.get('document')})")]
    given = {k: v for k, v in (d.get("clusterState") or {}).items() if v != "embedded default"}
    if given:
        rest = [k for k, v in (d.get("clusterState") or {}).items() if v == "embedded default"]
        lines.append(s.dim("cluster state: " + "; ".join(f"{k} from {v}" for k, v in given.items()) +
                           (f"; {', '.join(rest)} from the embedded default" if rest else "")))
    stages = {st["stage"]: st for st in d["stages"]}
    chain = stages.get("admission-chain")
    if chain:
        changed = [st["plugin"] for st in chain.get("steps") or [] if st.get("changed") and st.get("plugin") != "Decode"]
        lines.append("")
        names = ["API defaults" if c == "Defaulting" else f"the {c} plugin" for c in changed]
        lines.append(s.bold("0. Before the webhooks") + " — kube-apiserver first applies: " + (", ".join(names) or "nothing"))
        lines.append(s.dim("   (webhooks and their matchConditions see the pod with these defaults; -o pod leaves them out)"))
    sel = stages.get("webhook-selection")
    if sel is None:
        lines.append("")
        db = d["decidedBy"]
        lines.append(s.bold("RESULT: ") + s.red("REJECTED") + f" — {db['detail']}" + s.dim(f"  [rule: {db['rule']}]"))
        return lines
    lines.append("")
    lines.append(s.bold("1. Webhook selection") + f" — what kube-apiserver calls for a new pod in \"{obj['namespace']}\"")
    lines.append(f"   namespace labels: {_labels(sel.get('namespaceLabels') or {})}")
    lines.append(f"   pod labels:       {_labels(sel.get('podLabels') or {}) if sel.get('podLabels') else '(none)'}")
    if not sel["webhooks"]:
        lines.append("   (no MutatingWebhookConfiguration in the cluster state)")
    for wh in sel["webhooks"]:
        mark = s.green("✓") if wh["called"] else s.red("✗")
        rnd = " (reinvoked)" if wh.get("round") else ""
        lines.append(f"   {mark} {wh['webhook']}{s.dim('  [' + wh['configuration'] + ']')}{rnd}")
        reason = _webhook_reason(wh)
        if reason:
            lines.append(f"       {reason}")
    policy = stages.get("policy")
    if policy:
        for call in policy["calls"]:
            lines.append("")
            lines.append(s.bold("2. Injection policy") + f" — {call['injector']} (revision {call['revision']}, "
                         f"policy: {call['policy'] or '(unset)'}), asked by {call['webhook']}")
            for step in call["steps"]:
                lines.append("   " + _policy_line(step, call, s))
    template = stages.get("template")
    if template:
        for call in template["calls"]:
            lines.append("")
            if call.get("error"):
                lines.append(s.bold("3. Templates") + " — " + s.red("failed: " + call["error"]))
                continue
            lines.append(s.bold("3. Templates") + f" — {', '.join(call['templates'])} ({call['engine']}), from {call['webhook']}")
            added = call.get("added") or {}
            labels = {"initContainers": "init containers", "containers": "containers", "volumes": "volumes",
                      "imagePullSecrets": "image pull secrets", "annotations": "annotations", "labels": "labels"}
            for key, title in labels.items():
                if added.get(key):
                    lines.append(f"   + {title}: {', '.join(added[key])}")
        if d.get("patch"):
            lines.append(f"   JSON patch: {len(d['patch'])} operations (see them with -o patch; the injected pod with -o pod)")
    if d.get("warnings"):
        lines.append("")
        lines.append(s.bold("Warnings"))
        for w in d["warnings"]:
            lines.append("   " + s.yellow("! ") + words.warning(w))
    if d.get("hints"):
        lines.append("")
        lines.append(s.bold("To get a sidecar") + " (each change below was simulated and would inject):")
        for h in d["hints"]:
            lines.append("   " + words.hint(h, obj))
        if any(h["kind"] == "namespace-label" for h in d["hints"]):
            lines.append(s.dim("   Injection happens only when a pod is created: pods that already run keep no sidecar until "
                               "they are recreated (e.g. kubectl rollout restart)."))
    lines.append("")
    verdict = d["verdict"]
    colour = {"injected": s.green, "not-injected": s.yellow, "rejected": s.red}[verdict]
    db = d["decidedBy"]
    lines.append(s.bold("RESULT: ") + colour(verdict.replace("-", " ").upper()) + f" — {db['detail']}" +
                 s.dim(f"  [rule: {db['rule']}]"))
    return lines


def _webhook_reason(wh: Mapping[str, Any]) -> str:
    checks = {c["predicate"]: c for c in wh.get("checks") or []}
    rule = wh["rule"]
    if wh.get("error"):
        return f"request rejected: {wh['error']}"
    if rule in ("called", "reinvocation"):
        effect = wh.get("effect")
        tail = {"injected": "→ injected", "declined": "→ Istio declined (see policy)", "unknown": "→ effect unknown offline",
                "unchanged": "→ no change", "rejected": "→ rejected"}.get(effect, "")
        return f"all selectors and rules match {tail}".rstrip()
    predicate = {"namespace-selector": "namespaceSelector", "object-selector": "objectSelector",
                 "rules": "rules", "match-conditions": "matchConditions"}.get(rule)
    check = checks.get(predicate)
    if check is None:
        return rule
    whose = "namespace" if predicate == "namespaceSelector" else "pod"
    if predicate in ("namespaceSelector", "objectSelector"):
        failed = [c for c in check.get("children") or [] if c["outcome"] != "match"]
        if failed:
            c = failed[0]
            return f"{predicate}: " + words.requirement(c.get("expected") or {}, c.get("observed") or {}, whose)
        return f"{predicate}: {check.get('message') or 'no match'}"
    if predicate == "rules":
        return f"rules: no rule matches {check.get('observed', {}).get('operation')} {check.get('observed', {}).get('resource')}"
    return f"matchConditions: {check.get('message')}"


def _policy_line(step: Mapping[str, Any], call: Mapping[str, Any], s: Style) -> str:
    rule = step["rule"]
    outcome = step["outcome"]
    label = POLICY_LABELS.get(rule, rule).ljust(36)
    inputs = step.get("inputs") or {}
    deciding = rule == call["decidedBy"]
    if outcome == "not-evaluated":
        return s.dim(f"  {label} not reached")
    text = {
        "host-network": lambda: "hostNetwork: true" if outcome == "match" else "not set",
        "ignored-namespace": lambda: f"\"{inputs.get('namespace')}\" " + ("is ignored" if outcome == "match" else "is not ignored"),
        "inject-label": lambda: "absent" if inputs.get("label") is None else f"\"{inputs.get('label')}\"" + ("" if inputs.get("valid") else " (invalid: ignored)"),
        "inject-annotation": lambda: ("absent" if inputs.get("annotation") is None else f"\"{inputs.get('annotation')}\"") +
        (" (overridden by the label)" if inputs.get("overriddenByLabel") else "") +
        ("" if inputs.get("valid", True) else " (invalid: ignored)"),
        "never-inject-selector": lambda: _selector_text(inputs),
        "always-inject-selector": lambda: _selector_text(inputs),
    }.get(rule, lambda: f"\"{inputs.get('policy')}\"" + (" → default applies" if inputs.get("useDefault") else " → the pod's explicit choice stands"))()
    if deciding:
        verdict = "inject" if step.get("inject") else "do not inject"
        return s.bold(f"▶ {label} {text} → {verdict}")
    return f"  {label} {text}"


def _selector_text(inputs: Mapping[str, Any]) -> str:
    if not inputs.get("selectors"):
        return "none configured"
    if inputs.get("matched") is not None:
        return f"entry {inputs['matched']} matches the pod's labels"
    return f"{inputs['selectors']} selector(s), none matches"


def _sanitize(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(k) if isinstance(k, str) else k: _sanitize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_sanitize(v) for v in value]
    return value
