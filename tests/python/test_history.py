"""Plan identity, history and changes (issue 11): one output location taken through a
sequence of runs — first plan, a config and selection change, a dry run, a failed run,
a --full-refresh with retention 2, an identical re-run — and what each left behind.

The expected changes are recomputed here from the two plans' routing_plan.json files,
independently of the SQL that computes route_changes; the two BOTH→CROSS_SECTIONAL
changes under PREFER_CS are the ones worked out by hand in examples/EXPECTED.md."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import EXAMPLE, Run, run_router

SWING = "y_will_swing_low_10m_0.20"
FIRST_SYMBOLS = ("AAPL", "GOOGL", "MSFT", "NFLX", "ZZZZ")  # ZZZZ has no metrics: LOCAL_NO_METRICS
SECOND_SYMBOLS = ("AAPL", "GOOGL", "MSFT", "TSLA")


def _hashes(out: Path) -> dict[str, str]:
    artifacts = sorted(p for name in ("routing_plan", "training_plan") for p in (out / name).iterdir())
    files = [out / "routing.duckdb", *artifacts]
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _tree(out: Path) -> list[str]:
    """What a reader can find at the output location, the run's own work folder aside."""
    return sorted(str(p.relative_to(out)) for p in out.rglob("*")
                  if not p.relative_to(out).parts[0].startswith((".router", ".routing.duckdb")))


def _query(database: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def _routes(plan: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(t, s): d for t, target in plan["targets"].items() for s, d in target["symbols"].items()}


def _expected_changes(before: dict[str, Any], after: dict[str, Any]) -> set[tuple[Any, ...]]:
    """Every pair whose route differs, appeared or disappeared, from two routing_plan.json documents."""
    old, new = _routes(before), _routes(after)
    expected = set()
    for pair in old.keys() | new.keys():
        route_before = old[pair]["route"] if pair in old else None
        route_after = new[pair]["route"] if pair in new else None
        if route_before != route_after:
            kind = "appeared" if route_before is None else "disappeared" if route_after is None else "changed"
            codes_before = tuple(old[pair]["reason_codes"]) if pair in old else None
            codes_after = tuple(new[pair]["reason_codes"]) if pair in new else None
            expected.add((*pair, kind, route_before, route_after, codes_before, codes_after))
    return expected


def _actual_changes(document: dict[str, Any]) -> set[tuple[Any, ...]]:
    return {
        (c["target"], c["symbol"], c["change_kind"], c["route_before"], c["route_after"],
         tuple(c["reason_codes_before"]) if c["reason_codes_before"] is not None else None,
         tuple(c["reason_codes_after"]) if c["reason_codes_after"] is not None else None)
        for c in document["changes"]
    }


@dataclass
class Sequence:
    out: Path
    runs: dict[str, Run] = field(default_factory=dict)
    plans: dict[str, dict[str, Any]] = field(default_factory=dict)  # routing_plan.json after each run
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)  # routing_changes.json after each run
    plan_runs: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    hashes: dict[str, dict[str, str]] = field(default_factory=dict)
    trees: dict[str, list[str]] = field(default_factory=dict)  # every published path (versions, links)


@pytest.fixture(scope="module")
def sequence(tmp_path_factory: pytest.TempPathFactory) -> Sequence:
    root = tmp_path_factory.mktemp("history")
    out = root / "METRICS"
    prefer_cs = root / "prefer_cs.yaml"
    prefer_cs.write_text("routing:\n  both_strong_behavior: PREFER_CS\n")
    broken = root / "broken"
    shutil.copytree(EXAMPLE, broken)
    (broken / SWING / "leakage.json").write_text("{not json")
    seq = Sequence(out)

    def step(name: str, metrics: Path, *args: str) -> None:
        run = run_router(metrics, out, *args)
        seq.runs[name] = run
        seq.hashes[name] = _hashes(out)
        seq.trees[name] = _tree(out)
        seq.plans[name] = run.routing_plan()
        seq.changes[name] = json.loads((out / "routing_plan" / "routing_changes.json").read_text())
        seq.plan_runs[name] = _query(out / "routing.duckdb", "select run_seq, plan_id from plan_runs order by run_seq")

    step("first", EXAMPLE, "--symbols", *FIRST_SYMBOLS)
    step("second", EXAMPLE, "--symbols", *SECOND_SYMBOLS, "--routing-config", str(prefer_cs), "--keep-plans", "2")
    step("dry", EXAMPLE, "--dry-run")
    step("failed", broken)
    step("refresh", EXAMPLE, "--full-refresh", "--keep-plans", "2")
    kept = [seq.plans[name]["metadata"]["plan_id"] for name in ("second", "refresh")]
    seq.runs["compare"] = run_router(EXAMPLE, out, "--compare", kept[0][:6], kept[1])
    seq.runs["compare_unknown"] = run_router(EXAMPLE, out, "--compare", "ffffffffffffffff", kept[1])
    seq.hashes["compare"] = _hashes(out)
    step("again", EXAMPLE, "--keep-plans", "2")
    return seq


def test_every_run_but_the_failed_one_succeeds(sequence: Sequence) -> None:
    for name, run in sequence.runs.items():
        assert run.returncode == {"failed": 3, "compare_unknown": 2}.get(name, 0), (name, run.stderr)


def test_the_first_plan_has_no_changes_and_no_previous_plan(sequence: Sequence) -> None:
    changes = sequence.changes["first"]
    assert changes["changes"] == [] and changes["metadata"]["previous_plan_id"] is None
    assert changes["metadata"]["plan_id"] == sequence.plans["first"]["metadata"]["plan_id"]
    assert "[ROUTER] first plan at this location" in sequence.runs["first"].stdout


def test_changes_equal_a_recomputation_from_the_two_plans(sequence: Sequence) -> None:
    before, after = sequence.plans["first"], sequence.plans["second"]
    document = sequence.changes["second"]
    expected = _expected_changes(before, after)
    assert _actual_changes(document) == expected
    kinds = {kind for _, _, kind, *_ in expected}
    assert kinds == {"changed", "appeared", "disappeared"}  # the test exercises all three
    assert document["metadata"]["plan_id"] == after["metadata"]["plan_id"]
    assert document["metadata"]["previous_plan_id"] == before["metadata"]["plan_id"]
    assert document["summary"]["n_changes"] == len(expected)


def test_prefer_cs_turns_the_hand_checked_both_pairs_cross_sectional(sequence: Sequence) -> None:
    changed = {(c["target"], c["symbol"]): (c["route_before"], c["route_after"])
               for c in sequence.changes["second"]["changes"] if c["change_kind"] == "changed"}
    assert changed[(SWING, "AAPL")] == ("ROUTE_BOTH", "ROUTE_CROSS_SECTIONAL")
    assert changed[(SWING, "GOOGL")] == ("ROUTE_BOTH", "ROUTE_CROSS_SECTIONAL")
    line = next(x for x in sequence.runs["second"].stdout.splitlines() if "changed route since plan" in x)
    first_id = sequence.plans["first"]["metadata"]["plan_id"]
    assert line.startswith("[ROUTER] ") and f"since plan {first_id}" in line and "BOTH→CROSS_SECTIONAL" in line


def test_route_changes_table_agrees_with_the_json(sequence: Sequence) -> None:
    # read after the last run: the table holds the last run's changes, the JSON the same
    rows = _query(sequence.out / "routing.duckdb",
                  "select target_name, symbol, change_kind, route_before, route_after from route_changes")
    document = json.loads((sequence.out / "routing_plan" / "routing_changes.json").read_text())
    assert set(rows) == {(c["target"], c["symbol"], c["change_kind"], c["route_before"], c["route_after"])
                         for c in document["changes"]}


def test_markdown_names_each_changed_target(sequence: Sequence, tmp_path: Path) -> None:
    run = sequence.runs["second"]
    assert run.returncode == 0
    # the second run's Markdown is gone (replaced by later runs): render it again from its JSON
    from training_router.history import changes_markdown

    text = changes_markdown(sequence.changes["second"])
    for target in sequence.changes["second"]["summary"]["by_target"]:
        assert target in text
    assert "BOTH→CROSS_SECTIONAL" in text


def test_a_dry_run_prints_the_changes_and_publishes_nothing(sequence: Sequence) -> None:
    assert sequence.hashes["dry"] == sequence.hashes["second"]
    assert sequence.trees["dry"] == sequence.trees["second"]  # no new plan version left behind
    assert sequence.plan_runs["dry"] == sequence.plan_runs["second"]
    out = sequence.runs["dry"].stdout
    second_id = sequence.plans["second"]["metadata"]["plan_id"]
    assert f"since plan {second_id}" in out and "NOT published" in out
    assert "[ROUTER]   " + SWING in out  # the changed pairs are listed


def test_a_failed_run_adds_no_history_and_keeps_the_plan(sequence: Sequence) -> None:
    assert "leakage.json" in sequence.runs["failed"].stderr
    assert sequence.hashes["failed"] == sequence.hashes["second"]
    assert sequence.trees["failed"] == sequence.trees["second"]
    assert sequence.plan_runs["failed"] == sequence.plan_runs["second"]


def test_history_survives_full_refresh_and_keeps_the_last_two_plans(sequence: Sequence) -> None:
    ids = {name: sequence.plans[name]["metadata"]["plan_id"] for name in ("first", "second", "refresh")}
    assert len(set(ids.values())) == 3
    assert sequence.plan_runs["second"] == [(1, ids["first"]), (2, ids["second"])]
    assert sequence.plan_runs["refresh"] == [(2, ids["second"]), (3, ids["refresh"])]
    assert sequence.changes["refresh"]["metadata"]["previous_plan_id"] == ids["second"]
    assert _expected_changes(sequence.plans["second"], sequence.plans["refresh"]) == \
        _actual_changes(sequence.changes["refresh"])


def test_an_identical_rerun_is_a_second_publication_of_one_stored_plan(sequence: Sequence) -> None:
    again = sequence.plans["again"]["metadata"]["plan_id"]
    assert again == sequence.plans["refresh"]["metadata"]["plan_id"]
    assert sequence.plan_runs["again"] == [(3, again), (4, again)]
    assert sequence.changes["again"]["changes"] == []
    assert f"no pair changed route since plan {again}" in sequence.runs["again"].stdout
    stored = _query(sequence.out / "routing.duckdb", "select distinct plan_id from routing_history")
    assert stored == [(again,)]


def test_plan_identity_matches_the_artifacts(sequence: Sequence) -> None:
    meta = sequence.plans["again"]["metadata"]
    [(plan_id, config_hash, inputs_hash, generated_at)] = _query(
        sequence.out / "routing.duckdb", "select plan_id, config_hash, inputs_hash, generated_at from plan_identity")
    assert (plan_id, config_hash, inputs_hash, generated_at) == (
        meta["plan_id"], meta["config_hash"], meta["inputs_hash"], meta["generated_at"])
    training = json.loads((sequence.out / "training_plan" / "training_plan.json").read_text())["metadata"]
    assert training == meta


def test_compare_two_kept_plans_by_prefix_writes_nothing(sequence: Sequence) -> None:
    compare = sequence.runs["compare"]
    assert compare.returncode == 0, compare.stderr
    printed = set(re.findall(r"^\[ROUTER\]   (\S+) (\S+): (\S+) → (\S+) \(", compare.stdout, re.MULTILINE))
    recomputed = _expected_changes(sequence.plans["second"], sequence.plans["refresh"])
    expected = {(t, s, before or "(none)", after or "(none)") for t, s, _, before, after, *_ in recomputed}
    assert expected and printed == expected
    assert sequence.hashes["compare"] == sequence.hashes["refresh"]
    unknown = sequence.runs["compare_unknown"]
    assert unknown.returncode == 2 and "no kept plan" in unknown.stderr


def test_compare_on_a_database_without_history_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from training_router.cli import main

    database = tmp_path / "old.duckdb"
    duckdb.connect(str(database)).close()
    assert main(["--compare", "aa", "bb", "--database", str(database)]) == 2
    assert "holds no readable plan history" in capsys.readouterr().err
