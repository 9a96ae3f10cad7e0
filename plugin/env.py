"""The process's surroundings, gathered once in `main` and replaced in tests (as httpie does)."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import IO, Mapping


@dataclass
class Environment:
    stdin: IO = field(default_factory=lambda: sys.stdin)
    stdout: IO = field(default_factory=lambda: sys.stdout)
    stderr: IO = field(default_factory=lambda: sys.stderr)
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    stdout_isatty: bool = field(default_factory=lambda: sys.stdout.isatty())

    @property
    def colour(self) -> bool:
        """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
        return self.stdout_isatty and not self.environ.get("NO_COLOR") and self.environ.get("TERM") != "dumb"
