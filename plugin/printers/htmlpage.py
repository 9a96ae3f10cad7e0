"""`-o html`: one self-contained page a workshop can project, print or hand out.

The page loads nothing: no script, no font, no image, no stylesheet from anywhere (its own
Content-Security-Policy says so to the browser too), so it works offline and leaks nothing about the
cluster.  For each object it draws the pipeline as boxes in reading order - the in-tree admission
plugins, each MutatingWebhookConfiguration's webhooks with ✓/✗ and the predicate that decided, Istio's
policy chain with the deciding step marked, the pod before and after the templates - then the RESULT.
Colour is never the only signal (each state also has a mark and words); the palette is Okabe-Ito, safe
for the common colour-vision deficiencies; type is large for projectors; a dark scheme follows the
system's; print gets black on white with no navigation.  Everything taken from the input (names,
labels, annotations, messages quoting them) is hostile: each string is escaped where it is written.
"""
from __future__ import annotations

from html import escape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import List

    from .picture import ObjectView

from .style import clean


def esc(value) -> str:
    """Text for an element or a quoted attribute: control characters made visible, markup escaped."""
    return escape(clean(str(value)), quote=True)


CSS = """
:root{--bg:#fff;--fg:#111;--muted:#555;--box:#f4f4f4;--line:#333;--ok:#009E73;--no:#E69F00;--bad:#D55E00;
--call:#0072B2;--pick:#F0E442;--focus:#0072B2}
@media (prefers-color-scheme:dark){:root{--bg:#111;--fg:#f2f2f2;--muted:#bbb;--box:#222;--line:#ccc;--call:#56B4E9;
--focus:#56B4E9}}
*{box-sizing:border-box}
html{font-size:20px}
body{margin:0 auto;max-width:72rem;padding:1rem 1.5rem 3rem;background:var(--bg);color:var(--fg);
font-family:system-ui,"DejaVu Sans",sans-serif;line-height:1.45}
h1{font-size:2rem;margin:.5rem 0}h2{font-size:1.6rem;margin:2rem 0 .5rem}h3{font-size:1.25rem;margin:1.25rem 0 .5rem}
code,.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9em;overflow-wrap:anywhere}
a{color:var(--call)}a:focus-visible,[tabindex]:focus-visible{outline:.2rem solid var(--focus);outline-offset:.15rem}
.skip{position:absolute;left:-100rem}.skip:focus{left:1rem;top:1rem;background:var(--bg);padding:.5rem;z-index:1}
table{border-collapse:collapse;width:100%}th,td{border:1px solid var(--line);padding:.35rem .5rem;text-align:left;
vertical-align:top}
.verdict{display:inline-block;padding:0 .4rem;border-radius:.3rem;font-weight:700;color:#000;white-space:nowrap}
.v-injected{background:var(--ok)}.v-not-injected{background:var(--no)}.v-rejected{background:var(--bad)}
.v-unknown{background:#bbb}
.object{border-top:.3rem solid var(--line);margin-top:2.5rem}
.meta{color:var(--muted);margin:.2rem 0}
.flow{list-style:none;margin:0;padding:0 0 0 1.6rem;display:flex;flex-wrap:wrap;gap:.4rem 1.6rem}
.flow>li{position:relative;border:2px solid var(--line);border-radius:.4rem;padding:.3rem .6rem;background:var(--box)}
.flow>li+li::before{content:"→";position:absolute;left:-1.4rem;top:.25rem;font-weight:700}
.flow .changed{border-color:var(--call)}.flow .rejected{border-color:var(--bad);border-width:4px}
.stage{border:2px solid var(--line);border-radius:.5rem;padding:.2rem 1rem .8rem;margin:.6rem 0;background:var(--box)}
.stage+.stage{position:relative;margin-top:2.2rem}
.stage+.stage::before{content:"↓";position:absolute;top:-2.1rem;left:2rem;font-size:1.6rem;font-weight:700}
.hooks,.steps,.plain{list-style:none;padding:0;margin:.3rem 0}
.hooks li,.steps li{border-left:.45rem solid var(--muted);padding:.25rem .6rem;margin:.35rem 0;background:var(--bg)}
.hooks li.called{border-left-color:var(--call)}.hooks li.excluded{border-left-style:dashed}
.hooks li.deciding{outline:3px solid var(--call)}
.mark{font-weight:700;display:inline-block;min-width:1.4em}
.steps li.not-evaluated{color:var(--muted)}
.steps li.deciding{border-left-color:var(--fg);outline:4px solid var(--no);font-weight:700}
.tag{display:inline-block;border:2px solid currentColor;border-radius:.3rem;padding:0 .3rem;margin-left:.4rem;
font-size:.85em;font-weight:700}
.reason{display:block;margin-left:1.4em}
.pod td ul{margin:0;padding-left:1.1rem}.pod li.added{font-weight:700;list-style:"+ "}
.pod .addedcount{white-space:nowrap}
.result{font-size:1.3rem;border:3px solid var(--line);border-radius:.5rem;padding:.5rem .8rem;margin-top:1rem}
.warn li{list-style:"! "}
@media print{html{font-size:12pt}:root{--bg:#fff;--fg:#000;--muted:#444;--box:#fff;--line:#000;--call:#000}
.skip,.back{display:none}.object{break-before:page}a{color:#000;text-decoration:none}
a.docs::after{content:" (" attr(href) ")";font-size:.85em;overflow-wrap:anywhere}
.steps li.deciding{outline:3px solid #000}.verdict{border:1px solid #000}}
""".strip()


def print_html(items, env, options) -> None:
    from .picture import views

    env.stdout.write(page(views(items)))


def page(objs: List[ObjectView]) -> str:
    title = "kubectl inject explain" + (f": {objs[0].kind} {objs[0].namespace}/{objs[0].name}" if len(objs) == 1 else
                                        f": {len(objs)} objects")
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           # nothing may be loaded: only the inline style below applies
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
           '<meta name="color-scheme" content="light dark">',
           f"<title>{esc(title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
           '<a class="skip" href="#main">Skip to the explanation</a>',
           "<header>", f"<h1>{esc(title)}</h1>",
           '<p class="meta">What kube-apiserver and Istio\'s sidecar injector would do with each object, step by step '
           "(simulated by kubectl-inject).</p>", "</header>", '<main id="main" tabindex="-1">']
    out.extend(_summary(objs))
    for n, obj in enumerate(objs, 1):
        out.extend(_object(n, obj))
    if not objs:
        out.append("<p>No object was explained.</p>")
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


#: Only these sites are linked (the pages of plugin/printers/docs.py); a link is followed only when clicked,
#: so the page still loads nothing.
DOCS_SITES = ("https://istio.io/", "https://kubernetes.io/")


def _docs_link(code: str, url: str) -> str:
    """A link to the upstream page about a rule, warning or finding, named by its id."""
    if not url.startswith(DOCS_SITES):
        return f"<code>{esc(code)}</code>"
    return (f'<a class="docs" href="{esc(url)}" rel="noreferrer" title="{esc(url)}">about <code>{esc(code)}</code>'
            "</a>")


def _rule_link(o: ObjectView) -> str:
    if not o.rule_docs.startswith(DOCS_SITES):
        return f"<code>{esc(o.rule)}</code>"
    return f'<a class="docs" href="{esc(o.rule_docs)}" rel="noreferrer" title="{esc(o.rule_docs)}"><code>{esc(o.rule)}</code></a>'


def _line(text: str) -> str:
    """A line of the text output; its "about CODE: URL" lines (findings of running pods) become links."""
    head, sep, url = text.partition(": ")
    if sep and head.startswith("about ") and " " not in head[6:] and url.startswith(DOCS_SITES) and " " not in url:
        return _docs_link(head[6:], url)
    return esc(text)


def _verdict(obj: ObjectView) -> str:
    return f'<span class="verdict v-{esc(obj.verdict)}">{obj.mark} {esc(obj.verdict_words)}</span>'


def _summary(objs: List[ObjectView]) -> List[str]:
    out = ['<section id="summary" aria-labelledby="summary-h">', '<h2 id="summary-h">Summary</h2>',
           "<table>", f"<caption class=\"meta\">{len(objs)} object{'s' if len(objs) != 1 else ''}: "
           f"{sum(o.verdict == 'injected' for o in objs)} injected</caption>",
           '<thead><tr><th scope="col">#</th><th scope="col">Object</th><th scope="col">Result</th>'
           '<th scope="col">Deciding rule</th><th scope="col">Source</th></tr></thead>', "<tbody>"]
    for n, o in enumerate(objs, 1):
        out.append(f'<tr><td>{n}</td><td><a href="#obj-{n}">{esc(o.kind)} {esc(o.namespace)}/{esc(o.name)}</a></td>'
                   f"<td>{_verdict(o)}</td><td>{_rule_link(o)}</td><td>{esc(o.source)}</td></tr>")
    out += ["</tbody>", "</table>", "</section>"]
    return out


def _object(n: int, o: ObjectView) -> List[str]:
    out = [f'<article class="object" id="obj-{n}" aria-labelledby="obj-{n}-h">',
           f'<h2 id="obj-{n}-h">{n}. {esc(o.kind)} {esc(o.namespace)}/{esc(o.name)} {_verdict(o)}</h2>',
           f'<p class="meta">{esc(o.source)}' + (f"<br>{esc(o.state)}" if o.state else "") + "</p>"]
    out.extend(_chain(o))
    if o.selected:
        out.extend(_webhooks(o))
    for p in o.policies:
        out.extend(_policy(p))
    if o.templates or any(f.added for f in o.pod):
        out.extend(_templates(o))
    if o.warnings:
        out += ["<h3>Warnings</h3>", '<ul class="warn">'] + [
            f"<li>{esc(text)} {_docs_link(code, url)}</li>" for text, (code, url) in zip(o.warnings, o.warning_docs)]
        out.append("</ul>")
    for title, lines, cls in (("To get a sidecar (each change was simulated and would inject)", o.hints, "hints"),
                              ("Running pods", o.running, "running"),
                              ("Unknown (not readable with these credentials; the result assumes they are absent)",
                               o.unknown, "unknown")):
        if lines:
            out += [f"<h3>{esc(title)}</h3>", f'<ul class="{cls}">'] + [f"<li>{_line(x)}</li>" for x in lines] + ["</ul>"]
    out.append(f'<p class="result" id="obj-{n}-result"><strong>RESULT:</strong> {_verdict(o)} — {esc(o.result)} '
               f"<span class=\"mono\">[rule: {_rule_link(o)}]</span>" +
               (" <strong>(incomplete: see Unknown above)</strong>" if o.unknown else "") + "</p>")
    out.append('<p class="back"><a href="#summary">Back to the summary</a></p>')
    out.append("</article>")
    return out


def _chain(o: ObjectView) -> List[str]:
    if not o.chain:
        return []
    out = ['<section class="stage chain">', "<h3>0. Before the webhooks: kube-apiserver's in-tree admission</h3>",
           '<ol class="flow" aria-label="in-tree admission steps, in order">']
    for step in o.chain:
        name = "API defaults" if step.plugin == "Defaulting" else step.plugin
        if step.rejected:
            out.append(f'<li class="rejected"><span class="mark">⛔</span>{esc(name)}: rejected — {esc(step.rejected)}</li>')
        elif step.changed:
            out.append(f'<li class="changed" title="{esc(", ".join(step.changed))}"><span class="mark">✎</span>'
                       f"{esc(name)} <small>(sets {len(step.changed)} field{'s' if len(step.changed) != 1 else ''})"
                       "</small></li>")
        else:
            out.append(f'<li class="unchanged"><span class="mark">·</span>{esc(name)} <small>(no change)</small></li>')
    out += ["</ol>", "</section>"]
    return out


def _webhooks(o: ObjectView) -> List[str]:
    out = ['<section class="stage selection">', "<h3>1. Webhook selection: which mutating webhooks are called</h3>",
           f"<p>namespace <code>{esc(o.namespace)}</code> labels: <code>{esc(o.namespace_labels)}</code><br>"
           f"pod labels: <code>{esc(o.pod_labels)}</code></p>"]
    if not o.groups:
        out.append("<p>No MutatingWebhookConfiguration in the cluster state.</p>")
    for g in o.groups:
        out += [f"<h4>MutatingWebhookConfiguration <code>{esc(g.configuration)}</code></h4>", '<ol class="hooks">']
        for w in g.webhooks:
            cls = ("called" if w.called else "excluded") + (" deciding" if w.deciding else "")
            mark = "✓ called" if w.called else "✗ not called"
            decided = '<span class="tag">decided the result</span>' if w.deciding else ""
            again = " (reinvoked)" if w.reinvoked else ""
            out.append(f'<li class="{cls}" data-predicate="{esc(w.predicate)}"><span class="mark">{mark}</span> '
                       f"<code>{esc(w.webhook)}</code>{again}{decided}"
                       f'<span class="reason">{_reason(w)}</span></li>')
        out.append("</ol>")
    out.append("</section>")
    return out


def _reason(w) -> str:
    """The reason, its deciding predicate's name in bold (the sentence names it first)."""
    head = w.predicate + ":"
    if w.reason.startswith(head):
        return f"<strong>{esc(head)}</strong>{esc(w.reason[len(head):])}"
    return esc(w.reason)


def _policy(p) -> List[str]:
    out = ['<section class="stage policy">', f"<h3>2. Istio's injection policy: {esc(p.title)}</h3>",
           '<ol class="steps">']
    for s in p.steps:
        cls = s.outcome + (" deciding" if s.deciding else "")
        current = ' aria-current="step"' if s.deciding else ""
        tag = '<span class="tag">▶ deciding step</span>' if s.deciding else ""
        out.append(f'<li class="{esc(cls)}"{current}><strong>{esc(s.label)}</strong>: {esc(s.text)}{tag}</li>')
    out += ["</ol>", "</section>"]
    return out


def _templates(o: ObjectView) -> List[str]:
    out = ['<section class="stage templates">', "<h3>3. What the templates added to the pod</h3>"]
    for t in o.templates:
        if t.error:
            out.append(f"<p><strong>⛔ The templates failed</strong> ({esc(t.title)}): {esc(t.error)}</p>")
        else:
            out.append(f"<p>Templates {esc(t.title)}.</p>")
    if not o.templates:
        out.append("<p>No injector changed the pod: it is stored as the webhooks received it.</p>")
    if any(f.added for f in o.pod):
        out += ['<table class="pod">', "<caption class=\"meta\">The pod as the webhooks received it, and as "
                "admission stores it (new entries marked +)</caption>",
                '<thead><tr><th scope="col">Part</th><th scope="col">Before</th><th scope="col">After</th></tr>'
                "</thead>", "<tbody>"]
        for f in o.pod:
            before = _list(f.before, ())
            after = _list(f.after, f.added)
            count = f' <span class="addedcount">(+{len(f.added)})</span>' if f.added else ""
            out.append(f'<tr><th scope="row">{esc(f.title)}{count}</th><td>{before}</td><td>{after}</td></tr>')
        out += ["</tbody>", "</table>"]
    out.append("</section>")
    return out


def _list(names, added) -> str:
    if not names:
        return "<em>none</em>"
    marked = set(added)
    return "<ul>" + "".join(f'<li class="added"><code>{esc(x)}</code> <small>(added)</small></li>' if x in marked
                            else f"<li><code>{esc(x)}</code></li>" for x in names) + "</ul>"
