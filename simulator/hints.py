"""What would change the outcome, found by simulating the change — never by guessing.

For a pod that would go without a sidecar, each candidate change (a namespace label, a pod label,
removing an opt-out) is run through the same pipeline; only changes that really flip the verdict
become hints. The printers turn them into advice such as a `kubectl label` command.
"""
from __future__ import annotations

import copy
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, List, Mapping, Optional

    from .state import ClusterState
    from .trace import Explanation

    Trial = Callable[[Mapping[str, Any], str, Any], Explanation]

from .istio.revision import injector_revision, is_istio_injector
from .kube.objects import pod_template_path
from .istio.policy import INJECT_KEY
from .trace import RuleId, Verdict


def _with_pod_label(obj: Mapping[str, Any], key: str, value: Optional[str], where: str = "labels") -> Dict[str, Any]:
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


def find_hints(obj: Mapping[str, Any], namespace: str, cluster: ClusterState, options, explanation,
               explain: Trial) -> List[Dict[str, Any]]:
    """`explain(object, namespace, options)` runs one trial through the pipeline (pipeline.explain, with the
    same state and cache): passed in rather than imported, so hints never import the pipeline."""
    if explanation.verdict is not Verdict.NOT_INJECTED:
        return []
    rule = explanation.decided_by.rule
    labels = dict(options.namespace_labels or {})
    candidates: List[Dict[str, Any]] = []
    if rule is RuleId.NO_MATCHING_WEBHOOK:
        candidates.append({"kind": "namespace-label", "key": "istio-injection", "value": "enabled"})
        revisions = sorted({injector_revision(r) for r in cluster.webhooks() if is_istio_injector(r)} - {"default"})
        for rev in revisions:
            candidates.append({"kind": "namespace-label", "key": "istio.io/rev", "value": rev})
        candidates.append({"kind": "pod-label", "key": INJECT_KEY, "value": "true"})
    elif rule is RuleId.INJECT_LABEL:
        candidates.append({"kind": "remove-pod-label", "key": INJECT_KEY})
    elif rule is RuleId.INJECT_ANNOTATION:
        candidates.append({"kind": "remove-pod-annotation", "key": INJECT_KEY})
    elif rule in (RuleId.POLICY_DISABLED, RuleId.NEVER_INJECT_SELECTOR):
        candidates.append({"kind": "pod-label", "key": INJECT_KEY, "value": "true"})
    hints = []
    plain = options.replace(hints=False, manifest=False)   # trials never look for hints
    for c in candidates:
        trial_obj, trial_opts = obj, plain
        if c["kind"] == "namespace-label":
            trial_opts = plain.replace(namespace_labels={**labels, c["key"]: c["value"]})
        elif c["kind"] == "pod-label":
            trial_obj = _with_pod_label(obj, c["key"], c["value"])
        elif c["kind"] == "remove-pod-label":
            trial_obj = _with_pod_label(obj, c["key"], None)
        elif c["kind"] == "remove-pod-annotation":
            trial_obj = _with_pod_label(obj, c["key"], None, "annotations")
        try:
            trial = explain(trial_obj, namespace, trial_opts)
        except Exception:  # a hint is advice; a failed trial just yields no hint
            continue
        if trial.verdict is Verdict.INJECTED:
            hints.append({**c, "namespace": namespace, "result": trial.verdict.value,
                          "webhook": trial.decided_by.webhook, "rule": trial.decided_by.rule.value})
    return hints
