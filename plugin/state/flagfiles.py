"""`--inject-config`, `--values`, `--mesh-config`: the three files `istioctl kube-inject` takes, checked when
they are read and placed where a cluster keeps them (the default revision's ConfigMaps in istio-system).

Why here and not where the engine meets them: the engine sees a ConfigMap and would blame the ConfigMap
(or the embedded default it replaced, or a pod it rejects); a file given on the command line that cannot
work is the command line's mistake, so it is one line naming the flag, the file, the line and the field,
and the run stops (as istioctl stops on a --injectConfigFile or --meshConfigFile it cannot read).  What
istiod itself tolerates in a configuration it loaded (a label selector it skips) stays a warning.
"""
from __future__ import annotations

import re
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Tuple

from simulator.state import ClusterState

INJECTOR = ("istio-system", "istio-sidecar-injector")
MESH = ("istio-system", "istio")
#: Where the embedded injector's own values come from: they belong to its Jinja profile.
_PROFILE_ANNOTATIONS = ("kubectl-inject.io/template-engine", "kubectl-inject.io/templates-from")
_CONFIG_KEYS = {"templates", "policy", "defaultTemplates", "template", "neverInjectSelector", "alwaysInjectSelector",
                "aliases", "injectedAnnotations"}
_CONFIG_KEY_LINE = re.compile(r"^(?:%s)[ \t]*:" % "|".join(sorted(_CONFIG_KEYS)), re.M)
_GET_CONFIG = "kubectl -n istio-system get configmap istio-sidecar-injector -o jsonpath='{.data.%s}'"


class FlagFileError(ValueError):
    """A file given with a flag that cannot be used; str() is the one line the user sees."""


def read_flag_file(flag: str, path: str) -> str:
    """The file's text, or FlagFileError naming the flag: missing, a directory, a device, not UTF-8."""
    import os

    from ..inputs import read_file

    if os.path.isdir(path):
        raise FlagFileError(f"{flag} {path}: is a directory, not a file")
    try:
        return read_file(path)
    except FileNotFoundError:
        raise FlagFileError(f"{flag} {path}: no such file") from None
    except PermissionError:
        raise FlagFileError(f"{flag} {path}: permission denied") from None
    except OSError as e:   # read_file's own refusals (a device, a socket) say what it is before the colon
        raise FlagFileError(f"{flag} {path}: cannot read: {e.strerror or str(e).split(':')[0]}") from None
    except UnicodeDecodeError as e:
        raise FlagFileError(f"{flag} {path}: not UTF-8 text (byte 0x{e.object[e.start]:02x} at offset {e.start}); "
                            "expected YAML or JSON") from None


def _at(flag: str, path: str, line: Optional[int], field: str, message: str) -> FlagFileError:
    where = f"{flag} {path}" + (f": line {line}" if line else "") + (f": field {field}" if field else "")
    return FlagFileError(f"{where}: {message}")


def _kubernetes_object(parsed: Any) -> Optional[Tuple[str, str]]:
    if isinstance(parsed, dict) and isinstance(parsed.get("kind"), str) and isinstance(parsed.get("apiVersion"), str):
        return parsed["kind"], parsed["apiVersion"]
    return None


def _inject_config_text(path: str, text: str) -> Tuple[str, Optional[str], bool]:
    """(the injector's `config`, `values` from a ConfigMap file or None, whether `config` is a bare template).
    A config is told from a bare template as istioctl tells them: by its top-level keys."""
    from simulator import yamlio

    flag = "--inject-config"
    parsed: Any = None
    try:
        parsed = yamlio.load(text)
    except yamlio.YAMLSyntaxError as e:
        if _CONFIG_KEY_LINE.search(text):   # meant as a configuration: its YAML must load
            raise _at(flag, path, e.line, "", f"invalid YAML: {e.message}") from None
        return text, None, True   # a template need not be YAML before it is rendered
    obj = _kubernetes_object(parsed)
    if obj is not None:
        kind, api_version = obj
        if kind == "ConfigMap":   # `kubectl get configmap istio-sidecar-injector -o yaml`: its data is the config
            data = parsed.get("data")
            if not isinstance(data, dict) or not isinstance(data.get("config"), str):
                raise _at(flag, path, None, "data.config", "this ConfigMap has no data.config (the injector's "
                          "configuration); give the istio-sidecar-injector ConfigMap or its config: " + _GET_CONFIG % "config")
            values = data.get("values")
            return data["config"], values if isinstance(values, str) else None, False
        raise _at(flag, path, None, "kind", f"a {kind} ({api_version}), not an injector configuration: give the "
                  "istio-sidecar-injector ConfigMap, its config (" + _GET_CONFIG % "config" + ") or a sidecar template")
    if isinstance(parsed, dict) and _CONFIG_KEYS & set(parsed):
        return text, None, False
    return text, None, True


def _check_config(path: str, text: str, notes: List[str]) -> None:
    """What istiod would refuse to load is an error; selectors it would skip are notes."""
    from simulator.errors import ConfigError
    from simulator.istio.injector_config import build_config, parse_config_text

    flag = "--inject-config"
    try:
        cfg = parse_config_text(text, subject=flag, field_prefix="")
        config = build_config(cfg, {}, name=INJECTOR[1], namespace=INJECTOR[0], revision="default", engine="go",
                              origin=path, text=text, subject=flag)
    except ConfigError as e:
        field = (e.pos.field if e.pos else "").replace("data.config.", "").replace("data.config", "")
        raise _at(flag, path, e.pos.line if e.pos else None, field, e.message) from None
    if not config.templates:
        legacy = isinstance(cfg.get("template"), str)
        why = ('its "template:" key is the pre-1.10 form, which Istio 1.10 and later ignore: put the template under '
               '"templates: {sidecar: ...}"' if legacy else 'it has no "templates:"')
        raise _at(flag, path, None, "templates", f"no injection templates: {why}. istiod would reject every pod it "
                  'injects (requested template "sidecar" not found); --inject-config replaces the whole configuration, '
                  "as istioctl --injectConfigFile does: start from " + _GET_CONFIG % "config")
    for key, entries in (("neverInjectSelector", config.never_inject), ("alwaysInjectSelector", config.always_inject)):
        for entry in entries:
            if entry.error:
                field, _, message = entry.error.partition(": ")
                notes.append(str(_at(flag, path, _line_in(text, key, entry.index), field,
                                     f"{message} (Istio skips this selector)")))


def _line_in(text: str, key: str, index: int) -> Optional[int]:
    try:
        import yaml

        node = yaml.compose(text)
        value = next(v for k, v in node.value if k.value == key)
        return value.value[index].start_mark.line + 1
    except Exception:   # only a better line is lost
        return None


def _check_values(path: str, text: str) -> None:
    from simulator.errors import ConfigError
    from simulator.istio.injector_config import parse_values_text

    try:
        parse_values_text(text, subject="--values")
    except ConfigError as e:   # the message says the line
        raise _at("--values", path, None, "", e.message) from None


def _check_mesh(path: str, text: str) -> None:
    """istioctl reads --meshConfigFile at start and stops on an error: so does this, rather than leave a
    mesh that every injection then fails on (which would read as the pods' fault)."""
    from simulator.istio.mesh import MeshConfigError, apply_mesh_config
    from simulator.istio.release import Release

    first = None
    for release in (None, Release("1.31")):   # a field only the newer line knows is that line's to judge
        try:
            apply_mesh_config(text, release=release)
            return
        except MeshConfigError as e:
            first = first or e
    raise _at("--mesh-config", path, None, "", str(first))


def apply_config_files(state: ClusterState, inject_config: Optional[str], values: Optional[str],
                       mesh_config: Optional[str], notes: Optional[List[str]] = None) -> ClusterState:
    """The new state with the files in place; FlagFileError when one cannot be used.  Warnings (selectors
    istiod would skip) are appended to `notes`."""
    if not (inject_config or values or mesh_config):
        return state
    from simulator.yamlio.write import dump

    notes = notes if notes is not None else []
    cm = dict(state.configmap(*INJECTOR) or {"apiVersion": "v1", "kind": "ConfigMap",
                                             "metadata": {"name": INJECTOR[1], "namespace": INJECTOR[0]}, "data": {}})
    meta = dict(cm.get("metadata") or {})
    annotations = dict(meta.get("annotations") or {})
    data = dict(cm.get("data") or {})
    sources = []
    values_text = read_flag_file("--values", values) if values else None
    if inject_config:
        text = read_flag_file("--inject-config", inject_config)
        config, cm_values, bare = _inject_config_text(inject_config, text)
        if bare:   # a bare template, as istioctl accepts it: it becomes the `sidecar` template
            config = dump({"policy": "enabled", "templates": {"sidecar": config}})
        else:
            _check_config(inject_config, config, notes)
        data["config"] = config
        if values_text is None and cm_values is not None:
            values_text = cm_values
        if values_text is None and any(a in annotations for a in _PROFILE_ANNOTATIONS):
            raise FlagFileError(f"--inject-config {inject_config}: needs --values too: the embedded default's values "
                                "belong to its own profile, not to this configuration (istioctl kube-inject reads them "
                                "from the cluster: " + _GET_CONFIG % "values" + ")")
        for a in _PROFILE_ANNOTATIONS:   # real configurations are Go templates
            annotations.pop(a, None)
        sources.append(inject_config)
    if values_text is not None:
        if values:
            _check_values(values, values_text)
            sources.append(values)
        data["values"] = values_text
    meta["annotations"] = annotations
    cm.update(metadata=meta, data=data)
    configmaps: Dict[Tuple[str, str], Any] = {INJECTOR: cm}
    if mesh_config:
        mesh_text = read_flag_file("--mesh-config", mesh_config)
        _check_mesh(mesh_config, mesh_text)
        configmaps[MESH] = {"apiVersion": "v1", "kind": "ConfigMap",
                            "metadata": {"name": MESH[1], "namespace": MESH[0]}, "data": {"mesh": mesh_text}}
        sources.append(mesh_config)
    return state.replace(configmaps={**state.configmaps, **configmaps},
                         origins={**state.origins, "ConfigMap": ", ".join(sources)})
