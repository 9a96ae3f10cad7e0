"""Cluster state as the simulator needs it: namespaces, webhook configurations, ConfigMaps, nodes, and the
objects the in-tree admission plugins read.

A `ClusterState` is a value: built once (`ClusterState(...)` or `ClusterState.from_objects(...)`) and never
changed afterwards; a change makes a new state (`with_objects`, `with_kind`).  A long-running caller (a
watch, a threaded server) can therefore hand one state to any number of explanations at once, and swap
in the next one when the cluster changes, without locks.  Its fields are read-only views (mappings and
tuples); the objects in them are the caller's plain dicts, which the state does not copy: whoever builds
a state must not change them afterwards.

Only plain look-ups live here.  Which injector serves a webhook is Istio's rule (simulator/istio/revision.py);
what the engine derives from a state (parsed ConfigMaps, compiled templates) is kept in the caller's
`EngineCache`, not on the state.
"""
from __future__ import annotations

from types import MappingProxyType

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from .kube.webhook.dispatch import WebhookRef, ordered_webhooks
from .records import Record

#: Kinds read by the in-tree admission plugins (kept in `others`, by kind).
ADMISSION_KINDS = ("ServiceAccount", "LimitRange", "PriorityClass", "RuntimeClass")
#: Every kind a state holds; objects of other kinds are not part of it.
KINDS = ("Namespace", "MutatingWebhookConfiguration", "ConfigMap", "Node") + ADMISSION_KINDS


class FrozenError(AttributeError):
    """A ClusterState was asked to change in place; make a new one instead (`with_objects`, `with_kind`)."""


class ClusterState(Record):
    _fields = ("namespaces", "webhook_configurations", "configmaps", "nodes", "others", "origins")

    def __init__(self, namespaces: Optional[Mapping[str, Dict[str, Any]]] = None,
                 webhook_configurations: Optional[Iterable[Dict[str, Any]]] = None,
                 configmaps: Optional[Mapping[Tuple[str, str], Dict[str, Any]]] = None,
                 nodes: Optional[Iterable[Dict[str, Any]]] = None,
                 others: Optional[Mapping[str, Iterable[Dict[str, Any]]]] = None,
                 origins: Optional[Mapping[str, str]] = None):
        init = object.__setattr__
        init(self, "namespaces", MappingProxyType(dict(namespaces or {})))   # name -> Namespace
        init(self, "webhook_configurations", tuple(webhook_configurations or ()))
        init(self, "configmaps", MappingProxyType(dict(configmaps or {})))  # (namespace, name) -> ConfigMap
        init(self, "nodes", tuple(nodes or ()))
        # kind -> objects (ServiceAccount, LimitRange, ...)
        init(self, "others", MappingProxyType({k: tuple(v) for k, v in (others or {}).items()}))
        init(self, "origins", MappingProxyType(dict(origins or {})))  # kind -> where its objects came from
        init(self, "_webhooks", tuple(ordered_webhooks(self.webhook_configurations)))

    def __setattr__(self, name, value):
        raise FrozenError("ClusterState is immutable: make a new one with with_objects() or with_kind()")

    def __delattr__(self, name):
        raise FrozenError("ClusterState is immutable: make a new one with with_objects() or with_kind()")

    def __reduce__(self):
        return (type(self), tuple(_plain(getattr(self, f)) for f in self._fields))

    # construction -------------------------------------------------------------------------------------
    @classmethod
    def from_objects(cls, objects: Iterable[Mapping[str, Any]], origins: Optional[Mapping[str, str]] = None
                     ) -> ClusterState:
        """The state holding `objects` (of the kinds in KINDS; others are left out), in their order, as a
        snapshot lists them: a later Namespace or ConfigMap of the same name replaces an earlier one, every
        webhook configuration, node and admission object is kept."""
        parts: Dict[str, Any] = {"namespaces": {}, "webhook_configurations": [], "configmaps": {}, "nodes": [],
                                 "others": {}, "origins": origins}
        for obj in objects:
            kind = obj.get("kind")
            meta = obj.get("metadata") or {}
            if kind == "Namespace":
                parts["namespaces"][meta.get("name", "")] = obj
            elif kind == "ConfigMap":
                parts["configmaps"][(meta.get("namespace", ""), meta.get("name", ""))] = obj
            elif kind == "MutatingWebhookConfiguration":
                parts["webhook_configurations"].append(obj)
            elif kind == "Node":
                parts["nodes"].append(obj)
            elif kind in ADMISSION_KINDS:
                parts["others"].setdefault(kind, []).append(obj)
        return cls(**parts)

    def with_objects(self, objects: Iterable[Mapping[str, Any]], origin: Optional[str] = None) -> ClusterState:
        """A new state with each of `objects` added, or replacing the one of the same kind, namespace and name
        (in its place); `origin`, when given, is recorded for every kind the objects have."""
        parts = self._parts()
        touched = []
        for obj in objects:
            kind = obj.get("kind")
            if kind not in KINDS:
                continue
            meta = obj.get("metadata") or {}
            name, namespace = meta.get("name", ""), meta.get("namespace", "")
            if kind == "Namespace":
                parts["namespaces"][name] = obj
            elif kind == "ConfigMap":
                parts["configmaps"][(namespace, name)] = obj
            elif kind == "MutatingWebhookConfiguration":
                _upsert(parts["webhook_configurations"], obj, name, "")
            elif kind == "Node":
                _upsert(parts["nodes"], obj, name, "")
            else:
                _upsert(parts["others"].setdefault(kind, []), obj, name, namespace)
            if kind not in touched:
                touched.append(kind)
        if origin is not None:
            parts["origins"].update((kind, origin) for kind in touched)
        return ClusterState(**parts)

    def with_kind(self, kind: str, objects: Iterable[Mapping[str, Any]], origin: Optional[str] = None
                  ) -> ClusterState:
        """A new state whose objects of `kind` are exactly `objects`, as from_objects keeps them (as a
        snapshot file gives a kind whole)."""
        if kind not in KINDS:
            raise ValueError(f"a cluster state holds no {kind} objects")
        given = ClusterState.from_objects([o for o in objects if o.get("kind") == kind])
        parts = self._parts()
        field = _FIELD_OF.get(kind)
        if field is None:
            parts["others"].pop(kind, None)
            parts["others"].update(given._parts()["others"])
        else:
            parts[field] = _plain(getattr(given, field))
        if origin is not None:
            parts["origins"][kind] = origin
        return ClusterState(**parts)

    def _parts(self) -> Dict[str, Any]:
        return {f: _plain(getattr(self, f)) for f in self._fields}

    # look-ups -----------------------------------------------------------------------------------------
    def namespace_labels(self, name: str) -> Optional[Dict[str, str]]:
        """The namespace's labels as the API server has them (a new dict), None when there is no such namespace."""
        ns = self.namespaces.get(name)
        if ns is None:
            return None
        labels = dict(((ns.get("metadata") or {}).get("labels")) or {})
        labels.setdefault("kubernetes.io/metadata.name", name)   # API defaulting always sets it
        return labels

    def configmap(self, namespace: str, name: str) -> Optional[Dict[str, Any]]:
        return self.configmaps.get((namespace, name))

    def admission_objects(self) -> Dict[str, List[Dict[str, Any]]]:
        """The objects the in-tree admission plugins read, by kind; only kinds the state really holds."""
        return {k: list(v) for k, v in self.others.items() if k in ADMISSION_KINDS}

    def webhooks(self) -> Tuple[WebhookRef, ...]:
        """Every mutating webhook in the order kube-apiserver calls them."""
        return self._webhooks


_FIELD_OF = {"Namespace": "namespaces", "ConfigMap": "configmaps", "MutatingWebhookConfiguration": "webhook_configurations",
             "Node": "nodes"}


def _plain(value):
    """A field's value as a new plain container the constructor accepts."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, MappingProxyType):
        return {k: list(v) if isinstance(v, tuple) else v for k, v in value.items()}
    return value


def webhook_configuration_problem(obj: Mapping[str, Any]) -> Optional[str]:
    """Why kube-apiserver would not have stored this MutatingWebhookConfiguration (one line), or None."""
    from .kube.webhook.validate import configuration_problem

    return configuration_problem(obj)


def _upsert(objects: List[Dict[str, Any]], obj, name: str, namespace: str) -> None:
    for i, old in enumerate(objects):
        meta = old.get("metadata") or {}
        if meta.get("name", "") == name and meta.get("namespace", "") == namespace:
            objects[i] = obj
            return
    objects.append(obj)
