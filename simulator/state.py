"""Cluster state as the simulator needs it: namespaces, webhook configurations, injector ConfigMaps.

Objects stay plain dicts. Parsed injector configurations are cached on the instance (not globally),
so explaining thousands of pods against one state parses each ConfigMap once.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional, Tuple

from .errors import ConfigError
from .istio.injector_config import InjectorConfig, parse_injector_configmap
from .kube.webhook.dispatch import WebhookRef, ordered_webhooks
from .records import Record

INJECTOR_SUFFIX = "sidecar-injector.istio.io"
ADMISSION_KINDS = ("ServiceAccount", "LimitRange", "PriorityClass", "RuntimeClass")


class ClusterState(Record):
    _fields = ("namespaces", "webhook_configurations", "configmaps", "nodes", "others", "origins")

    def __init__(self, namespaces: Optional[Dict[str, Dict[str, Any]]] = None,
                 webhook_configurations: Optional[List[Dict[str, Any]]] = None,
                 configmaps: Optional[Dict[Tuple[str, str], Dict[str, Any]]] = None,
                 nodes: Optional[List[Dict[str, Any]]] = None,
                 others: Optional[Dict[str, List[Dict[str, Any]]]] = None, origins: Optional[Dict[str, str]] = None):
        self.namespaces = namespaces if namespaces is not None else {}
        self.webhook_configurations = webhook_configurations if webhook_configurations is not None else []
        self.configmaps = configmaps if configmaps is not None else {}
        self.nodes = nodes if nodes is not None else []
        self.others = others if others is not None else {}  # kind -> objects (ServiceAccount, ...)
        self.origins = origins if origins is not None else {}  # kind -> where its objects came from
        self._injectors = {}
        self._webhooks = None

    def namespace_labels(self, name: str) -> Optional[Dict[str, str]]:
        ns = self.namespaces.get(name)
        if ns is None:
            return None
        labels = dict(((ns.get("metadata") or {}).get("labels")) or {})
        labels.setdefault("kubernetes.io/metadata.name", name)   # API defaulting always sets it
        return labels

    def admission_objects(self) -> Dict[str, List[Dict[str, Any]]]:
        """The objects the in-tree admission plugins read, by kind; only kinds the state really holds."""
        return {k: v for k, v in self.others.items() if k in ADMISSION_KINDS}

    def webhooks(self) -> List[WebhookRef]:
        if self._webhooks is None:
            self._webhooks = ordered_webhooks(self.webhook_configurations)
        return self._webhooks

    def injector_for(self, ref: WebhookRef) -> Tuple[Optional[InjectorConfig], Optional[str], str]:
        """(config, problem, revision) for an Istio injector webhook; config is None when the
        ConfigMap is missing or broken, and `problem` says which."""
        revision = injector_revision(ref)
        namespace = service_namespace(ref) or "istio-system"
        name = "istio-sidecar-injector" if revision in ("", "default") else f"istio-sidecar-injector-{revision}"
        key = (namespace, name)
        if key not in self._injectors:
            cm = self.configmaps.get(key)
            if cm is None:
                self._injectors[key] = (None, f"ConfigMap {namespace}/{name} not found", revision)
            else:
                try:
                    cfg = parse_injector_configmap(cm, revision, origin=self.origins.get("ConfigMap", "cluster-state"))
                    mesh_cm = self.configmaps.get((namespace, "istio" if revision in ("", "default") else f"istio-{revision}"))
                    cfg.mesh = _mesh_of(mesh_cm)
                    self._injectors[key] = (cfg, None, revision)
                except ConfigError as e:
                    self._injectors[key] = (None, str(e), revision)
        return self._injectors[key]


def is_istio_injector(ref: WebhookRef) -> bool:
    return ref.name.endswith(INJECTOR_SUFFIX)


def injector_revision(ref: WebhookRef) -> str:
    """The revision whose istiod serves this webhook: the configuration's `istio.io/rev` label (revision
    tags carry the target revision there too), else the `istiod-<rev>` service name."""
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


def _mesh_of(cm: Optional[Mapping[str, Any]]) -> Optional[str]:
    """The mesh config as text: Istio's loader reads it with Go's YAML rules and its own defaults."""
    if not cm:
        return None
    return (cm.get("data") or {}).get("mesh") or None
