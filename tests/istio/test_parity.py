"""simulator.istio against the real `istioctl kube-inject` on Istio's corpus (see tests/istio/parity.py).

Default settings: every input of the corpus must come out identical, for every line in parity.RELEASES.  Settings variants:
every (release, variant) pair runs the whole corpus; any case not identical fails the test unless it is
listed in KNOWN_DIFFERENCES with its cause (there are none at the moment).
"""
import pytest

from tests import paths
from tests.istio import parity

#: (release, variant, case) -> cause, for differences we understand and accept.  Empty: full parity.
KNOWN_DIFFERENCES = {}


def _cases():
    if parity.CORPUS is None:
        return []
    return [p.name[: -len(".yaml")] for p in parity.corpus_inputs()]


@pytest.mark.parametrize("release", parity.RELEASES)
@pytest.mark.parametrize("case", paths.params(_cases(), parity.CORPUS_MISSING))
def test_default_settings(istioctl_for, release, case):
    istioctl_for(release)
    r = parity.run_case(release, parity.VARIANT_BY_NAME["default"], parity.CORPUS / (case + ".yaml"))
    assert r.identical, "%s\nistioctl error: %s\nsimulator error: %s" % (r.detail, r.real_error, r.mine_error)


@pytest.mark.parametrize("release", parity.RELEASES)
@pytest.mark.parametrize("variant", [v.name for v in parity.VARIANTS if v.name != "default"])
def test_settings_variant(istioctl_for, release, variant):
    istioctl_for(release)
    results = [parity.run_case(release, parity.VARIANT_BY_NAME[variant], p) for p in parity.corpus_inputs()]
    unexplained = [r for r in results if not r.identical and (release, variant, r.case) not in KNOWN_DIFFERENCES]
    identical = sum(r.identical for r in results)
    assert identical / len(results) >= 0.95, "%d of %d identical" % (identical, len(results))
    assert not unexplained, "\n\n".join("%s: %s" % (r.case, r.detail or r.mine_error) for r in unexplained[:5])
