"""Sprig's string, encoding, path and regex functions (sprig v3.3.0 semantics).

Go strings are bytes: `trunc`, `substr` and `abbrev` cut bytes, `nospace` and `initials` (from goutils)
even walk bytes as if they were Latin-1 runes.  Those quirks are what a rendered template contains, so
they are kept; see sprig_conv for how Python strings stand in for Go's byte strings.
"""

import zlib

from ..gotemplate.funcs import FuncError, FuncPanic, gofunc
from ..gotemplate.values import StringMap, TypedList
from .conv import (_fffd_invalid, byte_len, from_bytes, go_is_space, go_lower, go_rune_lower, go_rune_title,
                   go_rune_upper, go_trim_space, go_upper, is_list, list_items, strval, to_bytes, wrap_int64)
from .tojson import NilSlice

# base64 and sprig_regex (our Go regexp translator) are imported by the functions that use them: a
# template that calls neither, like Istio's, should not pay ~5 ms for them.


class NilStringList(TypedList, NilSlice):
    """A nil []string (e.g. regexFindAll without matches): prints [] and encodes to JSON null."""

    go_nil = True

    def __init__(self):
        TypedList.__init__(self, (), "string")


def _strings(items):
    return TypedList(items, "string")


def _repeat(s, count):
    if count < 0:
        raise FuncPanic("strings: negative Repeat count")
    if count and byte_len(s) * count > 1 << 31:
        raise FuncPanic("runtime error: makeslice: len out of range")
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


def _hex_digest(algo):
    @gofunc("string", returns="string", name=algo + "sum")
    def f(s):
        import hashlib   # OpenSSL's start-up is a few ms: paid only by templates that hash

        return hashlib.new(algo, to_bytes(s)).hexdigest()
    return f


sha1sum = _hex_digest("sha1")
sha256sum = _hex_digest("sha256")
sha512sum = _hex_digest("sha512")


@gofunc("string", returns="string")
def adler32sum(s):
    return str(zlib.adler32(to_bytes(s)) & 0xFFFFFFFF)


@gofunc("any", returns="string")
def to_string(v):
    return strval(v)


# --- base64 / base32 ---------------------------------------------------------------------------------

_B64 = {c: i for i, c in enumerate(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def _b64_quantum(src, si, out):
    """One step of Go's base64 decodeQuantum: returns (new si, error offset or None)."""
    dbuf = [0, 0, 0, 0]
    dlen = 4
    j = 0
    while j < 4:
        if len(src) == si:
            if j == 0:
                return si, None, True
            return si, si - j, False
        c = src[si]
        si += 1
        v = _B64.get(c)
        if v is not None:
            dbuf[j] = v
            j += 1
            continue
        if c in (0x0A, 0x0D):
            continue
        if c != 0x3D:
            return si, si - 1, False
        if j in (0, 1):
            return si, si - 1, False
        if j == 2:
            while si < len(src) and src[si] in (0x0A, 0x0D):
                si += 1
            if si == len(src):
                return si, len(src), False
            if src[si] != 0x3D:
                return si, si - 1, False
            si += 1
        while si < len(src) and src[si] in (0x0A, 0x0D):
            si += 1
        err = si if si < len(src) else None
        dlen = j
        break
    else:
        err = None
    val = dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3]
    b = [(val >> 16) & 0xFF, (val >> 8) & 0xFF, val & 0xFF]
    if dlen == 4:
        out += bytes(b)
    elif dlen == 3:
        out += bytes(b[:2])
    elif dlen == 2:
        out += bytes(b[:1])
    return si, err, False


def go_b64decode(s):
    """base64.StdEncoding.DecodeString: (bytes, error text or None)."""
    src = to_bytes(s)
    out = bytearray()
    si = 0
    while si < len(src):
        si, err, done = _b64_quantum(src, si, out)
        if err is not None:
            return bytes(out), "illegal base64 data at input byte %d" % err
        if done:
            break
    return bytes(out), None


@gofunc("string", returns="string")
def b64enc(s):
    import base64

    return base64.b64encode(to_bytes(s)).decode("ascii")


@gofunc("string", returns="string")
def b64dec(s):
    data, err = go_b64decode(s)
    return err if err is not None else from_bytes(data)


@gofunc("string", returns="string")
def b32enc(s):
    import base64

    return base64.b32encode(to_bytes(s)).decode("ascii")


_B32 = {c: i for i, c in enumerate(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}


def go_b32decode(s):
    """base32.StdEncoding.DecodeString: (bytes, error text or None)."""
    src = bytes(c for c in to_bytes(s) if c not in (0x0A, 0x0D))
    olen = len(src)
    out = bytearray()
    pos = 0
    end = False

    def err(off):
        return bytes(out), "illegal base32 data at input byte %d" % off

    while pos < olen and not end:
        dbuf = [0] * 8
        dlen = 8
        j = 0
        while j < 8:
            rem = olen - pos
            if rem == 0:
                return err(olen - rem - j)
            c = src[pos]
            pos += 1
            rem = olen - pos
            if c == 0x3D and j >= 2 and rem < 8:
                if rem + j < 7:
                    return err(olen)
                for k in range(7 - j):
                    if rem > k and src[pos + k] != 0x3D:
                        return err(olen - rem + k - 1)
                dlen, end = j, True
                if dlen in (1, 3, 6):
                    return err(olen - rem - 1)
                break
            v = _B32.get(c)
            if v is None:
                return err(olen - rem - 1)
            dbuf[j] = v
            j += 1
        q = [(dbuf[0] << 3 | dbuf[1] >> 2) & 0xFF, (dbuf[1] << 6 | dbuf[2] << 1 | dbuf[3] >> 4) & 0xFF,
             (dbuf[3] << 4 | dbuf[4] >> 1) & 0xFF, (dbuf[4] << 7 | dbuf[5] << 2 | dbuf[6] >> 3) & 0xFF,
             (dbuf[6] << 5 | dbuf[7]) & 0xFF]
        take = {8: 5, 7: 4, 5: 3, 4: 2, 2: 1}.get(dlen, 0)
        out += bytes(q[:take])
    return bytes(out), None


@gofunc("string", returns="string")
def b32dec(s):
    data, e = go_b32decode(s)
    return e if e is not None else from_bytes(data)


# --- splitting and joining -----------------------------------------------------------------------------

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


# --- regular expressions ---------------------------------------------------------------------------------

def _compile(expr):
    from ..golang import regexp as sprig_regex

    try:
        return sprig_regex.compile_go(expr), None
    except sprig_regex.RegexpError as e:
        return None, e
    except sprig_regex.RegexpUnsupported as e:
        raise FuncError("regexp feature not available in the simulator: " + str(e))


def _must(expr):
    rx, err = _compile(expr)
    if err is not None:
        from ..golang import regexp as sprig_regex

        raise FuncPanic(sprig_regex.must_compile_message(expr, err))
    return rx


def _found(lst):
    return NilStringList() if lst is None else _strings(lst)


@gofunc("string", "string", returns="bool")
def regex_match(expr, s):
    rx, err = _compile(expr)
    return False if err else rx.match_string(s)


@gofunc("string", "string", returns="bool")
def must_regex_match(expr, s):
    rx, err = _compile(expr)
    if err:
        raise FuncError(str(err))
    return rx.match_string(s)


@gofunc("string", "string", "int", returns="[]string")
def regex_find_all(expr, s, n):
    return _found(_must(expr).find_all_string(s, n))


@gofunc("string", "string", "int", returns="[]string")
def must_regex_find_all(expr, s, n):
    rx, err = _compile(expr)
    if err:
        raise FuncError(str(err))
    return _found(rx.find_all_string(s, n))


@gofunc("string", "string", returns="string")
def regex_find(expr, s):
    return _must(expr).find_string(s)


@gofunc("string", "string", returns="string")
def must_regex_find(expr, s):
    rx, err = _compile(expr)
    if err:
        raise FuncError(str(err))
    return rx.find_string(s)


@gofunc("string", "string", "string", returns="string")
def regex_replace_all(expr, s, repl):
    return _must(expr).replace_all(s, repl)


@gofunc("string", "string", "string", returns="string")
def must_regex_replace_all(expr, s, repl):
    rx, err = _compile(expr)
    if err:
        raise FuncError(str(err))
    return rx.replace_all(s, repl)


@gofunc("string", "string", "string", returns="string")
def regex_replace_all_literal(expr, s, repl):
    return _must(expr).replace_all(s, repl, literal=True)


@gofunc("string", "string", "string", returns="string")
def must_regex_replace_all_literal(expr, s, repl):
    rx, err = _compile(expr)
    if err:
        raise FuncError(str(err))
    return rx.replace_all(s, repl, literal=True)


@gofunc("string", "string", "int", returns="[]string")
def regex_split(expr, s, n):
    return _found(_must(expr).split(s, n))


@gofunc("string", "string", "int", returns="[]string")
def must_regex_split(expr, s, n):
    rx, err = _compile(expr)
    if err:
        raise FuncError(str(err))
    return _found(rx.split(s, n))


@gofunc("string", returns="string")
def regex_quote_meta(s):
    from ..golang import regexp as sprig_regex

    return sprig_regex.quote_meta(s)


# --- paths (path and, on Linux, path/filepath) -----------------------------------------------------------

def path_clean(p):
    """path.Clean: lexical shortening of a slash-separated path."""
    if p == "":
        return "."
    rooted = p[0] == "/"
    parts = []
    for seg in p.split("/"):
        if seg == "" or seg == ".":
            continue
        if seg == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(seg)
    out = "/".join(parts)
    if rooted:
        return "/" + out
    return out or "."


@gofunc("string", returns="string")
def path_base(p):
    if p == "":
        return "."
    p = p.rstrip("/")
    if p == "":
        return "/"
    return p[p.rfind("/") + 1:]


@gofunc("string", returns="string")
def path_dir(p):
    i = p.rfind("/")
    return path_clean(p[:i + 1])


@gofunc("string", returns="string")
def path_clean_fn(p):
    return path_clean(p)


@gofunc("string", returns="string")
def path_ext(p):
    i = len(p) - 1
    while i >= 0 and p[i] != "/":
        if p[i] == ".":
            return p[i:]
        i -= 1
    return ""


@gofunc("string", returns="bool")
def path_is_abs(p):
    return p.startswith("/")


# --- environment: the simulator has no process environment -----------------------------------------------

@gofunc("string", returns="string")
def env(name):
    """os.Getenv in an empty environment: the simulated process has no variables (keeps renders pure)."""
    return ""


def _shell_name(s):
    special = "*#$@!?-0123456789"
    if s[0] == "{":
        if len(s) > 2 and s[1] in special and s[2] == "}":
            return s[1:2], 3
        for i in range(1, len(s)):
            if s[i] == "}":
                if i == 1:
                    return "", 2
                return s[1:i], i + 1
        return "", 1
    if s[0] in special:
        return s[0], 1
    i = 0
    while i < len(s) and (s[i] == "_" or s[i].isascii() and s[i].isalnum()):
        i += 1
    return s[:i], i


@gofunc("string", returns="string")
def expandenv(s):
    """os.ExpandEnv in an empty environment: every $VAR / ${VAR} expands to ""."""
    out = []
    i = 0
    j = 0
    touched = False
    while j < len(s):
        if s[j] == "$" and j + 1 < len(s):
            touched = True
            out.append(s[i:j])
            name, w = _shell_name(s[j + 1:])
            if name == "" and w == 0:
                out.append("$")
            j += w
            i = j + 1
        j += 1
    if not touched:
        return s
    return "".join(out) + s[i:]


# --- durations ---------------------------------------------------------------------------------------

def duration_string(d):
    """time.Duration.String for a nanosecond count."""
    d = wrap_int64(d)
    if d == 0:
        return "0s"
    neg = d < 0
    u = -d if neg else d
    if u < 1000000000:
        if u < 1000:
            s = "%dns" % u
        elif u < 1000000:
            s = _frac(u, 3) + "µs"
        else:
            s = _frac(u, 6) + "ms"
    else:
        secs, frac = divmod(u, 1000000000)
        text = str(secs % 60)
        if frac:
            text += "." + ("%09d" % frac).rstrip("0")
        text += "s"
        mins = secs // 60
        if mins:
            text = "%dm" % (mins % 60) + text
            hours = mins // 60
            if hours:
                text = "%dh" % hours + text
        s = text
    return ("-" if neg else "") + s


def _frac(v, prec):
    whole, frac = divmod(v, 10 ** prec)
    if frac:
        return "%d.%s" % (whole, ("%0*d" % (prec, frac)).rstrip("0"))
    return str(whole)


@gofunc("any", returns="string")
def duration(sec):
    from ..gotemplate.values import Int64
    from .conv import parse_int, StrconvError
    n = 0
    if type(sec) is str:
        try:
            n = parse_int(sec, 10, 64)
        except StrconvError:
            n = 0
    elif isinstance(sec, Int64):
        n = int(sec)
    return duration_string(n * 1000000000)

