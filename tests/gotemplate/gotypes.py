"""Python models of the oracle's test structs (Inner, Outer in oracle/main.go).

They exercise the engine's GoStruct resolver the way Kubernetes structs will: fields that exist but are
absent read as Go zero values, unknown fields are errors, methods are callable, pointers print with &.
"""

from simulator.gotemplate import values as gv
from simulator.gotemplate.funcs import FuncError, gofunc

#: Field schemas in Go declaration order: name -> Go type.
STRUCTS = {
    "main.Inner": [("Name", "string"), ("Port", "int"), ("Tags", "[]string"),
                   ("Labels", "map[string]string")],
    "main.Outer": [("Meta", "main.Inner"), ("Ptr", "*main.Inner"), ("Count", "int"), ("Enabled", "bool"),
                   ("Ratio", "float64"), ("Items", "[]main.Inner"), ("Any", "interface {}"),
                   ("Values", "map[string]interface {}")],
}


class TestStruct(gv.GoStruct):
    """One value of a test struct type; `data` holds the fields that are set."""

    __test__ = False  # not a pytest test class

    def __init__(self, type_name, data, pointer=False):
        self.type_name = type_name
        self.data = data
        self.go_pointer = pointer
        self.schema = dict(STRUCTS[type_name])

    def go_type_name(self):
        return self.type_name

    def go_field(self, name):
        if name not in self.schema:
            raise LookupError(name)
        if name in self.data:
            return self.data[name]
        return _zero(self.schema[name])

    def go_fields(self):
        return [(n, self.go_field(n)) for n, _ in STRUCTS[self.type_name]]

    def go_method(self, name):
        m = _METHODS.get((self.type_name, name))
        if m is None and self.go_pointer:
            m = _PTR_METHODS.get((self.type_name, name))
        if m is None:
            return None
        return m.__get__(self)

    def go_json(self):
        """encoding/json's view: absent slice, map, pointer and interface fields are nil (null)."""
        out = {}
        for n, t in STRUCTS[self.type_name]:
            if n not in self.data and (t.startswith(("[]", "map[", "*")) or t == "interface {}"):
                out[n] = None
            else:
                out[n] = self.go_field(n)
        return _OrderedFields(out)

    def __eq__(self, other):
        return (isinstance(other, TestStruct) and other.type_name == self.type_name
                and other.go_pointer == self.go_pointer and other.go_fields() == self.go_fields())

    def __hash__(self):
        return hash(self.type_name)

    def to_go_json(self):
        from .oracle_client import to_go_json, _typed_elem
        v = {}
        for k, val in self.data.items():
            if isinstance(val, TestStruct):
                v[k] = val.to_go_json()["v"]
            elif isinstance(val, gv.GoNilPointer):
                v[k] = None
            elif isinstance(val, list) and all(isinstance(e, TestStruct) for e in val):
                v[k] = [e.to_go_json()["v"] for e in val]
            elif isinstance(val, (gv.TypedList, gv.TypedMap)):
                v[k] = to_go_json(val)["v"]
            elif self.schema[k] == "interface {}" or self.schema[k].startswith("map[string]interface"):
                v[k] = to_go_json(val)
            else:
                v[k] = _typed_elem(val)
        short = self.type_name.split(".", 1)[1]
        return {"$go": ("*" if self.go_pointer else "") + "struct:" + short, "v": v}


class _OrderedFields(gv.GoStruct):
    """Field name/value pairs that JSON-encode in declaration order, like a Go struct."""

    def __init__(self, fields):
        self.fields = fields

    def go_fields(self):
        return list(self.fields.items())


def _zero(t):
    if t in STRUCTS:
        return TestStruct(t, {})
    if t.startswith("*") and t[1:] in STRUCTS:
        return gv.GoNilPointer(t[1:])
    return gv.zero_value(t)


def make(tag, v):
    """Build a TestStruct from a case-file tag ("struct:Outer" / "*struct:Outer") and field data."""
    from .oracle_client import from_case_data, _scalar_of
    pointer = tag.startswith("*")
    type_name = "main." + tag.split(":", 1)[1]
    if v is None and pointer:
        return gv.GoNilPointer(type_name)
    return _build(type_name, v, pointer, from_case_data, _scalar_of)


def _build(type_name, v, pointer, from_case_data, scalar_of):
    schema = dict(STRUCTS[type_name])
    data = {}
    for k, e in (v or {}).items():
        t = schema[k]
        if t in STRUCTS:
            data[k] = _build(t, e, False, from_case_data, scalar_of)
        elif t.startswith("*") and t[1:] in STRUCTS:
            data[k] = gv.GoNilPointer(t[1:]) if e is None else _build(t[1:], e, True, from_case_data, scalar_of)
        elif t.startswith("[]") and t[2:] in STRUCTS:
            data[k] = gv.TypedList([_build(t[2:], x, False, from_case_data, scalar_of) for x in e or []], t[2:])
        else:
            data[k] = scalar_of(t, e)
    return TestStruct(type_name, data, pointer)


# Methods, mirroring oracle/main.go.

@gofunc(returns="string", name="Addr")
def _inner_addr(self):
    return "%s:%d" % (self.go_field("Name"), self.go_field("Port"))


@gofunc("string", returns="string", name="Join")
def _inner_join(self, sep):
    return sep.join(self.go_field("Tags"))


@gofunc(returns="string", name="PtrName")
def _inner_ptr_name(self):
    return "*" + self.go_field("Name")


@gofunc("string", returns="string", name="Greet")
def _outer_greet(self, who):
    return "hello " + who + " from " + self.go_field("Meta").go_field("Name")


@gofunc(returns="string", name="Fail")
def _outer_fail(self):
    raise FuncError("method failed")


@gofunc("int", returns="int", name="Double")
def _outer_double(self, n):
    return 2 * n


class _Bound:
    """Binds a gofunc-declared function to a receiver while keeping its Go signature visible."""

    def __init__(self, fn):
        self.fn = fn

    def __get__(self, obj, objtype=None):
        fn = self.fn

        def bound(*args):
            return fn(obj, *args)

        bound.go_sig = fn.go_sig
        bound.go_signature = fn.go_signature
        bound.__name__ = fn.go_sig.name
        return bound


_METHODS = {
    ("main.Inner", "Addr"): _Bound(_inner_addr),
    ("main.Inner", "Join"): _Bound(_inner_join),
    ("main.Outer", "Greet"): _Bound(_outer_greet),
    ("main.Outer", "Fail"): _Bound(_outer_fail),
    ("main.Outer", "Double"): _Bound(_outer_double),
}
_PTR_METHODS = {
    ("main.Inner", "PtrName"): _Bound(_inner_ptr_name),
}
