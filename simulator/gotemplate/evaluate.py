"""Evaluation steps shared by the compiled closures: field access, calls, argument conversion, printing.

Each function mirrors one of Go's executor steps (evalField, evalCall, validateType, idealConstant,
printValue) because the texts of Go's errors depend on exactly which step fails and on which node.
"""

from .fmt import format_value, go_quote
from .funcs import FuncError, can_be_nil, convert_int, prepare_arg, signature_of
from .nodes import BoolNode, NumberNode, StringNode
from .values import (
    MISSING, Complex64, Float32, GoNilPointer, GoStruct, TypedList, TypedMap, go_type_name, is_true, zero_value,
)


class _NoFinal:
    """Go's missingVal: 'no value piped in from a previous command' (distinct from an invalid value)."""
    __slots__ = ()

    def __repr__(self):
        return "NOFINAL"


NOFINAL = _NoFinal()


# --- value helpers ---------------------------------------------------------------------------------------

def _elem_is_iface(container):
    """Whether elements read out of `container` are Go interface values (vs. concrete typed values)."""
    t = type(container)
    if t is dict or t is list or t is tuple:
        return True
    if isinstance(container, (TypedMap, TypedList)):
        return container.elem_type == "interface {}"
    return False


def printable(st, node, v):
    """Go's printValue: the text an action prints for its value (fmt's %v, but for pointers and functions)."""
    if type(v) is str:   # most actions print text: spare it the call
        return v
    if isinstance(v, GoStruct):
        if v.go_pointer and getattr(v, "go_string", None) is None:
            return _format_deref(v)  # Go prints what the pointer points to (unless it is a Stringer)
        return format_value(v)
    if callable(v) and not isinstance(v, (dict, list, tuple, str)):
        st.node = node
        st.errorf("can't print %s of type %s" % (node, go_type_name(v)))
    return format_value(v)


def _format_deref(v):
    from .fmt import _Printer
    p = _Printer()
    p.print_struct(v, "v", 0)
    return "".join(p.buf)


def validate(st, v, typ):
    """Go's validateType: make sure `v` can be passed as a `typ` (returns the value to pass)."""
    if typ is None:
        return v
    if typ == "interface {}":
        return None if v is MISSING else v
    if typ == "reflect.Value":
        return v
    if v is MISSING:
        if can_be_nil(typ):
            return None
        st.errorf("invalid value; expected %s" % typ)
    if v is None:
        st.errorf("wrong type for value; expected %s; got interface {}" % typ)
    t = type(v)
    if typ == "string":
        if t is str:
            return v
    elif typ == "int":
        if t is int:
            return v
    elif typ == "bool":
        if t is bool:
            return v
    elif typ == "float64":
        if t is float:
            return v
    vt = go_type_name(v)
    if vt == typ:
        return v
    if typ == "error" and isinstance(v, Exception):
        return v
    if isinstance(v, GoStruct) and v.go_pointer and v.go_type_name() == typ:
        return v
    if isinstance(v, GoNilPointer) and v.elem_type == typ:
        st.errorf("dereference of nil pointer of type %s" % typ)
    st.errorf("wrong type for value; expected %s; got %s" % (typ, vt))


def ideal_constant(st, n):
    """The value of a number literal where no parameter type guides it (Go's idealConstant)."""
    st.node = n
    text = n.text
    if n.is_complex:
        return n.complex128
    is_hex_int = len(text) > 2 and text[0] == "0" and text[1] in "xX" and not any(c in text for c in "pP")
    is_rune = text[:1] == "'"
    if n.is_float and not is_hex_int and not is_rune and any(c in text for c in ".eEpP"):
        return n.float64
    if n.is_int:
        return n.int64
    if n.is_uint:
        st.errorf("%s overflows int" % text)
    return MISSING


def _const_for_type(st, n, typ):
    """Go's evalArg for a literal argument: the literal converted to the parameter type, or an error."""
    st.node = n
    if typ is None or typ == "interface {}" or typ == "reflect.Value":
        if isinstance(n, BoolNode):
            return n.true
        if isinstance(n, NumberNode):
            return ideal_constant(st, n)
        if isinstance(n, StringNode):
            return n.text
        st.errorf("can't handle assignment of %s to empty interface argument" % n)
    if typ == "bool":
        if isinstance(n, BoolNode):
            return n.true
        st.errorf("expected bool; found %s" % n)
    if typ in ("complex128", "complex64"):
        if isinstance(n, NumberNode) and n.is_complex:
            return n.complex128 if typ == "complex128" else Complex64(n.complex128)
        st.errorf("expected complex; found %s" % n)
    if typ in ("float64", "float32"):
        if isinstance(n, NumberNode) and n.is_float:
            return n.float64 if typ == "float64" else Float32(n.float64)
        st.errorf("expected float; found %s" % n)
    if typ in ("int", "int64", "int32", "int16", "int8", "rune"):
        if isinstance(n, NumberNode) and n.is_int:
            return convert_int(n.int64, typ)
        st.errorf("expected integer; found %s" % n)
    if typ == "string":
        if isinstance(n, StringNode):
            return n.text
        st.errorf("expected string; found %s" % n)
    if typ in ("uint", "uint64", "uint32", "uint16", "uint8", "byte", "uintptr"):
        if isinstance(n, NumberNode) and n.is_uint:
            return convert_int(n.uint64, typ)
        st.errorf("expected unsigned integer; found %s" % n)
    st.errorf("can't handle %s for arg of type %s" % (n, typ))


# --- field access ----------------------------------------------------------------------------------------

def _missing_key(st, recv, name):
    mk = st.missingkey
    if mk == "zero":
        elem = recv.elem_type if isinstance(recv, TypedMap) else "interface {}"
        return zero_value(elem)
    if mk == "error":
        st.errorf("map has no entry for key %s" % go_quote(name))
    return MISSING


def _iface(flag):
    """Resolve the lazily computed "was this value read out of an interface slot" flag."""
    if flag is True or flag is False:
        return flag
    container, name = flag
    return _field_iface(container, name)


def eval_field(st, dot, name, node, argnodes, argfns, final, recv, iface):
    """Go's evalField: .name applied to recv (method call, struct field, or map key).

    `iface` says whether recv is an interface value on the Go side (only error texts depend on it); it is
    a bool, or a (container, field) pair resolved only when an error needs it.
    """
    if recv is MISSING:
        if st.missingkey == "error":
            st.errorf("nil data; no entry for key %s" % go_quote(name))
        return MISSING
    if recv is None:
        st.errorf("nil pointer evaluating interface {}.%s" % name)
    has_args = (argnodes is not None and len(argnodes) > 1) or final is not NOFINAL
    if isinstance(recv, dict):
        key_type = recv.key_type if isinstance(recv, TypedMap) else "string"
        if key_type == "string" or key_type == "interface {}":
            if has_args:
                st.errorf("%s is not a method but has arguments" % name)
            v = recv.get(name, MISSING)
            if v is MISSING:
                return _missing_key(st, recv, name)
            return v
    elif isinstance(recv, (GoStruct, GoNilPointer)):
        getm = getattr(recv, "go_method", None)
        method = getm(name) if getm is not None else None
        if method is not None:
            return call_function(st, dot, method, signature_of(method), False, node, name,
                                 argnodes[1:] if argnodes else (), argfns or (), final)
        if isinstance(recv, GoStruct):
            try:
                v = recv.go_field(name)
            except LookupError:
                pass
            else:
                if has_args:
                    st.errorf("%s has arguments but cannot be invoked as function" % name)
                return v
        else:
            has_field = getattr(recv, "go_has_field", None)
            if has_field is None or has_field(name):
                st.errorf("nil pointer evaluating %s.%s" % ("interface {}" if _iface(iface) else go_type_name(recv), name))
    typ = "interface {}" if _iface(iface) else go_type_name(recv)
    st.errorf("can't evaluate field %s in type %s" % (name, typ))


def _field_iface(recv, name):
    """Whether recv.name yields an interface value (for error texts that print the static type)."""
    if isinstance(recv, dict):
        return _elem_is_iface(recv)
    fi = getattr(recv, "go_field_is_interface", None)
    if fi is not None:
        try:
            return bool(fi(name))
        except LookupError:
            return False
    return False


def field_chain(st, dot, recv, iface, node, idents, argnodes, argfns, final):
    """Go's evalFieldChain: walk .A.B.C from recv; only the last step receives arguments."""
    last = len(idents) - 1
    simple_last = not argfns and final is NOFINAL
    for i in range(last + 1):
        name = idents[i]
        if i == last and not simple_last:
            return eval_field(st, dot, name, node, argnodes, argfns, final, recv, iface)
        t = type(recv)
        if t is dict:
            v = recv.get(name, MISSING)
            if v is MISSING:
                v = _missing_key(st, recv, name)
            recv = v
            iface = True
            continue
        if isinstance(recv, GoStruct) and recv.go_method(name) is None:
            try:
                v = recv.go_field(name)
            except LookupError:
                pass
            else:
                iface = (recv, name)
                recv = v
                continue
        v = eval_field(st, dot, name, node, argnodes if i == last else None, None, NOFINAL, recv, iface)
        iface = (recv, name)
        recv = v
    return recv


# --- function calls --------------------------------------------------------------------------------------

_ANY_SIG_PARAMS = ()
_ANY_VARIADIC = "interface {}"


def call_function(st, dot, fn, sig, is_builtin, node, name, argnodes, argfns, final):
    """Go's evalCall: check the argument count, evaluate/convert arguments, call, map errors."""
    nargs = len(argfns)
    has_final = final is not NOFINAL
    num_in = nargs + 1 if has_final else nargs
    if sig is None:
        params = _ANY_SIG_PARAMS
        variadic = _ANY_VARIADIC
    else:
        params = sig.params
        variadic = sig.variadic
    nparams = len(params)
    if variadic is not None:
        num_fixed = nparams
        if num_in < num_fixed:
            st.errorf("wrong number of args for %s: want at least %d got %d" % (name, nparams, nargs))
    else:
        num_fixed = nargs
        if num_in != nparams:
            st.errorf("wrong number of args for %s: want %d got %d" % (name, nparams, num_in))

    if is_builtin and (name == "and" or name == "or"):
        want = name == "or"
        v = MISSING
        for af in argfns:
            v = af(st, dot, "reflect.Value")
            if is_true(v) == want:
                return v
        if has_final:
            v = final
        return v

    argv = []
    i = 0
    while i < num_fixed and i < nargs:
        argv.append(argfns[i](st, dot, params[i]))
        i += 1
    if variadic is not None:
        while i < nargs:
            argv.append(argfns[i](st, dot, variadic))
            i += 1
    if has_final:
        if variadic is not None:
            t = params[num_in - 1] if num_in - 1 < num_fixed else variadic
        else:
            t = params[-1]
        argv.append(validate(st, final, t))

    if is_builtin and name == "call":
        callee = str(argnodes[0]) if argnodes else format_value(final)
        try:
            return _go_call(callee, *argv)
        except FuncError as e:
            st.node = node
            st.errorf("error calling %s: %s" % (name, e.message))
    return call_checked(st, node, name, fn, argv)


def call_checked(st, node, name, fn, argv):
    """fn(*argv) as the executor calls a function: its error (or modelled panic) reported as Go reports
    both, and its result held to the value budget below."""
    try:
        r = fn(*argv)
    except FuncError as e:
        st.node = node
        st.errorf("error calling %s: %s" % (name, e.message))
    if (len(r) > MAX_VALUE_BYTES if r.__class__ is str else isinstance(r, list) and len(r) > MAX_VALUE_ITEMS):
        unit, limit = ("bytes", MAX_VALUE_BYTES) if r.__class__ is str else ("items", MAX_VALUE_ITEMS)
        st.node = node
        st.errorf("error calling %s: returned %d %s, over the simulator's work budget of %d (a value grown in a "
                  "loop?)" % (name, len(r), unit, limit))
    return r


#: The size of any value a function returns: a template that doubles a string or a list in a loop
#: (`$s = print $s $s`, `cat`, `join`, `concat`, `toJson` of quotes, `b64enc`) stops at the first value
#: past these, holding at most a few of them, instead of exhausting memory; the functions' own budgets
#: (sprig/strings.py: 16 MiB, sprig/data.py: 1 Mi items) stop single calls that would build more.
MAX_VALUE_BYTES = 1 << 24
MAX_VALUE_ITEMS = 1 << 20


def _go_call(callee, fn, *args):
    """The `call` builtin: call a function value held in data."""
    if fn is None or fn is MISSING:
        raise FuncError("call of nil")
    if not callable(fn) or isinstance(fn, (GoStruct, dict, list, tuple, str)):
        raise FuncError("non-function %s of type %s" % (callee, go_type_name(fn)))
    sig = signature_of(fn)
    if sig is None:
        return fn(*[None if a is MISSING else a for a in args])
    params, variadic = sig.params, sig.variadic
    num_in = len(params) + (1 if variadic is not None else 0)
    if variadic is not None:
        if len(args) < num_in - 1:
            raise FuncError("wrong number of args for %s: got %d want at least %d" % (callee, len(args), num_in - 1))
    elif len(args) != num_in:
        raise FuncError("wrong number of args for %s: got %d want %d" % (callee, len(args), num_in))
    argv = []
    for i, a in enumerate(args):
        a = MISSING if a is None else a
        t = params[i] if i < len(params) else variadic
        if t == "reflect.Value":
            argv.append(a)
            continue
        try:
            argv.append(prepare_arg(a, t))
        except FuncError as e:
            raise FuncError("arg %d: %s" % (i, e.message))
    return fn(*argv)
