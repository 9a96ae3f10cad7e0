"""Istio's protobuf messages (MeshConfig, ProxyConfig, ...) as templates and Go code see them.

Istio hands its templates `*meshconfig.ProxyConfig` and `*meshconfig.MeshConfig`, so a template reads them
with protoc-gen-go's Go names (`.ProxyConfig.ProxyMetadata`), calls nil-safe getters (`GetTracing`), enum
`String`, and wrapper `GetValue`; and Istio reads/writes them with the legacy golang/protobuf `jsonpb`
(unknown fields tolerated, a present field replaces the whole field, declaration-order output with zero
values left out).  Everything here is driven by a generated descriptor table (proto_schemas.py picks the
one of the Istio line; a message keeps the table it was made with).

Python representation of a message's set fields (keyed by proto field name): scalars as str/int/float/
bool/bytes, enums as int, messages as Message / Duration / Wrapper, google.protobuf.Struct as a plain JSON
dict, repeated fields as lists and maps as dicts.  Proto3 implicit presence: a scalar equal to its zero
value is simply not stored (except inside a oneof, where presence is explicit).
"""

import math
import re

from ..gotemplate.funcs import gofunc
from ..gotemplate.values import (
    GoNilPointer, GoStruct, Int32, Int64, StringMap, TypedList, TypedMap, Uint32, Uint64, Float32,
)
from ..kube.typed.jsontext import go_json_dumps
from .proto_schemas import BASE, DURATION, STRUCT, WRAPPERS, go_type_of

_ZERO = {"string": "", "bool": False, "int32": 0, "int64": 0, "uint32": 0, "uint64": 0, "double": 0.0,
         "float": 0.0, "bytes": b"", "enum": 0}
_GO_SCALAR = {"string": "string", "bool": "bool", "int32": "int32", "int64": "int64", "uint32": "uint32",
              "uint64": "uint64", "double": "float64", "float": "float32", "bytes": "[]uint8"}
_INT_RANGE = {"int32": (-(1 << 31), (1 << 31) - 1), "int64": (-(1 << 63), (1 << 63) - 1),
              "uint32": (0, (1 << 32) - 1), "uint64": (0, (1 << 64) - 1)}


class ProtoError(ValueError):
    """A JSON/YAML document does not decode into the message; the text follows jsonpb's."""


# ---------------------------------------------------------------------------------------------------------
# descriptors

def descriptor(full, schema=None):
    return (schema or BASE).descriptor(full)


def _camel_oneof(name):
    return "".join(p[:1].upper() + p[1:] for p in name.split("_"))


# ---------------------------------------------------------------------------------------------------------
# values

class Enum(GoStruct):
    """A protobuf enum value: an int32 on the Go side whose String() is the value name."""

    __slots__ = ("type", "number", "schema")
    go_pointer = False

    def __init__(self, type_, number, schema=None):
        self.type = type_
        self.number = int(number)
        self.schema = schema or BASE

    def name(self):
        n = self.schema.enum_name(self.type, self.number)
        return n if n is not None else str(self.number)

    def go_type_name(self):
        return go_type_of(self.type)

    def go_string(self):
        return self.name()

    def go_method(self, name):
        if name == "String":
            return _method(self.name, returns="string")
        if name == "Number":
            return _method(lambda: Int32(self.number), returns="protoreflect.EnumNumber")
        return None

    def go_field(self, name):
        raise LookupError(name)

    def __eq__(self, other):
        return isinstance(other, Enum) and other.type == self.type and other.number == self.number

    def __hash__(self):
        return hash((self.type, self.number))

    def __repr__(self):
        return "Enum(%s)" % self.name()


def _method(fn, returns="interface {}"):
    return gofunc(returns=returns)(lambda: fn())


class Duration(GoStruct):
    """*durationpb.Duration."""

    __slots__ = ("seconds", "nanos")
    go_pointer = True

    def __init__(self, seconds=0, nanos=0):
        self.seconds = int(seconds)
        self.nanos = int(nanos)

    def go_type_name(self):
        return "durationpb.Duration"

    def go_field(self, name):
        if name == "Seconds":
            return Int64(self.seconds)
        if name == "Nanos":
            return Int32(self.nanos)
        raise LookupError(name)

    def go_fields(self):
        return [("Seconds", Int64(self.seconds)), ("Nanos", Int32(self.nanos))]

    def go_method(self, name):
        if name == "GetSeconds":
            return _method(lambda: Int64(self.seconds), "int64")
        if name == "GetNanos":
            return _method(lambda: Int32(self.nanos), "int32")
        return None

    def total_nanos(self):
        return self.seconds * 1000000000 + self.nanos

    def __eq__(self, other):
        return isinstance(other, Duration) and (self.seconds, self.nanos) == (other.seconds, other.nanos)

    def __hash__(self):
        return hash((self.seconds, self.nanos))

    def __repr__(self):
        return "Duration(%d, %d)" % (self.seconds, self.nanos)


class Wrapper(GoStruct):
    """*wrapperspb.XxxValue: `.Value` and the nil-safe `.GetValue`."""

    __slots__ = ("type", "value")
    go_pointer = True

    def __init__(self, type_, value):
        self.type = type_
        self.value = value

    def go_type_name(self):
        return go_type_of(self.type)

    def _go_value(self):
        return _scalar_go(WRAPPERS[self.type], self.value)

    def go_field(self, name):
        if name == "Value":
            return self._go_value()
        raise LookupError(name)

    def go_fields(self):
        return [("Value", self._go_value())]

    def go_method(self, name):
        if name == "GetValue":
            return _method(self._go_value, _GO_SCALAR[WRAPPERS[self.type]])
        return None

    def __eq__(self, other):
        return isinstance(other, Wrapper) and other.type == self.type and other.value == self.value

    def __hash__(self):
        return hash((self.type, self.value))

    def __repr__(self):
        return "Wrapper(%r)" % (self.value,)


class NilMessage(GoNilPointer):
    """A nil *Message: getters still work (they return zero values), field access is a nil-pointer error."""

    __slots__ = ("full", "schema")

    def __init__(self, full, schema=None):
        super().__init__(go_type_of(full))
        self.full = full
        self.schema = schema or BASE

    def go_method(self, name):
        if self.full in WRAPPERS:
            if name == "GetValue":
                kind = WRAPPERS[self.full]
                return _method(lambda: _scalar_go(kind, _ZERO[kind]), _GO_SCALAR[kind])
            return None
        if self.full == DURATION:
            if name in ("GetSeconds", "GetNanos"):
                return _method(lambda: Int64(0) if name == "GetSeconds" else Int32(0))
            return None
        if self.full not in self.schema.messages:
            return None
        f = self.schema.descriptor(self.full).getters.get(name)
        if f is None:
            return None
        return _method(lambda: _go_value(f, _UNSET))

    def go_has_field(self, name):
        if self.full in WRAPPERS:
            return name == "Value"
        if self.full not in self.schema.messages:
            return False
        d = self.schema.descriptor(self.full)
        return name in d.by_go or name in {_camel_oneof(o) for o in d.oneofs}


class _OneofView(GoStruct):
    """The Go interface field of a oneof (e.g. MeshConfig_ExtensionProvider.Provider): a wrapper struct."""

    __slots__ = ("owner", "field")
    go_pointer = True

    def __init__(self, owner, field):
        self.owner = owner
        self.field = field

    def go_type_name(self):
        return self.owner._d.go_type + "_" + self.field.go

    def go_field(self, name):
        if name == self.field.go:
            return _go_value(self.field, self.owner.v.get(self.field.name, _UNSET))
        raise LookupError(name)

    def go_fields(self):
        return [(self.field.go, self.go_field(self.field.go))]


_UNSET = object()


class Message(GoStruct):
    """A *Message value. `v` holds the set fields by proto name (see the module docstring)."""

    __slots__ = ("_d", "v")
    go_pointer = True

    def __init__(self, full, values=None, schema=None):
        self._d = (schema or BASE).descriptor(full)
        self.v = dict(values or {})

    @property
    def full(self):
        return self._d.full

    @property
    def schema(self):
        return self._d.schema

    def go_type_name(self):
        return self._d.go_type

    def go_field(self, name):
        f = self._d.by_go.get(name)
        if f is not None:
            return _go_value(f, self.v.get(f.name, _UNSET))
        for oneof, members in self._d.oneofs.items():
            if _camel_oneof(oneof) == name:
                for m in members:
                    if m.name in self.v:
                        return _OneofView(self, m)
                return None
        raise LookupError(name)

    def go_field_is_interface(self, name):
        return any(_camel_oneof(o) == name for o in self._d.oneofs)

    def go_method(self, name):
        f = self._d.getters.get(name)
        if f is None:
            return None
        return _method(lambda: _go_value(f, self.v.get(f.name, _UNSET)))

    def go_fields(self):
        out = []
        seen = set()
        for f in self._d.fields:
            if f.oneof:
                if f.oneof in seen:
                    continue
                seen.add(f.oneof)
                out.append((_camel_oneof(f.oneof), self.go_field(_camel_oneof(f.oneof))))
            else:
                out.append((f.go, _go_value(f, self.v.get(f.name, _UNSET))))
        return out

    # --- Python-side helpers -----------------------------------------------------------------------------
    def get(self, name, default=None):
        """Raw stored value of proto field `name` (or `default` when unset)."""
        return self.v.get(name, default)

    def has(self, name):
        return name in self.v

    def set(self, name, value):
        f = self._d.by_key[name]
        if f.oneof:
            for m in self._d.oneofs[f.oneof]:
                self.v.pop(m.name, None)
            if value is not None:
                self.v[f.name] = value
            return
        if value is None or _is_default(f, value):
            self.v.pop(f.name, None)
        else:
            self.v[f.name] = value

    def clone(self):
        return Message(self._d.full, {k: _clone(x) for k, x in self.v.items()}, self._d.schema)

    def __eq__(self, other):
        return isinstance(other, Message) and other._d is self._d and other.v == self.v

    def __hash__(self):  # pragma: no cover - messages are mutable; identity is enough for caches
        return id(self)

    def __repr__(self):
        return "Message(%s, %r)" % (self._d.full.rsplit(".", 1)[1], self.v)


def _clone(x):
    if isinstance(x, Message):
        return x.clone()
    if isinstance(x, list):
        return [_clone(e) for e in x]
    if isinstance(x, dict):
        return {k: _clone(e) for k, e in x.items()}
    if isinstance(x, Duration):
        return Duration(x.seconds, x.nanos)
    if isinstance(x, Wrapper):
        return Wrapper(x.type, x.value)
    return x


def _is_default(f, value):
    if f.card == "list" or f.card == "map":
        return len(value) == 0
    if f.kind == "message":
        return False
    if f.kind == "bool":
        return value is False
    return value == _ZERO[f.kind]


def _scalar_go(kind, v):
    if kind == "int32":
        return Int32(v)
    if kind == "int64":
        return Int64(v)
    if kind == "uint32":
        return Uint32(v)
    if kind == "uint64":
        return Uint64(v)
    if kind == "float":
        return Float32(v)
    if kind == "double":
        return float(v)
    return v


def _elem_go_type(f):
    if f.kind == "message":
        return "*" + go_type_of(f.type)
    if f.kind == "enum":
        return go_type_of(f.type)
    return _GO_SCALAR[f.kind]


def _single_go(f, raw):
    if f.kind == "message":
        return raw
    if f.kind == "enum":
        return Enum(f.type, raw, f.schema)
    return _scalar_go(f.kind, raw)


def _go_value(f, raw):
    """The Go value of field f (raw = stored Python value or _UNSET)."""
    if f.card == "list":
        items = [] if raw is _UNSET else [_single_go(f, x) for x in raw]
        return TypedList(items, _elem_go_type(f))
    if f.card == "map":
        elem = _elem_go_type(f)
        src = {} if raw is _UNSET else raw
        if elem == "string" and f.key_kind == "string":
            return StringMap(src)
        return TypedMap({k: _single_go(f, x) for k, x in src.items()}, elem_type=elem,
                        key_type=_GO_SCALAR.get(f.key_kind, "string"))
    if raw is _UNSET:
        if f.kind == "message":
            return NilMessage(f.type, f.schema)
        if f.kind == "enum":
            return Enum(f.type, 0, f.schema)
        return _scalar_go(f.kind, _ZERO[f.kind])
    return _single_go(f, raw)


# ---------------------------------------------------------------------------------------------------------
# jsonpb decoding (golang/protobuf jsonpb.Unmarshaler with AllowUnknownFields, as Istio's ApplyJSON ends up)

def new_message(full, schema=None):
    return Message(full, schema=schema)


def apply_json(msg, obj, *, strict=False):
    """Decode JSON value `obj` (already parsed) into `msg` in place: each present non-null field replaces."""
    if obj is None:
        return msg
    if not isinstance(obj, dict):
        raise ProtoError("json: cannot unmarshal %s into Go value of type map[string]json.RawMessage"
                         % _json_kind(obj))
    d = msg._d
    remaining = dict(obj)
    for f in d.fields:
        raw = _MISSING_RAW
        if f.name in remaining:
            raw = remaining.pop(f.name)
        if f.json in remaining:
            raw = remaining.pop(f.json)
        if raw is _MISSING_RAW or raw is None:
            continue
        value = _decode_value(f, raw)
        if f.oneof:
            for m in d.oneofs[f.oneof]:
                msg.v.pop(m.name, None)
            msg.v[f.name] = value
        elif _is_default(f, value):
            msg.v.pop(f.name, None)
        else:
            msg.v[f.name] = value
    if strict and remaining:
        raise ProtoError("unknown field %s in %s" % (go_json_dumps(next(iter(remaining))), d.full))
    return msg


_MISSING_RAW = object()


def _json_kind(v):
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return "null"


def _decode_value(f, raw):
    if f.card == "list":
        if not isinstance(raw, list):
            raise ProtoError("json: cannot unmarshal %s into Go value of type []json.RawMessage" % _json_kind(raw))
        return [_decode_single(f, x) for x in raw]
    if f.card == "map":
        if not isinstance(raw, dict):
            raise ProtoError("json: cannot unmarshal %s into Go value of type map[string]json.RawMessage"
                             % _json_kind(raw))
        return {str(k): _decode_single(f, x) for k, x in raw.items()}
    return _decode_single(f, raw)


def _decode_single(f, raw):
    kind = f.kind
    if kind == "message":
        return decode_message(f.type, raw, f.schema)
    if kind == "enum":
        if isinstance(raw, str):
            for n, v in f.schema.enums[f.type]:
                if n == raw:
                    return v
            raise ProtoError('unknown value "\\"%s\\"" for enum %s' % (raw, f.type))
        return _decode_int(raw, "int32", "protoreflect.EnumNumber", quoted_ok=False)
    return decode_scalar(kind, raw)


def decode_scalar(kind, raw):
    if kind == "string":
        if not isinstance(raw, str):
            raise ProtoError("json: cannot unmarshal %s into Go value of type string" % _json_kind(raw))
        return raw
    if kind == "bool":
        if not isinstance(raw, bool):
            raise ProtoError("json: cannot unmarshal %s into Go value of type bool" % _json_kind(raw))
        return raw
    if kind in _INT_RANGE:
        return _decode_int(raw, kind, kind)
    if kind in ("double", "float"):
        if isinstance(raw, str):
            if raw in ("NaN", "Infinity", "-Infinity"):
                return float(raw.replace("Infinity", "inf"))
            try:
                return float(raw)
            except ValueError:
                raise ProtoError("invalid character looking for beginning of value") from None
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise ProtoError("json: cannot unmarshal %s into Go value of type %s" % (_json_kind(raw),
                                                                                      _GO_SCALAR[kind]))
        return float(raw)
    if kind == "bytes":
        import base64

        if not isinstance(raw, str):
            raise ProtoError("json: cannot unmarshal %s into Go value of type []uint8" % _json_kind(raw))
        return base64.b64decode(raw)
    raise ProtoError("unsupported kind %s" % kind)


_NUMBER_TEXT = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")


def _decode_int(raw, kind, go_type, quoted_ok=True):
    """encoding/json decoding of a JSON number (or, after jsonpb's trimQuote, a quoted one) into an int."""
    if isinstance(raw, bool) or raw is None:
        raise ProtoError("json: cannot unmarshal %s into Go value of type %s" % (_json_kind(raw), go_type))
    if isinstance(raw, str):
        text = raw if quoted_ok else None
        if text is None or not _NUMBER_TEXT.match(text):
            if text is None:
                raise ProtoError("json: cannot unmarshal string into Go value of type %s" % go_type)
            raise ProtoError("invalid character %r looking for beginning of value" % (text[:1] or " "))
    elif isinstance(raw, (int, float)):
        text = go_json_dumps(raw)
    else:
        raise ProtoError("json: cannot unmarshal %s into Go value of type %s" % (_json_kind(raw), go_type))
    lo, hi = _INT_RANGE[kind]
    if not re.match(r"^-?[0-9]+$", text):
        raise ProtoError("json: cannot unmarshal number %s into Go value of type %s" % (text, go_type))
    n = int(text)
    if n < lo or n > hi:
        raise ProtoError("json: cannot unmarshal number %s into Go value of type %s" % (text, go_type))
    return n


def decode_message(full, raw, schema=None):
    if full == DURATION:
        if not isinstance(raw, str):
            raise ProtoError("json: cannot unmarshal %s into Go value of type string" % _json_kind(raw))
        return parse_duration(raw)
    if full in WRAPPERS:
        return Wrapper(full, decode_scalar(WRAPPERS[full], raw))
    if full == STRUCT:
        if not isinstance(raw, dict):
            raise ProtoError("bad StructValue: json: cannot unmarshal %s into Go value of type "
                             "map[string]json.RawMessage" % _json_kind(raw))
        return raw
    schema = schema or BASE
    if full not in schema.messages:
        raise ProtoError("unsupported message %s" % full)
    return apply_json(Message(full, schema=schema), raw)


_UNITS = {"ns": 1, "us": 1000, "\u00b5s": 1000, "\u03bcs": 1000, "ms": 1000000, "s": 1000000000,
          "m": 60 * 1000000000, "h": 3600 * 1000000000}
_DUR_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)")


def parse_duration(text):
    """time.ParseDuration, into a Duration (seconds, nanos)."""
    s = text
    neg = False
    if s[:1] in "+-" and s:
        neg = s[0] == "-"
        s = s[1:]
    if s == "0":
        return Duration(0, 0)
    if not s:
        raise ProtoError('bad Duration: time: invalid duration "%s"' % text)
    total = 0
    pos = 0
    while pos < len(s):
        m = _DUR_PART.match(s, pos)
        if not m or m.group(1) in ("", "."):
            if m is None and pos < len(s) and not s[pos].isdigit() and s[pos] != ".":
                raise ProtoError('bad Duration: time: invalid duration "%s"' % text)
            unit_missing = re.match(r"[0-9.]+$", s[pos:])
            if unit_missing:
                raise ProtoError('bad Duration: time: missing unit in duration "%s"' % text)
            raise ProtoError('bad Duration: time: invalid duration "%s"' % text)
        num = m.group(1)
        whole, _, frac = num.partition(".")
        unit = _UNITS[m.group(2)]
        v = int(whole or "0") * unit
        if frac:
            v += int(frac) * unit // (10 ** len(frac))
        total += v
        pos = m.end()
    if total > (1 << 63) - 1:
        raise ProtoError('bad Duration: time: invalid duration "%s"' % text)
    if neg:
        total = -total
    sec = int(total / 1000000000) if total >= 0 else -((-total) // 1000000000)
    return Duration(sec, total - sec * 1000000000)


def format_go_duration(d):
    """time.Duration.String() of a Duration (formatDuration in Istio's funcmap)."""
    n = d.total_nanos()
    if n == 0:
        return "0s"
    neg = n < 0
    u = -n if neg else n
    if u < 1000000000:
        if u < 1000:
            out = "%dns" % u
        elif u < 1000000:
            out = _frac(u, 3) + "\u00b5s"
        else:
            out = _frac(u, 6) + "ms"
    else:
        secs_total = u // 1000000000
        frac_ns = u % 1000000000
        h, rem = divmod(secs_total, 3600)
        m, s = divmod(rem, 60)
        sec = str(s)
        if frac_ns:
            sec += ("." + "%09d" % frac_ns).rstrip("0")
        out = ""
        if h:
            out = "%dh%dm" % (h, m)
        elif m:
            out = "%dm" % m
        out += sec + "s"
    return ("-" if neg else "") + out


def _frac(v, prec):
    whole, frac = divmod(v, 10 ** prec)
    text = str(whole)
    if frac:
        text += ("." + ("%0" + str(prec) + "d") % frac).rstrip("0")
    return text


# ---------------------------------------------------------------------------------------------------------
# jsonpb encoding (Marshaler{} : compact, JSON names, zero values omitted, enums as names)

def to_jsonpb(msg):
    out = []
    _enc_message(msg, out)
    return "".join(out)


def _enc_message(msg, out):
    if isinstance(msg, Duration):
        out.append(go_json_dumps(_duration_json(msg)))
        return
    if isinstance(msg, Wrapper):
        _enc_scalar(WRAPPERS[msg.type], msg.value, out)
        return
    if isinstance(msg, dict):  # google.protobuf.Struct
        out.append(_struct_json(msg))
        return
    d = msg._d
    out.append("{")
    first = True
    done_oneofs = set()
    for f in d.fields:
        if f.oneof:
            if f.oneof in done_oneofs:
                continue
            done_oneofs.add(f.oneof)
            f = next((m for m in d.oneofs[f.oneof] if m.name in msg.v), None)
            if f is None:
                continue
        elif f.name not in msg.v:
            continue
        if not first:
            out.append(",")
        first = False
        out.append('"%s":' % f.json)
        _enc_field(f, msg.v[f.name], out)
    out.append("}")


def _enc_field(f, value, out):
    if f.card == "list":
        out.append("[")
        for i, x in enumerate(value):
            if i:
                out.append(",")
            _enc_single(f, x, out)
        out.append("]")
        return
    if f.card == "map":
        out.append("{")
        keys = sorted(value, key=(int if f.key_kind not in ("string", "bool") else (lambda k: k.encode("utf-8", "surrogatepass") if isinstance(k, str) else k)))
        for i, k in enumerate(keys):
            if i:
                out.append(",")
            out.append(go_json_dumps(str(k)) + ":")
            _enc_single(f, value[k], out)
        out.append("}")
        return
    _enc_single(f, value, out)


def _enc_single(f, value, out):
    if f.kind == "message":
        _enc_message(value, out)
    elif f.kind == "enum":
        name = f.schema.enum_name(f.type, value)
        out.append('"%s"' % name if name is not None else str(value))
    else:
        _enc_scalar(f.kind, value, out)


def _enc_scalar(kind, value, out):
    if kind in ("int64", "uint64"):
        out.append('"%d"' % value)
    elif kind in ("double", "float"):
        if math.isnan(value):
            out.append('"NaN"')
        elif math.isinf(value):
            out.append('"Infinity"' if value > 0 else '"-Infinity"')
        else:
            out.append(go_json_dumps(float(value)) if kind == "double" else _float32_text(value))
    elif kind == "bytes":
        import base64

        out.append('"%s"' % base64.b64encode(value).decode())
    else:
        out.append(go_json_dumps(value))


def _float32_text(v):
    import struct

    f = struct.unpack("f", struct.pack("f", v))[0]
    # encoding/json formats float32 with 32-bit shortest precision.
    for prec in range(1, 18):
        text = "%.*g" % (prec, f)
        if struct.unpack("f", struct.pack("f", float(text)))[0] == f:
            return go_json_dumps(float(text))
    return go_json_dumps(f)


def _duration_json(d):
    s, ns = d.seconds, d.nanos
    sign = ""
    if s < 0 or ns < 0:
        sign, s, ns = "-", -s, -ns
    x = "%s%d.%09d" % (sign, s, ns)
    for suffix in ("000", "000", ".000"):
        if x.endswith(suffix):
            x = x[: -len(suffix)]
    return x + "s"


def _struct_json(v):
    """google.protobuf.Struct/Value as jsonpb writes them: JSON with sorted keys, numbers as float64."""
    if isinstance(v, dict):
        return "{" + ",".join(go_json_dumps(str(k)) + ":" + _struct_json(v[k]) for k in sorted(v)) + "}"
    if isinstance(v, list):
        return "[" + ",".join(_struct_json(x) for x in v) + "]"
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return go_json_dumps(v)
    return go_json_dumps(float(v))
