"""simulator.yamlio.write against sigs.k8s.io/yaml.JSONToYAML (the Go oracle): the text `istioctl
kube-inject` prints must come out byte for byte - quoting style, escapes, and long lines folded at
go-yaml's width.

Left out on purpose: strings holding U+0085, U+2028, U+2029 or U+FEFF, where go-yaml's emitter garbles
its own output (it drops or re-indents those characters, or escapes everything after a BOM)."""
import json
import random

import pytest

from simulator.yamlio.write import dump
from tests.recorded import text_digest

from .conftest import as_json_to_yaml, json_to_yaml_request, recorded_answers

WORDS = ["a", "name", "kube-system", "{\"name\":", "'q'", "it's", "x:y", "#", "-", "  ", " ", "\\", "é",
         "\t", "\"", "true", "1.5", "?", "a b", "http://x/y", "*", "&", "[1]", "%", "@", "0", "\n",
         "2001-12-14", "2001-12-14T21:59:43.10-05:00", "2001-12-14 21:59:43.10", "1:20", "0x1F", "~", "null",
         "\xa0", "\U0001F600", "\x07", "\r"]
KEYS = ["k", "metadata", "k8s.v1.cni.cncf.io/networks", "sidecar.istio.io/status", "a" * 40, "1", "y", "a b"]


def _text(rnd):
    words = [rnd.choice(WORDS) for _ in range(rnd.randint(0, 40))]
    return (" " if rnd.random() < 0.7 else "").join(words)


def _value(rnd, depth=0):
    r = rnd.random()
    if depth < 3 and r < 0.2:
        return {rnd.choice(KEYS): _value(rnd, depth + 1) for _ in range(rnd.randint(0, 3))}
    if depth < 3 and r < 0.3:
        return [_value(rnd, depth + 1) for _ in range(rnd.randint(0, 3))]
    if r < 0.35:
        return rnd.choice([0, -3, 7, True, False, None, 1.5])
    return _text(rnd)


FOLDED = {"metadata": {"annotations": {"k8s.v1.cni.cncf.io/networks":
                                       '[{"name": "alt_cni"}, {"name": "more_cni", "namespace": "kube-system"}]'}}}


@pytest.fixture(scope="module")
def folded_answer(request):
    return recorded_answers(request, "json-to-yaml-folded", {"folded": json_to_yaml_request(FOLDED)},
                            "sigs.k8s.io/yaml.JSONToYAML of an annotation long enough to fold")


def test_a_folded_annotation_from_istios_corpus(folded_answer):
    doc = FOLDED
    want = as_json_to_yaml(folded_answer.get("folded"))
    assert want.count("\n") == 4      # the value is folded onto a second line
    assert dump(doc) == want


# Keys go-yaml writes in the explicit form (`? key` / `: value`): over 128 bytes, or with a line break.
# Kubernetes allows annotation and label keys of up to 253 + 1 + 63 characters.
LONG = "a" * 60 + "." + "b" * 56 + ".io/" + "c" * 8        # 129 characters
KEYED = {
    "key-128-bytes": {"a" * 128: "v"},
    "key-129-bytes": {"a" * 129: "v"},
    "key-317-annotation": {"metadata": {"annotations": {"p" * 253 + "/" + "n" * 63: "v", "z": "y"}}},
    "key-multibyte-over-128-bytes": {"é" * 65: "v", "é" * 64: "w"},
    "key-values-of-every-shape": {LONG: {"x": 1, "y": [1, 2]}, LONG + "l": ["a", {"b": "c", "d": "e"}], LONG + "e": {},
                                  LONG + "f": [], LONG + "n": None, LONG + "t": True, LONG + "s": "it's here",
                                  LONG + "m": "line one\nline two\n", LONG + "w": " ".join(["word"] * 30)},
    "key-in-a-list-item": {"items": [{LONG: "v", "a": "b"}, {"a": "b", LONG: {"c": "d"}}]},
    "key-with-spaces-past-the-width": {" ".join(["long"] * 40): "v"},
    "key-multi-line": {"a\nb": "x", "a\n": "y", "\nb": "z", "a\n\nb": {"c": "d"}, "trailing \n": ["q"]},
    "key-carriage-return": {"a\rb": "x"},
    "key-quoted-forms": {"1": "x", "true": "y", "a: b": "z", "#c": "w", "- d": "v"},
}


@pytest.fixture(scope="module")
def keyed_answers(request):
    return recorded_answers(request, "json-to-yaml-keys", {c: json_to_yaml_request(d) for c, d in KEYED.items()},
                            "sigs.k8s.io/yaml.JSONToYAML of long and multi-line keys")


@pytest.mark.parametrize("case", sorted(KEYED))
def test_long_and_multi_line_keys_as_go_writes_them(keyed_answers, case):
    assert dump(KEYED[case]) == as_json_to_yaml(keyed_answers.get(case))


def test_an_annotation_key_kubernetes_allows_is_written_in_the_explicit_form():
    assert dump({"metadata": {"annotations": {LONG: "v"}}}) == f"metadata:\n  annotations:\n    ? {LONG}\n    : v\n"


SEEDS = (1, 2, 3)


def _seeded_documents(seed):
    rnd = random.Random(seed)
    docs = [{"k": _value(rnd), "metadata": {"annotations": {"x": _value(rnd)}}, "spec": [_value(rnd)]}
            for _ in range(2000)]
    return [json.loads(json.dumps(d)) for d in docs]


@pytest.fixture(scope="module")
def seeded_digests(request):
    """Per seed, the fingerprints (tests/recorded.text_digest) of the text Go writes for each document:
    6,000 texts are too bulky to store, their fingerprints are not."""
    documents = {seed: _seeded_documents(seed) for seed in SEEDS}

    def ask(oracle, cases):
        return [[text_digest(as_json_to_yaml(a)) for a in oracle._run([json_to_yaml_request(d) for d in documents[s]])]
                for s in (int(c.split("-")[1]) for c in cases)]

    return documents, recorded_answers(request, "json-to-yaml-seeded", {"seed-%d" % s: documents[s] for s in SEEDS},
                                       "fingerprints of sigs.k8s.io/yaml.JSONToYAML's text for "
                                       "test_yamlout.py's seeded random documents", ask=ask)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_documents_match_go(seeded_digests, seed, monkeypatch):
    documents, answers = seeded_digests
    docs, wants = documents[seed], answers.get("seed-%d" % seed)
    bad = [json.dumps(d, ensure_ascii=False) for d, w in zip(docs, wants) if text_digest(dump(d)) != w]
    assert not bad, "%d of %d differ from Go's text, e.g. %s" % (len(bad), len(docs), bad[:3])
    from simulator.yamlio import write as yamlout

    monkeypatch.setattr(yamlout, "BEST_WIDTH", 10 ** 9)
    assert sum(text_digest(dump(d)) != w for d, w in zip(docs, wants)) > 100    # folding was exercised
