"""LimitRanger: container requests and limits from the namespace's LimitRanges (default, defaultRequest,
max, min of their Container items), and the `kubernetes.io/limit-ranger` annotation saying what it set.
"""

from __future__ import annotations

from collections.abc import Mapping as _Mapping

from .context import _Context, _quantity

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Mapping, Tuple


LIMIT_RANGER_ANNOTATION = "kubernetes.io/limit-ranger"


# -- LimitRanger ----------------------------------------------------------------------------------------------

def _container_defaults(limit_range: Mapping[str, Any]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """(default requests, default limits) of a LimitRange, after the API defaulting of its Container items."""
    requests: Dict[str, Any] = {}
    limits: Dict[str, Any] = {}
    for item in ((limit_range.get("spec") or {}).get("limits") or []):
        if not isinstance(item, _Mapping) or item.get("type") != "Container":
            continue
        default = {k: _quantity(v) for k, v in (item.get("default") or {}).items()}
        default_request = {k: _quantity(v) for k, v in (item.get("defaultRequest") or {}).items()}
        for k, v in (item.get("max") or {}).items():
            default.setdefault(k, _quantity(v))
        for k, v in default.items():
            default_request.setdefault(k, v)
        for k, v in (item.get("min") or {}).items():
            default_request.setdefault(k, _quantity(v))
        requests.update(default_request)
        limits.update(default)
    return requests, limits


def _limit_ranger(ctx: _Context, record: Dict[str, Any]) -> None:
    ranges = ctx.listed("LimitRange") or []
    if not ranges:
        record["skipped"] = "no LimitRange in the namespace"
        return
    if len(ranges) > 1:
        record["notes"] = ["several LimitRanges: the apiserver applies them in its cache's order, the simulator "
                           "in the cluster state's"]
    for lr in ranges:
        default_requests, default_limits = _container_defaults(lr)
        annotations = []
        for field, path, c in ctx.containers("containers", "initContainers"):
            label = "container" if field == "containers" else "init container"
            resources = c.setdefault("resources", {})
            set_requests, set_limits = [], []
            for key, defaults, set_ in (("limits", default_limits, set_limits),
                                        ("requests", default_requests, set_requests)):
                current = resources.get(key) or {}
                for k, v in defaults.items():
                    if k not in current:
                        current[k] = v
                        set_.append(k)
                        record["changed"].append(f"{path}.resources.{key}.{k}")
                if current:
                    resources[key] = current
            if set_requests:
                annotations.append(", ".join(sorted(set_requests)) + f" request for {label} {c.get('name', '')}")
            if set_limits:
                annotations.append(", ".join(sorted(set_limits)) + f" limit for {label} {c.get('name', '')}")
        if annotations:
            ctx.meta.setdefault("annotations", {})[LIMIT_RANGER_ANNOTATION] = \
                "LimitRanger plugin set: " + "; ".join(annotations)
            record["changed"].append("metadata.annotations." + LIMIT_RANGER_ANNOTATION)
