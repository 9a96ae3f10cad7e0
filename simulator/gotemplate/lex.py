"""Tokenizer for Go template text, producing the same token stream (and error texts) as Go's lexer.

Positions are character offsets into the Python string; the executor converts them to Go's byte
offsets only when it has to report an error.
"""

import enum


class ItemType(enum.IntEnum):
    """Token kinds, in Go's order (keywords sort after KEYWORD, which item printing relies on)."""
    ERROR = 0
    BOOL = 1
    CHAR = 2
    CHAR_CONSTANT = 3
    COMMENT = 4
    COMPLEX = 5
    ASSIGN = 6
    DECLARE = 7
    EOF = 8
    FIELD = 9
    IDENTIFIER = 10
    LEFT_DELIM = 11
    LEFT_PAREN = 12
    NUMBER = 13
    PIPE = 14
    RAW_STRING = 15
    RIGHT_DELIM = 16
    RIGHT_PAREN = 17
    SPACE = 18
    STRING = 19
    TEXT = 20
    VARIABLE = 21
    KEYWORD = 22
    BLOCK = 23
    BREAK = 24
    CONTINUE = 25
    DOT = 26
    DEFINE = 27
    ELSE = 28
    END = 29
    IF = 30
    NIL = 31
    RANGE = 32
    TEMPLATE = 33
    WITH = 34


KEYWORDS = {
    ".": ItemType.DOT,
    "block": ItemType.BLOCK,
    "break": ItemType.BREAK,
    "continue": ItemType.CONTINUE,
    "define": ItemType.DEFINE,
    "else": ItemType.ELSE,
    "end": ItemType.END,
    "if": ItemType.IF,
    "range": ItemType.RANGE,
    "nil": ItemType.NIL,
    "template": ItemType.TEMPLATE,
    "with": ItemType.WITH,
}

SPACE_CHARS = " \t\r\n"
LEFT_DELIM = "{{"
RIGHT_DELIM = "}}"
LEFT_COMMENT = "/*"
RIGHT_COMMENT = "*/"


class Item:
    __slots__ = ("typ", "pos", "val", "line")

    def __init__(self, typ, pos, val, line):
        self.typ = typ
        self.pos = pos
        self.val = val
        self.line = line

    def __repr__(self):
        return "Item(%s, %d, %r, %d)" % (self.typ.name, self.pos, self.val, self.line)

    def __str__(self):
        """Go's item.String(), which parse errors quote."""
        from .fmt import go_quote
        if self.typ == ItemType.EOF:
            return "EOF"
        if self.typ == ItemType.ERROR:
            return self.val
        if self.typ > ItemType.KEYWORD:
            return "<%s>" % self.val
        if len(self.val.encode("utf-8", "surrogateescape")) > 10:
            return go_quote(self.val[:10]) + "..."
        return go_quote(self.val)


def is_space(c):
    return c == " " or c == "\t" or c == "\r" or c == "\n"


def is_alnum(c):
    if c == "_":
        return True
    if c.isascii():
        return c.isalnum()
    if c.isalpha():
        return True
    import unicodedata    # non-ASCII identifiers are rare; the module is not free to import

    return unicodedata.category(c) == "Nd"


def _format_rune(c):
    """%#U of a rune, as Go's lexer errors print it."""
    from .fmt import sprintf
    from .values import Int32
    return sprintf("%#U", Int32(ord(c)))


def _has_left_trim(s, i):
    return len(s) >= i + 2 and s[i] == "-" and is_space(s[i + 1])


def _has_right_trim(s, i):
    return len(s) >= i + 2 and is_space(s[i]) and s[i + 1] == "-"


class Lexer:
    """Go's lexer, driven to completion: `items()` returns the token list, ending in EOF or ERROR."""

    def __init__(self, name, text, break_ok=True, continue_ok=True, emit_comment=False,
                 left=LEFT_DELIM, right=RIGHT_DELIM):
        self.name = name
        self.input = text
        self.left = left or LEFT_DELIM
        self.right = right or RIGHT_DELIM
        self.pos = 0
        self.start = 0
        self.line = 1
        self.start_line = 1
        self.paren_depth = 0
        self.inside_action = False
        self.break_ok = break_ok
        self.continue_ok = continue_ok
        self.emit_comment = emit_comment
        self.out = []
        self.done = False

    # primitives --------------------------------------------------------------------------------------
    def next(self):
        if self.pos >= len(self.input):
            self.pos += 1  # so backup() is symmetric at EOF
            return ""
        c = self.input[self.pos]
        self.pos += 1
        if c == "\n":
            self.line += 1
        return c

    def backup(self):
        self.pos -= 1
        if self.pos < len(self.input) and self.input[self.pos] == "\n":
            self.line -= 1

    def peek(self):
        if self.pos >= len(self.input):
            return ""
        return self.input[self.pos]

    def emit(self, typ):
        self.out.append(Item(typ, self.start, self.input[self.start:self.pos], self.start_line))
        self.start = self.pos
        self.start_line = self.line

    def emit_item(self, item):
        self.out.append(item)

    def this_item(self, typ):
        it = Item(typ, self.start, self.input[self.start:self.pos], self.start_line)
        self.start = self.pos
        self.start_line = self.line
        return it

    def ignore(self):
        self.line += self.input.count("\n", self.start, self.pos)
        self.start = self.pos
        self.start_line = self.line

    def accept(self, valid):
        c = self.next()
        if c and c in valid:
            return True
        self.backup()
        return False

    def accept_run(self, valid):
        while True:
            c = self.next()
            if not (c and c in valid):
                break
        self.backup()

    def errorf(self, msg):
        self.out.append(Item(ItemType.ERROR, self.start, msg, self.start_line))
        self.done = True

    # driver ------------------------------------------------------------------------------------------
    def items(self):
        state = self.lex_text
        while not self.done:
            state = state()
        return self.out

    # states ------------------------------------------------------------------------------------------
    def lex_text(self):
        x = self.input.find(self.left, self.pos)
        if x >= 0:
            if x > self.pos:
                self.pos = x
                trim = 0
                delim_end = self.pos + len(self.left)
                if _has_left_trim(self.input, delim_end):
                    seg = self.input[self.start:self.pos]
                    trim = len(seg) - len(seg.rstrip(SPACE_CHARS))
                self.pos -= trim
                self.line += self.input.count("\n", self.start, self.pos)
                it = self.this_item(ItemType.TEXT)
                self.pos += trim
                self.ignore()
                if it.val:
                    self.emit_item(it)
            return self.lex_left_delim
        self.pos = len(self.input)
        if self.pos > self.start:
            self.line += self.input.count("\n", self.start, self.pos)
            self.emit(ItemType.TEXT)
        self.emit(ItemType.EOF)
        self.done = True
        return None

    def at_right_delim(self):
        inp = self.input
        if _has_right_trim(inp, self.pos) and inp.startswith(self.right, self.pos + 2):
            return True, True
        if inp.startswith(self.right, self.pos):
            return True, False
        return False, False

    def lex_left_delim(self):
        self.pos += len(self.left)
        trim = _has_left_trim(self.input, self.pos)
        after = 2 if trim else 0
        if self.input.startswith(LEFT_COMMENT, self.pos + after):
            self.pos += after
            self.ignore()
            return self.lex_comment
        it = self.this_item(ItemType.LEFT_DELIM)
        self.inside_action = True
        self.pos += after
        self.ignore()
        self.paren_depth = 0
        self.emit_item(it)
        return self.lex_inside_action

    def lex_comment(self):
        self.pos += len(LEFT_COMMENT)
        x = self.input.find(RIGHT_COMMENT, self.pos)
        if x < 0:
            self.errorf("unclosed comment")
            return None
        self.pos = x + len(RIGHT_COMMENT)
        delim, trim = self.at_right_delim()
        if not delim:
            self.errorf("comment ends before closing delimiter")
            return None
        self.line += self.input.count("\n", self.start, self.pos)
        it = self.this_item(ItemType.COMMENT)
        if trim:
            self.pos += 2
        self.pos += len(self.right)
        if trim:
            rest = self.input[self.pos:]
            self.pos += len(rest) - len(rest.lstrip(SPACE_CHARS))
        self.ignore()
        if self.emit_comment:
            self.emit_item(it)
        return self.lex_text

    def lex_right_delim(self):
        _, trim = self.at_right_delim()
        if trim:
            self.pos += 2
            self.ignore()
        self.pos += len(self.right)
        it = self.this_item(ItemType.RIGHT_DELIM)
        if trim:
            rest = self.input[self.pos:]
            self.pos += len(rest) - len(rest.lstrip(SPACE_CHARS))
            self.ignore()
        self.inside_action = False
        self.emit_item(it)
        return self.lex_text

    def lex_inside_action(self):
        delim, _ = self.at_right_delim()
        if delim:
            if self.paren_depth == 0:
                return self.lex_right_delim
            self.errorf("unclosed left paren")
            return None
        c = self.next()
        if c == "":
            self.errorf("unclosed action")
            return None
        if is_space(c):
            self.backup()
            return self.lex_space
        if c == "=":
            self.emit(ItemType.ASSIGN)
            return self.lex_inside_action
        if c == ":":
            if self.next() != "=":
                self.errorf("expected :=")
                return None
            self.emit(ItemType.DECLARE)
            return self.lex_inside_action
        if c == "|":
            self.emit(ItemType.PIPE)
            return self.lex_inside_action
        if c == '"':
            return self.lex_quote
        if c == "`":
            return self.lex_raw_quote
        if c == "$":
            return self.lex_variable
        if c == "'":
            return self.lex_char
        if c == ".":
            if self.pos < len(self.input):
                r = self.input[self.pos]
                if r < "0" or "9" < r:
                    return self.lex_field
            self.backup()
            return self.lex_number
        if c == "+" or c == "-" or "0" <= c <= "9":
            self.backup()
            return self.lex_number
        if is_alnum(c):
            self.backup()
            return self.lex_identifier
        if c == "(":
            self.paren_depth += 1
            self.emit(ItemType.LEFT_PAREN)
            return self.lex_inside_action
        if c == ")":
            self.paren_depth -= 1
            if self.paren_depth < 0:
                self.errorf("unexpected right paren")
                return None
            self.emit(ItemType.RIGHT_PAREN)
            return self.lex_inside_action
        if ord(c) < 0x80 and 0x20 <= ord(c) < 0x7F:
            self.emit(ItemType.CHAR)
            return self.lex_inside_action
        self.errorf("unrecognized character in action: %s" % _format_rune(c))
        return None

    def lex_space(self):
        num = 0
        while True:
            c = self.peek()
            if not (c and is_space(c)):
                break
            self.next()
            num += 1
        if _has_right_trim(self.input, self.pos - 1) and self.input.startswith(self.right, self.pos + 1):
            self.backup()
            if num == 1:
                return self.lex_right_delim
        self.emit(ItemType.SPACE)
        return self.lex_inside_action

    def lex_identifier(self):
        while True:
            c = self.next()
            if c and is_alnum(c):
                continue
            self.backup()
            word = self.input[self.start:self.pos]
            if not self.at_terminator():
                self.errorf("bad character %s" % _format_rune(c) if c else "bad character U+FFFFFFFF")
                return None
            kw = KEYWORDS.get(word)
            if kw is not None and kw > ItemType.KEYWORD:
                if (kw == ItemType.BREAK and not self.break_ok) or (kw == ItemType.CONTINUE and not self.continue_ok):
                    self.emit(ItemType.IDENTIFIER)
                else:
                    self.emit(kw)
            elif word[0] == ".":
                self.emit(ItemType.FIELD)
            elif word == "true" or word == "false":
                self.emit(ItemType.BOOL)
            else:
                self.emit(ItemType.IDENTIFIER)
            return self.lex_inside_action

    def lex_field(self):
        return self.lex_field_or_variable(ItemType.FIELD)

    def lex_variable(self):
        if self.at_terminator():
            self.emit(ItemType.VARIABLE)
            return self.lex_inside_action
        return self.lex_field_or_variable(ItemType.VARIABLE)

    def lex_field_or_variable(self, typ):
        if self.at_terminator():
            self.emit(ItemType.VARIABLE if typ == ItemType.VARIABLE else ItemType.DOT)
            return self.lex_inside_action
        while True:
            c = self.next()
            if not (c and is_alnum(c)):
                self.backup()
                break
        if not self.at_terminator():
            self.errorf("bad character %s" % _format_rune(c))
            return None
        self.emit(typ)
        return self.lex_inside_action

    def at_terminator(self):
        c = self.peek()
        if c == "" or is_space(c) or c in ".,|:)(":
            return True
        return self.input.startswith(self.right, self.pos)

    def lex_char(self):
        while True:
            c = self.next()
            if c == "\\":
                r = self.next()
                if r != "" and r != "\n":
                    continue
                self.errorf("unterminated character constant")
                return None
            if c == "" or c == "\n":
                self.errorf("unterminated character constant")
                return None
            if c == "'":
                break
        self.emit(ItemType.CHAR_CONSTANT)
        return self.lex_inside_action

    def lex_number(self):
        if not self.scan_number():
            self.errorf("bad number syntax: %s" % _quote(self.input[self.start:self.pos]))
            return None
        sign = self.peek()
        if sign == "+" or sign == "-":
            if not self.scan_number() or self.input[self.pos - 1] != "i":
                self.errorf("bad number syntax: %s" % _quote(self.input[self.start:self.pos]))
                return None
            self.emit(ItemType.COMPLEX)
            return self.lex_inside_action
        self.emit(ItemType.NUMBER)
        return self.lex_inside_action

    def scan_number(self):
        self.accept("+-")
        digits = "0123456789_"
        if self.accept("0"):
            if self.accept("xX"):
                digits = "0123456789abcdefABCDEF_"
            elif self.accept("oO"):
                digits = "01234567_"
            elif self.accept("bB"):
                digits = "01_"
        self.accept_run(digits)
        if self.accept("."):
            self.accept_run(digits)
        if len(digits) == 11 and self.accept("eE"):
            self.accept("+-")
            self.accept_run("0123456789_")
        if len(digits) == 23 and self.accept("pP"):
            self.accept("+-")
            self.accept_run("0123456789_")
        self.accept("i")
        c = self.peek()
        if c and is_alnum(c):
            self.next()
            return False
        return True

    def lex_quote(self):
        while True:
            c = self.next()
            if c == "\\":
                r = self.next()
                if r != "" and r != "\n":
                    continue
                self.errorf("unterminated quoted string")
                return None
            if c == "" or c == "\n":
                self.errorf("unterminated quoted string")
                return None
            if c == '"':
                break
        self.emit(ItemType.STRING)
        return self.lex_inside_action

    def lex_raw_quote(self):
        while True:
            c = self.next()
            if c == "":
                self.errorf("unterminated raw quoted string")
                return None
            if c == "`":
                break
        self.emit(ItemType.RAW_STRING)
        return self.lex_inside_action


def _quote(s):
    from .fmt import go_quote
    return go_quote(s)


def lex(name, text, **options):
    """All tokens of `text` (the list ends with an EOF or ERROR item)."""
    return Lexer(name, text, **options).items()
