"""Whether kube-apiserver would have stored a MutatingWebhookConfiguration at all.

A configuration in a cluster-state file went through the API server's decoding and validation when it was
created; one that would not have (a string where `clientConfig` is, `webhooks: [null]`, `matchConditions: 5`)
cannot be in a real cluster, so it is reported and left out instead of being half-read.  The decoding is
Go's (the generated type table of admissionregistration/v1, through the typed round trip); of the
validation, the rules whose absence the simulation could not make sense of are kept (`validation.go`):
a webhook needs a name, `clientConfig` exactly one of `url` and `service`, a service its name and
namespace, and a matchCondition its name and expression, at most 64 of them.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, List, Mapping, Optional

KIND = "MutatingWebhookConfiguration"
MAX_MATCH_CONDITIONS = 64


_types = None


def configuration_problem(obj: Mapping[str, Any]) -> Optional[str]:
    """kube-apiserver's refusal of `obj` in one line, or None when it would have been stored."""
    global _types
    from .. import pod_schema, webhook_schema
    from ..typed import TypedError, roundtrip as typed

    if _types is None:   # (a pure function of the generated tables: building it twice is harmless)
        _types = typed.GoTypes(pod_schema.TYPES, webhook_schema.TYPES)
    try:
        decoded = typed.roundtrip(obj, webhook_schema.ROOTS[KIND], _types)
    except TypedError as e:
        return f'{KIND} in version "v1" cannot be handled as a {KIND}: {e}'
    errors: List[str] = []
    for i, hook in enumerate(decoded.get("webhooks") or []):
        at = f"webhooks[{i}]"
        if not hook.get("name"):
            errors.append(f"{at}.name: Required value")
        cc = hook.get("clientConfig") or {}
        if ("url" in cc) == ("service" in cc):
            errors.append(f"{at}.clientConfig: Required value: exactly one of url or service is required")
        elif "service" in cc:
            svc = cc["service"] or {}
            for field in ("name", "namespace"):
                if not svc.get(field):
                    errors.append(f"{at}.clientConfig.service.{field}: Required value: service {field} is required")
        conditions = hook.get("matchConditions") or []
        if len(conditions) > MAX_MATCH_CONDITIONS:
            errors.append(f"{at}.matchConditions: Too many: {len(conditions)}: must have at most "
                          f"{MAX_MATCH_CONDITIONS} items")
        for j, cond in enumerate(conditions):
            for field in ("name", "expression"):
                if not (cond.get(field) or "").strip():
                    errors.append(f"{at}.matchConditions[{j}].{field}: Required value")
    if not errors:
        return None
    name = ((decoded.get("metadata") or {}).get("name")) or ""
    listed = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
    return f'{KIND}.admissionregistration.k8s.io "{name}" is invalid: {listed}'
