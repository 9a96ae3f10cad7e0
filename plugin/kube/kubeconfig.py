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
  `-n` › the context's › `default`; `--as`/`--as-group`/`--as-uid` › the user's `as`/`as-groups`/`as-uid`.
- overrides (clientcmd's ConfigOverrides, checked with kubectl 1.32 against a real API server): `-s/--server`,
  `--certificate-authority`, `--insecure-skip-tls-verify`, `--tls-server-name` replace the chosen cluster's
  fields, `--token`, `--client-certificate`, `--client-key` the chosen user's, field by field. A CA or
  `--insecure-skip-tls-verify` given replaces all three TLS fields (CA file, CA data, insecure); `--server`
  clears the kubeconfig's `tls-server-name` unless `--tls-server-name` is given too. As in kubectl, `--token`
  does not beat a user's `tokenFile` (the file's token is sent). `--server` needs no kubeconfig at all.
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
               "impersonate_user", "impersonate_groups", "timeout", "service_account_dir", "impersonate_uid")

    def __init__(self, context: str, cluster: str, user: str, server: str, namespace: str,
                 files: Sequence[str] = (), config: Optional[Dict[str, Any]] = None, in_cluster: bool = False,
                 impersonate_user: Optional[str] = None, impersonate_groups: Sequence[str] = (),
                 timeout: Optional[float] = None, service_account_dir: str = SERVICE_ACCOUNT_DIR,
                 impersonate_uid: Optional[str] = None):
        self.context, self.cluster, self.user = context, cluster, user      # the names, as the kubeconfig has them
        self.server, self.namespace = server, namespace
        self.files = list(files)
        self.config = config
        self.in_cluster = in_cluster
        self.impersonate_user, self.impersonate_groups = impersonate_user, list(impersonate_groups)
        self.timeout = timeout            # seconds; None: no limit (kubectl's --request-timeout=0)
        self.service_account_dir = service_account_dir
        self.impersonate_uid = impersonate_uid

    @property
    def name(self) -> str:
        """How the cluster is called in output: the context, else the cluster given with --cluster, else
        the server given with --server."""
        return self.context or (f"cluster {self.cluster}" if self.cluster else self.server)

    def describe(self) -> str:
        if not (self.context or self.cluster):
            return f"server {self.server}"
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
    attributes (kubeconfig, context, cluster, user, namespace, request_timeout, as_user, as_group, as_uid,
    server, token, certificate_authority, client_certificate, client_key, insecure_skip_tls_verify,
    tls_server_name); missing ones count as not given. Raises KubeconfigError for what kubectl would refuse."""
    def flag(name):
        return getattr(flags, name, None) or None

    timeout = parse_request_timeout(flag("request_timeout"))
    overrides = Overrides(flags)
    paths, explicit = kubeconfig_files(flag("kubeconfig"), environ)
    merged = load_merged(paths, explicit)
    context_name = flag("context") or merged.current_context
    if not context_name and not flag("cluster") and not overrides.server:
        if merged.empty and not explicit and in_cluster_possible(environ, service_account_dir):
            return _in_cluster(flag("namespace"), environ, service_account_dir, timeout, overrides)
        if explicit:
            raise KubeconfigError(f"--kubeconfig {paths[0]} sets no current-context: name one with --context "
                                  "(or use --offline for the embedded default cluster)")
        if not merged.files:
            where = ("$KUBECONFIG names no existing file" if environ.get("KUBECONFIG")
                     else "$KUBECONFIG is not set and ~/.kube/config does not exist" if _home(environ)
                     else "neither $KUBECONFIG nor $HOME is set")
            reason = f"no kubeconfig ({where})"
        else:
            reason = f"the kubeconfig ({', '.join(merged.files)}) sets no current-context"
        if overrides.given:     # kubectl would try http://localhost:8080; answering for the default would hide it
            raise KubeconfigError(f"{overrides.given[0]} names no cluster by itself and {reason}: "
                                  "give the API server with --server (or a kubeconfig context)")
        return NoCluster(reason)
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
    if cluster is None and (cluster_name or not overrides.server):
        owner = f'context "{context_name}"' if context_name and not flag("cluster") else "--cluster"
        raise KubeconfigError(f'{owner} names cluster "{cluster_name}", which the kubeconfig does not define')
    cluster = overrides.cluster(dict(cluster or {}), cluster_name)
    server = cluster.get("server")
    if not server or not isinstance(server, str):
        raise KubeconfigError(f'cluster "{cluster_name}" has no server in the kubeconfig')
    user: Dict[str, Any] = {}
    if user_name:
        if user_name not in merged.users:
            owner = f'context "{context_name}"' if context_name and not flag("user") else "--user"
            raise KubeconfigError(f'user "{user_name}" of {owner} is not defined in the kubeconfig')
        user = dict(merged.users[user_name])
    user = overrides.user(user, user_name)
    as_user = flag("as_user") or user.pop("as", None) or None
    as_groups = list(flag("as_group") or []) or list(user.pop("as-groups", None) or [])
    as_uid = flag("as_uid") or user.pop("as-uid", None) or None
    for field in ("as", "as-groups", "as-uid", "as-user-extra"):
        user.pop(field, None)
    _check_impersonation(as_user, as_groups, as_uid, user_name)
    if not server.startswith("https://"):
        user = {}           # kubectl sends no credentials to a server it does not reach over TLS
    namespace = flag("namespace") or context.get("namespace") or "default"
    name = context_name or ""
    key = cluster_name or "kubectl-inject"
    one_context: Dict[str, Any] = {"cluster": key, "namespace": namespace}
    if user_name or user:
        one_context["user"] = user_name or "kubectl-inject"
    config = {"apiVersion": "v1", "kind": "Config", "current-context": name or "kubectl-inject",
              "contexts": [{"name": name or "kubectl-inject", "context": one_context}],
              "clusters": [{"name": key, "cluster": cluster}],
              "users": [{"name": one_context["user"], "user": user}] if "user" in one_context else []}
    return Connection(name, cluster_name, user_name, server, namespace, merged.files, config,
                      impersonate_user=as_user, impersonate_groups=as_groups, timeout=timeout,
                      impersonate_uid=as_uid)


def _check_impersonation(as_user, as_groups, as_uid, user_name: str) -> None:
    if (as_groups or as_uid) and not as_user:
        needs = " and ".join(f for f, v in (("--as-group", as_groups), ("--as-uid", as_uid)) if v)
        raise KubeconfigError(f"requesting uid or groups{' for ' + user_name if user_name else ''} without "
                              f"impersonating a user ({needs} needs --as)")


class Overrides:
    """The connection flags that replace fields of the kubeconfig's chosen cluster and user, as clientcmd's
    ConfigOverrides do. Files given on the command line are relative to the working directory and are checked
    here, so a wrong path is one line naming the flag rather than a TLS error later."""

    _FLAGS = (("server", "--server"), ("token", "--token"), ("certificate_authority", "--certificate-authority"),
              ("client_certificate", "--client-certificate"), ("client_key", "--client-key"),
              ("insecure_skip_tls_verify", "--insecure-skip-tls-verify"), ("tls_server_name", "--tls-server-name"))

    def __init__(self, flags: Any):
        def flag(name):
            return getattr(flags, name, None) or None

        self.server = flag("server")
        if self.server and "://" not in self.server:
            self.server = "http://" + self.server     # client-go's DefaultServerURL for a host without a scheme
        self.token = flag("token")
        self.insecure = bool(flag("insecure_skip_tls_verify"))
        self.tls_server_name = flag("tls_server_name")
        self.ca = _flag_file(flag("certificate_authority"), "--certificate-authority", pem="CERTIFICATE")
        self.client_certificate = _flag_file(flag("client_certificate"), "--client-certificate", pem="CERTIFICATE")
        self.client_key = _flag_file(flag("client_key"), "--client-key", pem="PRIVATE KEY")
        if self.ca and self.insecure:
            raise KubeconfigError("--certificate-authority and --insecure-skip-tls-verify cannot both be given "
                                  "(kubectl: specifying a root certificates file with the insecure flag is not allowed)")
        self.impersonation = (flag("as_user"), list(flag("as_group") or []), flag("as_uid"))
        #: the flags given that name no cluster by themselves (a server is still needed)
        self.given = [f for attr, f in self._FLAGS[1:] if flag(attr)]

    def cluster(self, cluster: Dict[str, Any], name: str) -> Dict[str, Any]:
        if self.server:
            cluster["server"] = self.server
        if self.ca or self.insecure:
            for field in ("certificate-authority", "certificate-authority-data", "insecure-skip-tls-verify"):
                cluster.pop(field, None)
            if self.ca:
                cluster["certificate-authority"] = self.ca
            if self.insecure:
                cluster["insecure-skip-tls-verify"] = True
        if self.tls_server_name or self.server:
            cluster.pop("tls-server-name", None)
            if self.tls_server_name:
                cluster["tls-server-name"] = self.tls_server_name
        if cluster.get("insecure-skip-tls-verify") is True and (cluster.get("certificate-authority")
                                                               or cluster.get("certificate-authority-data")):
            raise KubeconfigError(f'cluster "{name}" of the kubeconfig sets both a certificate authority and '
                                  "insecure-skip-tls-verify (kubectl: specifying a root certificates file with the "
                                  "insecure flag is not allowed)")
        return cluster

    def user(self, user: Dict[str, Any], name: str) -> Dict[str, Any]:
        if self.token:
            user["token"] = self.token
        for field, value in (("client-certificate", self.client_certificate), ("client-key", self.client_key)):
            if value:
                if user.get(field + "-data"):
                    raise KubeconfigError(f"--{field} {value}: user \"{name}\" of the kubeconfig already has "
                                          f"{field}-data (kubectl: {field.replace('certificate', 'cert')}-data and "
                                          f"{field.replace('certificate', 'cert')} are both specified)")
                user[field] = value
        if (user.get("client-certificate") or user.get("client-certificate-data")) and not (
                user.get("client-key") or user.get("client-key-data")):
            raise KubeconfigError("--client-certificate needs --client-key (kubectl: client-key-data or client-key "
                                  "must be specified to use the clientCert authentication method)")
        if (user.get("client-key") or user.get("client-key-data")) and not (
                user.get("client-certificate") or user.get("client-certificate-data")):
            raise KubeconfigError("--client-key needs --client-certificate (kubectl: client-cert-data or "
                                  "client-cert must be specified to use the clientCert authentication method)")
        return user


def _flag_file(path: Optional[str], flag: str, pem: str) -> Optional[str]:
    """An absolute path to a readable PEM file, or KubeconfigError naming the flag (kubectl: "unable to read
    certificate-authority …", "unable to load root certificates: unable to parse bytes as PEM block")."""
    if not path:
        return None
    try:
        with open(path, "rb") as fh:
            text = fh.read(1 << 20)
    except OSError as e:
        raise KubeconfigError(f"{flag} {path}: cannot read it ({e.strerror or e})") from None
    if b"-----BEGIN " not in text or pem.encode() not in text:
        raise KubeconfigError(f"{flag} {path}: not a PEM file (no -----BEGIN … {pem}----- block)")
    return os.path.abspath(path)


def in_cluster_possible(environ: Mapping[str, str], service_account_dir: str = SERVICE_ACCOUNT_DIR) -> bool:
    """client-go's inClusterClientConfig.Possible: the service host and port, and the token file."""
    return bool(environ.get("KUBERNETES_SERVICE_HOST") and environ.get("KUBERNETES_SERVICE_PORT")
                and os.path.isfile(os.path.join(service_account_dir, "token")))


def _in_cluster(namespace, environ, sa_dir, timeout, overrides: Overrides) -> Connection:
    """client-go's inClusterClientConfig, which takes only --server, --token and --certificate-authority of the
    overrides (and impersonation)."""
    flags_as = overrides.impersonation
    _check_impersonation(*flags_as, "")
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
    as_user, as_groups, as_uid = flags_as
    if overrides.token or overrides.ca:       # the service account's files replaced: a one-context config
        cluster = {"server": server, "certificate-authority": overrides.ca or os.path.join(sa_dir, "ca.crt")}
        user = {"token": overrides.token} if overrides.token else {"tokenFile": os.path.join(sa_dir, "token")}
        config = {"apiVersion": "v1", "kind": "Config", "current-context": IN_CLUSTER,
                  "contexts": [{"name": IN_CLUSTER, "context": {"cluster": IN_CLUSTER, "user": IN_CLUSTER}}],
                  "clusters": [{"name": IN_CLUSTER, "cluster": cluster}],
                  "users": [{"name": IN_CLUSTER, "user": user}]}
        return Connection(IN_CLUSTER, IN_CLUSTER, "", server, namespace or "default", config=config,
                          impersonate_user=as_user, impersonate_groups=as_groups, impersonate_uid=as_uid,
                          timeout=timeout)
    return Connection(IN_CLUSTER, IN_CLUSTER, "", server, namespace or "default", in_cluster=True,
                      impersonate_user=as_user, impersonate_groups=as_groups, timeout=timeout,
                      service_account_dir=sa_dir, impersonate_uid=as_uid)


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
