"""The closed sets of codes an explanation is made of, each defined once, here.

`-o json` writes these values, the README's tables list them, and the acceptance cases in
`shared/cases` (and checks outside this repository) compare them: a value may be added, never renamed
or removed.  tests/test_json_contract.py holds the JSON output to exactly these sets.  Sentences for
them are made only by plugin/printers/words.py.
"""
from __future__ import annotations

from enum import Enum


class Stage(str, Enum):
    """The part of admission that produced a stage record (and that decided, in `decidedBy.stage`)."""

    ADMISSION_CHAIN = "admission-chain"        # API defaulting and the in-tree plugins before the webhooks
    WEBHOOK_SELECTION = "webhook-selection"    # which mutating webhooks kube-apiserver calls
    POLICY = "policy"                          # Istio's injectRequired chain, per injector call
    TEMPLATE = "template"                      # the injector's templates, merge and post-processing


class Verdict(str, Enum):
    INJECTED = "injected"
    NOT_INJECTED = "not-injected"
    REJECTED = "rejected"
    UNKNOWN = "unknown"        # an injector was called whose configuration the state does not hold (RBAC, missing)


class Outcome(str, Enum):
    """What one predicate or policy step found."""

    MATCH = "match"
    NO_MATCH = "no-match"
    ERROR = "error"
    NOT_EVALUATED = "not-evaluated"            # an earlier predicate already decided
    SKIPPED = "skipped"                        # looked at, but it did not get a say (empty selector, overridden)


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
    OPT_OUT_LABEL = "opt-out-label"                # the pod label sidecar.istio.io/inject=false kept every injector webhook away
    INJECTOR_UNKNOWN = "injector-unknown"          # an injector webhook is called, its ConfigMap unreadable: not guessed
    # webhook-selection predicates (webhooks[].rule): which predicate excluded or admitted a webhook
    NAMESPACE_SELECTOR = "namespace-selector"
    OBJECT_SELECTOR = "object-selector"
    RULES = "rules"
    MATCH_CONDITIONS = "match-conditions"
    REINVOCATION = "reinvocation"
    CALLED = "called"


class Effect(str, Enum):
    """What calling one webhook did to the pod (`webhooks[].effect`)."""

    INJECTED = "injected"          # the pod changed
    UNCHANGED = "unchanged"        # the injector ran and changed nothing
    DECLINED = "declined"          # Istio's policy said no
    UNKNOWN = "unknown"            # not an Istio injector, or its configuration is unusable: not simulated
    REJECTED = "rejected"          # the call (or selection) failed the request


class WarningCode(str, Enum):
    """Something a learner should know even though it did not decide the verdict (`warnings[].code`)."""

    INJECT_ON_WORKLOAD_METADATA = "inject-on-workload-metadata"   # the inject key on a Deployment, not its template
    INVALID_INJECT_VALUE = "invalid-inject-value"                 # neither "true" nor "false": ignored
    NAMESPACE_BOTH_LABELS = "namespace-both-labels"               # istio-injection and istio.io/rev together
    DOUBLE_INJECTION = "double-injection"                         # two injector webhooks injected
    WEBHOOK_EFFECT_UNKNOWN = "webhook-effect-unknown"             # a called webhook that is not an Istio injector
    INJECTOR_CONFIG_UNAVAILABLE = "injector-config-unavailable"   # an injector whose ConfigMap is missing or broken
    INVALID_SELECTOR = "invalid-selector"                         # a never/alwaysInjectSelector that does not parse
    INVALID_POLICY = "invalid-policy"                             # policy neither enabled nor disabled
    KUBE_INJECT_FAILED = "kube-inject-failed"                     # -o pod: kube-inject refused what the webhook injected
    GENERIC_WORKLOAD = "generic-workload"                         # a kind not listed, explained through spec.template
    REVISION_NOT_INSTALLED = "revision-not-installed"             # namespace istio.io/rev names no installed revision or tag
    INJECTION_LABEL_UNSERVED = "injection-label-unserved"         # istio-injection=enabled, but no default revision or tag
    POD_REVISION_IGNORED = "pod-revision-ignored"                 # the pod's istio.io/rev loses to the namespace's label
    INJECT_ANNOTATION_NOT_SELECTED = "inject-annotation-not-selected"   # opt-in annotation: webhooks select on labels
    AMBIENT_NAMESPACE = "ambient-namespace"                       # istio.io/dataplane-mode=ambient: no sidecar expected
    JOB_SIDECAR_BLOCKS_COMPLETION = "job-sidecar-blocks-completion"   # a classic sidecar keeps a Job's pod running
    ALREADY_INJECTED = "already-injected"                         # the pod carries sidecar.istio.io/status already


class HintKind(str, Enum):
    """A change to the input that was simulated and would get the pod a sidecar (`hints[].kind`)."""

    NAMESPACE_LABEL = "namespace-label"
    POD_LABEL = "pod-label"
    REMOVE_POD_LABEL = "remove-pod-label"
    REMOVE_POD_ANNOTATION = "remove-pod-annotation"
