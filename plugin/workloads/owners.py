"""Pods grouped by their top-level controller, as `kubectl rollout` thinks of them: Pod → ReplicaSet →
Deployment; Pod → Job → CronJob; StatefulSet, DaemonSet, ReplicationController; a pod without a controller
is its own workload (kind Pod). Owners are followed through the objects read (never one request per pod);
an owner that was not read (unknown kind, or RBAC) ends the chain where it is named.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional, Tuple

from simulator.records import Record

Key = tuple   # (kind, namespace, name)


class Workload(Record):
    """One row of `status`: the top-level controller, its object when it was read, the object whose pod
    template says what a new pod gets (the controller, else the nearest owner read, else the pod), its pods
    and its controllers' FailedCreate events."""

    _fields = ("kind", "name", "namespace", "obj", "template_source", "pods", "events", "chain")

    def __init__(self, kind: str, name: str, namespace: str, obj: Optional[Dict[str, Any]] = None,
                 template_source: Optional[Dict[str, Any]] = None, pods: Optional[List[Dict[str, Any]]] = None,
                 events: Optional[List[Dict[str, Any]]] = None, chain: Optional[List[Key]] = None):
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.obj = obj
        self.template_source = template_source
        self.pods = pods if pods is not None else []
        self.events = events if events is not None else []
        self.chain = chain if chain is not None else []     # the controllers between the pods and the top

    @property
    def key(self) -> Key:
        return (self.kind, self.namespace, self.name)

    def ref(self) -> Dict[str, str]:
        return {"kind": self.kind, "name": self.name, "namespace": self.namespace}


def controller_of(obj: Mapping[str, Any]) -> Optional[Tuple[str, str]]:
    """(kind, name) of the ownerReference marked controller (there is at most one)."""
    for ref in ((obj.get("metadata") or {}).get("ownerReferences") or []):
        if isinstance(ref, dict) and ref.get("controller"):
            return ref.get("kind", ""), ref.get("name", "")
    return None


def top_level(obj: Mapping[str, Any], namespace: str, objects: Mapping[Key, Dict[str, Any]],
              memo: Optional[Dict[Key, tuple]] = None):
    """(key of the top-level controller, its object or None, the chain of keys below it, the nearest object read
    that has a pod template). `memo`: pods of one controller share the walk above it (5,000 pods, 500 walks)."""
    owner = controller_of(obj) if memo is not None and obj.get("kind", "Pod") == "Pod" else None
    if owner is not None:
        owner_key = (owner[0], namespace, owner[1])
        hit = memo.get(owner_key)
        pod_key = ("Pod", namespace, (obj.get("metadata") or {}).get("name", ""))
        if hit is None:
            hit = memo[owner_key] = _walk(obj, namespace, objects)
            return hit
        return hit[0], hit[1], [pod_key] + hit[2][1:], hit[3]
    return _walk(obj, namespace, objects)


def _walk(obj: Mapping[str, Any], namespace: str, objects: Mapping[Key, Dict[str, Any]]):
    chain: List[Key] = []
    current = obj
    template = obj if obj.get("kind") != "Pod" and has_template(obj) else None
    key = (obj.get("kind", "Pod"), namespace, (obj.get("metadata") or {}).get("name", ""))
    seen = {key}
    while True:
        owner = controller_of(current)
        if owner is None:
            return key, (current if current is not obj else obj), chain, template
        owner_key = (owner[0], namespace, owner[1])
        if owner_key in seen:       # a loop of ownerReferences: stop where it closes
            return key, current, chain, template
        seen.add(owner_key)
        chain.append(key)
        key = owner_key
        nxt = objects.get(owner_key)
        if nxt is None:
            return key, None, chain, template
        if (nxt.get("spec") or {}).get("template") is not None or (nxt.get("spec") or {}).get("jobTemplate"):
            template = nxt
        current = nxt


def group(pods: List[Dict[str, Any]], controllers: Mapping[Key, Dict[str, Any]],
          events: List[Dict[str, Any]] = ()) -> List[Workload]:
    """Workloads from pods (and from FailedCreate events of controllers whose pods were never created), in
    namespace, kind, name order."""
    out: Dict[Key, Workload] = {}
    memo: Dict[Key, tuple] = {}

    def workload_for(obj: Dict[str, Any], namespace: str) -> Workload:
        key, top, chain, template = top_level(obj, namespace, controllers, memo)
        w = out.get(key)
        if w is None:
            w = out[key] = Workload(key[0], key[2], namespace, top, None, chain=chain)
        source = top if top is not None and top is not obj and has_template(top) else template
        if w.template_source is None:
            w.template_source = source
        return w

    for pod in pods:
        ns = (pod.get("metadata") or {}).get("namespace", "")
        w = workload_for(pod, ns)
        w.pods.append(pod)
    for event in events:
        involved = event.get("involvedObject") or {}
        ns = involved.get("namespace") or (event.get("metadata") or {}).get("namespace", "")
        key = (involved.get("kind", ""), ns, involved.get("name", ""))
        obj = controllers.get(key) or {"kind": key[0], "metadata": {"name": key[2], "namespace": ns}}
        workload_for(obj, ns).events.append(event)
    return [out[k] for k in sorted(out, key=lambda k: (k[1], k[0], k[2]))]


def has_template(obj: Mapping[str, Any]) -> bool:
    spec = obj.get("spec") or {}
    return spec.get("template") is not None or spec.get("jobTemplate") is not None
