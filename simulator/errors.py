"""Errors the engine raises, each carrying where the bad input came from.

The plugin turns these into one-line messages (file, document, field, line); the engine itself never
formats for humans beyond the message text, so the location travels as data in `SourcePos`.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

from .records import FrozenRecord


class SourcePos(FrozenRecord):
    """A place in user input. `field` is a dotted/indexed path inside the object, e.g.
    `webhooks[2].namespaceSelector.matchExpressions[0].operator`; `line` is 1-based when known."""

    _fields = ("field", "line", "column", "name")

    def __init__(self, field: str = "", line: Optional[int] = None, column: Optional[int] = None,
                 name: Optional[str] = None):
        self.field = field
        self.line = line
        self.column = column
        self.name = name  # e.g. "template sidecar", "MutatingWebhookConfiguration/istio-sidecar-injector"

    def at(self, field: str) -> "SourcePos":
        joined = field if not self.field else (self.field + field if field.startswith("[") else f"{self.field}.{field}")
        return SourcePos(field=joined, line=self.line, column=self.column, name=self.name)


class SimulatorError(Exception):
    """Base class: `message` holds no location prefix; `pos` and `subject` say where."""

    kind = "error"

    def __init__(self, message: str, *, pos: Optional[SourcePos] = None, subject: Optional[str] = None):
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.subject = subject

    def __str__(self) -> str:
        where = []
        if self.subject:
            where.append(self.subject)
        if self.pos and self.pos.field:
            where.append(self.pos.field)
        prefix = ": ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class InputError(SimulatorError):
    """The object the user wants explained is not something admission could receive."""

    kind = "input"


class ConfigError(SimulatorError):
    """Cluster state (a webhook configuration, an injector ConfigMap) is malformed."""

    kind = "config"


class SelectorError(ConfigError):
    """A label selector that kube-apiserver or Istio would fail to parse."""

    kind = "selector"


class TemplateRenderError(SimulatorError):
    """An injection template failed to parse or execute: Istio rejects the pod in that case."""

    kind = "template"


class MergeError(SimulatorError):
    kind = "merge"
