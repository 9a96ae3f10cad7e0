"""How deeply nested data the engine follows, and the checks that keep input within it.

go-yaml and encoding/json allow 10,000 levels; the engine walks objects recursively (copies, merges,
diffs, the typed round trip) and Python's stack gives out near 500.  No Kubernetes object, Istio value or
annotation nests past a few dozen, so input nested deeper than MAX_DEPTH is refused with an error that says
it is this tool's limit, at the place it is read: a document (plugin/inputs.py), a JSON or YAML text inside
one (an annotation, the injector's values and config, the mesh config) and the text a template renders.
"""
from __future__ import annotations

import json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional

MAX_DEPTH = 200

#: The words every refusal ends with, so that all of them read alike.
BEYOND = f"nests more than {MAX_DEPTH} levels deep, more than kubectl-inject follows (no Kubernetes object needs as many)"


class TooDeep(ValueError):
    """A text or value nested beyond MAX_DEPTH.  A ValueError, so that a caller reading JSON as Go's
    json.Unmarshal does (an undecodable value is an error, or skipped) still treats it as not decoded."""

    def __init__(self) -> None:
        super().__init__(BEYOND)


def too_deep(obj: Any) -> Optional[str]:
    """The top-level field under which `obj` nests more than MAX_DEPTH levels ("" for a top-level list
    or the object itself), or None.  Iterative: the check must not itself run out of stack."""
    stack = [(obj, 1, "")]
    pop, push = stack.pop, stack.append
    while stack:
        o, depth, top = pop()
        if depth > MAX_DEPTH:
            return top
        if o.__class__ is dict:
            for k, v in o.items():
                if v.__class__ is dict or v.__class__ is list:
                    push((v, depth + 1, top if depth > 2 else f"{top}.{k}" if top else str(k)))
        elif o.__class__ is list:
            for i, v in enumerate(o):
                if v.__class__ is dict or v.__class__ is list:
                    push((v, depth + 1, top if depth > 2 else f"{top}[{i}]"))
    return None


#: encoding/json's maxNestingDepth: Go's decoder refuses JSON that opens more than this many arrays and
#: objects at once (the document itself is the first), whatever the type it decodes into.
GO_JSON_MAX_DEPTH = 10000


def go_json_depth_error(obj: Any) -> Optional[str]:
    """encoding/json's error for `obj` as JSON text, when it nests beyond GO_JSON_MAX_DEPTH (the bracket
    that opens one level too many), or None."""
    stack = [(obj, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        o, depth = pop()
        if depth > GO_JSON_MAX_DEPTH:
            return "invalid character '%s' exceeded max depth" % ("{" if o.__class__ is dict else "[")
        if o.__class__ is dict:
            for v in o.values():
                if v.__class__ is dict or v.__class__ is list:
                    push((v, depth + 1))
        elif o.__class__ is list:
            for v in o:
                if v.__class__ is dict or v.__class__ is list:
                    push((v, depth + 1))
    return None


def text_too_deep(text: Any) -> bool:
    """Whether JSON (or YAML flow) text opens more than MAX_DEPTH brackets at once outside its quoted
    strings.  A text with fewer brackets than that in all is answered without a scan."""
    if not isinstance(text, str) or text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    depth = 0
    quote = ""
    escaped = False
    for ch in text:
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\" and quote == '"':
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch == '"' or ch == "'":
            quote = ch
        elif ch == "[" or ch == "{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif (ch == "]" or ch == "}") and depth:
            depth -= 1
    return False


def json_loads(text: Any, **kwargs: Any) -> Any:
    """json.loads, refusing (TooDeep) what nests beyond MAX_DEPTH before Python's decoder recurses."""
    if text_too_deep(text):
        raise TooDeep()
    return json.loads(text, **kwargs)
