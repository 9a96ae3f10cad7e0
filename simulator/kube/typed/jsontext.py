"""Go JSON text of plain values: encoding/json's float and string rules (go_json_dumps)."""

import math
import re

from . import TypedError

__all__ = ["go_json_dumps"]


def _number_text(v):
    if type(v) is int:
        return str(v)
    f = float(v)
    if not math.isfinite(f):
        raise TypedError("json: unsupported value: %s" % ("NaN" if f != f else ("+Inf" if f > 0 else "-Inf")))
    return _float_text(f, -6, 21, True)


def _float_text(f, low, high, json_style):
    """Shortest round-trip digits of f, in plain notation when the decimal exponent x of its first digit is
    in [low, high), else d.ddde±XX (json_style: encoding/json's e-7 instead of strconv's e-07)."""
    if f == 0:
        return "-0" if math.copysign(1, f) < 0 else "0"
    text = repr(f)
    sign = "-" if text[0] == "-" else ""
    mant, _, exp = text.lstrip("-").partition("e")
    intpart, _, frac = mant.partition(".")
    if frac == "0":
        frac = ""
    both = intpart + frac
    digits = both.lstrip("0")
    point = len(intpart) + (int(exp) if exp else 0) - (len(both) - len(digits))
    digits = digits.rstrip("0")
    x = point - 1
    if x < low or x >= high:
        m = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        if json_style and x < 0:
            return "%s%se-%d" % (sign, m, -x)
        return "%s%se%s%02d" % (sign, m, "-" if x < 0 else "+", abs(x))
    if point <= 0:
        return sign + "0." + "0" * (-point) + digits
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return sign + digits[:point] + "." + digits[point:]


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
            "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f<>&\u2028\u2029\ud800-\udfff]')


def _string_text(s):
    if not _NEEDS_ESCAPE.search(s):
        return '"' + s + '"'
    out = []
    for c in s:
        e = _ESCAPES.get(c)
        if e is not None:
            out.append(e)
        elif c < " ":
            out.append("\\u%04x" % ord(c))
        elif "\ud800" <= c <= "\udfff":
            out.append("\ufffd")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def go_json_dumps(value, *, sort_keys=True):
    """Compact JSON text as Go's encoding/json writes decoded JSON values (map keys sorted by default)."""
    t = type(value)
    if t is dict:
        keys = sorted(value) if sort_keys else value
        return "{" + ",".join(_string_text(str(k)) + ":" + go_json_dumps(value[k], sort_keys=sort_keys)
                              for k in keys) + "}"
    if t is list or t is tuple:
        return "[" + ",".join(go_json_dumps(x, sort_keys=sort_keys) for x in value) + "]"
    if t is str:
        return _string_text(value)
    if t is bool:
        return "true" if value else "false"
    if value is None:
        return "null"
    if t is int or t is float:
        return _number_text(value)
    raise TypedError("json: unsupported type: %s" % t.__name__)
