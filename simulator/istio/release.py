"""What differs between the Istio releases the simulator reproduces.

Behaviour is checked against the real istioctl of 1.24.6, 1.30.3 and an Istio master snapshot of
2026-08-27 (VERSION 1.31, i.e. 1.31-dev; the simulator calls it "1.31").  A release in between takes the
behaviour of the newer line for every switch below (their exact introduction versions were not verified);
the 1.31 switches describe that snapshot, which the final 1.31 release may still change.
"""

import re
from ..records import FrozenRecord

LATEST = "1.30.3"


class Release(FrozenRecord):
    _fields = ("version",)

    def __init__(self, version: str = LATEST):
        self.version = version

    @property
    def key(self):
        m = re.match(r"^v?(\d+)\.(\d+)", self.version or LATEST)
        if not m:
            return (1, 30)
        return (int(m.group(1)), int(m.group(2)))

    def at_least(self, major, minor):
        return self.key >= (major, minor)

    # --- switches -----------------------------------------------------------------------------------
    @property
    def native_sidecar_detection(self):
        """1.25+: ENABLE_NATIVE_SIDECARS is true/false/auto (auto: node kubelet versions); before: a bool."""
        return self.at_least(1, 25)

    @property
    def data_has_native_sidecars(self):
        """SidecarTemplateData.NativeSidecars exists (older templates read the env var instead)."""
        return self.at_least(1, 25)

    @property
    def strict_inject_values(self):
        """injectRequired accepts only "true"/"false" (older: y/yes/true/on case-insensitively, else false)."""
        return self.at_least(1, 25)

    @property
    def probers_append_when_missing(self):
        """mergeOrAppendProbers appends the env when a re-injected proxy lacks it (older: leaves it out)."""
        return self.at_least(1, 25)

    @property
    def omits_zero_creation_timestamp(self):
        """Go code built with k8s.io/apimachinery >= 0.34 omits a zero creationTimestamp (omitzero)."""
        return self.at_least(1, 28)

    @property
    def rewrites_lifecycle_handlers(self):
        """preStop/postStart httpGet/tcpSocket handlers are rewritten like probes (/app-lifecycle/...)."""
        return self.at_least(1, 25)

    @property
    def validates_interfaces_and_quantities(self):
        return self.at_least(1, 25)

    @property
    def data_has_proxy_init_image(self):
        """SidecarTemplateData.ProxyInitImage exists (values.global.proxy_init.image; the sidecar template
        of that line reads it for istio-init/istio-validation)."""
        return self.at_least(1, 31)

    @property
    def proxy_image_type_falls_back_to_variant(self):
        """A proxy config `image` without imageType keeps values.global.variant (older: it clears it)."""
        return self.at_least(1, 31)

    @property
    def prometheus_scrape_targets(self):
        """Metrics merge reads prometheus.istio.io/scrape-targets, checks the ports it forwards (errors
        for unparsable, agent or Istio-reserved ports) and clears that annotation with the others."""
        return self.at_least(1, 31)

    @property
    def secure_metrics_port_annotation(self):
        """prometheus.istio.io/secure-port is set from the proxy's ENVOY_SECURE_MERGED_METRICS_PORT env."""
        return self.at_least(1, 31)


def release_for(version):
    return Release(version or LATEST)


def guess_version(config):
    """The release an injector ConfigMap comes from, when the caller does not say: a template reading
    `.ProxyInitImage` only renders on 1.31 (older injectors fail on the unknown field, so the marker is
    reliable), and 1.31's charts alone trim canonical names with `trimAll "-_."`; `.NativeSidecars`
    (1.25 and later) or the ENABLE_NATIVE_SIDECARS env var (older).  Anything else is taken for the
    default line (release.LATEST)."""
    templates = [t for t in (config.templates or {}).values() if isinstance(t, str)]
    if any(".ProxyInitImage" in t or 'trimAll "-_."' in t for t in templates):
        return "1.31"
    text = (config.templates or {}).get("sidecar") or ""
    if ".NativeSidecars" in text or "omitNil" in text or "otelResourceAttributes" in text:
        return None
    if 'env "ENABLE_NATIVE_SIDECARS"' in text:
        return "1.24.6"
    return None
