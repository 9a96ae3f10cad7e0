"""What Istio's 1.31 line (the master snapshot in parity.RELEASES) changed in injection, on inputs made for it.

Each case is one Deployment whose pod template carries the annotations under test; both the real
`istioctl kube-inject` and simulator.istio inject it with the same three configuration files
(tests/istio/parity.py: run_case), for every line in parity.RELEASES (older lines ignore the new
annotations and values, which is part of what is checked).  The expected output is always what the real
istioctl prints; the `master` column only says which way the snapshot goes (fails / injects and prints a
given fragment), so that a case cannot silently stop exercising its behaviour.
"""
import json

import pytest

from tests.istio import parity

MASTER = "master-20260827"

#: The line's new template input: istio-init/istio-validation get values.global.proxy_init.image.
IMAGES = parity.Variant("t131-images", "proxy_init image and variant distroless",
                        set_flags=("values.global.proxy_init.image=proxy-init-custom",
                                   "values.global.variant=distroless"))
DEFAULT = parity.VARIANT_BY_NAME["default"]

_SECURE = 'proxyMetadata:\n  ENVOY_SECURE_MERGED_METRICS_PORT: "%s"\n'
_TARGETS = "prometheus.istio.io/scrape-targets"
_PORT = "prometheus.io/port"
_CS = "connectionSettings:\n%s"

#: name -> (variant, pod template annotations, what the snapshot does: ("error", fragment) or ("ok", fragment))
CASES = {
    # prometheus.istio.io/scrape-targets: "port:path" entries, merged into ISTIO_PROMETHEUS_ANNOTATIONS.
    "targets-mixed": (DEFAULT, {_TARGETS: " 8080:/a , ,9090, 9102: ,  7070 : /b/c "},
                      ("ok", '"targets":[{"port":"8080","path":"/a"}')),
    "targets-only-commas": (DEFAULT, {_TARGETS: ",, ,", _PORT: "8080"}, ("ok", '"port":"8080"')),
    "targets-entry-without-port": (DEFAULT, {_TARGETS: ":/x, 8080", _PORT: "9090"}, ("ok", '"port":"9090"')),
    "targets-leading-zero": (DEFAULT, {_TARGETS: "08080"}, ("ok", '"port":"08080"')),
    "targets-out-of-range": (DEFAULT, {_TARGETS: "8080, 65536"}, ("error", "invalid target port")),
    "targets-not-a-number": (DEFAULT, {_TARGETS: "http:/metrics"}, ("error", "invalid target port")),
    "targets-agent-port": (DEFAULT, {_TARGETS: "015020"}, ("error", "conflicts with agent port")),
    "targets-reserved": (DEFAULT, {_TARGETS: "9090, 15090:/stats/prometheus"}, ("error", "reserved for Istio")),
    "targets-signed-reserved": (DEFAULT, {_TARGETS: "+15000"}, ("error", "reserved for Istio")),
    "targets-win-over-port": (DEFAULT, {_TARGETS: "9090:/m", _PORT: "15000", "prometheus.io/path": "/x"},
                              ("ok", '"path":"/m","port":"9090"')),
    "targets-scrape-false": (DEFAULT, {_TARGETS: "15000", "prometheus.io/scrape": "false"}, ("ok", _TARGETS)),
    "targets-merge-disabled": (DEFAULT, {_TARGETS: "15000", "prometheus.istio.io/merge-metrics": "false"},
                               ("ok", _TARGETS)),
    "targets-other-spelling": (DEFAULT, {"prometheus-istio-io/scrape_targets": "9090"},
                               ("ok", '"targets":[{"port":"9090","path":"/metrics"}]')),
    "targets-reinjected": (DEFAULT, {_TARGETS: "9090", _PORT: "15020",
                                     "sidecar.istio.io/status": json.dumps({"containers": ["istio-proxy"],
                                                                            "initContainers": ["istio-init"]})},
                           ("ok", _TARGETS)),
    # prometheus.io/port is checked when no scrape targets are given.
    "port-zero": (DEFAULT, {_PORT: "0"}, ("error", 'invalid port "0"')),
    "port-with-space": (DEFAULT, {_PORT: " 80"}, ("error", "invalid port")),
    "port-agent-padded": (DEFAULT, {_PORT: "015020"}, ("error", "conflicts with agent port")),
    "port-envoy-health": (DEFAULT, {_PORT: "15021"}, ("error", "Envoy health")),
    "port-agent-exact": (DEFAULT, {_PORT: "15020"}, ("ok", "")),
    "port-max": (DEFAULT, {_PORT: "65535"}, ("ok", '"port":"65535"')),
    "port-empty": (DEFAULT, {_PORT: ""}, ("ok", "")),
    # prometheus.istio.io/secure-port from the proxy's ENVOY_SECURE_MERGED_METRICS_PORT.
    "secure-port": (DEFAULT, {"proxy.istio.io/config": _SECURE % "15091"},
                    ("ok", 'prometheus.istio.io/secure-port: "15091"')),
    "secure-port-zero": (DEFAULT, {"proxy.istio.io/config": _SECURE % "0"}, ("ok", "")),
    "secure-port-user-set": (DEFAULT, {"proxy.istio.io/config": _SECURE % "15091",
                                       "prometheus.istio.io/secure-port": "9443"},
                             ("ok", 'prometheus.istio.io/secure-port: "9443"')),
    "secure-port-user-spelling": (DEFAULT, {"proxy.istio.io/config": _SECURE % "15091",
                                            "prometheus_istio_io/secure-port": "9443"}, ("ok", "")),
    "secure-port-no-scrape": (DEFAULT, {"proxy.istio.io/config": _SECURE % "15091", "prometheus.io/scrape": "false"},
                              ("ok", 'prometheus.istio.io/secure-port: "15091"')),
    # .ProxyInitImage and the image type's precedence.
    "image-plain": (IMAGES, {}, ("ok", "proxy-init-custom:latest-distroless")),
    "image-type-annotation": (IMAGES, {"sidecar.istio.io/proxyImageType": "debug"},
                              ("ok", "proxy-init-custom:latest-debug")),
    "image-type-annotation-empty": (IMAGES, {"sidecar.istio.io/proxyImageType": ""},
                                    ("ok", "proxy-init-custom:latest\n")),
    "image-type-annotation-default": (IMAGES, {"sidecar.istio.io/proxyImageType": "default"},
                                      ("ok", "proxyv2:latest\n")),
    "image-proxy-config-without-type": (IMAGES, {"proxy.istio.io/config": 'image:\n  imageType: ""\n'},
                                        ("ok", "proxyv2:latest-distroless")),
    "image-proxy-config-type": (IMAGES, {"proxy.istio.io/config": "image:\n  imageType: debug\n"},
                                ("ok", "proxyv2:latest-debug")),
    # ProxyConfig.connectionSettings (istio.io/api 1.31): kept in PROXY_CONFIG and validated; older lines
    # drop the unknown field, so nothing about it can fail there.
    "conn-settings": (DEFAULT, {"proxy.istio.io/config": _CS % "  profile: EDGE\n  httpIdleTimeout: 30s\n"
                                                           "  http2InitialStreamWindowSize: 65536\n"},
                      ("ok", '{"connectionSettings":{"profile":"EDGE","httpIdleTimeout":"30s",'
                             '"http2InitialStreamWindowSize":65536}}')),
    "conn-settings-boundaries": (DEFAULT, {"proxy.istio.io/config": _CS % (
        "  httpIdleTimeout: 0s\n  httpMaxConcurrentStreams: 1\n  http2InitialConnectionWindowSize: 65535\n"
        "  listenerPerConnectionBufferLimitBytes: 0\n  httpMergeSlashes: true\n"
        "  httpHeadersWithUnderscoresAction: HEADERS_WITH_UNDERSCORES_DROP_HEADER\n"
        "  httpPathWithEscapedSlashesAction: UNESCAPE_AND_FORWARD\n")},
                                 ("ok", '"httpPathWithEscapedSlashesAction":"UNESCAPE_AND_FORWARD"')),
    "conn-settings-window": (DEFAULT, {"proxy.istio.io/config": _CS % "  http2InitialStreamWindowSize: 100\n"},
                             ("error", "invalid connection settings: http2_initial_stream_window_size must be at "
                                       "least 65535")),
    "conn-settings-every-check": (DEFAULT, {"proxy.istio.io/config": _CS % (
        "  listenerPerConnectionBufferLimitBytes: -1\n  clusterPerConnectionBufferLimitBytes: -2\n"
        "  httpIdleTimeout: -1s\n  httpMaxConnectionDuration: -1s\n  httpDrainTimeout: -1ms\n"
        "  httpRequestTimeout: -2s\n  httpRequestHeadersTimeout: -1s\n  httpStreamIdleTimeout: -1s\n"
        "  httpMaxStreamDuration: -1s\n  httpMaxConcurrentStreams: 0\n  http2InitialStreamWindowSize: 65534\n"
        "  http2InitialConnectionWindowSize: 0\n  listenerConnectionLimit: 0\n"
        "  globalDownstreamConnectionLimit: -5\n")}, ("error", "14 errors occurred")),
    "conn-settings-bad-enum": (DEFAULT, {"proxy.istio.io/config": _CS % "  profile: GATEWAY\n"},
                               ("error", "for enum istio.mesh.v1alpha1.ProxyConfig.ConnectionSettings.Profile")),
    # The agent's other proxy config checks (every line), after which connectionSettings' come.
    "proxy-config-checks": (DEFAULT, {"proxy.istio.io/config": "drainDuration: 1500ms\nstatusPort: 70000\n"
                                                                + _CS % "  httpMaxConcurrentStreams: 0\n"},
                            ("error", "3 errors occurred")),
    "proxy-config-addresses": (DEFAULT, {"proxy.istio.io/config": (
        "discoveryAddress: istiod:abc\nstatsdUdpAddress: 'a_b:80'\ntracing:\n  lightstep: {}\n"
        "privateKeyProvider: {}\nproxyAdminPort: 0\ncontrolPlaneAuthPolicy: 5\n")}, ("error", "9 errors occurred")),
    "proxy-config-oneofs": (DEFAULT, {"proxy.istio.io/config": (
        "discoveryAddress: '[::1]:15012'\nserviceCluster: ''\nenvoyMetricsService:\n  address: 'x:y:z'\n"
        "tracing:\n  zipkin:\n    address: '$(HOST_IP):9411'\nprivateKeyProvider:\n  cryptomb: {pollDelay: 0s}\n")},
                            ("error", "service cluster must be specified")),
}


def _manifest(annotations):
    from simulator.yamlio.write import dump

    labels = {"app": "metrics"}
    template = {"metadata": {"labels": labels}, "spec": {"containers": [
        {"name": "app", "image": "fake.docker.io/app:1.0", "ports": [{"name": "http", "containerPort": 8080}]}]}}
    if annotations:
        template["metadata"]["annotations"] = dict(annotations)
    return dump({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "metrics"},
                 "spec": {"selector": {"matchLabels": labels}, "template": template}})


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("master-line")
    paths = {}
    for name, (_, annotations, _) in CASES.items():
        paths[name] = d / (name + ".yaml")
        paths[name].write_text(_manifest(annotations))
    return paths


def _real(release, variant, path):
    from tests.oracles import istioctl

    s = parity.setup(release, variant)
    return istioctl.kube_inject_result(release, path, inject_config=s.inputs["inject_config"],
                                       mesh_config=s.inputs["mesh_config"], values=s.inputs["values"],
                                       extra_args=s.kube_args, env=s.env or None)


@pytest.mark.parametrize("release", parity.RELEASES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_case_matches_istioctl(istioctl_for, inputs, release, case):
    istioctl_for(release)
    variant, _, (outcome, fragment) = CASES[case]
    r = parity.run_case(release, variant, inputs[case])
    assert r.identical, "%s\nistioctl error: %s\nsimulator error: %s" % (r.detail, r.real_error, r.mine_error)
    if release == MASTER:
        real = _real(release, variant, inputs[case])
        if outcome == "error":
            assert real.returncode != 0 and fragment in real.stderr, real.stderr
        else:
            assert real.returncode == 0 and fragment in real.stdout, real.stderr or real.stdout


@pytest.mark.parametrize("case", sorted(CASES))
def test_guessed_line_matches_istioctl(istioctl_for, inputs, monkeypatch, case):
    """The CLI does not know the Istio version: guessed from the snapshot's configuration, the result
    must still be the snapshot's."""
    istioctl_for(MASTER)
    monkeypatch.setattr(parity, "simulator_version", lambda release: None)
    variant = CASES[case][0]
    r = parity.run_case(MASTER, variant, inputs[case])
    assert r.identical, "%s\nistioctl error: %s\nsimulator error: %s" % (r.detail, r.real_error, r.mine_error)


@pytest.mark.parametrize("release, line", [(MASTER, "1.31"), ("1.30.3", "1.30.3"), ("1.24.6", "1.24.6")])
def test_guess_version_of_each_lines_configuration(istioctl_for, release, line):
    from simulator.istio.release import guess_version
    from simulator.istio.release import release_for

    istioctl_for(release)
    config = parity.setup(release, DEFAULT).config
    assert release_for(guess_version(config)).key == release_for(line).key


class _Config:
    def __init__(self, **templates):
        self.templates = templates


def test_guess_version_markers():
    from simulator.istio.release import guess_version

    assert guess_version(_Config(sidecar='image: "{{ .ProxyInitImage }}"')) == "1.31"
    assert guess_version(_Config(sidecar="x", gateway='{{ .DeploymentMeta.Name | trimAll "-_." }}')) == "1.31"
    assert guess_version(_Config(sidecar="{{ if .NativeSidecars }}x{{ end }}")) is None
    assert guess_version(_Config(sidecar='{{ env "ENABLE_NATIVE_SIDECARS" }}')) == "1.24.6"
    assert guess_version(_Config(sidecar="image: {{ .ProxyImage }}")) is None


#: Mesh configs: kube-inject's mesh file is the variant's, with these fields appended (the new 1.31 mesh
#: fields and their validation; older lines drop the fields).  name -> (YAML, what the snapshot does).
MESH_CASES = {
    "zone-aware-lb-invalid": ("zoneAwareLbSetting:\n  failoverPriority:\n  - topology.kubernetes.io/zone\n  - x\n"
                              "  failover:\n  - from: us\n    to: us\n  - from: us/a\n    to: eu*\n",
                              ("error", "4 errors occurred")),
    "default-traffic-policy-invalid": (
        "defaultTrafficPolicy:\n  connectionPool:\n    http: {http1MaxPendingRequests: -1, maxRetries: -2, "
        "idleTimeout: 0.5ms, h2UpgradePolicy: UPGRADE, useClientProtocol: true}\n    tcp: {maxConnections: -1, "
        "connectTimeout: 0s, idleTimeout: 0.5ms, tcpKeepalive: {time: 1500us}}\n  outlierDetection: {interval: 0s, "
        "consecutiveLocalOriginFailures: 3, maxEjectionPercent: 101, minHealthPercent: -1}\n",
        ("error", "11 errors occurred")),
    "default-traffic-policy-empty-pool": ("defaultTrafficPolicy:\n  connectionPool: {}\n",
                                          ("error", "connection pool must have at least one field")),
    "new-fields-valid": ("zoneAwareLbSetting:\n  enabled: true\n  failover:\n  - from: us\n    to: eu\n"
                         "defaultTrafficPolicy:\n  outlierDetection: {interval: 5s, maxEjectionPercent: 100}\n"
                         "serviceEntryVisibility:\n  defaultVisibility: NONE\ndefaultConfig:\n  connectionSettings:\n"
                         "    httpMaxStreamDuration: 1m\n", ("ok", '"httpMaxStreamDuration":"60s"')),
    "connect-timeout": ("connectTimeout: 2h\n", ("error", "invalid connect timeout")),
    "mesh-proxy-config": ("defaultConfig:\n  drainDuration: 0s\n  connectionSettings:\n"
                          "    listenerConnectionLimit: 0\n", ("error", "invalid drain duration")),
}


@pytest.mark.parametrize("release", parity.RELEASES)
@pytest.mark.parametrize("case", sorted(MESH_CASES))
def test_mesh_config_matches_istioctl(istioctl_for, tmp_path, release, case):
    """The mesh config file loads (or is refused with the same text) as the real istioctl loads it."""
    from pathlib import Path

    from tests.oracles import istioctl
    from simulator.istio.kubeinject import kube_inject_text

    istioctl_for(release)
    extra, (outcome, fragment) = MESH_CASES[case]
    s = parity.setup(release, DEFAULT)
    mesh = tmp_path / "mesh.yaml"
    mesh.write_text(Path(s.inputs["mesh_config"]).read_text().rstrip("\n") + "\n" + extra)
    manifest = tmp_path / "deploy.yaml"
    manifest.write_text(_manifest({}))
    real = istioctl.kube_inject_result(release, manifest, inject_config=s.inputs["inject_config"],
                                       mesh_config=mesh, values=s.inputs["values"], extra_args=s.kube_args,
                                       env=s.env or None)
    config = parity.load_config(s.inputs["inject_config"], s.inputs["values"], mesh)
    out, _, error = kube_inject_text(manifest.read_text(), config, env=s.env, cache=parity.engine_cache(),
                                     version=parity.simulator_version(release))
    if real.returncode != 0:
        assert error is not None, "istioctl failed, simulator did not: " + real.stderr
        assert error.strip() == parity._real_error(real.stderr)
    else:
        assert error is None, error
        assert parity._docs(out) == parity._docs(real.stdout)
    if release == MASTER:
        if outcome == "error":
            assert real.returncode != 0 and fragment in real.stderr, real.stderr
        else:
            assert real.returncode == 0 and fragment in real.stdout, real.stderr or real.stdout
