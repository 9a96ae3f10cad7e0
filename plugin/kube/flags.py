"""kubectl's connection flags, which a plugin must parse itself (kubectl passes them through untouched),
plus `--offline` and `-v`. Every command that reads cluster state takes the same set."""
from __future__ import annotations

import argparse


def _verbosity(text: str) -> int:
    """kubectl's `-v=6` reaches argparse as `-v` with value `=6`."""
    try:
        return int(text.lstrip("="))
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid log level {text!r}: expected a number (6 and above print "
                                         "each API request)") from None


def add_connection_flags(parser: argparse.ArgumentParser, state_file_flag: bool = True) -> None:
    group = parser.add_argument_group("cluster (as kubectl: the current context of $KUBECONFIG or ~/.kube/config, "
                                      "else in-cluster; without any, the embedded default cluster)")
    group.add_argument("--kubeconfig", metavar="PATH", help="the kubeconfig file to use (instead of $KUBECONFIG)")
    group.add_argument("--context", metavar="NAME", help="the kubeconfig context to use")
    group.add_argument("--cluster", metavar="NAME", help="the kubeconfig cluster to use (instead of the context's)")
    group.add_argument("--user", metavar="NAME", help="the kubeconfig user to use (instead of the context's)")
    group.add_argument("--as", dest="as_user", metavar="USER", help="impersonate this user (as kubectl --as)")
    group.add_argument("--as-group", dest="as_group", action="append", default=[], metavar="GROUP",
                       help="impersonate this group too (repeatable; needs --as)")
    group.add_argument("--request-timeout", metavar="DURATION", default="0",
                       help="give up on each API request after this long (1s, 2m, 3h; 0: never, the default)")
    group.add_argument("--offline", action="store_true",
                       help="contact no cluster: use the embedded default cluster"
                            + (" (or only the --cluster-state files)" if state_file_flag else ""))
    group.add_argument("-v", "--v", dest="verbosity", type=_verbosity, default=0, metavar="LEVEL",
                       help="log level: 6 and above print each API request on stderr (as kubectl -v=6)")


def add_scope_flags(parser: argparse.ArgumentParser, namespace_help: str) -> None:
    """kubectl's -n NAMESPACE | -A (krew's best practices ask for both)."""
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("-n", "--namespace", help=namespace_help)
    scope.add_argument("-A", "--all-namespaces", action="store_true", help="every namespace")
