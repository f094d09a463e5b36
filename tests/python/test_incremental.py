"""Re-routing reuses the parsed inputs of the previous run, yet picks up every
new, changed and removed file: the result equals a run that re-reads everything."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from conftest import EXAMPLE, run_router

SWING = "y_will_swing_low_10m_0.20"
PEAK = "y_will_peak_60m_0.8"


def _artifacts(out: Path) -> dict[str, bytes]:
    return {
        f"{name}/{p.name}": p.read_bytes()
        for name in ("routing_plan", "training_plan")
        for p in sorted((out / name).iterdir())
    }


def test_rerouting_after_input_changes_equals_a_full_refresh(tmp_path: Path) -> None:
    metrics = tmp_path / "metrics"
    shutil.copytree(EXAMPLE, metrics)
    out = tmp_path / "METRICS"
    assert run_router(metrics, out).returncode == 0

    # change: NFLX no longer leakage-blocked; add: a new target; remove: a snapshot
    leakage = metrics / SWING / "leakage.json"
    doc = json.loads(leakage.read_text())
    doc["symbols"].pop("NFLX")
    leakage.write_text(json.dumps(doc))
    shutil.copytree(metrics / SWING, metrics / "y_new_target_10m", ignore=shutil.ignore_patterns("stability"))
    meta = metrics / "y_new_target_10m" / "model_metadata.json"
    meta.write_text(meta.read_text().replace(SWING, "y_new_target_10m"))
    removed = sorted((metrics / PEAK / "stability" / "ALL").glob("*.json"))[0]
    removed.unlink()

    incremental = run_router(metrics, out)
    assert incremental.returncode == 0, incremental.stderr
    plan = incremental.routing_plan()
    assert plan["targets"][SWING]["symbols"]["NFLX"]["route"] != "ROUTE_BLOCKED"
    assert "y_new_target_10m" in plan["targets"]
    with duckdb.connect(str(out / "routing.duckdb"), read_only=True) as connection:
        n_snapshots = connection.execute(
            "select n_snapshots from stability_metrics where target_name = ? and universe = 'ALL'", [PEAK]
        ).fetchone()
        stale = connection.execute(
            "select count(*) from int_stability_snapshots_loaded where file_path = ?", [str(removed)]
        ).fetchone()
    assert n_snapshots == (2,) and stale == (0,)

    full = run_router(metrics, tmp_path / "FULL", "--full-refresh")
    assert full.returncode == 0, full.stderr
    assert _artifacts(out) == _artifacts(tmp_path / "FULL")


def test_unchanged_inputs_are_not_parsed_again(tmp_path: Path) -> None:
    out = tmp_path / "METRICS"
    assert run_router(EXAMPLE, out).returncode == 0
    config = tmp_path / "routing_config.yaml"
    config.write_text("routing:\n  both_strong_behavior: PREFER_CS\n")
    again = run_router(EXAMPLE, out, "--routing-config", str(config))
    assert again.returncode == 0, again.stderr
    compiled = out / ".router" / "dbt-target" / "compiled" / "training_router" / "models" / "intermediate" / "loaded"
    for name in ("int_model_metadata_loaded", "int_target_confidence_loaded",
                 "int_leakage_loaded", "int_stability_snapshots_loaded"):
        sql = (compiled / f"{name}.sql").read_text()
        assert "where false" in sql, f"{name} read input files again:\n{sql}"
    routes = {d["route"] for d in again.routing_plan()["targets"][SWING]["symbols"].values()}
    assert "ROUTE_BOTH" not in routes
