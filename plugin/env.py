"""The process's surroundings, gathered once in `main` and replaced in tests (as httpie does)."""
from __future__ import annotations

import os
import sys
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Mapping, Optional

from simulator.records import Record


class Environment(Record):
    _fields = ("stdin", "stdout", "stderr", "environ", "stdout_isatty")

    def __init__(self, stdin: Optional[IO] = None, stdout: Optional[IO] = None, stderr: Optional[IO] = None,
                 environ: Optional[Mapping[str, str]] = None, stdout_isatty: Optional[bool] = None):
        self.stdin = stdin if stdin is not None else sys.stdin
        self.stdout = stdout if stdout is not None else sys.stdout
        self.stderr = stderr if stderr is not None else sys.stderr
        self.environ = environ if environ is not None else dict(os.environ)
        self.stdout_isatty = stdout_isatty if stdout_isatty is not None else sys.stdout.isatty()

    @property
    def colour(self) -> bool:
        """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
        return self.stdout_isatty and not self.environ.get("NO_COLOR") and self.environ.get("TERM") != "dumb"
