"""Priority: spec.priority and spec.preemptionPolicy from the pod's PriorityClass (or the globalDefault one).
"""

from __future__ import annotations

from .context import _Context, _name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict


#: The PriorityClasses every kube-apiserver creates at start-up (pkg/apis/scheduling/v1/helpers.go).
SYSTEM_PRIORITY_CLASSES = (
    {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "system-node-critical"},
     "value": 2000001000, "preemptionPolicy": "PreemptLowerPriority"},
    {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "system-cluster-critical"},
     "value": 2000000000, "preemptionPolicy": "PreemptLowerPriority"},
)


# -- Priority -------------------------------------------------------------------------------------------------

def _priority(ctx: _Context, record: Dict[str, Any]) -> None:
    spec = ctx.spec
    listed = ctx.listed("PriorityClass")
    classes = {_name(pc): pc for pc in SYSTEM_PRIORITY_CLASSES}
    classes.update({_name(pc): pc for pc in listed or []})
    class_name = spec.get("priorityClassName") or ""
    if class_name:
        pc = classes.get(class_name)
        if pc is None:
            if listed is None:
                record["skipped"] = "priority not predicted"
                record["notes"] = [f"PriorityClass {class_name} is not in the cluster state; the real apiserver "
                                   "sets priority from its value, or refuses the pod if it does not exist"]
                return
            raise ctx.forbidden(f"no PriorityClass with name {class_name} was found")
        value, policy = int(pc.get("value") or 0), pc.get("preemptionPolicy") or "PreemptLowerPriority"
    else:
        defaults = [pc for pc in (listed or []) if pc.get("globalDefault")]
        if defaults:
            pc = min(defaults, key=lambda p: int(p.get("value") or 0))
            class_name = _name(pc)
            value, policy = int(pc.get("value") or 0), pc.get("preemptionPolicy") or "PreemptLowerPriority"
            spec["priorityClassName"] = class_name
            record["changed"].append("spec.priorityClassName")
        else:
            value, policy = 0, "PreemptLowerPriority"
    given = spec.get("priority")
    if given is not None and given != value:
        raise ctx.forbidden(f"the integer value of priority ({given}) must not be provided in pod spec; priority "
                            f"admission controller computed {value} from the given PriorityClass name")
    if given is None:
        record["changed"].append("spec.priority")
    spec["priority"] = value
    given_policy = spec.get("preemptionPolicy")
    if given_policy is not None and given_policy != policy:
        raise ctx.forbidden(f"the string value of PreemptionPolicy ({given_policy}) must not be provided in pod "
                            f"spec; priority admission controller computed {policy} from the given PriorityClass name")
    if given_policy is None:
        record["changed"].append("spec.preemptionPolicy")
    spec["preemptionPolicy"] = policy
