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
    group.add_argument("-s", "--server", metavar="ADDRESS",
                       help="the API server's address (instead of the kubeconfig cluster's; works with no kubeconfig)")
    group.add_argument("--token", metavar="TOKEN", help="bearer token for the API server (instead of the user's)")
    group.add_argument("--certificate-authority", dest="certificate_authority", metavar="PATH",
                       help="CA certificate file to verify the server with (instead of the cluster's)")
    group.add_argument("--client-certificate", dest="client_certificate", metavar="PATH",
                       help="client certificate file for TLS (instead of the user's)")
    group.add_argument("--client-key", dest="client_key", metavar="PATH", help="client key file for TLS")
    _bool_flag(group, "--insecure-skip-tls-verify", "insecure_skip_tls_verify",
               "do not verify the server's certificate (insecure; not with --certificate-authority)")
    group.add_argument("--tls-server-name", dest="tls_server_name", metavar="NAME",
                       help="the server name to verify the server's certificate against (instead of its host)")
    group.add_argument("--as", dest="as_user", metavar="USER", help="impersonate this user (as kubectl --as)")
    group.add_argument("--as-group", dest="as_group", action="append", default=[], metavar="GROUP",
                       help="impersonate this group too (repeatable; needs --as)")
    group.add_argument("--as-uid", dest="as_uid", metavar="UID", help="impersonate this UID too (needs --as)")
    group.add_argument("--request-timeout", metavar="DURATION", default="0",
                       help="give up on each API request after this long (1s, 2m, 3h; 0: never, the default)")
    group.add_argument("--offline", action="store_true",
                       help="contact no cluster: use the embedded default cluster"
                            + (" (or only the --cluster-state files)" if state_file_flag else ""))
    group.add_argument("-v", "--v", dest="verbosity", type=_verbosity, default=0, metavar="LEVEL",
                       help="log level: 6 and above print each API request on stderr (as kubectl -v=6)")


#: pflag's ParseBool spellings: `--insecure-skip-tls-verify=false` is a kubectl word too
_TRUE, _FALSE = ("1", "t", "T", "TRUE", "true", "True"), ("0", "f", "F", "FALSE", "false", "False")


def _bool_flag(group, flag: str, dest: str, help_text: str) -> None:
    """A pflag boolean: `--flag` alone means true and never takes the next word (argparse's nargs="?" would);
    `--flag=true|false` (any ParseBool spelling) is given as hidden option strings of their own, which argparse
    matches whole before it splits a word at `=`."""
    group.add_argument(flag, dest=dest, action="store_true", help=help_text)
    group.add_argument(*(f"{flag}={v}" for v in _TRUE), dest=dest, action="store_true", help=argparse.SUPPRESS)
    group.add_argument(*(f"{flag}={v}" for v in _FALSE), dest=dest, action="store_false", help=argparse.SUPPRESS)


def add_scope_flags(parser: argparse.ArgumentParser, namespace_help: str) -> None:
    """kubectl's -n NAMESPACE | -A (krew's best practices ask for both)."""
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("-n", "--namespace", help=namespace_help)
    scope.add_argument("-A", "--all-namespaces", action="store_true", help="every namespace")
