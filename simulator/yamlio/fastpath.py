"""The fast path: block-style YAML read line by line, for the shape Kubernetes objects and rendered
sidecars have.  It answers only when sure and returns None otherwise; the caller then asks libyaml.
tests/yamlio/test_fastpath.py holds it to the event path on random input."""
from __future__ import annotations

import re
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

from .resolve import INT64_MAX, NO, SPECIAL, key_text, resolve_plain

NO_DOCUMENT = object()
_SQ_RE = re.compile(r"'((?:[^']|'')*)'(?: +(?:#.*)?)?\Z")
_DQ_RE = re.compile(r'"((?:[^"\\]|\\.)*)"(?: +(?:#.*)?)?\Z')
_SQ_KEY_RE = re.compile(r"'((?:[^']|'')*)' *:(?: +|\Z)")
_DQ_KEY_RE = re.compile(r'"((?:[^"\\]|\\.)*)" *:(?: +|\Z)')
_EMPTY_FLOW_RE = re.compile(r"(?:\{ *\}|\[ *\])(?: +(?:#.*)?)?\Z")
# A one-line flow sequence of quoted strings and plain words (`command: ["sh", "-c", "true"]`); the
# words avoid every character whose meaning in flow context differs between libyaml versions.
_FLOW_ITEM = r"""(?:"[^"\\]*"|'(?:[^']|'')*'|[A-Za-z0-9_][A-Za-z0-9_./-]*)"""
_FLOW_SEQ_RE = re.compile(r"\[( *(?:%s *(?:, *%s *)*(?:, *)?)?)\](?: +(?:#.*)?)?\Z" % (_FLOW_ITEM, _FLOW_ITEM))
_FLOW_ITEMS_RE = re.compile(r"""("[^"\\]*")|('(?:[^']|'')*')|([A-Za-z0-9_][A-Za-z0-9_./-]*)""")
_BLOCK_RE = re.compile(r"\|([-+]?) *\Z")
_ESCAPE_RE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))")
# go-yaml v2's escapes: it knows \' (libyaml 0.2.5 does not) and not \/ (libyaml 0.2.5 does).
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
            "e": "\x1b", " ": " ", '"': '"', "'": "'", "\\": "\\", "N": "\x85", "_": "\xa0",
            "L": "\u2028", "P": "\u2029"}
# Characters that cannot start a plain scalar in block context ('-', '?', ':' can when followed by
# a non-space, and '#' starts a comment).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_BAIL = object()


def _unescape(m) -> str:
    hexa = m.group(1) or m.group(2) or m.group(3)
    if hexa is not None:
        code = int(hexa, 16)
        if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            raise ValueError("invalid escape")
        return chr(code)
    return _ESCAPES[m.group(4)]


def _double_quoted(body: str) -> Any:
    if "\\" not in body:
        return body
    try:
        return _ESCAPE_RE.sub(_unescape, body)
    except (KeyError, ValueError):
        return _BAIL


def _split_key(s: str):
    """(key text, rest of line) when the line is `key: ...`, None when it is a lone scalar, _BAIL when
    it is anything else.  The key is resolved and written as YAMLToJSON would."""
    c = s[0]
    if c == "'" or c == '"':
        m = (_SQ_KEY_RE if c == "'" else _DQ_KEY_RE).match(s)
        if m is None:
            return None
        key = m.group(1).replace("''", "'") if c == "'" else _double_quoted(m.group(1))
        if key is _BAIL or m.end() > 200:
            return _BAIL
        return key, s[m.end():]
    if c in _INDICATORS and (c not in "-?:" or len(s) < 2 or s[1] == " "):
        return None
    p = s.find(": ")
    if p < 0:
        if s[-1] != ":":
            return None
        p = len(s) - 1
    raw = s[:p].rstrip(" ")
    if " #" in raw or p > 200 or raw == "<<":
        return _BAIL
    key = plain_key(raw)
    if key is None:
        return _BAIL
    return key, s[p + 1:].lstrip(" ")


def _scalar(rest: str) -> Any:
    """A one-line value after `key: ` or `- `; _BAIL when it is more than that."""
    c = rest[0]
    if c == "'":
        m = _SQ_RE.match(rest)
        return _BAIL if m is None else m.group(1).replace("''", "'")
    if c == '"':
        m = _DQ_RE.match(rest)
        return _BAIL if m is None else _double_quoted(m.group(1))
    if c == "{" or c == "[":
        if _EMPTY_FLOW_RE.match(rest) is not None:
            return {} if c == "{" else []
        m = _FLOW_SEQ_RE.match(rest) if c == "[" else None
        if m is None:
            return _BAIL
        items = []
        for dq, sq, word in _FLOW_ITEMS_RE.findall(m.group(1)):
            if word:
                value = resolve_plain(word)
                if value.__class__ is float and value - value != 0:
                    return _BAIL
                items.append(value)
            else:
                items.append(dq[1:-1] if dq else sq[1:-1].replace("''", "'"))
        return items
    if c in _INDICATORS and (c not in "-?:" or len(rest) < 2 or rest[1] == " "):
        return _BAIL
    p = rest.find(" #")
    if p >= 0:
        rest = rest[:p]
    rest = rest.rstrip(" ")
    if ": " in rest or rest[-1] == ":":
        return _BAIL
    value = resolve_plain(rest)
    if value.__class__ is float and value - value != 0:
        return _BAIL
    return value


def _block_literal(lines, i: int, end: int, min_indent: int, chomp: str, unterminated: bool):
    """(text, next line) for a `|` block starting at lines[i]; None for anything unusual."""
    j, indent = i, -1
    while j < end:
        ln = lines[j]
        stripped = ln.lstrip(" ")
        if stripped:
            indent = len(ln) - len(stripped)
            break
        j += 1
    if indent < min_indent:
        return None
    body, trailing = [], 0
    j = i
    while j < end:
        ln = lines[j]
        stripped = ln.lstrip(" ")
        if not stripped:
            if len(ln) > indent:
                return None
            trailing += 1
        elif len(ln) - len(stripped) < indent:
            break
        else:
            if trailing:
                body.extend([""] * trailing)
                trailing = 0
            body.append(ln[indent:])
        j += 1
    if j == end and unterminated:
        # the text ends inside the block, without a final line break: no break to keep or clip
        if trailing or not body:
            return None
        return "\n".join(body), j
    text = "\n".join(body)
    if chomp == "":
        text += "\n"
    elif chomp == "+":
        text += "\n" * (trailing + 1)
    return text, j


def fast_document(lines, a: int, end: int, marker: bool, unterminated: bool):
    """(line, value) for the one document in lines[a:end], NO_DOCUMENT when slice 0 holds none,
    None to hand the document to libyaml.  One loop with the innermost collection kept in locals:
    this runs for every pod of the input and every rendered sidecar, so it avoids calls."""
    i = a
    if marker:
        rest = lines[a][3:].lstrip(" ")
        if rest and rest[0] != "#":
            return None
        i += 1
    kinds = _FIRST_CHAR.get
    special = SPECIAL.get
    no = NO
    stack: list = [(-1, None, False, False)]   # (column, container, is_mapping, indentless), sentinel first
    cur: Any = None       # innermost open collection, its column, whether it is a mapping
    ccol = -1
    cmap = False
    pend = None           # container whose last key/item (pkey) may still get a nested block node
    pkey: Any = None
    pcol = -1
    root: Any = no
    root_line = a + 1
    while i < end:
        line = lines[i]
        i += 1
        s = line.lstrip(" ")
        if not s:
            continue
        c = s[0]
        if c == "#":
            continue
        col = len(line) - len(s)
        if (c == "[" or c == "{") and pend is not None and col > pcol:
            # `key:` / `-` with an empty flow collection on the next line (Istio's `alwaysInjectSelector:\n  []`)
            if _EMPTY_FLOW_RE.match(s) is None:
                return None
            pend[pkey] = [] if c == "[" else {}
            pend = None
            continue
        if c == "-" and (len(s) == 1 or s[1] == " "):
            # ---- a sequence entry: find its sequence
            if col == ccol and not cmap and pend is None:
                seq = cur
            elif pend is not None and (col > pcol or (col == pcol and pend.__class__ is dict)):
                seq = []
                pend[pkey] = seq
                stack.append((col, seq, False, col == pcol))
                cur, ccol, cmap = seq, col, False
            else:
                top = stack[-1]
                while top[0] > col:
                    stack.pop()
                    top = stack[-1]
                if top[0] == col and not top[2]:
                    seq = top[1]
                elif top[1] is None and root is no:
                    seq = root = []
                    root_line = i
                    stack.append((col, seq, False, False))
                else:
                    return None
                cur, ccol, cmap = seq, col, False
            pend = None
            item = s[2:].lstrip(" ")
            if not item or item[0] == "#":
                seq.append(None)
                pend, pkey, pcol = seq, len(seq) - 1, col
                continue
            c = item[0]
            kind = kinds(c, 0)
            if kind == 3 and len(item) > 1 and item[1] != " ":
                kind = 1 if c == "-" else 0
            if kind < 3 and ":" not in item and " #" not in item:
                if item[-1] == " ":
                    item = item.rstrip(" ")
                if kind == 0:
                    seq.append(item)
                    continue
                if item.isdigit() and len(item) < 19 and (c != "0" or len(item) == 1) and item.isascii():
                    seq.append(int(item))
                    continue
                value = resolve_plain(item)
                if value.__class__ is float and value - value != 0:
                    return None
                seq.append(value)
                continue
            if c == '"' or c == "'":                   # one-line quoted, no escapes, nothing after it
                if len(item) > 1 and item[-1] == c and item.count(c) == 2 and "\\" not in item:
                    seq.append(item[1:-1])
                    continue
            if c == "-" and (len(item) == 1 or item[1] == " "):
                return None
            if ":" not in item:
                if c == "|":
                    m = _BLOCK_RE.match(item)
                    if m is None:
                        return None
                    got = _block_literal(lines, i, end, col + 1, m.group(1), unterminated)
                    if got is None:
                        return None
                    value, i = got
                else:
                    value = _scalar(item)
                    if value is _BAIL:
                        return None
                seq.append(value)
                continue
            owner = seq               # `- key: ...` opens a mapping in seq, at the key's column
            col += len(s) - len(item)
            s = item
        else:
            owner = None
        # ---- a mapping entry: split the key off, then find its mapping
        kind = kinds(c, 0)
        if kind >= 3 and (kind == 4 or len(s) < 2 or s[1] == " "):
            kv = _split_key(s)
            if kv is _BAIL or (kv is None and owner is None):
                return None
            if kv is None:
                value = _scalar(s)
                if value is _BAIL:
                    return None
                owner.append(value)
                continue
            key, rest = kv
        else:
            key, sep, rest = s.partition(": ")
            if sep:
                if rest and rest[0] == " ":
                    rest = rest.lstrip(" ")
            elif s[-1] == ":":
                key = s[:-1]
            elif owner is None:
                return None
            else:                     # `- a:b`, `- http://x`: a scalar item after all
                value = _scalar(s)
                if value is _BAIL:
                    return None
                owner.append(value)
                continue
            if key[-1] == " ":
                key = key.rstrip(" ")
            if " #" in key or (len(s) > 200 and len(key) > 200):   # libyaml: a key within 1024 chars
                return None
            if kind and (kind != 2 or special(key, no) is not no):
                key = plain_key(key)
                if key is None:
                    return None
        if owner is not None:
            mapping = {}
            owner.append(mapping)
            stack.append((col, mapping, True, False))
            cur, ccol, cmap = mapping, col, True
        else:
            if col == ccol and cmap and pend is None:
                mapping = cur
            elif pend is not None and col > pcol:
                mapping = {}
                pend[pkey] = mapping
                stack.append((col, mapping, True, False))
                cur, ccol, cmap = mapping, col, True
            else:
                top = stack[-1]
                while top[0] > col:
                    stack.pop()
                    top = stack[-1]
                if top[0] == col and top[3]:           # an indentless sequence ends at its parent's key
                    stack.pop()
                    top = stack[-1]
                if top[0] == col and top[2]:
                    mapping = top[1]
                elif top[1] is None and root is no:
                    mapping = root = {}
                    root_line = i
                    stack.append((col, mapping, True, False))
                else:
                    return None
                cur, ccol, cmap = mapping, col, True
            pend = None
        # ---- the value of `key` in `mapping` (whose column is col)
        if not rest:
            mapping[key] = None
            pend, pkey, pcol = mapping, key, col
            continue
        c = rest[0]
        kind = kinds(c, 0)
        if kind == 3 and len(rest) > 1 and rest[1] != " ":
            kind = 1 if c == "-" else 0
        if kind < 3:                                    # a plain scalar
            if " #" in rest:
                rest = rest[:rest.index(" #")]
            if rest[-1] == " ":
                rest = rest.rstrip(" ")
            if ": " in rest or rest[-1] == ":":
                return None
            if kind == 0:
                mapping[key] = rest
            elif kind == 2:
                value = special(rest, no)
                mapping[key] = rest if value is no else value
            elif rest.isdigit() and len(rest) < 19 and (c != "0" or len(rest) == 1) and rest.isascii():
                mapping[key] = int(rest)
            else:
                value = resolve_plain(rest)
                if value.__class__ is float and value - value != 0:
                    return None
                mapping[key] = value
            continue
        if c == '"' or c == "'":                       # one-line quoted, no escapes, nothing after it
            if len(rest) > 1 and rest[-1] == c and rest.count(c) == 2 and "\\" not in rest:
                mapping[key] = rest[1:-1]
                continue
        elif rest == "{}":
            mapping[key] = {}
            continue
        elif c == "{" and rest.rstrip(" ") == "{":
            got = _flow_mapping_lines(lines, i, end, col)
            if got is None:
                return None
            mapping[key], i = got
            continue
        if c == "#":
            mapping[key] = None
            pend, pkey, pcol = mapping, key, col
            continue
        if c == "|":
            m = _BLOCK_RE.match(rest)
            if m is None:
                return None
            got = _block_literal(lines, i, end, col + 1, m.group(1), unterminated)
            if got is None:
                return None
            mapping[key], i = got
            continue
        value = _scalar(rest)
        if value is _BAIL:
            return None
        mapping[key] = value
    if root is no:
        return (a + 1, None) if marker else NO_DOCUMENT
    return root_line, root


_FLOW_ENTRY_RE = re.compile(r""" *([A-Za-z_][A-Za-z0-9_./-]*): (?:"([^"\\]*)"|'([^']*)') *(,?) *\Z""")


def _flow_mapping_lines(lines, i: int, end: int, col: int):
    """(dict, next line) for a flow mapping opened by `key: {` and written one `name: "value",` per
    line up to a line holding only `}` (Istio's sidecar template writes pod annotations so); None for
    anything else, or for lines left of the key."""
    out = {}
    comma = True
    while i < end:
        line = lines[i]
        i += 1
        s = line.lstrip(" ")
        if not s:
            continue
        if len(line) - len(s) < col:
            return None
        if s.rstrip(" ") == "}":
            return out, i
        m = _FLOW_ENTRY_RE.match(line)
        if m is None or not comma:
            return None
        key = m.group(1)
        if key in out or plain_key(key) != key:
            return None
        out[key] = m.group(2) if m.group(2) is not None else m.group(3)
        comma = m.group(4) == ","
    return None


# First character of a key or value -> 0 plain text, 1 maybe a number (go on resolving), 2 maybe a
# bool or null (look it up), 3 '-', '?', ':' (plain only before a non-space), 4 any other indicator.
_FIRST_CHAR = dict.fromkeys("0123456789+.", 1)
_FIRST_CHAR.update(dict.fromkeys("yYnNtTfFoO~", 2))
_FIRST_CHAR.update(dict.fromkeys("-?:", 3))
_FIRST_CHAR.update(dict.fromkeys(",[]{}#&*!|>'\"%@`<", 4))


def plain_key(raw: str):
    """A plain key that may resolve to something other than its text; None when YAMLToJSON fails."""
    key = resolve_plain(raw)
    if key.__class__ is str:
        return key
    if key is None or (key.__class__ is int and key > INT64_MAX):
        return None
    return key_text(key, None)
