"""Unit tests of the executor, the value model, fmt and the builtins.

The GO_OBSERVED table was produced by running each template through the real Go text/template (the
oracle in tests/gotemplate/oracle) once, at development time; the conformance suite re-checks such cases
against Go on every run, these pin the engine's own behaviour even where Go is not installed.
"""

import pytest

from simulator.gotemplate import Template, TemplateError, render
from simulator.gotemplate import fmt as gofmt
from simulator.gotemplate import values as gv
from simulator.gotemplate.funcs import BUILTINS, FuncError, FuncPanic, gofunc
from simulator.gotemplate.values import Float32, Int64, MISSING, StringMap, TypedList, TypedMap, Uint8


GO_OBSERVED = [
    ('{{.}}', None, 'default', ('output', '<no value>')),
    ('{{.a.b}}', {'a': 5}, 'default', ('error', 'template: t:1:4: executing "t" at <.a.b>: can\'t evaluate field b in type interface {}')),
    ('{{.a.b}}', {'a': None}, 'default', ('error', 'template: t:1:4: executing "t" at <.a.b>: nil pointer evaluating interface {}.b')),
    ('{{.a.b}}', {}, 'default', ('output', '<no value>')),
    ('{{range .}}{{.b}}{{end}}', [5], 'default', ('error', 'template: t:1:13: executing "t" at <.b>: can\'t evaluate field b in type interface {}')),
    ('{{with .a}}{{.b}}{{end}}', {'a': 5}, 'default', ('error', 'template: t:1:13: executing "t" at <.b>: can\'t evaluate field b in type int')),
    ('{{index .m "x"}}', {'m': {}}, 'default', ('output', '<no value>')),
    ('{{len .x}}', {'x': None}, 'default', ('error', 'template: t:1:2: executing "t" at <len .x>: error calling len: len of nil pointer')),
    ('{{.x | len}}', {'x': None}, 'default', ('error', 'template: t:1:7: executing "t" at <len>: error calling len: reflect: call of reflect.Value.Type on zero Value')),
    ('{{(index .x 0).Foo}}', {'x': [1]}, 'default', ('error', 'template: t:1:12: executing "t" at <0>: can\'t evaluate field Foo in type int')),
    ('{{range .x}}{{end}}', {'x': 'hello'}, 'default', ('error', 'template: t:1:8: executing "t" at <.x>: range can\'t iterate over hello')),
    ('{{.a}}|{{print .a}}|{{html .a}}', {'a': None}, 'default', ('output', '<no value>|<nil>|&lt;no value&gt;')),
    ('{{.a}}', {}, 'zero', ('output', '<no value>')),
    ('{{.a.b}}', {}, 'zero', ('error', 'template: t:1:4: executing "t" at <.a.b>: nil pointer evaluating interface {}.b')),
    ('{{.a}}', {}, 'error', ('error', 'template: t:1:2: executing "t" at <.a>: map has no entry for key "a"')),
    ('{{.a.b}}', {'a': None}, 'error', ('error', 'template: t:1:4: executing "t" at <.a.b>: nil pointer evaluating interface {}.b')),
    ('{{.a.b}}', {'a': StringMap({'x': 'y'})}, 'zero', ('output', '')),
    ('{{index .m "zz"}}|{{.m.zz}}', {'m': StringMap({'a': '1'})}, 'default', ('output', '|<no value>')),
    ('{{eq .a "x"}} {{eq .a .b}} {{eq .c 1}}', {'c': Uint8(1)}, 'default', ('output', 'false true true')),
    ('{{eq 1 "a"}}', None, 'default', ('error', 'template: t:1:2: executing "t" at <eq 1 "a">: error calling eq: incompatible types for comparison: int and string')),
    ('{{lt 1 1.5}}', None, 'default', ('error', 'template: t:1:2: executing "t" at <lt 1 1.5>: error calling lt: incompatible types for comparison: int and float64')),
    ('{{lt true false}}', None, 'default', ('error', 'template: t:1:2: executing "t" at <lt true false>: error calling lt: invalid type for comparison')),
    ('{{eq .l .l}}', {'l': [1]}, 'default', ('error', 'template: t:1:2: executing "t" at <eq .l .l>: error calling eq: non-comparable type [%!s(int=1)]: []interface {}')),
    ('{{eq}}', None, 'default', ('error', 'template: t:1:2: executing "t" at <eq>: wrong number of args for eq: want at least 1 got 0')),
    ('{{eq 1}}', None, 'default', ('error', 'template: t:1:2: executing "t" at <eq 1>: error calling eq: missing argument for comparison')),
    ('{{ne 1}}', None, 'default', ('error', 'template: t:1:2: executing "t" at <ne>: wrong number of args for ne: want 2 got 1')),
    ('{{eq 1 2 3 1}}', None, 'default', ('output', 'true')),
    ('{{and 1 0 2}} {{or 0 "" 3}} {{and 1 2}} {{or 0 ""}} {{not 0}}', None, 'default', ('output', '0 3 2  true')),
    ('{{or .a.b 1}}', {'a': None}, 'default', ('error', 'template: t:1:7: executing "t" at <.a.b>: nil pointer evaluating interface {}.b')),
    ('{{and 1 .a.b}}', {'a': None}, 'default', ('error', 'template: t:1:10: executing "t" at <.a.b>: nil pointer evaluating interface {}.b')),
    ('{{index . 5}}', [1], 'default', ('error', 'template: t:1:2: executing "t" at <index . 5>: error calling index: index out of range: 5')),
    ('{{index . -1}}', [1], 'default', ('error', 'template: t:1:2: executing "t" at <index . -1>: error calling index: index out of range: -1')),
    ('{{index nil 1}}', None, 'default', ('error', 'template: t:1:2: executing "t" at <index nil 1>: error calling index: index of untyped nil')),
    ('{{index .a "b" "c"}}', {'a': {}}, 'default', ('error', 'template: t:1:2: executing "t" at <index .a "b" "c">: error calling index: index of nil pointer')),
    ('{{index .a 1 0}}', {'a': [[1], [2, 3]]}, 'default', ('output', '2')),
    ('{{index "abc" 1}}', None, 'default', ('output', '98')),
    ('{{len .}}', 'héllo', 'default', ('output', '6')),
    ('{{len .}}', 1, 'default', ('error', 'template: t:1:2: executing "t" at <len .>: error calling len: len of type int')),
    ('{{js "<a=\'b\'>\\u0001"}} {{html "<a&b>\'\\""}} {{urlquery "a b&c=d/é"}}', None, 'default', ('output', "\\u003Ca\\u003D\\'b\\'\\u003E\\u0001 &lt;a&amp;b&gt;&#39;&#34; a+b%26c%3Dd%2F%C3%A9")),
    ('{{println 1 2}}{{print 1 2 "a" "b" 3}}', None, 'default', ('output', '1 2\n1 2ab3')),
    ('{{nil}}', None, 'default', ('error', 'template: t:1:2: executing "t" at <nil>: nil is not a command')),
    ('{{1 2}}', None, 'default', ('error', 'template: t:1:2: executing "t" at <1>: can\'t give argument to non-function 1')),
    ('{{.x 1}}', {'x': 1}, 'default', ('error', 'template: t:1:2: executing "t" at <.x>: x is not a method but has arguments')),
    ('a {{- /* c */ -}} b', None, 'default', ('output', 'ab')),
    ('{{- 3 -}}  \n x', None, 'default', ('output', '3x')),
    ('{{3 -}}\n\n{{- 4}}', None, 'default', ('output', '34')),
    ('line1\n{{if .x}}\n{{.y.z}}{{end}}', {'x': 1, 'y': 3}, 'default', ('error', 'template: t:3:4: executing "t" at <.y.z>: can\'t evaluate field z in type interface {}')),
    ('é{{.a.b}}', {'a': 1}, 'default', ('error', 'template: t:1:6: executing "t" at <.a.b>: can\'t evaluate field b in type interface {}')),
    ('{{define "x"}}\n\n  {{.a.b}}{{end}}{{template "x" .}}', {'a': 1}, 'default', ('error', 'template: t:3:6: executing "x" at <.a.b>: can\'t evaluate field b in type interface {}')),
    ('{{with $x := .a}}{{$x}}{{else}}no{{end}}', {'a': 0}, 'default', ('output', 'no')),
    ('{{with .a}}{{.}}{{else with .b}}b{{.}}{{else}}none{{end}}', {'b': 2}, 'default', ('output', 'b2')),
    ('{{if .a}}a{{else if .b}}b{{else}}c{{end}}', {'b': 1}, 'default', ('output', 'b')),
    ('{{range $i, $e := .}}{{$i}}:{{$e}} {{end}}', {'b': 2, 'a': 1}, 'default', ('output', 'a:1 b:2 ')),
    ('{{range 3}}{{.}}{{end}}', None, 'default', ('output', '012')),
    ('{{range $i, $e := 3}}{{$i}}{{end}}', None, 'default', ('error', 'template: t:1:18: executing "t" at <3>: can\'t use 3 to iterate over more than one variable')),
    ('{{range .}}{{.}}{{else}}E{{end}}', 0, 'default', ('output', 'E')),
    ('{{range .}}{{if eq . 2}}{{break}}{{end}}{{.}}{{end}}', [1, 2, 3], 'default', ('output', '1')),
    ('{{range .}}{{if eq . 2}}{{continue}}{{end}}{{.}}{{end}}', [1, 2, 3], 'default', ('output', '13')),
    ('{{range .}}x{{else}}empty{{end}}', [], 'default', ('output', 'empty')),
    ('{{ $x := 1 }}{{ range . }}{{ $x = . }}{{ end }}{{ $x }}', [5, 6], 'default', ('output', '6')),
    ('{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}', None, 'default', ('output', '21')),
    ('{{define "a"}}A{{.}}{{end}}{{template "a" 5}}{{block "b" .}}B{{end}}', None, 'default', ('output', 'A5B')),
    ('{{template "zz"}}', None, 'default', ('error', 'template: t:1:11: executing "t" at <{{template "zz"}}>: template "zz" not defined')),
    ('{{$x := 5}}{{template "a" $x := 6}}{{$x}}{{define "a"}}{{.}}{{end}}', None, 'default', ('output', '66')),
    ("{{1e3}} {{1.0}} {{0x10}} {{0o17}} {{0b101}} {{1_000}} {{'a'}} {{-5}} {{+5}} {{0x1p-2}} {{017}}", None, 'default', ('output', '1000 1 16 15 5 1000 97 -5 5 0.25 15')),
    ('{{"a\\x41\\u00e9\\101\\n"}}|{{`raw\\n`}}', None, 'default', ('output', 'aAéA\n|raw\\n')),
    ('{{printf "%T %T %T %T %T" 1 1.5 "s" true nil}}', None, 'default', ('output', 'int float64 string bool <nil>')),
    ('{{printf "%T" \'a\'}}', None, 'default', ('output', 'int')),
    ('{{.}}', 1e+20, 'default', ('output', '1e+20')),
    ('{{.}}', 1e+21, 'default', ('output', '1e+21')),
    ('{{.}}', 1000000.0, 'default', ('output', '1e+06')),
    ('{{.}}', 123456.0, 'default', ('output', '123456')),
    ('{{.}}', 0.0001, 'default', ('output', '0.0001')),
    ('{{.}}', 1e-05, 'default', ('output', '1e-05')),
    ('{{.}}', Float32(0.1), 'default', ('output', '0.1')),
    ('{{.}}', {'b': {'x': [1, {'y': None}]}, 'a': [], 'c': {}}, 'default', ('output', 'map[a:[] b:map[x:[1 map[y:<nil>]]] c:map[]]')),
    ('{{(1)}}{{(.a).b}}', {'a': {'b': 2}}, 'default', ('output', '12')),
    ('{{.a | printf "%s-%s" "x"}}', {'a': 'y'}, 'default', ('output', 'x-y')),
    ('{{printf "%d" 1 | printf "%s"}}', None, 'default', ('output', '1')),
    ('{{.a 1 2}}', {'a': {}}, 'default', ('error', 'template: t:1:2: executing "t" at <.a>: a is not a method but has arguments')),
    ('{{$x := 1}}{{$x 2}}', None, 'default', ('error', 'template: t:1:13: executing "t" at <$x>: can\'t give argument to non-function $x')),
    ('{{.x | (print 1)}}', {'x': 1}, 'default', ('error', 'template: t:1:2: executing "t" at <.x>: can\'t give argument to non-function print 1')),
]


def _run(template, data, missingkey):
    try:
        return ("output", render(template, data, name="t", missingkey=missingkey))
    except TemplateError as e:
        return ("error", str(e))


@pytest.mark.parametrize("template,data,missingkey,expected", GO_OBSERVED,
                         ids=["go%d" % i for i in range(len(GO_OBSERVED))])
def test_matches_observed_go(template, data, missingkey, expected):
    assert _run(template, data, missingkey) == expected


# --- error objects ---------------------------------------------------------------------------------------

def test_exec_error_carries_location():
    with pytest.raises(TemplateError) as ei:
        render("ab\ncd{{.a.b}}", {"a": 1}, name="x")
    e = ei.value
    assert e.kind == "exec"
    assert (e.name, e.line, e.column) == ("x", 2, 6)  # the column of the field node, after "{{"
    assert e.message == str(e)
    assert str(e).startswith('template: x:2:6: executing "x" at <.a.b>: ')


def test_exec_error_column_counts_bytes():
    with pytest.raises(TemplateError) as ei:
        render("é{{.a.b}}", {"a": 1})
    assert ei.value.column == 6  # 'é' is two bytes, then "{{"


def test_parse_error_has_no_column():
    with pytest.raises(TemplateError) as ei:
        render("a\n{{if}}", {})
    e = ei.value
    assert (e.kind, e.line, e.column) == ("parse", 2, None)
    assert str(e) == "template: template:2: missing value for if"


def test_error_inside_define_names_the_defined_template():
    with pytest.raises(TemplateError) as ei:
        render('{{define "inner"}}{{.a.b}}{{end}}{{template "inner" .}}', {"a": 1}, name="outer")
    assert 'template: outer:1:22: executing "inner" at <.a.b>' in str(ei.value)


# --- Template API ----------------------------------------------------------------------------------------

def test_template_parses_once_and_executes_many():
    t = Template("{{.n}}-{{len .l}}")
    assert [t.execute({"n": i, "l": [0] * i}) for i in range(3)] == ["0-0", "1-1", "2-2"]


def test_execute_template_runs_a_definition():
    t = Template('{{define "a"}}A{{.}}{{end}}main', name="m")
    assert t.execute(None) == "main"
    assert t.execute_template("a", 7) == "A7"
    with pytest.raises(TemplateError) as ei:
        t.execute_template("nope", None)
    assert str(ei.value) == 'template: no template "nope" associated with template "m"'


def test_state_does_not_leak_between_executions():
    t = Template("{{$x := .}}{{range .}}{{$x = .}}{{end}}{{$x}}")
    assert t.execute([1, 2]) == "2"
    assert t.execute([3]) == "3"


def test_user_funcs_override_and_extend():
    @gofunc("string", returns="string")
    def shout(s):
        return s.upper() + "!"

    assert render("{{shout .}}", "hi", funcs={"shout": shout}) == "HI!"
    assert render("{{len .}}", "abc", funcs={"len": lambda x: 42}) == "42"


def test_plain_callable_gets_none_for_missing():
    seen = []
    render("{{f .missing 1}}", {}, funcs={"f": lambda *a: seen.append(a) or ""})
    assert seen == [(None, 1)]


def test_func_error_and_panic_are_reported_like_go():
    @gofunc("string", returns="string")
    def bad(s):
        raise FuncError("nope: " + s)

    with pytest.raises(TemplateError) as ei:
        render("{{bad .}}", "x", funcs={"bad": bad}, name="t")
    assert str(ei.value) == 'template: t:1:2: executing "t" at <bad .>: error calling bad: nope: x'

    def boom():
        raise FuncPanic("kaboom")

    with pytest.raises(TemplateError) as ei:
        render("{{boom}}", None, funcs={"boom": boom}, name="t")
    assert str(ei.value).endswith("error calling boom: kaboom")


def test_a_python_exception_in_a_function_is_not_a_template_error():
    """Only FuncError/FuncPanic model Go's errors and panics; anything else is an engine bug and must
    reach the caller as itself, never as the template's fault."""
    def buggy():
        raise ValueError("kaboom")

    with pytest.raises(ValueError, match="kaboom"):
        render("{{buggy}}", None, funcs={"buggy": buggy}, name="t")
    with pytest.raises(ValueError, match="kaboom"):
        render("{{call .}}", buggy, name="t")


def test_typed_params_are_checked():
    @gofunc("string", returns="string")
    def s(x):
        return x

    with pytest.raises(TemplateError) as ei:
        render("{{s 1}}", None, funcs={"s": s}, name="t")
    assert str(ei.value) == 'template: t:1:4: executing "t" at <1>: expected string; found 1'
    with pytest.raises(TemplateError) as ei:
        render("{{s .n}}", {"n": 1}, funcs={"s": s}, name="t")
    assert str(ei.value).endswith("wrong type for value; expected string; got int")
    with pytest.raises(TemplateError) as ei:
        render("{{s .n}}", {}, funcs={"s": s}, name="t")
    assert str(ei.value).endswith("invalid value; expected string")


def test_undefined_function_is_a_parse_error():
    with pytest.raises(TemplateError) as ei:
        render("{{nosuch 1}}", None, name="t")
    assert ei.value.kind == "parse"
    assert str(ei.value) == 'template: t:1: function "nosuch" not defined'


def test_bad_missingkey_option():
    with pytest.raises(ValueError):
        Template("x", missingkey="bogus")


def test_recursive_template_is_an_error_not_a_crash():
    with pytest.raises(TemplateError) as ei:
        render('{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}', None)
    assert "exceeded maximum template depth" in str(ei.value)


# --- GoStruct resolver -----------------------------------------------------------------------------------

class Meta(gv.GoStruct):
    go_pointer = False

    def __init__(self, **fields):
        self.fields = fields

    def go_type_name(self):
        return "v1.ObjectMeta"

    def go_field(self, name):
        if name in self.fields:
            return self.fields[name]
        if name == "Annotations":
            return StringMap()
        if name == "Generation":
            return Int64(0)
        raise LookupError(name)

    def go_fields(self):
        return [("Name", self.fields.get("Name", "")), ("Generation", self.go_field("Generation"))]

    def go_method(self, name):
        if name == "GetName":
            return gofunc(returns="string")(lambda: self.fields.get("Name", ""))
        if name == "Prefixed":
            return gofunc("string", returns="string")(lambda p: p + self.fields.get("Name", ""))
        return None


def test_struct_fields_zero_values_and_unknown_fields():
    m = Meta(Name="pod")
    assert render("{{.Name}} [{{.Annotations}}] {{.Generation}} [{{index .Annotations \"x\"}}]", m) == \
        "pod [map[]] 0 []"
    with pytest.raises(TemplateError) as ei:
        render("{{.Nope}}", m, name="t")
    assert str(ei.value).endswith("can't evaluate field Nope in type v1.ObjectMeta")


def test_struct_methods_and_printing():
    m = Meta(Name="pod")
    assert render('{{.GetName}} {{.Prefixed "x-"}} {{"y-" | .Prefixed}}', m) == "pod x-pod y-pod"
    assert render("{{.}} {{printf \"%+v|%T\" . .}}", m) == "{pod 0} {Name:pod Generation:0}|v1.ObjectMeta"
    with pytest.raises(TemplateError) as ei:
        render("{{.Name 1}}", m, name="t")
    assert str(ei.value).endswith("Name has arguments but cannot be invoked as function")


def test_nil_pointer_field_access():
    with pytest.raises(TemplateError) as ei:
        render("{{.Name}}", gv.GoNilPointer("v1.PodSpec"), name="t")
    assert str(ei.value).endswith("nil pointer evaluating *v1.PodSpec.Name")
    with pytest.raises(TemplateError) as ei:
        render("{{.p.Name}}", {"p": gv.GoNilPointer("v1.PodSpec")}, name="t")
    # Read out of a map[string]interface {}, the value's static type is the interface.
    assert str(ei.value).endswith("nil pointer evaluating interface {}.Name")
    assert render("{{if .p}}set{{else}}nil{{end}}", {"p": gv.GoNilPointer("v1.PodSpec")}) == "nil"


# --- values ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,type_name,kind", [
    ("s", "string", "string"), (1, "int", "int"), (True, "bool", "bool"), (1.5, "float64", "float64"),
    (None, "<nil>", "invalid"), ({}, "map[string]interface {}", "map"), ([], "[]interface {}", "slice"),
    (Int64(1), "int64", "int64"), (Uint8(1), "uint8", "uint8"), (Float32(1), "float32", "float32"),
    (StringMap(), "map[string]string", "map"), (TypedList([], "string"), "[]string", "slice"),
    (TypedMap(elem_type="int"), "map[string]int", "map"), (gv.GoNilPointer("v1.Pod"), "*v1.Pod", "ptr"),
])
def test_type_names_and_kinds(value, type_name, kind):
    assert gv.go_type_name(value) == type_name
    assert gv.go_kind(value) == kind


@pytest.mark.parametrize("value,truth", [
    (0, False), (1, True), (0.0, False), ("", False), ("0", True), ([], False), ([0], True), ({}, False),
    (None, False), (MISSING, False), (False, False), (Meta(), True), (gv.GoNilPointer("x"), False),
])
def test_truth(value, truth):
    assert gv.is_true(value) is truth


def test_zero_values():
    assert gv.zero_value("string") == ""
    assert type(gv.zero_value("int64")) is Int64
    assert gv.zero_value("interface {}") is None
    assert isinstance(gv.zero_value("map[string]string"), StringMap)
    assert gv.go_type_name(gv.zero_value("[]string")) == "[]string"
    assert gv.go_type_name(gv.zero_value("map[string]int")) == "map[string]int"


def test_map_keys_sort_bytewise():
    assert gv.sort_keys(["b", "B", "a", "é", "z"]) == ["B", "a", "b", "z", "é"]
    assert gv.sort_keys([10, 2, -1]) == [-1, 2, 10]


# --- fmt (expected strings observed from Go's fmt) --------------------------------------------------------

@pytest.mark.parametrize("fmtstr,args,expected", [
    ("%5d|%-5d|%05d|%x|%X|%o|%b|%c|%q|%U|%#U", (42, 42, 42, 255, 255, 8, 5, 65, 65, 65, 65),
     "   42|42   |00042|ff|FF|10|101|A|'A'|U+0041|U+0041 'A'"),
    ("%v %.2f %e %g %G %8.3f %+d % d", (1.5, 3.14159, 1234.5678, 0.000001, 1e21, 2.5, 5, 5),
     "1.5 3.14 1.234568e+03 1e-06 1E+21    2.500 +5  5"),
    ("%05s|%-5s|%.2s|%5.1s|%q|%x|% x|%#x", ("ab", "ab", "abc", "xyz", 'a"b', "hi", "hi", "hi"),
     '000ab|ab   |ab|    x|"a\\"b"|6869|68 69|0x6869'),
    ("%d %s %v", ("x", 1, None), "%!d(string=x) %!s(int=1) <nil>"),
    ("%d", (), "%!d(MISSING)"),
    ("%d", (1, 2), "1%!(EXTRA int=2)"),
    ("%[2]d %[1]d", (1, 2), "2 1"),
    ("%[3]d", (1, 2), "%!d(BADINDEX)"),
    ("%*d|%-*d|%.*f", (5, 1, 5, 1, 2, 3.14159), "    1|1    |3.14"),
    ("%", (), "%!(NOVERB)"),
    ("%z", (1,), "%!z(int=1)"),
    ("%v %v %v %v %v", (100000.0, 1000000.0, 1234567.0, 0.0001, 0.00001), "100000 1e+06 1.234567e+06 0.0001 1e-05"),
    ("%v|%+v|%#v", ({"a": [1, "x", None]},) * 3,
     'map[a:[1 x <nil>]]|map[a:[1 x <nil>]]|map[string]interface {}{"a":[]interface {}{1, "x", interface {}(nil)}}'),
    ("%d", ([1, "a", None],), "[1 %!d(string=a) <nil>]"),
    ("%6.2v|%-6v|%06v", ([1, 2.5, "ab"],) * 3, "[    01    2.5     ab]|[1      2.5    ab    ]|[000001 0002.5 0000ab]"),
    ("%v %T %.2f", (Float32(0.1),) * 3, "0.1 float32 0.10"),
    ("%x %X %#x %o %O %#o %b %#b", (1234,) * 8, "4d2 4D2 0x4d2 2322 0o2322 02322 10011010010 0b10011010010"),
])
def test_sprintf(fmtstr, args, expected):
    assert gofmt.sprintf(fmtstr, *args) == expected


def test_sprint_spacing_rule():
    assert gofmt.sprint(1, 2, "a", "b", 3) == "1 2ab3"
    assert gofmt.sprint(None, None) == "<nil> <nil>"
    assert gofmt.sprintln(1, "a") == "1 a\n"


def test_go_quote():
    assert gofmt.go_quote('a"b\\\n\x01é\u200b') == '"a\\"b\\\\\\n\\x01é\\u200b"'
    assert gofmt.go_quote("é", ascii_only=True) == '"\\u00e9"'
    assert gofmt.go_quote("\udcff") == '"\\xff"'  # an invalid UTF-8 byte


@pytest.mark.parametrize("v,verb,prec,expected", [
    (1e21, "g", -1, "1e+21"), (123456.0, "g", -1, "123456"), (0.1, "e", 6, "1.000000e-01"), (2.5, "f", 0, "2"),
    (1.0, "x", -1, "0x1p+00"), (-2.5, "X", -1, "-0X1.4P+01"), (1.0, "b", -1, "4503599627370496p-52"),
])
def test_format_float(v, verb, prec, expected):
    assert gofmt.format_float(v, verb, prec) == expected


def test_format_value_of_missing():
    assert gofmt.format_value(MISSING) == "<no value>"
    assert gofmt.format_value({"b": 1, "a": [True, None]}) == "map[a:[true <nil>] b:1]"


# --- builtins called directly ----------------------------------------------------------------------------

def test_builtin_table_is_complete():
    assert set(BUILTINS) == {"and", "call", "html", "index", "slice", "js", "len", "not", "or", "print",
                             "printf", "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne"}


def test_builtins_direct():
    assert BUILTINS["index"]({"a": [1, 2]}, "a", 1) == 2
    assert BUILTINS["index"](StringMap(), "x") == ""
    assert BUILTINS["slice"]("héllo", 1, 3) == "é"
    assert BUILTINS["eq"](1, Uint8(1)) is True
    with pytest.raises(FuncError) as ei:
        BUILTINS["lt"](1, "a")
    assert ei.value.message == "incompatible types for comparison: int and string"
    assert BUILTINS["urlquery"]("a b/é") == "a+b%2F%C3%A9"
    assert BUILTINS["js"]("<'>") == "\\u003C\\'\\u003E"


# --- robustness ------------------------------------------------------------------------------------------

class Broken(gv.GoStruct):
    def go_field(self, name):
        raise ValueError("resolver bug")


def test_an_engine_bug_is_not_a_template_error():
    with pytest.raises(ValueError, match="resolver bug"):
        render("{{.X}}", Broken(), name="t")


def test_deep_parentheses_are_a_parse_error():
    with pytest.raises(TemplateError) as ei:
        render("{{" + "(" * 5000 + "1" + ")" * 5000 + "}}", None, name="t")
    assert str(ei.value) == "template: t:1: max expression depth exceeded"


def test_bytes_template_text_is_accepted():
    assert render(b"{{.}}\xff", "x") == "x\udcff"


class Version(gv.GoStruct):
    go_pointer = True

    def go_type_name(self):
        return "semver.Version"

    def go_fields(self):
        return [("major", 1)]

    def go_string(self):
        return "1.2.3"


def test_stringers_print_through_their_string_method():
    assert render("{{.}} {{print .}} {{printf \"%v|%s|%d\" . . .}}", Version()) == "1.2.3 1.2.3 1.2.3|1.2.3|&{1}"


# --- nil slices/maps, typed nil pointers, struct comparison (texts as Go printed them for main.Inner) ---

class Inner(gv.GoStruct):
    def __init__(self, pointer=False, **fields):
        self.go_pointer = pointer
        self.fields = fields

    def go_type_name(self):
        return "main.Inner"

    def go_field(self, name):
        zero = {"Name": "", "Port": 0, "Tags": gv.zero_value("[]string"), "Labels": gv.zero_value("map[string]string")}
        if name not in zero:
            raise LookupError(name)
        return self.fields.get(name, zero[name])

    def go_fields(self):
        return [(n, self.go_field(n)) for n in ("Name", "Port", "Tags", "Labels")]


def test_nil_slices_and_maps_equal_nil():
    i = Inner()
    assert render('{{eq .Tags nil}} {{eq .Labels nil}} {{printf "%#v %#v" .Tags .Labels}} {{.Tags}}', i) == \
        "true true []string(nil) map[string]string(nil) []"
    assert render("{{eq .Tags nil}}", Inner(Tags=TypedList(["a"], "string"))) == "false"


def test_nil_pointer_with_known_fields():
    p = gv.GoNilPointer("main.Inner", fields=["Name", "Port", "Tags", "Labels"])
    with pytest.raises(TemplateError) as ei:
        render("{{.p.Nope}}", {"p": p}, name="t")
    assert str(ei.value).endswith("can't evaluate field Nope in type interface {}")
    with pytest.raises(TemplateError) as ei:
        render("{{.Nope}}", p, name="t")
    assert str(ei.value).endswith("can't evaluate field Nope in type *main.Inner")


def test_struct_comparison():
    with pytest.raises(TemplateError) as ei:
        render("{{eq .a .a}}", {"a": Inner()}, name="t")
    assert str(ei.value).endswith("error calling eq: non-comparable type { %!s(int=0) [] map[]}: main.Inner")


def test_pointer_structs_are_dereferenced_for_printing():
    p = Inner(pointer=True, Name="x")
    assert render("{{.}}|{{print .}}|{{html .}}", p) == "{x 0 [] map[]}|&{x 0 [] map[]}|{x 0 [] map[]}"
    with pytest.raises(TemplateError) as ei:
        render("{{len .}}", p, name="t")
    assert str(ei.value).endswith("error calling len: len of type main.Inner")
