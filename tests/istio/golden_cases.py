"""The settings each of Istio's golden injection files was produced with (pkg/kube/inject/inject_test.go).

Our own table of Istio's test setup, so the goldens in ../shared/istio/1.30.3/inject-testdata (real outputs
of Istio's code) can be reproduced: chart settings (`set_flags`, IstioOperator `iop`), edits Istio's test
makes to the loaded mesh config (`mesh`, expressed here as mesh YAML merged over the generated one),
ENABLE_NATIVE_SIDECARS (the test's fake cluster has 1.33/1.34 nodes, so "auto" means on; the
"old-version" goldens turn the feature off), PLATFORM, and whether Istio's test also runs the webhook.
Every other `X.yaml` in the corpus is checked against `X.yaml.injected` with default settings.
"""

from dataclasses import dataclass

OPENSHIFT_NAMESPACE = {"metadata": {"name": "test-ns", "annotations": {
    "openshift.io/sa.scc.uid-range": "1000620000/10000",
    "openshift.io/sa.scc.supplemental-groups": "1000620000/10000"}}}


@dataclass(frozen=True)
class GoldenCase:
    input: str
    golden: str
    set_flags: tuple = ()
    iop: str = ""
    mesh: dict = None
    native: bool = True
    platform: str = ""
    webhook: bool = True
    kube_inject: bool = True
    error: str = ""

    @property
    def id(self):
        return self.golden or self.input


_STATUS = ("values.global.proxy.statusPort=123", "values.global.proxy.readinessInitialDelaySeconds=100",
           "values.global.proxy.readinessPeriodSeconds=200", "values.global.proxy.readinessFailureThreshold=300")
_HOLD = ("values.global.proxy.holdApplicationUntilProxyStarts=true",)
_CNI = ("components.cni.enabled=true",)
_MULTUS = ("components.cni.enabled=true", "values.cni.provider=multus")
_TPROXY = {"defaultConfig": {"interceptionMode": "TPROXY"}}

EXPLICIT = (
    GoldenCase("hello.yaml", "hello.yaml.cni.injected",
               set_flags=("components.cni.enabled=true", "values.cni.provider=default", "values.global.network=network1")),
    GoldenCase("hello.yaml", "hello.yaml.proxyImageName.injected", set_flags=("values.global.proxy.image=proxyTest",)),
    GoldenCase("hello.yaml", "hello-tproxy.yaml.injected", mesh=_TPROXY),
    GoldenCase("hello.yaml", "hello-always.yaml.injected", set_flags=("values.global.imagePullPolicy=Always",)),
    GoldenCase("hello.yaml", "hello-never.yaml.injected", set_flags=("values.global.imagePullPolicy=Never",)),
    GoldenCase("hello.yaml", "hello-old-version.yaml.injected", native=False),
    GoldenCase("format-duration.yaml", "format-duration.yaml.injected", mesh={"defaultConfig": {"drainDuration": "23s"}}),
    GoldenCase("traffic-params.yaml", "traffic-params.yaml.injected",
               set_flags=("values.global.proxy.includeIPRanges=127.0.0.1/24,10.96.0.1/24",
                          "values.global.proxy.excludeIPRanges=10.96.0.2/24,10.96.0.3/24",
                          "values.global.proxy.excludeInboundPorts=4,5,6", "values.global.proxy.statusPort=0")),
    GoldenCase("status_params.yaml", "status_params.yaml.injected", set_flags=_STATUS),
    GoldenCase("kubevirtInterfaces.yaml", "kubevirtInterfaces.yaml.injected", set_flags=_STATUS),
    GoldenCase("reroute-virtual-interfaces.yaml", "reroute-virtual-interfaces.yaml.injected", set_flags=_STATUS),
    GoldenCase("hello.yaml", "hello-image-secrets-in-values.yaml.injected", iop="hello-image-secrets-in-values.iop.yaml"),
    GoldenCase("hello-image-pull-secret.yaml", "hello-multiple-image-secrets.yaml.injected",
               iop="hello-image-secrets-in-values.iop.yaml"),
    GoldenCase("hello.yaml", "hello-template-in-values.yaml.injected", iop="hello-template-in-values.iop.yaml"),
    GoldenCase("hello.yaml", "hello-mount-mtls-certs.yaml.injected", set_flags=("values.global.mountMtlsCerts=true",)),
    GoldenCase("hello.yaml", "hello-cncf-networks.yaml.injected", set_flags=_MULTUS),
    GoldenCase("hello-existing-cncf-networks.yaml", "hello-existing-cncf-networks.yaml.injected", set_flags=_MULTUS),
    GoldenCase("hello-existing-cncf-networks-json.yaml", "hello-existing-cncf-networks-json.yaml.injected",
               set_flags=_MULTUS),
    GoldenCase("hello.yaml", "hello.proxyHoldsApplication.yaml.injected", set_flags=_HOLD),
    GoldenCase("hello-probes.yaml", "hello-probes.proxyHoldsApplication.yaml.injected", set_flags=_HOLD),
    GoldenCase("hello-probes-noProxyHoldApplication-ProxyConfig.yaml",
               "hello-probes-noProxyHoldApplication-ProxyConfig.yaml.injected", set_flags=_HOLD),
    GoldenCase("hello-service.yaml", "hello-service.yaml.injected", webhook=False),
    GoldenCase("cronjob.yaml", "cronjob.yaml.injected", webhook=False),
    GoldenCase("cronjob.yaml", "cronjob-old-version.yaml.injected", native=False, webhook=False),
    GoldenCase("daemonset.yaml", "daemonset-old-version.yaml.injected", native=False),
    GoldenCase("job.yaml", "job-old-version.yaml.injected", native=False),
    GoldenCase("pod.yaml", "pod-old-version.yaml.injected", native=False),
    GoldenCase("replicaset.yaml", "replicaset-old-version.yaml.injected", native=False),
    GoldenCase("statefulset.yaml", "statefulset-old-version.yaml.injected", native=False),
    GoldenCase("traffic-annotations-bad-includeipranges.yaml", "", error="includeipranges", webhook=False),
    GoldenCase("traffic-annotations-bad-excludeipranges.yaml", "", error="excludeipranges", webhook=False),
    GoldenCase("traffic-annotations-bad-includeinboundports.yaml", "", error="includeinboundports", webhook=False),
    GoldenCase("traffic-annotations-bad-excludeinboundports.yaml", "", error="excludeinboundports", webhook=False),
    GoldenCase("traffic-annotations-bad-excludeoutboundports.yaml", "", error="excludeoutboundports", webhook=False),
    GoldenCase("traffic-annotations.yaml", "traffic-annotations.yaml.injected",
               mesh={"defaultConfig": {"proxyMetadata": {
                   "ISTIO_META_TLS_CLIENT_KEY": "/etc/identity/client/keys/client-key.pem"}}}),
    GoldenCase("proxy-override-runas.yaml", "proxy-override-runas.yaml.cni.injected", set_flags=_CNI),
    GoldenCase("proxy-override-runas.yaml", "proxy-override-runas.yaml.tproxy.injected", mesh=_TPROXY),
    GoldenCase("proxy-override-args.yaml", "proxy-override-args-native.yaml.injected"),
    GoldenCase("native-sidecar.yaml", "native-sidecar-old-version.yaml.injected", native=False),
    GoldenCase("native-sidecar-opt-in.yaml", "native-sidecar-opt-in.yaml.injected", native=False),
    GoldenCase("native-sidecar-opt-out.yaml", "native-sidecar-opt-out.yaml.injected", native=False),
    GoldenCase("custom-template.yaml", "custom-template.yaml.injected", iop="custom-template.iop.yaml"),
    GoldenCase("merge-probers.yaml", "merge-probers.yaml.injected", set_flags=_HOLD),
    GoldenCase("hello-tracing-disabled.yaml", "hello-tracing-disabled.yaml.injected",
               mesh={"defaultConfig": {"tracing": {}}}),
    GoldenCase("hello-openshift.yaml", "hello-openshift.yaml.injected", set_flags=_CNI, platform="openshift",
               kube_inject=False),
    GoldenCase("hello-openshift-custom-injection.yaml", "hello-openshift-custom-injection.yaml.injected",
               set_flags=_CNI, platform="openshift", kube_inject=False),
    GoldenCase("hello-openshift-tproxy.yaml", "hello-openshift-tproxy.yaml.injected", set_flags=_CNI,
               platform="openshift", kube_inject=False),
    GoldenCase("hello-probes-localhost.yaml", "hello-probes-localhost.yaml.injected",
               mesh={"inboundTrafficPolicy": {"mode": "LOCALHOST"}}),
    GoldenCase("proxy-resources-null.yaml", "proxy-resources-null.yaml.injected", iop="proxy-resources-null.iop.yaml"),
    GoldenCase("proxy-resources-null-no-init.yaml", "proxy-resources-null-no-init.yaml.injected",
               iop="proxy-resources-null.iop.yaml"),
    GoldenCase("proxy-resources-zero.yaml", "proxy-resources-zero.yaml.injected", iop="proxy-resources-zero.iop.yaml"),
    GoldenCase("proxy-resources-memory-null.yaml", "proxy-resources-memory-null.yaml.injected",
               iop="proxy-resources-memory-null.iop.yaml"),
    GoldenCase("proxy-resources-mixed-null.yaml", "proxy-resources-mixed-null.yaml.injected",
               iop="proxy-resources-mixed-null.iop.yaml"),
    GoldenCase("sidecar-spire.yaml", "sidecar-spire.yaml.injected", iop="spire-template.iop.yaml"),
    GoldenCase("gateway-spire.yaml", "gateway-spire.yaml.injected", iop="spire-template.iop.yaml"),
    GoldenCase("hello-otel-semconv.yaml", "hello-otel-semconv.yaml.injected",
               mesh={"extensionProviders": [{"name": "otel", "opentelemetry": {
                   "service": "otel-collector.observability.svc.cluster.local", "port": 4317,
                   "serviceAttributeEnrichment": "OTEL_SEMANTIC_CONVENTIONS"}}]}),
)


def all_cases(corpus):
    """EXPLICIT plus every other input checked against its own golden with default settings."""
    named = {c.golden for c in EXPLICIT if c.golden} | {c.input + ".injected" for c in EXPLICIT if not c.golden}
    out = list(EXPLICIT)
    for p in sorted(corpus.glob("*.yaml")):
        if p.name.endswith(".iop.yaml"):
            continue
        golden = p.name + ".injected"
        if golden in named or not (corpus / golden).exists():
            continue
        out.append(GoldenCase(p.name, golden))
    return out
