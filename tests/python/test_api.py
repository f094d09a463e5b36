"""The Python API of docs/ROUTING_RULES.md §9, under both import paths."""

from __future__ import annotations

from pathlib import Path

from TRAINING.orchestration.routing_integration import (
    load_routing_plan,
    should_train_cross_sectional,
    should_train_symbol_specific,
)
from TRAINING.orchestration.training_plan_generator import generate_training_plan_from_routing

from conftest import Run

SWING = "y_will_swing_low_10m_0.20"
PEAK = "y_will_peak_60m_0.8"


def test_should_train_answers_follow_the_routes(example_run: Run) -> None:
    plan = load_routing_plan(example_run.plan_output / "routing_plan" / "routing_plan.json")
    assert should_train_cross_sectional(plan, SWING)
    assert not should_train_cross_sectional(plan, PEAK)
    assert not should_train_cross_sectional(plan, "unknown_target")
    assert should_train_symbol_specific(plan, SWING, "AAPL")        # BOTH
    assert not should_train_symbol_specific(plan, SWING, "MSFT")    # CROSS_SECTIONAL
    assert not should_train_symbol_specific(plan, SWING, "NFLX")    # BLOCKED
    assert should_train_symbol_specific(plan, PEAK, "GOOGL")        # EXPERIMENTAL_ONLY via local lane
    assert not should_train_symbol_specific(plan, PEAK, "TSLA")     # over the cap
    assert not should_train_symbol_specific(plan, SWING, "NOPE")


def test_load_routing_plan_accepts_the_output_folder(example_run: Run) -> None:
    assert load_routing_plan(example_run.plan_output)["targets"].keys() == {SWING, PEAK}


def test_python_plan_generator_matches_the_dbt_training_plan(example_run: Run, tmp_path: Path) -> None:
    plan = generate_training_plan_from_routing(
        routing_plan_path=example_run.plan_output / "routing_plan" / "routing_plan.json",
        output_dir=tmp_path,
        model_families=["lightgbm", "xgboost"],
    )
    assert plan["jobs"] == example_run.training_plan()["jobs"]
    assert (tmp_path / "training_plan" / "training_plan.json").is_file()
    assert (tmp_path / "training_plan" / "training_plan.md").is_file()


def test_python_plan_generator_uses_the_given_families(example_run: Run, tmp_path: Path) -> None:
    plan = generate_training_plan_from_routing(
        routing_plan_path=example_run.plan_output, output_dir=tmp_path, model_families=["catboost"]
    )
    assert {tuple(job["model_families"]) for job in plan["jobs"]} == {("catboost",)}
    assert plan["summary"]["total_jobs"] == len(plan["jobs"]) == 6
