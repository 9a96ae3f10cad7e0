"""Every case in cases/*.yaml runs through Go (the oracle) and the Python engine; results must match.

Go is the expectation.  Its answers are also recorded in golden/conformance.json (tests/recorded.py), so
without Go the cases are checked against what Go said when they were recorded; with Go, the oracle is asked
again and must still say the same (`--update-oracle-goldens` rewrites the recording).  Both sides must
produce identical output, or both must fail.  Error texts must be identical too, except for cases marked
`error: loose` (each with a `why:`) where only the failure itself is compared.  Cases marked
`divergence: unsupported` (with a `why:`) cover sprig functions the simulator deliberately lacks (clock,
randomness): Python must refuse them with its explanation whatever Go does, so Go is not asked.
"""

from pathlib import Path

import pytest
import yaml

from tests import recorded

from . import oracle_client

CASE_DIR = Path(__file__).resolve().parent / "cases"


def load_cases():
    cases = []
    for path in sorted(CASE_DIR.glob("*.yaml")):
        # libyaml where PyYAML has it: the same data, parsed several times faster while tests are collected
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for c in doc["cases"]:
            c = dict(c)
            c["file"] = path.name
            cases.append(c)
    return cases


CASES = load_cases()
BY_NAME = {c["name"]: c for c in CASES}
COMPARED = [c for c in CASES if c.get("divergence") != "unsupported"]
UNSUPPORTED = [c for c in CASES if c.get("divergence") == "unsupported"]
RECORDING = Path(__file__).resolve().parent / "golden" / "conformance.json"


def test_case_names_are_unique_and_cases_well_formed():
    names = [c["name"] for c in CASES]
    dupes = sorted({n for n in names if names.count(n) > 1})
    assert not dupes, "duplicate case names: %s" % dupes
    for c in CASES:
        assert isinstance(c.get("template"), str), c["name"]
        unknown = set(c) - {"name", "template", "data", "missingkey", "entry", "funcs", "tname", "error",
                            "why", "divergence", "file"}
        assert not unknown, (c["name"], unknown)
        if c.get("error") == "loose" or c.get("divergence"):
            assert c.get("why"), "%s: a loose comparison needs a `why`" % c["name"]
        assert c.get("divergence") in (None, "unsupported"), c["name"]
    assert len(CASES) >= 300


def _request(case):
    return oracle_client.request(
        case["template"], oracle_client.from_case_data(case.get("data")),
        missingkey=case.get("missingkey", "default"), name=case.get("tname", "template"),
        entry=case.get("entry"), funcs=case.get("funcs", ()))


def _still_holds(name, recorded_answer, live):
    """A loose case's error text is not compared, so a recording of it need not match Go's word for word."""
    if BY_NAME[name].get("error") == "loose" and "error" in recorded_answer and "error" in live:
        return recorded_answer.get("phase") == live.get("phase")
    return recorded_answer == live


@pytest.fixture(scope="session")
def go_results(request):
    """Go's answers to every compared case, in one oracle batch (one process for the whole suite), or the
    recorded ones where Go is missing."""
    questions = {c["name"]: _request(c) for c in COMPARED}

    def ask(names):
        oracle = oracle_client.Oracle(oracle_client.oracle_binary())
        try:
            return oracle.run_many([questions[n] for n in names])
        finally:
            oracle.close()

    return recorded.answers(request, RECORDING, questions, ask, oracle_client.OracleUnavailable,
                            same=_still_holds, about="Go text/template + sprig answers to tests/gotemplate/cases "
                            "(tests/gotemplate/oracle); regenerate with --update-oracle-goldens")


def run_python(case):
    from simulator.gotemplate import Template, TemplateError

    from . import testfuncs

    data = oracle_client.from_case_data(case.get("data"))
    funcs = testfuncs.funcmap(case.get("funcs", ()))
    try:
        t = Template(case["template"], name=case.get("tname", "template"), funcs=funcs or None,
                     missingkey=case.get("missingkey", "default"))
        if case.get("entry"):
            return {"output": t.execute_template(case["entry"], data)}
        return {"output": t.execute(data)}
    except TemplateError as e:
        return {"error": str(e), "phase": e.kind}


@pytest.mark.parametrize("case", COMPARED, ids=[c["name"] for c in COMPARED])
def test_matches_go(case, go_results):
    go = go_results.get(case["name"])
    py = run_python(case)
    if "output" in go:
        assert py == {"output": go["output"]}, "Go rendered %r" % (go["output"],)
    else:
        assert "error" in py, "Go failed with %r but Python rendered %r" % (go["error"], py.get("output"))
        assert py["phase"] == go["phase"], (py, go)
        if case.get("error") != "loose":
            assert py["error"] == go["error"]


@pytest.mark.parametrize("case", UNSUPPORTED, ids=[c["name"] for c in UNSUPPORTED])
def test_unsupported_function_is_refused(case):
    py = run_python(case)
    assert "not available in the simulator" in py.get("error", ""), py
