"""Predicted pod against the pod the real admission chain stored: field by field, after normalising what the
server generates, with each difference named by its JSON pointer (RFC 6901) path.

What is normalised away, on both sides (`normalise`), and why:
- `status`, and metadata the server writes: uid, resourceVersion, generation, creationTimestamp,
  managedFields, deletion fields, selfLink;
- a generated name: with `generateName` set, the name is generateName plus a random suffix;
- the ServiceAccount token volume's random suffix: `kube-api-access-XXXXX` becomes the simulator's
  `kube-api-access-sim00`, in the volume and every mount of it;
- `spec.nodeName` when the prediction has none: the scheduler binds the pod after admission;
- the in-tree plugins' second round (`second_round`): once a webhook changed a pod, kube-apiserver runs the
  ServiceAccount plugin again, which mounts its token into the containers the webhook added; the simulator
  predicts the webhook's answer and does not model that round (tests/live/test_real_injector.py
  `_disagreements` leaves out the same mounts).
The `sidecar.istio.io/status` annotation is JSON text: it is compared as the value it encodes.
Both sides are the pod as stored, so defaults the server adds after the webhooks are added to the prediction
first (`simulator.after_webhooks`), and the patch check applies the predicted JSON patch with the `jsonpatch`
library to the pod as the API server handed it to the webhooks.
"""
from __future__ import annotations

import copy
import json
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Set

TOKEN_PREFIX = "kube-api-access-"
TOKEN_PLACEHOLDER = TOKEN_PREFIX + "sim00"
TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
STATUS_ANNOTATION = "sidecar.istio.io/status"
SERVER_METADATA = ("uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink",
                   "deletionTimestamp", "deletionGracePeriodSeconds")
_ABSENT = object()


def normalise(pod: Dict[str, Any], predicted_node: Optional[str] = None) -> Dict[str, Any]:
    """A copy of `pod` without what the server generates (see the module docstring)."""
    out = copy.deepcopy(pod)
    out.pop("status", None)
    md = out.setdefault("metadata", {})
    for key in SERVER_METADATA:
        md.pop(key, None)
    if md.get("generateName") and str(md.get("name", "")).startswith(md["generateName"]):
        md.pop("name", None)
    for key in ("labels", "annotations"):
        if md.get(key) == {}:
            md.pop(key)
    spec = out.get("spec") or {}
    if predicted_node is None:
        spec.pop("nodeName", None)
    token = next((v.get("name") for v in spec.get("volumes") or []
                  if str(v.get("name", "")).startswith(TOKEN_PREFIX)), None)
    if token and token != TOKEN_PLACEHOLDER:
        for v in spec.get("volumes") or []:
            if v.get("name") == token:
                v["name"] = TOKEN_PLACEHOLDER
        for c in _all_containers(spec):
            for m in c.get("volumeMounts") or []:
                if m.get("name") == token:
                    m["name"] = TOKEN_PLACEHOLDER
    return out


def second_round(observed: Dict[str, Any], predicted: Dict[str, Any], submitted_names: Set[str]) -> Dict[str, Any]:
    """`observed` (normalised) without the ServiceAccount token mounts of the containers a webhook added
    (not in `submitted_names`), where the prediction has none: the in-tree plugins' second round."""
    out = copy.deepcopy(observed)
    predicted_mounts = {(c.get("name"), m.get("mountPath")) for c in _all_containers(predicted.get("spec") or {})
                        for m in c.get("volumeMounts") or []}
    for c in _all_containers(out.get("spec") or {}):
        if c.get("name") in submitted_names or not c.get("volumeMounts"):
            continue
        c["volumeMounts"] = [m for m in c["volumeMounts"]
                             if not (m.get("name") == TOKEN_PLACEHOLDER and m.get("mountPath") == TOKEN_MOUNT_PATH
                                     and (c.get("name"), TOKEN_MOUNT_PATH) not in predicted_mounts)]
        if not c["volumeMounts"]:
            del c["volumeMounts"]
    return out


def comparable(pod: Dict[str, Any], predicted_node: Optional[str], predicted: Optional[Dict[str, Any]] = None,
               submitted_names: Optional[Set[str]] = None) -> Dict[str, Any]:
    """`pod` normalised; for the observed side (`predicted` given) also without the second round's mounts."""
    out = normalise(pod, predicted_node)
    if predicted is not None:
        out = second_round(out, predicted, submitted_names or set())
    return out


def differences(predicted: Any, observed: Any, path: str = "") -> List[Dict[str, Any]]:
    """Every place where the two differ: {"path", "predicted", "observed"}, a side left out where the field is
    absent. A map present on one side only is compared key by key with an empty one (Kubernetes does not tell
    an absent map from an empty one, and a bug report needs `/metadata/annotations/sidecar.istio.io~1status`,
    not the whole map); an empty map against an absent one is one difference. Lists of named items
    (containers, volumes, env, …) whose names differ are one difference: the names on each side; otherwise
    lists are compared item by item."""
    if isinstance(predicted, dict) and isinstance(observed, dict):
        out: List[Dict[str, Any]] = []
        for key in list(predicted) + [k for k in observed if k not in predicted]:
            sub = f"{path}/{_escape(key)}"
            a, b = predicted.get(key, _ABSENT), observed.get(key, _ABSENT)
            if key == STATUS_ANNOTATION and path.endswith("/annotations"):
                if a is _ABSENT or b is _ABSENT:       # appeared or went: the annotation itself, as written
                    out.append(_difference(sub, a, b))
                    continue
                a, b = _json_or(a), _json_or(b)
            if a is _ABSENT and isinstance(b, dict) and b:
                out += differences({}, b, sub)
            elif b is _ABSENT and isinstance(a, dict) and a:
                out += differences(a, {}, sub)
            elif a is _ABSENT or b is _ABSENT:
                out.append(_difference(sub, a, b))
            else:
                out += differences(a, b, sub)
        return out
    if isinstance(predicted, list) and isinstance(observed, list):
        names_a, names_b = _names(predicted), _names(observed)
        if names_a is not None and names_b is not None and names_a != names_b:
            return [{"path": path, "predicted": names_a, "observed": names_b}]
        if len(predicted) != len(observed):
            return [{"path": path, "predicted": predicted, "observed": observed}]
        out = []
        for i, (a, b) in enumerate(zip(predicted, observed)):
            out += differences(a, b, f"{path}/{i}")
        return out
    if predicted == observed and type(predicted) is type(observed):
        return []
    return [_difference(path, predicted, observed)]


def patch_differences(patch: List[Dict[str, Any]], handed: Dict[str, Any], observed: Dict[str, Any],
                      after_webhooks, predicted_node: Optional[str], submitted_names: Set[str]) -> List[Dict[str, Any]]:
    """The predicted JSON patch applied to the pod as the API server handed it to the webhooks (`handed`, as
    stored: its token volume named by the server), defaulted as the server defaults a webhook's answer, against
    the observed pod. A patch that does not apply is one difference at the failing operation's path."""
    import jsonpatch

    token = next((v.get("name") for v in (handed.get("spec") or {}).get("volumes") or []
                  if str(v.get("name", "")).startswith(TOKEN_PREFIX)), None)
    ops = json.loads(json.dumps(patch).replace(TOKEN_PLACEHOLDER, token)) if token else patch
    try:
        patched = jsonpatch.apply_patch(copy.deepcopy(handed), ops)
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException, KeyError, IndexError, TypeError) as e:
        failing = next((op["path"] for op in ops if _fails(op, handed)), "")
        return [{"path": failing, "predicted": "the predicted patch applies", "observed": f"it does not: {e}"}]
    patched = after_webhooks(patched)
    mine = normalise(patched, predicted_node)
    theirs = second_round(normalise(observed, predicted_node), mine, submitted_names)
    return differences(mine, theirs)


def _fails(op: Dict[str, Any], doc: Dict[str, Any]) -> bool:
    import jsonpatch

    try:
        jsonpatch.apply_patch(copy.deepcopy(doc), [op])
    except Exception:  # noqa: BLE001 - whichever way it fails, this is the operation to name
        return True
    return False


def container_names(pod: Dict[str, Any], field: str) -> List[str]:
    return [c.get("name") for c in (pod.get("spec") or {}).get(field) or [] if isinstance(c, dict)]


def has_sidecar(pod: Dict[str, Any]) -> bool:
    return "istio-proxy" in container_names(pod, "containers") + container_names(pod, "initContainers")


def _all_containers(spec: Dict[str, Any]):
    for field in ("initContainers", "containers", "ephemeralContainers"):
        for c in spec.get(field) or []:
            if isinstance(c, dict):
                yield c


def _names(items: List[Any]) -> Optional[List[Any]]:
    if items and all(isinstance(x, dict) and "name" in x for x in items):
        return [x["name"] for x in items]
    return None


def _json_or(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _difference(path: str, predicted: Any, observed: Any) -> Dict[str, Any]:
    out: Dict[str, Any] = {"path": path}
    if predicted is not _ABSENT:
        out["predicted"] = predicted
    if observed is not _ABSENT:
        out["observed"] = observed
    return out


def _escape(key: Any) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")
