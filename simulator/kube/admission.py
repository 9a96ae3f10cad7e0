"""The pod as the first mutating webhook receives it: decoded, API-defaulted, then changed by the built-in plugins.

kube-apiserver never hands webhooks the pod as written.  It decodes the body into corev1.Pod (unknown fields
vanish, quantities are re-spelled), applies the v1 defaults (pod_defaults.py), wipes the metadata system
fields, and runs every default-on mutating admission plugin that precedes MutatingAdmissionWebhook, in the
fixed order of kube-apiserver 1.37: LimitRanger, ServiceAccount, Priority, DefaultTolerationSeconds,
RuntimeClass.  objectSelectors, matchConditions and the injector itself all judge that object, so a
simulator that skips these steps answers a different question (`has(object.spec.serviceAccountName)` is
false on the raw pod, true on the real one).

Two things cannot be predicted and are left out or stood in for:
- the ServiceAccount plugin names its token volume `kube-api-access-<5 random characters>`; the simulator
  uses TOKEN_VOLUME_PLACEHOLDER, `kube-api-access-sim00`, which a real cluster can never produce (its
  random alphabet has no `i` and no `0`), so tests of the prefix behave as in a cluster and the name is
  recognisable in output;
- metadata.managedFields, which the apiserver fills in before admission from the request's field manager
  and the clock, is dropped.

A plugin that refuses the pod (an unknown ServiceAccount, PriorityClass or RuntimeClass, a priority that
contradicts its class, ...) ends the chain: its record carries `rejected` and no webhook is called.

`cluster_objects` maps a kind (ServiceAccount, LimitRange, PriorityClass, RuntimeClass) to the objects of
that kind the user's cluster state holds.  A kind that is absent is assumed to look like a fresh cluster (a
`default` ServiceAccount with automount on, no LimitRange, no globalDefault PriorityClass, only the two
system PriorityClasses); a kind that is present is taken as the complete list, as the apiserver would see it,
except that a state with no ServiceAccount at all in the pod's namespace is taken not to cover that
namespace (every real namespace has `default`).  Assumptions are reported in the step's `notes`.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping as _Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional, Tuple

from .defaults import apply_pod_defaults, round_up_milli

TOKEN_VOLUME_PREFIX = "kube-api-access-"
TOKEN_VOLUME_PLACEHOLDER = TOKEN_VOLUME_PREFIX + "sim00"
TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
TOKEN_EXPIRATION_SECONDS = 3607
LIMIT_RANGER_ANNOTATION = "kubernetes.io/limit-ranger"
MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"
ENFORCE_MOUNTABLE_SECRETS = "kubernetes.io/enforce-mountable-secrets"
DEFAULT_TOLERATION_SECONDS = 300
NOT_READY_TAINT = "node.kubernetes.io/not-ready"
UNREACHABLE_TAINT = "node.kubernetes.io/unreachable"

#: The PriorityClasses every kube-apiserver creates at start-up (pkg/apis/scheduling/v1/helpers.go).
SYSTEM_PRIORITY_CLASSES = (
    {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "system-node-critical"},
     "value": 2000001000, "preemptionPolicy": "PreemptLowerPriority"},
    {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "system-cluster-critical"},
     "value": 2000000000, "preemptionPolicy": "PreemptLowerPriority"},
)

#: The mutating steps before MutatingAdmissionWebhook, in the apiserver's order.
STEPS = ("Decode", "Defaulting", "LimitRanger", "ServiceAccount", "Priority", "DefaultTolerationSeconds",
         "RuntimeClass")


class _Rejected(Exception):
    def __init__(self, code: int, reason: str, message: str):
        super().__init__(message)
        self.code, self.reason, self.message = code, reason, message


def rejection(records: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The refusal that ended the chain ({"plugin", "code", "reason", "message"}), or None."""
    for r in records:
        if "rejected" in r:
            return dict(r["rejected"], plugin=r["plugin"])
    return None


def prepare_for_webhooks(pod: Mapping[str, Any], namespace: str,
                         cluster_objects: Optional[Mapping[str, List[Mapping[str, Any]]]] = None
                         ) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
    """(pod as MutatingAdmissionWebhook's first webhook receives it, one record per step).

    Each record is {"plugin": name, "changed": [paths]} with optional "skipped" (why the step did nothing),
    "notes" (assumptions made for lack of cluster state) and "rejected" ({"code", "reason", "message"});
    after a rejection no further step runs and the pod is returned as that plugin left it.
    """
    objects = cluster_objects or {}
    records: List[Dict[str, Any]] = []
    work = copy.deepcopy(dict(pod))
    try:
        work = _decode(work, namespace, records)
        records.append({"plugin": "Defaulting", "changed": apply_pod_defaults(work)})
        ctx = _Context(work, namespace, objects)
        for name, step in (("LimitRanger", _limit_ranger), ("ServiceAccount", _service_account),
                           ("Priority", _priority), ("DefaultTolerationSeconds", _default_tolerations),
                           ("RuntimeClass", _runtime_class)):
            record: Dict[str, Any] = {"plugin": name, "changed": []}
            records.append(record)
            step(ctx, record)
    except _Rejected as e:
        records[-1]["rejected"] = {"code": e.code, "reason": e.reason, "message": e.message}
    return work, records


# -- decode: what the handler does before any plugin ---------------------------------------------------------------

_WIPED = ("creationTimestamp", "uid", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "managedFields")


def _decode(pod: Dict[str, Any], namespace: str, records: List[Dict[str, Any]]) -> Dict[str, Any]:
    from .typed import TypedError
    from .typed.roundtrip import roundtrip_pod

    record: Dict[str, Any] = {"plugin": "Decode", "changed": []}
    records.append(record)
    try:
        out = roundtrip_pod(pod)
    except TypedError as e:
        raise _Rejected(400, "BadRequest", f'Pod in version "v1" cannot be handled as a Pod: {e}') from None
    out["apiVersion"], out["kind"] = "v1", "Pod"
    meta = out.setdefault("metadata", {})
    for key in _WIPED:
        if key in meta:
            del meta[key]
            record["changed"].append("metadata." + key)
    if meta.get("namespace") != namespace:
        meta["namespace"] = namespace
        record["changed"].append("metadata.namespace")
    return out


# -- shared helpers ---------------------------------------------------------------------------------------------

class _Context:
    def __init__(self, pod: Dict[str, Any], namespace: str, objects: Mapping[str, Any]):
        self.pod = pod
        self.spec = pod.setdefault("spec", {})
        self.meta = pod.setdefault("metadata", {})
        self.namespace = namespace
        self.objects = objects

    def listed(self, kind: str) -> Optional[List[Mapping[str, Any]]]:
        """The objects of `kind` in the cluster state (namespaced kinds: this namespace's), None if unknown."""
        items = self.objects.get(kind)
        if items is None:
            return None
        out = []
        for o in items:
            ns = (o.get("metadata") or {}).get("namespace")
            if kind in ("ServiceAccount", "LimitRange") and ns not in (None, "", self.namespace):
                continue
            out.append(o)
        return out

    def forbidden(self, message: str) -> _Rejected:
        # admission.NewForbidden names the pod by name, else by generateName (names are generated later).
        name = self.meta.get("name") or self.meta.get("generateName") or "Unknown"
        return _Rejected(403, "Forbidden", f'pods "{name}" is forbidden: {message}')

    def containers(self, *fields: str):
        for field in fields:
            for i, c in enumerate(self.spec.get(field) or []):
                if isinstance(c, dict):
                    yield field, f"spec.{field}[{c.get('name') or i}]", c


def _name(obj: Mapping[str, Any]) -> str:
    return (obj.get("metadata") or {}).get("name") or ""


def _quantity(v: Any) -> Any:
    from .typed import TypedError
    from .typed.quantity import canonical_quantity

    text = str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
    if not isinstance(text, str):
        return v
    try:
        return round_up_milli(canonical_quantity(text.strip()))
    except TypedError:
        return text


def _same_resources(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Semantic equality of two ResourceLists: "1Gi" and "1073741824" are the same quantity."""
    from fractions import Fraction

    from .typed import TypedError
    from .typed.quantity import _parse_quantity

    def value(v: Any):
        try:
            unscaled, exp, _fmt, _cached = _parse_quantity(str(v))
        except TypedError:
            return v
        return Fraction(unscaled) * Fraction(10) ** exp

    return a.keys() == b.keys() and all(value(a[k]) == value(b[k]) for k in a)


# -- LimitRanger ----------------------------------------------------------------------------------------------

def _container_defaults(limit_range: Mapping[str, Any]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """(default requests, default limits) of a LimitRange, after the API defaulting of its Container items."""
    requests: Dict[str, Any] = {}
    limits: Dict[str, Any] = {}
    for item in ((limit_range.get("spec") or {}).get("limits") or []):
        if not isinstance(item, _Mapping) or item.get("type") != "Container":
            continue
        default = {k: _quantity(v) for k, v in (item.get("default") or {}).items()}
        default_request = {k: _quantity(v) for k, v in (item.get("defaultRequest") or {}).items()}
        for k, v in (item.get("max") or {}).items():
            default.setdefault(k, _quantity(v))
        for k, v in default.items():
            default_request.setdefault(k, v)
        for k, v in (item.get("min") or {}).items():
            default_request.setdefault(k, _quantity(v))
        requests.update(default_request)
        limits.update(default)
    return requests, limits


def _limit_ranger(ctx: _Context, record: Dict[str, Any]) -> None:
    ranges = ctx.listed("LimitRange") or []
    if not ranges:
        record["skipped"] = "no LimitRange in the namespace"
        return
    if len(ranges) > 1:
        record["notes"] = ["several LimitRanges: the apiserver applies them in its cache's order, the simulator "
                           "in the cluster state's"]
    for lr in ranges:
        default_requests, default_limits = _container_defaults(lr)
        annotations = []
        for field, path, c in ctx.containers("containers", "initContainers"):
            label = "container" if field == "containers" else "init container"
            resources = c.setdefault("resources", {})
            set_requests, set_limits = [], []
            for key, defaults, set_ in (("limits", default_limits, set_limits),
                                        ("requests", default_requests, set_requests)):
                current = resources.get(key) or {}
                for k, v in defaults.items():
                    if k not in current:
                        current[k] = v
                        set_.append(k)
                        record["changed"].append(f"{path}.resources.{key}.{k}")
                if current:
                    resources[key] = current
            if set_requests:
                annotations.append(", ".join(sorted(set_requests)) + f" request for {label} {c.get('name', '')}")
            if set_limits:
                annotations.append(", ".join(sorted(set_limits)) + f" limit for {label} {c.get('name', '')}")
        if annotations:
            ctx.meta.setdefault("annotations", {})[LIMIT_RANGER_ANNOTATION] = \
                "LimitRanger plugin set: " + "; ".join(annotations)
            record["changed"].append("metadata.annotations." + LIMIT_RANGER_ANNOTATION)


# -- ServiceAccount -------------------------------------------------------------------------------------------

def _service_account(ctx: _Context, record: Dict[str, Any]) -> None:
    spec = ctx.spec
    if MIRROR_POD_ANNOTATION in (ctx.meta.get("annotations") or {}):
        if spec.get("serviceAccountName"):
            raise ctx.forbidden("a mirror pod may not reference service accounts")
        record["skipped"] = "mirror pod"
        return
    if not spec.get("serviceAccountName"):
        spec["serviceAccountName"] = spec["serviceAccount"] = "default"
        record["changed"] += ["spec.serviceAccountName", "spec.serviceAccount"]
    name = spec["serviceAccountName"]
    listed = ctx.listed("ServiceAccount")
    if not listed:
        # Every real namespace has a `default` ServiceAccount, so a state listing none for this namespace
        # did not capture it (a snapshot of other namespaces only): assume rather than refuse.
        sa: Mapping[str, Any] = {"metadata": {"name": name, "namespace": ctx.namespace}}
        record["notes"] = [f"ServiceAccount {name} assumed to exist with automount on and no imagePullSecrets "
                           f"(the cluster state lists no ServiceAccounts of namespace {ctx.namespace})"]
    else:
        found = next((o for o in listed if _name(o) == name), None)
        if found is None:
            raise ctx.forbidden(f'error looking up service account {ctx.namespace}/{name}: '
                                f'serviceaccount "{name}" not found')
        sa = found
    automount = spec.get("automountServiceAccountToken")
    if automount is None:
        automount = sa.get("automountServiceAccountToken")
    if automount is None or automount:
        _mount_token(ctx, record)
    if not spec.get("imagePullSecrets"):
        secrets = [{"name": s.get("name", "")} if s.get("name") else {}
                   for s in (sa.get("imagePullSecrets") or []) if isinstance(s, _Mapping)]
        if secrets:
            spec["imagePullSecrets"] = secrets
            record["changed"].append("spec.imagePullSecrets")
    annotations = (sa.get("metadata") or {}).get("annotations") or {}
    if annotations.get(ENFORCE_MOUNTABLE_SECRETS) in ("1", "t", "T", "TRUE", "true", "True"):  # strconv.ParseBool
        _limit_secret_references(ctx, sa)


def _mount_token(ctx: _Context, record: Dict[str, Any]) -> None:
    spec = ctx.spec
    volume_name = next((v.get("name") for v in spec.get("volumes") or []
                        if isinstance(v, dict) and str(v.get("name", "")).startswith(TOKEN_VOLUME_PREFIX)), None)
    has_volume = volume_name is not None
    if not has_volume:
        volume_name = TOKEN_VOLUME_PLACEHOLDER
    needs_volume = False
    for _field, path, c in ctx.containers("initContainers", "containers"):
        if any(isinstance(m, dict) and m.get("mountPath") == TOKEN_MOUNT_PATH for m in c.get("volumeMounts") or []):
            continue
        c.setdefault("volumeMounts", []).append({"name": volume_name, "readOnly": True, "mountPath": TOKEN_MOUNT_PATH})
        record["changed"].append(f"{path}.volumeMounts[{volume_name}]")
        needs_volume = True
    if needs_volume and not has_volume:
        spec.setdefault("volumes", []).append(token_volume(volume_name))
        record["changed"].append(f"spec.volumes[{volume_name}]")


def token_volume(name: str = TOKEN_VOLUME_PLACEHOLDER) -> Dict[str, Any]:
    """The projected volume the plugin adds, as the v1 JSON shows it."""
    return {"name": name, "projected": {
        "sources": [
            {"serviceAccountToken": {"expirationSeconds": TOKEN_EXPIRATION_SECONDS, "path": "token"}},
            {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"path": "namespace",
                                        "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
        ],
        "defaultMode": 420}}


def _limit_secret_references(ctx: _Context, sa: Mapping[str, Any]) -> None:
    """The SA's `enforce-mountable-secrets` check, which Admit runs through Validate before any webhook."""
    sa_name = _name(sa)
    mountable = {s.get("name") for s in sa.get("secrets") or [] if isinstance(s, _Mapping)}
    for v in ctx.spec.get("volumes") or []:
        secret = v.get("secret") if isinstance(v, dict) else None
        if isinstance(secret, dict) and secret.get("secretName", "") not in mountable:
            raise ctx.forbidden(f'volume with secret.secretName="{secret.get("secretName", "")}" is not allowed '
                                f'because service account {sa_name} does not reference that secret')
    for field, _path, c in ctx.containers("initContainers", "containers"):
        label = "init container" if field == "initContainers" else "container"
        for env in c.get("env") or []:
            ref = ((env.get("valueFrom") or {}).get("secretKeyRef") if isinstance(env, dict) else None)
            if isinstance(ref, dict) and ref.get("name", "") not in mountable:
                raise ctx.forbidden(f'{label} {c.get("name", "")} with envVar {env.get("name", "")} referencing '
                                    f'secret.secretName="{ref.get("name", "")}" is not allowed because service '
                                    f'account {sa_name} does not reference that secret')
        for env_from in c.get("envFrom") or []:
            ref = env_from.get("secretRef") if isinstance(env_from, dict) else None
            if isinstance(ref, dict) and ref.get("name", "") not in mountable:
                raise ctx.forbidden(f'{label} {c.get("name", "")} with envFrom referencing secret.secretName='
                                    f'"{ref.get("name", "")}" is not allowed because service account {sa_name} '
                                    f'does not reference that secret')
    pull = {s.get("name") for s in sa.get("imagePullSecrets") or [] if isinstance(s, _Mapping)}
    for i, ref in enumerate(ctx.spec.get("imagePullSecrets") or []):
        if isinstance(ref, dict) and ref.get("name", "") not in pull:
            raise ctx.forbidden(f'imagePullSecrets[{i}].name="{ref.get("name", "")}" is not allowed because '
                                f'service account {sa_name} does not reference that imagePullSecret')


# -- Priority -------------------------------------------------------------------------------------------------

def _priority(ctx: _Context, record: Dict[str, Any]) -> None:
    spec = ctx.spec
    listed = ctx.listed("PriorityClass")
    classes = {_name(pc): pc for pc in SYSTEM_PRIORITY_CLASSES}
    classes.update({_name(pc): pc for pc in listed or []})
    class_name = spec.get("priorityClassName") or ""
    if class_name:
        pc = classes.get(class_name)
        if pc is None:
            if listed is None:
                record["skipped"] = "priority not predicted"
                record["notes"] = [f"PriorityClass {class_name} is not in the cluster state; the real apiserver "
                                   "sets priority from its value, or refuses the pod if it does not exist"]
                return
            raise ctx.forbidden(f"no PriorityClass with name {class_name} was found")
        value, policy = int(pc.get("value") or 0), pc.get("preemptionPolicy") or "PreemptLowerPriority"
    else:
        defaults = [pc for pc in (listed or []) if pc.get("globalDefault")]
        if defaults:
            pc = min(defaults, key=lambda p: int(p.get("value") or 0))
            class_name = _name(pc)
            value, policy = int(pc.get("value") or 0), pc.get("preemptionPolicy") or "PreemptLowerPriority"
            spec["priorityClassName"] = class_name
            record["changed"].append("spec.priorityClassName")
        else:
            value, policy = 0, "PreemptLowerPriority"
    given = spec.get("priority")
    if given is not None and given != value:
        raise ctx.forbidden(f"the integer value of priority ({given}) must not be provided in pod spec; priority "
                            f"admission controller computed {value} from the given PriorityClass name")
    if given is None:
        record["changed"].append("spec.priority")
    spec["priority"] = value
    given_policy = spec.get("preemptionPolicy")
    if given_policy is not None and given_policy != policy:
        raise ctx.forbidden(f"the string value of PreemptionPolicy ({given_policy}) must not be provided in pod "
                            f"spec; priority admission controller computed {policy} from the given PriorityClass name")
    if given_policy is None:
        record["changed"].append("spec.preemptionPolicy")
    spec["preemptionPolicy"] = policy


# -- DefaultTolerationSeconds ---------------------------------------------------------------------------------

def _default_tolerations(ctx: _Context, record: Dict[str, Any]) -> None:
    tolerations = ctx.spec.get("tolerations") or []

    def tolerated(taint: str) -> bool:
        return any(isinstance(t, dict) and t.get("key", "") in (taint, "") and t.get("effect", "") in ("NoExecute", "")
                   for t in tolerations)

    added = [{"key": taint, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": DEFAULT_TOLERATION_SECONDS}
             for taint in (NOT_READY_TAINT, UNREACHABLE_TAINT) if not tolerated(taint)]
    if added:
        ctx.spec["tolerations"] = list(tolerations) + added
        record["changed"] += [f"spec.tolerations[{t['key']}]" for t in added]


# -- RuntimeClass ---------------------------------------------------------------------------------------------

def _toleration_key(t: Mapping[str, Any]):
    return (t.get("key") or "", t.get("operator") or "", t.get("value") or "", t.get("effect") or "",
            t.get("tolerationSeconds"))


def _is_superset(ss: Mapping[str, Any], t: Mapping[str, Any]) -> bool:
    """Whether toleration `ss` tolerates everything `t` does (pkg/util/tolerations)."""
    if _toleration_key(ss) == _toleration_key(t):
        return True
    ss_key, ss_op, ss_value, ss_effect, ss_seconds = _toleration_key(ss)
    t_key, t_op, t_value, t_effect, t_seconds = _toleration_key(t)
    if t_key != ss_key and (ss_key != "" or ss_op != "Exists"):
        return False
    if t_effect != ss_effect and ss_effect != "":
        return False
    if ss_effect == "NoExecute" and ss_seconds is not None:
        if t_seconds is None or t_seconds > ss_seconds:
            return False
    if ss_op in ("Equal", ""):
        return t_op == "Equal" and t_value == ss_value
    return ss_op == "Exists"


def merge_tolerations(first: List[Mapping[str, Any]], second: List[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    everything = list(first) + list(second)
    merged: List[Mapping[str, Any]] = []
    for i, t in enumerate(everything):
        if any(_is_superset(m, t) for m in merged):
            continue
        if any(_toleration_key(t) != _toleration_key(t2) and _is_superset(t2, t) for t2 in everything[i + 1:]):
            continue
        merged.append(t)
    return merged


def _runtime_class(ctx: _Context, record: Dict[str, Any]) -> None:
    spec = ctx.spec
    name = spec.get("runtimeClassName")
    if name is None:
        record["skipped"] = "no runtimeClassName"
        return
    listed = ctx.listed("RuntimeClass")
    if listed is None:
        record["notes"] = [f"RuntimeClass {name} is not in the cluster state; assumed to have no overhead and "
                           "no scheduling constraints"]
        return
    rc = next((o for o in listed if _name(o) == name), None)
    if rc is None:
        raise ctx.forbidden(f'pod rejected: RuntimeClass "{name}" not found')
    overhead = rc.get("overhead")
    if isinstance(overhead, _Mapping):
        fixed = {k: _quantity(v) for k, v in (overhead.get("podFixed") or {}).items()}
        current = {k: _quantity(v) for k, v in (spec.get("overhead") or {}).items()}
        if current and not _same_resources(current, fixed):
            raise ctx.forbidden("pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead")
        if fixed:
            if spec.get("overhead") != fixed:
                record["changed"].append("spec.overhead")
            spec["overhead"] = fixed
        else:
            spec.pop("overhead", None)
    scheduling = rc.get("scheduling")
    if not isinstance(scheduling, _Mapping):
        return
    selector = dict(scheduling.get("nodeSelector") or {})
    if spec.get("nodeSelector"):
        merged = spec["nodeSelector"]
        for key, value in selector.items():
            if key in merged and merged[key] != value:
                raise ctx.forbidden(f"conflict: runtimeClass.scheduling.nodeSelector[{key}] = {value}; "
                                    f"pod.spec.nodeSelector[{key}] = {merged[key]}")
            if key not in merged:
                record["changed"].append(f"spec.nodeSelector.{key}")
            merged[key] = value
    elif selector:
        spec["nodeSelector"] = selector
        record["changed"] += [f"spec.nodeSelector.{k}" for k in selector]
    extra = [dict((k, v) for k, v in t.items() if v not in (None, "")) for t in scheduling.get("tolerations") or []
             if isinstance(t, _Mapping)]
    before = spec.get("tolerations") or []
    after = merge_tolerations(before, extra)
    if [_toleration_key(t) for t in after] != [_toleration_key(t) for t in before]:
        spec["tolerations"] = [dict(t) for t in after]
        record["changed"].append("spec.tolerations")
