"""Plain value objects: the fields listed once, equality and repr by field, `replace`.

Why not the standard library's `dataclasses`: importing it (it pulls in `inspect`, `ast`, `dis`...) and
generating each class's methods costs 15-20 ms per process on the benchmark machine - a sixth of a one-pod
`explain`, paid before any work.  The classes here write their `__init__` out; `Record` adds the rest.
"""
from __future__ import annotations


class Record:
    """Subclasses set `_fields` (the `__init__` parameters, in order) and write `__init__`."""

    _fields: tuple = ()
    __hash__ = None     # mutable values: compared by field, not hashable

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in self._fields)

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__, ", ".join("%s=%r" % (f, getattr(self, f)) for f in self._fields))

    def replace(self, **changes):
        """A copy with some fields changed (fields only: it goes through `__init__`)."""
        unknown = set(changes) - set(self._fields)
        if unknown:
            raise TypeError("%s has no field %s" % (type(self).__name__, ", ".join(sorted(unknown))))
        return type(self)(**{f: changes[f] if f in changes else getattr(self, f) for f in self._fields})


class FrozenRecord(Record):
    """A value that is never changed after construction, so it can be hashed (dict keys, sets)."""

    def __hash__(self):
        return hash((type(self),) + tuple(getattr(self, f) for f in self._fields))
