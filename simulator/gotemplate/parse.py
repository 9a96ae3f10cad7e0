"""Parser: tokens to parse trees, one tree per template name, with Go's parse error texts."""

import math

from ..golang.strconv import underscore_ok
from .errors import ParseError
from .lex import ItemType as T, Lexer
from .nodes import (
    ActionNode, BoolNode, BreakNode, ChainNode, CommandNode, CommentNode, ContinueNode, DotNode, ElseNode,
    EndNode, FieldNode, IdentifierNode, IfNode, ListNode, NilNode, NumberNode, PipeNode, RangeNode,
    StringNode, TemplateNode, TextNode, VariableNode, WithNode, is_empty_tree,
)

MAX_STACK_DEPTH = 10000


class _Stop(Exception):
    """Internal: unwinds the recursive descent when a parse error is raised."""


class Tree:
    """One template's parse tree plus the parsing state (Go keeps both in parse.Tree)."""

    def __init__(self, name, parse_name=None, text="", has_function=None):
        self.name = name
        self.parse_name = parse_name or name
        self.root = None
        self.text = text
        self.has_function = has_function or (lambda name: False)
        # parsing state
        self.items = None
        self.index = 0
        self.token = [None, None, None]
        self.peek_count = 0
        self.vars = ["$"]
        self.tree_set = None
        self.action_line = 0
        self.range_depth = 0
        self.stack_depth = 0

    # token stream ------------------------------------------------------------------------------------
    def _next_item(self):
        items = self.items
        i = self.index
        if i < len(items):
            self.index = i + 1
            return items[i]
        return items[-1]

    def next(self):
        if self.peek_count > 0:
            self.peek_count -= 1
        else:
            self.token[0] = self._next_item()
        return self.token[self.peek_count]

    def backup(self):
        self.peek_count += 1

    def backup2(self, t1):
        self.token[1] = t1
        self.peek_count = 2

    def backup3(self, t2, t1):
        self.token[1] = t1
        self.token[2] = t2
        self.peek_count = 3

    def peek(self):
        if self.peek_count > 0:
            return self.token[self.peek_count - 1]
        self.peek_count = 1
        self.token[0] = self._next_item()
        return self.token[0]

    def next_non_space(self):
        while True:
            tok = self.next()
            if tok.typ != T.SPACE:
                return tok

    def peek_non_space(self):
        tok = self.next_non_space()
        self.backup()
        return tok

    # errors ------------------------------------------------------------------------------------------
    def errorf(self, msg):
        self.root = None
        line = self.token[0].line if self.token[0] is not None else 1
        raise ParseError("template: %s:%d: %s" % (self.parse_name, line, msg), name=self.parse_name, line=line)

    def expect(self, expected, context):
        tok = self.next_non_space()
        if tok.typ != expected:
            self.unexpected(tok, context)
        return tok

    def expect_one_of(self, e1, e2, context):
        tok = self.next_non_space()
        if tok.typ != e1 and tok.typ != e2:
            self.unexpected(tok, context)
        return tok

    def unexpected(self, tok, context):
        if tok.typ == T.ERROR:
            extra = ""
            if self.action_line != 0 and self.action_line != tok.line:
                extra = " in action started at %s:%d" % (self.parse_name, self.action_line)
                if tok.val.endswith(" action"):
                    extra = extra[len(" in action"):]
            self.errorf("%s%s" % (tok, extra))
        self.errorf("unexpected %s in %s" % (tok, context))

    # parsing -----------------------------------------------------------------------------------------
    def start_parse(self, items, tree_set, index=0):
        self.root = None
        self.items = items
        self.index = index
        self.vars = ["$"]
        self.tree_set = tree_set
        self.stack_depth = 0

    def _share_stream(self, other):
        """Continue on another tree's token stream (define/block bodies share the lexer in Go)."""
        self.items = other.items
        self.index = other.index

    def _return_stream(self, other):
        other.index = self.index

    def add(self):
        tree = self.tree_set.get(self.name)
        if tree is None or is_empty_tree(tree.root):
            self.tree_set[self.name] = self
            return
        if not is_empty_tree(self.root):
            self.errorf("template: multiple definition of template %s" % _q(self.name))

    def parse(self):
        self.root = ListNode(self.peek().pos)
        while self.peek().typ != T.EOF:
            if self.peek().typ == T.LEFT_DELIM:
                delim = self.next()
                if self.next_non_space().typ == T.DEFINE:
                    new = Tree("definition", self.parse_name, self.text, self.has_function)
                    new.start_parse(self.items, self.tree_set, self.index)
                    # Go's sub-parser starts with an empty lookahead on the shared lexer.
                    new.parse_definition()
                    self.index = new.index
                    self.peek_count = 0
                    continue
                self.backup2(delim)
            n = self.text_or_action()
            if isinstance(n, (EndNode, ElseNode)):
                self.errorf("unexpected %s" % n)
            else:
                self.root.append(n)

    def parse_definition(self):
        context = "define clause"
        name = self.expect_one_of(T.STRING, T.RAW_STRING, context)
        self.name = self.unquote(name.val)
        self.expect(T.RIGHT_DELIM, context)
        self.root, end = self.item_list()
        if not isinstance(end, EndNode):
            self.errorf("unexpected %s in %s" % (end, context))
        self.add()

    def item_list(self):
        lst = ListNode(self.peek_non_space().pos)
        while self.peek_non_space().typ != T.EOF:
            n = self.text_or_action()
            if isinstance(n, (EndNode, ElseNode)):
                return lst, n
            lst.append(n)
        self.errorf("unexpected EOF")

    def text_or_action(self):
        tok = self.next_non_space()
        if tok.typ == T.TEXT:
            return TextNode(tok.pos, tok.val)
        if tok.typ == T.LEFT_DELIM:
            self.action_line = tok.line
            try:
                return self.action()
            finally:
                self.action_line = 0
        if tok.typ == T.COMMENT:
            return CommentNode(tok.pos, tok.val)
        self.unexpected(tok, "input")

    def action(self):
        tok = self.next_non_space()
        typ = tok.typ
        if typ == T.BLOCK:
            return self.block_control()
        if typ == T.BREAK:
            return self.break_control(tok.pos, tok.line)
        if typ == T.CONTINUE:
            return self.continue_control(tok.pos, tok.line)
        if typ == T.ELSE:
            return self.else_control()
        if typ == T.END:
            return self.end_control()
        if typ == T.IF:
            return IfNode(*self.parse_control("if"))
        if typ == T.RANGE:
            return RangeNode(*self.parse_control("range"))
        if typ == T.TEMPLATE:
            return self.template_control()
        if typ == T.WITH:
            return WithNode(*self.parse_control("with"))
        self.backup()
        tok = self.peek()
        return ActionNode(tok.pos, tok.line, self.pipeline("command", T.RIGHT_DELIM))

    def break_control(self, pos, line):
        tok = self.next_non_space()
        if tok.typ != T.RIGHT_DELIM:
            self.unexpected(tok, "{{break}}")
        if self.range_depth == 0:
            self.errorf("{{break}} outside {{range}}")
        return BreakNode(pos, line)

    def continue_control(self, pos, line):
        tok = self.next_non_space()
        if tok.typ != T.RIGHT_DELIM:
            self.unexpected(tok, "{{continue}}")
        if self.range_depth == 0:
            self.errorf("{{continue}} outside {{range}}")
        return ContinueNode(pos, line)

    def pipeline(self, context, end):
        tok = self.peek_non_space()
        pipe = PipeNode(tok.pos, tok.line)
        while True:  # the "decls" label: loops only for range's second variable
            v = self.peek_non_space()
            if v.typ != T.VARIABLE:
                break
            self.next()
            after = self.peek()
            nxt = self.peek_non_space()
            if nxt.typ == T.ASSIGN or nxt.typ == T.DECLARE:
                pipe.is_assign = nxt.typ == T.ASSIGN
                self.next_non_space()
                pipe.decl.append(VariableNode(v.pos, v.val))
                self.vars.append(v.val)
                break
            if nxt.typ == T.CHAR and nxt.val == ",":
                self.next_non_space()
                pipe.decl.append(VariableNode(v.pos, v.val))
                self.vars.append(v.val)
                if context == "range" and len(pipe.decl) < 2:
                    if self.peek_non_space().typ in (T.VARIABLE, T.RIGHT_DELIM, T.RIGHT_PAREN):
                        continue
                    self.errorf("range can only initialize variables")
                self.errorf("too many declarations in %s" % context)
            if after.typ == T.SPACE:
                self.backup3(v, after)
            else:
                self.backup2(v)
            break
        while True:
            tok = self.next_non_space()
            if tok.typ == end:
                self.check_pipeline(pipe, context)
                return pipe
            if tok.typ in _OPERAND_START:
                self.backup()
                pipe.append(self.command())
            else:
                self.unexpected(tok, context)

    def check_pipeline(self, pipe, context):
        if not pipe.cmds:
            self.errorf("missing value for %s" % context)
        for i, c in enumerate(pipe.cmds[1:]):
            if isinstance(c.args[0], (BoolNode, DotNode, NilNode, NumberNode, StringNode)):
                self.errorf("non executable command in pipeline stage %d" % (i + 2))

    def parse_control(self, context):
        mark = len(self.vars)
        try:
            pipe = self.pipeline(context, T.RIGHT_DELIM)
            if context == "range":
                self.range_depth += 1
            lst, nxt = self.item_list()
            if context == "range":
                self.range_depth -= 1
            else_list = None
            if isinstance(nxt, ElseNode):
                if context == "if" and self.peek().typ == T.IF:
                    self.next()
                    else_list = ListNode(nxt.pos)
                    else_list.append(IfNode(*self.parse_control("if")))
                elif context == "with" and self.peek().typ == T.WITH:
                    self.next()
                    else_list = ListNode(nxt.pos)
                    else_list.append(WithNode(*self.parse_control("with")))
                else:
                    else_list, nxt = self.item_list()
                    if not isinstance(nxt, EndNode):
                        self.errorf("expected end; found %s" % nxt)
            return pipe.pos, pipe.line, pipe, lst, else_list
        finally:
            del self.vars[mark:]

    def end_control(self):
        return EndNode(self.expect(T.RIGHT_DELIM, "end").pos)

    def else_control(self):
        peek = self.peek_non_space()
        if peek.typ == T.IF or peek.typ == T.WITH:
            return ElseNode(peek.pos, peek.line)
        tok = self.expect(T.RIGHT_DELIM, "else")
        return ElseNode(tok.pos, tok.line)

    def block_control(self):
        context = "block clause"
        tok = self.next_non_space()
        name = self.parse_template_name(tok, context)
        pipe = self.pipeline(context, T.RIGHT_DELIM)
        block = Tree(name, self.parse_name, self.text, self.has_function)
        block.start_parse(self.items, self.tree_set, self.index)
        # Lookahead tokens already consumed by this tree are none here: pipeline() ended on the delimiter.
        block.root, end = block.item_list()
        if not isinstance(end, EndNode):
            self.errorf("unexpected %s in %s" % (end, context))
        block.add()
        self.index = block.index
        if block.peek_count:
            # Hand back tokens the block parser peeked but did not consume.
            self.index -= block.peek_count
        return TemplateNode(tok.pos, tok.line, name, pipe)

    def template_control(self):
        context = "template clause"
        tok = self.next_non_space()
        name = self.parse_template_name(tok, context)
        pipe = None
        if self.next_non_space().typ != T.RIGHT_DELIM:
            self.backup()
            pipe = self.pipeline(context, T.RIGHT_DELIM)
        return TemplateNode(tok.pos, tok.line, name, pipe)

    def parse_template_name(self, tok, context):
        if tok.typ == T.STRING or tok.typ == T.RAW_STRING:
            return self.unquote(tok.val)
        self.unexpected(tok, context)

    def command(self):
        cmd = CommandNode(self.peek_non_space().pos)
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                cmd.append(operand)
            tok = self.next()
            if tok.typ == T.SPACE:
                continue
            if tok.typ == T.RIGHT_DELIM or tok.typ == T.RIGHT_PAREN:
                self.backup()
            elif tok.typ == T.PIPE:
                pass
            else:
                self.unexpected(tok, "operand")
            break
        if not cmd.args:
            self.errorf("empty command")
        return cmd

    def operand(self):
        node = self.term()
        if node is None:
            return None
        if self.peek().typ == T.FIELD:
            chain = ChainNode(self.peek().pos, node)
            while self.peek().typ == T.FIELD:
                chain.add(self.next().val)
            if isinstance(node, FieldNode):
                node = FieldNode(chain.pos, str(chain))
            elif isinstance(node, VariableNode):
                node = VariableNode(chain.pos, str(chain))
            elif isinstance(node, (BoolNode, StringNode, NumberNode, NilNode, DotNode)):
                self.errorf("unexpected . after term %s" % _q(str(node)))
            else:
                node = chain
        return node

    def term(self):
        tok = self.next_non_space()
        typ = tok.typ
        if typ == T.IDENTIFIER:
            if not self.has_function(tok.val):
                self.errorf("function %s not defined" % _q(tok.val))
            return IdentifierNode(tok.pos, tok.val)
        if typ == T.DOT:
            return DotNode(tok.pos)
        if typ == T.NIL:
            return NilNode(tok.pos)
        if typ == T.VARIABLE:
            return self.use_var(tok.pos, tok.val)
        if typ == T.FIELD:
            return FieldNode(tok.pos, tok.val)
        if typ == T.BOOL:
            return BoolNode(tok.pos, tok.val == "true")
        if typ in (T.CHAR_CONSTANT, T.COMPLEX, T.NUMBER):
            try:
                return new_number(tok.pos, tok.val, typ)
            except ValueError as e:
                self.errorf(str(e))
        if typ == T.LEFT_PAREN:
            if self.stack_depth >= MAX_STACK_DEPTH:
                self.errorf("max expression depth exceeded")
            self.stack_depth += 1
            try:
                return self.pipeline("parenthesized pipeline", T.RIGHT_PAREN)
            finally:
                self.stack_depth -= 1
        if typ == T.STRING or typ == T.RAW_STRING:
            return StringNode(tok.pos, tok.val, self.unquote(tok.val))
        self.backup()
        return None

    def unquote(self, s):
        try:
            return unquote(s)
        except ValueError:
            self.errorf("invalid syntax")

    def use_var(self, pos, name):
        v = VariableNode(pos, name)
        if v.ident[0] in self.vars:
            return v
        self.errorf("undefined variable %s" % _q(v.ident[0]))


_OPERAND_START = frozenset((T.BOOL, T.CHAR_CONSTANT, T.COMPLEX, T.DOT, T.FIELD, T.IDENTIFIER, T.NUMBER,
                            T.NIL, T.RAW_STRING, T.STRING, T.VARIABLE, T.LEFT_PAREN))


def _q(s):
    from .fmt import go_quote
    return go_quote(s)


# --- literals --------------------------------------------------------------------------------------------

_SIMPLE = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
_HEX = "0123456789abcdefABCDEF"


def unquote_char(s, i, quote):
    """strconv.UnquoteChar: decode one (possibly escaped) character of s at i -> (text, new index).

    Bytes produced by \\x and octal escapes that are not valid UTF-8 on their own are returned as
    surrogate-escaped characters, the way Python keeps Go's arbitrary string bytes.
    """
    c = s[i]
    if c == quote and quote in "'\"":
        raise ValueError("invalid syntax")
    if c != "\\":
        return c, i + 1, False
    if i + 1 >= len(s):
        raise ValueError("invalid syntax")
    c = s[i + 1]
    i += 2
    if c in _SIMPLE:
        return _SIMPLE[c], i, False
    if c in "xuU":
        n = {"x": 2, "u": 4, "U": 8}[c]
        hexs = s[i:i + n]
        if len(hexs) < n or any(h not in _HEX for h in hexs):
            raise ValueError("invalid syntax")
        v = int(hexs, 16)
        i += n
        if c == "x":
            return v, i, True  # a byte
        if v > 0x10FFFF or 0xD800 <= v <= 0xDFFF:
            raise ValueError("invalid syntax")
        return chr(v), i, False
    if c in "01234567":
        octs = s[i - 1:i + 2]
        if len(octs) < 3 or any(o not in "01234567" for o in octs):
            raise ValueError("invalid syntax")
        v = int(octs, 8)
        if v > 255:
            raise ValueError("invalid syntax")
        return v, i + 2, True
    if c == "'" or c == '"':
        if c != quote:
            raise ValueError("invalid syntax")
        return c, i, False
    raise ValueError("invalid syntax")


def unquote(s):
    """strconv.Unquote for "..." and `...` literals."""
    if len(s) < 2:
        raise ValueError("invalid syntax")
    q = s[0]
    if q != s[-1]:
        raise ValueError("invalid syntax")
    body = s[1:-1]
    if q == "`":
        if "`" in body:
            raise ValueError("invalid syntax")
        return body.replace("\r", "")
    if q != '"':
        raise ValueError("invalid syntax")
    if "\\" not in body and '"' not in body and "\n" not in body:
        return body
    if "\n" in body:
        raise ValueError("invalid syntax")
    out = []
    pending = bytearray()
    i = 0
    while i < len(body):
        val, i, is_byte = unquote_char(body, i, '"')
        if is_byte:
            pending.append(val)
            continue
        if pending:
            out.append(pending.decode("utf-8", "surrogateescape"))
            pending = bytearray()
        out.append(val)
    if pending:
        out.append(pending.decode("utf-8", "surrogateescape"))
    return "".join(out)


def _parse_uint(text):
    """strconv.ParseUint(text, 0, 64), returning None on any error."""
    s = text
    if not s or s[0] in "+-":
        return None
    base = 10
    body = s
    if s[0] == "0" and len(s) > 1:
        p = s[1].lower()
        if p == "x":
            base, body = 16, s[2:]
        elif p == "o":
            base, body = 8, s[2:]
        elif p == "b":
            base, body = 2, s[2:]
        else:
            base, body = 8, s[1:]
    if "_" in s:
        if not underscore_ok(s):
            return None
        body = body.replace("_", "")
    if not body:
        return None
    digits = "0123456789abcdef"[:base]
    if any(c.lower() not in digits for c in body):
        return None
    v = int(body, base)
    if v >= 1 << 64:
        return None
    return v


def _parse_int(text):
    s = text
    neg = False
    if s and s[0] in "+-":
        neg = s[0] == "-"
        s = s[1:]
    u = _parse_uint(s)
    if u is None:
        return None
    v = -u if neg else u
    if v < -(1 << 63) or v >= 1 << 63:
        return None
    return v


def _parse_float(text):
    """strconv.ParseFloat(text, 64) for the forms the lexer can produce; None on error."""
    s = text
    if "_" in s:
        if not underscore_ok(s):
            return None
        s = s.replace("_", "")
    body = s.lstrip("+-")
    if len(s) - len(body) > 1 or not body:
        return None
    try:
        if body[:2].lower() == "0x":
            if "p" not in body.lower():
                return None
            v = float.fromhex(s)
        else:
            low = body.lower()
            if low[:2] in ("0b", "0o") or any(c not in "0123456789.e+-" for c in low):
                return None
            v = float(s)
    except (ValueError, OverflowError):
        return None
    if math.isinf(v):
        return None
    return v


def _to_int64(f):
    """Go's int64(f) for a finite float, or None when the conversion does not round-trip."""
    if f != f or abs(f) >= 2.0 ** 63:
        return None
    return int(f)


def new_number(pos, text, typ):
    """Go's newNumber: decide which of int/uint/float/complex the literal can be."""
    n = NumberNode(pos, text)
    if typ == T.CHAR_CONSTANT:
        body = text[1:]
        try:
            val, i, is_byte = unquote_char(body, 0, "'")
        except (ValueError, IndexError):
            raise ValueError("invalid syntax")
        if is_byte:
            r = val
        else:
            r = ord(val)
        if body[i:] != "'":
            raise ValueError("malformed character constant: %s" % text)
        n.int64 = r
        n.is_int = True
        n.uint64 = r
        n.is_uint = True
        n.float64 = float(r)
        n.is_float = True
        return n
    if typ == T.COMPLEX:
        c = _parse_complex(text)
        if c is None:
            raise ValueError("expected integer")
        n.is_complex = True
        n.complex128 = c
        _simplify_complex(n)
        return n
    if text and text[-1] == "i":
        f = _parse_float(text[:-1])
        if f is not None:
            n.is_complex = True
            n.complex128 = complex(0, f)
            _simplify_complex(n)
            return n
    u = _parse_uint(text)
    if u is not None:
        n.is_uint = True
        n.uint64 = u
    i = _parse_int(text)
    if i is not None:
        n.is_int = True
        n.int64 = i
        if i == 0:
            n.is_uint = True
            n.uint64 = u if u is not None else 0
    if n.is_int:
        n.is_float = True
        n.float64 = float(n.int64)
    elif n.is_uint:
        n.is_float = True
        n.float64 = float(n.uint64)
    else:
        f = _parse_float(text)
        if f is not None:
            if not any(c in text for c in ".eEpP"):
                raise ValueError("integer overflow: %s" % _q(text))
            n.is_float = True
            n.float64 = f
            i64 = _to_int64(f)
            if i64 is not None and float(i64) == f:
                n.is_int = True
                n.int64 = i64
            if f >= 0 and f < 2.0 ** 64 and float(int(f)) == f:
                n.is_uint = True
                n.uint64 = int(f)
    if not (n.is_int or n.is_uint or n.is_float):
        raise ValueError("illegal number syntax: %s" % _q(text))
    return n


def _parse_complex(text):
    # The lexer only emits COMPLEX for "<number>[+-]<number>i".
    for k in range(len(text) - 1, 0, -1):
        if text[k] in "+-" and text[k - 1] not in "eEpP":
            re_part, im_part = text[:k], text[k:-1]
            a = _parse_float(re_part)
            if a is None:
                iv = _parse_int(re_part)
                a = float(iv) if iv is not None else None
            b = _parse_float(im_part)
            if b is None:
                iv = _parse_int(im_part)
                b = float(iv) if iv is not None else None
            if a is None or b is None:
                return None
            return complex(a, b)
    return None


def _simplify_complex(n):
    n.is_float = n.complex128.imag == 0
    if n.is_float:
        f = n.complex128.real
        n.float64 = f
        i64 = _to_int64(f)
        n.is_int = i64 is not None and float(i64) == f
        if n.is_int:
            n.int64 = i64
        n.is_uint = f >= 0 and f < 2.0 ** 64 and float(int(f)) == f
        if n.is_uint:
            n.uint64 = int(f)


# --- entry point -----------------------------------------------------------------------------------------

def parse(name, text, has_function, tree_set=None):
    """Parse `text` as template `name`; returns {template name: Tree} (Go's parse.Parse)."""
    if tree_set is None:
        tree_set = {}
    break_ok = not has_function("break")
    continue_ok = not has_function("continue")
    items = Lexer(name, text, break_ok=break_ok, continue_ok=continue_ok).items()
    t = Tree(name, name, text, has_function)
    t.start_parse(items, tree_set)
    try:
        t.parse()
    except RecursionError:
        # Go allows 10000 nested parentheses; Python's stack gives out sooner, with Go's message.
        line = items[max(t.index - 1, 0)].line
        raise ParseError("template: %s:%d: max expression depth exceeded" % (name, line), name=name, line=line)
    t.add()
    return tree_set
