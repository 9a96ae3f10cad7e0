"""plugin/printers/jsonout.py must write exactly what json.dumps(indent=2, ensure_ascii=False) writes."""
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugin.printers.jsonout import dumps

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text()
keys = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4)
                      | st.tuples(inner, inner), max_leaves=25)


@given(values)
def test_same_text_as_the_standard_library(value):
    assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_refuses_what_json_refuses():
    with pytest.raises(TypeError):
        dumps({"a": {1, 2}})
    with pytest.raises(TypeError):
        dumps({(1, 2): 3})


@given(st.lists(values, max_size=4))
def test_items_written_apart_join_into_the_same_document(items):
    """-o json in bulk: workers write each item nested two levels deep; the joined text must be the
    document json.dumps would write."""
    import io
    from types import SimpleNamespace

    from plugin.printers.structured import print_json

    out = io.StringIO()
    print_json([SimpleNamespace(rendered=SimpleNamespace(text=dumps(i, level=2))) for i in items],
               SimpleNamespace(stdout=out), None)
    assert out.getvalue() == json.dumps({"items": items}, indent=2, ensure_ascii=False) + "\n"
