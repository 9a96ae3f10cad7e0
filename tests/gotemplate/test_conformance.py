"""Every case in cases/*.yaml runs through Go (the oracle) and the Python engine; results must match.

No expected output is stored: Go is the expectation.  Both sides must produce identical output, or both
must fail.  Error texts must be identical too, except for cases marked `error: loose` (each with a `why:`)
where only the failure itself is compared.  Cases marked `divergence: unsupported` (with a `why:`) cover
sprig functions the simulator deliberately lacks (clock, randomness): Python must refuse them with its
explanation whatever Go does.
"""

from pathlib import Path

import pytest
import yaml



from . import oracle_client

CASE_DIR = Path(__file__).resolve().parent / "cases"


def load_cases():
    cases = []
    for path in sorted(CASE_DIR.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for c in doc["cases"]:
            c = dict(c)
            c["file"] = path.name
            cases.append(c)
    return cases


CASES = load_cases()


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


@pytest.fixture(scope="session")
def go_results(oracle):
    """All cases in one oracle batch: one process for the whole suite."""
    results = oracle.run_many([_request(c) for c in CASES])
    return {c["name"]: r for c, r in zip(CASES, results)}


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


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_go(case, go_results):
    go = go_results[case["name"]]
    py = run_python(case)
    if case.get("divergence") == "unsupported":
        assert "not available in the simulator" in py.get("error", ""), py
        return
    if "output" in go:
        assert py == {"output": go["output"]}, "Go rendered %r" % (go["output"],)
    else:
        assert "error" in py, "Go failed with %r but Python rendered %r" % (go["error"], py.get("output"))
        assert py["phase"] == go["phase"], (py, go)
        if case.get("error") != "loose":
            assert py["error"] == go["error"]
