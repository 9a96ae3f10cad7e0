"""Label selector semantics, one table row per real rule of apimachinery's selectors."""
import pytest

from simulator.errors import SelectorError
from simulator.kube.labels import label_key_error, label_value_error, parse_selector
from simulator.trace import Outcome

from .tables import load_table

ROWS = load_table("selectors.yaml")


@pytest.mark.parametrize("row", ROWS, ids=[r["name"] for r in ROWS])
def test_selector(row):
    if "error" in row:
        with pytest.raises(SelectorError, match=row["error"].replace("(", r"\(")):
            parse_selector(row["selector"])
        return
    selector = parse_selector(row["selector"])
    assert selector.matches(row["labels"]) is row["match"]
    check = selector.check("s", row["labels"])
    assert (check.outcome is Outcome.MATCH) is row["match"]


@pytest.mark.parametrize("key,ok", [
    ("app", True), ("sidecar.istio.io/inject", True), ("a" * 63, True), ("a" * 64, False),
    ("/x", False), ("x/", False), ("-x", False), ("x_", False), ("x.y_z-1", True), ("UPPER/x", False),
])
def test_label_keys(key, ok):
    assert (label_key_error(key) is None) is ok


@pytest.mark.parametrize("value,ok", [("", True), ("enabled", True), ("a" * 64, False), ("a b", False), ("x-", False)])
def test_label_values(value, ok):
    assert (label_value_error(value) is None) is ok
