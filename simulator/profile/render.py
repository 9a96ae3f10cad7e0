"""The template stage: choose templates, render them, merge the result into the pod.

Mirrors the order of Istio's `injectPod` (`pkg/kube/inject/webhook.go`): templates are chosen
(`inject.istio.io/templates` or `defaultTemplates`, one level of aliases), each rendered against the
same data and strategic-merged in order — into an empty pod (what the injector *adds*, which feeds
the status annotation) and into the original pod (what is stored). Then Istio's post-processing
that every template gets: injected annotations, the status annotation, and container order.
The full post-processing of real Istio releases (probe rewriting, Prometheus merge, overrides)
lives in `simulator.istio`.
"""
from __future__ import annotations

from collections.abc import Mapping as _Mapping  # typing.Mapping isinstance checks are slow on hot paths

import copy
import json
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, List, Mapping, Optional

from ..errors import MergeError, SourcePos, TemplateRenderError
from ..istio.injector_config import InjectorConfig
from ..records import Record

TEMPLATES_ANNOTATION = "inject.istio.io/templates"
STATUS_ANNOTATION = "sidecar.istio.io/status"
PROXY = "istio-proxy"


class RenderResult(Record):
    _fields = ("templates", "rendered", "template_pod", "pod", "added", "notes")

    def __init__(self, templates: List[str], rendered: Dict[str, str], template_pod: Dict[str, Any],
                 pod: Dict[str, Any], added: Optional[Dict[str, List[str]]] = None,
                 notes: Optional[List[Dict[str, Any]]] = None):
        self.templates = templates
        self.rendered = rendered  # template name -> rendered YAML text
        self.template_pod = template_pod  # what the templates alone produce
        self.pod = pod  # the merged, post-processed pod
        self.added = added if added is not None else {}
        self.notes = notes if notes is not None else []


def select_templates(pod: Mapping[str, Any], config: InjectorConfig) -> List[str]:
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    if TEMPLATES_ANNOTATION in annotations:
        names = [n.strip() for n in str(annotations[TEMPLATES_ANNOTATION]).split(",")]
    else:
        names = list(config.default_templates) or ["sidecar"]
    resolved: List[str] = []
    for n in names:
        resolved.extend(config.aliases.get(n, [n]))
    for n in resolved:
        if n not in config.templates:
            have = ", ".join(sorted(config.templates)) or "none"
            raise TemplateRenderError(f'requested template "{n}" not found; have {have}',
                                      pos=SourcePos(f"metadata.annotations.{TEMPLATES_ANNOTATION}"
                                                    if TEMPLATES_ANNOTATION in annotations else "defaultTemplates"))
    return resolved


def strip_pod(pod: Mapping[str, Any]) -> Dict[str, Any]:
    """A previously injected pod feeds the templates without the containers the last injection added."""
    raw = ((pod.get("metadata") or {}).get("annotations") or {}).get(STATUS_ANNOTATION)
    if not raw:
        return dict(pod)
    stripped = copy.deepcopy(dict(pod))
    annotations = stripped["metadata"]["annotations"]
    try:
        status = json.loads(raw)
    except ValueError:
        return stripped
    spec = stripped.get("spec") or {}
    for key in ("containers", "initContainers"):
        drop = set((status or {}).get(key) or [])
        if drop and spec.get(key):
            spec[key] = [c for c in spec[key] if c.get("name") not in drop]
    del annotations[STATUS_ANNOTATION]
    return stripped


def parse_rendered(text: str, name: str) -> Dict[str, Any]:
    """Istio reads the rendered text with sigs.k8s.io/yaml (first document only); so does yamlio."""
    from .. import yamlio

    try:
        doc = yamlio.load(text)
    except yamlio.YAMLSyntaxError as e:
        raise TemplateRenderError(f"template {name!r} rendered invalid YAML: {e}",
                                  pos=SourcePos(f"templates.{name}", e.line)) from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise TemplateRenderError(f"template {name!r} must render a Pod fragment (a mapping), got {type(doc).__name__}",
                                  pos=SourcePos(f"templates.{name}"))
    return doc


def _names(pod: Mapping[str, Any], key: str, section: str = "spec") -> List[str]:
    items = ((pod.get(section) or {}).get(key)) or []
    return [i.get("name") for i in items if isinstance(i, _Mapping) and i.get("name")]


def status_annotation(template_pod: Mapping[str, Any], revision: str) -> str:
    """Compact JSON in Go's field order; names are those the templates produced, null when none."""
    def names(key: str) -> Optional[List[str]]:
        n = _names(template_pod, key)
        return n or None

    status = {"initContainers": names("initContainers"), "containers": names("containers"),
              "volumes": names("volumes"), "imagePullSecrets": names("imagePullSecrets"),
              "revision": revision or "default"}
    return json.dumps(status, separators=(",", ":"))


def hold_application(pod: Mapping[str, Any], values: Mapping[str, Any], mesh: Optional[Mapping[str, Any]]) -> bool:
    proxy_values = ((values.get("global") or {}).get("proxy") or {})
    if proxy_values.get("holdApplicationUntilProxyStarts") is True:
        return True
    if isinstance(mesh, str):
        from .. import yamlio

        try:
            mesh = yamlio.load(mesh)
        except yamlio.YAMLSyntaxError:
            mesh = None
    default_config = dict((((mesh if isinstance(mesh, dict) else None) or {}).get("defaultConfig") or {}))
    annotation = ((pod.get("metadata") or {}).get("annotations") or {}).get("proxy.istio.io/config")
    if annotation:
        import yaml

        try:
            override = yaml.safe_load(annotation)
            if isinstance(override, _Mapping):
                default_config.update(override)
        except yaml.YAMLError:
            pass
    return default_config.get("holdApplicationUntilProxyStarts") is True


def reorder(pod: Dict[str, Any], hold: bool) -> None:
    """`reorderPod`: the proxy goes last among containers (first when the app must wait for it);
    init containers follow Istio's fixed order for its own names."""
    spec = pod.get("spec") or {}
    containers = spec.get("containers") or []
    proxy = [c for c in containers if c.get("name") == PROXY]
    if proxy:
        rest = [c for c in containers if c.get("name") != PROXY]
        spec["containers"] = proxy + rest if hold else rest + proxy
    inits = spec.get("initContainers") or []
    if not inits:
        return
    by_name = {c.get("name"): c for c in inits}
    pick = lambda *names: [by_name[n] for n in names if n in by_name]  # noqa: E731
    own = ("istio-init", "istio-validation", PROXY, "enable-core-dump")
    rest = [c for c in inits if c.get("name") not in own]
    if PROXY in by_name:
        spec["initContainers"] = pick("istio-init", "istio-validation", PROXY, "enable-core-dump") + rest
    else:
        spec["initContainers"] = pick("istio-validation") + rest + pick("istio-init", "enable-core-dump")


if TYPE_CHECKING:
    Renderer = Callable[[InjectorConfig, str, Dict[str, Any]], str]


def inject(pod: Dict[str, Any], config: InjectorConfig, render_one: Renderer,
           data_for: Callable[[Dict[str, Any]], Dict[str, Any]], cache=None) -> RenderResult:
    """`cache` (an EngineCache) keeps parsed renders for the next call."""
    from ..cache import cache_or_new
    from ..kube.strategicpatch import MergeError as SmpError, strategic_merge

    cache = cache_or_new(cache)

    names = select_templates(pod, config)
    data = data_for(strip_pod(pod))
    template_pod: Dict[str, Any] = {}
    merged: Dict[str, Any] = pod
    rendered: Dict[str, str] = {}
    for name in names:
        text = render_one(config, name, data)
        rendered[name] = text
        # Replicas of one workload render identical text: parse it once. Overlays are never mutated
        # (strategic_merge copies), so the kept dict can be shared.
        overlay = cache.recall(("profile-overlay", name, text), lambda text=text, name=name: parse_rendered(text, name))
        try:
            template_pod = strategic_merge(template_pod, overlay)
            merged = strategic_merge(merged, overlay)
        except (MergeError, SmpError) as e:
            raise TemplateRenderError(f"template {name!r} could not be merged into the pod: {e}",
                                      pos=SourcePos(f"templates.{name}")) from None
    # copy-on-write for the levels changed below: the merge result may share subtrees with its inputs
    merged = dict(merged)
    md = merged["metadata"] = dict(merged.get("metadata") or {})
    annotations = md["annotations"] = dict(md.get("annotations") or {})
    md["labels"] = dict(md.get("labels") or {})
    merged["spec"] = dict(merged.get("spec") or {})
    annotations[STATUS_ANNOTATION] = status_annotation(template_pod, config.revision)
    annotations.update(config.injected_annotations)
    reorder(merged, hold_application(pod, config.values, config.mesh))
    return RenderResult(names, rendered, template_pod, merged, added=added_items(pod, merged))


def added_items(before: Mapping[str, Any], after: Mapping[str, Any]) -> Dict[str, List[str]]:
    """Names of what injection added, for the explanation (not for the patch, which is exact)."""
    out: Dict[str, List[str]] = {}
    for key in ("initContainers", "containers", "volumes", "imagePullSecrets"):
        old = set(_names(before, key))
        new = [n for n in _names(after, key) if n not in old]
        if new:
            out[key] = new
    for key in ("annotations", "labels"):
        old_map = (before.get("metadata") or {}).get(key) or {}
        new_map = (after.get("metadata") or {}).get(key) or {}
        changed = [k for k in new_map if old_map.get(k) != new_map[k]]
        if changed:
            out[key] = changed
    return out
