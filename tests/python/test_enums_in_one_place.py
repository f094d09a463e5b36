"""Each enumeration of the plan (routes, lane states, stabilities, leakage statuses, job
types, ...) is written once, in dbt_project.yml `vars.enums`: SQL reads it with the macro
enum_values() (or by name in accepted_values_columns), Python with project.enums().
This test fails when a model, macro, YAML test or module spells a whole list out again."""

from __future__ import annotations

import re

import yaml

from training_router.project import enums

from conftest import REPO

SCANNED = ("models", "macros", "python/training_router")


def _pattern(values: tuple[str, ...]) -> re.Pattern[str]:
    """The values in order, as a SQL/Python literal list or a YAML list (quotes, commas, dashes)."""
    separator = r"""['"]?\s*,?\s*(?:-\s+)?['"]?"""
    return re.compile(r"\b" + separator.join(re.escape(v) for v in values) + r"\b")


def test_enums_are_read_from_dbt_project_yml() -> None:
    project = yaml.safe_load((REPO / "dbt_project.yml").read_text(encoding="utf-8"))
    assert enums() == {name: tuple(values) for name, values in project["vars"]["enums"].items()}
    assert enums()["routes"] == ("ROUTE_CROSS_SECTIONAL", "ROUTE_SYMBOL_SPECIFIC", "ROUTE_BOTH",
                                 "ROUTE_EXPERIMENTAL_ONLY", "ROUTE_BLOCKED")


def test_no_enumeration_is_spelled_out_twice() -> None:
    patterns = {name: _pattern(values) for name, values in enums().items() if len(values) >= 3}
    found = []
    for root in SCANNED:
        for path in sorted((REPO / root).rglob("*")):
            if path.suffix not in {".sql", ".py", ".yml"}:
                continue
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".yml":  # prose in descriptions may name values; lists may not
                text = "\n".join(line for line in text.splitlines() if line.lstrip().startswith("- "))
            found += [f"{path.relative_to(REPO)}: {name}" for name, p in patterns.items() if p.search(text)]
    assert found == []


def test_the_check_sees_a_list_spelled_out() -> None:
    pattern = _pattern(enums()["stabilities"])
    assert pattern.search("['STABLE', 'DRIFTING', 'DIVERGED', 'UNKNOWN']")
    assert pattern.search('("STABLE", "DRIFTING", "DIVERGED", "UNKNOWN")')
    assert pattern.search("- STABLE\n- DRIFTING\n- DIVERGED\n- UNKNOWN")
