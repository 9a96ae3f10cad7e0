"""The merge oracle's session fixture (see oracle_client.py): without Go, tests that take it skip and say why."""

import pytest

from tests.merge.oracle_client import Oracle, OracleUnavailable, oracle_binary


@pytest.fixture(scope="session")
def merge_oracle():
    try:
        binary = oracle_binary()
    except OracleUnavailable as exc:
        pytest.skip(str(exc))
    return Oracle(binary)
