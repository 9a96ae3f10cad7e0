"""Kubernetes strategic merge patch (SMP) of Pod objects, as Istio applies each rendered injection template.

Istio merges with `strategicpatch.StrategicMergeMapPatchUsingLookupPatchMeta` and the corev1.Pod struct
schema, i.e. options MergeParallelList and IgnoreUnmatchedNulls.  This module follows that algorithm step by
step, including its quirks, because the simulator must predict the injected pod field for field:

- the merge strategy and merge key of every list come from the Go struct tags (simulator/kube/pod_schema.py,
  generated from the real types); lists without `patchStrategy:"merge"` are replaced;
- `$patch` (replace/delete), `$retainKeys`, `$deleteFromPrimitiveList/<k>`, `$setElementOrder/<k>`;
- null deletes a key; nulls and directives are stripped from values that are simply taken from the patch,
  but kept in list elements that are appended or in lists that are replaced (the typed round trip of
  simulator/kube/typed.py drops them later, as Go's unmarshal into corev1.Pod does);
- list ordering: patch elements in patch order, server-only elements interleaved by Go's mergeSortedSlice,
  using Go's stable sort with its comparator even where that comparator is inconsistent;
- values compare with Go interface equality (numbers are all float64; booleans never equal numbers);
- error messages are Go's texts, so an explanation can quote what Istio would report.

Plain dicts/lists in, a new dict out; the inputs are never modified and the result shares nothing with them.
"""

from . import pod_schema
from .typed import _float_text, elem_of

__all__ = ["MergeError", "strategic_merge"]

_DIRECTIVE = "$patch"
_DELETE = "delete"
_REPLACE = "replace"
_RETAIN_KEYS = "$retainKeys"
_DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList"
_SET_ELEMENT_ORDER = "$setElementOrder"
_ROOTS = {"Pod": pod_schema.ROOT}


class MergeError(ValueError):
    """The merge failed; the message is the error text Go's strategicpatch package gives."""


def strategic_merge(original, patch, *, kind="Pod"):
    """Merge `patch` into `original` with Kubernetes strategic-merge semantics for `kind` (only "Pod")."""
    root = _ROOTS.get(kind)
    if root is None:
        raise ValueError("strategic_merge: no schema for kind %r" % (kind,))
    if original is None:
        original = {}
    if patch is None:
        patch = {}
    if type(original) is not dict or type(patch) is not dict:
        raise MergeError("invalid JSON document")
    # The original is copied once and then changed in place, like Go's map; the patch is only read, and
    # whatever the result takes from it is copied on the way in (see _take).
    return _merge_map(_copy(original), patch, root)


# ---------------------------------------------------------------------------------------------------------
# Go value model: after encoding/json decoding, a value is a map, a slice, a string, a float64, a bool or nil.

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


# ---------------------------------------------------------------------------------------------------------
# Schema lookups (forked encoding/json field resolution, as strategicpatch does it).

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
                         % (t.rsplit(".", 1)[-1], _go_quote(key)))
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


# ---------------------------------------------------------------------------------------------------------
# The merge itself (mergeMap and friends, MergeParallelList=true, IgnoreUnmatchedNulls=true).

def _merge_map(original, patch, schema):
    """mergeMap: `original` is ours to change, `patch` is read only."""
    if _DIRECTIVE in patch:
        directive = patch[_DIRECTIVE]
        if directive == _REPLACE and type(directive) is str:
            return {k: _copy(v) for k, v in patch.items() if k != _DIRECTIVE}
        if directive == _DELETE and type(directive) is str:
            return {}
        raise MergeError("unknown patch type: %s in map: %s" % (_go_fmt_s(directive), _go_fmt_v(patch)))
    if original is None:
        original = {}
    if _RETAIN_KEYS in patch:
        patch = dict(patch)
        _apply_retain_keys(original, patch)
    for key in patch:
        if key[:1] == "$" and key.startswith(_SET_ELEMENT_ORDER):
            patch = dict(patch)
            _merge_set_element_order(original, patch, schema)
            break
    for k, patch_v in patch.items():
        is_delete_list = False
        if k[:1] == "$" and k.startswith(_DELETE_FROM_PRIMITIVE_LIST):
            k = _extract_key(k, _DELETE_FROM_PRIMITIVE_LIST)
            is_delete_list = True
        if patch_v is None:
            original.pop(k, None)
            continue
        if k not in original:
            if not is_delete_list:
                v = _take(patch_v)
                if v is not _DROP:
                    original[k] = v
            continue
        orig_v = original[k]
        ot = _GO_TYPE.get(type(orig_v), "?")
        if ot != _GO_TYPE.get(type(patch_v), "?"):
            if not is_delete_list:
                v = _take(patch_v)
                if v is not _DROP:
                    original[k] = v
                else:
                    del original[k]
            continue
        if ot == "map":
            sub, strategies, _ = _lookup_struct(schema, k)
            if _strategy(strategies) != _REPLACE:
                original[k] = _merge_map(orig_v, patch_v, sub)
            else:
                original[k] = _copy(patch_v)
        elif ot == "slice":
            sub, strategies, merge_key = _lookup_slice(schema, k)
            if _strategy(strategies) == "merge" or is_delete_list:
                original[k] = _merge_slice(orig_v, patch_v, sub, merge_key, is_delete_list)
            else:
                original[k] = _copy(patch_v)
        else:
            original[k] = patch_v
    return original


def _extract_key(key, prefix):
    head, sep, rest = key.partition("/")
    if not sep or head != prefix:
        if prefix == _DELETE_FROM_PRIMITIVE_LIST:
            raise MergeError("invalid patch format of primitive list")
        raise MergeError("invalid patch format of setElementOrder list")
    return rest


def _apply_retain_keys(original, patch):
    retain = patch.pop(_RETAIN_KEYS)
    if type(retain) is not list:
        raise MergeError("invalid patch format of retainKeys")
    keep = set()
    for v in retain:
        try:
            keep.add(_key(v))
        except _Uncomparable as exc:
            raise MergeError("panic: runtime error: hash of unhashable type %s" % exc) from None
    for k, v in patch.items():
        if v is None or k.startswith(_DELETE_FROM_PRIMITIVE_LIST) or k.startswith(_SET_ELEMENT_ORDER):
            continue
        if k not in keep:
            raise MergeError("invalid patch format of retainKeys")
    for k in list(original):
        if k not in keep:
            del original[k]


def _slice_element_type(*lists):
    prev = 0  # "not seen yet"
    for lst in lists:
        for v in lst:
            cur = _gt(v)
            if prev == 0:
                prev = cur
                if cur is None:
                    raise MergeError("panic: runtime error: invalid memory address or nil pointer dereference")
                if cur == "slice":
                    raise MergeError("lists of lists are not supported")
            elif prev != cur:
                raise MergeError("list element types are not identical: %s" % _go_fmt_v(list(lists)))
    if prev == 0:
        raise MergeError("no elements in any of the given slices")
    return prev


def _decoded_cap(n):
    """Capacity encoding/json leaves on a decoded []interface{} of n elements (append growth from 0)."""
    cap = 0
    while cap < n:
        if cap == 0:
            cap = 1
        elif cap < 256:
            cap *= 2
        else:
            cap += (cap + 768) >> 2
    return cap


def _merge_slice(original, patch, schema, merge_key, is_delete_list):
    if not original and not patch:
        return original
    kind = _slice_element_type(original, patch)
    if kind != "map":
        if is_delete_list:
            return _delete_from_slice(original, patch)
        merged = _append_and_deduplicate(original, patch)
    else:
        if merge_key == "":
            raise MergeError("cannot merge lists without merge key for %s" % _kind(schema))
        view, cap = original, _decoded_cap(len(original))
        original, patch = _merge_special_elements(original, patch, merge_key)
        # After deletions Go appends new elements into the same array while it has room, where a holder of
        # the original slice (the $setElementOrder code) sees them.
        replaced = patch is None
        if replaced:
            patch = []
        aliased = view if not replaced and len(original) < len(view) else None
        merged = _merge_plain_elements(original, patch, merge_key, schema, aliased, cap)
    if merge_key == "":
        patch_items, server_only = _partition_primitives(merged, patch)
    else:
        patch_items, server_only = _partition_maps(merged, patch, merge_key)
    return _normalize_element_order(patch_items, server_only, patch, original, merge_key, kind)


def _append_and_deduplicate(original, patch):
    """append(original, patch...) then Go's in-place deduplicateScalars.

    When the decoded original slice has spare capacity the appended slice shares its array, and the
    deduplication's swaps show through `original`, which later serves as the server order; reproduce that.
    """
    n = len(original)
    s = original + patch
    length = len(s) - 1
    i = 0
    while i < length:
        j = i + 1
        while j <= length:
            if s[i] == s[j]:
                s[j] = s[length]
                length -= 1
                j -= 1
            j += 1
        i += 1
    if n + len(patch) <= _decoded_cap(n):
        original[:] = s[:n]
    del s[length + 1:]
    return s


def _delete_from_slice(current, to_delete):
    gone = {_key(v) for v in to_delete}
    return [v for v in current if _key(v) not in gone]


def _merge_special_elements(original, patch, merge_key):
    """mergeSliceWithSpecialElements.

    Go deletes with append(s[:i], s[i+1:]...), shifting the shared array in place: whoever still holds the
    original slice (the $setElementOrder code) sees the shifted array with its old length.  `original` is
    shifted the same way here and the shortened list is returned.
    """
    plain = []
    replace = False
    length = len(original)
    for v in patch:
        if _DIRECTIVE not in v:
            plain.append(v)
            continue
        directive = v[_DIRECTIVE]
        if directive == _DELETE and type(directive) is str:
            if merge_key not in v:
                raise _no_merge_key(v, merge_key)
            value = v[merge_key]
            while True:
                idx = _find_by_key(original[:length], merge_key, value)
                if idx < 0:
                    break
                original[idx:length - 1] = original[idx + 1:length]
                length -= 1
        elif directive == _REPLACE and type(directive) is str:
            replace = True
        elif directive == "merge" and type(directive) is str:
            raise MergeError("merging lists cannot yet be specified in the patch")
        else:
            raise MergeError("unknown patch type: %s in map: %s" % (_go_fmt_s(directive), _go_fmt_v(v)))
    if replace:
        return [_copy(v) for v in plain], None
    return original[:length], plain


def _find_by_key(items, key, value):
    for i, v in enumerate(items):
        if type(v) is not dict:
            raise MergeError("value for key %d is not a map" % i)
        if key in v and _go_eq(v[key], value):
            return i
    return -1


def _key_index(items, merge_key):
    """{Go key of the merge-key value: first position} for a list of maps, or None when a faithful answer
    needs the element-by-element scan (a non-map element, an uncomparable merge-key value)."""
    index = {}
    try:
        for i, v in enumerate(items):
            if type(v) is not dict:
                return None
            if merge_key in v:
                index.setdefault(_key(v[merge_key]), i)
    except _Uncomparable:
        return None
    return index


def _merge_plain_elements(original, patch, merge_key, schema, view=None, cap=0):
    merged = list(original)
    index = _key_index(merged, merge_key)
    for v in patch:
        if merge_key not in v:
            raise _no_merge_key(v, merge_key)
        value = v[merge_key]
        if index is not None:
            try:
                idx = index.get(_key(value), -1)
            except _Uncomparable:
                index = None
        if index is None:
            idx = _find_by_key(merged, merge_key, value)
        if idx >= 0:
            merged[idx] = _merge_map(merged[idx], v, schema)
        else:
            pos = len(merged)
            merged.append(_copy(v))
            if index is not None:
                index.setdefault(_key(value), pos)
            if view is not None:
                if pos >= cap:
                    view = None  # Go reallocated: later appends no longer touch the original array
                elif pos < len(view):
                    view[pos] = merged[pos]
    return merged


def _partition_primitives(merged, partition_by):
    present = {_key(v) for v in partition_by}
    patch_items, server_only = [], []
    for v in merged:
        (patch_items if _key(v) in present else server_only).append(v)
    return patch_items, server_only


def _partition_maps(merged, partition_by, merge_key):
    index = _key_index(partition_by, merge_key)
    patch_items, server_only = [], []
    for v in merged:
        if type(v) is not dict:
            raise _bad_arg_type("map", v)
        if merge_key not in v:
            raise _no_merge_key(v, merge_key)
        found = None
        if index is not None:
            try:
                found = _key(v[merge_key]) in index
            except _Uncomparable:
                pass
        if found is None:
            found = _find_by_key(partition_by, merge_key, v[merge_key]) >= 0
        (patch_items if found else server_only).append(v)
    return patch_items, server_only


def _normalize_element_order(patch, server_only, patch_order, server_order, merge_key, kind):
    patch = _normalize_slice_order(patch, patch_order, merge_key, kind)
    server_only = _normalize_slice_order(server_only, server_order, merge_key, kind)
    return _merge_sorted_slice(server_only, patch, server_order, merge_key, kind)


def _order_value(item, merge_key, kind):
    if kind == "map":
        return item.get(merge_key) if type(item) is dict else None
    return item


def _indexer(order, merge_key, kind):
    """index(order, item): position of the first element of `order` equal to item (-1 if none)."""
    values = [_order_value(v, merge_key, kind) for v in order]
    try:
        first = {}
        for i, v in enumerate(values):
            first.setdefault(_key(v), i)
    except _Uncomparable:
        def slow(item):
            want = _order_value(item, merge_key, kind)
            for i, v in enumerate(values):
                if _go_eq(want, v):
                    return i
            return -1
        return slow

    def fast(item):
        try:
            return first.get(_key(_order_value(item, merge_key, kind)), -1)
        except _Uncomparable:
            want = _order_value(item, merge_key, kind)
            for v in values:
                _go_eq(want, v)  # raises Go's panic when an uncomparable value is really compared
            return -1
    return fast


def _normalize_slice_order(to_sort, order, merge_key, kind):
    to_delete = []
    if kind == "map":
        for lst in (to_sort, order):
            for item in lst:
                if type(item) is not dict:
                    raise _bad_arg_type("map", item)
                if merge_key not in item:
                    raise _no_merge_key(item, merge_key)
        keep = []
        for v in to_sort:
            d = v.get(_DIRECTIVE)
            (to_delete if d == _DELETE and type(d) is str else keep).append(v)
        to_sort = keep
    if len(to_sort) > 1:
        index = _indexer(order, merge_key, kind)
        positions = [index(v) for v in to_sort]
        if min(positions) >= 0:
            # A consistent comparator: any stable sort gives Go's answer.
            to_sort = [v for _, v in sorted(zip(positions, to_sort), key=lambda p: p[0])]
        else:
            to_sort = _go_stable_sort(list(zip(positions, to_sort)))
    return to_sort + to_delete


def _go_stable_sort(pairs):
    """sort.SliceStable (insertion sort in blocks of 20, then SymMerge) with strategicpatch's comparator,
    which answers "less" whenever either element is missing from the order list, so the exact algorithm
    decides the result."""
    data = pairs

    def less(i, j):
        pi, pj = data[i][0], data[j][0]
        if pi >= 0 and pj >= 0:
            return pi < pj
        return True

    def swap(i, j):
        data[i], data[j] = data[j], data[i]

    def insertion_sort(a, b):
        for i in range(a + 1, b):
            j = i
            while j > a and less(j, j - 1):
                swap(j, j - 1)
                j -= 1

    def swap_range(a, b, n):
        for i in range(n):
            swap(a + i, b + i)

    def rotate(a, m, b):
        i, j = m - a, b - m
        while i != j:
            if i > j:
                swap_range(m - i, m, j)
                i -= j
            else:
                swap_range(m - i, m + j - i, i)
                j -= i
        swap_range(m - i, m, i)

    def sym_merge(a, m, b):
        if m - a == 1:
            i, j = m, b
            while i < j:
                h = (i + j) >> 1
                if less(h, a):
                    i = h + 1
                else:
                    j = h
            for k in range(a, i - 1):
                swap(k, k + 1)
            return
        if b - m == 1:
            i, j = a, m
            while i < j:
                h = (i + j) >> 1
                if not less(m, h):
                    i = h + 1
                else:
                    j = h
            for k in range(m, i, -1):
                swap(k, k - 1)
            return
        mid = (a + b) >> 1
        n = mid + m
        if m > mid:
            start, r = n - b, mid
        else:
            start, r = a, m
        p = n - 1
        while start < r:
            c = (start + r) >> 1
            if not less(p - c, c):
                start = c + 1
            else:
                r = c
        end = n - start
        if start < m < end:
            rotate(start, m, end)
        if a < start < mid:
            sym_merge(a, start, mid)
        if mid < end < b:
            sym_merge(mid, end, b)

    n = len(data)
    block = 20
    a, b = 0, block
    while b <= n:
        insertion_sort(a, b)
        a, b = b, b + block
    insertion_sort(a, n)
    while block < n:
        a, b = 0, 2 * block
        while b <= n:
            sym_merge(a, a + block, b)
            a, b = b, b + 2 * block
        m = a + block
        if m < n:
            sym_merge(a, m, n)
        block *= 2
    return [v for _, v in data]


def _merge_sorted_slice(left, right, server_order, merge_key, kind):
    if not left:
        return right
    if not right:
        return left
    index = _indexer(server_order, merge_key, kind)
    left_pos = [index(v) for v in left]
    right_pos = [index(v) for v in right]
    out = []
    i = j = 0
    while i < len(left) and j < len(right):
        li, rj = left_pos[i], right_pos[j]
        if li >= 0 and rj >= 0 and li < rj:
            out.append(left[i])
            i += 1
        else:
            out.append(right[j])
            j += 1
    out.extend(left[i:])
    out.extend(right[j:])
    return out


def _merge_set_element_order(original, patch, schema):
    """mergePatchIntoOriginal: lists that come with a $setElementOrder/<key> directive."""
    for key in list(patch):
        if not key.startswith(_SET_ELEMENT_ORDER) or key not in patch:
            continue
        order = patch.pop(key)
        if type(order) is not list:
            raise _bad_arg_type("slice", order)
        field = _extract_key(key, _SET_ELEMENT_ORDER)
        found_original, found_patch = field in original, field in patch
        original_list = patch_list = None
        if found_original:
            original_list = original[field]
            if type(original_list) is not list:
                raise _bad_arg_type("slice", original_list)
        if found_patch:
            patch_list = patch[field]
            if type(patch_list) is not list:
                raise _bad_arg_type("slice", patch_list)
        sub, strategies, merge_key = _lookup_slice(schema, field)
        strategy = _strategy(strategies)
        _validate_set_element_order(patch_list, order, merge_key)
        if found_original and not found_patch:
            merged = original_list
        elif found_patch and not found_original:
            merged = _take(patch_list, drop_nulls=False)
        elif found_original and found_patch:
            if strategy == "merge":
                merged = _merge_slice(original_list, patch_list, sub, merge_key, False)
            else:
                merged = _copy(patch_list)
        else:
            continue
        if merge_key == "":
            patch_items, server_only = _partition_primitives(merged, order)
        else:
            patch_items, server_only = _partition_maps(merged, order, merge_key)
        kind = _slice_element_type(original_list or [], patch_list or [])
        original[field] = _normalize_element_order(patch_items, server_only, order, original_list or [],
                                                   merge_key, kind)
        patch.pop(field, None)


def _validate_set_element_order(patch_list, order, merge_key):
    if not order or not patch_list:
        return
    if merge_key:
        for v in patch_list:
            if type(v) is not dict:
                raise _bad_arg_type("map", v)
        items = [v for v in patch_list if not (v.get(_DIRECTIVE) == _DELETE and type(v.get(_DIRECTIVE)) is str)]
    else:
        items = patch_list
    pi = si = 0
    while pi < len(items) and si < len(order):
        item = items[pi]
        if type(item) is dict and _DIRECTIVE in item:
            pi += 1
            continue
        if _merge_key_value_equal(item, order[si], merge_key):
            pi += 1
        si += 1
    if pi < len(items) and si >= len(order):
        raise MergeError("The order in patch list:\n%s\n doesn't match %s list:\n%s\n"
                         % (_go_fmt_v(patch_list), _SET_ELEMENT_ORDER, _go_fmt_v(order)))


def _merge_key_value_equal(left, right, merge_key):
    if not merge_key:
        return _go_eq(left, right)
    for side in (left, right):
        if type(side) is not dict:
            raise _bad_arg_type("map", side)
        if merge_key not in side:
            raise _no_merge_key(side, merge_key)
    return _go_eq(left[merge_key], right[merge_key])


# ---------------------------------------------------------------------------------------------------------
# Go's error texts (fmt %v / %s / %q of decoded JSON values).

def _no_merge_key(m, key):
    return MergeError("map: %s does not contain declared merge key: %s" % (_go_fmt_v(m), key))


def _bad_arg_type(expected, actual):
    got = _GO_TYPE_NAME.get(_gt(actual), "%!s(<nil>)")
    return MergeError("expected a %s, but received a %s" % (_GO_TYPE_NAME[expected], got))


def _go_fmt_v(v):
    t = type(v)
    if t is dict:
        return "map[" + " ".join("%s:%s" % (k, _go_fmt_v(v[k])) for k in sorted(v)) + "]"
    if t is list:
        return "[" + " ".join(_go_fmt_v(x) for x in v) + "]"
    if t is bool:
        return "true" if v else "false"
    if t is int or t is float:
        return _float_text(float(v), -4, 6, False)
    if v is None:
        return "<nil>"
    return str(v)


def _go_fmt_s(v, top=True):
    t = type(v)
    if t is dict:
        return "map[" + " ".join("%s:%s" % (k, _go_fmt_s(v[k], False)) for k in sorted(v)) + "]"
    if t is list:
        return "[" + " ".join(_go_fmt_s(x, False) for x in v) + "]"
    if t is bool:
        return "%!s(bool=" + ("true" if v else "false") + ")"
    if t is int or t is float:
        return "%!s(float64=" + _float_text(float(v), -4, 6, False) + ")"
    if v is None:
        return "%!s(<nil>)" if top else "<nil>"
    return str(v)


def _go_quote(s):
    import unicodedata
    out = ['"']
    named = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
             "\\": "\\\\", '"': '\\"'}
    for c in s:
        if c in named:
            out.append(named[c])
        elif c == " " or (c.isprintable() and unicodedata.category(c)[0] not in "CZ"):
            out.append(c)
        elif ord(c) < 0x80:
            out.append("\\x%02x" % ord(c))
        elif ord(c) <= 0xFFFF:
            out.append("\\u%04x" % ord(c))
        else:
            out.append("\\U%08x" % ord(c))
    out.append('"')
    return "".join(out)
