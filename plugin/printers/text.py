"""The human explanation: each stage, each webhook's ✓/✗ with its reason, the policy chain with the
deciding step marked, what the templates add, and one RESULT line naming the deciding rule."""
from __future__ import annotations

from enum import Enum

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, List, Mapping, Optional

    from simulator.trace import Explanation, PolicyCall, PolicyStep, WebhookResult

from simulator.records import Frozen
from simulator.trace import Effect, HintKind, Outcome, RuleId, Stage, Verdict
from .style import Style, clean
from . import words
from .docs import rule_docs, warning_docs

POLICY_LABELS = {
    RuleId.HOST_NETWORK: "hostNetwork",
    RuleId.IGNORED_NAMESPACE: "ignored namespaces",
    RuleId.INJECT_LABEL: f"label {words.INJECT_KEY}",
    RuleId.INJECT_ANNOTATION: f"annotation {words.INJECT_KEY}",
    RuleId.NEVER_INJECT_SELECTOR: "neverInjectSelector",
    RuleId.ALWAYS_INJECT_SELECTOR: "alwaysInjectSelector",
    RuleId.POLICY_ENABLED: "policy",
    RuleId.POLICY_DISABLED: "policy",
    RuleId.POLICY_INVALID: "policy",
    RuleId.INJECTOR_UNKNOWN: "injector configuration",
}

EFFECTS = {Effect.INJECTED: "→ injected", Effect.DECLINED: "→ Istio declined (see policy)",
           Effect.UNKNOWN: "→ effect unknown offline", Effect.UNCHANGED: "→ no change", Effect.REJECTED: "→ rejected"}

#: The selection rule that excluded a webhook -> the predicate (Check) it names.
PREDICATES = {RuleId.NAMESPACE_SELECTOR: "namespaceSelector", RuleId.OBJECT_SELECTOR: "objectSelector",
              RuleId.RULES: "rules", RuleId.MATCH_CONDITIONS: "matchConditions"}

ADDED = (("init_containers", "init containers"), ("containers", "containers"), ("volumes", "volumes"),
         ("image_pull_secrets", "image pull secrets"), ("annotations", "annotations"), ("labels", "labels"))


def print_items(items, env, options) -> None:
    """Every item's full explanation, a blank line between two."""
    stream = TextStream(env, options, summary=False)
    stream.write(items)
    stream.close()


def _full_text(item, style: Style) -> List[str]:
    source = (clean(str(item.document.file)), item.document.index)
    origins = {clean(k): clean(v) for k, v in (item.origins or {}).items()}
    shown = item.explanation.replace(pod=None, original_pod=None, manifest=None)   # not printed here
    return _item(_sanitize(shown), source, origins, style, _sanitize(getattr(item, "live", None)))


VERDICT_WORDS = ((Verdict.INJECTED, "injected"), (Verdict.NOT_INJECTED, "not injected"), (Verdict.REJECTED, "rejected"),
                 (Verdict.UNKNOWN, "unknown"))


class TextStream:
    """The text output, written as the items come.  One object: its full explanation, stage by stage.
    More than one (unless `-v` asks for every full explanation, `summary=False`): one line per object -
    its verdict and the deciding rule, in the words of the RESULT line - and a final tally, so that a
    directory or a namespace reads as a list.  The first item is held until the second shows whether
    there is more than one."""

    def __init__(self, env, options, summary: Optional[bool] = None):
        self.env = env
        self.style = Style(env.colour)
        self.summary = summary if summary is not None else (getattr(options, "verbosity", 0) or 0) < 1
        self.held = None       # summary mode: the first item, until a second one comes
        self.count = 0
        self.tally = {v: 0 for v, _ in VERDICT_WORDS}

    def write(self, items) -> None:
        out: List[str] = []
        for item in items:
            if item.explanation is None:
                continue
            self.count += 1
            self.tally[item.explanation.verdict] += 1
            if not self.summary:
                if self.count > 1:
                    out.append("")
                out.extend(_full_text(item, self.style))
                continue
            if self.count == 1:
                self.held = item
                continue
            if self.held is not None:
                out.append(self._line(self.held))
                self.held = None
            out.append(self._line(item))
        if out:
            self.env.stdout.write("\n".join(out) + "\n")

    def close(self) -> None:
        if self.held is not None:         # a single object: its full explanation
            self.env.stdout.write("\n".join(_full_text(self.held, self.style)) + "\n")
            return
        if self.summary and self.count > 1:
            s = self.style
            counts = ", ".join(f"{self.tally[v]} {w}" for v, w in VERDICT_WORDS if self.tally[v])
            self.env.stdout.write("\n" + s.bold(f"{self.count} objects: ") + counts +
                                  s.dim(" (each object's full explanation: -v 1, or explain it alone)") + "\n")

    def _line(self, item) -> str:
        """`Deployment mesh/web: INJECTED — <the deciding rule>  (file, document N)`"""
        s = self.style
        expl = _sanitize(item.explanation.replace(pod=None, original_pod=None, manifest=None))
        obj = expl.object
        file = clean(str(item.document.file))
        where = file if file.endswith(")") and " (live: " in file else f"{file}, document {item.document.index}"
        colour = {Verdict.INJECTED: s.green, Verdict.NOT_INJECTED: s.yellow, Verdict.REJECTED: s.red,
                  Verdict.UNKNOWN: s.yellow}[expl.verdict]
        return (f"{obj.kind} {obj.namespace}/{obj.name}: " + colour(expl.verdict.value.replace("-", " ").upper()) +
                f" — {words.decided(expl)}" + s.dim(f"  ({where})"))


def _labels(labels: Mapping[str, str]) -> str:
    shown = {k: v for k, v in labels.items() if k != "kubernetes.io/metadata.name"}
    return ", ".join(f"{k}={v}" for k, v in shown.items()) or "(none besides kubernetes.io/metadata.name)"


def _item(expl: Explanation, source, origins: Mapping[str, str], s: Style, running=None) -> List[str]:
    obj = expl.object
    # objects read from a cluster have no file: their source is "deployment/NAME (live: CONTEXT)"
    where = source[0] if source[0].endswith(")") and " (live: " in source[0] else f"{source[0]}, document {source[1]}"
    lines = [s.bold(f"{obj.kind} {obj.namespace}/{obj.name}") + s.dim(f"  ({where})")]
    given = {k: v for k, v in origins.items() if v != "embedded default"}
    live = _live_origin(given)
    if live:
        lines.append(s.dim(live))
    elif given:
        rest = [k for k, v in origins.items() if v == "embedded default"]
        lines.append(s.dim("cluster state: " + "; ".join(f"{k} from {v}" for k, v in given.items()) +
                           (f"; {', '.join(rest)} from the embedded default" if rest else "")))
    chain = expl.stage(Stage.ADMISSION_CHAIN)
    if chain:
        changed = [st.plugin for st in chain.steps if st.changed and st.plugin != "Decode"]
        lines.append("")
        names = ["API defaults" if c == "Defaulting" else f"the {c} plugin" for c in changed]
        lines.append(s.bold("0. Before the webhooks") + " — kube-apiserver first applies: " + (", ".join(names) or "nothing"))
        lines.append(s.dim("   (webhooks and their matchConditions see the pod with these defaults; -o pod leaves them out)"))
    db = expl.decided_by
    sel = expl.stage(Stage.WEBHOOK_SELECTION)
    if sel is None:
        lines.append("")
        lines.append(s.bold("RESULT: ") + s.red("REJECTED") + f" — {words.decided(expl)}" + s.dim(f"  [rule: {db.rule.value}]"))
        lines.append(s.dim(f"   about this rule: {rule_docs(db.rule)}"))
        return lines
    lines.append("")
    lines.append(s.bold("1. Webhook selection") + f" — what kube-apiserver calls for a new pod in \"{obj.namespace}\"")
    lines.append(f"   namespace labels: {_labels(sel.namespace_labels)}")
    lines.append(f"   pod labels:       {_labels(sel.pod_labels) if sel.pod_labels else '(none)'}")
    if not sel.webhooks:
        lines.append("   (no MutatingWebhookConfiguration in the cluster state)")
    for wh in sel.webhooks:
        mark = s.green("✓") if wh.called else s.red("✗")
        rnd = " (reinvoked)" if wh.round else ""
        lines.append(f"   {mark} {wh.webhook}{s.dim('  [' + wh.configuration + ']')}{rnd}")
        reason = _webhook_reason(wh)
        if reason:
            lines.append(f"       {reason}")
    policy = expl.stage(Stage.POLICY)
    if policy:
        for call in policy.calls:
            lines.append("")
            lines.append(s.bold("2. Injection policy") + f" — {call.injector} (revision {call.revision}, "
                         f"policy: {call.policy or '(unset)'}), asked by {call.webhook}")
            for step in call.steps:
                lines.append("   " + _policy_line(step, call, s))
    template = expl.stage(Stage.TEMPLATE)
    if template:
        for call in template.calls:
            lines.append("")
            if call.failed:
                lines.append(s.bold("3. Templates") + " — " + s.red("failed: " + words.one_line(call.error)))
                continue
            lines.append(s.bold("3. Templates") + f" — {', '.join(call.templates)} ({call.engine}), from {call.webhook}")
            for field, title in ADDED:
                names = getattr(call.added, field)
                if names:
                    lines.append(f"   + {title}: {', '.join(names)}")
        if expl.patch:
            lines.append(f"   JSON patch: {len(expl.patch)} operations (see them with -o patch; the injected pod with -o pod)")
    if expl.warnings:
        lines.append("")
        lines.append(s.bold("Warnings"))
        for w in expl.warnings:
            lines.append("   " + s.yellow("! ") + words.warning(w))
            lines.append(s.dim(f"     about {w.code.value}: {warning_docs(w.code)}"))
    if expl.hints:
        lines.append("")
        lines.append(s.bold("To get a sidecar") + " (each change below was simulated and would inject):")
        for h in expl.hints:
            lines.append("   " + words.hint(h, obj.kind, sel.namespace_labels))
        if any(h.kind is HintKind.NAMESPACE_LABEL for h in expl.hints):
            lines.append(s.dim("   Injection happens only when a pod is created: pods that already run keep no sidecar until "
                               "they are recreated (e.g. kubectl rollout restart)."))
    if running is not None:       # an object of the live cluster: its pods and findings
        lines.extend(_live_lines(running, s))
    unknown = _unknown_lines(origins, s)
    lines.extend(unknown)
    lines.append("")
    colour = {Verdict.INJECTED: s.green, Verdict.NOT_INJECTED: s.yellow, Verdict.REJECTED: s.red,
              Verdict.UNKNOWN: s.yellow}[expl.verdict]
    lines.append(s.bold("RESULT: ") + colour(expl.verdict.value.replace("-", " ").upper()) + f" — {words.decided(expl)}" +
                 s.dim(f"  [rule: {db.rule.value}]") + (s.yellow("  (incomplete: see Unknown above)") if unknown else ""))
    lines.append(s.dim(f"   about this rule: {rule_docs(db.rule)}"))
    return lines


def _unknown_lines(origins: Mapping[str, str], s: Style) -> List[str]:
    """Kinds the cluster would not let us read: what each leaves open, said before the RESULT it weakens."""
    refused = [(k, v) for k, v in origins.items() if v.startswith("unknown: ")]
    if not refused:
        return []
    from ..state.live import CONSEQUENCES

    lines = ["", s.bold("Unknown") + " (not readable with these credentials; the result assumes they are absent)"]
    for kind, origin in refused:
        why = origin[len("unknown: "):].rsplit(" (", 1)[0]
        lines.append("   " + s.yellow("? ") + f"{kind}: {why} — {CONSEQUENCES.get(kind, 'unknown')}")
    return lines


def _live_lines(live: Mapping[str, Any], s: Style) -> List[str]:
    """What the object's running pods have, and what differs from a pod created now (as `status` says it)."""
    pods = live.get("pods") or []
    with_sidecar = sum(1 for p in pods if p.get("sidecar"))
    lines = ["", s.bold("Running pods") + f" — {len(pods)}, {with_sidecar} with a sidecar"]
    for p in pods:
        what = f"sidecar {p.get('proxyImage')}, revision {p.get('revision') or '-'}" if p.get("sidecar") else "no sidecar"
        lines.append(f"   {p.get('name')}: {what}")
    for f in live.get("findings") or []:
        lines.append("   " + s.yellow("! ") + f"{f['code']}: {f['detail']}")
        lines.append(f"     fix: {f['fix']}")
        if f.get("docs"):
            lines.append(s.dim(f"     about {f['code']}: {f['docs']}"))
    return lines


def _live_origin(origins: Mapping[str, str]) -> str:
    """One line for a state read from a cluster: its context, and the kinds it could not read."""
    contexts = {v[len("live: "):] for v in origins.values() if v.startswith("live: ")}
    if len(contexts) != 1 or not all(v.startswith(("live: ", "unknown: ")) for v in origins.values()):
        return ""
    unknown = [f"{k} ({v[len('unknown: '):].rsplit(' (live: ', 1)[0]})" for k, v in origins.items()
               if v.startswith("unknown: ")]
    return f"cluster state: read live from context {contexts.pop()}" + (f"; unknown: {', '.join(unknown)}" if unknown else "")


def _webhook_reason(wh: WebhookResult) -> str:
    """The one line under a webhook saying why it was (not) called."""
    return words.one_line(_webhook_why(wh))


def _webhook_why(wh: WebhookResult) -> str:
    rule = wh.rule
    if wh.error:
        return f"request rejected: {wh.error}"
    if rule in (RuleId.CALLED, RuleId.REINVOCATION):
        return f"all selectors and rules match {EFFECTS.get(wh.effect, '')}".rstrip()
    predicate = PREDICATES.get(rule)
    check = next((c for c in wh.checks if c.predicate == predicate), None)
    if check is None:
        return rule.value
    whose = "namespace" if predicate == "namespaceSelector" else "pod"
    if predicate in ("namespaceSelector", "objectSelector"):
        failed = [c for c in check.children if c.outcome is not Outcome.MATCH]
        if failed:
            c = failed[0]
            return f"{predicate}: " + words.requirement(c.expected or {}, c.observed or {}, whose)
        return f"{predicate}: {check.message or 'no match'}"
    if predicate == "rules":
        observed = check.observed or {}
        return f"rules: no rule matches {observed.get('operation')} {observed.get('resource')}"
    return f"matchConditions: {check.message or None}"


def _policy_line(step: PolicyStep, call: PolicyCall, s: Style) -> str:
    rule = step.rule
    outcome = step.outcome
    label = POLICY_LABELS.get(rule, rule.value).ljust(36)
    inputs = step.inputs
    deciding = rule is call.decided_by
    if outcome is Outcome.NOT_EVALUATED:
        return s.dim(f"  {label} not reached")
    text = {
        RuleId.HOST_NETWORK: lambda: "hostNetwork: true" if outcome is Outcome.MATCH else "not set",
        RuleId.IGNORED_NAMESPACE: lambda: f"\"{inputs.get('namespace')}\" " + ("is ignored" if outcome is Outcome.MATCH else "is not ignored"),
        RuleId.INJECT_LABEL: lambda: "absent" if inputs.get("label") is None else f"\"{inputs.get('label')}\"" + ("" if inputs.get("valid") else " (invalid: ignored)"),
        RuleId.INJECT_ANNOTATION: lambda: ("absent" if inputs.get("annotation") is None else f"\"{inputs.get('annotation')}\"") +
        (" (overridden by the label)" if inputs.get("overriddenByLabel") else "") +
        ("" if inputs.get("valid", True) else " (invalid: ignored)"),
        RuleId.NEVER_INJECT_SELECTOR: lambda: _selector_text(inputs),
        RuleId.ALWAYS_INJECT_SELECTOR: lambda: _selector_text(inputs),
    }.get(rule, lambda: f"\"{inputs.get('policy')}\"" + (" → default applies" if inputs.get("useDefault") else _stands(call)))()
    if deciding:
        verdict = "inject" if step.inject else "do not inject"
        return s.bold(f"▶ {label} {text} → {verdict}")
    return f"  {label} {text}"


def _stands(call: PolicyCall) -> str:
    """The policy did not get a say: name what did (a selector of the configuration is no choice of the pod's)."""
    if call.decided_by in (RuleId.NEVER_INJECT_SELECTOR, RuleId.ALWAYS_INJECT_SELECTOR):
        return f" → {POLICY_LABELS[call.decided_by]} decided"
    return " → the pod's explicit choice stands"


def _selector_text(inputs: Mapping[str, Any]) -> str:
    if not inputs.get("selectors"):
        return "none configured"
    if inputs.get("matched") is not None:
        return f"entry {inputs['matched']} matches the pod's labels"
    return f"{inputs['selectors']} selector(s), none matches"


def _sanitize(value: Any) -> Any:
    """The explanation with every string from the user's input made safe for a terminal (codes are
    the project's own and stay as they are)."""
    t = type(value)
    if t is str:
        return clean(value)
    if isinstance(value, Frozen):
        return t._make(_sanitize(v) for v in value)
    if t is dict:
        return {clean(k) if isinstance(k, str) else k: _sanitize(v) for k, v in value.items()}
    if t is list or t is tuple:
        return t(_sanitize(v) for v in value)
    if isinstance(value, Enum):
        return value
    return value
