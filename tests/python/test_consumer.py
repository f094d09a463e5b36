"""The consumer API over the example plan (docs/ROUTING_RULES.md §9). Expectations are the
hand-worked ones of examples/EXPECTED.md ("Training plan" and "Route summary")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import training_router
from TRAINING.orchestration.routing_integration import get_route_for_target_symbol, load_routing_plan
from TRAINING.orchestration.training_plan_consumer import (
    get_cs_jobs,
    get_jobs_for_symbol,
    get_jobs_for_target,
    get_symbol_jobs,
    get_training_plan_summary,
    load_training_plan,
    should_train_target_symbol,
)

from conftest import Run

SWING = "y_will_swing_low_10m_0.20"
PEAK = "y_will_peak_60m_0.8"


def _ids(jobs: list[dict]) -> list[str]:
    return [job["job_id"] for job in jobs]


def test_load_training_plan_accepts_the_file_its_folder_and_the_plan_output(example_run: Run) -> None:
    out = example_run.plan_output
    plans = [load_training_plan(p) for p in (out / "training_plan" / "training_plan.json", out / "training_plan", out)]
    assert plans[0] == plans[1] == plans[2] == example_run.training_plan()


def test_load_training_plan_refuses_what_is_not_a_training_plan(example_run: Run, tmp_path: Path) -> None:
    routing = example_run.plan_output / "routing_plan" / "routing_plan.json"
    with pytest.raises(ValueError, match=f"{routing}: not a training plan"):
        load_training_plan(routing)
    garbage = tmp_path / "training_plan.json"
    garbage.write_text("not json at all")
    with pytest.raises(ValueError, match="not a training plan \\(not JSON"):
        load_training_plan(tmp_path)
    plan = example_run.training_plan()
    del plan["jobs"][2]["reason"]
    garbage.write_text(json.dumps(plan))
    with pytest.raises(ValueError, match="job 3 lacks reason"):
        load_training_plan(garbage)
    with pytest.raises(FileNotFoundError):
        load_training_plan(tmp_path / "nowhere")


def test_jobs_by_target_symbol_and_type(example_run: Run) -> None:
    plan = load_training_plan(example_run.plan_output)
    assert _ids(get_jobs_for_target(plan, SWING)) == [f"sym_{SWING}_AAPL", f"sym_{SWING}_GOOGL", f"cs_{SWING}"]
    assert _ids(get_jobs_for_target(plan, PEAK)) == [f"sym_{PEAK}_AAPL", f"sym_{PEAK}_MSFT", f"sym_{PEAK}_GOOGL"]
    assert get_jobs_for_target(plan, "unknown") == []
    assert _ids(get_jobs_for_symbol(plan, "AAPL")) == [f"sym_{SWING}_AAPL", f"sym_{PEAK}_AAPL"]
    assert _ids(get_jobs_for_symbol(plan, "MSFT")) == [f"sym_{PEAK}_MSFT"]
    assert _ids(get_jobs_for_symbol(plan, "MSFT", include_pooled=True)) == [f"sym_{PEAK}_MSFT", f"cs_{SWING}"]
    assert get_jobs_for_symbol(plan, "NFLX") == []
    assert _ids(get_cs_jobs(plan)) == [f"cs_{SWING}"]
    assert _ids(get_symbol_jobs(plan)) == [
        f"sym_{SWING}_AAPL", f"sym_{SWING}_GOOGL", f"sym_{PEAK}_AAPL", f"sym_{PEAK}_MSFT", f"sym_{PEAK}_GOOGL",
    ]


def test_should_train_target_symbol_follows_the_routes(example_run: Run) -> None:
    plan = load_training_plan(example_run.plan_output)
    trained = {
        (SWING, "AAPL"): True, (SWING, "MSFT"): True, (SWING, "GOOGL"): True,  # BOTH, CS (pooled), BOTH
        (SWING, "TSLA"): True, (SWING, "NFLX"): False,                         # CS (pooled), leakage BLOCKED
        (PEAK, "AAPL"): True, (PEAK, "MSFT"): True, (PEAK, "GOOGL"): True,     # SYMBOL, SYMBOL, EXPERIMENTAL
        (PEAK, "TSLA"): False, (PEAK, "NFLX"): False,                          # over the cap, no rule
        (SWING, "NOPE"): False, ("unknown", "AAPL"): False,
    }
    assert {pair: should_train_target_symbol(plan, *pair) for pair in trained} == trained


def test_summary(example_run: Run) -> None:
    summary = get_training_plan_summary(load_training_plan(example_run.plan_output))
    assert summary["total_jobs"] == 6
    assert summary["by_type"] == {"cross_sectional": 1, "symbol_specific": 5}
    assert summary["by_priority"] == {"3": 2, "2": 3, "1": 1}


def test_route_for_target_symbol(example_run: Run) -> None:
    plan = load_routing_plan(example_run.plan_output)
    routes = {
        (SWING, "AAPL"): "ROUTE_BOTH", (SWING, "MSFT"): "ROUTE_CROSS_SECTIONAL", (SWING, "NFLX"): "ROUTE_BLOCKED",
        (PEAK, "GOOGL"): "ROUTE_EXPERIMENTAL_ONLY", (PEAK, "TSLA"): "ROUTE_BLOCKED",
        (SWING, "NOPE"): None, ("unknown", "AAPL"): None,
    }
    assert {pair: get_route_for_target_symbol(plan, *pair) for pair in routes} == routes


def test_every_job_says_why_it_exists(example_run: Run) -> None:
    """Figures from EXPECTED.md: swing CS 0.62 STABLE 240000 rows; AAPL 0.62 STABLE 48000 rows."""
    jobs = {job["job_id"]: job for job in load_training_plan(example_run.plan_output)["jobs"]}
    assert jobs[f"sym_{SWING}_AAPL"]["reason"] == (
        "ROUTE_BOTH: cross-sectional strong (roc_auc 0.62, STABLE, 240000 rows), "
        "local strong (roc_auc 0.62, STABLE, 48000 rows)"
    )
    assert jobs[f"cs_{SWING}"]["reason"] == (
        "ROUTE_CROSS_SECTIONAL: cross-sectional strong (roc_auc 0.62, STABLE, 240000 rows); "
        "pooled over 4 symbol(s) routed ROUTE_CROSS_SECTIONAL or ROUTE_BOTH"
    )
    assert jobs[f"sym_{PEAK}_GOOGL"]["reason"] == (
        "ROUTE_EXPERIMENTAL_ONLY: experimental lane (rank 1 of cap 1); cross-sectional stability not allowed "
        "(roc_auc 0.566, DIVERGED, 135000 rows), local experimental only (roc_auc 0.58, DRIFTING, 30000 rows)"
    )
    assert all(job["reason"].startswith(job["route"] + ": ") for job in jobs.values())
    yaml_text = (example_run.plan_output / "training_plan" / "training_plan.yaml").read_text()
    markdown = (example_run.plan_output / "training_plan" / "training_plan.md").read_text()
    for job in jobs.values():
        assert json.dumps(job["reason"]) in yaml_text and job["reason"] in markdown


def test_the_package_exports_the_consumer_api() -> None:
    assert training_router.load_training_plan is load_training_plan
    assert training_router.get_route_for_target_symbol is get_route_for_target_symbol
