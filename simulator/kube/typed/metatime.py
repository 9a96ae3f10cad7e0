"""metav1.Time: RFC 3339 in, UTC seconds out."""

import re

from . import TypedError
from .jsontext import _string_text


_RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2})")
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_from_civil(y, m, d):
    """Days since 1970-01-01 in the proleptic Gregorian calendar (any year, as Go's time package allows)."""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def _civil_from_days(z):
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return yoe + era * 400 + (m <= 2), m, d


_ZERO_TIME = _days_from_civil(1, 1, 1) * 86400


def _time_from_json(v):
    """UTC text of a metav1.Time, or None for Go's zero time."""
    if v is None:
        return None
    m = _RFC3339.fullmatch(v)
    if m is None:
        raise TypedError('parsing time %s as "2006-01-02T15:04:05Z07:00": cannot parse it as RFC 3339'
                         % _string_text(v))
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = (29 if month == 2 and leap else _DAYS[month - 1]) if 1 <= month <= 12 else 0
    zone = m.group(8)
    off = 0
    if zone != "Z":
        oh, om = int(zone[1:3]), int(zone[4:6])
        if oh >= 24 or om >= 60:
            raise TypedError("parsing time %s: time zone offset out of range" % _string_text(v))
        off = (oh * 60 + om) * (1 if zone[0] == "+" else -1)
    if not (1 <= month <= 12 and 1 <= day <= days and hour < 24 and minute < 60 and second < 60):
        raise TypedError("parsing time %s: value out of range" % _string_text(v))
    seconds = _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - off * 60
    if seconds == _ZERO_TIME:
        return None
    day_count, rest = divmod(seconds, 86400)
    y, mo, d = _civil_from_days(day_count)
    year_text = "-%04d" % -y if y < 0 else "%04d" % y
    return "%s-%02d-%02dT%02d:%02d:%02dZ" % (year_text, mo, d, rest // 3600, rest // 60 % 60, rest % 60)
