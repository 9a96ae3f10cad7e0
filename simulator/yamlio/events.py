"""The general path: libyaml's parse events (PyYAML's C extension, or its pure-Python parser), decoded
the way go-yaml v2's decoder fills an interface{}: merges, aliases, tags, limits."""
from __future__ import annotations

import re
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterator, Tuple

from .resolve import (INT64_MAX, MERGE_TAG, NO, YAMLSyntaxError, error, key_text, non_finite,
                      resolve_plain, resolve_tagged)


def _event_source(text: str):
    """(yaml module, parser, whether reader errors count bytes)."""
    import yaml
    try:
        from yaml._yaml import CParser
    except ImportError:                  # PyYAML without libyaml: same events, pure Python
        return yaml, yaml.SafeLoader(text), False
    return yaml, CParser(text), True


def event_documents(text: str, line_offset: int, first_only: bool) -> Iterator[Tuple[int, Any]]:
    """Documents from libyaml's events.  go-yaml accepts the escape \\' in double quotes where libyaml
    stops: drop that backslash and read again from the top, skipping documents already given out."""
    given = 0
    while True:
        try:
            for n, doc in enumerate(_event_documents_once(text, line_offset, first_only)):
                if n >= given:
                    given += 1
                    yield doc
            return
        except _Reread as again:
            text = again.text


class _Reread(Exception):
    def __init__(self, text: str):
        super().__init__()
        self.text = text


def _event_documents_once(text: str, line_offset: int, first_only: bool) -> Iterator[Tuple[int, Any]]:
    # A BOM starting a line after the first is text to go-yaml (its is_bom() looks at the buffer start)
    # but skipped by libyaml: hide it behind an unused character and put it back in the strings.
    bom = None
    if "\ufeff" in text[1:] and _BOM_AT_LINE_START.search(text):
        bom = next(chr(c) for c in range(0xE000, 0xF900) if chr(c) not in text)
        text = _BOM_AT_LINE_START.sub(bom, text)
    try:
        yaml, parser, byte_offsets = _event_source(text)
    except UnicodeEncodeError as e:
        line = text.count("\n", 0, e.start)
        raise YAMLSyntaxError("text is not valid Unicode (lone surrogate)", line + 1 + line_offset,
                              e.start - (text.rfind("\n", 0, e.start) + 1) + 1) from None
    events = yaml.events
    stream_end, document_start = events.StreamEndEvent, events.DocumentStartEvent
    source = text if "\\/" in text else None
    get = parser.get_event
    while True:
        try:
            event = get()
            if event.__class__ is stream_end:
                return
            if event.__class__ is not document_start:
                continue
            if event.version is not None and tuple(event.version) != (1, 1):
                raise error("found incompatible YAML document", event.start_mark, line_offset)
            line, value = _Decoder(yaml, get, line_offset, source).document(event)
            if bom is not None:
                value = _swap_text(value, bom, "\ufeff")
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            if ((e.problem or "").startswith("found unknown escape character") and mark is not None
                    and text[mark.index:mark.index + 2] == "\\'"):
                raise _Reread(text[:mark.index] + text[mark.index + 1:]) from None
            raise YAMLSyntaxError(e.problem or e.context or "invalid YAML",
                                  mark.line + 1 + line_offset if mark else 0,
                                  mark.column + 1 if mark else 0) from None
        except yaml.YAMLError as e:      # reader errors: characters YAML does not allow
            raise _reader_error(e, text, line_offset, byte_offsets) from None
        except RecursionError:
            raise YAMLSyntaxError("document nests too deeply") from None
        yield line, value
        if first_only:
            return


def _reader_error(e, text: str, line_offset: int, byte_offsets: bool) -> YAMLSyntaxError:
    """libyaml reports a bad character by UTF-8 byte offset, PyYAML's Python reader by character."""
    message = getattr(e, "reason", None) or str(e).splitlines()[0]
    position = getattr(e, "position", None)
    if not isinstance(position, int):
        return YAMLSyntaxError(message)
    index = position
    if byte_offsets:
        index = len(text.encode("utf-8", "surrogatepass")[:position].decode("utf-8", "ignore"))
    line = text.count("\n", 0, index)
    return YAMLSyntaxError(message, line + 1 + line_offset, index - (text.rfind("\n", 0, index) + 1) + 1)


_ESCAPE_PAIR_RE = re.compile(r"\\(.)", re.S)
_BOM_AT_LINE_START = re.compile("(?<=[\n\r\x85\u2028\u2029])\ufeff")


def _swap_text(value: Any, old: str, new: str) -> Any:
    if value.__class__ is str:
        return value.replace(old, new)
    if value.__class__ is dict:
        return {_swap_text(k, old, new): _swap_text(v, old, new) for k, v in value.items()}
    if value.__class__ is list:
        return [_swap_text(v, old, new) for v in value]
    return value


class _Busy:
    """Anchor whose collection is still open: an alias to it would make the value contain itself."""


def _copy(value: Any) -> Any:
    if value.__class__ is dict:
        return {k: _copy(v) for k, v in value.items()}
    if value.__class__ is list:
        return [_copy(v) for v in value]
    return value


class _BadKey:
    """A key YAMLToJSON cannot write (null, above int64).  go-yaml keeps it in the map, where a later
    duplicate may still replace its value; only if it survives to the JSON conversion is it an error."""

    __slots__ = ("value", "mark")

    def __init__(self, value: Any, mark):
        self.value = value
        self.mark = mark

    def __eq__(self, other):
        return other.__class__ is _BadKey and other.value == self.value

    def __hash__(self):
        return hash((_BadKey, self.value))


def _bad_key_in(value: Any) -> Any:
    if value.__class__ is dict:
        for key, item in value.items():
            found = key if key.__class__ is _BadKey else _bad_key_in(item)
            if found is not None:
                return found
    elif value.__class__ is list:
        for item in value:
            found = _bad_key_in(item)
            if found is not None:
                return found
    return None


def _non_finite_in(value: Any) -> Any:
    if value.__class__ is float:
        return value if value - value != 0 else None
    for item in value.values() if value.__class__ is dict else value if value.__class__ is list else ():
        found = _non_finite_in(item)
        if found is not None:
            return found
    return None


def _allowed_alias_ratio(decoded: int) -> float:
    if decoded <= 400000:
        return 0.99
    if decoded >= 4000000:
        return 0.10
    return 0.99 - 0.89 * (decoded - 400000) / 3600000


_MERGE = object()
_EXPECT_KEY = object()


class _Decoder:
    """One document: events in, value out.  Keeps go-yaml's bookkeeping (anchors defined so far,
    decode and alias counts for its billion-laughs limit, flow depth limit)."""

    def __init__(self, yaml, get, line_offset: int, source):
        ev = yaml.events
        self.kinds = {ev.ScalarEvent: 0, ev.MappingStartEvent: 1, ev.SequenceStartEvent: 2,
                      ev.MappingEndEvent: 3, ev.SequenceEndEvent: 3, ev.AliasEvent: 4,
                      ev.DocumentEndEvent: 5}
        self.get = get
        self.offset = line_offset
        self.source = source         # the text, when it holds \\/ somewhere (go-yaml rejects that escape)
        self.anchors: dict = {}
        self.decoded = 1
        self.aliased = 0

    def fail(self, message: str, mark):
        return error(message, mark, self.offset)

    def document(self, start) -> Tuple[int, Any]:
        get, kinds, anchors = self.get, self.kinds, self.anchors
        stack: list = []           # frames: [container, key or _EXPECT_KEY, anchor, busy, decoded, flow]
        root: Any = NO
        line = None
        flow = 0
        inf_mark = None            # where the first infinity or NaN was read, if any
        bad_key = None             # a null or uint64 key, if any: an error unless overwritten
        while True:
            ev = get()
            kind = kinds[ev.__class__]
            mark = ev.start_mark
            via_alias = False
            if line is None:
                empty = (kind == 0 and ev.value == "" and not ev.style and ev.anchor is None
                         and ev.tag is None)
                line = (start.start_mark if empty or kind == 5 else mark).line + 1 + self.offset
            if kind == 0:
                self.decoded += 1
                tag, text = ev.tag, ev.value
                if (stack and stack[-1][1] is _EXPECT_KEY and stack[-1][0].__class__ is dict and text == "<<"
                        and (ev.implicit[0] or tag == MERGE_TAG)):
                    self.decoded -= 1
                    stack[-1][1] = _MERGE
                    if ev.anchor is not None:
                        anchors[ev.anchor] = (text, 1)
                    continue
                if self.source is not None and ev.style == '"':
                    raw = self.source[mark.index:ev.end_mark.index]
                    if any(m.group(1) == "/" for m in _ESCAPE_PAIR_RE.finditer(raw)):
                        raise self.fail("found unknown escape character", mark)
                if tag is None:
                    value = resolve_plain(text) if ev.implicit[0] else text
                else:
                    value = resolve_tagged(tag, text, _Shifted(mark, self.offset))
                if value.__class__ is float and value - value != 0 and inf_mark is None:
                    inf_mark = _Shifted(mark, self.offset)
                if ev.anchor is not None:
                    anchors[ev.anchor] = (value, 1)
            elif kind == 1 or kind == 2:
                if ev.flow_style:
                    flow += 1
                    if flow > 10000:
                        raise self.fail("exceeded max depth of 10000", mark)
                busy = None
                if ev.anchor is not None:
                    busy = anchors[ev.anchor] = _Busy()
                stack.append([{} if kind == 1 else [], _EXPECT_KEY, ev.anchor, busy, self.decoded,
                              bool(ev.flow_style)])
                self.decoded += 1
                continue
            elif kind == 3:
                frame = stack.pop()
                value = frame[0]
                if frame[5]:
                    flow -= 1
                if frame[2] is not None and anchors.get(frame[2]) is frame[3]:
                    anchors[frame[2]] = (value, self.decoded - frame[4])
            elif kind == 4:
                entry = anchors.get(ev.anchor)
                if entry is None:
                    raise self.fail(f"unknown anchor '{ev.anchor}' referenced", mark)
                if entry.__class__ is _Busy:
                    raise self.fail(f"anchor '{ev.anchor}' value contains itself", mark)
                value, size = entry
                self.decoded += 1 + size
                self.aliased += size
                if (self.aliased > 100 and self.decoded > 1000
                        and self.aliased / self.decoded > _allowed_alias_ratio(self.decoded)):
                    raise self.fail("document contains excessive aliasing", mark)
                value = _copy(value)
                via_alias = True
            else:
                if root is NO:
                    root = None
                if bad_key is not None:        # YAMLToJSON refuses the ones still there
                    found = _bad_key_in(root)
                    if found is not None:
                        key_text(found.value, found.mark)    # raises, as YAMLToJSON fails
                if inf_mark is not None:       # json.Marshal refuses what is left of them
                    bad = _non_finite_in(root)
                    if bad is not None:
                        raise non_finite(bad, inf_mark)
                return line, root
            # deliver value into its parent
            if not stack:
                root = value
                continue
            frame = stack[-1]
            parent = frame[0]
            if parent.__class__ is list:
                parent.append(value)
            elif frame[1] is _EXPECT_KEY:
                if value.__class__ is dict or value.__class__ is list:
                    raise self.fail(f"invalid map key: {value!r}", mark)
                if value is None or (value.__class__ is int and value > INT64_MAX):
                    frame[1] = bad_key = _BadKey(value, _Shifted(mark, self.offset))
                else:
                    frame[1] = key_text(value, _Shifted(mark, self.offset))
            elif frame[1] is _MERGE:
                frame[1] = _EXPECT_KEY
                self._merge(parent, value, via_alias, mark)
            else:
                parent[frame[1]] = value
                frame[1] = _EXPECT_KEY

    def _merge(self, target: dict, value: Any, via_alias: bool, mark) -> None:
        """go-yaml v2: merged keys overwrite what is already there; of a list, earlier maps win."""
        if value.__class__ is dict:
            target.update(value)
            return
        if value.__class__ is list and not via_alias and all(v.__class__ is dict for v in value):
            for v in reversed(value):
                target.update(v)
            return
        raise self.fail("map merge requires map or sequence of maps as the value", mark)


class _Shifted:
    """A libyaml mark moved down by the line where its slice of the stream starts."""

    __slots__ = ("line", "column")

    def __init__(self, mark, offset: int):
        self.line = mark.line + offset
        self.column = mark.column
