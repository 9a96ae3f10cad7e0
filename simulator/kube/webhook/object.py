"""objectSelector (`predicates/object/matcher.go`): the new object's labels OR the old object's labels.

On CREATE only the new object exists; it is the object as already mutated by earlier webhooks.
"""
from __future__ import annotations

from collections.abc import Mapping as _Mapping  # typing.Mapping isinstance checks are slow on hot paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional, Tuple

from ...errors import SelectorError, SourcePos
from ..objects import labels_of
from ..labels import parse_cached
from ...trace import Check, Outcome
from .request import AdmissionRequest


def match_object(raw_selector: Any, req: AdmissionRequest, cache=None) -> Tuple[Check, Optional[str]]:
    if raw_selector is None:
        raw_selector = {}
    if isinstance(raw_selector, _Mapping) and not raw_selector.get("matchLabels") and not raw_selector.get("matchExpressions"):
        return Check("objectSelector", Outcome.MATCH, expected={}, message="empty selector matches everything"), None
    try:
        selector = parse_cached(raw_selector, SourcePos("objectSelector"), cache)
    except SelectorError as e:
        return Check("objectSelector", Outcome.ERROR, expected=raw_selector, message=str(e)), f"invalid objectSelector: {e}"
    checks = []
    for side, obj in (("object", req.object), ("oldObject", req.old_object)):
        if isinstance(obj, _Mapping) and isinstance(obj.get("metadata"), _Mapping):
            c = selector.check("objectSelector", labels_of(obj))
            if c.outcome is Outcome.MATCH:
                if side == "oldObject":
                    c.message = "matched through the old object's labels"
                return c, None
            checks.append(c)
    if checks:
        return checks[0], None
    return Check("objectSelector", Outcome.NO_MATCH, expected=raw_selector, message="the object has no metadata"), None
