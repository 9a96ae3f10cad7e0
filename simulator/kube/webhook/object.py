"""objectSelector (`predicates/object/matcher.go`): the new object's labels OR the old object's labels.

On CREATE only the new object exists; it is the object as already mutated by earlier webhooks.
"""
from __future__ import annotations

from collections.abc import Mapping as _Mapping  # typing.Mapping isinstance checks are slow on hot paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional, Tuple

from ..objects import labels_of
from ...trace import Check, Outcome
from .request import AdmissionRequest
from .selector import selector_for


def match_object(raw_selector: Any, req: AdmissionRequest, cache=None) -> Tuple[Check, Optional[str]]:
    selector, decided, error = selector_for(raw_selector, "objectSelector", cache)
    if decided is not None:
        return decided, error
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
