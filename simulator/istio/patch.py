"""The JSON patch Istio's webhook returns (gomodules.xyz/jsonpatch/v2 CreatePatch of old vs new pod JSON).

Maps are diffed key by key (a key only in the new pod is added, one only in the old is removed, a value
whose JSON type changed is replaced), arrays index by index (surplus removed from the end, new tail
added, pairs diffed) - no longest-common-subsequence, so inserting a container at the front rewrites the
whole list.  Go visits map keys in random order; here they go in sorted order, which yields the same
document when applied.
"""

from ..golang.jsonkind import json_kind


def _path(base, key):
    return base + "/" + str(key).replace("~", "~0").replace("/", "~1")


def _kind(v):
    return None if v is None else json_kind(v)


def create_patch(old, new):
    if old == new:
        return []
    ops = []
    _values(old, new, "", ops)
    return ops


def _values(a, b, p, ops):
    ka, kb = _kind(a), _kind(b)
    if ka is None and kb is None:
        return
    if ka is None:
        ops.append({"op": "add", "path": p, "value": b})
        return
    if ka != kb:
        ops.append({"op": "replace", "path": p, "value": b})
        return
    if ka == "object":
        for key in sorted(b):
            if key not in a:
                ops.append({"op": "add", "path": _path(p, key), "value": b[key]})
            else:
                _values(a[key], b[key], _path(p, key), ops)
        for key in sorted(a):
            if key not in b:
                ops.append({"op": "remove", "path": _path(p, key)})
    elif ka == "array":
        n = min(len(a), len(b))
        for i in range(len(a) - 1, n - 1, -1):
            ops.append({"op": "remove", "path": _path(p, i)})
        for i in range(n, len(b)):
            ops.append({"op": "add", "path": _path(p, i), "value": b[i]})
        for i in range(n):
            _values(a[i], b[i], _path(p, i), ops)
    elif a != b or (ka == "number" and float(a) != float(b)):
        ops.append({"op": "replace", "path": p, "value": b})


def _unescape(token):
    return token.replace("~1", "/").replace("~0", "~")


def apply_patch(doc, ops):
    """Apply add/remove/replace operations (what create_patch produces) to a copy of doc."""
    import json

    doc = json.loads(json.dumps(doc))
    root = {"": doc}
    for op in ops:
        tokens = [_unescape(t) for t in op["path"].split("/")[1:]] if op["path"] else []
        parent, key = root, ""
        for t in tokens:
            parent = parent[key] if not isinstance(parent, list) else parent[int(key)]
            key = t
        if isinstance(parent, list):
            idx = int(key)
            if op["op"] == "add":
                parent.insert(idx, op["value"])
            elif op["op"] == "remove":
                del parent[idx]
            else:
                parent[idx] = op["value"]
        else:
            if op["op"] == "remove":
                del parent[key]
            else:
                parent[key] = op["value"]
    return root[""]
