"""Protobuf message values as templates and Go code see them: Message, Enum, Duration, Wrapper.

A template reads them with protoc-gen-go's Go names (`.ProxyConfig.ProxyMetadata`), calls nil-safe getters
(`GetTracing`), enum `String`, and wrapper `GetValue`.  The descriptor table comes from proto_schemas.py; a
message keeps the table it was made with.
"""

from ...golang.duration import duration_string
from ...gotemplate.funcs import gofunc
from ...gotemplate.values import (
    GoNilPointer, GoStruct, Int32, Int64, StringMap, TypedList, TypedMap, Uint32, Uint64, Float32,
)
from ..proto_schemas import BASE, DURATION, WRAPPERS, go_type_of


_ZERO = {"string": "", "bool": False, "int32": 0, "int64": 0, "uint32": 0, "uint64": 0, "double": 0.0,
         "float": 0.0, "bytes": b"", "enum": 0}
_GO_SCALAR = {"string": "string", "bool": "bool", "int32": "int32", "int64": "int64", "uint32": "uint32",
              "uint64": "uint64", "double": "float64", "float": "float32", "bytes": "[]uint8"}


def descriptor(full, schema=None):
    return (schema or BASE).descriptor(full)


def _camel_oneof(name):
    return "".join(p[:1].upper() + p[1:] for p in name.split("_"))


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


def format_go_duration(d):
    """time.Duration.String() of a Duration (formatDuration in Istio's funcmap)."""
    return duration_string(d.total_nanos())
