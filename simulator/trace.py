"""The explanation as data: stable ids, per-step evidence, and the verdict.

Sentences are made only by the plugin's printers; tests and `-o json` read these ids, which the
acceptance cases in `shared/cases` depend on, so each id is defined exactly once, here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Dict, List, Optional, Tuple


class Stage(str, Enum):
    ADMISSION_CHAIN = "admission-chain"        # API defaulting and the in-tree plugins before the webhooks
    WEBHOOK_SELECTION = "webhook-selection"
    POLICY = "policy"
    TEMPLATE = "template"


class Verdict(str, Enum):
    INJECTED = "injected"
    NOT_INJECTED = "not-injected"
    REJECTED = "rejected"


class Outcome(str, Enum):
    MATCH = "match"
    NO_MATCH = "no-match"
    ERROR = "error"
    NOT_EVALUATED = "not-evaluated"
    SKIPPED = "skipped"


class RuleId(str, Enum):
    # verdict-deciding rules (decidedBy.rule)
    NO_MATCHING_WEBHOOK = "no-matching-webhook"
    WEBHOOK_REJECTED = "webhook-rejected"          # selection itself failed the request (selector/namespace/CEL error)
    ADMISSION_PLUGIN_REJECTED = "admission-plugin-rejected"   # an in-tree plugin (ServiceAccount, Priority...) refused it
    HOST_NETWORK = "host-network"
    IGNORED_NAMESPACE = "ignored-namespace"
    INJECT_LABEL = "inject-label"
    INJECT_ANNOTATION = "inject-annotation"
    NEVER_INJECT_SELECTOR = "never-inject-selector"
    ALWAYS_INJECT_SELECTOR = "always-inject-selector"
    POLICY_ENABLED = "policy-enabled"
    POLICY_DISABLED = "policy-disabled"
    POLICY_INVALID = "policy-invalid"              # policy neither enabled nor disabled: Istio skips
    TEMPLATE_ERROR = "template-error"              # rendering/merging failed: Istio rejects the pod
    # webhook-selection predicates (webhooks[].rule): which predicate excluded or admitted a webhook
    NAMESPACE_SELECTOR = "namespace-selector"
    OBJECT_SELECTOR = "object-selector"
    RULES = "rules"
    MATCH_CONDITIONS = "match-conditions"
    REINVOCATION = "reinvocation"
    CALLED = "called"


@dataclass
class Check:
    """One predicate's evidence: what was required (`expected`), what was seen (`observed`)."""

    predicate: str
    outcome: Outcome
    expected: Any = None
    observed: Any = None
    children: List["Check"] = field(default_factory=list)
    message: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        d: Dict[str, Any] = {"predicate": self.predicate, "outcome": self.outcome.value}
        if self.expected is not None:
            d["expected"] = self.expected
        if self.observed is not None:
            d["observed"] = self.observed
        if self.message:
            d["message"] = self.message
        if self.children:
            d["children"] = [c.to_dict() for c in self.children]
        return d


@dataclass
class WebhookResult:
    """One webhook in the combined, sorted list, and why it was (not) called."""

    configuration: str
    webhook: str
    index: int
    called: bool
    rule: RuleId
    checks: List[Check]
    failure_policy: str = "Fail"
    reinvocation_policy: str = "Never"
    round: int = 0
    injector: Optional[str] = None        # the injector ConfigMap this webhook was matched with
    revision: Optional[str] = None
    effect: Optional[str] = None          # "injected" | "declined" | "unknown" | "rejected" | "unchanged"
    error: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        d = {
            "configuration": self.configuration,
            "webhook": self.webhook,
            "index": self.index,
            "round": self.round,
            "called": self.called,
            "rule": self.rule.value,
            "failurePolicy": self.failure_policy,
            "reinvocationPolicy": self.reinvocation_policy,
            "checks": [c.to_dict() for c in self.checks],
        }
        for key, value in (("injector", self.injector), ("revision", self.revision),
                           ("effect", self.effect), ("error", self.error)):
            if value is not None:
                d[key] = value
        return d


@dataclass
class PolicyStep:
    """One link of Istio's `injectRequired` chain, in its fixed order."""

    rule: RuleId
    outcome: Outcome                      # MATCH = this step decided; NO_MATCH = passed on; NOT_EVALUATED
    inputs: Dict[str, Any] = field(default_factory=dict)
    inject: Optional[bool] = None         # the decision when outcome == MATCH
    checks: List[Check] = field(default_factory=list)

    def to_dict(self) -> Dict[str, Any]:
        d: Dict[str, Any] = {"rule": self.rule.value, "outcome": self.outcome.value, "inputs": self.inputs}
        if self.inject is not None:
            d["inject"] = self.inject
        if self.checks:
            d["checks"] = [c.to_dict() for c in self.checks]
        return d


@dataclass
class Warning_:
    """Something a learner should know even though it did not decide the verdict."""

    code: str
    detail: Dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> Dict[str, Any]:
        return {"code": self.code, **self.detail}


@dataclass
class DecidedBy:
    stage: Stage
    rule: RuleId
    webhook: Optional[str] = None
    configuration: Optional[str] = None
    detail: Dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> Dict[str, Any]:
        return {"stage": self.stage.value, "rule": self.rule.value, "webhook": self.webhook,
                "configuration": self.configuration, "detail": self.detail}


def plain(value: Any) -> Any:
    """Evidence is kept as objects until someone asks for data: bulk runs that only need verdicts
    never pay for the conversion."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


@dataclass
class StageRecord:
    stage: Stage
    data: Dict[str, Any]

    def to_dict(self) -> Dict[str, Any]:
        return {"stage": self.stage.value, **plain(self.data)}


@dataclass
class Explanation:
    object: Dict[str, Any]
    verdict: Verdict
    decided_by: DecidedBy
    stages: List[StageRecord]
    warnings: List[Warning_]
    patch: List[Dict[str, Any]]
    pod: Optional[Dict[str, Any]] = None          # the pod as admission would store it
    original_pod: Optional[Dict[str, Any]] = None
    sources: Dict[str, str] = field(default_factory=dict)
    hints: List[Dict[str, Any]] = field(default_factory=list)
    manifest: Optional[Dict[str, Any]] = None     # the input object as `istioctl kube-inject` would print it

    def to_dict(self) -> Dict[str, Any]:
        return {
            "object": self.object,
            "verdict": self.verdict.value,
            "decidedBy": self.decided_by.to_dict(),
            "stages": [s.to_dict() for s in self.stages],
            "warnings": [w.to_dict() for w in self.warnings],
            "patch": self.patch,
            "hints": self.hints,
        }


def webhook_summary(results: Tuple[WebhookResult, ...]) -> List[Dict[str, Any]]:
    return [r.to_dict() for r in results]
