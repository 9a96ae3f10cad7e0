"""Istio's work after the templates are merged (webhook.go), in its order.

`reapply_overwritten_containers` (user-supplied istio-proxy / istio-init win over the template, and are
remembered in `proxy.istio.io/overrides`), `adjust_init_container_user`, then `post_process`:
cluster/network env, Prometheus metrics merge (1.31: with scrape targets and port checks), the secure
metrics port annotation (1.31), probe rewriting (app_probe.py); then the status annotation, injected
annotations and container order, which every template engine gets (templates.py).  Pods are canonical JSON
dicts (what json.Marshal of a corev1.Pod gives); functions mutate them in place unless they say otherwise.
"""

import functools
import re

from ..depth import json_loads
from ..kube.strategicpatch import MergeError, strategic_merge
from ..kube.typed import TypedError
from ..kube.typed.jsontext import go_json_dumps
from ..kube.typed.roundtrip import roundtrip_pod
from .templates import INIT, PROXY, STATUS, VALIDATION, find_container

OVERRIDES = "proxy.istio.io/overrides"


class PostProcessError(ValueError):
    pass


def _spec(pod):
    return pod.setdefault("spec", {})


def _meta(pod):
    return pod.setdefault("metadata", {})


def find_in_pod(name, pod):
    spec = pod.get("spec") or {}
    return find_container(name, spec.get("containers")) or find_container(name, spec.get("initContainers"))


def _apply_overlay(pod, overlay):
    """applyContainer/applyInitContainer: SMP of a one-container pod onto the pod, then the typed decode."""
    try:
        merged = strategic_merge(pod, roundtrip_pod(overlay))
        return roundtrip_pod(merged)
    except (MergeError, TypedError) as e:
        raise PostProcessError("strategic merge: %s" % e) from None


def parse_status(value):
    """parseStatus: names of containers/initContainers listed in a previous status annotation."""
    try:
        st = json_loads(value)
    except ValueError:
        return [], []
    if not isinstance(st, dict):
        return [], []

    def names(key):
        v = st.get(key)
        if not isinstance(v, list):
            return []
        return [x for x in v if isinstance(x, str)]

    return names("containers"), names("initContainers")


def _parsed_containers(value):
    """json.Unmarshal of the overrides annotation into ParsedContainers (typed containers)."""
    try:
        raw = json_loads(value)
    except ValueError as e:
        raise PostProcessError(str(e)) from None
    if not isinstance(raw, dict):
        raise PostProcessError("json: cannot unmarshal %s into Go value of type inject.ParsedContainers"
                               % type(raw).__name__)
    pod = {"spec": {"containers": raw.get("containers"), "initContainers": raw.get("initContainers")}}
    try:
        spec = roundtrip_pod(pod)["spec"]
    except TypedError as e:
        raise PostProcessError(str(e)) from None
    return spec.get("containers") or [], spec.get("initContainers") or []


def reapply_overwritten_containers(final, original, template_pod, proxy_config):
    annotations = (original.get("metadata") or {}).get("annotations") or {}
    existing_c, existing_i = [], []
    if OVERRIDES in annotations:
        existing_c, existing_i = _parsed_containers(annotations[OVERRIDES])
    status_c, status_i = [], []
    already = STATUS in annotations
    if already:
        status_c, status_i = parse_status(annotations[STATUS])
    overrides_c, overrides_i = [], []
    tspec = template_pod.get("spec") or {}
    for c in tspec.get("containers") or []:
        name = c.get("name", "")
        if name in status_c:
            continue
        match = find_container(name, existing_c) or find_container(name, (original.get("spec") or {}).get("containers"))
        if match is None:
            continue
        overlay = dict(match)
        if overlay.get("image") == "auto":
            overlay.pop("image", None)
        overrides_c.append(overlay)
        final = _apply_overlay(final, {"spec": {"containers": [overlay]}})
    for c in tspec.get("initContainers") or []:
        name = c.get("name", "")
        if name in status_i:
            continue
        match = find_container(name, existing_i) or find_in_pod(name, original)
        if match is None:
            continue
        overlay = dict(match)
        if overlay.get("image") == "auto":
            overlay.pop("image", None)
        overrides_i.append(overlay)
        final = _apply_overlay(final, {"spec": {"containers": [], "initContainers": [overlay]}})
    if not already and (overrides_c or overrides_i):
        doc = {}
        if overrides_c:
            doc["containers"] = overrides_c
        if overrides_i:
            doc["initContainers"] = overrides_i
        _meta(final).setdefault("annotations", {})[OVERRIDES] = go_json_dumps(doc, sort_keys=False)
    adjust_init_container_user(final, original, proxy_config)
    return final


def adjust_init_container_user(final, original, proxy_config):
    user = find_in_pod(PROXY, original)
    if user is None:
        return
    sc = user.get("securityContext")
    if sc is None or ("runAsUser" not in sc and "runAsGroup" not in sc):
        return
    init = None
    for name in (INIT, VALIDATION):
        init = find_container(name, _spec(final).get("initContainers"))
        if init is not None:
            break
    if init is None:
        return
    tproxy = proxy_config is not None and proxy_config.get("interception_mode", 0) == 1
    if not tproxy and ((final.get("metadata") or {}).get("annotations") or {}).get(
            "sidecar.istio.io/interceptionMode") == "TPROXY":
        tproxy = True
    if tproxy and "runAsUser" in sc:
        sidecar = find_in_pod(PROXY, final)
        if sidecar is None:
            return
        ssc = sidecar.get("securityContext")
        if ssc is None or "runAsUser" not in ssc:
            raise PostProcessError("runtime error: invalid memory address or nil pointer dereference")
        ssc["runAsUser"] = 0
    if not tproxy and init.get("name") == VALIDATION:
        isc = init.setdefault("securityContext", {})
        if "runAsUser" in sc:
            isc["runAsUser"] = sc["runAsUser"]
        if "runAsGroup" in sc:
            isc["runAsGroup"] = sc["runAsGroup"]
    uid = sc.get("runAsUser")
    if uid is None or uid == 0:
        return
    args = init.get("args") or []
    for i, a in enumerate(args):
        if a == "-u":
            if i + 1 >= len(args):
                raise PostProcessError("runtime error: index out of range [%d] with length %d" % (i + 1, len(args)))
            args[i + 1] = "%d" % uid
            return


_NOT_LABEL_CHAR = re.compile(r"[^A-Za-z0-9_]")


@functools.lru_cache(maxsize=4096)
def _sanitize_label_name(name):
    """Prometheus' strutil.SanitizeLabelName: every character outside [A-Za-z0-9_] becomes '_'."""
    return _NOT_LABEL_CHAR.sub("_", name)


def _parse_bool(v):
    if v in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if v in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    return None


def _variants(annotations, sanitized):
    # Go ranges over the map in random order; the first variant in key order stands in for "any one".
    return [k for k in sorted(annotations) if _sanitize_label_name(k) == sanitized]


def overwrite_cluster_info(pod, proxy_envs):
    c = find_in_pod(PROXY, pod)
    if c is None or not proxy_envs:
        return
    env = [e for e in c.get("env") or [] if e.get("name", "") not in proxy_envs]
    for k in sorted(proxy_envs):
        e = {"name": k}
        if proxy_envs[k]:
            e["value"] = proxy_envs[k]
        env.append(e)
    c["env"] = env


_PROMETHEUS_CLEARED = ("prometheus_io_path", "prometheus_io_port", "prometheus_io_scrape")
_SCRAPE_TARGETS = "prometheus_istio_io_scrape_targets"
_SECURE_PORT = "prometheus_istio_io_secure_port"

#: Ports of the Istio data plane that metrics merging refuses to scrape (1.31, pilot-agent's status
#: package), with the reason its error message gives.
ISTIO_RESERVED_PORTS = {
    "15000": "Envoy admin",
    "15001": "outbound traffic capture",
    "15004": "pilot debug",
    "15006": "inbound traffic capture",
    "15008": "HBONE tunnel",
    "15020": "pilot-agent status / merged Prometheus",
    "15021": "Envoy health",
    "15053": "DNS proxy",
    "15090": "Envoy Prometheus (already merged)",
}


def prometheus_cleared(release):
    """The sanitized annotation names a metrics merge (and stripPod) removes."""
    return _PROMETHEUS_CLEARED + ((_SCRAPE_TARGETS,) if release is not None and release.prometheus_scrape_targets
                                  else ())


def parse_scrape_targets(raw):
    """`port:path` entries separated by commas; blank entries are skipped, a missing path is /metrics.
    Returns [(port, path)] or None when an entry has no port (the annotation is then ignored)."""
    from ..sprig.conv import go_trim_space

    targets = []
    for entry in raw.split(","):
        entry = go_trim_space(entry)
        if entry == "":
            continue
        port, sep, path = entry.partition(":")
        port = go_trim_space(port)
        if port == "":
            return None
        path = go_trim_space(path) if sep else ""
        targets.append((port, path or "/metrics"))
    return targets


def _check_scrape_port(port, agent_port, what, label):
    """The port checks of a 1.31 metrics merge: a number in 1..65535 (strconv.Atoi), not the agent's
    own port, not one the Istio data plane reserves."""
    from ..sprig.conv import StrconvError, parse_int
    from ..golang.strconv import go_quote

    try:
        n = parse_int(port, 10, 64, "Atoi")
    except StrconvError:
        n = 0
    if not 1 <= n <= 65535:
        raise PostProcessError("invalid prometheus %s: invalid %s %s" % (what, label, go_quote(port)))
    canon = str(n)
    if canon == agent_port:
        raise PostProcessError("invalid prometheus %s: %s %s conflicts with agent port" % (what, label, port))
    if canon in ISTIO_RESERVED_PORTS:
        raise PostProcessError("invalid prometheus %s: %s %s is reserved for Istio (%s) and cannot be scraped"
                               % (what, label, port, ISTIO_RESERVED_PORTS[canon]))


def _scrape_json(cfg, targets):
    out = go_json_dumps(cfg, sort_keys=False)
    if not targets:
        return out
    items = ",".join('{"port":%s,"path":%s}' % (go_json_dumps(port), go_json_dumps(path)) for port, path in targets)
    return out[:-1] + ',"targets":[' + items + "]}"


def apply_prometheus_merge(pod, mesh, release=None):
    annotations = _meta(pod).setdefault("annotations", {})
    scrape = True
    for k in _variants(annotations, "prometheus_io_scrape"):
        b = _parse_bool(annotations[k])
        if b is not None:
            scrape = b
            break
    if not scrape:
        return
    merge = None
    if "prometheus.istio.io/merge-metrics" in annotations:
        merge = _parse_bool(annotations["prometheus.istio.io/merge-metrics"])
    if merge is None:
        w = mesh.get("enable_prometheus_merge")
        merge = w.value if w is not None else True
    if not merge:
        return
    target = str((mesh.get("default_config").get("status_port", 0)) if mesh.get("default_config") is not None else 0)
    ports = _variants(annotations, "prometheus_io_port")
    if ports and annotations[ports[0]] == target:
        return
    with_targets = release is not None and release.prometheus_scrape_targets
    cfg = {"scrape": "", "path": "", "port": ""}
    targets = []
    for k in sorted(annotations):
        s = _sanitize_label_name(k)
        if s == "prometheus_io_port":
            cfg["port"] = annotations[k]
        elif s == "prometheus_io_scrape":
            cfg["scrape"] = annotations[k]
        elif s == "prometheus_io_path":
            cfg["path"] = annotations[k]
        elif s == _SCRAPE_TARGETS and with_targets:
            parsed = parse_scrape_targets(annotations[k])
            if parsed is not None:
                targets = parsed
    if targets:
        # Agents that predate scrape targets still find the first one in port/path.
        cfg["port"], cfg["path"] = targets[0]
        for port, _ in targets:
            _check_scrape_port(port, target, "scrape targets", "target port")
    elif with_targets and cfg["port"] != "":
        _check_scrape_port(cfg["port"], target, "scrape configuration", "port")
    sidecar = find_in_pod(PROXY, pod)
    if sidecar is not None and (targets or cfg != {"scrape": "", "path": "", "port": ""}):
        sidecar.setdefault("env", []).append({"name": "ISTIO_PROMETHEUS_ANNOTATIONS",
                                              "value": _scrape_json(cfg, targets)})
    cleared = prometheus_cleared(release)
    for k in [k for k in annotations if _sanitize_label_name(k) in cleared]:
        del annotations[k]
    annotations["prometheus.io/port"] = target
    annotations["prometheus.io/path"] = "/stats/prometheus"
    annotations["prometheus.io/scrape"] = "true"


def apply_secure_metrics_port(pod):
    """1.31: advertise the proxy's secure merged-metrics port (ENVOY_SECURE_MERGED_METRICS_PORT) in
    prometheus.istio.io/secure-port, unless the pod already carries a spelling of that annotation."""
    annotations = _meta(pod).setdefault("annotations", {})
    if _variants(annotations, _SECURE_PORT):
        return
    sidecar = find_in_pod(PROXY, pod)
    if sidecar is None:
        return
    for e in sidecar.get("env") or []:
        value = e.get("value", "")
        if e.get("name", "") == "ENVOY_SECURE_MERGED_METRICS_PORT" and value not in ("", "0"):
            annotations["prometheus.istio.io/secure-port"] = value
            return
