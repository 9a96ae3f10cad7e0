"""Template: parse once, execute many times (Go's template.New(name).Funcs(...).Option(...).Parse(text)).

Parsing a large template (Istio's sidecar template: ~40 ms) costs more than everything else a one-pod
run does, so a `tree_cache` can keep parse trees between processes.  The engine stays free of I/O: the
cache is any object with `get(key)` and `put(key, roots)`; the key covers everything the parse depends
on (name, text, the function names the parser accepts), and the caller adds what identifies the parser.
"""

from collections import ChainMap

from .errors import ExecError, TemplateError
from .execute import Compiler, State
from .funcs import BUILTINS
from .fmt import go_quote
from .parse import parse
from .values import MISSING

_MISSINGKEY = {"default": "default", "invalid": "default", "zero": "zero", "error": "error"}


def default_funcs():
    """The sprig function table, when the sprig module is present (it is looked up before builtins);
    its functions are loaded as the templates compiled with it look them up."""
    try:
        from ..sprig import SPRIG_FUNCS
    except ImportError:
        return {}
    return SPRIG_FUNCS


class Template:
    """A parsed template set: the main template plus every {{define}}/{{block}} in the text."""

    def __init__(self, text, *, name="template", funcs=None, missingkey="default", tree_cache=None):
        if missingkey not in _MISSINGKEY:
            raise ValueError("unrecognized option: missingkey=%s" % missingkey)
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8", "surrogateescape")
        self.name = name
        self.parse_name = name
        self.text = text
        self.missingkey = _MISSINGKEY[missingkey]
        given = {}
        if funcs:
            for fname, fn in funcs.items():
                if not callable(fn):
                    raise TypeError("value for %s not a function" % fname)
                given[fname] = fn
        table = ChainMap(given, default_funcs())
        self.funcs = table

        def has_function(fname):
            return fname in table or fname in BUILTINS

        roots = None
        if tree_cache is not None:
            key = parse_key(name, text, table)
            roots = tree_cache.get(key)
        if roots is None:
            roots = {tname: tree.root for tname, tree in parse(name, text, has_function).items()}
            if tree_cache is not None:
                tree_cache.put(key, roots)
        compiler = Compiler(table)
        self.compiled = {tname: compiler.compile_list(root) for tname, root in roots.items()}

    def template_names(self):
        return sorted(self.compiled)

    def execute(self, data=None, env=None):
        """Render the main template with `data` as dot; raises TemplateError like Go's Execute.

        `env` is the environment of the process running the template (a mapping; empty when None), read
        by functions declared `gofunc(..., environ=True)`.  It belongs to this execution alone, so one
        Template can be executed for different environments, concurrently."""
        return self._run(self.name, data, env)

    def execute_template(self, name, data=None, env=None):
        """Render the associated template `name` (a {{define}}d one), like Go's ExecuteTemplate."""
        if name not in self.compiled:
            raise ExecError("template: no template %s associated with template %s"
                            % (go_quote(name), go_quote(self.name)), name=name)
        return self._run(name, data, env)

    def _run(self, name, data, env=None):
        root = self.compiled[name]
        st = State(self, name, MISSING if data is None else data, env)
        # Only Go's own errors leave as TemplateError: errors the executor raises, functions' errors and
        # modelled panics (FuncError, FuncPanic).  Any other exception is a bug of this engine and goes
        # up as it is, so that it is never shown as the template's fault.
        try:
            root(st, st.vals[0])
        except RecursionError:
            raise ExecError("template: %s: exceeded maximum template depth (100000)" % name, name=name)
        st.node = None
        st.check_output()
        return "".join(st.out)


def parse_key(name, text, funcs):
    """What a parse result depends on (a tree or parse error differs when any of these does), as one
    string a cache can compare whole."""
    return "\0".join((name, "\0".join(sorted(set(funcs) | set(BUILTINS))), text))


def render(text, data=None, *, funcs=None, name="template", missingkey="default"):
    """Parse and execute in one go; raises TemplateError (parse or exec) with Go's message."""
    return Template(text, name=name, funcs=funcs, missingkey=missingkey).execute(data)


__all__ = ["Template", "TemplateError", "parse_key", "render"]
