"""Multi-document streams cut the way kubectl and istioctl cut them (k8s.io/apimachinery's YAMLReader over
its LineReader): a line that starts with `---` ends a document, whatever YAML would make of it.
istioctl kube-inject prints a document it does not inject as exactly this text, so the quirks matter:

- lines come from bufio's ReadLine, which drops "\\n" or "\\r\\n", and LineReader puts "\\n" back: CRLF text
  comes out as LF, and a last line without a line break gets one;
- a `---` line ends the document being collected, and is dropped with it; but when nothing has been
  collected yet (the start of the stream, or right after another separator) the reader keeps the `---`
  line as the first line of the next document (`---\\n` then the document, printed as such);
- a chunk of only blank lines or comments is a document too (istioctl prints it back; it holds no object).
"""

__all__ = ["SeparatorError", "file_lines", "iter_documents", "split_documents"]


class SeparatorError(ValueError):
    """A `---` line followed by something other than a comment (the reader's own error).  `documents`:
    those the reader returned before it (the one the line would have ended is lost with the error), which
    a program reading chunk by chunk, as istioctl kube-inject does, has already handled."""

    def __init__(self, message, documents=()):
        super().__init__(message)
        self.documents = list(documents)


def _lines(text):
    """LineReader.Read over bufio.Reader.ReadLine: each line without its "\\n" (and a "\\r" before it), plus "\\n"."""
    start = 0
    size = len(text)
    while start < size:
        end = text.find("\n", start)
        if end == -1:
            yield text[start:] + "\n"
            return
        line = text[start:end - 1] if end > start and text[end - 1] == "\r" else text[start:end]
        start = end + 1
        yield line + "\n"


def split_documents(text):
    """The documents of `text` as YAMLReader.Read returns them, one string each (every one ends with "\\n")."""
    docs = []
    try:
        for doc in iter_documents(_lines(text)):
            docs.append(doc)
    except SeparatorError as e:
        raise SeparatorError(str(e), docs) from None
    return docs


def iter_documents(lines):
    """split_documents over `lines` (each ending in "\\n", as `_lines` or `file_lines` give them), one
    document at a time, so that a file is never held whole; raises SeparatorError where the reader would
    (its `documents` then empty: they were given already)."""
    buf = []
    for line in lines:
        if line.startswith("---"):
            rest = line[3:].strip()
            if rest and not rest.startswith("#"):
                raise SeparatorError("invalid Yaml document separator: %s" % rest)
            if buf:
                yield "".join(buf)
                buf = []
                continue
        buf.append(line)
    if buf:
        yield "".join(buf)


def file_lines(fh):
    """The lines of a text file opened with newline="\\n" (no translation, so a lone "\\r" stays in its
    line, as bufio keeps it), as `_lines` gives a text's."""
    for line in fh:
        if line.endswith("\n"):
            yield line[:-2] + "\n" if line.endswith("\r\n") else line
        else:
            yield line + "\n"
