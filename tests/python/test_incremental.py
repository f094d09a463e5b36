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


# what changed since the previous plan (and the report that shows it) differs by design
# between a location with a history and a fresh one
AGAINST_HISTORY = ("routing_changes.", "routing_report.")


def _artifacts(out: Path) -> dict[str, bytes]:
    return {
        f"{name}/{p.name}": p.read_bytes()
        for name in ("routing_plan", "training_plan")
        for p in sorted((out / name).iterdir())
        if not p.name.startswith(AGAINST_HISTORY)
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
    changed = sorted((metrics / SWING / "stability" / "TSLA").glob("*.json"))[-1]
    snapshot = json.loads(changed.read_text())
    snapshot["importances"] = list(reversed(snapshot["importances"]))
    changed.write_text(json.dumps(snapshot))

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
    assert _stability(out) == _stability(tmp_path / "FULL")


def _stability(out: Path) -> list[tuple[object, ...]]:
    with duckdb.connect(str(out / "routing.duckdb"), read_only=True) as connection:
        return connection.execute("select * from stability_metrics order by all").fetchall()


def _overlap(out: Path, universe: str) -> float:
    with duckdb.connect(str(out / "routing.duckdb"), read_only=True) as connection:
        row = connection.execute(
            "select overlap from int_stability_pairs_compared"
            " where target_name = ? and universe = ? and snapshot_number = 2",
            [SWING, universe],
        ).fetchone()
    assert row is not None
    return float(row[0])


def test_snapshot_pairs_are_compared_again_only_when_their_files_or_top_k_change(tmp_path: Path) -> None:
    out = tmp_path / "METRICS"
    assert run_router(EXAMPLE, out).returncode == 0
    computed = _overlap(out, "TSLA")
    # Mark a stored comparison: a run that does not recompute it keeps the mark.
    with duckdb.connect(str(out / "routing.duckdb")) as connection:
        connection.execute(
            "update int_stability_pairs_compared set overlap = 0.123"
            " where target_name = ? and universe = 'TSLA' and snapshot_number = 2",
            [SWING],
        )
    other_thresholds = tmp_path / "thresholds.yaml"
    other_thresholds.write_text("routing:\n  min_sample_size: {symbol: 1500}\n")
    assert run_router(EXAMPLE, out, "--routing-config", str(other_thresholds)).returncode == 0
    assert _overlap(out, "TSLA") == 0.123

    other_top_k = tmp_path / "top_k.yaml"
    other_top_k.write_text("routing:\n  stability_classification: {top_k: 5}\n")
    again = run_router(EXAMPLE, out, "--routing-config", str(other_top_k))
    assert again.returncode == 0, again.stderr
    assert _overlap(out, "TSLA") not in (0.123, computed)
    full = run_router(EXAMPLE, tmp_path / "FULL", "--routing-config", str(other_top_k), "--full-refresh")
    assert full.returncode == 0, full.stderr
    assert _stability(out) == _stability(tmp_path / "FULL")


def _nodes_run(out: Path) -> set[str]:
    results = json.loads((out / ".router" / "dbt-target" / "run_results.json").read_text())
    return {r["unique_id"].split(".")[2] for r in results["results"]}


LOADED = ("int_model_metadata_loaded", "int_target_confidence_loaded",
          "int_leakage_loaded", "int_stability_snapshots_loaded")


def test_unchanged_inputs_are_not_parsed_again(tmp_path: Path) -> None:
    metrics = tmp_path / "metrics"
    shutil.copytree(EXAMPLE, metrics)
    out = tmp_path / "METRICS"
    assert run_router(metrics, out).returncode == 0
    assert set(LOADED) <= _nodes_run(out)

    # a config change only: the input layer (staging, loaded models, their tests) is skipped
    config = tmp_path / "routing_config.yaml"
    config.write_text("routing:\n  both_strong_behavior: PREFER_CS\n")
    again = run_router(metrics, out, "--routing-config", str(config))
    assert again.returncode == 0, again.stderr
    ran = _nodes_run(out)
    assert "routing_plan" in ran
    # (stg_router__run_info is the run's identity, not an input: it runs every time)
    assert not {n for n in ran if "loaded" in n or n.startswith("stg_metrics__") or "input_files" in n}, sorted(ran)
    routes = {d["route"] for d in again.routing_plan()["targets"][SWING]["symbols"].values()}
    assert "ROUTE_BOTH" not in routes

    # one changed file: the input layer runs, and parses only that file
    leakage = metrics / SWING / "leakage.json"
    doc = json.loads(leakage.read_text())
    doc["symbols"].pop("NFLX")
    leakage.write_text(json.dumps(doc))
    changed = run_router(metrics, out, "--routing-config", str(config))
    assert changed.returncode == 0, changed.stderr
    assert set(LOADED) <= _nodes_run(out)
    assert changed.routing_plan()["targets"][SWING]["symbols"]["NFLX"]["route"] != "ROUTE_BLOCKED"
    compiled = out / ".router" / "dbt-target" / "compiled" / "training_router" / "models" / "intermediate" / "loaded"
    for name in LOADED:
        sql = (compiled / f"{name}.sql").read_text()
        if name == "int_leakage_loaded":
            assert str(leakage) in sql and "where false" not in sql, sql
        else:
            assert "where false" in sql, f"{name} read input files again:\n{sql}"


SELECTION_LAYER = {"int_targets_selected", "int_symbol_lanes_aggregated", "int_stability_pairs_compared"}


def test_a_threshold_change_keeps_the_models_that_do_not_depend_on_thresholds(tmp_path: Path) -> None:
    out = tmp_path / "METRICS"
    assert run_router(EXAMPLE, out).returncode == 0
    assert _nodes_run(out) >= SELECTION_LAYER

    # thresholds only: the models that read no threshold keep the previous tables
    config = tmp_path / "routing_config.yaml"
    config.write_text("routing:\n  min_sample_size: {symbol: 100000}\n")
    again = run_router(EXAMPLE, out, "--routing-config", str(config))
    assert again.returncode == 0, again.stderr
    ran = _nodes_run(out)
    assert not SELECTION_LAYER & ran, sorted(ran)
    assert {"int_cs_lanes_aggregated", "int_symbol_lane_states_assigned", "routing_plan"} <= ran
    assert set(_routes(again).values()) <= {"ROUTE_CROSS_SECTIONAL", "ROUTE_BLOCKED"}

    # another target selection: they are built again, and the plan is that of a fresh run
    narrowed = run_router(EXAMPLE, out, "--routing-config", str(config), "--targets", SWING)
    assert narrowed.returncode == 0, narrowed.stderr
    assert _nodes_run(out) >= SELECTION_LAYER
    fresh = run_router(EXAMPLE, tmp_path / "FRESH", "--routing-config", str(config), "--targets", SWING,
                       "--full-refresh")
    assert fresh.returncode == 0, fresh.stderr
    assert list(narrowed.routing_plan()["targets"]) == [SWING]
    assert narrowed.routing_plan()["targets"] == fresh.routing_plan()["targets"]


def _routes(run) -> dict[str, str]:
    return {symbol: d["route"] for symbol, d in run.routing_plan()["targets"][SWING]["symbols"].items()}
