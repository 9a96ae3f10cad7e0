"""How Go's encoding/json names a JSON value in its errors (`json: cannot unmarshal <kind> into ...`).

The decoded value is a Python one (dict, list, str, bool, int/float); `null` never appears in these
errors, since Go decodes it into anything.
"""


def json_kind(value):
    """UnmarshalTypeError.Value for a value Go could not decode: bool, number, string, array, object."""
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
