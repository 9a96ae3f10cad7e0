"""The merge itself: Go's mergeMap and friends with MergeParallelList=true and IgnoreUnmatchedNulls=true.

Maps merge key by key; lists with `patchStrategy:"merge"` merge element by element on their merge key, the
others are replaced; `$patch` (replace/delete), `$retainKeys`, `$deleteFromPrimitiveList/<k>` and
`$setElementOrder/<k>` are honoured.  Where Go shares a slice's array between the list being merged and the
server order, the aliasing is reproduced, because it shows in the result's order.
"""

from .errors import MergeError, _go_fmt_s, _go_fmt_v
from .order import _normalize_element_order
from .schema import _kind, _lookup_slice, _lookup_struct, _strategy
from .values import (_DELETE, _DELETE_FROM_PRIMITIVE_LIST, _DIRECTIVE, _DROP, _GO_TYPE, _REPLACE, _RETAIN_KEYS,
                     _SET_ELEMENT_ORDER, _Uncomparable, _bad_arg_type, _copy, _go_eq, _gt, _key, _no_merge_key,
                     _take)


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
