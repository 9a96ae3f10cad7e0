"""Random templates from a small grammar, rendered by Go and by the Python engine: they must agree.

The grammar mixes text, trim markers, if/else, with, range (lists, maps, integers, with variables),
pipelines and parenthesised commands over constants and fields of a random data document, calling Go
builtins and sprig functions with arguments of arbitrary types.  Most type mistakes are intended: the two
engines must then fail alike.  Agreement means the same output, or both failing at the same phase
(parse/exec) with the same error text.
"""

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from . import oracle_client

# Functions and how many arguments to give them: (min, max).  Kept to those whose cost is bounded for
# small arguments (no repeat/until/seq with large counts: integers stay small).
FUNCS = {
    "eq": (1, 3), "ne": (2, 2), "lt": (2, 2), "le": (2, 2), "gt": (2, 2), "ge": (2, 2),
    "and": (1, 3), "or": (1, 3), "not": (1, 1), "len": (1, 1), "index": (1, 3), "print": (0, 3),
    "println": (0, 2), "html": (1, 2), "js": (1, 1), "urlquery": (1, 1),
    "default": (1, 2), "empty": (1, 1), "coalesce": (0, 3), "ternary": (3, 3), "quote": (0, 2),
    "squote": (1, 2), "upper": (1, 1), "lower": (1, 1), "trim": (1, 1), "trunc": (2, 2), "title": (1, 1),
    "contains": (2, 2), "hasPrefix": (2, 2), "replace": (3, 3), "splitList": (2, 2), "join": (2, 2),
    "list": (0, 3), "dict": (0, 4), "toJson": (1, 1), "toString": (1, 1), "add": (0, 3), "sub": (2, 2),
    "mul": (1, 3), "max": (1, 3), "min": (1, 3), "int": (1, 1), "int64": (1, 1), "float64": (1, 1),
    "atoi": (1, 1), "typeOf": (1, 1), "kindOf": (1, 1), "first": (1, 1), "last": (1, 1), "rest": (1, 1),
    "has": (2, 2), "uniq": (1, 1), "hasKey": (2, 2), "get": (2, 2), "pick": (1, 3), "omit": (1, 3),
    "compact": (1, 1), "cat": (0, 3), "nindent": (2, 2), "indent": (2, 2), "b64enc": (1, 1),
    "sortAlpha": (1, 1), "keys": (1, 2), "append": (2, 2), "toStrings": (1, 1), "semverCompare": (2, 2),
    "regexMatch": (2, 2), "merge": (1, 2), "slice": (1, 3), "printf": (1, 3),
}
PIPE_FUNCS = ["upper", "quote", "default \"d\"", "toJson", "len", "typeOf", "not", "print", "trim",
              "printf \"<%v>\"", "toString", "empty", "first", "b64enc", "kindOf", "join \",\"",
              "sortAlpha", "squote", "int", "nindent 2", "indent 1", "html"]

SAFE_TEXT = st.text(alphabet="ab xyZ-_.,:<>&'\"\n\té☺", max_size=6)
STRING_LITERAL_TEXT = st.text(alphabet="ab xZ-_.,:<>&'é☺1*^>=", max_size=6)


def go_string_literal(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-5, max_value=20),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda f: round(f, 3)),
    SAFE_TEXT,
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(["k", "v", "x", "n"]), inner, max_size=3)),
    max_leaves=8,
)
data_docs = st.fixed_dictionaries({
    "a": scalars, "s": SAFE_TEXT, "n": st.integers(min_value=-3, max_value=6), "f": scalars,
    "l": st.lists(scalars, max_size=4), "m": st.dictionaries(st.sampled_from(["k", "v", "x"]), scalars, max_size=3),
    "d": values, "b": st.booleans(),
})

FIELDS = [".a", ".s", ".n", ".f", ".l", ".m", ".d", ".b", ".m.k", ".m.x", ".d.k", ".nope", ".nope.x", ".", "$",
          "$.l", "$.m.v"]


@st.composite
def operand(draw, depth, vars_):
    choices = ["int", "str", "bool", "field", "float"]
    if vars_:
        choices.append("var")
    if depth > 0:
        choices += ["cmd", "cmd"]
    kind = draw(st.sampled_from(choices))
    if kind == "int":
        return str(draw(st.integers(min_value=-3, max_value=12)))
    if kind == "float":
        return draw(st.sampled_from(["1.5", "0.0", "-2.25", "1e3", "3."]))
    if kind == "str":
        return go_string_literal(draw(STRING_LITERAL_TEXT))
    if kind == "bool":
        return draw(st.sampled_from(["true", "false", "nil"]))
    if kind == "var":
        return draw(st.sampled_from(sorted(vars_)))
    if kind == "field":
        return draw(st.sampled_from(FIELDS))
    return "(" + draw(command(depth - 1, vars_)) + ")"


@st.composite
def command(draw, depth, vars_):
    name = draw(st.sampled_from(sorted(FUNCS)))
    lo, hi = FUNCS[name]
    n = draw(st.integers(min_value=lo, max_value=hi))
    args = [draw(operand(depth, vars_)) for _ in range(n)]
    if name == "printf":
        args[0] = go_string_literal(draw(st.sampled_from(["%v", "%d|%s", "%q", "%5.2f", "%T %v", "x%%", "%x"])))
    return " ".join([name] + args)


@st.composite
def pipeline(draw, vars_):
    head = draw(st.one_of(operand(1, vars_), command(1, vars_)))
    stages = draw(st.lists(st.sampled_from(PIPE_FUNCS), max_size=2))
    return " | ".join([head] + stages)


def action(inner):
    left = "{{- " if inner[0] else "{{ "
    right = " -}}" if inner[1] else " }}"
    return left + inner[2] + right


@st.composite
def body(draw, depth, vars_):
    parts = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        kinds = ["text", "action", "action"]
        if depth > 0:
            kinds += ["if", "range", "with", "assign"]
        kind = draw(st.sampled_from(kinds))
        trims = (draw(st.booleans()), draw(st.booleans()))
        if kind == "text":
            parts.append(draw(SAFE_TEXT.map(lambda s: s.replace("{", ""))))
        elif kind == "action":
            parts.append(action(trims + (draw(pipeline(vars_)),)))
        elif kind == "assign":
            var = draw(st.sampled_from(["$x", "$y"]))
            parts.append(action(trims + ("%s := %s" % (var, draw(pipeline(vars_))),)))
            vars_ = vars_ | {var}
        elif kind == "if":
            cond = draw(pipeline(vars_))
            then = draw(body(depth - 1, vars_))
            els = draw(st.one_of(st.just(""), body(depth - 1, vars_).map(lambda b: "{{ else }}" + b)))
            parts.append("{{ if %s }}%s%s{{ end }}" % (cond, then, els))
        elif kind == "with":
            cond = draw(pipeline(vars_))
            parts.append("{{ with %s }}%s{{ end }}" % (cond, draw(body(depth - 1, vars_))))
        else:
            target = draw(st.sampled_from([".l", ".m", ".d", ".n", "3", "(list 1 2)", "(dict \"b\" 1 \"a\" 2)", ".s"]))
            decl = draw(st.sampled_from(["", "$i, $e := ", "$e := "]))
            inner_vars = vars_ | ({"$i", "$e"} if "$i" in decl else ({"$e"} if decl else set()))
            inner = draw(body(depth - 1, inner_vars))
            brk = draw(st.sampled_from(["", "", "{{ if $.b }}{{ break }}{{ end }}", "{{ continue }}"]))
            els = draw(st.sampled_from(["", "{{ else }}none"]))
            parts.append("{{ range %s%s }}%s%s%s{{ end }}" % (decl, target, inner, brk, els))
    return "".join(parts)


templates = body(2, frozenset())


def run_python(text, data, missingkey):
    from simulator.gotemplate import Template, TemplateError
    try:
        return {"output": Template(text, missingkey=missingkey).execute(data)}
    except TemplateError as e:
        return {"error": str(e), "phase": e.kind}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.data_too_large])
@given(text=templates, data=data_docs, missingkey=st.sampled_from(["default", "default", "zero", "error"]))
def test_random_templates_agree_with_go(oracle, text, data, missingkey):
    go = oracle.run(text, data, missingkey=missingkey)
    py = run_python(text, data, missingkey)
    if "output" in go:
        assert py == {"output": go["output"]}, "template %r" % text
    else:
        assert "error" in py, "Go failed with %r; Python rendered %r (template %r)" % (
            go["error"], py.get("output"), text)
        assert (py["phase"], py["error"]) == (go["phase"], go["error"]), "template %r" % text


def test_grammar_produces_both_successes_and_failures(oracle):
    """Guards the property test's value: the grammar must exercise rendering, not only errors.  About a
    third of its templates render in Go; a fixed sample (derandomized) keeps this guard from failing on an
    unlucky draw, as 60 random examples against a 20% floor did about once in a hundred runs."""
    examples = []

    @settings(max_examples=200, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(text=templates, data=data_docs)
    def collect(text, data):
        examples.append((text, data))

    collect()
    results = oracle.run_many([oracle_client.request(t, d) for t, d in examples])
    ok = sum(1 for r in results if "output" in r)
    assert ok >= len(results) // 5, "only %d of %d random templates rendered in Go" % (ok, len(results))
    assert ok < len(results), "no random template failed in Go; error paths are not exercised"


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__])


# --- sprig functions on random arguments ------------------------------------------------------------------
# The arguments travel as data (.a0, .a1, ...), so any string can be passed without Go literal escaping.
# `keys` and `values` are left out: their order is Go's random map order.

_regex = st.text(alphabet="ab.*+?()[]{}|^$\\dwsAbzQE1,-:?P<>i", max_size=8)
_text = st.text(alphabet="ab AB\n\t-_./:é☺ß0129$", max_size=12)
_jsonish = st.text(alphabet='{}[]",:0123456789.eE+- truefalsn\\u\t', max_size=10)
_semver = st.text(alphabet="0123456789.xX*^~<>=!-+v ,|ab", max_size=12)
_numish = st.text(alphabet="0123456789.+-_xXoObBeEinfatyp ", max_size=8)
_b64ish = st.text(alphabet="ABCDabcd0129+/=\n", max_size=12)
_b32ish = st.text(alphabet="ABCDNPWY2345=\n1", max_size=12)
_path = st.text(alphabet="ab./", max_size=8)
_small = st.integers(min_value=-3, max_value=12)

SPRIG_CALLS = {
    "regexMatch": [_regex, _text], "mustRegexMatch": [_regex, _text], "regexFind": [_regex, _text],
    "regexFindAll": [_regex, _text, _small], "mustRegexFindAll": [_regex, _text, _small],
    "regexReplaceAll": [_regex, _text, _text], "regexReplaceAllLiteral": [_regex, _text, _text],
    "mustRegexReplaceAll": [_regex, _text, st.text(alphabet="$ab{}1_2", max_size=6)],
    "regexSplit": [_regex, _text, _small], "regexQuoteMeta": [_regex],
    "mustFromJson": [_jsonish], "fromJson": [_jsonish],
    "semverCompare": [_semver, _semver], "semver": [_semver],
    "b64dec": [_b64ish], "b32dec": [_b32ish], "b64enc": [_text], "b32enc": [_text],
    "int": [_numish], "int64": [_numish], "float64": [_numish], "atoi": [_numish], "toDecimal": [_numish],
    "trunc": [_small, _text], "substr": [_small, _small, _text], "abbrev": [_small, _text],
    "abbrevboth": [_small, _small, _text], "wrap": [_small, _text], "wrapWith": [_small, _text, _text],
    "nospace": [_text], "initials": [_text], "title": [_text], "untitle": [_text], "swapcase": [_text],
    "upper": [_text], "lower": [_text], "trim": [_text], "trimAll": [_text, _text], "quote": [_text],
    "squote": [_text], "splitList": [_text, _text], "splitn": [_text, _small, _text],
    "base": [_path], "dir": [_path], "clean": [_path], "ext": [_path], "expandenv": [_text],
    "toJson": [values], "toPrettyJson": [values], "toRawJson": [values], "nindent": [_small, _text],
    "replace": [_text, _text, _text], "cat": [values, values], "sortAlpha": [values], "compact": [values],
    "uniq": [values], "toStrings": [values], "default": [values, values], "empty": [values],
    "add": [values, values], "mul": [values, values], "div": [values, values], "max": [values, values],
    "addf": [values, values], "divf": [values, values], "round": [values, _small], "ceil": [values],
    "merge": [values, values], "mergeOverwrite": [values, values], "dict": [values, values],
    "typeOf": [values], "kindOf": [values], "deepEqual": [values, values],
    "has": [values, values], "without": [values, values], "first": [values], "rest": [values],
    "seq": [_small, _small], "until": [_small], "untilStep": [_small, _small, _small],
    "plural": [_text, _text, _small], "repeat": [st.integers(min_value=-1, max_value=3), _text],
    "indent": [_small, _text], "hasPrefix": [_text, _text], "contains": [_text, _text],
    "sha256sum": [_text], "adler32sum": [_text], "duration": [_numish],
}


@st.composite
def sprig_call(draw):
    name = draw(st.sampled_from(sorted(SPRIG_CALLS)))
    args = [draw(s) for s in SPRIG_CALLS[name]]
    data = {"a%d" % i: a for i, a in enumerate(args)}
    call = " ".join([name] + [".a%d" % i for i in range(len(args))])
    show = draw(st.sampled_from(["{{ %s }}", "{{ %s | printf \"%%#v\" }}", "{{ %s | toJson }}"]))
    return show % call, data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.data_too_large])
@given(case=sprig_call())
def test_sprig_functions_on_random_arguments_agree_with_go(oracle, case):
    text, data = case
    go = oracle.run(text, data)
    py = run_python(text, data, "default")
    # Documented gap (golang/regexp): patterns over RE2's program budget are refused, not run.
    assume("not available in the simulator" not in py.get("error", ""))
    if "output" in go:
        assert py == {"output": go["output"]}, "template %r data %r" % (text, data)
    else:
        assert "error" in py, "Go failed with %r; Python rendered %r (template %r data %r)" % (
            go["error"], py.get("output"), text, data)
        assert (py["phase"], py["error"]) == (go["phase"], go["error"]), "template %r data %r" % (text, data)
