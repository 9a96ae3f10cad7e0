"""What a running pod has (sidecar, revision, proxy image), and a pod turned back into what its creator sent
(for a pod without a controller whose template could be asked instead)."""
from __future__ import annotations

import copy
import json
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Mapping, Optional

PROXY = "istio-proxy"
STATUS = "sidecar.istio.io/status"
TOKEN_VOLUME_PREFIX = "kube-api-access-"
#: What Istio's injection adds to a pod's metadata besides the containers and volumes its status lists.
INJECTED_ANNOTATIONS = (STATUS, "istio.io/rev", "kubectl.kubernetes.io/default-container",
                        "kubectl.kubernetes.io/default-logs-container", "prometheus.io/path", "prometheus.io/port",
                        "prometheus.io/scrape", "sidecar.istio.io/interceptionMode")
INJECTED_LABELS = ("security.istio.io/tlsMode", "service.istio.io/canonical-name", "service.istio.io/canonical-revision")


def _proxy(pod: Mapping[str, Any]) -> Optional[Mapping[str, Any]]:
    spec = pod.get("spec") or {}
    for field in ("containers", "initContainers"):
        for c in spec.get(field) or []:
            if isinstance(c, dict) and c.get("name") == PROXY:
                return c
    return None


def injection_status(pod: Mapping[str, Any]) -> Dict[str, Any]:
    """The injector's `sidecar.istio.io/status` annotation, decoded: what it added (containers, init
    containers, volumes) and its revision; {} when absent or unreadable."""
    raw = ((pod.get("metadata") or {}).get("annotations") or {}).get(STATUS)
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def pod_facts(pod: Mapping[str, Any]) -> Dict[str, Any]:
    """As `status` prints a pod: {name, sidecar, revision, proxyImage}."""
    md = pod.get("metadata") or {}
    proxy = _proxy(pod)
    revision = None
    if proxy is not None:
        revision = injection_status(pod).get("revision") or (md.get("labels") or {}).get("istio.io/rev") or None
    return {"name": md.get("name", ""), "sidecar": proxy is not None, "revision": revision,
            "proxyImage": proxy.get("image") if proxy is not None else None}


def proxy_image_of(pod: Mapping[str, Any]) -> Optional[str]:
    proxy = _proxy(pod)
    return proxy.get("image") if proxy is not None else None


def as_created(pod: Mapping[str, Any]) -> Dict[str, Any]:
    """The pod as its creator sent it, as far as it can be told: without what the API server, the
    scheduler and Istio's injection (per its status annotation) added. Used for pods no controller's
    template describes; the prediction then answers "this pod, created now"."""
    status = injection_status(pod)
    md = pod.get("metadata") or {}
    annotations = {k: v for k, v in (md.get("annotations") or {}).items() if k not in INJECTED_ANNOTATIONS}
    labels = {k: v for k, v in (md.get("labels") or {}).items() if k not in INJECTED_LABELS}
    meta = {"name": md.get("name", ""), "namespace": md.get("namespace", "")}
    for key in ("generateName", "ownerReferences"):     # the controller sent them, and Istio reads them
        if md.get(key):
            meta[key] = copy.deepcopy(md[key])
    if labels:
        meta["labels"] = labels
    if annotations:
        meta["annotations"] = annotations
    spec = copy.deepcopy(pod.get("spec") or {})
    injected = {"containers": set(status.get("containers") or []),
                "initContainers": set(status.get("initContainers") or []),
                "volumes": set(status.get("volumes") or [])}
    for field in ("containers", "initContainers", "volumes"):
        if field in spec:
            kept = [x for x in spec[field] or [] if not (isinstance(x, dict) and (
                x.get("name") in injected[field] or (field == "volumes" and str(x.get("name", "")).startswith(TOKEN_VOLUME_PREFIX))))]
            if kept:
                spec[field] = kept
            else:
                del spec[field]
    for field in ("containers", "initContainers"):
        for c in spec.get(field) or []:
            mounts = [m for m in c.get("volumeMounts") or []
                      if not str(m.get("name", "")).startswith(TOKEN_VOLUME_PREFIX) and m.get("name") not in injected["volumes"]]
            if mounts:
                c["volumeMounts"] = mounts
            else:
                c.pop("volumeMounts", None)
    for field in ("nodeName",):
        spec.pop(field, None)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
