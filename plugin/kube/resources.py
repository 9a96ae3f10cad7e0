"""The API resources the plugin reads, and their REST paths (pure data: no client needed to name them)."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, Optional

from simulator.records import FrozenRecord


class Resource(FrozenRecord):
    _fields = ("group", "version", "plural", "kind", "namespaced")

    def __init__(self, group: str, version: str, plural: str, kind: str, namespaced: bool):
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def display(self) -> str:
        """As RBAC and kubectl name it: `configmaps`, `mutatingwebhookconfigurations.admissionregistration.k8s.io`."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    def path(self, namespace: Optional[str] = None, name: Optional[str] = None) -> str:
        base = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        if self.namespaced and namespace:
            base += f"/namespaces/{namespace}"
        base += f"/{self.plural}"
        return base + (f"/{name}" if name else "")


NAMESPACES, NODES = (Resource("", "v1", plural, kind, False) for plural, kind in
                     (("namespaces", "Namespace"), ("nodes", "Node")))
CONFIGMAPS, SERVICEACCOUNTS, LIMITRANGES, PODS, EVENTS, REPLICATIONCONTROLLERS = (
    Resource("", "v1", plural, kind, True) for plural, kind in
    (("configmaps", "ConfigMap"), ("serviceaccounts", "ServiceAccount"), ("limitranges", "LimitRange"),
     ("pods", "Pod"), ("events", "Event"), ("replicationcontrollers", "ReplicationController")))
DEPLOYMENTS, REPLICASETS, STATEFULSETS, DAEMONSETS = (
    Resource("apps", "v1", plural, kind, True) for plural, kind in
    (("deployments", "Deployment"), ("replicasets", "ReplicaSet"), ("statefulsets", "StatefulSet"),
     ("daemonsets", "DaemonSet")))
JOBS, CRONJOBS = (Resource("batch", "v1", plural, kind, True) for plural, kind in (("jobs", "Job"), ("cronjobs", "CronJob")))
MUTATINGWEBHOOKCONFIGURATIONS = Resource("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations",
                                         "MutatingWebhookConfiguration", False)
PRIORITYCLASSES = Resource("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", False)
RUNTIMECLASSES = Resource("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", False)
#: Istio's CRD: absent in clusters without Istio's CRDs (a 404 then means "none", not an error).
PEERAUTHENTICATIONS = Resource("security.istio.io", "v1", "peerauthentications", "PeerAuthentication", True)

#: What `explain TYPE/NAME` accepts, as kubectl spells resource types (plural, singular, short name).
WORKLOADS: Dict[str, Resource] = {}
for _resource, _names in ((PODS, ("pods", "pod", "po")), (DEPLOYMENTS, ("deployments", "deployment", "deploy")),
                          (STATEFULSETS, ("statefulsets", "statefulset", "sts")),
                          (DAEMONSETS, ("daemonsets", "daemonset", "ds")),
                          (REPLICASETS, ("replicasets", "replicaset", "rs")),
                          (JOBS, ("jobs", "job")), (CRONJOBS, ("cronjobs", "cronjob", "cj")),
                          (REPLICATIONCONTROLLERS, ("replicationcontrollers", "replicationcontroller", "rc"))):
    for _name in _names:
        WORKLOADS[_name] = _resource
        WORKLOADS[f"{_name}.{_resource.group}" if _resource.group else _name] = _resource

#: (apiVersion, kind) → resource, for the kinds named above (apply resolves others by discovery).
KNOWN_KINDS: Dict[tuple, Resource] = {
    (_res.api_version, _res.kind): _res
    for _res in (NAMESPACES, NODES, CONFIGMAPS, SERVICEACCOUNTS, LIMITRANGES, PODS, EVENTS, REPLICATIONCONTROLLERS,
                 DEPLOYMENTS, REPLICASETS, STATEFULSETS, DAEMONSETS, JOBS, CRONJOBS, MUTATINGWEBHOOKCONFIGURATIONS,
                 PRIORITYCLASSES, RUNTIMECLASSES, PEERAUTHENTICATIONS)}
