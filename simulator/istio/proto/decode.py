"""jsonpb decoding: golang/protobuf's jsonpb.Unmarshaler with AllowUnknownFields, as Istio's ApplyJSON ends up.

A present field replaces the whole field; unknown fields are tolerated (unless strict); error texts follow
jsonpb's (ProtoError).
"""

import re

from ...golang.jsonkind import json_kind
from ...kube.typed.jsontext import go_json_dumps
from ..proto_schemas import BASE, DURATION, STRUCT, WRAPPERS
from .message import _GO_SCALAR, Duration, Message, Wrapper, _is_default


_INT_RANGE = {"int32": (-(1 << 31), (1 << 31) - 1), "int64": (-(1 << 63), (1 << 63) - 1),
              "uint32": (0, (1 << 32) - 1), "uint64": (0, (1 << 64) - 1)}


class ProtoError(ValueError):
    """A JSON/YAML document does not decode into the message; the text follows jsonpb's."""


def new_message(full, schema=None):
    return Message(full, schema=schema)


def apply_json(msg, obj, *, strict=False):
    """Decode JSON value `obj` (already parsed) into `msg` in place: each present non-null field replaces."""
    if obj is None:
        return msg
    if not isinstance(obj, dict):
        raise ProtoError("json: cannot unmarshal %s into Go value of type map[string]json.RawMessage"
                         % json_kind(obj))
    d = msg._d
    remaining = dict(obj)
    for f in d.fields:
        raw = _MISSING_RAW
        if f.name in remaining:
            raw = remaining.pop(f.name)
        if f.json in remaining:
            raw = remaining.pop(f.json)
        if raw is _MISSING_RAW or raw is None:
            continue
        value = _decode_value(f, raw)
        if f.oneof:
            for m in d.oneofs[f.oneof]:
                msg.v.pop(m.name, None)
            msg.v[f.name] = value
        elif _is_default(f, value):
            msg.v.pop(f.name, None)
        else:
            msg.v[f.name] = value
    if strict and remaining:
        raise ProtoError("unknown field %s in %s" % (go_json_dumps(next(iter(remaining))), d.full))
    return msg


_MISSING_RAW = object()


def _decode_value(f, raw):
    if f.card == "list":
        if not isinstance(raw, list):
            raise ProtoError("json: cannot unmarshal %s into Go value of type []json.RawMessage" % json_kind(raw))
        return [_decode_single(f, x) for x in raw]
    if f.card == "map":
        if not isinstance(raw, dict):
            raise ProtoError("json: cannot unmarshal %s into Go value of type map[string]json.RawMessage"
                             % json_kind(raw))
        return {str(k): _decode_single(f, x) for k, x in raw.items()}
    return _decode_single(f, raw)


def _decode_single(f, raw):
    kind = f.kind
    if kind == "message":
        return decode_message(f.type, raw, f.schema)
    if kind == "enum":
        if isinstance(raw, str):
            for n, v in f.schema.enums[f.type]:
                if n == raw:
                    return v
            raise ProtoError('unknown value "\\"%s\\"" for enum %s' % (raw, f.type))
        return _decode_int(raw, "int32", "protoreflect.EnumNumber", quoted_ok=False)
    return decode_scalar(kind, raw)


def decode_scalar(kind, raw):
    if kind == "string":
        if not isinstance(raw, str):
            raise ProtoError("json: cannot unmarshal %s into Go value of type string" % json_kind(raw))
        return raw
    if kind == "bool":
        if not isinstance(raw, bool):
            raise ProtoError("json: cannot unmarshal %s into Go value of type bool" % json_kind(raw))
        return raw
    if kind in _INT_RANGE:
        return _decode_int(raw, kind, kind)
    if kind in ("double", "float"):
        if isinstance(raw, str):
            if raw in ("NaN", "Infinity", "-Infinity"):
                return float(raw.replace("Infinity", "inf"))
            try:
                return float(raw)
            except ValueError:
                raise ProtoError("invalid character looking for beginning of value") from None
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise ProtoError("json: cannot unmarshal %s into Go value of type %s" % (json_kind(raw),
                                                                                      _GO_SCALAR[kind]))
        return float(raw)
    if kind == "bytes":
        import base64

        if not isinstance(raw, str):
            raise ProtoError("json: cannot unmarshal %s into Go value of type []uint8" % json_kind(raw))
        return base64.b64decode(raw)
    raise ProtoError("unsupported kind %s" % kind)


_NUMBER_TEXT = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")


def _decode_int(raw, kind, go_type, quoted_ok=True):
    """encoding/json decoding of a JSON number (or, after jsonpb's trimQuote, a quoted one) into an int."""
    if isinstance(raw, bool) or raw is None:
        raise ProtoError("json: cannot unmarshal %s into Go value of type %s" % (json_kind(raw), go_type))
    if isinstance(raw, str):
        text = raw if quoted_ok else None
        if text is None or not _NUMBER_TEXT.match(text):
            if text is None:
                raise ProtoError("json: cannot unmarshal string into Go value of type %s" % go_type)
            raise ProtoError("invalid character %r looking for beginning of value" % (text[:1] or " "))
    elif isinstance(raw, (int, float)):
        text = go_json_dumps(raw)
    else:
        raise ProtoError("json: cannot unmarshal %s into Go value of type %s" % (json_kind(raw), go_type))
    lo, hi = _INT_RANGE[kind]
    if not re.match(r"^-?[0-9]+$", text):
        raise ProtoError("json: cannot unmarshal number %s into Go value of type %s" % (text, go_type))
    n = int(text)
    if n < lo or n > hi:
        raise ProtoError("json: cannot unmarshal number %s into Go value of type %s" % (text, go_type))
    return n


def decode_message(full, raw, schema=None):
    if full == DURATION:
        if not isinstance(raw, str):
            raise ProtoError("json: cannot unmarshal %s into Go value of type string" % json_kind(raw))
        return parse_duration(raw)
    if full in WRAPPERS:
        return Wrapper(full, decode_scalar(WRAPPERS[full], raw))
    if full == STRUCT:
        if not isinstance(raw, dict):
            raise ProtoError("bad StructValue: json: cannot unmarshal %s into Go value of type "
                             "map[string]json.RawMessage" % json_kind(raw))
        return raw
    schema = schema or BASE
    if full not in schema.messages:
        raise ProtoError("unsupported message %s" % full)
    return apply_json(Message(full, schema=schema), raw)


_UNITS = {"ns": 1, "us": 1000, "\u00b5s": 1000, "\u03bcs": 1000, "ms": 1000000, "s": 1000000000,
          "m": 60 * 1000000000, "h": 3600 * 1000000000}
_DUR_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)")


def parse_duration(text):
    """time.ParseDuration, into a Duration (seconds, nanos)."""
    s = text
    neg = False
    if s[:1] in "+-" and s:
        neg = s[0] == "-"
        s = s[1:]
    if s == "0":
        return Duration(0, 0)
    if not s:
        raise ProtoError('bad Duration: time: invalid duration "%s"' % text)
    total = 0
    pos = 0
    while pos < len(s):
        m = _DUR_PART.match(s, pos)
        if not m or m.group(1) in ("", "."):
            if m is None and pos < len(s) and not s[pos].isdigit() and s[pos] != ".":
                raise ProtoError('bad Duration: time: invalid duration "%s"' % text)
            unit_missing = re.match(r"[0-9.]+$", s[pos:])
            if unit_missing:
                raise ProtoError('bad Duration: time: missing unit in duration "%s"' % text)
            raise ProtoError('bad Duration: time: invalid duration "%s"' % text)
        num = m.group(1)
        whole, _, frac = num.partition(".")
        unit = _UNITS[m.group(2)]
        v = int(whole or "0") * unit
        if frac:
            v += int(frac) * unit // (10 ** len(frac))
        total += v
        pos = m.end()
    if total > (1 << 63) - 1:
        raise ProtoError('bad Duration: time: invalid duration "%s"' % text)
    if neg:
        total = -total
    sec = int(total / 1000000000) if total >= 0 else -((-total) // 1000000000)
    return Duration(sec, total - sec * 1000000000)
