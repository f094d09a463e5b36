"""Faults and concurrency: a killed or failed run leaves the previous plan and
database byte-identical and usable; runs on one output never interleave."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import EXAMPLE, run_router

SWING = "y_will_swing_low_10m_0.20"


def _snapshot(out: Path) -> dict[str, str]:
    files = [out / "routing.duckdb"] + [
        p for name in ("routing_plan", "training_plan") for p in sorted((out / name).iterdir())
    ]
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output location holding a finished plan."""
    out = tmp_path_factory.mktemp("faults") / "METRICS"
    assert run_router(EXAMPLE, out).returncode == 0
    return out


def _start(out: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "training_router", "--output-dir", str(EXAMPLE), "--plan-output", str(out),
         "--routing-config", str(_other_config(out)),
         "--lock-timeout", "900"],  # the second of two concurrent runs waits for the first, however slow
        env={**os.environ, "SOURCE_DATE_EPOCH": "1764000000", **env},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _other_config(out: Path) -> Path:
    config = out.parent / "prefer_cs.yaml"
    config.write_text("routing:\n  both_strong_behavior: PREFER_CS\n")  # a run that would change the plan
    return config


def _wait_for(predicate, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _assert_previous_plan_intact(out: Path, before: dict[str, str]) -> None:
    assert _snapshot(out) == before
    with duckdb.connect(str(out / "routing.duckdb"), read_only=True) as connection:
        assert connection.execute(
            "select route from routing_plan where target_name = ? and symbol = 'AAPL'", [SWING]
        ).fetchone() == ("ROUTE_BOTH",)


def test_sigkill_during_dbt_build(previous: Path) -> None:
    before = _snapshot(previous)
    process = _start(previous, {})
    _wait_for(lambda: any((previous / ".plans").glob(".building-*/routing.duckdb")))
    time.sleep(1.0)  # well inside the dbt build
    process.kill()
    process.wait()
    _assert_previous_plan_intact(previous, before)


@pytest.mark.parametrize("point", ["export", "promote"])
def test_sigkill_during_export_and_before_promote(previous: Path, point: str) -> None:
    before = _snapshot(previous)
    process = _start(previous, {"ROUTER_FAULT_AT": f"{point}:pause"})
    assert process.stderr is not None
    line = ""
    deadline = time.monotonic() + 180
    while "paused" not in line and time.monotonic() < deadline:
        line = process.stderr.readline()
    assert "paused" in line
    process.kill()
    process.wait()
    _assert_previous_plan_intact(previous, before)


def test_exception_in_exporter_is_an_internal_error_and_keeps_the_plan(previous: Path) -> None:
    before = _snapshot(previous)
    run = run_router(EXAMPLE, previous, env={"ROUTER_FAULT_AT": "export:raise"})
    assert run.returncode == 1
    assert "internal error" in run.stderr and "previous plan was left in place" in run.stderr
    _assert_previous_plan_intact(previous, before)


def test_next_run_after_a_kill_succeeds_and_cleans_up(previous: Path) -> None:
    process = _start(previous, {"ROUTER_FAULT_AT": "promote:pause"})
    assert process.stderr is not None
    while "paused" not in process.stderr.readline():
        pass
    process.kill()
    process.wait()
    assert any((previous / ".plans").glob(".building-*"))
    run = run_router(EXAMPLE, previous)
    assert run.returncode == 0, run.stderr
    assert not list((previous / ".plans").glob(".building-*"))
    assert len(list((previous / ".plans").iterdir())) == 2  # the plan and the one before it


def test_second_run_waits_for_the_lock_then_fails_clearly(previous: Path) -> None:
    before = _snapshot(previous)
    with (previous / ".router.lock").open("a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        started = time.monotonic()
        run = run_router(EXAMPLE, previous, "--lock-timeout", "1")
        waited = time.monotonic() - started
    assert run.returncode == 5
    assert "another routing run is writing to" in run.stderr
    assert waited >= 1.0
    assert _snapshot(previous) == before


def test_concurrent_runs_on_one_output_serialise(previous: Path) -> None:
    first = _start(previous, {})
    second = _start(previous, {})
    outputs = [p.communicate(timeout=600) for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outputs
    with duckdb.connect(str(previous / "routing.duckdb"), read_only=True) as connection:
        route = connection.execute(
            "select route from routing_plan where target_name = ? and symbol = 'AAPL'", [SWING]
        ).fetchone()
    assert route == ("ROUTE_CROSS_SECTIONAL",)  # PREFER_CS, whole and consistent
    plan = json.loads((previous / "routing_plan" / "routing_plan.json").read_text())
    assert plan["targets"][SWING]["symbols"]["AAPL"]["route"] == "ROUTE_CROSS_SECTIONAL"


def test_an_open_reader_does_not_block_a_new_run(tmp_path: Path) -> None:
    out = tmp_path / "METRICS"
    assert run_router(EXAMPLE, out).returncode == 0
    with duckdb.connect(str(out / "routing.duckdb"), read_only=True) as reader:
        run = run_router(EXAMPLE, out, "--routing-config", str(_other_config(out)))
        assert run.returncode == 0, run.stderr
        # the reader keeps seeing the plan it opened
        assert reader.execute(
            "select route from routing_plan where target_name = ? and symbol = 'AAPL'", [SWING]
        ).fetchone() == ("ROUTE_BOTH",)
    with duckdb.connect(str(out / "routing.duckdb"), read_only=True) as fresh:
        assert fresh.execute(
            "select route from routing_plan where target_name = ? and symbol = 'AAPL'", [SWING]
        ).fetchone() == ("ROUTE_CROSS_SECTIONAL",)


def test_sigkill_leaves_no_orphaned_dbt(previous: Path) -> None:
    process = _start(previous, {})
    children: list[str] = []

    def dbt_started() -> bool:
        listed = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()
        children[:] = listed
        return bool(listed)

    _wait_for(dbt_started)
    time.sleep(0.5)
    process.send_signal(signal.SIGKILL)
    process.wait()
    for child in children:
        _wait_for(lambda c=child: not Path(f"/proc/{c}").exists(), timeout=20)


def test_failed_invariant_exits_4_and_keeps_the_previous_plan(tmp_path: Path) -> None:
    """Two pairs whose job ids collide (target y_1m + symbol A_B, target y_1m_A + symbol B:
    both sym_y_1m_A_B) fail the unique test on training_plan.job_id: the run stops with
    exit 4 and the previous plan stays."""
    out = tmp_path / "METRICS"
    assert run_router(EXAMPLE, out).returncode == 0
    before = _snapshot(out)
    metrics = tmp_path / "colliding"
    for target, symbol in (("y_1m", "A_B"), ("y_1m_A", "B")):
        folder = metrics / target
        folder.mkdir(parents=True)
        entries = {f"{symbol}:{target}:lightgbm": {"score": 0.7, "sample_size": 50000},
                   f"OTHER:{target}:lightgbm": {"score": 0.7, "sample_size": 50000}}
        (folder / "model_metadata.json").write_text(json.dumps(entries))
        (folder / "target_confidence.json").write_text(json.dumps({"score": 0.7, "sample_size": 100000}))
    run = run_router(metrics, out)
    assert run.returncode == 4, run.stderr
    assert "routing invariants failed" in run.stderr and "job_id" in run.stderr
    assert _snapshot(out) == before
