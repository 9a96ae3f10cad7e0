"""YAML text to JSON-like data, the way Kubernetes and Istio read it.

Kubernetes, kubectl and Istio never use YAML values directly: `sigs.k8s.io/yaml.YAMLToJSON` (v1.6.0, on
go-yaml v2 as forked to `go.yaml.in/yaml/v2`) turns the text into JSON first.  PyYAML's `safe_load`
resolves YAML 1.1 its own way (`1:20` is 4800 there, `0o17` a string, `2001-12-14` a date, `<<` merges
the other way round) and builds values in pure Python.  This package gives the Go result, checked
against the real program in tests/yamlio, and reads the usual shape of Kubernetes YAML without PyYAML.

What the caller gets for a document (Go's `json.Unmarshal` into `interface{}` after YAMLToJSON):

- mappings are `dict` with `str` keys in document order (Go sorts them; order means nothing); other
  keys are written as YAMLToJSON writes them: `1` -> "1", `0x10` -> "16", `true`/`yes`/`on` -> "true",
  `1.5` -> "1.5", `1e6` -> "1e+06" (float32 shortest form), `.inf` -> ".inf"; a null, sequence or
  mapping key, or an integer above 2**63-1, is an error;
- a YAML integer is an `int`, a YAML float a `float` (`1.0` -> 1.0, `1e3` -> 1000.0), even where Go's
  float64 would print without a fraction; compare numbers by value (`1 == 1.0`), as Go sees one type;
  an infinity or NaN left in the data is an error (json.Marshal refuses it);
- booleans: y Y yes Yes YES true True TRUE on On ON, and n N no No NO false False FALSE off Off OFF;
  null: `~`, `null`, `Null`, `NULL` or nothing; integers take `0x`, `0o`, `0b`, a leading `0` (octal),
  a sign and `_` anywhere; `08`, `09` and decimal integers beyond 64 bits are floats; `1:20`
  (sexagesimal) and timestamps stay strings;
- `<<` merges apply in order, so a key written before the `<<` is overwritten by the merged value
  (go-yaml v2 does that; PyYAML keeps the key); duplicate keys: the last wins; each alias is a copy;
- tags: `!!str` keeps the text, `!!int`/`!!float`/`!!bool`/`!!null`/`!!timestamp` must fit the text
  (`!!float 1` -> 1.0), `!!binary` is base64-decoded into a string, other tags are ignored;
- double-quoted escapes are go-yaml's: `\\'` is accepted and `\\/` is an error (libyaml differs).

`load(text)` reads the first document only, like YAMLToJSON; later documents are not even parsed.
`load_all`/`load_all_with_lines` give every document of the stream: an empty one (`---` and nothing)
is `None` where kubectl's reader would drop it, `--- value` on one line is accepted where kubectl
rejects it, and text after a `...` line is a further document where kubectl loses it.  A document's line is where its content starts (its `---` when it is empty).  Anything
Kubernetes would not accept raises `YAMLSyntaxError(message, line, column)`, 1-based.

How: `fastpath` reads block-style YAML line by line (the shape of Kubernetes objects and rendered
sidecars); whatever it is not sure of goes to `events`, which decodes libyaml's parse events (PyYAML's
C extension, or its pure-Python parser without it) as go-yaml's decoder does.  libyaml and go-yaml's
parser are ports of the same C code; the differences found (escapes, `%YAML 1.2`, a BOM starting a
later line) are bridged in `events`.
"""
from __future__ import annotations

import re
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterator, Tuple

from .events import event_documents as _event_documents
from .fastpath import NO_DOCUMENT as _NO_DOCUMENT
from .fastpath import fast_document as _fast_document
from .resolve import YAMLSyntaxError

__all__ = ["YAMLSyntaxError", "load", "load_all", "load_all_with_lines"]


def load(text: str) -> Any:
    """The first document of `text` (None when there is none), as YAMLToJSON + json.Unmarshal see it."""
    for _, value in _documents(text, first_only=True):
        return value
    return None


def load_all(text: str) -> Iterator[Any]:
    for _, value in _documents(text, first_only=False):
        yield value


def load_all_with_lines(text: str) -> Iterator[Tuple[int, Any]]:
    """(line, document) pairs; line is where the document's content starts (its `---` when empty)."""
    return _documents(text, first_only=False)


_ODD_BREAK_RE = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


def _documents(text: str, first_only: bool) -> Iterator[Tuple[int, Any]]:
    if not isinstance(text, str):
        raise TypeError("yamlio reads str, not %s" % type(text).__name__)
    if text.startswith("%") or "\n%" in text:   # %YAML/%TAG belong to the stream: no splitting
        yield from _event_documents(text, 0, first_only)
        return
    if "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:
        if _ODD_BREAK_RE.search(text):   # lines counted another way than by "\n": no splitting
            yield from _event_documents(text, 0, first_only)
            return
        text = text.replace("\r\n", "\n")   # libyaml and go-yaml read CR LF as LF everywhere
    lines = text.split("\n")
    size = len(text)
    ends_with_newline = text.endswith("\n")
    all_fast = not first_only and _fast_candidate(text)
    # The stream in slices: the first from the top, each other one from a `---` line (always a
    # document start for libyaml, whatever precedes it).  A slice is one document for the fast path,
    # any number of them for libyaml.
    a, pa = 0, 0
    marker = text.startswith("---") and (size == 3 or text[3] in " \t\n")
    while True:
        at = text.find("\n---", pa)
        while at != -1 and not (at + 4 == size or text[at + 4] in " \t\n"):
            at = text.find("\n---", at + 4)
        if at == -1:
            pb, b = size, len(lines)
        else:
            pb = at + 1
            b = a + text.count("\n", pa, pb)
        result = None
        if all_fast or _fast_candidate(text[pa:pb]):
            last = at == -1
            end = b - 1 if last and ends_with_newline else b
            result = _fast_document(lines, a, end, marker, last and not ends_with_newline)
        if result is None:
            for doc in _event_documents(text[pa:pb], a, first_only):
                yield doc
                if first_only:
                    return
        elif result is not _NO_DOCUMENT:
            yield result
            if first_only:
                return
        if at == -1:
            return
        a, pa, marker = b, pb, True


def _fast_candidate(part: str) -> bool:
    """Whether `part` has only characters the fast path models the way libyaml does (printable: no
    tab, CR, NEL, LS/PS, BOM) and no `...` line.  Stricter than YAML; anything else goes to libyaml."""
    return part.replace("\n", "").isprintable() and not part.startswith("...") and "\n..." not in part
