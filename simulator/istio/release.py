"""What differs between the Istio releases the simulator reproduces.

Behaviour is checked against the real istioctl of 1.24.6 and 1.30.3.  A release in between takes the
behaviour of the newer line for every switch below (their exact introduction versions were not verified).
"""

import re
from dataclasses import dataclass

LATEST = "1.30.3"


@dataclass(frozen=True)
class Release:
    version: str = LATEST

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


def release_for(version):
    return Release(version or LATEST)
