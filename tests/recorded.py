"""What the Go oracles answered, stored in the repository, so conformance tests assert something without Go.

A recording is one JSON file, `tests/<area>/golden/<name>.json`, mapping each case name to the digest of
the question asked (the exact request sent to the oracle) and the oracle's answer.  How a test uses it:

- Go present (the oracle builds): the oracle is asked, as before, and the test compares with its live
  answer.  The recording is re-checked on the way: a case whose recorded answer differs from Go's, or that
  has no answer recorded for this very question, fails and says so.
- No Go: the recorded answers stand in for the oracle.  A case recorded for a different question (it was
  edited since) or not recorded at all skips, saying that only Go can answer it.

`python3 -m pytest <tests> --update-oracle-goldens` (Go required) rewrites the recordings those tests use
from Go's answers; review the diff like any golden.
"""

import hashlib
import json
import os

import pytest

UPDATE_OPTION = "--update-oracle-goldens"


def digest(question):
    """A short stable name for a question: sha256 of its JSON (or of the text itself)."""
    text = question if isinstance(question, str) else json.dumps(question, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def text_digest(text):
    """For bulky answers recorded only by fingerprint (e.g. thousands of YAML texts)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


class Answers:
    """Answers to a set of named questions, live from Go or from the recording; `get(case)` is what a
    test calls: it fails for a recording Go contradicts, skips for a question nobody can answer here."""

    def __init__(self, source, answers, problems, missing):
        self.source = source          # "go" or "recorded"
        self._answers = answers
        self._problems = problems
        self._missing = missing

    def get(self, case):
        if case in self._problems:
            pytest.fail(self._problems[case], pytrace=False)
        if case in self._missing:
            pytest.skip(self._missing[case])
        return self._answers[case]

    def __contains__(self, case):
        return case in self._answers

    def values(self):
        return self._answers.values()


def answers(request, path, questions, ask, unavailable, *, same=None, about=""):
    """Answers for `questions` ({case: question}, in order).

    `ask(cases)` returns Go's answers for those cases, in order; it raises `unavailable` (an exception
    class, or a tuple of them) when there is no Go to ask - anything else it raises is a real failure.
    `same(case, recorded, live)` says whether a recorded answer still holds (default: equality).
    """
    same = same or (lambda case, recorded, live: recorded == live)
    update = request.config.getoption(UPDATE_OPTION)
    stored = _load(path)
    want = {case: digest(q) for case, q in questions.items()}
    try:
        live = dict(zip(questions, ask(list(questions))))
    except unavailable as e:
        if update:
            pytest.fail("%s needs Go to ask: %s" % (UPDATE_OPTION, e), pytrace=False)
        live = None
        why = str(e)

    if live is not None:
        if update:
            _save(path, about, {case: {"question": want[case], "answer": live[case]} for case in questions})
            return Answers("go", live, {}, {})
        problems = {}
        for case in questions:
            entry = stored.get(case)
            if entry is None or entry.get("question") != want[case]:
                problems[case] = ("%s records no answer to this question of case %r: rerun with %s and commit "
                                  "the file" % (_rel(path), case, UPDATE_OPTION))
            elif not same(case, entry["answer"], live[case]):
                problems[case] = ("Go now answers case %r differently from %s:\n  recorded %r\n  Go       %r\n"
                                  "(if Go is right, rerun with %s and review the diff)"
                                  % (case, _rel(path), entry["answer"], live[case], UPDATE_OPTION))
        return Answers("go", live, problems, {})

    got, missing = {}, {}
    for case in questions:
        entry = stored.get(case)
        if entry is not None and entry.get("question") == want[case]:
            got[case] = entry["answer"]
        else:
            missing[case] = ("%s; %s has no answer recorded for this question of case %r"
                             % (why, _rel(path), case))
    return Answers("recorded", got, {}, missing)


def _rel(path):
    return os.path.relpath(str(path))


def _load(path):
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh).get("cases", {})
    except FileNotFoundError:
        return {}


def _save(path, about, cases):
    os.makedirs(os.path.dirname(str(path)), exist_ok=True)
    doc = {"about": about or "answers of a Go oracle, see tests/recorded.py", "cases": cases}
    tmp = str(path) + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        # ASCII escapes: answers may hold lone surrogates (Go's invalid UTF-8, surrogate-escaped).
        json.dump(doc, fh, indent=1, sort_keys=True)
        fh.write("\n")
    os.replace(tmp, str(path))
