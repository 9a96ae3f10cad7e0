"""Go templates have a work budget: a template that would run for hours (nested `range until 100000`, a
template calling itself twice per level) or write gigabytes stops with one error naming the template.
(The Jinja profile's budgets and CEL's cost limit are tested in test_hostile_input.py.)"""
import json
import time

import pytest

from simulator.gotemplate import TemplateError, render
from simulator.gotemplate import execute

from .conftest import run_cli
from .test_hostile_input import HTTPBIN, _check_lines

HANGS = [
    ("nested-range", '{{ range until 100000 }}{{ range until 100000 }}x{{ end }}{{ end }}',
     r"more than 200000 range iterations and template calls"),
    ("nested-range-over-lists", '{{ $l := until 5000 }}{{ range $l }}{{ range $l }}{{ end }}{{ end }}',
     r"more than 200000 range iterations"),
    ("doubling-recursion", '{{ define "a" }}{{ if lt . 40 }}{{ template "a" (add1 .) }}{{ template "a" (add1 .) }}'
                           '{{ end }}{{ end }}{{ template "a" 0 }}', r"more than 200000 range iterations"),
    ("output-bytes", '{{ range until 150000 }}' + "x" * 100 + '{{ end }}', r"more than 4194304 bytes of output"),
    ("output-bytes-from-one-action-per-step", '{{ $s := repeat 100000 "x" }}{{ range until 1000 }}{{ $s }}{{ end }}',
     r"more than 4194304 bytes of output"),
]


@pytest.mark.parametrize("name,template,message", HANGS, ids=[h[0] for h in HANGS])
def test_go_templates_stop_at_the_work_budget(name, template, message):
    start = time.monotonic()
    with pytest.raises(TemplateError, match=message) as e:
        render(template, name="sidecar")
    assert time.monotonic() - start < 20
    assert str(e.value).startswith('template: sidecar:1:') and 'executing "' in str(e.value)


GROWTH = [   # a value doubled in a loop: bounded in memory and time, whichever function grows it
    ("print", '{{ $s := "ab" }}{{ range until 40 }}{{ $s = print $s $s }}{{ end }}{{ len $s }}', "bytes"),
    ("printf", '{{ $s := "ab" }}{{ range until 40 }}{{ $s = printf "%s%s" $s $s }}{{ end }}{{ len $s }}', "bytes"),
    ("cat", '{{ $s := "ab" }}{{ range until 40 }}{{ $s = cat $s $s }}{{ end }}{{ len $s }}', "bytes"),
    ("join", '{{ $s := "ab" }}{{ range until 40 }}{{ $s = list $s $s | join "" }}{{ end }}{{ len $s }}', "bytes"),
    ("toJson-of-its-quotes", '{{ $s := "\\"" }}{{ range until 40 }}{{ $s = toJson $s }}{{ end }}{{ len $s }}', "bytes"),
    ("b64enc", '{{ $s := "ab" }}{{ range until 80 }}{{ $s = b64enc $s }}{{ end }}{{ len $s }}', "bytes"),
    ("concat", '{{ $x := list 1 }}{{ range until 40 }}{{ $x = concat $x $x }}{{ end }}{{ len $x }}', "items"),
]


@pytest.mark.parametrize("name,template,unit", GROWTH, ids=[g[0] for g in GROWTH])
def test_values_grown_in_a_loop_stop_at_the_value_budget(name, template, unit):
    import tracemalloc

    start = time.monotonic()
    tracemalloc.start()
    try:
        with pytest.raises(TemplateError, match=r"returned \d+ %s, over the simulator's work budget" % unit):
            render(template, name="sidecar")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - start < 20
    assert peak < 400 << 20, peak        # a few values near the budget, never gigabytes


def test_the_budget_is_far_above_what_real_templates_use():
    """A range as long as any pod's (thousands of ports, env vars) renders in full."""
    out = render('{{ range $i := until 20000 }}{{ $i }},{{ end }}')
    assert out.count(",") == 20000
    assert execute.MAX_STEPS >= 100 * 1000 and execute.MAX_OUTPUT >= 1 << 20


def test_a_template_over_budget_is_one_line_naming_the_template(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("policy: enabled\ntemplates:\n  sidecar: |\n    {{ range until 100000 }}{{ range until 100000 }}"
                      "x{{ end }}{{ end }}\n")
    values = tmp_path / "values.json"
    values.write_text("{}")
    start = time.monotonic()
    run = run_cli("explain", "-f", HTTPBIN, "-n", "mesh", "--inject-config", str(config), "--values", str(values),
                  "-o", "json")
    assert time.monotonic() - start < 30
    _check_lines(run)
    assert run.status == 2
    item = json.loads(run.stdout)["items"][0]
    assert item["verdict"] == "rejected"
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and "templates.sidecar" in lines[0] and "work budget" in lines[0], run.stderr
