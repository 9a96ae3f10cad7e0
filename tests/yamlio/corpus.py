"""Hand-written YAML snippets that probe how sigs.k8s.io/yaml (go-yaml v2) reads text.

Only inputs live here: what each one means is asked of the Go oracle at test time, never written down.
Grouped by topic; ids are stable so a failure names its case.
"""

# Implicit resolution of plain scalars: go-yaml v2's resolve table and strconv parsing.
RESOLUTION = {
    "bool-y": "a: y\nb: Y\nc: n\nd: N",
    "bool-yes": "a: yes\nb: Yes\nc: YES\nd: yEs",
    "bool-no": "a: no\nb: No\nc: NO\nd: nO",
    "bool-on-off": "a: on\nb: On\nc: ON\nd: off\ne: Off\nf: OFF\ng: oN",
    "bool-true-false": "a: true\nb: True\nc: TRUE\nd: false\ne: False\nf: FALSE\ng: tRUE",
    "null-spellings": "a: ~\nb: null\nc: Null\nd: NULL\ne: nULL\nf:\ng: ''",
    "int-decimal": "a: 0\nb: 1\nc: -1\nd: +1\ne: 007\nf: -0\ng: 123456789",
    "int-hex": "a: 0x1F\nb: 0X1f\nc: -0x10\nd: +0x10\ne: 0x\nf: 0xG",
    "int-octal": "a: 0o17\nb: 0O17\nc: 017\nd: 0o8\ne: 08\nf: 09\ng: 0o",
    "int-binary": "a: 0b101\nb: 0B11\nc: -0b11\nd: 0b2\ne: 0b",
    "int-underscore": "a: 1_000\nb: 1__0\nc: 0x_ff\nd: _1\ne: 1_\nf: -1_0\ng: 0b1_0",
    "int-limits": "a: 9223372036854775807\nb: -9223372036854775808\nc: 9223372036854775808\n"
                  "d: 18446744073709551615\ne: 18446744073709551616\nf: -9223372036854775809\n"
                  "g: +9223372036854775808\nh: 0xFFFFFFFFFFFFFFFF\ni: 0x1FFFFFFFFFFFFFFFF",
    "int-big-precision": "a: 9007199254740993\nb: 12345678901234567",
    "sexagesimal": "a: 1:20\nb: 190:20:30\nc: -1:30\nd: 1:20.5",
    "float-plain": "a: 1.5\nb: -1.5\nc: +1.5\nd: 1.\ne: .5\nf: -.5\ng: 1e3\nh: 1E3\ni: 1e-3\nj: 1.0",
    "float-underscore": "a: 1_000.5\nb: 1_0e1_0\nc: ._5\nd: .5_0",
    "float-exotic": "a: 1e\nb: e1\nc: 1e+\nd: 0x1p3\ne: 1.2.3\nf: 1e400\ng: 1e-400\nh: .5e400",
    "float-names": "a: Infinity\nb: NaN\nc: nan\nd: inf\ne: .Nan\nf: .INf",
    "inf-value": "a: .inf",
    "neg-inf-value": "a: -.Inf",
    "nan-value": "a: .NaN",
    "inf-in-list": "- 1\n- +.inf",
    "inf-root": ".inf",
    "inf-overwritten": "a: .inf\na: 1\nb: [1]",
    "inf-merged-away": "x: &x {a: .nan}\nd:\n  <<: *x\n  a: 2",
    "inf-as-key-then-value": "? &k .inf\n: 1\nb: *k",
    "timestamps": "a: 2001-12-14\nb: 2001-12-14t21:59:43.10-05:00\nc: 2001-12-14 21:59:43.10 -5\n"
                  "d: 2002-12-14\ne: 2001-13-14\nf: 20011-12-14",
    "strings-that-look-special": "a: '1'\nb: \"true\"\nc: 'null'\nd: \"~\"\ne: '0x10'\nf: \"1.5\"\ng: '<<'",
    "plain-with-symbols": "a: a[b]c\nb: a,b\nc: a]b\nd: a}b{\ne: a:b\nf: -a\ng: ?a\nh: :a\ni: a#b\nj: a #b",
    "plain-leading-dashes": "- -p\n- --log=x\n- -\n- '-'",
    "merge-scalar-value": "a: <<\nb: =\nc: <",
    "empty-strings": "a: ''\nb: \"\"\nc:\n",
    "unicode": "name: héllo wörld\nemoji: \"\\U0001F600\"\ncjk: 日本語\nkey日本: v",
    "long-plain": "a: " + "x" * 3000,
}

# Quoting styles and escapes.
QUOTING = {
    "single-quoted": "a: 'it''s'\nb: '  spaced  '\nc: 'a # not comment'\nd: 'x: y'",
    "double-quoted-escapes": r'a: "tab\there"' + "\n" + r'b: "nl\nx"' + "\n" + r'c: "q\"q"' + "\n"
                             + r'd: "back\\slash"' + "\n" + r'e: "\x41\u00e9\U0001F600"' + "\n"
                             + r'f: "\/\0\a\b\v\f\r\e\ \N\_\L\P"',
    "double-quoted-bad-escape": r'a: "\q"',
    "double-quoted-surrogate": r'a: "\ud800"',
    "single-quoted-multiline": "a: 'one\n  two\n\n  three'",
    "double-quoted-multiline": "a: \"one\n  two\\\n  three\"",
    "quoted-keys": "'a b': 1\n\"c\\td\": 2\n'': 3\n'<<': 4",
    "quoted-then-junk": "a: 'x' y",
    "unterminated-quote": "a: 'x\nb: 1",
    "json-doc": '{"apiVersion": "v1", "kind": "Pod", "n": 1.5e3, "m": [1, "2", null, true]}',
    "json-annotation": "metadata:\n  annotations:\n    x: '{\"a\":[1,2],\"b\":{\"c\":null}}'",
}

# Block scalars: chomping, explicit indentation, folding.
BLOCKS = {
    "literal-clip": "a: |\n  one\n  two\n\nb: 1",
    "literal-strip": "a: |-\n  one\n  two\n\nb: 1",
    "literal-keep": "a: |+\n  one\n  two\n\n\nb: 1",
    "literal-keep-eof": "a: |+\n  one\n\n\n",
    "literal-no-final-newline": "a: |\n  one",
    "literal-keep-no-final-newline": "a: |+\n  one",
    "literal-indent-indicator": "a: |2\n    one\n  two\n",
    "literal-indent-strip": "a: |1-\n  one\n",
    "literal-more-indented": "a: |\n  one\n    two\n  three\n",
    "literal-leading-blank": "a: |\n\n  one\n",
    "literal-leading-spaces-too-many": "a: |\n      \n  one\n",
    "literal-trailing-spaces-line": "a: |\n  one\n    \n  two\n",
    "literal-comment-inside": "a: |\n  # not a comment\n  x\n# real comment\nb: 1",
    "literal-empty": "a: |\nb: 1",
    "literal-empty-keep": "a: |+\n\nb: 1",
    "literal-header-comment": "a: | # comment\n  x\n",
    "literal-in-seq": "- |\n  one\n- |-\n  two\n- x",
    "literal-in-seq-map": "- a: |\n    one\n  b: 2",
    "literal-tab-content": "a: |\n  one\ttab\n",
    "folded-clip": "a: >\n  one\n  two\n\n  three\nb: 1",
    "folded-strip": "a: >-\n  one\n  two\n",
    "folded-keep": "a: >+\n  one\n  two\n\n",
    "folded-more-indented": "a: >\n  one\n    indented\n  two\n",
    "root-literal": "--- |\n  root text\n",
    "root-literal-col0": "--- |\nfoo\n",
    "literal-json": "value: |\n  [\n      {\"name\":\"http\",\"containerPort\":80}\n  ]\n",
}

# Anchors, aliases and merge keys (go-yaml v2 merges in order: later writes win).
ANCHORS = {
    "alias-scalar": "a: &x 1\nb: *x",
    "alias-map-copy": "a: &x {k: v}\nb: *x\nc: *x",
    "alias-seq": "a: &x [1, 2]\nb: *x",
    "alias-unknown": "a: *nope",
    "alias-redefined": "a: &x 1\nb: *x\nc: &x 2\nd: *x",
    "alias-recursive": "a: &x [*x]",
    "alias-recursive-map": "a: &x\n  b: *x",
    "alias-inner-redefine": "a: &x [&x 1, *x]\nb: *x",
    "alias-as-key": "a: &k key\n*k : v",
    "alias-map-as-key": "a: &m {x: 1}\n? *m\n: v",
    "merge-basic": "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3",
    "merge-before-key": "base: &b {x: 1, y: 2}\nd:\n  y: 3\n  <<: *b",
    "merge-list": "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nd:\n  <<: [*a, *b]\n  z: 3",
    "merge-list-order": "a: &a {x: 1}\nb: &b {x: 2}\nd:\n  x: 0\n  <<: [*b, *a]",
    "merge-inline-map": "d:\n  <<: {x: 1}\n  y: 2",
    "merge-scalar": "d:\n  <<: 1",
    "merge-null": "d:\n  <<:\n  y: 2",
    "merge-alias-to-seq": "s: &s [{x: 1}]\nd:\n  <<: *s",
    "merge-seq-with-scalar": "a: &a {x: 1}\nd:\n  <<: [*a, 2]",
    "merge-quoted": "d:\n  '<<': {x: 1}",
    "merge-tagged": "d:\n  !!merge <<: {x: 1}",
    "merge-nested": "a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc: {<<: *b, z: 3}",
    "anchor-on-key": "&k a: 1\nb: *k",
    "billion-laughs": "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                      "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                      "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]",
    "modest-aliasing": "a: &a [1, 2, 3]\nb: [*a, *a, *a, *a, *a]",
}



def _laughs(width, depth):
    lines = ["a0: &a0 [" + ", ".join(["x"] * width) + "]"]
    for d in range(1, depth):
        lines.append("a%d: &a%d [" % (d, d) + ", ".join(["*a%d" % (d - 1)] * width) + "]")
    return "\n".join(lines)


# go-yaml's alias budget (excessive aliasing) around where it starts to refuse.
for _w, _d in [(10, 3), (10, 4), (5, 5), (3, 8), (4, 7), (2, 14), (2, 15), (100, 2), (1000, 2), (30, 3), (40, 3)]:
    ANCHORS["aliasing-%d-%d" % (_w, _d)] = _laughs(_w, _d)

# Keys that are not strings, duplicates, complex keys.
KEYS = {
    "int-keys": "1: a\n-2: b\n0x10: c\n010: d\n1_0: e",
    "bool-keys": "true: a\nno: b\non: c\ny: d",
    "float-keys": "1.5: a\n1e6: b\n0.1: c\n3.14159265358979: d\n.inf: e\n-.inf: f\n1e-7: g\n123456.0: h\n"
                  "1234567.0: i\n-0.0: j\n100000000000000000000: k",
    "float-key-overflow": "1e39: a\n-1e39: b\n3.4028235e38: c",
    "nan-key": ".nan: a",
    "null-key": "~: a",
    "null-key-overwritten": "image:\n  - ?\nimage:\n",
    "null-key-twice": "~: a\nnull: b",
    "null-key-merged": "x: &x {~: 1}\nd:\n  <<: *x",
    "null-key-in-dropped-merge": "x: &x {~: 1}\nd:\n  <<: *x\nd: 2\nx: 3",
    "uint64-key-overwritten": "a: {18446744073709551615: x}\na: 1",
    "empty-key": ": a",
    "uint64-key": "18446744073709551615: a",
    "seq-key": "[1, 2]: a",
    "map-key": "{a: 1}: b",
    "complex-key-scalar": "? a\n: b",
    "complex-key-seq": "? - a\n: b",
    "duplicate-keys": "a: 1\nb: 2\na: 3",
    "duplicate-nested": "a:\n  x: 1\na:\n  y: 2",
    "timestamp-key": "2001-12-14: a",
    "binary-key": "!!binary aGk=: v",
    "key-with-colon": "a:b: c\nhttp://x: y",
    "key-trailing-spaces": "a   : b",
    "long-key": "k" * 1100 + ": v",
    "key-1000": "k" * 1000 + ": v",
}

# Tags.
TAGS = {
    "tag-str": "a: !!str 123\nb: !!str true\nc: !!str\nd: !!str ~",
    "tag-int": "a: !!int 12\nb: !!int 0x1F\nc: !!int '7'",
    "tag-int-bad": "a: !!int 1.5",
    "tag-int-text": "a: !!int abc",
    "tag-float": "a: !!float 1\nb: !!float 1.5\nc: !!float '2'\nd: !!float 1_000",
    "tag-float-uint": "a: !!float 18446744073709551615",
    "tag-bool": "a: !!bool yes\nb: !!bool 'off'",
    "tag-bool-bad": "a: !!bool 1",
    "tag-null": "a: !!null ~\nb: !!null ''\nc: !!null",
    "tag-null-bad": "a: !!null 0",
    "tag-timestamp": "a: !!timestamp 2001-12-14\nb: !!timestamp 2001-12-14T21:59:43Z",
    "tag-timestamp-bad": "a: !!timestamp hello",
    "tag-timestamp-int": "a: !!timestamp 123",
    "tag-binary": "a: !!binary aGVsbG8=\nb: !!binary |\n  aGVs\n  bG8=\n",
    "tag-binary-bad": "a: !!binary 'not base64!'",
    "tag-binary-nopad": "a: !!binary aGk",
    "tag-binary-invalid-utf8": "a: !!binary /w==\nb: !!binary 4oI=\nc: !!binary 7aCA",
    "tag-custom": "a: !foo bar\nb: !foo 12\nc: !<tag:example.com,2000:x> y\nd: ! 12\ne: ! \"7\"",
    "tag-on-collections": "a: !!set {x, y}\nb: !!omap [{a: 1}]\nc: !!str {k: v}\nd: !!map [1]",
    "tag-directive": "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1",
    "tag-unknown-handle": "a: !x!y 1",
    "tag-merge-value": "a: !!merge 1",
    "tag-seq-scalar": "a: !!seq x",
    "tag-verbatim-int": "a: !<tag:yaml.org,2002:int> 42",
}

# Flow collections.
FLOW = {
    "flow-seq": "a: [1, two, 'three', \"four\", [5], {six: 6}]",
    "flow-map": "a: {x: 1, y: [2], 'z': {w: v}}",
    "flow-empty": "a: []\nb: {}\nc: [ ]\nd: { }",
    "flow-trailing-comma": "a: [1, 2,]\nb: {x: 1,}",
    "flow-multiline": "a: [\n  1,\n  2\n]\nb: {\n  x: 1\n}",
    "flow-colon-adjacent": "a: {x:1}",
    "flow-json-colon": "a: {\"x\":1}",
    "flow-plain-colon": "a: [x:1, http://y]",
    "flow-question": "a: [?x]",
    "flow-single-pair": "a: [x: 1, y: 2]",
    "flow-nested-deep": "a: " + "[" * 50 + "1" + "]" * 50,
    "flow-too-deep": "a: " + "[" * 10001 + "]" * 10001,
    "flow-unclosed": "a: [1, 2",
    "flow-comment": "a: [1, # c\n  2]",
    "flow-command": 'command: ["sh", "-c", "true"]\nargs: [\'a\', b, 3]\nx: ["a]", "b,c"] # c]',
    "flow-root-seq": "[1, 2, 3]",
}

# Block structure, comments, indentation.
STRUCTURE = {
    "nested-maps": "a:\n  b:\n    c: 1\n  d: 2\ne: 3",
    "indentless-seq": "a:\n- 1\n- 2\nb: 3",
    "indented-seq": "a:\n  - 1\n  - 2\nb: 3",
    "seq-of-maps": "- a: 1\n  b: 2\n- c: 3",
    "seq-of-seqs": "- - 1\n  - 2\n- - 3",
    "seq-item-null": "-\n- 1\n-\n",
    "seq-item-nested-later": "-\n  a: 1\n-\n  - x",
    "dash-extra-spaces": "-   a: 1\n    b: 2\n-    x",
    "map-value-null-then-sibling": "a:\nb: 1\nc:",
    "map-value-next-line-scalar": "a:\n  hello",
    "plain-multiline": "a: one\n  two\n  three\nb: 1",
    "plain-multiline-blank": "a: one\n\n  two",
    "comments-everywhere": "# top\na: 1 # trailing\n# mid\n  # indented\nb: # after key\n  c: 2\n",
    "only-comments": "# just a comment\n# another\n",
    "empty": "",
    "whitespace-only": "   \n\n  \n",
    "root-scalar": "hello",
    "root-int": "42",
    "root-null": "~",
    "root-quoted": "'x'",
    "bad-indent": "a:\n    b: 1\n  c: 2",
    "bad-dedent-seq": "a:\n  - 1\n - 2",
    "map-after-seq-root": "- 1\na: 2",
    "seq-after-scalar-value": "a: 1\n  - 2",
    "mapping-in-value": "a: b: c",
    "colon-end": "a: b:",
    "tabs-indent": "a:\n\tb: 1",
    "tab-after-colon": "a:\tb",
    "tab-in-value": "a: x\ty",
    "crlf": "a: 1\r\nb:\r\n  c: 2\r\n",
    "cr-only": "a: 1\rb: 2",
    "crlf-block": "a: |\r\n  one\r\n  two\r\n\r\nb: 'x\r\n  y'\r\nc: \"p\\\r\n  q\"\r\n---\r\nd: 1\r\n",
    "crlf-keep": "a: |+\r\n  one\r\n\r\n",
    "cr-lf-mixed": "a: 1\r\nb: 2\rc: 3\n---\nd: 4",
    "bom": "\ufeffa: 1",
    "bom-twice": "\ufeff\ufeffa: 1",
    "bom-mid-line": "a: x\ufeffy",
    "bom-line-start": "a: 1\n\ufeffb: 2\nc: [\ufeff]",
    "bom-after-marker": "---\n\ufeffa: 1\n",
    "bom-before-dash": "- a\n\ufeff- b",
    "nbsp-value": "a: x\u00a0y",
    "nel-line-break": "a: 1\u0085b: 2",
    "ls-line-break": "a: 1\u2028b: 2",
    "control-char": "a: x\x01y",
    "del-char": "a: x\x7fy",
    "private-use": "a: \ue000",
    "reserved-indicator": "a: @x",
    "backtick": "a: `x",
    "percent-value": "a: %x",
    "question-key": "? a\n? b\n: c",
    "deep-block": "".join("  " * i + "k%d:\n" % i for i in range(60)) + "  " * 60 + "v: 1",
    "key-with-hash": "a#b: 1\nc: d#e",
    "value-hash-no-space": "a: b#c #d",
    "spaces-before-colon-in-seq": "- a  : 1",
    "many-keys": "".join("k%d: v%d\n" % (i, i) for i in range(300)),
}

# Streams: several documents, markers, directives.
STREAMS = {
    "two-docs": "a: 1\n---\nb: 2\n",
    "leading-marker": "---\na: 1\n",
    "comment-then-marker": "# c\n---\na: 1\n---\nb: 2",
    "empty-docs": "---\n---\na: 1\n---\n",
    "marker-with-comment": "--- # first\na: 1\n---   \nb: 2",
    "marker-with-content": "--- {a: 1}\n--- b\n",
    "doc-end-marker": "a: 1\n...\nb: 2\n",
    "doc-end-then-marker": "a: 1\n...\n---\nb: 2\n",
    "yaml-directive": "%YAML 1.1\n---\na: 1\n",
    "yaml-directive-12": "%YAML 1.2\n---\na: yes\n",
    "second-doc-broken": "a: 1\n---\nb: [\n",
    "first-doc-broken": "a: [\n---\nb: 2\n",
    "marker-no-newline": "a: 1\n---",
    "dashes-in-literal": "a: |\n  x\n---\nb: 2\n",
    "dashes-indented": "a: |\n  ---\n  x\nb: 2\n",
    "dashes-as-value": "a: ---\nb: '---'",
    "four-dashes": "----\na: 1",
    "marker-tab": "---\tx\n",
}

ALL = {}
for _group in (RESOLUTION, QUOTING, BLOCKS, ANCHORS, KEYS, TAGS, FLOW, STRUCTURE, STREAMS):
    for _name, _text in _group.items():
        assert _name not in ALL, _name
        ALL[_name] = _text

# Documents to read as streams too (kubectl's reader rejects `--- value` lines and ignores `...`, so those
# stay out; the rest must give the same non-empty documents).
STREAM_CASES = {name: ALL[name] for name in STREAMS
                if name not in ("marker-with-content", "doc-end-marker", "doc-end-then-marker", "marker-tab",
                                "yaml-directive", "yaml-directive-12")}
