"""The plans' YAML writer round-trips through yaml.safe_load, whatever the names."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from training_router import fast_yaml

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
documents = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(), documents, max_size=5))
def test_round_trip(document: dict) -> None:
    assert yaml.safe_load(fast_yaml.dumps(document)) == document


def test_names_that_look_like_other_yaml_types_stay_strings() -> None:
    names = ["yes", "No", "null", "~", "1.5", "0x1F", "../x", "a: b", "#c", "- item", "2026-11-01", "12:30", ""]
    document = {"symbols": {name: name for name in names}}
    assert yaml.safe_load(fast_yaml.dumps(document)) == document


def test_floats_keep_their_type() -> None:
    document = {"small": 1e-05, "big": 1e20, "plain": 0.62}
    text = fast_yaml.dumps(document)
    assert yaml.safe_load(text) == document
    assert "1.0e-05" in text


def test_a_trailing_newline_is_kept() -> None:
    # found by test_round_trip: a plain-scalar regex ending in "$" also matched "A\n"
    for text in ("A\n", "name\n\n", "\n"):
        assert yaml.safe_load(fast_yaml.dumps({"k": text, text: 1})) == {"k": text, text: 1}
