"""Rule matching: scope, operation, group, version, resource/subresource must all match one rule.

Mirrors `predicates/rules/rules.go`. Pods are served only as core `v1 pods`, so matchPolicy
`Equivalent` has no equivalent resource to retry with; the explanation says so rather than guessing
equivalences for other resources.
"""
from __future__ import annotations

from collections.abc import Mapping as _Mapping  # typing.Mapping isinstance checks are slow on hot paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, List, Mapping, Optional, Tuple

from ...trace import Check, Outcome
from .request import AdmissionRequest

ALL_OPERATIONS = ("CREATE", "UPDATE", "DELETE", "CONNECT")


def _resource_matches(entry: str, resource: str, subresource: str) -> bool:
    res, _, sub = entry.partition("/")
    if res != "*" and res != resource:
        return False
    if sub == "*":
        return True
    return sub == subresource


def _scope_matches(scope: str, req: AdmissionRequest) -> bool:
    if scope in ("*", None, ""):
        return True
    is_namespace_object = req.group == "" and req.version == "v1" and req.resource == "namespaces"
    if scope == "Namespaced":
        return bool(req.namespace) and not is_namespace_object
    if scope == "Cluster":
        return not req.namespace or is_namespace_object
    return False


def match_rule(rule: Mapping[str, Any], req: AdmissionRequest, index: int) -> Check:
    parts: List[Check] = []

    def part(name: str, ok: bool, expected: Any, observed: Any) -> None:
        parts.append(Check(name, Outcome.MATCH if ok else Outcome.NO_MATCH, expected=expected, observed=observed))

    ops = list(rule.get("operations") or [])
    part("operations", "*" in ops or req.operation in ops, ops, req.operation)
    groups = list(rule.get("apiGroups") or [])
    part("apiGroups", "*" in groups or req.group in groups, groups, req.group)
    versions = list(rule.get("apiVersions") or [])
    part("apiVersions", "*" in versions or req.version in versions, versions, req.version)
    resources = list(rule.get("resources") or [])
    observed_res = req.resource + (f"/{req.subresource}" if req.subresource else "")
    part("resources", any(_resource_matches(str(e), req.resource, req.subresource) for e in resources), resources, observed_res)
    scope = rule.get("scope") or "*"
    part("scope", _scope_matches(scope, req), scope, "Namespaced" if req.namespace else "Cluster")
    ok = all(p.outcome is Outcome.MATCH for p in parts)
    return Check(f"rules[{index}]", Outcome.MATCH if ok else Outcome.NO_MATCH, children=parts)


def match_rules(rules: Any, req: AdmissionRequest) -> Tuple[Check, Optional[int]]:
    """All rules are recorded; the first matching index is what the explanation names."""
    rules = rules or []
    children = [match_rule(r, req, i) for i, r in enumerate(rules) if isinstance(r, _Mapping)]
    first = next((i for i, c in enumerate(children) if c.outcome is Outcome.MATCH), None)
    message = None if rules else "a webhook with no rules matches nothing"
    return (Check("rules", Outcome.MATCH if first is not None else Outcome.NO_MATCH,
                  observed={"operation": req.operation, "resource": f"{req.group}/{req.version}/{req.resource}"},
                  children=children, message=message), first)
