"""Unit tests of the lexer: token kinds, values, positions and lines follow Go's text/template/parse lexer
(the expected streams are those Go's own lexer tests document)."""

import pytest

from simulator.gotemplate.lex import ItemType as T, Item, lex


def toks(text, **opts):
    """(kind, value) pairs, spaces dropped, for compact expectations."""
    return [(i.typ, i.val) for i in lex("t", text, **opts) if i.typ != T.SPACE]


L, R, EOF = (T.LEFT_DELIM, "{{"), (T.RIGHT_DELIM, "}}"), (T.EOF, "")


@pytest.mark.parametrize("text,expected", [
    ("", [EOF]),
    (" \t\n", [(T.TEXT, " \t\n"), EOF]),
    ("now is the time", [(T.TEXT, "now is the time"), EOF]),
    ("{{,@% }}", [L, (T.CHAR, ","), (T.CHAR, "@"), (T.CHAR, "%"), R, EOF]),
    ("{{((3))}}", [L, (T.LEFT_PAREN, "("), (T.LEFT_PAREN, "("), (T.NUMBER, "3"), (T.RIGHT_PAREN, ")"),
                   (T.RIGHT_PAREN, ")"), R, EOF]),
    ("{{}}", [L, R, EOF]),
    ("{{for}}", [L, (T.IDENTIFIER, "for"), R, EOF]),
    ('{{block "foo" .}}', [L, (T.BLOCK, "block"), (T.STRING, '"foo"'), (T.DOT, "."), R, EOF]),
    ('{{"abc \\n\\t\\" "}}', [L, (T.STRING, '"abc \\n\\t\\" "'), R, EOF]),
    ("{{`now is{{\n}}the time`}}", [L, (T.RAW_STRING, "`now is{{\n}}the time`"), R, EOF]),
    ("{{true false nil}}", [L, (T.BOOL, "true"), (T.BOOL, "false"), (T.NIL, "nil"), R, EOF]),
    ("{{.x . .2 .x.y.z}}", [L, (T.FIELD, ".x"), (T.DOT, "."), (T.NUMBER, ".2"), (T.FIELD, ".x"),
                            (T.FIELD, ".y"), (T.FIELD, ".z"), R, EOF]),
    ("{{range if else end with define template break continue}}",
     [L, (T.RANGE, "range"), (T.IF, "if"), (T.ELSE, "else"), (T.END, "end"), (T.WITH, "with"),
      (T.DEFINE, "define"), (T.TEMPLATE, "template"), (T.BREAK, "break"), (T.CONTINUE, "continue"), R, EOF]),
    ("{{$c := printf $ $hello $23 $ $var.Field .Method}}",
     [L, (T.VARIABLE, "$c"), (T.DECLARE, ":="), (T.IDENTIFIER, "printf"), (T.VARIABLE, "$"),
      (T.VARIABLE, "$hello"), (T.VARIABLE, "$23"), (T.VARIABLE, "$"), (T.VARIABLE, "$var"),
      (T.FIELD, ".Field"), (T.FIELD, ".Method"), R, EOF]),
    ("{{$v , $w = 3}}", [L, (T.VARIABLE, "$v"), (T.CHAR, ","), (T.VARIABLE, "$w"), (T.ASSIGN, "="),
                         (T.NUMBER, "3"), R, EOF]),
    ("{{(.X).Y}}", [L, (T.LEFT_PAREN, "("), (T.FIELD, ".X"), (T.RIGHT_PAREN, ")"), (T.FIELD, ".Y"), R, EOF]),
    ('intro {{echo 1.2 |noargs|args "hi"}} outro',
     [(T.TEXT, "intro "), L, (T.IDENTIFIER, "echo"), (T.NUMBER, "1.2"), (T.PIPE, "|"),
      (T.IDENTIFIER, "noargs"), (T.PIPE, "|"), (T.IDENTIFIER, "args"), (T.STRING, '"hi"'), R,
      (T.TEXT, " outro"), EOF]),
])
def test_token_streams(text, expected):
    assert toks(text) == expected


def test_numbers():
    text = "{{1 02 0x14 0X14 -7.2i 1e3 1E3 +1.2e-4 4.2i 1+2i 1_2 0x1.e_fp4 0X1.E_FP4 0b101 0o17}}"
    got = toks(text)[1:-2]
    assert got == [(T.NUMBER, "1"), (T.NUMBER, "02"), (T.NUMBER, "0x14"), (T.NUMBER, "0X14"),
                   (T.NUMBER, "-7.2i"), (T.NUMBER, "1e3"), (T.NUMBER, "1E3"), (T.NUMBER, "+1.2e-4"),
                   (T.NUMBER, "4.2i"), (T.COMPLEX, "1+2i"), (T.NUMBER, "1_2"), (T.NUMBER, "0x1.e_fp4"),
                   (T.NUMBER, "0X1.E_FP4"), (T.NUMBER, "0b101"), (T.NUMBER, "0o17")]


def test_char_constants():
    got = toks("{{'a' '\\n' '\\'' '\\\\' '\\u00FF' '\\xFF' '本'}}")[1:-2]
    assert [v for _, v in got] == ["'a'", "'\\n'", "'\\''", "'\\\\'", "'\\u00FF'", "'\\xFF'", "'本'"]
    assert all(t == T.CHAR_CONSTANT for t, _ in got)


def test_trim_markers_remove_adjacent_space():
    assert toks("hello- {{- 3 -}} -world") == [(T.TEXT, "hello-"), L, (T.NUMBER, "3"), R, (T.TEXT, "-world"), EOF]
    # "-3" is a number, not a trim marker: the marker needs a space after it.
    assert toks("a {{-3}}") == [(T.TEXT, "a "), L, (T.NUMBER, "-3"), R, EOF]


def test_comments_are_dropped_unless_requested():
    assert toks("hello-{{/* c */}}-world") == [(T.TEXT, "hello-"), (T.TEXT, "-world"), EOF]
    assert toks("hello- {{- /* c */ -}} -world", emit_comment=True) == [
        (T.TEXT, "hello-"), (T.COMMENT, "/* c */"), (T.TEXT, "-world"), EOF]


def test_break_and_continue_are_identifiers_when_functions_use_the_names():
    assert toks("{{break}}", break_ok=False) == [L, (T.IDENTIFIER, "break"), R, EOF]
    assert toks("{{continue}}", continue_ok=False) == [L, (T.IDENTIFIER, "continue"), R, EOF]


@pytest.mark.parametrize("text,error", [
    ("#{{\x01}}", "unrecognized character in action: U+0001"),
    ("{{", "unclosed action"),
    ("{{range", "unclosed action"),
    ('{{"\n"}}', "unterminated quoted string"),
    ("{{`xx}}", "unterminated raw quoted string"),
    ("{{'\n}}", "unterminated character constant"),
    ("{{3k}}", 'bad number syntax: "3k"'),
    ("{{(3}}", "unclosed left paren"),
    ("{{3)}}", "unexpected right paren"),
    ("{{/* x", "unclosed comment"),
    ("{{/* x */ y}}", "comment ends before closing delimiter"),
    ("{{.x!}}", "bad character U+0021 '!'"),
    ("{{x:1}}", "expected :="),
])
def test_errors_end_the_stream(text, error):
    items = lex("t", text)
    assert items[-1].typ == T.ERROR
    assert items[-1].val == error
    assert str(items[-1]) == error


def test_positions_and_lines():
    items = [i for i in lex("t", "a\n{{.x\n.y}}\nb") if i.typ != T.SPACE]
    assert [(i.val, i.pos, i.line) for i in items] == [
        ("a\n", 0, 1), ("{{", 2, 2), (".x", 4, 2), (".y", 7, 3), ("}}", 9, 3), ("\nb", 11, 3), ("", 13, 4)]


def test_item_string_forms():
    assert str(Item(T.EOF, 0, "", 1)) == "EOF"
    assert str(Item(T.IF, 0, "if", 1)) == "<if>"
    assert str(Item(T.NUMBER, 0, "12", 1)) == '"12"'
    assert str(Item(T.TEXT, 0, "0123456789abc", 1)) == '"0123456789"...'
