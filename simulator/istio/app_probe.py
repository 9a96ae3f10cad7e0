"""Probe rewriting (app_probe.go, and webhook.go's applyRewrite that drives it).

With rewriteAppHTTPProbers on, the application's HTTP/TCP/gRPC probes (and, where the release does it,
lifecycle handlers) are pointed at the sidecar's status port under /app-health/<container>/... and
/app-lifecycle/<container>/..., and the original probes are handed to the sidecar as JSON in
ISTIO_KUBE_APP_PROBERS.  Pods are canonical JSON dicts; functions mutate them in place.
"""

from ..depth import json_loads
from ..kube.typed.jsontext import go_json_dumps
from ..kube.typed.roundtrip import roundtrip_pod
from .postprocess import PROXY, STATUS, _meta, _parse_bool, find_in_pod


def _prober_urls(name):
    return ("/app-health/%s/readyz" % name, "/app-health/%s/livez" % name, "/app-health/%s/startupz" % name,
            "/app-lifecycle/%s/prestopz" % name, "/app-lifecycle/%s/poststartz" % name)


def _internal_prober(probe, lifecycle=False):
    if probe is None:
        return None
    for key in ("httpGet", "tcpSocket") + (() if lifecycle else ("grpc",)):
        if probe.get(key) is not None:
            p = {key: dict(probe[key])}
            if not lifecycle and probe.get("timeoutSeconds"):
                p["timeoutSeconds"] = probe["timeoutSeconds"]
            return p
    return None


def _update_named_port(p, ports, target):
    if p is None:
        return None
    if "grpc" in p:
        return p
    key = "httpGet" if "httpGet" in p else "tcpSocket"
    port = p[key].get("port", 0)
    if isinstance(port, str):
        if port not in ports:
            return None
        p[key]["port"] = ports[port]
    elif port == target:
        return None
    return p


def dump_app_probers(pod, target, lifecycle=True):
    out = {}
    spec = pod.get("spec") or {}
    for c in list(spec.get("initContainers") or []) + list(spec.get("containers") or []):
        name = c.get("name", "")
        if name == PROXY:
            continue
        readyz, livez, startupz, prestopz, poststartz = _prober_urls(name)
        ports = {p["name"]: p.get("containerPort", 0) for p in c.get("ports") or [] if p.get("name")}
        for url, probe in ((readyz, c.get("readinessProbe")), (livez, c.get("livenessProbe")),
                           (startupz, c.get("startupProbe"))):
            h = _update_named_port(_internal_prober(probe), ports, target)
            if h is not None:
                out[url] = h
        lc = c.get("lifecycle") if lifecycle else None
        if lc is not None:
            for url, handler in ((prestopz, lc.get("preStop")), (poststartz, lc.get("postStart"))):
                h = _update_named_port(_internal_prober(handler, lifecycle=True), ports, target)
                if h is not None:
                    out[url] = h
    if not out:
        return ""
    return _probers_json(out)


def _probers_json(probers):
    parts = []
    for k in sorted(probers):
        p = probers[k]
        fields = []
        for key in ("httpGet", "tcpSocket", "grpc"):
            if p.get(key) is not None:
                fields.append('"%s":%s' % (key, go_json_dumps(p[key], sort_keys=False)))
        if p.get("timeoutSeconds"):
            fields.append('"timeoutSeconds":%d' % p["timeoutSeconds"])
        parts.append(go_json_dumps(k) + ":{" + ",".join(fields) + "}")
    return "{" + ",".join(parts) + "}"


def _canonical_prober(p):
    """A Prober decoded from JSON and ready to encode again (struct field order, typed values)."""
    out = {}
    if not isinstance(p, dict):
        return out
    for key in ("httpGet", "tcpSocket", "grpc"):
        v = p.get(key)
        if isinstance(v, dict):
            probe = roundtrip_pod({"spec": {"containers": [{"name": "x", "readinessProbe": {key: v}}]}})
            out[key] = probe["spec"]["containers"][0]["readinessProbe"][key]
    t = p.get("timeoutSeconds")
    if isinstance(t, (int, float)) and t:
        out["timeoutSeconds"] = int(t)
    return out


def _merge_or_append_probers(previously, env, probers, release):
    entry = {"name": "ISTIO_KUBE_APP_PROBERS", "value": probers}
    if not previously:
        env.append(entry)
        return env
    for i, e in enumerate(env):
        if e.get("name") == "ISTIO_KUBE_APP_PROBERS":
            try:
                existing = json_loads(e.get("value", ""))
                new = json_loads(probers)
                if not isinstance(existing, dict) or not isinstance(new, dict):
                    raise ValueError
            except (ValueError, TypeError):
                return env
            merged = {k: _canonical_prober(v) for k, v in new.items()}
            for k, v in existing.items():
                merged[k] = _canonical_prober(v)
            env[i] = {"name": "ISTIO_KUBE_APP_PROBERS", "value": _probers_json(merged)}
            return env
    if release.probers_append_when_missing:
        env.append(entry)
    return env


def _rewrite_http(action, url, port):
    action["port"] = port
    action["path"] = url
    if action.get("scheme") == "HTTPS":
        action["scheme"] = "HTTP"


def _convert_probe(probe, url, port, lifecycle=False):
    if probe is None:
        return None
    p = dict(probe)
    if p.get("httpGet") is not None:
        p["httpGet"] = dict(p["httpGet"])
        _rewrite_http(p["httpGet"], url, port)
        return p
    if p.get("tcpSocket") is not None:
        p["httpGet"] = {}
        _rewrite_http(p["httpGet"], url, port)
        del p["tcpSocket"]
        return p
    if not lifecycle and p.get("grpc") is not None:
        p["httpGet"] = {}
        _rewrite_http(p["httpGet"], url, port)
        del p["grpc"]
        return p
    return None


def patch_rewrite_probe(annotations, pod, default_port, lifecycle=True):
    status_port = default_port
    if "status.sidecar.istio.io/port" in annotations:
        v = annotations["status.sidecar.istio.io/port"]
        try:
            status_port = int(v) if v.strip() == v and v.lstrip("+-").isdigit() else 0
        except ValueError:
            status_port = 0
    spec = pod.get("spec") or {}
    for key in ("containers", "initContainers"):
        for c in spec.get(key) or []:
            if c.get("name", "") == PROXY:
                continue
            readyz, livez, startupz, prestopz, poststartz = _prober_urls(c.get("name", ""))
            for field, url in (("readinessProbe", readyz), ("livenessProbe", livez), ("startupProbe", startupz)):
                p = _convert_probe(c.get(field), url, status_port)
                if p is not None:
                    c[field] = p
            lc = c.get("lifecycle") if lifecycle else None
            if lc is not None:
                for field, url in (("preStop", prestopz), ("postStart", poststartz)):
                    p = _convert_probe(lc.get(field), url, status_port, lifecycle=True)
                    if p is not None:
                        lc[field] = p


def apply_rewrite(pod, values, mesh, release):
    sidecar = find_in_pod(PROXY, pod)
    if sidecar is None:
        return
    annotations = _meta(pod).get("annotations") or {}
    rewrite = values.rewrite_app_http_probe()
    if "sidecar.istio.io/rewriteAppHTTPProbers" in annotations:
        b = _parse_bool(annotations["sidecar.istio.io/rewriteAppHTTPProbers"])
        if b is not None:
            rewrite = b
    if not rewrite:
        return
    pc = mesh.get("default_config")
    target = pc.get("status_port", 0) if pc is not None else 0
    lifecycle = release.rewrites_lifecycle_handlers
    probers = dump_app_probers(pod, target, lifecycle)
    if probers:
        sidecar["env"] = _merge_or_append_probers(STATUS in annotations, list(sidecar.get("env") or []), probers,
                                                  release)
    patch_rewrite_probe(annotations, pod, target, lifecycle)
