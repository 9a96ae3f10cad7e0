"""The injector and mesh ConfigMaps of Istio's `istio-discovery` chart, rendered as Helm renders them.

Why: a user with a downloaded Istio release has no cluster to copy `istio-sidecar-injector` from, yet the
chart in the release is exactly what `helm install` or `istioctl install` would turn into those
ConfigMaps.  Rendering the chart's own two templates (`templates/istiod-injector-configmap.yaml`,
`templates/configmap.yaml`) with the project's Go template engine keeps every release's quirks, instead
of a hand-written copy of one release's output.

What Helm adds around the templates is emulated here: `.Values` as the chart's `zzz_profile.yaml` and
`zzy_descope_legacy.yaml` leave them (the `_internal_defaults_do_not_set` block, overlaid by the selected
profile, compatibility-version and platform files, overlaid by the user's values; then `pilot.*` copied
to the top level), `.Release`, `.Files.Get`, and Helm's template
functions (`include`, `tpl`, `toYaml`, `fromYaml`, `required`).  The telemetry helpers of `_helpers.tpl`
that the mesh template includes are computed in Python; the labels helper renders nothing, since labels
do not reach `data`.

Pure: the caller hands in the chart's file texts.
"""

import copy
import re

from ..gotemplate import Template, TemplateError
from ..gotemplate.funcs import FuncError, gofunc
from ..sprig.data import merge_overwrite
from ..gotemplate.values import MISSING, GoStruct, is_true

__all__ = ["ChartError", "INJECTOR_TEMPLATE", "MESH_TEMPLATE", "render_configmaps", "render_webhook_configurations",
           "parse_set",
           "parse_sets", "chart_values",
           "istio_operator_values"]

INJECTOR_TEMPLATE = "templates/istiod-injector-configmap.yaml"
MESH_TEMPLATE = "templates/configmap.yaml"

#: istioctl profiles that have no chart profile file: they leave the injector values at chart defaults.
_PROFILES_WITHOUT_FILE = {"default", "empty", "minimal"}


class ChartError(ValueError):
    """The chart cannot be rendered with these values (what Helm or istioctl would refuse)."""


# --- --set ------------------------------------------------------------------------------------------

#: Paths istioctl never types (an image tag like 1.30 must stay a string).
_ALWAYS_STRING = ("compatibilityVersion", "global.tag", "meshConfig.defaultConfig.proxyMetadata.")

_GO_FLOAT = re.compile(r"[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf|infinity|nan)", re.I)


def _typed(raw):
    """A --set value typed as istioctl types it: an int, else a float, else a Go ParseBool bool, else text."""
    if re.fullmatch(r"[+-]?[0-9]+", raw) and -(1 << 63) <= int(raw) < (1 << 63):
        return int(raw)
    if _GO_FLOAT.fullmatch(raw):
        return float(raw)
    if raw in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if raw in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    return raw.replace("\\,", ",")


#: istioctl's top-level shortcuts and where they land in the chart values.
_ISTIOCTL_KEYS = {"hub": ["global", "hub"], "tag": ["global", "tag"], "revision": ["revision"],
                  "profile": ["profile"], "compatibilityVersion": ["compatibilityVersion"]}


#: More path parts than any chart value has (the deepest are under ten).
_MAX_SET_PARTS = 100


def _split_path(key):
    """istioctl's splitPath: `.`-separated (`\\.` escapes a dot), `name[0]` is `name` then `[0]`."""
    out = []
    for p in re.split(r"(?<!\\)\.", key.strip(".")):
        if not p:
            continue
        p = p.replace("\\.", ".")
        bracket = p.find("[")
        if bracket > 0:
            out += [p[:bracket], p[bracket:]]
        else:
            out.append(p)
    return out


def _index_of(seg):
    """`[N]` -> N (istioctl's extractIndex), else None."""
    if seg.startswith("[") and seg.endswith("]") and re.fullmatch(r"[+-]?[0-9]+", seg[1:-1]):
        return int(seg[1:-1])
    return None


def _selector_of(seg):
    """`[key:value]` -> (key, value) (extractKV), else None."""
    if seg.startswith("[") and seg.endswith("]") and ":" in seg:
        k, _, v = seg[1:-1].partition(":")
        return k, v
    return None


def parse_set(flag):
    """One `istioctl --set key=value` -> (path, value), or None for a setting with no effect here.

    As istioctl reads it: the whole text after `=` is the value (no comma splitting; `\\,` is a comma),
    typed int, float, bool or string (tags stay strings).  Keys: `values.X` (a chart value),
    `meshConfig.X`, `hub`, `tag`, `revision`, `profile`, `compatibilityVersion`, and a bare chart value
    path; `components.pilot.enabled=true` is accepted and changes nothing (the injector ConfigMaps exist
    only with istiod).  Other IstioOperator fields are refused: they do not reach these ConfigMaps here.
    """
    key, sep, raw = flag.partition("=")   # istioctl's getPV: the value is everything after the first =
    key, raw = key.strip(), raw.strip()
    if not sep or not key:
        raise ChartError("--set %r: expected key=value" % flag)
    if key.startswith("spec."):
        key = key[len("spec."):]
    parts = _split_path(key)
    if parts and parts[0] == "values" and len(parts) > 1:
        parts = parts[1:]
    elif key in _ISTIOCTL_KEYS:
        parts = list(_ISTIOCTL_KEYS[key])
    elif parts and parts[0] == "components":
        if key == "components.pilot.enabled" and _typed(raw) is True:
            return None
        if key == "components.cni.enabled" and isinstance(_typed(raw), bool):
            return ["pilot", "cni", "enabled"], _typed(raw)  # istioctl propagates it to the chart values
        raise ChartError("--set %s: only values.*, meshConfig.*, hub, tag, revision and profile reach the "
                         "injector configuration" % key)
    if not parts:
        raise ChartError("--set %s: the path names no value" % key)
    if len(parts) > _MAX_SET_PARTS:
        raise ChartError("--set: a path of %d parts is deeper than any chart value (at most %d)"
                         % (len(parts), _MAX_SET_PARTS))
    for p in parts:
        if p.startswith("[") and not (_index_of(p) is not None or _selector_of(p) is not None):
            raise ChartError("--set %s: %s is neither a list index [N] nor an element selector [key:value]"
                             % (key, p))
    dotted = ".".join(p for p in parts if not p.startswith("["))
    value = raw if any(dotted == a or dotted.startswith(a) for a in _ALWAYS_STRING) else _typed(raw)
    return parts, value


def parse_sets(flags):
    """Several --set flags as the `overrides` of render_configmaps: component switches first (istioctl
    translates them before it lays the user's values on top), then the rest in order."""
    parsed = [(f.strip().startswith("components."), parse_set(f)) for f in flags]
    return [pv for first in (True, False) for comp, pv in parsed if comp == first and pv is not None]


def istio_operator_values(iop):
    """An IstioOperator (`istioctl -f`) as chart values: what of it reaches the injector ConfigMaps."""
    spec = (iop or {}).get("spec") or {}
    out = {}
    cni = ((spec.get("components") or {}).get("cni") or {}).get("enabled")
    if isinstance(cni, bool):
        out["pilot"] = {"cni": {"enabled": cni}}
    for field, path in (("hub", ["global", "hub"]), ("tag", ["global", "tag"]), ("revision", ["revision"]),
                        ("compatibilityVersion", ["compatibilityVersion"]), ("profile", ["profile"])):
        if spec.get(field) not in (None, ""):
            _set_path(out, path, spec[field] if field != "tag" else str(spec[field]))
    if isinstance(spec.get("values"), dict):
        merge_overwrite(out, copy.deepcopy(spec["values"]))
    if isinstance(spec.get("meshConfig"), dict):
        merge_overwrite(out, {"meshConfig": copy.deepcopy(spec["meshConfig"])})
    return out


def _set_path(tree, parts, value, flag=None):
    """istioctl's setPathRecurse over the values tree: keys, `[N]` (an index past the end appends) and
    `[key:value]` (the element whose key is value) segments.  Where istioctl panics (a path through a
    value that is not a map) this is a ChartError naming the --set."""
    node = tree
    i = 0
    while i < len(parts):
        seg = parts[i]
        if not isinstance(node, dict):
            raise _through_scalar(flag, parts[:i], node)
        if i + 1 < len(parts) and parts[i + 1].startswith("["):
            lst = node.setdefault(seg, [])
            if not isinstance(lst, list):
                raise ChartError("--set %s: %s is not a list" % (flag or ".".join(parts), ".".join(parts[:i + 1])))
            sel = _selector_of(parts[i + 1])
            if sel is not None and _index_of(parts[i + 1]) is None:
                index = next((n for n, e in enumerate(lst) if isinstance(e, dict) and _go_eq(e.get(sel[0]), sel[1])), -1)
                if index == -1:
                    raise ChartError("--set %s: element %s not found" % (flag or ".".join(parts), parts[i + 1]))
            else:
                index = _index_of(parts[i + 1])
            last = i + 2 == len(parts)
            if index < 0 or index >= len(lst):
                if last:
                    lst.append(value)
                else:
                    fresh = {}
                    _set_path(fresh, parts[i + 2:], value, flag)
                    lst.append(fresh)
                return
            if last:
                lst[index] = value   # (istioctl descends into the element; a scalar there is replaced)
                return
            if lst[index] is None:
                lst[index] = {}
            node = lst[index]
            i += 2
            continue
        if i + 1 == len(parts):
            node[seg] = value
            return
        nxt = node.get(seg)
        if nxt is None:
            nxt = node[seg] = {}
        node = nxt
        i += 1


def _check_shape(user, reference, parts):
    """istioctl decodes the values into its typed Values proto, which refuses a scalar where the chart
    has a list or a map, and a list or map where it has a string or a bool (`--set values.revisionTags=prod`,
    `--set values.global.hub.x=1`).  The chart's own defaults tell the shape; paths it has no default for,
    and numbers (whose Go width the chart does not tell), are left alone."""
    node, ref = user, reference
    for n, seg in enumerate(parts):
        if seg.startswith("[") or not isinstance(node, dict) or not isinstance(ref, dict) or seg not in ref:
            return
        node, ref = node.get(seg), ref[seg]
        if node is None or ref is None:
            return
        go_type = ("[]json.RawMessage" if isinstance(ref, list) else "map[string]json.RawMessage"
                   if isinstance(ref, dict) else "bool" if isinstance(ref, bool) else "string"
                   if isinstance(ref, str) else None)
        if go_type is None:
            return
        fits = (isinstance(node, list) if isinstance(ref, list) else isinstance(node, dict)
                if isinstance(ref, dict) else not isinstance(node, (dict, list)))
        if not fits:
            kind = ("array" if isinstance(node, list) else "object" if isinstance(node, dict) else "string"
                    if isinstance(node, str) else "bool" if isinstance(node, bool) else "number")
            at = ".".join(parts[:n + 1])
            raise ChartError("--set %s: could not unmarshal: %s: cannot unmarshal %s into Go value of type %s"
                             % (".".join(parts), at, kind, go_type))


def _go_eq(a, b):
    """MustCastAsMap(cm)[k] == v: an interface holding a string equals the string."""
    return isinstance(a, str) and a == b


def _through_scalar(flag, parts, value):
    where = ".".join(parts) or "the values"
    return ChartError("--set %s: %s is %s, not a map, so nothing can be set under it"
                      % (flag or where, where, _json_kind(value)))


def _json_kind(v):
    return ("a list" if isinstance(v, list) else "a string" if isinstance(v, str) else "a boolean"
            if isinstance(v, bool) else "a number" if isinstance(v, (int, float)) else "null" if v is None
            else "a map")


# --- values as the chart sees them --------------------------------------------------------------------

def _coalesce(user, chart):
    """Helm's CoalesceValues: the user's values win, maps merge, a user null deletes the chart's key."""
    out = copy.deepcopy(chart)
    for k, v in user.items():
        if v is None:
            if k in out:
                del out[k]
            else:
                out[k] = None  # Helm keeps a null the chart has nothing to delete for
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _coalesce(v, out[k])
        else:
            out[k] = copy.deepcopy(v)
    return out


def _yaml(text, what):
    from .. import yamlio

    try:
        data = yamlio.load(text) if text.strip() else None
    except Exception as e:  # yamlio raises its own syntax errors; any of them means the file is unusable
        raise ChartError("%s: %s" % (what, e)) from e
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ChartError("%s: not a YAML mapping" % what)
    return data


def _profile_file(files, kind, name):
    path = "files/profile-%s%s.yaml" % (kind, name)
    if path not in files:
        raise ChartError("unknown %s %s (the chart has no %s)" % (
            {"": "profile", "compatibility-version-": "compatibility version", "platform-": "platform"}[kind],
            name, path))
    return _yaml(files[path], path)


def chart_values(files, overrides=(), user_values=None):
    """`.Values` after the chart's zzz_profile.yaml: internal defaults < profile files < user values.

    `user_values` is a values tree (Helm `-f`, or istio_operator_values of an IstioOperator);
    `overrides` are (path, value) pairs (see parse_sets) applied over it in order, like `--set`.
    """
    if "values.yaml" not in files:
        raise ChartError("the chart has no values.yaml")
    user = copy.deepcopy(user_values) if user_values else {}
    chart = _yaml(files["values.yaml"], "values.yaml")
    for parts, value in overrides:
        _set_path(user, parts, value)
    if overrides and isinstance(chart, dict):
        reference = chart.get("_internal_defaults_do_not_set")
        reference = merge_overwrite(copy.deepcopy(reference), {k: v for k, v in chart.items() if k != "_internal_defaults_do_not_set"}) \
            if isinstance(reference, dict) else chart
        for parts, _ in overrides:
            _check_shape(user, reference, parts)
    vals = _coalesce(user, chart)
    if vals.get("defaults"):
        raise ChartError("values under `defaults.` are not chart values; set them without the prefix")
    defaults = vals.pop("_internal_defaults_do_not_set", None) or {}
    glob = vals.get("global") if isinstance(vals.get("global"), dict) else {}
    profile = {}
    name = vals.get("profile") or glob.get("profile")
    if name and name not in _PROFILES_WITHOUT_FILE:
        profile = _profile_file(files, "", name)
    if vals.get("compatibilityVersion"):
        merge_overwrite(profile, _profile_file(files, "compatibility-version-", vals["compatibilityVersion"]))
    platform = vals.get("platform") or glob.get("platform")
    if platform:
        merge_overwrite(profile, _profile_file(files, "platform-", platform))
    if profile:
        merge_overwrite(defaults, profile)
    vals["_original"] = copy.deepcopy(vals)
    vals = merge_overwrite(defaults, vals)
    # zzy_descope_legacy.yaml (rendered right after zzz_profile.yaml): `pilot.X` also counts as `X`.
    if isinstance(vals.get("pilot"), dict):
        merge_overwrite(vals, vals["pilot"])
    return vals


# --- Helm's additions to the template language --------------------------------------------------------

class _Files(GoStruct):
    def __init__(self, files):
        self._files = files

    def go_type_name(self):
        return "chart.Files"

    def go_method(self, name):
        if name != "Get":
            return None

        @gofunc("string", returns="string", name="Get")
        def get(path):
            return self._files.get(path, "")

        return get


class _Root(GoStruct):
    """Helm's top-level template object (only what the injector templates read)."""

    def __init__(self, fields):
        self._fields = fields

    def go_type_name(self):
        return "map[string]interface {}"

    def go_field(self, name):
        if name in self._fields:
            return self._fields[name]
        raise LookupError(name)


def _to_yaml_text(v):
    from . import gojson
    from ..yamlio import write as yamlout

    if v is MISSING:
        v = None
    try:
        return yamlout.dump(gojson.to_json_value(v)).rstrip("\n") if v is not None else "null"
    except (TypeError, ValueError):
        return ""


def _telemetry_on(vals, which):
    """The `default-prometheus` / `default-sd-*` helpers: Go `and` over the same conditions."""
    def get(*path):
        node = vals
        for p in path:
            if not isinstance(node, dict):
                return MISSING
            node = node.get(p, MISSING)
        return node

    mesh_cfg = get("meshConfig")
    conds = [not is_true(get("meshConfig", "defaultProviders")) if isinstance(mesh_cfg, dict) else True,
             get("telemetry", "enabled"), get("telemetry", "v2", "enabled"), get("telemetry", "v2", which, "enabled")]
    return "true" if all(is_true(c) for c in conds) else "false"


_PY_HELPERS = {
    "default-prometheus": lambda dot: _telemetry_on(_values_of(dot), "prometheus"),
    "default-sd-metrics": lambda dot: _telemetry_on(_values_of(dot), "stackdriver"),
    "default-sd-logs": lambda dot: _telemetry_on(_values_of(dot), "stackdriver"),
    "istio.labels": lambda dot: "",
}


def _values_of(dot):
    if isinstance(dot, _Root):
        return dot.go_field("Values")
    if isinstance(dot, dict):
        return dot.get("Values", {})
    return {}


def _helm_funcs(holder):
    @gofunc("string", "any", returns="string", name="include")
    def include(name, data):
        if name in _PY_HELPERS:
            return _PY_HELPERS[name](data)
        tmpl = holder["template"]
        if name not in tmpl.template_names():
            raise FuncError('template: no template "%s" associated with template "gotpl"' % name)
        return tmpl.execute_template(name, data)

    @gofunc("string", "any", returns="string", name="tpl")
    def tpl(text, data):
        return Template(text, name="tpl", funcs=holder["funcs"]).execute(data)

    @gofunc("any", returns="string", name="toYaml")
    def to_yaml(v):
        return _to_yaml_text(v)

    @gofunc("string", returns="map[string]interface {}", name="fromYaml")
    def from_yaml(text):
        from .. import yamlio

        try:
            data = yamlio.load(text)
        except Exception as e:  # Helm puts the error under "Error" instead of failing
            return {"Error": str(e)}
        return data if isinstance(data, dict) else {}

    @gofunc("string", "any", returns="interface {}", name="required")
    def required(msg, v):
        if v is None or v is MISSING or (isinstance(v, str) and v == ""):
            raise FuncError(msg)
        return v

    funcs = {"include": include, "tpl": tpl, "toYaml": to_yaml, "fromYaml": from_yaml, "required": required}
    holder["funcs"] = funcs
    return funcs


def _render_all(files, path, root):
    if path not in files:
        raise ChartError("the chart has no %s" % path)
    holder = {}
    funcs = _helm_funcs(holder)
    tmpl = Template(files[path], name=path, funcs=funcs)
    holder["template"] = tmpl
    try:
        text = tmpl.execute(root)
    except TemplateError as e:  # what Helm would print rendering the chart with these values
        raise ChartError("rendering the chart: %s" % e) from None
    from .. import yamlio

    return [d for d in yamlio.load_all(text) if d is not None]


def _render(files, path, root):
    docs = _render_all(files, path, root)
    return docs[0] if docs else None


#: The chart's MutatingWebhookConfigurations: the revision's own, and one per revision tag (the file is
#: revision-tags-mwc.yaml since 1.25, revision-tags.yaml before).
WEBHOOK_TEMPLATES = ("templates/mutatingwebhook.yaml", "templates/revision-tags-mwc.yaml", "templates/revision-tags.yaml")


def render_webhook_configurations(files, overrides=(), *, user_values=None, namespace="istio-system",
                                  release_name="istiod"):
    """The MutatingWebhookConfigurations the chart installs with these values (revision, revisionTags,
    sidecarInjectorWebhook.*), as dicts; None when the chart has no webhook template (then the caller
    keeps what it has)."""
    if WEBHOOK_TEMPLATES[0] not in files:
        return None
    root = _root(files, chart_values(files, overrides, user_values), namespace, release_name)
    out = []
    for path in WEBHOOK_TEMPLATES:
        if path in files:
            out.extend(d for d in _render_all(files, path, root)
                       if isinstance(d, dict) and d.get("kind") == "MutatingWebhookConfiguration")
    return out


def render_configmaps(files, overrides=(), *, user_values=None, namespace="istio-system",
                      release_name="istiod"):
    """(injector ConfigMap, mesh ConfigMap) as dicts, each None when the values switch it off.

    `files` maps chart-relative paths ("values.yaml", "templates/…", "files/…") to their text;
    `overrides` are (path, value) pairs from parse_sets, `user_values` a values tree beneath them.
    """
    root = _root(files, chart_values(files, overrides, user_values), namespace, release_name)
    return _render(files, INJECTOR_TEMPLATE, root), _render(files, MESH_TEMPLATE, root)


def _root(files, vals, namespace, release_name):
    return _Root({
        "Values": vals,
        "Release": {"Namespace": namespace, "Name": release_name, "Service": "Helm", "IsInstall": True,
                    "IsUpgrade": False, "Revision": 1},
        "Files": _Files(files),
        "Chart": {},
        "Capabilities": {},
    })
