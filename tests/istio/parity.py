"""Parity harness: the real `istioctl kube-inject` against simulator.istio on Istio's own injection corpus.

Inputs are the manifests `*.yaml` of Istio's injection corpus (read in place, never copied): 1.30.3's from
../shared, else the master snapshot's from the Go module cache (tests/paths.py).
For each release and settings variant, the injector configuration is what `istioctl manifest generate`
renders with the variant's settings (tests/oracles/istioctl.oracle_inputs), both sides get exactly the same
three files, and their outputs are compared after parsing as YAML (Go's YAML semantics, simulator/yamlio).
A variant may rewrite the inputs (e.g. add a template annotation to every pod template); the rewritten
manifests are cached under ~/.cache/kubectl-inject/istio-parity/ and fed to both sides.

Comparison rules: same documents in the same order after parsing; same "===> Skipping injection" lines on
stderr; when istioctl fails, the simulator must fail with the same message (istioctl prints
"Error: <message>"); the one normalisation is the order of the template names in "requested template ... not
found; have a, b, c", which Istio prints in Go map order (random from run to run).  Nothing else needs
normalising: both sides run the same release on the same inputs.
"""

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from tests import paths

#: The manifests every line is compared on (any release's corpus will do: both sides get the same input).
CORPUS, CORPUS_MISSING = paths.optional(paths.any_istio_corpus_path)
#: Istio 1.30.3's own goldens, which golden_cases.py describes: from ../shared only.
GOLDEN_CORPUS, GOLDEN_CORPUS_MISSING = paths.optional(paths.istio_corpus, "1.30.3")
#: The real istioctl lines compared against.  The first two are releases (their istioctl is built where the
#: Go module proxy serves them, or supplied by path: tests/oracles/istioctl.py); "master-20260827" is the
#: master snapshot the proxy does serve, so it is the one line that is built and compared in CI.
RELEASES = ("1.30.3", "1.24.6", "master-20260827")
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kubectl-inject" / "istio-parity"

#: Local istioctl builds the oracle helper leaves behind, used when no KUBECTL_INJECT_ISTIOCTL_* is set.
_LOCAL_BUILDS = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kubectl-inject" / "local-istioctl"


@dataclass(frozen=True)
class Variant:
    name: str
    description: str
    set_flags: tuple = ()
    iop_files: tuple = ()            # corpus file names (IstioOperator) passed with -f
    env: tuple = ()                  # (name, value) pairs for istioctl's environment
    kube_args: tuple = ()            # extra kube-inject flags
    annotate: tuple = ()             # (key, value) pairs added to every pod template's annotations
    revision: str = ""
    reinject_from: str = ""          # input = istioctl's own output under that variant (re-injection)


VARIANTS = (
    Variant("default", "chart defaults (profile empty + istiod), no environment: native sidecars off"),
    Variant("native-on", "ENABLE_NATIVE_SIDECARS=true (istio-proxy as a native sidecar init container)",
            env=(("ENABLE_NATIVE_SIDECARS", "true"),)),
    Variant("native-off", "ENABLE_NATIVE_SIDECARS=false", env=(("ENABLE_NATIVE_SIDECARS", "false"),)),
    Variant("revision", "revision canary: --set revision=canary, kube-inject --revision canary",
            set_flags=("revision=canary",), kube_args=("--revision", "canary"), revision="canary"),
    Variant("custom-template", "Istio's custom-template.iop.yaml, pods select sidecar,custom",
            iop_files=("custom-template.iop.yaml",), annotate=(("inject.istio.io/templates", "sidecar,custom"),)),
    Variant("gateway-template", "pods select the gateway template",
            annotate=(("inject.istio.io/templates", "gateway"),)),
    Variant("proxy-image", "hub/tag/image/variant overridden in values",
            set_flags=("hub=docker.io/example", "tag=1.2.3-debug", "values.global.proxy.image=proxy-custom",
                       "values.global.variant=distroless")),
    Variant("hold-application", "values.global.proxy.holdApplicationUntilProxyStarts=true",
            set_flags=("values.global.proxy.holdApplicationUntilProxyStarts=true",)),
    Variant("interception-tproxy", "meshConfig.defaultConfig.interceptionMode=TPROXY",
            set_flags=("meshConfig.defaultConfig.interceptionMode=TPROXY",)),
    Variant("cni", "components.cni.enabled=true (the operator sets values.pilot.cni.enabled; istio-validation "
                   "instead of istio-init)", set_flags=("components.cni.enabled=true",)),
    # Further settings, beyond the list: Istio's own IstioOperator test files, and mesh/values knobs
    # the Go post-processing reads.
    Variant("iop-image-secrets", "Istio's hello-image-secrets-in-values.iop.yaml",
            iop_files=("hello-image-secrets-in-values.iop.yaml",)),
    Variant("iop-template-in-values", "Istio's hello-template-in-values.iop.yaml",
            iop_files=("hello-template-in-values.iop.yaml",)),
    Variant("iop-resources-null", "Istio's proxy-resources-null.iop.yaml", iop_files=("proxy-resources-null.iop.yaml",)),
    Variant("iop-resources-zero", "Istio's proxy-resources-zero.iop.yaml", iop_files=("proxy-resources-zero.iop.yaml",)),
    Variant("iop-resources-mixed-null", "Istio's proxy-resources-mixed-null.iop.yaml",
            iop_files=("proxy-resources-mixed-null.iop.yaml",)),
    Variant("iop-spire", "Istio's spire-template.iop.yaml, pods select sidecar,spire",
            iop_files=("spire-template.iop.yaml",), annotate=(("inject.istio.io/templates", "sidecar,spire"),)),
    Variant("grpc-agent-template", "pods select the grpc-agent template",
            annotate=(("inject.istio.io/templates", "grpc-agent"),)),
    Variant("network-cluster", "values.global.network=network1, multiCluster.clusterName=cluster1, meshID=mesh1",
            set_flags=("values.global.network=network1", "values.global.multiCluster.clusterName=cluster1",
                       "values.global.meshID=mesh1")),
    Variant("no-merge-no-rewrite", "meshConfig.enablePrometheusMerge=false, rewriteAppHTTPProbe=false",
            set_flags=("meshConfig.enablePrometheusMerge=false",
                       "values.sidecarInjectorWebhook.rewriteAppHTTPProbe=false")),
    Variant("mesh-proxy-settings", "mesh defaultConfig: proxyMetadata, concurrency, statusPort, drain duration, "
                                   "image type; inboundTrafficPolicy LOCALHOST",
            set_flags=("meshConfig.defaultConfig.proxyMetadata.ISTIO_META_ENABLE_HBONE=true",
                       "meshConfig.defaultConfig.proxyMetadata.FOO=bar",
                       "meshConfig.defaultConfig.concurrency=2",
                       "meshConfig.defaultConfig.statusPort=15030",
                       "meshConfig.defaultConfig.drainDuration=12s",
                       "meshConfig.defaultConfig.image.imageType=distroless",
                       "meshConfig.inboundTrafficPolicy.mode=LOCALHOST")),
    Variant("reinject", "re-injection: istioctl's default output injected again",
            reinject_from="default"),
    Variant("reinject-native", "istioctl's output without native sidecars re-injected with them on",
            env=(("ENABLE_NATIVE_SIDECARS", "true"),), reinject_from="default"),
    Variant("interception-none-native", "interceptionMode NONE via annotation, native sidecars on",
            env=(("ENABLE_NATIVE_SIDECARS", "true"),),
            annotate=(("sidecar.istio.io/interceptionMode", "NONE"),)),
    # Inputs for behaviour that appeared in 1.31 (the master snapshot); older lines ignore the annotations
    # and values involved, so there they check that nothing changes.
    Variant("scrape-targets", "pods carry prometheus.istio.io/scrape-targets; mesh proxyMetadata sets "
                              "ENVOY_SECURE_MERGED_METRICS_PORT (1.31: merged targets, secure-port annotation)",
            set_flags=("meshConfig.defaultConfig.proxyMetadata.ENVOY_SECURE_MERGED_METRICS_PORT=15091",),
            annotate=(("prometheus.istio.io/scrape-targets", " 8080:/app/metrics, 9090 ,,9102: "),)),
    Variant("scrape-port-reserved", "prometheus.io/port +15000 on every pod (1.31 refuses Istio's own ports)",
            annotate=(("prometheus.io/port", "+15000"),)),
    Variant("proxy-init-image", "values.global.proxy_init.image and variant distroless; pods' proxy config "
                                "sets an image without imageType (1.31 keeps the variant, older lines drop it)",
            set_flags=("values.global.proxy_init.image=proxy-init-custom", "values.global.variant=distroless"),
            annotate=(("proxy.istio.io/config", 'image:\n  imageType: ""\n'),)),
    Variant("mesh-131-fields", "mesh fields istio.io/api 1.31 added: defaultConfig.connectionSettings, "
                               "zoneAwareLbSetting, defaultTrafficPolicy, serviceEntryVisibility (1.31 keeps "
                               "connectionSettings in PROXY_CONFIG, older lines drop all four)",
            set_flags=("meshConfig.defaultConfig.connectionSettings.httpIdleTimeout=30s",
                       "meshConfig.defaultConfig.connectionSettings.http2InitialStreamWindowSize=1048576",
                       "meshConfig.zoneAwareLbSetting.enabled=true",
                       "meshConfig.defaultTrafficPolicy.connectionPool.tcp.maxConnections=100",
                       "meshConfig.serviceEntryVisibility.defaultVisibility=NAMESPACE")),
)
VARIANT_BY_NAME = {v.name: v for v in VARIANTS}


def corpus_inputs():
    return sorted(p for p in CORPUS.glob("*.yaml") if not p.name.endswith(".iop.yaml"))


def ensure_oracle_env():
    """Point the oracle at locally built istioctls when nothing else is configured (developer machines)."""
    from tests.oracles import istioctl

    for version in RELEASES:
        var = istioctl.env_var(version)
        local = _LOCAL_BUILDS / version / "istioctl"
        if not os.environ.get(var) and local.exists():
            os.environ[var] = str(local)


@dataclass
class CaseResult:
    release: str
    variant: str
    case: str
    identical: bool
    detail: str = ""
    real_error: str = ""
    mine_error: str = ""


@dataclass
class _Setup:
    inputs: dict
    config: object = None
    error: str = ""
    kube_args: tuple = ()
    env: dict = field(default_factory=dict)


def _flags(variant):
    from tests.oracles.istioctl import DEFAULT_MANIFEST_FLAGS

    return tuple(DEFAULT_MANIFEST_FLAGS) + tuple(variant.set_flags)


_setups = {}
# One engine cache for every simulated run of the session, as a bulk run of the plugin shares one: the
# templates of a configuration are compiled once, whichever case comes first.
ENGINE_CACHE = None


def engine_cache():
    global ENGINE_CACHE
    if ENGINE_CACHE is None:
        from simulator import EngineCache

        ENGINE_CACHE = EngineCache()
    return ENGINE_CACHE

#: Without --revision, istioctl 1.30 asks a cluster for its default revision (RevisionOrDefault) and, with no
#: reachable cluster, can wait forever; `--revision default` is what it falls back to anyway ("default" -> "").
_DEFAULT_REVISION_ARGS = ("--revision", "default")


def setup(release, variant):
    """The oracle's input files for (release, variant) and the simulator's InjectorConfig built from them."""
    key = (release, variant.name)
    if key in _setups:
        return _setups[key]
    from tests.oracles import istioctl

    inputs = istioctl.oracle_inputs(release, set_flags=_flags(variant),
                                    files=tuple(CORPUS / f for f in variant.iop_files))
    s = _Setup(inputs=inputs, kube_args=variant.kube_args or _DEFAULT_REVISION_ARGS, env=dict(variant.env))
    s.config = load_config(inputs["inject_config"], inputs["values"], inputs["mesh_config"], variant.revision)
    _setups[key] = s
    return s


def load_config(inject_config, values, mesh_config, revision="", webhook=False):
    """InjectorConfig from kube-inject's three files (the way istioctl reads --injectConfigFile: templates
    only; `webhook=True` keeps the whole config - policy, defaultTemplates, ... - as istiod reads it)."""
    from simulator.istio.injector_config import build_config
    from simulator import yamlio

    text = Path(inject_config).read_text()
    try:
        cfg = yamlio.load(text)
    except yamlio.YAMLSyntaxError:
        cfg = None
    if not isinstance(cfg, dict) or not cfg.get("templates"):
        cfg = {"templates": {"sidecar": text}}
    values_doc = json.loads(Path(values).read_text())
    if not webhook:
        cfg = {"templates": cfg.get("templates") or {}}
    config = build_config(cfg, values_doc, name="istio-sidecar-injector",
                          namespace="istio-system", revision=revision, engine="go", origin=str(inject_config))
    config.mesh = Path(mesh_config).read_text()
    return config


def prepared_input(path, variant, release="1.30.3"):
    """The manifest both sides get: the corpus file itself, or a rewritten copy for annotating variants,
    or (re-injection variants) what the real istioctl printed for it under another variant."""
    if variant.reinject_from:
        from tests.oracles import istioctl

        base = VARIANT_BY_NAME[variant.reinject_from]
        s = setup(release, base)
        first = istioctl.kube_inject_result(release, prepared_input(path, base, release),
                                            inject_config=s.inputs["inject_config"],
                                            mesh_config=s.inputs["mesh_config"], values=s.inputs["values"],
                                            extra_args=s.kube_args, env=s.env or None)
        if first.returncode != 0:
            return Path(path)
        key = hashlib.sha256(first.stdout.encode()).hexdigest()[:20]
        out = CACHE / "inputs" / ("%s-reinject-%s.yaml" % (Path(path).stem, key))
        if not out.exists():
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_suffix(".tmp%d" % os.getpid())
            tmp.write_text(first.stdout)
            os.replace(tmp, out)
        return out
    if not variant.annotate:
        return Path(path)
    text = Path(path).read_text()
    key = hashlib.sha256((text + json.dumps(variant.annotate)).encode()).hexdigest()[:20]
    out = CACHE / "inputs" / ("%s-%s.yaml" % (Path(path).stem, key))
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    from simulator import yamlio
    from simulator.yamlio.reader import split_documents
    from simulator.yamlio.write import dump

    parts = []
    for raw in split_documents(text):
        try:
            doc = yamlio.load(raw)
        except yamlio.YAMLSyntaxError:
            doc = None
        if isinstance(doc, dict):
            _annotate(doc, dict(variant.annotate))
            parts.append(dump(doc))
        else:
            parts.append(raw if raw.endswith("\n") else raw + "\n")
    tmp = out.with_suffix(".tmp%d" % os.getpid())
    tmp.write_text("---\n".join(parts))
    os.replace(tmp, out)
    return out


def _annotate(doc, annotations):
    kind = doc.get("kind")
    if kind == "List":
        for item in doc.get("items") or []:
            if isinstance(item, dict):
                _annotate(item, annotations)
        return
    spec = doc.get("spec") if isinstance(doc.get("spec"), dict) else None
    if kind == "Pod":
        holder = doc
    elif kind == "CronJob" and spec is not None and isinstance(spec.get("jobTemplate"), dict):
        holder = spec["jobTemplate"]
    elif spec is not None and isinstance(spec.get("template"), dict):
        holder = spec["template"]
    else:
        return
    meta = holder.setdefault("metadata", {}) if isinstance(holder.get("metadata", {}), dict) else None
    if meta is None:
        return
    if meta.get("annotations") is None or not isinstance(meta.get("annotations"), dict):
        meta["annotations"] = {}
    meta["annotations"].update(annotations)


def _docs(text):
    from simulator import yamlio

    try:
        return list(yamlio.load_all(text))
    except yamlio.YAMLSyntaxError as e:
        return ["<unparsable YAML: %s>" % e]


def _skips(stderr):
    return [l for l in stderr.splitlines() if l.startswith("===>")]


def _real_error(stderr):
    i = stderr.rfind("Error: ")
    return stderr[i + len("Error: "):].strip() if i >= 0 else stderr.strip()


_HAVE = re.compile(r'(requested template "[^"]*" not found; have )(.*)$', re.M)


def normalise_error(text):
    """Istio lists the known templates in Go map order (random per run): compare them as a set.  And the
    CLI prints every problem as one line (plugin/printers/words.one_line folds Go's multierror text), so
    both sides are compared folded so."""
    from plugin.printers.words import one_line

    return _HAVE.sub(lambda m: m.group(1) + ", ".join(sorted(m.group(2).split(", "))), one_line(text.strip()))


#: Snapshot oracle lines (no release number) -> the version line the simulator reproduces for them
#: (the snapshot's own VERSION file).
SNAPSHOT_LINES = {"master-20260827": "1.31"}


def simulator_version(release):
    """The release the simulator is told it reproduces: a snapshot maps to its line (SNAPSHOT_LINES);
    an unknown label leaves the choice to the simulator's guess from the configuration."""
    if release[:1].isdigit():
        return release
    return SNAPSHOT_LINES.get(release)


def run_case(release, variant, path):
    """Both sides on one input; a CaseResult saying whether they agree (and how they differ if not)."""
    from tests.oracles import istioctl
    from simulator.istio.kubeinject import kube_inject_text

    s = setup(release, variant)
    manifest = prepared_input(path, variant, release)
    real = istioctl.kube_inject_result(release, manifest, inject_config=s.inputs["inject_config"],
                                       mesh_config=s.inputs["mesh_config"], values=s.inputs["values"],
                                       extra_args=s.kube_args, env=s.env or None)
    name = Path(path).name[: -len(".yaml")]
    try:
        out, err, error = kube_inject_text(manifest.read_text(), s.config, env=s.env, cache=engine_cache(),
                                           version=simulator_version(release), revision=variant.revision)
    except Exception as e:  # a crash is a difference, reported with its type
        return CaseResult(release, variant.name, name, False, "simulator crashed: %s: %s" % (type(e).__name__, e))
    if real.returncode != 0:
        real_err = _real_error(real.stderr)
        if error is None:
            return CaseResult(release, variant.name, name, False, "istioctl failed, simulator did not",
                              real_error=real_err)
        same = normalise_error(error) == normalise_error(real_err)
        return CaseResult(release, variant.name, name, same, "" if same else "different error messages",
                          real_error=real_err, mine_error=error)
    if error is not None:
        return CaseResult(release, variant.name, name, False, "simulator failed, istioctl did not",
                          mine_error=error)
    a, b = _docs(real.stdout), _docs(out)
    if a != b:
        return CaseResult(release, variant.name, name, False, _diff(a, b))
    if _skips(real.stderr) != _skips(err):
        return CaseResult(release, variant.name, name, False,
                          "stderr differs: %r vs %r" % (_skips(real.stderr), _skips(err)))
    return CaseResult(release, variant.name, name, True)


def _diff(a, b, limit=40):
    import difflib

    def lines(docs):
        return json.dumps(docs, indent=1, sort_keys=True, default=str).splitlines()

    d = list(difflib.unified_diff(lines(a), lines(b), "istioctl", "simulator", lineterm="", n=2))
    return "\n".join(d[:limit]) + ("\n..." if len(d) > limit else "")


def run_all(releases=RELEASES, variants=VARIANTS, cases=None):
    ensure_oracle_env()
    results = []
    for release in releases:
        for variant in variants:
            for path in cases or corpus_inputs():
                results.append(run_case(release, variant, path))
    return results
