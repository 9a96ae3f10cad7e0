"""encoding/json of template values (structToJSON, toYaml, toJsonMap): Go values to JSON-like Python.

Template values are plain Python for Go's map[string]interface{} data, typed wrappers (StringMap,
TypedList, Int32 ...), Go-struct views of Kubernetes objects (their canonical JSON is kept alongside), and
protobuf messages, which istio.io/api types marshal with jsonpb (their generated MarshalJSON).
"""

import json

from ..gotemplate.values import MISSING, GoNilPointer, GoStruct
from ..kube.typed.jsontext import go_json_dumps

__all__ = ["to_json_value", "marshal"]


def to_json_value(v):
    """The JSON value encoding/json would produce for Go value v (as Python: dict/list/str/num/bool/None)."""
    if v is None or v is MISSING or isinstance(v, GoNilPointer):
        return None
    t = type(v)
    if t is str or t is bool or t is int or t is float:
        return v
    if isinstance(v, GoStruct):
        jv = getattr(v, "json_value", None)
        if jv is not None:
            return jv()
        from .proto.encode import to_jsonpb
        from .proto.message import Duration, Enum, Message, Wrapper

        if isinstance(v, (Message, Duration, Wrapper)):
            return json.loads(to_jsonpb(v))
        if isinstance(v, Enum):
            return v.number
        return {name: to_json_value(x) for name, x in v.go_fields()}
    if isinstance(v, bool):
        return bool(v)
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    if isinstance(v, str):
        return str(v)
    if isinstance(v, dict):
        return {str(k): to_json_value(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        if getattr(v, "elem_type", None) in ("uint8", "byte"):
            import base64

            return base64.b64encode(bytes(int(x) & 0xFF for x in v)).decode()
        return [to_json_value(x) for x in v]
    if isinstance(v, (bytes, bytearray)):
        import base64

        return base64.b64encode(bytes(v)).decode()
    return str(v)


def marshal(v):
    """json.Marshal(v) as text: struct fields keep their order, map keys are sorted."""
    return _dumps(v)


def _dumps(v):
    if isinstance(v, GoStruct) and hasattr(v, "json_value"):
        # Struct JSON keeps Go declaration order; nested maps inside it are already sorted.
        return go_json_dumps(v.json_value(), sort_keys=False)
    if isinstance(v, dict) and not isinstance(v, GoStruct):
        return "{" + ",".join(go_json_dumps(str(k)) + ":" + _dumps(v[k]) for k in sorted(v, key=_key)) + "}"
    if isinstance(v, (list, tuple)) and getattr(v, "elem_type", None) not in ("uint8", "byte"):
        return "[" + ",".join(_dumps(x) for x in v) + "]"
    jv = to_json_value(v)
    return go_json_dumps(jv, sort_keys=not isinstance(v, GoStruct))


def _key(k):
    return str(k).encode("utf-8", "surrogatepass")
