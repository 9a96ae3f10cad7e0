"""Exit codes, kubectl-style: 0 ok, 1 `--exit-code` found a pod that would not be injected, 2 bad input."""
from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    NOT_INJECTED = 1
    ERROR = 2
    CTRL_C = 130
