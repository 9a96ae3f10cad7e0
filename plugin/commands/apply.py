"""`kubectl inject apply`: predict each object against the live state, apply it for real, and check that the
cluster's admission chain did what was predicted.

How, and why so:
- Server-side apply, field manager `kubectl-inject` (`kubectl apply --server-side` without --force-conflicts):
  the server merges, one request per object, and a field another manager owns is a reported conflict rather
  than silently taken. Reported as kubectl's client-side apply words it: `created` (the GET before found
  nothing), `configured` (the resourceVersion changed), `unchanged` (it did not).
- Nothing is deleted, the input files are only read. Order: the input's Namespaces first, then the objects that
  make no pods, then the pods and workloads, in input order within each group; the live state is read after
  the first two groups (for a server dry run, their dry-run answers stand in for them), so the prediction sees
  the namespaces and ServiceAccounts the input brings.
- Partial application, as kubectl's: each object is applied on its own; one refused (validation, admission,
  RBAC, conflict) is reported, exit 2, and the others still go through. No `--atomic`: the API has no
  multi-object transaction, and a dry-run pre-flight cannot check objects in a namespace the same input
  creates; `--dry-run=server` first is the pre-flight a user can run.
- Observation (plugin/workloads/observe.py): a Pod is the pod the server stored; a workload whose template
  changed, the first pod its controller creates (one watch of Events, up to --wait); a workload whose template
  did not change, a CronJob, `--wait 0`, or `--dry-run=server`: a Pod built from the stored pod template, sent
  with dryRun=All (a workload's own dry run never calls the pod webhooks). The comparison
  (plugin/workloads/compare.py) is made against the prediction for the pod as its controller submitted it.
- No prediction (e.g. the namespace is one RBAC does not let the user read, and its labels decide) does not
  stop the apply: the reason is one error, the object is still applied and observed (exit 2).
- Exit 0: every prediction agreed; 3: one disagreed; 2: bad input, or an API error (naming object and verb),
  which wins over 3 since the run is then incomplete.
Requests beyond what `kubectl apply --server-side` sends (a GET and a PATCH per object): the live state's lists
(one per kind), per namespace with workloads one list of one Event, per workload one watch of Events and one
GET of its pod, and per pod-bearing object one dryRun=All Pod create for the patch check (`-v 6` counts them).
"""
from __future__ import annotations

import argparse
TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..env import Environment

from ..exitcodes import ExitStatus

HELP = "apply objects for real (server-side apply) and check the pods the cluster made against the prediction"
EXAMPLES = """examples:
  kubectl inject apply -f httpbin.yaml -n mesh                   # apply, wait for the first pod, compare
  kubectl inject apply -f k8s/ --dry-run=server                  # the real webhooks answer; nothing is stored
  kubectl inject apply -f app.yaml -o json --report ./bug-12     # the snapshot, both pods and the diff, to file
"""
FIELD_MANAGER = "kubectl-inject"
OUTPUTS = ("text", "json")
DISAGREES = 3
DEFAULT_WAIT = "60s"


def add_parser(sub, formatter_class) -> argparse.ArgumentParser:
    from ..kube.flags import add_connection_flags

    p = sub.add_parser("apply", formatter_class=formatter_class, help=HELP, epilog=EXAMPLES,
                       description="Predict each object's pods against the live cluster, apply the objects "
                                   "(server-side apply, field manager\nkubectl-inject; nothing is deleted), and compare "
                                   "the pod the real admission chain stored with the prediction.")
    p.add_argument("-f", "--filename", action="append", default=[], metavar="PATH",
                   help="file, directory or - for stdin (repeatable)")
    p.add_argument("-R", "--recursive", action="store_true", help="read the directories given with -f recursively")
    p.add_argument("-n", "--namespace", help="namespace of the objects that name none (default: the context's)")
    p.add_argument("--dry-run", dest="dry_run", nargs="?", const="server", default="none", metavar="server",
                   help="server: send every object (and a Pod from each pod template) with dryRun=All; nothing is "
                        "stored, the real webhooks answer")
    p.add_argument("--wait", default=DEFAULT_WAIT, metavar="DURATION",
                   help="how long to wait for a workload's first pod (default 60s; 0: check a dry-run Pod instead)")
    p.add_argument("-o", "--output", choices=OUTPUTS, default="text", help="output format (default: text)")
    p.add_argument("--report", metavar="DIR", help="write the cluster-state snapshot, the predicted and observed "
                                                   "pods and the differences to DIR, for a bug report")
    add_connection_flags(p, state_file_flag=False)
    return p


def run(args, env: Environment) -> int:
    from ..kube.kubeconfig import KubeconfigError, parse_request_timeout

    if not args.filename:
        return _fail(env, "apply needs -f FILE (a file, a directory or - for stdin)")
    if args.dry_run not in ("none", "server"):
        return _fail(env, f"--dry-run={args.dry_run}: apply's dry run is --dry-run=server (the real webhooks answer); "
                          "for a prediction alone: kubectl inject explain -f FILE")
    try:
        wait = parse_request_timeout(args.wait) or 0.0
    except KubeconfigError:
        return _fail(env, f"invalid --wait {args.wait!r}: a duration such as 30s, 2m or 1m30s (0: do not wait)")
    if args.report and _not_a_directory(args.report):
        return _fail(env, f"--report {args.report}: exists and is not a directory")
    from ..inputs import read_sources
    from ..printers.progress import for_env
    from ..state.choice import open_live

    progress = for_env(env)      # on a terminal's stderr only: the wait for each workload's first pod
    env = progress.attach(env)   # what is written (-v 6's requests too) erases the line first
    opened = open_live(args, env, "apply")
    if isinstance(opened, int):
        return opened
    choice, client = opened
    loaded = read_sources(args.filename, env.stdin, recursive=args.recursive)
    status = ExitStatus.OK
    for p in loaded.problems:
        env.stderr.write(f"error: {p}\n")
        status = ExitStatus.ERROR
    if not loaded.documents and not loaded.problems:
        return _fail(env, "no objects found in the input")
    from ..workloads.applying import Applier

    applier = Applier(client, choice.connection, env, args.dry_run == "server", wait, args.namespace,
                      FIELD_MANAGER, text=args.output == "text")
    applier.progress = progress
    items = applier.run(loaded.documents)
    status = max(status, applier.status)
    if args.output == "json":
        from ..printers.jsonout import dumps

        env.stdout.write(dumps({"items": items}) + "\n")
    if args.report:
        problem = applier.write_report(args.report, items)
        if problem:
            env.stderr.write(f"error: --report {args.report}: {problem}\n")
            status = ExitStatus.ERROR
        else:
            env.stderr.write(f"wrote the report to {args.report}\n")
    if args.verbosity >= 6:
        watches = sum(1 for verb, *_ in client.calls if verb == "watch")
        env.stderr.write(f"I {len(client.calls)} API requests ({client.list_calls()} lists, {watches} watches)\n")
    if status == ExitStatus.OK and any(i.get("agrees") is False for i in items):
        return DISAGREES
    return status


def _not_a_directory(path: str) -> bool:
    import os

    return os.path.exists(path) and not os.path.isdir(path)


def _fail(env: Environment, message: str) -> int:
    env.stderr.write(f"error: {message}\n")
    return ExitStatus.ERROR
