"""`kubectl inject lab`: the seed lab's scenarios, on a real cluster or offline, for workshops.

Live, each scenario gets its own namespace `inject-lab-ID` (created with the lab's ownership label, deleted at
the end unless --keep; a namespace of that name without the label is refused), runs the commands a learner
would type — kubectl itself and this plugin — and checks what came of each step. `--offline` walks the same
scenarios with explain's what-ifs only, saying that nothing runs. Exit 0 when every check held, 1 when the
cluster did something else than the lab expects, 2 when the lab could not go on.
"""
from __future__ import annotations

import argparse
TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..env import Environment

from ..exitcodes import ExitStatus

HELP = "a guided lab of the classic injection scenarios, on a real cluster (or --offline)"
DESCRIPTION = ("Walk the classic sidecar-injection scenarios step by step: each step prints the command a learner "
               "would type,\nruns it, and shows what the plugin explains about the result. Each scenario runs in its "
               "own namespace\ninject-lab-ID, deleted afterwards; the lab changes nothing else (injector changes "
               "are what-ifs).")
EXAMPLES = """examples:
  kubectl inject lab --list                     # the scenarios
  kubectl inject lab 2 --context kind-workshop  # label the namespace, then restart: on a kind cluster
  kubectl inject lab --yes                      # all six, without pausing
  kubectl inject lab mistakes --offline         # no cluster: explain's what-ifs only
  kubectl inject lab 1 --keep                   # leave namespace inject-lab-unlabelled and the files
"""


def add_parser(sub, formatter_class) -> argparse.ArgumentParser:
    from ..kube.flags import add_connection_flags

    p = sub.add_parser("lab", formatter_class=formatter_class, help=HELP, epilog=EXAMPLES, description=DESCRIPTION)
    p.add_argument("scenario", nargs="?", metavar="SCENARIO", help="a scenario's number or id (default: all, in order)")
    p.add_argument("--list", action="store_true", help="name the scenarios and exit")
    p.add_argument("--yes", "-y", action="store_true",
                   help="do not pause between steps (the default when stdin is not a terminal)")
    p.add_argument("--keep", action="store_true", help="leave the lab's namespace and files afterwards")
    p.add_argument("--node-name", metavar="NODE",
                   help="put the lab's pods on this node (clusters without a scheduler, e.g. kwok); "
                        "the manifests then show spec.nodeName")
    p.add_argument("--no-color", action="store_true", help=argparse.SUPPRESS)
    add_connection_flags(p, state_file_flag=False)
    return p


def run(args, env: Environment) -> int:
    from ..lab.scenarios import SCENARIOS, find

    if args.no_color:
        env = env.replace(environ=dict(env.environ, NO_COLOR="1"))
    if args.list:
        return _list(env, SCENARIOS)
    if args.scenario is not None:
        try:
            chosen = [find(args.scenario)]
        except KeyError:
            names = ", ".join(f"{s['number']} ({s['id']})" for s in SCENARIOS)
            return _fail(env, f"SCENARIO {args.scenario!r}: no such scenario; there are {names}")
    else:
        chosen = list(SCENARIOS)
    lab = _open(args, env)
    if isinstance(lab, int):
        return lab
    from ..lab.runner import LabError

    if lab.live:
        env.stdout.write(f"Lab on {lab.describe}: each scenario runs in its own namespace inject-lab-ID, created and "
                         f"deleted by the lab{' (kept: --keep)' if lab.keep else ''}; nothing else is changed.\n")
    else:
        env.stdout.write("OFFLINE — nothing is running: no cluster is contacted, kubectl commands are shown but not "
                         "run, and every explanation is explain's what-if against the embedded default cluster.\n")
    if not args.yes and not lab.interactive:
        env.stdout.write("(stdin is not a terminal: not pausing between steps, as with --yes)\n")
    env.stdout.write("\n")
    try:
        for scenario in chosen:
            if lab.quit:
                break
            lab.run_scenario(scenario, f"{scenario['number']}/{len(SCENARIOS)}")
    except LabError as e:
        return _fail(env, str(e))
    if lab.failures:
        env.stdout.write(f"{len(lab.failures)} of {lab.checks} checks did not hold:\n")
        for f in lab.failures:
            env.stdout.write(f"  ✗ {f}\n")
        return ExitStatus.NOT_INJECTED
    env.stdout.write(f"All {lab.checks} checks held{' (offline: explain what-ifs only)' if not lab.live else ''}.\n")
    return ExitStatus.OK


def _open(args, env: Environment):
    """The Lab, live (a cluster and kubectl are needed) or offline; or the exit status after one line."""
    from ..lab.runner import Lab

    if args.offline:
        if args.node_name:
            return _fail(env, "--node-name places pods on a cluster's node; --offline runs no pods")
        return Lab(env, args, live=False)
    import shutil

    from ..kube.kubeconfig import KubeconfigError
    from ..state.choice import LIVE, choose

    try:
        choice = choose(args, env.environ)
    except KubeconfigError as e:
        return _fail(env, str(e))
    if choice.mode != LIVE:
        return _fail(env, f"the lab runs on a live cluster, and there is none: {choice.note.split(': using')[0]} "
                          "(--offline walks the scenarios without one)")
    kubectl = shutil.which("kubectl", path=env.environ.get("PATH"))
    if kubectl is None:
        return _fail(env, "the lab runs kubectl, which is not on PATH (--offline walks the scenarios without a cluster)")
    return Lab(env, args, live=True, kubectl=kubectl, describe=choice.connection.describe(), node_name=args.node_name)


def _list(env: Environment, scenarios) -> int:
    width = max(len(s["id"]) for s in scenarios)
    for s in scenarios:
        env.stdout.write(f"{s['number']}  {s['id']:<{width}}  {s['title']}\n{'':>{width + 5}}{s['teaches']}\n")
    return ExitStatus.OK


def _fail(env: Environment, message: str) -> int:
    env.stderr.write(f"error: {message}\n")
    return ExitStatus.ERROR
