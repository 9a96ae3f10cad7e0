"""Annotation validation before rendering (pkg/kube/inject/validate.go): any failure rejects the pod.

Istio validates every annotation it knows, collects all failures in a go-multierror, and refuses the pod
with that text.  Go ranges over the annotation map in random order; the failures are listed here in
annotation-name order.
"""

import re

from ..kube.typed import TypedError
from ..kube.typed.quantity import canonical_quantity

_INTERFACE = re.compile(r"^[a-zA-Z][a-zA-Z0-9_.\-]*$")


class _Invalid(Exception):
    pass


def _parse_uint(text, bits):
    if not re.match(r"^[0-9]+$", text or ""):
        raise _Invalid('strconv.ParseUint: parsing %s: invalid syntax' % _goq(text))
    if int(text) >= 1 << bits:
        raise _Invalid('strconv.ParseUint: parsing %s: value out of range' % _goq(text))
    return int(text)


def _goq(s):
    from ..golang.strconv import go_quote

    return go_quote(s)


def _parse_port(text):
    t = text.strip()
    try:
        return _parse_uint(t, 16)
    except _Invalid as e:
        raise _Invalid("failed parsing port %s: %s" % (_sq(text), e)) from None


def _sq(s):
    return "'" + s + "'"


def _parse_ports(text):
    text = text.strip()
    out = []
    if text:
        for p in text.split(","):
            try:
                out.append(_parse_port(p))
            except _Invalid as e:
                raise _Invalid("failed parsing port %s: %s" % (_sq(p), e)) from None
    return out


def _port_list(name):
    def check(v):
        try:
            _parse_ports(v)
        except _Invalid as e:
            raise _Invalid("%s invalid: %s" % (name, e)) from None
    return check


def _cidrs(v):
    if v:
        import ipaddress    # ~2 ms: only annotations that list CIDRs need it

        for cidr in v.split(","):
            if "/" not in cidr:
                raise _Invalid("failed parsing cidr %s: netip.ParsePrefix(%s): no '/'" % (_sq(cidr), _goq(cidr)))
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError as e:
                raise _Invalid("failed parsing cidr %s: netip.ParsePrefix(%s): %s" % (_sq(cidr), _goq(cidr), e)) \
                    from None


def _include_ip_ranges(v):
    if v != "*":
        try:
            _cidrs(v)
        except _Invalid as e:
            raise _Invalid("includeIPRanges invalid: %s" % e) from None


def _exclude_ip_ranges(v):
    try:
        _cidrs(v)
    except _Invalid as e:
        raise _Invalid("excludeIPRanges invalid: %s" % e) from None


def _include_inbound_ports(v):
    if v != "*":
        _port_list("includeInboundPorts")(v)


def _interception_mode(v):
    if v not in ("REDIRECT", "TPROXY", "NONE"):
        raise _Invalid("interceptionMode invalid, use REDIRECT,TPROXY,NONE: %s" % v)


def _status_port(v):
    try:
        _parse_port(v)
    except _Invalid as e:
        raise _Invalid("excludeInboundPorts invalid: %s" % e) from None


def _uint32(v):
    _parse_uint(v, 32)


def _bool(v):
    if v not in ("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"):
        raise _Invalid("strconv.ParseBool: parsing %s: invalid syntax" % _goq(v))


def _interfaces(v):
    if not v:
        return
    for iface in v.split(","):
        iface = iface.strip()
        if not iface:
            raise _Invalid("empty interface name")
        if len(iface) > 15:
            raise _Invalid("interface name %s too long (max 15 chars)" % _goq(iface))
        if not _INTERFACE.match(iface):
            raise _Invalid("interface name %s contains invalid characters" % _goq(iface))


def _quantity(v):
    for c in v:
        if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F:
            raise _Invalid("value contains control characters")
    try:
        canonical_quantity(v)
    except (TypedError, ValueError) as e:
        raise _Invalid(str(e)) from None


def _proxy_config(release):
    """validateProxyConfig: the annotation decoded onto DefaultProxyConfig() with the line's istio.io/api
    fields (fields it does not know are dropped, so they cannot fail), then the agent's proxy config checks."""
    def check(v):
        from .mesh import MeshConfigError, default_proxy_config, merge_proxy_config, _yaml_to_json
        from .proto_schemas import schema_for

        try:
            pc = merge_proxy_config(_yaml_to_json(v, "failed to convert to apply proxy config"),
                                    default_proxy_config(schema_for(release)))
        except MeshConfigError as e:
            raise _Invalid("failed to convert to apply proxy config: %s" % e) from None
        from .validate_config import multierror_text, proxy_config_errors

        errors = proxy_config_errors(pc)
        if errors:
            raise _Invalid(multierror_text(errors))
    return check


def _checks(release):
    checks = {
        "sidecar.istio.io/interceptionMode": _interception_mode,
        "status.sidecar.istio.io/port": _status_port,
        "readiness.status.sidecar.istio.io/initialDelaySeconds": _uint32,
        "readiness.status.sidecar.istio.io/periodSeconds": _uint32,
        "readiness.status.sidecar.istio.io/failureThreshold": _uint32,
        "traffic.sidecar.istio.io/includeOutboundIPRanges": _include_ip_ranges,
        "traffic.sidecar.istio.io/excludeOutboundIPRanges": _exclude_ip_ranges,
        "traffic.sidecar.istio.io/includeInboundPorts": _include_inbound_ports,
        "traffic.sidecar.istio.io/excludeInboundPorts": _port_list("excludeInboundPorts"),
        "traffic.sidecar.istio.io/excludeOutboundPorts": _port_list("excludeOutboundPorts"),
        "prometheus.istio.io/merge-metrics": _bool,
        "proxy.istio.io/config": _proxy_config(release),
    }
    if release.validates_interfaces_and_quantities:
        for k in ("traffic.sidecar.istio.io/excludeInterfaces", "traffic.sidecar.istio.io/kubevirtInterfaces",
                  "istio.io/reroute-virtual-interfaces"):
            checks[k] = _interfaces
        for k in ("sidecar.istio.io/proxyCPU", "sidecar.istio.io/proxyMemory", "sidecar.istio.io/proxyCPULimit",
                  "sidecar.istio.io/proxyMemoryLimit"):
            checks[k] = _quantity
    else:
        checks["sidecar.istio.io/enableCoreDump"] = _bool
    return checks


def validate_annotations(annotations, release):
    """None when valid, else the go-multierror text Istio reports."""
    errors = []
    checks = _checks(release)
    for name in sorted(annotations):
        check = checks.get(name)
        if check is None:
            continue
        value = annotations[name]
        try:
            check(value)
        except _Invalid as e:
            errors.append("invalid value '%s' for annotation '%s': %s" % (value, name, e))
    if not errors:
        return None
    if len(errors) == 1:
        return "1 error occurred:\n\t* %s\n\n" % errors[0]
    return "%d errors occurred:\n\t%s\n\n" % (len(errors), "\n\t".join("* " + e for e in errors))
