"""matchConditions: CEL expressions evaluated after selectors and rules (`matchconditions/matcher.go`).

Evaluated with cel-python, imported only when a webhook has conditions (it costs ~0.1 s to import).
apiserver type-checks expressions when the webhook is created; cel-python is dynamic, so the checks
that matter here are made explicitly: only the declared variables, and a bool result.
Semantics: any false → skip (false beats error); else any error → reject (Fail) or skip (Ignore).

Cost: kube-apiserver cancels an expression past 1,000,000 cost units (`PerCallLimit`; the condition then
errors) and gives all conditions of a webhook 2,500,000 together (`RuntimeCELCostBudgetMatchConditions`;
running out ends the evaluation as an error of the whole match, so Fail rejects and Ignore skips).
cel-go's cost model is not cel-python's, so cost is counted here as evaluation steps plus the size of
each value an expression builds (a character per ten, an item per one): the same order of magnitude for
the expressions webhooks use (tens of units), and a bound on time and memory for hostile ones (cel-python
runs some 60,000 units a second, so an expression at the limit takes seconds here, 0.1 s in apiserver).
`matches()` is Go's regexp on RE2 (cel-go's), not cel-python's own, whose RE2 logs to stderr.
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

PER_CALL_LIMIT = 1_000_000
MATCH_CONDITIONS_BUDGET = 2_500_000
COST_LIMIT_MESSAGE = "operation cancelled: actual cost limit exceeded"
OUT_OF_BUDGET_MESSAGE = "validation failed due to running out of cost budget, no further validation rules will be run"


class _CostExceeded(Exception):
    pass


class _Meter:
    __slots__ = ("used", "limit")

    def __init__(self, limit: int):
        self.used = 0
        self.limit = limit


_runner_class = None


def _runner():
    """cel-python's interpreter with a cost meter on every node it evaluates (macros included)."""
    global _runner_class
    if _runner_class is None:
        import celpy
        from celpy.evaluation import Evaluator

        class CostedEvaluator(Evaluator):
            meter = None

            def sub_evaluator(self, ast):
                sub = CostedEvaluator(ast, activation=self.activation)
                sub.meter = self.meter
                return sub

            def _visit_tree(self, tree):
                value = super()._visit_tree(tree)
                meter = self.meter
                if meter is not None:
                    meter.used += 1 + _size_cost(value)
                    if meter.used > meter.limit:
                        raise _CostExceeded()
                return value

        class CostedRunner(celpy.InterpretedRunner):
            def evaluate(self, context, meter=None):
                e = CostedEvaluator(ast=self.ast, activation=self.new_activation())
                e.meter = meter
                return e.evaluate(context)

        _runner_class = CostedRunner
    return _runner_class


def _size_cost(value: Any) -> int:
    if isinstance(value, (str, bytes)):
        return len(value) // 10
    if isinstance(value, (list, dict)):
        return len(value)
    return 0


def _cel_matches(text: Any, pattern: Any) -> Any:
    """CEL's matches(): cel-go hands the pattern to Go's regexp."""
    from celpy import celtypes
    from celpy.evaluation import CELEvalError

    from ...golang import regexp

    try:
        return celtypes.BoolType(regexp.compile_go(str(pattern)).match_string(str(text)))
    except (regexp.RegexpError, regexp.RegexpUnsupported) as e:
        return CELEvalError(str(e), type(e), None)


def _compile_now(expression: str) -> Tuple[Any, Optional[str]]:
    import celpy  # lazy: only webhooks with matchConditions pay for it (match_conditions checked it is there)

    stripped = _STRINGS.sub("''", expression)
    m = _UNDECLARED.search(stripped)
    if m:
        result = (None, f"undeclared reference to '{m.group(1)}' (not available to webhook matchConditions)")
    else:
        try:
            env = celpy.Environment(runner_class=_runner())
            result = (env.program(env.compile(expression), functions={"matches": _cel_matches}), None)
        except Exception as e:  # celpy's parse errors carry a caret diagram; keep the first line
            result = (None, "compilation failed: " + str(e).strip().splitlines()[0])
    return result


def _evaluate(program: Any, activation: Dict[str, Any], meter: Optional[_Meter] = None) -> Tuple[Optional[bool], Optional[str]]:
    from celpy import celtypes

    try:
        value = program.evaluate(activation, meter)
    except _CostExceeded:
        return None, COST_LIMIT_MESSAGE
    except RecursionError:
        return None, "expression nests too deeply to evaluate"
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
    except ImportError as e:    # cel-python, or the compiled google-re2 it imports
        from ...errors import ConfigError

        missing = "google-re2" if getattr(e, "name", "") == "re2" else "cel-python"
        raise ConfigError(f"this webhook has matchConditions, which need the CEL evaluator: the Python package "
                          f"{missing} is not installed (pip install cel-python google-re2)") from None

    activation = {
        "object": celpy.json_to_cel(req.object) if req.object is not None else None,
        "oldObject": celpy.json_to_cel(req.old_object) if req.old_object is not None else None,
        "request": celpy.json_to_cel(req.cel_request()),
        "namespaceObject": None,
    }
    children: List[Check] = []
    first_false: Optional[str] = None
    first_error: Optional[Tuple[str, str]] = None
    remaining = MATCH_CONDITIONS_BUDGET
    for i, cond in enumerate(conditions):
        name = str(cond.get("name", f"#{i}"))
        expr = str(cond.get("expression", ""))
        program, err = _compile(expr, cache)
        value = None
        if program is not None:
            if "authorizer" in _STRINGS.sub("''", expr):
                err = "authorizer checks need the live cluster's RBAC; they cannot be evaluated offline"
            else:
                meter = _Meter(PER_CALL_LIMIT)
                value, err = _evaluate(program, activation, meter)
                if meter.used > remaining:
                    children.append(Check(f"matchConditions[{i}]", Outcome.ERROR,
                                          expected={"name": name, "expression": expr}, message=OUT_OF_BUDGET_MESSAGE))
                    return _out_of_budget(children, name, failure_policy)
                remaining -= meter.used
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
        return _failed(children, f"condition {name!r} failed ({err})", failure_policy,
                       f"failed calling webhook: failed to evaluate match condition {name!r}: {err}")
    return Check("matchConditions", Outcome.MATCH, children=children), None, True


def _failed(children: List[Check], why: str, failure_policy: str, rejection: str) -> Tuple[Check, Optional[str], bool]:
    """The match errored: Ignore skips the webhook, Fail rejects the request with `rejection`."""
    if failure_policy == "Ignore":
        return Check("matchConditions", Outcome.ERROR, children=children,
                     message=f"{why}; failurePolicy Ignore skips the webhook"), None, False
    return (Check("matchConditions", Outcome.ERROR, children=children,
                  message=f"{why}; failurePolicy Fail rejects the request"), rejection, False)


def _out_of_budget(children: List[Check], name: str, failure_policy: str) -> Tuple[Check, Optional[str], bool]:
    """The webhook's conditions spent more than their shared budget: the whole match fails (no condition
    after this one is evaluated, and an earlier false does not count), as failurePolicy says."""
    return _failed(children, f"condition {name!r} ran out of the {MATCH_CONDITIONS_BUDGET:,} cost budget of the "
                             "webhook's matchConditions", failure_policy,
                   f"failed calling webhook: failed to evaluate match conditions: {OUT_OF_BUDGET_MESSAGE}")
