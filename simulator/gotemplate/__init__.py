"""Go's text/template language in pure Python, verified against Go itself.

    from simulator.gotemplate import render, Template, TemplateError
    render("{{ .name | upper }}", {"name": "x"})

Plain Python data maps to Go's map[string]interface{}, []interface{}, string, int, float64, bool and nil;
values.py has typed wrappers and the GoStruct resolver interface for data that is a Go struct on the Go side.
"""

from .errors import TemplateError
from .template import Template, render

__all__ = ["render", "Template", "TemplateError"]
