"""Schema lookups: the type, patch strategy and merge key of a field, found from the Go struct tags
(simulator/kube/pod_schema.py) with encoding/json's field resolution (exact name first, then case-folded), as
strategicpatch's forked copy of it does.
"""

from ...golang.strconv import go_quote
from .. import pod_schema
from ..typed.roundtrip import elem_of
from .errors import MergeError


_fields_cache = {}


def _kind(tid):
    if tid.startswith("*"):
        return "ptr"
    if tid.startswith("[]"):
        return "slice"
    if tid.startswith("map["):
        return "map"
    if tid.startswith("["):
        return "array"
    entry = pod_schema.TYPES.get(tid)
    if entry is not None:
        return entry[0]
    if tid == "interface{}":
        return "interface"
    return tid


def _elem(tid):
    if tid.startswith("[") and not tid.startswith("[]"):   # a fixed-size array [N]T
        return tid[tid.index("]") + 1:]
    return elem_of(tid)


def _struct_fields(tid):
    cached = _fields_cache.get(tid)
    if cached is None:
        fields = []
        for spec in pod_schema.TYPES[tid][4] or ():
            words = spec.split(" ")
            strategy = key = ""
            for w in words[2:]:
                if w.startswith("patchStrategy="):
                    strategy = w[14:]
                elif w.startswith("patchMergeKey="):
                    key = w[14:]
            fields.append((words[0], words[1], strategy.split(","), key))
        exact = {}
        for f in fields:
            exact.setdefault(f[0], f)
        cached = _fields_cache[tid] = (fields, exact)
    return cached


def _fold_equal(name, key):
    """encoding/json's case-insensitive field-name match (name is ASCII, key may be anything)."""
    s, t = name.encode(), key.encode()
    special = any(b in b"kKsS" for b in s)
    if special:
        i = 0
        for sb in s:
            if i >= len(t):
                return False
            tb = t[i]
            if tb < 0x80:
                if sb != tb:
                    upper = sb & 0xDF
                    if not (0x41 <= upper <= 0x5A) or upper != tb & 0xDF:
                        return False
                i += 1
                continue
            rest = t[i:].decode("utf-8", "replace")
            r = rest[0]
            if sb in b"sS" and r == "\u017f" or sb in b"kK" and r == "\u212a":
                i += len(r.encode())
                continue
            return False
        return i == len(t)
    if len(s) != len(t):
        return False
    letters_only = all(0x41 <= (b & 0xDF) <= 0x5A for b in s)
    for sb, tb in zip(s, t):
        if letters_only:
            if sb & 0xDF != tb & 0xDF:
                return False
        elif sb != tb:
            if not (0x41 <= (sb & 0xDF) <= 0x5A) or sb & 0xDF != tb & 0xDF:
                return False
    return True


_lookup_cache = {}


def _lookup_struct(tid, key):
    hit = _lookup_cache.get((tid, key))
    if hit is None:
        hit = _lookup_cache[(tid, key)] = _lookup_struct_uncached(tid, key)
    return hit


def _lookup_struct_uncached(tid, key):
    t = tid[1:] if tid.startswith("*") else tid
    kind = _kind(t)
    if kind != "struct":
        raise MergeError("merging an object in json but data type is not struct, instead is: %s" % kind)
    fields, exact = _struct_fields(t)
    f = exact.get(key)
    if f is None:
        for cand in fields:
            if _fold_equal(cand[0], key):
                f = cand
                break
    if f is None:
        raise MergeError("unable to find api field in struct %s for the json field %s"
                         % (t.rsplit(".", 1)[-1], go_quote(key)))
    return f[1], f[2], f[3]


def _lookup_slice(tid, key):
    ftype, strategies, merge_key = _lookup_struct(tid, key)
    kind = _kind(ftype)
    if kind in ("slice", "array"):
        elem = _elem(ftype)
        if _kind(elem) in ("slice", "array"):
            raise MergeError("unexpected slice of slice")
    elif kind == "ptr":
        elem = _elem(ftype)
        if _kind(elem) in ("slice", "array"):
            elem = _elem(elem)
    else:
        raise MergeError("expected slice or array type, but got: %s" % _kind(tid))
    return elem, strategies, merge_key


def _strategy(strategies):
    """extractRetainKeysPatchStrategy: the non-retainKeys strategy of a field."""
    if len(strategies) == 1:
        return "" if strategies[0] == "retainKeys" else strategies[0]
    if len(strategies) == 2:
        if strategies[0] == "retainKeys":
            return strategies[1]
        if strategies[1] == "retainKeys":
            return strategies[0]
    if not strategies:
        return ""
    raise MergeError("unexpected patch strategy: [%s]" % " ".join(strategies))
