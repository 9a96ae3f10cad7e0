"""Output formats: name -> printer. Each printer takes the explained items and writes them."""
from __future__ import annotations

import importlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Dict


def printers() -> Dict[str, Callable]:
    return {"text": _lazy("text", "print_items"), "json": _lazy("structured", "print_json"),
            "yaml": _lazy("structured", "print_yaml"), "patch": _lazy("structured", "print_patch"),
            "pod": _lazy("structured", "print_pods"), "html": _lazy("htmlpage", "print_html"),
            "svg": _lazy("svgpipeline", "print_svg")}


def _lazy(module: str, name: str) -> Callable:
    """The printer `name` of `module`, imported when it prints: a run loads only its own format's module."""
    def printer(items, env, options) -> None:
        getattr(importlib.import_module("." + module, __package__), name)(items, env, options)
    return printer


#: `kube-inject` is written by its own path (plugin/printers/manual.py): it prints files, not explained items.
FORMATS = ("html", "json", "kube-inject", "patch", "pod", "svg", "text", "yaml")
