"""encoding/json as sprig's toJson / toPrettyJson / toRawJson / fromJson see it.

Python's json module differs from Go's in ways templates show: Go sorts map keys, escapes <, > and &
(unless told not to), U+2028/U+2029 and invalid UTF-8, formats floats like ES6 (1e+21, 1e-7), refuses
NaN/Inf, decodes every number to float64, and words its syntax errors its own way.  Those rules are
reproduced here; the validating scanner is a port of the behaviour of Go's scanner state machine, so
mustFromJson reports the same error text as Go.
"""

import json
import math

from ..gotemplate.values import (MISSING, Complex64, Float32, GoNilPointer, GoStruct, TypedList, _GoInt,
                                 go_type_name)
from .conv import to_bytes


class JSONError(Exception):
    """An error json.Marshal / json.Unmarshal would return; str() is Go's text."""


class NilSlice(list):
    """A nil []interface {}: prints like an empty list but encodes to JSON null (sprig returns these).

    `go_nil` is the engine's marker for nil slices and maps (fmt prints them as []T(nil) under %#v)."""

    go_nil = True


_HEX = "0123456789abcdef"


_encode_basestring = json.encoder.encode_basestring     # the C encoder: \" \\ \b \f \n \r \t, \u00xx
_SURROGATE = None


def _append_string(out, s, escape_html):
    """Go's quoting of a string.  Python's C encoder writes what Go writes (the same escapes, lowercase
    hex) except for what Go escapes besides - <, > and & (escape_html), U+2028 and U+2029 - replaced after,
    and surrogates (invalid UTF-8), which take the character loop below.  The C path also keeps a string
    grown in a loop (toJson of its own quotes, doubling) from costing a Python step and object per byte."""
    global _SURROGATE
    if _SURROGATE is None:
        import re

        _SURROGATE = re.compile("[\ud800-\udfff]")
    if _SURROGATE.search(s) is None:
        text = _encode_basestring(s)
        if escape_html and ("<" in text or ">" in text or "&" in text):
            text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        if "\u2028" in text or "\u2029" in text:
            text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        out.append(text)
        return
    out.append('"')
    start = 0
    n = len(s)
    i = 0
    while i < n:
        c = s[i]
        o = ord(c)
        if o < 0x80:
            if o >= 0x20 and c != '"' and c != "\\" and not (escape_html and c in "<>&"):
                i += 1
                continue
            out.append(s[start:i])
            if c == "\\" or c == '"':
                out.append("\\" + c)
            elif c == "\b":
                out.append("\\b")
            elif c == "\f":
                out.append("\\f")
            elif c == "\n":
                out.append("\\n")
            elif c == "\r":
                out.append("\\r")
            elif c == "\t":
                out.append("\\t")
            else:
                out.append("\\u00" + _HEX[o >> 4] + _HEX[o & 0xF])
            i += 1
            start = i
            continue
        if 0xD800 <= o <= 0xDFFF:
            # A surrogate-escaped invalid byte (or a lone surrogate): Go writes \ufffd.
            out.append(s[start:i])
            out.append("\\ufffd")
            i += 1
            start = i
            continue
        if o == 0x2028 or o == 0x2029:
            out.append(s[start:i])
            out.append("\\u202" + _HEX[o & 0xF])
            i += 1
            start = i
            continue
        i += 1
    out.append(s[start:])
    out.append('"')


def format_json_float(f, bits=64):
    """encoding/json's float format: like ES6 number-to-string."""
    from ..gotemplate.fmt import format_float
    if math.isinf(f) or math.isnan(f):
        raise JSONError("json: unsupported value: " + format_float(f, "g", -1, bits))
    a = abs(f)
    fmt = "f"
    if a != 0:
        if bits == 32:
            import struct
            a32 = struct.unpack("f", struct.pack("f", a))[0]
            if a32 < 1e-6 or a32 >= 1e21:
                fmt = "e"
        elif a < 1e-6 or a >= 1e21:
            fmt = "e"
    s = format_float(f, fmt, -1, bits)
    if fmt == "e":
        n = len(s)
        if n >= 4 and s[n - 4] == "e" and s[n - 3] == "-" and s[n - 2] == "0":
            s = s[:n - 2] + s[n - 1]
    return s


def _encode(v, out, escape_html):
    t = type(v)
    if t is str:
        _append_string(out, v, escape_html)
    elif t is bool:
        out.append("true" if v else "false")
    elif t is int:
        out.append(str(v))
    elif t is float:
        out.append(format_json_float(v))
    elif v is None or v is MISSING or isinstance(v, GoNilPointer) or getattr(v, "go_nil", False):
        out.append("null")
    elif t is dict or isinstance(v, dict):
        _encode_map(v, out, escape_html)
    elif isinstance(v, (bytes, bytearray)) or isinstance(v, TypedList) and v.elem_type in ("uint8", "byte"):
        import base64

        out.append('"' + base64.b64encode(bytes(int(x) & 0xFF for x in v)).decode() + '"')
    elif isinstance(v, (list, tuple)):
        out.append("[")
        for i, e in enumerate(v):
            if i:
                out.append(",")
            _encode(e, out, escape_html)
        out.append("]")
    elif isinstance(v, bool):
        out.append("true" if v else "false")
    elif isinstance(v, _GoInt) or isinstance(v, int):
        out.append(str(int(v)))
    elif isinstance(v, Float32):
        out.append(format_json_float(float(v), 32))
    elif isinstance(v, float):
        out.append(format_json_float(float(v)))
    elif isinstance(v, (complex, Complex64)):
        raise JSONError("json: unsupported type: " + go_type_name(v))
    elif isinstance(v, str):
        _append_string(out, str(v), escape_html)
    elif isinstance(v, GoStruct):
        custom = getattr(v, "go_json", None)
        if custom is not None:
            _encode(custom(), out, escape_html)
            return
        out.append("{")
        for i, (name, fv) in enumerate(v.go_fields()):
            if i:
                out.append(",")
            _append_string(out, name, escape_html)
            out.append(":")
            _encode(fv, out, escape_html)
        out.append("}")
    else:
        raise JSONError("json: unsupported type: " + go_type_name(v))


def _encode_map(m, out, escape_html):
    keys = sorted(((str(k), k) for k in m), key=lambda p: to_bytes(p[0]))
    out.append("{")
    for i, (ks, k) in enumerate(keys):
        if i:
            out.append(",")
        _append_string(out, ks, escape_html)
        out.append(":")
        _encode(m[k], out, escape_html)
    out.append("}")


def marshal(v, escape_html=True):
    """json.Marshal; raises JSONError with Go's message."""
    out = []
    _encode(v, out, escape_html)
    return "".join(out)


def marshal_indent(v, indent="  "):
    """json.MarshalIndent(v, "", indent)."""
    return indent_json(marshal(v), indent)


def indent_json(src, indent):
    """json.Indent over compact output: empty {} and [] stay compact."""
    out = []
    depth = 0
    need_indent = False
    in_string = False
    escaped = False
    for c in src:
        if in_string:
            out.append(c)
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
            continue
        if c in " \t\n\r":
            continue
        if need_indent and c not in "]}":
            need_indent = False
            depth += 1
            out.append("\n" + indent * depth)
        if c == '"':
            in_string = True
            out.append(c)
        elif c in "{[":
            need_indent = True
            out.append(c)
        elif c == ",":
            out.append(",\n" + indent * depth)
        elif c == ":":
            out.append(": ")
        elif c in "}]":
            if need_indent:
                need_indent = False
            else:
                depth -= 1
                out.append("\n" + indent * depth)
            out.append(c)
        else:
            out.append(c)
    return "".join(out)


# --- decoding --------------------------------------------------------------------------------------------

def _quote_char(c):
    if c == 0x27:
        return "'\\''"
    if c == 0x22:
        return "'\"'"
    from ..gotemplate.fmt import go_quote
    return "'" + go_quote(chr(c))[1:-1] + "'"


class _Scanner:
    """Go's JSON scanner, reduced to validation: same states, same error texts."""

    def __init__(self):
        self.stack = []
        self.step = self.begin_value
        self.end_top = False
        self.err = None

    def error(self, c, context):
        self.err = "invalid character " + _quote_char(c) + " " + context
        self.step = self.state_error
        return False

    def state_error(self, c):
        return False

    def push(self, kind):
        self.stack.append(kind)
        if len(self.stack) > 10000:
            self.err = "exceeded max depth"
            return False
        return True

    def pop(self):
        self.stack.pop()
        if not self.stack:
            self.step = self.end_top_state
            self.end_top = True
        else:
            self.step = self.end_value

    @staticmethod
    def space(c):
        return c in (0x20, 0x09, 0x0D, 0x0A)

    def begin_value_or_empty(self, c):
        if self.space(c):
            return True
        if c == 0x5D:
            return self.end_value(c)
        return self.begin_value(c)

    def begin_value(self, c):
        if self.space(c):
            return True
        if c == 0x7B:
            self.step = self.begin_string_or_empty
            return self.push("key")
        if c == 0x5B:
            self.step = self.begin_value_or_empty
            return self.push("array")
        if c == 0x22:
            self.step = self.in_string
            return True
        if c == 0x2D:
            self.step = self.neg
            return True
        if c == 0x30:
            self.step = self.zero
            return True
        if c == 0x74:
            self.step = self._lit("rue", "true")
            return True
        if c == 0x66:
            self.step = self._lit("alse", "false")
            return True
        if c == 0x6E:
            self.step = self._lit("ull", "null")
            return True
        if 0x31 <= c <= 0x39:
            self.step = self.one
            return True
        return self.error(c, "looking for beginning of value")

    def _lit(self, rest, word):
        def st(c):
            if c == ord(rest[0]):
                self.step = self._lit(rest[1:], word) if len(rest) > 1 else self.end_value
                return True
            return self.error(c, "in literal %s (expecting '%s')" % (word, rest[0]))
        return st

    def begin_string_or_empty(self, c):
        if self.space(c):
            return True
        if c == 0x7D:
            self.stack[-1] = "value"
            return self.end_value(c)
        return self.begin_string(c)

    def begin_string(self, c):
        if self.space(c):
            return True
        if c == 0x22:
            self.step = self.in_string
            return True
        return self.error(c, "looking for beginning of object key string")

    def end_value(self, c):
        if not self.stack:
            self.step = self.end_top_state
            self.end_top = True
            return self.end_top_state(c)
        if self.space(c):
            self.step = self.end_value
            return True
        ps = self.stack[-1]
        if ps == "key":
            if c == 0x3A:
                self.stack[-1] = "value"
                self.step = self.begin_value
                return True
            return self.error(c, "after object key")
        if ps == "value":
            if c == 0x2C:
                self.stack[-1] = "key"
                self.step = self.begin_string
                return True
            if c == 0x7D:
                self.pop()
                return True
            return self.error(c, "after object key:value pair")
        if c == 0x2C:
            self.step = self.begin_value
            return True
        if c == 0x5D:
            self.pop()
            return True
        return self.error(c, "after array element")

    def end_top_state(self, c):
        if not self.space(c):
            self.error(c, "after top-level value")
            return False
        return True

    def in_string(self, c):
        if c == 0x22:
            self.step = self.end_value
            return True
        if c == 0x5C:
            self.step = self.in_string_esc
            return True
        if c < 0x20:
            return self.error(c, "in string literal")
        return True

    def in_string_esc(self, c):
        if c in b'bfnrt\\/"':
            self.step = self.in_string
            return True
        if c == 0x75:
            self.step = self._hex(4)
            return True
        return self.error(c, "in string escape code")

    def _hex(self, n):
        def st(c):
            if 0x30 <= c <= 0x39 or 0x61 <= c <= 0x66 or 0x41 <= c <= 0x46:
                self.step = self._hex(n - 1) if n > 1 else self.in_string
                return True
            return self.error(c, "in \\u hexadecimal character escape")
        return st

    def neg(self, c):
        if c == 0x30:
            self.step = self.zero
            return True
        if 0x31 <= c <= 0x39:
            self.step = self.one
            return True
        return self.error(c, "in numeric literal")

    def one(self, c):
        if 0x30 <= c <= 0x39:
            return True
        return self.zero(c)

    def zero(self, c):
        if c == 0x2E:
            self.step = self.dot
            return True
        if c in (0x65, 0x45):
            self.step = self.exp
            return True
        return self.end_value(c)

    def dot(self, c):
        if 0x30 <= c <= 0x39:
            self.step = self.dot0
            return True
        return self.error(c, "after decimal point in numeric literal")

    def dot0(self, c):
        if 0x30 <= c <= 0x39:
            return True
        if c in (0x65, 0x45):
            self.step = self.exp
            return True
        return self.end_value(c)

    def exp(self, c):
        if c in (0x2B, 0x2D):
            self.step = self.exp_sign
            return True
        return self.exp_sign(c)

    def exp_sign(self, c):
        if 0x30 <= c <= 0x39:
            self.step = self.exp0
            return True
        return self.error(c, "in exponent of numeric literal")

    def exp0(self, c):
        if 0x30 <= c <= 0x39:
            return True
        return self.end_value(c)


def check_valid(data):
    """json.checkValid: None when valid, else Go's SyntaxError text."""
    s = _Scanner()
    for c in data:
        if not s.step(c):
            return s.err
    if s.err is not None:
        return s.err
    if s.end_top:
        return None
    s.step(0x20)
    if s.end_top:
        return None
    if s.err is None:
        s.err = "unexpected end of JSON input"
    return s.err


def _fix_strings(v):
    """Go replaces invalid UTF-8 and unpaired surrogate escapes with U+FFFD."""
    if isinstance(v, str):
        if any("\ud800" <= c <= "\udfff" for c in v):
            return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in v)
        return v
    if isinstance(v, list):
        return [_fix_strings(e) for e in v]
    if isinstance(v, dict):
        return {_fix_strings(k): _fix_strings(e) for k, e in v.items()}
    return v


def unmarshal(text):
    """json.Unmarshal into interface{}: returns (value, error text or None) like Go, where a number out
    of float64 range leaves nil in its place and reports an UnmarshalTypeError."""
    data = to_bytes(text)
    err = check_valid(data)
    if err is not None:
        return None, err
    errors = []

    def num(s):
        f = float(s)
        if math.isinf(f):
            if not errors:
                errors.append("json: cannot unmarshal number %s into Go value of type float64" % s)
            return None
        return f

    # The bytes are valid JSON, so Python's decoder agrees on structure; invalid UTF-8 inside strings is
    # carried as surrogates and fixed afterwards.
    v = json.loads(data.decode("utf-8", "surrogateescape"), parse_float=num, parse_int=num, strict=True)
    return _fix_strings(v), (errors[0] if errors else None)

