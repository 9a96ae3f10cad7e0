"""`kubectl inject watch`: the seed blog's debugging session ("watch the injector's log while creating pods; if
nothing appears, the webhook was never called") without touching istiod's log level.

For each pod created while it runs, one line: the verdict and deciding rule the explain pipeline gives for the
pod as its creator sent it, against the live state as it was then, and whether the real pod agrees (sidecar
or none, revision, proxy image, layout). For each FailedCreate event of a controller naming an injector
webhook, one line saying what failed and why (istiod unreachable, a timeout, TLS, a denial) under which
failurePolicy. Watches resume after a dropped connection without losing or repeating a line
(plugin/watching/session.py); Ctrl-C or --timeout ends it, with exit 0.
"""
from __future__ import annotations

import argparse
TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..env import Environment

from ..exitcodes import ExitStatus

HELP = "follow pod creations live: each new pod against its prediction, and injector webhook failures"
EXAMPLES = """examples:
  kubectl inject watch -n shop                         # every pod created in shop, and why it has a sidecar or not
  kubectl inject watch -A -o json | jq 'select(.agrees == false)'   # only the pods that disagree
  kubectl inject watch -n shop --timeout 5m            # stop after five minutes (exit 0)
"""
#: Requests remembered for -v 6's count (a watch may run for days).
KEPT_CALLS = 1000


def _duration(text: str) -> float:
    from ..kube.kubeconfig import KubeconfigError, parse_request_timeout

    try:
        return parse_request_timeout(text) or 0.0
    except KubeconfigError:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r}: an integer in seconds, or a number with a "
                                         "unit (e.g. 30s | 5m | 1h)") from None


DESCRIPTION = ("Stream one line per pod created — the verdict and deciding rule predicted from the live state, and "
               "whether the\nreal pod agrees — and per FailedCreate event naming an injector webhook, what failed "
               "and why.")


def add_parser(sub, formatter_class) -> argparse.ArgumentParser:
    from ..kube import flags

    p = sub.add_parser("watch", formatter_class=formatter_class, help=HELP, epilog=EXAMPLES, description=DESCRIPTION)
    flags.add_scope_flags(p, "the namespace to watch (default: the context's)")
    for names, options in (
            (("--timeout",), dict(type=_duration, default=0.0, metavar="DURATION",
                                  help="stop after this long, with exit 0 (30s, 5m, 1h; 0: until Ctrl-C, the default)")),
            (("-o", "--output"), dict(choices=("text", "json"), default="text",
                                      help="text lines, or one JSON object per line (default: text)"))):
        p.add_argument(*names, **options)
    flags.add_connection_flags(p, state_file_flag=False)
    return p


def run(args, env: Environment) -> int:
    from ..state.choice import open_live

    opened = open_live(args, env, "watch")
    return opened if isinstance(opened, int) else _follow(args, env, *opened)


def _follow(args, env: Environment, choice, client) -> int:
    import collections

    from ..kube.client import LiveError
    from ..printers.watchlines import json_line, text_line
    from ..watching.session import Session, WatchError

    client.calls = collections.deque(client.calls, maxlen=KEPT_CALLS)
    namespaces = None if args.all_namespaces else [args.namespace or choice.connection.namespace]
    line = json_line if args.output == "json" else text_line

    def emit(record) -> None:
        env.stdout.write(line(record))
        env.stdout.flush()

    def warn(message: str) -> None:
        env.stderr.write(f"warning: {message}\n")

    log = (lambda message: env.stderr.write(f"I {message}\n")) if args.verbosity >= 6 else None
    session = Session(client, namespaces, env.environ, emit, warn, log)
    try:
        session.start()
        where = "every namespace" if namespaces is None else f"namespace {namespaces[0]}"
        env.stderr.write(f"watching pods created in {where}, and FailedCreate events naming an injector webhook "
                         f"({choice.connection.describe()}); Ctrl-C to stop\n")
        env.stderr.flush()
        session.run(args.timeout or None)
    except KeyboardInterrupt:
        pass
    except (LiveError, WatchError) as e:
        env.stderr.write(f"error: {e}\n")
        return ExitStatus.ERROR
    finally:
        session.stop()
    if args.verbosity >= 6:
        env.stderr.write(_summary(session))
    return ExitStatus.OK


def _summary(session) -> str:
    c = session.counts
    stats = {k: sum(x.stats[k] for x in session.reflectors) for k in ("watches", "bookmarks", "broken", "gone")}
    return (f"I {c['pod-created']} pods created ({c['disagreements']} disagreeing), {c['create-failed']} create "
            f"failures; {stats['watches']} watches, {stats['broken']} broken and resumed, {stats['gone']} relists "
            f"after 410 Gone, {stats['bookmarks']} bookmarks\n")
