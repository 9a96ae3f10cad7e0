"""What the embedded Jinja profile reads: plain, snake_case names a learner can read in the template itself.

(Real Istio ConfigMaps are Go templates reading Istio's `SidecarTemplateData`: simulator.istio.data.)
The values the names are made from follow Istio's own rules: the proxy image is `.ProxyImage`'s
(simulator.istio.images), holding the application until the proxy starts is the webhook's
(simulator.istio.mesh.hold_application).
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Mapping

    from ..istio.injector_config import InjectorConfig

from ..errors import SourcePos, TemplateRenderError
from ..istio import images
from ..istio.templates import PROXY
from ..istio.values import ValuesError, values_of

PROXY_CONFIG_ANNOTATION = "proxy.istio.io/config"


def _values(config: InjectorConfig, cache: Any):
    try:
        return values_of(config, cache)
    except ValuesError as e:
        raise TemplateRenderError(str(e), pos=SourcePos("values")) from None


def _owner_name(pod: Mapping[str, Any]) -> str:
    """The workload's name as Istio finds it from the pod's controller (a Deployment through its ReplicaSet)."""
    from ..istio.data import deploy_meta_from_pod

    return deploy_meta_from_pod(pod)[0]["Name"]


def jinja_context(pod: Mapping[str, Any], config: InjectorConfig, cache: Any) -> Dict[str, Any]:
    """The names the template reads; `cache` (an EngineCache) keeps the configuration's parsed values."""
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    annotations = dict(meta.get("annotations") or {})
    labels = dict(meta.get("labels") or {})
    containers = [c for c in spec.get("containers") or [] if c.get("name") != PROXY]

    def annotation(key: str, default: Any = "") -> Any:
        return annotations.get(key, default)

    ports = [p for c in containers if isinstance(c.get("ports"), list) for p in c["ports"]]
    workload = labels.get("app.kubernetes.io/name") or labels.get("app") or _owner_name(pod) or \
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
        "proxy_image": images.proxy_image(_values(config, cache), None, annotations, config.release),
    }


def hold_application(pod: Mapping[str, Any], config: InjectorConfig, cache: Any) -> bool:
    """The webhook's rule; the profile checks no annotation (Istio would refuse a proxy config annotation it
    cannot read before it got here), so one that does not apply holds nothing, and a mesh that does not
    load is Istio's default mesh.  That default never holds: Istio's mesh loading is paid only where a mesh
    or a proxy config annotation is given."""
    values = _values(config, cache)
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    if config.mesh is None and PROXY_CONFIG_ANNOTATION not in annotations:
        return values.hold_application_until_proxy_starts()
    from ..istio import mesh as meshmod

    try:
        mesh = meshmod.mesh_of(config, config.release, cache)
    except TemplateRenderError:
        mesh = meshmod.default_mesh_config(release=config.release)
    try:
        return meshmod.hold_application(mesh, annotations, values)
    except meshmod.MeshConfigError:
        return meshmod.hold_application(mesh, {}, values)
