"""Kubernetes objects as Go structs, for templates that read `.ObjectMeta.Labels` or `$c.Ports`.

Istio's templates see `metav1.ObjectMeta` and `corev1.PodSpec` by reflection: Go field names, and the Go
zero value of a field's type when the JSON left it out (`""`, `0`, nil slice, nil map, nil pointer).  A
view wraps the JSON form of a struct (which must be Go's canonical encoding, i.e. the output of the typed
round trip, so that `structToJSON` can return it as is) and resolves fields lazily through the generated
type table (simulator/kube/pod_schema.py).
"""

from ..gotemplate.values import (
    GoNilPointer, GoStruct, Int8, Int16, Int32, Int64, StringMap, TypedList, TypedMap, Uint8, Uint16, Uint32,
    Uint64, Float32,
)
from ..kube import pod_schema
from ..kube.typed.roundtrip import split_map

_INTS = {"int8": Int8, "int16": Int16, "int32": Int32, "int64": Int64, "int": int, "uint8": Uint8,
         "uint16": Uint16, "uint32": Uint32, "uint64": Uint64}
_QUANTITY, _INTORSTRING, _TIME = "api/resource.Quantity", "util/intstr.IntOrString", "meta/v1.Time"


def go_type_name(tid):
    """reflect's name of a type id: "core/v1.Container" -> "v1.Container", "*[]x/y.T" -> "*[]y.T"."""
    if tid.startswith("*"):
        return "*" + go_type_name(tid[1:])
    if tid.startswith("[]"):
        return "[]" + go_type_name(tid[2:])
    if tid.startswith("map["):
        key, elem = split_map(tid)
        return "map[" + go_type_name(key) + "]" + go_type_name(elem)
    if "/" in tid:
        return tid.rsplit("/", 1)[1]
    return tid


class _Info:
    __slots__ = ("go_name", "fields", "order")

    def __init__(self, tid):
        self.go_name = go_type_name(tid)
        self.fields = {}
        self.order = []
        for spec in pod_schema.TYPES[tid][4] or ():
            words = spec.split(" ")
            json_name, ftid = words[0], words[1]
            go = next((w[3:] for w in words[2:] if w.startswith("go=")), json_name[:1].upper() + json_name[1:])
            self.fields[go] = (json_name, ftid)
            self.order.append(go)


_infos = {}


def _info(tid):
    i = _infos.get(tid)
    if i is None:
        i = _infos[tid] = _Info(tid)
    return i


def _kind(tid):
    entry = pod_schema.TYPES.get(tid)
    return entry[0] if entry is not None else tid


class K8sStruct(GoStruct):
    """A Go struct (or pointer to one, `ptr`) whose JSON form is `data`."""

    __slots__ = ("tid", "data", "go_pointer", "_cache")

    def __init__(self, tid, data, ptr=False):
        self.tid = tid
        self.data = data if data is not None else {}
        self.go_pointer = ptr
        self._cache = {}

    def go_type_name(self):
        return _info(self.tid).go_name

    def go_field(self, name):
        c = self._cache
        if name in c:
            return c[name]
        f = _info(self.tid).fields.get(name)
        if f is None:
            raise LookupError(name)
        v = c[name] = go_value(self.data.get(f[0]), f[1])
        return v

    def go_fields(self):
        return [(n, self.go_field(n)) for n in _info(self.tid).order]

    def go_field_is_interface(self, name):
        return False

    def json_value(self):
        """What encoding/json writes for this struct (the canonical JSON it was built from)."""
        return self.data

    def __repr__(self):
        return "K8sStruct(%s, %r)" % (self.tid, self.data)


class _Opaque(GoStruct):
    """A struct with its own JSON form (Quantity, IntOrString, Time): templates only pass it along."""

    __slots__ = ("tid", "value", "go_pointer")

    def __init__(self, tid, value, ptr=False):
        self.tid = tid
        self.value = value
        self.go_pointer = ptr

    def go_type_name(self):
        return go_type_name(self.tid)

    def go_field(self, name):
        if self.tid == _INTORSTRING:
            is_str = isinstance(self.value, str)
            if name == "Type":
                return Int64(1 if is_str else 0)
            if name == "IntVal":
                return Int32(0 if is_str else int(self.value or 0))
            if name == "StrVal":
                return self.value if is_str else ""
        raise LookupError(name)

    def go_string(self):
        if self.tid == _QUANTITY:
            return str(self.value)
        if self.tid == _INTORSTRING:
            return str(self.value)
        return str(self.value)

    def go_fields(self):
        return []

    def json_value(self):
        return self.value


def go_value(v, tid):
    """The Go value of a field of type `tid` whose JSON (canonical) value is `v` (None when absent)."""
    if tid[0] == "*":
        elem = tid[1:]
        if v is None:
            return GoNilPointer(go_type_name(elem))
        if elem in (_QUANTITY, _INTORSTRING, _TIME):
            return _Opaque(elem, v, ptr=True)
        if _kind(elem) == "struct":
            return K8sStruct(elem, v, ptr=True)
        return go_value(v, elem)
    if tid.startswith("[]"):
        elem = tid[2:]
        gname = go_type_name(elem)
        if not v:
            return TypedList((), gname)
        return TypedList([go_value(x, elem) for x in v], gname)
    if tid.startswith("map["):
        if tid == "map[string]string":
            return StringMap(v or {})
        elem = tid[tid.index("]") + 1:]
        return TypedMap({k: go_value(x, elem) for k, x in (v or {}).items()}, elem_type=go_type_name(elem),
                        key_type=go_type_name(tid[4:tid.index("]")]))
    if tid in (_QUANTITY, _INTORSTRING, _TIME):
        return _Opaque(tid, v)
    kind = _kind(tid)
    if kind == "struct":
        return K8sStruct(tid, v or {})
    if kind == "string":
        return v if v is not None else ""
    if kind == "bool":
        return bool(v)
    cls = _INTS.get(kind)
    if cls is not None:
        return cls(int(v or 0))
    if kind == "float64":
        return float(v or 0)
    if kind == "float32":
        return Float32(v or 0)
    if kind == "slice" or kind == "map" or kind == "ptr":
        entry = pod_schema.TYPES[tid]
        if kind == "slice":
            return TypedList([go_value(x, entry[1]) for x in (v or [])], go_type_name(entry[1]))
        return go_value(v, ("map[%s]%s" % (entry[2], entry[1])) if kind == "map" else "*" + entry[1])
    return v


class SimpleStruct(GoStruct):
    """A small Go struct built in Python (TypeMeta, NamespacedName, SidecarTemplateData)."""

    __slots__ = ("type_name", "fields", "go_pointer")

    def __init__(self, type_name, fields, ptr=False):
        self.type_name = type_name
        self.fields = fields  # ordered {GoName: value}
        self.go_pointer = ptr

    def go_type_name(self):
        return self.type_name

    def go_field(self, name):
        try:
            return self.fields[name]
        except KeyError:
            raise LookupError(name) from None

    def go_fields(self):
        return list(self.fields.items())

    def go_field_is_interface(self, name):
        return False

    def json_value(self):
        from .gojson import to_json_value

        return {k: to_json_value(v) for k, v in self.fields.items()}
