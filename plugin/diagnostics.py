"""Turning engine errors into one-line messages: file, document, field and line.

The engine reports a field path inside an object; this module finds the line by re-reading only
the document concerned, and only when there is an error to report.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Tuple

from simulator import ClusterState, EngineCache, injector_for, is_istio_injector
from simulator.errors import SimulatorError
from simulator.kube.labels import parse_selector
from simulator.errors import SelectorError, SourcePos

from .inputs import Document, Loaded, locate


def _line(doc: Document, loaded: Loaded, field: str):
    text = loaded.texts.get(doc.file)
    if text is None or not field:
        return doc.line
    first_index, first_line = loaded.offsets.get(doc.file, (0, 1))   # the text may be a piece of the file
    found = locate(text, doc.index - first_index, field, doc.item)
    return found + first_line - 1 if found else doc.line


def describe_error(doc: Document, e: SimulatorError, loaded: Loaded, prefix: str = "") -> str:
    field = e.pos.field if e.pos else ""
    line = _line(doc, loaded, field)
    where = f"{doc.file}: document {doc.index}" + (f", item {doc.item}" if doc.item is not None else "") + f", line {line}"
    fld = f": field {prefix}{field}" if field else ""
    return f"{where}{fld}: {e.message}"


def validate_state(state: ClusterState, index: Dict[Tuple[str, str, str], Document], loaded: Loaded,
                   cache: Optional[EngineCache] = None, checked: Tuple[Tuple[str, str], ...] = ()) -> List[str]:
    """Problems in the cluster state a user must hear about even when the simulation carries on
    with the real behaviour (apiserver rejecting, Istio skipping a selector).  The injector ConfigMaps
    parsed here are kept in `cache` for the explanations that follow; those `checked` (namespace, name)
    came from --inject-config, whose problems were reported against the file as it was read."""
    messages: List[str] = []
    for cfg in state.webhook_configurations:
        name = (cfg.get("metadata") or {}).get("name", "")
        doc = index.get(("MutatingWebhookConfiguration", "", name))
        for i, hook in enumerate(cfg.get("webhooks") or []):
            for key in ("namespaceSelector", "objectSelector"):
                raw = hook.get(key)
                if raw is None:
                    continue
                try:
                    parse_selector(raw, SourcePos(f"webhooks[{i}].{key}"))
                except SelectorError as e:
                    messages.append(_state_message(doc, e, loaded, "MutatingWebhookConfiguration", name))
    for ref in state.webhooks():
        if not is_istio_injector(ref):
            continue
        config, problem, _ = injector_for(state, ref, cache)
        if config is None and problem and "not found" not in problem:
            messages.append(_located(problem, ref, index, loaded))
        elif config is not None and (config.namespace, config.name) not in checked:
            doc = index.get(("ConfigMap", config.namespace, config.name))
            for entry in config.never_inject + config.always_inject:
                if entry.error:
                    where = (f"{doc.file}: document {doc.index}, line {_line(doc, loaded, 'data.config')}"
                             if doc is not None else f"ConfigMap {config.namespace}/{config.name}")
                    messages.append(f"{where}: field data.config: {entry.error} (Istio skips this selector)")
        if config is not None and config.mesh is not None:
            messages.extend(_mesh_problem(state, index, loaded, config, cache))
    return sorted(set(messages), key=messages.index)


def _located(problem: str, ref, index, loaded: Loaded) -> str:
    """An injector ConfigMap's problem ("ConfigMap NS/NAME: FIELD: message") told against the file and
    line it came from, when a --cluster-state file holds that ConfigMap."""
    from simulator.istio.revision import injector_configmap

    namespace, name, _ = injector_configmap(ref)
    prefix = f"ConfigMap {namespace}/{name}: "
    doc = index.get(("ConfigMap", namespace, name))
    if doc is None or not problem.startswith(prefix):
        return problem
    field, _, message = problem[len(prefix):].partition(": ")
    if not message:
        return problem
    return f"{doc.file}: document {doc.index}, line {_line(doc, loaded, field)}: field {field}: {message}"


def _state_message(doc, e: SimulatorError, loaded: Loaded, kind: str, name: str) -> str:
    if doc is None:
        return f"{kind} {name}: {e}"
    return describe_error(doc, e, loaded)


def _mesh_problem(state: ClusterState, index, loaded: Loaded, config, cache) -> List[str]:
    """A mesh ConfigMap istiod cannot read: it warns and uses its defaults (meshwatcher), so the pods are
    explained with those; the user hears it against the ConfigMap (or --mesh-config, which stops earlier)."""
    from simulator.errors import TemplateRenderError
    from simulator.istio.mesh import mesh_of
    from simulator.istio.revision import mesh_configmap_name

    try:
        mesh_of(config, config.release, cache if cache is not None else EngineCache())
        return []
    except TemplateRenderError as e:
        name = mesh_configmap_name(config.revision)
        doc = index.get(("ConfigMap", config.namespace, name))
        where = (f"{doc.file}: document {doc.index}, line {_line(doc, loaded, 'data.mesh')}" if doc is not None
                 else f"ConfigMap {config.namespace}/{name}")
        return [f"{where}: field data.mesh: {e.message} (istiod ignores a mesh config it cannot read and uses "
                "its defaults)"]
