"""What a template can read. Two shapes, one per engine.

Go templates (real Istio ConfigMaps) read Istio's `SidecarTemplateData` by Go field names; the
faithful Go-struct view lives in `simulator.istio`. The Jinja profile gets plain, snake_case names
a learner can read in the template itself.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Mapping

from ..istio.injector_config import InjectorConfig

PROXY = "istio-proxy"


def proxy_image(values: Mapping[str, Any]) -> str:
    g = values.get("global") or {}
    hub = g.get("hub") or "docker.io/istio"
    image = ((g.get("proxy") or {}).get("image")) or "proxyv2"
    if "/" in image:
        return image
    tag = g.get("tag")
    return f"{hub}/{image}:{tag}" if tag not in (None, "") else f"{hub}/{image}"


def jinja_context(pod: Mapping[str, Any], config: InjectorConfig) -> Dict[str, Any]:
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    annotations = dict(meta.get("annotations") or {})
    labels = dict(meta.get("labels") or {})
    containers = [c for c in spec.get("containers") or [] if c.get("name") != PROXY]

    def annotation(key: str, default: Any = "") -> Any:
        return annotations.get(key, default)

    ports = [p for c in containers for p in (c.get("ports") or [])]
    workload = labels.get("app.kubernetes.io/name") or labels.get("app") or meta.get("name") or \
        (meta.get("generateName") or "").rstrip("-") or "unknown"
    return {
        "pod": pod,
        "metadata": meta,
        "spec": spec,
        "namespace": meta.get("namespace", ""),
        "labels": labels,
        "annotations": annotations,
        "annotation": annotation,
        "app_containers": [c.get("name") for c in containers],
        "app_ports": ports,
        "workload_name": workload,
        "values": config.values,
        "revision": config.revision or "default",
        "proxy_image": proxy_image(config.values),
    }

