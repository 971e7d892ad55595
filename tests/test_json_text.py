"""json_text: the kit's indented JSON, the same text json.dumps gives, for any JSON value."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from toolkit.files import json_text

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=30,
)


def _dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


@given(VALUES)
def test_json_text_is_json_dumps_indented(value: Any) -> None:
    assert json_text(value) == _dumps(value)


def test_json_text_edge_values() -> None:
    values: tuple[Any, ...] = (
        {},
        [],
        {"a": [], "b": {}},
        [-0.0, 1e300, 10**40, True, False, None],
        {"quote": 'say "hi"\n\u2028 é \x00'},
        {1: "a key that is not text"},  # json.dumps writes it as "1"
        [math.nan, math.inf],
    )
    for value in values:
        assert json_text(value) == _dumps(value)
