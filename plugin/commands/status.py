"""`kubectl inject status`: every workload's pods against what a pod created now would get, with findings.

One row per workload (pods grouped by their top-level controller): pods, sidecars present/expected,
revision, proxy version, and the findings (needs-restart, sidecar-not-expected, stale-proxy,
revision-mismatch, no-sidecar-strict-mtls, injection-failing), each with its pods and the fixing command.
`istioctl x injector list` + IST0103/IST0158 + check-inject in one view, compared against the full
prediction (webhook selection, policy, templates) rather than a label check. A constant number of list
calls, whatever the number of pods (`-v 6` shows them).
"""
from __future__ import annotations

import argparse
TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..env import Environment

from ..exitcodes import ExitStatus

HELP = "compare what runs with what a pod created now would get: needs-restart, stale-proxy, STRICT mTLS, …"
EXAMPLES = """examples:
  kubectl inject status                         # the context's namespace
  kubectl inject status -A -o wide              # every namespace, with the expected revision and image
  kubectl inject status -n shop -l app=web -o json
  kubectl inject status -A --exit-code          # exit 1 when any workload has a finding (CI, cron)
  kubectl inject status -n shop --finding needs-restart -o name | xargs kubectl rollout restart -n shop
"""
OUTPUTS = ("table", "wide", "name", "json", "yaml")
FINDINGS = ("needs-restart", "sidecar-not-expected", "stale-proxy", "revision-mismatch", "no-sidecar-strict-mtls",
            "injection-failing")


def add_parser(sub, formatter_class) -> argparse.ArgumentParser:
    from ..kube.flags import add_connection_flags, add_scope_flags

    p = sub.add_parser("status", formatter_class=formatter_class, help=HELP, epilog=EXAMPLES,
                       description="One row per workload: its pods, sidecars present/expected, revision and proxy "
                                   "version, and what differs from a pod\ncreated now (the full injection prediction), "
                                   "with the command that fixes it.")
    add_scope_flags(p, "the namespace (default: the context's)")
    p.add_argument("-l", "--selector", metavar="SELECTOR", help="only pods with these labels (as kubectl -l)")
    p.add_argument("-o", "--output", choices=OUTPUTS, default="table", help="output format (default: table)")
    p.add_argument("--finding", action="append", choices=FINDINGS, metavar="CODE",
                   help="only workloads with this finding (repeatable: any of them): " + ", ".join(FINDINGS))
    p.add_argument("--no-headers", action="store_true", help="table and wide: print no header line (as kubectl)")
    p.add_argument("--exit-code", action="store_true", help="exit 1 when any (listed) workload has a finding")
    p.add_argument("--no-color", action="store_true", help=argparse.SUPPRESS)
    add_connection_flags(p, state_file_flag=False)
    return p


def run(args, env: Environment) -> int:
    from ..printers.progress import for_env
    from ..state.choice import open_live

    progress = for_env(env)          # on a terminal's stderr only: listing pages, grouping, predicting
    env = progress.attach(env)       # what is written (-v 6's requests too) erases the line first
    opened = open_live(args, env, "status")
    return opened if isinstance(opened, int) else _report(args, env, *opened, progress)


def _report(args, env: Environment, choice, client, progress) -> int:
    from ..kube.client import LiveError
    from ..state.choice import warn_refusals
    from ..workloads.assess import assess

    namespaces = None if args.all_namespaces else [choice.connection.namespace]
    client.on_page = lambda resource, count: progress.show(f"listing {resource.plural}: {count:,}")
    try:
        result = assess(client, namespaces, args.selector, env.environ, progress=progress)
    except LiveError as e:
        return _fail(env, str(e))
    finally:
        progress.clear()
    warn_refusals(env, _Refusals(result.unknown), choice.connection)
    if args.finding:
        result.rows = [r for r in result.rows if any(f["code"] in args.finding for f in r.findings)]
    from ..printers.status import print_status

    print_status(result, env, args.output, namespaces, headers=not args.no_headers)
    if args.verbosity >= 6:
        env.stderr.write(f"I {len(client.calls)} API requests ({client.list_calls()} lists) for "
                         f"{sum(len(r.pods) for r in result.rows)} pods in {len(result.rows)} workloads\n")
    if args.exit_code and any(r.findings for r in result.rows):
        return ExitStatus.NOT_INJECTED
    return ExitStatus.OK


class _Refusals:
    def __init__(self, refusals):
        self.refusals = refusals


def _fail(env: Environment, message: str) -> int:
    env.stderr.write(f"error: {message}\n")
    return ExitStatus.ERROR
