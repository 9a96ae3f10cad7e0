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

import functools
import math
import re

from .resolve import resolve_plain

__all__ = ["dump", "key_sort"]


def key_sort(keys):
    """go-yaml v2's keyList order for string keys: letters before digits, digit runs compared as numbers."""
    return list(_key_order(tuple(keys)))


# Printing thousands of pods meets the same keys, names and images over and over: the key orders and
# the quoted forms of strings are remembered, up to this many of each.  These are memos of pure functions
# of short strings (never stale, bounded, safe from any thread), not engine state: see simulator/cache.py.
_MEMO_LIMIT = 20000


@functools.lru_cache(maxsize=_MEMO_LIMIT)
def _key_order(keys):
    """Objects of one type share their key sets: their order is remembered."""
    return tuple(sorted(keys, key=functools.cmp_to_key(_cmp_keys)))


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
            if _complex_key(k):      # go-yaml's non-simple key: `? key` on its own line(s), then `: value`
                out.append("?")
                _after_indicator(k, indent + 2, out)
                out.append(" " * indent + ":")
                _after_indicator(val, indent + 2, out)
                continue
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
            _after_indicator(item, indent + 2, out)
        return
    text = _scalar(v, indent, key=False)
    if ctx in ("map", "seqscalar"):
        out.append(" ")
    if len(text) > 8 and text[-1] != "\n" and " " in text and isinstance(v, str):
        column = _column(out)
        if column + len(text) > BEST_WIDTH:
            text = _fold(text, column, indent)
    out.append(text)
    if not text.endswith("\n"):
        out.append("\n")


#: go-yaml's emitter starts a new line at a space once a line is longer than this (best_width).
BEST_WIDTH = 80


def _after_indicator(v, indent, out):
    """A node after `-`, `?` or `:` in go-yaml's compact form: a non-empty collection starts on the same
    line and goes on at `indent`."""
    if isinstance(v, (dict, list, tuple)) and v:
        out.append(" ")
        _node(v, indent, out, "seq")
    else:
        _node(v, indent, out, "seqscalar")


def _complex_key(k):
    """go-yaml's check_simple_key: a key of more than 128 bytes, or one with a line break, is written in the
    explicit `? key` / `: value` form (Kubernetes allows annotation keys of up to 317 characters)."""
    if len(k) > 32 and len(k.encode("utf-8", "surrogatepass")) > 128:
        return True
    return "\n" in k or "\r" in k or "\x85" in k or "\u2028" in k or "\u2029" in k


def _column(out):
    n = 0
    for piece in reversed(out):
        at = piece.rfind("\n")
        if at != -1:
            return n + len(piece) - at - 1
        n += len(piece)
    return n


def _fold(text, column, indent):
    """A plain, single- or double-quoted scalar as written from `column`, broken at single spaces where
    the line has grown past BEST_WIDTH, continuation lines at `indent` (go-yaml's write_*_scalar).  The
    break replaces the space; a double-quoted one escapes a following space with a backslash."""
    style = text[0] if text[0] in "'\"" else ""
    body = text[1:-1] if style else text
    out = [style]
    col = column + len(style)
    spaces = False
    n = len(body)
    i = 0
    while i < n:
        c = body[i]
        if c == " ":
            nxt = body[i + 1] if i + 1 < n else ""
            # where the raw value has a space: in the quoted forms not first or last, nor before
            # another space for plain and single-quoted text
            if style == "'":
                ok = 0 < i < n - 1 and nxt != " "
            elif style == '"':
                ok = 0 < i < n - 1
            else:
                ok = nxt != " "
            if not spaces and col > BEST_WIDTH and ok:
                out.append("\n" + " " * indent)
                col = indent
                if style == '"' and nxt == " ":
                    out.append("\\")
                    col += 1
            else:
                out.append(c)
                col += 1
            spaces = True
        elif style == '"' and c == "\\":
            j = i + 2 if i + 1 < n and body[i + 1] != "x" and body[i + 1] != "u" and body[i + 1] != "U" else \
                i + 2 + {"x": 2, "u": 4, "U": 8}[body[i + 1]]
            out.append(body[i:j])
            col += j - i
            i = j
            spaces = False
            continue
        else:
            out.append(c)
            col += 1
            spaces = False
        i += 1
    out.append(style)
    return "".join(out)


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
    from ..kube.typed.jsontext import go_json_dumps

    # JSON -> YAML: the JSON text of a float64 is read back by go-yaml (an integral one becomes an int).
    text = go_json_dumps(f)
    if re.match(r"^-?[0-9]+$", text):
        return text
    return _format_g(f)


def _format_g(f):
    """strconv.FormatFloat(f, 'g', -1, 64)."""
    from ..golang.strconv import format_float

    return format_float(f, "g", -1, 64)


_INDICATORS_START = set("#,[]{}&*!|>'\"%@`")
_FLOW_INDICATORS = set(",?[]{}")


def _printable(c):
    """go-yaml v2's is_printable: no tab, CR or NEL, and nothing beyond the Basic Multilingual Plane."""
    o = ord(c)
    return o == 0xA or 0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF or (0xE000 <= o <= 0xFFFD and o != 0xFEFF)


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


_BASE60 = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_PLAIN_SAFE = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./-]*$")
_BOOLISH = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False",
            "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~"}


def _string(s, indent, key):
    if "\n" in s:     # may become a literal block, which depends on the indentation: not remembered
        return _string_style(s, indent, key)
    return _line_text(s, key)


@functools.lru_cache(maxsize=_MEMO_LIMIT)
def _line_text(s, key):
    """The text of a one-line string (its style does not depend on the indentation)."""
    return _string_style(s, 0, key)


def _string_style(s, indent, key):
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
    """go-yaml v2 resolve("", s) == !!str: the exact text (nothing trimmed) read as a plain scalar is
    a string, and not a timestamp (which the encoder also quotes)."""
    if s == "":
        return False
    if s[0] not in "+-0123456789yYnNtTfFoO~.":
        return True
    if not isinstance(resolve_plain(s), str):
        return False
    return not (s[0].isdigit() and _is_timestamp(s))


_TIMESTAMP = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]| )(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?"
                        r"(Z|[+-]\d{2}:\d{2})?)?\Z")


def _is_timestamp(s):
    """parseTimestamp: Go's time.Parse with go-yaml's layouts (date; date T time zone; date space time)."""
    m = _TIMESTAMP.match(s)
    if m is None:
        return False
    import datetime

    year, month, day, hour, minute, second, frac, zone = m.groups()
    if hour is not None:
        sep = s[len(m.group(1)) + len(m.group(2)) + len(m.group(3)) + 2]
        if (sep in "Tt") != (zone is not None):   # with T a zone is required; with a space none is allowed
            return False
        if zone is not None and zone != "Z" and not (int(zone[1:3]) < 24 and int(zone[4:6]) < 60):
            return False
    try:
        datetime.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        return False
    return True


_DQ_ESCAPES = {"\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f",
               "\r": "\\r", "\x1b": "\\e", '"': '\\"', "\\": "\\\\", "\x85": "\\N", "\xa0": "\\_",
               "\u2028": "\\L", "\u2029": "\\P"}
_DQ_ALWAYS = frozenset('"\\\n\r\x85\u2028\u2029\ufeff')   # escaped although printable (breaks, quote, backslash)


def _double(s):
    out = ['"']
    for c in s:
        if _printable(c) and c not in _DQ_ALWAYS:
            out.append(c)
            continue
        e = _DQ_ESCAPES.get(c)
        if e is not None:
            out.append(e)
        else:
            o = ord(c)
            if o <= 0xFF:
                out.append("\\x%02X" % o)
            elif o <= 0xFFFF:
                out.append("\\u%04X" % o)
            else:
                out.append("\\U%08X" % o)
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
