"""`explain -o html` / `-o svg` in a real browser (Debian's headless Chromium): the DOM it builds holds the
diagram, the highlighted deciding step and the summary's links; the page asks the network for nothing (a
page that does is caught, so the check can fail); it renders, follows a dark system scheme, and prints."""
import re
import xml.etree.ElementTree as ET

import pytest

from tests import browser
from tests.conftest import run_cli
from tests.pictures import HOSTILE, LESSON, parse

pytestmark = pytest.mark.skipif(browser.CHROMIUM is None, reason=browser.MISSING)


@pytest.fixture(scope="module")
def lesson(tmp_path_factory):
    path = tmp_path_factory.mktemp("page") / "lesson.html"
    run = run_cli("explain", "-f", "-", "-o", "html", stdin=LESSON)
    assert run.status == 0, run.stderr
    path.write_text(run.stdout, encoding="utf-8")
    return path


def _body_elements(tree):
    tags = [t for t, _ in tree.elements]
    return [(t, a.get("id"), a.get("class")) for t, a in tree.elements[tags.index("body"):]]


def test_chromium_builds_the_page_as_written(lesson, tmp_path):
    rendered = parse(browser.dom(lesson, tmp_path))
    written = parse(lesson.read_text(encoding="utf-8"))
    # the same elements in the same order: nothing was misparsed, closed early or moved
    assert _body_elements(rendered) == _body_elements(written)


def test_the_dom_has_the_diagram_the_deciding_step_and_the_summary_links(lesson, tmp_path):
    page = browser.dom(lesson, tmp_path)
    tree = parse(page)
    ids = {a["id"] for _, a in tree.elements if "id" in a}
    links = [a["href"] for t, a in tree.elements if t == "a" and a.get("href", "").startswith("#obj-")]
    assert links == ["#obj-1", "#obj-2", "#obj-3"] and {h[1:] for h in links} <= ids
    articles = re.findall(r'<article class="object" id="obj-\d".*?</article>', page, re.S)
    assert len(articles) == 3
    for article in articles:      # in-tree plugins, then one configuration's four webhooks, each ✓ or ✗
        assert re.search(r'<ol class="flow"[^>]*>\s*<li class="changed"[^>]*><span class="mark">✎</span>API defaults',
                         article)
        assert len(re.findall(r'<span class="mark">(?:✓ called|✗ not called)</span>', article)) == 4
    current = [(a.get("class"), i) for i, (t, a) in enumerate(tree.elements) if a.get("aria-current") == "step"]
    assert [c for c, _ in current] == ["match deciding", "match deciding"]     # httpbin's and batch's policy
    batch = articles[1]
    step = re.search(r'<li class="match deciding" aria-current="step">(.*?)</li>', batch).group(1)
    assert step.startswith("<strong>annotation sidecar.istio.io/inject</strong>: \"false\"") and "▶ deciding step" in step
    assert "istio-injection in (enabled); namespace has no label istio-injection" in articles[2]


def test_the_page_asks_the_network_for_nothing(lesson, tmp_path):
    browser.dom(lesson, tmp_path)
    assert browser.page_requests(tmp_path, lesson) == []


def test_a_hostile_manifest_makes_no_request_either(tmp_path):
    page = tmp_path / "hostile.html"
    page.write_text(run_cli("explain", "-f", "-", "-o", "html", stdin=HOSTILE).stdout, encoding="utf-8")
    built = browser.dom(page, tmp_path)
    assert browser.page_requests(tmp_path, page) == []
    assert "<script" not in built and "<img" not in built


def test_the_network_check_catches_a_page_that_loads_something(tmp_path):
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><html><head><link rel="stylesheet" href="https://cdn.example.invalid/s.css">'
                    '</head><body><img src="http://images.example.invalid/x.png"><p>x</p></body></html>')
    browser.dom(page, tmp_path)
    assert sorted(browser.page_requests(tmp_path, page)) == ["http://images.example.invalid/x.png",
                                                            "https://cdn.example.invalid/s.css"]


def test_it_renders_light_by_default_and_dark_in_a_dark_room(lesson, tmp_path):
    light, dark = tmp_path / "light.png", tmp_path / "dark.png"
    for png, extra in ((light, []), (dark, ["--force-dark-mode"])):
        proc = browser.run(lesson, tmp_path, f"--screenshot={png}", "--window-size=1280,900", *extra)
        assert proc.returncode == 0, proc.stderr[-2000:]
    (size, background) = browser.png_size_and_first_pixel(light)
    assert size == (1280, 900) and background == (255, 255, 255)
    assert browser.png_size_and_first_pixel(dark) == ((1280, 900), (0x11, 0x11, 0x11))


def test_it_prints_one_object_per_page_at_least(lesson, tmp_path):
    pdf = tmp_path / "lesson.pdf"
    proc = browser.run(lesson, tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type /Page\b(?!s)", data))
    assert pages >= 4           # the summary, then each of the three objects from a new page


def test_the_svg_renders_standalone(tmp_path):
    svg = tmp_path / "pipeline.svg"
    svg.write_text(run_cli("explain", "-f", "-", "-o", "svg", stdin=LESSON).stdout, encoding="utf-8")
    built = browser.dom(svg, tmp_path)
    root = ET.fromstring(built.encode())
    assert root.tag.endswith("svg") and any("decided the result" in (t.text or "") for t in root.iter()
                                            if t.tag.endswith("text"))
    assert browser.page_requests(tmp_path, svg) == []
    png = tmp_path / "pipeline.png"
    assert browser.run(svg, tmp_path, f"--screenshot={png}", "--window-size=1000,1400").returncode == 0
    assert browser.png_size_and_first_pixel(png) == ((1000, 1400), (255, 255, 255))
