"""yamlio's line-by-line fast path against its libyaml-event path, which the Go oracle checks.

The fast path may give up on any document (it then goes to libyaml), but whenever it answers, the answer
must be the one the event path gives for the whole stream, document lines included; and where libyaml
fails, the fast path must not answer.  Random line soup finds the corners; no Go needed here.
"""

import glob
import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import yamlio

from . import corpus
from .. import paths


def same(a, b):
    """Equality that tells 1, 1.0, True and -0.0 apart."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return repr(a) == repr(b) or (math.isnan(a) and math.isnan(b))
    return a == b


def reference(text, first_only=False):
    """("ok", [(line, doc)]) or ("error", None) from libyaml's events over the whole stream."""
    try:
        return "ok", list(yamlio._event_documents(text, 0, first_only))
    except yamlio.YAMLSyntaxError:
        return "error", None


def public(text, first_only=False):
    try:
        if first_only:
            return "ok", yamlio.load(text)
        return "ok", list(yamlio.load_all_with_lines(text))
    except yamlio.YAMLSyntaxError:
        return "error", None


def check(text):
    ref, got = reference(text), public(text)
    assert ref[0] == got[0], "libyaml path %s, yamlio %s for %r" % (ref[0], got[0], text)
    if ref[0] == "ok":
        assert len(ref[1]) == len(got[1]) and all(
            r[0] == g[0] and same(r[1], g[1]) for r, g in zip(ref[1], got[1])), \
            "libyaml path %r\nyamlio       %r\ninput %r" % (ref[1], got[1], text)
    ref1, got1 = reference(text, True), public(text, True)
    assert ref1[0] == got1[0], "load(): libyaml path %s, yamlio %s for %r" % (ref1[0], got1[0], text)
    if ref1[0] == "ok":
        first = ref1[1][0][1] if ref1[1] else None
        assert same(first, got1[1]), "load(): libyaml path %r, yamlio %r for %r" % (first, got1[1], text)


@pytest.mark.parametrize("name", sorted(corpus.ALL))
def test_corpus_fast_path_agrees(name):
    check(corpus.ALL[name])


def _istio_texts():
    _, corpus = paths.require(paths.any_istio_corpus)
    files = sorted(glob.glob(os.path.join(corpus, "*.yaml*")))
    return {os.path.basename(p): open(p, encoding="utf-8").read() for p in files}


def test_istio_corpus_fast_path_agrees_and_is_used(monkeypatch):
    texts = _istio_texts()
    for text in texts.values():
        check(text)
        check(text.replace("\n", "\r\n"))
    slow = []
    real = yamlio._event_documents

    def spy(text, offset, first_only):
        slow.append(offset)
        return real(text, offset, first_only)

    monkeypatch.setattr(yamlio, "_event_documents", spy)
    documents = sum(len(list(yamlio.load_all(t))) for t in texts.values())
    assert documents > 300
    assert len(slow) <= documents // 20, "the fast path gave up on %d of %d documents" % (len(slow), documents)


# --- random line soup --------------------------------------------------------------------------------

KEYS = ["a", "b", "name", "image", "k8s.io/x-y_z", "1", "0x10", "010", "1.5", "1e6", "yes", "no", "on",
        "null", "~", "true", "<<", "'q k'", '"d\\tk"', "''", "a:b", "a b", "k#x", "-a", "?x", ":x", "&a k",
        "*a", "!t k", "[k]", "{k}", "@k", "%k", "y", "N", "+1", "-0", ".5", "x" * 210]
VALUES = ["", "v", "hello world", "1", "-1", "+1", "0x1F", "0o7", "017", "08", "1_000", "1e3", ".5", "._5",
          "1:20", "yes", "No", "OFF", "~", "null", "true", ".inf", "-.Inf", ".nan", "2001-12-14", "'s'",
          "'it''s'", "'a # b'", '"d"', '"e\\n\\x41"', '"\\/"', "\"\\'\"", '"bad\\q"', "'open", '"open',
          "[]", "{}", "[ ]", "[a, 'b', \"c\", 1]", "[a,]", "[a b]", "{a: 1}", "a # c", "a#c", "a: b", "b:",
          "&x v", "*x", "!t v", "!!str 1", "!!int 1", ">", ">-", "|", "|-", "|+", "|2", "| # c", "- x", "-",
          "-x", "?", "?x", ":x", ",x", "@x", "`x", "%x", "<<", "x   ", "a  # c", "é", "x" * 300, "#c",
          "'x' y", "\"x\" # c", "[\"a]\", b]", "{", "{  "]
line = st.one_of(
    st.tuples(st.integers(0, 8), st.sampled_from(KEYS), st.sampled_from(VALUES)).map(
        lambda t: " " * t[0] + t[1] + ":" + (" " + t[2] if t[2] else "")),
    st.tuples(st.integers(0, 8), st.sampled_from(["- ", "-   ", "-"]), st.sampled_from(VALUES)).map(
        lambda t: " " * t[0] + t[1] + t[2]),
    st.tuples(st.integers(0, 8), st.sampled_from(KEYS), st.sampled_from(VALUES)).map(
        lambda t: " " * t[0] + "- " + t[1] + ": " + t[2]),
    st.tuples(st.integers(0, 8), st.sampled_from(["# c", "", "  ", "text", "x: y", "- z", "  deeper",
                                                  "#", "a\tb", "[]", "{}", "[ ]", "[] # c", "{}x", "[x]",
                                                  "{a: 1}", "[]]", "}", "} # c", 'k: "v",', "k: 'v'",
                                                  'istio.io/rev: "d",', 'k: "v" ,', "k: v,"])).map(
        lambda t: " " * t[0] + t[1]),
    st.sampled_from(["---", "--- # c", "---  ", "--- x", "...", "", "   "]),
)
soup = st.tuples(st.lists(line, min_size=1, max_size=14), st.booleans()).map(
    lambda t: "\n".join(t[0]) + ("\n" if t[1] else ""))


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(soup)
def test_random_line_soup(text):
    check(text)
    check(text.replace("\n", "\r\n"))


def test_injector_configmap_shapes_stay_on_the_fast_path(monkeypatch):
    """What `kubectl get cm istio-sidecar-injector -o jsonpath='{.data.config}'` gives: an empty flow
    list on the line after its key, and a last template block with no final line break.  Reading it
    must not need libyaml (whose import alone costs a one-pod run ~15 ms) and must agree with it."""
    text = ("defaultTemplates: [sidecar]\npolicy: enabled\nalwaysInjectSelector:\n  []\n"
            "neverInjectSelector:\n  []\ninjectedAnnotations:\ntemplates:\n  sidecar: |\n    spec:\n"
            "      containers: []\n  gateway: |\n    metadata:\n      labels: {{ .Name | quote }}")
    check(text)
    calls = []
    real = yamlio._event_documents
    monkeypatch.setattr(yamlio, "_event_documents", lambda *a: calls.append(a) or real(*a))
    doc = yamlio.load(text)
    assert calls == []
    assert doc["alwaysInjectSelector"] == [] and doc["injectedAnnotations"] is None
    assert doc["templates"]["gateway"] == "metadata:\n  labels: {{ .Name | quote }}"


def test_document_lines_are_libyamls():
    """A document's line is its root node's line as libyaml's composer reports it (for empty documents,
    which have no content, the `---` line)."""
    import yaml
    texts = dict(_istio_texts())
    texts.update(("corpus:" + n, corpus.ALL[n]) for n in corpus.STREAMS)
    checked = 0
    for name, text in texts.items():
        try:
            nodes = list(yaml.compose_all(text, Loader=yaml.CSafeLoader))
            ours = list(yamlio.load_all_with_lines(text))
        except (yaml.YAMLError, yamlio.YAMLSyntaxError):
            continue
        assert len(ours) == len(nodes), name
        for (line, doc), node in zip(ours, nodes):
            if doc is not None:
                assert line == node.start_mark.line + 1, (name, line, node.start_mark.line + 1)
                checked += 1
    assert checked > 200


# Mostly well-formed block YAML: the shapes the fast path must take rather than give up on.
nested = st.recursive(
    st.one_of(st.sampled_from(["a", "1", "yes", "~", "x y", "-p", "''", '"q"', "1.5"])),
    lambda inner: st.one_of(st.lists(inner, min_size=1, max_size=3),
                            st.dictionaries(st.sampled_from(["k", "name", "1", "on", "x.y/z", "-a"]), inner,
                                            min_size=1, max_size=3)),
    max_leaves=12)


def _block(value, indent, out, dash_style):
    pad = " " * indent
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (dict, list)):
                out.append(pad + k + ":")
                _block(v, indent if isinstance(v, list) and dash_style else indent + 2, out, dash_style)
            else:
                out.append(pad + k + ": " + v)
    else:
        for v in value:
            if isinstance(v, dict):
                sub = []
                _block(v, indent + 2, sub, dash_style)
                sub[0] = pad + "- " + sub[0][indent + 2:]
                out.extend(sub)
            elif isinstance(v, list):
                out.append(pad + "-")
                _block(v, indent + 2, out, dash_style)
            else:
                out.append(pad + "- " + v)


@settings(max_examples=1500, deadline=None)
@given(nested.filter(lambda v: isinstance(v, (dict, list))), st.booleans())
def test_generated_block_yaml(value, dash_style):
    out = []
    _block(value, 0, out, dash_style)
    check("\n".join(out) + "\n")
