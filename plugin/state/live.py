"""The cluster state, read from a live cluster with a constant number of list calls.

What explain needs, one (paginated) list per kind whatever the number of pods and workloads: Namespaces,
MutatingWebhookConfigurations, the injector and mesh ConfigMaps (one list per control-plane namespace),
Nodes (kept to their kubelet version, which decides Istio's native-sidecar layout), the objects the in-tree
admission plugins read (ServiceAccounts and LimitRanges of the namespaces concerned, PriorityClasses,
RuntimeClasses) and, when asked, PeerAuthentications (a CRD: absent means none).

A refused list (RBAC) does not stop the others: it is recorded as (verb, resource, namespace) with what
therefore is unknown, and that kind's origin says so. Nothing falls back to the embedded default: a
conclusion drawn from made-up objects would be worse than one marked unknown.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Iterable, List, Optional, Sequence

    from ..kube.client import Client

from simulator.records import Record

from ..kube import resources as r

#: What each refused kind leaves unknown (shown with the refusal).
CONSEQUENCES = {
    "Namespace": "namespace labels are unknown, so webhook namespaceSelectors cannot be evaluated",
    "MutatingWebhookConfiguration": "which webhooks the API server calls is unknown",
    "ConfigMap": "the injector's policy and templates are unknown",
    "Node": "kubelet versions are unknown: native sidecars are assumed (what Istio does with no nodes)",
    "ServiceAccount": "the ServiceAccount plugin's changes are assumed (default account, token mounted)",
    "LimitRange": "LimitRanger's defaults are not applied",
    "PriorityClass": "the Priority plugin's changes are assumed",
    "RuntimeClass": "RuntimeClass overhead is not applied",
    "PeerAuthentication": "whether STRICT mutual TLS applies is unknown",
    "Pod": "which pods run, and what they have, is unknown",
    "Event": "whether pod creation is failing is unknown",
}

STATE_RESOURCES = (r.NAMESPACES, r.MUTATINGWEBHOOKCONFIGURATIONS, r.CONFIGMAPS, r.NODES, r.SERVICEACCOUNTS,
                   r.LIMITRANGES, r.PRIORITYCLASSES, r.RUNTIMECLASSES)
INJECTOR_SUFFIX = "sidecar-injector.istio.io"
INJECTOR_CONFIGMAP = "istio-sidecar-injector"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


class LiveState(Record):
    """Objects read from the cluster (as `kubectl get -o json` prints them), the kinds read completely,
    the refusals, and where it all came from."""

    _fields = ("objects", "kinds", "refusals", "origin", "namespaces")

    def __init__(self, objects: List[Dict[str, Any]], kinds: List[str], refusals: List[Dict[str, Any]],
                 origin: str, namespaces: Optional[List[str]]):
        self.objects = objects
        self.kinds = kinds              # kinds read completely (for the namespaces concerned)
        self.refusals = refusals        # [{verb, resource, namespace, message, kind, unknown}]
        self.origin = origin            # "live: CONTEXT"
        self.namespaces = namespaces    # the namespaces whose namespaced objects were read; None: all

    def origins(self) -> Dict[str, str]:
        out = {}
        refused = {x["kind"]: x for x in self.refusals}
        for kind in self.kinds + [k for k in refused if k not in self.kinds]:
            if kind in refused:
                x = refused[kind]
                where = f" in namespace {x['namespace']}" if x.get("namespace") not in (None, "*") else ""
                out[kind] = f"unknown: forbidden to {x['verb']} {x['resource']}{where} ({self.origin})"
            else:
                out[kind] = self.origin
        return out


def read_state(client: Client, namespaces: Optional[Sequence[str]], peer_authentications: bool = False) -> LiveState:
    """The state explain needs, for pods in `namespaces` (None: every namespace)."""
    from ..kube.client import Forbidden, NotFound

    wanted = None if namespaces is None else sorted(set(namespaces))
    objects: List[Dict[str, Any]] = []
    kinds: List[str] = []
    refusals: List[Dict[str, Any]] = []

    def refused(e: Forbidden, kind: str) -> None:
        refusals.append(dict(e.refusal(), kind=kind, unknown=CONSEQUENCES.get(kind, "")))

    def cluster_kind(resource) -> List[Dict[str, Any]]:
        try:
            items = client.list(resource)
        except Forbidden as e:
            refused(e, resource.kind)
            return []
        kinds.append(resource.kind)
        return items

    def namespaced_kind(resource, scope: Optional[Sequence[str]], missing_ok: bool = False) -> List[Dict[str, Any]]:
        items: List[Dict[str, Any]] = []
        try:
            for ns in ([None] if scope is None else scope):
                items.extend(client.list(resource, ns))
        except Forbidden as e:
            refused(e, resource.kind)
            return []
        except NotFound:
            if not missing_ok:
                raise
            # a CRD that is not installed: there are none
        kinds.append(resource.kind)
        return items

    namespace_objects = cluster_kind(r.NAMESPACES)
    if r.NAMESPACES.kind not in kinds and wanted:
        # `list namespaces` refused: the namespaces concerned may still be readable one by one
        got = []
        for ns in wanted:
            try:
                got.append(client.get(r.NAMESPACES, ns))
            except (Forbidden, NotFound):
                break
        else:
            namespace_objects = got
            kinds.append(r.NAMESPACES.kind)
            refusals[:] = [x for x in refusals if x["kind"] != r.NAMESPACES.kind]
    objects += namespace_objects
    webhooks = cluster_kind(r.MUTATINGWEBHOOKCONFIGURATIONS)
    objects += webhooks
    objects += _injector_configmaps(client, webhooks, refused, kinds)
    objects += [kubelet_only(n) for n in cluster_kind(r.NODES)]
    objects += namespaced_kind(r.SERVICEACCOUNTS, wanted)
    objects += namespaced_kind(r.LIMITRANGES, wanted)
    objects += cluster_kind(r.PRIORITYCLASSES)
    objects += cluster_kind(r.RUNTIMECLASSES)
    if peer_authentications:
        # all namespaces (STRICT elsewhere refuses this namespace's plain-text calls), else the namespaces concerned
        try:
            objects += _peer_authentications(client, None, namespaced_kind, strict=True)
            kinds.append("PeerAuthentication")
        except Forbidden as e:
            if wanted is None:
                refused(e, "PeerAuthentication")
            else:
                refusals.append(dict(e.refusal(), kind="PeerAuthentication (all namespaces)",
                                     unknown="STRICT policies of other namespaces are unknown"))
                scope = sorted(set(wanted) | {root_namespace(objects)})
                objects += _peer_authentications(client, scope, namespaced_kind)
    for obj in objects:
        tidy(obj)
    return LiveState(objects, kinds, refusals, f"live: {client.connection.name}", wanted)


def _injector_configmaps(client: Client, webhooks: List[Dict[str, Any]], refused, kinds: List[str]) -> List[Dict[str, Any]]:
    """The injector and mesh ConfigMaps of every control-plane namespace the injector webhooks name: one list
    per namespace, kept to those names (the namespace's other ConfigMaps are none of our business)."""
    from ..kube.client import Forbidden

    out: List[Dict[str, Any]] = []
    for ns in sorted(control_plane_namespaces(webhooks)):
        try:
            items = client.list(r.CONFIGMAPS, ns)
        except Forbidden as e:
            refused(e, "ConfigMap")
            return []
        out += injector_configmaps(items)
    kinds.append("ConfigMap")
    return out


def control_plane_namespaces(webhooks: Iterable[Dict[str, Any]]) -> set:
    """The namespaces of the services the injector webhooks call (istio-system for those calling a URL, and
    when there are no webhook configurations at all)."""
    webhooks = list(webhooks)
    namespaces = {"istio-system"} if not webhooks else set()
    for cfg in webhooks:
        for hook in cfg.get("webhooks") or []:
            if str(hook.get("name", "")).endswith(INJECTOR_SUFFIX):
                service = (hook.get("clientConfig") or {}).get("service") or {}
                namespaces.add(service.get("namespace") or "istio-system")
    return namespaces


def injector_configmaps(items: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Of one namespace's ConfigMaps, the injectors (`istio-sidecar-injector[-REV]`) and the mesh
    configurations of their revisions (`istio[-REV]`)."""
    items = list(items)
    injectors = {(cm.get("metadata") or {}).get("name", "") for cm in items}
    revisions = {n[len(INJECTOR_CONFIGMAP):].lstrip("-") for n in injectors if n.startswith(INJECTOR_CONFIGMAP)}
    keep = {INJECTOR_CONFIGMAP + (f"-{rev}" if rev else "") for rev in revisions} | \
           {"istio" + (f"-{rev}" if rev else "") for rev in revisions | {""}}
    return [cm for cm in items if (cm.get("metadata") or {}).get("name") in keep]


def _peer_authentications(client: Client, scope, namespaced_kind, strict: bool = False) -> List[Dict[str, Any]]:
    """security.istio.io/v1 (Istio ≥ 1.22), else v1beta1; neither served: the CRD is absent, so none.
    `strict`: a refusal is raised, not recorded (the caller then narrows the scope)."""
    from ..kube.client import NotFound

    beta = r.Resource("security.istio.io", "v1beta1", "peerauthentications", "PeerAuthentication", True)
    if strict:
        for resource in (r.PEERAUTHENTICATIONS, beta):
            try:
                items = client.list(resource)
            except NotFound:
                continue
            return items
        return []
    try:
        return namespaced_kind(r.PEERAUTHENTICATIONS, scope)
    except NotFound:
        return namespaced_kind(beta, scope, missing_ok=True)


def root_namespace(objects: Iterable[Dict[str, Any]]) -> str:
    """The mesh's root namespace (meshConfig.rootNamespace, default istio-system): a PeerAuthentication
    there applies mesh-wide."""
    import re

    for obj in objects:
        md = obj.get("metadata") or {}
        if obj.get("kind") == "ConfigMap" and md.get("name") == "istio":
            m = re.search(r"^rootNamespace:\s*[\"']?([^\"'\s]+)", (obj.get("data") or {}).get("mesh") or "", re.M)
            if m:
                return m.group(1)
    return "istio-system"


def kubelet_only(node: Dict[str, Any]) -> Dict[str, Any]:
    """A Node as far as injection cares: its name and kubelet version (Istio's native-sidecar check)."""
    md = node.get("metadata") or {}
    version = ((node.get("status") or {}).get("nodeInfo") or {}).get("kubeletVersion", "")
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": md.get("name", "")},
            "status": {"nodeInfo": {"kubeletVersion": version}}}


def tidy(obj: Dict[str, Any]) -> None:
    """As `kubectl get -o yaml` shows objects: without managedFields (kubectl hides them by default)."""
    md = obj.get("metadata")
    if isinstance(md, dict):
        md.pop("managedFields", None)


def state_documents(live: LiveState):
    """The objects as input documents, so that the state is built exactly as from a snapshot file."""
    from ..inputs import Document

    where = live.origin
    return [Document(obj, where, i, 1) for i, obj in enumerate(live.objects)]
