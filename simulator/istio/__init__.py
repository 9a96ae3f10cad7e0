"""Istio-specific pieces on top of the generic engine: template data and the injector's function map."""
