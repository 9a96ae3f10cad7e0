"""Fixtures for the Istio parity tests: the real istioctl of each release, or a skip saying why not."""
import pytest

from tests.istio import parity


@pytest.fixture(scope="session")
def corpus():
    if parity.CORPUS is None:
        pytest.skip(parity.CORPUS_MISSING)
    return parity.CORPUS


def _istioctl(version):
    from tests.oracles import istioctl

    parity.ensure_oracle_env()
    try:
        return istioctl.istioctl_binary(version)
    except istioctl.OracleUnavailable as e:
        pytest.skip("the real istioctl %s is not available: %s" % (version, e.reason))


@pytest.fixture(scope="session")
def istioctl_1_30_3(corpus):
    return _istioctl("1.30.3")


@pytest.fixture(scope="session")
def istioctl_1_24_6(corpus):
    return _istioctl("1.24.6")


@pytest.fixture
def istioctl_for(request, corpus):
    def get(version):
        return _istioctl(version)
    return get
