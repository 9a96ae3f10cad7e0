"""YAML text of the structured outputs (`explain -o yaml`, `status -o yaml`).

PyYAML writes an object met twice as an anchor and aliases (`&id001` … `*id001`).  The explanation shares
records between objects (a webhook's selector is the same dict in every object's checks), and kubectl never
prints aliases, so each occurrence is written out in full.
"""
from __future__ import annotations


def dump(data) -> str:
    import yaml

    class _NoAliases(yaml.SafeDumper):
        def ignore_aliases(self, data):
            return True

    return yaml.dump(data, Dumper=_NoAliases, sort_keys=False, allow_unicode=True)
