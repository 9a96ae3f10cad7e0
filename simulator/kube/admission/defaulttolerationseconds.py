"""DefaultTolerationSeconds: 300-second NoExecute tolerations of the not-ready and unreachable taints.
"""

from __future__ import annotations

from .context import _Context

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict


DEFAULT_TOLERATION_SECONDS = 300
NOT_READY_TAINT = "node.kubernetes.io/not-ready"
UNREACHABLE_TAINT = "node.kubernetes.io/unreachable"


# -- DefaultTolerationSeconds ---------------------------------------------------------------------------------

def _default_tolerations(ctx: _Context, record: Dict[str, Any]) -> None:
    tolerations = ctx.spec.get("tolerations") or []

    def tolerated(taint: str) -> bool:
        return any(isinstance(t, dict) and t.get("key", "") in (taint, "") and t.get("effect", "") in ("NoExecute", "")
                   for t in tolerations)

    added = [{"key": taint, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": DEFAULT_TOLERATION_SECONDS}
             for taint in (NOT_READY_TAINT, UNREACHABLE_TAINT) if not tolerated(taint)]
    if added:
        ctx.spec["tolerations"] = list(tolerations) + added
        record["changed"] += [f"spec.tolerations[{t['key']}]" for t in added]
