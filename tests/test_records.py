"""simulator.records.Frozen: the base of the explanation's records (fields declared once, immutable)."""
from __future__ import annotations

import copy
import pickle

import pytest

from simulator.records import Frozen

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Tuple


class Point(Frozen):
    x: int
    y: int = 0
    tags: Tuple[str, ...] = ()
    label: str                      # after a default: keyword-only


def test_fields_are_declared_once_with_defaults_and_keyword_only_fields_after_them():
    p = Point(1, tags=["a"], label="p")
    assert (p.x, p.y, p.tags, p.label) == (1, 0, ("a",), "p")
    assert Point._fields == ("x", "y", "tags", "label")
    with pytest.raises(TypeError):
        Point(1, 2, (), "p")        # label is keyword-only
    with pytest.raises(TypeError):
        Point(1)                    # label is required


def test_a_record_cannot_be_changed_and_its_sequences_are_tuples():
    p = Point(1, tags=["a"], label="p")
    with pytest.raises(AttributeError):
        p.x = 2
    with pytest.raises(AttributeError):
        p.other = 1                 # no __dict__ either
    assert isinstance(p.tags, tuple)
    assert p.replace(x=5) == Point(5, tags=("a",), label="p") and p.x == 1


def test_equal_only_to_the_same_kind_of_record():
    class Other(Frozen):
        x: int
        y: int = 0
        tags: Tuple[str, ...] = ()
        label: str

    assert Point(1, label="p") == Point(1, label="p")
    assert Point(1, label="p") != Other(1, label="p")
    assert Point(1, label="p") != (1, 0, (), "p")
    assert hash(Point(1, label="p")) == hash(Point(1, label="p"))


def test_records_survive_pickling_and_copying():
    p = Point(1, tags=("a",), label="p")
    assert pickle.loads(pickle.dumps(p)) == p
    assert copy.deepcopy(p) == p and copy.copy(p) == p


def test_a_default_must_be_immutable():
    with pytest.raises(TypeError):
        class Bad(Frozen):
            items: list = []        # noqa: RUF012 - the mistake under test
