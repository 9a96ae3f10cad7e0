"""The upstream page that explains each rule id, warning code and status finding — the one table of them.

Every address was checked to exist (istio.io's and kubernetes.io's own documentation, found in the
project's documentation corpus).  `-o json` writes the deciding rule's page as `decidedBy.docs`, each
warning's as its `docs` and each finding's as its `docs`; the text output prints the rule's under the
RESULT line and each warning's and finding's under it, and `-o html` links every one of them, so a
learner can read what Istio and Kubernetes say about what decided.
"""
from __future__ import annotations

from simulator.trace import RuleId, WarningCode

SIDECAR_INJECTION = "https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/"
INJECTION_PROBLEMS = "https://istio.io/latest/docs/ops/common-problems/injection/"
CANARY_UPGRADES = "https://istio.io/latest/docs/setup/upgrade/canary/"
ANNOTATIONS = "https://istio.io/latest/docs/reference/config/annotations/"
AMBIENT_ENABLE = "https://istio.io/latest/docs/ambient/migrate/enable-ambient-mode/"
K8S_WEBHOOKS = "https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/"
K8S_ADMISSION = "https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/"
K8S_SIDECARS = "https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/"
IN_PLACE_UPGRADES = "https://istio.io/latest/docs/setup/upgrade/in-place/"
MTLS_MIGRATION = "https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/"

RULES = {
    RuleId.NO_MATCHING_WEBHOOK: INJECTION_PROBLEMS,
    RuleId.WEBHOOK_REJECTED: K8S_WEBHOOKS,
    RuleId.ADMISSION_PLUGIN_REJECTED: K8S_ADMISSION,
    RuleId.HOST_NETWORK: INJECTION_PROBLEMS,
    RuleId.IGNORED_NAMESPACE: INJECTION_PROBLEMS,
    RuleId.INJECT_LABEL: SIDECAR_INJECTION,
    RuleId.INJECT_ANNOTATION: SIDECAR_INJECTION,
    RuleId.NEVER_INJECT_SELECTOR: SIDECAR_INJECTION,
    RuleId.ALWAYS_INJECT_SELECTOR: SIDECAR_INJECTION,
    RuleId.POLICY_ENABLED: SIDECAR_INJECTION,
    RuleId.POLICY_DISABLED: SIDECAR_INJECTION,
    RuleId.POLICY_INVALID: SIDECAR_INJECTION,
    RuleId.TEMPLATE_ERROR: SIDECAR_INJECTION,
    RuleId.OPT_OUT_LABEL: SIDECAR_INJECTION,
    RuleId.INJECTOR_UNKNOWN: INJECTION_PROBLEMS,
    RuleId.NAMESPACE_SELECTOR: K8S_WEBHOOKS,
    RuleId.OBJECT_SELECTOR: K8S_WEBHOOKS,
    RuleId.RULES: K8S_WEBHOOKS,
    RuleId.MATCH_CONDITIONS: K8S_WEBHOOKS,
    RuleId.REINVOCATION: K8S_WEBHOOKS,
    RuleId.CALLED: K8S_WEBHOOKS,
}

WARNINGS = {
    WarningCode.INJECT_ON_WORKLOAD_METADATA: SIDECAR_INJECTION,
    WarningCode.INVALID_INJECT_VALUE: SIDECAR_INJECTION,
    WarningCode.NAMESPACE_BOTH_LABELS: CANARY_UPGRADES,
    WarningCode.DOUBLE_INJECTION: CANARY_UPGRADES,
    WarningCode.WEBHOOK_EFFECT_UNKNOWN: K8S_WEBHOOKS,
    WarningCode.INJECTOR_CONFIG_UNAVAILABLE: INJECTION_PROBLEMS,
    WarningCode.INVALID_SELECTOR: SIDECAR_INJECTION,
    WarningCode.INVALID_POLICY: SIDECAR_INJECTION,
    WarningCode.KUBE_INJECT_FAILED: SIDECAR_INJECTION,
    WarningCode.GENERIC_WORKLOAD: SIDECAR_INJECTION,
    WarningCode.REVISION_NOT_INSTALLED: CANARY_UPGRADES,
    WarningCode.INJECTION_LABEL_UNSERVED: CANARY_UPGRADES,
    WarningCode.POD_REVISION_IGNORED: CANARY_UPGRADES,
    WarningCode.INJECT_ANNOTATION_NOT_SELECTED: SIDECAR_INJECTION,
    WarningCode.AMBIENT_NAMESPACE: AMBIENT_ENABLE,
    WarningCode.JOB_SIDECAR_BLOCKS_COMPLETION: K8S_SIDECARS,
    WarningCode.ALREADY_INJECTED: ANNOTATIONS,
}


#: `status` findings (and explain's running pods): the page that explains each (plugin/workloads/findings.py).
FINDINGS = {
    "needs-restart": SIDECAR_INJECTION,          # injection happens only when a pod is created
    "sidecar-not-expected": SIDECAR_INJECTION,
    "stale-proxy": IN_PLACE_UPGRADES,            # after an in-place upgrade, restart to get the new proxy
    "revision-mismatch": CANARY_UPGRADES,
    "no-sidecar-strict-mtls": MTLS_MIGRATION,    # STRICT refuses clients without a sidecar
    "injection-failing": INJECTION_PROBLEMS,
}


def rule_docs(rule: RuleId) -> str:
    return RULES[rule]


def warning_docs(code: WarningCode) -> str:
    return WARNINGS[code]
