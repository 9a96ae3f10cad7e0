"""How Python data stands in for Go values inside the template engine.

Go templates are defined by reflection over static types, while Python data carries none.  The mapping
below (plain Python types for the common Go types, thin subclasses where the Go type differs) lets the
executor and the function table reproduce Go's type-dependent behaviour: printing, comparison, truth,
zero values for missing keys, and `typeOf`/`kindIs`.

    dict -> map[string]interface {}     list/tuple -> []interface {}     str -> string
    bool -> bool   int -> int   float -> float64   complex -> complex128   None -> nil
"""


class _Missing:
    """Go's invalid reflect.Value: what a missing map key evaluates to.

    It prints as "<no value>", is false, and becomes nil when handed to an interface{} parameter.
    """

    __slots__ = ()
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self):
        return "MISSING"

    def __bool__(self):
        return False

    def __reduce__(self):
        return (_Missing, ())


MISSING = _Missing()


# --- sized numeric types -------------------------------------------------------------------------------
# Each subclass records its Go type name; arithmetic on them yields plain Python numbers, which is fine
# because the engine never does arithmetic itself (sprig converts explicitly, as Go code must).

class _GoInt(int):
    go_type = "int"
    bits = 64
    signed = True

    def __repr__(self):
        return "%s(%d)" % (type(self).__name__, int(self))


class Int64(_GoInt):
    go_type = "int64"


class Int32(_GoInt):
    """int32, which is also Go's rune: character constants like 'a' are Int32."""
    go_type = "int32"
    bits = 32


class Int16(_GoInt):
    go_type = "int16"
    bits = 16


class Int8(_GoInt):
    go_type = "int8"
    bits = 8


class Uint(_GoInt):
    go_type = "uint"
    signed = False


class Uint64(_GoInt):
    go_type = "uint64"
    signed = False


class Uint32(_GoInt):
    go_type = "uint32"
    bits = 32
    signed = False


class Uint16(_GoInt):
    go_type = "uint16"
    bits = 16
    signed = False


class Uint8(_GoInt):
    """uint8, which is also Go's byte."""
    go_type = "uint8"
    bits = 8
    signed = False


class Uintptr(_GoInt):
    go_type = "uintptr"
    signed = False


class Float32(float):
    go_type = "float32"

    def __repr__(self):
        return "Float32(%r)" % float(self)


class Complex64(complex):
    go_type = "complex64"


INT_TYPES = {
    "int": int, "int64": Int64, "int32": Int32, "int16": Int16, "int8": Int8, "rune": Int32,
    "uint": Uint, "uint64": Uint64, "uint32": Uint32, "uint16": Uint16, "uint8": Uint8, "byte": Uint8,
    "uintptr": Uintptr,
}

_SIGNED = {"int", "int64", "int32", "int16", "int8"}
_UNSIGNED = {"uint", "uint64", "uint32", "uint16", "uint8", "uintptr"}


# --- typed containers ----------------------------------------------------------------------------------

class TypedList(list):
    """A Go slice whose element type is not interface{} (e.g. []string from sprig's splitList).

    go_nil marks a nil slice (a zero value): it prints like an empty one but equals nil in `eq`.
    """

    go_nil = False

    def __init__(self, items=(), elem_type="interface {}"):
        super().__init__(items)
        self.elem_type = elem_type

    def copy(self):
        return TypedList(self, self.elem_type)


class TypedMap(dict):
    """A Go map whose value (or key) type is not interface{}: it decides zero values and %T.

    go_nil marks a nil map (a zero value), as for TypedList.
    """

    go_nil = False
    key_type = "string"
    elem_type = "interface {}"

    def __init__(self, *args, elem_type=None, key_type=None, **kw):
        super().__init__(*args, **kw)
        if elem_type is not None:
            self.elem_type = elem_type
        if key_type is not None:
            self.key_type = key_type

    def copy(self):
        return TypedMap(self, elem_type=self.elem_type, key_type=self.key_type)


class StringMap(TypedMap):
    """map[string]string: a missing key reads as "" instead of <no value> through `index`."""

    elem_type = "string"

    def copy(self):
        return StringMap(self)


class GoStruct:
    """Resolver interface for values that are Go structs (or pointers to them) on the Go side.

    Istio's templates read Kubernetes objects by Go field names, and a field that exists in the Go type
    but is absent from the data must still yield its zero value.  Subclasses decide how fields resolve.
    """

    #: True when the Go value is a pointer to the struct (prints as &{...}, %T gets a '*').
    go_pointer = False

    def go_type_name(self):
        """The Go type as %T prints it, e.g. "v1.ObjectMeta" (without the pointer star)."""
        return type(self).__name__

    def go_field(self, name):
        """Value of exported field `name`; raise LookupError when the type has no such field."""
        raise LookupError(name)

    def go_method(self, name):
        """A callable for method `name` (decorated with gofunc to declare Go parameter types), or None."""
        return None

    def go_fields(self):
        """[(name, value)] in declaration order, for %v / %+v printing."""
        return []

    def __bool__(self):
        return True


class GoNilPointer:
    """A typed nil pointer (e.g. a *v1.PodSecurityContext that is nil): false, prints <nil>.

    `fields`, when given, names the pointed-to struct's fields: Go reports "can't evaluate field" rather
    than "nil pointer evaluating" for a name the struct does not have.
    """

    __slots__ = ("elem_type", "fields")

    def __init__(self, elem_type, fields=None):
        self.elem_type = elem_type
        self.fields = None if fields is None else frozenset(fields)

    def go_has_field(self, name):
        return self.fields is None or name in self.fields

    def __bool__(self):
        return False

    def __eq__(self, other):
        return isinstance(other, GoNilPointer) and other.elem_type == self.elem_type

    def __hash__(self):
        return hash(self.elem_type)

    def __repr__(self):
        return "GoNilPointer(%r)" % self.elem_type


# --- type names and kinds ------------------------------------------------------------------------------

def _basic_type_name(v):
    """The Go type of a string, bool or number (sized ones carry theirs); None for anything else."""
    t = type(v)
    if t is str:
        return "string"
    if t is bool:
        return "bool"
    if t is int:
        return "int"
    if t is float:
        return "float64"
    if isinstance(v, (_GoInt, Float32, Complex64)):
        return v.go_type
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, complex):
        return "complex128"
    if isinstance(v, str):
        return "string"
    return None


def go_type_name(v):
    """The Go type name of v as fmt's %T prints it."""
    if v is None or v is MISSING:
        return "<nil>"
    t = type(v)
    if t is dict:
        return "map[string]interface {}"
    if t is list or t is tuple:
        return "[]interface {}"
    basic = _basic_type_name(v)
    if basic is not None:
        return basic
    if isinstance(v, TypedMap):
        return "map[%s]%s" % (v.key_type, v.elem_type)
    if isinstance(v, dict):
        return "map[string]interface {}"
    if isinstance(v, TypedList):
        return "[]" + v.elem_type
    if isinstance(v, (list, tuple)):
        return "[]interface {}"
    if isinstance(v, (bytes, bytearray)):
        return "[]uint8"
    if isinstance(v, GoStruct):
        return ("*" if v.go_pointer else "") + v.go_type_name()
    if isinstance(v, GoNilPointer):
        return "*" + v.elem_type
    if callable(v):
        return getattr(v, "go_signature", "func(...interface {}) interface {}")
    return type(v).__name__


def go_kind(v):
    """reflect.Kind name of v ("string", "int", "map", "slice", "struct", "ptr", "invalid", ...)."""
    if v is None or v is MISSING:
        return "invalid"
    t = type(v)
    if t is dict:
        return "map"
    if t is list:
        return "slice"
    basic = _basic_type_name(v)
    if basic is not None:
        return basic.replace("rune", "int32").replace("byte", "uint8")
    if isinstance(v, dict):
        return "map"
    if isinstance(v, (list, tuple, bytes, bytearray)):
        return "slice"
    if isinstance(v, GoStruct):
        return "ptr" if v.go_pointer else "struct"
    if isinstance(v, GoNilPointer):
        return "ptr"
    if callable(v):
        return "func"
    return "struct"


def basic_kind(v):
    """Coarse kind used by comparisons and printing: bool/int/uint/float/complex/string or None."""
    t = type(v)
    if t is str:
        return "string"
    if t is bool:
        return "bool"
    if t is int:
        return "int"
    if t is float:
        return "float"
    if isinstance(v, _GoInt):
        return "int" if v.signed else "uint"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, complex):
        return "complex"
    if isinstance(v, str):
        return "string"
    return None


def is_true(v):
    """text/template truth: zero values, empty containers, nil and missing values are false."""
    t = type(v)
    if t is bool:
        return v
    if t is str or t is dict or t is list:
        return len(v) > 0
    if v is None or v is MISSING:
        return False
    if isinstance(v, GoStruct):
        return True
    if isinstance(v, GoNilPointer):
        return False
    if isinstance(v, (int, float, complex, str, dict, list, tuple, bytes, bytearray)):
        return bool(v)
    return True


def zero_value(type_name):
    """The Go zero value for a type written as %T prints it; MISSING-like nil for interface types."""
    if type_name in ("string",):
        return ""
    if type_name == "bool":
        return False
    cls = INT_TYPES.get(type_name)
    if cls is not None:
        return cls(0)
    if type_name == "float64":
        return 0.0
    if type_name == "float32":
        return Float32(0.0)
    if type_name == "complex128":
        return 0j
    if type_name == "complex64":
        return Complex64(0j)
    if type_name in ("interface {}", "any"):
        return None
    if type_name.startswith("[]"):
        z = TypedList((), type_name[2:])
        z.go_nil = True
        return z
    if type_name.startswith("map["):
        key, elem = _split_map_type(type_name)
        z = StringMap() if key == "string" and elem == "string" else TypedMap(elem_type=elem, key_type=key)
        z.go_nil = True
        return z
    if type_name.startswith("*"):
        return GoNilPointer(type_name[1:])
    return None


def _split_map_type(type_name):
    """Split "map[K]V" into (K, V), respecting nested brackets in K."""
    depth = 0
    for i in range(4, len(type_name)):
        c = type_name[i]
        if c == "[":
            depth += 1
        elif c == "]":
            if depth == 0:
                return type_name[4:i], type_name[i + 1:]
            depth -= 1
    return "string", "interface {}"


def map_elem_type(m):
    """Go element type of a Python mapping standing in for a Go map."""
    return m.elem_type if isinstance(m, TypedMap) else "interface {}"


def list_elem_type(s):
    if isinstance(s, TypedList):
        return s.elem_type
    if isinstance(s, (bytes, bytearray)):
        return "uint8"
    return "interface {}"


def sort_keys(keys):
    """Order map keys as Go's fmt and range do (internal/fmtsort): numbers numerically, strings bytewise."""
    keys = list(keys)
    try:
        if all(isinstance(k, str) for k in keys):
            return sorted(keys, key=lambda s: s.encode("utf-8", "surrogatepass"))
        return sorted(keys, key=_key_order)
    except TypeError:
        return sorted(keys, key=lambda k: (type(k).__name__, str(k)))


def _key_order(k):
    if isinstance(k, bool):
        return (0, int(k))
    if isinstance(k, (int, float)):
        return (1, k)
    if isinstance(k, str):
        return (2, k.encode("utf-8", "surrogatepass"))
    return (3, str(k))
