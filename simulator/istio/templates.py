"""Istio's template stage, whatever the templates are written in (inject.go `RunTemplate`; webhook.go
`postProcessPod`'s `applyMetadata` and `reorderPod`).

Which templates run (`inject.istio.io/templates`, else `defaultTemplates`, one level of aliases; kube-inject:
`sidecar`, no aliases); what they read: the pod without the containers a previous injection added; each
rendered text strategically merged, in order, into an empty pod (what the templates add: it feeds the status
annotation) and into the pod (what is stored), with the native-sidecar move between the two; then the status
annotation, the injected annotations, and Istio's container order.

What differs by template engine is a `Renderer`: simulator.istio.inject's for Go text/template (Istio's data
and function map, Go's typed decode after every merge, and Istio's other steps around this stage: annotation
checks, user overrides, Prometheus, probes), simulator.profile.jinja's for the embedded teaching profile
(plain data, plain merges, this stage alone: `inject` below).
"""
from __future__ import annotations

import json
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional, Tuple

    from .injector_config import InjectorConfig

from ..depth import json_loads
from ..errors import SourcePos, TemplateRenderError
from ..kube.typed.jsontext import go_json_dumps
from ..records import Record

TEMPLATES_ANNOTATION = "inject.istio.io/templates"
STATUS = "sidecar.istio.io/status"
NATIVE_SIDECAR_ANNOTATION = "sidecar.istio.io/nativeSidecar"
PROXY = "istio-proxy"
INIT = "istio-init"
VALIDATION = "istio-validation"
CORE_DUMP = "enable-core-dump"


class Injection(Record):
    _fields = ("pod", "original", "template_pod", "templates", "rendered", "added", "native_sidecars", "notes")

    def __init__(self, pod: Dict[str, Any], original: Dict[str, Any], template_pod: Dict[str, Any],
                 templates: List[str], rendered: Dict[str, str], added: Optional[Dict[str, List[str]]] = None,
                 native_sidecars: bool = False, notes: Optional[List[str]] = None):
        self.pod = pod  # the pod after injection
        self.original = original  # the pod the injection started from: the basis of the patch
        self.template_pod = template_pod  # what the templates alone produced (feeds the status annotation);
                                          # may be shared with the engine cache: read it, never change it
        self.templates = templates
        self.rendered = rendered  # template name -> rendered text
        self.added = added if added is not None else {}
        self.native_sidecars = native_sidecars
        self.notes = notes if notes is not None else []


class Renderer:
    """One template engine's part in the stage.  `run_templates` calls `render`, `overlay` and `decode`;
    `inject` (the stage alone) also `data` and `hold`."""

    #: What injectPod puts before the stage's errors (Istio: "failed to run injection template: ").
    error_prefix = ""

    def render(self, name: str, data: Any) -> str:
        """Template `name` executed on `data`; raises TemplateRenderError."""
        raise NotImplementedError

    def overlay(self, target: Dict[str, Any], text: str, name: str, onto_template_pod: bool) -> Dict[str, Any]:
        """The rendered `text` strategically merged onto `target` (a new pod; the engine's decode included);
        raises TemplateRenderError."""
        raise NotImplementedError

    def decode(self, pod: Dict[str, Any]) -> Dict[str, Any]:
        """The pod as the engine holds pods, after the stage changed it itself (the native-sidecar move)."""
        return pod

    def data(self, pod: Dict[str, Any]) -> Any:
        """What the templates read, for `pod` (already stripped of a previous injection)."""
        raise NotImplementedError

    def hold(self, pod: Mapping[str, Any]) -> bool:
        """HoldApplicationUntilProxyStarts for `pod`: the proxy goes first among the containers."""
        raise NotImplementedError


def find_container(name: str, containers: Any) -> Optional[Dict[str, Any]]:
    for c in containers or ():
        if c.get("name", "") == name:
            return c
    return None


def modify_containers(containers: Any, name: str, where: str) -> List[Dict[str, Any]]:
    """modifyContainers: the container `name` moved "first" or "last", or "remove"d (Go keeps the last one of
    that name and drops the others)."""
    rest = []
    match = None
    for c in containers or []:
        if c.get("name", "") != name:
            rest.append(c)
        else:
            match = c
    if match is None:
        return rest
    if where == "first":
        return [match] + rest
    if where == "last":
        return rest + [match]
    return rest


# --- which templates, and what they read ------------------------------------------------------------------

def select_templates(pod: Mapping[str, Any], config: InjectorConfig, mode: str = "webhook") -> List[str]:
    """selectTemplates: the annotation's names, else the configuration's defaults (kube-inject: `sidecar`),
    with aliases expanded one level (not in kube-inject)."""
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    if TEMPLATES_ANNOTATION in annotations:
        names = [n.strip() for n in str(annotations[TEMPLATES_ANNOTATION]).split(",")]
    elif mode == "webhook":
        names = list(config.default_templates) or ["sidecar"]
    else:
        names = ["sidecar"]
    aliases = config.aliases if mode == "webhook" else {}
    out: List[str] = []
    for n in names:
        out.extend(aliases.get(n, [n]))
    return out


def previous_status(pod: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    """The status annotation of a previous injection as Istio reads it (json.Unmarshal into
    SidecarInjectionStatus): None when it is absent or does not decode."""
    raw = ((pod.get("metadata") or {}).get("annotations") or {}).get(STATUS)
    if raw is None:
        return None
    try:
        status = json_loads(raw)
    except ValueError:
        return None
    if not isinstance(status, dict):
        return None
    for key in ("initContainers", "containers", "volumes", "imagePullSecrets"):
        v = status.get(key)
        if v is not None and not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
            return None
    if status.get("revision") is not None and not isinstance(status.get("revision"), str):
        return None
    return status


def strip_previous(pod: Mapping[str, Any], status: Mapping[str, Any]) -> Dict[str, Any]:
    """stripPod: a copy without the containers and init containers the status lists, and without the status
    annotation (only the template data sees this pod; the templates are merged into the pod itself)."""
    out = json.loads(json.dumps(pod))
    spec = out.setdefault("spec", {})
    for key in ("containers", "initContainers"):
        for name in status.get(key) or []:
            spec[key] = modify_containers(spec.get(key), name, "remove")
        if key == "initContainers" and key in spec and not spec[key]:
            del spec[key]
    del out["metadata"]["annotations"][STATUS]
    return out


# --- the templates, rendered and merged ---------------------------------------------------------------------

def run_templates(pod: Dict[str, Any], names: List[str], data: Any, config: InjectorConfig, renderer: Renderer,
                  native: bool = False) -> Tuple[Dict[str, Any], Dict[str, Any], Dict[str, str]]:
    """(merged pod, template pod, rendered texts): RunTemplate's loop.  With native sidecars (the
    `sidecar.istio.io/nativeSidecar` annotation overrides the setting), a proxy the templates put among the
    init containers while the pod has one among its containers is moved there before the merge."""
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    merged = pod
    template_pod: Dict[str, Any] = {}
    rendered: Dict[str, str] = {}
    for name in names:
        if name not in config.templates:
            where = ("metadata.annotations." + TEMPLATES_ANNOTATION if TEMPLATES_ANNOTATION in annotations
                     else "defaultTemplates")
            raise TemplateRenderError('%srequested template "%s" not found; have %s'
                                      % (renderer.error_prefix, name, ", ".join(sorted(config.templates))),
                                      pos=SourcePos(where))
        text = renderer.render(name, data)
        rendered[name] = text
        template_pod = renderer.overlay(template_pod, text, name, True)
        if _moves_proxy(merged, template_pod, native):
            merged = renderer.decode(_proxy_to_init_containers(merged))
        merged = renderer.overlay(merged, text, name, False)
    return merged, template_pod, rendered


def _moves_proxy(merged: Mapping[str, Any], template_pod: Mapping[str, Any], native: bool) -> bool:
    value = ((merged.get("metadata") or {}).get("annotations") or {}).get(NATIVE_SIDECAR_ANNOTATION)
    if value == "true":
        native = True
    elif value == "false":
        native = False
    return (native and find_container(PROXY, (template_pod.get("spec") or {}).get("initContainers")) is not None
            and find_container(PROXY, (merged.get("spec") or {}).get("containers")) is not None)


def _proxy_to_init_containers(pod: Mapping[str, Any]) -> Dict[str, Any]:
    out = json.loads(json.dumps(pod))
    spec = out["spec"]
    containers = spec.get("containers") or []
    moved = containers.pop(next(i for i, c in enumerate(containers) if c.get("name", "") == PROXY))
    spec["containers"] = containers
    spec["initContainers"] = list(spec.get("initContainers") or []) + [moved]
    return out


# --- after the merge ------------------------------------------------------------------------------------------

def status_annotation(template_pod: Mapping[str, Any], revision: str) -> str:
    """The `sidecar.istio.io/status` value: what the templates added, by name, in Go's field order."""
    spec = template_pod.get("spec") or {}

    def names(key: str) -> Optional[List[str]]:
        items = spec.get(key) or []
        return [x.get("name", "") for x in items] if items else None

    status = {"initContainers": names("initContainers"), "containers": names("containers"),
              "volumes": names("volumes"), "imagePullSecrets": names("imagePullSecrets"),
              "revision": revision or "default"}
    return go_json_dumps(status, sort_keys=False)


def apply_metadata(pod: Dict[str, Any], template_pod: Mapping[str, Any], proxy_envs: Mapping[str, str],
                   revision: str, injected_annotations: Optional[Mapping[str, str]]) -> None:
    """applyMetadata: the network label, the status annotation, then the configuration's injected
    annotations (webhook only), in place."""
    meta = pod.setdefault("metadata", {})
    if "ISTIO_META_NETWORK" in proxy_envs:
        meta.setdefault("labels", {})["topology.istio.io/network"] = proxy_envs["ISTIO_META_NETWORK"]
    annotations = meta.setdefault("annotations", {})
    annotations[STATUS] = status_annotation(template_pod, revision)
    for k, v in (injected_annotations or {}).items():
        annotations[k] = v


def reorder_pod(pod: Dict[str, Any], hold: bool) -> None:
    """reorderPod, in place: the proxy last among the containers (first when the application waits for it);
    with the proxy among the init containers, istio-init, istio-validation, the proxy and enable-core-dump
    lead them; otherwise istio-validation leads, istio-init and enable-core-dump close them.  An absent
    init-container list stays absent (Go's empty slice is omitted from the pod's JSON)."""
    spec = pod.setdefault("spec", {})
    spec["containers"] = modify_containers(spec.get("containers"), PROXY, "first" if hold else "last")
    init = spec.get("initContainers")
    if find_container(PROXY, init) is not None:
        for name in (CORE_DUMP, PROXY, VALIDATION, INIT):
            init = modify_containers(init, name, "first")
    else:
        init = modify_containers(init, VALIDATION, "first")
        init = modify_containers(init, INIT, "last")
        init = modify_containers(init, CORE_DUMP, "last")
    if init or "initContainers" in spec:
        spec["initContainers"] = init


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


def _names(pod: Mapping[str, Any], key: str) -> List[str]:
    items = ((pod.get("spec") or {}).get(key)) or []
    if not isinstance(items, list):   # -o pod reads the pod without the typed decode that would refuse it
        return []
    return [i.get("name") for i in items if isinstance(i, dict) and i.get("name")]


# --- the stage alone ------------------------------------------------------------------------------------------

def inject(pod: Dict[str, Any], config: InjectorConfig, renderer: Renderer) -> Injection:
    """The stage on its own, for an engine that has none of Istio's Go-side steps (the embedded profile):
    templates chosen, rendered on the stripped pod's data and merged, then status and injected annotations
    and the container order.  The policy decision is the caller's."""
    names = select_templates(pod, config)
    status = previous_status(pod)
    data = renderer.data(strip_previous(pod, status) if status is not None else pod)
    merged, template_pod, rendered = run_templates(pod, names, data, config, renderer)
    # copy-on-write for the levels changed below: the merge result may share subtrees with its inputs
    merged = dict(merged)
    meta = merged["metadata"] = dict(merged.get("metadata") or {})
    meta["annotations"] = dict(meta.get("annotations") or {})
    merged["spec"] = dict(merged.get("spec") or {})
    apply_metadata(merged, template_pod, {}, config.revision, config.injected_annotations)
    reorder_pod(merged, renderer.hold(pod))
    return Injection(pod=merged, original=pod, template_pod=template_pod, templates=names, rendered=rendered,
                     added=added_items(pod, merged))
