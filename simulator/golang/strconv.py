"""The parts of Go's strconv that fmt and the template functions rely on: quoting and float formatting.

Go strings are bytes; here invalid UTF-8 bytes travel as surrogate-escaped characters, which quoting
prints as \\xNN escapes the way Go does.
"""

import math
import struct


def _is_print(c):
    """strconv.IsPrint for one character (invalid bytes kept via surrogateescape are not printable)."""
    o = ord(c)
    if o < 0x80:
        return 0x20 <= o < 0x7F
    if 0xD800 <= o <= 0xDFFF:
        return False
    return c.isprintable()


def _escape_rune(out, c, quote, ascii_only):
    o = ord(c)
    if c == quote or c == "\\":
        out.append("\\" + c)
        return
    if ascii_only:
        if o < 0x80 and _is_print(c):
            out.append(c)
            return
    elif _is_print(c):
        out.append(c)
        return
    esc = _SIMPLE_ESC.get(c)
    if esc is not None:
        out.append(esc)
    elif o < 0x20 or o == 0x7F:
        out.append("\\x%02x" % o)
    elif 0xDC80 <= o <= 0xDCFF:
        out.append("\\x%02x" % (o - 0xDC00))
    elif 0xD800 <= o <= 0xDFFF:
        out.append("\\ufffd")
    elif o < 0x10000:
        out.append("\\u%04x" % o)
    else:
        out.append("\\U%08x" % o)


_SIMPLE_ESC = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def go_quote(s, ascii_only=False):
    """strconv.Quote (or QuoteToASCII)."""
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
        return '"' + s + '"'
    out = ['"']
    for c in s:
        _escape_rune(out, c, '"', ascii_only)
    out.append('"')
    return "".join(out)


def go_quote_rune(r, ascii_only=False):
    """strconv.QuoteRune."""
    if r < 0 or r > 0x10FFFF or 0xD800 <= r <= 0xDFFF:
        r = 0xFFFD
    out = ["'"]
    _escape_rune(out, chr(r), "'", ascii_only)
    out.append("'")
    return "".join(out)


def can_backquote(s):
    for c in s:
        o = ord(c)
        if c == "`" or o == 0xFEFF or 0xD800 <= o <= 0xDFFF:
            return False
        if o < 0x20 and c != "\t" or o == 0x7F:
            return False
    return True



def underscore_ok(s):
    """strconv's underscoreOK, for literals with base prefixes: underscores only between digits (the prefix
    counts as a digit), never first or last.  Go lower-cases with `c | 0x20`, so only ASCII letters fold."""
    saw = "^"
    i = 0
    if s[:1] in ("-", "+"):
        s = s[1:]
    hexa = False
    if len(s) >= 2 and s[0] == "0" and _ascii_lower(s[1]) in "box":
        i = 2
        saw = "0"
        hexa = _ascii_lower(s[1]) == "x"
    while i < len(s):
        c = s[i]
        if "0" <= c <= "9" or hexa and "a" <= _ascii_lower(c) <= "f":
            saw = "0"
        elif c == "_":
            if saw != "0":
                return False
            saw = "_"
        else:
            if saw == "_":
                return False
            saw = "!"
        i += 1
    return saw != "_"


def _ascii_lower(c):
    return c.lower() if "A" <= c <= "Z" else c


def _shortest_digits(v, size):
    """Shortest decimal digits that round-trip v: (digits, decimal point position)."""
    if size == 32:
        r = None
        for p in range(1, 18):
            cand = "%.*e" % (p - 1, v)
            if struct.unpack("f", struct.pack("f", float(cand)))[0] == v:
                r = cand
                break
        if r is None:
            r = "%.16e" % v
    else:
        r = repr(float(v))
    r = r.lstrip("-")
    if "e" in r or "E" in r:
        mant, exp = r.lower().split("e")
        exp = int(exp)
    else:
        mant, exp = r, 0
    if "." in mant:
        ip, fp = mant.split(".")
    else:
        ip, fp = mant, ""
    digits = (ip + fp).lstrip("0")
    lead_zeros = len(ip + fp) - len((ip + fp).lstrip("0"))
    dp = len(ip) + exp - lead_zeros
    digits = digits.rstrip("0")
    if not digits:
        return "0", 1
    return digits, dp


def _fmt_e_digits(neg, digits, dp, prec, e_char):
    first = digits[0]
    rest = digits[1:]
    if prec > 0:
        rest = (rest + "0" * prec)[:prec]
        mant = first + "." + rest
    else:
        mant = first
    exp = dp - 1 if digits != "0" else 0
    sign = "+" if exp >= 0 else "-"
    exp = abs(exp)
    return ("-" if neg else "") + mant + e_char + sign + ("%02d" % exp)


def _fmt_f_digits(neg, digits, dp, prec):
    if dp > 0:
        ip = (digits[:dp] + "0" * max(0, dp - len(digits)))
        fp = digits[dp:]
    else:
        ip = "0"
        fp = "0" * (-dp) + digits
    if prec > 0:
        s = ip + "." + (fp + "0" * prec)[:prec]
    else:
        s = ip
    return ("-" if neg else "") + s


def format_float(v, verb, prec, size=64):
    """strconv.FormatFloat(v, verb, prec, size) for verbs e E f g G b x X."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    if size == 32:
        v = struct.unpack("f", struct.pack("f", v))[0]
    neg = math.copysign(1.0, v) < 0
    if verb == "b":
        return _format_float_b(v, size)
    if verb in "xX":
        return _format_float_x(v, prec, size, verb)
    if prec < 0:
        digits, dp = _shortest_digits(abs(v), size)
        if verb in "eE":
            return _fmt_e_digits(neg, digits, dp, len(digits) - 1, verb)
        if verb == "f":
            return _fmt_f_digits(neg, digits, dp, max(len(digits) - dp, 0))
        # 'g' / 'G' shortest: exponent form when exp < -4 or exp >= 6 (Go's shortest rule).
        exp = dp - 1
        if digits == "0":
            exp = 0
        if exp < -4 or exp >= 6:
            return _fmt_e_digits(neg, digits, dp, len(digits) - 1, "e" if verb == "g" else "E")
        return _fmt_f_digits(neg, digits, dp, max(len(digits) - dp, 0))
    if verb == "F":
        verb = "f"
    s = ("%." + str(prec) + verb) % abs(v)
    return ("-" if neg else "") + s


def _format_float_b(v, size):
    if size == 32:
        bits = struct.unpack(">I", struct.pack(">f", v))[0]
        mant_bits, exp_bits, bias = 23, 8, 127
        sign = bits >> 31
    else:
        bits = struct.unpack(">Q", struct.pack(">d", v))[0]
        mant_bits, exp_bits, bias = 52, 11, 1023
        sign = bits >> 63
    exp = (bits >> mant_bits) & ((1 << exp_bits) - 1)
    mant = bits & ((1 << mant_bits) - 1)
    if exp == 0:
        exp += 1
    else:
        mant |= 1 << mant_bits
    exp -= bias + mant_bits
    return ("-" if sign else "") + "%dp%s%d" % (mant, "+" if exp >= 0 else "-", abs(exp))


def _format_float_x(v, prec, size, verb):
    neg = math.copysign(1.0, v) < 0
    v = abs(v)
    if v == 0:
        mant, exp = 0, 0
    else:
        m, e = math.frexp(v)  # v = m * 2**e, 0.5 <= m < 1
        mant = int(m * (1 << 53))
        exp = e - 1  # value = (mant / 2**52) * 2**exp with leading 1
    # mantissa as 1.xxxxx hex with 13 hex digits of fraction
    frac = mant & ((1 << 52) - 1) if v != 0 else 0
    lead = 1 if v != 0 else 0
    hexfrac = "%013x" % frac
    if prec < 0:
        hexfrac = hexfrac.rstrip("0")
    else:
        if prec < 13:
            full = (lead << 52) | frac
            shift = (13 - prec) * 4
            rounded = full >> shift
            rem = full & ((1 << shift) - 1)
            half = 1 << (shift - 1) if shift else 0
            if shift and (rem > half or (rem == half and rounded & 1)):
                rounded += 1
            if rounded >> (prec * 4) >= 2:
                rounded >>= 1
                exp += 1
            lead = rounded >> (prec * 4)
            frac_r = rounded & ((1 << (prec * 4)) - 1)
            hexfrac = ("%0*x" % (prec, frac_r)) if prec else ""
        else:
            hexfrac = hexfrac + "0" * (prec - 13)
    s = "0x%d" % lead
    if hexfrac:
        s += "." + hexfrac
    s += "p%s%02d" % ("+" if exp >= 0 else "-", abs(exp))
    if verb == "X":
        s = s.upper()
    return ("-" if neg else "") + s
