"""Session fixtures: the Go text/template oracle, built once and cached across runs.

Tests that compare against Go take the `oracle` fixture; without a Go toolchain they skip and say why.
"""

import pytest

from . import oracle_client


@pytest.fixture(scope="session")
def oracle_path():
    try:
        return oracle_client.oracle_binary()
    except oracle_client.OracleUnavailable as e:
        pytest.skip(str(e))


@pytest.fixture(scope="session")
def oracle(oracle_path):
    o = oracle_client.Oracle(oracle_path)
    yield o
    o.close()
