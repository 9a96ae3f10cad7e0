"""Type-directed decode + encode: one decoder per Go type, built once from the schema (roundtrip_pod).

The decoders reproduce json.Unmarshal into the Go type followed by json.Marshal; see the package docstring
for what that does to a pod.
"""

import marshal
import re
from collections import ChainMap

from ...golang.jsonkind import json_kind
from .. import pod_schema
from . import TypedError
from .jsontext import _number_text
from .metatime import _time_from_json
from .quantity import _go_parse_int, _quantity_from_json

__all__ = ["roundtrip_pod"]


_NIL = object()  # a nil pointer, slice or map: omitted by omitempty, written as null otherwise
_QUANTITY, _INTORSTRING, _TIME, _FIELDSV1 = ("api/resource.Quantity", "util/intstr.IntOrString", "meta/v1.Time",
                                             "meta/v1.FieldsV1")
_CUSTOM = {_QUANTITY, _INTORSTRING, _TIME, _FIELDSV1}
_INT_BITS = {"int8": 8, "int16": 16, "int32": 32, "int64": 64, "int": 64}


def split_map(tid):
    """(key, element) of a "map[K]V" type id; K may hold brackets itself (map[string][]x)."""
    depth = 0
    for i, c in enumerate(tid):
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return tid[4:i], tid[i + 1:]
    raise ValueError("not a map type id: %r" % tid)


class GoTypes:
    """The Go types one round trip knows: generated tables (the shape of pod_schema.TYPES) looked up in
    order, given explicitly - as text/template's builtins() hands out its function table - rather than
    registered into a global; and the decoders built from them, each on first use (a pure function of the
    tables, so building one twice, from two threads, gives the same decoder).  POD_TYPES holds the Pod's;
    kube-inject's workload kinds make their own (simulator/istio/workloads.py)."""

    __slots__ = ("table", "decoders")

    def __init__(self, *tables):
        self.table = ChainMap(*tables)   # read only: the tables are never changed
        self.decoders = {}


def kind_of(tid, gotypes=None):
    """"ptr", "slice", "map", or the table's kind ("struct", "string", "int32", ...) of a type id."""
    if tid[0] == "*":
        return "ptr"
    if tid.startswith("[]"):
        return "slice"
    if tid.startswith("map["):
        return "map"
    entry = (gotypes or POD_TYPES).table.get(tid)
    return entry[0] if entry is not None else tid


def elem_of(tid, gotypes=None):
    """The element type of a pointer, slice, map or named collection type id."""
    if tid[0] == "*":
        return tid[1:]
    if tid.startswith("[]"):
        return tid[2:]
    if tid.startswith("map["):
        return split_map(tid)[1]
    return (gotypes or POD_TYPES).table[tid][1]


_kind, _elem = kind_of, elem_of


def _go_type_name(tid):
    """reflect.Type.String() of a type id: package name instead of the package directory."""
    return re.sub(r"[A-Za-z0-9_.-]+/([A-Za-z0-9_]+\.)", r"\1", tid)


def _fold(name):
    """encoding/json's foldName: ASCII upper case, long s and Kelvin sign folded to S and K."""
    if name.isascii():
        return name.upper()
    return "".join(c.upper() if c.isascii() else {"\u017f": "S", "\u212a": "K"}.get(c, c) for c in name)


class _State:
    """Decoding context for Go's error messages: the struct being decoded and the field path."""
    __slots__ = ("saved", "struct", "stack")

    def __init__(self):
        self.saved = None
        self.struct = None
        self.stack = []

    def type_error(self, value, type_name, fatal=False):
        if self.struct is not None or self.stack:
            msg = "json: cannot unmarshal %s into Go struct field %s.%s of type %s" % (
                value, self.struct or "", ".".join(self.stack), type_name)
        else:
            msg = "json: cannot unmarshal %s into Go value of type %s" % (value, type_name)
        if fatal:
            raise TypedError(msg)
        if self.saved is None:
            self.saved = msg


# Decoders: one function per Go type, built once from the schema.  A decoder takes the JSON value and the
# state and returns the value as Go's json.Marshal would write it (_NIL for a nil pointer/slice/map).

#: The Pod's types (corev1.Pod and everything it reaches).
POD_TYPES = GoTypes(pod_schema.TYPES)
TYPES = POD_TYPES.table


def roundtrip(obj, tid, gotypes=None):
    """json.Marshal(json.Unmarshal(obj) into the Go type `tid` of `gotypes` (default: POD_TYPES)) as a
    new JSON value; TypedError with Go's message when Go's decoder would fail."""
    st = _State()
    if type(obj) is not dict:
        st.type_error(json_kind(obj), _go_type_name(tid), fatal=True)
    out = _decoder(tid, gotypes or POD_TYPES)(obj, st)
    if st.saved is not None:
        raise TypedError(st.saved)
    return None if out is _NIL else out


def _decoder(tid, gotypes):
    decoders = gotypes.decoders
    d = decoders.get(tid)
    if d is None:
        d = decoders[tid] = _build_decoder(tid, gotypes)   # no recursive Go types are reachable from Pod
    return d


def _build_decoder(tid, gotypes):
    if tid[0] == "*":
        inner = _decoder(tid[1:], gotypes)
        return lambda v, st: _NIL if v is None else inner(v, st)
    if tid == _QUANTITY:
        return lambda v, st: _quantity_from_json(v)
    if tid == _INTORSTRING:
        return _decode_int_or_string
    if tid == _TIME:
        return _decode_time
    if tid == _FIELDSV1:
        return lambda v, st: _copy_json(v)  # raw JSON kept as given; null leaves it empty (written as null)
    kind = _kind(tid, gotypes)
    name = _go_type_name(tid)
    if kind == "struct":
        decode = _StructDecoder(tid, gotypes).decode
        return _memoised(decode) if tid in _MEMO_TYPES else decode
    if kind == "slice" and _kind(_elem(tid, gotypes), gotypes) == "uint8":
        # []byte (a webhook's caBundle): encoding/json reads it from a base64 string and writes it back as one
        def decode_bytes(v, st):
            if type(v) is str:
                import binascii

                try:
                    binascii.a2b_base64(v.encode("ascii", "strict"), strict_mode=True) if v else b""
                except (ValueError, UnicodeEncodeError, binascii.Error):
                    st.type_error("string", name)
                return v
            if v is not None:
                st.type_error(json_kind(v), name)
            return _NIL
        return decode_bytes
    if kind == "slice":
        elem = _decoder(_elem(tid, gotypes), gotypes)

        def decode_slice(v, st):
            if type(v) is list:
                return [elem(x, st) for x in v]
            if v is not None:
                st.type_error(json_kind(v), name)
            return _NIL
        return decode_slice
    if kind == "map":
        elem = _decoder(_elem(tid, gotypes), gotypes)

        def decode_map(v, st):
            if type(v) is dict:
                decoded = {k: elem(x, st) for k, x in v.items()}  # Go decodes in text order
                return {k: decoded[k] for k in sorted(decoded)}
            if v is not None:
                st.type_error(json_kind(v), name)
            return _NIL
        return decode_map
    if kind == "string":
        def decode_string(v, st):
            if type(v) is str:
                return v
            if v is not None:
                st.type_error(json_kind(v), name)
            return ""
        return decode_string
    if kind == "bool":
        def decode_bool(v, st):
            if type(v) is bool:
                return v
            if v is not None:
                st.type_error(json_kind(v), name)
            return False
        return decode_bool
    bits = _INT_BITS.get(kind)
    if bits is not None:
        def decode_int(v, st):
            t = type(v)
            if t is int and -(1 << (bits - 1)) <= v < (1 << (bits - 1)):
                return v
            if t is int or t is float:
                text = _number_text(v)
                n = _go_parse_int(text, bits)
                if n is None:
                    st.type_error("number " + text, name)
                    return 0
                return n
            if v is not None:
                st.type_error(json_kind(v), name)
            return 0
        return decode_int
    if kind in ("float64", "float32"):
        def decode_float(v, st):
            if type(v) in (int, float):
                return v
            if v is not None:
                st.type_error(json_kind(v), name)
            return 0
        return decode_float
    raise TypedError("kind %s of %s is not supported by the typed round trip" % (kind, tid))


#: Struct types whose values recur whole: an injection round-trips the pod after each merge and at the end,
#: and the containers and volumes a template added come through unchanged (also from the webhook's
#: injection to kube-inject's, and from pod to pod: istio-init, the proxy's volumes, most of its env).
#: Chosen by measurement (callgrind, Istio's template on distinct pods); smaller structs cost more to key.
_MEMO_TYPES = frozenset(("core/v1.Container", "core/v1.Volume", "core/v1.EnvVar", "core/v1.Probe",
                         "core/v1.ResourceRequirements", "core/v1.SecurityContext", "core/v1.VolumeMount"))
_MEMO_BYTES = 4 << 20         # per type, keys and results together; the table is emptied when it would pass it
_MEMO_KEY_BYTES = 1 << 16     # larger values are decoded every time


def _memoised(decode):
    """`decode` remembered by value.  The key is the value's marshal bytes, which tell exact types apart
    (1, 1.0 and True; a list and a tuple; str and int keys) and keep key order (Go reports errors in text
    order): equal bytes load to the same value, so the decode is the same.  Only values that decoded
    without an error are kept (their decode leaves the state as it found it), as marshal bytes of the result,
    so every caller gets new objects to change.  Subclasses and nesting marshal refuses go to `decode`."""
    memo = {}
    held = [0]    # bytes in memo: bounded by size, since a hostile input's values may each be large

    def decode_memoised(v, st):
        try:
            key = marshal.dumps(v)
        except ValueError:
            return decode(v, st)
        hit = memo.get(key)
        if hit is not None:
            return marshal.loads(hit)
        clean = st.saved is None
        out = decode(v, st)
        if clean and st.saved is None and len(key) <= _MEMO_KEY_BYTES:
            value = marshal.dumps(out)
            if held[0] + len(key) + len(value) > _MEMO_BYTES:
                memo.clear()
                held[0] = 0
            memo[key] = value
            held[0] += len(key) + len(value)
        return out
    decode_memoised.decoder = decode.__self__
    return decode_memoised


def _decode_int_or_string(v, st):
    # IntOrString.UnmarshalJSON: a JSON string is the string form, anything else goes into the int32, and
    # its errors abort decoding (they come from a nested json.Unmarshal).  null sets the int form to 0.
    t = type(v)
    if t is str:
        return v
    if v is None:
        return 0
    if t is int or t is float:
        text = _number_text(v)
        n = _go_parse_int(text, 32)
        if n is None:
            st.type_error("number " + text, "int32", fatal=True)
        return n
    st.type_error(json_kind(v), "int32", fatal=True)


def _decode_time(v, st):
    if v is not None and type(v) is not str:
        st.type_error(json_kind(v), "string", fatal=True)
    return _time_from_json(v)


def _copy_json(v):
    t = type(v)
    if t is dict:
        return {k: _copy_json(x) for k, x in v.items()}
    if t is list:
        return [_copy_json(x) for x in v]
    return v


# How a field's value is left out: by omitempty, by omitzero, or never.
_KEEP, _OMIT_NIL, _OMIT_LEN, _OMIT_SCALAR, _OMIT_NULL = range(5)


class _StructDecoder:
    """Decodes a JSON object into one Go struct type and writes it back in field order."""

    def __init__(self, tid, gotypes):
        self.name = tid.rsplit(".", 1)[-1]
        self.type_name = _go_type_name(tid)
        self.gotypes = gotypes
        specs = [spec.split(" ") for spec in gotypes.table[tid][4]]
        self.names = [w[0] for w in specs]
        self.types = [w[1] for w in specs]
        self.exact = {}
        self.folded = {}
        for i, n in enumerate(self.names):
            self.exact.setdefault(n, i)
            self.folded.setdefault(_fold(n), i)
        self.embedded = []
        self.omit = []
        for words in specs:
            opts = words[2:]
            embedded = ()
            for w in opts:
                if w.startswith("embedded="):
                    embedded = tuple(w[9:].split("."))
            self.embedded.append(embedded)
            self.omit.append(_omit_rule(words[1], "omitempty" in opts, "omitzero" in opts, gotypes))
        # Field decoders are built on first use: building all of them builds the decoder of every type
        # reachable from Pod, which a one-pod run would pay for (~5 ms) and mostly never call.
        self.decoders = []
        for t in self.types:
            self.decoders.append(_LazyField(t, self, len(self.decoders)))
        # Plain string fields: a JSON string is already their encoding (most fields of a pod are these).
        self.strings = frozenset(i for i, t in enumerate(self.types)
                                 if t not in _CUSTOM and _kind(t, gotypes) == "string")
        # Fields written even when the JSON lacks them, with the Go zero value's encoding.
        self.absent = {}
        for i, t in enumerate(self.types):
            z = _zero_encoding(t, gotypes)
            if not _omitted(self.omit[i], z):
                self.absent[i] = None if z is _NIL else z
        self.absent_keys = frozenset(self.absent)
        self.zero_template = None

    def zero(self):
        if self.zero_template is None:
            self.zero_template = {self.names[i]: z for i, z in sorted(self.absent.items())}
        return _copy_json(self.zero_template)

    def decode(self, obj, st):
        if type(obj) is not dict:
            if obj is not None:
                st.type_error(json_kind(obj), self.type_name)
            return self.zero()
        exact = self.exact
        values = {}
        occurrences = None
        for key, raw in obj.items():
            i = exact.get(key)
            if i is None:
                if type(key) is not str:
                    continue
                i = self.folded.get(_fold(key))
                if i is None:
                    continue
            if i in values:
                # Keys that differ only in case name one field: Go decodes each in turn into the same value.
                if occurrences is None:
                    occurrences = list(values.items())
                values[i] = _combine(values[i], raw, self.types[i], self.gotypes)
            if occurrences is not None:
                occurrences.append((i, raw))
            values.setdefault(i, raw)
        if not values:
            return self.zero()
        stack = st.stack
        depth = len(stack)
        saved_struct = st.struct
        st.struct = self.name
        decoded = {}
        names, embedded, decoders, strings = self.names, self.embedded, self.decoders, self.strings
        for i, raw in occurrences or values.items():
            if type(raw) is str and i in strings:
                decoded[i] = raw
                continue
            if embedded[i]:
                stack.extend(embedded[i])
            stack.append(names[i])
            decoded[i] = decoders[i](raw, st)  # errors in text order, as Go reports them
            del stack[depth:]
        if occurrences is not None:
            for i in {i for i, _ in occurrences}:
                decoded[i] = decoders[i](values[i], _State())
        st.struct = saved_struct
        absent = self.absent
        omit = self.omit
        out = {}
        for i in sorted(self.absent_keys.union(decoded)) if absent else sorted(decoded):
            if i in decoded:
                enc = decoded[i]
                rule = omit[i]
                if rule != _KEEP and _omitted(rule, enc):
                    continue
                out[names[i]] = None if enc is _NIL else enc
            else:
                z = absent[i]
                out[names[i]] = _copy_json(z) if type(z) is dict else z
        return out


class _LazyField:
    """A field's decoder, built on its first call, which then takes this placeholder's place."""

    __slots__ = ("tid", "owner", "index")

    def __init__(self, tid, owner, index):
        self.tid = tid
        self.owner = owner   # the _StructDecoder whose field this is
        self.index = index

    def __call__(self, raw, st):
        fn = self.owner.decoders[self.index] = _decoder(self.tid, self.owner.gotypes)
        return fn(raw, st)


def _omit_rule(tid, omitempty, omitzero, gotypes):
    kind = _kind(tid, gotypes)
    if omitzero:
        if tid == _TIME:
            return _OMIT_NULL
        if kind in ("ptr", "slice", "map"):
            return _OMIT_NIL
        if kind in ("string", "bool") or kind in _INT_BITS:
            return _OMIT_SCALAR
        raise TypedError("omitzero on %s is not supported by the typed round trip" % tid)
    if not omitempty or kind == "struct":
        return _KEEP
    if kind == "ptr":
        return _OMIT_NIL
    if kind in ("slice", "map"):
        return _OMIT_LEN
    return _OMIT_SCALAR


def _omitted(rule, enc):
    if rule == _KEEP:
        return False
    if rule == _OMIT_NIL:
        return enc is _NIL
    if rule == _OMIT_LEN:
        return enc is _NIL or not enc
    if rule == _OMIT_NULL:
        return enc is None
    return enc is _NIL or enc == "" or enc is False or (enc == 0 and type(enc) is not bool)


def _zero_encoding(tid, gotypes):
    if tid[0] == "*":
        return _NIL
    if tid == _QUANTITY:
        return "0"
    if tid == _INTORSTRING:
        return 0
    if tid == _TIME or tid == _FIELDSV1:
        return None
    kind = _kind(tid, gotypes)
    if kind in ("slice", "map"):
        return _NIL
    if kind == "struct":
        decode = _decoder(tid, gotypes)
        return (decode.decoder if tid in _MEMO_TYPES else decode.__self__).zero()
    if kind == "string":
        return ""
    if kind == "bool":
        return False
    return 0


def _combine(prev, new, tid, gotypes):
    """Two JSON keys naming the same field (case-insensitive match): the second decodes into the first."""
    kind = _kind(tid, gotypes)
    if kind == "ptr":
        if new is None or prev is None:
            return new
        return _combine(prev, new, tid[1:], gotypes)
    if tid in _CUSTOM:
        return prev if new is None and tid == _FIELDSV1 else new
    if new is None:
        return None if kind in ("slice", "map") else prev
    if kind in ("struct", "map") and type(prev) is dict and type(new) is dict:
        merged = dict(prev)
        merged.update(new)
        return merged
    if kind == "slice" and type(prev) is list and type(new) is list:
        elem = _elem(tid, gotypes)
        return [_combine(prev[i], x, elem, gotypes) if i < len(prev) else x for i, x in enumerate(new)]
    return new


def roundtrip_pod(obj):
    """The pod as Go's json.Marshal prints it after json.Unmarshal into corev1.Pod (a new dict)."""
    st = _State()
    decode = _decoder(pod_schema.ROOT, POD_TYPES)
    if obj is not None and type(obj) is not dict:
        st.type_error(json_kind(obj), _go_type_name(pod_schema.ROOT), fatal=True)
    out = decode(obj if obj is not None else {}, st)
    if st.saved is not None:
        raise TypedError(st.saved)
    return out
