"""Sprig's regular-expression functions (regex.go), over Go's regexp on RE2 (simulator/golang/regexp).

The regexp module (and RE2 under it) is imported by the functions that use it: it costs ~5 ms, and this module is only
loaded when a template calls one of its functions.
"""

from ..gotemplate.funcs import FuncError, FuncPanic, gofunc
from ..gotemplate.values import TypedList
from .strings import _strings
from .tojson import NilSlice


class NilStringList(TypedList, NilSlice):
    """A nil []string (e.g. regexFindAll without matches): prints [] and encodes to JSON null."""

    go_nil = True

    def __init__(self):
        TypedList.__init__(self, (), "string")


def _compile(expr):
    from ..golang import regexp as sprig_regex

    try:
        return sprig_regex.compile_go(expr), None
    except sprig_regex.RegexpError as e:
        return None, e
    except sprig_regex.RegexpUnsupported as e:
        raise FuncError("regexp feature not available in the simulator: " + str(e))


def _must(expr):
    rx, err = _compile(expr)
    if err is not None:
        from ..golang import regexp as sprig_regex

        raise FuncPanic(sprig_regex.must_compile_message(expr, err))
    return rx


def _found(lst):
    return NilStringList() if lst is None else _strings(lst)


@gofunc("string", "string", returns="bool")
def regex_match(expr, s):
    rx, err = _compile(expr)
    return False if err else rx.match_string(s)


@gofunc("string", "string", returns="bool")
def must_regex_match(expr, s):
    rx, err = _compile(expr)
    if err:
        raise FuncError(str(err))
    return rx.match_string(s)


@gofunc("string", "string", "int", returns="[]string")
def regex_find_all(expr, s, n):
    return _found(_must(expr).find_all_string(s, n))


@gofunc("string", "string", "int", returns="[]string")
def must_regex_find_all(expr, s, n):
    rx, err = _compile(expr)
    if err:
        raise FuncError(str(err))
    return _found(rx.find_all_string(s, n))


@gofunc("string", "string", returns="string")
def regex_find(expr, s):
    return _must(expr).find_string(s)


@gofunc("string", "string", returns="string")
def must_regex_find(expr, s):
    rx, err = _compile(expr)
    if err:
        raise FuncError(str(err))
    return rx.find_string(s)


@gofunc("string", "string", "string", returns="string")
def regex_replace_all(expr, s, repl):
    return _must(expr).replace_all(s, repl)


@gofunc("string", "string", "string", returns="string")
def must_regex_replace_all(expr, s, repl):
    rx, err = _compile(expr)
    if err:
        raise FuncError(str(err))
    return rx.replace_all(s, repl)


@gofunc("string", "string", "string", returns="string")
def regex_replace_all_literal(expr, s, repl):
    return _must(expr).replace_all(s, repl, literal=True)


@gofunc("string", "string", "string", returns="string")
def must_regex_replace_all_literal(expr, s, repl):
    rx, err = _compile(expr)
    if err:
        raise FuncError(str(err))
    return rx.replace_all(s, repl, literal=True)


@gofunc("string", "string", "int", returns="[]string")
def regex_split(expr, s, n):
    return _found(_must(expr).split(s, n))


@gofunc("string", "string", "int", returns="[]string")
def must_regex_split(expr, s, n):
    rx, err = _compile(expr)
    if err:
        raise FuncError(str(err))
    return _found(rx.split(s, n))


@gofunc("string", returns="string")
def regex_quote_meta(s):
    from ..golang import regexp as sprig_regex

    return sprig_regex.quote_meta(s)
