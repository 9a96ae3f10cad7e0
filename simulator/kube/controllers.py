"""What the controller of a workload puts on a pod it creates from the pod template, so that the webhooks see
the pod the cluster would send them, not the bare template.

kube-controller-manager (pkg/controller/controller_utils.go GetPodFromTemplate, and each controller) gives the
pod one ownerReference to the object that creates it, with `controller: true` and `blockOwnerDeletion: true`,
and names it from that owner:

| workload | the pod's controller (ownerReference) | name | labels the controller adds |
|---|---|---|---|
| Deployment | ReplicaSet `NAME-HASH` (apps/v1) | generateName `NAME-HASH-` | `pod-template-hash: HASH` |
| ReplicaSet, ReplicationController, DaemonSet | the object itself | generateName `NAME-` | DaemonSet: `controller-revision-hash`, `pod-template-generation` |
| StatefulSet | the object itself | `NAME-0`, and generateName `NAME-` | `controller-revision-hash: NAME-HASH`, `statefulset.kubernetes.io/pod-name`, `apps.kubernetes.io/pod-index` |
| Job | the object itself (batch/v1) | generateName `NAME-` | `batch.kubernetes.io/controller-uid`, `batch.kubernetes.io/job-name`, `controller-uid`, `job-name`; the finalizer `batch.kubernetes.io/job-tracking` |
| CronJob | its Job `NAME-MINUTES` (batch/v1) | generateName `NAME-MINUTES-` | those of its Job |

(Read from the pods kube-controller-manager 1.37 made in tests/live/test_controller_pods.py.)

This is what Istio's injector reads to name the workload (kube.GetDeployMetaFromPod: a ReplicaSet whose name
ends in the pod-template-hash is a Deployment, a Job named `-\\d{8,10}` a CronJob): ISTIO_META_WORKLOAD_NAME and
ISTIO_META_OWNER in its template, and webhook objectSelectors may select on these labels.

Stand-ins, because they cannot be known offline: HASH is the shape of kube-controller-manager's (fnv32a
safe-encoded, 8-10 characters of `bcdfghjklmnpqrstvwxz2456789`) computed from the template's JSON, not from the
Go struct kcm hashes, so not the same value; a CronJob's Job is named after a fixed time; unknown UIDs are
derived from the owner's name. No Istio output depends on those values, only on their shape.
"""
from __future__ import annotations

import json
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Mapping, Optional, Tuple

_SAFE = "bcdfghjklmnpqrstvwxz2456789"         # k8s.io/apimachinery/pkg/util/rand SafeEncodeString
#: a CronJob's Job is NAME-<scheduled time in minutes since the epoch>; this one is 2025-04-10 13:20 UTC
CRONJOB_MINUTES = "29071520"
JOB_FINALIZER = "batch.kubernetes.io/job-tracking"
_OWNED_DIRECTLY = {"ReplicaSet": "apps/v1", "DaemonSet": "apps/v1", "StatefulSet": "apps/v1",
                   "ReplicationController": "v1", "Job": "batch/v1"}


def template_hash(template: Any) -> str:
    """kube-controller-manager's hash shape: fnv32a, its decimal digits safe-encoded."""
    h = 0x811C9DC5
    for byte in json.dumps(template, sort_keys=True, separators=(",", ":"), default=str).encode():
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return "".join(_SAFE[ord(c) % len(_SAFE)] for c in str(h))


def _uid(kind: str, namespace: str, name: str, given: Any = None) -> str:
    if isinstance(given, str) and given:
        return given
    digits = template_hash([kind, namespace, name]) * 4
    hexed = "".join(format(ord(c) % 16, "x") for c in digits)[:32].ljust(32, "0")
    return f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:32]}"


def controller_of_pod(obj: Mapping[str, Any], namespace: str) -> Optional[Tuple[Dict[str, Any], str, Dict[str, str]]]:
    """(the pod's ownerReference, its generateName or name, the labels the controller adds) for a pod created by
    `obj`'s controller; None for a kind no built-in controller creates pods for (a Pod, a CRD)."""
    kind = obj.get("kind")
    md = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    name = md.get("name") if isinstance(md.get("name"), str) else ""
    if kind not in _OWNED_DIRECTLY and kind not in ("Deployment", "CronJob") or not name:
        return None
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    labels: Dict[str, str] = {}
    if kind == "Deployment":
        pod_hash = template_hash(spec.get("template"))
        owner_kind, owner_api, owner_name, owner_uid = "ReplicaSet", "apps/v1", f"{name}-{pod_hash}", None
        labels["pod-template-hash"] = pod_hash
        generate = f"{owner_name}-"
    elif kind == "CronJob":
        owner_kind, owner_api, owner_name, owner_uid = "Job", "batch/v1", f"{name}-{CRONJOB_MINUTES}", None
        generate = f"{owner_name}-"
    else:
        owner_kind, owner_api, owner_name, owner_uid = kind, _OWNED_DIRECTLY[kind], name, md.get("uid")
        generate = f"{name}-"
    uid = _uid(owner_kind, namespace, owner_name, owner_uid)
    if kind == "DaemonSet":
        labels["controller-revision-hash"] = template_hash(spec.get("template"))
        labels["pod-template-generation"] = str(md.get("generation") or 1)
    elif kind == "StatefulSet":
        labels.update({"controller-revision-hash": f"{name}-{template_hash(spec.get('template'))}",
                       "statefulset.kubernetes.io/pod-name": f"{name}-0", "apps.kubernetes.io/pod-index": "0"})
    elif owner_kind == "Job":
        labels.update({"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": owner_name,
                       "controller-uid": uid, "job-name": owner_name})
    ref = {"apiVersion": owner_api, "kind": owner_kind, "name": owner_name, "uid": uid, "controller": True,
           "blockOwnerDeletion": True}
    return ref, generate, labels


def as_controller_creates(obj: Mapping[str, Any], pod: Dict[str, Any], namespace: str) -> Dict[str, Any]:
    """`pod` (objects.pod_for of a workload) as its controller would create it: ownerReferences, name or
    generateName, and the controller's labels (they replace a template label of the same key, as the
    controllers set them). A template that names its pod or has an owner is left alone."""
    found = controller_of_pod(obj, namespace)
    md = pod.get("metadata")
    if found is None or not isinstance(md, dict) or md.get("ownerReferences") or md.get("name"):
        return pod
    ref, name, labels = found
    md = dict(md)
    md["ownerReferences"] = [ref]
    md["generateName"] = name
    if obj.get("kind") == "StatefulSet":
        md["name"] = labels["statefulset.kubernetes.io/pod-name"]
    md["labels"] = {**(md.get("labels") or {}), **labels}
    if ref["kind"] == "Job" and JOB_FINALIZER not in (md.get("finalizers") or []):
        md["finalizers"] = list(md.get("finalizers") or []) + [JOB_FINALIZER]
    pod = dict(pod)
    pod["metadata"] = md
    return pod
