"""Istio's template function map (`InjectionFuncmap`, pkg/kube/inject/template.go), on top of sprig.

Istio parses every injection template with `Funcs(sprig.TxtFuncMap()).Funcs(InjectionFuncmap)`, so these
functions override sprig's of the same name (`indent`, `contains`, `env`, `omit`).  Each is declared with
its Go signature (`gofunc`), so argument count and type errors read as Go's do.  The set depends on the
release: `omitNil` and `otelResourceAttributes` arrived after 1.24, and a template calling a function its
release lacks fails to parse there.
"""

import json

from ..depth import json_loads
from ..gotemplate.funcs import FuncError, gofunc
from ..gotemplate.values import MISSING, GoNilPointer, StringMap
from ..gotemplate import fmt as _fmt
from ..sprig.conv import go_lower, go_trim_space
from . import gojson
from ..yamlio.write import dump as _yaml_dump

__all__ = ["injection_funcs"]


class _NilStringMap(StringMap):
    """A nil map[string]string (mergeMaps with no arguments): encodes as JSON null."""


@gofunc("*durationpb.Duration", returns="string", name="formatDuration")
def format_duration(d):
    from .proto.message import Duration, format_go_duration

    if not isinstance(d, Duration):
        d = Duration(0, 0)
    return format_go_duration(d)


@gofunc("map[string]string", "string", returns="bool", name="isset")
def isset(m, key):
    return key in m


@gofunc("string", returns="string", name="directory")
def directory(path):
    i = path.rfind("/")
    return path[: i + 1]


@gofunc("string", "string", returns="bool", name="contains")
def flipped_contains(needle, haystack):
    return needle in haystack


def _split_ports(s):
    return s.split(",")


@gofunc("any", "string", returns="string", name="excludeInboundPort")
def exclude_inbound_port(port, excluded):
    port_str = go_trim_space(_fmt.sprint(port))
    if not port_str or port_str == "0":
        return excluded
    out = []
    for p in _split_ports(excluded):
        if p == port_str:
            return excluded
        p = go_trim_space(p)
        if p:
            out.append(p)
    out.append(port_str)
    return ",".join(out)


@gofunc("any", "any", returns="interface {}", name="valueOrDefault")
def value_or_default(value, default):
    if value is None or value is MISSING or (type(value) is str and value == ""):
        return default
    return value


@gofunc("map[string]string", returns="string", name="toJSON")
def to_json(m):
    if m is None or isinstance(m, _NilStringMap):
        return "{}"
    return gojson.marshal(m)


def _go_json_loads(text):
    """json.Unmarshal into interface{}: numbers become float64; Go rejects what Python would also accept."""

    def bad_constant(name):
        raise ValueError(name)

    return json.loads(text, parse_int=float, parse_constant=bad_constant)


@gofunc("string", returns="interface {}", name="fromJSON")
def from_json(text):
    try:
        return _go_json_loads(text)
    except (ValueError, RecursionError):
        return "{}"


@gofunc("any", returns="string", name="structToJSON")
def struct_to_json(v):
    if v is None or v is MISSING:
        return "{}"
    try:
        return gojson.marshal(v)
    except (ValueError, TypeError):
        return "{}"


@gofunc("any", returns="string", name="protoToJSON")
def proto_to_json(v):
    from .proto.encode import to_jsonpb
    from .proto.message import Message
    from .mesh import clean_proxy_config

    if v is None or v is MISSING:
        raise FuncError("invalid value; expected proto.Message")
    if isinstance(v, GoNilPointer):
        # A typed nil *ProxyConfig: cleanProxyConfig returns it, protomarshal.ToJSON then fails.
        return "{}"
    if not isinstance(v, Message):
        raise FuncError("wrong type for value; expected protoreflect.ProtoMessage; got %s"
                        % _fmt.sprintf("%T", v))
    if v.full == "istio.mesh.v1alpha1.ProxyConfig":
        v = clean_proxy_config(v)
    return to_jsonpb(v)


@gofunc("any", returns="string", name="toYaml")
def to_yaml(v):
    try:
        return _yaml_dump(gojson.to_json_value(v))
    except (ValueError, TypeError):
        return ""


@gofunc("int", "string", returns="string", name="indent")
def indent(spaces, source):
    pad = " " * abs(spaces)
    lines = source.split("\n")
    return "\n".join([lines[0]] + [pad + line for line in lines[1:]])


@gofunc("string", returns="string", name="toLower")
def to_lower(s):
    return go_lower(s)


def _split_qualified_name(s):
    parts = s.split("/")
    if len(parts) < 2:
        return "", s
    return parts[0], parts[1]


@gofunc("string", "string", returns="string", name="appendMultusNetwork")
def append_multus_network(existing, network):
    if existing == "":
        return network
    i = existing.rfind("]")
    if i != -1:
        try:
            networks = json_loads(existing)
            if not isinstance(networks, list) or not all(isinstance(n, dict) or n is None for n in networks):
                raise ValueError("not a list of objects")
        except ValueError:
            return existing
        ns, name = _split_qualified_name(network)
        for net in networks:
            if net is None:
                continue
            if net.get("name") == name and type(net.get("name")) is str:
                got = net.get("namespace")
                if got is None:
                    got = ""
                if type(got) is str and got == ns:
                    return existing
        if ns == "":
            add = ', {"name": "%s"}' % name
        else:
            add = ', {"name": "%s", "namespace": "%s"}' % (name, ns)
        return existing[:i] + add + existing[i:]
    for net in existing.split(","):
        if go_trim_space(net) == network:
            return existing
    return existing + ", " + network


def _ports_of(containers, include):
    parts = []
    for c in containers:
        if not include(c):
            continue
        for p in c.go_field("Ports"):
            if p.go_field("Protocol") in ("UDP", "SCTP"):
                continue
            parts.append(str(int(p.go_field("ContainerPort"))))
    return ",".join(parts)


@gofunc("[]v1.Container", returns="string", name="applicationPorts")
def application_ports(containers):
    return _ports_of(containers, lambda c: c.go_field("Name") != "istio-proxy")


@gofunc("[]v1.Container", returns="string", name="includeInboundPorts")
def include_inbound_ports(containers):
    return _ports_of(containers, lambda c: True)


@gofunc("string", returns="string", name="kubevirtInterfaces")
def kubevirt_interfaces(s):
    return s


@gofunc("string", returns="string", name="excludeInterfaces")
def exclude_interfaces(s):
    return s


@gofunc("map[string]string", variadic="string", returns="map[string]string", name="omit")
def omit(d, *keys):
    drop = set(keys)
    return StringMap({k: v for k, v in d.items() if k not in drop})


@gofunc(variadic="string", returns="map[string]string", name="strdict")
def strdict(*v):
    out = StringMap()
    for i in range(0, len(v), 2):
        out[v[i]] = v[i + 1] if i + 1 < len(v) else ""
    return out


@gofunc(variadic="map[string]string", returns="map[string]string", name="mergeMaps")
def merge_maps(*maps):
    if not maps:
        return _NilStringMap()
    out = StringMap()
    for m in maps:
        out.update(m)
    return out


@gofunc(variadic="map[string]string", returns="string", name="toJsonMap")
def to_json_map(*maps):
    merged = merge_maps(*maps)
    if isinstance(merged, _NilStringMap):
        return "null"
    return gojson.marshal(merged)


def _omit_nil_internal(v):
    if v is None or v is MISSING:
        return None, True
    if type(v) is dict:
        for val in v.values():
            if _omit_nil_internal(val)[1]:
                out = {}
                for k2, v2 in v.items():
                    f = _omit_nil_internal(v2)[0]
                    if f is not None:
                        out[k2] = f
                if not out:
                    return None, True
                return out, True
        return v, False
    if type(v) is list:
        for i, val in enumerate(v):
            if _omit_nil_internal(val)[1]:
                out = list(v[:i])
                for x in v[i:]:
                    f = _omit_nil_internal(x)[0]
                    if f is not None:
                        out.append(f)
                if not out:
                    return None, True
                return out, True
        return v, False
    return v, False


@gofunc("any", returns="interface {}", name="omitNil")
def omit_nil(v):
    return _omit_nil_internal(v)[0]


def _image_tag_digest(image):
    tag = digest = ""
    i = image.find("@")
    if i >= 0:
        digest = image[i + 1:]
        image = image[:i]
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:
        tag = image[colon + 1:]
    return tag, digest


@gofunc("*v1alpha1.MeshConfig", "map[string]string", "map[string]string", "string", "[]v1.Container",
        returns="string", name="otelResourceAttributes")
def otel_resource_attributes(mc, annotations, labels, namespace, containers):
    from .proto.message import Message

    enabled = False
    if isinstance(mc, Message):
        for ep in mc.get("extension_providers") or []:
            otel = ep.get("opentelemetry")
            if otel is not None and otel.get("service_attribute_enrichment", 0) == 1:
                enabled = True
                break
    if not enabled:
        return ""
    attrs = []
    v = annotations.get("resource.opentelemetry.io/service.namespace", "")
    if v:
        attrs.append("service.namespace=" + v)
    elif namespace:
        attrs.append("service.namespace=" + namespace)
    v = annotations.get("resource.opentelemetry.io/service.version", "")
    lv = labels.get("app.kubernetes.io/version", "")
    if v:
        attrs.append("service.version=" + v)
    elif lv:
        attrs.append("service.version=" + lv)
    elif len(containers) == 1:
        tag, digest = _image_tag_digest(containers[0].go_field("Image"))
        if tag and digest:
            attrs.append("service.version=" + tag + "@" + digest)
        elif digest:
            attrs.append("service.version=" + digest)
        elif tag:
            attrs.append("service.version=" + tag)
    v = annotations.get("resource.opentelemetry.io/service.instance.id", "")
    if v:
        attrs.append("service.instance.id=" + v)
    elif len(containers) > 0:
        attrs.append("service.instance.id=" + namespace + ".$(POD_NAME)." + containers[0].go_field("Name"))
    return ",".join(attrs)


def _annotation_func():
    @gofunc("v1.ObjectMeta", "string", "any", returns="string", name="annotation")
    def annotation(meta, name, default):
        annotations = meta.go_field("Annotations")
        if name in annotations:
            return annotations[name]
        return _fmt.sprint(default)

    return annotation


@gofunc("string", "string", returns="string", name="env", environ=True)
def env(environ, key, default):
    """os.Getenv(key), else default: `environ` is the environment of the process running the template
    (istiod's for the webhook, istioctl's for kube-inject), given to Template.execute."""
    v = environ.get(key, "")
    return v if v != "" else default


_COMMON = {
    "formatDuration": format_duration,
    "isset": isset,
    "excludeInboundPort": exclude_inbound_port,
    "includeInboundPorts": include_inbound_ports,
    "kubevirtInterfaces": kubevirt_interfaces,
    "excludeInterfaces": exclude_interfaces,
    "applicationPorts": application_ports,
    "valueOrDefault": value_or_default,
    "toJSON": to_json,
    "fromJSON": from_json,
    "structToJSON": struct_to_json,
    "protoToJSON": proto_to_json,
    "toYaml": to_yaml,
    "indent": indent,
    "directory": directory,
    "contains": flipped_contains,
    "toLower": to_lower,
    "appendMultusNetwork": append_multus_network,
    "omit": omit,
    "strdict": strdict,
    "toJsonMap": to_json_map,
    "mergeMaps": merge_maps,
    "env": env,
}
_SINCE_1_25 = {"omitNil": omit_nil, "otelResourceAttributes": otel_resource_attributes}


def injection_funcs(release=None):
    """The function map for templates of `release` (a Release, default: the newest supported).  The `env`
    function reads the environment the template is executed with (Template.execute(data, env=...))."""
    funcs = dict(_COMMON)
    funcs["annotation"] = _annotation_func()
    if release is None or release.at_least(1, 25):
        funcs.update(_SINCE_1_25)
    return funcs
