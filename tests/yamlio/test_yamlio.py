"""simulator/yamlio.py against the real sigs.k8s.io/yaml (tests/yamlio/oracle): same data, same failures."""

import glob
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import yamlio

from . import corpus
from .compare import mismatch, verdict, yamlio_answer
from .conftest import as_stream, as_yaml_to_json, recorded_answers, stream_request, yaml_to_json_request
from .test_fastpath import soup
from .. import paths


def _load_all(text):
    return [doc for doc in yamlio.load_all(text) if doc is not None]


@pytest.fixture(scope="module")
def corpus_answers(request):
    return recorded_answers(request, "yaml-to-json-corpus",
                            {n: yaml_to_json_request(corpus.ALL[n]) for n in sorted(corpus.ALL)},
                            "sigs.k8s.io/yaml.YAMLToJSON of tests/yamlio/corpus.py's ALL")


@pytest.mark.parametrize("name", sorted(corpus.ALL))
def test_corpus_load_matches_yamltojson(name, corpus_answers):
    mine = yamlio_answer(yamlio.load, corpus.ALL[name])
    problem = verdict(mine, as_yaml_to_json(corpus_answers.get(name)))
    assert problem is None, "%s: %s\ninput: %r" % (name, problem, corpus.ALL[name])


def test_corpus_is_large_and_has_failures(corpus_answers):
    """The corpus must exercise both outcomes, or the error comparisons above prove nothing."""
    outcomes = [as_yaml_to_json(corpus_answers.get(name))[0] for name in sorted(corpus.ALL)]
    assert len(outcomes) >= 150
    assert outcomes.count("error") >= 20 and outcomes.count("ok") >= 100


@pytest.fixture(scope="module")
def stream_answers(request):
    return recorded_answers(request, "stream-cases",
                            {n: stream_request(corpus.STREAM_CASES[n]) for n in sorted(corpus.STREAM_CASES)},
                            "kubectl's document reader on tests/yamlio/corpus.py's STREAM_CASES")


@pytest.mark.parametrize("name", sorted(corpus.STREAM_CASES))
def test_streams_match_kubectl_reader(name, stream_answers):
    """kubectl reads files with apimachinery's YAMLReader + YAMLToJSON per document; it drops null documents."""
    text = corpus.STREAM_CASES[name]
    go = as_stream(stream_answers.get(name))
    if go[0] == "ok":
        go = ("ok", [doc for doc in go[1] if doc is not None])
    problem = verdict(yamlio_answer(_load_all, text), go)
    assert problem is None, "%s: %s" % (name, problem)


@pytest.fixture(scope="module")
def real_texts():
    """Istio's injection corpus (inputs and goldens) and its chart's values.yaml (tests/paths.py finds them)."""
    _, corpus = paths.require(paths.any_istio_corpus)
    _, chart = paths.require(paths.any_istio_chart)
    files = sorted(glob.glob(os.path.join(corpus, "*.yaml")) + glob.glob(os.path.join(corpus, "*.yaml.injected"))
                   + [os.path.join(chart, "values.yaml")])
    return {os.path.basename(p): open(p, encoding="utf-8").read() for p in files}


def test_istio_corpus_documents_match(yaml_oracle, real_texts):
    names = sorted(real_texts)
    streams = yaml_oracle.stream([real_texts[n] for n in names])
    firsts = yaml_oracle.yaml_to_json([real_texts[n] for n in names])
    problems = []
    for name, go_stream, go_first in zip(names, streams, firsts):
        assert go_stream[0] == "ok", (name, go_stream)
        problem = verdict(yamlio_answer(_load_all, real_texts[name]),
                          ("ok", [d for d in go_stream[1] if d is not None]))
        problem = problem or verdict(yamlio_answer(yamlio.load, real_texts[name]), go_first)
        if problem:
            problems.append("%s: %s" % (name, problem))
    assert not problems, "\n".join(problems)
    assert len(names) > 200


# --- generated data ----------------------------------------------------------------------------------

TRICKY = ["yes", "No", "on", "OFF", "y", "n", "~", "null", "NULL", "true", "0x1F", "0o17", "017", "08",
          "1_000", "1:20", "1e3", ".5", "+1", "-0", ".inf", "-.Inf", ".nan", "<<", "=", "2001-12-14",
          "- x", "a: b", "#", "a #b", "'q'", '"d"', "|", ">", "&a", "*a", "!t", "%", "@", "`", "[x]",
          "{y}", "", " lead", "trail ", "multi\nline", "tab\there", "ünï", "\u00a0", "9223372036854775808",
          "18446744073709551616", "-.5e3", "0b101", "---", "..."]

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(2 ** 63), max_value=2 ** 64 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(TRICKY),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
)
json_like = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.sampled_from(TRICKY), st.text(max_size=8),
                                                      st.integers(-5, 5), st.booleans()),
                                            inner, max_size=4)),
    max_leaves=20)
styles = st.fixed_dictionaries({
    "default_flow_style": st.sampled_from([False, True, None]),
    "default_style": st.sampled_from([None, None, None, '"', "'"]),
    "width": st.sampled_from([20, 80, 1000]),
    "indent": st.sampled_from([2, 4]),
    "allow_unicode": st.booleans(),
    "explicit_start": st.booleans(),
    "sort_keys": st.booleans(),
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.lists(st.tuples(json_like, styles), min_size=20, max_size=20))
def test_generated_yaml_matches_oracle(yaml_oracle, data):
    """Random data dumped by PyYAML in random styles: whatever the text means, Go and yamlio agree."""
    import yaml
    texts = []
    for value, style in data:
        try:
            texts.append(yaml.safe_dump(value, **style))
        except yaml.YAMLError:
            continue
    answers = yaml_oracle.yaml_to_json(texts)
    for text, go in zip(texts, answers):
        problem = verdict(yamlio_answer(yamlio.load, text), go)
        assert problem is None, "%s\ninput: %r" % (problem, text)


def test_compare_rule_is_strict():
    """The comparison itself must catch the differences that matter."""
    assert mismatch(1, 1) is None and mismatch(1.0, 1) is None and mismatch(1.5, 1.5) is None
    assert mismatch(1, 1.5) and mismatch(True, 1) and mismatch(1, True) and mismatch("1", 1)
    assert mismatch(1, 1.0) is not None          # a YAML int never comes back from Go as a fraction
    assert mismatch({"a": 1}, {"a": 1, "b": 2}) and mismatch([1], [1, 2]) and mismatch(None, "null")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(soup, min_size=50, max_size=50))
def test_random_line_soup_matches_oracle(yaml_oracle, texts):
    """Mostly broken YAML: go-yaml and libyaml must fail together and agree where both succeed."""
    for text, go in zip(texts, yaml_oracle.yaml_to_json(texts)):
        problem = verdict(yamlio_answer(yamlio.load, text), go)
        assert problem is None, "%s\ninput: %r" % (problem, text)


# Anchors, aliases, merges, tags, odd keys and values that JSON cannot hold, in every combination: where
# go-yaml decides (decode) and where YAMLToJSON or json.Marshal decide (after duplicates and merges).
SEM_KEYS = ["a", "b", "<<", "~", "null", "1", "true", "yes", "'x'", "1.5", "18446744073709551615", "? c", "[k]",
            "{k: v}", "*A", "*B", "&A a", "!!str 1", "!!int 2", '"<<"']
SEM_VALUES = ["1", ".inf", ".nan", "~", "", "x", "&A {x: 1}", "&B [1, 2]", "*A", "*B", "[*A, *B]", "[*A]",
              "{<<: *A}", "!!binary aGk=", "!!float 1", "!!int x", "&A .inf", "&B ~", "[1, {a: .inf}]", "{~: 1}",
              "{? [a]: 1}", "!!null", "&C", "*C", "[]", "{}", "!!map {a: 1}", "!foo bar", "2001-01-01",
              "!!timestamp 2001-01-01", "-.inf"]
semantic_line = st.tuples(st.sampled_from(["", "", "  ", "    "]), st.integers(0, 3), st.sampled_from(SEM_KEYS),
                          st.sampled_from(SEM_VALUES)).map(
    lambda t: t[0] + ("%s: %s" % (t[2], t[3]), "- " + t[3], t[2] + ":", "- %s: %s" % (t[2], t[3]))[t[1]])
semantic_soup = st.lists(semantic_line, min_size=1, max_size=7).map(lambda ls: "\n".join(ls) + "\n")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(semantic_soup, min_size=50, max_size=50))
def test_anchor_merge_tag_soup_matches_oracle(yaml_oracle, texts):
    for text, go in zip(texts, yaml_oracle.yaml_to_json(texts)):
        problem = verdict(yamlio_answer(yamlio.load, text), go)
        assert problem is None, "%s\ninput: %r" % (problem, text)
