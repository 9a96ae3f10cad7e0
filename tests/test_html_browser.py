"""`explain -o html` / `-o svg` in a real browser (Debian's headless Chromium): the DOM it builds holds the
diagram, the highlighted deciding step and the summary's links; the page asks the network for nothing (a
page that does is caught, so the check can fail); it renders, follows a dark system scheme, and prints; and,
driven over the DevTools protocol, a keyboard alone reaches every object, the type is projector-sized, print
hides the navigation and spells out the documentation links."""
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


@pytest.fixture
def session(lesson, tmp_path):
    pytest.importorskip("websocket", reason="websocket-client (the `cluster` extra) drives Chromium's DevTools protocol")
    s = browser.Session(lesson, tmp_path)
    yield s
    s.close()


def _focused(session):
    return session.evaluate("(e => [e.tagName, e.className, e.getAttribute('href') || e.id, "
                            "e.closest('article') ? e.closest('article').id : null, "
                            "Math.round(e.getBoundingClientRect().left)])(document.activeElement)")


def test_the_keyboard_alone_reaches_every_object(session):
    """Tab first shows the skip link on screen; Enter skips to the explanation; the next Tab reaches the
    summary's first link, Enter follows it, and the next Tab stays in that object."""
    session.tab()
    tag, cls, href, _, left = _focused(session)
    assert (tag, cls, href) == ("A", "skip", "#main") and left >= 0         # visible while focused
    session.enter()
    assert session.evaluate("location.hash") == "#main" and _focused(session)[:3] == ["MAIN", "", "main"]
    session.tab()
    assert _focused(session)[2] == "#obj-1"
    session.enter()
    assert session.evaluate("location.hash") == "#obj-1"
    session.tab()
    assert _focused(session)[3] == "obj-1"      # the next stop is inside the object the link led to
    # every link can take the focus, and the focused one is outlined
    assert session.evaluate("[...document.querySelectorAll('a[href]')].every(a => a.tabIndex === 0)")
    assert session.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    assert session.requests == []               # walking the page asked the network for nothing


def test_the_devtools_request_log_sees_a_request_when_one_is_made(session):
    """The check above can fail: a request the page makes is logged (the host resolves to nothing)."""
    session.evaluate("new Image().src = 'http://images.example.invalid/x.png'; 1")
    session.evaluate("1")
    assert "http://images.example.invalid/x.png" in session.requests


def test_projector_type_is_large(session):
    size = session.evaluate("[...document.querySelectorAll('body, p, li, td, th, h1, h2, h3, .result')]"
                            ".map(e => parseFloat(getComputedStyle(e).fontSize))")
    body, h1 = session.evaluate("[parseFloat(getComputedStyle(document.body).fontSize), "
                                "parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)]")
    assert body == 20 and h1 == 40 and min(size) >= 17          # nothing smaller than small print at 20 px


def test_print_hides_navigation_and_spells_out_the_docs_links(session):
    session.media("print")
    assert session.evaluate("getComputedStyle(document.querySelector('.skip')).display") == "none"
    assert session.evaluate("getComputedStyle(document.querySelector('.back')).display") == "none"
    after = session.evaluate("getComputedStyle(document.querySelector('a.docs'), '::after').content")
    assert after == '" (https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/)"'
    assert session.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"


def test_a_dark_room_gets_light_text_on_dark(session):
    session.media("", prefers_color_scheme="dark")
    assert session.evaluate("[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]") \
        == ["rgb(17, 17, 17)", "rgb(242, 242, 242)"]
