"""The one place that imports the `kubernetes` package, and only when a `Client` is made.

Importing the package costs ~0.4 s (it loads every model), so offline commands never reach this module.
It is used for what is hard to get right alone: kubeconfig credentials (client certificates written to
files, exec plugins such as EKS/GKE/AKS logins, token files, in-cluster service-account tokens with their
refresh) and the TLS connection pool. Requests themselves are plain GETs of API paths that return JSON
dicts, never models: no pydantic or OpenAPI model costs, the same code for built-in kinds and CRDs, and
nothing that the client's 35 → 37 model changes can break.

Impersonation (`--as`, `--as-group`, `--as-uid`) is added here as kubectl sends it (one `Impersonate-Group`
header per group, `Impersonate-Uid`), since no Python client supports it. Errors come out as one-line
`LiveError`s: the server could not be reached, refused the credentials (named with its address), refused a
request (verb, resource, namespace), the package is missing.
"""
from __future__ import annotations

import json
import time
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, List, Optional, Tuple

    from .kubeconfig import Connection
    from .resources import Resource

#: Items per list page: kubectl's own chunk size (`--chunk-size`, default 500).
PAGE_SIZE = 500
#: Connect timeout when --request-timeout is not given (client-go's dialer gives up after 30 s).
CONNECT_TIMEOUT = 30.0
PACKAGE = "kubernetes"
REQUIREMENT = "'kubernetes>=35,<37'"
INSTALL_HINT = f"pip install 'kubectl-inject[cluster]' (or: pip install {REQUIREMENT})"


class LiveError(Exception):
    """Something about the live cluster, said in one line (the command prints it and exits 2)."""


class ClientMissing(LiveError):
    def __init__(self, detail: str = ""):
        from ..runtime.startup import install_hint

        hint = install_hint(REQUIREMENT, INSTALL_HINT)
        super().__init__(f"talking to a cluster needs the Python package `{PACKAGE}`, which is not installed"
                         f"{' (' + detail + ')' if detail else ''}: {hint}; or use --offline")


class Unreachable(LiveError):
    def __init__(self, connection: Connection, reason: str):
        self.connection = connection
        self.reason = reason
        super().__init__(f"cannot reach the cluster of {connection.describe()}: {reason} "
                         "(use --offline to explain against the embedded default cluster, "
                         "or --cluster-state FILE for a snapshot)")


class ApiError(LiveError):
    """A request the server answered with an error status."""

    def __init__(self, verb: str, resource: Resource, namespace: Optional[str], status: int, message: str,
                 name: Optional[str] = None):
        self.verb, self.resource, self.namespace, self.status, self.name = verb, resource, namespace, status, name
        self.server_message = message
        super().__init__(f"{self.request_text()}: {status} {message}")

    def request_text(self) -> str:
        target = f"{self.resource.display}/{self.name}" if self.name else self.resource.display
        where = f" in namespace {self.namespace}" if self.namespace else (
            " (all namespaces)" if self.resource.namespaced else "")
        return f"{self.verb} {target}{where}"


class Forbidden(ApiError):
    """RBAC said no: named as (verb, resource, namespace) so the user knows what to ask for."""

    def refusal(self) -> Dict[str, Any]:
        return {"verb": self.verb, "resource": self.resource.display,
                "namespace": self.namespace or ("*" if self.resource.namespaced else None),
                "message": self.server_message}


class NotFound(ApiError):
    pass


class Unauthorized(ApiError):
    """401: the server did not accept the credentials (a wrong or expired token, a certificate from another CA).
    Said naming the server, as kubectl says "You must be logged in to the server": it is about the connection,
    not about one request."""

    def for_connection(self, connection: Connection) -> Unauthorized:
        whose = f'user "{connection.user}"' if connection.user else "the credentials given"
        where = f" ({connection.describe().split(' (server ')[0]})" if connection.context or connection.cluster else ""
        self.args = (f"the API server {connection.server}{where} did not accept {whose} ({self.status} "
                     f"{self.server_message or 'Unauthorized'} to {self.request_text()}): you must be logged in to "
                     "the server; check the token or client certificate (or use --offline)",)
        return self


class Gone(ApiError):
    """410 Gone: the resourceVersion a watch resumed from is older than the server keeps (compacted); the
    only way on is a new list (client-go's reflector relists too)."""


def _import_kubernetes():
    """(Configuration, the config package, the rest module) of the kubernetes package.

    `import kubernetes` runs the package's __init__, which imports every API class and model (~0.5 s of the
    ~0.7 s it costs on a loaded 2-core machine); only the credential loaders and the connection pool are used
    here. So the two package __init__s are skipped: stand-in package modules with the real search path are put
    in sys.modules and the needed submodules are imported through them (~0.25 s). If anything about that does
    not work (another layout, a version this was not written for), the package is imported the usual way."""
    import sys

    loaded = sys.modules.get(PACKAGE, _ABSENT)
    if loaded is None:                       # `import kubernetes` blocked (the tests do so): as if missing
        raise ClientMissing()
    if loaded is _ABSENT or getattr(loaded, "_kubectl_inject_lean", False):
        try:
            return _import_lean()
        except ClientMissing:
            raise
        except Exception:   # noqa: BLE001 - anything unexpected: forget the stand-ins, import as documented
            for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
                del sys.modules[name]
    try:
        import kubernetes.client
        import kubernetes.config
        from kubernetes.client import rest
    except ImportError as e:
        raise ClientMissing(str(e) if getattr(e, "name", None) not in (PACKAGE, None) else "") from None
    return kubernetes.client.Configuration, kubernetes.config, rest


_ABSENT = object()


def _import_lean():
    import importlib.util
    import os
    import sys
    import types

    if PACKAGE not in sys.modules:
        try:
            spec = importlib.util.find_spec(PACKAGE)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.submodule_search_locations:
            raise ClientMissing()
        base = list(spec.submodule_search_locations)[0]
        package = types.ModuleType(PACKAGE)
        package.__path__ = [base]
        package._kubectl_inject_lean = True
        client = types.ModuleType(PACKAGE + ".client")
        client.__path__ = [os.path.join(base, "client")]
        sys.modules[PACKAGE], sys.modules[PACKAGE + ".client"] = package, client
        package.client = client
    client = sys.modules[PACKAGE + ".client"]
    try:
        from kubernetes.client.configuration import Configuration
        from kubernetes.client import rest

        client.Configuration = Configuration
        client.ApiClient = getattr(client, "ApiClient", None) or _NoApiClient   # named by kube_config, unused here
        import kubernetes.config
    except ImportError as e:
        raise ClientMissing(str(e)) from None
    return Configuration, kubernetes.config, rest


class _NoApiClient:
    def __init__(self, *args, **kwargs):
        raise RuntimeError("kubectl-inject loads the kubernetes client without its API classes")


class Client:
    """Read-only access to one cluster. `calls` records every request (verb, path, status, milliseconds):
    the tests and `-v 6` read it to hold the command to a constant number of list calls."""

    def __init__(self, connection: Connection, log: Optional[Callable[[str], None]] = None,
                 user_agent: str = "kubectl-inject"):
        self.connection = connection
        self.log = log
        self.calls: List[Tuple[str, str, int, int]] = []     # a command running for hours bounds it (a deque)
        self.on_page: Optional[Callable[[Resource, int], None]] = None   # (kind, items so far) after each list page
        Configuration, config, rest = _import_kubernetes()
        configuration = Configuration()
        try:
            if connection.in_cluster:
                import os

                sa = connection.service_account_dir
                config.incluster_config.InClusterConfigLoader(
                    token_filename=os.path.join(sa, "token"), cert_filename=os.path.join(sa, "ca.crt"),
                    environ=_InClusterEnviron(connection.server)).load_and_set(configuration)
            else:
                config.load_kube_config_from_dict(connection.config, context=connection.config["current-context"],
                                                  client_configuration=configuration, persist_config=False)
        except config.ConfigException as e:
            raise LiveError(f"cannot use the credentials of {connection.describe()}: {e}") from None
        configuration.retries = 0          # fail fast: one line saying the server is unreachable, no retry storm
        if not configuration.verify_ssl:   # --insecure-skip-tls-verify: kubectl warns about nothing per request
            import warnings

            import urllib3

            warnings.filterwarnings("ignore", category=urllib3.exceptions.InsecureRequestWarning)
        self._configuration = configuration
        self._pool = rest.RESTClientObject(configuration).pool_manager
        self._host = configuration.host.rstrip("/")
        self._user_agent = user_agent

    # -- requests ------------------------------------------------------------------------------------

    def list(self, resource: Resource, namespace: Optional[str] = None, label_selector: Optional[str] = None,
             field_selector: Optional[str] = None) -> List[Dict[str, Any]]:
        """Every object of a kind (in `namespace`, or all namespaces), page by page as kubectl reads them,
        as `kubectl get -o json` prints them: each item with its apiVersion and kind."""
        return self.list_versioned(resource, namespace, field_selector, label_selector)[0]

    def get(self, resource: Resource, name: str, namespace: Optional[str] = None) -> Dict[str, Any]:
        obj = self._get(resource.path(namespace, name), [], "get", resource, namespace, name)
        obj.setdefault("apiVersion", resource.api_version)
        obj.setdefault("kind", resource.kind)
        return obj

    # -- writes (kubectl inject apply): server-side apply, create, and a watch -------------------------

    def apply(self, resource: Resource, obj: Dict[str, Any], namespace: Optional[str], field_manager: str,
              dry_run: bool = False) -> Dict[str, Any]:
        """Server-side apply (`kubectl apply --server-side`): a PATCH of the whole object as an apply
        configuration, owned by `field_manager`; conflicts with another manager's fields are refused (409),
        never forced. `dry_run`: the server runs admission and validation, and persists nothing."""
        name = (obj.get("metadata") or {}).get("name")
        query = [("fieldManager", field_manager)] + ([("dryRun", "All")] if dry_run else [])
        return self._get(resource.path(namespace, name), query, "patch", resource, namespace, name,
                         method="PATCH", body=obj, content_type="application/apply-patch+yaml")

    def create(self, resource: Resource, obj: Dict[str, Any], namespace: Optional[str],
               dry_run: bool = False, field_manager: Optional[str] = None) -> Dict[str, Any]:
        query = ([("fieldManager", field_manager)] if field_manager else []) + ([("dryRun", "All")] if dry_run else [])
        name = (obj.get("metadata") or {}).get("name") or (obj.get("metadata") or {}).get("generateName")
        return self._get(resource.path(namespace), query, "create", resource, namespace, name,
                         method="POST", body=obj, content_type="application/json")

    def list_version(self, resource: Resource, namespace: Optional[str] = None) -> str:
        """The collection's current resourceVersion (one list of one item): where a watch starts so that it
        misses nothing created after this call."""
        body = self._get(resource.path(namespace), [("limit", "1")], "list", resource, namespace)
        return str((body.get("metadata") or {}).get("resourceVersion") or "")

    def watch_events(self, resource: Resource, namespace: Optional[str], resource_version: str, timeout: float,
                     field_selector: Optional[str] = None):
        """The watch events ({"type", "object"}) of a kind after `resource_version`, for up to `timeout` seconds
        (the server ends the watch then; so does the caller, by leaving the loop). A 410 Gone event ends it too:
        the caller then knows it has missed events."""
        import urllib3

        query = [("watch", "1"), ("resourceVersion", resource_version), ("allowWatchBookmarks", "false"),
                 ("timeoutSeconds", str(max(1, int(timeout + 0.999))))]
        if field_selector:
            query.append(("fieldSelector", field_selector))
        path = resource.path(namespace)
        started = time.monotonic()
        try:
            response = self._pool.request("GET", self._host + path + "?" + _urlencode(query),
                                          headers=self._headers(), preload_content=False, retries=False,
                                          timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT, read=timeout + 5))
        except urllib3.exceptions.HTTPError as e:
            self._record("watch", path, query, 0, started)
            raise Unreachable(self.connection, _reason(e)) from None
        self._record("watch", path, query, response.status, started)
        if response.status != 200:
            data = response.read()
            response.release_conn()
            raise _api_error(self.connection, response.status, "watch", resource, namespace,
                             _status_message(data) or "")
        return _WatchStream(response, self.connection)

    def resource_for(self, api_version: str, kind: str) -> Resource:
        """The REST resource of a kind, as kubectl finds it: the kinds the plugin knows by name, any other
        (Services, CRDs, ...) by one discovery request per group version (GET /apis/GROUP/VERSION)."""
        from .resources import KNOWN_KINDS, Resource

        known = KNOWN_KINDS.get((api_version, kind))
        if known is not None:
            return known
        cache = self.__dict__.setdefault("_discovered", {})
        if api_version not in cache:
            group, _, version = api_version.rpartition("/")
            path = f"/apis/{api_version}" if group else f"/api/{version}"
            probe = Resource(group, version, "", kind, False)
            try:
                body = self._get(path, [], "get", probe, None)
            except NotFound:
                body = {}
            cache[api_version] = {r.get("kind"): Resource(group, version, r.get("name", ""), r.get("kind", ""),
                                                          bool(r.get("namespaced")))
                                  for r in body.get("resources") or [] if "/" not in r.get("name", "/")}
        found = cache[api_version].get(kind)
        if found is None:
            raise LiveError(f'the server has no resource for kind "{kind}" in version "{api_version}" '
                            "(ensure CRDs are installed first)")
        return found

    def _get(self, path: str, query: List[Tuple[str, str]], verb: str, resource: Resource,
             namespace: Optional[str], name: Optional[str] = None, method: str = "GET",
             body: Optional[Dict[str, Any]] = None, content_type: Optional[str] = None) -> Dict[str, Any]:
        import urllib3

        headers = self._headers()
        payload = None
        if body is not None:
            headers["Content-Type"] = content_type or "application/json"
            payload = json.dumps(body).encode()
        timeout = self.connection.timeout
        url = self._url(path, query)
        started = time.monotonic()
        try:
            response = self._pool.request(
                method, url, headers=headers, body=payload, preload_content=True, retries=False,
                timeout=urllib3.Timeout(total=timeout) if timeout else urllib3.Timeout(connect=CONNECT_TIMEOUT))
        except urllib3.exceptions.HTTPError as e:
            self._record(verb, path, query, 0, started)
            raise Unreachable(self.connection, _reason(e)) from None
        status = response.status
        self._record(verb, path, query, status, started)
        data = response.data
        if 200 <= status < 300:
            try:
                return json.loads(data)
            except ValueError:
                raise ApiError(verb, resource, namespace, status, "the response is not JSON", name) from None
        message = _status_message(data) or (response.reason or "")
        raise _api_error(self.connection, status, verb, resource, namespace, message, name)

    def _headers(self):
        import urllib3

        headers = urllib3.HTTPHeaderDict()
        headers["Accept"] = "application/json"
        headers["User-Agent"] = self._user_agent
        for setting in self._configuration.auth_settings().values():   # bearer token, refreshed if it expires
            headers[setting["key"]] = setting["value"]
        if self.connection.impersonate_user:
            headers["Impersonate-User"] = self.connection.impersonate_user
            for group in self.connection.impersonate_groups:
                headers.add("Impersonate-Group", group)
            if getattr(self.connection, "impersonate_uid", None):
                headers["Impersonate-Uid"] = self.connection.impersonate_uid
        return headers

    def _url(self, path: str, query: List[Tuple[str, str]]) -> str:
        url = self._host + path
        if query:
            from urllib.parse import urlencode

            url += "?" + urlencode(query)
        return url

    # -- watches (kubectl inject watch) ----------------------------------------------------------------

    def current_version(self, resource: Resource, namespace: Optional[str] = None,
                        field_selector: Optional[str] = None) -> str:
        """The collection's resourceVersion now, to watch from (a one-item list: no need to read everything to
        learn where "now" is)."""
        query = [("limit", "1")] + ([("fieldSelector", field_selector)] if field_selector else [])
        body = self._get(resource.path(namespace), query, "list", resource, namespace)
        return str((body.get("metadata") or {}).get("resourceVersion") or "")

    def list_versioned(self, resource: Resource, namespace: Optional[str] = None,
                       field_selector: Optional[str] = None, label_selector: Optional[str] = None
                       ) -> Tuple[List[Dict[str, Any]], str]:
        """(items, the list's resourceVersion): every item, and where a watch continues from. Pages of one list
        share one snapshot, so the last page's resourceVersion is the list's."""
        items: List[Dict[str, Any]] = []
        token, version = None, ""
        while True:
            query = [("limit", str(PAGE_SIZE))]
            if label_selector:
                query.append(("labelSelector", label_selector))
            if field_selector:
                query.append(("fieldSelector", field_selector))
            if token:
                query.append(("continue", token))
            body = self._get(resource.path(namespace), query, "list", resource, namespace)
            for item in body.get("items") or []:
                item["apiVersion"] = resource.api_version     # list items come without them
                item["kind"] = resource.kind
                items.append(item)
            meta = body.get("metadata") or {}
            version = str(meta.get("resourceVersion") or version)
            token = meta.get("continue")
            if self.on_page is not None:
                self.on_page(resource, len(items))
            if not token:
                return items, version

    def watch(self, resource: Resource, namespace: Optional[str], resource_version: str,
              field_selector: Optional[str] = None, timeout_seconds: int = 240) -> WatchStream:
        """The changes after `resource_version`, as the API server streams them (one JSON event per line), with
        bookmarks. The server ends the stream after `timeout_seconds` (the caller resumes from the last version
        seen); a read waits a little longer than that, so a connection that silently died is noticed too.
        Raises Gone (410: list again), the other ApiErrors, or Unreachable."""
        import urllib3

        query = [("watch", "1"), ("allowWatchBookmarks", "true"), ("timeoutSeconds", str(timeout_seconds))]
        if resource_version:
            query.append(("resourceVersion", resource_version))
        if field_selector:
            query.append(("fieldSelector", field_selector))
        path = resource.path(namespace)
        started = time.monotonic()
        try:
            response = self._pool.request(
                "GET", self._url(path, query), headers=self._headers(), preload_content=False, retries=False,
                timeout=urllib3.Timeout(connect=self.connection.timeout or CONNECT_TIMEOUT, read=timeout_seconds + 30))
        except urllib3.exceptions.HTTPError as e:
            self._record("watch", path, query, 0, started)
            raise Unreachable(self.connection, _reason(e)) from None
        self._record("watch", path, query, response.status, started)
        if not 200 <= response.status < 300:
            data = response.read()
            response.release_conn()
            message = _status_message(data) or (response.reason or "")
            raise _api_error(self.connection, response.status, "watch", resource, namespace, message)
        return WatchStream(response, self.connection, resource, namespace)

    def _record(self, verb, path, query, status, started) -> None:
        ms = int((time.monotonic() - started) * 1000)
        shown = path + ("?" + "&".join(f"{k}={v}" for k, v in query if k != "continue") if query else "")
        self.calls.append((verb, shown, status, ms))
        if self.log is not None:
            method = {"patch": "PATCH", "create": "POST"}.get(verb, "GET")
            self.log(f"{method} {self._host}{shown} {status or 'failed'} in {ms} milliseconds"
                     + (" (the stream follows)" if verb == "watch" and status == 200 else ""))

    def list_calls(self) -> int:
        return sum(1 for verb, *_ in self.calls if verb == "list")


class WatchStream:
    """One watch response: iterate it for its events ({"type", "object"} dicts, BOOKMARKs included); `close()`
    from another thread ends the iteration (the socket is shut down, so a blocked read returns). An ERROR
    event is raised as its ApiError (410: Gone); a broken connection as Unreachable."""

    def __init__(self, response, connection: Connection, resource: Resource, namespace: Optional[str]):
        self._response = response
        self._connection = connection
        self._resource = resource
        self._namespace = namespace
        self.closed = False

    def __iter__(self):
        import urllib3

        buffer = b""
        try:
            for chunk in self._response.stream(64 * 1024, decode_content=True):
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    if line.strip():
                        yield self._event(line)
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as e:
            if self.closed:
                return
            raise Unreachable(self._connection, f"the watch of {self._resource.display} broke: {_reason(e)}") from None
        finally:
            self.close()
        if buffer.strip() and not self.closed:
            yield self._event(buffer)

    def _event(self, line: bytes) -> Dict[str, Any]:
        try:
            event = json.loads(line)
        except ValueError:
            raise Unreachable(self._connection, f"the watch of {self._resource.display} sent a line that is not "
                                                "JSON") from None
        if event.get("type") == "ERROR":
            status = event.get("object") or {}
            code = int(status.get("code") or 500)
            raise _api_error(self._connection, code, "watch", self._resource, self._namespace, status.get("message", ""))
        return event

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        shutdown = getattr(self._response, "shutdown", None)     # urllib3 >= 2.3: unblocks a read in progress
        try:
            if shutdown is not None:
                shutdown()
            self._response.close()
        except (OSError, ValueError, RuntimeError):   # RuntimeError: already back in the pool (read to the end)
            pass


_ERRORS = {401: Unauthorized, 403: Forbidden, 404: NotFound, 410: Gone}


def _api_error(connection: Connection, status: int, verb: str, resource: Resource, namespace: Optional[str],
               message: str, name: Optional[str] = None) -> ApiError:
    error = _ERRORS.get(status, ApiError)(verb, resource, namespace, status, message, name)
    return error.for_connection(connection) if isinstance(error, Unauthorized) else error


def _urlencode(query) -> str:
    from urllib.parse import urlencode

    return urlencode(query)


class _WatchStream:
    """A watch's events, one JSON object per line as the server streams them; closed when left."""

    def __init__(self, response, connection):
        self._response = response
        self._connection = connection

    def __iter__(self):
        import urllib3

        buffer = b""
        try:
            for chunk in self._response.stream(4096, decode_content=True):
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    if line.strip():
                        yield json.loads(line)
        except (urllib3.exceptions.HTTPError, OSError):
            return      # the server ended the watch (its timeout) or the connection dropped: the caller decides
        finally:
            self.close()

    def close(self) -> None:
        try:
            self._response.release_conn()
        except Exception:  # noqa: BLE001 - closing a dead connection
            pass


class _InClusterEnviron(dict):
    """What the client's in-cluster loader reads, from the resolved connection rather than os.environ."""

    def __init__(self, server: str):
        hostport = server[len("https://"):]
        host, _, port = hostport.rpartition(":")
        super().__init__(KUBERNETES_SERVICE_HOST=host.strip("[]"), KUBERNETES_SERVICE_PORT=port)


def _status_message(data: bytes) -> str:
    """The `message` of a metav1.Status body, which is what kubectl prints after `Error from server`."""
    try:
        body = json.loads(data)
    except ValueError:
        return data.decode("utf-8", "replace").strip()[:200]
    return body.get("message", "") if isinstance(body, dict) else ""


def _reason(e: Exception) -> str:
    """The underlying cause of a urllib3 failure, in a few words (connection refused, timeout, TLS)."""
    reason = getattr(e, "reason", None) or e
    text = str(reason)
    if "certificate verify failed: " in text:    # what failed: the issuer, or the name (--tls-server-name)
        detail = text.split("certificate verify failed: ", 1)[1].split(" (_ssl.c")[0].rstrip(". ")
        return f"certificate verify failed: {detail}"
    for marker in ("Connection refused", "timed out", "Name or service not known", "No route to host",
                   "certificate verify failed", "Temporary failure in name resolution", "Network is unreachable"):
        if marker in text:
            return {"timed out": "the connection timed out"}.get(marker, marker[0].lower() + marker[1:])
    return text.split(": ", 1)[-1] if ": " in text else text
