"""Table-driven test data lives in YAML beside the tests (tests/tables/*.yaml)."""
import os

import yaml

HERE = os.path.dirname(__file__)


def load_table(name):
    with open(os.path.join(HERE, "tables", name), encoding="utf-8") as fh:
        # libyaml where PyYAML has it: the same data, parsed faster while tests are collected
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
