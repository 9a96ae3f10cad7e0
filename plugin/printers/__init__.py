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


def open_printer(fmt: str, env, options):
    """A printer taking the items in pieces: `write(items)` for each piece of the input, then `close()`.
    json, text, patch and pod write each piece as it comes (a streamed run's output never waits for, nor holds,
    all of its items); the other formats print everything at `close`."""
    if fmt in STREAMING:
        module, name = STREAMING[fmt]
        return getattr(importlib.import_module("." + module, __package__), name)(env, options)
    return Collected(printers()[fmt], env, options)


STREAMING = {"json": ("structured", "JsonStream"), "text": ("text", "TextStream"),
             "patch": ("structured", "PatchStream"), "pod": ("structured", "PodStream")}


class Collected:
    """A whole-output printer behind the piecewise interface."""

    def __init__(self, printer: Callable, env, options):
        self.printer, self.env, self.options, self.items = printer, env, options, []

    def write(self, items) -> None:
        self.items.extend(items)

    def close(self) -> None:
        self.printer(self.items, self.env, self.options)
