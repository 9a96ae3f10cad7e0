"""kubectl's completion protocol for plugins (kubectl ≥ 1.26, `pkg/cmd/plugin/plugin_completion.go`).

On TAB after `kubectl inject …`, kubectl runs `kubectl_complete-inject WORDS… CURRENT` (CURRENT is "" after a
space), which runs `kubectl-inject __complete WORDS… CURRENT`. We print one candidate per line, optionally
`value<TAB>description`, then a last line `:N`, N being cobra's ShellCompDirective. The shell scripts of
`kubectl inject completion` speak the same protocol, so one implementation serves kubectl and the shells.

Candidates come from the argument parser itself, so a new flag or verb completes without code here. It runs
on every TAB: flags, verbs and `-o` values need nothing but the parser; contexts, clusters and users come from
the kubeconfig. Only namespaces (`-n <TAB>`) and resource names (`deploy/<TAB>`) ask the cluster — the one the
words typed so far name (`--context`, `--kubeconfig`, `-n`) — within LIVE_TIMEOUT seconds; an unreachable
cluster, a refusal or a missing kubernetes client give no candidates, never an error (see `live_names`).
"""
from __future__ import annotations

import argparse
import os
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterable, List, Tuple

    from ..env import Environment

# cobra's ShellCompDirective bits
ERROR, NO_SPACE, NO_FILE_COMP, FILTER_FILE_EXT, FILTER_DIRS, KEEP_ORDER = 1, 2, 4, 8, 16, 32
DEFAULT = 0   # the shell completes file names

#: flags whose value is a path: the shell completes files (directories only where noted)
FILE_FLAGS = {"-f", "--filename", "--cluster-state", "--inject-config", "--values", "--mesh-config"}
DIR_FLAGS = {"--istio-release"}
#: how long TAB may wait for the cluster (kubectl's own completion has no limit; a hung TAB is worse than none)
LIVE_TIMEOUT = 2.0


def run(words: List[str], env: Environment) -> int:
    current = words[-1] if words else ""
    candidates, directive = complete(words[:-1], current, env.environ)
    for value, description in candidates:
        env.stdout.write(f"{value}\t{description}\n" if description else f"{value}\n")
    env.stdout.write(f":{directive}\n")
    return 0


def complete(before: List[str], current: str, environ) -> Tuple[List[Tuple[str, str]], int]:
    from ..cli import DEFAULT_COMMAND, build_parser

    parser = build_parser()
    verbs = _subparsers(parser)
    verb = next((w for w in before if not w.startswith("-")), None)
    if verb is None:
        if not current.startswith("-"):
            return _prefixed(_verb_help(parser), current), NO_FILE_COMP
        verb = DEFAULT_COMMAND    # `kubectl inject -f …` is explain
        extra = [("--version", "print the plugin's version"), ("--help", "show help")]
    else:
        extra = []
    sub = verbs.get(verb)
    if sub is None:
        return [], NO_FILE_COMP
    options = {s: a for a in sub._actions for s in a.option_strings}

    if current.startswith("--") and "=" in current:        # --output=js<TAB>
        flag, _, partial = current.partition("=")
        action = options.get(flag)
        if action is None or action.nargs == 0:
            return [], NO_FILE_COMP
        values, directive = _values(flag, action, partial, environ, before)
        return [(f"{flag}={v}", d) for v, d in values], directive
    if before and before[-1] in options and options[before[-1]].nargs != 0:     # -o <TAB>
        return _values(before[-1], options[before[-1]], current, environ, before)
    if current.startswith("-"):
        flags = [(s, "" if a.help == argparse.SUPPRESS else (a.help or "")) for a in sub._actions
                 for s in a.option_strings if a.help != argparse.SUPPRESS] + extra
        return _prefixed(flags, current), NO_FILE_COMP
    positional = [a for a in sub._actions if not a.option_strings and a.choices]
    if positional:
        return _prefixed(((c, "") for c in positional[0].choices), current), NO_FILE_COMP
    if any(a.dest == "targets" for a in sub._actions if not a.option_strings):      # explain TYPE/NAME
        return _targets(current, before, environ)
    return [], NO_FILE_COMP


def _targets(current: str, before: List[str], environ) -> Tuple[List[Tuple[str, str]], int]:
    """`explain deploy/<TAB>`: the names of that kind in the namespace; `explain de<TAB>`: the kinds, as
    `deployment/` (no space after, so the name follows)."""
    from ..kube.resources import WORKLOADS

    kind, slash, partial = current.partition("/")
    if not slash:
        kinds = sorted({r.kind.lower() for r in WORKLOADS.values()})
        return _prefixed(((f"{k}/", "") for k in kinds), current), NO_SPACE | NO_FILE_COMP
    resource = WORKLOADS.get(kind.lower())
    if resource is None:
        return [], NO_FILE_COMP
    names = live_names(before, environ, resource)
    return _prefixed(((f"{kind}/{n}", "") for n in names), current), NO_FILE_COMP


def live_names(before: List[str], environ, resource, timeout: float = LIVE_TIMEOUT) -> List[str]:
    """The names of `resource` (in the namespace the words name, else the context's) in the cluster the
    words name, asked with one list call of at most `timeout` seconds; [] when anything is in the way."""
    try:
        from ..kube.client import Client
        from ..kube.kubeconfig import Connection, resolve

        flags = _connection_words(before)
        connection = resolve(flags, environ)
        if not isinstance(connection, Connection):
            return []
        limit = connection.timeout
        connection = connection.replace(timeout=min(limit, timeout) if limit else timeout)
        namespace = connection.namespace if resource.namespaced else None
        items = Client(connection).list(resource, namespace)
        return sorted({(i.get("metadata") or {}).get("name") or "" for i in items} - {""})
    except Exception:       # no client, no cluster, a refusal, a broken kubeconfig: TAB offers nothing
        return []


class _Words:
    """The connection flags among the words typed so far, as `kubeconfig.resolve` reads them."""

    def __init__(self):
        self.kubeconfig = self.context = self.cluster = self.user = self.namespace = None
        self.request_timeout = self.as_user = self.as_uid = None
        self.server = self.token = self.certificate_authority = self.client_certificate = self.client_key = None
        self.tls_server_name = None
        self.insecure_skip_tls_verify = False
        self.as_group: List[str] = []


#: the word (or `--flag=`) → attribute of `_Words`
_CONNECTION_FLAGS = {"--kubeconfig": "kubeconfig", "--context": "context", "--cluster": "cluster", "--user": "user",
                     "-n": "namespace", "--namespace": "namespace", "--request-timeout": "request_timeout",
                     "--as": "as_user", "--as-group": "as_group", "--as-uid": "as_uid", "-s": "server",
                     "--server": "server", "--token": "token", "--certificate-authority": "certificate_authority",
                     "--client-certificate": "client_certificate", "--client-key": "client_key",
                     "--tls-server-name": "tls_server_name"}
#: pflag booleans: no value word follows; `=false` turns them off
_BOOLEAN_FLAGS = {"--insecure-skip-tls-verify": "insecure_skip_tls_verify"}


def _connection_words(before: List[str]) -> _Words:
    words = _Words()
    i = 0
    while i < len(before):
        word, value = before[i], None
        if word.partition("=")[0] in _BOOLEAN_FLAGS:
            word, eq, value = word.partition("=")
            setattr(words, _BOOLEAN_FLAGS[word], not eq or value in ("1", "t", "T", "TRUE", "true", "True"))
            i += 1
            continue
        if word.startswith(("--", "-s=")) and "=" in word:
            word, _, value = word.partition("=")
        elif word in _CONNECTION_FLAGS and i + 1 < len(before):
            value = before[i + 1]
            i += 1
        attr = _CONNECTION_FLAGS.get(word)
        if attr == "as_group" and value is not None:
            words.as_group.append(value)
        elif attr and value is not None:
            setattr(words, attr, value)
        i += 1
    return words


def _values(flag: str, action: argparse.Action, partial: str, environ,
            before: List[str] = ()) -> Tuple[List[Tuple[str, str]], int]:
    if action.choices:
        return _prefixed(((str(c), "") for c in action.choices), partial), NO_FILE_COMP
    if flag in FILE_FLAGS:
        return [], DEFAULT
    if flag in DIR_FLAGS:
        return [], FILTER_DIRS
    if flag == "--context":
        return _prefixed(((c, "") for c in kubeconfig_contexts(environ)), partial), NO_FILE_COMP
    if flag in ("--cluster", "--user"):
        return _prefixed(((c, "") for c in kubeconfig_contexts(environ, flag[2:] + "s")), partial), NO_FILE_COMP
    if flag in ("-n", "--namespace"):
        from ..kube.resources import NAMESPACES

        return _prefixed(((n, "") for n in live_names(list(before), environ, NAMESPACES)), partial), NO_FILE_COMP
    return [], NO_FILE_COMP


def kubeconfig_contexts(environ, section: str = "contexts") -> List[str]:
    """The context (or cluster, or user: `section`) names of the kubeconfig kubectl would read ($KUBECONFIG's
    files, else ~/.kube/config), read as YAML (no client): completion must stay fast. Unreadable files give no
    candidates, never an error."""
    from simulator import yamlio

    paths = [p for p in (environ.get("KUBECONFIG") or "").split(os.pathsep) if p]
    if not paths:
        home = environ.get("HOME") or os.path.expanduser("~")
        paths = [os.path.join(home, ".kube", "config")]
    names: List[str] = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                config = yamlio.load(f.read()) or {}
        except Exception:   # a broken kubeconfig must not break TAB: kubectl itself reports it
            continue
        for ctx in config.get(section) or [] if isinstance(config, dict) else []:
            name = ctx.get("name") if isinstance(ctx, dict) else None
            if isinstance(name, str) and name not in names:
                names.append(name)
    return names


def _subparsers(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _verb_help(parser: argparse.ArgumentParser) -> List[Tuple[str, str]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return [(a.dest, a.help or "") for a in action._choices_actions]
    return []


def _prefixed(candidates: Iterable[Tuple[str, str]], prefix: str) -> List[Tuple[str, str]]:
    return [(v, " ".join(d.split())) for v, d in candidates if v.startswith(prefix)]
