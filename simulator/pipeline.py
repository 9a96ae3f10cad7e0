"""`explain`: one object through the admission pipeline, returning the explanation as data.

The only module that knows all stages: build the pod, dispatch webhooks (calling the injector's
policy and templates for Istio webhooks), decide the verdict and the single rule that decided it.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional, Tuple

from .cache import EngineCache, cache_or_new
from .state import ClusterState
from .errors import TemplateRenderError
from .istio.revision import injector_configmap, injector_for, is_istio_injector
from .istio.injector_config import InjectorConfig
from .kube.controllers import as_controller_creates
from .kube.creatable import creation_error
from .kube.objects import INJECTABLE_KINDS, annotations_of, labels_of, name_of, pod_for, pod_template_path
from .istio.policy import INJECT_KEY, decide
from .kube.webhook.dispatch import DispatchResult, Mutation, WebhookRef, dispatch
from .kube.webhook.request import AdmissionRequest
from .trace import (AdmissionChainStage, Added, DecidedBy, Effect, Explanation, ObjectRef, PolicyCall, PolicyStage,
                    RuleId, Stage, TemplateCall, TemplateFailure, TemplateStage, Verdict, WarningCode, WarningNote,
                    WebhookSelectionStage)
from .records import Frozen, Record


class Options(Record):
    _fields = ("namespace_labels", "hints", "admission_defaults", "manifest")

    def __init__(self, namespace_labels: Optional[Dict[str, Optional[str]]] = None, hints: bool = False,
                 admission_defaults: bool = True, manifest: bool = False):
        self.namespace_labels = namespace_labels  # --ns-label overrides (None value = remove)
        self.hints = hints  # also simulate the changes that would get a sidecar (costs extra runs)
        # hand webhooks the pod as kube-apiserver does: defaulted, in-tree plugins applied
        self.admission_defaults = admission_defaults
        self.manifest = manifest  # also produce the injected manifest the way `istioctl kube-inject` prints it


class _Call(Frozen):
    """One call of an injector, as the verdict needs it (the explanation holds its evidence)."""

    webhook: WebhookRef
    rule: RuleId
    inject: bool
    revision: str
    failed: bool = False                        # the templates failed: the pod is rejected
    config: Optional[InjectorConfig] = None     # the configuration that injected, when it did


class _Injector:
    """The mutate callback for dispatch: Istio webhooks get policy + templates; others are unknown.
    It keeps the records of each call, in call order, for the explanation to be made of."""

    def _istio(self, pod: Dict[str, Any], config: InjectorConfig):
        """Real Istio configurations: Istio's own data, function map and post-processing."""
        from .istio.inject import inject as istio_inject

        namespace = (pod.get("metadata") or {}).get("namespace", "")
        return istio_inject(pod, config, mode="webhook", namespace=namespace,
                            namespace_object=self.cluster.namespaces.get(namespace),
                            context=_istio_context(config, self.cache, "webhook", known_nodes(self.cluster)))

    def __init__(self, cluster: ClusterState, cache: EngineCache):
        self.cluster = cluster
        self.cache = cache
        self.policy_calls: List[PolicyCall] = []
        self.template_calls: List[Any] = []          # TemplateCall or TemplateFailure
        self.warnings: List[WarningNote] = []
        self.calls: List[_Call] = []
        self.unavailable: List[Tuple[WebhookRef, str, str]] = []     # (webhook, revision, problem): not simulated

    def __call__(self, ref: WebhookRef, pod: Dict[str, Any], round_: int) -> Mutation:
        if not is_istio_injector(ref):
            self.warnings.append(WarningNote(WarningCode.WEBHOOK_EFFECT_UNKNOWN,
                                             {"webhook": ref.name, "configuration": ref.configuration}))
            return Mutation(pod, Effect.UNKNOWN)
        cm_namespace, cm_name, _ = injector_configmap(ref)
        injector = f"{cm_namespace}/{cm_name}"
        config, problem, revision = injector_for(self.cluster, ref, self.cache)
        if config is None:
            self.warnings.append(WarningNote(WarningCode.INJECTOR_CONFIG_UNAVAILABLE,
                                             {"webhook": ref.name, "revision": revision, "problem": problem}))
            self.unavailable.append((ref, revision, problem))
            return Mutation(pod, Effect.UNKNOWN, injector=injector, revision=revision)
        decision = decide(pod, config, config.release)
        self.warnings.extend(w for w in decision.warnings if w not in self.warnings)
        self.policy_calls.append(PolicyCall(ref.name, ref.configuration, round_, f"{config.namespace}/{config.name}",
                                            revision, config.policy, decision.inject, decision.rule, decision.steps))
        if not decision.inject:
            self.calls.append(_Call(ref, decision.rule, False, revision))
            return Mutation(pod, Effect.DECLINED, injector=injector, revision=revision)
        try:
            if config.engine == "go":
                result = self._istio(pod, config)
            else:   # the embedded teaching profile: Istio's template stage with the Jinja renderer
                from .istio import templates
                from .profile.jinja import JinjaRenderer

                result = templates.inject(pod, config, JinjaRenderer(config, self.cache))
        except TemplateRenderError as e:
            self.calls.append(_Call(ref, decision.rule, True, revision, failed=True))
            self.template_calls.append(TemplateFailure(ref.name, ref.configuration, round_, str(e),
                                                       e.pos.field if e.pos else None, e.pos.line if e.pos else None))
            return Mutation(pod, Effect.REJECTED, rejected=f'admission webhook "{ref.name}" denied the request: {e}',
                            injector=injector, revision=revision)
        self.calls.append(_Call(ref, decision.rule, True, revision, config=config))
        self.template_calls.append(TemplateCall(ref.name, ref.configuration, round_, config.engine, result.templates,
                                                Added.of(result.added), getattr(result, "notes", None) or ()))
        return Mutation(result.pod, Effect.INJECTED if result.pod != pod else Effect.UNCHANGED, injector=injector,
                        revision=revision)


def known_nodes(cluster: ClusterState):
    """The cluster's Nodes when the state knows them — it has some, or its origins name the kind (a live
    cluster or a snapshot that found none: Istio then detects native sidecars, as with no nodes) — else None
    (the embedded default: the detection is assumed off, with a note)."""
    return cluster.nodes if cluster.nodes or "Node" in cluster.origins else None


def _istio_context(config: InjectorConfig, cache: EngineCache, mode: str, nodes=None):
    """Istio's per-configuration context (parsed values, mesh, compiled templates), built once per
    configuration, mode and the nodes' kubelet versions (native sidecar detection reads them)."""
    from .istio.inject import Context, node_versions

    versions = node_versions(nodes) if mode == "webhook" and nodes is not None else None
    return cache.recall_for(("istio-context", mode, versions), config,
                            lambda: Context(config, mode=mode, nodes=nodes if versions is not None else None,
                                            cache=cache))


def _object_ref(obj: Mapping[str, Any], namespace: str) -> ObjectRef:
    return ObjectRef(obj.get("kind"), name_of(obj), namespace)


def _workload_warnings(obj: Mapping[str, Any]) -> List[WarningNote]:
    if obj.get("kind") == "Pod":
        return []
    out = []
    if obj.get("kind") not in INJECTABLE_KINDS:
        out.append(WarningNote(WarningCode.GENERIC_WORKLOAD, {"kind": obj.get("kind"), "apiVersion": obj.get("apiVersion"),
                                                              "template": "spec.template"}))
    for where, values in (("label", labels_of(obj)), ("annotation", annotations_of(obj))):
        if INJECT_KEY in values:
            out.append(WarningNote(WarningCode.INJECT_ON_WORKLOAD_METADATA,
                                   {"kind": obj.get("kind"), "source": where, "key": INJECT_KEY,
                                    "value": values[INJECT_KEY]}))
    if "istio.io/rev" in labels_of(obj):
        out.append(WarningNote(WarningCode.INJECT_ON_WORKLOAD_METADATA,
                               {"kind": obj.get("kind"), "source": "label", "key": "istio.io/rev",
                                "value": labels_of(obj)["istio.io/rev"]}))
    return out


def namespace_labels(cluster: ClusterState, namespace: str, options: Options) -> Optional[Dict[str, str]]:
    labels = cluster.namespace_labels(namespace)
    if labels is None:
        return None
    for k, v in (options.namespace_labels or {}).items():
        if v is None:
            labels.pop(k, None)
        else:
            labels[k] = v
    return labels


def explain(obj: Mapping[str, Any], namespace: str, cluster: ClusterState, options: Optional[Options] = None,
            cache: Optional[EngineCache] = None) -> Explanation:
    """Raises `SimulatorError` (InputError) only when the object cannot be turned into a pod request.

    `cache` (an EngineCache, simulator/cache.py) keeps what the explanation derived from the state (parsed
    injector ConfigMaps, compiled templates, ...) for the next one; pass the same cache to every call of a
    bulk or long-running run, from any thread.  Without one, everything is derived afresh."""
    if options is None:
        options = Options()
    cache = cache_or_new(cache)
    pod = as_controller_creates(obj, pod_for(obj, namespace), namespace)    # the webhooks see the controller's pod
    # No pod for what the API server refuses.  (-o pod is istioctl kube-inject's output, which does not ask the
    # API server: the plugin notes the refusal beside it.)
    refused = None if options.manifest else creation_error(obj, pod_template_path(obj.get("kind")))
    if refused is not None:
        raise refused
    ns_labels = namespace_labels(cluster, namespace, options)
    if ns_labels is None:
        from .errors import InputError
        from .golang.strconv import go_quote    # %q, as kubectl quotes names: a line break shows as \n

        raise InputError(f"namespace {go_quote(str(namespace))} is not in the cluster state",
                         subject=f"{obj.get('kind')}/{name_of(obj)}")
    warnings = _workload_warnings(obj)
    if "istio-injection" in ns_labels and "istio.io/rev" in ns_labels:
        warnings.append(WarningNote(WarningCode.NAMESPACE_BOTH_LABELS,
                                    {"namespace": namespace, "istio-injection": ns_labels["istio-injection"],
                                     "istio.io/rev": ns_labels["istio.io/rev"]}))
    stages: List[Any] = []
    if options.admission_defaults:
        from .kube.admission.chain import prepare_for_webhooks, rejection

        pod, chain_steps = prepare_for_webhooks(pod, namespace, cluster.admission_objects() or None)
        if chain_steps:
            stages.append(AdmissionChainStage(steps=chain_steps))
        refused = rejection(chain_steps)
        if refused is not None:
            return Explanation(_object_ref(obj, namespace), Verdict.REJECTED,
                               DecidedBy(Stage.ADMISSION_CHAIN, RuleId.ADMISSION_PLUGIN_REJECTED, None, None,
                                         {"message": refused.get("message"), "plugin": refused.get("plugin")}),
                               stages, warnings, [], pod=pod, original_pod=pod)
    req = AdmissionRequest(namespace=namespace, name=(pod.get("metadata") or {}).get("name", ""), object=pod)
    injector = _Injector(cluster, cache)
    result = dispatch(cluster.webhooks(), req, ns_labels, injector, cache)
    warnings.extend(injector.warnings)
    injecting = [c for c in injector.calls if c.inject]
    if len({c.webhook.position for c in injecting}) > 1:
        warnings.append(WarningNote(WarningCode.DOUBLE_INJECTION, {"webhooks": [c.webhook.name for c in injecting]}))

    stages.append(WebhookSelectionStage(namespace=namespace, namespace_labels=dict(ns_labels),
                                        pod_labels=dict(labels_of(pod)), webhooks=result.results))
    if injector.policy_calls:
        stages.append(PolicyStage(calls=injector.policy_calls))
    if injector.template_calls:
        stages.append(TemplateStage(calls=injector.template_calls))

    verdict, decided = _verdict(result, injector)
    final = result.object if verdict is Verdict.INJECTED else pod
    decided, ambient = _pitfalls(obj, namespace, pod, final, ns_labels, cluster, result, verdict, decided, warnings)
    patch: List[Dict[str, Any]] = []
    manifest = manifest_error = None
    if verdict is Verdict.INJECTED:
        # The diff Istio's webhook returns (gomodules jsonpatch CreatePatch), map keys in sorted order: the
        # same patch from run to run, where a diff with move detection changes with Python's hash seed.
        from .istio.patch import create_patch

        patch = create_patch(pod, final)
        config = next((c.config for c in injecting if c.config is not None), None)
        manifest, manifest_error = _manifest(obj, config, options, cache)
    hints = ()
    if options.hints and verdict is Verdict.NOT_INJECTED and not ambient:   # ambient pods want no sidecar
        from .hints import find_hints

        hints = find_hints(obj, namespace, cluster, options, decided.rule,
                           lambda o, ns, opts: explain(o, ns, cluster, opts, cache), ns_labels)
    return Explanation(_object_ref(obj, namespace), verdict, decided, stages, warnings, patch, hints,
                       pod=final, original_pod=pod, manifest=manifest, manifest_error=manifest_error)


def _pitfalls(obj, namespace: str, pod, final, ns_labels, cluster: ClusterState, result: DispatchResult,
              verdict: Verdict, decided: DecidedBy, warnings: List[WarningNote]):
    """The classic mistakes (simulator/pitfalls.py) as warnings appended to `warnings`; returns the
    deciding rule (the opt-out label, when it alone kept the injectors away) and whether the pod is
    enrolled in ambient mode."""
    from . import pitfalls
    from .istio.installed import installed

    pod_labels = labels_of(pod)
    if decided.rule is RuleId.NO_MATCHING_WEBHOOK:
        opted = pitfalls.opted_out_by_label(result.results, pod_labels)
        if opted:
            decided = DecidedBy(Stage.WEBHOOK_SELECTION, RuleId.OPT_OUT_LABEL, None, None,
                                {**decided.detail, "webhooks": opted})
        else:
            warnings.extend(pitfalls.opt_in_annotation(pod))
    revision = decided.detail.get("revision")
    warnings.extend(pitfalls.revision_warnings(namespace, ns_labels, pod_labels, installed(cluster.webhooks()), revision))
    ambient = pitfalls.is_ambient(ns_labels, pod)
    if ambient:
        warnings.append(pitfalls.ambient_warning(namespace, verdict))
    if verdict is Verdict.INJECTED:
        warnings.extend(pitfalls.job_warning(obj.get("kind"), pod, final))
    warnings.extend(pitfalls.already_injected(pod, final, verdict, revision))
    return decided, ambient


def _manifest(obj: Mapping[str, Any], config: Optional[InjectorConfig], options: Options, cache: EngineCache):
    """(the object as `istioctl kube-inject` prints it, or the error istioctl would stop with) for a
    real Istio configuration that injected; (None, None) when not asked for or not a Go configuration."""
    if not options.manifest or config is None or config.engine != "go":
        return None, None
    from .istio.kubeinject import KubeInjectError, kube_inject_object

    try:
        return kube_inject_object(dict(obj), config, context=_istio_context(config, cache, "kube-inject")), None
    except KubeInjectError as e:   # what istioctl refuses; anything else is a bug
        return None, str(e)
    except TemplateRenderError as e:
        return None, e.message


def _verdict(result: DispatchResult, injector: _Injector):
    if result.rejection is not None:
        wr, message = result.rejection
        if any(c.webhook.position == wr.index and c.failed for c in injector.calls):
            return Verdict.REJECTED, DecidedBy(Stage.TEMPLATE, RuleId.TEMPLATE_ERROR, wr.webhook, wr.configuration,
                                               {"message": message})
        return Verdict.REJECTED, DecidedBy(Stage.WEBHOOK_SELECTION, RuleId.WEBHOOK_REJECTED, wr.webhook, wr.configuration,
                                           {"message": message, "predicate": wr.rule.value})
    injected = [c for c in injector.calls if c.inject]
    if injected:
        c = injected[0]
        return Verdict.INJECTED, DecidedBy(Stage.POLICY, c.rule, c.webhook.name, c.webhook.configuration,
                                           {"revision": c.revision})
    if injector.unavailable:     # it may have injected: its policy and templates are what the state lacks
        ref, revision, problem = injector.unavailable[0]
        return Verdict.UNKNOWN, DecidedBy(Stage.POLICY, RuleId.INJECTOR_UNKNOWN, ref.name, ref.configuration,
                                          {"revision": revision, "problem": problem})
    if injector.calls:
        c = injector.calls[0]
        return Verdict.NOT_INJECTED, DecidedBy(Stage.POLICY, c.rule, c.webhook.name, c.webhook.configuration,
                                               {"revision": c.revision})
    called = [r for r in result.results if r.called]
    return Verdict.NOT_INJECTED, DecidedBy(Stage.WEBHOOK_SELECTION, RuleId.NO_MATCHING_WEBHOOK, None, None,
                                           {"calledOther": [r.webhook for r in called]})
