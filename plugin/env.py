"""The process's surroundings, gathered once in `main` and replaced in tests (as httpie does)."""
from __future__ import annotations

import os
import sys
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Mapping, Optional

from simulator.records import Record


class OutputError(Exception):
    """Standard output cannot be written (closed, a full disk, an I/O error); str() says why."""


class _Output:
    """The process's stdout as the printers write to it: a failed write is an OutputError (main reports it
    in one line and exits 2), a closed stdout (`>&-`) fails at the first write."""

    def __init__(self, stream: Optional[IO]):
        self._stream = stream

    def write(self, text: str) -> int:
        if self._stream is None:
            raise OutputError("standard output is closed")
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as e:
            raise OutputError(e.strerror if isinstance(e, OSError) and e.strerror else str(e)) from None

    def flush(self) -> None:
        if self._stream is not None:
            self.write("")
            try:
                self._stream.flush()
            except BrokenPipeError:
                raise
            except (OSError, ValueError) as e:
                raise OutputError(e.strerror if isinstance(e, OSError) and e.strerror else str(e)) from None

    def isatty(self) -> bool:
        return self._stream is not None and self._stream.isatty()


class _Discard:
    """A closed stderr (`2>&-`): nothing can be reported, so nothing is."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _utf8(stream: Optional[IO], errors: str) -> Optional[IO]:
    """Like kubectl, write UTF-8 whatever the locale (PYTHONIOENCODING=latin-1, LANG=C): `-o pod` is
    istioctl's bytes, and no character of the input can fail to encode."""
    if stream is not None and hasattr(stream, "reconfigure"):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "").replace("_", "")
        if encoding != "utf8" or getattr(stream, "errors", errors) != errors:
            try:
                stream.reconfigure(encoding="utf-8", errors=errors)
            except (OSError, ValueError):
                pass
    return stream


class Environment(Record):
    _fields = ("stdin", "stdout", "stderr", "environ", "stdout_isatty")

    def __init__(self, stdin: Optional[IO] = None, stdout: Optional[IO] = None, stderr: Optional[IO] = None,
                 environ: Optional[Mapping[str, str]] = None, stdout_isatty: Optional[bool] = None):
        self.stdin = stdin if stdin is not None else sys.stdin
        self.stdout = stdout if stdout is not None else _Output(_utf8(sys.stdout, "strict"))
        self.stderr = stderr if stderr is not None else (_utf8(sys.stderr, "backslashreplace") or _Discard())
        self.environ = environ if environ is not None else dict(os.environ)
        self.stdout_isatty = stdout_isatty if stdout_isatty is not None else self.stdout.isatty()

    @property
    def colour(self) -> bool:
        """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
        return self.stdout_isatty and not self.environ.get("NO_COLOR") and self.environ.get("TERM") != "dumb"
