"""What every admission plugin is handed (the pod being admitted, its namespace, the cluster objects
it may look up) and how it refuses the pod; plus the quantity helpers LimitRanger and RuntimeClass share.
"""

from __future__ import annotations

from ..defaults import round_up_milli

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional


class _Rejected(Exception):
    def __init__(self, code: int, reason: str, message: str):
        super().__init__(message)
        self.code, self.reason, self.message = code, reason, message


# -- shared helpers ---------------------------------------------------------------------------------------------

class _Context:
    def __init__(self, pod: Dict[str, Any], namespace: str, objects: Mapping[str, Any]):
        self.pod = pod
        self.spec = pod.setdefault("spec", {})
        self.meta = pod.setdefault("metadata", {})
        self.namespace = namespace
        self.objects = objects

    def listed(self, kind: str) -> Optional[List[Mapping[str, Any]]]:
        """The objects of `kind` in the cluster state (namespaced kinds: this namespace's), None if unknown."""
        items = self.objects.get(kind)
        if items is None:
            return None
        out = []
        for o in items:
            ns = (o.get("metadata") or {}).get("namespace")
            if kind in ("ServiceAccount", "LimitRange") and ns not in (None, "", self.namespace):
                continue
            out.append(o)
        return out

    def forbidden(self, message: str) -> _Rejected:
        # admission.NewForbidden names the pod by name, else by generateName (names are generated later).
        name = self.meta.get("name") or self.meta.get("generateName") or "Unknown"
        return _Rejected(403, "Forbidden", f'pods "{name}" is forbidden: {message}')

    def containers(self, *fields: str):
        for field in fields:
            for i, c in enumerate(self.spec.get(field) or []):
                if isinstance(c, dict):
                    yield field, f"spec.{field}[{c.get('name') or i}]", c


def _name(obj: Mapping[str, Any]) -> str:
    return (obj.get("metadata") or {}).get("name") or ""


def _quantity(v: Any) -> Any:
    from ..typed import TypedError
    from ..typed.quantity import canonical_quantity

    text = str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
    if not isinstance(text, str):
        return v
    try:
        return round_up_milli(canonical_quantity(text.strip()))
    except TypedError:
        return text


def _same_resources(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Semantic equality of two ResourceLists: "1Gi" and "1073741824" are the same quantity."""
    from fractions import Fraction

    from ..typed import TypedError
    from ..typed.quantity import _parse_quantity

    def value(v: Any):
        try:
            unscaled, exp, _fmt, _cached = _parse_quantity(str(v))
        except TypedError:
            return v
        return Fraction(unscaled) * Fraction(10) ** exp

    return a.keys() == b.keys() and all(value(a[k]) == value(b[k]) for k in a)
