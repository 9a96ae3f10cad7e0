"""Mesh config and proxy config as istiod and istioctl load them (pkg/config/mesh/mesh.go).

The `mesh` key of the `istio[-<rev>]` ConfigMap only lists what differs from Istio's built-in defaults;
`ApplyMeshConfig` lays it over `DefaultMeshConfig()`: top-level fields replace, `defaultConfig` is merged
field by field onto `DefaultProxyConfig()` (proxyMetadata key by key), `defaultProviders` merged,
`extensionProviders` merged by name after the three built-in ones, trust domain aliases unioned and sorted.
The pod annotation `proxy.istio.io/config` is merged the same way onto the proxy config.

Every message is made with the descriptor table of the Istio line (proto_schemas.schema_for(release)):
the loaders take the release, and whatever derives from an existing message keeps that message's table.
"""

from ..depth import BEYOND, too_deep
from .. import yamlio
from .proto.decode import ProtoError, apply_json
from .proto.message import Duration, Message, Wrapper
from .proto_schemas import schema_for

MESH = "istio.mesh.v1alpha1.MeshConfig"
PROXY = "istio.mesh.v1alpha1.ProxyConfig"
_EP = "istio.mesh.v1alpha1.MeshConfig.ExtensionProvider"
_BOOL = "google.protobuf.BoolValue"


class MeshConfigError(ValueError):
    """The mesh config (or a proxy config annotation) does not load; the message follows Istio's."""


def default_proxy_config(schema=None):
    return Message(PROXY, schema=schema, values={
        "config_path": "./etc/istio/proxy",
        "binary_path": "/usr/local/bin/envoy",
        "service_cluster": "istio-proxy",
        "drain_duration": Duration(45),
        "discovery_address": "istiod.istio-system.svc:15012",
        "proxy_admin_port": 15000,
        "control_plane_auth_policy": 1,  # MUTUAL_TLS
        "stat_name_length": 189,
        "status_port": 15020,
        "termination_drain_duration": Duration(5),
    })


def default_mesh_config(schema=None, release=None):
    s = schema or schema_for(release)

    def msg(full, values=None):
        return Message(full, values, s)

    def provider(name, field, value):
        return msg(_EP, {"name": name, field: value})

    return msg(MESH, {
        "proxy_listen_port": 15001,
        "proxy_inbound_listen_port": 15006,
        "connect_timeout": Duration(10),
        "protocol_detection_timeout": Duration(0),
        "ingress_class": "istio",
        "ingress_service": "istio-ingressgateway",
        "ingress_controller_mode": 2,  # STRICT
        "enable_tracing": True,
        "default_config": default_proxy_config(s),
        "outbound_traffic_policy": msg(MESH + ".OutboundTrafficPolicy", {"mode": 1}),  # ALLOW_ANY
        "inbound_traffic_policy": msg(MESH + ".InboundTrafficPolicy"),  # PASSTHROUGH (0)
        "enable_auto_mtls": Wrapper(_BOOL, True),
        "trust_domain": "cluster.local",
        "default_service_export_to": ["*"],
        "default_virtual_service_export_to": ["*"],
        "default_destination_rule_export_to": ["*"],
        "root_namespace": "istio-system",
        "locality_lb_setting": msg("istio.networking.v1alpha3.LocalityLoadBalancerSetting",
                                   {"enabled": Wrapper(_BOOL, True)}),
        "dns_refresh_rate": Duration(60),
        "enable_prometheus_merge": Wrapper(_BOOL, True),
        "default_providers": msg(MESH + ".DefaultProviders"),
        "extension_providers": [
            provider("prometheus", "prometheus", msg(_EP + ".PrometheusMetricsProvider")),
            provider("stackdriver", "stackdriver", msg(_EP + ".StackdriverProvider")),
            provider("envoy", "envoy_file_access_log",
                     msg(_EP + ".EnvoyFileAccessLogProvider", {"path": "/dev/stdout"})),
        ],
    })


def _yaml_to_json(text, what):
    try:
        data = yamlio.load(text) if text and text.strip() else None
    except yamlio.YAMLSyntaxError as e:
        raise MeshConfigError("%s: error converting YAML to JSON: yaml: %s" % (what, e)) from None
    if too_deep(data) is not None:
        raise MeshConfigError("%s: %s" % (what, BEYOND))
    return data


def merge_proxy_config(data, pc):
    """mesh.MergeProxyConfig with an already-parsed document: apply onto pc in place, merge proxyMetadata."""
    orig_meta = pc.get("proxy_metadata")
    orig_headers = pc.get("proxy_headers")
    try:
        apply_json(pc, data)
    except ProtoError as e:
        raise MeshConfigError("could not parse proxy config: %s" % e) from None
    new_meta = pc.get("proxy_metadata")
    if orig_meta is not None or new_meta is not None:
        merged = dict(orig_meta or {})
        merged.update(new_meta or {})
        pc.set("proxy_metadata", merged)
    headers = pc.get("proxy_headers")
    if headers is not None and orig_headers is not None:
        for f in ("forwarded_client_cert", "request_id", "attempt_count", "server", "envoy_debug_headers"):
            if headers.get(f) is None and orig_headers.get(f) is not None:
                headers.set(f, orig_headers.get(f))
    return pc


def apply_mesh_config(text, base=None, release=None):
    """mesh.ApplyMeshConfig(text, base or DefaultMeshConfig()); returns a new MeshConfig message (on the
    table of `base`, else of `release`)."""
    mc = (base or default_mesh_config(release=release)).clone()
    schema = mc.schema
    raw = _yaml_to_json(text, "failed to convert to proto.")
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise MeshConfigError("failed to convert to proto.: json: cannot unmarshal %s into Go value of type "
                              "map[string]json.RawMessage" % type(raw).__name__)
    prev_pc = mc.get("default_config")
    prev_dp = mc.get("default_providers")
    prev_ep = mc.get("extension_providers") or []
    prev_aliases = mc.get("trust_domain_aliases") or []
    mc.set("default_config", default_proxy_config(schema))
    try:
        apply_json(mc, raw)
    except ProtoError as e:
        raise MeshConfigError("failed to convert to proto.: %s" % e) from None
    mc.set("default_config", prev_pc)
    pc_raw = raw.get("defaultConfig")
    if pc_raw is not None:
        mc.set("default_config", merge_proxy_config(pc_raw, prev_pc if prev_pc is not None
                                                    else Message(PROXY, schema=schema)))
    mc.set("default_providers", prev_dp)
    dp_raw = raw.get("defaultProviders")
    if dp_raw is not None:
        if prev_dp is None:
            prev_dp = Message(MESH + ".DefaultProviders", schema=schema)
            mc.set("default_providers", prev_dp)
        try:
            apply_json(prev_dp, dp_raw)
        except ProtoError as e:
            raise MeshConfigError("could not parse default providers: %s" % e) from None
    new_ep = mc.get("extension_providers") or []
    merged_ep = list(prev_ep)
    for p in new_ep if new_ep is not prev_ep else []:
        for e in merged_ep:
            if e.get("name", "") == p.get("name", ""):
                for member in _provider_fields(schema):
                    e.v.pop(member, None)
                for member in _provider_fields(schema):
                    if member in p.v:
                        e.v[member] = p.v[member]
                break
        else:
            merged_ep.append(p)
    mc.set("extension_providers", merged_ep)
    aliases = sorted(set((mc.get("trust_domain_aliases") or []) + list(prev_aliases)))
    mc.set("trust_domain_aliases", aliases)
    from .validate_config import mesh_config_text

    problem = mesh_config_text(mc)
    if problem:
        raise MeshConfigError(problem)
    return mc


def _provider_fields(schema):
    return [f.name for f in schema.descriptor(_EP).fields if f.oneof == "provider"]


def apply_proxy_config_annotation(text, mc):
    """mesh.ApplyProxyConfig: a copy of mc whose defaultConfig has the annotation YAML merged in."""
    mc = mc.clone()
    raw = _yaml_to_json(text, "could not parse proxy config")
    pc = mc.get("default_config")
    if pc is None:
        pc = Message(PROXY, schema=mc.schema)
    mc.set("default_config", merge_proxy_config(raw, pc))
    return mc


def proxy_config_from_annotation(text, schema=None):
    """proxyConfigFromAnnotation: the annotation alone, decoded into an empty ProxyConfig."""
    raw = _yaml_to_json(text, "could not parse proxy config")
    try:
        return apply_json(Message(PROXY, schema=schema), raw)
    except ProtoError as e:
        raise MeshConfigError(str(e)) from None


def _to_yaml_roundtrip(pc):
    """protomarshal.ToYAML then YAML->JSON: what mergeWithPrecedence feeds to MergeProxyConfig."""
    import json

    from .proto.encode import to_jsonpb

    return json.loads(to_jsonpb(pc))


def effective_proxy_config(mc, annotations, cache=None):
    """The webhook's proxy config for a pod without ProxyConfig resources (model.EffectiveProxyConfig):
    DefaultProxyConfig <- mesh defaultConfig <- annotation `proxy.istio.io/config` (ignored if unparsable).
    Kept in `cache` (an EngineCache) per mesh config object and annotation value; callers must not mutate
    the result."""
    if cache is None:
        return _effective(mc, annotations)
    return cache.recall_for(("proxy-config", annotations.get("proxy.istio.io/config")), mc,
                            lambda: _effective(mc, annotations))


def _effective(mc, annotations):
    schema = mc.schema
    effective = Message(PROXY, schema=schema)
    layers = [default_proxy_config(schema), mc.get("default_config")]
    value = annotations.get("proxy.istio.io/config")
    if value is not None:
        try:
            layers.append(proxy_config_from_annotation(value, schema))
        except MeshConfigError:
            pass
    for layer in layers:
        if layer is None:
            continue
        try:
            merge_proxy_config(_to_yaml_roundtrip(layer), effective)
        except MeshConfigError:
            pass
    return effective


def clean_proxy_config(pc):
    """cleanProxyConfig (template.go): drop fields equal to DefaultProxyConfig() before protoToJSON."""
    pc = pc.clone()
    d = default_proxy_config(pc.schema)
    for f in ("config_path", "binary_path", "control_plane_auth_policy", "discovery_address",
              "proxy_admin_port", "stat_name_length", "status_port"):
        if pc.get(f) == d.get(f):
            pc.set(f, None)
    if "service_cluster" in pc.v and pc.get("service_cluster") == d.get("service_cluster"):
        pc.set("service_cluster", None)
    for f in ("drain_duration", "termination_drain_duration", "envoy_metrics_service",
              "envoy_access_log_service", "tracing", "concurrency"):
        if pc.get(f) == d.get(f):
            pc.set(f, None)
    if not pc.get("proxy_metadata"):
        pc.set("proxy_metadata", None)
    return pc


def inbound_traffic_policy_mode(mc):
    itp = mc.get("inbound_traffic_policy")
    mode = itp.get("mode", 0) if itp is not None else 0
    return "localhost" if mode == 1 else "passthrough"


def mesh_of(config, release, cache, fallback=False):
    """The configuration's mesh config as `release` decodes it (its istio.io/api fields), kept in `cache`
    (an EngineCache) per release line.  When it does not load: with `fallback`, Istio's defaults (istiod's
    mesh watcher logs "invalid mesh config, using last known state" and, with none, uses the defaults);
    else TemplateRenderError, field `mesh` (istioctl kube-inject stops on a mesh it cannot read)."""
    import json

    from ..errors import SourcePos, TemplateRenderError

    source = config.mesh

    def decode():   # the message or the error: either is kept
        try:
            if source is None:
                return default_mesh_config(release=release)
            if isinstance(source, str):
                return apply_mesh_config(source, release=release)
            return apply_mesh_config(json.dumps(source), release=release)
        except MeshConfigError as e:
            return e

    line = schema_for(release).name
    if source is None or isinstance(source, str):
        got = cache.recall(("mesh", line, source), decode)
    else:
        got = cache.recall_for(("mesh", line), source, decode)
    if isinstance(got, MeshConfigError):
        if fallback:
            return cache.recall(("mesh", line, None), lambda: default_mesh_config(release=release))
        raise TemplateRenderError(str(got), pos=SourcePos("mesh"))
    return got


def hold_application(mc, annotations, values):
    """HoldApplicationUntilProxyStarts as the webhook reads it for reorderPod: the mesh's defaultConfig with
    the pod's `proxy.istio.io/config` applied, or values.global.proxy's.  Raises MeshConfigError for an
    annotation that does not apply."""
    value = annotations.get("proxy.istio.io/config")
    if value is not None:
        mc = apply_proxy_config_annotation(value, mc)
    pc = mc.get("default_config")
    hold = pc.get("hold_application_until_proxy_starts") if pc is not None else None
    return bool(hold is not None and hold.value) or values.hold_application_until_proxy_starts()
