"""The "typed round trip": what Go's json.Unmarshal into corev1.Pod followed by json.Marshal does to a pod.

Istio decodes the merged pod into corev1.Pod after every template merge and encodes it again for the next
step and for the final patch, so the injected pod carries Go's normalisation, which this module reproduces
from the generated type table (simulator/kube/pod_schema.py):

- unknown fields vanish; JSON field names match case-insensitively the way encoding/json matches them;
- null leaves the Go zero value (a nil pointer/slice/map, "" for a string, 0 for a number ...);
- omitempty fields that are empty vanish, other zero fields appear as Go writes them (`resources: {}`,
  `containers: null`, `status: {}`, a zero metav1.Time as null, `creationTimestamp` left out by omitzero);
- resource.Quantity is re-spelled exactly as Go does ("2000m" -> "2", "1024Mi" -> "1Gi", "0.5" -> "500m",
  and strings already in canonical form kept verbatim), metav1.Time becomes UTC RFC 3339 in seconds,
  IntOrString stays an int or a string, FieldsV1 is kept as raw JSON;
- map keys come out sorted and struct fields in Go declaration order, so the dict serialises like Go;
- a wrong JSON type raises TypedError with encoding/json's message (first type error wins, a custom
  unmarshaler's error such as a bad quantity aborts at once, as in Go).

Numbers: an int is the JSON literal of its digits; a float is written the way encoding/json writes a float64
(integral floats below 1e21 without a fraction), because in Istio the values reaching this step were
encoded from map[string]interface{}.
"""

import functools
import math
import re
from collections import ChainMap

from . import pod_schema

__all__ = ["TypedError", "roundtrip_pod", "canonical_quantity", "go_json_dumps"]


class TypedError(ValueError):
    """The pod does not decode into corev1.Pod; the message is Go's."""


# ---------------------------------------------------------------------------------------------------------
# Go JSON text of plain values (encoding/json's float and string rules).

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


# ---------------------------------------------------------------------------------------------------------
# resource.Quantity (k8s.io/apimachinery/pkg/api/resource): parsing and canonical spelling.

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


# ---------------------------------------------------------------------------------------------------------
# metav1.Time: RFC 3339 in, UTC seconds out.

_RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2})")
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_from_civil(y, m, d):
    """Days since 1970-01-01 in the proleptic Gregorian calendar (any year, as Go's time package allows)."""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def _civil_from_days(z):
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return yoe + era * 400 + (m <= 2), m, d


_ZERO_TIME = _days_from_civil(1, 1, 1) * 86400


def _time_from_json(v):
    """UTC text of a metav1.Time, or None for Go's zero time."""
    if v is None:
        return None
    m = _RFC3339.fullmatch(v)
    if m is None:
        raise TypedError('parsing time %s as "2006-01-02T15:04:05Z07:00": cannot parse it as RFC 3339'
                         % _string_text(v))
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = (29 if month == 2 and leap else _DAYS[month - 1]) if 1 <= month <= 12 else 0
    zone = m.group(8)
    off = 0
    if zone != "Z":
        oh, om = int(zone[1:3]), int(zone[4:6])
        if oh >= 24 or om >= 60:
            raise TypedError("parsing time %s: time zone offset out of range" % _string_text(v))
        off = (oh * 60 + om) * (1 if zone[0] == "+" else -1)
    if not (1 <= month <= 12 and 1 <= day <= days and hour < 24 and minute < 60 and second < 60):
        raise TypedError("parsing time %s: value out of range" % _string_text(v))
    seconds = _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - off * 60
    if seconds == _ZERO_TIME:
        return None
    day_count, rest = divmod(seconds, 86400)
    y, mo, d = _civil_from_days(day_count)
    year_text = "-%04d" % -y if y < 0 else "%04d" % y
    return "%s-%02d-%02dT%02d:%02d:%02dZ" % (year_text, mo, d, rest // 3600, rest // 60 % 60, rest % 60)


# ---------------------------------------------------------------------------------------------------------
# Type-directed decode + encode.

_NIL = object()  # a nil pointer, slice or map: omitted by omitempty, written as null otherwise
_QUANTITY, _INTORSTRING, _TIME, _FIELDSV1 = ("api/resource.Quantity", "util/intstr.IntOrString", "meta/v1.Time",
                                             "meta/v1.FieldsV1")
_CUSTOM = {_QUANTITY, _INTORSTRING, _TIME, _FIELDSV1}
_INT_BITS = {"int8": 8, "int16": 16, "int32": 32, "int64": 64, "int": 64}
_JSON_KIND = {dict: "object", list: "array", str: "string", bool: "bool", int: "number", float: "number"}


def split_map(tid):
    """(key, element) of a "map[K]V" type id; K may hold brackets itself (map[string][]x)."""
    depth = 0
    for i, c in enumerate(tid):
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return tid[4:i], tid[i + 1:]
    raise ValueError("not a map type id: %r" % tid)


def kind_of(tid):
    """"ptr", "slice", "map", or the registered kind ("struct", "string", "int32", ...) of a type id."""
    if tid[0] == "*":
        return "ptr"
    if tid.startswith("[]"):
        return "slice"
    if tid.startswith("map["):
        return "map"
    entry = TYPES.get(tid)
    return entry[0] if entry is not None else tid


def elem_of(tid):
    """The element type of a pointer, slice, map or named collection type id."""
    if tid[0] == "*":
        return tid[1:]
    if tid.startswith("[]"):
        return tid[2:]
    if tid.startswith("map["):
        return split_map(tid)[1]
    return TYPES[tid][1]


_kind, _elem = kind_of, elem_of


def _go_type_name(tid):
    """reflect.Type.String() of a type id: package name instead of the package directory."""
    return re.sub(r"[A-Za-z0-9_.-]+/([A-Za-z0-9_]+\.)", r"\1", tid)


def _fold(name):
    """encoding/json's foldName: ASCII upper case, long s and Kelvin sign folded to S and K."""
    if name.isascii():
        return name.upper()
    return "".join(c.upper() if c.isascii() else {"\u017f": "S", "\u212a": "K"}.get(c, c) for c in name)


class _State:
    """Decoding context for Go's error messages: the struct being decoded and the field path."""
    __slots__ = ("saved", "struct", "stack")

    def __init__(self):
        self.saved = None
        self.struct = None
        self.stack = []

    def type_error(self, value, type_name, fatal=False):
        if self.struct is not None or self.stack:
            msg = "json: cannot unmarshal %s into Go struct field %s.%s of type %s" % (
                value, self.struct or "", ".".join(self.stack), type_name)
        else:
            msg = "json: cannot unmarshal %s into Go value of type %s" % (value, type_name)
        if fatal:
            raise TypedError(msg)
        if self.saved is None:
            self.saved = msg


def _json_kind(v):
    return _JSON_KIND.get(type(v), "value")


# Decoders: one function per Go type, built once from the schema.  A decoder takes the JSON value and the
# state and returns the value as Go's json.Marshal would write it (_NIL for a nil pointer/slice/map).

_decoders = {}

#: Go types the round trip knows: the Pod's, and whatever register_types added (workload kinds for
#: kube-inject).  A chain, so the generated Pod table itself is never changed.
TYPES = ChainMap(pod_schema.TYPES)


def register_types(table):
    """Make the types of `table` (same shape as pod_schema.TYPES) decodable; existing ids are kept."""
    if not any(m is table for m in TYPES.maps):
        TYPES.maps.append(table)


def roundtrip(obj, tid):
    """json.Marshal(json.Unmarshal(obj) into the Go type `tid`) as a new JSON value; TypedError with
    Go's message when Go's decoder would fail."""
    st = _State()
    if type(obj) is not dict:
        st.type_error(_json_kind(obj), _go_type_name(tid), fatal=True)
    out = _decoder(tid)(obj, st)
    if st.saved is not None:
        raise TypedError(st.saved)
    return None if out is _NIL else out


def _decoder(tid):
    d = _decoders.get(tid)
    if d is None:
        _decoders[tid] = None  # no recursive Go types are reachable from Pod; fail loudly if one appears
        d = _decoders[tid] = _build_decoder(tid)
    return d


def _build_decoder(tid):
    if tid[0] == "*":
        inner = _decoder(tid[1:])
        return lambda v, st: _NIL if v is None else inner(v, st)
    if tid == _QUANTITY:
        return lambda v, st: _quantity_from_json(v)
    if tid == _INTORSTRING:
        return _decode_int_or_string
    if tid == _TIME:
        return _decode_time
    if tid == _FIELDSV1:
        return lambda v, st: _copy_json(v)  # raw JSON kept as given; null leaves it empty (written as null)
    kind = _kind(tid)
    name = _go_type_name(tid)
    if kind == "struct":
        return _StructDecoder(tid).decode
    if kind == "slice":
        elem = _decoder(_elem(tid))

        def decode_slice(v, st):
            if type(v) is list:
                return [elem(x, st) for x in v]
            if v is not None:
                st.type_error(_json_kind(v), name)
            return _NIL
        return decode_slice
    if kind == "map":
        elem = _decoder(_elem(tid))

        def decode_map(v, st):
            if type(v) is dict:
                decoded = {k: elem(x, st) for k, x in v.items()}  # Go decodes in text order
                return {k: decoded[k] for k in sorted(decoded)}
            if v is not None:
                st.type_error(_json_kind(v), name)
            return _NIL
        return decode_map
    if kind == "string":
        def decode_string(v, st):
            if type(v) is str:
                return v
            if v is not None:
                st.type_error(_json_kind(v), name)
            return ""
        return decode_string
    if kind == "bool":
        def decode_bool(v, st):
            if type(v) is bool:
                return v
            if v is not None:
                st.type_error(_json_kind(v), name)
            return False
        return decode_bool
    bits = _INT_BITS.get(kind)
    if bits is not None:
        def decode_int(v, st):
            t = type(v)
            if t is int and -(1 << (bits - 1)) <= v < (1 << (bits - 1)):
                return v
            if t is int or t is float:
                text = _number_text(v)
                n = _go_parse_int(text, bits)
                if n is None:
                    st.type_error("number " + text, name)
                    return 0
                return n
            if v is not None:
                st.type_error(_json_kind(v), name)
            return 0
        return decode_int
    if kind in ("float64", "float32"):
        def decode_float(v, st):
            if type(v) in (int, float):
                return v
            if v is not None:
                st.type_error(_json_kind(v), name)
            return 0
        return decode_float
    raise TypedError("kind %s of %s is not supported by the typed round trip" % (kind, tid))


def _decode_int_or_string(v, st):
    # IntOrString.UnmarshalJSON: a JSON string is the string form, anything else goes into the int32, and
    # its errors abort decoding (they come from a nested json.Unmarshal).  null sets the int form to 0.
    t = type(v)
    if t is str:
        return v
    if v is None:
        return 0
    if t is int or t is float:
        text = _number_text(v)
        n = _go_parse_int(text, 32)
        if n is None:
            st.type_error("number " + text, "int32", fatal=True)
        return n
    st.type_error(_json_kind(v), "int32", fatal=True)


def _decode_time(v, st):
    if v is not None and type(v) is not str:
        st.type_error(_json_kind(v), "string", fatal=True)
    return _time_from_json(v)


def _copy_json(v):
    t = type(v)
    if t is dict:
        return {k: _copy_json(x) for k, x in v.items()}
    if t is list:
        return [_copy_json(x) for x in v]
    return v


# How a field's value is left out: by omitempty, by omitzero, or never.
_KEEP, _OMIT_NIL, _OMIT_LEN, _OMIT_SCALAR, _OMIT_NULL = range(5)


class _StructDecoder:
    """Decodes a JSON object into one Go struct type and writes it back in field order."""

    def __init__(self, tid):
        self.name = tid.rsplit(".", 1)[-1]
        self.type_name = _go_type_name(tid)
        specs = [spec.split(" ") for spec in TYPES[tid][4]]
        self.names = [w[0] for w in specs]
        self.types = [w[1] for w in specs]
        self.exact = {}
        self.folded = {}
        for i, n in enumerate(self.names):
            self.exact.setdefault(n, i)
            self.folded.setdefault(_fold(n), i)
        self.embedded = []
        self.omit = []
        for words in specs:
            opts = words[2:]
            embedded = ()
            for w in opts:
                if w.startswith("embedded="):
                    embedded = tuple(w[9:].split("."))
            self.embedded.append(embedded)
            self.omit.append(_omit_rule(words[1], "omitempty" in opts, "omitzero" in opts))
        # Field decoders are built on first use: building all of them builds the decoder of every type
        # reachable from Pod, which a one-pod run would pay for (~5 ms) and mostly never call.
        self.decoders = []
        for t in self.types:
            self.decoders.append(_LazyField(t, self.decoders, len(self.decoders)))
        # Plain string fields: a JSON string is already their encoding (most fields of a pod are these).
        self.strings = frozenset(i for i, t in enumerate(self.types) if t not in _CUSTOM and _kind(t) == "string")
        # Fields written even when the JSON lacks them, with the Go zero value's encoding.
        self.absent = {}
        for i, t in enumerate(self.types):
            z = _zero_encoding(t)
            if not _omitted(self.omit[i], z):
                self.absent[i] = None if z is _NIL else z
        self.absent_keys = frozenset(self.absent)
        self.zero_template = None

    def zero(self):
        if self.zero_template is None:
            self.zero_template = {self.names[i]: z for i, z in sorted(self.absent.items())}
        return _copy_json(self.zero_template)

    def decode(self, obj, st):
        if type(obj) is not dict:
            if obj is not None:
                st.type_error(_json_kind(obj), self.type_name)
            return self.zero()
        exact = self.exact
        values = {}
        occurrences = None
        for key, raw in obj.items():
            i = exact.get(key)
            if i is None:
                if type(key) is not str:
                    continue
                i = self.folded.get(_fold(key))
                if i is None:
                    continue
            if i in values:
                # Keys that differ only in case name one field: Go decodes each in turn into the same value.
                if occurrences is None:
                    occurrences = list(values.items())
                values[i] = _combine(values[i], raw, self.types[i])
            if occurrences is not None:
                occurrences.append((i, raw))
            values.setdefault(i, raw)
        if not values:
            return self.zero()
        stack = st.stack
        depth = len(stack)
        saved_struct = st.struct
        st.struct = self.name
        decoded = {}
        names, embedded, decoders, strings = self.names, self.embedded, self.decoders, self.strings
        for i, raw in occurrences or values.items():
            if type(raw) is str and i in strings:
                decoded[i] = raw
                continue
            if embedded[i]:
                stack.extend(embedded[i])
            stack.append(names[i])
            decoded[i] = decoders[i](raw, st)  # errors in text order, as Go reports them
            del stack[depth:]
        if occurrences is not None:
            for i in {i for i, _ in occurrences}:
                decoded[i] = decoders[i](values[i], _State())
        st.struct = saved_struct
        absent = self.absent
        omit = self.omit
        out = {}
        for i in sorted(self.absent_keys.union(decoded)) if absent else sorted(decoded):
            if i in decoded:
                enc = decoded[i]
                rule = omit[i]
                if rule != _KEEP and _omitted(rule, enc):
                    continue
                out[names[i]] = None if enc is _NIL else enc
            else:
                z = absent[i]
                out[names[i]] = _copy_json(z) if type(z) is dict else z
        return out


class _LazyField:
    """A field's decoder, built on its first call, which then takes this placeholder's place."""

    __slots__ = ("tid", "owner", "index")

    def __init__(self, tid, owner, index):
        self.tid = tid
        self.owner = owner
        self.index = index

    def __call__(self, raw, st):
        fn = self.owner[self.index] = _decoder(self.tid)
        return fn(raw, st)


def _omit_rule(tid, omitempty, omitzero):
    kind = _kind(tid)
    if omitzero:
        if tid == _TIME:
            return _OMIT_NULL
        if kind in ("ptr", "slice", "map"):
            return _OMIT_NIL
        if kind in ("string", "bool") or kind in _INT_BITS:
            return _OMIT_SCALAR
        raise TypedError("omitzero on %s is not supported by the typed round trip" % tid)
    if not omitempty or kind == "struct":
        return _KEEP
    if kind == "ptr":
        return _OMIT_NIL
    if kind in ("slice", "map"):
        return _OMIT_LEN
    return _OMIT_SCALAR


def _omitted(rule, enc):
    if rule == _KEEP:
        return False
    if rule == _OMIT_NIL:
        return enc is _NIL
    if rule == _OMIT_LEN:
        return enc is _NIL or not enc
    if rule == _OMIT_NULL:
        return enc is None
    return enc is _NIL or enc == "" or enc is False or (enc == 0 and type(enc) is not bool)


def _zero_encoding(tid):
    if tid[0] == "*":
        return _NIL
    if tid == _QUANTITY:
        return "0"
    if tid == _INTORSTRING:
        return 0
    if tid == _TIME or tid == _FIELDSV1:
        return None
    kind = _kind(tid)
    if kind in ("slice", "map"):
        return _NIL
    if kind == "struct":
        return _decoder(tid).__self__.zero()
    if kind == "string":
        return ""
    if kind == "bool":
        return False
    return 0


def _combine(prev, new, tid):
    """Two JSON keys naming the same field (case-insensitive match): the second decodes into the first."""
    kind = _kind(tid)
    if kind == "ptr":
        if new is None or prev is None:
            return new
        return _combine(prev, new, tid[1:])
    if tid in _CUSTOM:
        return prev if new is None and tid == _FIELDSV1 else new
    if new is None:
        return None if kind in ("slice", "map") else prev
    if kind in ("struct", "map") and type(prev) is dict and type(new) is dict:
        merged = dict(prev)
        merged.update(new)
        return merged
    if kind == "slice" and type(prev) is list and type(new) is list:
        elem = _elem(tid)
        return [_combine(prev[i], x, elem) if i < len(prev) else x for i, x in enumerate(new)]
    return new


def roundtrip_pod(obj):
    """The pod as Go's json.Marshal prints it after json.Unmarshal into corev1.Pod (a new dict)."""
    st = _State()
    decode = _decoder(pod_schema.ROOT)
    if obj is not None and type(obj) is not dict:
        st.type_error(_json_kind(obj), _go_type_name(pod_schema.ROOT), fatal=True)
    out = decode(obj if obj is not None else {}, st)
    if st.saved is not None:
        raise TypedError(st.saved)
    return out
