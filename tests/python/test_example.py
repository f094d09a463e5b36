"""The shipped example against routes worked out by hand (examples/EXPECTED.md)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import yaml

from conftest import EXAMPLE, Run, run_router
from expectations import assert_matches_expected

EXPECTED = yaml.safe_load((EXAMPLE.parent / "expected_routes.yaml").read_text())


def test_example_matches_hand_worked_routes(example_run: Run) -> None:
    assert_matches_expected(example_run, EXPECTED)


def test_example_writes_all_six_artifacts(example_run: Run) -> None:
    for name in ("routing_plan", "training_plan"):
        for ext in ("json", "yaml", "md"):
            path = example_run.plan_output / name / f"{name}.{ext}"
            assert path.is_file() and path.stat().st_size > 0, path


def test_example_prints_router_summary(example_run: Run) -> None:
    out = example_run.stdout
    assert "[ROUTER] target=y_will_swing_low_10m_0.20: CS=STRONG (AUC=0.62, STABLE)" in out
    assert "[ROUTER]   AAPL → ROUTE_BOTH (local strong)" in out
    assert "[ROUTER]   MSFT → ROUTE_CROSS_SECTIONAL (local sample too small)" in out
    assert "[ROUTER]   NFLX → ROUTE_BLOCKED (leakage detected)" in out


def test_every_route_occurs_in_the_example(example_run: Run) -> None:
    routes = {
        decision["route"]
        for target in example_run.routing_plan()["targets"].values()
        for decision in target["symbols"].values()
    }
    assert routes == {
        "ROUTE_CROSS_SECTIONAL", "ROUTE_SYMBOL_SPECIFIC", "ROUTE_BOTH", "ROUTE_EXPERIMENTAL_ONLY", "ROUTE_BLOCKED",
    }


def test_yaml_artifacts_hold_the_same_plans_as_json(example_run: Run) -> None:
    for name, loader in (("routing_plan", example_run.routing_plan), ("training_plan", example_run.training_plan)):
        from_yaml = yaml.safe_load((example_run.plan_output / name / f"{name}.yaml").read_text())
        assert from_yaml == loader()


def test_artifacts_agree_with_the_database_tables(example_run: Run) -> None:
    plan = example_run.routing_plan()
    jobs = example_run.training_plan()["jobs"]
    with duckdb.connect(str(example_run.database), read_only=True) as connection:
        decisions = connection.execute("select target_name, symbol, route from routing_plan").fetchall()
        job_rows = connection.execute("select job_id, priority from training_plan order by plan_position").fetchall()
        targets = dict(connection.execute("select target_name, cs_route from routing_targets").fetchall())
    assert {(t, s): r for t, s, r in decisions} == {
        (t, s): d["route"] for t, target in plan["targets"].items() for s, d in target["symbols"].items()
    }
    assert job_rows == [(j["job_id"], j["priority"]) for j in jobs]
    assert targets == {t: v["cross_sectional"]["route"] for t, v in plan["targets"].items()}


def test_metadata_has_hashes_and_honours_source_date_epoch(example_run: Run) -> None:
    meta = example_run.routing_plan()["metadata"]
    assert meta["generated_at"] == "2025-11-24T16:00:00Z"
    assert len(meta["config_hash"]) == 64 and len(meta["inputs_hash"]) == 64
    assert meta["plan_id"] and meta["plan_id"] == example_run.training_plan()["metadata"]["plan_id"]


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for name in ("routing_plan", "training_plan")
        for p in sorted((folder / name).iterdir())
    }


def test_two_runs_give_byte_identical_artifacts(example_run: Run, tmp_path: Path) -> None:
    again = run_router(EXAMPLE, tmp_path / "METRICS")
    assert again.returncode == 0, again.stderr
    first = _digest(example_run.plan_output)
    assert first and _digest(again.plan_output) == first


def test_a_changed_input_changes_inputs_hash_and_plan_id(example_run: Run, tmp_path: Path) -> None:
    import shutil

    metrics = tmp_path / "metrics"
    shutil.copytree(EXAMPLE, metrics)
    leakage = metrics / "y_will_swing_low_10m_0.20" / "leakage.json"
    leakage.write_text(leakage.read_text() + "\n")
    run = run_router(metrics, tmp_path / "METRICS", "--targets", "y_will_swing_low_10m_0.20")
    assert run.returncode == 0, run.stderr
    before, after = example_run.routing_plan()["metadata"], run.routing_plan()["metadata"]
    assert after["inputs_hash"] != before["inputs_hash"]
    assert after["config_hash"] == before["config_hash"]
    assert after["plan_id"] != before["plan_id"]


def test_stability_dir_elsewhere_gives_the_same_plan(example_run: Run, tmp_path: Path) -> None:
    """--stability-dir DIR holds DIR/<target>/<universe>/*.json instead of <target>/stability/."""
    import shutil

    metrics, snapshots = tmp_path / "metrics", tmp_path / "snapshots"
    shutil.copytree(EXAMPLE, metrics)
    for target in metrics.iterdir():
        shutil.move(str(target / "stability"), str(snapshots / target.name))
    run = run_router(metrics, tmp_path / "METRICS", "--stability-dir", str(snapshots))
    assert run.returncode == 0, run.stderr
    assert not any(metrics.glob("*/stability"))

    def decisions(plan: dict) -> dict:
        return {(t, s): (d["route"], d["local_stability"]) for t, v in plan["targets"].items()
                for s, d in v["symbols"].items()}

    assert decisions(run.routing_plan()) == decisions(example_run.routing_plan())
    with duckdb.connect(str(run.database), read_only=True) as a, \
            duckdb.connect(str(example_run.database), read_only=True) as b:
        query = "select * from stability_metrics order by target_name, universe"
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
