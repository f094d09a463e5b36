"""Input files rewritten while a run reads them (feature selection still writing).

The run lists the input files before dbt reads them and again after; a file that
changed in between is read again (a bounded number of times, said on stderr), or
the run stops with exit 3 naming it. Never is a plan published that mixes two
versions of an input, or misses rows that were on disk. The run is paused at a
named point (ROUTER_FAULT_AT=<point>:wait:<flag>) while the test rewrites a file,
so nothing depends on timing.

A re-route (every input file as the previous run loaded it) reads no input file: its
plan is built from the loaded layer, which is the view of its first listing, so a file
rewritten during it is seen by the next run. The tests of the read-again path therefore
run where dbt reads input files: a first run, or a run after another file changed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLE, run_router

SWING = "y_will_swing_low_10m_0.20"
PEAK = "y_will_peak_60m_0.8"


def _routes(out: Path) -> dict[tuple[str, str], str]:
    plan = json.loads((out / "routing_plan" / "routing_plan.json").read_text())
    return {(t, s): d["route"] for t, target in plan["targets"].items() for s, d in target["symbols"].items()}


def _set_nflx_leakage(metrics: Path, status: str | None) -> None:
    """Rewrite leakage.json with NFLX at `status` (None: not listed), and a new modification time."""
    leakage = metrics / SWING / "leakage.json"
    doc = json.loads(leakage.read_text())
    if status is None:
        doc["symbols"].pop("NFLX", None)
    else:
        doc["symbols"]["NFLX"] = status
    stamp = leakage.stat().st_mtime_ns + 7_000_000_000
    leakage.write_text(json.dumps(doc))
    os.utime(leakage, ns=(stamp, stamp))


def _touch(path: Path) -> None:
    stamp = path.stat().st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(stamp, stamp))


def _reads_inputs_next(metrics: Path) -> None:
    """Change a file of the other target, so that the next run reads input files (the
    loaded layer's incremental path) instead of re-routing from the loaded layer."""
    _touch(metrics / PEAK / "model_metadata.json")


def _run_pausing(metrics: Path, out: Path, point: str, actions: list[Callable[[], None]],
                 tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI paused at `point` each time it passes it: the i-th pause runs actions[i]
    (none left: nothing), then lets the run go on."""
    flag = tmp_path / "go"
    process = subprocess.Popen(
        [sys.executable, "-m", "training_router", "--output-dir", str(metrics), "--plan-output", str(out)],
        env={**os.environ, "SOURCE_DATE_EPOCH": "1764000000", "ROUTER_FAULT_AT": f"{point}:wait:{flag}"},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stderr is not None and process.stdout is not None
    stderr: list[str] = []
    pauses = 0
    for line in process.stderr:
        stderr.append(line)
        if f"fault point {point}: paused" in line:
            if pauses < len(actions):
                actions[pauses]()
            pauses += 1
            flag.touch()
    stdout = process.stdout.read()
    process.wait(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, "".join(stderr))


@pytest.fixture
def metrics(tmp_path: Path) -> Path:
    copy = tmp_path / "metrics"
    shutil.copytree(EXAMPLE, copy)
    return copy


@pytest.mark.parametrize("point", ["before_dbt_build", "after_dbt_build"])
def test_leakage_rewritten_during_the_build_is_read_again(metrics: Path, tmp_path: Path, point: str) -> None:
    """before_dbt_build: dbt reads the new content while the listing says the old (the rows
    that the old post-hook dropped); after_dbt_build: dbt read the old content."""
    out = tmp_path / "METRICS"
    assert run_router(metrics, out).returncode == 0
    assert _routes(out)[(SWING, "NFLX")] == "ROUTE_BLOCKED"

    _reads_inputs_next(metrics)
    run = _run_pausing(metrics, out, point, [lambda: _set_nflx_leakage(metrics, "SAFE")], tmp_path)
    assert run.returncode == 0, run.stderr
    assert "1 input file(s) changed while being read; reading them again (attempt 2 of 3)" in run.stderr
    assert str(metrics / SWING / "leakage.json") in run.stderr
    full = run_router(metrics, tmp_path / "FULL", "--full-refresh")
    assert full.returncode == 0, full.stderr
    assert _routes(out) == _routes(tmp_path / "FULL")
    assert _routes(out)[(SWING, "NFLX")] != "ROUTE_BLOCKED"


def test_metadata_touched_before_it_is_read_keeps_every_pair(metrics: Path, tmp_path: Path) -> None:
    """Rows read from a file newer than the listing were deleted silently (the target's
    pairs vanished, exit 0); now the file is listed again and its rows kept."""
    out = tmp_path / "METRICS"
    assert run_router(metrics, out, "--full-refresh").returncode == 0
    before = _routes(out)
    _reads_inputs_next(metrics)
    run = _run_pausing(metrics, out, "before_dbt_build", [lambda: _touch(metrics / SWING / "model_metadata.json")],
                       tmp_path)
    assert run.returncode == 0, run.stderr
    assert "changed while being read" in run.stderr
    assert _routes(out) == before


def test_a_file_that_keeps_changing_stops_the_run_naming_it(metrics: Path, tmp_path: Path) -> None:
    out = tmp_path / "METRICS"
    assert run_router(metrics, out).returncode == 0
    before = _routes(out)
    _reads_inputs_next(metrics)
    statuses = ["SAFE", "BLOCKED", "SAFE"]
    run = _run_pausing(metrics, out, "after_dbt_build",
                       [lambda s=s: _set_nflx_leakage(metrics, s) for s in statuses], tmp_path)
    assert run.returncode == 3, run.stderr
    assert "input files kept changing while the plan was built (3 attempts); no plan was written" in run.stderr
    assert "Re-run when feature selection has finished writing them" in run.stderr
    assert str(metrics / SWING / "leakage.json") in run.stderr
    assert "Traceback" not in run.stderr
    assert _routes(out) == before
    assert not list((out / ".plans").glob(".building-*"))


def test_a_file_removed_during_the_build_is_noticed(metrics: Path, tmp_path: Path) -> None:
    out = tmp_path / "METRICS"
    snapshot = sorted((metrics / SWING / "stability").glob("*/*.json"))[0]
    run = _run_pausing(metrics, out, "after_dbt_build", [snapshot.unlink], tmp_path)
    assert run.returncode == 0, run.stderr
    assert str(snapshot) in run.stderr and "attempt 2 of 3" in run.stderr
    assert run_router(metrics, tmp_path / "FULL", "--full-refresh").returncode == 0
    assert _routes(out) == _routes(tmp_path / "FULL")


def test_a_reroute_plans_from_the_view_it_started_with(metrics: Path, tmp_path: Path) -> None:
    """A re-route reads no input file, so a rewrite during it cannot mix two versions: the
    plan is the previous view's (NFLX still blocked), nothing is read again, and the next
    run reads the new content."""
    out = tmp_path / "METRICS"
    assert run_router(metrics, out).returncode == 0
    assert _routes(out)[(SWING, "NFLX")] == "ROUTE_BLOCKED"

    run = _run_pausing(metrics, out, "after_dbt_build", [lambda: _set_nflx_leakage(metrics, "SAFE")], tmp_path)
    assert run.returncode == 0, run.stderr
    assert "unchanged, re-routing" in run.stderr
    assert "changed while being read" not in run.stderr
    assert _routes(out)[(SWING, "NFLX")] == "ROUTE_BLOCKED"

    assert run_router(metrics, out).returncode == 0
    assert _routes(out)[(SWING, "NFLX")] != "ROUTE_BLOCKED"
