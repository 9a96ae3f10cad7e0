"""`--istio-release`: the injector ConfigMaps rendered from Istio's own chart equal what Istio produces.

Two checks against the real thing:
- where the real istioctl exists, `istioctl manifest generate` with the same settings gives the same
  `config` (as YAML), `values` (as JSON) and `mesh` (as YAML);
- everywhere (CI included), Istio 1.30.3's golden injection files - real istioctl output - are reproduced
  by the simulator when its injector configuration comes from the chart instead of from istioctl.
"""
import json

import pytest
import yaml

from plugin.state.release import RELEASE_CHART, find_chart, read_chart, release_configmaps, release_version
from simulator.istio.chart import ChartError, istio_operator_values, parse_set, parse_sets, render_configmaps
from tests import paths
from tests.istio import goldens, parity
from tests.istio.golden_cases import all_cases

CHARTS = paths.SHARED_RELEASES


def _chart(version):
    return paths.require(paths.istio_chart, version)


_rendered = {}


def _render(version, flags=(), iop=""):
    key = (version, tuple(flags), iop)
    if key not in _rendered:
        user = istio_operator_values(yaml.safe_load((parity.CORPUS / iop).read_text())) if iop else None
        _rendered[key] = render_configmaps(read_chart(_chart(version)), parse_sets(flags), user_values=user)
    return _rendered[key]


# --- against `istioctl manifest generate` -------------------------------------------------------------

#: Settings beyond Istio's test defaults, each compared too: values, meshConfig and image shortcuts.
_FLAG_SETS = [
    (),
    ("values.global.proxy.image=proxyTest", "values.global.imagePullPolicy=Always"),
    ("values.global.proxy.holdApplicationUntilProxyStarts=true", "values.global.proxy.statusPort=123",
     "meshConfig.defaultConfig.drainDuration=23s", "hub=example.com/istio", "tag=1.30"),
    ("values.global.proxy.tracer=zipkin", "values.revision=canary", "values.pilot.env.FOO=bar"),
    ("components.cni.enabled=true", "values.cni.provider=multus"),
]
#: IstioOperator files of Istio's corpus (`istioctl -f`), compared the same way.
_IOPS = ["custom-template.iop.yaml", "proxy-resources-null.iop.yaml", "hello-image-secrets-in-values.iop.yaml"]


@pytest.mark.parametrize("version", sorted(CHARTS) + [paths.MASTER])
@pytest.mark.parametrize("flags, iop", [(f, "") for f in _FLAG_SETS] + [((), i) for i in _IOPS],
                         ids=lambda f: (f if isinstance(f, str) else "+".join(f)) or "defaults")
def test_same_as_istioctl_manifest_generate(version, flags, iop):
    from tests.oracles import istioctl

    parity.ensure_oracle_env()
    try:
        istioctl.istioctl_binary(version)
    except istioctl.OracleUnavailable as e:
        pytest.skip("the real istioctl %s is not available: %s" % (version, e.reason))
    if iop and parity.CORPUS is None:
        pytest.skip(parity.CORPUS_MISSING)
    real = istioctl.oracle_inputs(version, set_flags=istioctl.DEFAULT_MANIFEST_FLAGS + tuple(flags),
                                  files=(parity.CORPUS / iop,) if iop else ())
    injector, mesh = _render(version, istioctl.DEFAULT_MANIFEST_FLAGS + tuple(flags), iop)
    assert yaml.safe_load(injector["data"]["config"]) == yaml.safe_load(real["inject_config"].read_text())
    assert json.loads(injector["data"]["values"]) == json.loads(real["values"].read_text())
    assert yaml.safe_load(mesh["data"]["mesh"]) == yaml.safe_load(real["mesh_config"].read_text())


# --- against Istio's goldens (no istioctl needed) -------------------------------------------------------

def _chart_settings(case):
    """The case's --set flags as chart overrides, or None when the chart path cannot express them."""
    try:
        return parse_sets(case.set_flags)
    except ChartError:
        return None


def _golden_cases(webhook):
    if parity.GOLDEN_CORPUS is None:
        return paths.params([], parity.GOLDEN_CORPUS_MISSING)
    return [pytest.param(c, id=c.id) for c in all_cases(parity.GOLDEN_CORPUS)
            if _chart_settings(c) is not None and (c.kube_inject if not webhook else c.webhook and not c.error)]


@pytest.fixture
def chart_config(monkeypatch, tmp_path_factory):
    """goldens.config_for, with the injector configuration rendered from the chart instead of istioctl."""
    written = {}

    def config_for(case, webhook=False):
        flags = (tuple(case.set_flags), case.iop)
        if flags not in written:
            injector, mesh = _render("1.30.3", case.set_flags, case.iop)
            d = tmp_path_factory.mktemp("chart")
            (d / "config.yaml").write_text(injector["data"]["config"])
            (d / "values.json").write_text(injector["data"]["values"])
            (d / "mesh.yaml").write_text(mesh["data"]["mesh"])
            written[flags] = d
        d = written[flags]
        config = parity.load_config(d / "config.yaml", d / "values.json", d / "mesh.yaml", webhook=webhook)
        if case.mesh:
            config.mesh = goldens._mesh_with(config.mesh, case.mesh)
        env = {"ENABLE_NATIVE_SIDECARS": "true" if case.native else "false"}
        if case.platform:
            env["PLATFORM"] = case.platform
        return config, env

    _chart("1.30.3")
    monkeypatch.setattr(goldens, "config_for", config_for)


@pytest.mark.parametrize("case", _golden_cases(webhook=False))
def test_kube_inject_golden_with_chart_config(chart_config, case):
    problem = goldens.check_kube_inject(case)
    assert problem is None, problem


@pytest.mark.parametrize("case", _golden_cases(webhook=True))
def test_webhook_golden_with_chart_config(chart_config, case):
    problem = goldens.check_webhook(case)
    assert problem is None, problem


def test_golden_table_mostly_expressible():
    """Guard against the golden tests above silently shrinking: most of Istio's cases use chart settings."""
    if parity.GOLDEN_CORPUS is None:
        pytest.skip(parity.GOLDEN_CORPUS_MISSING)
    cases = all_cases(parity.GOLDEN_CORPUS)
    usable = [c for c in cases if _chart_settings(c) is not None]
    assert len(usable) == len(cases)
    assert sum(1 for c in usable if not c.set_flags and not c.iop) >= 71


# --- the pieces -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("flag, want", [
    ("values.global.proxy.statusPort=123", (["global", "proxy", "statusPort"], 123)),
    ("values.global.proxy.excludeInboundPorts=4,5,6", (["global", "proxy", "excludeInboundPorts"], "4,5,6")),
    ("values.x=1", (["x"], 1)),
    ("values.x=True", (["x"], True)),
    ("values.x=0.5", (["x"], 0.5)),
    ("values.x=a\\,b", (["x"], "a,b")),
    ("tag=1.30", (["global", "tag"], "1.30")),
    ("hub=example.com", (["global", "hub"], "example.com")),
    ("global.proxy.image=foo", (["global", "proxy", "image"], "foo")),
    ("meshConfig.defaultConfig.proxyMetadata.N=1", (["meshConfig", "defaultConfig", "proxyMetadata", "N"], "1")),
    ("values.a\\.b.c=x", (["a.b", "c"], "x")),
    ("values.a=b=c", (["a"], "b=c")),          # istioctl's getPV: the value is all after the first =
    ("values.revisionTags[0]=prod", (["revisionTags", "[0]"], "prod")),
    ("values.a.[name:x].b=1", (["a", "[name:x]", "b"], 1)),
])
def test_parse_set_types_like_istioctl(flag, want):
    assert parse_set(flag) == want


@pytest.mark.parametrize("flag", ["components.ingressGateways.enabled=true", "novalue", ".=x", "values.x[y]=1",
                                  "values." + "a." * 2000 + "b=1"])
def test_parse_set_refuses(flag):
    with pytest.raises(ChartError):
        parse_set(flag)


def test_component_switches_like_istioctl():
    assert parse_set("components.pilot.enabled=true") is None
    assert parse_set("components.cni.enabled=true") == (["pilot", "cni", "enabled"], True)
    # the user's own value wins over the component switch, whatever the order
    assert parse_sets(["values.pilot.cni.enabled=false", "components.cni.enabled=true"])[-1][1] is False


def test_overrides_reach_values_config_and_mesh():
    injector, mesh = _render("1.30.3", ("values.global.proxy.autoInject=disabled", "values.revision=canary",
                                        "meshConfig.defaultConfig.drainDuration=23s"))
    assert injector["metadata"]["name"] == "istio-sidecar-injector-canary"
    assert yaml.safe_load(injector["data"]["config"])["policy"] == "disabled"
    assert json.loads(injector["data"]["values"])["revision"] == "canary"
    m = yaml.safe_load(mesh["data"]["mesh"])
    assert m["defaultConfig"]["drainDuration"] == "23s"
    assert m["defaultConfig"]["discoveryAddress"] == "istiod-canary.istio-system.svc:15012"
    assert mesh["metadata"] == {**mesh["metadata"], "name": "istio-canary", "namespace": "istio-system"}


def test_profile_file_applies_and_unknown_profile_is_refused():
    _, mesh = _render("1.30.3", ("profile=demo",))
    assert yaml.safe_load(mesh["data"]["mesh"]).get("accessLogFile") == "/dev/stdout"
    with pytest.raises(ChartError, match="unknown profile"):
        _render("1.30.3", ("profile=no-such",))


def test_omitted_configmap_is_none():
    injector, mesh = _render("1.30.3", ("values.global.omitSidecarInjectorConfigMap=true",))
    assert injector is None and mesh is not None


def test_release_layout_and_bare_chart(tmp_path):
    chart = _chart("1.30.3")
    nested = tmp_path / "istio-1.30.3" / RELEASE_CHART
    nested.parent.mkdir(parents=True)
    nested.symlink_to(chart, target_is_directory=True)
    assert find_chart(tmp_path / "istio-1.30.3") == nested
    assert find_chart(chart) == chart
    a = release_configmaps(tmp_path / "istio-1.30.3", ["values.global.proxy.image=x"])
    b = release_configmaps(chart, ["values.global.proxy.image=x"])
    assert a == b and json.loads(a[0]["data"]["values"])["global"]["proxy"]["image"] == "x"
    with pytest.raises(ChartError, match="neither an Istio release"):
        find_chart(tmp_path)


def test_release_version(tmp_path):
    chart = _chart("1.30.3")
    assert release_version(chart) is None  # the chart's Chart.yaml holds the source tree's placeholder
    rel = tmp_path / "istio-1.30.3"
    (rel / RELEASE_CHART).parent.mkdir(parents=True)
    (rel / RELEASE_CHART).symlink_to(chart, target_is_directory=True)
    assert release_version(rel) == "1.30.3"
    (rel / "manifest.yaml").write_text("name: istio\nversion: 1.29.1\n")
    assert release_version(rel) == "1.29.1"


# --- the webhook configurations ------------------------------------------------------------------------

#: Settings that change the webhooks: a revision, revision tags (an IstioOperator, since --set takes no list
#: index), the namespace-selector knobs.
_WEBHOOK_SETTINGS = {
    "defaults": ((), None),
    "revision": (("revision=canary",), None),
    "revision-tags": (("revision=canary",), {"values": {"revisionTags": ["prod", "default"]}}),
    "enable-namespaces-by-default": (("values.sidecarInjectorWebhook.enableNamespacesByDefault=true",), None),
}


@pytest.mark.parametrize("version", sorted(CHARTS) + [paths.MASTER])
@pytest.mark.parametrize("setting", sorted(_WEBHOOK_SETTINGS))
def test_webhook_configurations_same_as_istioctl_manifest_generate(version, setting, tmp_path):
    """--istio-release also installs the chart's MutatingWebhookConfigurations (replacing the state's):
    they must be the ones `istioctl manifest generate` writes with the same settings."""
    from simulator.istio.chart import render_webhook_configurations
    from tests.oracles import istioctl

    parity.ensure_oracle_env()
    try:
        istioctl.istioctl_binary(version)
    except istioctl.OracleUnavailable as e:
        pytest.skip("the real istioctl %s is not available: %s" % (version, e.reason))
    chart = _chart(version)
    flags, values = _WEBHOOK_SETTINGS[setting]
    files = ()
    if values is not None:
        iop = tmp_path / "iop.yaml"
        iop.write_text(yaml.safe_dump({"apiVersion": "install.istio.io/v1alpha1", "kind": "IstioOperator",
                                       "spec": values}))
        files = (iop,)
    real = istioctl.oracle_inputs(version, set_flags=istioctl.DEFAULT_MANIFEST_FLAGS + flags, files=files)
    want = [d for d in yaml.safe_load_all(real["manifest"].read_text())
            if isinstance(d, dict) and d.get("kind") == "MutatingWebhookConfiguration"]
    user = istio_operator_values(yaml.safe_load(files[0].read_text())) if files else None
    got = render_webhook_configurations(read_chart(chart), parse_sets(istioctl.DEFAULT_MANIFEST_FLAGS + flags),
                                        user_values=user)
    key = lambda d: d["metadata"]["name"]  # noqa: E731
    assert [key(d) for d in sorted(got, key=key)] == [key(d) for d in sorted(want, key=key)]
    for g, w in zip(sorted(got, key=key), sorted(want, key=key)):
        g = json.loads(json.dumps(g))
        # Labels: istioctl stamps Helm's bookkeeping labels the shipped chart files cannot produce (their
        # helper lives outside the chart directory); the ones selection reads must agree.
        gl, wl = g["metadata"].pop("labels", {}), w["metadata"].pop("labels", {})
        assert {k: v for k, v in gl.items() if k.startswith("istio.io/")} == \
               {k: v for k, v in wl.items() if k.startswith("istio.io/")}
        # 1.24's istioctl writes the tag webhooks with reinvocationPolicy: Never, its chart leaves it out:
        # the API server's default, so both mean the same.
        for hook in g["webhooks"] + w["webhooks"]:
            hook.setdefault("reinvocationPolicy", "Never")
        assert g == w


def test_a_revision_release_brings_its_own_webhooks(cli_env=None):
    """--istio-release --set revision=canary: only canary's webhooks exist, so `istio-injection=enabled`
    no longer injects and `istio.io/rev=canary` does, through the canary injector."""
    import os

    from tests.conftest import run_cli

    chart = str(_chart("1.30.3"))
    httpbin = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "httpbin.yaml")
    base = ("explain", "-f", httpbin, "-n", "mesh", "--istio-release", chart, "--set", "revision=canary", "-o", "json")
    item = json.loads(run_cli(*base).stdout)["items"][0]
    assert item["verdict"] == "not-injected"
    assert {w["configuration"] for w in item["stages"][1]["webhooks"]} == {"istio-sidecar-injector-canary"}
    assert item["clusterState"]["MutatingWebhookConfiguration"].startswith("--istio-release")
    item = json.loads(run_cli(*base, "--ns-label", "istio-injection-", "--ns-label", "istio.io/rev=canary").stdout)["items"][0]
    assert item["verdict"] == "injected"
    policy = next(s for s in item["stages"] if s["stage"] == "policy")["calls"][0]
    assert policy["injector"] == "istio-system/istio-sidecar-injector-canary"
