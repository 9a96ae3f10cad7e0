"""namespaceSelector, with apiserver's edge cases (`predicates/namespace/matcher.go`).

The labels come from the namespace the request targets; a missing namespace is an error that surfaces
only if a rule matches — the dispatcher decides that, so this returns the error instead of raising.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping, Optional, Tuple

from ...trace import Check, Outcome
from .request import AdmissionRequest
from .selector import selector_for


def match_namespace(raw_selector: Any, req: AdmissionRequest,
                    namespace_labels: Optional[Mapping[str, str]], cache=None) -> Tuple[Check, Optional[str]]:
    """Returns (check, deferred_error)."""
    is_namespace_object = req.resource == "namespaces"
    if not req.namespace and not is_namespace_object:
        return Check("namespaceSelector", Outcome.MATCH, message="cluster-scoped request: namespaceSelector ignored"), None
    selector, decided, error = selector_for(raw_selector, "namespaceSelector", cache)
    if decided is not None:
        return decided, error
    if namespace_labels is None:
        msg = f'namespaces "{req.namespace}" not found'
        return Check("namespaceSelector", Outcome.ERROR, expected=raw_selector, message=msg), msg
    check = selector.check("namespaceSelector", namespace_labels)
    return check, None
