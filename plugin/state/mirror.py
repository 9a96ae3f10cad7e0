"""The live state explain reads (plugin/state/live.py), kept current by watches for a command that runs for
hours (`watch`): a prediction against yesterday's namespace labels or injector ConfigMap would be wrong.

The same kinds as `read_state`, in the same shape (managedFields dropped, Nodes kept to their kubelet
version, only the injector and mesh ConfigMaps of the control-plane namespaces), each listed once and then
followed by a watch. Every change that can alter a prediction makes a new snapshot, stamped with the
resourceVersion of the change; changes that cannot (a Node's heartbeat, istiod's leader-election
ConfigMaps, a resourceVersion bump) make none. Snapshots are kept a little while, so that a pod is
predicted against the state as it was when the pod was created (`state_at(pod's resourceVersion)`), even
when the watch of pods lags behind the watch of namespaces. resourceVersions are compared as numbers, which
is what etcd-backed API servers hand out; one that is not a number means "the newest state".
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..kube import resources as r
from .live import CONSEQUENCES, LiveState, control_plane_namespaces, injector_configmaps, kubelet_only, tidy

#: Kinds read cluster-wide, and kinds read in the namespaces watched (all of them with -A).
CLUSTER_KINDS = (r.NAMESPACES, r.MUTATINGWEBHOOKCONFIGURATIONS, r.NODES, r.PRIORITYCLASSES, r.RUNTIMECLASSES)
NAMESPACED_KINDS = (r.SERVICEACCOUNTS, r.LIMITRANGES)
#: Snapshots kept for pods whose watch lags behind (each shares the unchanged objects with the others).
HISTORY = 16


def version_number(version: Optional[str]) -> Optional[int]:
    try:
        return int(version) if version else None
    except ValueError:
        return None


class StateMirror:
    """Objects by (kind, namespace, name); `apply`/`listed` say whether a prediction could change."""

    def __init__(self, namespaces: Optional[Sequence[str]], origin: str, history: int = HISTORY):
        self.namespaces = None if namespaces is None else sorted(set(namespaces))
        self.origin = origin
        self.history = history
        self.refusals: List[Dict[str, Any]] = []
        self.listed_kinds: List[str] = []
        self._objects: Dict[Tuple[str, str, str], Dict[str, Any]] = {}
        self._configmaps: Dict[str, Dict[str, Dict[str, Any]]] = {}    # namespace -> name -> every istio* ConfigMap
        self._snapshots: List[list] = []       # [version number or None, objects, built state or None]

    # -- what to watch ---------------------------------------------------------------------------------

    def scopes(self) -> List[Tuple[Any, Optional[str]]]:
        """(resource, namespace) of the first watches; ConfigMaps follow once the webhooks are known."""
        out = [(res, None) for res in CLUSTER_KINDS]
        for res in NAMESPACED_KINDS:
            out += [(res, ns) for ns in (self.namespaces if self.namespaces is not None else [None])]
        return out

    def control_plane_namespaces(self) -> set:
        return control_plane_namespaces(o for k, o in self._objects.items() if k[0] == "MutatingWebhookConfiguration")

    # -- changes -----------------------------------------------------------------------------------------

    def listed(self, resource, namespace: Optional[str], items: List[Dict[str, Any]], version: str) -> bool:
        """A (re)list of one kind in one scope replaces what was known of it."""
        kind = resource.kind
        if kind not in self.listed_kinds:
            self.listed_kinds.append(kind)
        objects = {k: v for k, v in self._objects.items()
                   if not (k[0] == kind and (namespace is None or k[1] == namespace))}
        if kind == "ConfigMap":
            self._configmaps[namespace or ""] = {}
            for cm in items:
                self._configmaps[namespace or ""][(cm.get("metadata") or {}).get("name", "")] = cm
            for cm in injector_configmaps(self._configmaps[namespace or ""].values()):
                objects[_key(cm)] = _projection(cm)
        else:
            for obj in items:
                objects[_key(obj)] = _projection(obj)
        return self._replace(objects, version)

    def apply(self, event_type: str, obj: Dict[str, Any]) -> bool:
        """One watch event; True when it made a new snapshot (the state a prediction reads changed)."""
        key = _key(obj)
        objects = dict(self._objects)
        if key[0] == "ConfigMap":
            ns = self._configmaps.setdefault(key[1], {})
            if event_type == "DELETED":
                ns.pop(key[2], None)
            else:
                ns[key[2]] = obj
            for k in [k for k in objects if k[0] == "ConfigMap" and k[1] == key[1]]:
                del objects[k]
            for cm in injector_configmaps(ns.values()):
                objects[_key(cm)] = _projection(cm)
        elif event_type == "DELETED":
            objects.pop(key, None)
        else:
            objects[key] = _projection(obj)
        return self._replace(objects, (obj.get("metadata") or {}).get("resourceVersion"))

    def synced(self) -> None:
        """The first lists are done: what they made is the state from the beginning (the snapshots of the
        lists in between held only part of it)."""
        self._snapshots = [[None, self._objects, None]]

    def refused(self, resource, namespace: Optional[str], error) -> None:
        refusal = dict(error.refusal(), kind=resource.kind, unknown=CONSEQUENCES.get(resource.kind, ""))
        if refusal not in self.refusals:
            self.refusals.append(refusal)

    def _replace(self, objects, version) -> bool:
        if self._snapshots and _same(objects, self._objects):
            return False
        self._objects = objects
        self._snapshots.append([version_number(version), objects, None])
        del self._snapshots[:-self.history]
        return True

    # -- reading ---------------------------------------------------------------------------------------

    def state_at(self, version: Optional[str] = None):
        """(ClusterState, LiveState) as they were at `version` (a pod's resourceVersion: its creation, when it
        comes from an ADDED event): the newest snapshot made by a change before it. None: the newest."""
        if not self._snapshots:
            self._replace(dict(self._objects), None)
        at = version_number(version)
        chosen = self._snapshots[-1]
        if at is not None:
            for snapshot in reversed(self._snapshots):
                chosen = snapshot
                if snapshot[0] is None or snapshot[0] < at:
                    break
        if chosen[2] is None:
            chosen[2] = self._build(chosen[1])
        return chosen[2]

    def _build(self, objects):
        from .live import state_documents
        from .sources import build_state

        refused = {x["kind"] for x in self.refusals}
        kinds = [k for k in self.listed_kinds if k not in refused]
        live = LiveState(list(objects.values()), kinds, list(self.refusals), self.origin, self.namespaces)
        state, _index = build_state(state_documents(live), live.origins())
        return state, live


def _key(obj: Dict[str, Any]) -> Tuple[str, str, str]:
    md = obj.get("metadata") or {}
    return obj.get("kind", ""), md.get("namespace", ""), md.get("name", "")


def _projection(obj: Dict[str, Any]) -> Dict[str, Any]:
    """The object as the state holds it (read_state's shape), without what changes on every write."""
    if obj.get("kind") == "Node":
        return kubelet_only(obj)
    obj = dict(obj, metadata=dict(obj.get("metadata") or {}))
    tidy(obj)
    return obj


def _same(a: Dict, b: Dict) -> bool:
    """Equal but for resourceVersions (an update that changed nothing else still bumps it)."""
    if a.keys() != b.keys():
        return False
    for key, obj in a.items():
        other = b[key]
        if obj is other:
            continue
        if _unversioned(obj) != _unversioned(other):
            return False
    return True


def _unversioned(obj: Dict[str, Any]) -> Dict[str, Any]:
    md = {k: v for k, v in (obj.get("metadata") or {}).items() if k not in ("resourceVersion", "generation")}
    return dict(obj, metadata=md)
