"""Sprig's duration (date.go), with Go's time.Duration.String.

sprig's other date functions read the clock and are not reproduced (see simulator/sprig/__init__.py).
"""

from ..gotemplate.funcs import gofunc
from .conv import wrap_int64


def duration_string(d):
    """time.Duration.String for a nanosecond count."""
    d = wrap_int64(d)
    if d == 0:
        return "0s"
    neg = d < 0
    u = -d if neg else d
    if u < 1000000000:
        if u < 1000:
            s = "%dns" % u
        elif u < 1000000:
            s = _frac(u, 3) + "µs"
        else:
            s = _frac(u, 6) + "ms"
    else:
        secs, frac = divmod(u, 1000000000)
        text = str(secs % 60)
        if frac:
            text += "." + ("%09d" % frac).rstrip("0")
        text += "s"
        mins = secs // 60
        if mins:
            text = "%dm" % (mins % 60) + text
            hours = mins // 60
            if hours:
                text = "%dh" % hours + text
        s = text
    return ("-" if neg else "") + s


def _frac(v, prec):
    whole, frac = divmod(v, 10 ** prec)
    if frac:
        return "%d.%s" % (whole, ("%0*d" % (prec, frac)).rstrip("0"))
    return str(whole)


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
