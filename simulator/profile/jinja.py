"""The renderer of the plugin's own injection profile, written in Jinja2 and rendered in Jinja's sandbox.

Real Istio ConfigMaps use Go text/template (see `gotemplate`); Jinja serves the embedded profile,
which is meant to be read by learners. The sandbox matters because a cluster-state file may carry a
template from anywhere. Jinja is imported lazily: a pod that is never injected never pays for it.
The profile goes through Istio's template stage (simulator.istio.templates) with this renderer: plain
data (context.py), and plain strategic merges, with no typed decode after them.

The sandbox keeps a template from reaching Python's internals, not from spending unbounded time or
memory, so rendering here also has budgets that a real injection template never approaches: loop
iterations (`MAX_STEPS`), the size of any one string or list a template builds with `*`, `+`, `~`, or
a sizing filter or method (`MAX_SIZE`), and the rendered text (`MAX_OUTPUT`).  Every failure, Jinja's
own or Python's (division by zero, overflow, recursion, bad filter arguments), is one template error.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Mapping

    from ..istio.injector_config import InjectorConfig

from ..errors import MergeError, SourcePos, TemplateRenderError
from ..istio.templates import Renderer
from . import context

#: Loop iterations one render may run (the embedded sidecar template runs a few dozen).
MAX_STEPS = 1_000_000
#: Characters (or items) of one value a template may build.
MAX_SIZE = 1 << 22
#: Characters one render may produce.
MAX_OUTPUT = 1 << 22

_env = None
_BUDGET = "kubectl_inject.budget"


class BudgetExceeded(Exception):
    """A template went past one of this module's budgets."""


def _environment():
    global _env
    if _env is None:
        _env = _make_environment()
    return _env


def _make_environment():
    from jinja2 import StrictUndefined, nodes
    from jinja2.ext import Extension
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from jinja2.visitor import NodeTransformer

    class Budget(Extension):
        """Per-render counters, reached from compiled templates through ExtensionAttribute nodes."""

        def __init__(self, environment):
            super().__init__(environment)
            self.steps = 0

        def loop(self, iterable):
            if isinstance(iterable, (str, list, tuple, dict)) and len(iterable) > MAX_SIZE:
                raise BudgetExceeded(f"a loop over {len(iterable)} items")
            for item in iterable:
                self.steps += 1
                if self.steps > MAX_STEPS:
                    raise BudgetExceeded(f"more than {MAX_STEPS:,} loop iterations")
                yield item

        def concat(self, *parts):
            texts = [str(p) for p in parts]
            _check_size(sum(map(len, texts)), "a concatenation")
            return "".join(texts)

    Budget.identifier = _BUDGET  # (Extension.__init_subclass__ names it after the module otherwise)

    class _Route(NodeTransformer):
        def visit_For(self, node):
            self.generic_visit(node)
            node.iter = nodes.Call(nodes.ExtensionAttribute(_BUDGET, "loop"), [node.iter], [], None, None,
                                   lineno=node.lineno)
            return node

        def visit_Concat(self, node):
            self.generic_visit(node)
            return nodes.Call(nodes.ExtensionAttribute(_BUDGET, "concat"), list(node.nodes), [], None, None,
                              lineno=node.lineno)

    class Environment(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset(("*", "**", "+"))

        def _parse(self, source, name, filename):
            """Route every loop and `~` through the budget (the compiled code is Jinja's otherwise)."""
            return _Route().visit(super()._parse(source, name, filename))

        def call_binop(self, context, operator, left, right):
            _check_binop(operator, left, right)
            return super().call_binop(context, operator, left, right)

        def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
            target = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format / format_map
            if isinstance(getattr(target, "__self__", None), str):
                _check_str_method(target.__self__, target.__name__, args, kwargs)
            return super().call(__context, __obj, *args, **kwargs)

    env = Environment(undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True,
                      lstrip_blocks=True, autoescape=False, extensions=[Budget])
    env.filters["tojson_compact"] = _tojson_compact
    for name, check in _FILTER_CHECKS.items():
        env.filters[name] = _checked_filter(env.filters[name], check)
    return env


def _check_size(n: int, what: str) -> None:
    if n > MAX_SIZE:
        raise BudgetExceeded(f"{what} of {n:,} characters or items (the budget is {MAX_SIZE:,})")


def _sized(v: Any) -> bool:
    return isinstance(v, (str, list, tuple))


def _check_binop(op: str, left: Any, right: Any) -> None:
    if op == "*":
        for seq, n in ((left, right), (right, left)):
            if _sized(seq) and isinstance(n, int):
                _check_size(len(seq) * max(n, 0), "a repetition")
    elif op == "+":
        if _sized(left) and _sized(right):
            _check_size(len(left) + len(right), "a sum")
    elif op == "**":
        if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
            _check_size(int(right * abs(left).bit_length() * 0.302) + 1, "a power")


def _int(v: Any) -> int:
    return v if isinstance(v, int) else 0


def _check_str_method(s: str, name: str, args: tuple, kwargs: dict) -> None:
    if name in ("center", "ljust", "rjust", "zfill") and args:
        _check_size(_int(args[0]), f"str.{name}")
    elif name == "expandtabs":
        _check_size(len(s) * max(_int(args[0]) if args else 8, 1), "str.expandtabs")
    elif name == "replace" and len(args) >= 2 and isinstance(args[1], str):
        _check_size(len(s) + (s.count(args[0]) + 1) * len(args[1]) if isinstance(args[0], str) else 0,
                    "str.replace")
    elif name == "join" and args:
        items = args[0]
        if isinstance(items, (list, tuple)):
            _check_size(sum(len(x) for x in items if isinstance(x, str)) + len(s) * len(items), "str.join")
    elif name in ("format", "format_map"):
        _check_format_widths(s)


def _check_format_widths(fmt: str) -> None:
    """Field widths and precisions in a format string ("{:1000000000}", "%1000000000d") are sizes too."""
    import re

    for m in re.finditer(r"\d{7,}", fmt):
        _check_size(int(m.group(0)), "a format width")


def _check_filter_center(value, width=80, *a, **k):
    _check_size(_int(width), "center")


def _check_filter_indent(value, width=4, *a, **k):
    lines = str(value).count("\n") + 1
    _check_size((len(width) if isinstance(width, str) else _int(width)) * lines + len(str(value)), "indent")


def _check_filter_format(value, *a, **k):
    _check_format_widths(str(value))


def _check_filter_replace(value, old, new, count=None, *a, **k):
    s = str(value)
    _check_size(len(s) + (s.count(str(old)) + 1) * len(str(new)), "replace")


def _check_filter_batch(value, linecount, fill_with=None, *a, **k):
    if fill_with is not None:
        _check_size(_int(linecount), "batch")


def _check_filter_slice(value, slices, fill_with=None, *a, **k):
    _check_size(_int(slices), "slice")


def _check_filter_join(value, d="", attribute=None, *a, **k):
    if isinstance(value, (list, tuple)):
        _check_size(sum(len(str(x)) for x in value) + len(str(d)) * len(value), "join")


_FILTER_CHECKS = {
    "center": _check_filter_center, "indent": _check_filter_indent, "format": _check_filter_format,
    "replace": _check_filter_replace, "batch": _check_filter_batch, "slice": _check_filter_slice,
    "join": _check_filter_join,
}


def _checked_filter(f, check):
    """The filter, refusing arguments that would build more than MAX_SIZE (checked before it runs)."""
    kind = getattr(f, "jinja_pass_arg", None)
    if kind is None:
        def run(value, *args, **kwargs):
            check(value, *args, **kwargs)
            return f(value, *args, **kwargs)
    else:
        def run(passed, value, *args, **kwargs):
            check(value, *args, **kwargs)
            return f(passed, value, *args, **kwargs)
        run.jinja_pass_arg = kind  # what jinja2's pass_eval_ctx / pass_environment set
    return run


def _tojson_compact(value: Any) -> str:
    import json

    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def compile_template(text: str, name: str):
    from jinja2 import TemplateSyntaxError

    try:
        return _environment().from_string(text)
    except TemplateSyntaxError as e:
        raise TemplateRenderError(f"template {name!r}: {e.message}", pos=SourcePos(f"templates.{name}", e.lineno)) from None
    except RecursionError:
        raise TemplateRenderError(f"template {name!r}: nests too deeply to compile",
                                  pos=SourcePos(f"templates.{name}")) from None
    except Exception as e:  # huge constants (int() refuses over 4,300 digits), and whatever else Jinja hits
        if isinstance(e, ValueError) and "integer string conversion" in str(e):
            raise TemplateRenderError(f"template {name!r}: a number literal of more than 4,300 digits",
                                      pos=SourcePos(f"templates.{name}")) from None
        raise TemplateRenderError(f"template {name!r}: cannot compile: {type(e).__name__}: {_first_line(e)}",
                                  pos=SourcePos(f"templates.{name}")) from None


def render(compiled, context: Dict[str, Any], name: str) -> str:
    from jinja2 import TemplateError

    budget = compiled.environment.extensions[_BUDGET]
    budget.steps = 0
    try:
        out = []
        size = 0
        for chunk in compiled.generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise BudgetExceeded(f"more than {MAX_OUTPUT:,} characters of output")
            out.append(chunk)
        return "".join(out)
    except BudgetExceeded as e:
        raise TemplateRenderError(f"template {name!r}: over the render budget: {e}",
                                  pos=SourcePos(f"templates.{name}", _lineno(e))) from None
    except TemplateError as e:
        raise TemplateRenderError(f"template {name!r}: {_first_line(e)}", pos=SourcePos(f"templates.{name}", _lineno(e))) from None
    except RecursionError as e:
        raise TemplateRenderError(f"template {name!r}: recursion too deep",
                                  pos=SourcePos(f"templates.{name}", _lineno(e))) from None
    except MemoryError:
        raise TemplateRenderError(f"template {name!r}: out of memory", pos=SourcePos(f"templates.{name}")) from None
    except Exception as e:  # ZeroDivisionError, OverflowError, filters' own asserts and index errors ...
        raise TemplateRenderError(f"template {name!r}: {type(e).__name__}: {_first_line(e)}",
                                  pos=SourcePos(f"templates.{name}", _lineno(e))) from None


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= 300 else line[:297] + "..."


def _lineno(exc: BaseException):
    """The template line of the innermost frame that belongs to a Jinja template (Jinja marks them)."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename == "<template>":
            tmpl = tb.tb_frame.f_globals.get("__jinja_template__")
            if tmpl is not None:
                line = tmpl.get_corresponding_lineno(tb.tb_lineno)
        tb = tb.tb_next
    return line


class JinjaRenderer(Renderer):
    """Templates compiled once, rendered texts parsed once (replicas render the same): kept in `cache`, an
    EngineCache."""

    def __init__(self, config: InjectorConfig, cache: Any):
        self.config = config
        self.cache = cache

    def render(self, name: str, data: Dict[str, Any]) -> str:
        text = self.config.templates[name]
        compiled = self.cache.recall(("jinja", name, text), lambda: compile_template(text, name))
        return render(compiled, data, name)

    def overlay(self, target: Dict[str, Any], text: str, name: str, onto_template_pod: bool) -> Dict[str, Any]:
        from ..kube.strategicpatch import MergeError as SmpError, strategic_merge

        # Overlays are never mutated (strategic_merge copies), so the kept dict can be shared.
        patch = self.cache.recall(("profile-overlay", name, text), lambda: parse_rendered(text, name))
        try:
            return strategic_merge(target, patch)
        except (MergeError, SmpError) as e:
            raise TemplateRenderError(f"template {name!r} could not be merged into the pod: {e}",
                                      pos=SourcePos(f"templates.{name}")) from None

    def data(self, pod: Dict[str, Any]) -> Dict[str, Any]:
        return context.jinja_context(pod, self.config, self.cache)

    def hold(self, pod: Mapping[str, Any]) -> bool:
        return context.hold_application(pod, self.config, self.cache)


def parse_rendered(text: str, name: str) -> Dict[str, Any]:
    """Istio reads the rendered text with sigs.k8s.io/yaml (first document only); so does yamlio."""
    from .. import yamlio

    try:
        doc = yamlio.load(text)
    except yamlio.YAMLSyntaxError as e:
        raise TemplateRenderError(f"template {name!r} rendered invalid YAML: {e}",
                                  pos=SourcePos(f"templates.{name}", e.line)) from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise TemplateRenderError(f"template {name!r} must render a Pod fragment (a mapping), got {type(doc).__name__}",
                                  pos=SourcePos(f"templates.{name}"))
    return doc
