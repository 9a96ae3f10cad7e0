"""The injector's configuration, from the `istio-sidecar-injector[-<rev>]` ConfigMap.

`config` is YAML for Istio's `inject.Config` (unknown keys ignored, as sigs.k8s.io/yaml does);
`values` is JSON. Selectors are parsed here once so that a broken one is reported with its place,
but — as in Istio — a selector that fails to parse only skips that entry at decision time.
"""
from __future__ import annotations

from collections.abc import Mapping as _Mapping  # typing.Mapping isinstance checks are slow on hot paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Mapping, Optional, Tuple

from ..depth import BEYOND, TooDeep, json_loads, too_deep
from ..errors import ConfigError, SelectorError, SourcePos
from ..kube.labels import Selector, parse_selector
from ..records import Record
from .release import Release, guess_version, release_for

ENGINE_ANNOTATION = "kubectl-inject.io/template-engine"   # "jinja2" for the plugin's own profile
ENGINES = ("go", "jinja2")


class SelectorEntry(Record):
    _fields = ("index", "raw", "selector", "error")

    def __init__(self, index: int, raw: Any, selector: Optional[Selector], error: Optional[str]):
        self.index = index
        self.raw = raw
        self.selector = selector
        self.error = error


class InjectorConfig(Record):
    _fields = ("name", "namespace", "revision", "policy", "default_templates", "templates", "aliases", "never_inject",
               "always_inject", "injected_annotations", "values", "engine", "origin", "mesh", "release")

    def __init__(self, name: str, namespace: str, revision: str, policy: str, default_templates: List[str],
                 templates: Dict[str, str], aliases: Dict[str, List[str]], never_inject: List[SelectorEntry],
                 always_inject: List[SelectorEntry], injected_annotations: Dict[str, str], values: Dict[str, Any],
                 engine: str = "go", origin: str = "cluster-state", mesh: Any = None, release: Optional[Release] = None):
        self.name = name
        self.namespace = namespace
        self.revision = revision
        self.policy = policy
        self.default_templates = default_templates
        self.templates = templates
        self.aliases = aliases
        self.never_inject = never_inject
        self.always_inject = always_inject
        self.injected_annotations = injected_annotations
        self.values = values
        self.engine = engine
        self.origin = origin  # "cluster-state" | "embedded default" | a file name
        self.mesh = mesh  # the `mesh` ConfigMap text (Istio reads it with its own defaults)
        # The Istio line whose rules apply (policy, data, post-processing): the caller's, else the one the
        # templates come from; the embedded Jinja profile follows the current line.
        if release is None:
            release = Release() if engine == "jinja2" else release_for(guess_version(self))
        self.release = release


def _line_of(text: str, path: Tuple[Any, ...]) -> Optional[int]:
    """1-based line of `path` inside YAML `text`; computed only when reporting an error."""
    try:
        import yaml

        node = yaml.compose(text)
        for key in path:
            if isinstance(node, yaml.MappingNode):
                node = next(v for k, v in node.value if k.value == key)
            elif isinstance(node, yaml.SequenceNode):
                node = node.value[key]
            else:
                return None
        return node.start_mark.line + 1
    except Exception:
        return None


def _selectors(raw: Any, key: str, text: str, pos: SourcePos) -> List[SelectorEntry]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ConfigError(f"{key} must be a list of label selectors", pos=SourcePos(pos.field + "." + key, _line_of(text, (key,))))
    out = []
    for i, entry in enumerate(raw):
        try:
            out.append(SelectorEntry(i, entry, parse_selector(entry if entry is not None else {}, SourcePos(f"{key}[{i}]")), None))
        except SelectorError as e:
            out.append(SelectorEntry(i, entry, None, str(e)))
    return out


def parse_injector_configmap(cm: Mapping[str, Any], revision: str, origin: str = "cluster-state",
                             mesh: Any = None) -> InjectorConfig:
    """The injector ConfigMap of `revision`; `mesh` is the text of the revision's mesh ConfigMap."""
    meta = cm.get("metadata") or {}
    name = meta.get("name", "")
    subject = f"ConfigMap {meta.get('namespace', '')}/{name}"
    data = cm.get("data") or {}
    # ConfigMap.data is map[string]string: kube-apiserver would not have stored anything else.
    if not isinstance(data, _Mapping):
        raise ConfigError(_undecodable(data, "map[string]string"), pos=SourcePos("data"), subject=subject)
    for key, value in data.items():
        if not isinstance(value, str):
            raise ConfigError(_undecodable(value, "string"), pos=SourcePos(f"data.{key}"), subject=subject)
    if "config" not in data:
        raise ConfigError("the injector ConfigMap has no data.config", pos=SourcePos("data.config"), subject=subject)
    engine = ((meta.get("annotations") or {}).get(ENGINE_ANNOTATION) or "go")
    if engine not in ENGINES:
        raise ConfigError(f"unknown template engine {engine!r} (one of {', '.join(ENGINES)})",
                          pos=SourcePos(f"metadata.annotations.{ENGINE_ANNOTATION}"), subject=subject)
    cfg = parse_config_text(data.get("config") or "", subject=subject, field_prefix="data.config")
    values = parse_values_text(data.get("values"), subject=subject)
    return build_config(cfg, values, name=name, namespace=meta.get("namespace", ""), revision=revision,
                        engine=engine, origin=origin, text=data.get("config") or "", subject=subject, mesh=mesh)


def _undecodable(value: Any, go_type: str) -> str:
    from ..kube.creatable import undecodable

    return undecodable("ConfigMap", "data", value, go_type)


def parse_config_text(text: str, *, subject: str, field_prefix: str = "config") -> Dict[str, Any]:
    from .. import yamlio   # Istio reads it with sigs.k8s.io/yaml; so does yamlio

    try:
        cfg = yamlio.load(text) if text.strip() else {}
    except yamlio.YAMLSyntaxError as e:
        raise ConfigError(f"invalid YAML: {e}", pos=SourcePos(field_prefix, e.line), subject=subject) from None
    deep = too_deep(cfg)
    if deep is not None:
        raise ConfigError(BEYOND, pos=SourcePos(field_prefix + (f".{deep}" if deep else "")), subject=subject)
    if cfg is None:
        cfg = {}
    if not isinstance(cfg, _Mapping):
        raise ConfigError("must be a YAML mapping (inject.Config)", pos=SourcePos(field_prefix), subject=subject)
    return dict(cfg)


def parse_values_text(text: Any, *, subject: str) -> Dict[str, Any]:
    if text is None or (isinstance(text, str) and not text.strip()):
        return {}
    if isinstance(text, _Mapping):
        return dict(text)
    try:
        values = json_loads(text)
    except TooDeep as e:
        raise ConfigError(str(e), pos=SourcePos("data.values"), subject=subject) from None
    except ValueError:
        from .. import yamlio  # istioctl's --valuesFile accepts YAML too

        try:
            values = yamlio.load(text)
        except yamlio.YAMLSyntaxError as e:
            raise ConfigError(f"values is neither JSON nor YAML: {e}", pos=SourcePos("data.values"), subject=subject) from None
        deep = too_deep(values)
        if deep is not None:
            raise ConfigError(BEYOND, pos=SourcePos("data.values" + (f".{deep}" if deep else "")),
                              subject=subject)
    if not isinstance(values, _Mapping):
        raise ConfigError("values must be a JSON object", pos=SourcePos("data.values"), subject=subject)
    return dict(values)


def build_config(cfg: Mapping[str, Any], values: Dict[str, Any], *, name: str, namespace: str, revision: str,
                 engine: str, origin: str, text: str = "", subject: str = "", mesh: Any = None) -> InjectorConfig:
    pos = SourcePos("data.config")

    def bad(key: str, msg: str) -> ConfigError:
        return ConfigError(msg, pos=SourcePos(f"data.config.{key}", _line_of(text, (key,))), subject=subject)

    templates = cfg.get("templates") or {}
    if not isinstance(templates, _Mapping) or not all(isinstance(v, str) for v in templates.values()):
        raise bad("templates", "templates must map template names to template text")
    default_templates = cfg.get("defaultTemplates") or ["sidecar"]
    if not isinstance(default_templates, list) or not all(isinstance(t, str) for t in default_templates):
        raise bad("defaultTemplates", "defaultTemplates must be a list of template names")
    aliases = cfg.get("aliases") or {}
    if not isinstance(aliases, _Mapping) or not all(isinstance(v, list) for v in aliases.values()):
        raise bad("aliases", "aliases must map a name to a list of template names")
    injected = cfg.get("injectedAnnotations") or {}
    if not isinstance(injected, _Mapping):
        raise bad("injectedAnnotations", "injectedAnnotations must be a mapping of strings")
    policy = cfg.get("policy")
    return InjectorConfig(
        name=name, namespace=namespace, revision=revision,
        policy=policy if isinstance(policy, str) else ("" if policy is None else str(policy)),
        default_templates=list(default_templates), templates=dict(templates),
        aliases={k: [str(x) for x in v] for k, v in aliases.items()},
        never_inject=_selectors(cfg.get("neverInjectSelector"), "neverInjectSelector", text, pos),
        always_inject=_selectors(cfg.get("alwaysInjectSelector"), "alwaysInjectSelector", text, pos),
        injected_annotations={str(k): str(v) for k, v in injected.items()},
        values=values, engine=engine, origin=origin, mesh=mesh,
    )
