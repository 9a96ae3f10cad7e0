"""jsonpb encoding (Marshaler{}): compact, JSON names, declaration order, zero values omitted, enums as names."""

import math

from ...kube.typed.jsontext import go_json_dumps
from ..proto_schemas import WRAPPERS
from .message import Duration, Wrapper


def to_jsonpb(msg):
    out = []
    _enc_message(msg, out)
    return "".join(out)


def _enc_message(msg, out):
    if isinstance(msg, Duration):
        out.append(go_json_dumps(_duration_json(msg)))
        return
    if isinstance(msg, Wrapper):
        _enc_scalar(WRAPPERS[msg.type], msg.value, out)
        return
    if isinstance(msg, dict):  # google.protobuf.Struct
        out.append(_struct_json(msg))
        return
    d = msg._d
    out.append("{")
    first = True
    done_oneofs = set()
    for f in d.fields:
        if f.oneof:
            if f.oneof in done_oneofs:
                continue
            done_oneofs.add(f.oneof)
            f = next((m for m in d.oneofs[f.oneof] if m.name in msg.v), None)
            if f is None:
                continue
        elif f.name not in msg.v:
            continue
        if not first:
            out.append(",")
        first = False
        out.append('"%s":' % f.json)
        _enc_field(f, msg.v[f.name], out)
    out.append("}")


def _enc_field(f, value, out):
    if f.card == "list":
        out.append("[")
        for i, x in enumerate(value):
            if i:
                out.append(",")
            _enc_single(f, x, out)
        out.append("]")
        return
    if f.card == "map":
        out.append("{")
        keys = sorted(value, key=(int if f.key_kind not in ("string", "bool") else (lambda k: k.encode("utf-8", "surrogatepass") if isinstance(k, str) else k)))
        for i, k in enumerate(keys):
            if i:
                out.append(",")
            out.append(go_json_dumps(str(k)) + ":")
            _enc_single(f, value[k], out)
        out.append("}")
        return
    _enc_single(f, value, out)


def _enc_single(f, value, out):
    if f.kind == "message":
        _enc_message(value, out)
    elif f.kind == "enum":
        name = f.schema.enum_name(f.type, value)
        out.append('"%s"' % name if name is not None else str(value))
    else:
        _enc_scalar(f.kind, value, out)


def _enc_scalar(kind, value, out):
    if kind in ("int64", "uint64"):
        out.append('"%d"' % value)
    elif kind in ("double", "float"):
        if math.isnan(value):
            out.append('"NaN"')
        elif math.isinf(value):
            out.append('"Infinity"' if value > 0 else '"-Infinity"')
        else:
            out.append(go_json_dumps(float(value)) if kind == "double" else _float32_text(value))
    elif kind == "bytes":
        import base64

        out.append('"%s"' % base64.b64encode(value).decode())
    else:
        out.append(go_json_dumps(value))


def _float32_text(v):
    import struct

    f = struct.unpack("f", struct.pack("f", v))[0]
    # encoding/json formats float32 with 32-bit shortest precision.
    for prec in range(1, 18):
        text = "%.*g" % (prec, f)
        if struct.unpack("f", struct.pack("f", float(text)))[0] == f:
            return go_json_dumps(float(text))
    return go_json_dumps(f)


def _duration_json(d):
    s, ns = d.seconds, d.nanos
    sign = ""
    if s < 0 or ns < 0:
        sign, s, ns = "-", -s, -ns
    x = "%s%d.%09d" % (sign, s, ns)
    for suffix in ("000", "000", ".000"):
        if x.endswith(suffix):
            x = x[: -len(suffix)]
    return x + "s"


def _struct_json(v):
    """google.protobuf.Struct/Value as jsonpb writes them: JSON with sorted keys, numbers as float64."""
    if isinstance(v, dict):
        return "{" + ",".join(go_json_dumps(str(k)) + ":" + _struct_json(v[k]) for k in sorted(v)) + "}"
    if isinstance(v, list):
        return "[" + ",".join(_struct_json(x) for x in v) + "]"
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return go_json_dumps(v)
    return go_json_dumps(float(v))
