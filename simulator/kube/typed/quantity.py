"""resource.Quantity (k8s.io/apimachinery/pkg/api/resource): parsing and canonical spelling."""

import functools
import re

from . import TypedError
from .jsontext import _number_text, _string_text, go_json_dumps

__all__ = ["canonical_quantity"]


_QUANTITY_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
_ERR_FORMAT = "quantities must match the regular expression '%s'" % _QUANTITY_RE
_ERR_NUMERIC = "unable to parse numeric part of quantity"
_ERR_SUFFIX = "unable to parse quantity's suffix"
_DEC_SUFFIX = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BIN_SUFFIX = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DEC_SUFFIX_BY_EXP = {e: s for s, e in _DEC_SUFFIX.items()}
_BIN_SUFFIX_BY_EXP = {e: s for s, e in _BIN_SUFFIX.items()}
_INT64_MAX = (1 << 63) - 1
_SUFFIX_CHARS = set("eEinumkKMGTP")


def _split_quantity(s):
    """parseQuantityString: (positive, value, num, denom, suffix)."""
    positive, pos, end = True, 0, len(s)
    if end and s[0] in "+-":
        positive = s[0] == "+"
        pos = 1
    i = pos
    while True:
        if i >= end:
            return positive, "0", "0", "", ""
        if s[i] != "0":
            break
        pos += 1
        i += 1
    i = pos
    while True:
        if i >= end:
            return positive, s, s[pos:] or "0", "", ""
        if not "0" <= s[i] <= "9":
            break
        i += 1
    num, pos = s[pos:i] or "0", i
    denom = ""
    if pos < end and s[pos] == ".":
        pos += 1
        i = pos
        while True:
            if i >= end:
                return positive, s, num, s[pos:], ""
            if not "0" <= s[i] <= "9":
                break
            i += 1
        denom, pos = s[pos:i], i
    value = s[:pos]
    start = pos
    i = pos
    while True:
        if i >= end:
            return positive, value, num, denom, s[start:]
        if s[i] not in _SUFFIX_CHARS:
            pos = i
            break
        i += 1
    if s[pos] in "+-":
        pos += 1
    for i in range(pos, end):
        if not "0" <= s[i] <= "9":
            raise TypedError(_ERR_FORMAT)
    return positive, value, num, denom, s[start:]


_INT_TEXT = re.compile(r"[+-]?[0-9]+")


def _go_parse_int(text, bits=64):
    """strconv.ParseInt(text, 10, bits), None when it fails."""
    if not _INT_TEXT.fullmatch(text):
        return None
    n = int(text)
    if not -(1 << (bits - 1)) <= n < (1 << (bits - 1)):
        return None
    return n


def _interpret_suffix(suffix):
    if suffix in _DEC_SUFFIX:
        return 10, _DEC_SUFFIX[suffix], "DecimalSI"
    if suffix in _BIN_SUFFIX:
        return 2, _BIN_SUFFIX[suffix], "BinarySI"
    if len(suffix) > 1 and suffix[0] in "eE":
        n = _go_parse_int(suffix[1:])
        if n is None:
            raise TypedError(_ERR_SUFFIX)
        n &= 0xFFFFFFFF
        return 10, n - (1 << 32) if n >= 1 << 31 else n, "DecimalExponent"
    raise TypedError(_ERR_SUFFIX)


def _parse_quantity(s):
    """ParseQuantity -> (unscaled, exp10, format, cached_string): value = unscaled * 10**exp10."""
    if not s:
        raise TypedError(_ERR_FORMAT)
    if s == "0":
        return 0, 0, "DecimalSI", s
    positive, value, num, denom, suffix = _split_quantity(s)
    base, exponent, fmt = _interpret_suffix(suffix)
    mantissa = 1
    if fmt == "BinarySI":
        scale = 0
        if exponent >= 0 and not denom:
            mantissa = 1 << exponent
            precision = 15 - len(num) - int(exponent * 3 / 10) - 1
        else:
            precision = -1
    else:
        scale = exponent
        precision = 18 - (len(num) + len(denom))
    if precision >= 0:
        scale -= len(denom)
        if scale >= -9:
            shifted = num + denom
            n = _go_parse_int(shifted)
            if n is None:
                raise TypedError(_ERR_NUMERIC)
            result = n * mantissa
            if -(1 << 63) <= result <= _INT64_MAX:
                if not positive:
                    result = -result
                cached = ""
                if fmt == "BinarySI":
                    if exponent % 10 == 0 and n & 7:
                        cached = s
                elif scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0":
                    cached = s
                return result, scale, fmt, cached
    # inf.Dec path: exact decimal arithmetic.
    m = re.fullmatch(r"([+-]?)([0-9]*)(?:\.([0-9]*))?", value)
    if m is None or not (m.group(2) or m.group(3)):
        raise TypedError(_ERR_NUMERIC)
    frac = m.group(3) or ""
    unscaled = int((m.group(2) or "") + frac or "0")
    if m.group(1) == "-":
        unscaled = -unscaled
    exp = -len(frac)
    if base == 10:
        exp += exponent
    else:
        unscaled <<= exponent
    negative = unscaled < 0
    unscaled = abs(unscaled)
    if unscaled and exp < -9:
        if -9 - exp > len(str(unscaled)):
            unscaled = 1  # far below 1n: rounds up to 1n (Go computes 10**shift here and can take forever)
        else:
            q, r = divmod(unscaled, 10 ** (-9 - exp))
            unscaled = q + (1 if r else 0)
        exp = -9
    if fmt == "BinarySI":
        if _cmp(unscaled, exp, _INT64_MAX) > 0:
            unscaled, exp = _INT64_MAX, 0
        if unscaled and _cmp(unscaled, exp, 1) < 0:
            fmt = "DecimalSI"
    return (-unscaled if negative else unscaled), exp, fmt, ""


def _cmp(unscaled, exp, n):
    """Compare unscaled * 10**exp with the integer n."""
    if exp >= 0:
        a, b = unscaled * 10 ** exp, n
    else:
        a, b = unscaled, n * 10 ** (-exp)
    return (a > b) - (a < b)


def _canonical(unscaled, exp, fmt, cached):
    if cached:
        return cached
    if unscaled == 0:
        return "0"
    if fmt == "BinarySI":
        if _cmp(unscaled, exp, -1024) > 0 and _cmp(unscaled, exp, 1024) < 0:
            fmt = "DecimalSI"
        else:
            if exp >= 0:
                integer, exact = unscaled * 10 ** exp, True
            else:
                q, r = divmod(abs(unscaled), 10 ** (-exp))
                integer, exact = (q + (1 if r else 0)) * (1 if unscaled > 0 else -1), r == 0
            if exact:
                mag, times = abs(integer), 0
                while mag and mag % 1024 == 0:
                    mag //= 1024
                    times += 1
                return ("-" if integer < 0 else "") + str(mag) + _BIN_SUFFIX_BY_EXP.get(times * 10, "")
            fmt = "DecimalSI"
    mag = abs(unscaled)
    while mag % 10 == 0:
        mag //= 10
        exp += 1
    rem = exp % 3
    mag *= 10 ** rem
    exp -= rem
    number = ("-" if unscaled < 0 else "") + str(mag)
    if fmt == "DecimalSI":
        return number + _DEC_SUFFIX_BY_EXP.get(exp, "")
    return number + ("e%d" % exp if exp else "")


@functools.lru_cache(maxsize=4096)
def canonical_quantity(text):
    """The string Go writes for resource.MustParse(text) (TypedError with Go's message if it does not parse).
    Cached: every pod repeats the same few quantities, in each of its several round trips."""
    return _canonical(*_parse_quantity(text))


_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
            "\u2028\u2029\u202f\u205f\u3000"


def _quantity_from_json(v):
    t = type(v)
    if v is None:
        return "0"
    if t is str:
        raw = _string_text(v)[1:-1]
    elif t is int or t is float:
        raw = _number_text(v)
    else:
        raw = go_json_dumps(v)
    return canonical_quantity(raw.strip(_GO_SPACE))
