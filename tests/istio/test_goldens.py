"""simulator.istio reproduces Istio's own golden injection files, in kube-inject and webhook mode.

The goldens are outputs of Istio 1.30.3's code (pkg/kube/inject/testdata/inject, read from ../shared);
the settings each was made with are in golden_cases.py; the injector configuration comes from the real
istioctl's `manifest generate` with those settings.  See tests/istio/goldens.py for the comparison rules.
"""
import pytest

from tests import paths
from tests.istio import goldens, parity
from tests.istio.golden_cases import all_cases


def _cases(kind):
    if parity.GOLDEN_CORPUS is None:
        return paths.params([], parity.GOLDEN_CORPUS_MISSING)
    cases = all_cases(parity.GOLDEN_CORPUS)
    if kind == "kube-inject":
        return [pytest.param(c, id=c.id) for c in cases if c.kube_inject]
    return [pytest.param(c, id=c.id) for c in cases if c.webhook and not c.error]


@pytest.mark.parametrize("case", _cases("kube-inject"))
def test_kube_inject_golden(istioctl_1_30_3, case):
    problem = goldens.check_kube_inject(case)
    assert problem is None, problem


@pytest.mark.parametrize("case", _cases("webhook"))
def test_webhook_golden(istioctl_1_30_3, case):
    problem = goldens.check_webhook(case)
    assert problem is None, problem
