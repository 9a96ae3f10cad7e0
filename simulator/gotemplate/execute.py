"""Executor: compiles parse trees into Python closures that follow Go's evaluation rules step by step.

Compiling (rather than walking the tree on every render) keeps parse-once/execute-many fast, while each
closure still records the node it is working on, exactly where Go's executor does, because Go's error
messages name that node (`executing "t" at <.Foo>`).
"""

from .errors import ExecError
from .evaluate import (
    NOFINAL, _const_for_type, _elem_is_iface, _missing_key, call_checked, call_function, field_chain,
    ideal_constant, printable, validate,
)
from .fmt import format_value, go_quote
from .funcs import BUILTINS, can_be_nil, signature_of
from .values import MISSING, GoStruct, _GoInt, is_true, sort_keys
from .nodes import (
    ActionNode, BoolNode, BreakNode, ChainNode, CommentNode, ContinueNode, DotNode, FieldNode,
    IdentifierNode, IfNode, ListNode, NilNode, NumberNode, PipeNode, RangeNode, StringNode, TemplateNode,
    TextNode, VariableNode, WithNode,
)

MAX_EXEC_DEPTH = 100000
#: Work budgets Go's executor does not have (it would run `range until 100000` nested, or a template that
#: calls itself twice per level, to the end, for hours): range iterations plus template calls, and the
#: bytes written so far (counted at each such step, so one action's output is bounded by the functions' own
#: budgets, see sprig/strings.py).  Istio's sidecar template takes a handful of steps and ~20 KB.
MAX_STEPS = 200_000
MAX_OUTPUT = 1 << 22


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


_BREAK = _Break()
_CONTINUE = _Continue()


class State:
    """Per-execution state: output, variable stack, current node (for errors), template name, and the
    process environment that functions declared `environ` read (never shared between executions)."""

    __slots__ = ("out", "names", "vals", "ifaces", "node", "tmpl_name", "depth", "dot_iface", "prog",
                 "missingkey", "env", "steps", "sized", "size")

    def __init__(self, prog, name, data, env=None):
        self.prog = prog
        self.env = env if env is not None else {}
        self.out = []
        self.names = ["$"]
        self.vals = [data]
        self.ifaces = [False]
        self.node = None
        self.tmpl_name = name
        self.depth = 0
        self.dot_iface = False
        self.missingkey = prog.missingkey
        self.steps = 0
        self.sized = 0   # how many pieces of `out` are counted in `size`
        self.size = 0

    def step(self, node):
        """One range iteration or template call: over MAX_STEPS, or past MAX_OUTPUT bytes written, the
        execution stops with an error naming the template and the node being run."""
        self.steps += 1
        if self.steps > MAX_STEPS:
            self.node = node
            self.errorf("over the simulator's work budget: more than %d range iterations and template calls"
                        % MAX_STEPS)
        if len(self.out) > self.sized:
            self.check_output(node)

    def check_output(self, node=None):
        """Counts the pieces written since the last look (so sizing the whole output costs one pass)."""
        out = self.out
        size = self.size
        for i in range(self.sized, len(out)):
            size += len(out[i])
        self.size, self.sized = size, len(out)
        if size > MAX_OUTPUT:
            self.node = node
            self.errorf("over the simulator's work budget: more than %d bytes of output" % MAX_OUTPUT)

    def errorf(self, msg):
        prog = self.prog
        name = self.tmpl_name
        if self.node is None:
            raise ExecError("template: %s: %s" % (name, msg), name=name)
        pos = self.node.pos
        text = prog.text[:pos]
        nl = text.rfind("\n")
        line = text.count("\n") + 1
        if nl < 0:
            col = len(text.encode("utf-8", "surrogateescape"))
        else:
            col = len(text[nl + 1:].encode("utf-8", "surrogateescape"))
        location = "%s:%d:%d" % (prog.parse_name, line, col)
        message = "template: %s: executing %s at <%s>: %s" % (location, go_quote(name), self.node, msg)
        raise ExecError(message, name=name, line=line, column=col)

    # variables ---------------------------------------------------------------------------------------
    def var_index(self, name):
        names = self.names
        i = len(names) - 1
        while i >= 0:
            if names[i] == name:
                return i
            i -= 1
        self.errorf("undefined variable: %s" % name)

    def push(self, name, value, iface=False):
        self.names.append(name)
        self.vals.append(value)
        self.ifaces.append(iface)

    def pop(self, mark):
        del self.names[mark:]
        del self.vals[mark:]
        del self.ifaces[mark:]


# --- the compiler ----------------------------------------------------------------------------------------

class Compiler:
    """Turns the nodes of one template set into closures.

    Statement closures are run(st, dot); pipeline closures ev(st, dot) -> value; command closures
    cmd(st, dot, final) -> value; argument closures arg(st, dot, typ) -> value.
    """

    def __init__(self, funcs):
        self.funcs = funcs  # user + sprig functions (looked up before builtins, as in Go)

    def lookup_function(self, name):
        fn = self.funcs.get(name)
        if fn is not None:
            return fn, False
        fn = BUILTINS.get(name)
        if fn is not None:
            return fn, True
        return None, False

    # statements --------------------------------------------------------------------------------------
    def compile_list(self, lst):
        fns = []
        texts = []
        for n in lst.nodes:
            if isinstance(n, CommentNode):
                continue
            if isinstance(n, TextNode):
                fns.append(None)
                texts.append(n.text)
                continue
            fns.append(self.compile_node(n))
            texts.append(None)
        if not fns:
            return _noop
        if all(f is None for f in fns):
            text = "".join(texts)

            def run_text(st, dot):
                st.out.append(text)
            return run_text
        steps = tuple(zip(fns, texts))

        def run_list(st, dot):
            append = st.out.append
            for f, text in steps:
                if f is None:
                    append(text)
                else:
                    f(st, dot)
        return run_list

    def compile_node(self, n):
        if isinstance(n, ActionNode):
            return self.compile_action(n)
        if isinstance(n, IfNode):
            return self.compile_if_with(n, False)
        if isinstance(n, WithNode):
            return self.compile_if_with(n, True)
        if isinstance(n, RangeNode):
            return self.compile_range(n)
        if isinstance(n, TemplateNode):
            return self.compile_template(n)
        if isinstance(n, BreakNode):
            def run_break(st, dot):
                raise _BREAK
            return run_break
        if isinstance(n, ContinueNode):
            def run_continue(st, dot):
                raise _CONTINUE
            return run_continue
        if isinstance(n, ListNode):
            return self.compile_list(n)
        if isinstance(n, TextNode):
            text = n.text

            def run_text(st, dot):
                st.out.append(text)
            return run_text
        if isinstance(n, CommentNode):
            return _noop
        raise TypeError("unknown node %r" % n)

    def compile_action(self, n):
        pipe = self.compile_pipe(n.pipe)
        if n.pipe.decl:
            def run_decl(st, dot):
                pipe(st, dot)
            return run_decl

        def run_action(st, dot):
            v = pipe(st, dot)
            if type(v) is str:
                st.out.append(v)
            else:
                st.out.append(printable(st, n, v))
        return run_action

    def compile_if_with(self, n, is_with):
        # Each branch is compiled when it is first taken: one pod takes few of the branches of a template
        # like Istio's, and compiling the others cost more than running the ones taken.  Two threads taking
        # a branch first at once both compile it; either closure is right (they hold no execution state).
        pipe = self.compile_pipe(n.pipe)
        compile_list = self.compile_list
        has_else = n.else_list is not None
        body = else_body = None

        if is_with:
            def run_with(st, dot):
                nonlocal body, else_body
                mark = len(st.names)
                val = pipe(st, dot)
                if is_true(val):
                    if body is None:
                        body = compile_list(n.list)
                    saved = st.dot_iface
                    st.dot_iface = False
                    try:
                        body(st, val)
                    finally:
                        st.dot_iface = saved
                elif has_else:
                    if else_body is None:
                        else_body = compile_list(n.else_list)
                    else_body(st, dot)
                if len(st.names) > mark:
                    st.pop(mark)
            return run_with

        def run_if(st, dot):
            nonlocal body, else_body
            mark = len(st.names)
            if is_true(pipe(st, dot)):
                if body is None:
                    body = compile_list(n.list)
                body(st, dot)
            elif has_else:
                if else_body is None:
                    else_body = compile_list(n.else_list)
                else_body(st, dot)
            if len(st.names) > mark:
                st.pop(mark)
        return run_if

    def compile_range(self, r):
        pipe = self.compile_pipe(r.pipe)
        body = self.compile_list(r.list)
        else_body = self.compile_list(r.else_list) if r.else_list is not None else None
        decl = [v.ident[0] for v in r.pipe.decl]
        ndecl = len(decl)
        is_assign = r.pipe.is_assign

        def run_range(st, dot):
            st.node = r
            mark = len(st.names)
            saved_iface = st.dot_iface
            try:
                val = pipe(st, dot)
                mark2 = len(st.names)
                vals = st.vals
                ifaces = st.ifaces

                def one(index, elem, elem_iface):
                    st.step(r)
                    if ndecl:
                        if is_assign:
                            i = st.var_index(decl[0])
                            vals[i] = index if ndecl > 1 else elem
                            ifaces[i] = False if ndecl > 1 else elem_iface
                        else:
                            vals[-1] = elem
                            ifaces[-1] = elem_iface
                    if ndecl > 1:
                        if is_assign:
                            i = st.var_index(decl[1])
                            vals[i] = elem
                            ifaces[i] = elem_iface
                        else:
                            vals[-2] = index
                            ifaces[-2] = False
                    st.dot_iface = elem_iface
                    try:
                        body(st, elem)
                    except _Continue:
                        pass
                    finally:
                        if len(st.names) > mark2:
                            st.pop(mark2)

                t = type(val)
                ran = False
                try:
                    if t is list or t is tuple or isinstance(val, (list, tuple)):
                        if val:
                            ran = True
                            elem_iface = _elem_is_iface(val)
                            for i, e in enumerate(val):
                                one(i, e, elem_iface)
                    elif t is dict or isinstance(val, dict):
                        if val:
                            ran = True
                            elem_iface = _elem_is_iface(val)
                            for k in sort_keys(val.keys()):
                                one(k, val[k], elem_iface)
                    elif (t is int or isinstance(val, _GoInt)) and t is not bool:
                        if ndecl > 1:
                            st.errorf("can't use %s to iterate over more than one variable" % format_value(val))
                        if val > 0:
                            ran = True
                            cls = type(val)
                            for i in range(int(val)):
                                one(MISSING, i if cls is int else cls(i), False)
                    elif val is MISSING:
                        pass
                    else:
                        # Go dereferences a pointer first, so a struct prints without its '&'.
                        shown = printable(st, r, val) if isinstance(val, GoStruct) else format_value(val)
                        st.errorf("range can't iterate over %s" % shown)
                except _Break:
                    ran = True
                if not ran and else_body is not None:
                    st.dot_iface = saved_iface
                    else_body(st, dot)
            finally:
                st.dot_iface = saved_iface
                if len(st.names) > mark:
                    st.pop(mark)
        return run_range

    def compile_template(self, t):
        pipe = self.compile_pipe(t.pipe) if t.pipe is not None else None
        name = t.name

        def run_template(st, dot):
            st.node = t
            prog = st.prog
            target = prog.compiled.get(name)
            if target is None:
                st.errorf("template %s not defined" % go_quote(name))
            if st.depth >= MAX_EXEC_DEPTH:
                st.errorf("exceeded maximum template depth (%d)" % MAX_EXEC_DEPTH)
            st.step(t)
            newdot = pipe(st, dot) if pipe is not None else MISSING
            saved = (st.names, st.vals, st.ifaces, st.tmpl_name, st.dot_iface)
            st.names, st.vals, st.ifaces = ["$"], [newdot], [False]
            st.tmpl_name = name
            st.dot_iface = False
            st.depth += 1
            try:
                target(st, newdot)
            except RecursionError:
                st.node = t
                st.errorf("exceeded maximum template depth (%d)" % MAX_EXEC_DEPTH)
            finally:
                st.depth -= 1
                st.names, st.vals, st.ifaces, st.tmpl_name, st.dot_iface = saved
        return run_template

    # pipelines ---------------------------------------------------------------------------------------
    def compile_pipe(self, pipe):
        cmds = [self.compile_command(c) for c in pipe.cmds]
        decl = [v.ident[0] for v in pipe.decl]
        is_assign = pipe.is_assign

        if len(cmds) == 1 and not decl:
            cmd0 = cmds[0]

            def ev_one(st, dot):
                st.node = pipe
                v = cmd0(st, dot, NOFINAL)
                return MISSING if v is None else v
            return ev_one

        def ev_pipe(st, dot):
            st.node = pipe
            v = NOFINAL
            for c in cmds:
                v = c(st, dot, v)
                if v is None:
                    v = MISSING
            for name in decl:
                if is_assign:
                    i = st.var_index(name)
                    st.vals[i] = v
                    st.ifaces[i] = False
                else:
                    st.push(name, v)
            return v
        return ev_pipe

    def compile_command(self, cmd):
        first = cmd.args[0]
        argnodes = cmd.args[1:]
        if isinstance(first, FieldNode):
            argfns = [self.compile_arg(a) for a in argnodes]
            idents = first.ident
            allargs = cmd.args

            if len(idents) == 1 and not argfns:
                name0 = idents[0]

                def cmd_field1(st, dot, final):
                    st.node = first
                    if type(dot) is dict and final is NOFINAL:
                        v = dot.get(name0, MISSING)
                        if v is MISSING:
                            return _missing_key(st, dot, name0)
                        return v
                    return field_chain(st, dot, dot, st.dot_iface, first, idents, allargs, argfns, final)
                return cmd_field1

            def cmd_field(st, dot, final):
                st.node = first
                return field_chain(st, dot, dot, st.dot_iface, first, idents, allargs, argfns, final)
            return cmd_field
        if isinstance(first, ChainNode):
            argfns = [self.compile_arg(a) for a in argnodes]
            inner = self.compile_arg(first.node)
            fields = first.field
            allargs = cmd.args

            def cmd_chain(st, dot, final):
                st.node = first
                recv = inner(st, dot, None)
                return field_chain(st, dot, recv, False, first, fields, allargs, argfns, final)
            return cmd_chain
        if isinstance(first, IdentifierNode):
            return self.compile_call(first, cmd, argnodes)
        if isinstance(first, PipeNode):
            inner = self.compile_pipe(first)
            nargs = len(cmd.args)

            def cmd_pipe(st, dot, final):
                if nargs > 1 or final is not NOFINAL:
                    st.errorf("can't give argument to non-function %s" % first)
                return inner(st, dot)
            return cmd_pipe
        if isinstance(first, VariableNode):
            argfns = [self.compile_arg(a) for a in argnodes]
            vname = first.ident[0]
            rest = first.ident[1:]
            allargs = cmd.args
            nargs = len(cmd.args)

            def cmd_var(st, dot, final):
                st.node = first
                i = st.var_index(vname)
                value = st.vals[i]
                if not rest:
                    if nargs > 1 or final is not NOFINAL:
                        st.errorf("can't give argument to non-function %s" % first)
                    return value
                return field_chain(st, dot, value, st.ifaces[i], first, rest, allargs, argfns, final)
            return cmd_var
        # A literal or dot as the command itself.
        nargs = len(cmd.args)

        def not_a_function(st, final):
            if nargs > 1 or final is not NOFINAL:
                st.errorf("can't give argument to non-function %s" % first)

        if isinstance(first, DotNode):
            def cmd_dot(st, dot, final):
                st.node = first
                not_a_function(st, final)
                return dot
            return cmd_dot
        if isinstance(first, NilNode):
            def cmd_nil(st, dot, final):
                st.node = first
                not_a_function(st, final)
                st.errorf("nil is not a command")
            return cmd_nil
        if isinstance(first, BoolNode):
            bval = first.true

            def cmd_bool(st, dot, final):
                st.node = first
                not_a_function(st, final)
                return bval
            return cmd_bool
        if isinstance(first, StringNode):
            sval = first.text

            def cmd_string(st, dot, final):
                st.node = first
                not_a_function(st, final)
                return sval
            return cmd_string
        if isinstance(first, NumberNode):
            def cmd_number(st, dot, final):
                st.node = first
                not_a_function(st, final)
                return ideal_constant(st, first)
            return cmd_number

        def cmd_unknown(st, dot, final):
            st.node = first
            not_a_function(st, final)
            st.errorf("can't evaluate command %s" % go_quote(str(first)))
        return cmd_unknown

    def compile_call(self, ident, node, argnodes):
        """A function call; `node` is what Go reports errors at once arguments are evaluated."""
        name = ident.ident
        fn, is_builtin = self.lookup_function(name)
        sig = signature_of(fn) if fn is not None else None
        argfns = [self.compile_arg(a) for a in argnodes]
        if fn is None or (is_builtin and name in ("and", "or", "call")):
            def cmd_call(st, dot, final):
                st.node = ident
                if fn is None:
                    st.errorf("%s is not a defined function" % go_quote(name))
                return call_function(st, dot, fn, sig, is_builtin, node, name, argnodes, argfns, final)
            return cmd_call
        # The signature is known now, so work out each argument's parameter type and the argument-count
        # errors once, for both "called with a piped value" and "called without".
        plan = {}
        nargs = len(argfns)
        params = sig.params if sig is not None else ()
        variadic = sig.variadic if sig is not None else "interface {}"
        for with_final in (False, True):
            num_in = nargs + (1 if with_final else 0)
            err = None
            if variadic is not None:
                if num_in < len(params):
                    err = "wrong number of args for %s: want at least %d got %d" % (name, len(params), nargs)
            elif num_in != len(params):
                err = "wrong number of args for %s: want %d got %d" % (name, len(params), num_in)
            if err is not None:
                plan[with_final] = (err, None, None)
                continue
            types = tuple(params[i] if i < len(params) else variadic for i in range(nargs))
            final_t = None
            if with_final:
                if variadic is not None:
                    final_t = params[num_in - 1] if num_in - 1 < len(params) else variadic
                else:
                    final_t = params[-1]
            plan[with_final] = (None, tuple(zip(argfns, types)), final_t)
        err0, pairs0, _ = plan[False]
        err1, pairs1, final_t1 = plan[True]
        environ = sig is not None and sig.environ   # the execution's environment goes first

        def call_planned(st, dot, final):
            st.node = ident
            if final is NOFINAL:
                if err0 is not None:
                    st.errorf(err0)
                argv = [af(st, dot, t) for af, t in pairs0]
            else:
                if err1 is not None:
                    st.errorf(err1)
                argv = [af(st, dot, t) for af, t in pairs1]
                argv.append(validate(st, final, final_t1))
            if environ:
                argv.insert(0, st.env)
            return call_checked(st, node, name, fn, argv)
        return call_planned

    # arguments ---------------------------------------------------------------------------------------
    def compile_arg(self, n):
        if isinstance(n, DotNode):
            def arg_dot(st, dot, typ):
                st.node = n
                return validate(st, dot, typ)
            return arg_dot
        if isinstance(n, NilNode):
            def arg_nil(st, dot, typ):
                st.node = n
                if typ is None or typ == "reflect.Value":
                    return MISSING
                if can_be_nil(typ):
                    return None
                st.errorf("cannot assign nil to %s" % typ)
            return arg_nil
        if isinstance(n, FieldNode):
            idents = n.ident
            selfargs = [n]
            if len(idents) == 1:
                name0 = idents[0]

                def arg_field1(st, dot, typ):
                    st.node = n
                    if type(dot) is dict:
                        v = dot.get(name0, MISSING)
                        if v is MISSING:
                            v = _missing_key(st, dot, name0)
                    else:
                        v = field_chain(st, dot, dot, st.dot_iface, n, idents, selfargs, (), NOFINAL)
                    if typ == "reflect.Value" or typ is None:
                        return v
                    return validate(st, v, typ)
                return arg_field1

            def arg_field(st, dot, typ):
                st.node = n
                v = field_chain(st, dot, dot, st.dot_iface, n, idents, selfargs, (), NOFINAL)
                if typ == "reflect.Value" or typ is None:
                    return v
                return validate(st, v, typ)
            return arg_field
        if isinstance(n, VariableNode):
            vname = n.ident[0]
            rest = n.ident[1:]

            def arg_var(st, dot, typ):
                st.node = n
                i = st.var_index(vname)
                v = st.vals[i]
                if rest:
                    v = field_chain(st, dot, v, st.ifaces[i], n, rest, None, (), NOFINAL)
                return validate(st, v, typ)
            return arg_var
        if isinstance(n, PipeNode):
            inner = self.compile_pipe(n)

            def arg_pipe(st, dot, typ):
                st.node = n
                return validate(st, inner(st, dot), typ)
            return arg_pipe
        if isinstance(n, IdentifierNode):
            call = self.compile_call(n, n, [])

            def arg_ident(st, dot, typ):
                st.node = n
                return validate(st, call(st, dot, NOFINAL), typ)
            return arg_ident
        if isinstance(n, ChainNode):
            inner = self.compile_arg(n.node)
            fields = n.field

            def arg_chain(st, dot, typ):
                st.node = n
                recv = inner(st, dot, None)
                return validate(st, field_chain(st, dot, recv, False, n, fields, None, (), NOFINAL), typ)
            return arg_chain
        # literals: convert per parameter type, memoised
        cache = {}

        def arg_const(st, dot, typ):
            hit = cache.get(typ)
            if hit is not None:
                st.node = n
                return hit[0]
            v = _const_for_type(st, n, typ)
            cache[typ] = (v,)
            return v
        return arg_const


def _noop(st, dot):
    pass
