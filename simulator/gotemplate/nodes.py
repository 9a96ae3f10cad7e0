"""Parse-tree nodes.  Each node's str() is Go's Node.String(), which execution errors quote (`<.Foo.Bar>`)."""

from .fmt import go_quote


class Node:
    __slots__ = ("pos",)
    kind = "node"

    def __repr__(self):
        return "<%s %s>" % (type(self).__name__, self)


class ListNode(Node):
    __slots__ = ("nodes",)
    kind = "list"

    def __init__(self, pos):
        self.pos = pos
        self.nodes = []

    def append(self, n):
        self.nodes.append(n)

    def __str__(self):
        return "".join(str(n) for n in self.nodes)


class TextNode(Node):
    __slots__ = ("text",)
    kind = "text"

    def __init__(self, pos, text):
        self.pos = pos
        self.text = text

    def __str__(self):
        return self.text


class CommentNode(Node):
    __slots__ = ("text",)
    kind = "comment"

    def __init__(self, pos, text):
        self.pos = pos
        self.text = text

    def __str__(self):
        return "{{" + self.text + "}}"


class PipeNode(Node):
    __slots__ = ("line", "is_assign", "decl", "cmds")
    kind = "pipe"

    def __init__(self, pos, line, decl=None):
        self.pos = pos
        self.line = line
        self.is_assign = False
        self.decl = decl or []
        self.cmds = []

    def append(self, cmd):
        self.cmds.append(cmd)

    def __str__(self):
        s = ""
        if self.decl:
            s = ", ".join(str(v) for v in self.decl)
            s += " = " if self.is_assign else " := "
        return s + " | ".join(str(c) for c in self.cmds)


class ActionNode(Node):
    __slots__ = ("line", "pipe")
    kind = "action"

    def __init__(self, pos, line, pipe):
        self.pos = pos
        self.line = line
        self.pipe = pipe

    def __str__(self):
        return "{{" + str(self.pipe) + "}}"


class CommandNode(Node):
    __slots__ = ("args",)
    kind = "command"

    def __init__(self, pos):
        self.pos = pos
        self.args = []

    def append(self, arg):
        self.args.append(arg)

    def __str__(self):
        parts = []
        for a in self.args:
            if isinstance(a, PipeNode):
                parts.append("(" + str(a) + ")")
            else:
                parts.append(str(a))
        return " ".join(parts)


class IdentifierNode(Node):
    __slots__ = ("ident",)
    kind = "identifier"

    def __init__(self, pos, ident):
        self.pos = pos
        self.ident = ident

    def __str__(self):
        return self.ident


class VariableNode(Node):
    __slots__ = ("ident",)
    kind = "variable"

    def __init__(self, pos, ident):
        self.pos = pos
        self.ident = ident.split(".")

    def __str__(self):
        return ".".join(self.ident)


class DotNode(Node):
    __slots__ = ()
    kind = "dot"

    def __init__(self, pos):
        self.pos = pos

    def __str__(self):
        return "."


class NilNode(Node):
    __slots__ = ()
    kind = "nil"

    def __init__(self, pos):
        self.pos = pos

    def __str__(self):
        return "nil"


class FieldNode(Node):
    __slots__ = ("ident",)
    kind = "field"

    def __init__(self, pos, ident):
        self.pos = pos
        self.ident = ident[1:].split(".")

    def __str__(self):
        return "".join("." + i for i in self.ident)


class ChainNode(Node):
    __slots__ = ("node", "field")
    kind = "chain"

    def __init__(self, pos, node):
        self.pos = pos
        self.node = node
        self.field = []

    def add(self, field):
        self.field.append(field[1:])

    def __str__(self):
        if isinstance(self.node, PipeNode):
            s = "(" + str(self.node) + ")"
        else:
            s = str(self.node)
        return s + "".join("." + f for f in self.field)


class BoolNode(Node):
    __slots__ = ("true",)
    kind = "bool"

    def __init__(self, pos, true):
        self.pos = pos
        self.true = true

    def __str__(self):
        return "true" if self.true else "false"


class NumberNode(Node):
    __slots__ = ("is_int", "is_uint", "is_float", "is_complex", "int64", "uint64", "float64",
                 "complex128", "text")
    kind = "number"

    def __init__(self, pos, text):
        self.pos = pos
        self.text = text
        self.is_int = self.is_uint = self.is_float = self.is_complex = False
        self.int64 = 0
        self.uint64 = 0
        self.float64 = 0.0
        self.complex128 = 0j

    def __str__(self):
        return self.text


class StringNode(Node):
    __slots__ = ("quoted", "text")
    kind = "string"

    def __init__(self, pos, quoted, text):
        self.pos = pos
        self.quoted = quoted
        self.text = text

    def __str__(self):
        return self.quoted


class EndNode(Node):
    __slots__ = ()
    kind = "end"

    def __init__(self, pos):
        self.pos = pos

    def __str__(self):
        return "{{end}}"


class ElseNode(Node):
    __slots__ = ("line",)
    kind = "else"

    def __init__(self, pos, line):
        self.pos = pos
        self.line = line

    def __str__(self):
        return "{{else}}"


class BranchNode(Node):
    __slots__ = ("line", "pipe", "list", "else_list")
    keyword = ""

    def __init__(self, pos, line, pipe, lst, else_list):
        self.pos = pos
        self.line = line
        self.pipe = pipe
        self.list = lst
        self.else_list = else_list

    def __str__(self):
        s = "{{" + self.keyword + " " + str(self.pipe) + "}}" + str(self.list)
        if self.else_list is not None:
            s += "{{else}}" + str(self.else_list)
        return s + "{{end}}"


class IfNode(BranchNode):
    __slots__ = ()
    kind = "if"
    keyword = "if"


class RangeNode(BranchNode):
    __slots__ = ()
    kind = "range"
    keyword = "range"


class WithNode(BranchNode):
    __slots__ = ()
    kind = "with"
    keyword = "with"


class BreakNode(Node):
    __slots__ = ("line",)
    kind = "break"

    def __init__(self, pos, line):
        self.pos = pos
        self.line = line

    def __str__(self):
        return "{{break}}"


class ContinueNode(Node):
    __slots__ = ("line",)
    kind = "continue"

    def __init__(self, pos, line):
        self.pos = pos
        self.line = line

    def __str__(self):
        return "{{continue}}"


class TemplateNode(Node):
    __slots__ = ("line", "name", "pipe")
    kind = "template"

    def __init__(self, pos, line, name, pipe):
        self.pos = pos
        self.line = line
        self.name = name
        self.pipe = pipe

    def __str__(self):
        s = "{{template " + go_quote(self.name)
        if self.pipe is not None:
            s += " " + str(self.pipe)
        return s + "}}"


def is_empty_tree(n):
    """Go's IsEmptyTree: only whitespace text and comments (such a definition does not replace another)."""
    if n is None or isinstance(n, CommentNode):
        return True
    if isinstance(n, ListNode):
        return all(is_empty_tree(c) for c in n.nodes)
    if isinstance(n, TextNode):
        return n.text.strip(" \t\n\v\f\r\x85\xa0") == ""
    return False
