"""Go's time.Duration.String, for a count of nanoseconds (sprig's `duration`, Istio's `formatDuration`)."""


def duration_string(nanos):
    """72h3m0.5s, 1.5ms, 0s: the largest unit first, fractions without trailing zeros, µs for microseconds."""
    if nanos == 0:
        return "0s"
    neg = nanos < 0
    u = -nanos if neg else nanos
    if u < 1000000000:
        if u < 1000:
            text = "%dns" % u
        elif u < 1000000:
            text = _fraction(u, 3) + "\u00b5s"
        else:
            text = _fraction(u, 6) + "ms"
    else:
        secs, frac = divmod(u, 1000000000)
        text = str(secs % 60)
        if frac:
            text += "." + ("%09d" % frac).rstrip("0")
        text += "s"
        mins = secs // 60
        if mins:
            text = "%dm" % (mins % 60) + text
            if mins // 60:
                text = "%dh" % (mins // 60) + text
    return ("-" if neg else "") + text


def _fraction(v, prec):
    whole, frac = divmod(v, 10 ** prec)
    if frac:
        return "%d.%s" % (whole, ("%0*d" % (prec, frac)).rstrip("0"))
    return str(whole)
