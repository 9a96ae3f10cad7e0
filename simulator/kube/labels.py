"""Label selectors with apimachinery's semantics (`LabelSelectorAsSelector` + `labels.Selector`).

Parsing is separate from matching because the two callers treat a parse failure differently:
kube-apiserver remembers it and fails the request only if a rule matches; Istio's injector skips that
selector with a warning. Each match returns a `Check` per requirement so the explanation can name the
exact expression and label value that decided.
"""
from __future__ import annotations

from collections.abc import Mapping as _Mapping  # typing.Mapping isinstance checks are slow on hot paths

import re
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional, Tuple

from ..errors import SelectorError, SourcePos
from ..trace import Check, Outcome
from ..records import FrozenRecord

_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def label_key_error(key: Any) -> Optional[str]:
    """Why `key` is not a qualified name (label key / matchCondition name), or None when it is."""
    if not isinstance(key, str) or key == "":
        return "name part must be non-empty"
    parts = key.split("/")
    if len(parts) > 2:
        return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/'"
    if len(parts) == 2:
        prefix, name = parts
        if prefix == "":
            return "prefix part must be non-empty"
        if len(prefix) > 253 or not _DNS1123_SUBDOMAIN.match(prefix):
            return "prefix part must be a lowercase RFC 1123 subdomain"
    else:
        name = parts[0]
    if name == "":
        return "name part must be non-empty"
    if len(name) > 63:
        return "name part must be no more than 63 characters"
    if not _NAME.match(name):
        return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
    return None


def label_value_error(value: Any) -> Optional[str]:
    if not isinstance(value, str):
        return "a label value must be a string"
    if value == "":
        return None
    if len(value) > 63:
        return "must be no more than 63 characters"
    if not _NAME.match(value):
        return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
    return None


class Requirement(FrozenRecord):
    _fields = ("key", "operator", "values", "field")

    def __init__(self, key: str, operator: str, values: Tuple[str, ...], field: str):
        self.key = key
        self.operator = operator
        self.values = values
        self.field = field  # where it was written, e.g. "matchExpressions[1]" or "matchLabels.app"

    def as_written(self) -> Dict[str, Any]:
        d: Dict[str, Any] = {"key": self.key, "operator": self.operator}
        if self.values:
            d["values"] = list(self.values)
        return d

    def matches(self, labels: Mapping[str, str]) -> bool:
        op = self.operator
        if op == "In":
            return self.key in labels and labels[self.key] in self.values
        if op == "NotIn":
            return self.key not in labels or labels[self.key] not in self.values
        if op == "Exists":
            return self.key in labels
        return self.key not in labels  # DoesNotExist


class Selector(FrozenRecord):
    """A parsed selector. `everything` = `{}`; `nothing` = nil (apimachinery's Nothing())."""

    _fields = ("requirements", "everything", "nothing", "source")

    def __init__(self, requirements: Tuple[Requirement, ...], everything: bool = False, nothing: bool = False,
                 source: Any = None):
        self.requirements = requirements
        self.everything = everything
        self.nothing = nothing
        self.source = source

    def matches(self, labels: Mapping[str, str]) -> bool:
        if self.nothing:
            return False
        return all(r.matches(labels) for r in self.requirements)

    def check(self, predicate: str, labels: Mapping[str, str]) -> Check:
        """Evaluate in order and record each requirement; requirements after the first failure are
        still evaluated, because "which other labels would also be needed" is what learners ask next."""
        observed = dict(labels)
        if self.nothing:
            return Check(predicate, Outcome.NO_MATCH, expected=None, observed=observed, message="nil selector matches nothing")
        if self.everything:
            return Check(predicate, Outcome.MATCH, expected={}, observed=observed, message="empty selector matches everything")
        children = []
        for r in self.requirements:
            ok = r.matches(labels)
            children.append(Check(r.field, Outcome.MATCH if ok else Outcome.NO_MATCH, expected=r.as_written(),
                                  observed={r.key: labels.get(r.key)} if r.key in labels else {r.key: None}))
        outcome = Outcome.MATCH if all(c.outcome is Outcome.MATCH for c in children) else Outcome.NO_MATCH
        return Check(predicate, outcome, expected=self.source, observed=observed, children=children)


def parse_selector(raw: Any, pos: SourcePos = SourcePos()) -> Selector:
    """`metav1.LabelSelector` → `Selector`, raising `SelectorError` where apimachinery would fail."""
    if raw is None:
        return Selector((), nothing=True, source=None)
    if not isinstance(raw, _Mapping):
        raise SelectorError(f"a label selector must be a mapping, got {type(raw).__name__}", pos=pos)
    match_labels = raw.get("matchLabels") or {}
    expressions = raw.get("matchExpressions") or []
    if not isinstance(match_labels, _Mapping):
        raise SelectorError("matchLabels must be a mapping of label keys to values", pos=pos.at("matchLabels"))
    if not isinstance(expressions, list):
        raise SelectorError("matchExpressions must be a list", pos=pos.at("matchExpressions"))
    if not match_labels and not expressions:
        return Selector((), everything=True, source=dict(raw))
    reqs: List[Requirement] = []
    for key, value in match_labels.items():
        where = pos.at(f"matchLabels.{key}")
        err = label_key_error(key)
        if err:
            raise SelectorError(f"invalid label key {key!r}: {err}", pos=where)
        if isinstance(value, bool) or value is None or isinstance(value, (int, float)):
            raise SelectorError(f"label value for {key!r} must be a string, got {value!r} (quote it in YAML)", pos=where)
        err = label_value_error(value)
        if err:
            raise SelectorError(f"invalid label value {value!r}: {err}", pos=where)
        reqs.append(Requirement(key, "In", (value,), f"matchLabels.{key}"))
    for i, expr in enumerate(expressions):
        where = pos.at(f"matchExpressions[{i}]")
        if not isinstance(expr, _Mapping):
            raise SelectorError("each matchExpressions entry must be a mapping with key, operator and values", pos=where)
        key = expr.get("key")
        op = expr.get("operator")
        values = expr.get("values") or []
        err = label_key_error(key)
        if err:
            raise SelectorError(f"invalid label key {key!r}: {err}", pos=where.at("key"))
        if op not in OPERATORS:
            raise SelectorError(f"{op!r} is not a valid label selector operator (one of In, NotIn, Exists, DoesNotExist)",
                                pos=where.at("operator"))
        if not isinstance(values, list):
            raise SelectorError("values must be a list", pos=where.at("values"))
        if op in ("In", "NotIn") and not values:
            raise SelectorError("for 'In', 'NotIn' operators, values set can't be empty", pos=where.at("values"))
        if op in ("Exists", "DoesNotExist") and values:
            raise SelectorError("values set must be empty for exists and does not exist", pos=where.at("values"))
        for j, v in enumerate(values):
            if not isinstance(v, str):
                raise SelectorError(f"value {v!r} must be a string (quote it in YAML)", pos=where.at(f"values[{j}]"))
            err = label_value_error(v)
            if err:
                raise SelectorError(f"invalid label value {v!r}: {err}", pos=where.at(f"values[{j}]"))
        reqs.append(Requirement(key, op, tuple(values), f"matchExpressions[{i}]"))
    return Selector(tuple(reqs), source=dict(raw))


def parse_cached(raw: Any, pos: SourcePos, cache: Any) -> Selector:
    """`parse_selector`, the result (or the error) kept in `cache` (an EngineCache, or None) for this very
    selector object and field."""
    if cache is None:
        return parse_selector(raw, pos)

    def parse():
        try:
            return parse_selector(raw, pos)
        except SelectorError as e:
            return e

    hit = cache.recall_for(("selector", pos.field), raw, parse)
    if isinstance(hit, SelectorError):
        raise hit
    return hit
