"""How yamlio's data is compared with the Go oracle's JSON.

Go's json.Unmarshal gives float64 for every number and its JSON writes integral floats without a fraction
(1.0 prints as `1`), so Python's json reads the oracle's numbers as int or float by spelling alone.  The
rule yamlio documents: YAML integers are Python int, YAML floats Python float.  Hence:
an oracle int matches a yamlio int of the same value, or a yamlio float equal to it as a float64 (Go writes
1.8446744073709552e19 as 18446744073709552000); an oracle float
matches only an equal yamlio float.  bool is never a number here, and dict key order does not matter.
"""

import math


def mismatch(mine, go, path="$"):
    """None when `mine` (yamlio) and `go` (oracle JSON parsed by Python) agree, else where they differ."""
    if isinstance(go, bool) or go is None or isinstance(go, str):
        if type(mine) is not type(go) or mine != go:
            return "%s: yamlio %r, Go %r" % (path, mine, go)
        return None
    if isinstance(go, int):
        if type(mine) is int and mine == go:
            return None
        if type(mine) is float and math.isfinite(mine) and mine == float(go):
            return None                  # Go printed a float64 without fraction or exponent
        return "%s: yamlio %r, Go %r" % (path, mine, go)
    if isinstance(go, float):
        if type(mine) is float and mine == go:
            return None
        return "%s: yamlio %r, Go %r" % (path, mine, go)
    if isinstance(go, list):
        if type(mine) is not list or len(mine) != len(go):
            return "%s: yamlio %r, Go %r" % (path, mine, go)
        for i, (m, g) in enumerate(zip(mine, go)):
            found = mismatch(m, g, "%s[%d]" % (path, i))
            if found:
                return found
        return None
    if isinstance(go, dict):
        if type(mine) is not dict or set(mine) != set(go):
            return "%s: yamlio keys %r, Go keys %r" % (
                path, sorted(mine) if type(mine) is dict else mine, sorted(go))
        for k in go:
            found = mismatch(mine[k], go[k], "%s.%s" % (path, k))
            if found:
                return found
        return None
    raise TypeError("unexpected JSON value %r" % (go,))


def yamlio_answer(fn, text):
    """("ok", data) or ("error", message) from a yamlio function, like the oracle's answers."""
    from simulator import yamlio
    try:
        return ("ok", fn(text))
    except yamlio.YAMLSyntaxError as e:
        return ("error", str(e))


def verdict(mine, go):
    """None when both failed or both produced the same data, else a sentence saying how they differ.
    When Go's outcome depended on its map order ("ambiguous"), there is nothing to hold yamlio to."""
    if go[0] == "ambiguous" or (mine[0] == "error" and go[0] == "error"):
        return None
    if mine[0] != go[0]:
        return "yamlio %s: %r; Go %s: %r" % (mine[0], mine[1], go[0], go[1])
    return mismatch(mine[1], go[1])
