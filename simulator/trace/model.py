"""The explanation's records: every stage, step, check, hint and warning, typed and immutable.

Each predicate returns its evidence as one of these; the pipeline assembles them into one `Explanation`,
made once and never changed.  Field order is the order `-o json` shows them in: the JSON printer turns
`snake_case` names into `camelCase` keys and leaves out a field that holds an empty default (None; "" or
None; ()).  Evidence that is Kubernetes data - selectors as written, labels seen, a policy step's inputs,
the pod and the patch - stays plain dicts and lists, to be read, not changed.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from ..records import Frozen
from .ids import Stage

if TYPE_CHECKING:
    from .ids import Effect, HintKind, Outcome, RuleId, Verdict, WarningCode


class Check(Frozen):
    """One predicate's evidence: what was required (`expected`), what was seen (`observed`)."""

    predicate: str                  # what was tested: "namespaceSelector", "rules[0]", a requirement's path
    outcome: Outcome
    expected: Any = None            # the requirement as written
    observed: Any = None            # what was seen
    message: Optional[str] = ""     # left out of the JSON when empty or None
    children: Tuple[Check, ...] = ()


# -- stage 0: the admission chain --------------------------------------------------------------------------------

class AdmissionRejection(Frozen):
    """How an in-tree plugin refused the pod, as the API server answers (HTTP code and reason)."""

    code: int
    reason: str
    message: str


class AdmissionStep(Frozen):
    """One step of the chain before the webhooks: decoding, API defaulting or an in-tree plugin."""

    plugin: str                          # "Decode", "Defaulting", "LimitRanger", "ServiceAccount", ...
    changed: Tuple[str, ...]             # the fields it set, as paths
    skipped: Optional[str] = None        # why it did nothing
    notes: Tuple[str, ...] = ()          # assumptions made for lack of cluster state
    rejected: Optional[AdmissionRejection] = None


class AdmissionChainStage(Frozen):
    stage: Stage = Stage.ADMISSION_CHAIN
    steps: Tuple[AdmissionStep, ...]


# -- stage 1: webhook selection ----------------------------------------------------------------------------------

class WebhookResult(Frozen):
    """One webhook in the combined, sorted list, and why it was (not) called."""

    configuration: str
    webhook: str
    index: int                       # position in the combined list (the apiserver's round_N_index_i)
    round: int                       # 1: called again (reinvocation)
    called: bool
    rule: RuleId                     # the predicate that excluded it, or CALLED / REINVOCATION
    failure_policy: str
    reinvocation_policy: str
    checks: Tuple[Check, ...]
    injector: Optional[str] = None   # the injector ConfigMap (namespace/name) an Istio webhook was matched with
    revision: Optional[str] = None   # that injector's revision
    effect: Optional[Effect] = None  # what calling it did
    error: Optional[str] = None      # the message of a failed request


class WebhookSelectionStage(Frozen):
    stage: Stage = Stage.WEBHOOK_SELECTION
    namespace: str
    namespace_labels: Mapping[str, str]
    pod_labels: Mapping[str, str]
    webhooks: Tuple[WebhookResult, ...]


# -- stage 2: Istio's policy -------------------------------------------------------------------------------------

class PolicyStep(Frozen):
    """One link of Istio's `injectRequired` chain, in its fixed order."""

    rule: RuleId
    outcome: Outcome                 # MATCH = this step decided; NO_MATCH = passed on; NOT_EVALUATED; SKIPPED
    inputs: Mapping[str, Any]        # what the step looked at
    inject: Optional[bool] = None    # the decision when outcome is MATCH
    checks: Tuple[Check, ...] = ()   # one per never/alwaysInjectSelector entry looked at


class PolicyCall(Frozen):
    """One call of an injector's policy: by which webhook, against which configuration, and its chain."""

    webhook: str
    configuration: str
    round: int
    injector: str                    # namespace/name of the injector ConfigMap
    revision: Optional[str]
    policy: Optional[str]            # the configuration's `policy` as written
    inject: bool
    decided_by: RuleId
    steps: Tuple[PolicyStep, ...]

    def step(self, rule: RuleId) -> Optional[PolicyStep]:
        return next((s for s in self.steps if s.rule is rule), None)


class PolicyStage(Frozen):
    stage: Stage = Stage.POLICY
    calls: Tuple[PolicyCall, ...]


# -- stage 3: the templates --------------------------------------------------------------------------------------

class Added(Frozen):
    """Names of what injection added to the pod (the patch has the exact change)."""

    init_containers: Tuple[str, ...] = ()
    containers: Tuple[str, ...] = ()
    volumes: Tuple[str, ...] = ()
    image_pull_secrets: Tuple[str, ...] = ()
    annotations: Tuple[str, ...] = ()     # keys whose values changed or appeared
    labels: Tuple[str, ...] = ()

    @classmethod
    def of(cls, added: Mapping[str, List[str]]) -> Added:
        """From the engine's {"initContainers": [...], ...}."""
        return cls(added.get("initContainers", ()), added.get("containers", ()), added.get("volumes", ()),
                   added.get("imagePullSecrets", ()), added.get("annotations", ()), added.get("labels", ()))


class TemplateCall(Frozen):
    """The templates one injector call rendered and merged into the pod."""

    webhook: str
    configuration: str
    round: int
    engine: str                       # "go" (a real Istio configuration) or "jinja2" (the embedded profile)
    templates: Tuple[str, ...]
    added: Added
    notes: Tuple[str, ...] = ()

    failed = False


class TemplateFailure(Frozen):
    """An injector call whose templates failed to render or merge: Istio rejects the pod."""

    webhook: str
    configuration: str
    round: int
    error: str
    field: Optional[str]              # where in the configuration, when known
    line: Optional[int]

    failed = True


class TemplateStage(Frozen):
    stage: Stage = Stage.TEMPLATE
    calls: Tuple[Union[TemplateCall, TemplateFailure], ...]


# -- the verdict and around it -----------------------------------------------------------------------------------

class WarningNote(Frozen):
    """A warning: something a learner should know even though it did not decide the verdict.  `detail`'s
    keys depend on the code (README: warning codes); its values are plain data."""

    code: WarningCode
    detail: Mapping[str, Any]


class Hint(Frozen):
    """A change to the input that was simulated and would inject the pod."""

    kind: HintKind
    key: str
    value: Optional[str] = None       # the label value to set (none when removing)
    namespace: str
    result: Verdict                   # what the simulated change gives: always INJECTED today
    webhook: Optional[str]            # the webhook that would then inject it
    rule: RuleId                      # the rule that would then decide
    remove: Tuple[str, ...] = ()      # namespace labels the same change removes (a label that would conflict)


class DecidedBy(Frozen):
    """The one rule that decided the verdict, where, and its inputs (`detail`: plain data)."""

    stage: Stage
    rule: RuleId
    webhook: Optional[str]
    configuration: Optional[str]
    detail: Mapping[str, Any]


class ObjectRef(Frozen):
    kind: str
    name: str
    namespace: str


if TYPE_CHECKING:
    StageRecord = Union[AdmissionChainStage, WebhookSelectionStage, PolicyStage, TemplateStage]


class Explanation(Frozen):
    """One object through admission: the verdict, the rule that decided it, and every stage's evidence."""

    object: ObjectRef
    verdict: Verdict
    decided_by: DecidedBy
    stages: Tuple[StageRecord, ...]
    warnings: Tuple[WarningNote, ...]
    patch: List[Dict[str, Any]]                   # RFC 6902, relative to the pod the webhooks received
    hints: Tuple[Hint, ...] = ()
    pod: Optional[Dict[str, Any]] = None          # the pod as admission would store it
    original_pod: Optional[Dict[str, Any]] = None
    manifest: Optional[Dict[str, Any]] = None     # the input object as `istioctl kube-inject` would print it
    manifest_error: Optional[str] = None          # or why `istioctl kube-inject` would refuse it (manifest is None)

    def stage(self, stage: Stage) -> Optional[StageRecord]:
        return next((s for s in self.stages if s.stage is stage), None)

    def deciding_call(self) -> Optional[PolicyCall]:
        """The policy call of the webhook that decided, when the policy decided."""
        policy = self.stage(Stage.POLICY)
        db = self.decided_by
        if policy is None or db.webhook is None:
            return None
        return next((c for c in policy.calls if c.webhook == db.webhook and c.configuration == db.configuration),
                    None)


__all__ = ["AdmissionChainStage", "AdmissionRejection", "AdmissionStep", "Added", "Check", "DecidedBy",
           "Explanation", "Hint", "ObjectRef", "PolicyCall", "PolicyStage", "PolicyStep", "TemplateCall",
           "TemplateFailure", "TemplateStage", "WarningNote", "WebhookResult", "WebhookSelectionStage"]
