"""Sprig's list, dict, default/flow, reflection and JSON functions (sprig v3.3.0 semantics).

Lists are inspected through reflection in sprig, so errors name the reflect.Kind ("Cannot find first on
type int") and a nil argument dereferences a nil reflect.Type - a runtime panic that text/template
reports as an error.  merge/mergeOverwrite follow dario.cat/mergo v1.0.1 on map[string]interface{}:
maps merge recursively in place, other values fill only missing or empty keys unless overwriting.
"""

from ..gotemplate.funcs import FuncError, FuncPanic, gofunc
from ..gotemplate.values import MISSING, TypedList, TypedMap, go_type_name, zero_value
from .conv import cast_int, deep_equal, empty, is_list, kind_name, list_items, strval
from .tojson import JSONError, NilSlice, marshal, marshal_indent, unmarshal

NIL_DEREF = "runtime error: invalid memory address or nil pointer dereference"


def _kind_of_list(v):
    """reflect.TypeOf(v).Kind(), panicking like Go on a nil interface."""
    if v is None or v is MISSING:
        raise FuncPanic(NIL_DEREF)
    return kind_name(v)


def _items(v, what, must):
    """Elements of a slice/array argument, or sprig's error for other kinds."""
    k = _kind_of_list(v)
    if is_list(v):
        return list_items(v)
    msg = "Cannot %s on type %s" % (what, k) if what.startswith(("push", "prepend", "compact")) \
        else "Cannot find %s on type %s" % (what, k)
    raise (FuncError if must else FuncPanic)(msg)


def _pair(name, impl):
    """sprig defines f (panics) and mustF (returns the error) around one implementation."""
    return impl(False), impl(True)


# --- lists -----------------------------------------------------------------------------------------------

@gofunc(variadic="any", returns="[]interface {}")
def list_(*items):
    return list(items)


def _push(must):
    @gofunc("any", "any", returns="[]interface {}")
    def push(lst, v):
        return _items(lst, "push", must) + [v]
    return push


push, must_push = _pair("push", _push)


def _prepend(must):
    @gofunc("any", "any", returns="[]interface {}")
    def prepend(lst, v):
        return [v] + _items(lst, "prepend", must)
    return prepend


prepend, must_prepend = _pair("prepend", _prepend)


def _first(must):
    @gofunc("any", returns="interface {}")
    def first(lst):
        items = _items(lst, "first", must)
        return items[0] if items else None
    return first


first, must_first = _pair("first", _first)


def _last(must):
    @gofunc("any", returns="interface {}")
    def last(lst):
        items = _items(lst, "last", must)
        return items[-1] if items else None
    return last


last, must_last = _pair("last", _last)


def _rest(must):
    @gofunc("any", returns="[]interface {}")
    def rest(lst):
        items = _items(lst, "rest", must)
        return items[1:] if items else NilSlice()
    return rest


rest, must_rest = _pair("rest", _rest)


def _initial(must):
    @gofunc("any", returns="[]interface {}")
    def initial(lst):
        items = _items(lst, "initial", must)
        return items[:-1] if items else NilSlice()
    return initial


initial, must_initial = _pair("initial", _initial)


def _reverse(must):
    @gofunc("any", returns="[]interface {}")
    def reverse(lst):
        return _items(lst, "reverse", must)[::-1]
    return reverse


reverse, must_reverse = _pair("reverse", _reverse)


def _compact(must):
    @gofunc("any", returns="[]interface {}")
    def compact(lst):
        return [x for x in _items(lst, "compact", must) if not empty(x)]
    return compact


compact, must_compact = _pair("compact", _compact)


def _in_list(haystack, needle):
    return any(deep_equal(needle, h) for h in haystack)


def _uniq(must):
    @gofunc("any", returns="[]interface {}")
    def uniq(lst):
        out = []
        for x in _items(lst, "uniq", must):
            if not _in_list(out, x):
                out.append(x)
        return out
    return uniq


uniq, must_uniq = _pair("uniq", _uniq)


def _without(must):
    @gofunc("any", variadic="any", returns="[]interface {}")
    def without(lst, *omit):
        return [x for x in _items(lst, "without", must) if not _in_list(omit, x)]
    return without


without, must_without = _pair("without", _without)


def _has(must):
    @gofunc("any", "any", returns="bool")
    def has(needle, haystack):
        if haystack is None:
            return False
        return _in_list(_items(haystack, "has", must), needle)
    return has


has, must_has = _pair("has", _has)


def _slice(must):
    @gofunc("any", variadic="any", returns="interface {}")
    def slice_(lst, *indices):
        k = _kind_of_list(lst)
        if not is_list(lst):
            msg = "list should be type of slice or array but %s" % k
            raise (FuncError if must else FuncPanic)(msg)
        n = len(lst)
        if n == 0:
            return None
        start = cast_int(indices[0]) if indices else 0
        end = n if len(indices) < 2 else cast_int(indices[1])
        if start < 0 or end < start or end > n:
            raise FuncPanic("reflect.Value.Slice: slice index out of bounds")
        part = lst[start:end]
        if isinstance(lst, TypedList):
            return TypedList(part, lst.elem_type)
        if isinstance(lst, (bytes, bytearray)):
            return bytes(part)
        return list(part)
    return slice_


slice_, must_slice = _pair("slice", _slice)


@gofunc(variadic="any", returns="interface {}")
def concat(*lists):
    res = NilSlice()
    for lst in lists:
        k = _kind_of_list(lst)
        if not is_list(lst):
            raise FuncPanic("Cannot concat type %s as list" % k)
        res.extend(list_items(lst))
    return list(res) if res else res


def _chunk(must):
    @gofunc("int", "any", returns="[][]interface {}")
    def chunk(size, lst):
        k = _kind_of_list(lst)
        if not is_list(lst):
            raise (FuncError if must else FuncPanic)("Cannot chunk type %s" % k)
        items = list_items(lst)
        n = len(items)
        if size <= 0:
            raise FuncPanic("runtime error: makeslice: len out of range")
        count = (n - 1) // size + 1 if n > 0 else 0
        out = []
        for i in range(count):
            out.append(items[i * size:(i + 1) * size])
        return TypedList(out, "[]interface {}")
    return chunk


chunk, must_chunk = _pair("chunk", _chunk)


@gofunc("int", returns="[]int")
def until(count):
    return _until_step(0, count, 1 if count >= 0 else -1)


#: The longest list until/untilStep/seq may build here (Go would allocate it all).
MAX_ITEMS = 1 << 20


def _until_step(start, stop, step):
    if step and abs(stop - start) // abs(step) > MAX_ITEMS:
        raise FuncError("would build a list of %d numbers, over the simulator's budget of %d"
                        % (abs(stop - start) // abs(step), MAX_ITEMS))
    if stop < start:
        if step >= 0:
            return TypedList([], "int")
        return TypedList(range(start, stop, step), "int")
    if step <= 0:
        return TypedList([], "int")
    return TypedList(range(start, stop, step), "int")


@gofunc("int", "int", "int", returns="[]int")
def until_step(start, stop, step):
    return _until_step(start, stop, step)



@gofunc(variadic="int", returns="string")
def seq(*params):
    def join(vals):
        return " ".join(str(v) for v in vals)
    if len(params) == 0:
        return ""
    if len(params) == 1:
        start, end = 1, params[0]
        inc = -1 if end < start else 1
        return join(_until_step(start, end + inc, inc))
    if len(params) == 2:
        start, end = params
        step = -1 if end < start else 1
        return join(_until_step(start, end + step, step))
    if len(params) == 3:
        start, step, end = params
        inc = 1
        if end < start:
            inc = -1
            if step > 0:
                return ""
        return join(_until_step(start, end + inc, step))
    return ""


# --- dicts -----------------------------------------------------------------------------------------------

@gofunc(variadic="any", returns="map[string]interface {}")
def dict_(*kv):
    d = {}
    for i in range(0, len(kv), 2):
        key = strval(kv[i])
        d[key] = kv[i + 1] if i + 1 < len(kv) else ""
    return d


@gofunc("map[string]interface {}", "string", returns="interface {}")
def get(d, key):
    if d is not None and key in d:
        return d[key]
    return ""


@gofunc("map[string]interface {}", "string", "any", returns="map[string]interface {}")
def set_(d, key, value):
    if _is_nil(d):
        raise FuncPanic("assignment to entry in nil map")
    d[key] = value
    return d


@gofunc("map[string]interface {}", "string", returns="map[string]interface {}")
def unset(d, key):
    if d is not None:
        d.pop(key, None)
    return d


@gofunc("map[string]interface {}", "string", returns="bool")
def has_key(d, key):
    return d is not None and key in d


@gofunc("string", variadic="map[string]interface {}", returns="[]interface {}")
def pluck(key, *dicts):
    return [d[key] for d in dicts if d is not None and key in d]


@gofunc(variadic="map[string]interface {}", returns="[]string")
def keys(*dicts):
    out = []
    for d in dicts:
        if d is not None:
            out.extend(d.keys())
    return TypedList(out, "string")


@gofunc("map[string]interface {}", variadic="string", returns="map[string]interface {}")
def pick(d, *names):
    d = d or {}
    return {k: d[k] for k in names if k in d}


@gofunc("map[string]interface {}", variadic="string", returns="map[string]interface {}")
def omit(d, *names):
    drop = set(names)
    return {k: v for k, v in (d or {}).items() if k not in drop}


@gofunc("map[string]interface {}", returns="[]interface {}")
def values(d):
    return list((d or {}).values())


def _mergo(dst, src, overwrite):
    """mergo.Merge / MergeWithOverwrite for map[string]interface{} values (see module docstring)."""
    for k, s in src.items():
        if s is None or s is MISSING:
            if overwrite:
                dst[k] = None
            continue
        present = k in dst
        d = dst.get(k)
        if isinstance(s, dict):
            if present and isinstance(d, dict):
                _mergo(d, s, overwrite)
                if not empty(d):
                    continue
            if overwrite or not present or empty(d):
                dst[k] = s
            continue
        if is_list(s):
            if present and not empty(d):
                if overwrite:
                    dst[k] = s
                continue
            dst[k] = s
            continue
        if overwrite or not present or empty(d):
            dst[k] = s
    return dst


def _merge_fn(overwrite, must):
    @gofunc("map[string]interface {}", variadic="map[string]interface {}", returns="interface {}")
    def merge(dst, *srcs):
        if _is_nil(dst):
            # mergo makes a nil destination map only when it meets a source that is not nil; until then
            # the result is the nil map (toJson: null; set: assignment to entry in nil map).
            if all(_is_nil(src) for src in srcs):
                return zero_value("map[string]interface {}")
            dst = {}
        for src in srcs:
            if src:
                _mergo(dst, src, overwrite)
        return dst
    return merge


merge = _merge_fn(False, False)
must_merge = _merge_fn(False, True)
merge_overwrite = _merge_fn(True, False)
must_merge_overwrite = _merge_fn(True, True)


@gofunc(variadic="any", returns="interface {}")
def dig(*ps):
    if len(ps) < 3:
        raise FuncPanic("dig needs at least three arguments")
    cur = _as_map(ps[-1])
    default = ps[-2]
    ks = []
    for k in ps[:-2]:
        if type(k) is not str:
            raise FuncPanic("interface conversion: interface {} is %s, not string" % _dyn_type(k))
        ks.append(k)
    for i, k in enumerate(ks):
        if k not in cur:
            return default
        step = cur[k]
        if i == len(ks) - 1:
            return step
        cur = _as_map(step)
    return default


def _dyn_type(v):
    return "nil" if v is None or v is MISSING else go_type_name(v)


def _is_nil(m):
    """A nil map argument: untyped nil, or the typed nil map a function returned (merge of nothing)."""
    return m is None or getattr(m, "go_nil", False)


def _as_map(v):
    if type(v) is dict or isinstance(v, dict) and (not isinstance(v, TypedMap) or (
            v.key_type == "string" and v.elem_type == "interface {}")):
        return v
    raise FuncPanic("interface conversion: interface {} is %s, not map[string]interface {}" % _dyn_type(v))


def _deep_copy(v):
    if isinstance(v, TypedMap):
        c = type(v)({k: _deep_copy(e) for k, e in v.items()}) if type(v) is not TypedMap else \
            TypedMap({k: _deep_copy(e) for k, e in v.items()}, elem_type=v.elem_type, key_type=v.key_type)
        c.go_nil = v.go_nil   # a nil map copies to a nil map
        return c
    if isinstance(v, dict):
        return {k: _deep_copy(e) for k, e in v.items()}
    if isinstance(v, TypedList):
        return TypedList([_deep_copy(e) for e in v], v.elem_type)
    if isinstance(v, NilSlice):
        return NilSlice()
    if isinstance(v, (list, tuple)):
        return [_deep_copy(e) for e in v]
    return v


def _copy_non_nil(v):
    # copystructure.Copy asks reflect for the type of its argument; untyped nil has none, and the panic
    # reaches the template as the call's error (deepCopy and mustDeepCopy alike).
    if v is None or v is MISSING:
        raise FuncPanic("reflect: call of reflect.Value.Type on zero Value")
    return _deep_copy(v)


@gofunc("any", returns="interface {}")
def deep_copy(v):
    return _copy_non_nil(v)


@gofunc("any", returns="interface {}")
def must_deep_copy(v):
    return _copy_non_nil(v)


# --- defaults and flow -----------------------------------------------------------------------------------

@gofunc("any", variadic="any", returns="interface {}")
def default(d, *given):
    if not given or empty(given[0]):
        return d
    return given[0]


@gofunc("any", returns="bool")
def empty_(v):
    return empty(v)


@gofunc(variadic="any", returns="interface {}")
def coalesce(*vals):
    for v in vals:
        if not empty(v):
            return v
    return None


@gofunc(variadic="any", returns="bool")
def all_(*vals):
    return all(not empty(v) for v in vals)


@gofunc(variadic="any", returns="bool")
def any_(*vals):
    return any(not empty(v) for v in vals)


@gofunc("any", "any", "bool", returns="interface {}")
def ternary(vt, vf, cond):
    return vt if cond else vf


@gofunc("string", returns="string")
def fail(msg):
    raise FuncError(msg)


# --- reflection ------------------------------------------------------------------------------------------

@gofunc("any", returns="string")
def type_of(v):
    return go_type_name(v)


@gofunc("string", "any", returns="bool")
def type_is(target, v):
    return target == go_type_name(v)


@gofunc("string", "any", returns="bool")
def type_is_like(target, v):
    t = go_type_name(v)
    return target == t or "*" + target == t


@gofunc("any", returns="string")
def kind_of(v):
    return kind_name(v)


@gofunc("string", "any", returns="bool")
def kind_is(target, v):
    return target == kind_name(v)


@gofunc("any", "any", returns="bool")
def deep_equal_(a, b):
    return deep_equal(a, b)


# --- JSON ------------------------------------------------------------------------------------------------

@gofunc("string", returns="interface {}")
def from_json(s):
    v, _ = unmarshal(s)
    return v


@gofunc("string", returns="interface {}")
def must_from_json(s):
    v, err = unmarshal(s)
    if err is not None:
        raise FuncError(err)
    return v


@gofunc("any", returns="string")
def to_json(v):
    try:
        return marshal(v)
    except JSONError:
        return ""


@gofunc("any", returns="string")
def must_to_json(v):
    try:
        return marshal(v)
    except JSONError as e:
        raise FuncError(str(e))


@gofunc("any", returns="string")
def to_pretty_json(v):
    try:
        return marshal_indent(v)
    except JSONError:
        return ""


@gofunc("any", returns="string")
def must_to_pretty_json(v):
    try:
        return marshal_indent(v)
    except JSONError as e:
        raise FuncError(str(e))


@gofunc("any", returns="string")
def to_raw_json(v):
    try:
        return marshal(v, escape_html=False)
    except JSONError as e:
        raise FuncPanic(str(e))


@gofunc("any", returns="string")
def must_to_raw_json(v):
    try:
        return marshal(v, escape_html=False)
    except JSONError as e:
        raise FuncError(str(e))

