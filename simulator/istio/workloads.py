"""Workload objects as `istioctl kube-inject` decodes and re-encodes them (typed Go structs).

kube-inject reads each document into its Go type with `sigs.k8s.io/yaml.Unmarshal` - YAML numbers and
booleans become strings wherever the Go field is a string (`version: 1.10` -> "1.1") - and prints the
result with `yaml.Marshal`, i.e. Go's JSON encoding: unknown fields gone, zero-valued non-omitempty fields
present (`strategy: {}`, `status: {}`, `selector: null`), quantities canonical.

The typed round trip of simulator/kube/typed/ is table driven; kube-inject's round trip is given the
Pod's table and the workload kinds' (workload_schema.py, generated) explicitly, as WORKLOAD_TYPES: nothing
is registered anywhere, so the webhook path's round trip knows exactly the Pod's types.
"""

from ..kube import pod_schema
from ..kube.typed import roundtrip as typed
from ..golang.strconv import format_float
from . import workload_schema

#: The Go types kube-inject decodes: the Pod's first (ids both tables define keep the Pod's definition).
WORKLOAD_TYPES = typed.GoTypes(pod_schema.TYPES, workload_schema.TYPES)
TYPES = WORKLOAD_TYPES.table

ROOTS = dict(workload_schema.ROOTS)
_UNMARSHALERS = {tid for tid, e in TYPES.items() if "U" in (e[3] or "") or "t" in (e[3] or "")}


class DecodeError(ValueError):
    """The document does not decode into its Go type; the message is Go's."""


def _kind(tid):
    return typed.kind_of(tid, WORKLOAD_TYPES)


def _elem(tid):
    return typed.elem_of(tid, WORKLOAD_TYPES)


def _fields(tid):
    out = {}
    folded = {}
    for spec in TYPES[tid][4] or ():
        words = spec.split(" ")
        out[words[0]] = words[1]
        folded.setdefault(words[0].upper(), words[1])
    return out, folded


_field_cache = {}


def _field_type(tid, key):
    f = _field_cache.get(tid)
    if f is None:
        f = _field_cache[tid] = _fields(tid)
    exact, folded = f
    t = exact.get(key)
    if t is None:
        t = folded.get(key.upper())
    return t


def coerce_for_target(value, tid):
    """sigs.k8s.io/yaml's convertToJSONableObject: numbers/booleans to strings where Go wants a string."""
    while tid.startswith("*"):
        tid = tid[1:]
    if tid in _UNMARSHALERS:
        return value
    kind = _kind(tid)
    if isinstance(value, dict):
        if kind == "struct":
            out = {}
            for k, v in value.items():
                ft = _field_type(tid, k)
                out[k] = coerce_for_target(v, ft) if ft is not None else v
            return out
        if kind == "map":
            elem = _elem(tid)
            return {k: coerce_for_target(v, elem) for k, v in value.items()}
        return value
    if isinstance(value, list):
        if kind == "slice":
            elem = _elem(tid)
            return [coerce_for_target(v, elem) for v in value]
        return value
    if kind == "string":
        if value is True:
            return "true"
        if value is False:
            return "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return format_float(value, "g", -1, 32)
    return value


def roundtrip(obj, tid):
    """json.Marshal(json.Unmarshal(obj) into the Go type tid)."""
    try:
        return typed.roundtrip(obj, tid, WORKLOAD_TYPES)
    except typed.TypedError as e:
        raise DecodeError(str(e)) from None


def decode_object(kind, doc):
    """The document decoded into the Go type of `kind` and encoded again (with sigs.k8s.io/yaml coercion)."""
    tid = ROOTS[kind]
    return roundtrip(coerce_for_target(doc, tid), tid)


def _fields_of(tid):
    entry = TYPES.get(tid)
    if entry is None or entry[0] != "struct" or not entry[4]:
        return ()
    return [(spec.split(" ")[0], spec.split(" ")[1]) for spec in entry[4]]


def add_null_creation_timestamps(value, tid):
    """k8s.io/apimachinery before 0.34 wrote a zero ObjectMeta.creationTimestamp as null (no omitzero):
    what the Go code of older Istio releases (1.24: apimachinery 0.31) prints.  In place."""
    while tid.startswith("*"):
        tid = tid[1:]
    if isinstance(value, list):
        elem = tid[2:] if tid.startswith("[]") else (TYPES.get(tid) or (None, None))[1]
        if elem:
            for v in value:
                add_null_creation_timestamps(v, elem)
        return
    if not isinstance(value, dict):
        return
    if tid == "meta/v1.ObjectMeta":
        value.setdefault("creationTimestamp", None)
        return
    if tid.startswith("map["):
        return
    for name, ftid in _fields_of(tid):
        if name in value:
            add_null_creation_timestamps(value[name], ftid)
