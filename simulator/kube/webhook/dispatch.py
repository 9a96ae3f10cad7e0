"""The order in which kube-apiserver considers webhooks, `ShouldCallHook`, and reinvocation.

Mirrors `generic/webhook.go` and `mutating/dispatcher.go`: configurations sorted by name, webhooks in
list order, one at a time, each seeing the object as patched by the ones before; an `IfNeeded`
webhook is called again (once, in a second round) when a later webhook changed the object.
A predicate that is not reached is recorded as not-evaluated, because "would the next one have
matched?" is exactly what a learner asks.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping as _Mapping  # typing.Mapping isinstance checks are slow on hot paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from ...trace import Check, Effect, Outcome, RuleId, WebhookResult
from .conditions import match_conditions
from .namespace import match_namespace
from .object import match_object
from .request import AdmissionRequest
from .rules import match_rules
from ...records import Frozen


class WebhookRef:
    """One webhook of one configuration, where kube-apiserver's order puts it; never changed once made
    (what is parsed from it - selectors, CEL programs - is kept in the caller's EngineCache)."""

    def __init__(self, configuration: str, webhook: Mapping[str, Any], config_object: Mapping[str, Any],
                 position: int):
        self.configuration = configuration
        self.webhook = webhook
        self.config_object = config_object
        self.position = position  # index in the combined sorted list (apiserver's round_N_index_i)

    @property
    def name(self) -> str:
        return str(self.webhook.get("name", ""))

    @property
    def failure_policy(self) -> str:
        return self.webhook.get("failurePolicy") or "Fail"

    @property
    def reinvocation_policy(self) -> str:
        return self.webhook.get("reinvocationPolicy") or "Never"


def ordered_webhooks(configurations: List[Mapping[str, Any]]) -> List[WebhookRef]:
    """Stable byte-wise sort by configuration name; webhooks keep their order inside a configuration."""
    def key(cfg: Mapping[str, Any]) -> bytes:
        return str((cfg.get("metadata") or {}).get("name", "")).encode()

    refs: List[WebhookRef] = []
    for cfg in sorted(configurations, key=key):
        name = str((cfg.get("metadata") or {}).get("name", ""))
        for hook in cfg.get("webhooks") or []:
            if isinstance(hook, _Mapping):
                refs.append(WebhookRef(name, hook, cfg, len(refs)))
    return refs


class Decision(Frozen):
    """ShouldCallHook's answer, with evidence."""

    call: bool
    rule: RuleId
    checks: Tuple[Check, ...]
    rejection: Optional[str] = None


def _not_evaluated(*names: str) -> List[Check]:
    return [Check(n, Outcome.NOT_EVALUATED) for n in names]


def should_call(ref: WebhookRef, req: AdmissionRequest, namespace_labels: Optional[Mapping[str, str]],
                cache: Any = None) -> Decision:
    """`cache` (an EngineCache, or None) keeps the webhook's parsed selectors and compiled conditions."""
    hook = ref.webhook
    ns_check, ns_error = match_namespace(hook.get("namespaceSelector"), req, namespace_labels, cache)
    if ns_check.outcome is Outcome.NO_MATCH:
        return Decision(False, RuleId.NAMESPACE_SELECTOR,
                        [ns_check] + _not_evaluated("objectSelector", "rules", "matchConditions"))
    obj_check, obj_error = match_object(hook.get("objectSelector"), req, cache)
    if obj_check.outcome is Outcome.NO_MATCH:
        return Decision(False, RuleId.OBJECT_SELECTOR,
                        [ns_check, obj_check] + _not_evaluated("rules", "matchConditions"))
    rules_check, matched = match_rules(hook.get("rules"), req)
    checks = [ns_check, obj_check, rules_check]
    if matched is None:
        # a remembered selector error is discarded when no rule matches
        return Decision(False, RuleId.RULES, checks + _not_evaluated("matchConditions"))
    if ns_error is not None:
        return Decision(False, RuleId.NAMESPACE_SELECTOR, checks + _not_evaluated("matchConditions"), rejection=ns_error)
    if obj_error is not None:
        return Decision(False, RuleId.OBJECT_SELECTOR, checks + _not_evaluated("matchConditions"), rejection=obj_error)
    cond_check, rejection, call = match_conditions(hook.get("matchConditions"), req, ref.failure_policy, cache)
    checks.append(cond_check)
    if rejection is not None:
        return Decision(False, RuleId.MATCH_CONDITIONS, checks, rejection=rejection)
    if not call:
        return Decision(False, RuleId.MATCH_CONDITIONS, checks)
    return Decision(True, RuleId.CALLED, checks)


class Mutation(Frozen):
    """What calling a webhook did. `rejected` carries the message of a denied/failed call; `injector` and
    `revision` name the injector ConfigMap an Istio webhook was matched with, when the caller knows them."""

    object: Dict[str, Any]
    effect: Effect
    rejected: Optional[str] = None
    injector: Optional[str] = None
    revision: Optional[str] = None


class DispatchResult(Frozen):
    results: Tuple[WebhookResult, ...]
    object: Dict[str, Any]
    rejection: Optional[Tuple[WebhookResult, str]] = None


if TYPE_CHECKING:
    MutateFn = Callable[[WebhookRef, Dict[str, Any], int], Mutation]


def dispatch(refs: List[WebhookRef], req: AdmissionRequest, namespace_labels: Optional[Mapping[str, str]],
             mutate: MutateFn, cache: Any = None) -> DispatchResult:
    """Run the mutating webhook phase: round 0 over every webhook, and round 1 for the reinvoke set."""
    obj = req.object   # mutators return new objects; nothing here is changed in place
    results: List[WebhookResult] = []
    invoked_if_needed: List[int] = []
    since_last_change: List[int] = []
    reinvoke: set = set()
    changed_any = False

    for round_ in (0, 1):
        if round_ == 1:
            if not changed_any:
                break
            if _in_tree_plugins_change(req.object, obj):
                reinvoke.update(since_last_change)
            if not reinvoke:
                break
        for ref in refs:
            if round_ == 1 and ref.position not in reinvoke:
                continue
            current = AdmissionRequest(**{**req.__dict__, "object": obj})
            decision = should_call(ref, current, namespace_labels, cache)
            record = functools.partial(WebhookResult, ref.configuration, ref.name, ref.position, round_, decision.call,
                                       RuleId.REINVOCATION if (round_ == 1 and decision.call) else decision.rule,
                                       ref.failure_policy, ref.reinvocation_policy, decision.checks)
            if decision.rejection is not None:
                results.append(record(effect=Effect.REJECTED, error=decision.rejection))
                return DispatchResult(results, obj, (results[-1], decision.rejection))
            if not decision.call:
                results.append(record())
                continue
            mutation = mutate(ref, obj, round_)
            results.append(record(injector=mutation.injector, revision=mutation.revision, effect=mutation.effect,
                                  error=mutation.rejected))
            if mutation.rejected is not None:
                return DispatchResult(results, obj, (results[-1], mutation.rejected))
            changed = mutation.object != obj
            if changed:
                obj = mutation.object
                changed_any = True
                if round_ == 0:
                    reinvoke.update(invoked_if_needed)
                    since_last_change = []
            if round_ == 0 and ref.reinvocation_policy == "IfNeeded":
                invoked_if_needed.append(ref.position)
                since_last_change.append(ref.position)
    return DispatchResult(results, obj)


def _containers(pod: Optional[Mapping[str, Any]]) -> List[str]:
    spec = (pod or {}).get("spec") or {}
    return [c.get("name") for key in ("initContainers", "containers") if isinstance(spec.get(key), list)
            for c in spec[key] if isinstance(c, _Mapping)]


def _in_tree_plugins_change(original: Optional[Mapping[str, Any]], current: Mapping[str, Any]) -> bool:
    """When the second round starts, ServiceAccount admission runs again and mounts the API token into
    containers a webhook added; that change makes IfNeeded webhooks invoked after the last webhook
    change eligible for reinvocation too (`reinvocation.go`)."""
    spec = current.get("spec") or {}
    if spec.get("automountServiceAccountToken") is False:
        return False
    return bool(set(_containers(current)) - set(_containers(original)))
