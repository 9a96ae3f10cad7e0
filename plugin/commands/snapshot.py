"""`kubectl inject snapshot`: the cluster state explain needs, written as `kubectl get -o yaml` prints objects,
redacted, for offline repro and bug reports.

`kubectl inject explain -f X --cluster-state SNAPSHOT` then gives the same verdict, rule and patch as
`explain -f X` against the cluster did: the snapshot holds exactly the objects the live state was built
from, and says which kinds it covers (plugin/state/snapshot.py).
"""
from __future__ import annotations

import argparse
TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..env import Environment

from ..exitcodes import ExitStatus

HELP = "write the cluster state explain needs (redacted) to a file, for offline use and bug reports"
EXAMPLES = """examples:
  kubectl inject snapshot -n shop --file shop-state.yaml       # Namespaces, webhooks, injector, … for namespace shop
  kubectl inject snapshot -A -o json > cluster.json            # every namespace
  kubectl inject explain -f app.yaml -n shop --cluster-state shop-state.yaml   # later, anywhere: same answer
"""


def add_parser(sub, formatter_class) -> argparse.ArgumentParser:
    from ..kube.flags import add_connection_flags, add_scope_flags

    p = sub.add_parser("snapshot", formatter_class=formatter_class, help=HELP, epilog=EXAMPLES,
                       description="Read what explain needs from the cluster — Namespaces, MutatingWebhookConfigurations, "
                                   "the injector and mesh ConfigMaps,\nNodes' kubelet versions, ServiceAccounts and "
                                   "LimitRanges of the namespaces, PriorityClasses, RuntimeClasses,\nPeerAuthentications — "
                                   "and print it as one List (certificate bundles and last-applied copies redacted).")
    add_scope_flags(p, "the namespace whose pods the snapshot is for (default: the context's)")
    add_connection_flags(p, state_file_flag=False)
    p.add_argument("-o", "--output", choices=("yaml", "json"), default="yaml", help="output format (default: yaml)")
    p.add_argument("--file", metavar="PATH", help="write to PATH instead of standard output")
    return p


def run(args, env: Environment) -> int:
    from ..kube.client import LiveError
    from ..state.choice import open_live, warn_refusals
    from ..state.live import read_state

    opened = open_live(args, env, "snapshot")
    if isinstance(opened, int):
        return opened
    choice, client = opened

    connection = choice.connection
    try:
        live = read_state(client, None if args.all_namespaces else [connection.namespace], peer_authentications=True)
    except LiveError as e:
        return _fail(env, str(e))
    warn_refusals(env, live, connection)
    text = snapshot_text(live, connection, args.output)
    if args.file:
        try:
            with open(args.file, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as e:
            return _fail(env, f"--file {args.file}: {e.strerror or e}")
        env.stderr.write(f"wrote {len(live.objects)} objects ({', '.join(live.kinds)}) of {connection.describe()} "
                         f"to {args.file}\n")
    else:
        env.stdout.write(text)
    if args.verbosity >= 6:
        env.stderr.write(f"I {len(client.calls)} API requests ({client.list_calls()} lists)\n")
    return ExitStatus.OK


def snapshot_text(live, connection, output: str) -> str:
    """The snapshot of a LiveState as this command writes it (also `apply --report`'s cluster-state.yaml)."""
    from ..state.snapshot import snapshot_list, taken_now

    document = snapshot_list(live, connection.describe(), taken_now())
    if output == "json":
        import json

        return json.dumps(document, indent=4, sort_keys=True, ensure_ascii=False) + "\n"
    from simulator.yamlio.write import dump

    return dump(document)


def _fail(env: Environment, message: str) -> int:
    env.stderr.write(f"error: {message}\n")
    return ExitStatus.ERROR
