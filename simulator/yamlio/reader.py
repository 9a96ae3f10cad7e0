"""Multi-document streams cut the way kubectl and istioctl cut them (k8s.io/apimachinery's YAMLReader):
a line that starts with `---` ends a document, whatever YAML would make of it, and empty documents are
dropped.  istioctl kube-inject prints a document it does not inject as exactly this text."""

__all__ = ["SeparatorError", "split_documents"]


class SeparatorError(ValueError):
    """A `---` line followed by something other than a comment (the reader's own error)."""


def split_documents(text):
    """The documents of `text` as raw strings, each with its line breaks (lines are split at "\\n"
    only, as Go's line reader does)."""
    docs = []
    buf = []
    start = 0
    size = len(text)
    while start < size:
        end = text.find("\n", start)
        end = size if end == -1 else end + 1
        line = text[start:end]
        start = end
        if line.startswith("---"):
            rest = line[3:].strip()
            if rest and not rest.startswith("#"):
                raise SeparatorError("invalid Yaml document separator: %s" % rest)
            if buf:
                docs.append("".join(buf))
                buf = []
            continue
        buf.append(line)
    if buf:
        docs.append("".join(buf))
    return docs
