"""Sprig's string functions (strings.go, and the list helpers split/join/sortAlpha).

Go strings are bytes: `trunc`, `substr` and `abbrev` cut bytes, `nospace` and `initials` (from goutils)
even walk bytes as if they were Latin-1 runes.  Those quirks are what a rendered template contains, so
they are kept; see sprig.conv for how Python strings stand in for Go's byte strings.
"""

from ..gotemplate.funcs import FuncError, FuncPanic, gofunc
from ..gotemplate.values import StringMap, TypedList
from .conv import (_fffd_invalid, byte_len, from_bytes, go_is_space, go_lower, go_rune_lower, go_rune_title,
                   go_rune_upper, go_trim_space, go_upper, is_list, list_items, strval, to_bytes)


def _strings(items):
    return TypedList(items, "string")


#: The longest string one sprig call may build here (Go would go on to gigabytes; no injector template
#: builds more than kilobytes): past it the call fails as a template error instead of exhausting memory.
MAX_BUILT = 1 << 24


def _over_budget(size):
    if size > MAX_BUILT:
        raise FuncError("would build %d bytes, over the simulator's budget of %d" % (size, MAX_BUILT))


def _repeat(s, count):
    if count < 0:
        raise FuncPanic("strings: negative Repeat count")
    if count and byte_len(s) * count > 1 << 31:
        raise FuncPanic("runtime error: makeslice: len out of range")
    _over_budget(len(s) * count)
    return s * count


def _slice_bounds_error(lo, hi, length, kind):
    if kind == "Alen":
        return FuncPanic("runtime error: slice bounds out of range [:%d] with length %d" % (hi, length))
    return FuncPanic("runtime error: slice bounds out of range [%d:%d]" % (lo, hi))


def _byte_slice(s, lo, hi):
    """s[lo:hi] on the bytes of s, with Go's bounds checks (hi=None means len)."""
    if s.isascii():
        n = len(s)
        b = None
    else:
        b = to_bytes(s)
        n = len(b)
    if hi is None:
        hi = n
    if hi < 0:
        raise FuncPanic("runtime error: slice bounds out of range [:%d]" % hi)
    if hi > n:
        raise _slice_bounds_error(lo, hi, n, "Alen")
    if lo < 0:
        raise FuncPanic("runtime error: slice bounds out of range [%d:]" % lo)
    if lo > hi:
        raise _slice_bounds_error(lo, hi, n, "B")
    return s[lo:hi] if b is None else from_bytes(b[lo:hi])


@gofunc(returns="string")
def hello():
    return "Hello!"


def _abbreviate_full(s, offset, width):
    """goutils.AbbreviateFull (byte indexes)."""
    if s == "":
        return ""
    if width < 4:
        return ""
    b = to_bytes(s)
    n = len(b)
    if n <= width:
        return s
    if offset > n:
        offset = n
    if n - offset < width - 3:
        offset = n - (width - 3)
    if offset <= 4:
        return from_bytes(b[:width - 3]) + "..."
    if width < 7:
        return ""
    if offset + width - 3 < n:
        return "..." + _abbreviate_full(from_bytes(b[offset:]), 0, width - 3)
    return "..." + from_bytes(b[n - (width - 3):])


@gofunc("int", "string", returns="string")
def abbrev(width, s):
    if width < 4:
        return s
    return _abbreviate_full(s, 0, width)


@gofunc("int", "int", "string", returns="string")
def abbrevboth(left, right, s):
    if right < 4 or left > 0 and right < 7:
        return s
    return _abbreviate_full(s, left, right)


@gofunc("int", "string", returns="string")
def trunc(c, s):
    n = byte_len(s)
    if c < 0 and n + c > 0:
        return _byte_slice(s, n + c, None)
    if c >= 0 and n > c:
        return _byte_slice(s, 0, c)
    return s


@gofunc("string", returns="string")
def trim(s):
    return go_trim_space(s)


@gofunc("string", returns="string")
def upper(s):
    return go_upper(s)


@gofunc("string", returns="string")
def lower(s):
    return go_lower(s)


def _is_separator(c):
    if c < "\x80":
        return not ("0" <= c <= "9" or "a" <= c <= "z" or "A" <= c <= "Z" or c == "_")
    if "\udc80" <= c <= "\udcff":
        return False
    if c.isalpha() or c.isdigit():
        return False
    return go_is_space(c)


@gofunc("string", returns="string")
def title(s):
    """strings.Title: upper-cases the first letter of each word."""
    out = []
    prev = " "
    for c in s:
        if "\udc80" <= c <= "\udcff":
            c = "\ufffd"
        out.append(go_rune_title(c) if _is_separator(prev) else c)
        prev = c
    return "".join(out)


@gofunc("string", returns="string")
def untitle(s):
    """goutils.Uncapitalize: lower-cases the first rune of each space-separated word."""
    if s == "":
        return s
    s = _fffd_invalid(s)  # goutils goes through []rune(s): invalid bytes become U+FFFD
    out = []
    nxt = True
    for c in s:
        if go_is_space(c):
            nxt = True
            out.append(c)
        elif nxt:
            out.append(go_rune_lower(c))
            nxt = False
        else:
            out.append(c)
    return "".join(out)


@gofunc("string", returns="string")
def swapcase(s):
    """goutils.SwapCase."""
    if s == "":
        return s
    s = _fffd_invalid(s)
    out = []
    ws = True
    for c in s:
        if c.isupper():
            out.append(go_rune_lower(c))
            ws = False
        elif c.istitle():
            out.append(go_rune_lower(c))
            ws = False
        elif c.islower():
            out.append(go_rune_title(c) if ws else go_rune_upper(c))
            ws = False
        else:
            ws = go_is_space(c)
            out.append(c)
    return "".join(out)


@gofunc("int", "int", "string", returns="string")
def substr(start, end, s):
    if start < 0:
        return _byte_slice(s, 0, end)
    if end < 0 or end > byte_len(s):
        return _byte_slice(s, start, None)
    return _byte_slice(s, start, end)


@gofunc("int", "string", returns="string")
def repeat(count, s):
    return _repeat(s, count)


def _cutset_trim(s, cutset):
    if cutset == "":
        return s
    return s.strip(cutset)


@gofunc("string", "string", returns="string")
def trim_all(a, b):
    return _cutset_trim(b, a)


@gofunc("string", "string", returns="string")
def trim_suffix(a, b):
    return b[:-len(a)] if a and b.endswith(a) else b


@gofunc("string", "string", returns="string")
def trim_prefix(a, b):
    return b[len(a):] if a and b.startswith(a) else b


def _latin1_runes(s):
    """goutils walks a string's bytes as runes: each byte becomes the code point of the same value."""
    return to_bytes(s).decode("latin-1")


@gofunc("string", returns="string")
def nospace(s):
    if s == "":
        return s
    runes = _latin1_runes(s)
    kept = "".join(c for c in runes if not go_is_space(c))
    if len(kept) == len(runes):
        return s
    return kept


@gofunc("string", returns="string")
def initials(s):
    if s == "":
        return s
    out = []
    gap = True
    for c in _latin1_runes(s):
        if go_is_space(c):
            gap = True
        elif gap:
            out.append(c)
            gap = False
    return "".join(out)


def _wrap_custom(s, width, newline, wrap_long):
    """goutils.WrapCustom (byte offsets, words split on ' ')."""
    if s == "":
        return ""
    if newline == "":
        newline = "\n"
    if width < 1:
        width = 1
    b = to_bytes(s)
    n = len(b)
    off = 0
    out = bytearray()
    nl = to_bytes(newline)
    while n - off > width:
        if b[off] == 0x20:
            off += 1
            continue
        end = width + off + 1
        space_at = b[off:end].rfind(b" ") + off
        if space_at >= off:
            out += b[off:space_at] + nl
            off = space_at + 1
        elif wrap_long:
            out += b[off:width + off] + nl
            off += width
        else:
            end = width + off
            idx = b[end:].find(b" ")
            if idx == -1:
                out += b[off:]
                off = n
            else:
                space_at = idx + end
                out += b[off:space_at] + nl
                off = space_at + 1
    out += b[off:]
    return from_bytes(bytes(out))


@gofunc("int", "string", returns="string")
def wrap(width, s):
    return _wrap_custom(s, width, "", False)


@gofunc("int", "string", "string", returns="string")
def wrap_with(width, sep, s):
    return _wrap_custom(s, width, sep, True)


@gofunc("string", "string", returns="bool")
def contains(substr_, s):
    return substr_ in s


@gofunc("string", "string", returns="bool")
def has_prefix(prefix, s):
    return s.startswith(prefix)


@gofunc("string", "string", returns="bool")
def has_suffix(suffix, s):
    return s.endswith(suffix)


@gofunc(variadic="any", returns="string")
def quote(*args):
    from ..gotemplate.fmt import go_quote
    return " ".join(go_quote(strval(a)) for a in args if a is not None)


@gofunc(variadic="any", returns="string")
def squote(*args):
    from ..gotemplate.fmt import format_value
    return " ".join("'" + format_value(a) + "'" for a in args if a is not None)


@gofunc(variadic="any", returns="string")
def cat(*args):
    from ..gotemplate.fmt import format_value
    return " ".join(format_value(a) for a in args if a is not None)


def _indent(spaces, s):
    pad = _repeat(" ", spaces)
    _over_budget(len(s) + len(pad) * (s.count("\n") + 1))
    return pad + s.replace("\n", "\n" + pad)


@gofunc("int", "string", returns="string")
def indent(spaces, s):
    return _indent(spaces, s)


@gofunc("int", "string", returns="string")
def nindent(spaces, s):
    return "\n" + _indent(spaces, s)


@gofunc("string", "string", "string", returns="string")
def replace(old, new, src):
    return src.replace(old, new)


@gofunc("string", "string", "int", returns="string")
def plural(one, many, count):
    return one if count == 1 else many


@gofunc("any", returns="string")
def to_string(v):
    return strval(v)


def go_split(s, sep, n=-1):
    """strings.SplitN (n < 0: all)."""
    if n == 0:
        return []
    if sep == "":
        chars = list(s)
        if n > 0 and len(chars) > n:
            chars = chars[:n - 1] + ["".join(chars[n - 1:])]
        return chars
    return s.split(sep) if n < 0 else s.split(sep, n - 1)


@gofunc("string", "string", returns="map[string]string")
def split(sep, orig):
    return StringMap(("_%d" % i, p) for i, p in enumerate(go_split(orig, sep)))


@gofunc("string", "int", "string", returns="map[string]string")
def splitn(sep, n, orig):
    return StringMap(("_%d" % i, p) for i, p in enumerate(go_split(orig, sep, n)))


@gofunc("string", "string", returns="[]string")
def split_list(sep, orig):
    return _strings(go_split(orig, sep))


def strslice(v):
    """sprig's strslice: []string as is, other lists element-wise (nil elements dropped)."""
    if isinstance(v, TypedList) and v.elem_type == "string":
        return v
    if is_list(v):
        return _strings(strval(x) for x in list_items(v) if x is not None)
    if v is None:
        return _strings([])
    return _strings([strval(v)])


@gofunc("any", returns="[]string")
def to_strings(v):
    return strslice(v)


@gofunc("string", "any", returns="string")
def join(sep, v):
    return sep.join(strslice(v))


@gofunc("any", returns="[]string")
def sort_alpha(v):
    if is_list(v):
        return _strings(sorted(strslice(v), key=to_bytes))
    return _strings([strval(v)])
