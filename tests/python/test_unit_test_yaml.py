"""dbt unit tests compare only the columns named in an expect block's FIRST row: a column
named in a later row alone is never checked. Every expect block must name the same
columns in every row, so no expectation is silently dropped. (Given rows are filled per
row: a column a given row leaves out is null there, which is what the test means.)"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from conftest import REPO


def _unit_tests() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted((REPO / "models").rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for test in document.get("unit_tests", []) or []:
            found.append((f"{path.relative_to(REPO)}::{test['name']}", test))
    return found


def column_set_mismatches(test: dict[str, Any]) -> list[str]:
    """The expect rows of `test` whose columns differ from its first expect row."""
    rows = test.get("expect", {}).get("rows")
    if not isinstance(rows, list) or not rows:
        return []
    first = set(rows[0])
    problems = []
    for index, row in enumerate(rows[1:], start=2):
        if set(row) != first:
            missing, extra = sorted(first - set(row)), sorted(set(row) - first)
            problems.append(f"expect row {index}: missing {missing}, not in row 1 {extra}")
    return problems


def test_the_project_has_unit_tests() -> None:
    assert len(_unit_tests()) >= 20


@pytest.mark.parametrize(("name", "test"), _unit_tests(), ids=[name for name, _ in _unit_tests()])
def test_every_row_of_a_unit_test_block_names_the_same_columns(name: str, test: dict[str, Any]) -> None:
    assert column_set_mismatches(test) == []


def test_the_check_catches_a_column_named_only_in_a_later_expect_row() -> None:
    test = {"expect": {"rows": [{"a": 1, "b": 2}, {"a": 1, "b": 2, "flag": False}]}}
    assert column_set_mismatches(test) == ["expect row 2: missing [], not in row 1 ['flag']"]
