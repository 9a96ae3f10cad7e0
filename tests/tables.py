"""Table-driven test data lives in YAML beside the tests (tests/tables/*.yaml)."""
import os

import yaml

HERE = os.path.dirname(__file__)


def load_table(name):
    with open(os.path.join(HERE, "tables", name), encoding="utf-8") as fh:
        return yaml.safe_load(fh)
