"""Function calling convention and Go's builtin template functions.

Go checks every call against the function's static signature (argument count, assignability, untyped
constants converted to the parameter type).  Python functions declare that signature with `gofunc`, so the
executor can reproduce Go's checks and error texts; undecorated callables are called with plain values.
"""

from .values import (
    MISSING, GoNilPointer, GoStruct, basic_kind, go_type_name, is_true, map_elem_type,
    zero_value, TypedMap, TypedList, Uint8, INT_TYPES,
)
from . import fmt as _fmt


class FuncError(Exception):
    """A template function returned a non-nil error; the message is the error's text."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return self.message


class FuncPanic(FuncError):
    """A template function panicked; Go's executor recovers it and reports it like a returned error."""


_ALIASES = {
    "any": "interface {}", "interface{}": "interface {}",
    "[]any": "[]interface {}", "[]interface{}": "[]interface {}",
    "map[string]any": "map[string]interface {}", "map[string]interface{}": "map[string]interface {}",
    "rune": "int32", "byte": "uint8", "[]byte": "[]uint8",
}


def normalize_type(t):
    """Spell a Go type the way %T and reflect print it (interface{} -> "interface {}")."""
    if t is None:
        return None
    t = t.strip()
    if t in _ALIASES:
        return _ALIASES[t]
    return t.replace("interface{}", "interface {}").replace("[]any", "[]interface {}").replace(
        "]any", "]interface {}")


class GoSig:
    """A Go function signature: fixed parameter types, optional variadic element type, result type.

    `environ`: the function reads the process environment (os.Getenv).  The simulated process has no
    environment of its own: it is what the caller gives `Template.execute(..., env=...)`, and the executor
    passes it as the first Python argument (before the Go parameters), so a template compiled once can be
    run for different processes, from several threads at once."""

    __slots__ = ("params", "variadic", "returns", "name", "environ")

    def __init__(self, params, variadic=None, returns="interface {}", name=None, environ=False):
        self.params = tuple(normalize_type(p) for p in params)
        self.variadic = normalize_type(variadic)
        self.returns = returns
        self.name = name
        self.environ = environ

    def __repr__(self):
        return "GoSig(%r, variadic=%r, returns=%r)" % (self.params, self.variadic, self.returns)

    def go_string(self):
        parts = list(self.params)
        if self.variadic is not None:
            parts.append("..." + self.variadic)
        ret = self.returns or ""
        return "func(%s)%s" % (", ".join(parts), (" " + ret) if ret else "")


def gofunc(*params, variadic=None, returns="interface {}", name=None, environ=False):
    """Declare the Go signature of a template function: gofunc("string", "any", returns="string").
    `environ=True`: the function reads the execution's environment, given as its first argument (GoSig)."""

    def wrap(fn):
        sig = GoSig(params, variadic, returns, name or getattr(fn, "__name__", None), environ)
        fn.go_sig = sig
        try:
            fn.go_signature = sig.go_string()
        except Exception:  # pragma: no cover - attribute assignment on builtins
            pass
        return fn

    return wrap


def signature_of(fn):
    return getattr(fn, "go_sig", None)


# --- helpers shared with the executor --------------------------------------------------------------------

def _concrete(v):
    """indirectInterface: a nil interface (None) and the missing value are both Go's invalid value."""
    return MISSING if v is None else v


def _go_len(v):
    """Length as Go counts it: strings in bytes."""
    if isinstance(v, str):
        if v.isascii():
            return len(v)
        return len(v.encode("utf-8", "surrogateescape"))
    return len(v)


def _index_arg(index, cap):
    index = _concrete(index)
    k = basic_kind(index)
    if k == "int" or k == "uint":
        x = int(index)
    elif index is MISSING:
        raise FuncError("cannot index slice/array with nil")
    else:
        raise FuncError("cannot index slice/array with type %s" % go_type_name(index))
    if x < 0 or x > cap:
        raise FuncError("index out of range: %d" % x)
    return x


def prepare_arg(value, arg_type):
    """Go's prepareArg: check `value` can be used as a `arg_type` (map keys, call arguments)."""
    if value is MISSING or value is None:
        if not can_be_nil(arg_type):
            raise FuncError("value is nil; should be of type %s" % arg_type)
        return zero_value(arg_type)
    vt = go_type_name(value)
    if vt == arg_type or arg_type == "interface {}":
        return value
    if vt in INT_TYPES and arg_type in INT_TYPES:
        return convert_int(int(value), arg_type)
    raise FuncError("value has type %s; should be %s" % (vt, arg_type))


def convert_int(x, type_name):
    """Go integer conversion (wraps around like Go's)."""
    cls = INT_TYPES[type_name]
    if cls is int:
        bits, signed = 64, True
    else:
        bits, signed = cls.bits, cls.signed
    x &= (1 << bits) - 1
    if signed and x >= 1 << (bits - 1):
        x -= 1 << bits
    return cls(x)


def can_be_nil(type_name):
    """Whether an untyped nil can be assigned to the type (chan, func, interface, map, pointer, slice)."""
    t = type_name
    return (t == "interface {}" or t == "reflect.Value" or t.startswith("[]") or t.startswith("map[")
            or t.startswith("*") or t.startswith("func") or t.startswith("chan") or t == "error")


def _indirect_type_name(v):
    """Type name after Go's indirect(): a pointer to a struct reports the struct type."""
    if isinstance(v, GoStruct):
        return v.go_type_name()
    return go_type_name(v)


def _index_string(s, i):
    if s.isascii():
        return Uint8(ord(s[i]))
    return Uint8(s.encode("utf-8", "surrogateescape")[i])


@gofunc("reflect.Value", variadic="reflect.Value", returns="reflect.Value", name="index")
def go_index(item, *indexes):
    item = _concrete(item)
    if item is MISSING:
        raise FuncError("index of untyped nil")
    for index in indexes:
        index = _concrete(index)
        if item is None or isinstance(item, GoNilPointer):
            raise FuncError("index of nil pointer")
        if isinstance(item, (list, tuple, str, bytes, bytearray)):
            x = _index_arg(index, _go_len(item))
            if x >= _go_len(item):
                # reflect's Index panics here; Go's safeCall turns the panic into this error.
                raise FuncError("reflect: slice index out of range" if not isinstance(item, str)
                                else "reflect: string index out of range")
            if isinstance(item, str):
                item = _index_string(item, x)
            elif isinstance(item, (bytes, bytearray)):
                item = Uint8(item[x])
            else:
                item = item[x]
        elif isinstance(item, dict):
            key_type = item.key_type if isinstance(item, TypedMap) else "string"
            key = prepare_arg(index, key_type)
            try:
                item = item[key]
            except (KeyError, TypeError):
                item = zero_value(map_elem_type(item))
        elif isinstance(item, GoStruct) and hasattr(item, "go_index"):
            item = item.go_index(index)
        else:
            raise FuncError("can't index item of type %s" % _indirect_type_name(item))
    return item


@gofunc("reflect.Value", variadic="reflect.Value", returns="reflect.Value", name="slice")
def go_slice(item, *indexes):
    item = _concrete(item)
    if item is MISSING:
        raise FuncError("slice of untyped nil")
    if isinstance(item, GoNilPointer):
        raise FuncError("slice of nil pointer")
    if len(indexes) > 3:
        raise FuncError("too many slice indexes: %d" % len(indexes))
    if isinstance(item, str):
        if len(indexes) == 3:
            raise FuncError("cannot 3-index slice a string")
    elif not isinstance(item, (list, tuple, bytes, bytearray)):
        raise FuncError("can't slice item of type %s" % _indirect_type_name(item))
    n = _go_len(item)
    cap = getattr(item, "go_cap", n)
    idx = [0, n, 0]
    for i, index in enumerate(indexes):
        idx[i] = _index_arg(index, cap)
    if idx[0] > idx[1]:
        raise FuncError("invalid slice index: %d > %d" % (idx[0], idx[1]))
    if len(indexes) == 3 and idx[1] > idx[2]:
        raise FuncError("invalid slice index: %d > %d" % (idx[1], idx[2]))
    if idx[1] > n:
        raise FuncError("reflect: slice index out of range")
    lo, hi = idx[0], idx[1]
    if isinstance(item, str):
        if item.isascii():
            return item[lo:hi]
        return item.encode("utf-8", "surrogateescape")[lo:hi].decode("utf-8", "surrogateescape")
    if isinstance(item, TypedList):
        return TypedList(item[lo:hi], item.elem_type)
    if isinstance(item, tuple):
        return list(item[lo:hi])
    return item[lo:hi]


@gofunc("reflect.Value", returns="int", name="len")
def go_len(item):
    if item is None:
        raise FuncError("len of nil pointer")
    if item is MISSING:
        raise FuncError("reflect: call of reflect.Value.Type on zero Value")
    if isinstance(item, GoNilPointer):
        raise FuncError("len of nil pointer")
    if isinstance(item, (str, list, tuple, dict, bytes, bytearray)):
        return _go_len(item)
    raise FuncError("len of type %s" % _indirect_type_name(item))


@gofunc("reflect.Value", returns="bool", name="not")
def go_not(arg):
    return not is_true(arg)


@gofunc("reflect.Value", variadic="reflect.Value", returns="reflect.Value", name="and")
def go_and(arg0, *args):
    """Evaluated lazily by the executor; this body only serves direct Python callers."""
    for a in (arg0,) + args:
        if not is_true(a):
            return a
    return a


@gofunc("reflect.Value", variadic="reflect.Value", returns="reflect.Value", name="or")
def go_or(arg0, *args):
    for a in (arg0,) + args:
        if is_true(a):
            return a
    return a


@gofunc("reflect.Value", variadic="reflect.Value", returns="reflect.Value", name="call")
def go_call(fn, *args):
    """Handled by the executor (it needs the callee's node text); direct callers get a plain call."""
    if fn is None or fn is MISSING:
        raise FuncError("call of nil")
    return fn(*args)


# --- comparison ------------------------------------------------------------------------------------------

_BAD_TYPE = "invalid type for comparison"


def _eq_pair(a, b):
    ka = basic_kind(a)
    kb = basic_kind(b)
    if ka != kb:
        if ka == "int" and kb == "uint":
            return a >= 0 and int(a) == int(b)
        if ka == "uint" and kb == "int":
            return b >= 0 and int(a) == int(b)
        if a is not MISSING and b is not MISSING:
            raise FuncError("incompatible types for comparison: %s and %s" % (go_type_name(a), go_type_name(b)))
        return False
    if ka is not None:
        return a == b
    # Non-basic kinds: only nil-able values (or comparable structs) compare.
    if a is MISSING or b is MISSING or _is_nil(a) or _is_nil(b):
        ga, gb = _reflect_kind(a), _reflect_kind(b)
        if ga != gb and ga != "invalid" and gb != "invalid":
            raise FuncError("non-comparable types %s: %s, %s: %s" % (
                _fmt.sprintf("%s", a), go_type_name(a), go_type_name(b), _fmt.format_value(b)))
        return _is_nil(a) == _is_nil(b)
    ga, gb = _reflect_kind(a), _reflect_kind(b)
    if ga != gb:
        raise FuncError("non-comparable types %s: %s, %s: %s" % (
            _fmt.sprintf("%s", a), go_type_name(a), go_type_name(b), _fmt.format_value(b)))
    if not _comparable(b):
        raise FuncError("non-comparable type %s: %s" % (_fmt.sprintf("%s", b), go_type_name(b)))
    if go_type_name(a) != go_type_name(b):
        return False
    if isinstance(a, GoStruct):
        if a.go_pointer:
            return a is b  # pointers are equal when they point to the same value
        return [v for _, v in a.go_fields()] == [v for _, v in b.go_fields()]
    return a == b


def _comparable(v):
    """Go's Type.Comparable, judged from the value: slices, maps and funcs are not; structs are when all
    their fields are."""
    if isinstance(v, (list, tuple, dict, bytes, bytearray)):
        return False
    if isinstance(v, GoStruct):
        if v.go_pointer:
            return True
        return all(_comparable(f) for _, f in v.go_fields())
    if callable(v) and not isinstance(v, GoNilPointer):
        return False
    return True


def _reflect_kind(v):
    from .values import go_kind
    return go_kind(v)


def _is_nil(v):
    return v is MISSING or v is None or isinstance(v, GoNilPointer) or getattr(v, "go_nil", False)


@gofunc("reflect.Value", variadic="reflect.Value", returns="bool", name="eq")
def go_eq(arg1, *arg2):
    arg1 = _concrete(arg1)
    if not arg2:
        raise FuncError("missing argument for comparison")
    for b in arg2:
        if _eq_pair(arg1, _concrete(b)):
            return True
    return False


@gofunc("reflect.Value", "reflect.Value", returns="bool", name="ne")
def go_ne(arg1, arg2):
    return not go_eq(arg1, arg2)


def _lt(a, b):
    a = _concrete(a)
    ka = basic_kind(a)
    if ka is None:
        raise FuncError(_BAD_TYPE)
    b = _concrete(b)
    kb = basic_kind(b)
    if kb is None:
        raise FuncError(_BAD_TYPE)
    if ka != kb:
        if ka == "int" and kb == "uint":
            return a < 0 or int(a) < int(b)
        if ka == "uint" and kb == "int":
            return b >= 0 and int(a) < int(b)
        raise FuncError("incompatible types for comparison: %s and %s" % (go_type_name(a), go_type_name(b)))
    if ka == "bool" or ka == "complex":
        raise FuncError(_BAD_TYPE)
    if ka == "string":
        if a.isascii() and b.isascii():
            return a < b
        return a.encode("utf-8", "surrogateescape") < b.encode("utf-8", "surrogateescape")
    return a < b


@gofunc("reflect.Value", "reflect.Value", returns="bool", name="lt")
def go_lt(arg1, arg2):
    return _lt(arg1, arg2)


@gofunc("reflect.Value", "reflect.Value", returns="bool", name="le")
def go_le(arg1, arg2):
    if _lt(arg1, arg2):
        return True
    return go_eq(arg1, arg2)


@gofunc("reflect.Value", "reflect.Value", returns="bool", name="gt")
def go_gt(arg1, arg2):
    return not go_le(arg1, arg2)


@gofunc("reflect.Value", "reflect.Value", returns="bool", name="ge")
def go_ge(arg1, arg2):
    return not _lt(arg1, arg2)


# --- printing and escaping -------------------------------------------------------------------------------

@gofunc(variadic="any", returns="string", name="print")
def go_print(*args):
    return _fmt.sprint(*args)


@gofunc("string", variadic="any", returns="string", name="printf")
def go_printf(format, *args):
    return _fmt.sprintf(format, *args)


@gofunc(variadic="any", returns="string", name="println")
def go_println(*args):
    return _fmt.sprintln(*args)


def eval_args(args):
    """Go's evalArgs: like Sprint, but a nil argument reads as "<no value>"."""
    if len(args) == 1 and type(args[0]) is str:
        return args[0]
    conv = []
    for a in args:
        if a is None or a is MISSING:
            conv.append("<no value>")
        elif isinstance(a, GoNilPointer):
            conv.append(None)
        elif isinstance(a, GoStruct) and a.go_pointer and getattr(a, "go_string", None) is None:
            conv.append(_Pointee(a))
        else:
            conv.append(a)
    return _fmt.sprint(*conv)


class _Pointee(GoStruct):
    """The struct a GoStruct pointer points to (Go prints it without the '&' after indirecting)."""

    def __init__(self, ptr):
        self.ptr = ptr

    def go_type_name(self):
        return self.ptr.go_type_name()

    def go_fields(self):
        return self.ptr.go_fields()


_HTML = {"\0": "\uFFFD", '"': "&#34;", "'": "&#39;", "&": "&amp;", "<": "&lt;", ">": "&gt;"}


def html_escape_string(s):
    if not any(c in s for c in "'\"&<>\0"):
        return s
    return "".join(_HTML.get(c, c) for c in s)


@gofunc(variadic="any", returns="string", name="html")
def go_html(*args):
    return html_escape_string(eval_args(args))


_JS = {"\\": "\\\\", "'": "\\'", '"': '\\"', "<": "\\u003C", ">": "\\u003E", "&": "\\u0026", "=": "\\u003D"}


def js_escape_string(s):
    out = []
    for c in s:
        o = ord(c)
        if c in _JS:
            out.append(_JS[c])
        elif o < 0x20:
            out.append("\\u00%02X" % o)
        elif o < 0x80:
            out.append(c)
        elif 0xDC80 <= o <= 0xDCFF:
            # An invalid UTF-8 byte (kept via surrogateescape) decodes to U+FFFD, which is printable.
            out.append(c)
        elif c.isprintable():
            out.append(c)
        else:
            out.append("\\u%04X" % o)
    return "".join(out)


@gofunc(variadic="any", returns="string", name="js")
def go_js(*args):
    return js_escape_string(eval_args(args))


@gofunc(variadic="any", returns="string", name="urlquery")
def go_urlquery(*args):
    s = eval_args(args)
    from urllib.parse import quote as _urlquote    # with ipaddress, ~3 ms: only for urlquery

    return _urlquote(s.encode("utf-8", "surrogateescape"), safe="-_.~ ").replace(" ", "+")


BUILTINS = {
    "and": go_and,
    "call": go_call,
    "html": go_html,
    "index": go_index,
    "slice": go_slice,
    "js": go_js,
    "len": go_len,
    "not": go_not,
    "or": go_or,
    "print": go_print,
    "printf": go_printf,
    "println": go_println,
    "urlquery": go_urlquery,
    "eq": go_eq,
    "ge": go_ge,
    "gt": go_gt,
    "le": go_le,
    "lt": go_lt,
    "ne": go_ne,
}
