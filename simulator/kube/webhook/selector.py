"""What namespaceSelector and objectSelector share: API defaulting makes a nil selector `{}`; a selector with
neither matchLabels nor matchExpressions matches everything; one that does not parse fails the request
(when a rule matches: the dispatcher decides that, so the error is returned, not raised)."""
from __future__ import annotations

from collections.abc import Mapping as _Mapping  # typing.Mapping isinstance checks are slow on hot paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional, Tuple

    from ..labels import Selector

from ...errors import SelectorError, SourcePos
from ...trace import Check, Outcome
from ..labels import parse_cached


def selector_for(raw_selector: Any, field: str, cache=None) -> Tuple[Optional[Selector], Optional[Check], Optional[str]]:
    """(selector, None, None) to check labels with, or (None, check, deferred error) when the selector alone
    decides: it matches everything, or it does not parse."""
    if raw_selector is None:
        raw_selector = {}
    if isinstance(raw_selector, _Mapping) and not raw_selector.get("matchLabels") and not raw_selector.get("matchExpressions"):
        return None, Check(field, Outcome.MATCH, expected={}, message="empty selector matches everything"), None
    try:
        return parse_cached(raw_selector, SourcePos(field), cache), None, None
    except SelectorError as e:
        return None, Check(field, Outcome.ERROR, expected=raw_selector, message=str(e)), f"invalid {field}: {e}"
