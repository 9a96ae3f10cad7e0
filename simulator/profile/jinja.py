"""The renderer of the plugin's own injection profile, written in Jinja2 and rendered in Jinja's sandbox.

Real Istio ConfigMaps use Go text/template (see `gotemplate`); Jinja serves the embedded profile,
which is meant to be read by learners. The sandbox matters because a cluster-state file may carry a
template from anywhere. Jinja is imported lazily: a pod that is never injected never pays for it.
The profile goes through Istio's template stage (simulator.istio.templates) with this renderer: plain
data (context.py), and plain strategic merges, with no typed decode after them.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Mapping

    from ..istio.injector_config import InjectorConfig

from ..errors import MergeError, SourcePos, TemplateRenderError
from ..istio.templates import Renderer
from . import context

_env = None


def _environment():
    global _env
    if _env is None:
        from jinja2 import StrictUndefined
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        _env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True,
                                             trim_blocks=True, lstrip_blocks=True, autoescape=False)
        _env.filters["tojson_compact"] = _tojson_compact
    return _env


def _tojson_compact(value: Any) -> str:
    import json

    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def compile_template(text: str, name: str):
    from jinja2 import TemplateSyntaxError

    try:
        return _environment().from_string(text)
    except TemplateSyntaxError as e:
        raise TemplateRenderError(f"template {name!r}: {e.message}", pos=SourcePos(f"templates.{name}", e.lineno)) from None


def render(compiled, context: Dict[str, Any], name: str) -> str:
    from jinja2 import TemplateError

    try:
        return compiled.render(context)
    except TemplateError as e:
        raise TemplateRenderError(f"template {name!r}: {e}", pos=SourcePos(f"templates.{name}", _lineno(e))) from None
    except (TypeError, ValueError, KeyError, AttributeError) as e:
        raise TemplateRenderError(f"template {name!r}: {type(e).__name__}: {e}", pos=SourcePos(f"templates.{name}", _lineno(e))) from None


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
