"""Plain value objects: the fields listed once, equality and repr by field, `replace`.

Why not the standard library's `dataclasses`: importing it (it pulls in `inspect`, `ast`, `dis`...) and
generating each class's methods costs 15-20 ms per process on the benchmark machine - a sixth of a one-pod
`explain`, paid before any work.

`Frozen` is the base for values that never change once made (the explanation's records): a class lists
its fields once, as annotations with optional defaults, and gets a tuple subclass like
`collections.namedtuple`'s - constructed by one generated `__new__`, read through C-level field getters,
immutable, picklable.  `Record` (a hand-written `__init__` and `_fields`) remains for values that are
still filled in after construction.
"""
from __future__ import annotations

from operator import itemgetter

try:
    from _collections import _tuplegetter    # what namedtuple's fields use: faster than a property
except ImportError:  # pragma: no cover - not CPython
    def _tuplegetter(index, doc):
        return property(itemgetter(index), doc=doc)


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


class _FrozenType(type):
    """Turns a class body's annotations into fields, once, when the class is made.

    A field is an annotated name that does not start with `_`, in order (a subclass adds its own after
    its base's).  An assignment in the body is the field's default; defaults must be immutable.  A field
    without a default after one with a default becomes keyword-only, so fields can follow the order in
    which they are shown.  A field annotated `Tuple[...]` is stored as a tuple whatever sequence is
    passed, so a record's lists cannot be changed behind it either.
    """

    def __new__(mcls, name, bases, namespace):
        namespace.setdefault("__slots__", ())
        cls = super().__new__(mcls, name, bases, namespace)
        annotations = namespace.get("__annotations__") or {}
        own = [f for f in annotations if not f.startswith("_")]
        inherited = getattr(cls, "_fields", ())
        clash = set(own) & set(inherited)
        if clash:
            raise TypeError(f"{name} redefines the fields {sorted(clash)} of its base")
        fields = tuple(inherited) + tuple(own)
        defaults = dict(getattr(cls, "_field_defaults", {}))
        tuples = set(getattr(cls, "_tuple_fields", ()))
        for f in own:
            if f in namespace:
                value = namespace[f]
                if not isinstance(value, (type(None), bool, int, float, str, tuple, frozenset)):
                    raise TypeError(f"{name}.{f}: a default must be immutable, not {type(value).__name__}")
                defaults[f] = value
            if str(annotations[f]).replace(" ", "").startswith(("Tuple[", "tuple[")):
                tuples.add(f)
        cls._fields = fields
        cls._field_defaults = defaults
        cls._tuple_fields = frozenset(tuples)
        cls.__match_args__ = fields
        for i, f in enumerate(fields):
            setattr(cls, f, _tuplegetter(i, f"{name}.{f}"))
        if fields or "__new__" not in namespace:
            cls.__new__ = _constructor(cls)
        return cls


def _constructor(cls):
    """`__new__(cls, a, b=..., *, c)` building the tuple in one call, as namedtuple's generated one does."""
    params, seen_default, values = [], False, []
    for f in cls._fields:
        if f in cls._field_defaults:
            seen_default = True
            params.append(f"{f}=_d[{f!r}]")
        else:
            if seen_default and "*" not in params:
                params.append("*")
            params.append(f)
        values.append(f"_t({f})" if f in cls._tuple_fields else f)
    source = (f"def __new__(_cls, {', '.join(params)}):\n"
              f"    return _new(_cls, ({', '.join(values)}{',' if len(values) == 1 else ''}))\n")
    scope = {"_new": tuple.__new__, "_t": tuple, "_d": cls._field_defaults}
    exec(source, scope)   # noqa: S102 - the source is built from identifiers checked by the class statement
    new = scope["__new__"]
    new.__qualname__ = f"{cls.__qualname__}.__new__"
    return new


def _rebuild(cls, values):
    return tuple.__new__(cls, values)


class Frozen(tuple, metaclass=_FrozenType):
    """An immutable value with named fields; see `_FrozenType` for how fields are declared.

    Equal only to a value of the same class with equal fields (unlike a plain namedtuple, which equals
    any tuple of the same items); hashable when its fields are.
    """

    __slots__ = ()

    def __new__(cls, *args, **kwargs):  # replaced in every subclass; Frozen itself holds nothing
        raise TypeError("Frozen is a base class")

    def __eq__(self, other):
        return type(other) is type(self) and tuple.__eq__(self, other)

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = tuple.__hash__

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__, ", ".join("%s=%r" % (f, v) for f, v in zip(self._fields, self)))

    def __reduce__(self):
        return _rebuild, (type(self), tuple(self))     # pickle and copy: the values as they are

    def replace(self, **changes):
        """A copy with some fields changed."""
        unknown = set(changes) - set(self._fields)
        if unknown:
            raise TypeError("%s has no field %s" % (type(self).__name__, ", ".join(sorted(unknown))))
        return type(self)(**{f: changes[f] if f in changes else v for f, v in zip(self._fields, self)})

    @classmethod
    def _make(cls, values):
        """A record from its field values in order, as they are (no defaults, no conversion)."""
        made = tuple.__new__(cls, values)
        if len(made) != len(cls._fields):
            raise TypeError(f"{cls.__name__} takes {len(cls._fields)} values, not {len(made)}")
        return made
