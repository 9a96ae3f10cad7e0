"""Sprig's numeric and conversion functions (sprig v3.3.0 semantics).

Integer math converts every operand with cast.ToInt64 (so "3", 3.9 and true are 3, 3 and 1, and
anything unconvertible is 0) and returns int64, wrapping on overflow and panicking on division by zero
like Go.  The float variants go through shopspring/decimal: operands become their shortest decimal
form, add/sub/mul are exact, division rounds half away from zero at 16 places.
"""

import math

from ..gotemplate.funcs import FuncPanic, gofunc
from ..gotemplate.values import Int64
from .conv import atoi as _atoi, cast_float64, cast_int, cast_int64, StrconvError, parse_int, wrap_int64


def _i64(x):
    return Int64(wrap_int64(x))


def _go_div(a, b):
    if b == 0:
        raise FuncPanic("runtime error: integer divide by zero")
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _go_mod(a, b):
    if b == 0:
        raise FuncPanic("runtime error: integer divide by zero")
    return a - _go_div(a, b) * b


@gofunc("string", returns="int")
def atoi(s):
    return _atoi(s)


@gofunc("any", returns="int")
def to_int(v):
    return cast_int(v)


@gofunc("any", returns="int64")
def to_int64(v):
    return Int64(cast_int64(v))


@gofunc("any", returns="float64")
def to_float64(v):
    return cast_float64(v)


@gofunc("any", returns="int64")
def to_decimal(v):
    from ..gotemplate.fmt import format_value
    s = "<nil>" if v is None else format_value(v)
    try:
        return Int64(parse_int(s, 8, 64))
    except StrconvError:
        return Int64(0)


@gofunc("any", returns="int64")
def add1(v):
    return _i64(cast_int64(v) + 1)


@gofunc(variadic="any", returns="int64")
def add(*vals):
    total = 0
    for v in vals:
        total = wrap_int64(total + cast_int64(v))
    return Int64(total)


@gofunc("any", "any", returns="int64")
def sub(a, b):
    return _i64(cast_int64(a) - cast_int64(b))


@gofunc("any", "any", returns="int64")
def div(a, b):
    return _i64(_go_div(cast_int64(a), cast_int64(b)))


@gofunc("any", "any", returns="int64")
def mod(a, b):
    return _i64(_go_mod(cast_int64(a), cast_int64(b)))


@gofunc("any", variadic="any", returns="int64")
def mul(a, *vals):
    r = cast_int64(a)
    for v in vals:
        r = wrap_int64(r * cast_int64(v))
    return Int64(r)


@gofunc("any", variadic="any", returns="int64")
def max_(a, *vals):
    r = cast_int64(a)
    for v in vals:
        b = cast_int64(v)
        if b > r:
            r = b
    return Int64(r)


@gofunc("any", variadic="any", returns="int64")
def min_(a, *vals):
    r = cast_int64(a)
    for v in vals:
        b = cast_int64(v)
        if b < r:
            r = b
    return Int64(r)


def go_max(x, y):
    """math.Max: +Inf wins, then NaN, and +0 beats -0."""
    if math.isinf(x) and x > 0 or math.isinf(y) and y > 0:
        return math.inf
    if math.isnan(x) or math.isnan(y):
        return math.nan
    if x == 0 and x == y:
        return y if math.copysign(1, x) < 0 else x
    return x if x > y else y


def go_min(x, y):
    if math.isinf(x) and x < 0 or math.isinf(y) and y < 0:
        return -math.inf
    if math.isnan(x) or math.isnan(y):
        return math.nan
    if x == 0 and x == y:
        return x if math.copysign(1, x) < 0 else y
    return x if x < y else y


@gofunc("any", variadic="any", returns="float64")
def maxf(a, *vals):
    r = cast_float64(a)
    for v in vals:
        r = go_max(r, cast_float64(v))
    return r


@gofunc("any", variadic="any", returns="float64")
def minf(a, *vals):
    r = cast_float64(a)
    for v in vals:
        r = go_min(r, cast_float64(v))
    return r


# --- shopspring/decimal based float math ---------------------------------------------------------------

def _dec(v):
    from decimal import Decimal

    f = cast_float64(v)
    if math.isnan(f) or math.isinf(f):
        from ..gotemplate.fmt import format_value
        raise FuncPanic("Cannot create a Decimal from %s" % format_value(f))
    if f == 0:
        return Decimal(0)
    return Decimal(repr(f))


def _dec_op(a, rest, op):
    from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal, localcontext

    with localcontext(Context(prec=4000, rounding=ROUND_DOWN)):
        acc = _dec(a)
        for x in rest:
            d = _dec(x)
            if op == "add":
                acc = acc + d
            elif op == "sub":
                acc = acc - d
            elif op == "mul":
                acc = acc * d
            else:
                if d == 0:
                    raise FuncPanic("decimal division by 0")
                acc = (acc / d).quantize(Decimal(1).scaleb(-16), rounding=ROUND_HALF_UP)
        f = float(acc)
    return 0.0 if f == 0 else f


@gofunc("any", returns="float64")
def add1f(v):
    return _dec_op(v, [1], "add")


@gofunc(variadic="any", returns="float64")
def addf(*vals):
    return _dec_op(0.0, vals, "add")


@gofunc("any", variadic="any", returns="float64")
def subf(a, *vals):
    return _dec_op(a, vals, "sub")


@gofunc("any", variadic="any", returns="float64")
def mulf(a, *vals):
    return _dec_op(a, vals, "mul")


@gofunc("any", variadic="any", returns="float64")
def divf(a, *vals):
    return _dec_op(a, vals, "div")


def go_ceil(x):
    """math.Ceil: keeps infinities, NaN and the sign of zero (Ceil(-0.5) is -0)."""
    if not math.isfinite(x):
        return x
    return math.copysign(float(math.ceil(x)), x) if math.ceil(x) == 0 else float(math.ceil(x))


def go_floor(x):
    if not math.isfinite(x):
        return x
    return math.copysign(0.0, x) if math.floor(x) == 0 and x == 0 else float(math.floor(x))


@gofunc("any", returns="float64")
def ceil(v):
    return go_ceil(cast_float64(v))


@gofunc("any", returns="float64")
def floor(v):
    return go_floor(cast_float64(v))


def go_pow10(n):
    """math.Pow(10, n) for integral n, computed the way Go's Pow does (repeated squaring)."""
    if n == 0:
        return 1.0
    yi = abs(n)
    a1, ae = 1.0, 0
    x1, xe = math.frexp(10.0)
    i = yi
    while i != 0:
        if xe < -(1 << 12) or (1 << 12) < xe:
            ae += xe
            break
        if i & 1 == 1:
            a1 *= x1
            ae += xe
        x1 *= x1
        xe <<= 1
        if x1 < 0.5:
            x1 += x1
            xe -= 1
        i >>= 1
    if n < 0:
        a1 = 1 / a1
        ae = -ae
    try:
        return math.ldexp(a1, ae)
    except OverflowError:
        return math.inf


@gofunc("any", "int", variadic="float64", returns="float64")
def round_(a, places, *opt):
    round_on = opt[0] if opt else 0.5
    val = cast_float64(a)
    pow_ = go_pow10(places)
    digit = pow_ * val
    frac = math.modf(digit)[0] if math.isfinite(digit) else math.nan
    r = go_ceil(digit) if frac >= round_on else go_floor(digit)
    if pow_ == 0:
        return math.nan if r == 0 or math.isnan(r) else math.copysign(math.inf, r)
    return r / pow_
