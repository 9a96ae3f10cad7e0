"""RuntimeClass: the class's pod overhead, node selector and tolerations (merged as pkg/util/tolerations does).
"""

from __future__ import annotations

from collections.abc import Mapping as _Mapping

from .context import _Context, _name, _quantity, _same_resources

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping


# -- RuntimeClass ---------------------------------------------------------------------------------------------

def _toleration_key(t: Mapping[str, Any]):
    return (t.get("key") or "", t.get("operator") or "", t.get("value") or "", t.get("effect") or "",
            t.get("tolerationSeconds"))


def _is_superset(ss: Mapping[str, Any], t: Mapping[str, Any]) -> bool:
    """Whether toleration `ss` tolerates everything `t` does (pkg/util/tolerations)."""
    if _toleration_key(ss) == _toleration_key(t):
        return True
    ss_key, ss_op, ss_value, ss_effect, ss_seconds = _toleration_key(ss)
    t_key, t_op, t_value, t_effect, t_seconds = _toleration_key(t)
    if t_key != ss_key and (ss_key != "" or ss_op != "Exists"):
        return False
    if t_effect != ss_effect and ss_effect != "":
        return False
    if ss_effect == "NoExecute" and ss_seconds is not None:
        if t_seconds is None or t_seconds > ss_seconds:
            return False
    if ss_op in ("Equal", ""):
        return t_op == "Equal" and t_value == ss_value
    return ss_op == "Exists"


def merge_tolerations(first: List[Mapping[str, Any]], second: List[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    everything = list(first) + list(second)
    merged: List[Mapping[str, Any]] = []
    for i, t in enumerate(everything):
        if any(_is_superset(m, t) for m in merged):
            continue
        if any(_toleration_key(t) != _toleration_key(t2) and _is_superset(t2, t) for t2 in everything[i + 1:]):
            continue
        merged.append(t)
    return merged


def _runtime_class(ctx: _Context, record: Dict[str, Any]) -> None:
    spec = ctx.spec
    name = spec.get("runtimeClassName")
    if name is None:
        record["skipped"] = "no runtimeClassName"
        return
    listed = ctx.listed("RuntimeClass")
    if listed is None:
        record["notes"] = [f"RuntimeClass {name} is not in the cluster state; assumed to have no overhead and "
                           "no scheduling constraints"]
        return
    rc = next((o for o in listed if _name(o) == name), None)
    if rc is None:
        raise ctx.forbidden(f'pod rejected: RuntimeClass "{name}" not found')
    overhead = rc.get("overhead")
    if isinstance(overhead, _Mapping):
        fixed = {k: _quantity(v) for k, v in (overhead.get("podFixed") or {}).items()}
        current = {k: _quantity(v) for k, v in (spec.get("overhead") or {}).items()}
        if current and not _same_resources(current, fixed):
            raise ctx.forbidden("pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead")
        if fixed:
            if spec.get("overhead") != fixed:
                record["changed"].append("spec.overhead")
            spec["overhead"] = fixed
        else:
            spec.pop("overhead", None)
    scheduling = rc.get("scheduling")
    if not isinstance(scheduling, _Mapping):
        return
    selector = dict(scheduling.get("nodeSelector") or {})
    if spec.get("nodeSelector"):
        merged = spec["nodeSelector"]
        for key, value in selector.items():
            if key in merged and merged[key] != value:
                raise ctx.forbidden(f"conflict: runtimeClass.scheduling.nodeSelector[{key}] = {value}; "
                                    f"pod.spec.nodeSelector[{key}] = {merged[key]}")
            if key not in merged:
                record["changed"].append(f"spec.nodeSelector.{key}")
            merged[key] = value
    elif selector:
        spec["nodeSelector"] = selector
        record["changed"] += [f"spec.nodeSelector.{k}" for k in selector]
    extra = [dict((k, v) for k, v in t.items() if v not in (None, "")) for t in scheduling.get("tolerations") or []
             if isinstance(t, _Mapping)]
    before = spec.get("tolerations") or []
    after = merge_tolerations(before, extra)
    if [_toleration_key(t) for t in after] != [_toleration_key(t) for t in before]:
        spec["tolerations"] = [dict(t) for t in after]
        record["changed"].append("spec.tolerations")
