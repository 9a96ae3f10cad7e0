"""Shows the istioctl oracle is the real program, and what it reproduces of Istio's own injection goldens.

The goldens in ../shared/istio/1.30.3/inject-testdata (found by tests/paths.py) were written by Istio 1.30.3's own code
(`TestInjection` in pkg/kube/inject/inject_test.go), so an istioctl that reproduces them is the real
injector.  Which golden needs which settings is a table below, read off that test's case list at tag
1.30.3; every other `X.yaml` with an `X.yaml.injected` is a default-settings case, as the test discovers
them.  Every kube-inject result is also saved as
`<oracle_dir>/outputs/corpus/<default|settings>/<golden name>` (+ `.stderr`, `.rc`), so the simulator can
later be compared without running istioctl.

Without a real istioctl (no Go, or the module registry will not serve Istio) everything here skips.
"""

import copy

import pytest
import yaml

from tests import paths
from tests.oracles import istioctl as oracle

GOLDEN_VERSION = "1.30.3"
CORPUS, CORPUS_MISSING = paths.optional(paths.istio_corpus, GOLDEN_VERSION)

#: Istio's test finds native-sidecar support from fake nodes (kubelet v1.33/v1.34); kube-inject has no
#: cluster, so the feature variable alone decides.  `*-old-version` goldens are the same with it off.
NATIVE_ON = {"ENABLE_NATIVE_SIDECARS": "true"}
NATIVE_OFF = {}

# --- Case table of TestInjection / TestInjectionOlderVersion at tag 1.30.3 ---------------------------
# golden -> (input, extra --set flags, IstioOperator file, mesh overlay, env)
SETTINGS_CASES = {
    "hello.yaml.cni.injected": ("hello.yaml", ("components.cni.enabled=true", "values.cni.provider=default",
                                                "values.global.network=network1"), None, None, NATIVE_ON),
    "hello.yaml.proxyImageName.injected": ("hello.yaml", ("values.global.proxy.image=proxyTest",), None, None, NATIVE_ON),
    "hello-always.yaml.injected": ("hello.yaml", ("values.global.imagePullPolicy=Always",), None, None, NATIVE_ON),
    "hello-never.yaml.injected": ("hello.yaml", ("values.global.imagePullPolicy=Never",), None, None, NATIVE_ON),
    "traffic-params.yaml.injected": ("traffic-params.yaml", (
        "values.global.proxy.includeIPRanges=127.0.0.1/24,10.96.0.1/24",
        "values.global.proxy.excludeIPRanges=10.96.0.2/24,10.96.0.3/24",
        "values.global.proxy.excludeInboundPorts=4,5,6", "values.global.proxy.statusPort=0"), None, None, NATIVE_ON),
    **{g: (g[:-len(".injected")], ("values.global.proxy.statusPort=123",
                                   "values.global.proxy.readinessInitialDelaySeconds=100",
                                   "values.global.proxy.readinessPeriodSeconds=200",
                                   "values.global.proxy.readinessFailureThreshold=300"), None, None, NATIVE_ON)
       for g in ("status_params.yaml.injected", "kubevirtInterfaces.yaml.injected",
                 "reroute-virtual-interfaces.yaml.injected")},
    "hello-image-secrets-in-values.yaml.injected": ("hello.yaml", (), "hello-image-secrets-in-values.iop.yaml", None, NATIVE_ON),
    "hello-multiple-image-secrets.yaml.injected": ("hello-image-pull-secret.yaml", (),
                                                   "hello-image-secrets-in-values.iop.yaml", None, NATIVE_ON),
    "hello-template-in-values.yaml.injected": ("hello.yaml", (), "hello-template-in-values.iop.yaml", None, NATIVE_ON),
    "hello-mount-mtls-certs.yaml.injected": ("hello.yaml", ("values.global.mountMtlsCerts=true",), None, None, NATIVE_ON),
    **{g: (i, ("components.cni.enabled=true", "values.cni.provider=multus"), None, None, NATIVE_ON)
       for g, i in (("hello-cncf-networks.yaml.injected", "hello.yaml"),
                    ("hello-existing-cncf-networks.yaml.injected", "hello-existing-cncf-networks.yaml"),
                    ("hello-existing-cncf-networks-json.yaml.injected", "hello-existing-cncf-networks-json.yaml"))},
    **{g: (i, ("values.global.proxy.holdApplicationUntilProxyStarts=true",), None, None, NATIVE_ON)
       for g, i in (("hello.proxyHoldsApplication.yaml.injected", "hello.yaml"),
                    ("hello-probes.proxyHoldsApplication.yaml.injected", "hello-probes.yaml"),
                    ("hello-probes-noProxyHoldApplication-ProxyConfig.yaml.injected",
                     "hello-probes-noProxyHoldApplication-ProxyConfig.yaml"),
                    ("merge-probers.yaml.injected", "merge-probers.yaml"))},
    "proxy-override-runas.yaml.cni.injected": ("proxy-override-runas.yaml", ("components.cni.enabled=true",), None, None, NATIVE_ON),
    "custom-template.yaml.injected": ("custom-template.yaml", (), "custom-template.iop.yaml", None, NATIVE_ON),
    **{g: (g[:-len(".injected")], (), iop, None, NATIVE_ON)
       for g, iop in (("proxy-resources-null.yaml.injected", "proxy-resources-null.iop.yaml"),
                      ("proxy-resources-zero.yaml.injected", "proxy-resources-zero.iop.yaml"),
                      ("proxy-resources-memory-null.yaml.injected", "proxy-resources-memory-null.iop.yaml"),
                      ("proxy-resources-mixed-null.yaml.injected", "proxy-resources-mixed-null.iop.yaml"),
                      ("sidecar-spire.yaml.injected", "spire-template.iop.yaml"),
                      ("gateway-spire.yaml.injected", "spire-template.iop.yaml"))},
    "proxy-resources-null-no-init.yaml.injected": ("proxy-resources-null-no-init.yaml", (),
                                                   "proxy-resources-null.iop.yaml", None, NATIVE_ON),
    # The test mutates the loaded MeshConfig; the same change is written into the mesh file here.
    "hello-tproxy.yaml.injected": ("hello.yaml", (), None, {"defaultConfig": {"interceptionMode": "TPROXY"}}, NATIVE_ON),
    "proxy-override-runas.yaml.tproxy.injected": ("proxy-override-runas.yaml", (), None,
                                                  {"defaultConfig": {"interceptionMode": "TPROXY"}}, NATIVE_ON),
    "format-duration.yaml.injected": ("format-duration.yaml", (), None, {"defaultConfig": {"drainDuration": "23s"}}, NATIVE_ON),
    "traffic-annotations.yaml.injected": ("traffic-annotations.yaml", (), None, {"defaultConfig": {"proxyMetadata": {
        "ISTIO_META_TLS_CLIENT_KEY": "/etc/identity/client/keys/client-key.pem"}}}, NATIVE_ON),
    "hello-tracing-disabled.yaml.injected": ("hello-tracing-disabled.yaml", (), None, {"defaultConfig": {"tracing": {}}}, NATIVE_ON),
    "hello-probes-localhost.yaml.injected": ("hello-probes-localhost.yaml", (), None,
                                             {"inboundTrafficPolicy": {"mode": "LOCALHOST"}}, NATIVE_ON),
    "hello-otel-semconv.yaml.injected": ("hello-otel-semconv.yaml", (), None, {"extensionProviders": [{
        "name": "otel", "opentelemetry": {"service": "otel-collector.observability.svc.cluster.local", "port": 4317,
                                          "serviceAttributeEnrichment": "OTEL_SEMANTIC_CONVENTIONS"}}]}, NATIVE_ON),
    **{g: (i, (), None, None, NATIVE_OFF)
       for g, i in (("hello-old-version.yaml.injected", "hello.yaml"), ("cronjob-old-version.yaml.injected", "cronjob.yaml"),
                    ("daemonset-old-version.yaml.injected", "daemonset.yaml"), ("job-old-version.yaml.injected", "job.yaml"),
                    ("pod-old-version.yaml.injected", "pod.yaml"), ("replicaset-old-version.yaml.injected", "replicaset.yaml"),
                    ("statefulset-old-version.yaml.injected", "statefulset.yaml"),
                    ("native-sidecar-old-version.yaml.injected", "native-sidecar.yaml"))},
}

#: Goldens only the webhook path produces (OpenShift namespace UID ranges): kube-inject cannot.
WEBHOOK_ONLY = {"hello-openshift.yaml.injected", "hello-openshift-custom-injection.yaml.injected",
                "hello-openshift-tproxy.yaml.injected"}

#: Default-settings cases whose input is not named after the golden.
RENAMED_DEFAULT_CASES = {"proxy-override-args-native.yaml.injected": "proxy-override-args.yaml"}

#: Inputs that must be rejected, with the lower-cased substring Istio's test expects in the error.
ERROR_CASES = {"traffic-annotations-bad-%s.yaml" % k: k
               for k in ("includeipranges", "excludeipranges", "includeinboundports", "excludeinboundports",
                         "excludeoutboundports")}


def default_cases():
    """golden -> input for every golden Istio renders with default settings."""
    if CORPUS is None:
        return {}
    cases = dict(RENAMED_DEFAULT_CASES)
    for f in sorted(CORPUS.glob("*.yaml")):
        golden = f.name + ".injected"
        if f.name.endswith(".iop.yaml") or golden in SETTINGS_CASES or golden in WEBHOOK_ONLY:
            continue
        if (CORPUS / golden).exists():
            cases[golden] = f.name
    return cases


DEFAULT_CASES = default_cases()


def _binary_or_skip(version):
    try:
        return oracle.istioctl_binary(version)
    except oracle.OracleUnavailable as e:
        pytest.skip(e.reason)


@pytest.fixture(scope="module", params=sorted(oracle.RELEASES))
def version(request):
    _binary_or_skip(request.param)
    return request.param


@pytest.fixture(scope="module")
def golden_version():
    _binary_or_skip(GOLDEN_VERSION)
    if CORPUS is None:
        pytest.skip(CORPUS_MISSING)
    return GOLDEN_VERSION


def _docs(text):
    return [d for d in yaml.safe_load_all(text) if d is not None]


def _assert_same_as_golden(got, golden_name):
    want = (CORPUS / golden_name).read_text()
    got = oracle.strip_status_version(got)
    assert _docs(got) == _docs(want), "istioctl output differs from the golden %s" % golden_name
    # The parsed comparison is the contract; byte equality shows the serialisation is Istio's too.
    assert got == want


def test_version_is_the_pinned_release(version):
    proc = oracle.run_istioctl(version, ["version", "--remote=false"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["client", "version:", version]


def test_manifest_generate_gives_the_injector_configuration(version):
    inputs = oracle.oracle_inputs(version)
    config = yaml.safe_load(inputs["inject_config"].read_text())
    assert "sidecar" in config["templates"] and "gateway" in config["templates"]
    assert config["defaultTemplates"] == ["sidecar"]
    values = yaml.safe_load(inputs["values"].read_text())
    assert values["global"]["hub"] and values["global"]["proxy"]["image"] == "proxyv2"
    mesh = yaml.safe_load(inputs["mesh_config"].read_text())
    assert mesh["defaultConfig"]["discoveryAddress"] == "istiod.istio-system.svc:15012"


def test_every_default_case_injects(version):
    """Runs (and caches) the whole default-settings corpus for every release; each input must inject."""
    if not DEFAULT_CASES:
        pytest.skip(CORPUS_MISSING or "no default-settings cases in %s" % CORPUS)
    failures = {}
    for golden, name in sorted(DEFAULT_CASES.items()):
        r = oracle.kube_inject_result(version, CORPUS / name, env=NATIVE_ON,
                                      save_as="corpus/default/" + golden)
        if r.returncode != 0:
            failures[name] = r.stderr.strip()[-300:]
        else:
            assert _docs(r.stdout), name
    assert not failures, failures


@pytest.mark.parametrize("golden", paths.params(sorted(DEFAULT_CASES), CORPUS_MISSING))
def test_default_corpus_matches_golden(golden_version, golden):
    r = oracle.kube_inject_result(golden_version, CORPUS / DEFAULT_CASES[golden], env=NATIVE_ON,
                                  save_as="corpus/default/" + golden)
    assert r.returncode == 0, r.stderr
    _assert_same_as_golden(r.stdout, golden)


def _deep_merge(base, overlay):
    out = copy.deepcopy(base)
    for k, v in overlay.items():
        if isinstance(v, dict) and v and isinstance(out.get(k), dict):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


@pytest.mark.parametrize("golden", sorted(SETTINGS_CASES))
def test_settings_corpus_matches_golden(golden_version, golden, tmp_path):
    name, set_flags, iop, mesh_overlay, env = SETTINGS_CASES[golden]
    inputs = oracle.oracle_inputs(golden_version, set_flags=oracle.DEFAULT_MANIFEST_FLAGS + set_flags,
                                  files=[CORPUS / iop] if iop else ())
    mesh = inputs["mesh_config"]
    if mesh_overlay:
        mesh = tmp_path / "mesh.yaml"
        mesh.write_text(yaml.safe_dump(_deep_merge(yaml.safe_load(inputs["mesh_config"].read_text()), mesh_overlay)))
    r = oracle.kube_inject_result(golden_version, CORPUS / name, inject_config=inputs["inject_config"],
                                  mesh_config=mesh, values=inputs["values"], env=env,
                                  save_as="corpus/settings/" + golden)
    assert r.returncode == 0, r.stderr
    _assert_same_as_golden(r.stdout, golden)


@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_invalid_annotations_are_rejected(golden_version, name):
    r = oracle.kube_inject_result(golden_version, CORPUS / name, env=NATIVE_ON)
    assert r.returncode != 0
    assert ERROR_CASES[name] in r.stderr.lower()


def test_host_network_skip_is_reported(golden_version):
    r = oracle.kube_inject_result(golden_version, CORPUS / "hello-host-network-with-ns.yaml", env=NATIVE_ON)
    assert r.returncode == 0
    assert "has host networking enabled" in r.stderr


def test_corpus_case_table_covers_every_golden():
    """Keeps the table honest: each golden is a default, settings or webhook-only case, and inputs exist."""
    if CORPUS is None:
        pytest.skip(CORPUS_MISSING)
    goldens = {p.name for p in CORPUS.glob("*.injected")}
    covered = set(DEFAULT_CASES) | set(SETTINGS_CASES) | WEBHOOK_ONLY
    assert goldens == covered
    for golden, spec in SETTINGS_CASES.items():
        assert (CORPUS / spec[0]).exists(), golden
        assert spec[2] is None or (CORPUS / spec[2]).exists(), golden
