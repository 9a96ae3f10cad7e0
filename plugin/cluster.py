"""Building the simulator's `ClusterState`: the embedded default, snapshot files, `--ns-label` edits.

For each kind that the given state contains, its objects replace all of the default's objects of
that kind; kinds it lacks come from the default, and `origins` records which is which so the
explanation can say so.
"""
from __future__ import annotations

import os
from typing import Dict, List, Optional, Tuple

from simulator.cluster import ClusterState

from .inputs import Document, InputProblem, Loaded, read_sources

DATA_DIR = os.path.join(os.path.dirname(__file__), "data")
DEFAULT_CLUSTER = os.path.join(DATA_DIR, "default-cluster.yaml")
TEMPLATES_FROM = "kubectl-inject.io/templates-from"
STATE_KINDS = ("Namespace", "MutatingWebhookConfiguration", "ConfigMap", "Node",
               "ServiceAccount", "LimitRange", "PriorityClass", "RuntimeClass")
EMBEDDED = "embedded default"


def _attach_templates(cm: dict) -> None:
    """The embedded injector keeps its templates in files beside it, readable on their own."""
    spec = ((cm.get("metadata") or {}).get("annotations") or {}).get(TEMPLATES_FROM)
    if not spec:
        return
    import yaml

    data = cm.setdefault("data", {})
    config = yaml.safe_load(data.get("config") or "") or {}
    templates = config.setdefault("templates", {})
    for pair in spec.split(","):
        name, _, file = pair.partition("=")
        with open(os.path.join(DATA_DIR, file.strip()), encoding="utf-8") as fh:
            templates[name.strip()] = fh.read()
    data["config"] = yaml.safe_dump(config, sort_keys=False)


def load_default() -> List[Document]:
    loaded = read_sources([DEFAULT_CLUSTER])
    for doc in loaded.documents:
        if doc.obj.get("kind") == "ConfigMap":
            _attach_templates(doc.obj)
    return loaded.documents


def build_state(documents: List[Document], origin: str) -> Tuple[ClusterState, Dict[Tuple[str, str, str], Document]]:
    state = ClusterState()
    index: Dict[Tuple[str, str, str], Document] = {}
    for doc in documents:
        obj = doc.obj
        kind = obj.get("kind")
        meta = obj.get("metadata") or {}
        name, ns = meta.get("name", ""), meta.get("namespace", "")
        index[(kind, ns, name)] = doc
        if kind == "Namespace":
            state.namespaces[name] = obj
        elif kind == "MutatingWebhookConfiguration":
            state.webhook_configurations.append(obj)
        elif kind == "ConfigMap":
            state.configmaps[(ns, name)] = obj
        elif kind == "Node":
            state.nodes.append(obj)
        elif kind in STATE_KINDS:
            state.others.setdefault(kind, []).append(obj)
    return state, index


def load_cluster_state(paths: List[str], stdin=None) -> Tuple[ClusterState, Dict, List[InputProblem], Loaded]:
    """Merge snapshot files over the embedded default, kind by kind."""
    default_docs = load_default()
    loaded = read_sources(paths, stdin) if paths else Loaded()
    given_kinds = {d.obj.get("kind") for d in loaded.documents if d.obj.get("kind") in STATE_KINDS}
    docs = [d for d in default_docs if d.obj.get("kind") not in given_kinds] + \
           [d for d in loaded.documents if d.obj.get("kind") in STATE_KINDS]
    state, index = build_state(docs, "")
    default_kinds = {d.obj.get("kind") for d in default_docs}
    for kind in STATE_KINDS:
        if kind in given_kinds:
            state.origins[kind] = ", ".join(sorted({d.file for d in loaded.documents if d.obj.get("kind") == kind}))
        elif kind in default_kinds:
            state.origins[kind] = EMBEDDED
    return state, index, loaded.problems, loaded


def parse_ns_labels(specs: List[str]) -> Dict[str, Optional[str]]:
    """`k=v` sets a label, `k-` removes it (as `kubectl label` does)."""
    out: Dict[str, Optional[str]] = {}
    for spec in specs:
        if spec.endswith("-") and "=" not in spec:
            out[spec[:-1]] = None
        elif "=" in spec:
            k, _, v = spec.partition("=")
            out[k] = v
        else:
            raise ValueError(f"--ns-label {spec!r}: expected key=value or key-")
    return out
