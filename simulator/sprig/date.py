"""Sprig's duration (date.go), with Go's time.Duration.String.

sprig's other date functions read the clock and are not reproduced (see simulator/sprig/__init__.py).
"""

from ..golang.duration import duration_string as go_duration_string
from ..gotemplate.funcs import gofunc
from .conv import wrap_int64


def duration_string(d):
    """time.Duration.String for a nanosecond count (int64 arithmetic: it wraps)."""
    return go_duration_string(wrap_int64(d))


@gofunc("any", returns="string")
def duration(sec):
    from ..gotemplate.values import Int64
    from .conv import parse_int, StrconvError
    n = 0
    if type(sec) is str:
        try:
            n = parse_int(sec, 10, 64)
        except StrconvError:
            n = 0
    elif isinstance(sec, Int64):
        n = int(sec)
    return duration_string(n * 1000000000)
