"""docs/ROUTING_RULES.md is the in-repository contract: its section numbers are stable
(§1-§10, one-to-one with the citations in code) and its reason-code table is the seed's."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from conftest import REPO

DOC = REPO / "docs" / "ROUTING_RULES.md"
CITED = ("models", "macros", "tests", "python", "bench", "docs", "README.md")


def test_sections_one_to_ten_in_order() -> None:
    numbers = [int(n) for n in re.findall(r"^## (\d+)\. ", DOC.read_text(encoding="utf-8"), re.MULTILINE)]
    assert numbers == list(range(1, 11))


def test_every_reason_code_of_the_seed_is_in_the_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    with (REPO / "seeds" / "reason_codes.csv").open(encoding="utf-8") as handle:
        codes = [row["reason_code"] for row in csv.DictReader(handle)]
    assert len(codes) >= 20
    assert [code for code in codes if f"`{code}`" not in text] == []


def test_citations_of_the_rules_name_existing_sections() -> None:
    bad = []
    for root in CITED:
        paths = [REPO / root] if (REPO / root).is_file() else sorted((REPO / root).rglob("*"))
        for path in paths:
            if path.suffix not in {".sql", ".py", ".yml", ".md"} or "fixtures" in path.parts:
                continue
            for number in re.findall(r"ROUTING_RULES\.md §(\d+)", path.read_text(encoding="utf-8")):
                if not 1 <= int(number) <= 10:
                    bad.append(f"{path.relative_to(REPO)}: §{number}")
    assert bad == []


def test_nothing_cites_a_contract_outside_the_repository() -> None:
    """The repository explains itself: no file names the shared spec or notes it was built from."""
    outside = re.compile(r"ROUTING_SPEC\.md|DBT_DUCKDB_NOTES\.md|/work/shared")
    bad = []
    for root in CITED:
        paths = [REPO / root] if (REPO / root).is_file() else sorted((REPO / root).rglob("*"))
        for path in paths:
            if path.suffix not in {".sql", ".py", ".yml", ".md"} or path == Path(__file__):
                continue
            if outside.search(path.read_text(encoding="utf-8")):
                bad.append(str(path.relative_to(REPO)))
    assert bad == []
