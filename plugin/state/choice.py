"""Where a command's cluster state comes from, the same for every command:

1. `--cluster-state PATH…` → those files only (no cluster is contacted);
2. `--offline` → the embedded default cluster;
3. otherwise the live cluster kubectl would talk to (plugin/kube/kubeconfig.py: connection flags,
   $KUBECONFIG, ~/.kube/config, in-cluster);
4. and when nothing names one, the embedded default, with a note saying so (`Choice.note`).

Deciding costs no client import: the kubernetes package is loaded only once the choice is "live".
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping, Optional

    from ..kube.kubeconfig import Connection

from simulator.records import Record

FILES, OFFLINE, LIVE, DEFAULT = "files", "offline", "live", "default"


class Choice(Record):
    _fields = ("mode", "connection", "note")

    def __init__(self, mode: str, connection: Optional[Connection] = None, note: Optional[str] = None):
        self.mode = mode
        self.connection = connection
        self.note = note       # DEFAULT: why no live cluster was used, for the output's first line


def choose(args: Any, environ: Mapping[str, str]) -> Choice:
    """Raises KubeconfigError when the kubeconfig or the flags cannot be used (exit 2, one line)."""
    if getattr(args, "cluster_state", None):
        return Choice(FILES)
    if getattr(args, "offline", False):
        return Choice(OFFLINE)
    from ..kube.kubeconfig import NoCluster, resolve

    found = resolve(args, environ)
    if isinstance(found, NoCluster):
        return Choice(DEFAULT, note=f"{found.reason}: using the embedded default cluster "
                                    "(--offline to choose it; --kubeconfig/--context for a live cluster)")
    return Choice(LIVE, connection=found)


def open_client(choice: Choice, env: Any, verbosity: int = 0):
    """The client for a LIVE choice (raises LiveError, e.g. when the package is missing)."""
    from .. import __version__
    from ..kube.client import Client

    log = None
    if verbosity >= 6:
        def log(line: str) -> None:
            env.stderr.write(f"I {line}\n")
    return Client(choice.connection, log=log, user_agent=f"kubectl-inject/{__version__}")


def live_cluster_state(client, namespaces, peer_authentications: bool = False):
    """(ClusterState, index, LiveState) read from the cluster: built from the objects exactly as from a
    snapshot file holding them, so that live and snapshot explanations cannot differ."""
    from .live import read_state, state_documents
    from .sources import build_state

    live = read_state(client, namespaces, peer_authentications)
    state, index = build_state(state_documents(live), live.origins())
    return state, index, live


def load_live(args: Any, env: Any, choice: Choice, namespaces, peer_authentications: bool = False):
    """(state, index, problems, loaded) for a command, read live; or the exit status when the cluster cannot
    be read at all (one line on stderr: unreachable, no client package, credentials refused). Refused
    kinds are warnings: each names what was refused and what is therefore unknown."""
    from ..exitcodes import ExitStatus
    from ..inputs import Loaded
    from ..kube.client import LiveError

    try:
        client = open_client(choice, env, getattr(args, "verbosity", 0))
        state, index, live = live_cluster_state(client, namespaces, peer_authentications)
    except LiveError as e:
        env.stderr.write(f"error: {e}\n")
        return ExitStatus.ERROR
    warn_refusals(env, live, choice.connection)
    if getattr(args, "verbosity", 0) >= 6:
        env.stderr.write(f"I {len(client.calls)} API requests ({client.list_calls()} lists) to {choice.connection.describe()}\n")
    return state, index, [], Loaded(documents=list(index.values()))


def warn_refusals(env: Any, live, connection) -> None:
    """One line per refused read: what was refused, as RBAC names it, and what is therefore unknown."""
    for x in live.refusals:
        where = f" in namespace {x['namespace']}" if x.get("namespace") not in (None, "*") else (
            " in any namespace" if x.get("namespace") == "*" else "")
        env.stderr.write(f"warning: forbidden to {x['verb']} {x['resource']}{where} "
                         f"({connection.describe()}): {x['unknown']}\n")


def open_live(args: Any, env: Any, verb: str):
    """(choice, client) for a verb that only reads clusters (status, snapshot), or the exit status after one
    line saying why there is no cluster to read."""
    from ..exitcodes import ExitStatus
    from ..kube.client import LiveError
    from ..kube.kubeconfig import KubeconfigError

    try:
        choice = choose(args, env.environ)
        if choice.mode != LIVE:
            why = "--offline contacts no cluster" if getattr(args, "offline", False) else choice.note.split(": using")[0]
            raise KubeconfigError(f"{verb} reads a live cluster, and there is none: {why}")
        return choice, open_client(choice, env, getattr(args, "verbosity", 0))
    except (KubeconfigError, LiveError) as e:
        env.stderr.write(f"error: {e}\n")
        return ExitStatus.ERROR
