"""`explain -o html` and `-o svg` without a browser: well-formed, self-contained, escaped, and showing what
a learner reads off them (the webhooks' ✓/✗ with the deciding predicate, the deciding policy step, what the
templates added, the RESULT, a summary linking to each object).  tests/test_html_browser.py renders them."""
import os
import re
import xml.etree.ElementTree as ET

import pytest

from plugin.printers import docs
from simulator.trace import RuleId, WarningCode
from tests.pictures import ATTACK, HOSTILE, LESSON, parse

DATA = os.path.join(os.path.dirname(__file__), "data")
DOC_PAGES = set(docs.RULES.values()) | set(docs.WARNINGS.values()) | set(docs.FINDINGS.values())

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def lesson_page():
    from tests.conftest import run_cli

    run = run_cli("explain", "-f", "-", "-o", "html", stdin=LESSON)
    assert run.status == 0, run.stderr
    return run.stdout


def _article(page, n):
    return re.search(rf'<article class="object" id="obj-{n}".*?</article>', page, re.S).group(0)


def test_page_is_well_formed_and_loads_nothing(lesson_page):
    tree = parse(lesson_page)
    assert tree.errors == [] and tree.stack == []
    assert lesson_page.startswith("<!DOCTYPE html>")
    # nothing fetched: no src anywhere, every link an anchor in the page or (followed only when clicked) a
    # documentation page of plugin/printers/docs.py; no script, no external stylesheet
    assert [a for t, a in tree.elements if "src" in a] == []
    hrefs = [a["href"] for t, a in tree.elements if "href" in a]
    assert hrefs and all(h.startswith("#") or h in DOC_PAGES for h in hrefs)
    assert [t for t, a in tree.elements if a.get("href", "#")[0] != "#"] == ["a"] * (len(hrefs) - sum(
        h.startswith("#") for h in hrefs))
    assert not {"script", "link", "img", "iframe", "object", "embed"} & {t for t, _ in tree.elements}
    assert "url(" not in lesson_page and "@import" not in lesson_page
    csp = [a["content"] for t, a in tree.elements if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp == ["default-src 'none'; style-src 'unsafe-inline'"]


def test_every_anchor_leads_to_an_element_of_the_page(lesson_page):
    tree = parse(lesson_page)
    ids = {a["id"] for _, a in tree.elements if "id" in a}
    targets = {a["href"][1:] for _, a in tree.elements if a.get("href", "").startswith("#")}
    assert targets <= ids
    assert {"obj-1", "obj-2", "obj-3", "summary", "main"} <= targets


def test_summary_table_names_each_object_with_its_verdict_and_rule(lesson_page):
    summary = re.search(r'<section id="summary".*?</section>', lesson_page, re.S).group(0)
    rows = re.findall(r"<tr><td>(\d)</td><td><a href=\"#obj-\d\">([^<]+)</a></td><td>.*?>(.) ([A-Z ]+)</span>"
                      r"</td><td><a class=\"docs\" href=\"[^\"]+\"[^>]*><code>([^<]+)</code></a>", summary)
    assert rows == [("1", "Deployment mesh/httpbin", "✓", "INJECTED", "policy-enabled"),
                    ("2", "Pod mesh/batch", "✗", "NOT INJECTED", "inject-annotation"),
                    ("3", "Pod default/client", "✗", "NOT INJECTED", "no-matching-webhook")]


def test_webhooks_show_called_or_not_with_the_deciding_predicate(lesson_page):
    client = _article(lesson_page, 3)
    hooks = re.findall(r'<li class="([a-z ]+)" data-predicate="([^"]+)"><span class="mark">([^<]+)</span> '
                       r"<code>([^<]+)</code>", client)
    assert [h[3] for h in hooks] == ["rev.namespace.sidecar-injector.istio.io", "rev.object.sidecar-injector.istio.io",
                                     "namespace.sidecar-injector.istio.io", "object.sidecar-injector.istio.io"]
    assert all(cls == "excluded" and mark == "✗ not called" for cls, _, mark, _ in hooks)
    # the failing expression and the label value it saw, e.g. the namespace webhook's
    assert ("<strong>namespaceSelector:</strong> needs istio-injection in (enabled); namespace has no label "
            "istio-injection") in client
    assert "Istio&#x27;s injection policy" not in client     # never asked
    httpbin = _article(lesson_page, 1)
    assert re.search(r'<li class="called deciding" data-predicate="called"><span class="mark">✓ called</span> '
                     r'<code>namespace.sidecar-injector.istio.io</code><span class="tag">decided the result</span>',
                     httpbin)


def test_policy_chain_highlights_the_deciding_step_only(lesson_page):
    batch = _article(lesson_page, 2)
    deciding = re.findall(r'<li class="([a-z- ]*deciding)" aria-current="step">(.*?)</li>', batch)
    assert len(deciding) == 1
    assert "annotation sidecar.istio.io/inject" in deciding[0][1] and "&quot;false&quot;" in deciding[0][1]
    assert "▶ deciding step" in deciding[0][1]
    steps = re.findall(r'<ol class="steps">(.*?)</ol>', batch, re.S)[0]
    assert steps.count("<li") == 7 and steps.count("aria-current") == 1
    assert 'class="not-evaluated"' in steps          # the steps after the deciding one were not reached


def test_before_and_after_marks_what_the_templates_added(lesson_page):
    httpbin = _article(lesson_page, 1)
    pod = re.search(r'<table class="pod">.*?</table>', httpbin, re.S).group(0)
    row = dict((k.strip(), v) for k, v in re.findall(r'<tr><th scope="row">([a-z ]+)[^<]*(?:<span[^>]*>[^<]*</span>)?</th>(.*?)</tr>', pod))
    before, after = re.findall(r"<td>(.*?)</td>", row["containers"])
    assert "istio-proxy" not in before and '<li class="added"><code>istio-proxy</code>' in after
    assert "<li><code>httpbin</code></li>" in before and "<li><code>httpbin</code></li>" in after
    before, after = re.findall(r"<td>(.*?)</td>", row["init containers"])
    assert before == "<em>none</em>" and '<li class="added"><code>istio-init</code>' in after
    assert 'class="added"><code>istio-envoy</code>' in row["volumes"]
    assert re.search(r'class="added"><code>sidecar\.istio\.io/status=', row["annotations"])
    assert "<table" not in _article(lesson_page, 3) and "What the templates added" not in _article(lesson_page, 3)
    batch = _article(lesson_page, 2)         # Istio declined: its templates never ran, nothing to compare
    assert "What the templates added" not in batch and 'class="added"' not in batch


def test_result_line_per_object(lesson_page):
    results = re.findall(r'<p class="result" id="obj-(\d)-result"><strong>RESULT:</strong> <span class="verdict '
                         r'v-([a-z-]+)">', lesson_page)
    assert results == [("1", "injected"), ("2", "not-injected"), ("3", "not-injected")]


def test_every_rule_and_warning_links_to_its_upstream_page(cli, tmp_path):
    """The summary's and the RESULT's rule id link to the page that explains the rule; each warning to its own;
    a printed page spells the address out."""
    page = cli("explain", "-f", os.path.join(DATA, "advice", "job.yaml"), "-n", "mesh", "-o", "html").stdout
    rule = docs.RULES[RuleId.POLICY_ENABLED]
    linked = re.findall(r'<a class="docs" href="([^"]+)" rel="noreferrer" title="[^"]+">(?:about )?<code>([^<]+)</code>'
                        r"</a>", page)
    assert linked == [(rule, "policy-enabled"),
                      (docs.WARNINGS[WarningCode.JOB_SIDECAR_BLOCKS_COMPLETION], "job-sidecar-blocks-completion"),
                      (rule, "policy-enabled")]
    assert re.search(r'<p class="result"[^>]*>.*\[rule: <a class="docs" href="' + re.escape(rule), page)
    assert 'a.docs::after{content:" (" attr(href) ")"' in page.split("@media print", 1)[1]


#: Okabe & Ito's palette, distinguishable with the common colour-vision deficiencies; greys are safe too.
OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}


def _rgb(colour):
    h = colour.lstrip("#")
    h = "".join(c * 2 for c in h) if len(h) == 3 else h
    return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))


def _contrast(a, b):
    """WCAG 2 contrast ratio of two sRGB colours."""
    def lum(c):
        lin = [(v / 255) / 12.92 if v / 255 <= 0.03928 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in _rgb(c)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("output", ["html", "svg"])
def test_colours_are_colour_blind_safe(cli, output):
    """Every colour either is one of Okabe-Ito's or a grey: no red/green pair only colour could tell apart."""
    drawn = cli("explain", "-f", "-", "-o", output, stdin=LESSON).stdout
    style = re.search(r"<style>(.*?)</style>", drawn, re.S).group(1)
    colours = {c.upper() for c in re.findall(r"#[0-9A-Fa-f]{3}(?:[0-9A-Fa-f]{3})?\b", style)}
    assert colours and all(c in OKABE_ITO or len(set(_rgb(c))) == 1 for c in colours), colours - OKABE_ITO


def test_text_contrast_is_enough_for_a_projector_in_light_and_dark():
    """WCAG AA (4.5:1) for the text and link colours on the page and box backgrounds, in both schemes, and for
    the black verdict words on each verdict colour."""
    from plugin.printers.htmlpage import CSS

    light = dict(re.findall(r"--([a-z]+):(#[0-9A-Fa-f]+)", CSS.split("@media", 1)[0]))
    dark = {**light, **dict(re.findall(r"--([a-z]+):(#[0-9A-Fa-f]+)", CSS.split("prefers-color-scheme:dark", 1)[1]
                                       .split("}}", 1)[0]))}
    for scheme in (light, dark):
        for text in ("fg", "muted", "call"):
            for ground in ("bg", "box"):
                assert _contrast(scheme[text], scheme[ground]) >= 4.5, (text, ground, scheme)
    for verdict in ("ok", "no", "bad"):
        assert _contrast("#000", light[verdict]) >= 4.5, verdict


def test_accessibility_landmarks(lesson_page):
    tree = parse(lesson_page)
    tags = [t for t, _ in tree.elements]
    assert tree.elements[tags.index("a")][1] == {"class": "skip", "href": "#main"}   # the first link skips ahead
    assert ("main", {"id": "main", "tabindex": "-1"}) in tree.elements
    assert tags.count("h1") == 1 and tags.count("article") == 3
    assert ("html", {"lang": "en"}) in tree.elements
    assert "prefers-color-scheme:dark" in lesson_page and "@media print" in lesson_page


def test_hostile_manifest_text_is_escaped_everywhere(tmp_path, cli):
    path = tmp_path / '<img src=x onerror=alert(3)>.yaml'
    path.write_text(HOSTILE)
    run = cli("explain", "-f", str(path), "-o", "html")
    assert run.status == 0, run.stderr
    page = run.stdout
    tree = parse(page)
    assert tree.errors == [] and tree.stack == []
    assert not {"script", "img", "b"} & {t for t, _ in tree.elements}
    assert not [a for _, a in tree.elements if any(k.startswith("on") for k in a)]
    assert "\x1b" not in page and "\\x1b[31m" in page           # control characters shown, not sent
    text = "".join(tree.text)
    assert ATTACK.replace("\x1b", "").replace("&amp;", "&") not in text  # it is shown as text, entity and all:
    assert "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&amp;" in text
    assert "<img src=x onerror=alert(3)>.yaml" in text


def test_svg_is_well_formed_one_object_and_says_which(cli):
    run = cli("explain", "-f", "-", "-o", "svg", stdin=LESSON)
    assert run.status == 0
    assert "note: -o svg draws one object's pipeline: Deployment mesh/httpbin, the first of 3; -o html shows them all" \
        in run.stderr
    root = ET.fromstring(run.stdout.encode())
    assert root.tag == SVG + "svg" and root.get("role") == "img"
    assert root.find(SVG + "title").text == "Deployment mesh/httpbin: INJECTED"
    texts = [t.text for t in root.iter(SVG + "text")]
    assert "Pod mesh/batch" not in " ".join(texts)
    assert "✓ called: namespace.sidecar-injector.istio.io  — decided the result" in texts
    assert any(t.startswith("✗ not called: rev.namespace.sidecar-injector.istio.io") for t in texts)
    assert any(t.startswith("▶ policy: \"enabled\"") for t in texts)
    assert any(t.startswith("RESULT: ✓ INJECTED") for t in texts)
    deciding = [r for r in root.iter(SVG + "rect") if r.get("class") == "deciding"]
    assert len(deciding) == 2          # the webhook whose call decided, and the deciding policy step
    # the one link: the RESULT to the page about its rule (followed only when clicked)
    links = [(e.tag, v) for e in root.iter() for k, v in e.attrib.items() if k.endswith("href")]
    assert links == [(SVG + "a", docs.RULES[RuleId.POLICY_ENABLED])]
    assert "<script" not in run.stdout and "http://" not in run.stdout.replace("http://www.w3.org/2000/svg", "")


def test_svg_escapes_hostile_text(cli):
    run = cli("explain", "-f", "-", "-o", "svg", stdin=HOSTILE)
    root = ET.fromstring(run.stdout.encode())     # parses: nothing broke out of its text node
    assert {e.tag for e in root.iter()} <= {SVG + t for t in ("svg", "title", "desc", "style", "defs", "marker", "path",
                                                              "rect", "text", "a")}
    assert "<script>alert(1)</script>" in "".join(t.text or "" for t in root.iter(SVG + "text"))
    assert "\x1b" not in run.stdout


def test_svg_of_nothing_is_still_a_picture(cli):
    run = cli("explain", "-f", "-", "-o", "svg", stdin="apiVersion: v1\nkind: Service\nmetadata: {name: s}\n")
    ET.fromstring(run.stdout.encode())
    assert "No object was explained." in run.stdout


def _default_docs():
    from plugin.state.sources import load_default
    return [d.obj for d in load_default()]


def test_a_pod_refused_before_the_webhooks_shows_the_refusing_plugin(cli, tmp_path):
    import yaml

    state = tmp_path / "sa.yaml"
    state.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "ServiceAccount",
                                     "metadata": {"name": "default", "namespace": "mesh"}}))
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "b", "namespace": "mesh"},
           "spec": {"serviceAccountName": "builder", "containers": [{"name": "c", "image": "x"}]}}
    run = cli("explain", "-f", "-", "--cluster-state", str(state), "-o", "html", stdin=yaml.safe_dump(pod))
    assert run.status == 2 and "builder" in run.stderr        # the CLI still says why on stderr
    tree = parse(run.stdout)
    assert tree.errors == [] and tree.stack == []
    assert re.search(r'<li class="rejected"><span class="mark">⛔</span>ServiceAccount: rejected — [^<]*builder',
                     run.stdout)
    assert "1. Webhook selection" not in run.stdout and '<span class="verdict v-rejected">⛔ REJECTED</span>' in run.stdout
    svg = cli("explain", "-f", "-", "--cluster-state", str(state), "-o", "svg", stdin=yaml.safe_dump(pod)).stdout
    texts = [t.text for t in ET.fromstring(svg.encode()).iter(SVG + "text")]
    assert any("⛔ ServiceAccount" in t for t in texts) and any(t.startswith("RESULT: ⛔ REJECTED") for t in texts)


def test_templates_that_fail_show_the_error(cli, tmp_path):
    import yaml

    docs = _default_docs()
    cm = next(d for d in docs if d["kind"] == "ConfigMap")
    cfg = yaml.safe_load(cm["data"]["config"])
    cfg["templates"]["sidecar"] = "spec:\n  containers:\n  - name: {{ no_such_name.field }}\n"
    cm["data"]["config"] = yaml.safe_dump(cfg)
    cm["metadata"]["annotations"].pop("kubectl-inject.io/templates-from")
    state = tmp_path / "state.yaml"
    state.write_text(yaml.safe_dump_all(docs))
    run = cli("explain", "-f", "-", "--cluster-state", str(state), "-o", "html", stdin=LESSON.split("---")[0])
    assert run.status == 2
    assert "<strong>⛔ The templates failed</strong>" in run.stdout and "no_such_name" in run.stdout
    assert "template-error" in run.stdout



def test_a_live_object_shows_its_running_pods_and_findings():
    """`explain deployment/NAME -o html` on a live cluster: what its pods run, as `status` says it (escaped)."""
    from types import SimpleNamespace

    import yaml

    from plugin.printers.htmlpage import page
    from plugin.printers.picture import view
    from plugin.state.sources import build_state, load_default
    from simulator import Options, explain

    state, _ = build_state(load_default())
    deployment = yaml.safe_load(LESSON.split("---")[0])
    item = SimpleNamespace(
        document=SimpleNamespace(file="deployment/httpbin (live: kind-lab)", index=0, item=None),
        explanation=explain(deployment, "mesh", state, Options(hints=True)),
        origins={"Namespace": "live: kind-lab", "MutatingWebhookConfiguration": "live: kind-lab"},
        live={"pods": [{"name": "httpbin-1", "sidecar": False}],
              "findings": [{"code": "needs-restart", "detail": "created before <b>the label</b>",
                            "fix": "kubectl rollout restart deployment/httpbin -n mesh",
                            "docs": docs.FINDINGS["needs-restart"]}]})
    html = page([view(item)])
    assert parse(html).errors == []
    running = re.search(r"<h3>Running pods</h3>\s*<ul class=\"running\">(.*?)</ul>", html, re.S).group(1)
    assert "<li>1, 0 with a sidecar</li>" in running and "<li>httpbin-1: no sidecar</li>" in running
    assert "<li>! needs-restart: created before &lt;b&gt;the label&lt;/b&gt;" in running
    assert (f'<li><a class="docs" href="{docs.FINDINGS["needs-restart"]}" rel="noreferrer" '
            f'title="{docs.FINDINGS["needs-restart"]}">about <code>needs-restart</code></a></li>') in running
    assert "deployment/httpbin (live: kind-lab)<br>cluster state: read live from context kind-lab" in html


def test_the_readme_pictures_show_what_the_command_prints_today(cli):
    """docs/explain-*.png were photographed from the pages whose digests tools/explain_screenshot.py recorded:
    a printer change that alters the lesson's page makes the README's pictures stale, and this fails until
    the tool is rerun."""
    import hashlib

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "docs", "explain-pictures.sha256"), encoding="utf-8") as fh:
        recorded = dict(reversed(line.split()) for line in fh if line.strip())
    for output, picture in (("html", "explain-html.png"), ("svg", "explain-svg.png")):
        assert os.path.getsize(os.path.join(root, "docs", picture)) > 10_000
        drawn = cli("explain", "-f", "-", "-o", output, stdin=LESSON).stdout
        assert hashlib.sha256(drawn.encode()).hexdigest() == recorded[picture], (
            f"docs/{picture} is stale: rerun python3 tools/explain_screenshot.py")
