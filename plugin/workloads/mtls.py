"""Which mutual-TLS mode PeerAuthentications put a pod in, as Istio resolves it: a policy with a selector in
the pod's namespace (its `matchLabels` all on the pod) › the namespace's policy without a selector › the
mesh-wide one (root namespace, no selector) › PERMISSIVE. Several at one level: the oldest wins. UNSET
inherits from the level above. Port-level overrides are reported, not resolved per port.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional, Tuple

STRICT = "STRICT"


def _mode(pa: Mapping[str, Any]) -> str:
    return str(((pa.get("spec") or {}).get("mtls") or {}).get("mode") or "UNSET").upper()


def _selector(pa: Mapping[str, Any]) -> Optional[Dict[str, str]]:
    sel = (pa.get("spec") or {}).get("selector")
    labels = (sel or {}).get("matchLabels") if isinstance(sel, dict) else None
    return labels if labels else None


def _oldest(pas: List[Mapping[str, Any]]) -> Optional[Mapping[str, Any]]:
    if not pas:
        return None
    return min(pas, key=lambda p: ((p.get("metadata") or {}).get("creationTimestamp") or "",
                                   (p.get("metadata") or {}).get("name") or ""))


def _name(pa: Mapping[str, Any]) -> str:
    md = pa.get("metadata") or {}
    return f"{md.get('namespace', '')}/{md.get('name', '')}"


class PeerAuthentications:
    def __init__(self, policies: List[Dict[str, Any]], root_namespace: str = "istio-system"):
        self.root = root_namespace
        self.by_namespace: Dict[str, List[Dict[str, Any]]] = {}
        for pa in policies:
            self.by_namespace.setdefault((pa.get("metadata") or {}).get("namespace", ""), []).append(pa)

    def mode_for(self, namespace: str, labels: Mapping[str, str]) -> Tuple[str, Optional[str]]:
        """(effective mode, the policy that set it or None for the PERMISSIVE default)."""
        mesh = _oldest([p for p in self.by_namespace.get(self.root, []) if _selector(p) is None])
        ns = _oldest([p for p in self.by_namespace.get(namespace, []) if _selector(p) is None]) \
            if namespace != self.root else mesh
        workload = _oldest([p for p in self.by_namespace.get(namespace, [])
                            if _selector(p) and all(labels.get(k) == v for k, v in _selector(p).items())])
        mode, source = "PERMISSIVE", None
        for level in (mesh, ns, workload):
            if level is not None and _mode(level) != "UNSET":
                mode, source = _mode(level), _name(level)
        return mode, source

    def strict_elsewhere(self) -> List[str]:
        """The STRICT policies in force anywhere (namespace-wide, mesh-wide or by selector)."""
        return sorted(_name(p) for pas in self.by_namespace.values() for p in pas if _mode(p) == STRICT)
