"""namespaceSelector, with apiserver's edge cases (`predicates/namespace/matcher.go`).

The labels come from the namespace the request targets; a missing namespace is an error that surfaces
only if a rule matches — the dispatcher decides that, so this returns the error instead of raising.
"""
from __future__ import annotations

from collections.abc import Mapping as _Mapping  # typing.Mapping isinstance checks are slow on hot paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping, Optional, Tuple

from ...errors import SelectorError, SourcePos
from ..labels import parse_cached
from ...trace import Check, Outcome
from .request import AdmissionRequest


def match_namespace(raw_selector: Any, req: AdmissionRequest,
                    namespace_labels: Optional[Mapping[str, str]], cache=None) -> Tuple[Check, Optional[str]]:
    """Returns (check, deferred_error)."""
    if raw_selector is None:
        raw_selector = {}  # API defaulting turns a nil selector into {}
    is_namespace_object = req.resource == "namespaces"
    if not req.namespace and not is_namespace_object:
        return Check("namespaceSelector", Outcome.MATCH, message="cluster-scoped request: namespaceSelector ignored"), None
    if isinstance(raw_selector, _Mapping) and not raw_selector.get("matchLabels") and not raw_selector.get("matchExpressions"):
        return Check("namespaceSelector", Outcome.MATCH, expected={}, message="empty selector matches everything"), None
    try:
        selector = parse_cached(raw_selector, SourcePos("namespaceSelector"), cache)
    except SelectorError as e:
        return Check("namespaceSelector", Outcome.ERROR, expected=raw_selector, message=str(e)), f"invalid namespaceSelector: {e}"
    if namespace_labels is None:
        msg = f'namespaces "{req.namespace}" not found'
        return Check("namespaceSelector", Outcome.ERROR, expected=raw_selector, message=msg), msg
    check = selector.check("namespaceSelector", namespace_labels)
    return check, None
