"""Manual injection (`istioctl kube-inject`) next to the cluster's answer: the two can differ.

kube-inject reads the default revision's injector and mesh ConfigMaps and injects every workload whose
pod template does not opt out; namespace labels, webhooks and the injector's own policy play no part, and
its ignored-namespace check reads the pod template's namespace, which is empty in a workload (so a
DaemonSet in kube-system is injected, where the webhook leaves it alone).  `manual_context` and
`manual_document` give its output a document at a time; `kube_inject_injects` says whether it would
inject one object, so a caller can warn where the cluster's answer is another.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, List, Mapping, Optional, Tuple

    from .cache import EngineCache
    from .state import ClusterState

#: What a -o kube-inject run needs and the embedded teaching profile is not.
NEEDS_GO = ("-o kube-inject runs Istio's own kube-inject code path, which needs a real Istio injector "
            "configuration (--istio-release DIR, the three files --inject-config/--values/--mesh-config, or a "
            "cluster state or live cluster holding istio-system/istio-sidecar-injector); the injector in use "
            "is the embedded teaching profile")


class ManualInjectionUnavailable(ValueError):
    """No injector configuration kube-inject could run with (one line)."""


def kube_inject_config(cluster: ClusterState, cache: Optional[EngineCache] = None, *, real: bool = True):
    """The InjectorConfig `istioctl kube-inject --revision default` reads from this cluster, or raises
    ManualInjectionUnavailable (also, with `real`, when it is not a real Istio configuration)."""
    from .istio.revision import revision_injector

    config, problem = revision_injector(cluster, "default", cache=cache)
    if config is None:
        raise ManualInjectionUnavailable(f"-o kube-inject: {problem}")
    if real and config.engine != "go":
        raise ManualInjectionUnavailable(NEEDS_GO)
    return config


def manual_context(config, cache: EngineCache) -> Tuple[Any, Optional[str]]:
    """(the kube-inject Context for `config`, None), or (None, the error istioctl stops with before reading
    anything: the mesh or values do not load)."""
    from .errors import TemplateRenderError
    from .pipeline import _istio_context

    try:
        return _istio_context(config, cache, "kube-inject"), None
    except TemplateRenderError as e:
        return None, e.message


def manual_document(raw: str, config, context) -> Tuple[str, List[str], Optional[str]]:
    """(output, warnings, error) of one document of a file (simulator/istio/kubeinject.py)."""
    from .istio.kubeinject import kube_inject_document

    return kube_inject_document(raw, config, context)


def manual_warnings(warnings: List[str]) -> str:
    """The stderr text of a file's "===> Skipping injection" lines, as istioctl writes it after the output."""
    from .istio.kubeinject import warning_text

    return warning_text(warnings)


def kube_inject_injects(obj: Mapping[str, Any], config) -> Optional[bool]:
    """Whether kube-inject would add its sidecar to this object: its decision only (host networking, then
    injectRequired with policy enabled on the pod template as decoded), no template run.  None: kube-inject
    does not know the kind, or would refuse the object."""
    from .istio.kubeinject import KINDS, KubeInjectError, _decode, _locate
    from .istio.policy import KUBE_INJECT, decide

    if not isinstance(obj, dict) or obj.get("kind") not in KINDS or obj.get("kind") == "List":
        return None
    try:
        mholder, mkey, sholder, skey, _, _ = _locate(_decode(obj), obj["kind"])
    except (KubeInjectError, ValueError):
        return None
    meta, spec = mholder.get(mkey) or {}, sholder.get(skey) or {}
    if spec.get("hostNetwork"):
        return False
    return decide({"metadata": meta, "spec": spec}, KUBE_INJECT, config.release).inject


def ignored_by_injector(namespace: str) -> bool:
    """Whether Istio's injector ignores pods in this namespace (kube-system, kube-public, ...)."""
    from .istio.policy import IGNORED_NAMESPACES

    return namespace in IGNORED_NAMESPACES
