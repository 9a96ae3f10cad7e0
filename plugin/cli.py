"""Command line: `kubectl inject VERB` (kubectl runs the `kubectl-inject` executable for it).

`main` gathers the environment once and returns an exit status; everything it prints goes through
the `Environment`, so tests call it in-process. Errors in one input document are reported on stderr
as one line each (file, document, field, line) and the other documents are still explained.
"""
from __future__ import annotations

import argparse
import os
import sys
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import List, Optional

from . import __version__
from .env import Environment, OutputError
from .exitcodes import ExitStatus

COMMANDS = ("explain", "status", "snapshot", "apply", "watch", "lab", "version", "completion")   # one module per verb in plugin/commands/
DEFAULT_COMMAND = "explain"     # `kubectl inject -f x.yaml` means `kubectl inject explain -f x.yaml`
PROG = "kubectl inject"         # how users type it, through kubectl or not (kubectl-inject works the same)

DESCRIPTION = "Explain why a pod would (or would not) get an Istio sidecar, by simulating admission in-process."


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter without its `import shutil`: argparse makes a formatter for every
    add_argument, and shutil (with zlib, bz2, lzma) is 4-8 ms of a one-pod run that prints no help.
    Descriptions and epilogs (the examples) are printed as written."""

    def __init__(self, prog, indent_increment=2, max_help_position=24, width=None):
        super().__init__(prog, indent_increment, max_help_position, _columns() - 2 if width is None else width)


def _columns() -> int:
    """The terminal width as shutil.get_terminal_size() finds it: $COLUMNS, else the terminal, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)   # pflag never takes `--name` for `--namespace`; neither do we
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # usage errors: exit 2 with one line, like kubectl
        self.print_usage(sys.stderr)
        self.exit(ExitStatus.ERROR, f"error: {message}\n")


def build_parser(only: Optional[str] = None) -> argparse.ArgumentParser:
    """The whole parser; with `only` (a verb), one with that verb's parser alone, which parses that verb's
    arguments exactly as the whole one does (a subparser's prog, help and errors are its own) without
    importing every other verb's module (~4 ms of a one-pod run)."""
    parser = _Parser(prog=PROG, description=DESCRIPTION, formatter_class=_Formatter, epilog=EXAMPLES)
    parser.add_argument("--version", action="version", version=f"kubectl-inject {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS if only is None else (only,):
        _command(name).add_parser(sub, _Formatter)
    return parser


EXAMPLES = """examples:
  kubectl inject explain -f httpbin.yaml -n mesh      # why would (or wouldn't) these pods get a sidecar?
  kubectl inject -f httpbin.yaml -n mesh              # the same: explain is the default verb
  kubectl inject status -A                            # running pods against what they would get now
  kubectl inject snapshot -n shop --file state.yaml   # the cluster state explain needs, for offline use
  kubectl inject apply -f httpbin.yaml -n mesh        # apply for real, check the pods against the prediction
  kubectl inject watch -n shop                        # each pod created, against its prediction, as it happens
  kubectl inject version                              # versions of the plugin, its profile, Python
  kubectl inject lab --list                           # a guided lab of the classic scenarios (workshops)
  source <(kubectl inject completion bash)            # completion for kubectl-inject in this shell
"""


def with_default_command(argv: List[str]) -> List[str]:
    """`kubectl inject -f x.yaml` is `kubectl inject explain -f x.yaml`; a leading flag other than help and
    version, or a TYPE/NAME, means the default verb."""
    if argv and argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        return [DEFAULT_COMMAND] + argv
    if argv and "/" in argv[0] and not argv[0].startswith("-"):    # `kubectl inject deploy/httpbin`
        return [DEFAULT_COMMAND] + argv
    return argv


def main(argv: Optional[List[str]] = None, env: Optional[Environment] = None) -> int:
    env = env or Environment()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["__complete"]:       # kubectl's completion protocol (kubectl_complete-inject), not a verb
        from .commands import complete

        return complete.run(argv[1:], env)
    argv = with_default_command(argv)
    # A verb first: only its parser is needed (anything else, such as a misspelt verb, gets the whole one)
    parser = build_parser(argv[0] if argv and argv[0] in COMMANDS else None)
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    if args.command is None:
        parser.print_help(env.stdout)
        return ExitStatus.OK
    try:
        return _command(args.command).run(args, env)
    except KeyboardInterrupt:
        return ExitStatus.CTRL_C
    except BrokenPipeError:
        return ExitStatus.OK
    except OutputError as e:
        _error(env, f"writing the output: {e}")
        return ExitStatus.ERROR
    except Exception as e:  # a bug of ours: one line, never a verdict, never a traceback unless asked for
        debug = env.environ.get("KUBECTL_INJECT_DEBUG")
        if debug:
            import traceback

            traceback.print_exc(file=env.stderr)
        what = " ".join(f"{type(e).__name__}: {e}".split())
        _error(env, f"internal error: {what} (this is a bug in kubectl-inject"
                    f"{'' if debug else '; set KUBECTL_INJECT_DEBUG=1 to see the traceback'})")
        return ExitStatus.ERROR


def _command(name: str):
    """The module of a verb, imported only when that verb runs (or its parser is built)."""
    import importlib

    return importlib.import_module(".commands." + name, __package__)


def _error(env: Environment, message: str) -> None:
    from .printers.words import one_line

    try:
        env.stderr.write(f"error: {one_line(message)}\n")
    except (OSError, ValueError):  # stderr closed too (2>&-): nothing left to tell
        pass


