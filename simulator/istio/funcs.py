"""Istio's template function map (`createInjectionFuncmap` in `pkg/kube/inject/template.go`).

First version: no Istio-specific functions yet beyond the Go builtins and sprig; real Istio
templates need the full map (issue 4).
"""
from __future__ import annotations

from typing import Any, Callable, Dict


def injection_funcs() -> Dict[str, Callable[..., Any]]:
    return {}
