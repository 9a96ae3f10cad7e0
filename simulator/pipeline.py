"""`explain`: one object through the admission pipeline, returning the explanation as data.

The only module that knows all stages: build the pod, dispatch webhooks (calling the injector's
policy and templates for Istio webhooks), decide the verdict and the single rule that decided it.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional

from .cache import EngineCache, cache_or_new
from .state import ClusterState
from .errors import TemplateRenderError
from .istio.revision import injector_for, is_istio_injector
from .istio.injector_config import InjectorConfig
from .kube.objects import annotations_of, labels_of, name_of, pod_for
from .istio.policy import INJECT_KEY, decide
from .kube.webhook.dispatch import Mutation, WebhookRef, dispatch
from .kube.webhook.request import AdmissionRequest
from .trace import (DecidedBy, Explanation, RuleId, Stage, StageRecord, Verdict, Warning_)
from .records import Record


class Options(Record):
    _fields = ("namespace_labels", "hints", "admission_defaults", "manifest")

    def __init__(self, namespace_labels: Optional[Dict[str, Optional[str]]] = None, hints: bool = False,
                 admission_defaults: bool = True, manifest: bool = False):
        self.namespace_labels = namespace_labels  # --ns-label overrides (None value = remove)
        self.hints = hints  # also simulate the changes that would get a sidecar (costs extra runs)
        # hand webhooks the pod as kube-apiserver does: defaulted, in-tree plugins applied
        self.admission_defaults = admission_defaults
        self.manifest = manifest  # also produce the injected manifest the way `istioctl kube-inject` prints it


class _Injector:
    """The mutate callback for dispatch: Istio webhooks get policy + templates; others are unknown."""

    def _istio(self, pod: Dict[str, Any], config: InjectorConfig):
        """Real Istio configurations: Istio's own data, function map and post-processing."""
        from .istio.inject import inject as istio_inject

        namespace = (pod.get("metadata") or {}).get("namespace", "")
        return istio_inject(pod, config, mode="webhook", namespace=namespace,
                            namespace_object=self.cluster.namespaces.get(namespace),
                            context=_istio_context(config, self.cache, "webhook", self.cluster.nodes))

    def __init__(self, cluster: ClusterState, cache: EngineCache):
        self.cluster = cluster
        self.cache = cache
        self.policy_records: List[Dict[str, Any]] = []
        self.template_records: List[Dict[str, Any]] = []
        self.warnings: List[Warning_] = []
        self.decisions: List[Dict[str, Any]] = []   # per injector call: webhook, rule, inject

    def __call__(self, ref: WebhookRef, pod: Dict[str, Any], round_: int) -> Mutation:
        if not is_istio_injector(ref):
            self.warnings.append(Warning_("webhook-effect-unknown", {"webhook": ref.name, "configuration": ref.configuration}))
            return Mutation(pod, "unknown")
        config, problem, revision = injector_for(self.cluster, ref, self.cache)
        if config is None:
            self.warnings.append(Warning_("injector-config-unavailable", {"webhook": ref.name, "revision": revision,
                                                                          "problem": problem}))
            return Mutation(pod, "unknown", details={"revision": revision})
        decision = decide(pod, config, config.release)
        self.warnings.extend(w for w in decision.warnings if w.to_dict() not in [x.to_dict() for x in self.warnings])
        self.policy_records.append({"webhook": ref.name, "configuration": ref.configuration, "round": round_,
                                    "injector": f"{config.namespace}/{config.name}", "revision": revision,
                                    "policy": config.policy, "inject": decision.inject, "decidedBy": decision.rule.value,
                                    "steps": decision.steps})
        record = {"webhook": ref, "rule": decision.rule, "inject": decision.inject, "revision": revision}
        self.decisions.append(record)
        if not decision.inject:
            return Mutation(pod, "declined")
        try:
            if config.engine == "go":
                result = self._istio(pod, config)
            else:   # the embedded teaching profile: Istio's template stage with the Jinja renderer
                from .istio import templates
                from .profile.jinja import JinjaRenderer

                result = templates.inject(pod, config, JinjaRenderer(config, self.cache))
        except TemplateRenderError as e:
            record["error"] = e
            self.template_records.append({"webhook": ref.name, "configuration": ref.configuration, "round": round_,
                                          "error": str(e), "field": e.pos.field if e.pos else None,
                                          "line": e.pos.line if e.pos else None})
            return Mutation(pod, "rejected", rejected=f'admission webhook "{ref.name}" denied the request: {e}')
        self.template_records.append({"webhook": ref.name, "configuration": ref.configuration, "round": round_,
                                      "engine": config.engine, "templates": result.templates, "added": result.added,
                                      **({"notes": list(result.notes)} if getattr(result, "notes", None) else {})})
        record["config"] = config
        return Mutation(result.pod, "injected" if result.pod != pod else "unchanged")


def _istio_context(config: InjectorConfig, cache: EngineCache, mode: str, nodes=()):
    """Istio's per-configuration context (parsed values, mesh, compiled templates), built once per
    configuration, mode and the nodes' kubelet versions (native sidecar detection reads them)."""
    from .istio.inject import Context, node_versions

    versions = node_versions(nodes) if mode == "webhook" else ()
    return cache.recall_for(("istio-context", mode, versions), config,
                            lambda: Context(config, mode=mode, nodes=(nodes or None) if mode == "webhook" else None,
                                            cache=cache))


def _object_ref(obj: Mapping[str, Any], namespace: str) -> Dict[str, Any]:
    return {"kind": obj.get("kind"), "name": name_of(obj), "namespace": namespace}


def _workload_warnings(obj: Mapping[str, Any]) -> List[Warning_]:
    if obj.get("kind") == "Pod":
        return []
    out = []
    for where, values in (("label", labels_of(obj)), ("annotation", annotations_of(obj))):
        if INJECT_KEY in values:
            out.append(Warning_("inject-on-workload-metadata", {"kind": obj.get("kind"), "source": where,
                                                                 "key": INJECT_KEY, "value": values[INJECT_KEY]}))
    if "istio.io/rev" in labels_of(obj):
        out.append(Warning_("inject-on-workload-metadata", {"kind": obj.get("kind"), "source": "label",
                                                             "key": "istio.io/rev", "value": labels_of(obj)["istio.io/rev"]}))
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
    pod = pod_for(obj, namespace)
    ns_labels = namespace_labels(cluster, namespace, options)
    if ns_labels is None:
        from .errors import InputError

        raise InputError(f'namespace "{namespace}" is not in the cluster state', subject=f"{obj.get('kind')}/{name_of(obj)}")
    warnings = _workload_warnings(obj)
    if "istio-injection" in ns_labels and "istio.io/rev" in ns_labels:
        warnings.append(Warning_("namespace-both-labels", {"namespace": namespace, "istio-injection": ns_labels["istio-injection"],
                                                           "istio.io/rev": ns_labels["istio.io/rev"]}))
    chain_records: List[Dict[str, Any]] = []
    if options.admission_defaults:
        from .kube.admission.chain import prepare_for_webhooks, rejection

        pod, chain_records = prepare_for_webhooks(pod, namespace, cluster.admission_objects() or None)
        refused = rejection(chain_records)
        if refused is not None:
            stages = [StageRecord(Stage.ADMISSION_CHAIN, {"steps": chain_records})]
            return Explanation(object=_object_ref(obj, namespace), verdict=Verdict.REJECTED,
                               decided_by=DecidedBy(Stage.ADMISSION_CHAIN, RuleId.ADMISSION_PLUGIN_REJECTED, None, None,
                                                    {"message": refused.get("message"), "plugin": refused.get("plugin")}),
                               stages=stages, warnings=warnings, patch=[], pod=pod, original_pod=pod)
    req = AdmissionRequest(namespace=namespace, name=(pod.get("metadata") or {}).get("name", ""), object=pod)
    injector = _Injector(cluster, cache)
    result = dispatch(cluster.webhooks(), req, ns_labels, injector, cache)
    for wr, _ in result.mutations:
        if is_istio_injector(next(r for r in cluster.webhooks() if r.position == wr.index)):
            wr.injector = "istio"
    warnings.extend(injector.warnings)
    injector_calls = [d for d in injector.decisions]
    if len({d["webhook"].position for d in injector_calls if d["inject"]}) > 1:
        warnings.append(Warning_("double-injection", {"webhooks": [d["webhook"].name for d in injector_calls if d["inject"]]}))

    stages = [StageRecord(Stage.ADMISSION_CHAIN, {"steps": chain_records})] if chain_records else []
    stages += [StageRecord(Stage.WEBHOOK_SELECTION, {"namespace": namespace, "namespaceLabels": ns_labels,
                                                    "podLabels": labels_of(pod),
                                                    "webhooks": result.results})]
    if injector.policy_records:
        stages.append(StageRecord(Stage.POLICY, {"calls": injector.policy_records}))
    if injector.template_records:
        stages.append(StageRecord(Stage.TEMPLATE, {"calls": injector.template_records}))

    verdict, decided = _verdict(result, injector)
    final = result.object if verdict is Verdict.INJECTED else pod
    patch: List[Dict[str, Any]] = []
    if verdict is Verdict.INJECTED:
        # The diff Istio's webhook returns (gomodules jsonpatch CreatePatch), map keys in sorted order: the
        # same patch from run to run, where a diff with move detection changes with Python's hash seed.
        from .istio.patch import create_patch

        patch = create_patch(pod, final)
    manifest, manifest_error = (_manifest(obj, injector, options, cache) if verdict is Verdict.INJECTED
                                else (None, None))
    expl = Explanation(object=_object_ref(obj, namespace), verdict=verdict, decided_by=decided, stages=stages,
                       warnings=warnings, patch=patch, pod=final, original_pod=pod, manifest=manifest,
                       manifest_error=manifest_error)
    if options.hints:
        from .hints import find_hints

        expl.hints = find_hints(obj, namespace, cluster, options, expl,
                                lambda o, ns, opts: explain(o, ns, cluster, opts, cache))
    return expl


def _manifest(obj: Mapping[str, Any], injector: _Injector, options: Options, cache: EngineCache):
    """(the object as `istioctl kube-inject` prints it, or the error istioctl would stop with) for a
    real Istio configuration that injected; (None, None) when not asked for or not a Go configuration."""
    if not options.manifest:
        return None, None
    config = next((d.get("config") for d in injector.decisions if d["inject"] and d.get("config")), None)
    if config is None or config.engine != "go":
        return None, None
    from .istio.kubeinject import KubeInjectError, kube_inject_object

    try:
        return kube_inject_object(dict(obj), config, context=_istio_context(config, cache, "kube-inject")), None
    except KubeInjectError as e:   # what istioctl refuses; anything else is a bug
        return None, str(e)
    except TemplateRenderError as e:
        return None, e.message


def _verdict(result, injector: _Injector):
    if result.rejection is not None:
        wr, message = result.rejection
        ref_decision = next((d for d in injector.decisions if d["webhook"].position == wr.index and "error" in d), None)
        if ref_decision is not None:
            return Verdict.REJECTED, DecidedBy(Stage.TEMPLATE, RuleId.TEMPLATE_ERROR, wr.webhook, wr.configuration,
                                               {"message": message})
        return Verdict.REJECTED, DecidedBy(Stage.WEBHOOK_SELECTION, RuleId.WEBHOOK_REJECTED, wr.webhook, wr.configuration,
                                           {"message": message, "predicate": wr.rule.value})
    injected = [d for d in injector.decisions if d["inject"]]
    if injected:
        d = injected[0]
        return Verdict.INJECTED, DecidedBy(Stage.POLICY, d["rule"], d["webhook"].name, d["webhook"].configuration,
                                           {"revision": d["revision"]})
    if injector.decisions:
        d = injector.decisions[0]
        return Verdict.NOT_INJECTED, DecidedBy(Stage.POLICY, d["rule"], d["webhook"].name, d["webhook"].configuration,
                                               {"revision": d["revision"]})
    called = [r for r in result.results if r.called]
    return Verdict.NOT_INJECTED, DecidedBy(Stage.WEBHOOK_SELECTION, RuleId.NO_MATCHING_WEBHOOK, None, None,
                                           {"calledOther": [r.webhook for r in called]})
