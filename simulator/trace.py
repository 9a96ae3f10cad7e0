"""The explanation as data: stable ids, per-step evidence, and the verdict.

Sentences are made only by the plugin's printers; tests and `-o json` read these ids, which the
acceptance cases in `shared/cases` depend on, so each id is defined exactly once, here.
"""
from __future__ import annotations

from enum import Enum
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Tuple

from .records import Record


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


class Check(Record):
    """One predicate's evidence: what was required (`expected`), what was seen (`observed`)."""

    _fields = ("predicate", "outcome", "expected", "observed", "children", "message")

    def __init__(self, predicate: str, outcome: Outcome, expected: Any = None, observed: Any = None,
                 children: Optional[List["Check"]] = None, message: Optional[str] = None):
        self.predicate = predicate
        self.outcome = outcome
        self.expected = expected
        self.observed = observed
        self.children = children if children is not None else []
        self.message = message

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


class WebhookResult(Record):
    """One webhook in the combined, sorted list, and why it was (not) called."""

    _fields = ("configuration", "webhook", "index", "called", "rule", "checks", "failure_policy",
               "reinvocation_policy", "round", "injector", "revision", "effect", "error")

    def __init__(self, configuration: str, webhook: str, index: int, called: bool, rule: RuleId, checks: List[Check],
                 failure_policy: str = "Fail", reinvocation_policy: str = "Never", round: int = 0,
                 injector: Optional[str] = None, revision: Optional[str] = None, effect: Optional[str] = None,
                 error: Optional[str] = None):
        self.configuration = configuration
        self.webhook = webhook
        self.index = index
        self.called = called
        self.rule = rule
        self.checks = checks
        self.failure_policy = failure_policy
        self.reinvocation_policy = reinvocation_policy
        self.round = round
        self.injector = injector      # the injector ConfigMap this webhook was matched with
        self.revision = revision
        self.effect = effect          # "injected" | "declined" | "unknown" | "rejected" | "unchanged"
        self.error = error

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


class PolicyStep(Record):
    """One link of Istio's `injectRequired` chain, in its fixed order."""

    _fields = ("rule", "outcome", "inputs", "inject", "checks")

    def __init__(self, rule: RuleId, outcome: Outcome, inputs: Optional[Dict[str, Any]] = None,
                 inject: Optional[bool] = None, checks: Optional[List[Check]] = None):
        self.rule = rule
        self.outcome = outcome        # MATCH = this step decided; NO_MATCH = passed on; NOT_EVALUATED
        self.inputs = inputs if inputs is not None else {}
        self.inject = inject          # the decision when outcome == MATCH
        self.checks = checks if checks is not None else []

    def to_dict(self) -> Dict[str, Any]:
        d: Dict[str, Any] = {"rule": self.rule.value, "outcome": self.outcome.value, "inputs": self.inputs}
        if self.inject is not None:
            d["inject"] = self.inject
        if self.checks:
            d["checks"] = [c.to_dict() for c in self.checks]
        return d


class Warning_(Record):
    """Something a learner should know even though it did not decide the verdict."""

    _fields = ("code", "detail")

    def __init__(self, code: str, detail: Optional[Dict[str, Any]] = None):
        self.code = code
        self.detail = detail if detail is not None else {}

    def to_dict(self) -> Dict[str, Any]:
        return {"code": self.code, **self.detail}


class DecidedBy(Record):
    _fields = ("stage", "rule", "webhook", "configuration", "detail")

    def __init__(self, stage: Stage, rule: RuleId, webhook: Optional[str] = None, configuration: Optional[str] = None,
                 detail: Optional[Dict[str, Any]] = None):
        self.stage = stage
        self.rule = rule
        self.webhook = webhook
        self.configuration = configuration
        self.detail = detail if detail is not None else {}

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


class StageRecord(Record):
    _fields = ("stage", "data")

    def __init__(self, stage: Stage, data: Dict[str, Any]):
        self.stage = stage
        self.data = data

    def to_dict(self) -> Dict[str, Any]:
        return {"stage": self.stage.value, **plain(self.data)}


class Explanation(Record):
    _fields = ("object", "verdict", "decided_by", "stages", "warnings", "patch", "pod", "original_pod", "sources",
               "hints", "manifest", "manifest_error")

    def __init__(self, object: Dict[str, Any], verdict: Verdict, decided_by: DecidedBy, stages: List[StageRecord],
                 warnings: List[Warning_], patch: List[Dict[str, Any]], pod: Optional[Dict[str, Any]] = None,
                 original_pod: Optional[Dict[str, Any]] = None, sources: Optional[Dict[str, str]] = None,
                 hints: Optional[List[Dict[str, Any]]] = None, manifest: Optional[Dict[str, Any]] = None,
                 manifest_error: Optional[str] = None):
        self.object = object
        self.verdict = verdict
        self.decided_by = decided_by
        self.stages = stages
        self.warnings = warnings
        self.patch = patch
        self.pod = pod                        # the pod as admission would store it
        self.original_pod = original_pod
        self.sources = sources if sources is not None else {}
        self.hints = hints if hints is not None else []
        self.manifest = manifest              # the input object as `istioctl kube-inject` would print it
        self.manifest_error = manifest_error  # or why `istioctl kube-inject` would refuse it (manifest is None)

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
