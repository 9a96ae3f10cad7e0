"""The classic mistakes a learner makes around the injector, found in what the pipeline saw.

None of these decides the verdict (except the opt-out label, which names the rule that really kept
every injector away); each is a `WarningNote` telling what Istio does with the input and why, so that
the advice printed next to it is never wrong:

- revision labels: `istio.io/rev` naming nothing installed, `istio-injection=enabled` with no default
  revision or `default` tag to serve it (chart: only those have the `namespace.` webhook), a pod's
  `istio.io/rev` that loses to the namespace's label (W2 needs both namespace labels absent);
- the opt-in annotation that webhook selection cannot see (objectSelectors read labels only);
- ambient namespaces (`istio.io/dataplane-mode=ambient`): the injector never reads that label, so a
  sidecar would still be added, and a pod with a sidecar is left to its sidecar, not to ztunnel;
- Job pods whose classic (non-native) sidecar keeps running after the job's containers exit;
- pods injected before (`sidecar.istio.io/status`), which the injector injects again.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional, Sequence

    from .istio.installed import Installed
    from .trace import WebhookResult

from .depth import json_loads
from .istio.installed import INJECTION_LABEL, REV_LABEL, summary
from .istio.policy import INJECT_KEY
from .istio.revision import INJECTOR_SUFFIX
from .kube.objects import annotations_of, labels_of
from .trace import Outcome, RuleId, Verdict, WarningCode, WarningNote

STATUS_ANNOTATION = "sidecar.istio.io/status"
DATAPLANE_MODE = "istio.io/dataplane-mode"
PROXY = "istio-proxy"
JOB_KINDS = ("Job", "CronJob")


def opted_out_by_label(results: Sequence[WebhookResult], pod_labels: Mapping[str, str]) -> List[str]:
    """The injector webhooks that the pod label sidecar.istio.io/inject=false alone kept from being called:
    their namespaceSelector held and their objectSelector failed only on `sidecar.istio.io/inject NotIn
    ["false"]` (every chart webhook has it)."""
    if pod_labels.get(INJECT_KEY) != "false":
        return []
    out = []
    for wr in results:
        if wr.called or wr.rule is not RuleId.OBJECT_SELECTOR or not wr.webhook.endswith(INJECTOR_SUFFIX):
            continue
        check = next((c for c in wr.checks if c.predicate == "objectSelector"), None)
        failed = [c for c in (check.children if check is not None else ()) if c.outcome is not Outcome.MATCH]
        if failed and all(isinstance(c.expected, dict) and c.expected.get("key") == INJECT_KEY and
                          c.expected.get("operator") == "NotIn" for c in failed):
            out.append(wr.webhook)
    return out


def revision_warnings(namespace: str, ns_labels: Mapping[str, str], pod_labels: Mapping[str, str],
                      inst: Installed, revision: Optional[str]) -> List[WarningNote]:
    """`revision`: the revision of the injector that decided, when one was called."""
    out = []
    installed = summary(inst)
    ns_rev = ns_labels.get(REV_LABEL)
    injection = ns_labels.get(INJECTION_LABEL)
    if ns_rev is not None and ns_rev not in inst.rev_values and (inst.revisions or inst.tags):
        detail = {"namespace": namespace, "label": REV_LABEL, "value": ns_rev, "installed": installed}
        if injection is not None:       # that label is what selects here: the revision label only misleads
            detail["injectionLabel"] = injection
        out.append(WarningNote(WarningCode.REVISION_NOT_INSTALLED, detail))
    if injection == "enabled" and "enabled" not in inst.injection_values and (inst.revisions or inst.tags):
        out.append(WarningNote(WarningCode.INJECTION_LABEL_UNSERVED,
                               {"namespace": namespace, "label": INJECTION_LABEL, "value": injection,
                                "installed": installed, "use": [v for v in inst.rev_values]}))
    pod_rev = pod_labels.get(REV_LABEL)
    if pod_rev is not None:
        winner = (f"{INJECTION_LABEL}={injection}" if injection is not None else
                  f"{REV_LABEL}={ns_rev}" if ns_rev is not None and
                  inst.tags.get(ns_rev, ns_rev) != inst.tags.get(pod_rev, pod_rev) else None)
        if winner is not None:
            out.append(WarningNote(WarningCode.POD_REVISION_IGNORED,
                                   {"namespace": namespace, "value": pod_rev, "namespaceLabel": winner,
                                    "revision": revision, "installed": installed,
                                    "valueInstalled": pod_rev in inst.rev_values}))
    return out


def opt_in_annotation(pod: Mapping[str, Any]) -> List[WarningNote]:
    """For a pod no webhook was called for: its opt-in annotation, which selection cannot see."""
    annotations = annotations_of(pod)
    if INJECT_KEY in labels_of(pod) or annotations.get(INJECT_KEY) != "true":
        return []
    return [WarningNote(WarningCode.INJECT_ANNOTATION_NOT_SELECTED, {"key": INJECT_KEY, "value": "true"})]


def is_ambient(ns_labels: Mapping[str, str], pod: Mapping[str, Any]) -> bool:
    """The pod is enrolled in ambient mode: its namespace is labelled ambient and the pod does not opt
    out with `istio.io/dataplane-mode=none` (or name another mode itself)."""
    own = labels_of(pod).get(DATAPLANE_MODE)
    return (own or ns_labels.get(DATAPLANE_MODE)) == "ambient"


def ambient_warning(namespace: str, verdict: Verdict) -> WarningNote:
    return WarningNote(WarningCode.AMBIENT_NAMESPACE, {"namespace": namespace, "label": DATAPLANE_MODE,
                                                       "value": "ambient", "sidecar": verdict is Verdict.INJECTED})


def _proxy(spec: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    for field in ("containers", "initContainers"):
        containers = spec.get(field) if isinstance(spec, dict) else None
        for c in containers if isinstance(containers, list) else []:
            if isinstance(c, dict) and c.get("name") == PROXY:
                return {"field": field, "image": c.get("image"), "restartPolicy": c.get("restartPolicy")}
    return None


def _owned_by_job(pod: Mapping[str, Any]) -> bool:
    refs = (pod.get("metadata") or {}).get("ownerReferences")
    return isinstance(refs, list) and any(isinstance(r, dict) and r.get("kind") == "Job" for r in refs)


def job_warning(kind: str, pod: Mapping[str, Any], final: Mapping[str, Any]) -> List[WarningNote]:
    """A Job's pod completes only when all its containers exit; a classic istio-proxy container does not.
    A native sidecar (an init container with restartPolicy Always) is stopped by the kubelet instead."""
    if kind not in JOB_KINDS and not (kind == "Pod" and _owned_by_job(pod)):
        return []
    proxy = _proxy(final.get("spec"))
    if proxy is None or proxy["field"] != "containers":
        return []
    return [WarningNote(WarningCode.JOB_SIDECAR_BLOCKS_COMPLETION, {"kind": kind, "container": PROXY})]


def already_injected(pod: Mapping[str, Any], final: Mapping[str, Any], verdict: Verdict,
                     revision: Optional[str]) -> List[WarningNote]:
    """A pod that carries the status annotation of an earlier injection (copied from a running pod, or
    the output of `istioctl kube-inject`): what it had, and what this injector does with it."""
    raw = annotations_of(pod).get(STATUS_ANNOTATION)
    if raw is None:
        return []
    try:
        status = json_loads(raw)
    except ValueError:
        status = None
    status = status if isinstance(status, dict) else {}
    before = _proxy(pod.get("spec")) or {}
    after = _proxy(final.get("spec")) if verdict is Verdict.INJECTED else None
    lists = [status.get(f) for f in ("initContainers", "containers")]
    injected = [n for names in lists if isinstance(names, list) for n in names if isinstance(n, str)]
    return [WarningNote(WarningCode.ALREADY_INJECTED, {
        "previousRevision": status.get("revision") if isinstance(status.get("revision"), str) else None,
        "previousImage": before.get("image"), "injected": injected,
        "revision": revision if verdict is Verdict.INJECTED else None,
        "image": (after or {}).get("image"), "reinjected": verdict is Verdict.INJECTED})]
