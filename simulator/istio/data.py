"""The data Istio hands its injection templates (`SidecarTemplateData` in `pkg/kube/inject/inject.go`).

Templates read it by Go field names (`.ObjectMeta.Annotations`, `.Spec.Containers`, `.Values`).
This first version exposes Kubernetes objects with JSON keys mapped to Go field names; absent struct
fields are not yet given Go zero values (issue 4 replaces this with typed Go-struct resolvers).
"""
from __future__ import annotations

from typing import Any, Dict, Mapping

_INITIALISMS = {"apiVersion": "APIVersion", "uid": "UID", "hostIP": "HostIP", "podIP": "PodIP", "tty": "TTY"}


def go_names(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {_INITIALISMS.get(k, k[:1].upper() + k[1:]): go_names(v) for k, v in value.items()}
    if isinstance(value, list):
        return [go_names(v) for v in value]
    return value


def sidecar_template_data(pod: Mapping[str, Any], config) -> Dict[str, Any]:
    meta = dict(pod.get("metadata") or {})
    object_meta = {_INITIALISMS.get(k, k[:1].upper() + k[1:]): v for k, v in meta.items()}
    object_meta.setdefault("Labels", {})
    object_meta.setdefault("Annotations", {})
    return {
        "TypeMeta": {"Kind": "Pod", "APIVersion": "v1"},
        "DeploymentMeta": {"Name": meta.get("name") or (meta.get("generateName") or "").rstrip("-"),
                           "Namespace": meta.get("namespace", "")},
        "ObjectMeta": object_meta,
        "Spec": go_names(pod.get("spec") or {}),
        "Values": config.values,
        "MeshConfig": config.mesh or {},
        "ProxyConfig": (config.mesh or {}).get("defaultConfig") or {},
        "Revision": config.revision,
        "NativeSidecars": False,
        "ProxyUID": 1337,
        "ProxyGID": 1337,
    }
