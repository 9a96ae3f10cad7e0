"""How Go's encoding/json names a JSON value in its errors (`json: cannot unmarshal <kind> into ...`).

The decoded value is a Python one: dict, list, str, bool, int or float, None for null.
"""


def json_kind(value):
    """UnmarshalTypeError.Value: bool, number, string, array, object (and null, which Go decodes into
    anything, so it appears in no error of Go's own)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "value"
