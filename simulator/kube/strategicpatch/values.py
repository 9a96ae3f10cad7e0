"""The patch's value model: what a value is after Go's encoding/json decoding (a map, a slice, a string, a
float64, a bool or nil), how it is copied into the result, how two values compare (Go interface equality:
numbers are all float64, booleans never equal numbers), and the $-directives a patch map may carry.
"""

from .errors import MergeError, _go_fmt_v


_DIRECTIVE = "$patch"
_DELETE = "delete"
_REPLACE = "replace"
_RETAIN_KEYS = "$retainKeys"
_DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList"
_SET_ELEMENT_ORDER = "$setElementOrder"


_GO_TYPE = {dict: "map", list: "slice", str: "string", int: "float64", float: "float64", bool: "bool",
            type(None): None}
_GO_TYPE_NAME = {"map": "map[string]interface {}", "slice": "[]interface {}", "string": "string",
                 "float64": "float64", "bool": "bool"}


def _gt(v):
    return _GO_TYPE.get(type(v), "?")


def _copy(v):
    t = type(v)
    if t is dict:
        return {(k if type(k) is str else _key_text(k)): _copy(x) for k, x in v.items()}
    if t is list or t is tuple:
        return [_copy(x) for x in v]
    return v


_DROP = object()


def _take(v, drop_nulls=True):
    """A copy of a patch value the result takes as is: Go first discards null map values (unless
    drop_nulls is false) and then removes every map carrying a $patch directive (`_DROP` when v is one)."""
    t = type(v)
    if t is dict:
        if _DIRECTIVE in v and (v[_DIRECTIVE] is not None or not drop_nulls):
            return _DROP
        out = {}
        for k, x in v.items():
            if type(k) is not str:
                k = _key_text(k)
            if x is None:
                if not drop_nulls:
                    out[k] = None
                continue
            tx = type(x)
            if tx is dict or tx is list or tx is tuple:
                x = _take(x, drop_nulls)
                if x is _DROP:
                    continue
            out[k] = x
        return out
    if t is list or t is tuple:
        out = []
        for x in v:
            tx = type(x)
            if tx is dict or tx is list or tx is tuple:
                x = _take(x, drop_nulls)
                if x is _DROP:
                    continue
            out.append(x)
        return out
    return v


def _key_text(k):
    # YAML can produce non-string keys; Go's YAML->JSON conversion spells them as JSON text.
    if k is None:
        return "null"
    if k is True or k is False:
        return "true" if k else "false"
    if type(k) is float:
        return _go_fmt_v(k)
    return str(k)


class _Uncomparable(Exception):
    pass


def _key(v):
    """A hashable key with Go interface-equality semantics (1 == 1.0, True != 1)."""
    t = type(v)
    if t is str:
        return v
    if t is bool:
        return ("b", v)
    if t is int or t is float:
        try:
            return ("n", float(v))
        except OverflowError:
            return ("n", float("inf") if v > 0 else float("-inf"))
    if v is None:
        return None
    raise _Uncomparable(_GO_TYPE_NAME.get(_gt(v), "?"))


def _go_eq(a, b):
    ta, tb = _gt(a), _gt(b)
    if ta != tb:
        return False
    if ta == "map" or ta == "slice":
        raise MergeError("panic: runtime error: comparing uncomparable type " + _GO_TYPE_NAME[ta])
    return a == b


def _no_merge_key(m, key):
    return MergeError("map: %s does not contain declared merge key: %s" % (_go_fmt_v(m), key))


def _bad_arg_type(expected, actual):
    got = _GO_TYPE_NAME.get(_gt(actual), "%!s(<nil>)")
    return MergeError("expected a %s, but received a %s" % (_GO_TYPE_NAME[expected], got))
