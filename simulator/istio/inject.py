"""Inject a pod exactly as Istio's webhook (`injectPod`) or `istioctl kube-inject` (`IntoObject`) would.

    from simulator.istio.inject import inject
    result = inject(pod, config, mode="webhook")   # templates.Injection: .pod, .template_pod, .rendered, .added

The pod goes through Istio's steps in order (pkg/kube/inject/webhook.go `injectPod`, inject.go
`RunTemplate`): annotation validation, cluster/network, stripping of a previous injection, the template
data, then the template stage (templates.py: every selected template rendered and strategically merged into
an empty pod and into the pod, the native-sidecar move) with Go text/template as its renderer and Go's typed
decode after each merge, user overrides of injected containers, then post-processing (postprocess.py,
app_probe.py, and templates.py's metadata and container order).  Anything Istio would refuse raises
TemplateRenderError with Istio's message.

Istiod's environment (what `env`, native sidecars, compliance policy and the revision depend on): the
`env` argument when given; otherwise, in webhook mode, `values.pilot.env` (the chart renders istiod's
env from the same map), plus REVISION = `values.revision` or "default" and PLATFORM =
`values.global.platform`; in kube-inject mode, istioctl's environment is empty unless `env` is given.
"""
from __future__ import annotations

import json
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping, Optional

from ..cache import cache_or_new
from ..depth import BEYOND
from ..errors import SourcePos, TemplateRenderError
from ..kube.strategicpatch import MergeError, strategic_merge
from ..kube.typed import TypedError
from ..kube.typed.roundtrip import roundtrip_pod
from .. import yamlio
from . import app_probe, images, mesh as meshmod, postprocess, templates
from .data import deploy_meta_from_pod, template_data
from .funcs import injection_funcs
from .release import Release, release_for
from .validate import validate_annotations
from .templates import Injection, Renderer
from .values import ValuesError, values_of

PROXY_CONFIG_ANNOTATION = "proxy.istio.io/config"


class Context:
    """Everything about the injector that does not depend on the pod.  What is costly to derive (values,
    mesh config, compiled templates, parsed renders) is kept in `cache` (an EngineCache; a fresh one when
    None), so that contexts made for the same configuration share it."""

    def __init__(self, config, *, mode="webhook", env=None, native_sidecars=None, nodes=None, version=None,
                 revision=None, proxy_envs=None, cache=None):
        if mode not in ("webhook", "kube-inject"):
            raise ValueError("mode must be 'webhook' or 'kube-inject'")
        self.config = config
        self.mode = mode
        self.cache = cache = cache_or_new(cache)
        self.release = version if isinstance(version, Release) else release_for(version) if version else \
            config.release
        try:
            self.values = values_of(config, cache)
        except ValuesError as e:
            raise TemplateRenderError(str(e), pos=SourcePos("values")) from None
        self.env = dict(env) if env is not None else (istiod_env(self.values) if mode == "webhook" else {})
        self.mesh = meshmod.mesh_of(config, self.release, cache, fallback=mode == "webhook")
        if mode == "webhook":
            self.revision = revision if revision is not None else (self.env.get("REVISION") or config.revision or "")
        else:
            rev = revision if revision is not None else (config.revision or "")
            self.revision = "" if rev == "default" else rev
        self.native_setting = native_sidecars
        self.nodes = nodes
        self.proxy_envs = dict(proxy_envs or {})
        self.compliance_policy = self.env.get("COMPLIANCE_POLICY", "")

    def native_sidecars(self, pod):
        """DetectNativeSidecar (webhook) / the ENABLE_NATIVE_SIDECARS feature flag (kube-inject)."""
        if self.native_setting is not None:
            return bool(self.native_setting), []
        value = self.env.get("ENABLE_NATIVE_SIDECARS", "")
        if not self.release.native_sidecar_detection:
            return value.strip().lower() in ("1", "t", "true"), []
        mode = {"true": "on", "false": "off", "auto": "auto", "": "auto"}.get(value, "off")
        if mode != "auto":
            return mode == "on", []
        if self.mode == "kube-inject":
            return False, []
        if self.nodes is None:
            return False, ["node kubelet versions unknown: native sidecars assumed off "
                           "(istiod would detect them from the cluster's nodes)"]
        return detect_native_sidecar(self.nodes, ((pod.get("spec") or {}).get("nodeName") or "")), []

    def template(self, name):
        """The compiled template `name`, kept in the cache by release and text: webhook and kube-inject
        contexts share it, each executing it with its own environment (`execute(data, env=ctx.env)`)."""
        text = self.config.templates[name]
        release = self.release

        def compile_template():
            from ..gotemplate import Template, TemplateError

            try:
                return Template(text, name="inject", funcs=injection_funcs(release), tree_cache=self.cache.trees)
            except TemplateError as e:
                raise TemplateRenderError(str(e), pos=SourcePos("templates." + name)) from None

        return self.cache.recall(("template", release.key, text), compile_template)


def istiod_env(values):
    env = values.pilot_env()
    rev = values.raw.get("revision")
    env.setdefault("REVISION", rev if isinstance(rev, str) and rev else "default")
    platform = (values.raw.get("global") or {}).get("platform")
    if isinstance(platform, str) and platform:
        env.setdefault("PLATFORM", platform)
    return env


def node_versions(nodes):
    """(name, kubelet version) of each node (Node objects, or kubelet version strings named by themselves):
    all that native sidecar detection reads of them."""
    out = []
    for n in nodes:
        if isinstance(n, str):
            out.append((n, n))
        else:
            name = (n.get("metadata") or {}).get("name", "")
            out.append((name, (((n.get("status") or {}).get("nodeInfo") or {}).get("kubeletVersion", ""))))
    return tuple(out)


def detect_native_sidecar(nodes, node_name):
    """Kubelet minor >= 33 on the pod's node, else on every node (an empty list: on)."""
    def ok(version):
        import re

        m = re.match(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?([-+].*)?$", version or "")
        if not m:
            return False
        minor = int(m.group(2) or 0)
        return minor >= 33

    versions = dict(node_versions(nodes))
    if node_name and node_name in versions:
        return ok(versions[node_name])
    return all(ok(v) for v in versions.values())


# ---------------------------------------------------------------------------------------------------------

def _fail(message, field=None):
    raise TemplateRenderError(message, pos=SourcePos(field) if field else None)


def decode_pod(pod):
    """json.Unmarshal into corev1.Pod (what the webhook reads from the AdmissionReview)."""
    try:
        return roundtrip_pod(pod)
    except TypedError as e:
        _fail(str(e))


def parse_rendered(text, cache):
    """yaml.Unmarshal of rendered template text into map[string]any (_BAD when it is not YAML).

    Replicas of a workload render the same text, so results are kept in the cache; the merge never
    mutates its patch, so sharing is safe."""
    def parse():
        try:
            return yamlio.load(text)
        except yamlio.YAMLSyntaxError:
            return _BAD

    return cache.recall(("overlay", text), parse)


def _overlay(target, text, what, cache):
    patch = parse_rendered(text, cache)
    if patch is None:
        patch = {}
    if not isinstance(patch, dict):
        raise _MergeFailure("%s: strategic merge: invalid JSON document" % what)
    try:
        merged = strategic_merge(target, patch)
        return roundtrip_pod(merged)
    except MergeError as e:
        raise _MergeFailure("%s: strategic merge: %s" % (what, e)) from None
    except TypedError as e:
        raise _MergeFailure("%s: unmarshal patched pod: %s" % (what, e)) from None
    except RecursionError:
        # Input is held to MAX_DEPTH where it is read, so only a template that builds the nesting itself
        # gets here; the typed decode leaves no deeper data behind it (the pod's schema is shallow).
        raise _MergeFailure("%s: the rendered text %s" % (what, BEYOND)) from None


_BAD = object()


class _MergeFailure(Exception):
    pass


class _GoRenderer(Renderer):
    """Go text/template on Istio's data, run with istiod's (or istioctl's) environment; each merge followed
    by Go's typed decode (applyOverlayYAML)."""

    error_prefix = "failed to run injection template: "

    def __init__(self, ctx):
        self.ctx = ctx

    def render(self, name, data):
        from ..gotemplate import TemplateError

        tmpl = self.ctx.template(name)
        try:
            return tmpl.execute(data, env=self.ctx.env)
        except TemplateError as e:
            _fail("failed to run injection template: %s" % e, "templates." + name)

    def overlay(self, target, text, name, onto_template_pod):
        cache = self.ctx.cache
        try:
            if not onto_template_pod:
                return _overlay(target, text, "failed parsing generated injected YAML (check Istio sidecar "
                                              "injector configuration)", cache)
            if not target:
                return _first_template_pod(text, cache)
            return _overlay(target, text, "failed applying injection overlay", cache)
        except _MergeFailure as e:
            _fail("failed to run injection template: %s" % e, "templates." + name)

    def decode(self, pod):
        return roundtrip_pod(pod)


def _first_template_pod(text, cache):
    """The first overlay onto the empty pod depends on the text alone: kept like the parse, and shared,
    not copied (a copy cost 0.2 ms per render).  Everything after only reads the template pod: the status
    annotation, the override and native-sidecar checks take names from it, a further template's merge
    copies its target, and Injection.template_pod is documented read-only."""
    return cache.recall(("template-pod", text), lambda: _overlay({}, text, "failed applying injection overlay", cache))


def _strip_pod(pod, status_port, release=None):
    """stripPod (templates.strip_previous), and our Prometheus annotations go too when they point at the
    status port (only the template data sees this pod)."""
    status = templates.previous_status(pod)
    if status is None:
        return pod
    pod = templates.strip_previous(pod, status)
    anns = pod["metadata"]["annotations"]
    ports = postprocess._variants(anns, "prometheus_io_port")
    if ports and anns[ports[0]] == str(status_port):
        cleared = postprocess.prometheus_cleared(release)
        for k in [k for k in anns if postprocess._sanitize_label_name(k) in cleared]:
            del anns[k]
    if not anns:
        del pod["metadata"]["annotations"]
    return roundtrip_pod(pod)


def _reinsert_overrides(pod):
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    if postprocess.OVERRIDES not in annotations:
        return pod
    try:
        containers, inits = postprocess._parsed_containers(annotations[postprocess.OVERRIDES])
    except postprocess.PostProcessError as e:
        _fail("failed to run injection template: %s" % e)
    pod = json.loads(json.dumps(pod))
    spec = pod.setdefault("spec", {})
    for key, extra in (("containers", containers), ("initContainers", inits)):
        for c in extra:
            if postprocess.find_container(c.get("name", ""), spec.get(key)) is None:
                spec.setdefault(key, []).append(c)
    return roundtrip_pod(pod)


def data_for_pod(pod, ctx, *, type_meta=None, deploy_meta=None, proxy_config=None, mesh=None, native=None,
                 proxy_ids=(1337, 1337)):
    """The template data for `pod` (already decoded and stripped) under ctx."""
    mesh = mesh if mesh is not None else ctx.mesh
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    if proxy_config is None:
        proxy_config = meshmod.effective_proxy_config(mesh, annotations, ctx.cache)
    if type_meta is None or deploy_meta is None:
        deploy_meta, type_meta = deploy_meta_from_pod(pod)
    if native is None:
        native = ctx.native_sidecars(pod)[0]
    return template_data(
        pod=pod, type_meta=type_meta, deploy_meta=deploy_meta, proxy_config=proxy_config, mesh_config=mesh,
        values=ctx.values.as_map, revision=ctx.revision, native=native,
        proxy_image=images.proxy_image(ctx.values, proxy_config, annotations, ctx.release),
        proxy_init_image=(images.proxy_init_image(ctx.values, annotations)
                          if ctx.release.data_has_proxy_init_image else ""),
        proxy_uid=proxy_ids[0], proxy_gid=proxy_ids[1], inbound_mode=meshmod.inbound_traffic_policy_mode(mesh),
        compliance_policy=ctx.compliance_policy, release=ctx.release)


def inject_pod(pod, ctx, *, type_meta, deploy_meta, proxy_config, mesh, native, notes=(), proxy_ids=(1337, 1337),
               request_pod=None):
    """injectPod: `pod` is the decoded pod; returns templates.Injection or raises TemplateRenderError."""
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    problem = validate_annotations(annotations, ctx.release)
    if problem is not None:
        _fail("failed to run injection template: " + problem, "metadata.annotations")

    proxy_envs = dict(ctx.proxy_envs)
    cluster = ctx.values.cluster_name()
    network = ctx.values.network()
    if proxy_envs.get("ISTIO_META_CLUSTER_ID"):
        cluster = proxy_envs["ISTIO_META_CLUSTER_ID"]
    if proxy_envs.get("ISTIO_META_NETWORK"):
        network = proxy_envs["ISTIO_META_NETWORK"]
    labels = (pod.get("metadata") or {}).get("labels") or {}
    if "topology.istio.io/network" in labels:
        network = labels["topology.istio.io/network"]
    if cluster:
        proxy_envs["ISTIO_META_CLUSTER_ID"] = cluster
    if network:
        proxy_envs["ISTIO_META_NETWORK"] = network

    status_port = _status_port(mesh)
    stripped = _reinsert_overrides(_strip_pod(pod, status_port, ctx.release))
    data = data_for_pod(stripped, ctx, type_meta=type_meta, deploy_meta=deploy_meta, proxy_config=proxy_config,
                        mesh=mesh, native=native, proxy_ids=proxy_ids)

    names = templates.select_templates(pod, ctx.config, ctx.mode)
    merged, template_pod, rendered = templates.run_templates(pod, names, data, ctx.config, _GoRenderer(ctx),
                                                             native=native)

    try:
        merged = postprocess.reapply_overwritten_containers(merged, pod, template_pod, proxy_config)
    except postprocess.PostProcessError as e:
        _fail("failed to re apply container: %s" % e)

    final = merged if merged is not pod else json.loads(json.dumps(merged))
    try:
        postprocess.overwrite_cluster_info(final, proxy_envs)
        postprocess.apply_prometheus_merge(final, mesh, ctx.release)
        if ctx.release.secure_metrics_port_annotation:
            postprocess.apply_secure_metrics_port(final)
        app_probe.apply_rewrite(final, ctx.values, mesh, ctx.release)
        templates.apply_metadata(final, template_pod, proxy_envs, ctx.revision,
                                 ctx.config.injected_annotations if ctx.mode == "webhook" else None)
        templates.reorder_pod(final, meshmod.hold_application(mesh, (pod.get("metadata") or {}).get("annotations")
                                                              or {}, ctx.values))
    except postprocess.PostProcessError as e:
        _fail("failed to process pod: %s" % e)
    except meshmod.MeshConfigError as e:
        _fail("failed to process pod: %s" % e)
    try:
        final = roundtrip_pod(final)
    except TypedError as e:
        _fail("failed to process pod: %s" % e)
    if request_pod is not None and request_pod != pod:
        # The patch is computed against the pod as modified before injection (namespace filled,
        # managedFields dropped, OpenShift user reset); the API server applies it to the pod it sent.
        # Otherwise the patch is the caller's to compute (simulator.pipeline does, from the same two pods).
        from .patch import apply_patch, create_patch

        patch = create_patch(pod, final)
        pod = request_pod
        final = roundtrip_pod(apply_patch(request_pod, patch))
    return Injection(pod=final, original=pod, template_pod=template_pod, templates=names, rendered=rendered,
                     added=templates.added_items(pod, final), native_sidecars=native, notes=list(notes))


def _status_port(mc):
    pc = mc.get("default_config")
    return pc.get("status_port", 0) if pc is not None else 0


def inject(pod: Mapping[str, Any], config, *, mode: str = "webhook", native_sidecars: Optional[bool] = None,
           env: Optional[Mapping[str, str]] = None, owner: Optional[Mapping[str, Any]] = None,
           namespace: Optional[str] = None, nodes=None, version=None, revision=None,
           proxy_envs: Optional[Mapping[str, str]] = None, namespace_object: Optional[Mapping[str, Any]] = None,
           context: Optional[Context] = None, decoded: bool = False, cache=None) -> Injection:
    """Inject `pod` as Istio would; see the module docstring.  The policy decision (inject or not) is the
    caller's (simulator/istio/policy.py); this is what happens once Istio has decided to inject.

    mode "webhook": the pod as the API server sends it (namespace filled from `namespace`, the request's);
    the workload is found from the pod's controller reference (`owner` can supply one).
    mode "kube-inject": the pod template of a workload as istioctl sees it (`owner` = the workload's
    {kind, apiVersion, metadata: {name, namespace}}, else the pod's own owner heuristics).
    Cluster facts the webhook would look up: `nodes` (Node objects or kubelet version strings, for native
    sidecar detection; None = unknown), `namespace_object` (the Namespace, for OpenShift UID ranges).
    `decoded=True` says the pod is already Go's JSON of a corev1.Pod (skips one typed round trip).
    `cache` (an EngineCache) keeps what is derived from the configuration for the next call; a given
    `context` brings its own.
    """
    ctx = context or Context(config, mode=mode, env=env, native_sidecars=native_sidecars, nodes=nodes,
                             version=version, revision=revision, proxy_envs=proxy_envs, cache=cache)
    pod = dict(pod)
    if owner is not None and mode == "webhook":
        meta = dict(pod.get("metadata") or {})
        refs = list(meta.get("ownerReferences") or [])
        if not any(r.get("controller") for r in refs):
            om = owner.get("metadata") or {}
            refs.append({"apiVersion": owner.get("apiVersion", ""), "kind": owner.get("kind", ""),
                         "name": om.get("name", ""), "uid": om.get("uid", ""), "controller": True})
            meta["ownerReferences"] = refs
            if not meta.get("name") and not meta.get("generateName"):
                meta["generateName"] = om.get("name", "") + "-"
        pod["metadata"] = meta
    decoded = pod if decoded else decode_pod(pod)
    meta = decoded.setdefault("metadata", {})
    request_pod = None
    if mode == "webhook" and (meta.get("managedFields") or (not meta.get("namespace") and namespace)):
        # Istio drops managedFields and fills the namespace before computing the patch, so neither shows
        # in the patch; the API server applies the patch to the pod it sent.
        request_pod = decoded
        decoded = json.loads(json.dumps(decoded))
        meta = decoded["metadata"]
        meta.pop("managedFields", None)
        if not meta.get("namespace") and namespace:
            meta["namespace"] = namespace
        decoded = roundtrip_pod(decoded)
        meta = decoded.setdefault("metadata", {})
    mesh = ctx.mesh
    if mode == "kube-inject":
        value = (meta.get("annotations") or {}).get(PROXY_CONFIG_ANNOTATION)
        if value is not None:
            try:
                mesh = meshmod.apply_proxy_config_annotation(value, mesh)
            except meshmod.MeshConfigError as e:
                _fail(str(e), "metadata.annotations." + PROXY_CONFIG_ANNOTATION)
        proxy_config = mesh.get("default_config")
        if owner is not None:
            om = owner.get("metadata") or {}
            type_meta = {"Kind": owner.get("kind", ""), "APIVersion": owner.get("apiVersion", "")}
            deploy_meta = {"Name": om.get("name", ""), "Namespace": om.get("namespace", "")}
        else:
            deploy_meta, type_meta = deploy_meta_from_pod(decoded)
    else:
        proxy_config = meshmod.effective_proxy_config(mesh, meta.get("annotations") or {}, ctx.cache)
        deploy_meta, type_meta = deploy_meta_from_pod(decoded)
    native, notes = ctx.native_sidecars(decoded)
    proxy_ids = (1337, 1337)
    if mode == "webhook" and ctx.env.get("PLATFORM") == "openshift":
        from . import openshift

        proxy_ids = openshift.proxy_ids(namespace_object)
        candidate = json.loads(json.dumps(decoded))
        if openshift.reset_matching_proxy_user(candidate, include_init=ctx.release.at_least(1, 25)):
            request_pod = request_pod if request_pod is not None else decoded
            decoded = roundtrip_pod(candidate)
    return inject_pod(decoded, ctx, type_meta=type_meta, deploy_meta=deploy_meta, proxy_config=proxy_config,
                      mesh=mesh, native=native, notes=notes, proxy_ids=proxy_ids, request_pod=request_pod)
