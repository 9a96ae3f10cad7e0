"""Whether kube-apiserver would accept an object given to `kubectl apply`/`create` at all.

An object the API server refuses never gets a pod, so explaining its injection would mislead: it is one
InputError naming the field, with the API server's own wording (apimachinery's validation messages and Go's
JSON decoding errors), and the other documents are still explained.  What is checked, from the sources of
k8s.io/apimachinery and k8s.io/kubernetes (pkg/apis/*/validation):

- `apiVersion` set (kubectl refuses to send an object without one), and for the built-in kinds explained here
  one the API server serves them at (kubectl: `no matches for kind "Deployment" in version
  "extensions/v1beta1"`; those versions were removed by Kubernetes 1.16, batch/v1beta1 CronJobs by 1.25);
- the typed decode of the kinds whose Go types the simulator has (json.Unmarshal into apps/v1.Deployment &c.
  as the API server decodes the request: `replicas: "two"`, a namespace that is a number);
- `metadata.name` or `generateName` set; the name as the kind's registry validates it (a DNS-1123 subdomain,
  at most 253 characters; a StatefulSet's a DNS-1123 label, at most 63; a CronJob's at most 52, so that its
  Jobs' names fit; `generateName` with its trailing dash masked), `metadata.namespace` a DNS-1123 label;
- labels (qualified-name keys, label values) and annotations (qualified-name keys, case-insensitive; keys and
  values together at most 256 KiB) of the object and of its pod template.

One refusal is this tool's, not the API server's: an annotation whose JSON nests deeper than the engine
follows (simulator/depth.py; Istio reads several annotations as JSON).
"""
from __future__ import annotations

import re
from collections.abc import Mapping as _Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping, Optional, Tuple

from ..errors import InputError, SourcePos
from ..depth import BEYOND, text_too_deep
from .labels import label_key_error, label_value_error

TOTAL_ANNOTATION_SIZE_LIMIT = 256 * (1 << 10)
_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN = _LABEL + r"(\." + _LABEL + ")*"
_LABEL_RE = re.compile("^" + _LABEL + "$")
_SUBDOMAIN_RE = re.compile("^" + _SUBDOMAIN + "$")
_SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                  "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                  "validation is '%s')" % _SUBDOMAIN)
_LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
              "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
              "'%s')" % _LABEL)
#: Kinds whose names are DNS-1123 labels (apps/validation ValidateStatefulSetName); all others listed here and
#: custom resources: DNS-1123 subdomains.
_LABEL_NAMED = {"StatefulSet"}
_MAX_NAME = {"CronJob": 52}   # batch/validation: "must be no more than 52 characters"
#: The one group/version every supported Kubernetes (1.25 on) serves each built-in pod-bearing kind at; checked
#: against a real kube-apiserver's discovery (tests/realcluster/test_served_versions.py).
SERVED = {"Pod": "v1", "ReplicationController": "v1", "PodTemplate": "v1",
          "Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "ReplicaSet": "apps/v1",
          "Job": "batch/v1", "CronJob": "batch/v1"}
#: Groups that are Kubernetes' own: a kind above under any other version of these is not served.  Under a
#: group of its own (`example.com/v1`, kind Deployment) it is some custom resource, which this check leaves be.
BUILTIN_GROUPS = {"", "apps", "batch", "extensions"}


def unserved_version_error(obj: Mapping[str, Any]) -> Optional[InputError]:
    """kubectl's refusal to map a built-in kind at a version the API server does not serve."""
    kind, api_version = obj.get("kind"), obj.get("apiVersion")
    served = SERVED.get(kind) if isinstance(kind, str) else None
    if served is None or not isinstance(api_version, str) or api_version == served:
        return None
    group = api_version.rpartition("/")[0] if "/" in api_version else ""
    if group not in BUILTIN_GROUPS:
        return None
    return InputError(f'no matches for kind "{kind}" in version "{api_version}" (kube-apiserver serves {kind} '
                      f'at {served})', pos=SourcePos("apiVersion"))


def dns1123_subdomain_error(value: str) -> Optional[str]:
    if len(value) > 253:
        return "must be no more than 253 characters"
    return None if _SUBDOMAIN_RE.match(value) else _SUBDOMAIN_MSG


def dns1123_label_error(value: str) -> Optional[str]:
    errors = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if not _LABEL_RE.match(value):
        errors.append("must not contain dots" if _SUBDOMAIN_RE.match(value) else _LABEL_MSG)
    return ", ".join(errors) or None


def _mask_trailing_dash(name: str) -> str:
    return name[:-2] + "a" if len(name) > 1 and name.endswith("-") else name


def _shown(value: Any) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + '..."'


def _invalid(field: str, value: Any, message: str) -> InputError:
    return InputError(f"Invalid value: {_shown(value)}: {message}", pos=SourcePos(field))


def _decode_error(obj: Mapping[str, Any]) -> Optional[InputError]:
    """Go's json.Unmarshal of the request body into the kind's type: the API server's first refusal."""
    from ..istio.workloads import ROOTS, WORKLOAD_TYPES
    from .typed import TypedError, roundtrip as typed

    kind = obj.get("kind")
    if kind not in ROOTS or kind == "List":
        return None
    try:
        typed.roundtrip(obj, ROOTS[kind], WORKLOAD_TYPES)
    except TypedError as e:
        m = re.search(r"Go struct field \w+\.([\w.]+) of type", str(e))
        version = str(obj.get("apiVersion")).rpartition("/")[2]
        return InputError(f'{kind} in version "{version}" cannot be handled as a {kind}: {e}',
                          pos=SourcePos(m.group(1) if m else ""))
    return None


def _metadata_errors(md: Mapping[str, Any], at: str) -> Optional[InputError]:
    labels = md.get("labels") or {}
    for key, value in labels.items():
        problem = label_key_error(key)
        if problem:
            return _invalid(f"{at}.labels", key, problem)
        problem = label_value_error(value)
        if problem:
            return _invalid(f"{at}.labels", value, problem)
    annotations = md.get("annotations") or {}
    size = 0
    for key, value in annotations.items():
        problem = label_key_error(key.lower())
        if problem:
            return _invalid(f"{at}.annotations", key, problem)
        size += len(key.encode("utf-8", "surrogatepass")) + len(str(value).encode("utf-8", "surrogatepass"))
        if text_too_deep(value):        # not the API server's rule: this tool's (simulator/depth.py)
            return InputError(BEYOND, pos=SourcePos(f"{at}.annotations.{key}"))
    if size > TOTAL_ANNOTATION_SIZE_LIMIT:
        return InputError(f"Too long: may not be more than {TOTAL_ANNOTATION_SIZE_LIMIT} bytes",
                          pos=SourcePos(f"{at}.annotations"))
    return None


def undecodable(kind: str, field: str, value: Any, go_type: str, version: str = "v1") -> str:
    """The API server's refusal of a field Go's json.Unmarshal cannot put in its type (`field` as Go
    names it: the struct field, not a map key under it)."""
    got = ("object" if isinstance(value, _Mapping) else "array" if isinstance(value, list) else
           "bool" if isinstance(value, bool) else "number" if isinstance(value, (int, float)) else "string")
    return (f'{kind} in version "{version}" cannot be handled as a {kind}: json: cannot unmarshal {got} into '
            f'Go struct field {kind}.{field} of type {go_type}')


def stored_error(obj: Mapping[str, Any]) -> Optional[InputError]:
    """Why kube-apiserver could not hold `obj`, an object of a cluster state (it was stored once, so it
    decoded and validated then), or None.  What the simulation reads of every object is checked: its
    metadata (Go's decode of ObjectMeta, with its messages; a name; label and annotation keys and values)
    and a ConfigMap's `data`, a map[string]string, which the injector's configuration is read from."""
    from . import pod_schema
    from .typed import TypedError, roundtrip as typed

    kind = str(obj.get("kind"))
    version = str(obj.get("apiVersion") or "v1").rpartition("/")[2]
    if "metadata" in obj:
        try:
            typed.roundtrip({"metadata": obj["metadata"]}, pod_schema.ROOT)
        except TypedError as e:
            text = str(e).replace("Go struct field Pod.", f"Go struct field {kind}.")
            m = re.search(r"Go struct field \w+\.([\w.]+) of type", text)
            field = m.group(1) if m else "metadata"
            held = obj["metadata"].get(field[9:]) if field in ("metadata.labels", "metadata.annotations") else None
            if isinstance(held, _Mapping):     # Go names the map; the key that holds the value is more use
                bad = next((k for k, v in held.items() if not isinstance(v, str)), None)
                if bad is not None:
                    field += f".{bad}"
            return InputError(f'{kind} in version "{version}" cannot be handled as a {kind}: {text}',
                              pos=SourcePos(field))
    md = obj.get("metadata") or {}
    if not md.get("name"):
        return InputError("Required value: name or generateName is required", pos=SourcePos("metadata.name"))
    problem = _metadata_errors(md, "metadata")
    if problem is not None or kind != "ConfigMap":
        return problem
    data = obj.get("data")
    if data is not None and not isinstance(data, _Mapping):
        return InputError(undecodable(kind, "data", data, "map[string]string", version), pos=SourcePos("data"))
    for key, value in (data or {}).items():
        if not isinstance(value, str):
            return InputError(undecodable(kind, "data", value, "string", version), pos=SourcePos(f"data.{key}"))
    return None


def creation_error(obj: Mapping[str, Any], template_path: Optional[Tuple[str, ...]] = None) -> Optional[InputError]:
    """The API server's refusal of `obj` (kind already known to be a string), or None.  `template_path`:
    where its pod template is (None for a Pod)."""
    api_version = obj.get("apiVersion")
    if not isinstance(api_version, str) or not api_version:
        return InputError("apiVersion not set (kubectl and kube-apiserver refuse an object without one)",
                          pos=SourcePos("apiVersion"))
    problem = unserved_version_error(obj) or _decode_error(obj)
    if problem is not None:
        return problem
    md = obj.get("metadata")
    if not isinstance(md, _Mapping):
        md = {}
    kind = obj.get("kind")
    name, generate = md.get("name"), md.get("generateName")
    for field, value in (("name", name), ("generateName", generate), ("namespace", md.get("namespace"))):
        if value is not None and not isinstance(value, str):   # (a custom resource: not decoded above)
            return InputError(f"must be a string, not {value!r}"[:120], pos=SourcePos(f"metadata.{field}"))
    check = dns1123_label_error if kind in _LABEL_NAMED else dns1123_subdomain_error
    if generate:
        problem = check(_mask_trailing_dash(generate))
        if problem:
            return _invalid("metadata.generateName", generate, problem)
    if not name and not generate:
        return InputError("Required value: name or generateName is required", pos=SourcePos("metadata.name"))
    if name:
        problem = check(name)
        if problem:
            return _invalid("metadata.name", name, problem)
        limit = _MAX_NAME.get(kind)
        if limit is not None and len(name) > limit:
            return _invalid("metadata.name", name, f"must be no more than {limit} characters")
    namespace = md.get("namespace")
    if isinstance(namespace, str) and namespace:
        problem = dns1123_label_error(namespace)
        if problem:
            return _invalid("metadata.namespace", namespace, problem)
    problem = _metadata_errors(md, "metadata")
    if problem is not None or not template_path:
        return problem
    template: Any = obj
    for key in template_path:
        template = template.get(key) if isinstance(template, _Mapping) else None
    tmd = template.get("metadata") if isinstance(template, _Mapping) else None
    if isinstance(tmd, _Mapping):
        return _metadata_errors(tmd, ".".join(template_path) + ".metadata")
    return None
