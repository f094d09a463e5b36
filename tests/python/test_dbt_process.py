"""The dbt child starts before its command is known (dbt_runner.start_dbt): it imports
dbt while the run lists the inputs, then reads its command from stdin. These tests
check that it waits for the command, runs it, and never outlives the run that
started it, whether the run finishes, fails before dbt is given its command, or
discards it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from training_router import generate_routing_plan
from training_router.dbt_runner import start_dbt
from training_router.errors import InputError

from conftest import EXAMPLE


def _dbt_children() -> list[int]:
    """Processes whose parent is this one and that run the dbt child program."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:  # gone meanwhile
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and b"dbt.cli.main" in command:
            found.append(int(entry))
    return found


def test_a_started_process_waits_for_its_command_then_runs_it(tmp_path: Path) -> None:
    process = start_dbt(database=tmp_path / "routing.duckdb", work_dir=tmp_path / "work")
    try:
        assert _dbt_children(), "the child should be running (importing dbt, then waiting)"
        assert not (tmp_path / "work").exists(), "nothing may be written before the command comes"
        result = process.run(["parse"])
    finally:
        process.discard()
    assert result.returncode == 0, result.output
    assert "Running with dbt=" in result.output
    assert (tmp_path / "work" / "dbt-target" / "manifest.json").is_file()
    assert not (tmp_path / "routing.duckdb").exists(), "parse does not open the database"
    assert _dbt_children() == []


def test_a_discarded_process_is_gone(tmp_path: Path) -> None:
    process = start_dbt(database=tmp_path / "routing.duckdb", work_dir=tmp_path / "work")
    assert _dbt_children()
    process.discard()
    assert _dbt_children() == []
    assert not (tmp_path / "work").exists()


def test_a_run_that_fails_before_dbt_leaves_no_dbt_process(tmp_path: Path) -> None:
    """The listing refuses a FIFO named leakage.json (exit 3) after the child was started:
    the child is ended with the run, not left waiting for a command."""
    metrics = tmp_path / "metrics"
    shutil.copytree(EXAMPLE, metrics)
    leakage = metrics / "y_will_swing_low_10m_0.20" / "leakage.json"
    leakage.unlink()
    os.mkfifo(leakage)
    with pytest.raises(InputError, match=r"leakage\.json"):
        generate_routing_plan(output_dir=metrics, plan_output=tmp_path / "METRICS")
    assert _dbt_children() == []


def test_a_finished_run_leaves_no_dbt_process(tmp_path: Path) -> None:
    outcome = generate_routing_plan(output_dir=EXAMPLE, plan_output=tmp_path / "METRICS")
    assert outcome.n_decisions > 0
    assert _dbt_children() == []
