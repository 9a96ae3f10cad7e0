"""Small accessors over Kubernetes objects kept as plain dicts (as kubectl's unstructured objects).

The request the injector sees is always a Pod; for workloads that Pod is built from the pod template,
because that — not the workload's own metadata — is what the controller creates and admission sees.
"""
from __future__ import annotations

from collections.abc import Mapping as _Mapping  # typing.Mapping isinstance checks are slow on hot paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Mapping, Optional, Tuple

from ..errors import InputError, SourcePos

# kind -> path to the pod template inside the object
WORKLOAD_TEMPLATES: Dict[str, Tuple[str, ...]] = {
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "DeploymentConfig": ("spec", "template"),
}
INJECTABLE_KINDS = ("Pod",) + tuple(WORKLOAD_TEMPLATES)
#: Where a kind not listed above carries its pod template, when it has one (Argo's Rollout, OpenShift's
#: DeploymentConfig under another apiVersion, a Knative Service): explained as a workload, with a warning.
GENERIC_TEMPLATE: Tuple[str, ...] = ("spec", "template")


def has_generic_pod_template(obj: Mapping[str, Any]) -> bool:
    """Whether `obj`, of a kind not listed, holds a pod template at spec.template: a mapping whose spec
    has a non-empty list of containers (KubeVirt's VirtualMachine, whose template is no pod, has none)."""
    template = dig(obj, GENERIC_TEMPLATE)
    spec = template.get("spec") if isinstance(template, _Mapping) else None
    containers = spec.get("containers") if isinstance(spec, _Mapping) else None
    return isinstance(containers, list) and bool(containers) and all(isinstance(c, _Mapping) for c in containers)


def meta(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    m = obj.get("metadata")
    return m if isinstance(m, _Mapping) else {}


def labels_of(obj: Mapping[str, Any]) -> Dict[str, str]:
    labels = meta(obj).get("labels")
    return dict(labels) if isinstance(labels, _Mapping) else {}


def annotations_of(obj: Mapping[str, Any]) -> Dict[str, str]:
    ann = meta(obj).get("annotations")
    return dict(ann) if isinstance(ann, _Mapping) else {}


def name_of(obj: Mapping[str, Any]) -> str:
    m = meta(obj)
    return m.get("name") or m.get("generateName") or ""


def dig(obj: Any, path: Tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(obj, _Mapping):
            return None
        obj = obj.get(key)
    return obj


def pod_template_path(kind: str) -> Optional[Tuple[str, ...]]:
    """Where a workload of `kind` keeps its pod template; None for a Pod.  A kind not listed is one
    explained because it has a generic pod template (has_generic_pod_template)."""
    if kind == "Pod":
        return None
    return WORKLOAD_TEMPLATES.get(kind, GENERIC_TEMPLATE)


def _validate_string_map(m: Any, pos: SourcePos) -> None:
    if m is None:
        return
    if not isinstance(m, _Mapping):
        raise InputError(f"must be a mapping of strings to strings, not {_a(m)}", pos=pos)
    for k, v in m.items():
        if not isinstance(v, str):
            shown = repr(v) if isinstance(v, (bool, int, float)) and len(repr(v)) <= 40 else _a(v)
            raise InputError(f"value of {k!r} must be a string, got {shown} (quote it in YAML)", pos=pos.at(str(k)))


_JSON_TYPES = ((bool, "a boolean"), ((int, float), "a number"), (str, "a string"), (list, "a list"),
               (_Mapping, "a mapping"))


def _a(v: Any) -> str:
    """A value's JSON type, for messages (never the value itself: it may be huge or deep)."""
    if v is None:
        return "null"
    return next((name for t, name in _JSON_TYPES if isinstance(v, t)), "a " + type(v).__name__)


def pod_for(obj: Mapping[str, Any], namespace: str) -> Dict[str, Any]:
    """The Pod admission would receive for `obj` when it is created in `namespace`."""
    kind = obj.get("kind")
    # Copy only what is changed here (metadata); the rest is shared, and nothing downstream mutates it.
    if kind == "Pod":
        pod = dict(obj)
        pod["metadata"] = dict(obj.get("metadata") or {}) if isinstance(obj.get("metadata"), _Mapping) else obj.get("metadata")
        spec_pos = SourcePos("spec")
        meta_pos = SourcePos("metadata")
    else:
        path = WORKLOAD_TEMPLATES.get(kind, GENERIC_TEMPLATE)
        template = dig(obj, path)
        tpos = ".".join(path)
        if not isinstance(template, _Mapping):
            raise InputError(f"{kind} has no pod template", pos=SourcePos(tpos))
        md = template.get("metadata") or {}
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": dict(md) if isinstance(md, _Mapping) else md,
               "spec": template.get("spec")}
        spec_pos = SourcePos(tpos + ".spec")
        meta_pos = SourcePos(tpos + ".metadata")
    md = pod.setdefault("metadata", {})
    if md is None:
        md = pod["metadata"] = {}
    if not isinstance(md, dict):
        raise InputError(f"metadata must be a mapping, not {_a(md)}", pos=meta_pos)
    if kind != "Pod" and not md.get("name") and not md.get("generateName"):
        # A controller names pods after the workload; generateName is what admission sees.
        md["generateName"] = f"{name_of(obj)}-"
    _validate_string_map(md.get("labels"), meta_pos.at("labels"))
    _validate_string_map(md.get("annotations"), meta_pos.at("annotations"))
    md["namespace"] = namespace
    spec = pod.get("spec")
    if not isinstance(spec, _Mapping):
        raise InputError("a pod needs a spec", pos=spec_pos)
    containers = spec.get("containers")
    if not isinstance(containers, list) or not containers:
        raise InputError("a pod needs at least one container (spec.containers is empty or missing)", pos=spec_pos.at("containers"))
    for i, c in enumerate(containers):
        if not isinstance(c, _Mapping) or not c.get("name"):
            raise InputError("every container needs a name", pos=spec_pos.at(f"containers[{i}].name"))
    return pod


def namespace_of(obj: Mapping[str, Any]) -> Optional[str]:
    ns = meta(obj).get("namespace")
    return ns if isinstance(ns, str) and ns else None
