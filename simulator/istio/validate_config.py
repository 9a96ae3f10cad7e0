"""The agent's checks of a decoded ProxyConfig / MeshConfig (pkg/config/validation/agent), as flat error lists.

Istio collects these failures with go-multierror: a prefixed nested error becomes one entry per inner error
("invalid connection settings: ..."), so a list of strings in Istio's check order is the whole state, and
multierror_text gives the text Istio prints.  Only errors are kept; warnings never stop an injection.
Checks on fields a line's istio.io/api lacks never fire there: the message simply has no such field.

Not reproduced yet (the simulator accepts what Istio would refuse): tracing tlsSettings (ValidateTLS) and
nil custom tags in a proxy config; in a mesh config, the locality LB, service settings, trust domain and
mesh TLS checks.
"""

import re

_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_MS = 1000000
_S = 1000000000
_INT64_MAX = (1 << 63) - 1


def multierror_text(errors):
    if len(errors) == 1:
        return "1 error occurred:\n\t* %s\n\n" % errors[0]
    return "%d errors occurred:\n\t%s\n\n" % (len(errors), "\n\t".join("* " + e for e in errors))


def _q(s):
    from ..golang.strconv import go_quote

    return go_quote(s)


def _nanos(d):
    """durationpb AsDuration: nil is 0, out-of-range values saturate."""
    if d is None:
        return 0
    n = d.seconds * _S + d.nanos
    return max(-_INT64_MAX - 1, min(_INT64_MAX, n))


def _duration(d):
    n = _nanos(d)
    if n < _MS:
        return "duration must be greater than 1ms"
    if n % _MS:
        return "only durations to ms precision are supported"
    return None


def _port(port):
    if 1 <= port <= 65535:
        return None
    return "port number %d must be in the range 1..65535" % port


def _split_host_port(hostport):
    """net.SplitHostPort; returns (host, port) or raises ValueError with Go's AddrError text."""
    def fail(why):
        raise ValueError(("address %s: %s" % (hostport, why)) if hostport else why)

    i = hostport.rfind(":")
    if i < 0:
        fail("missing port in address")
    j = k = 0
    if hostport[:1] == "[":
        end = hostport.find("]")
        if end < 0:
            fail("missing ']' in address")
        if end + 1 == len(hostport):
            fail("missing port in address")
        if end + 1 != i:
            fail("too many colons in address" if hostport[end + 1] == ":" else "missing port in address")
        host = hostport[1:end]
        j, k = 1, end + 1
    else:
        host = hostport[:i]
        if ":" in host:
            fail("too many colons in address")
    if "[" in hostport[j:]:
        fail("unexpected '[' in address")
    if "]" in hostport[k:]:
        fail("unexpected ']' in address")
    return host, hostport[i + 1:]


def _atoi(text):
    if not re.match(r"^[+-]?[0-9]+$", text):
        raise ValueError("strconv.Atoi: parsing %s: invalid syntax" % _q(text))
    n = int(text)
    if n > _INT64_MAX or n < -_INT64_MAX - 1:
        raise ValueError("strconv.Atoi: parsing %s: value out of range" % _q(text))
    return n


def _fqdn_ok(name):
    if len(name) > 255 or not name:
        return False
    parts = name.split(".")
    try:
        _atoi(parts[-1])
        return False
    except ValueError:
        pass
    for i, label in enumerate(parts):
        if i == len(parts) - 1 and label == "":
            return True
        if len(label) > 63 or not _DNS1123_LABEL.match(label):
            return False
    return True


def _ip_ok(text):
    import ipaddress    # ~2 ms to import: only addresses that are not host names get here

    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def proxy_address(addr):
    """ValidateProxyAddress: None when `host:port` is acceptable, else the error text."""
    try:
        host, p = _split_host_port(addr)
    except ValueError as e:
        return "unable to split %s: %s" % (_q(addr), e)
    try:
        port = _atoi(p)
    except ValueError as e:
        return "port (%s) is not a number: %s" % (p, e)
    problem = _port(port)
    if problem:
        return problem
    if not _fqdn_ok(host) and not _ip_ok(host):
        return "%s is not a valid hostname or an IP address" % _q(host)
    return None


def _prefixed(errors, prefix, inner):
    errors.extend(prefix + " " + e for e in inner)


def _wrapped(msg, name):
    w = msg.get(name) if msg is not None else None
    return None if w is None else w.value


def connection_settings_errors(cs):
    errs = []
    for name in ("listener_per_connection_buffer_limit_bytes", "cluster_per_connection_buffer_limit_bytes"):
        v = _wrapped(cs, name)
        if v is not None and v < 0:
            errs.append(name + " must be non-negative")
    for name in ("http_idle_timeout", "http_max_connection_duration", "http_drain_timeout", "http_request_timeout",
                 "http_request_headers_timeout", "http_stream_idle_timeout", "http_max_stream_duration"):
        d = cs.get(name)
        if d is not None and _nanos(d) < 0:
            errs.append(name + " must be non-negative")
    v = _wrapped(cs, "http_max_concurrent_streams")
    if v is not None and v <= 0:
        errs.append("http_max_concurrent_streams must be positive")
    for name in ("http2_initial_stream_window_size", "http2_initial_connection_window_size"):
        v = _wrapped(cs, name)
        if v is not None and v < 65535:
            errs.append(name + " must be at least 65535")
    for name in ("listener_connection_limit", "global_downstream_connection_limit"):
        v = _wrapped(cs, name)
        if v is not None and v <= 0:
            errs.append(name + " must be positive")
    return errs


def _lightstep(ls):
    errs = []
    addr = ls.get("address", "")
    if addr == "":
        errs.append("address is required")
    problem = proxy_address(addr)
    if problem:
        errs.append("invalid lightstep address: " + problem)
    if ls.get("access_token", "") == "":
        errs.append("access token is required")
    return errs


def _private_key_provider(pkp):
    errs = []
    which = next((n for n in ("cryptomb", "qat") if pkp.get(n) is not None), None)
    if which is None:
        return ["private key provider configuration is required", "unknown private key provider"]
    delay = pkp.get(which).get("poll_delay")
    if delay is None:
        errs.append("pollDelay is required")
    elif delay.seconds == 0 and delay.nanos == 0:
        errs.append("pollDelay must be non zero")
    return errs


def proxy_config_errors(pc):
    """ValidateMeshConfigProxyConfig's errors, in its order."""
    errs = []
    if pc.get("config_path", "") == "":
        errs.append("config path must be set")
    if pc.get("binary_path", "") == "":
        errs.append("binary path must be set")
    if pc.has("service_cluster"):
        if pc.get("service_cluster") == "":
            errs.append("service cluster must be specified")
    elif not pc.has("tracing_service_name"):
        errs.append("oneof service cluster or tracing service name must be specified")
    problem = _duration(pc.get("drain_duration"))
    if problem:
        errs.append("invalid drain duration: " + problem)
    elif _nanos(pc.get("drain_duration")) % _S:
        errs.append("drain time only supports durations to seconds precision")
    discovery = pc.get("discovery_address", "")
    if discovery == "":
        errs.append("discovery address must be set to the proxy discovery service")
    else:
        problem = proxy_address(discovery)
        if problem:
            errs.append("invalid discovery address: " + problem)
    tracing = pc.get("tracing")
    if tracing is not None:
        if tracing.get("lightstep") is not None:
            _prefixed(errs, "invalid lightstep config:", _lightstep(tracing.get("lightstep")))
        for name in ("zipkin", "datadog"):
            if tracing.get(name) is not None:
                problem = proxy_address(tracing.get(name).get("address", "").replace("$(HOST_IP)", "127.0.0.1", 1))
                if problem:
                    errs.append("invalid %s config: %s" % (name, problem))
    for name, label in (("statsd_udp_address", "statsd udp address"),
                        ("envoy_metrics_service_address", "envoy metrics service address")):
        addr = pc.get(name, "")
        if addr:
            problem = proxy_address(addr)
            if problem:
                errs.append("invalid %s %s: %s" % (label, _q(addr), problem))
    for name, label in (("envoy_metrics_service", "envoy metrics service address"),
                        ("envoy_access_log_service", "envoy access log service address")):
        svc = pc.get(name)
        addr = svc.get("address", "") if svc is not None else ""
        if addr:
            problem = proxy_address(addr)
            if problem:
                errs.append("invalid %s %s: %s" % (label, _q(addr), problem))
    problem = _port(pc.get("proxy_admin_port", 0))
    if problem:
        errs.append("invalid proxy admin port: " + problem)
    policy = pc.get("control_plane_auth_policy", 0)
    if policy not in (0, 1):
        from .proto.message import Enum

        name = Enum("istio.mesh.v1alpha1.AuthenticationPolicy", policy, pc.schema).name()
        errs.append("invalid authentication policy: unrecognized control plane auth policy %s" % _q(name))
    problem = _port(pc.get("status_port", 0))
    if problem:
        errs.append("invalid status port: " + problem)
    if pc.get("private_key_provider") is not None:
        _prefixed(errs, "invalid private key provider configuration:",
                  _private_key_provider(pc.get("private_key_provider")))
    cs = pc.get("connection_settings")
    if cs is not None:
        _prefixed(errs, "invalid connection settings:", connection_settings_errors(cs))
    return errs


_TOPOLOGY_LABELS = ("topology.kubernetes.io/region", "topology.kubernetes.io/zone", "topology.istio.io/subzone")


def zone_aware_lb_errors(lb):
    """ValidateZoneAwareLbSetting with the mesh's (always present) empty outlier detection: errors only."""
    errs = []
    if lb is None:
        return errs
    for label in lb.get("failover_priority") or []:
        if label in _TOPOLOGY_LABELS:
            errs.append("'failover_priority' for zone aware lb must not use topology label '%s'; region- and "
                        "zone-level routing are handled automatically" % label)
    for f in lb.get("failover") or []:
        src, dst = f.get("from", ""), f.get("to", "")
        if src == dst:
            errs.append("zone aware lb failover settings must specify different regions")
        if "/" in src or "/" in dst:
            errs.append("zone aware lb failover only specifies region; zone and subzone failover are handled "
                        "automatically")
        if "*" in src or "*" in dst:
            errs.append("zone aware lb failover region should not contain '*' wildcard")
    return errs


def _add_duration(errs, d):
    problem = _duration(d)
    if problem:
        errs.append(problem)


def default_traffic_policy_errors(dtp):
    errs = []
    if dtp is None:
        return errs
    cp = dtp.get("connection_pool")
    if cp is not None:
        http, tcp = cp.get("http"), cp.get("tcp")
        if http is None and tcp is None:
            errs.append("connection pool must have at least one field")
        if http is not None:
            for name, text in (("http1_max_pending_requests", "http1 max pending requests"),
                               ("http2_max_requests", "http2 max requests"),
                               ("max_requests_per_connection", "max requests per connection"),
                               ("max_retries", "max retries"), ("max_concurrent_streams", "max concurrent streams")):
                if http.get(name, 0) < 0:
                    errs.append(text + " must be non-negative")
            if http.get("idle_timeout") is not None:
                _add_duration(errs, http.get("idle_timeout"))
            if http.get("h2_upgrade_policy", 0) == 2 and http.get("use_client_protocol", False):
                errs.append("use client protocol must not be true when H2UpgradePolicy is UPGRADE")
        if tcp is not None:
            if tcp.get("max_connections", 0) < 0:
                errs.append("max connections must be non-negative")
            for name in ("connect_timeout", "max_connection_duration"):
                if tcp.get(name) is not None:
                    _add_duration(errs, tcp.get(name))
            idle = tcp.get("idle_timeout")
            if idle is not None and int(_nanos(idle) / _MS) != 0:
                _add_duration(errs, idle)
            ka = tcp.get("tcp_keepalive")
            if ka is not None:
                for name in ("time", "interval"):
                    if ka.get(name) is not None:
                        _add_duration(errs, ka.get(name))
    od = dtp.get("outlier_detection")
    if od is not None:
        for name in ("base_ejection_time", "interval"):
            if od.get(name) is not None:
                _add_duration(errs, od.get(name))
        failures = od.get("consecutive_local_origin_failures")
        if not od.get("split_external_local_origin_errors", False) and failures is not None and failures.value > 0:
            errs.append("outlier detection consecutive local origin failures is specified, but split external "
                        "local origin errors is set to false")
        for name in ("max_ejection_percent", "min_health_percent"):
            v = od.get(name, 0)
            if v < 0 or v > 100:
                errs.append("percentage %d is not in range 0..100" % v)
    return errs


def _connect_timeout(d):
    problem = _duration(d)
    if problem:
        return problem
    n = _nanos(d)
    if n < _MS or n > 3600 * _S:
        from .proto.message import Duration, format_go_duration

        return "time %s must be >1ms and <1h0m0s" % format_go_duration(Duration(n // _S, n % _S))
    return None


def _piece(errors):
    """What one AppendValidation-built check contributes: nothing, a plain error, or a multierror."""
    if not errors:
        return None
    return ("plain", errors) if len(errors) == 1 else ("multi", errors)


def mesh_config_text(mc):
    """ValidateMeshConfig's error text, or None.  AppendValidation keeps a lone plain error as it is and
    only wraps errors in a multierror once a second one arrives (the proxy config checks always return a
    multierror), so a single failure may print with or without the "1 error occurred" frame."""
    pieces = []
    problem = _port(mc.get("proxy_listen_port", 0))
    if problem:
        pieces.append(("plain", ["invalid proxy listen port: " + problem]))
    problem = _connect_timeout(mc.get("connect_timeout"))
    if problem:
        pieces.append(("plain", ["invalid connect timeout: " + problem]))
    pdt = _nanos(mc.get("protocol_detection_timeout"))
    if pdt != 0 and pdt % _MS:
        pieces.append(("plain", ["invalid protocol detection timeout: only durations to ms precision are supported"]))
    pc = mc.get("default_config")
    if pc is None:
        pieces.append(("plain", ["missing default config"]))
    else:
        errors = proxy_config_errors(pc)
        if errors:
            pieces.append(("multi", errors))
    fields = mc.schema.descriptor(mc.full).by_key
    if "zone_aware_lb_setting" in fields:
        pieces.append(_piece(zone_aware_lb_errors(mc.get("zone_aware_lb_setting"))))
    if "default_traffic_policy" in fields:
        pieces.append(_piece(default_traffic_policy_errors(mc.get("default_traffic_policy"))))
    pieces = [p for p in pieces if p is not None]
    if not pieces:
        return None
    if len(pieces) == 1 and pieces[0][0] == "plain":
        return pieces[0][1][0]
    return multierror_text([e for _, errors in pieces for e in errors])
