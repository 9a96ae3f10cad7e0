"""Scalars and keys as go-yaml v2 resolves them and sigs.k8s.io/yaml writes them to JSON.

The spellings and limits here are the behaviour of resolve.go (go.yaml.in/yaml/v2 v2.4.x) and yaml.go
(sigs.k8s.io/yaml v1.6.0), observed and checked against them in tests/yamlio; the code is ours.
"""
from __future__ import annotations

import re
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# base64, calendar (with datetime) and struct are imported where the rare scalars that need them are
# met: every run reads YAML, few have timestamps, !!binary or float32s, and the three cost ~4 ms.


class YAMLSyntaxError(ValueError):
    """The text is not YAML Kubernetes would accept; `line` and `column` are 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int = 0, column: int = 0):
        super().__init__(message, line, column)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        if self.line:
            return f"line {self.line}, column {self.column}: {self.message}"
        return self.message


_INT64_MIN, INT64_MAX, _UINT64_MAX = -(1 << 63), (1 << 63) - 1, (1 << 64) - 1
NO = object()
SPECIAL: dict = {"": None}
for _value, _words in ((True, "y Y yes Yes YES true True TRUE on On ON"),
                       (False, "n N no No NO false False FALSE off Off OFF"),
                       (None, "~ null Null NULL"),
                       (float("nan"), ".nan .NaN .NAN"),
                       (float("inf"), ".inf .Inf .INF +.inf +.Inf +.INF"),
                       (float("-inf"), "-.inf -.Inf -.INF")):
    for _w in _words.split():
        SPECIAL[_w] = _value
# First character -> how go-yaml goes on looking: 1 number, 2 only the table above, 3 dot-float.
_HINT = dict.fromkeys("+-0123456789", 1)
_HINT.update(dict.fromkeys("yYnNtTfFoO~", 2))
_HINT["."] = 3
_NUMBER_ENDS = frozenset("0123456789abcdefABCDEF._")
# strconv.ParseInt/ParseUint with base 0, after go-yaml removed every underscore.
_INT_RE = re.compile(r"([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|(0[0-7]*|[1-9][0-9]*))\Z")
_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
# strconv.ParseFloat on text starting with '.': underscores only between digits.
_DOT_FLOAT_RE = re.compile(r"\.[0-9](?:_?[0-9])*(?:[eE][-+]?[0-9](?:_?[0-9])*)?\Z")


def resolve_plain(s: str) -> Any:
    """An untagged plain scalar's value.  Timestamps are not looked for: go-yaml hands them to
    interface{} as the text, which is what falling through gives."""
    hint = _HINT.get(s[:1])
    if hint is None:
        return None if not s else s
    value = SPECIAL.get(s, NO)
    if value is not NO:
        return value
    if hint == 2 or s[-1] not in _NUMBER_ENDS:     # `100m`, `128Mi`: no number ends that way
        return s
    if hint == 3:
        if _DOT_FLOAT_RE.match(s):
            f = float(s.replace("_", ""))
            if f - f == 0:          # Go's ParseFloat fails on overflow: the text stays a string
                return f
        return s
    plain = s.replace("_", "") if "_" in s else s
    m = _INT_RE.match(plain)
    if m is not None and not (m.group(5) and len(m.group(5)) > 20):
        # (more than 20 decimal digits is past uint64 anyway: go-yaml goes on to ParseFloat, and Python's
        # int() would refuse over 4,300 digits)
        sign, hexa, octa, bina, rest = m.groups()
        if rest is not None:
            n = int(rest, 8) if rest[0] == "0" and len(rest) > 1 else int(rest)
        else:
            n = int(hexa, 16) if hexa is not None else int(octa, 8) if octa is not None else int(bina, 2)
        if sign == "-":
            n = -n
        if _INT64_MIN <= n <= INT64_MAX or (not sign and n <= _UINT64_MAX):
            return n
    if _FLOAT_RE.match(plain):
        f = float(plain)
        if f - f == 0:
            return f
    return s


_TAG = "tag:yaml.org,2002:"
_STR, _BINARY, MERGE_TAG = _TAG + "str", _TAG + "binary", _TAG + "merge"
_TYPED_TAGS = {_TAG + "int": int, _TAG + "float": float, _TAG + "bool": bool, _TAG + "null": type(None),
               _TAG + "timestamp": None}
_TS_RE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:([Tt ])([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})"
                    r"(?:[.,][0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2})?)?\Z")


def _is_timestamp(s: str) -> bool:
    """go-yaml's four time.Parse layouts: date, date T time zone, date t time zone, date space time."""
    m = _TS_RE.match(s)
    if m is None:
        return False
    year, month, day, sep, hh, mm, ss, zone = m.groups()
    if sep is not None and (sep == " ") == (zone is not None):
        return False
    import calendar

    if not 1 <= int(month) <= 12 or not 1 <= int(day) <= calendar.monthrange(int(year), int(month))[1]:
        return False
    if sep is not None and (int(hh) > 23 or int(mm) > 59 or int(ss) > 59):
        return False
    return not zone or zone == "Z" or (int(zone[1:3]) <= 24 and int(zone[4:6]) <= 60)


def _go_text(data: bytes) -> str:
    """Bytes as Go's encoding/json writes a string: each byte of invalid UTF-8 becomes U+FFFD."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    out, i, n = [], 0, len(data)
    while i < n:
        b = data[i]
        size = 1 if b < 0x80 else 2 if 0xC2 <= b <= 0xDF else 3 if 0xE0 <= b <= 0xEF else 4 if 0xF0 <= b <= 0xF4 else 0
        try:
            out.append(data[i:i + size].decode("utf-8") if size else "\ufffd")
            i += size or 1
        except UnicodeDecodeError:
            out.append("\ufffd")
            i += 1
    return "".join(out)


def _short(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


def resolve_tagged(tag: str, s: str, mark) -> Any:
    """A scalar with an explicit tag, as go-yaml's resolve() and decoder treat it for interface{}."""
    if tag == _STR:
        return s
    if tag == _BINARY:
        import base64
        import binascii

        try:
            return _go_text(base64.b64decode(s.replace("\n", "").replace("\r", ""), validate=True))
        except (binascii.Error, ValueError):
            raise error("!!binary value contains invalid base64 data", mark) from None
    want = _TYPED_TAGS.get(tag, NO)
    if want is NO:                      # "!", "!foo", "!!map" on a scalar, "!!merge": the text
        return s
    if want is None and _is_timestamp(s):
        return s
    value = resolve_plain(s)
    got = type(value)
    if got is want:
        return value
    if want is float and got is int and value <= INT64_MAX:
        return float(value)
    kind = {bool: "bool", int: "int", float: "float", type(None): "null"}.get(got, "str")
    raise error(f"cannot decode !!{kind} `{s}` as a {_short(tag)}", mark)


def go_float32(f: float) -> str:
    """strconv.FormatFloat(f, 'g', -1, 32) with go-yaml's names for infinities and NaN."""
    if f != f:
        return ".nan"
    import struct

    try:
        x = struct.unpack("<f", struct.pack("<f", f))[0]
    except OverflowError:                # float32(f) is an infinity in Go
        x = f * float("inf")
    if x in (float("inf"), float("-inf")):
        return ".inf" if x > 0 else "-.inf"
    sign = "-" if str(x)[0] == "-" else ""
    x = abs(x)
    for prec in range(1, 10):
        s = "%.*e" % (prec - 1, x)
        try:
            if struct.unpack("<f", struct.pack("<f", float(s)))[0] == x:
                break
        except OverflowError:            # rounded up past the largest float32
            continue
    mant, exp = s.split("e")
    digits = mant.replace(".", "").rstrip("0") or "0"
    exp = int(exp)
    if exp < -4 or exp >= 6:
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return "%s%se%s%02d" % (sign, body, "-" if exp < 0 else "+", abs(exp))
    if exp < 0:
        return sign + "0." + "0" * (-exp - 1) + digits
    if len(digits) <= exp + 1:
        return sign + digits + "0" * (exp + 1 - len(digits))
    return sign + digits[:exp + 1] + "." + digits[exp + 1:]


def key_text(key: Any, mark) -> str:
    """A decoded key as YAMLToJSON's convertToJSONableObject writes it."""
    kind = key.__class__
    if kind is str:
        return key
    if kind is bool:
        return "true" if key else "false"
    if kind is int:
        if key > INT64_MAX:
            raise error(f"unsupported map key of type: uint64, key: {key}", mark)
        return str(key)
    if kind is float:
        return go_float32(key)
    if key is None:
        raise error("unsupported map key of type: <nil>", mark)
    raise error(f"invalid map key: {key!r}", mark)


def error(message: str, mark, line_offset: int = 0) -> YAMLSyntaxError:
    if mark is None:
        return YAMLSyntaxError(message)
    return YAMLSyntaxError(message, mark.line + 1 + line_offset, mark.column + 1)


def non_finite(value: Any, mark) -> YAMLSyntaxError:
    return error("json: unsupported value: %s" % ("NaN" if value != value else "+Inf" if value > 0 else "-Inf"),
                  mark)
