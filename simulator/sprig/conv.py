"""Go-side conversions sprig leans on: spf13/cast, strconv parsing, sprig's strval/empty, Go strings as bytes.

Sprig's functions take interface{} and convert with spf13/cast, which never fails loudly: a value it cannot
convert becomes 0.  Those silent fallbacks are what templates observe, so they are reproduced exactly,
including Go's integer wrap-around and strconv's syntax rules (underscores, base prefixes, "inf").

Go strings are byte strings; Python carries them as str with invalid UTF-8 bytes surrogate-escaped, so
byte-indexed operations go through `to_bytes` / `from_bytes`.
"""

import math
import re

from ..golang.strconv import underscore_ok
from ..gotemplate.values import MISSING, GoNilPointer, GoStruct, TypedList, TypedMap, _GoInt, go_type_name

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1


def to_bytes(s):
    return s.encode("utf-8", "surrogateescape")


def from_bytes(b):
    return b.decode("utf-8", "surrogateescape")


def byte_len(s):
    return len(s) if s.isascii() else len(to_bytes(s))


def wrap_int64(x):
    """Go's int64 arithmetic wraps around; Python's ints do not."""
    x &= (1 << 64) - 1
    return x - (1 << 64) if x >= (1 << 63) else x


def float_to_int64(f):
    """Go's int64(f) on amd64: truncation, and the 'integer indefinite' value when out of range."""
    if math.isnan(f) or math.isinf(f) or not (-9.223372036854775808e18 <= f < 9.223372036854775808e18):
        return INT64_MIN
    return int(f)


# --- unicode.IsSpace and friends -------------------------------------------------------------------------

_GO_SPACE = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                      "\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def go_is_space(c):
    return c in _GO_SPACE


def go_trim_space(s):
    """strings.TrimSpace (Python's strip also removes \\x1c-\\x1f, which Go keeps)."""
    i, j = 0, len(s)
    while i < j and s[i] in _GO_SPACE:
        i += 1
    while j > i and s[j - 1] in _GO_SPACE:
        j -= 1
    return s[i:j]


def _is_surrogate(c):
    return "\ud800" <= c <= "\udfff"


def go_rune_upper(c):
    """unicode.ToUpper: a simple (single rune) mapping; invalid bytes stay as they are."""
    if c.isascii():
        return c.upper()
    if _is_surrogate(c):
        return c
    u = c.upper()
    return u if len(u) == 1 else c


def go_rune_lower(c):
    if c.isascii():
        return c.lower()
    if _is_surrogate(c):
        return c
    if c == "\u0130":
        return "i"
    u = c.lower()
    return u if len(u) == 1 else c


def go_rune_title(c):
    if c.isascii():
        return c.upper()
    if _is_surrogate(c):
        return c
    t = c.title()
    if len(t) == 1:
        return t
    u = c.upper()
    return u if len(u) == 1 else c


def go_upper(s):
    """strings.ToUpper."""
    if s.isascii():
        return s.upper()
    # strings.Map rebuilds the string, turning each invalid UTF-8 byte into U+FFFD.
    return _fffd_invalid("".join(go_rune_upper(c) for c in s))


def go_lower(s):
    if s.isascii():
        return s.lower()
    return _fffd_invalid("".join(go_rune_lower(c) for c in s))


def _fffd_invalid(s):
    return "".join("\ufffd" if "\udc80" <= c <= "\udcff" else c for c in s)


def go_is_letter(c):
    return c.isalpha() and not _is_surrogate(c)


def go_is_digit(c):
    return c.isdigit() and c.isdecimal()


# --- strconv -------------------------------------------------------------------------------------------

def _lower(c):
    return c.lower() if "A" <= c <= "Z" else c


class StrconvError(ValueError):
    """strconv.NumError: its text is what Go prints, e.g. strconv.ParseInt: parsing "x": invalid syntax."""

    def __init__(self, func, s, reason):
        super().__init__('strconv.%s: parsing %s: %s' % (func, _quote(s), reason))
        self.reason = reason


def _quote(s):
    from ..gotemplate.fmt import go_quote
    return go_quote(s)


def parse_uint(s, base, bits, func="ParseUint"):
    """strconv.ParseUint; raises StrconvError like Go."""
    if s == "":
        raise StrconvError(func, s, "invalid syntax")
    s0 = s
    base0 = base == 0
    if 2 <= base <= 36:
        pass
    elif base == 0:
        base = 10
        if s[0] == "0":
            if len(s) >= 3 and _lower(s[1]) == "b":
                base, s = 2, s[2:]
            elif len(s) >= 3 and _lower(s[1]) == "o":
                base, s = 8, s[2:]
            elif len(s) >= 3 and _lower(s[1]) == "x":
                base, s = 16, s[2:]
            else:
                base, s = 8, s[1:]
    else:
        raise StrconvError(func, s0, "invalid base %d" % base)
    maxval = (1 << bits) - 1
    n = 0
    underscores = False
    overflow = False
    for c in s:
        if c == "_" and base0:
            underscores = True
            continue
        if "0" <= c <= "9":
            d = ord(c) - 48
        elif "a" <= _lower(c) <= "z":
            d = ord(_lower(c)) - 87
        else:
            raise StrconvError(func, s0, "invalid syntax")
        if d >= base:
            raise StrconvError(func, s0, "invalid syntax")
        if not overflow:
            n = n * base + d
            if n > maxval:
                overflow = True
    if underscores and not underscore_ok(s0):
        raise StrconvError(func, s0, "invalid syntax")
    if overflow:
        raise StrconvError(func, s0, "value out of range")
    return n


def parse_int(s, base=10, bits=64, func="ParseInt"):
    """strconv.ParseInt; raises StrconvError like Go."""
    if s == "":
        raise StrconvError(func, s, "invalid syntax")
    s0 = s
    neg = False
    if s[0] == "+":
        s = s[1:]
    elif s[0] == "-":
        neg = True
        s = s[1:]
    try:
        un = parse_uint(s, base, bits, func)
    except StrconvError as e:
        if e.reason != "value out of range":
            raise StrconvError(func, s0, e.reason)
        raise StrconvError(func, s0, e.reason)
    cutoff = 1 << (bits - 1)
    if not neg and un >= cutoff:
        raise StrconvError(func, s0, "value out of range")
    if neg and un > cutoff:
        raise StrconvError(func, s0, "value out of range")
    return -un if neg else un


def atoi(s):
    """strconv.Atoi as sprig uses it: errors are ignored, but an overflow still yields the clamped value."""
    try:
        return parse_int(s, 10, 64, "Atoi")
    except StrconvError as e:
        if e.reason == "value out of range":
            return INT64_MIN if s.startswith("-") else INT64_MAX
        return 0


_DEC_FLOAT = re.compile(r"[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9][0-9_]*)?\Z")
_HEX_FLOAT = re.compile(r"[+-]?0[xX](?:[0-9a-fA-F_]+\.?[0-9a-fA-F_]*|\.[0-9a-fA-F_]+)[pP][+-]?[0-9][0-9_]*\Z")


def parse_float(s, bits=64):
    """strconv.ParseFloat; raises StrconvError like Go (including the out-of-range case)."""
    t = s
    sign = 1.0
    body = s
    if body[:1] in "+-" and body:
        sign = -1.0 if body[0] == "-" else 1.0
        body = body[1:]
    low = body.lower()
    if low in ("inf", "infinity"):
        return sign * math.inf
    if low == "nan" and t[:1] not in "+-":
        return math.nan
    if _HEX_FLOAT.match(t):
        if "_" in t and not underscore_ok(t):
            raise StrconvError("ParseFloat", s, "invalid syntax")
        if not any(c in "0123456789abcdefABCDEF" for c in body[2:].split("p")[0].split("P")[0]):
            raise StrconvError("ParseFloat", s, "invalid syntax")
        v = float.fromhex(t.replace("_", ""))
    elif _DEC_FLOAT.match(t) and any("0" <= c <= "9" for c in t.split("e")[0].split("E")[0]):
        if "_" in t and not underscore_ok(t):
            raise StrconvError("ParseFloat", s, "invalid syntax")
        v = float(t.replace("_", ""))
    else:
        raise StrconvError("ParseFloat", s, "invalid syntax")
    if bits == 32 and math.isfinite(v):
        import struct
        try:
            v = struct.unpack("f", struct.pack("f", v))[0]
        except OverflowError:
            v = math.copysign(math.inf, v)
    if math.isinf(v):
        raise StrconvError("ParseFloat", s, "value out of range")
    return v


def trim_zero_decimal(s):
    """cast's trimZeroDecimal: "12.000" -> "12", anything else unchanged."""
    found_zero = False
    for i in range(len(s), 0, -1):
        c = s[i - 1]
        if c == ".":
            if found_zero:
                return s[:i - 1]
        elif c == "0":
            found_zero = True
        else:
            return s
    return s


# --- spf13/cast ------------------------------------------------------------------------------------------

def cast_int64(v):
    """cast.ToInt64 (errors become 0, as in sprig)."""
    t = type(v)
    if t is int:
        return v
    if t is bool:
        return 1 if v else 0
    if t is float:
        return float_to_int64(v)
    if t is str:
        try:
            return parse_int(trim_zero_decimal(v), 0, 64)
        except StrconvError:
            return 0
    if v is None or v is MISSING:
        return 0
    if isinstance(v, _GoInt):
        return wrap_int64(int(v))
    if isinstance(v, bool):
        return 1 if v else 0
    if isinstance(v, float):
        return float_to_int64(float(v))
    if isinstance(v, int):
        return wrap_int64(int(v))
    if isinstance(v, str):
        return cast_int64(str(v))
    return 0


cast_int = cast_int64


def cast_float64(v):
    """cast.ToFloat64 (errors become 0)."""
    t = type(v)
    if t is float:
        return v
    if t is int:
        return float(v)
    if t is bool:
        return 1.0 if v else 0.0
    if t is str:
        try:
            return parse_float(v, 64)
        except StrconvError:
            return 0.0
    if v is None or v is MISSING:
        return 0.0
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, float):
        return float(v)
    if isinstance(v, int):
        return float(int(v))
    if isinstance(v, str):
        return cast_float64(str(v))
    return 0.0


# --- sprig helpers ---------------------------------------------------------------------------------------

def strval(v):
    """sprig's strval: strings as is, []byte as text, Stringers via String(), the rest via %v."""
    if type(v) is str:
        return v
    if isinstance(v, (bytes, bytearray)):
        return from_bytes(bytes(v))
    if isinstance(v, str):
        return str(v)
    if isinstance(v, GoStruct):
        s = getattr(v, "go_string", None)
        if s is not None:
            return s()
    from ..gotemplate.fmt import format_value
    return format_value(v)


def empty(v):
    """sprig's empty: Go zero values, empty containers, nil; structs are never empty."""
    t = type(v)
    if t is str or t is dict or t is list:
        return len(v) == 0
    if t is bool:
        return not v
    if t is int or t is float:
        return v == 0
    if v is None or v is MISSING:
        return True
    if isinstance(v, GoStruct):
        return False
    if isinstance(v, GoNilPointer):
        return True
    if isinstance(v, (str, dict, list, tuple, bytes, bytearray)):
        return len(v) == 0
    if isinstance(v, (int, float, complex)):
        return v == 0
    if callable(v):
        return False
    return False


def is_list(v):
    """Kind slice or array."""
    return isinstance(v, (list, tuple, bytes, bytearray))


def list_items(v):
    """Elements of a Go slice as interface{} values (a []byte's elements are uint8)."""
    if isinstance(v, (bytes, bytearray)):
        from ..gotemplate.values import Uint8
        return [Uint8(b) for b in v]
    if isinstance(v, TypedList) and v.elem_type in ("uint8", "byte"):
        from ..gotemplate.values import Uint8
        return [x if isinstance(x, Uint8) else Uint8(x) for x in v]
    return list(v)


def kind_name(v):
    """reflect.Kind's String() for reflect.TypeOf(v).Kind(); sprig reports it in errors."""
    from ..gotemplate.values import go_kind
    k = go_kind(v)
    return "ptr" if k == "ptr" else k


def deep_equal(a, b):
    """reflect.DeepEqual on template values: same Go type and equal contents."""
    if a is MISSING:
        a = None
    if b is MISSING:
        b = None
    if a is None or b is None:
        return a is None and b is None
    if go_type_name(a) != go_type_name(b):
        return False
    if isinstance(a, dict):
        if len(a) != len(b):
            return False
        for k, v in a.items():
            if k not in b or not deep_equal(v, b[k]):
                return False
        return True
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(deep_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return a == b
    if isinstance(a, GoStruct):
        if a is b:
            return True
        if a.go_pointer:
            return a is b or (a.go_fields() == b.go_fields() and all(
                deep_equal(x, y) for (_, x), (_, y) in zip(a.go_fields(), b.go_fields())))
        return all(deep_equal(x, y) for (_, x), (_, y) in zip(a.go_fields(), b.go_fields()))
    if isinstance(a, TypedMap):
        return dict(a) == dict(b)
    if callable(a):
        return False
    return a == b
