"""Which cluster kubectl would talk to: kubeconfig files, context, cluster, user, namespace, in-cluster.

This is client-go's `clientcmd` loading rules written out, because the Python client gets them wrong:
with `KUBECONFIG=a:b` it takes `current-context` from the *last* file that sets one, where kubectl takes
the first (`/work/shared/docs/kubectl-plugin-facts.md` §3.4, §4.1). So the plugin resolves everything
here and hands the client one finished context, never a file list.

- files: `--kubeconfig` (must exist) › `$KUBECONFIG` (a `os.pathsep` list; missing files are skipped,
  repeats read once) › `$HOME/.kube/config`. Only the environment given is read: an environment without
  KUBECONFIG and HOME has no kubeconfig, whatever the machine has (the tests rely on it).
- merging: clusters, users and contexts by name, the first file that defines a name wins;
  `current-context` from the first file that sets one; relative paths (certificate-authority,
  client-certificate, client-key, tokenFile, an exec command with a directory) are relative to the file
  that holds them.
- selection: `--context` › current-context; `--cluster`/`--user` replace the context's; the namespace is
  `-n` › the context's › `default`; `--as`/`--as-group` › the user's `as`/`as-groups`.
- in-cluster, when no kubeconfig names a context: `KUBERNETES_SERVICE_HOST`/`_PORT` and the service
  account's token file, namespace from `$POD_NAMESPACE` › the service account's `namespace` file.

Pure: no client import, no network; the YAML is read with the engine's reader (no PyYAML).
"""
from __future__ import annotations

import os
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from simulator.records import Record

SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
IN_CLUSTER = "in-cluster"


class KubeconfigError(Exception):
    """The kubeconfig or the connection flags cannot be used as given (kubectl refuses them too)."""


class Connection(Record):
    """One resolved cluster: what the client needs (`config`, a one-context kubeconfig with absolute paths,
    or `in_cluster`) and what messages name (context, server)."""

    _fields = ("context", "cluster", "user", "server", "namespace", "files", "config", "in_cluster",
               "impersonate_user", "impersonate_groups", "timeout", "service_account_dir")

    def __init__(self, context: str, cluster: str, user: str, server: str, namespace: str,
                 files: Sequence[str] = (), config: Optional[Dict[str, Any]] = None, in_cluster: bool = False,
                 impersonate_user: Optional[str] = None, impersonate_groups: Sequence[str] = (),
                 timeout: Optional[float] = None, service_account_dir: str = SERVICE_ACCOUNT_DIR):
        self.context = context
        self.cluster = cluster
        self.user = user
        self.server = server
        self.namespace = namespace
        self.files = list(files)
        self.config = config
        self.in_cluster = in_cluster
        self.impersonate_user = impersonate_user
        self.impersonate_groups = list(impersonate_groups)
        self.timeout = timeout            # seconds; None: no limit (kubectl's --request-timeout=0)
        self.service_account_dir = service_account_dir

    @property
    def name(self) -> str:
        """How the cluster is called in output: the context, else the cluster given with --cluster."""
        return self.context or f"cluster {self.cluster}"

    def describe(self) -> str:
        who = f'context "{self.context}"' if self.context else f'cluster "{self.cluster}"'
        return f"{who} (server {self.server})"


class NoCluster(Record):
    """No kubeconfig names a cluster and none runs around us: the embedded default is used, and `reason`
    says why in the output's first line."""

    _fields = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason


def kubeconfig_files(explicit: Optional[str], environ: Mapping[str, str]) -> Tuple[List[str], bool]:
    """(the files kubectl would read, whether --kubeconfig named them)."""
    if explicit:
        return [explicit], True
    value = environ.get("KUBECONFIG") or ""
    if value:
        paths: List[str] = []
        for p in value.split(os.pathsep):
            if p and p not in paths:
                paths.append(p)
        return paths, False
    home = _home(environ)
    return ([os.path.join(home, ".kube", "config")] if home else []), False


def _home(environ: Mapping[str, str]) -> Optional[str]:
    """client-go's homedir.HomeDir: $HOME; on Windows also USERPROFILE and HOMEDRIVE+HOMEPATH."""
    if environ.get("HOME"):
        return environ["HOME"]
    if os.name == "nt":
        if environ.get("USERPROFILE"):
            return environ["USERPROFILE"]
        if environ.get("HOMEDRIVE") and environ.get("HOMEPATH"):
            return environ["HOMEDRIVE"] + environ["HOMEPATH"]
    return None


class Merged(Record):
    """The files' sections merged as client-go merges them (first definition of a name wins)."""

    _fields = ("clusters", "users", "contexts", "current_context", "files")

    def __init__(self, clusters=None, users=None, contexts=None, current_context: str = "", files=()):
        self.clusters: Dict[str, Dict[str, Any]] = clusters if clusters is not None else {}
        self.users: Dict[str, Dict[str, Any]] = users if users is not None else {}
        self.contexts: Dict[str, Dict[str, Any]] = contexts if contexts is not None else {}
        self.current_context = current_context
        self.files = list(files)   # the files that exist and were read

    @property
    def empty(self) -> bool:
        return not (self.clusters or self.users or self.contexts or self.current_context)


_SECTIONS = (("clusters", "cluster"), ("users", "user"), ("contexts", "context"))


def load_merged(paths: Sequence[str], explicit: bool = False) -> Merged:
    from simulator import yamlio

    merged = Merged()
    for path in paths:
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except FileNotFoundError:
            if explicit:
                raise KubeconfigError(f"--kubeconfig {path}: no such file") from None
            continue             # kubectl skips missing files of $KUBECONFIG, and a missing ~/.kube/config
        except (OSError, UnicodeDecodeError) as e:
            raise KubeconfigError(f"cannot read kubeconfig {path}: {e}") from None
        try:
            config = yamlio.load(text)
        except yamlio.YAMLSyntaxError as e:
            raise KubeconfigError(f"kubeconfig {path} is not valid YAML: {e}") from None
        merged.files.append(path)
        if config is None:
            continue
        if not isinstance(config, dict):
            raise KubeconfigError(f"kubeconfig {path} is not a mapping")
        base = os.path.dirname(os.path.abspath(path))
        for section, key in _SECTIONS:
            entries = config.get(section) or []
            if not isinstance(entries, list):
                raise KubeconfigError(f"kubeconfig {path}: {section} is not a list")
            for entry in entries:
                if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                    raise KubeconfigError(f"kubeconfig {path}: an entry of {section} has no name")
                body = entry.get(key) or {}
                if not isinstance(body, dict):
                    raise KubeconfigError(f"kubeconfig {path}: {section} {entry['name']}: {key} is not a mapping")
                target = getattr(merged, section)
                if entry["name"] not in target:
                    target[entry["name"]] = _absolute_paths(key, body, base)
        current = config.get("current-context")
        if not merged.current_context and isinstance(current, str) and current:
            merged.current_context = current
    return merged


def _absolute_paths(key: str, body: Dict[str, Any], base: str) -> Dict[str, Any]:
    """client-go's ResolveLocalPaths: file references are relative to the kubeconfig that holds them."""
    out = dict(body)
    fields = {"cluster": ("certificate-authority",), "user": ("client-certificate", "client-key", "tokenFile")}.get(key, ())
    for field in fields:
        value = out.get(field)
        if isinstance(value, str) and value and not os.path.isabs(value):
            out[field] = os.path.join(base, value)
    exec_ = out.get("exec") if key == "user" else None
    if isinstance(exec_, dict):
        command = exec_.get("command")
        # a bare command name is looked up on PATH; only one with a directory part is a file reference
        if isinstance(command, str) and command and os.path.basename(command) != command and not os.path.isabs(command):
            out["exec"] = dict(exec_, command=os.path.join(base, command))
    return out


def resolve(flags: Any, environ: Mapping[str, str], service_account_dir: str = SERVICE_ACCOUNT_DIR):
    """A `Connection`, or `NoCluster` when nothing names a cluster. `flags` has the connection flags as
    attributes (kubeconfig, context, cluster, user, namespace, request_timeout, as_user, as_group); missing
    ones count as not given. Raises KubeconfigError for what kubectl would refuse."""
    def flag(name):
        return getattr(flags, name, None) or None

    timeout = parse_request_timeout(flag("request_timeout"))
    as_user, as_groups = flag("as_user"), list(flag("as_group") or [])
    if as_groups and not as_user:
        raise KubeconfigError("requesting groups without impersonating a user (--as-group needs --as)")
    paths, explicit = kubeconfig_files(flag("kubeconfig"), environ)
    merged = load_merged(paths, explicit)
    context_name = flag("context") or merged.current_context
    if not context_name and not flag("cluster"):
        if merged.empty and not explicit and in_cluster_possible(environ, service_account_dir):
            return _in_cluster(flag("namespace"), environ, service_account_dir, timeout, as_user, as_groups)
        if explicit:
            raise KubeconfigError(f"--kubeconfig {paths[0]} sets no current-context: name one with --context "
                                  "(or use --offline for the embedded default cluster)")
        if not merged.files:
            where = ("$KUBECONFIG names no existing file" if environ.get("KUBECONFIG")
                     else "$KUBECONFIG is not set and ~/.kube/config does not exist" if _home(environ)
                     else "neither $KUBECONFIG nor $HOME is set")
            return NoCluster(f"no kubeconfig ({where})")
        return NoCluster(f"the kubeconfig ({', '.join(merged.files)}) sets no current-context")
    if context_name:
        context = merged.contexts.get(context_name)
        if context is None:
            where = (f"the kubeconfig ({', '.join(merged.files)})" if merged.files else
                     f"any kubeconfig (none of {', '.join(paths)} exists)" if paths else
                     "any kubeconfig (neither $KUBECONFIG nor $HOME is set)")
            raise KubeconfigError(f'context "{context_name}" does not exist in {where}')
    else:
        context = {}
    cluster_name = flag("cluster") or context.get("cluster") or ""
    user_name = flag("user") or context.get("user") or ""
    cluster = merged.clusters.get(cluster_name)
    if cluster is None:
        owner = f'context "{context_name}"' if context_name else "--cluster"
        raise KubeconfigError(f'{owner} names cluster "{cluster_name}", which the kubeconfig does not define')
    server = cluster.get("server")
    if not server or not isinstance(server, str):
        raise KubeconfigError(f'cluster "{cluster_name}" has no server in the kubeconfig')
    user: Dict[str, Any] = {}
    if user_name:
        if user_name not in merged.users:
            raise KubeconfigError(f'user "{user_name}" of context "{context_name}" is not defined in the kubeconfig')
        user = dict(merged.users[user_name])
    as_user = as_user or user.pop("as", None) or None
    as_groups = as_groups or list(user.pop("as-groups", None) or [])
    user.pop("as", None)
    user.pop("as-groups", None)
    namespace = flag("namespace") or context.get("namespace") or "default"
    name = context_name or ""
    one_context: Dict[str, Any] = {"cluster": cluster_name, "namespace": namespace}
    if user_name:
        one_context["user"] = user_name
    config = {"apiVersion": "v1", "kind": "Config", "current-context": name or "kubectl-inject",
              "contexts": [{"name": name or "kubectl-inject", "context": one_context}],
              "clusters": [{"name": cluster_name, "cluster": cluster}],
              "users": [{"name": user_name, "user": user}] if user_name else []}
    return Connection(name, cluster_name, user_name, server, namespace, merged.files, config,
                      impersonate_user=as_user, impersonate_groups=as_groups, timeout=timeout)


def in_cluster_possible(environ: Mapping[str, str], service_account_dir: str = SERVICE_ACCOUNT_DIR) -> bool:
    """client-go's inClusterClientConfig.Possible: the service host and port, and the token file."""
    return bool(environ.get("KUBERNETES_SERVICE_HOST") and environ.get("KUBERNETES_SERVICE_PORT")
                and os.path.isfile(os.path.join(service_account_dir, "token")))


def _in_cluster(namespace, environ, sa_dir, timeout, as_user, as_groups) -> Connection:
    host, port = environ["KUBERNETES_SERVICE_HOST"], environ["KUBERNETES_SERVICE_PORT"]
    server = f"https://[{host}]:{port}" if ":" in host else f"https://{host}:{port}"
    if not namespace:
        namespace = environ.get("POD_NAMESPACE") or ""
    if not namespace:
        try:
            with open(os.path.join(sa_dir, "namespace"), encoding="utf-8") as fh:
                namespace = fh.read().strip()
        except OSError:
            namespace = ""
    return Connection(IN_CLUSTER, IN_CLUSTER, "", server, namespace or "default", in_cluster=True,
                      impersonate_user=as_user, impersonate_groups=as_groups, timeout=timeout,
                      service_account_dir=sa_dir)


_DURATION_PART = r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)"   # compiled when used: ~8 ms at import
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_TIMEOUT_MESSAGE = ("invalid --request-timeout {!r}: timeout must be a single integer in seconds, or an integer "
                    "followed by a corresponding time unit (e.g. 1s | 2m | 3h)")


def parse_request_timeout(value: Optional[str]) -> Optional[float]:
    """kubectl's --request-timeout: an integer is seconds, else a Go duration (`1m30s`, `500ms`); 0 (the
    default) means no limit, returned as None."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if text.isdigit() and text.isascii():
        seconds = float(text)
    else:
        import re

        body = text[1:] if text.startswith("+") else text
        if text.startswith("-") or not body or re.sub(_DURATION_PART, "", body):
            raise KubeconfigError(_TIMEOUT_MESSAGE.format(value))
        seconds = sum(float(n) * _UNITS[u] for n, u in re.findall(_DURATION_PART, body))
    return seconds or None
