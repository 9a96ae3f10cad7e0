"""Go regular expressions (RE2 syntax, package regexp) on top of Python's re.

Sprig's regex functions hand their pattern to Go's regexp package, whose syntax and semantics differ
from Python's re in small, observable ways: \\d \\w \\s \\b are ASCII-only, $ means end of text (not "before
a final newline"), (?U) flips greediness, flags may change mid-pattern, {,n} is a literal, \\1 is an
error, and FindAll/ReplaceAll skip an empty match right after a previous match.  The pattern is parsed
the way Go's regexp/syntax parser reads it (reporting Go's error texts for malformed patterns) and
translated into an equivalent Python pattern; matching loops follow Go's rules.
"""

import functools
import re

from ..sprig.conv import go_is_digit, go_is_letter

# Go's ErrorCode texts.
ERR_MISSING_BRACKET = "missing closing ]"
ERR_MISSING_PAREN = "missing closing )"
ERR_UNEXPECTED_PAREN = "unexpected )"
ERR_TRAILING_BACKSLASH = "trailing backslash at end of expression"
ERR_INVALID_ESCAPE = "invalid escape sequence"
ERR_MISSING_REPEAT_ARG = "missing argument to repetition operator"
ERR_INVALID_REPEAT_OP = "invalid nested repetition operator"
ERR_INVALID_REPEAT_SIZE = "invalid repeat count"
ERR_INVALID_CHAR_RANGE = "invalid character class range"
ERR_INVALID_PERL_OP = "invalid or unsupported Perl syntax"
ERR_INVALID_NAMED_CAPTURE = "invalid named capture"


class RegexpError(Exception):
    """A regexp/syntax.Error: str() is Go's err.Error()."""

    def __init__(self, code, expr):
        super().__init__("error parsing regexp: %s: `%s`" % (code, expr))
        self.code = code
        self.expr = expr


class RegexpUnsupported(Exception):
    """Valid Go syntax this translation cannot express in Python (Unicode classes like \\pL)."""


_WORD = "0-9A-Za-z_"
_PERL = {"d": "0-9", "s": "\\t\\n\\f\\r ", "w": _WORD}
_POSIX = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7f", "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f", "digit": "0-9", "graph": "!-~", "lower": "a-z", "print": " -~",
    "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z", "word": _WORD,
    "xdigit": "0-9A-Fa-f",
}
_WORD_BOUNDARY = "(?:(?<=[%s])(?![%s])|(?<![%s])(?=[%s]))" % ((_WORD,) * 4)
_NOT_WORD_BOUNDARY = "(?:(?<=[%s])(?=[%s])|(?<![%s])(?![%s]))" % ((_WORD,) * 4)


# Names Go's regexp accepts in \p{...}: unicode.Categories, unicode.Scripts and unicode.CategoryAliases
# keys (a data table generated from Go 1.26's unicode/tables.go) plus Any, Assigned and ASCII.
_UNICODE_CLASS_NAMES = frozenset("""
    ASCII Adlam Ahom Anatolian_Hieroglyphs Any Arabic Armenian Assigned Avestan Balinese Bamum Bassa_Vah
    Batak Bengali Bhaiksuki Bopomofo Brahmi Braille Buginese Buhid C Canadian_Aboriginal Carian
    Cased_Letter Caucasian_Albanian Cc Cf Chakma Cham Cherokee Chorasmian Close_Punctuation Cn Co
    Combining_Mark Common Connector_Punctuation Control Coptic Cs Cuneiform Currency_Symbol Cypriot
    Cypro_Minoan Cyrillic Dash_Punctuation Decimal_Number Deseret Devanagari Dives_Akuru Dogra Duployan
    Egyptian_Hieroglyphs Elbasan Elymaic Enclosing_Mark Ethiopic Final_Punctuation Format Georgian
    Glagolitic Gothic Grantha Greek Gujarati Gunjala_Gondi Gurmukhi Han Hangul Hanifi_Rohingya Hanunoo
    Hatran Hebrew Hiragana Imperial_Aramaic Inherited Initial_Punctuation Inscriptional_Pahlavi
    Inscriptional_Parthian Javanese Kaithi Kannada Katakana Kawi Kayah_Li Kharoshthi Khitan_Small_Script
    Khmer Khojki Khudawadi L LC Lao Latin Lepcha Letter Letter_Number Limbu Line_Separator Linear_A
    Linear_B Lisu Ll Lm Lo Lowercase_Letter Lt Lu Lycian Lydian M Mahajani Makasar Malayalam Mandaic
    Manichaean Marchen Mark Masaram_Gondi Math_Symbol Mc Me Medefaidrin Meetei_Mayek Mende_Kikakui
    Meroitic_Cursive Meroitic_Hieroglyphs Miao Mn Modi Modifier_Letter Modifier_Symbol Mongolian Mro
    Multani Myanmar N Nabataean Nag_Mundari Nandinagari Nd New_Tai_Lue Newa Nko Nl No Nonspacing_Mark
    Number Nushu Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Old_Hungarian Old_Italic Old_North_Arabian
    Old_Permic Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Old_Uyghur Open_Punctuation Oriya
    Osage Osmanya Other Other_Letter Other_Number Other_Punctuation Other_Symbol P Pahawh_Hmong
    Palmyrene Paragraph_Separator Pau_Cin_Hau Pc Pd Pe Pf Phags_Pa Phoenician Pi Po Private_Use Ps
    Psalter_Pahlavi Punctuation Rejang Runic S Samaritan Saurashtra Sc Separator Sharada Shavian Siddham
    SignWriting Sinhala Sk Sm So Sogdian Sora_Sompeng Soyombo Space_Separator Spacing_Mark Sundanese
    Surrogate Syloti_Nagri Symbol Syriac Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Takri Tamil Tangsa
    Tangut Telugu Thaana Thai Tibetan Tifinagh Tirhuta Titlecase_Letter Toto Ugaritic Unassigned
    Uppercase_Letter Vai Vithkuqi Wancho Warang_Citi Yezidi Yi Z Zanabazar_Square Zl Zp Zs cntrl digit
    punct
""".split())


def _canonical_class_name(name):
    """regexp/syntax's canonicalName: '_', '-' and ' ' are equivalent, case is normalised."""
    out = []
    first = True
    for c in name:
        if c in "_- ":
            out.append(" ")
        elif first:
            out.append(c.upper() if "a" <= c <= "z" else c)
            first = False
        else:
            out.append(c.lower() if "A" <= c <= "Z" else c)
    return "".join(out)


_CANONICAL_CLASS_NAMES = frozenset(_canonical_class_name(n) for n in _UNICODE_CLASS_NAMES)


def _isalnum(c):
    return "0" <= c <= "9" or "A" <= c <= "Z" or "a" <= c <= "z"


def _unhex(c):
    if "0" <= c <= "9":
        return ord(c) - 48
    if "a" <= c <= "f":
        return ord(c) - 87
    if "A" <= c <= "F":
        return ord(c) - 55
    return -1


def _class_char(c):
    """One code point, escaped for use inside a Python character class."""
    if c in "\\]^-[":
        return "\\" + c
    o = ord(c)
    if o < 0x20 or o == 0x7f:
        return "\\x%02x" % o
    return c


class _Frame:
    __slots__ = ("alts", "flags", "cap", "start")

    def __init__(self, flags, cap, start):
        self.alts = [[]]
        self.flags = flags
        self.cap = cap
        self.start = start


class _Translator:
    def __init__(self, expr):
        self.expr = expr
        self.ncap = 0
        self.names = {}

    def fail(self, code, expr):
        raise RegexpError(code, expr)

    # Escapes --------------------------------------------------------------------------------------------

    def parse_escape(self, s):
        """Go's parseEscape: (code point, rest)."""
        t = s[1:]
        if t == "":
            self.fail(ERR_TRAILING_BACKSLASH, "")
        c, t = t[0], t[1:]
        if c < "\x80" and not _isalnum(c):
            return c, t
        if "0" <= c <= "7":
            # \1-\7 alone would be a backreference, which Go rejects; with more digits it is octal.
            if c != "0" and not (t and "0" <= t[0] <= "7"):
                self.fail(ERR_INVALID_ESCAPE, s[:len(s) - len(t)])
            r = ord(c) - 48
            for _ in range(2):
                if t == "" or not "0" <= t[0] <= "7":
                    break
                r = r * 8 + ord(t[0]) - 48
                t = t[1:]
            return chr(r), t
        if c == "x":
            if t == "":
                self.fail(ERR_INVALID_ESCAPE, s[:len(s) - len(t)])
            c, t = t[0], t[1:]
            if c == "{":
                nhex = 0
                r = 0
                while True:
                    if t == "":
                        self.fail(ERR_INVALID_ESCAPE, s[:len(s) - len(t)])
                    c, t = t[0], t[1:]
                    if c == "}":
                        break
                    v = _unhex(c)
                    if v < 0:
                        self.fail(ERR_INVALID_ESCAPE, s[:len(s) - len(t)])
                    r = r * 16 + v
                    if r > 0x10FFFF:
                        self.fail(ERR_INVALID_ESCAPE, s[:len(s) - len(t)])
                    nhex += 1
                if nhex == 0:
                    self.fail(ERR_INVALID_ESCAPE, s[:len(s) - len(t)])
                return chr(r), t
            x = _unhex(c)
            if t == "":
                self.fail(ERR_INVALID_ESCAPE, s[:len(s) - len(t)])
            c, t = t[0], t[1:]
            y = _unhex(c)
            if x < 0 or y < 0:
                self.fail(ERR_INVALID_ESCAPE, s[:len(s) - len(t)])
            return chr(x * 16 + y), t
        simple = {"a": "\a", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
        if c in simple:
            return simple[c], t
        self.fail(ERR_INVALID_ESCAPE, s[:len(s) - len(t)])

    def perl_class(self, t):
        """\\d \\D \\s \\S \\w \\W: (class body, negated, rest) or None."""
        if len(t) >= 2 and t[0] == "\\" and t[1] in "dDsSwW":
            return _PERL[t[1].lower()], t[1].isupper(), t[2:]
        return None

    def unicode_class(self, t):
        """\\p{Name} / \\pN: Go's name errors are reproduced, valid classes are not translated."""
        if len(t) >= 2 and t[0] == "\\" and t[1] in "pP":
            rest = t[2:]
            if rest[:1] != "{":
                seq = t[:3]
                name = seq[2:]
            else:
                end = t.find("}")
                if end < 0:
                    self.fail(ERR_INVALID_CHAR_RANGE, t)
                seq = t[:end + 1]
                name = t[3:end]
            if name.startswith("^"):
                name = name[1:]
            if name not in _UNICODE_CLASS_NAMES and _canonical_class_name(name) not in _CANONICAL_CLASS_NAMES:
                self.fail(ERR_INVALID_CHAR_RANGE, seq)
            raise RegexpUnsupported("Unicode character classes like %s" % seq)
        return None

    # Classes --------------------------------------------------------------------------------------------

    def parse_class(self, s, fold):
        """s starts at '['; returns (python atom, rest)."""
        t = s[1:]
        negate = False
        if t and t[0] == "^":
            negate = True
            t = t[1:]
        pos_parts = []
        neg_sets = []
        first = True
        while t == "" or t[0] != "]" or first:
            first = False
            if len(t) > 2 and t[0] == "[" and t[1] == ":":
                end = t.find(":]", 2)
                if end >= 0:
                    name = t[2:end]
                    neg = name.startswith("^")
                    body = _POSIX.get(name[1:] if neg else name)
                    if body is None:
                        self.fail(ERR_INVALID_CHAR_RANGE, t[:end + 2])
                    (neg_sets if neg else pos_parts).append(body)
                    t = t[end + 2:]
                    continue
            self.unicode_class(t)
            pc = self.perl_class(t)
            if pc is not None:
                body, neg, t = pc
                (neg_sets if neg else pos_parts).append(body)
                continue
            rng = t
            lo, t = self.class_char(t, s)
            hi = lo
            if len(t) >= 2 and t[0] == "-" and t[1] != "]":
                t = t[1:]
                hi, t = self.class_char(t, s)
                if hi < lo:
                    self.fail(ERR_INVALID_CHAR_RANGE, rng[:len(rng) - len(t)])
            pos_parts.append(_class_char(lo) if lo == hi else _class_char(lo) + "-" + _class_char(hi))
        t = t[1:]
        # Build: union of positive parts and complements of negated sets, possibly negated as a whole.
        alts = []
        if pos_parts:
            alts.append("[" + "".join(pos_parts) + "]")
        for body in neg_sets:
            alts.append("[^" + body + "]")
        if not alts:
            atom = "[^\\x00-\\U0010ffff]" if not negate else "[\\x00-\\U0010ffff]"
        elif len(alts) == 1:
            atom = alts[0]
            if negate:
                atom = "[^" + atom[1:] if not atom.startswith("[^") else "[" + atom[2:]
        else:
            union = "(?:" + "|".join(alts) + ")"
            atom = "(?:(?!" + union + ")[\\x00-\\U0010ffff])" if negate else union
        if fold:
            atom = "(?i:" + atom + ")"
        return atom, t

    def class_char(self, t, whole):
        if t == "":
            self.fail(ERR_MISSING_BRACKET, whole)
        if t[0] == "\\":
            return self.parse_escape(t)
        return t[0], t[1:]

    # Main loop ------------------------------------------------------------------------------------------

    def translate(self):
        """Returns (python pattern, {name: group index})."""
        s = self.expr
        t = s
        flags = {"i": False, "m": False, "s": False, "U": False}
        stack = [_Frame(dict(flags), None, 0)]
        last_repeat = ""
        while t:
            repeat = ""
            frame = stack[-1]
            flags = frame.flags
            c = t[0]
            if c == "(":
                if len(t) >= 2 and t[1] == "?":
                    t = self.perl_flags(t, stack)
                else:
                    self.ncap += 1
                    stack.append(_Frame(dict(flags), self.ncap, 0))
                    t = t[1:]
            elif c == "|":
                frame.alts.append([])
                t = t[1:]
            elif c == ")":
                if len(stack) == 1:
                    self.fail(ERR_UNEXPECTED_PAREN, s)
                done = stack.pop()
                body = "|".join("".join(a) for a in done.alts)
                stack[-1].alts[-1].append(("(" if done.cap else "(?:") + body + ")")
                t = t[1:]
            elif c == "^":
                frame.alts[-1].append("(?:(?m:^))" if flags["m"] else "(?:\\A)")
                t = t[1:]
            elif c == "$":
                frame.alts[-1].append("(?:(?m:$))" if flags["m"] else "(?:\\Z)")
                t = t[1:]
            elif c == ".":
                frame.alts[-1].append("(?s:.)" if flags["s"] else ".")
                t = t[1:]
            elif c == "[":
                atom, t = self.parse_class(t, flags["i"])
                frame.alts[-1].append(atom)
            elif c in "*+?":
                before = t
                after = t[1:]
                after = self.repeat(frame, c, before, after, last_repeat)
                repeat = before
                t = after
            elif c == "{":
                before = t
                parsed = self.parse_repeat(t)
                if parsed is None:
                    frame.alts[-1].append(self.literal("{", flags))
                    t = t[1:]
                else:
                    lo, hi, after = parsed
                    if lo < 0 or lo > 1000 or hi > 1000 or hi >= 0 and lo > hi:
                        self.fail(ERR_INVALID_REPEAT_SIZE, before[:len(before) - len(after)])
                    q = "{%d}" % lo if lo == hi else ("{%d,}" % lo if hi < 0 else "{%d,%d}" % (lo, hi))
                    after = self.repeat(frame, q, before, after, last_repeat)
                    repeat = before
                    t = after
            elif c == "\\":
                t = self.escape_atom(t, frame, flags)
            else:
                frame.alts[-1].append(self.literal(c, flags))
                t = t[1:]
            last_repeat = repeat
        if len(stack) != 1:
            self.fail(ERR_MISSING_PAREN, s)
        return "|".join("".join(a) for a in stack[0].alts), self.names

    def literal(self, c, flags):
        e = re.escape(c)
        if flags["i"] and c.lower() != c.upper():
            return "(?i:" + e + ")"
        return e

    def escape_atom(self, t, frame, flags):
        atoms = frame.alts[-1]
        if len(t) >= 2:
            k = t[1]
            if k == "A":
                atoms.append("(?:\\A)")
                return t[2:]
            if k == "b":
                atoms.append(_WORD_BOUNDARY)
                return t[2:]
            if k == "B":
                atoms.append(_NOT_WORD_BOUNDARY)
                return t[2:]
            if k == "C":
                self.fail(ERR_INVALID_ESCAPE, t[:2])
            if k == "Q":
                lit, sep, rest = t[2:].partition("\\E")
                for ch in lit:
                    atoms.append(self.literal(ch, flags))
                return rest
            if k == "z":
                atoms.append("(?:\\Z)")
                return t[2:]
        self.unicode_class(t)
        pc = self.perl_class(t)
        if pc is not None:
            body, neg, rest = pc
            atoms.append(("[^" if neg else "[") + body + "]")
            return rest
        ch, rest = self.parse_escape(t)
        atoms.append(self.literal(ch, flags))
        return rest

    def repeat(self, frame, op, before, after, last_repeat):
        flags = frame.flags
        greedy = not flags["U"]
        if after and after[0] == "?":
            after = after[1:]
            greedy = not greedy
        if last_repeat:
            self.fail(ERR_INVALID_REPEAT_OP, last_repeat[:len(last_repeat) - len(after)])
        atoms = frame.alts[-1]
        if not atoms:
            self.fail(ERR_MISSING_REPEAT_ARG, before[:len(before) - len(after)])
        atom = atoms[-1]
        if atom.startswith("(?:(?") or atom.startswith("(?:\\") or atom in (_WORD_BOUNDARY, _NOT_WORD_BOUNDARY):
            atom = "(?:" + atom + ")"
        atoms[-1] = atom + op + ("" if greedy else "?")
        return after

    def parse_repeat(self, s):
        """Go's parseRepeat: (min, max, rest), max -1 for open; None when '{' is a literal."""
        def parse_int(s):
            if s == "" or not "0" <= s[0] <= "9":
                return None
            if len(s) >= 2 and s[0] == "0" and "0" <= s[1] <= "9":
                return None
            i = 0
            while i < len(s) and "0" <= s[i] <= "9":
                i += 1
            digits = s[:i]
            n = int(digits) if len(digits) < 9 else -1
            if n >= 100000000:
                n = -1
            return n, s[i:]

        if not s or s[0] != "{":
            return None
        s = s[1:]
        r = parse_int(s)
        if r is None:
            return None
        lo, s = r
        if s == "":
            return None
        if s[0] != ",":
            hi = lo
        else:
            s = s[1:]
            if s == "":
                return None
            if s[0] == "}":
                hi = -1
            else:
                r = parse_int(s)
                if r is None:
                    return None
                hi, s = r
                if hi < 0:
                    lo = -1
        if s == "" or s[0] != "}":
            return None
        return lo, hi, s[1:]

    def perl_flags(self, s, stack):
        t = s
        starts_p = len(t) > 4 and t[2] == "P" and t[3] == "<"
        starts_name = len(t) > 3 and t[2] == "<"
        if starts_p or starts_name:
            start = 4 if starts_p else 3
            end = t.find(">")
            if end < 0:
                self.fail(ERR_INVALID_NAMED_CAPTURE, s)
            capture = t[:end + 1]
            name = t[start:end]
            if not name or not all(ch == "_" or _isalnum(ch) for ch in name):
                self.fail(ERR_INVALID_NAMED_CAPTURE, capture)
            self.ncap += 1
            self.names.setdefault(name, self.ncap)
            stack.append(_Frame(dict(stack[-1].flags), self.ncap, 0))
            return t[end + 1:]
        t = t[2:]
        flags = dict(stack[-1].flags)
        sign = 1
        saw = False
        while t:
            c, t = t[0], t[1:]
            if c in "imsU":
                flags[c] = sign > 0
                saw = True
            elif c == "-":
                if sign < 0:
                    break
                sign = -1
                saw = False
            elif c in ":)":
                if sign < 0 and not saw:
                    break
                if c == ":":
                    stack.append(_Frame(flags, None, 0))
                else:
                    stack[-1].flags = flags
                return t
            else:
                break
        self.fail(ERR_INVALID_PERL_OP, s[:len(s) - len(t)])


class GoRegexp:
    """A compiled Go regexp: Python pattern plus Go's group names."""

    def __init__(self, expr):
        self.expr = expr
        pattern, self.names = _Translator(expr).translate()
        try:
            self.rx = re.compile(pattern)
        except re.error as e:  # pragma: no cover - a translation gap, not a Go error
            raise RegexpUnsupported("cannot translate regexp %r: %s" % (expr, e))

    def match_string(self, s):
        return self.rx.search(s) is not None

    def find_string(self, s):
        m = self.rx.search(s)
        return m.group(0) if m else ""

    def _all(self, s, n):
        """Go's allMatches: successive non-overlapping matches, no empty match right after a match."""
        out = []
        pos = 0
        prev_end = -1
        end = len(s)
        while (n < 0 or len(out) < n) and pos <= end:
            m = self.rx.search(s, pos)
            if m is None:
                break
            accept = True
            if m.end() == m.start() == pos or m.end() == pos:
                if m.start() == prev_end:
                    accept = False
                pos = pos + 1 if pos < end else end + 1
            else:
                pos = m.end()
            prev_end = m.end()
            if accept:
                out.append(m)
        return out

    def find_all_string(self, s, n):
        if n == 0:
            return None
        ms = self._all(s, n)
        return [m.group(0) for m in ms] if ms else None

    def split(self, s, n):
        if n == 0:
            return None
        if self.expr and s == "":
            return [""]
        matches = self._all(s, n)
        out = []
        beg = 0
        stop = 0
        for m in matches:
            if n > 0 and len(out) == n - 1:
                break
            stop = m.start()
            if m.end() != 0:
                out.append(s[beg:stop])
            beg = m.end()
        if stop != len(s):
            out.append(s[beg:])
        return out

    def replace_all(self, s, repl, literal=False):
        out = []
        last = 0
        search = 0
        end = len(s)
        while search <= end:
            m = self.rx.search(s, search)
            if m is None:
                break
            a0, a1 = m.span()
            out.append(s[last:a0])
            if a1 > last or a0 == 0:
                out.append(repl if literal else self.expand(repl, m))
            last = a1
            width = 1 if search < end else 0
            if search + width > a1:
                search += width
            elif search + 1 > a1:
                search += 1
            else:
                search = a1
        out.append(s[last:])
        return "".join(out)

    def expand(self, template, m):
        """Regexp.Expand's $1 / ${1} / $name / ${name} / $$ rules."""
        out = []
        while template:
            before, sep, after = template.partition("$")
            if not sep:
                break
            out.append(before)
            template = after
            if template and template[0] == "$":
                out.append("$")
                template = template[1:]
                continue
            r = _extract(template)
            if r is None:
                out.append("$")
                continue
            name, num, template = r
            if num >= 0:
                if num <= self.rx.groups and m.group(num) is not None:
                    out.append(m.group(num))
            else:
                idx = self.names.get(name)
                if idx is not None and m.group(idx) is not None:
                    out.append(m.group(idx))
        out.append(template)
        return "".join(out)


def _extract(s):
    if s == "":
        return None
    brace = False
    if s[0] == "{":
        brace = True
        s = s[1:]
    i = 0
    while i < len(s):
        c = s[i]
        if not (go_is_letter(c) or go_is_digit(c) or c == "_"):
            break
        i += 1
    if i == 0:
        return None
    name = s[:i]
    if brace:
        if i >= len(s) or s[i] != "}":
            return None
        i += 1
    num = 0
    for c in name:
        if not "0" <= c <= "9" or num >= 100000000:
            num = -1
            break
        num = num * 10 + ord(c) - 48
    if name[0] == "0" and len(name) > 1:
        num = -1
    return name, num, s[i:]


@functools.lru_cache(maxsize=256)
def compile_go(expr):
    """regexp.Compile: a GoRegexp, or RegexpError with Go's message.  Remembered by expression (a memo of
    a pure function: the compiled pattern is never changed; errors are not remembered)."""
    return GoRegexp(expr)


def must_compile_message(expr, err):
    """The panic text of regexp.MustCompile."""
    from ..gotemplate.fmt import can_backquote, go_quote
    q = "`" + expr + "`" if can_backquote(expr) else go_quote(expr)
    return "regexp: Compile(" + q + "): " + str(err)


def quote_meta(s):
    """regexp.QuoteMeta."""
    return "".join("\\" + c if c in "\\.+*?()|[]{}^$" else c for c in s)
