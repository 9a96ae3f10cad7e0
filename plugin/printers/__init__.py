"""Output formats: name -> printer. Each printer takes the explained items and writes them."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Dict


def printers() -> Dict[str, Callable]:
    return {"text": _text, "json": _structured("print_json"), "yaml": _structured("print_yaml"),
            "patch": _structured("print_patch"), "pod": _structured("print_pods")}


def _text(items, env, options) -> None:
    from . import text       # the text printer (words, colours) is only imported when it prints

    text.print_items(items, env, options)


def _structured(name: str) -> Callable:
    def printer(items, env, options) -> None:
        from . import structured

        getattr(structured, name)(items, env, options)
    return printer


FORMATS = ("json", "patch", "pod", "text", "yaml")
