"""Python twins of the oracle's test functions (testFuncs in oracle/main.go).

Cases name them in `funcs:` (added to the function map) or use them as data ({"$go": "func", ...}) for
`call`.  They check the engine's calling convention against Go's reflect-based one: argument
conversion, variadics, error results, panics, and user functions overriding sprig.
"""

from simulator.gotemplate.funcs import FuncError, FuncPanic, gofunc
from simulator.gotemplate import values as gv


@gofunc("string", returns="string")
def tfUpper(s):
    return s.upper() if s.isascii() else s.upper()


@gofunc("string", returns="string")
def tfErr(s):
    if s == "bad":
        raise FuncError("bad input")
    return s + "!"


@gofunc(returns="string")
def tfPanic():
    raise FuncPanic("kaboom")


@gofunc("string", variadic="int", returns="string")
def tfJoinInts(sep, *xs):
    return sep.join(str(int(x)) for x in xs)


@gofunc(returns="interface {}")
def tfNil():
    return None


@gofunc("int64", returns="int64")
def tfInt64(x):
    return gv.Int64(x * 2)


@gofunc("float64", returns="float64")
def tfFloat(x):
    return x / 2


@gofunc("[]string", returns="string")
def tfStrs(xs):
    return "+".join(xs)


@gofunc("map[string]string", returns="int")
def tfStrMap(m):
    return len(m or ())  # a nil map (None) has length 0, as in Go


@gofunc("any", returns="string")
def tfTypeOf(x):
    return gv.go_type_name(x)


@gofunc("bool", returns="bool")
def tfNot(b):
    return not b


@gofunc("int", "int", returns="int")
def tfPair(a, b):
    return a * 10 + b


@gofunc(variadic="any", returns="int")
def tfAnyVar(*xs):
    return len(xs)


@gofunc("string", returns="string", name="upper")
def upper_override(s):
    return "UP:" + s


@gofunc("string", "string", returns="string")
def tfTwoArgs(a, b):
    return a + "/" + b


FUNCS = {
    "tfUpper": tfUpper, "tfErr": tfErr, "tfPanic": tfPanic, "tfJoinInts": tfJoinInts, "tfNil": tfNil,
    "tfInt64": tfInt64, "tfFloat": tfFloat, "tfStrs": tfStrs, "tfStrMap": tfStrMap, "tfTypeOf": tfTypeOf,
    "tfNot": tfNot, "tfPair": tfPair, "tfAnyVar": tfAnyVar, "upper": upper_override, "tfTwoArgs": tfTwoArgs,
}
_NAMES = {id(f): n for n, f in FUNCS.items()}


def name_of(fn):
    return _NAMES.get(id(fn))


def funcmap(names):
    return {n: FUNCS[n] for n in names}
