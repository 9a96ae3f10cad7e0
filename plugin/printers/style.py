"""Colour, applied only at the last step and only when the environment allows it."""
from __future__ import annotations


class Style:
    def __init__(self, enabled: bool):
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text

    def bold(self, t: str) -> str:
        return self._wrap("1", t)

    def dim(self, t: str) -> str:
        return self._wrap("2", t)

    def red(self, t: str) -> str:
        return self._wrap("31", t)

    def green(self, t: str) -> str:
        return self._wrap("32", t)

    def yellow(self, t: str) -> str:
        return self._wrap("33", t)


def clean(text: str) -> str:
    """Never echo raw escapes or carriage returns from labels and annotations to a terminal (line breaks and
    tabs are harmless, and words.one_line folds them where a message must be one line)."""
    return "".join(ch if ch.isprintable() or ch == "\n" or ch == "\t" else repr(ch)[1:-1] for ch in text)
