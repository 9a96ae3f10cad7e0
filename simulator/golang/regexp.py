"""Go regular expressions (package regexp) with Go's syntax checks and RE2's linear-time matching.

Sprig's regex functions hand their pattern to Go's regexp package, which is RE2: matching takes time linear in
the text whatever the pattern, so `^(a+)+$` cannot run away as it does on a backtracking engine.  Here the
pattern is parsed the way Go's regexp/syntax parser reads it -- its checks, limits and error texts, for the
patterns Go rejects and the C++ RE2 library accepts or words differently (`\\C`, `a**`, nested repeat counts,
invalid UTF-8, deep nesting) -- and re-emitted in a normalised RE2 form (explicit flags per atom, escaped
literals, Unicode class names RE2 spells differently or lacks: Go's long category names, `ASCII`, `LC`,
`Cn`, `Assigned`) for the google-re2 library, imported only when a template calls a regex function.
The matching loops are Go's (FindAll/ReplaceAll/Split skip an empty match right after a match), on the
text's UTF-8 bytes; an invalid byte of a Go string (kept here as a surrogate escape) is U+FFFD for the
matcher, as Go decodes it, and comes out unchanged.

Known difference: RE2's Unicode tables are a later Unicode version than Go's (15.0), so \\p{...} classes
may differ on the few code points assigned since.
"""

import functools

from ..sprig.conv import go_is_digit, go_is_letter

ERR_MISSING_BRACKET = "missing closing ]"   # Go's ErrorCode texts, from here on
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

# regexp/syntax's maxHeight: the deepest parse tree Go accepts.
_MAX_HEIGHT = 1000
# RE2's default program budget; a pattern over it is refused (Go's own limit is higher, see RegexpUnsupported).
_RE2_MAX_MEM = 8 << 20
# The longest pattern the simulator parses (real templates' patterns are well under 1 KiB).
_MAX_PATTERN = 32 << 10


class RegexpError(Exception):
    """A regexp/syntax.Error: str() is Go's err.Error()."""

    def __init__(self, code, expr):
        super().__init__("error parsing regexp: %s: `%s`" % (code, expr))
        self.code = code
        self.expr = expr


# (checks the C++ library makes differently, or not at all)
ERR_INVALID_UTF8, ERR_NESTING_DEPTH = "invalid UTF-8", "expression nests too deeply"


class RegexpUnsupported(Exception):
    """A pattern Go accepts that the simulator cannot run (over RE2's program budget, a rare class union)."""


_POSIX_NAMES = frozenset(("alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print",
                          "punct", "space", "upper", "word", "xdigit"))


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


_CANONICAL_TO_NAME = {}
for _n in sorted(_UNICODE_CLASS_NAMES):
    _CANONICAL_TO_NAME.setdefault(_canonical_class_name(_n), _n)

# unicode.CategoryAliases (and the regexp parser's own spellings) onto the category RE2 knows.
_CATEGORY_ALIASES = {
    "Cased_Letter": "LC", "Close_Punctuation": "Pe", "Combining_Mark": "M", "Connector_Punctuation": "Pc",
    "Control": "Cc", "Currency_Symbol": "Sc", "Dash_Punctuation": "Pd", "Decimal_Number": "Nd",
    "Enclosing_Mark": "Me", "Final_Punctuation": "Pf", "Format": "Cf", "Initial_Punctuation": "Pi",
    "Letter": "L", "Letter_Number": "Nl", "Line_Separator": "Zl", "Lowercase_Letter": "Ll", "Mark": "M",
    "Math_Symbol": "Sm", "Modifier_Letter": "Lm", "Modifier_Symbol": "Sk", "Nonspacing_Mark": "Mn",
    "Number": "N", "Open_Punctuation": "Ps", "Other": "C", "Other_Letter": "Lo", "Other_Number": "No",
    "Other_Punctuation": "Po", "Other_Symbol": "So", "Paragraph_Separator": "Zp", "Private_Use": "Co",
    "Punctuation": "P", "Separator": "Z", "Space_Separator": "Zs", "Spacing_Mark": "Mc", "Surrogate": "Cs",
    "Symbol": "S", "Titlecase_Letter": "Lt", "Unassigned": "Cn", "Uppercase_Letter": "Lu", "cntrl": "Cc",
    "digit": "Nd", "punct": "P",
}


def _hex_ranges(ranges):
    return "".join("\\x{%X}" % lo if lo == hi else "\\x{%X}-\\x{%X}" % (lo, hi) for lo, hi in ranges)


def _cn_ranges(negated):
    """Go's unicode.Cn as (lo, hi) pairs, or its complement (\\p{Assigned})."""
    from .unicode_cn import CN

    ranges = []
    for r in CN:
        lo, _, hi = r.partition("-")
        ranges.append((int(lo, 16), int(hi, 16)))
    if not negated:
        return ranges
    out = []
    nxt = 0
    for lo, hi in ranges:
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= 0x10FFFF:
        out.append((nxt, 0x10FFFF))
    return out


def _unicode_body(name, negated):
    """Go's \\p{name} (negated: \\P{name}) as RE2 class-body text: ("pos", body) to put in a class, or
    ("neg", body) when only the complement of `body` expresses it."""
    key = name if name in _UNICODE_CLASS_NAMES else _CANONICAL_TO_NAME[_canonical_class_name(name)]
    key = _CATEGORY_ALIASES.get(key, key)
    if key == "Any":
        return "pos", "" if negated else "\\x{0}-\\x{10FFFF}"
    if key == "ASCII":
        return "pos", "\\x{80}-\\x{10FFFF}" if negated else "\\x{0}-\\x{7F}"
    if key == "Assigned":
        key, negated = "Cn", not negated
    if key == "Cn":
        return "pos", _hex_ranges(_cn_ranges(negated))
    if key == "LC":
        return ("neg" if negated else "pos"), "\\p{Lu}\\p{Ll}\\p{Lt}"
    return "pos", ("\\P{%s}" if negated else "\\p{%s}") % key


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


def _lit(c):
    """One code point as RE2 pattern text."""
    return c if _isalnum(c) else "\\x{%X}" % ord(c)


def _invalid_utf8(c):
    """A surrogate: an invalid UTF-8 byte of a Go string (surrogate-escaped), or no valid code point."""
    return "\ud800" <= c <= "\udfff"


def _repeat_is_valid(skel, n):
    """regexp/syntax's repeatIsValid over the repeat counts of a subtree: (max, min, inner) triples."""
    for mx, mn, inner in skel:
        m = mx
        if m == 0:
            continue
        if m < 0:
            m = mn
        if m > n:
            return False
        if not _repeat_is_valid(inner, n // m if m > 0 else n):
            return False
    return True


class _Atom:
    """One parsed element: its RE2 text, the height of Go's parse tree for it, the repeat counts it
    nests (for repeatIsValid), whether it is a literal (Go merges adjacent ones) or a one-character set,
    and, for a non-capturing group, the concatenation or alternation Go flattens into its parent
    (op "cat"/"alt", with `count` children of height at most `inner`)."""

    __slots__ = ("text", "height", "skel", "lit", "single", "op", "inner", "count")

    def __init__(self, text, height=1, skel=(), lit=False, single=False):
        self.text = text
        self.height = height
        self.skel = skel
        self.lit = lit
        self.single = single
        self.op = ""
        self.inner = 0
        self.count = 0


def _concat_shape(atoms):
    """(nodes, tallest child) of Go's concatenation of atoms: adjacent literals merged, nested
    concatenations flattened."""
    nodes = 0
    top = 0
    prev_lit = False
    for a in atoms:
        if a.op == "cat":
            nodes += a.count
            top = max(top, a.inner)
            prev_lit = False
            continue
        if not (a.lit and prev_lit):
            nodes += 1
            top = max(top, a.height)
        prev_lit = a.lit
    return nodes, top


def _concat_height(atoms):
    nodes, top = _concat_shape(atoms)
    if nodes == 0:
        return 1
    return top if nodes == 1 else 1 + top


class _Frame:
    __slots__ = ("alts", "flags", "cap")

    def __init__(self, flags, cap):
        self.alts = [[]]
        self.flags = flags
        self.cap = cap

    def close(self):
        """The group as one atom (Go: a capture node over the alternation of concatenations)."""
        branches = self.alts
        text = "|".join("".join(a.text for a in br) for br in branches)
        skel = tuple(s for br in branches for a in br for s in a.skel)
        op = ""
        inner = count = 0
        if len(branches) == 1:
            nodes, top = _concat_shape(branches[0])
            height = 1 if nodes == 0 else top if nodes == 1 else 1 + top
            if nodes > 1:
                op, inner, count = "cat", top, nodes
        elif all(len(br) == 1 and br[0].single for br in branches):
            height = 1  # Go folds an alternation of single characters into one class
        else:
            for br in branches:
                if len(br) == 1 and br[0].op == "alt":
                    count += br[0].count
                    inner = max(inner, br[0].inner)
                else:
                    count += 1
                    inner = max(inner, _concat_height(br))
            op, height = "alt", 1 + inner
        if self.cap is not None:
            return _Atom("(" + text + ")", height + 1, skel)
        atom = _Atom("(?:" + text + ")", height, skel)
        atom.op, atom.inner, atom.count = op, inner, count
        return atom


class _Translator:
    def __init__(self, expr):
        self.expr = expr
        self.ncap = 0
        self.names = []

    def fail(self, code, expr):
        raise RegexpError(code, expr)

    def next_rune(self, t):
        """Go's nextRune: an invalid UTF-8 byte stops the parse with the rest of the pattern."""
        if _invalid_utf8(t[0]):
            self.fail(ERR_INVALID_UTF8, t)
        return t[0], t[1:]

    # Escapes --------------------------------------------------------------------------------------------

    def parse_escape(self, s):
        """Go's parseEscape: (code point, rest)."""
        t = s[1:]
        if t == "":
            self.fail(ERR_TRAILING_BACKSLASH, "")
        c, t = self.next_rune(t)
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
            c, t = self.next_rune(t)
            if c == "{":
                nhex = 0
                r = 0
                while True:
                    if t == "":
                        self.fail(ERR_INVALID_ESCAPE, s[:len(s) - len(t)])
                    c, t = self.next_rune(t)
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
            c, t = self.next_rune(t)
            y = _unhex(c)
            if x < 0 or y < 0:
                self.fail(ERR_INVALID_ESCAPE, s[:len(s) - len(t)])
            return chr(x * 16 + y), t
        simple = {"a": "\a", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
        if c in simple:
            return simple[c], t
        self.fail(ERR_INVALID_ESCAPE, s[:len(s) - len(t)])

    def perl_class(self, t):
        """\\d \\D \\s \\S \\w \\W: (RE2 text, rest) or None (ASCII classes in both Go and RE2)."""
        if len(t) >= 2 and t[0] == "\\" and t[1] in "dDsSwW":
            return t[:2], t[2:]
        return None

    def unicode_class(self, t):
        """\\p{Name} / \\pN / \\P...: (kind, RE2 body, rest) as _unicode_body, or None; Go's errors."""
        if not (len(t) >= 2 and t[0] == "\\" and t[1] in "pP"):
            return None
        negated = t[1] == "P"
        rest = t[2:]
        if rest == "":
            seq, name, after = t, "", ""
        elif rest[0] != "{":
            c, after = self.next_rune(rest)
            seq = t[:3]
            name = c
        else:
            end = t.find("}")
            if end < 0:
                for ch in t:
                    if _invalid_utf8(ch):
                        self.fail(ERR_INVALID_UTF8, t[t.index(ch):])
                self.fail(ERR_INVALID_CHAR_RANGE, t)
            seq = t[:end + 1]
            name = t[3:end]
            after = t[end + 1:]
            for i, ch in enumerate(name):
                if _invalid_utf8(ch):
                    self.fail(ERR_INVALID_UTF8, name[i:])
        if name.startswith("^"):
            negated = not negated
            name = name[1:]
        if name not in _UNICODE_CLASS_NAMES and _canonical_class_name(name) not in _CANONICAL_CLASS_NAMES:
            self.fail(ERR_INVALID_CHAR_RANGE, seq)
        kind, body = _unicode_body(name, negated)
        return kind, body, after

    # Classes --------------------------------------------------------------------------------------------

    def parse_class(self, s, fold):
        """s starts at '['; returns (atom, rest)."""
        t = s[1:]
        negate = False
        if t and t[0] == "^":
            negate = True
            t = t[1:]
        parts = []
        neg_sets = []
        first = True
        while t == "" or t[0] != "]" or first:
            first = False
            if len(t) > 2 and t[0] == "[" and t[1] == ":":
                end = t.find(":]", 2)
                if end >= 0:
                    name = t[2:end]
                    if (name[1:] if name.startswith("^") else name) not in _POSIX_NAMES:
                        self.fail(ERR_INVALID_CHAR_RANGE, t[:end + 2])
                    parts.append(t[:end + 2])
                    t = t[end + 2:]
                    continue
            uc = self.unicode_class(t)
            if uc is not None:
                kind, body, t = uc
                (neg_sets if kind == "neg" else parts).append(body)
                continue
            pc = self.perl_class(t)
            if pc is not None:
                body, t = pc
                parts.append(body)
                continue
            rng = t
            lo, t = self.class_char(t, s)
            hi = lo
            if len(t) >= 2 and t[0] == "-" and t[1] != "]":
                t = t[1:]
                hi, t = self.class_char(t, s)
                if hi < lo:
                    self.fail(ERR_INVALID_CHAR_RANGE, rng[:len(rng) - len(t)])
            parts.append(_hex_ranges(((ord(lo), ord(hi)),)))
        t = t[1:]
        body = "".join(parts)
        if not neg_sets:
            if body == "":
                atom = "[\\x{0}-\\x{10FFFF}]" if negate else "[^\\x{0}-\\x{10FFFF}]"
            else:
                atom = ("[^" if negate else "[") + body + "]"
        elif not negate:
            alts = (["[" + body + "]"] if body else []) + ["[^" + ns + "]" for ns in neg_sets]
            atom = "(?:" + "|".join(alts) + ")"
        elif not body and len(neg_sets) == 1:
            atom = "[" + neg_sets[0] + "]"
        else:
            raise RegexpUnsupported("a negated class combining \\P{LC} with other items: %s"
                                    % s[:len(s) - len(t)])
        if fold:
            atom = "(?i:" + atom + ")"
        return _Atom(atom, single=True), t

    def class_char(self, t, whole):
        if t == "":
            self.fail(ERR_MISSING_BRACKET, whole)
        if t[0] == "\\":
            return self.parse_escape(t)
        return self.next_rune(t)

    # Main loop ------------------------------------------------------------------------------------------

    def translate(self):
        """Returns (RE2 pattern, [(group index, name)])."""
        s = self.expr
        t = s
        flags = {"i": False, "m": False, "s": False, "U": False}
        stack = [_Frame(dict(flags), None)]
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
                    stack.append(_Frame(dict(flags), self.ncap))
                    t = t[1:]
            elif c == "|":
                frame.alts.append([])
                t = t[1:]
            elif c == ")":
                if len(stack) == 1:
                    self.fail(ERR_UNEXPECTED_PAREN, s)
                atom = stack.pop().close()
                self.check_height(atom)
                stack[-1].alts[-1].append(atom)
                t = t[1:]
            elif c == "^":
                frame.alts[-1].append(_Atom("(?m:^)" if flags["m"] else "\\A"))
                t = t[1:]
            elif c == "$":
                frame.alts[-1].append(_Atom("(?m:$)" if flags["m"] else "\\z"))
                t = t[1:]
            elif c == ".":
                frame.alts[-1].append(_Atom("(?s:.)" if flags["s"] else "(?-s:.)", single=True))
                t = t[1:]
            elif c == "[":
                atom, t = self.parse_class(t, flags["i"])
                frame.alts[-1].append(atom)
            elif c in "*+?":
                before = t
                after = t[1:]
                after = self.repeat(frame, c, -2, -2, before, after, last_repeat)
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
                    after = self.repeat(frame, q, lo, hi, before, after, last_repeat)
                    repeat = before
                    t = after
            elif c == "\\":
                t = self.escape_atom(t, frame, flags)
            else:
                c, t = self.next_rune(t)
                frame.alts[-1].append(self.literal(c, flags))
            last_repeat = repeat
        if len(stack) != 1:
            self.fail(ERR_MISSING_PAREN, s)
        top = stack[0].close()
        return top.text[3:-1], self.names

    def check_height(self, atom):
        if atom.height > _MAX_HEIGHT:
            self.fail(ERR_NESTING_DEPTH, self.expr)

    def literal(self, c, flags):
        if flags["i"]:
            return _Atom("(?i:" + _lit(c) + ")", lit=True, single=True)
        return _Atom(_lit(c), lit=True, single=True)

    def escape_atom(self, t, frame, flags):
        atoms = frame.alts[-1]
        if len(t) >= 2:
            k = t[1]
            if k == "A":
                atoms.append(_Atom("\\A"))
                return t[2:]
            if k == "b":
                atoms.append(_Atom("\\b"))
                return t[2:]
            if k == "B":
                atoms.append(_Atom("\\B"))
                return t[2:]
            if k == "C":
                self.fail(ERR_INVALID_ESCAPE, t[:2])
            if k == "Q":
                lit, sep, rest = t[2:].partition("\\E")
                while lit:
                    ch, lit = self.next_rune(lit)
                    atoms.append(self.literal(ch, flags))
                return rest
            if k == "z":
                atoms.append(_Atom("\\z"))
                return t[2:]
        uc = self.unicode_class(t)
        if uc is not None:
            kind, body, rest = uc
            if kind == "neg":
                atom = "[^" + body + "]"
            else:
                atom = "[" + body + "]" if body else "[^\\x{0}-\\x{10FFFF}]"
            atoms.append(_Atom("(?i:" + atom + ")" if flags["i"] else atom, single=True))
            return rest
        pc = self.perl_class(t)
        if pc is not None:
            body, rest = pc
            atoms.append(_Atom("(?i:" + body + ")" if flags["i"] else body, single=True))
            return rest
        ch, rest = self.parse_escape(t)
        atoms.append(self.literal(ch, flags))
        return rest

    def repeat(self, frame, op, lo, hi, before, after, last_repeat):
        """Go's parser.repeat; lo/hi are the counts of {n,m} (-2 for * + ?)."""
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
        sub = atoms[-1]
        skel = sub.skel if lo == -2 else ((hi, lo, sub.skel),)
        atom = _Atom("(?:" + sub.text + ")" + op + ("" if greedy else "?"), sub.height + 1, skel)
        atoms[-1] = atom
        self.check_height(atom)
        if lo != -2 and (lo >= 2 or hi >= 2) and not _repeat_is_valid(skel, 1000):
            self.fail(ERR_INVALID_REPEAT_SIZE, before[:len(before) - len(after)])
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
                for i, ch in enumerate(t):
                    if _invalid_utf8(ch):
                        self.fail(ERR_INVALID_UTF8, t[i:])
                self.fail(ERR_INVALID_NAMED_CAPTURE, s)
            capture = t[:end + 1]
            name = t[start:end]
            for i, ch in enumerate(name):
                if _invalid_utf8(ch):
                    self.fail(ERR_INVALID_UTF8, name[i:])
            if not name or not all(ch == "_" or _isalnum(ch) for ch in name):
                self.fail(ERR_INVALID_NAMED_CAPTURE, capture)
            self.ncap += 1
            self.names.append((self.ncap, name))
            stack.append(_Frame(dict(stack[-1].flags), self.ncap))
            return t[end + 1:]
        t = t[2:]
        flags = dict(stack[-1].flags)
        sign = 1
        saw = False
        while t:
            c, t = self.next_rune(t)
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
                    stack.append(_Frame(flags, None))
                else:
                    stack[-1].flags = flags
                return t
            else:
                break
        self.fail(ERR_INVALID_PERL_OP, s[:len(s) - len(t)])


def _rune_width(b, pos):
    """utf8.DecodeRune's width at pos of valid UTF-8 (0 at the end)."""
    if pos >= len(b):
        return 0
    lead = b[pos]
    return 1 if lead < 0x80 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


class _Subject:
    """A Go string as the matcher sees it: UTF-8 bytes, invalid bytes read as U+FFFD (Go's decoding);
    text(a, b) is the original substring between two byte offsets of what the matcher saw."""

    __slots__ = ("s", "b", "ascii", "chars")

    def __init__(self, s):
        self.s = s
        self.ascii = s.isascii()
        self.chars = None
        if self.ascii:
            self.b = s.encode("ascii")
            return
        try:
            self.b = s.encode("utf-8")
        except UnicodeEncodeError:
            seen = "".join("\ufffd" if _invalid_utf8(c) else c for c in s)
            self.b = seen.encode("utf-8")
            chars = {}
            pos = 0
            for i, c in enumerate(seen):
                chars[pos] = i
                pos += 1 if c < "\x80" else 2 if c < "\u0800" else 3 if c < "\U00010000" else 4
            chars[pos] = len(seen)
            self.chars = chars

    def text(self, a, b):
        if self.ascii:
            return self.s[a:b]
        if self.chars is None:
            return self.b[a:b].decode("utf-8")
        return self.s[self.chars[a]:self.chars[b]]


def _re2_compile(pattern, expr):
    try:
        import re2
    except ImportError:     # a compiled wheel: not in the krew archive, and not on every platform
        from ..errors import ConfigError    # not a verdict (a template error would reject the pod): no answer

        raise ConfigError("regexp %s cannot be evaluated: it needs RE2, and the Python package google-re2 is not "
                          "installed (pip install google-re2)" % _quote(expr)) from None

    options = re2.Options()
    options.log_errors = False  # libre2 would print its own "E0000 ... re2.cc" lines on stderr
    options.max_mem = _RE2_MAX_MEM
    try:
        return re2.compile(pattern.encode("utf-8"), options)
    except re2.error as e:
        why = e.args[0] if e.args else ""
        if isinstance(why, bytes):
            why = why.decode("utf-8", "replace")
        if "too large" in why:
            raise RegexpUnsupported("regexp %s needs more than RE2's %d MB program budget"
                                    % (_quote(expr), _RE2_MAX_MEM >> 20))
        raise RegexpUnsupported("regexp %s: RE2 refused its translation: %s" % (_quote(expr), why))


def _quote(expr):
    return "`" + expr + "`" if len(expr) <= 60 else "`" + expr[:57] + "...`"


class GoRegexp:
    """A compiled Go regexp: the RE2 program plus Go's group names."""

    def __init__(self, expr):
        self.expr = expr
        if len(expr) > _MAX_PATTERN:
            raise RegexpUnsupported("regexp %s is longer than the simulator's %d KiB budget"
                                    % (_quote(expr), _MAX_PATTERN >> 10))
        pattern, self.names = _Translator(expr).translate()
        self.rx = _re2_compile(pattern, expr)
        self.ngroups = self.rx.groups
        # RE2 tests \B between the bytes of a multi-byte character too (both sides are non-word); Go
        # only at character boundaries.  Only an empty match can sit there, so such a match is skipped.
        self.search = self._search_runes if "\\B" in pattern else self.rx.search

    def _search_runes(self, b, pos=0):
        search = self.rx.search
        while True:
            m = search(b, pos)
            if m is None:
                return None
            start = m.start()
            if start >= len(b) or not 0x80 <= b[start] < 0xC0:
                return m
            pos = start + 1
            while pos < len(b) and 0x80 <= b[pos] < 0xC0:
                pos += 1

    def match_string(self, s):
        return self.search(_Subject(s).b) is not None

    def find_string(self, s):
        subj = _Subject(s)
        m = self.search(subj.b)
        return subj.text(m.start(), m.end()) if m else ""

    def _all(self, b, n):
        """Go's allMatches: successive non-overlapping matches, no empty match right after a match."""
        out = []
        pos = 0
        prev_end = -1
        end = len(b)
        search = self.search
        while (n < 0 or len(out) < n) and pos <= end:
            m = search(b, pos)
            if m is None:
                break
            start, stop = m.span()
            accept = True
            if stop == pos:
                if start == prev_end:
                    accept = False
                width = _rune_width(b, pos)
                pos = pos + width if width else end + 1
            else:
                pos = stop
            prev_end = stop
            if accept:
                out.append(m)
        return out

    def find_all_string(self, s, n):
        if n == 0:
            return None
        subj = _Subject(s)
        ms = self._all(subj.b, n)
        return [subj.text(*m.span()) for m in ms] if ms else None

    def split(self, s, n):
        if n == 0:
            return None
        if self.expr and s == "":
            return [""]
        subj = _Subject(s)
        b = subj.b
        matches = self._all(b, n)
        out = []
        beg = 0
        stop = 0
        for m in matches:
            if n > 0 and len(out) == n - 1:
                break
            stop = m.start()
            if m.end() != 0:
                out.append(subj.text(beg, stop))
            beg = m.end()
        if stop != len(b):
            out.append(subj.text(beg, len(b)))
        return out

    def replace_all(self, s, repl, literal=False):
        subj = _Subject(s)
        b = subj.b
        out = []
        last = 0
        search_pos = 0
        end = len(b)
        search = self.search
        while search_pos <= end:
            m = search(b, search_pos)
            if m is None:
                break
            a0, a1 = m.span()
            out.append(subj.text(last, a0))
            if a1 > last or a0 == 0:
                out.append(repl if literal else self.expand(repl, m, subj))
            last = a1
            width = _rune_width(b, search_pos)
            if search_pos + width > a1:
                search_pos += width
            elif search_pos + 1 > a1:
                search_pos += 1
            else:
                search_pos = a1
        out.append(subj.text(last, end))
        return "".join(out)

    def expand(self, template, m, subj):
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
                if num <= self.ngroups:
                    a, b = m.span(num)
                    if a >= 0:
                        out.append(subj.text(a, b))
            else:
                for idx, n in self.names:
                    if n == name:
                        a, b = m.span(idx)
                        if a >= 0:
                            out.append(subj.text(a, b))
                            break
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
