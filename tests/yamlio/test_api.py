"""What callers of simulator.yamlio may rely on beyond "same data as Go": types, copies, lines, errors."""

import pytest

from simulator import yamlio


def test_integers_stay_int_and_floats_float():
    doc = yamlio.load("a: 1\nb: 1.0\nc: 1e3\nd: 0x10\ne: 18446744073709551615\nf: 18446744073709551616\n")
    assert [type(doc[k]) for k in "abcdef"] == [int, float, float, int, int, float]
    assert doc["d"] == 16 and doc["e"] == 2 ** 64 - 1


def test_keys_are_strings_in_document_order():
    doc = yamlio.load("z: 1\n1: 2\ntrue: 3\n1.5: 4\na: 5\n")
    assert list(doc) == ["z", "1", "true", "1.5", "a"]


def test_aliases_are_independent_copies():
    doc = yamlio.load("a: &x {k: [1]}\nb: *x\nc: {<<: *x}\n")
    doc["b"]["k"].append(2)
    doc["c"]["k"].append(3)
    assert doc["a"] == {"k": [1]} and doc["b"] == {"k": [1, 2]} and doc["c"] == {"k": [1, 3]}


def test_load_reads_only_the_first_document():
    assert yamlio.load("a: 1\n---\nb: [unclosed\n") == {"a": 1}
    assert yamlio.load("") is None and yamlio.load("# nothing\n") is None
    assert yamlio.load("---\n---\na: 1\n") is None


def test_load_all_with_lines():
    text = "# header\napiVersion: v1\n---\n---\n\n# c\nkind: Pod\n--- |\n  text\n"
    assert list(yamlio.load_all_with_lines(text)) == [(2, {"apiVersion": "v1"}), (3, None),
                                                      (7, {"kind": "Pod"}), (8, "text\n")]
    assert list(yamlio.load_all(text)) == [{"apiVersion": "v1"}, None, {"kind": "Pod"}, "text\n"]


@pytest.mark.parametrize("text, line, column", [
    ("a: 1\nb: [1, 2\n", 3, 1),             # libyaml notices the missing ']' at the end of the stream
    ("a:\n  b: 1\n c: 2\n", 3, 2),
    ("ok: 1\n---\nx: 1\ny: *nope\n", 4, 4),  # lines count from the top of the stream, not the document
    ("a: 1\nb: .inf\n", 2, 4),
    ("a: !!int x\n", 1, 4),
    ("a: x\x01\n", 1, 5),
])
def test_errors_carry_one_based_positions(text, line, column):
    with pytest.raises(yamlio.YAMLSyntaxError) as info:
        list(yamlio.load_all(text))
    err = info.value
    assert (err.line, err.column) == (line, column), str(err)
    assert err.message and str(err).startswith("line %d, column %d: " % (line, column))
    assert isinstance(err, ValueError)


def test_rejects_bytes():
    with pytest.raises(TypeError):
        yamlio.load(b"a: 1")
