"""What would change the outcome, found by simulating the change — never by guessing.

For a pod that would go without a sidecar, each candidate change (a namespace label, a pod label,
removing an opt-out) is run through the same pipeline; only changes that really flip the verdict
become hints. The printers turn them into advice such as a `kubectl label` command.
"""
from __future__ import annotations

import copy
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

    from .state import ClusterState
    from .trace import Explanation

    Trial = Callable[[Mapping[str, Any], str, Any], Explanation]

from .errors import SimulatorError
from .istio.installed import INJECTION_LABEL, REV_LABEL, installed
from .istio.revision import injector_revision, is_istio_injector
from .kube.objects import pod_template_path
from .istio.policy import INJECT_KEY
from .records import Frozen
from .trace import Hint, HintKind, RuleId, Verdict


class _Change(Frozen):
    """A change to try: a label on the namespace or the pod, or an opt-out removed."""

    kind: HintKind
    key: str
    value: Optional[str] = None
    remove: Tuple[str, ...] = ()     # namespace labels removed by the same change


def _with_pod_metadata(obj: Mapping[str, Any], key: str, value: Optional[str], where: str = "labels") -> Dict[str, Any]:
    out = copy.deepcopy(dict(obj))
    target = out
    path = pod_template_path(out.get("kind")) if out.get("kind") != "Pod" else ()
    for k in path or ():
        target = target.setdefault(k, {})
    md = target.setdefault("metadata", {}) or {}
    target["metadata"] = md
    values = md.setdefault(where, {}) or {}
    md[where] = values
    if value is None:
        values.pop(key, None)
    else:
        values[key] = value
    return out


def candidates(rule: RuleId, cluster: ClusterState, ns_labels: Optional[Mapping[str, str]] = None) -> List[_Change]:
    """The changes that could undo what `rule` decided for a pod left without a sidecar.

    The namespace's two injection labels exclude each other in Istio's webhooks (W1/W2 need
    `istio-injection` absent; `istio-injection=enabled` wins over `istio.io/rev`), so a change that sets
    one removes the other rather than leaving both.  `istio.io/rev` is tried with every installed
    revision and tag; `default` only when the namespace already uses `istio.io/rev` or nothing
    selects `istio-injection=enabled` (otherwise `istio-injection=enabled` is the usual advice)."""
    ns_labels = ns_labels or {}
    if rule is RuleId.NO_MATCHING_WEBHOOK:
        inst = installed(cluster.webhooks())
        revisions = sorted({injector_revision(r) for r in cluster.webhooks() if is_istio_injector(r)} - {"default"})
        values = revisions + [v for v in inst.rev_values if v not in revisions and v != "default"]
        if "default" in inst.rev_values and (REV_LABEL in ns_labels or "enabled" not in inst.injection_values):
            values.insert(0, "default")
        drop_rev = (REV_LABEL,) if REV_LABEL in ns_labels else ()
        drop_injection = (INJECTION_LABEL,) if INJECTION_LABEL in ns_labels else ()
        return ([_Change(HintKind.NAMESPACE_LABEL, INJECTION_LABEL, "enabled", drop_rev)] +
                [_Change(HintKind.NAMESPACE_LABEL, REV_LABEL, rev, drop_injection) for rev in values] +
                [_Change(HintKind.POD_LABEL, INJECT_KEY, "true")])
    if rule in (RuleId.INJECT_LABEL, RuleId.OPT_OUT_LABEL):
        return [_Change(HintKind.REMOVE_POD_LABEL, INJECT_KEY)]
    if rule is RuleId.INJECT_ANNOTATION:
        return [_Change(HintKind.REMOVE_POD_ANNOTATION, INJECT_KEY)]
    if rule in (RuleId.POLICY_DISABLED, RuleId.NEVER_INJECT_SELECTOR):
        return [_Change(HintKind.POD_LABEL, INJECT_KEY, "true")]
    return []


def find_hints(obj: Mapping[str, Any], namespace: str, cluster: ClusterState, options, rule: RuleId,
               explain: Trial, ns_labels: Optional[Mapping[str, str]] = None) -> Tuple[Hint, ...]:
    """The changes that would inject a pod the pipeline left without a sidecar by `rule`.

    `explain(object, namespace, options)` runs one trial through the pipeline with the same state: passed
    in rather than imported, so this module never imports the pipeline.  A trial can fail only the way
    the first run could (SimulatorError: the object cannot be made a pod request); such a change is no
    hint.  Anything else is a bug, and is raised."""
    labels = dict(options.namespace_labels or {})
    plain = options.replace(hints=False, manifest=False)   # trials never look for hints
    hints = []
    for c in candidates(rule, cluster, ns_labels):
        trial_obj, trial_opts = obj, plain
        if c.kind is HintKind.NAMESPACE_LABEL:
            trial_opts = plain.replace(namespace_labels={**labels, **{k: None for k in c.remove}, c.key: c.value})
        elif c.kind is HintKind.POD_LABEL:
            trial_obj = _with_pod_metadata(obj, c.key, c.value)
        elif c.kind is HintKind.REMOVE_POD_LABEL:
            trial_obj = _with_pod_metadata(obj, c.key, None)
        elif c.kind is HintKind.REMOVE_POD_ANNOTATION:
            trial_obj = _with_pod_metadata(obj, c.key, None, "annotations")
        try:
            trial = explain(trial_obj, namespace, trial_opts)
        except SimulatorError:
            continue
        if trial.verdict is Verdict.INJECTED:
            hints.append(Hint(c.kind, c.key, c.value, namespace=namespace, result=trial.verdict,
                              webhook=trial.decided_by.webhook, rule=trial.decided_by.rule, remove=c.remove))
    return tuple(hints)
