"""Output formats: name -> printer. Each printer takes the explained items and writes them."""
from __future__ import annotations

from typing import Callable, Dict


def printers() -> Dict[str, Callable]:
    from . import structured, text

    return {"text": text.print_items, "json": structured.print_json, "yaml": structured.print_yaml,
            "patch": structured.print_patch, "pod": structured.print_pods}


FORMATS = ("json", "patch", "pod", "text", "yaml")
