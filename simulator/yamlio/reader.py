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

__all__ = ["SeparatorError", "split_documents"]


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
    buf = []
    for line in _lines(text):
        if line.startswith("---"):
            rest = line[3:].strip()
            if rest and not rest.startswith("#"):
                raise SeparatorError("invalid Yaml document separator: %s" % rest, docs)
            if buf:
                docs.append("".join(buf))
                buf = []
                continue
        buf.append(line)
    if buf:
        docs.append("".join(buf))
    return docs
