"""Adapter for the plugin's own injection profile, written in Jinja2 and rendered in Jinja's sandbox.

Real Istio ConfigMaps use Go text/template (see `gotemplate`); Jinja serves the embedded profile,
which is meant to be read by learners. The sandbox matters because a cluster-state file may carry a
template from anywhere. Jinja is imported lazily: a pod that is never injected never pays for it.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict

from ..errors import SourcePos, TemplateRenderError

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
