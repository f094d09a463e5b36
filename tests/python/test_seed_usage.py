"""The seed's documented calls, verbatim, from a working directory holding METRICS
(docs/ROUTING_RULES.md §9): the CLI has routed examples/metrics into ./METRICS first."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from training_router import streaming_export

from conftest import Run

SWING = "y_will_swing_low_10m_0.20"


@pytest.fixture
def seed_cwd(example_run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with ./METRICS as the CLI wrote it (a copy: the calls write into it)."""
    shutil.copytree(example_run.plan_output, tmp_path / "METRICS", symlinks=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_seed_generate_training_plan_call_writes_into_the_folder_it_names(seed_cwd: Path) -> None:
    cli_files = {p.name: p.read_bytes() for p in (seed_cwd / "METRICS" / "training_plan").iterdir()}
    for path in (seed_cwd / "METRICS" / "training_plan").iterdir():
        path.unlink()

    from TRAINING.orchestration.training_plan_generator import generate_training_plan_from_routing

    plan = generate_training_plan_from_routing(
        routing_plan_path=Path("METRICS/routing_plan/routing_plan.json"),
        output_dir=Path("METRICS/training_plan"),
        model_families=["lightgbm", "xgboost"]
    )

    folder = seed_cwd / "METRICS" / "training_plan"
    assert sorted(p.name for p in folder.iterdir()) == ["training_plan.json", "training_plan.md", "training_plan.yaml"]
    assert json.loads((folder / "training_plan.json").read_text()) == plan
    # the same bytes as the CLI's export for the same families
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == cli_files
    assert [job["job_id"] for job in plan["jobs"]] == [
        f"sym_{SWING}_AAPL", f"sym_{SWING}_GOOGL", "sym_y_will_peak_60m_0.8_AAPL", "sym_y_will_peak_60m_0.8_MSFT",
        f"cs_{SWING}", "sym_y_will_peak_60m_0.8_GOOGL",
    ]


def test_the_plan_output_folder_as_output_dir_writes_its_training_plan_folder(seed_cwd: Path) -> None:
    from TRAINING.orchestration.training_plan_generator import generate_training_plan_from_routing

    for path in (seed_cwd / "METRICS" / "training_plan").iterdir():
        path.unlink()
    plan = generate_training_plan_from_routing(
        routing_plan_path=Path("METRICS"), output_dir=Path("METRICS"), model_families=["catboost"]
    )
    written = json.loads((seed_cwd / "METRICS" / "training_plan" / "training_plan.json").read_text())
    assert written == plan and {tuple(j["model_families"]) for j in plan["jobs"]} == {("catboost",)}
    assert not (seed_cwd / "METRICS" / "training_plan" / "training_plan").exists()


def test_a_failed_write_leaves_the_previous_file_whole(seed_cwd: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from TRAINING.orchestration.training_plan_generator import generate_training_plan_from_routing

    folder = seed_cwd / "METRICS" / "training_plan"
    before = (folder / "training_plan.json").read_bytes()

    def half_then_fail(jobs, metadata, summary, json_out, yaml_out) -> None:  # type: ignore[no-untyped-def]
        (json_out or yaml_out).write('{\n  "metadata": ')
        raise OSError("disk full (injected)")

    monkeypatch.setattr(streaming_export, "_stream_training_plan", half_then_fail)
    with pytest.raises(OSError, match="injected"):
        generate_training_plan_from_routing(
            routing_plan_path=Path("METRICS/routing_plan/routing_plan.json"),
            output_dir=Path("METRICS/training_plan"),
            model_families=["catboost"],
        )
    assert (folder / "training_plan.json").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["training_plan.json", "training_plan.md", "training_plan.yaml"]


def test_seed_load_routing_plan_call(seed_cwd: Path) -> None:
    from TRAINING.orchestration.routing_integration import (
        load_routing_plan,
        should_train_cross_sectional,
        should_train_symbol_specific,
    )

    plan = load_routing_plan(Path("METRICS/routing_plan"))

    assert should_train_cross_sectional(plan, "y_will_swing_low_10m_0.20")
    assert should_train_symbol_specific(plan, "y_will_swing_low_10m_0.20", "AAPL")
    assert not should_train_symbol_specific(plan, "y_will_swing_low_10m_0.20", "MSFT")
