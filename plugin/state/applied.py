"""Namespaces in the input: part of what `kubectl apply -f` would create, so part of the state explained against.

`kubectl apply -f dir/` creates a Namespace that does not exist and, for one that does, merges the manifest
into it: the labels and annotations written in the file are set (added, or overriding the cluster's value),
the others the cluster has stay.  The pods of the same input are then admitted in a namespace with those
labels, which is what decides injection; leaving them out would explain against another cluster.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Tuple

    from simulator.state import ClusterState

    from ..inputs import Document

#: How the state's Namespace origin reads once input Namespaces were applied over it.
APPLIED = "the input's Namespace documents (as kubectl apply -f creates them)"


def namespace_problem(doc: Document):
    """Why kube-apiserver would refuse this Namespace (one line naming the field), or None."""
    return stored_problem(doc.obj)


def stored_problem(obj: Dict[str, Any]):
    """(field, message) saying why kube-apiserver could not hold `obj` - a Namespace of the input, or any
    object of a cluster state (simulator.kube.creatable.stored_error) - or None.  An object read half-way
    would explain against a cluster that cannot exist."""
    from simulator.kube.creatable import stored_error

    error = stored_error(obj)
    if error is None:
        return None
    return (error.pos.field if error.pos else ""), error.message


def apply_namespaces(state: ClusterState, documents: List[Document]) -> Tuple[ClusterState, List[str], List[Tuple[Document, str, str]]]:
    """(the state with the input's valid Namespaces applied, one note per Namespace applied, the refused
    ones as (document, field, message)).  A later document of the same name applies over an earlier one."""
    merged: Dict[str, Dict[str, Any]] = {}
    notes: List[str] = []
    refused = []
    files: List[str] = []
    for doc in documents:
        if doc.obj.get("kind") != "Namespace":
            continue
        problem = namespace_problem(doc)
        if problem is not None:
            refused.append((doc, problem[0], problem[1]))
            continue
        meta = doc.obj["metadata"]
        name = meta["name"]
        base = merged.get(name) or state.namespaces.get(name)
        existed = state.namespaces.get(name) is not None
        merged[name] = _merged(base, doc.obj)
        labels = ", ".join(f"{k}={v}" for k, v in (meta.get("labels") or {}).items()) or "no labels"
        how = "merged into the cluster state's" if existed else "created"
        notes.append(f"{doc.where()}: Namespace {name} {how} as kubectl apply would ({labels}); "
                     "objects in it are explained against it")
        if doc.file not in files:
            files.append(doc.file)
    if not merged:
        return state, notes, refused
    before = state.origins.get("Namespace")
    origin = f"{before}, then {APPLIED}: {', '.join(files)}" if before else f"{APPLIED}: {', '.join(files)}"
    return state.with_objects(list(merged.values()), origin=origin), notes, refused


def _merged(live: Any, applied: Dict[str, Any]) -> Dict[str, Any]:
    """`applied` over `live` as apply's merge leaves a Namespace: labels and annotations key by key."""
    import copy      # here: most runs apply no Namespace, and a one-pod run's start-up is counted

    if live is None:
        out = copy.deepcopy(applied)
        out.setdefault("apiVersion", "v1")
        return out
    out = copy.deepcopy(live)
    meta = out.setdefault("metadata", {})
    for field in ("labels", "annotations"):
        given = applied["metadata"].get(field)
        if given:
            meta[field] = dict(meta.get(field) or {}, **given)
    return out
