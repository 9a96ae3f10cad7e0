"""Go's fmt package (Sprint, Sprintf, Sprintln) over the Python value model.

Templates print every value through fmt, so map ordering, float notation, padding flags and the
`%!verb(type=value)` error forms all have to match Go byte for byte.
"""

from ..golang.strconv import (  # noqa: F401  (go_quote & co. are re-exported for the function modules)
    _is_print, can_backquote, format_float, go_quote, go_quote_rune,
)
from .values import (
    MISSING, GoNilPointer, GoStruct, TypedList, Uint8, _GoInt, Float32, Complex64,
    go_type_name, sort_keys,
)

_LDIGITS = "0123456789abcdefx"
_UDIGITS = "0123456789ABCDEFX"


def _utf8(s):
    return s.encode("utf-8", "surrogateescape")


# --- the printer ---------------------------------------------------------------------------------------

class _Printer:
    __slots__ = ("buf", "wid", "prec", "wid_present", "prec_present", "minus", "plus", "sharp",
                 "space", "zero", "plusV", "sharpV", "arg", "reordered", "good_arg_num")

    def __init__(self):
        self.buf = []
        self.clearflags()

    def clearflags(self):
        self.wid = 0
        self.prec = 0
        self.wid_present = False
        self.prec_present = False
        self.minus = False
        self.plus = False
        self.sharp = False
        self.space = False
        self.zero = False
        self.plusV = False
        self.sharpV = False

    # padding ----------------------------------------------------------------------------------------
    def _padding(self, n):
        if n <= 0:
            return ""
        return ("0" if self.zero and not self.minus else " ") * n

    def pad(self, s):
        if not self.wid_present or self.wid == 0:
            self.buf.append(s)
            return
        width = self.wid - len(s)
        if not self.minus:
            self.buf.append(self._padding(width))
            self.buf.append(s)
        else:
            self.buf.append(s)
            self.buf.append(self._padding(width))

    # basic formatters -------------------------------------------------------------------------------
    def fmt_boolean(self, v):
        self.pad("true" if v else "false")

    def fmt_unicode(self, u):
        prec = 4
        if self.prec_present and self.prec > 4:
            prec = self.prec
        s = "U+" + ("%X" % u).rjust(prec, "0")
        if self.sharp and u <= 0x10FFFF and _is_print(chr(u)) and not (0xD800 <= u <= 0xDFFF):
            s += " '" + chr(u) + "'"
        old = self.zero
        self.zero = False
        self.pad(s)
        self.zero = old

    def fmt_int(self, v, base, verb, digits):
        negative = v < 0
        u = -v if negative else v
        prec = 0
        if self.prec_present:
            prec = self.prec
            if prec == 0 and u == 0:
                old = self.zero
                self.zero = False
                self.buf.append(self._padding(self.wid))
                self.zero = old
                return
        elif self.zero and not self.minus and self.wid_present:
            prec = self.wid
            if negative or self.plus or self.space:
                prec -= 1
        if base == 10:
            s = str(u)
        elif base == 16:
            s = "%x" % u if digits is _LDIGITS else "%X" % u
        elif base == 8:
            s = "%o" % u
        else:
            s = bin(u)[2:]
        if prec > len(s):
            s = "0" * (prec - len(s)) + s
        if self.sharp:
            if base == 2:
                s = "0b" + s
            elif base == 8:
                if s[0] != "0":
                    s = "0" + s
            elif base == 16:
                s = "0" + digits[16] + s
        if verb == "O":
            s = "0o" + s
        if negative:
            s = "-" + s
        elif self.plus:
            s = "+" + s
        elif self.space:
            s = " " + s
        old = self.zero
        self.zero = False
        self.pad(s)
        self.zero = old

    def truncate(self, s):
        if self.prec_present and self.prec < len(s):
            return s[:self.prec]
        return s

    def fmt_s(self, s):
        self.pad(self.truncate(s))

    def fmt_sx(self, b, digits):
        length = len(b)
        if self.prec_present and self.prec < length:
            length = self.prec
        width = 2 * length
        if width > 0:
            if self.space:
                if self.sharp:
                    width *= 2
                width += length - 1
            elif self.sharp:
                width += 2
        else:
            if self.wid_present:
                self.buf.append(self._padding(self.wid))
            return
        if self.wid_present and self.wid > width and not self.minus:
            self.buf.append(self._padding(self.wid - width))
        out = []
        if self.sharp:
            out.append("0" + digits[16])
        for i in range(length):
            if self.space and i > 0:
                out.append(" ")
                if self.sharp:
                    out.append("0" + digits[16])
            c = b[i]
            out.append(digits[c >> 4] + digits[c & 0xF])
        self.buf.append("".join(out))
        if self.wid_present and self.wid > width and self.minus:
            self.buf.append(self._padding(self.wid - width))

    def fmt_q(self, s):
        s = self.truncate(s)
        if self.sharp and can_backquote(s):
            self.pad("`" + s + "`")
            return
        self.pad(go_quote(s, ascii_only=self.plus))

    def fmt_c(self, c):
        if c > 0x10FFFF or c < 0 or 0xD800 <= c <= 0xDFFF:
            c = 0xFFFD
        self.pad(chr(c))

    def fmt_qc(self, c):
        if c > 0x10FFFF or c < 0:
            c = 0xFFFD
        self.pad(go_quote_rune(c, ascii_only=self.plus))

    def fmt_float(self, v, size, verb, prec):
        if self.prec_present:
            prec = self.prec
        s = format_float(v, verb, prec, size)
        if s[0] in "+-":
            num = s
        else:
            num = "+" + s
        if self.space and num[0] == "+" and not self.plus:
            num = " " + num[1:]
        if num[1] in "IN":
            old = self.zero
            self.zero = False
            if num[1] == "N" and not self.space and not self.plus:
                num = num[1:]
            self.pad(num)
            self.zero = old
            return
        if self.sharp and verb != "b":
            digits = 0
            if verb in "vgGx":
                digits = prec
                if digits == -1:
                    digits = 6
            tail = ""
            body = list(num)
            has_point = False
            saw_nonzero = False
            i = 1
            while i < len(body):
                ch = body[i]
                if ch == ".":
                    has_point = True
                elif ch in "pP":
                    tail = "".join(body[i:])
                    body = body[:i]
                    break
                elif ch in "eE" and verb not in "xX":
                    tail = "".join(body[i:])
                    body = body[:i]
                    break
                else:
                    if ch != "0":
                        saw_nonzero = True
                    if saw_nonzero:
                        digits -= 1
                i += 1
            if not has_point:
                if len(body) == 2 and body[1] == "0":
                    digits -= 1
                body.append(".")
            while digits > 0:
                body.append("0")
                digits -= 1
            num = "".join(body) + tail
        if self.plus or num[0] != "+":
            if self.zero and not self.minus and self.wid_present and self.wid > len(num):
                self.buf.append(num[0])
                self.buf.append(self._padding(self.wid - len(num)))
                self.buf.append(num[1:])
                return
            self.pad(num)
            return
        self.pad(num[1:])

    # verb dispatch ----------------------------------------------------------------------------------
    def bad_verb(self, verb, v, have_value=True):
        self.buf.append("%!" + verb + "(")
        if not have_value or v is None or v is MISSING:
            self.buf.append("<nil>")
        else:
            self.buf.append(go_type_name(v))
            self.buf.append("=")
            self.print_value(v, "v", 0)
        self.buf.append(")")

    def fmt_bool(self, v, verb):
        if verb == "t" or verb == "v":
            self.fmt_boolean(v)
        else:
            self.bad_verb(verb, v)

    def fmt_integer(self, v, signed, verb, orig):
        if verb == "v":
            if self.sharpV and not signed:
                sharp = self.sharp
                self.sharp = True
                self.fmt_int(v, 16, "v", _LDIGITS)
                self.sharp = sharp
            else:
                self.fmt_int(v, 10, verb, _LDIGITS)
        elif verb == "d":
            self.fmt_int(v, 10, verb, _LDIGITS)
        elif verb == "b":
            self.fmt_int(v, 2, verb, _LDIGITS)
        elif verb == "o" or verb == "O":
            self.fmt_int(v, 8, verb, _LDIGITS)
        elif verb == "x":
            self.fmt_int(v, 16, verb, _LDIGITS)
        elif verb == "X":
            self.fmt_int(v, 16, verb, _UDIGITS)
        elif verb == "c":
            self.fmt_c(v if v >= 0 else (v & 0xFFFFFFFFFFFFFFFF))
        elif verb == "q":
            self.fmt_qc(v if v >= 0 else (v & 0xFFFFFFFFFFFFFFFF))
        elif verb == "U":
            self.fmt_unicode(v if v >= 0 else (v & 0xFFFFFFFFFFFFFFFF))
        else:
            self.bad_verb(verb, orig)

    def fmt_floatv(self, v, size, verb, orig):
        if verb == "v":
            self.fmt_float(v, size, "g", -1)
        elif verb in ("b", "g", "G", "x", "X"):
            self.fmt_float(v, size, verb, -1)
        elif verb in ("f", "e", "E"):
            self.fmt_float(v, size, verb, 6)
        elif verb == "F":
            self.fmt_float(v, size, "f", 6)
        else:
            self.bad_verb(verb, orig)

    def fmt_complex(self, v, size, verb, orig):
        if verb in "vbgGxXfFeE" and len(verb) == 1:
            old_plus = self.plus
            self.buf.append("(")
            self.fmt_floatv(v.real, size // 2, verb, orig)
            self.plus = True
            self.fmt_floatv(v.imag, size // 2, verb, orig)
            self.buf.append("i)")
            self.plus = old_plus
        else:
            self.bad_verb(verb, orig)

    def fmt_string(self, s, verb):
        if verb == "v":
            if self.sharpV:
                self.fmt_q(s)
            else:
                self.fmt_s(s)
        elif verb == "s":
            self.fmt_s(s)
        elif verb == "x":
            self.fmt_sx(_utf8(s), _LDIGITS)
        elif verb == "X":
            self.fmt_sx(_utf8(s), _UDIGITS)
        elif verb == "q":
            self.fmt_q(s)
        else:
            self.bad_verb(verb, s)

    def fmt_bytes(self, b, verb, type_string):
        if verb == "v" or verb == "d":
            if self.sharpV:
                self.buf.append(type_string + "{")
                for i, c in enumerate(b):
                    if i:
                        self.buf.append(", ")
                    sharp = self.sharp
                    self.sharp = True
                    self.fmt_int(c, 16, "v", _LDIGITS)
                    self.sharp = sharp
                self.buf.append("}")
            else:
                self.buf.append("[")
                for i, c in enumerate(b):
                    if i:
                        self.buf.append(" ")
                    self.fmt_int(c, 10, verb, _LDIGITS)
                self.buf.append("]")
        elif verb == "s":
            self.pad(self.truncate(bytes(b).decode("utf-8", "surrogateescape")))
        elif verb == "x":
            self.fmt_sx(bytes(b), _LDIGITS)
        elif verb == "X":
            self.fmt_sx(bytes(b), _UDIGITS)
        elif verb == "q":
            self.fmt_q(bytes(b).decode("utf-8", "surrogateescape"))
        else:
            self.print_list(list(b), verb, 0, type_string, elem_uint8=True)

    def print_arg(self, arg, verb):
        if arg is None or arg is MISSING:
            if verb == "T" or verb == "v":
                self.pad("<nil>")
            else:
                self.bad_verb(verb, None)
            return
        if verb == "T":
            self.fmt_s(go_type_name(arg))
            return
        if verb == "p":
            self.fmt_pointer(arg, "p")
            return
        self.print_value(arg, verb, 0)

    def fmt_pointer(self, v, verb):
        if isinstance(v, GoNilPointer):
            u = 0
        elif isinstance(v, (dict, list, GoStruct)) or callable(v):
            u = 0xC000010000 + (id(v) & 0xFFFFFF) * 8
        else:
            self.bad_verb(verb, v)
            return
        if verb == "v":
            if self.sharpV:
                self.buf.append("(" + go_type_name(v) + ")(")
                self.buf.append("nil" if u == 0 else "0x%x" % u)
                self.buf.append(")")
            elif u == 0:
                self.pad("<nil>")
            else:
                sharp = self.sharp
                self.sharp = not sharp
                self.fmt_int(u, 16, "v", _LDIGITS)
                self.sharp = sharp
        elif verb == "p":
            sharp = self.sharp
            self.sharp = not sharp
            self.fmt_int(u, 16, "v", _LDIGITS)
            self.sharp = sharp
        elif verb in ("b", "o", "d", "x", "X"):
            self.fmt_integer(u, False, verb, v)
        else:
            self.bad_verb(verb, v)

    def print_value(self, v, verb, depth):
        t = type(v)
        if t is str:
            self.fmt_string(v, verb)
            return
        if t is int:
            self.fmt_integer(v, True, verb, v)
            return
        if t is bool:
            self.fmt_bool(v, verb)
            return
        if t is float:
            self.fmt_floatv(v, 64, verb, v)
            return
        if v is None or v is MISSING:
            if depth == 0:
                # Only reachable through bad_verb's recursion on a nil argument.
                self.pad("<nil>")
            elif self.sharpV:
                self.buf.append("interface {}(nil)")
            else:
                self.buf.append("<nil>")
            return
        if isinstance(v, _GoInt):
            self.fmt_integer(int(v), v.signed, verb, v)
            return
        if isinstance(v, bool):
            self.fmt_bool(bool(v), verb)
            return
        if isinstance(v, int):
            self.fmt_integer(int(v), True, verb, v)
            return
        if isinstance(v, float):
            self.fmt_floatv(float(v), 32 if isinstance(v, Float32) else 64, verb, v)
            return
        if isinstance(v, complex):
            self.fmt_complex(v, 64 if isinstance(v, Complex64) else 128, verb, v)
            return
        if isinstance(v, str):
            self.fmt_string(str(v), verb)
            return
        if isinstance(v, (bytes, bytearray)):
            if depth == 0 or verb in "sqxX":
                self.fmt_bytes(v, verb, "[]byte" if depth == 0 else "[]uint8")
            else:
                self.print_list(list(v), verb, depth, "[]uint8", elem_uint8=True)
            return
        if isinstance(v, GoStruct):
            stringer = getattr(v, "go_string", None)
            if stringer is not None and verb in ("v", "s", "x", "X", "q") and not self.sharpV:
                self.fmt_string(stringer(), verb)
                return
            if v.go_pointer:
                if depth == 0:
                    self.buf.append("&")
                    self.print_struct(v, verb, depth + 1)
                else:
                    self.fmt_pointer(v, verb)
                return
            self.print_struct(v, verb, depth)
            return
        if isinstance(v, GoNilPointer):
            self.fmt_pointer(v, verb)
            return
        if isinstance(v, dict):
            self.print_map(v, verb, depth)
            return
        if isinstance(v, (list, tuple)):
            if verb in ("s", "q", "x", "X") and isinstance(v, TypedList) and v.elem_type in ("uint8", "byte"):
                self.fmt_bytes(bytes(int(x) & 0xFF for x in v), verb, "[]uint8")
                return
            self.print_list(v, verb, depth, go_type_name(v))
            return
        if callable(v):
            self.fmt_pointer(v, verb)
            return
        self.fmt_string(str(v), verb)

    def print_list(self, v, verb, depth, type_string, elem_uint8=False):
        if elem_uint8:
            v = [Uint8(x) for x in v]
        if self.sharpV:
            if getattr(v, "go_nil", False):
                self.buf.append(type_string + "(nil)")
                return
            self.buf.append(type_string + "{")
            for i, e in enumerate(v):
                if i:
                    self.buf.append(", ")
                self.print_value(e, verb, depth + 1)
            self.buf.append("}")
        else:
            self.buf.append("[")
            for i, e in enumerate(v):
                if i:
                    self.buf.append(" ")
                self.print_value(e, verb, depth + 1)
            self.buf.append("]")

    def print_map(self, v, verb, depth):
        if self.sharpV:
            if getattr(v, "go_nil", False):
                self.buf.append(go_type_name(v) + "(nil)")
                return
            self.buf.append(go_type_name(v) + "{")
        else:
            self.buf.append("map[")
        for i, k in enumerate(sort_keys(v.keys())):
            if i:
                self.buf.append(", " if self.sharpV else " ")
            self.print_value(k, verb, depth + 1)
            self.buf.append(":")
            self.print_value(v[k], verb, depth + 1)
        self.buf.append("}" if self.sharpV else "]")

    def print_struct(self, v, verb, depth):
        if self.sharpV:
            self.buf.append(v.go_type_name())
        self.buf.append("{")
        for i, (name, fv) in enumerate(v.go_fields()):
            if i:
                self.buf.append(", " if self.sharpV else " ")
            if self.plusV or self.sharpV:
                self.buf.append(name + ":")
            self.print_value(fv, verb, depth + 1)
        self.buf.append("}")


# --- public entry points ---------------------------------------------------------------------------------

def _is_string_arg(a):
    return isinstance(a, str) and a is not MISSING


def sprint(*args):
    """fmt.Sprint: a space goes between operands when neither side is a string."""
    if len(args) == 1:
        a = args[0]
        if type(a) is str:
            return a
        if type(a) is int:
            return str(a)
    p = _Printer()
    prev_string = False
    for i, a in enumerate(args):
        is_string = _is_string_arg(a)
        if i > 0 and not is_string and not prev_string:
            p.buf.append(" ")
        p.print_arg(a, "v")
        prev_string = is_string
    return "".join(p.buf)


def sprintln(*args):
    """fmt.Sprintln: spaces between all operands and a trailing newline."""
    p = _Printer()
    for i, a in enumerate(args):
        if i > 0:
            p.buf.append(" ")
        p.print_arg(a, "v")
    p.buf.append("\n")
    return "".join(p.buf)


def format_value(v):
    """%v of one value; the missing value prints as Go's template printer shows it."""
    if v is MISSING:
        return "<no value>"
    t = type(v)
    if t is str:
        return v
    if t is int:
        return str(v)
    p = _Printer()
    p.print_arg(v, "v")
    return "".join(p.buf)


def _too_large(x):
    return x > 1000000 or x < -1000000


def _parsenum(s, start, end):
    num = 0
    isnum = False
    i = start
    if start >= end:
        return 0, False, end
    while i < end and "0" <= s[i] <= "9":
        if _too_large(num):
            return 0, False, end
        num = num * 10 + ord(s[i]) - 48
        isnum = True
        i += 1
    return num, isnum, i


def _int_from_arg(args, argnum):
    num, is_int, new = 0, False, argnum
    if argnum < len(args):
        a = args[argnum]
        if type(a) is int or isinstance(a, int) and not isinstance(a, bool):
            num = int(a)
            is_int = True
            if isinstance(a, _GoInt) and not a.signed and num >= 1 << 63:
                num, is_int = 0, False
        new = argnum + 1
        if _too_large(num):
            num, is_int = 0, False
    return num, is_int, new


def _parse_arg_number(fmt):
    if len(fmt) < 3:
        return 0, 1, False
    for i in range(1, len(fmt)):
        if fmt[i] == "]":
            width, ok, newi = _parsenum(fmt, 1, i)
            if not ok or newi != i:
                return 0, i + 1, False
            return width - 1, i + 1, True
    return 0, 1, False


def _arg_number(p, argnum, fmt, i, numargs):
    if len(fmt) <= i or fmt[i] != "[":
        return argnum, i, False
    p.reordered = True
    index, wid, ok = _parse_arg_number(fmt[i:])
    if ok and 0 <= index < numargs:
        return index, i + wid, True
    p.good_arg_num = False
    return argnum, i + wid, ok


def sprintf(format, *a):
    """fmt.Sprintf with Go's verbs, flags, widths, argument indexes and error forms."""
    p = _Printer()
    buf = p.buf
    end = len(format)
    argnum = 0
    after_index = False
    p.reordered = False
    i = 0
    nargs = len(a)
    while i < end:
        p.good_arg_num = True
        lasti = i
        j = format.find("%", i)
        if j < 0:
            buf.append(format[lasti:])
            break
        i = j
        if i > lasti:
            buf.append(format[lasti:i])
        i += 1
        p.clearflags()
        simple_done = False
        while i < end:
            c = format[i]
            if c == "#":
                p.sharp = True
            elif c == "0":
                p.zero = True
            elif c == "+":
                p.plus = True
            elif c == "-":
                p.minus = True
            elif c == " ":
                p.space = True
            else:
                if "a" <= c <= "z" and argnum < nargs:
                    if c == "v":
                        p.sharpV = p.sharp
                        p.sharp = False
                        p.plusV = p.plus
                        p.plus = False
                    p.print_arg(a[argnum], c)
                    argnum += 1
                    i += 1
                    simple_done = True
                break
            i += 1
        if simple_done:
            continue
        argnum, i, after_index = _arg_number(p, argnum, format, i, nargs)
        if i < end and format[i] == "*":
            i += 1
            p.wid, p.wid_present, argnum = _int_from_arg(a, argnum)
            if not p.wid_present:
                buf.append("%!(BADWIDTH)")
            if p.wid < 0:
                p.wid = -p.wid
                p.minus = True
                p.zero = False
            after_index = False
        else:
            p.wid, p.wid_present, i = _parsenum(format, i, end)
            if after_index and p.wid_present:
                p.good_arg_num = False
        if i + 1 < end and format[i] == ".":
            i += 1
            if after_index:
                p.good_arg_num = False
            argnum, i, after_index = _arg_number(p, argnum, format, i, nargs)
            if i < end and format[i] == "*":
                i += 1
                p.prec, p.prec_present, argnum = _int_from_arg(a, argnum)
                if p.prec < 0:
                    p.prec = 0
                    p.prec_present = False
                if not p.prec_present:
                    buf.append("%!(BADPREC)")
                after_index = False
            else:
                p.prec, p.prec_present, i = _parsenum(format, i, end)
                if not p.prec_present:
                    p.prec = 0
                    p.prec_present = True
        if not after_index:
            argnum, i, after_index = _arg_number(p, argnum, format, i, nargs)
        if i >= end:
            buf.append("%!(NOVERB)")
            break
        verb = format[i]
        i += 1
        if verb == "%":
            buf.append("%")
        elif not p.good_arg_num:
            buf.append("%!" + verb + "(BADINDEX)")
        elif argnum >= nargs:
            buf.append("%!" + verb + "(MISSING)")
        else:
            if verb == "w":
                # Sprintf does not support %w: Go reports it like a bad verb.
                p.bad_verb(verb, a[argnum])
                argnum += 1
                continue
            if verb == "v":
                p.sharpV = p.sharp
                p.sharp = False
                p.plusV = p.plus
                p.plus = False
            p.print_arg(a[argnum], verb)
            argnum += 1
    if not p.reordered and argnum < nargs:
        p.clearflags()
        buf.append("%!(EXTRA ")
        for k, arg in enumerate(a[argnum:]):
            if k:
                buf.append(", ")
            if arg is None or arg is MISSING:
                buf.append("<nil>")
            else:
                buf.append(go_type_name(arg))
                buf.append("=")
                p.print_arg(arg, "v")
        buf.append(")")
    return "".join(buf)
