"""The injector's `values` (NewValuesConfig in webhook.go): one JSON document, read two ways.

Templates get `map[string]any` from sigs.k8s.io/yaml, where every number is a float64 (so `{{ 600 }}`-like
values print as Go prints floats, and `eq` against an int constant is a type error).  Go code reads a few
fields through the typed operator `Values` proto; those are exposed here as methods with the proto's
semantics (absent wrapper => false, `tag` printed with %v).
"""

from .. import yamlio
from ..gotemplate import fmt as _fmt


class ValuesError(ValueError):
    """`values` does not load: Istio says "could not parse configuration values"."""


def _floats(v):
    t = type(v)
    if t is dict:
        return {k: _floats(x) for k, x in v.items()}
    if t is list:
        return [_floats(x) for x in v]
    if t is int:
        return float(v)
    return v


def _get(m, *path):
    for p in path:
        if not isinstance(m, dict):
            return None
        m = m.get(p)
    return m


class ValuesConfig:
    """`as_map` is what templates see as `.Values`; the getters are the typed (`asStruct`) reads."""

    __slots__ = ("raw", "as_map")

    def __init__(self, values):
        if isinstance(values, str):
            try:
                values = yamlio.load(values) if values.strip() else {}
            except yamlio.YAMLSyntaxError as e:
                raise ValuesError("could not parse configuration values: %s" % e) from None
        if values is None:
            values = {}
        if not isinstance(values, dict):
            raise ValuesError("could not parse configuration values: json: cannot unmarshal %s into Go value "
                              "of type map[string]interface {}" % type(values).__name__)
        self.raw = values
        self.as_map = _floats(values)
        self._check()

    def _check(self):
        """The typed decode fails on a wrong JSON type for the fields Go code reads."""
        for path, kind in ((("global", "hub"), str), (("global", "variant"), str),
                           (("global", "proxy", "image"), str), (("global", "proxy_init", "image"), str),
                           (("global", "multiCluster", "clusterName"), str), (("global", "network"), str),
                           (("global", "proxy", "holdApplicationUntilProxyStarts"), bool),
                           (("sidecarInjectorWebhook", "rewriteAppHTTPProbe"), bool)):
            for i in range(1, len(path)):   # the messages on the way are objects in the proto
                v = _get(self.raw, *path[:i])
                if v is not None and not isinstance(v, dict):
                    raise ValuesError("could not parse configuration values: %s: wrong type %s"
                                      % (".".join(path[:i]), type(v).__name__))
            v = _get(self.raw, *path)
            if v is not None and not isinstance(v, kind):
                raise ValuesError("could not parse configuration values: %s: wrong type %s"
                                  % (".".join(path), type(v).__name__))
        for path, kind in ((("revision",), str), (("global", "platform"), str), (("pilot",), dict),
                           (("pilot", "env"), dict)):
            v = _get(self.raw, *path)
            if v is not None and not isinstance(v, kind):
                raise ValuesError("could not parse configuration values: %s: wrong type %s"
                                  % (".".join(path), type(v).__name__))

    def hub(self):
        return _get(self.raw, "global", "hub") or ""

    def tag(self):
        """fmt.Sprintf("%v", global.tag.AsInterface()): numbers are float64 (1.10 prints 1.1)."""
        t = _get(self.as_map, "global", "tag")
        if t is None:
            return ""
        return _fmt.sprint(t)

    def variant(self):
        return _get(self.raw, "global", "variant") or ""

    def proxy_image(self):
        return _get(self.raw, "global", "proxy", "image") or ""

    def proxy_init_image(self):
        return _get(self.raw, "global", "proxy_init", "image") or ""

    def cluster_name(self):
        return _get(self.raw, "global", "multiCluster", "clusterName") or ""

    def network(self):
        return _get(self.raw, "global", "network") or ""

    def hold_application_until_proxy_starts(self):
        return bool(_get(self.raw, "global", "proxy", "holdApplicationUntilProxyStarts"))

    def rewrite_app_http_probe(self):
        return bool(_get(self.raw, "sidecarInjectorWebhook", "rewriteAppHTTPProbe"))

    def pilot_env(self):
        """values.pilot.env: the chart copies istiod's env map here (see inject.istiod_env)."""
        env = _get(self.raw, "pilot", "env")
        return {str(k): _env_text(v) for k, v in env.items()} if isinstance(env, dict) else {}


def _env_text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return ""
    return _fmt.sprint(float(v)) if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)


def values_of(config, cache):
    """The injector configuration's values as a ValuesConfig, kept in `cache` (an EngineCache) by the values
    object; raises ValuesError when they do not load."""
    values = config.values
    return cache.recall_for("values", values, lambda: ValuesConfig(values if values is not None else {}))
