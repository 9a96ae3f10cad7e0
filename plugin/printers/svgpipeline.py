"""`-o svg`: one object's pipeline as a standalone SVG picture, for slides and handouts.

A picture is of one object: with many, it draws the first one explained and says on stderr which one
it drew and that `-o html` shows them all (a slide holds one pipeline; stacking hundreds makes a
picture no one can read).  Top to bottom: the object, the in-tree admission steps, each
MutatingWebhookConfiguration with its webhooks (✓/✗ and the deciding predicate's sentence), Istio's
policy chain with the deciding step filled and marked "▶ deciding", what the templates added, and the
RESULT.  The same Okabe-Ito palette, marks and words as the page: colour is never the only signal.
SVG text does not wrap, so long sentences are wrapped here by an estimate of the font's width.
Every string from the input is escaped (it is XML; control characters are made visible first).
"""
from __future__ import annotations

import textwrap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import List

    from .picture import ObjectView

from .htmlpage import esc

WIDTH = 1000
PAD = 20
LINE = 26                  # one line of 18px text
BOLD = ' font-weight="700"'
TITLE_CHARS = 76           # of the 20px bold titles
CHARS = 92                 # characters of 18px sans that fit a box's inner width (about 0.55em each)

STYLE = """
svg{font-family:system-ui,"DejaVu Sans",sans-serif;font-size:18px}
.bg{fill:#fff}.fg{fill:#111}.muted{fill:#555}.box{fill:#f4f4f4;stroke:#333;stroke-width:2}
.row{fill:#fff}.called{fill:#0072B2}.excluded{fill:#777}.deciding{fill:#F0E442;stroke:#000;stroke-width:3}
.dtext{fill:#000;font-weight:700}.arrow{stroke:#333;stroke-width:3;fill:none}.head{fill:#333}
.v-injected{fill:#009E73}.v-not-injected{fill:#E69F00}.v-rejected{fill:#D55E00}.v-unknown{fill:#BBBBBB}.vtext{fill:#000;font-weight:700}
.h{font-weight:700;font-size:20px}.title{font-weight:700;font-size:26px}.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:16px}
@media (prefers-color-scheme:dark){.bg{fill:#111}.fg{fill:#f2f2f2}.muted{fill:#bbb}.box{fill:#222;stroke:#ccc}
.row{fill:#111}.called{fill:#56B4E9}.arrow{stroke:#ccc}.head{fill:#ccc}}
""".strip()


def print_svg(items, env, options) -> None:
    from .picture import views

    objs = views(items)
    if len(objs) > 1:
        o = objs[0]
        env.stderr.write(f"note: -o svg draws one object's pipeline: {o.kind} {o.namespace}/{o.name}, the first of "
                         f"{len(objs)}; -o html shows them all\n")
    env.stdout.write(svg(objs[0]) if objs else svg_empty())


def svg_empty() -> str:
    return _document(["<text x=\"20\" y=\"40\" class=\"fg\">No object was explained.</text>"], 70, "No object")


def svg(o: ObjectView) -> str:
    d = _Drawing()
    d.text(f"{o.kind} {o.namespace}/{o.name}", "title fg", size=34)
    d.text(o.source, "muted")
    if o.chain:
        d.box("0. In-tree admission (before the webhooks)",
              ["  →  ".join(("⛔ " if s.rejected else "✎ " if s.changed else "· ") +
                            ("API defaults" if s.plugin == "Defaulting" else s.plugin) for s in o.chain)])
    if o.selected:
        d.arrow()
        d.text("1. Webhook selection", "h fg")
        d.text(f"namespace labels: {o.namespace_labels}  ·  pod labels: {o.pod_labels}", "fg")
        for g in o.groups:
            d.group(g)
        if not o.groups:
            d.text("no MutatingWebhookConfiguration in the cluster state", "fg")
    for p in o.policies:
        d.arrow()
        d.steps(f"2. Istio policy: {p.title}", p.steps)
    for t in o.templates:
        d.arrow()
        lines = [f"⛔ failed: {t.error}"] if t.error else [f"+ {what}: {', '.join(names)}" for what, names in t.added]
        d.box(f"3. Templates {t.title}", lines or ["nothing added"])
    d.arrow()
    d.result(o)
    return _document(d.out, d.y + PAD, f"{o.kind} {o.namespace}/{o.name}: {o.verdict_words}", o.result)


def _document(body: List[str], height: int, title: str, desc: str = "") -> str:
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        'role="img" aria-labelledby="svg-title svg-desc">',
        f'<title id="svg-title">{esc(title)}</title>', f'<desc id="svg-desc">{esc(desc)}</desc>',
        f"<style>{STYLE}</style>",
        '<defs><marker id="head" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="5" markerHeight="5" '
        'orient="auto"><path d="M0,0 L10,5 L0,10 z" class="head"/></marker></defs>',
        f'<rect class="bg" x="0" y="0" width="{WIDTH}" height="{height}"/>', *body, "</svg>", ""])


def _wrap(text: str, chars: int = CHARS) -> List[str]:
    return textwrap.wrap(text, chars, break_long_words=True, break_on_hyphens=False) or [""]


class _Drawing:
    """Appends elements top to bottom; `y` is where the next one starts."""

    def __init__(self):
        self.out: List[str] = []
        self.y = PAD

    def text(self, value: str, cls: str, x: int = PAD, size: int = LINE, chars: int = CHARS + 4) -> None:
        for line in _wrap(value, chars):
            self.y += size
            self.out.append(f'<text x="{x}" y="{self.y - 7}" class="{cls}">{esc(line)}</text>')

    def arrow(self) -> None:
        self.out.append(f'<path class="arrow" d="M60,{self.y + 4} L60,{self.y + 30}" marker-end="url(#head)"/>')
        self.y += 38

    def _frame(self, top: int) -> None:
        self.out.insert(self._mark, f'<rect class="box" x="{PAD}" y="{top}" width="{WIDTH - 2 * PAD}" '
                                    f'height="{self.y - top + 10}" rx="8"/>')
        self.y += 10

    def _open(self, title: str) -> int:
        top = self.y
        self._mark = len(self.out)
        self.y += 6
        self.text(title, "h fg", x=PAD + 14, chars=TITLE_CHARS)
        return top

    def box(self, title: str, lines: List[str]) -> None:
        top = self._open(title)
        for line in lines:
            self.text(line, "fg", x=PAD + 14, chars=CHARS)
        self._frame(top)

    def group(self, g) -> None:
        top = self._open(f"MutatingWebhookConfiguration {g.configuration}")
        for w in g.webhooks:
            row = self.y + 4
            mark = "✓ called" if w.called else "✗ not called"
            rows = [f"{mark}: {w.webhook}" + (" (reinvoked)" if w.reinvoked else "") +
                    ("  — decided the result" if w.deciding else "")] + _wrap(w.reason, CHARS - 4)
            height = LINE * len(rows) + 8
            cls = "deciding" if w.deciding else "row"
            self.out.append(f'<rect class="{cls}" x="{PAD + 14}" y="{row}" width="{WIDTH - 2 * PAD - 28}" '
                            f'height="{height}" rx="4"/>')
            self.out.append(f'<rect class="{"called" if w.called else "excluded"}" x="{PAD + 14}" y="{row}" '
                            f'width="8" height="{height}"/>')
            text_cls = "dtext" if w.deciding else "fg"
            for i, line in enumerate(rows):
                self.out.append(f'<text x="{PAD + 32}" y="{row + LINE * (i + 1) - 3}" class="{text_cls}"'
                                f'{BOLD if i == 0 else ""}>{esc(line)}</text>')
            self.y = row + height + 2
        self._frame(top)

    def steps(self, title: str, steps) -> None:
        top = self._open(title)
        for s in steps:
            lines = _wrap(f"{'▶ ' if s.deciding else ''}{s.label}: {s.text}" + ("   ◀ deciding" if s.deciding else ""),
                          CHARS - 2)
            if s.deciding:
                self.out.append(f'<rect class="deciding" x="{PAD + 10}" y="{self.y + 2}" '
                                f'width="{WIDTH - 2 * PAD - 20}" height="{LINE * len(lines) + 2}" rx="4"/>')
            cls = "dtext" if s.deciding else ("muted" if s.outcome == "not-evaluated" else "fg")
            for line in lines:
                self.text(line, cls, x=PAD + 20, chars=CHARS)
            if s.deciding:
                self.y += 4
        self._frame(top)

    def result(self, o) -> None:
        lines = _wrap(f"RESULT: {o.mark} {o.verdict_words} — {o.result} [rule: {o.rule}]", CHARS - 2)
        # the RESULT links to the page about its rule (followed only when clicked: nothing is loaded)
        self.out.append(f'<a href="{esc(o.rule_docs)}"><title>about {esc(o.rule)}: {esc(o.rule_docs)}</title>')
        self.out.append(f'<rect class="v-{esc(o.verdict)}" x="{PAD}" y="{self.y}" width="{WIDTH - 2 * PAD}" '
                        f'height="{LINE * len(lines) + 14}" rx="8"/>')
        self.y += 4
        for line in lines:
            self.text(line, "vtext", x=PAD + 14, chars=CHARS)
        self.out.append("</a>")
        self.y += 10
