"""JSON-like data to YAML text the way `sigs.k8s.io/yaml` writes it (go-yaml v2's encoder and emitter).

Istio prints YAML in two places that matter here: the `toYaml` template function, whose text is pasted
into the rendered template and parsed again, and `istioctl kube-inject`, whose output users apply.  Both
go through JSON first, so the data is maps with string keys, lists, strings, numbers, booleans and null.
What this reproduces: go-yaml's natural key order, block style with sequences flush under their key,
which strings stay plain, which get single or double quotes (a string that would read back as another
type is double-quoted), literal blocks for multi-line strings with the right chomping indicator, and
float formatting.  It does not fold long lines at column 80 as libyaml does; the folded and unfolded
forms read back identically.
"""

import math
import re

from .. import yamlio

__all__ = ["dump", "key_sort"]


def key_sort(keys):
    """go-yaml v2's keyList order for string keys: letters before digits, digit runs compared as numbers."""
    import functools

    return sorted(keys, key=functools.cmp_to_key(_cmp_keys))


def _cmp_keys(a, b):
    if a == b:
        return 0
    return -1 if _less(a, b) else 1


def _less(a, b):
    for i in range(min(len(a), len(b))):
        ca, cb = a[i], b[i]
        if ca == cb:
            continue
        al, bl = ca.isalpha(), cb.isalpha()
        if al and bl:
            return ca < cb
        if al or bl:
            return bl
        an = bn = 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and a[j].isdigit():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and a[ai].isdigit():
            an = an * 10 + (ord(a[ai]) - 48)
            ai += 1
        bi = i
        while bi < len(b) and b[bi].isdigit():
            bn = bn * 10 + (ord(b[bi]) - 48)
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(a) < len(b)


def dump(value):
    """The YAML document for `value` (ends with a newline; null is "null\\n", as sigs.k8s.io/yaml writes)."""
    out = []
    _node(value, 0, out, "top")
    return "".join(out)


def _node(v, indent, out, ctx):
    """Append `v`; ctx is "top", "map" (value after 'key:') or "seq" (after '- ')."""
    if isinstance(v, dict):
        if not v:
            out.append((" " if ctx in ("map", "seqscalar") else "") + "{}\n")
            return
        if ctx == "map":
            out.append("\n")
        first = True
        for k in key_sort([str(k) for k in v]):
            val = v[k]
            if not (first and ctx == "seq"):
                out.append(" " * indent)
            first = False
            out.append(_scalar(k, indent, key=True) + ":")
            if isinstance(val, dict) and val:
                _node(val, indent + 2, out, "map")
            elif isinstance(val, list) and val:
                _node(val, indent, out, "map")
            else:
                _node(val, indent + 2, out, "map")
        return
    if isinstance(v, (list, tuple)):
        if not v:
            out.append((" " if ctx in ("map", "seqscalar") else "") + "[]\n")
            return
        if ctx == "map":
            out.append("\n")
        first = True
        for item in v:
            if not (first and ctx == "seq"):
                out.append(" " * indent)
            first = False
            out.append("-")
            if isinstance(item, (dict, list, tuple)) and item:
                out.append(" ")
                _node(item, indent + 2, out, "seq")
            else:
                _node(item, indent + 2, out, "seqscalar")
        return
    text = _scalar(v, indent, key=False)
    if ctx in ("map", "seqscalar"):
        out.append(" ")
    out.append(text)
    if not text.endswith("\n"):
        out.append("\n")


def _scalar(v, indent, key):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _float(v)
    return _string(str(v), indent, key)


def _float(f):
    if math.isnan(f):
        return ".nan"
    if math.isinf(f):
        return ".inf" if f > 0 else "-.inf"
    from ..typed import go_json_dumps

    # JSON -> YAML: the JSON text of a float64 is read back by go-yaml (an integral one becomes an int).
    text = go_json_dumps(f)
    if re.match(r"^-?[0-9]+$", text):
        return text
    return _format_g(f)


def _format_g(f):
    """strconv.FormatFloat(f, 'g', -1, 64)."""
    from ..gotemplate.strconv import format_float

    return format_float(f, "g", -1, 64)


_INDICATORS_START = set("#,[]{}&*!|>'\"%@`")
_FLOW_INDICATORS = set(",?[]{}")


def _printable(c):
    o = ord(c)
    return (o in (0x9, 0xA, 0xD, 0x85) or 0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF
            or (0xE000 <= o <= 0xFFFD and o != 0xFEFF) or 0x10000 <= o <= 0x10FFFF)


def _analyze(s):
    """libyaml's yaml_emitter_analyze_scalar: which styles can represent s (block context)."""
    if not s:
        return {"plain": False, "single": True, "block": False, "multiline": False}
    flow_ind = block_ind = False
    line_breaks = special = False
    leading_space = leading_break = trailing_space = trailing_break = False
    space_break = break_space = False
    previous_space = previous_break = False
    if s.startswith("---") or s.startswith("..."):
        flow_ind = block_ind = True
    preceded_by_ws = True
    n = len(s)
    for i, c in enumerate(s):
        followed_by_ws = i + 1 >= n or s[i + 1] in " \t\r\n\x85\u2028\u2029"
        if i == 0:
            if c in _INDICATORS_START:
                flow_ind = block_ind = True
            elif c in "?:":
                flow_ind = True
                if followed_by_ws:
                    block_ind = True
            elif c == "-" and followed_by_ws:
                flow_ind = block_ind = True
        else:
            if c in _FLOW_INDICATORS:
                flow_ind = True
            elif c == ":":
                flow_ind = True
                if followed_by_ws:
                    block_ind = True
            elif c == "#" and preceded_by_ws:
                flow_ind = block_ind = True
        if not _printable(c) or (not c.isascii() and False):
            special = True
        if c in "\n\r\x85\u2028\u2029":
            line_breaks = True
        if c == " ":
            if i == 0:
                leading_space = True
            if i == n - 1:
                trailing_space = True
            if previous_break:
                break_space = True
            previous_space, previous_break = True, False
        elif c in "\n\r\x85\u2028\u2029":
            if i == 0:
                leading_break = True
            if i == n - 1:
                trailing_break = True
            if previous_space:
                space_break = True
            previous_space, previous_break = False, True
        else:
            previous_space = previous_break = False
        preceded_by_ws = c in " \t\r\n\x85\u2028\u2029"
    block_plain = True
    single = True
    block = True
    if leading_space or leading_break or trailing_space or trailing_break:
        block_plain = False
    if trailing_space:
        block = False
    if break_space:
        block_plain = single = False
    if space_break or special:
        block_plain = single = block = False
    if line_breaks:
        block_plain = False
    if block_ind:
        block_plain = False
    return {"plain": block_plain, "flow_plain": block_plain and not flow_ind, "single": single, "block": block,
            "multiline": line_breaks}


def _resolves_to_string(s):
    try:
        v = yamlio.load("x: " + s) if s else None
    except Exception:
        return True
    if not isinstance(v, dict):
        return False
    return isinstance(v.get("x"), str) and v.get("x") == s


_BASE60 = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_PLAIN_SAFE = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./-]*$")
_BOOLISH = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False",
            "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~"}


def _string(s, indent, key):
    if _PLAIN_SAFE.fullmatch(s) and s not in _BOOLISH:
        return s  # fast path: letters, digits, dots, dashes, slashes - always plain
    want = "plain"
    if not _go_resolves_str(s) or (s[:1] in "+-0123456789" and ":" in s and _BASE60.fullmatch(s)):
        want = "double"
    if "\n" in s:
        want = "literal"
    a = _analyze(s)
    if want == "plain":
        if not a["plain"] or not s:
            want = "single"
    if want == "single" and not a["single"]:
        want = "double"
    if want == "literal" and (not a["block"] or key):
        want = "double"
    if want == "plain":
        return s
    if want == "single":
        return "'" + s.replace("'", "''") + "'"
    if want == "double":
        return _double(s)
    return _literal(s, indent)


def _go_resolves_str(s):
    """go-yaml v2 resolve("", s) == !!str."""
    if s == "":
        return False
    c = s[0]
    if c not in "+-0123456789yYnNtTfFoO~.":
        return True
    if s in _BOOLISH:
        return False
    return _resolves_to_string(s)


_DQ_ESCAPES = {"\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f",
               "\r": "\\r", "\x1b": "\\e", '"': '\\"', "\\": "\\\\", "\x85": "\\N", "\xa0": "\\_",
               "\u2028": "\\L", "\u2029": "\\P"}


def _double(s):
    out = ['"']
    for c in s:
        e = _DQ_ESCAPES.get(c)
        if e is not None:
            out.append(e)
        elif not _printable(c) or c == "\ufeff":
            o = ord(c)
            if o <= 0xFF:
                out.append("\\x%02X" % o)
            elif o <= 0xFFFF:
                out.append("\\u%04X" % o)
            else:
                out.append("\\U%08X" % o)
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def _literal(s, indent):
    hints = ""
    if s[:1] in " \n":
        hints += "2"
    if not s.endswith("\n"):
        hints += "-"
    elif s.endswith("\n\n") or s == "\n":
        hints += "+"
    pad = " " * max(indent, 2 if indent == 0 else indent)
    if indent == 0:
        pad = "  "
    lines = s.split("\n")
    if s.endswith("\n"):
        lines = lines[:-1]
    body = "".join((pad + line if line else "") + "\n" for line in lines)
    return "|" + hints + "\n" + body
