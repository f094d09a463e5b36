"""Names are data (docs/ROUTING_RULES.md §10): target, symbol and feature names with quotes,
spaces, `;`, unicode, leading dashes, `..` and SQL-looking text route like any other
name — they never reach SQL text unquoted or a path unchecked.

Glob characters (`* ? [ ] { }`) in folder names are out of scope (the CLI refuses them
in paths). Every route below follows from the spec with the default config
(classification thresholds: CS min 0.52 / strong 0.58, symbol min 0.54 / strong 0.60,
experimental min 0.52; sample minimums CS 5000, symbol 1000).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from conftest import Run, run_router

T1 = "y_it's \"q\"; ünï 株_10m"              # single + double quotes, space, ;, unicode
T2 = "-y_lead..dash_5m"                       # leading dash, `..` inside
T3 = "x'); drop table routing_plan; --"       # SQL-looking

S_ONEIL = "O'Neil; --"
S_DQ = 'Ab "dq" 株'
S_DASH = "-dash..sym"
S_SQL = "x'); drop table training_plan; --"
S_PCT = "ünï 50%"
S_KK = "株式会社"
S_SEL = "'; select 1; --"
S_NOSUCH = "nosuch 'sym' 株"

F_DQ = 'f "dq"'
F_SQ = "f 'sq'; --"
F_UNI = "ünï_feat 株"
F_DASH = "-lead..feat"
F_SQL = "x'); drop table stability_metrics; --"

TABLES = ("routing_plan", "routing_targets", "training_plan", "stability_metrics")


def _write(path: Path, doc: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _entries(target: str, symbols: dict[str, tuple[float, int]]) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for symbol, (score, sample) in symbols.items():
        for family in ("lightgbm", "xgboost"):
            doc[f"{symbol}:{target}:{family}"] = {"score": score, "sample_size": sample, "status": "OK",
                                                  "metric_name": "roc_auc"}
    return doc


def _snapshot(run_id: str, created_at: str) -> dict[str, Any]:
    return {"run_id": run_id, "created_at": created_at, "method": "lightgbm",
            "features": [F_UNI, F_SQL, F_DQ, "f4"], "importances": [0.4, 0.3, 0.2, 0.1]}


def build_metrics(root: Path) -> Path:
    metrics = root / "metrics"
    pooled_strong = {"score": 0.62, "sample_size": 240000, "stability": "STABLE", "metric_name": "roc_auc"}

    # T1: CS STRONG; symbol-level leakage BLOCK; feature statuses of every kind; snapshots.
    _write(metrics / T1 / "target_confidence.json", pooled_strong)
    _write(metrics / T1 / "model_metadata.json", _entries(T1, {
        S_ONEIL: (0.63, 48000),   # blocked by leakage.json symbols → ROUTE_BLOCKED
        S_DQ: (0.63, 48000),      # local STRONG (STABLE from snapshots) → ROUTE_BOTH
        S_DASH: (0.50, 48000),    # local below min and below experimental min → ROUTE_CROSS_SECTIONAL
        S_SQL: (0.63, 500),       # local sample too small → ROUTE_CROSS_SECTIONAL
        S_PCT: (0.55, 48000),     # local WEAK_BUT_OK → ROUTE_BOTH
    }))
    _write(metrics / T1 / "leakage.json", {
        "status": "SAFE",
        "symbols": {S_ONEIL: "BLOCKED", S_DQ: "SAFE"},
        "features": {F_DQ: "BLOCKED", F_SQ: "SUSPECT", F_UNI: "SAFE", F_DASH: "BLOCKED", F_SQL: "SAFE"},
    })
    for universe in ("ALL", S_DQ):
        _write(metrics / T1 / "stability" / universe / "run 'one'; --.json",
               _snapshot("r'1", "2026-11-01T10:00:00Z"))
        _write(metrics / T1 / "stability" / universe / "run \"two\" 株.json",
               _snapshot('r"2', "2026-11-02T10:00:00Z"))

    # T2: CS score too low (and not experimental); target leakage SUSPECT (never blocks).
    _write(metrics / T2 / "target_confidence.json", {**pooled_strong, "score": 0.40})
    _write(metrics / T2 / "model_metadata.json", _entries(T2, {
        S_ONEIL: (0.63, 48000),   # → ROUTE_SYMBOL_SPECIFIC (O'Neil is blocked only in T1)
        S_KK: (0.56, 2000),       # local WEAK_BUT_OK → ROUTE_SYMBOL_SPECIFIC
        S_SEL: (0.40, 48000),     # nothing usable, nothing experimental → ROUTE_BLOCKED (NO_RULE_MATCH)
        S_DASH: (0.63, 48000),    # → ROUTE_SYMBOL_SPECIFIC
    }))
    _write(metrics / T2 / "leakage.json", {"status": "SUSPECT"})

    # T3: target leakage BLOCKED → every pair ROUTE_BLOCKED.
    _write(metrics / T3 / "target_confidence.json", pooled_strong)
    _write(metrics / T3 / "model_metadata.json", _entries(T3, {S_DQ: (0.63, 48000), S_SQL: (0.63, 48000)}))
    _write(metrics / T3 / "leakage.json", {"status": "BLOCKED", "features": {F_SQL: "BLOCKED"}})
    return metrics


EXPECTED_ROUTES = {
    (T1, S_ONEIL): "ROUTE_BLOCKED",
    (T1, S_DQ): "ROUTE_BOTH",
    (T1, S_DASH): "ROUTE_CROSS_SECTIONAL",
    (T1, S_SQL): "ROUTE_CROSS_SECTIONAL",
    (T1, S_PCT): "ROUTE_BOTH",
    (T2, S_ONEIL): "ROUTE_SYMBOL_SPECIFIC",
    (T2, S_KK): "ROUTE_SYMBOL_SPECIFIC",
    (T2, S_SEL): "ROUTE_BLOCKED",
    (T2, S_DASH): "ROUTE_SYMBOL_SPECIFIC",
    (T3, S_DQ): "ROUTE_BLOCKED",
    (T3, S_SQL): "ROUTE_BLOCKED",
}
EXPECTED_CODES = {
    (T1, S_ONEIL): "LEAKAGE_SYMBOL",
    (T1, S_SQL): "LOCAL_SAMPLE_TOO_SMALL",
    (T2, S_ONEIL): "LEAKAGE_SUSPECT",
    (T2, S_SEL): "NO_RULE_MATCH",
    (T3, S_DQ): "LEAKAGE_TARGET",
    (T3, S_SQL): "LEAKAGE_TARGET",
}
T1_EXCLUDED = sorted([F_DQ, F_SQ, F_DASH])
T3_EXCLUDED = [F_SQL]
# job_id → (priority, training_type, symbol, pooled symbols)
EXPECTED_JOBS = {
    f"sym_{T1}_{S_DQ}": (3, "symbol_specific", S_DQ, None),
    f"sym_{T1}_{S_PCT}": (3, "symbol_specific", S_PCT, None),
    f"cs_{T1}": (2, "cross_sectional", None, sorted([S_DQ, S_DASH, S_SQL, S_PCT])),
    f"sym_{T2}_{S_ONEIL}": (2, "symbol_specific", S_ONEIL, None),
    f"sym_{T2}_{S_KK}": (2, "symbol_specific", S_KK, None),
    f"sym_{T2}_{S_DASH}": (2, "symbol_specific", S_DASH, None),
}


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _decisions(run: Run) -> dict[tuple[str, str], dict[str, Any]]:
    return {(t, s): d for t, entry in run.routing_plan()["targets"].items() for s, d in entry["symbols"].items()}


def _query(run: Run, sql: str, *params: Any) -> list[tuple]:
    with duckdb.connect(str(run.database), read_only=True) as connection:
        return connection.execute(sql, list(params)).fetchall()


def _assert_tables_intact(run: Run, n_pairs: int, n_jobs: int, n_targets: int) -> None:
    with duckdb.connect(str(run.database), read_only=True) as connection:
        present = {r[0] for r in connection.execute("select table_name from information_schema.tables").fetchall()}
        assert set(TABLES) <= present, present
        assert connection.execute("select count(*) from routing_plan").fetchone()[0] == n_pairs
        assert connection.execute("select count(*) from training_plan").fetchone()[0] == n_jobs
        assert connection.execute("select count(*) from routing_targets").fetchone()[0] == n_targets


# --- the full run ----------------------------------------------------------------


@pytest.fixture(scope="module")
def weird(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("names")
    metrics = build_metrics(base)
    before = _digest(metrics)
    (base / "full").mkdir()
    return run_router(metrics, base / "full" / "METRICS"), metrics, before


def test_full_run_succeeds(weird) -> None:
    run, _, _ = weird
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and "warning" not in run.stderr


def test_every_pair_gets_its_expected_route(weird) -> None:
    run, _, _ = weird
    decisions = _decisions(run)
    assert {k: d["route"] for k, d in decisions.items()} == EXPECTED_ROUTES
    for key, code in EXPECTED_CODES.items():
        assert code in decisions[key]["reason_codes"], (key, decisions[key]["reason_codes"])
    assert "LEAKAGE_SUSPECT" not in decisions[(T1, S_DQ)]["reason_codes"]


def test_database_rows_match_and_tables_survive_sql_looking_names(weird) -> None:
    run, _, _ = weird
    _assert_tables_intact(run, n_pairs=len(EXPECTED_ROUTES), n_jobs=len(EXPECTED_JOBS), n_targets=3)
    rows = _query(run, "select target_name, symbol, route from routing_plan")
    assert {(t, s): r for t, s, r in rows} == EXPECTED_ROUTES
    # a parameterised lookup by an awkward name finds exactly that row
    found = _query(run, "select route from routing_plan where target_name = ? and symbol = ?", T3, S_SQL)
    assert found == [("ROUTE_BLOCKED",)]


def test_jobs_ids_priorities_and_pooled_symbols(weird) -> None:
    run, _, _ = weird
    jobs = {j["job_id"]: j for j in run.training_plan()["jobs"]}
    assert set(jobs) == set(EXPECTED_JOBS)
    for job_id, (priority, training_type, symbol, pooled) in EXPECTED_JOBS.items():
        job = jobs[job_id]
        assert (job["priority"], job["training_type"], job["symbol"]) == (priority, training_type, symbol), job
        if pooled is not None:
            assert sorted(job["metadata"]["symbols"]) == pooled
    assert jobs[f"sym_{T1}_{S_DQ}"]["metadata"].get("needs_cs_ensemble") is True
    assert jobs[f"sym_{T2}_{S_ONEIL}"]["metadata"].get("leakage_suspect") is True
    db_jobs = {r[0]: r[1] for r in _query(run, "select job_id, priority from training_plan")}
    assert db_jobs == {job_id: spec[0] for job_id, spec in EXPECTED_JOBS.items()}


def test_excluded_features_keep_their_names(weird) -> None:
    run, _, _ = weird
    plan = run.routing_plan()["targets"]
    assert sorted(plan[T1]["excluded_features"]) == T1_EXCLUDED
    assert plan[T2]["excluded_features"] == []
    assert sorted(plan[T3]["excluded_features"]) == T3_EXCLUDED
    for job in run.training_plan()["jobs"]:
        expected = T1_EXCLUDED if job["target"] == T1 else []
        assert sorted(job["metadata"]["excluded_features"]) == expected, job["job_id"]
    rows = _query(run, "select target_name, excluded_features from routing_targets")
    assert {t: sorted(f or []) for t, f in rows} == {T1: T1_EXCLUDED, T2: [], T3: T3_EXCLUDED}


def test_stability_from_folders_with_awkward_names(weird) -> None:
    run, _, _ = weird
    rows = _query(run, "select universe, n_snapshots, stability_category from stability_metrics "
                       "where target_name = ?", T1)
    found = {u: (n, c) for u, n, c in rows}
    assert found.get("ALL") == (2, "STABLE"), found
    assert found.get(S_DQ) == (2, "STABLE"), found
    assert _decisions(run)[(T1, S_DQ)]["local_stability"] == "STABLE"


def test_yaml_artifacts_round_trip_the_names(weird) -> None:
    run, _, _ = weird
    for name, loaded in (("routing_plan", run.routing_plan()), ("training_plan", run.training_plan())):
        assert yaml.safe_load((run.plan_output / name / f"{name}.yaml").read_text(encoding="utf-8")) == loaded
        assert (run.plan_output / name / f"{name}.md").is_file()


def test_inputs_untouched(weird) -> None:
    _, metrics, before = weird
    assert _digest(metrics) == before


# --- selection by awkward names ---------------------------------------------------


@pytest.fixture(scope="module")
def selected(weird, tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, set[Path]]:
    """--targets with a path-like name that has no folder, --symbols with awkward names.
    Returns the run and every path that appeared under pytest's base temp dir during it."""
    _, metrics, _ = weird
    workdir = tmp_path_factory.mktemp("selected") / "a" / "b"
    workdir.mkdir(parents=True)
    root = tmp_path_factory.getbasetemp()
    before = set(root.rglob("*"))
    run = run_router(metrics, workdir / "METRICS",
                     "--targets", "../../x", T1, T3, "--allow-missing-targets",
                     "--symbols", S_ONEIL, S_DQ, S_NOSUCH)
    return run, set(root.rglob("*")) - before


def test_selection_routes_exactly_the_named_pairs(selected) -> None:
    run, _ = selected
    assert run.returncode == 0, run.stderr
    assert "warning: target '../../x' was named with --targets" in run.stderr
    decisions = _decisions(run)
    assert {k: d["route"] for k, d in decisions.items()} == {
        (T1, S_ONEIL): "ROUTE_BLOCKED",
        (T1, S_DQ): "ROUTE_BOTH",
        (T1, S_NOSUCH): "ROUTE_CROSS_SECTIONAL",
        (T3, S_ONEIL): "ROUTE_BLOCKED",
        (T3, S_DQ): "ROUTE_BLOCKED",
        (T3, S_NOSUCH): "ROUTE_BLOCKED",
    }
    assert "LOCAL_NO_METRICS" in decisions[(T1, S_NOSUCH)]["reason_codes"]
    jobs = {j["job_id"]: j for j in run.training_plan()["jobs"]}
    assert set(jobs) == {f"cs_{T1}", f"sym_{T1}_{S_DQ}"}
    assert sorted(jobs[f"cs_{T1}"]["metadata"]["symbols"]) == sorted([S_DQ, S_NOSUCH])
    assert run.routing_plan()["metadata"]["symbols_requested"] == sorted([S_ONEIL, S_DQ, S_NOSUCH])
    _assert_tables_intact(run, n_pairs=6, n_jobs=2, n_targets=2)


def test_path_like_target_writes_nothing_outside_the_plan_output(selected) -> None:
    run, new_paths = selected
    assert run.returncode == 0, run.stderr
    outside = sorted(str(p) for p in new_paths if p != run.plan_output and run.plan_output not in p.parents)
    assert outside == [], outside
    workdir = run.plan_output.parent
    for candidate in (workdir.parent / "x", workdir.parent.parent / "x", workdir.parent.parent.parent / "x"):
        assert not candidate.exists(), candidate


def test_leading_dash_names_with_equals_form(weird, tmp_path: Path) -> None:
    _, metrics, _ = weird
    run = run_router(metrics, tmp_path / "METRICS", f"--targets={T2}", f"--symbols={S_DASH}")
    assert run.returncode == 0, run.stderr
    assert {k: d["route"] for k, d in _decisions(run).items()} == {(T2, S_DASH): "ROUTE_SYMBOL_SPECIFIC"}
    assert [j["job_id"] for j in run.training_plan()["jobs"]] == [f"sym_{T2}_{S_DASH}"]
    _assert_tables_intact(run, n_pairs=1, n_jobs=1, n_targets=1)


def test_python_api_jobs_equal_the_dbt_jobs_for_hostile_names(weird, tmp_path: Path) -> None:
    """The API re-derives the jobs from routing_plan.json; with quotes, dashes and SQL in
    the names it must still give the dbt model's jobs, reasons included, byte for byte."""
    from training_router.api import generate_training_plan_from_routing

    run, _, _ = weird
    families = run.routing_plan()["metadata"]["config"]["training_plan"]["model_families"]
    plan = generate_training_plan_from_routing(run.plan_output, tmp_path / "training_plan", families)
    assert plan["jobs"] == run.training_plan()["jobs"]
    assert all(job["reason"] for job in plan["jobs"])
    for name in ("training_plan.json", "training_plan.yaml"):
        written, exported = tmp_path / "training_plan" / name, run.plan_output / "training_plan" / name
        assert written.read_bytes() == exported.read_bytes()
