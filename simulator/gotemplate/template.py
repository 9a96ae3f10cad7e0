"""Template: parse once, execute many times (Go's template.New(name).Funcs(...).Option(...).Parse(text))."""

from .errors import ExecError, TemplateError
from .execute import Compiler, State
from .funcs import BUILTINS
from .fmt import go_quote
from .parse import parse
from .values import MISSING

_MISSINGKEY = {"default": "default", "invalid": "default", "zero": "zero", "error": "error"}


def default_funcs():
    """The sprig function table, when the sprig module is present (it is looked up before builtins)."""
    try:
        from .sprig import SPRIG_FUNCS
    except ImportError:
        return {}
    return dict(SPRIG_FUNCS)


class Template:
    """A parsed template set: the main template plus every {{define}}/{{block}} in the text."""

    def __init__(self, text, *, name="template", funcs=None, missingkey="default"):
        if missingkey not in _MISSINGKEY:
            raise ValueError("unrecognized option: missingkey=%s" % missingkey)
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8", "surrogateescape")
        self.name = name
        self.parse_name = name
        self.text = text
        self.missingkey = _MISSINGKEY[missingkey]
        table = default_funcs()
        if funcs:
            for fname, fn in funcs.items():
                if not callable(fn):
                    raise TypeError("value for %s not a function" % fname)
                table[fname] = fn
        self.funcs = table

        def has_function(fname):
            return fname in table or fname in BUILTINS

        self.trees = parse(name, text, has_function)
        compiler = Compiler(table)
        self.compiled = {tname: compiler.compile_list(tree.root) for tname, tree in self.trees.items()}

    def template_names(self):
        return sorted(self.trees)

    def execute(self, data=None):
        """Render the main template with `data` as dot; raises TemplateError like Go's Execute."""
        return self._run(self.name, data)

    def execute_template(self, name, data=None):
        """Render the associated template `name` (a {{define}}d one), like Go's ExecuteTemplate."""
        if name not in self.compiled:
            raise ExecError("template: no template %s associated with template %s"
                            % (go_quote(name), go_quote(self.name)), name=name)
        return self._run(name, data)

    def _run(self, name, data):
        root = self.compiled[name]
        st = State(self, name, MISSING if data is None else data)
        try:
            root(st, st.vals[0])
        except TemplateError:
            raise
        except RecursionError:
            raise ExecError("template: %s: exceeded maximum template depth (100000)" % name, name=name)
        except Exception as e:  # an engine bug must still surface as a template error, never a crash
            raise ExecError("template: %s: internal error: %s: %s" % (name, type(e).__name__, e), name=name) from e
        return "".join(st.out)


def render(text, data=None, *, funcs=None, name="template", missingkey="default"):
    """Parse and execute in one go; raises TemplateError (parse or exec) with Go's message."""
    return Template(text, name=name, funcs=funcs, missingkey=missingkey).execute(data)


__all__ = ["Template", "TemplateError", "render"]
