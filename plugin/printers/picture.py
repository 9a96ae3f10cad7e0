"""What the pictures (`-o html`, `-o svg`) show of one explained object, as plain strings and flags.

Both pictures draw the same things - the admission chain, each webhook with the predicate that decided,
Istio's policy chain with its deciding step, what the templates added and the RESULT - so they are
picked out of the explanation once, here.  The sentences are the text printer's and words.py's (the
wording a learner sees is the same in every format); nothing here escapes markup: each picture escapes
every string it writes, because every string can hold a label, an annotation or a name from the input.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional, Tuple

from simulator.records import Frozen
from simulator.trace import Outcome, Stage, Verdict
from .docs import rule_docs, warning_docs
from .style import Style, clean
from . import text, words

PLAIN = Style(False)

#: The verdict -> (mark, words): never colour alone, the mark and the words say it too.
VERDICTS = {Verdict.INJECTED: ("✓", "INJECTED"), Verdict.NOT_INJECTED: ("✗", "NOT INJECTED"),
            Verdict.REJECTED: ("⛔", "REJECTED"), Verdict.UNKNOWN: ("?", "UNKNOWN")}


class ChainStep(Frozen):
    """One in-tree step before the webhooks (API defaulting, ServiceAccount, ...)."""

    plugin: str
    changed: Tuple[str, ...]
    skipped: Optional[str] = None
    rejected: Optional[str] = None


class WebhookRow(Frozen):
    webhook: str
    called: bool
    reason: str                      # the text printer's reason: the failing expression and the value seen
    predicate: str                   # which predicate decided: namespaceSelector, objectSelector, ... or "called"
    reinvoked: bool = False
    deciding: bool = False           # the webhook whose call decided the verdict


class WebhookGroup(Frozen):
    """One MutatingWebhookConfiguration and its webhooks, in the order kube-apiserver sorts them."""

    configuration: str
    webhooks: Tuple[WebhookRow, ...]


class PolicyRow(Frozen):
    label: str
    text: str
    outcome: str                     # the Outcome's value
    deciding: bool = False


class PolicyView(Frozen):
    title: str                       # injector, revision, policy, asking webhook
    steps: Tuple[PolicyRow, ...]


class TemplateView(Frozen):
    title: str
    added: Tuple[Tuple[str, Tuple[str, ...]], ...]   # (what, names) for each non-empty kind
    error: Optional[str] = None


class PodField(Frozen):
    """One part of the pod, before the webhooks and as admission stores it; `added`: what is new."""

    title: str
    before: Tuple[str, ...]
    after: Tuple[str, ...]
    added: Tuple[str, ...]


class ObjectView(Frozen):
    kind: str
    namespace: str
    name: str
    source: str
    state: str                       # where the cluster state came from, one line (may be empty)
    verdict: str                     # the Verdict's value
    mark: str
    verdict_words: str
    rule: str
    rule_docs: str                   # the upstream page that explains the rule
    result: str                      # the RESULT line's sentence
    namespace_labels: str
    pod_labels: str
    chain: Tuple[ChainStep, ...]
    groups: Tuple[WebhookGroup, ...]
    policies: Tuple[PolicyView, ...]
    templates: Tuple[TemplateView, ...]
    pod: Tuple[PodField, ...]
    warnings: Tuple[str, ...]
    warning_docs: Tuple[Tuple[str, str], ...]    # (code, upstream page) of each warning, in the same order
    hints: Tuple[str, ...]
    running: Tuple[str, ...]
    unknown: Tuple[str, ...]
    selected: bool                   # webhook selection ran (not rejected by an in-tree plugin first)


def views(items) -> List[ObjectView]:
    """The explained items' views, in input order (items that were not explained are left out)."""
    return [view(i) for i in items if i.explanation is not None]


def view(item) -> ObjectView:
    expl = item.explanation
    obj = expl.object
    doc = item.document
    source = clean(str(doc.file))
    if not (source.endswith(")") and " (live: " in source):
        source = f"{source}, document {doc.index}" + (f", item {doc.item}" if doc.item is not None else "")
    origins = {clean(k): clean(v) for k, v in (item.origins or {}).items()}
    mark, verdict_words = VERDICTS[expl.verdict]
    sel = expl.stage(Stage.WEBHOOK_SELECTION)
    return ObjectView(
        obj.kind, obj.namespace, obj.name, source, _state_line(origins), expl.verdict.value, mark, verdict_words,
        expl.decided_by.rule.value, rule_docs(expl.decided_by.rule), words.decided(expl),
        text._labels(sel.namespace_labels) if sel else "", (text._labels(sel.pod_labels) if sel.pod_labels else "(none)")
        if sel else "",
        _chain(expl), _groups(expl, sel), _policies(expl), _templates(expl), _pod(expl),
        tuple(words.warning(w) for w in expl.warnings),
        tuple((w.code.value, warning_docs(w.code)) for w in expl.warnings), tuple(words.hint(h, obj.kind) for h in expl.hints),
        _running(getattr(item, "live", None)), tuple(ln.strip() for ln in text._unknown_lines(origins, PLAIN)[2:]),
        sel is not None)


def _state_line(origins: Mapping[str, str]) -> str:
    given = {k: v for k, v in origins.items() if v != "embedded default"}
    live = text._live_origin(given)
    if live or not given:
        return live or ("cluster state: the embedded default" if origins else "")
    return "cluster state: " + "; ".join(f"{k} from {v}" for k, v in given.items())


def _chain(expl) -> Tuple[ChainStep, ...]:
    chain = expl.stage(Stage.ADMISSION_CHAIN)
    if chain is None:
        return ()
    return tuple(ChainStep(s.plugin, s.changed, s.skipped, s.rejected.message if s.rejected else None)
                 for s in chain.steps if s.plugin != "Decode")


def _groups(expl, sel) -> Tuple[WebhookGroup, ...]:
    if sel is None:
        return ()
    db = expl.decided_by
    groups: Dict[str, List[WebhookRow]] = {}
    for wh in sel.webhooks:
        predicate = "called" if wh.called else text.PREDICATES.get(wh.rule, wh.rule.value)
        deciding = wh.webhook == db.webhook and wh.configuration == db.configuration and wh.called
        groups.setdefault(wh.configuration, []).append(
            WebhookRow(wh.webhook, wh.called, text._webhook_reason(wh), predicate, bool(wh.round), deciding))
    return tuple(WebhookGroup(c, tuple(rows)) for c, rows in groups.items())


def _calls(expl, stage: Stage):
    """The injector calls a stage recorded, in call order (none when the stage did not run)."""
    record = expl.stage(stage)
    return record.calls if record is not None else ()


def _policies(expl) -> Tuple[PolicyView, ...]:
    return tuple(PolicyView(f"{call.injector} (revision {call.revision}, policy: {call.policy or '(unset)'}), "
                            f"asked by {call.webhook}", tuple(_policy_row(step, call) for step in call.steps))
                 for call in _calls(expl, Stage.POLICY))


def _policy_row(step, call) -> PolicyRow:
    """The text printer's policy line, split into its label and what the step found."""
    label = text.POLICY_LABELS.get(step.rule, step.rule.value)
    line = text._policy_line(step, call, PLAIN)[2:]     # past "▶ " or "  "
    found = line[len(label.ljust(36)):].strip() if line.startswith(label) else line.strip()
    return PolicyRow(label, found, step.outcome.value, step.rule is call.decided_by and
                     step.outcome is not Outcome.NOT_EVALUATED)


def _templates(expl) -> Tuple[TemplateView, ...]:
    return tuple(_template(call) for call in _calls(expl, Stage.TEMPLATE))


def _template(call) -> TemplateView:
    if call.failed:
        return TemplateView(f"from {call.webhook}", (), call.error)
    added = tuple((title, getattr(call.added, field)) for field, title in text.ADDED if getattr(call.added, field))
    return TemplateView(f"{', '.join(call.templates)} ({call.engine}), from {call.webhook}", added)


POD_FIELDS = (("init containers", ("spec", "initContainers")), ("containers", ("spec", "containers")),
              ("volumes", ("spec", "volumes")), ("annotations", ("metadata", "annotations")),
              ("labels", ("metadata", "labels")))


def _pod(expl) -> Tuple[PodField, ...]:
    """The pod the webhooks received beside the pod admission stores: names of containers and volumes,
    keys of annotations and labels (with their values), what is new marked."""
    before, after = expl.original_pod, expl.pod
    if before is None or after is None:
        return ()
    return tuple(PodField(title, b, a, tuple(x for x in a if x not in b))
                 for title, path in POD_FIELDS
                 for b, a in [(_names(before, path), _names(after, path))] if a or b)


def _names(pod: Mapping[str, Any], path) -> Tuple[str, ...]:
    value = (pod.get(path[0]) or {}).get(path[1]) or ()
    if isinstance(value, dict):
        return tuple(f"{k}={_short(v)}" for k, v in value.items())
    return tuple(str(v.get("name")) for v in value if isinstance(v, dict))


def _short(value: Any, limit: int = 60) -> str:
    s = str(value)
    return s if len(s) <= limit else s[:limit - 1] + "…"


def _running(live) -> Tuple[str, ...]:
    if live is None:
        return ()
    lines = [ln.strip() for ln in text._live_lines(live, PLAIN)[1:]]      # past the blank line
    return (lines[0].replace("Running pods — ", "", 1),) + tuple(lines[1:])  # the heading says "Running pods"
