"""Which injector serves a webhook: Istio's revision rule.

An istiod serves the webhooks of its revision: the webhook names end in `sidecar-injector.istio.io`, the
revision is the configuration's `istio.io/rev` label (revision tags carry their target revision there too)
or else the `istiod-<rev>` service the webhook calls, and that istiod reads its injector from the
ConfigMap `istio-sidecar-injector[-<rev>]` and its mesh config from `istio[-<rev>]`, in the namespace of
the webhook's service (istio-system when the webhook names none).
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping, Optional, Tuple

    from ..cache import EngineCache
    from ..kube.webhook.dispatch import WebhookRef
    from ..state import ClusterState

from ..errors import ConfigError
from .injector_config import ENGINE_ANNOTATION, InjectorConfig, parse_injector_configmap

INJECTOR_SUFFIX = "sidecar-injector.istio.io"
DEFAULT_NAMESPACE = "istio-system"


def is_istio_injector(ref: WebhookRef) -> bool:
    return ref.name.endswith(INJECTOR_SUFFIX)


def injector_revision(ref: WebhookRef) -> str:
    """The revision whose istiod serves this webhook: the configuration's `istio.io/rev` label, else the
    `istiod-<rev>` service name, else "default"."""
    labels = (ref.config_object.get("metadata") or {}).get("labels") or {}
    rev = labels.get("istio.io/rev")
    if rev:
        return rev
    service = ((ref.webhook.get("clientConfig") or {}).get("service") or {}).get("name", "")
    if service.startswith("istiod-"):
        return service[len("istiod-"):]
    return "default"


def service_namespace(ref: WebhookRef) -> Optional[str]:
    return ((ref.webhook.get("clientConfig") or {}).get("service") or {}).get("namespace")


def _suffixed(base: str, revision: str) -> str:
    return base if revision in ("", "default") else f"{base}-{revision}"


def injector_configmap(ref: WebhookRef) -> Tuple[str, str, str]:
    """(namespace, name, revision) of the injector ConfigMap the istiod behind `ref` reads."""
    revision = injector_revision(ref)
    return (service_namespace(ref) or DEFAULT_NAMESPACE, _suffixed("istio-sidecar-injector", revision), revision)


def mesh_configmap_name(revision: str) -> str:
    return _suffixed("istio", revision)


def injector_for(state: ClusterState, ref: WebhookRef, cache: Optional[EngineCache] = None
                 ) -> Tuple[Optional[InjectorConfig], Optional[str], str]:
    """(config, problem, revision) for an Istio injector webhook; config is None when the ConfigMap is
    missing or broken, and `problem` says which.  The parse is kept in `cache` by the ConfigMaps' content."""
    namespace, name, revision = injector_configmap(ref)
    config, problem = revision_injector(state, revision, namespace, cache)
    return config, problem, revision


def revision_injector(state: ClusterState, revision: str = "default", namespace: str = DEFAULT_NAMESPACE,
                      cache: Optional[EngineCache] = None) -> Tuple[Optional[InjectorConfig], Optional[str]]:
    """(config, problem) of the injector istiod of `revision` reads (`istio-sidecar-injector[-<rev>]` and
    `istio[-<rev>]` in `namespace`), as `istioctl kube-inject --revision` reads it too; config is None when
    the ConfigMap is missing or broken, and `problem` says which."""
    name = _suffixed("istio-sidecar-injector", revision)
    cm = state.configmap(namespace, name)
    if cm is None:
        return None, f"ConfigMap {namespace}/{name} not found"
    mesh = _mesh_of(state.configmap(namespace, mesh_configmap_name(revision)))
    origin = state.origins.get("ConfigMap", "cluster-state")

    def parse():
        try:
            return parse_injector_configmap(cm, revision, origin=origin, mesh=mesh)
        except ConfigError as e:
            return e

    if cache is None:
        parsed = parse()
    else:
        key = _content_key(cm, revision, origin, mesh)
        parsed = cache.recall(key, parse) if key is not None else cache.recall_for("injector", cm, parse)
    if isinstance(parsed, ConfigError):
        return None, str(parsed)
    return parsed, None


def _content_key(cm: Mapping[str, Any], revision: str, origin: str, mesh: Any) -> Optional[Tuple[Any, ...]]:
    """Everything the parse reads, as a hashable key (None when some of it is not hashable: the ConfigMap
    is then keyed by identity)."""
    meta = cm.get("metadata") or {}
    data = cm.get("data")
    annotations = meta.get("annotations") or {}
    if not isinstance(data, dict) or not isinstance(annotations, dict):
        return None
    key = ("injector", meta.get("namespace"), meta.get("name"), revision, origin, mesh, "config" in data,
           data.get("config"), data.get("values"), annotations.get(ENGINE_ANNOTATION))
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _mesh_of(cm: Optional[Mapping[str, Any]]) -> Optional[str]:
    """The mesh config as text: Istio's loader reads it with Go's YAML rules and its own defaults."""
    if not cm:
        return None
    return (cm.get("data") or {}).get("mesh") or None
