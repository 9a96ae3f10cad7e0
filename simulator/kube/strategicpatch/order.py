"""List ordering after a merge: patch elements in patch order, server-only elements in server order,
interleaved by Go's mergeSortedSlice; sorted with Go's sort.SliceStable and strategicpatch's comparator, even
where that comparator is inconsistent (then only the exact algorithm gives Go's order).
"""

from .values import _DELETE, _DIRECTIVE, _Uncomparable, _bad_arg_type, _go_eq, _key, _no_merge_key


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
