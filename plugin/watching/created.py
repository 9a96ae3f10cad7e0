"""A pod just created, held to the prediction for it: the `pod-created` line of `watch`.

What the injector was handed is not stored anywhere: the pod as the API server keeps it is the result of
injection. It is rebuilt as its creator sent it, in this order of faithfulness:

1. from its controller's pod template (ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController),
   which is what the controller sent: the spec exactly as written (the app's probes before Istio rewrote
   them, its own prometheus.io annotations before Istio merged them), with the pod's own metadata (labels
   and annotations the controller added, such as pod-template-hash or controller-revision-hash) minus what
   the injector added, restored to the template's values where the template had them. The template is only
   used when it still describes the pod (its containers are the pod's, less those the injector's
   `sidecar.istio.io/status` annotation lists): a rollout may have changed it since.
2. otherwise (a pod without a controller, a controller that cannot be read or has changed), from the pod
   itself, with what the injector's status annotation lists (containers, init containers, volumes) and the
   labels and annotations Istio adds taken off (plugin/workloads/pods.py `as_created`). Probes Istio
   rewrote stay rewritten; the verdict, the deciding rule, the revision and the image do not depend on them.

The prediction is the explain pipeline's (the in-tree admission plugins, then the webhooks), against the
live state as it was when the pod was created (plugin/state/mirror.py), and is compared with the pod on
what a user relies on: sidecar or none, the revision that injected it, the proxy image, and the layout
(native: istio-proxy an init container with restartPolicy Always, else a classic sidecar).
"""
from __future__ import annotations

import copy
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional, Tuple

from ..workloads.pods import INJECTED_ANNOTATIONS, INJECTED_LABELS, PROXY, as_created, injection_status, pod_facts

#: Controllers whose template is the pod they create (a Deployment creates ReplicaSets, a CronJob Jobs).
TEMPLATE_OWNERS = ("ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController")
#: Labels naming the template revision a pod was made from (a StatefulSet's or DaemonSet's rollout).
REVISION_LABELS = ("controller-revision-hash", "pod-template-hash", "pod-template-generation")


def owner_key(pod: Mapping[str, Any]) -> Optional[Tuple[str, str, str, str, str]]:
    """(kind, namespace, name, uid, template revision) of the pod's controller, when its template says what
    the pod was made of; None for a pod no such controller owns."""
    md = pod.get("metadata") or {}
    for ref in md.get("ownerReferences") or []:
        if isinstance(ref, dict) and ref.get("controller") and ref.get("kind") in TEMPLATE_OWNERS:
            labels = md.get("labels") or {}
            revision = ",".join(f"{k}={labels[k]}" for k in REVISION_LABELS if k in labels)
            return ref["kind"], md.get("namespace", ""), ref.get("name", ""), ref.get("uid", ""), revision
    return None


def pre_injection(pod: Mapping[str, Any], owner: Optional[Mapping[str, Any]]) -> Tuple[Dict[str, Any], str]:
    """(the pod as its creator sent it, where that came from: "template of ReplicaSet web-5f7d" or "the pod,
    less what the injector added")."""
    template = ((owner or {}).get("spec") or {}).get("template")
    if isinstance(template, dict) and _describes(template, pod):
        md = pod.get("metadata") or {}
        tmd = template.get("metadata") or {}
        meta: Dict[str, Any] = {"namespace": md.get("namespace", "")}
        if md.get("generateName"):          # the name is generated after admission: the webhook saw none
            meta["generateName"] = md["generateName"]
        else:
            meta["name"] = md.get("name", "")
        for field, injected in (("labels", INJECTED_LABELS), ("annotations", INJECTED_ANNOTATIONS)):
            kept = {k: v for k, v in (md.get(field) or {}).items() if k not in injected}
            kept.update({k: v for k, v in (tmd.get(field) or {}).items() if k in injected})
            if kept:
                meta[field] = kept
        if md.get("ownerReferences"):
            meta["ownerReferences"] = copy.deepcopy(md["ownerReferences"])
        obj = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": copy.deepcopy(template.get("spec") or {})}
        return obj, f"template of {owner.get('kind')} {(owner.get('metadata') or {}).get('name', '')}"
    return as_created(pod), "the pod, less what the injector added"


def _describes(template: Mapping[str, Any], pod: Mapping[str, Any]) -> bool:
    status = injection_status(pod)
    spec, tspec = pod.get("spec") or {}, template.get("spec") or {}
    for field in ("containers", "initContainers"):
        added = set(status.get(field) or [])
        have = [c.get("name") for c in spec.get(field) or [] if c.get("name") not in added]
        if have != [c.get("name") for c in tspec.get(field) or []]:
            return False
    return True


def layout(pod: Optional[Mapping[str, Any]]) -> Optional[str]:
    """native (istio-proxy an init container), classic, or None without a sidecar."""
    spec = (pod or {}).get("spec") or {}
    if any(c.get("name") == PROXY for c in spec.get("initContainers") or []):
        return "native"
    if any(c.get("name") == PROXY for c in spec.get("containers") or []):
        return "classic"
    return None


def expectation(explanation) -> Dict[str, Any]:
    """What the prediction promises about the pod: verdict, deciding rule (as explain -o json prints it),
    revision, proxy image, layout."""
    from ..workloads.assess import decided_by_data
    from ..workloads.findings import expected_of

    out = expected_of(explanation, decided_by_data(explanation))
    out["layout"] = layout(explanation.pod) if out["verdict"] == "injected" else None
    return out


def compare(expected: Mapping[str, Any], pod: Mapping[str, Any]) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
    """(what the pod has, the differences from what was predicted: [{field, predicted, observed}])."""
    observed = pod_facts(pod)
    observed["layout"] = layout(pod)
    del observed["name"]
    differences = []
    predicted_sidecar = expected.get("verdict") == "injected"
    if predicted_sidecar != observed["sidecar"]:
        differences.append({"field": "sidecar", "predicted": predicted_sidecar, "observed": observed["sidecar"]})
    elif predicted_sidecar:
        for field in ("revision", "proxyImage", "layout"):
            if expected.get(field) != observed[field]:
                differences.append({"field": field, "predicted": expected.get(field), "observed": observed[field]})
    return observed, differences


def pod_created(pod: Mapping[str, Any], owner: Optional[Mapping[str, Any]], predict) -> Dict[str, Any]:
    """The `pod-created` record. `predict(obj, namespace, version)` is the explanation for the rebuilt pod
    against the state at the pod's resourceVersion, or a string saying why there is none."""
    md = pod.get("metadata") or {}
    obj, source = pre_injection(pod, owner)
    ref = {"kind": "Pod", "name": md.get("name", ""), "namespace": md.get("namespace", ""), "uid": md.get("uid", "")}
    if owner is not None:
        omd = owner.get("metadata") or {}
        ref["owner"] = {"kind": owner.get("kind", ""), "name": omd.get("name", "")}
    explanation = predict(obj, ref["namespace"], md.get("resourceVersion"))
    record: Dict[str, Any] = {"event": "pod-created", "object": ref, "time": md.get("creationTimestamp"),
                              "from": source}
    if isinstance(explanation, str):
        observed, _ = compare({}, pod)
        record.update(verdict="unknown", decidedBy=None, agrees=None, expected=None, observed=observed,
                      differences=[], detail=explanation)
        return record
    expected = expectation(explanation)
    observed, differences = compare(expected, pod)
    record.update(verdict=expected["verdict"], decidedBy=expected["decidedBy"], agrees=not differences,
                  expected={k: expected[k] for k in ("revision", "proxyImage", "layout")}, observed=observed,
                  differences=differences, detail=_detail(expected, observed, differences))
    return record


def _detail(expected, observed, differences) -> str:
    if not differences:
        if observed["sidecar"]:
            return (f"injected as predicted: revision {observed['revision'] or '-'}, {observed['proxyImage']}, "
                    f"{observed['layout']} sidecar")
        return "no sidecar, as predicted"
    parts = []
    for d in differences:
        if d["field"] == "sidecar":
            parts.append("a sidecar was predicted and the pod has none" if d["predicted"] else
                         f"no sidecar was predicted and the pod has one ({observed['proxyImage']})")
        else:
            parts.append(f"{d['field']} predicted {d['predicted'] or '-'}, the pod has {d['observed'] or '-'}")
    return "; ".join(parts)
