"""MergeError and the Go fmt verbs (%v, %s, %q of decoded JSON values) its messages are written with.

The messages are Go's texts word for word, so an explanation can quote what Istio would report.
"""

from ..typed.jsontext import _float_text


class MergeError(ValueError):
    """The merge failed; the message is the error text Go's strategicpatch package gives."""


def _go_fmt_v(v):
    t = type(v)
    if t is dict:
        return "map[" + " ".join("%s:%s" % (k, _go_fmt_v(v[k])) for k in sorted(v)) + "]"
    if t is list:
        return "[" + " ".join(_go_fmt_v(x) for x in v) + "]"
    if t is bool:
        return "true" if v else "false"
    if t is int or t is float:
        return _float_text(float(v), -4, 6, False)
    if v is None:
        return "<nil>"
    return str(v)


def _go_fmt_s(v, top=True):
    t = type(v)
    if t is dict:
        return "map[" + " ".join("%s:%s" % (k, _go_fmt_s(v[k], False)) for k in sorted(v)) + "]"
    if t is list:
        return "[" + " ".join(_go_fmt_s(x, False) for x in v) + "]"
    if t is bool:
        return "%!s(bool=" + ("true" if v else "false") + ")"
    if t is int or t is float:
        return "%!s(float64=" + _float_text(float(v), -4, 6, False) + ")"
    if v is None:
        return "%!s(<nil>)" if top else "<nil>"
    return str(v)
