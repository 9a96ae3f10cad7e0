"""Building the simulator's `ClusterState`: the embedded default, snapshot files, `--ns-label` edits.

For each kind that the given state contains, its objects replace all of the default's objects of
that kind; kinds it lacks come from the default, and `origins` records which is which so the
explanation can say so.  A ClusterState never changes: each step here (the files, --istio-release,
--inject-config) returns a new one.
"""
from __future__ import annotations

import os
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Tuple

from simulator.state import ClusterState

from ..inputs import Document, InputProblem, Loaded, read_sources

DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")  # plugin/data
DEFAULT_CLUSTER = os.path.join(DATA_DIR, "default-cluster.yaml")
TEMPLATES_FROM = "kubectl-inject.io/templates-from"
STATE_KINDS = ("Namespace", "MutatingWebhookConfiguration", "ConfigMap", "Node",
               "ServiceAccount", "LimitRange", "PriorityClass", "RuntimeClass", "PeerAuthentication")
EMBEDDED = "embedded default"


def _attach_templates(cm: dict) -> None:
    """The embedded injector keeps its templates in files beside it, readable on their own; they are
    appended to its `config` as block scalars (no YAML round trip: this runs on every start)."""
    spec = ((cm.get("metadata") or {}).get("annotations") or {}).get(TEMPLATES_FROM)
    if not spec:
        return
    data = cm.setdefault("data", {})
    parts = [(data.get("config") or "").rstrip("\n"), "templates:"]
    for pair in spec.split(","):
        name, _, file = pair.partition("=")
        with open(os.path.join(DATA_DIR, file.strip()), encoding="utf-8") as fh:
            body = fh.read()
        parts.append(f"  {name.strip()}: |-")
        parts.extend(("    " + line) if line else "" for line in body.rstrip("\n").split("\n"))
    data["config"] = "\n".join(parts) + "\n"


def load_default() -> List[Document]:
    loaded = read_sources([DEFAULT_CLUSTER])
    for doc in loaded.documents:
        if doc.obj.get("kind") == "ConfigMap":
            _attach_templates(doc.obj)
    return loaded.documents


def build_state(documents: List[Document], origins: Optional[Dict[str, str]] = None
                ) -> Tuple[ClusterState, Dict[Tuple[str, str, str], Document]]:
    index: Dict[Tuple[str, str, str], Document] = {}
    for doc in documents:
        meta = doc.obj.get("metadata") or {}
        index[(doc.obj.get("kind"), meta.get("namespace", ""), meta.get("name", ""))] = doc
    return ClusterState.from_objects([d.obj for d in documents], origins), index


class StateLoadError(ValueError):
    """A --cluster-state source that did not load: the run stops (a result against the embedded default
    instead of the user's cluster would answer another question).  `lines`: one message per problem."""

    def __init__(self, lines: List[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


def _read_state_sources(paths: List[str], stdin=None) -> Loaded:
    """Every --cluster-state source read, or StateLoadError: a path that is missing, unreadable or not
    YAML, and one that holds no object at all (an empty directory or file, /dev/null), each fail the run."""
    loaded = Loaded()
    failures: List[str] = []
    for path in paths:
        one = read_sources([path], stdin)
        for problem in one.problems:
            text = str(problem)
            failures.append(f"--cluster-state {path}: " + (text[len(path) + 2:] if text.startswith(path + ": ") else text))
        if not one.problems and not one.documents and not one.lists:
            what = "an empty directory" if os.path.isdir(path) else "an empty file" if path != "-" else "empty input"
            failures.append(f"--cluster-state {path}: holds no Kubernetes objects ({what}): nothing to simulate "
                            "against; leave the flag out for the embedded default")
        loaded.documents.extend(one.documents)
        loaded.texts.update(one.texts)
        loaded.lists.extend(one.lists)
    if failures:
        raise StateLoadError(failures)
    return loaded


def load_cluster_state(paths: List[str], stdin=None) -> Tuple[ClusterState, Dict, List[InputProblem], Loaded]:
    """Merge snapshot files over the embedded default, kind by kind.  Raises StateLoadError when a source
    does not load (see _read_state_sources)."""
    default_docs = load_default()
    loaded = _read_state_sources(paths, stdin) if paths else Loaded()
    # A kind stays the user's even when every object of it is refused: the default's would answer for
    # another cluster.
    given_files: Dict[str, set] = {}
    for d in loaded.documents:
        if d.obj.get("kind") in STATE_KINDS:
            given_files.setdefault(d.obj.get("kind"), set()).add(d.file)
    given_kinds = set(given_files)
    _drop_unstorable(loaded)
    covered: Dict[str, str] = {}
    unknown: Dict[str, str] = {}
    if loaded.lists:      # a `kubectl inject snapshot` also covers the kinds it found empty or could not read
        from .snapshot import declared_kinds

        covered, unknown = declared_kinds(loaded.lists)
        given_kinds |= {k for k in covered if k in STATE_KINDS}
    docs = [d for d in default_docs if d.obj.get("kind") not in given_kinds] + \
           [d for d in loaded.documents if d.obj.get("kind") in STATE_KINDS]
    default_kinds = {d.obj.get("kind") for d in default_docs}
    origins: Dict[str, str] = {}
    for kind in STATE_KINDS:
        if kind in unknown:
            origins[kind] = unknown[kind]
        elif kind in given_kinds:
            files = given_files.get(kind) or {covered[kind]}
            origins[kind] = ", ".join(sorted(files))
        elif kind in default_kinds:
            origins[kind] = EMBEDDED
    state, index = build_state(docs, origins)
    return state, index, loaded.problems, loaded


def _drop_unstorable(loaded: Loaded) -> None:
    """Objects of the state kinds kube-apiserver would have refused to store (a name that is a list,
    labels that are not a mapping, a ConfigMap whose data is a number; a webhook configuration Go cannot
    decode) are reported and left out."""
    from simulator.state import webhook_configuration_problem

    from .applied import stored_problem

    for doc in [d for d in loaded.documents if d.obj.get("kind") in STATE_KINDS]:
        problem = (webhook_configuration_problem(doc.obj)        # Go's decode of the whole object first
                   if doc.obj.get("kind") == "MutatingWebhookConfiguration" else None)
        if problem is not None:
            loaded.problems.append(InputProblem(doc.file, problem, doc.index, doc.line))
            loaded.documents.remove(doc)
            continue
        found = stored_problem(doc.obj)
        if found is not None:
            field, message = found
            loaded.problems.append(InputProblem(doc.file, message, doc.index, doc.line, field))
            loaded.documents.remove(doc)


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


from .flagfiles import apply_config_files  # noqa: E402,F401  (where --inject-config & co. are read and checked)


def apply_release(state: ClusterState, directory: str, set_flags: List[str]) -> ClusterState:
    """`--istio-release DIR [--set ...]`: the injector and mesh ConfigMaps, and the webhook configurations,
    as the release's chart renders them (the webhooks replace the state's, kind by kind: with
    `--set revision=canary` the cluster has canary's webhooks and injector).  Returns the new state."""
    from .release import release_configmaps, release_webhooks

    if not os.path.isdir(directory):
        raise ValueError(f"--istio-release {directory}: not a directory")
    injector, mesh = release_configmaps(directory, set_flags)
    origin = f"--istio-release {directory}" + (f" --set {' --set '.join(set_flags)}" if set_flags else "")
    configmaps = {}
    for cm in (injector, mesh):
        if cm is not None:
            md = cm.get("metadata") or {}
            configmaps[(md.get("namespace", "istio-system"), md.get("name", ""))] = cm
    state = _with_configmaps(state, configmaps, origin)
    webhooks = release_webhooks(directory, set_flags)
    if webhooks is not None:
        state = state.with_kind("MutatingWebhookConfiguration", webhooks, origin=origin)
    return state


def _with_configmaps(state: ClusterState, configmaps: Dict[Tuple[str, str], dict], origin: str) -> ClusterState:
    """A new state with these ConfigMaps, under the keys given (where the command line puts them), and
    `origin` recorded for the kind."""
    return state.replace(configmaps={**state.configmaps, **configmaps}, origins={**state.origins, "ConfigMap": origin})
