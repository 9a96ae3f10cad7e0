"""matchConditions: CEL expressions evaluated after selectors and rules (`matchconditions/matcher.go`).

Evaluated with cel-python, imported only when a webhook has conditions (it costs ~0.1 s to import).
apiserver type-checks expressions when the webhook is created; cel-python is dynamic, so the checks
that matter here are made explicitly: only the declared variables, and a bool result.
Semantics: any false → skip (false beats error); else any error → reject (Fail) or skip (Ignore).
"""
from __future__ import annotations

from collections.abc import Mapping as _Mapping  # typing.Mapping isinstance checks are slow on hot paths

import re
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Tuple

from ...trace import Check, Outcome
from .request import AdmissionRequest

DECLARED = ("object", "oldObject", "request", "authorizer", "namespaceObject")
_UNDECLARED = re.compile(r"(?<![.\w'\"])(params|variables)\b")
_STRINGS = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"")

def _compile(expression: str, cache: Any = None) -> Tuple[Any, Optional[str]]:
    """(program, compile_error), kept in `cache` (an EngineCache, or None) by expression text."""
    if cache is None:
        return _compile_now(expression)
    return cache.recall(("cel", expression), lambda: _compile_now(expression))


def _compile_now(expression: str) -> Tuple[Any, Optional[str]]:
    import celpy  # lazy: only webhooks with matchConditions pay for it (match_conditions checked it is there)

    stripped = _STRINGS.sub("''", expression)
    m = _UNDECLARED.search(stripped)
    if m:
        result = (None, f"undeclared reference to '{m.group(1)}' (not available to webhook matchConditions)")
    else:
        try:
            env = celpy.Environment()
            result = (env.program(env.compile(expression)), None)
        except Exception as e:  # celpy's parse errors carry a caret diagram; keep the first line
            result = (None, "compilation failed: " + str(e).strip().splitlines()[0])
    return result


def _evaluate(program: Any, activation: Dict[str, Any]) -> Tuple[Optional[bool], Optional[str]]:
    from celpy import celtypes

    try:
        value = program.evaluate(activation)
    except Exception as e:
        return None, _eval_message(e)
    if isinstance(value, celtypes.BoolType) or isinstance(value, bool):
        return bool(value), None
    return None, f"expression must evaluate to bool, got {type(value).__name__.replace('Type', '').lower()}"


def _eval_message(e: Exception) -> str:
    args = getattr(e, "args", ())
    if args and isinstance(args[0], str):
        text = args[0]
        if text.startswith("undeclared reference"):
            text = text.split(" (in activation")[0]
        if len(args) > 2 and args[2]:
            detail = ", ".join(str(a) for a in args[2])
            return f"{text}: {detail}"
        return text
    return str(e)


def match_conditions(conditions: Any, req: AdmissionRequest, failure_policy: str,
                     cache: Any = None) -> Tuple[Check, Optional[str], bool]:
    """Returns (check, rejection_message, call). `rejection_message` is set when the request fails.
    `cache` (an EngineCache, or None) keeps compiled programs."""
    conditions = [c for c in (conditions or []) if isinstance(c, _Mapping)]
    if not conditions:
        return Check("matchConditions", Outcome.MATCH, message="no matchConditions"), None, True
    try:
        import celpy
    except ImportError:
        from ...errors import ConfigError

        raise ConfigError("this webhook has matchConditions, which need the CEL evaluator: pip install cel-python") from None

    activation = {
        "object": celpy.json_to_cel(req.object) if req.object is not None else None,
        "oldObject": celpy.json_to_cel(req.old_object) if req.old_object is not None else None,
        "request": celpy.json_to_cel(req.cel_request()),
        "namespaceObject": None,
    }
    children: List[Check] = []
    first_false: Optional[str] = None
    first_error: Optional[Tuple[str, str]] = None
    for i, cond in enumerate(conditions):
        name = str(cond.get("name", f"#{i}"))
        expr = str(cond.get("expression", ""))
        program, err = _compile(expr, cache)
        value = None
        if program is not None:
            if "authorizer" in _STRINGS.sub("''", expr):
                err = "authorizer checks need the live cluster's RBAC; they cannot be evaluated offline"
            else:
                value, err = _evaluate(program, activation)
        if err is not None:
            children.append(Check(f"matchConditions[{i}]", Outcome.ERROR, expected={"name": name, "expression": expr}, message=err))
            first_error = first_error or (name, err)
        else:
            children.append(Check(f"matchConditions[{i}]", Outcome.MATCH if value else Outcome.NO_MATCH,
                                  expected={"name": name, "expression": expr}, observed=value))
            if not value and first_false is None:
                first_false = name
    if first_false is not None:
        return Check("matchConditions", Outcome.NO_MATCH, children=children,
                     message=f"condition {first_false!r} is false"), None, False
    if first_error is not None:
        name, err = first_error
        if failure_policy == "Ignore":
            return Check("matchConditions", Outcome.ERROR, children=children,
                         message=f"condition {name!r} failed ({err}); failurePolicy Ignore skips the webhook"), None, False
        return (Check("matchConditions", Outcome.ERROR, children=children,
                      message=f"condition {name!r} failed ({err}); failurePolicy Fail rejects the request"),
                f"failed calling webhook: failed to evaluate match condition {name!r}: {err}", False)
    return Check("matchConditions", Outcome.MATCH, children=children), None, True
