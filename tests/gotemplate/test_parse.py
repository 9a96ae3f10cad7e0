"""Unit tests of the parser: tree shapes (through Go's Node.String() forms), parse errors, literals.

PARSED holds what Go's text/template/parse.Parse returned for each input (root String() per template
name, or the error text), recorded once from a small Go program at development time.  The parser was also
compared with Go on thousands of generated inputs while it was written.
"""

import pytest

from simulator.gotemplate.errors import ParseError
from simulator.gotemplate.lex import ItemType as T
from simulator.gotemplate.nodes import (
    ActionNode, ChainNode, CommandNode, FieldNode, IdentifierNode, NumberNode, PipeNode, TextNode, VariableNode,
)
from simulator.gotemplate.parse import new_number, parse, unquote

FUNCS = {"printf", "f", "len", "index", "eq", "and"}
OK, ERR = "ok", "err"

PARSED = [
    ('{{.X | .Y}}', OK, {'t': '{{.X | .Y}}'}),
    ('{{$x := .X | .Y}}', OK, {'t': '{{$x := .X | .Y}}'}),
    ('{{$x, $y := 1}}', ERR, 'template: t:1: too many declarations in command'),
    ('{{range $i, $e := .}}{{$i}}{{end}}', OK, {'t': '{{range $i, $e := .}}{{$i}}{{end}}'}),
    ('{{if .X}}a{{else if .Y}}b{{else}}c{{end}}', OK, {'t': '{{if .X}}a{{else}}{{if .Y}}b{{else}}c{{end}}{{end}}'}),
    ('{{with .X}}a{{else with .Y}}b{{end}}', OK, {'t': '{{with .X}}a{{else}}{{with .Y}}b{{end}}{{end}}'}),
    ('{{range .}}{{break}}{{continue}}{{end}}', OK, {'t': '{{range .}}{{break}}{{continue}}{{end}}'}),
    ('{{(.X).Y.Z}}', OK, {'t': '{{(.X).Y.Z}}'}),
    ('{{(f 1 2).Y}}', OK, {'t': '{{(f 1 2).Y}}'}),
    ('{{$.X.Y}}', OK, {'t': '{{$.X.Y}}'}),
    ('{{printf "%d" 1 | f}}', OK, {'t': '{{printf "%d" 1 | f}}'}),
    ("{{f `raw` 'c' 1.5 0x10 nil true}}", OK, {'t': "{{f `raw` 'c' 1.5 0x10 nil true}}"}),
    ('a{{/* comment */}}b', OK, {'t': 'ab'}),
    ('{{- 1 -}} x', OK, {'t': '{{1}}x'}),
    ('{{template "x"}}{{template "y" .}}', OK, {'t': '{{template "x"}}{{template "y" .}}'}),
    ('{{block "b" .X}}B{{end}}', OK, {'b': 'B', 't': '{{template "b" .X}}'}),
    ('{{define "d"}}D{{end}}main', OK, {'d': 'D', 't': 'main'}),
    ('{{f (f (f 1))}}', OK, {'t': '{{f (f (f 1))}}'}),
    ('{{ . }}', OK, {'t': '{{.}}'}),
    ('{{$ := 1}}{{$}}', OK, {'t': '{{$ := 1}}{{$}}'}),
    ('{{if .x}}', ERR, 'template: t:1: unexpected EOF'),
    ('{{end}}', ERR, 'template: t:1: unexpected {{end}}'),
    ('{{else}}', ERR, 'template: t:1: unexpected {{else}}'),
    ('{{range}}{{end}}', ERR, 'template: t:1: missing value for range'),
    ('{{.x | 1}}', ERR, 'template: t:1: non executable command in pipeline stage 2'),
    ('{{$x, $y := 1}}', ERR, 'template: t:1: too many declarations in command'),
    ('{{range $a, $b, $c := .}}{{end}}', ERR, 'template: t:1: too many declarations in range'),
    ('{{undefined 1}}', ERR, 'template: t:1: function "undefined" not defined'),
    ('{{$nope}}', ERR, 'template: t:1: undefined variable "$nope"'),
    ('{{break}}', ERR, 'template: t:1: {{break}} outside {{range}}'),
    ('{{if 1}}{{continue}}{{end}}', ERR, 'template: t:1: {{continue}} outside {{range}}'),
    ('{{define "a"}}x{{end}}{{define "a"}}y{{end}}', ERR, 'template: t:1: template: multiple definition of template "a"'),
    ('{{template .x}}', ERR, 'template: t:1: unexpected ".x" in template clause'),
    ('{{1.x}}', ERR, 'template: t:1: bad number syntax: "1.x"'),
    ('{{nil.x}}', ERR, 'template: t:1: unexpected . after term "nil"'),
    ('{{(1}}', ERR, 'template: t:1: unclosed left paren'),
    ('{{.x\n.y', ERR, 'template: t:2: unclosed action started at t:1'),
    ('{{"\\q"}}', ERR, 'template: t:1: invalid syntax'),
    ('{{99999999999999999999}}', ERR, 'template: t:1: integer overflow: "99999999999999999999"'),
    ('{{f |}}', OK, {'t': '{{f}}'}),
    ('{{| f}}', ERR, 'template: t:1: unexpected "|" in command'),
    ('{{else if}}', ERR, 'template: t:1: unexpected {{else}}'),
    ('{{if 1}}{{else}}{{else}}{{end}}', ERR, 'template: t:1: expected end; found {{else}}'),
    ('{{with 1}}{{else if 1}}{{end}}', ERR, 'template: t:1: unexpected <if> in input'),
    ('{{range .}}{{break 1}}{{end}}', ERR, 'template: t:1: unexpected "1" in {{break}}'),
    ('{{define "a" 1}}{{end}}', ERR, 'template: t:1: unexpected "1" in define clause'),
    ('{{\n\n.x\n\n', ERR, 'template: t:5: unclosed action started at t:1'),
    ('a\n{{if .x}}\nb', ERR, 'template: t:3: unexpected EOF'),
]


def _parse(text):
    return parse("t", text, lambda n: n in FUNCS)


@pytest.mark.parametrize("text,kind,expected", PARSED, ids=["p%d" % i for i in range(len(PARSED))])
def test_parse_like_go(text, kind, expected):
    if kind == OK:
        trees = _parse(text)
        assert {name: str(tree.root) for name, tree in trees.items()} == expected
    else:
        with pytest.raises(ParseError) as ei:
            _parse(text)
        assert str(ei.value) == expected
        assert ei.value.kind == "parse"


def test_node_structure_of_a_pipeline():
    root = _parse('x{{$v := .A.B (f 1) | printf "%s" $v.C}}')["t"].root
    text, action = root.nodes
    assert isinstance(text, TextNode) and text.text == "x"
    assert isinstance(action, ActionNode)
    pipe = action.pipe
    assert [str(d) for d in pipe.decl] == ["$v"] and not pipe.is_assign
    first, second = pipe.cmds
    assert isinstance(first, CommandNode)
    assert isinstance(first.args[0], FieldNode) and first.args[0].ident == ["A", "B"]
    assert isinstance(first.args[1], PipeNode)
    assert isinstance(second.args[0], IdentifierNode)
    assert isinstance(second.args[2], VariableNode) and second.args[2].ident == ["$v", "C"]
    assert str(first) == ".A.B (f 1)"


def test_chain_on_parenthesised_pipeline():
    action = _parse("{{(f 1).X.Y}}")["t"].root.nodes[0]
    chain = action.pipe.cmds[0].args[0]
    assert isinstance(chain, ChainNode)
    assert chain.field == ["X", "Y"] and isinstance(chain.node, PipeNode)


def test_positions_are_offsets_into_the_text():
    action = _parse("ab{{ .X }}")["t"].root.nodes[1]
    field = action.pipe.cmds[0].args[0]
    assert action.pos == 5 and field.pos == 5


def test_empty_definition_does_not_replace_a_body():
    trees = _parse('{{define "a"}}body{{end}}{{define "a"}}  {{/* c */}} {{end}}')
    assert str(trees["a"].root) == "body"


def test_main_template_replaced_by_definition_when_main_is_empty():
    trees = _parse('  {{define "t"}}D{{end}}  ')
    assert str(trees["t"].root) == "D"


def test_break_continue_become_functions_when_defined():
    trees = parse("t", "{{break}}", lambda n: n == "break")
    assert str(trees["t"].root) == "{{break}}"
    assert isinstance(trees["t"].root.nodes[0], ActionNode)


@pytest.mark.parametrize("text,flags,value", [
    ("42", (True, True, True, False), 42),
    ("-7", (True, False, True, False), -7),
    ("0x1F", (True, True, True, False), 31),
    ("0o17", (True, True, True, False), 15),
    ("017", (True, True, True, False), 15),
    ("0b101", (True, True, True, False), 5),
    ("1_000", (True, True, True, False), 1000),
    ("1e3", (True, True, True, False), 1000),
    ("1.5", (False, False, True, False), 1.5),
    ("18446744073709551615", (False, True, True, False), 18446744073709551615),
])
def test_number_kinds(text, flags, value):
    n = new_number(0, text, T.NUMBER)
    assert (n.is_int, n.is_uint, n.is_float, n.is_complex) == flags
    if n.is_int:
        assert n.int64 == value
    elif n.is_uint:
        assert n.uint64 == value
    else:
        assert n.float64 == value


def test_char_and_complex_numbers():
    c = new_number(0, "'a'", T.CHAR_CONSTANT)
    assert (c.is_int, c.int64, c.float64) == (True, 97, 97.0)
    z = new_number(0, "1+2i", T.COMPLEX)
    assert z.is_complex and z.complex128 == complex(1, 2) and not z.is_float
    z0 = new_number(0, "2+0i", T.COMPLEX)
    assert z0.is_float and z0.is_int and z0.int64 == 2


@pytest.mark.parametrize("text", ["99999999999999999999", "0x", "1e400", "08"])
def test_bad_numbers(text):
    with pytest.raises(ValueError):
        new_number(0, text, T.NUMBER)


@pytest.mark.parametrize("quoted,text", [
    ('"a\\tb"', "a\tb"), ('"\\x41\\u00e9\\101"', "AéA"), ("`a\\n\rb`", "a\\nb"), ('"\\xff"', "\udcff"),
    ('"\\U0001F600"', "\U0001F600"),
])
def test_unquote(quoted, text):
    assert unquote(quoted) == text


@pytest.mark.parametrize("quoted", ['"\\q"', '"\\400"', '"\\ud800"', "\"\\'\"", '"a'])
def test_unquote_rejects(quoted):
    with pytest.raises(ValueError):
        unquote(quoted)


def test_numbernode_string_keeps_source_text():
    n = new_number(3, "0x1_0", T.NUMBER)
    assert isinstance(n, NumberNode) and str(n) == "0x1_0" and n.int64 == 16
