"""The chain as kube-apiserver runs it before MutatingAdmissionWebhook: the handler's decode, the v1
defaulting, then each default-on mutating plugin in the apiserver's order, stopping at the first refusal.
"""

from __future__ import annotations

import copy

from ...trace import AdmissionRejection, AdmissionStep
from ..defaults import apply_pod_defaults
from .context import _Context, _Rejected
from .defaulttolerationseconds import _default_tolerations
from .limitranger import _limit_ranger
from .priority import _priority
from .runtimeclass import _runtime_class
from .serviceaccount import _service_account

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple


#: The mutating steps before MutatingAdmissionWebhook, in the apiserver's order.
STEPS = ("Decode", "Defaulting", "LimitRanger", "ServiceAccount", "Priority", "DefaultTolerationSeconds",
         "RuntimeClass")


def rejection(steps: Sequence[AdmissionStep]) -> Optional[Dict[str, Any]]:
    """The refusal that ended the chain ({"plugin", "code", "reason", "message"}), or None."""
    for step in steps:
        if step.rejected is not None:
            r = step.rejected
            return {"code": r.code, "reason": r.reason, "message": r.message, "plugin": step.plugin}
    return None


def prepare_for_webhooks(pod: Mapping[str, Any], namespace: str,
                         cluster_objects: Optional[Mapping[str, List[Mapping[str, Any]]]] = None
                         ) -> Tuple[Dict[str, Any], Tuple[AdmissionStep, ...]]:
    """(pod as MutatingAdmissionWebhook's first webhook receives it, one `AdmissionStep` per step).

    A step says which fields it set, why it did nothing (`skipped`), what it assumed for lack of cluster
    state (`notes`) and how it refused the pod (`rejected`); after a rejection no further step runs and
    the pod is returned as that plugin left it.  The steps note their work in dicts as they go
    ({"plugin", "changed", ...}); those become the typed records at the end.
    """
    objects = cluster_objects or {}
    records: List[Dict[str, Any]] = []
    work = copy.deepcopy(dict(pod))
    try:
        work = _decode(work, namespace, records)
        records.append({"plugin": "Defaulting", "changed": apply_pod_defaults(work)})
        ctx = _Context(work, namespace, objects)
        for name, step in (("LimitRanger", _limit_ranger), ("ServiceAccount", _service_account),
                           ("Priority", _priority), ("DefaultTolerationSeconds", _default_tolerations),
                           ("RuntimeClass", _runtime_class)):
            record: Dict[str, Any] = {"plugin": name, "changed": []}
            records.append(record)
            step(ctx, record)
    except _Rejected as e:
        records[-1]["rejected"] = AdmissionRejection(e.code, e.reason, e.message)
    return work, tuple(AdmissionStep(**r) for r in records)


# -- decode: what the handler does before any plugin ---------------------------------------------------------------

_WIPED = ("creationTimestamp", "uid", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "managedFields")


def _decode(pod: Dict[str, Any], namespace: str, records: List[Dict[str, Any]]) -> Dict[str, Any]:
    from ..typed import TypedError
    from ..typed.roundtrip import roundtrip_pod

    record: Dict[str, Any] = {"plugin": "Decode", "changed": []}
    records.append(record)
    try:
        out = roundtrip_pod(pod)
    except TypedError as e:
        raise _Rejected(400, "BadRequest", f'Pod in version "v1" cannot be handled as a Pod: {e}') from None
    out["apiVersion"], out["kind"] = "v1", "Pod"
    meta = out.setdefault("metadata", {})
    for key in _WIPED:
        if key in meta:
            del meta[key]
            record["changed"].append("metadata." + key)
    if meta.get("namespace") != namespace:
        meta["namespace"] = namespace
        record["changed"].append("metadata.namespace")
    return out


def after_webhooks(pod: Mapping[str, Any]) -> Dict[str, Any]:
    """The pod as kube-apiserver stores it once the mutating webhooks answered: their JSON is decoded into the
    v1 Pod again and defaulted again, so fields a webhook added (an injected container's
    terminationMessagePath, a probe's periodSeconds, …) get their defaults. A copy; `pod` is not changed.
    (The in-tree plugins' second round, e.g. the ServiceAccount token mount of added containers, is not
    modelled here.)"""
    from ..typed.roundtrip import roundtrip_pod

    out = roundtrip_pod(copy.deepcopy(dict(pod)))
    apply_pod_defaults(out)
    return out
