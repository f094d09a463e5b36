"""Outputs that cannot be written, and plan outputs sharing one --database.

A full disk or a read-only/immutable output folder stops the run with exit 6 and
one line naming the path and what to do; the previous plan stays. Runs writing to
one --database location are serialised like runs on one plan output."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from conftest import EXAMPLE, run_router


def _published(out: Path) -> dict[str, str]:
    files = [out / "routing.duckdb"] + [p for name in ("routing_plan", "training_plan")
                                       for p in sorted((out / name).iterdir())]
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("output_errors") / "METRICS"
    assert run_router(EXAMPLE, out).returncode == 0
    return out


def _config(out: Path) -> list[str]:
    config = out.parent / "prefer_cs.yaml"
    config.write_text("routing:\n  both_strong_behavior: PREFER_CS\n")
    return ["--routing-config", str(config)]


def _one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("[ROUTER] error:")]
    assert len(errors) == 1, stderr
    assert all(line.startswith("[ROUTER] ") for line in stderr.strip().splitlines()), stderr  # progress lines only
    return errors[0]


@pytest.mark.parametrize("point", ["copy_previous_database", "export"])
def test_full_disk_is_exit_6_naming_the_path(previous: Path, point: str) -> None:
    before = _published(previous)
    fault = f"{point}:errno:ENOSPC"
    run = run_router(EXAMPLE, previous, *_config(previous), env={"ROUTER_FAULT_AT": fault})
    assert run.returncode == 6, run.stderr
    line = _one_error_line(run.stderr)
    assert "No space left on device" in line and "free space on that file system" in line
    assert "The previous plan was kept" in line
    if point == "copy_previous_database":
        assert str(previous / ".plans") in line
    assert _published(previous) == before
    assert not list((previous / ".plans").glob(".building-*"))


@pytest.mark.parametrize("formats", ["[JSON, YAML, MARKDOWN]", "[]"])
def test_a_file_that_cannot_be_flushed_fails_the_run(previous: Path, formats: str) -> None:
    """fsync is where a full disk shows on some file systems (delayed allocation), and Linux
    reports a failed write-back to one fsync only: the plan files' flush beside the export
    ([JSON, ...]) and publish's own flush (dump_plan_as: [], database only) must both stop
    the run, not publish a plan a crash could tear."""
    before = _published(previous)
    config = previous.parent / f"formats_{len(formats)}.yaml"
    config.write_text(f"routing:\n  both_strong_behavior: PREFER_CS\n  dump_plan_as: {formats}\n")
    run = run_router(EXAMPLE, previous, "--routing-config", str(config),
                     env={"ROUTER_FAULT_AT": "fsync:errno:ENOSPC"})
    assert run.returncode == 6, run.stderr
    line = _one_error_line(run.stderr)
    assert "No space left on device" in line and "The previous plan was kept" in line
    named = "routing_plan.json" if formats != "[]" else str(previous / ".plans" / ".building-")
    assert named in line, line
    assert _published(previous) == before
    assert not list((previous / ".plans").glob(".building-*"))


@contextmanager
def _immutable(path: Path) -> Iterator[None]:
    """chattr +i: even root cannot create, remove or rename entries in the folder."""
    subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_an_output_folder_that_cannot_be_written_is_exit_6(tmp_path: Path) -> None:
    out = tmp_path / "METRICS"
    out.mkdir()
    with _immutable(out):
        run = run_router(EXAMPLE, out)
    assert run.returncode == 6, run.stderr
    line = _one_error_line(run.stderr)
    assert f"cannot write {out / '.router.lock'}: Operation not permitted" in line
    assert "make the folder writable" in line


def test_a_plan_output_that_became_read_only_keeps_its_plan(previous: Path) -> None:
    """The lock and the version folder can be written, the switch of the links cannot."""
    before = _published(previous)
    versions = sorted(os.listdir(previous / ".plans"))
    with _immutable(previous):
        run = run_router(EXAMPLE, previous, *_config(previous))
    assert run.returncode == 6, run.stderr
    line = _one_error_line(run.stderr)
    assert str(previous) in line and "Operation not permitted" in line
    assert _published(previous) == before
    assert sorted(os.listdir(previous / ".plans")) == versions
    assert run_router(EXAMPLE, previous).returncode == 0


# --- two plan outputs sharing one --database -------------------------------------


def test_a_run_waits_for_another_on_the_same_database_then_exits_5(tmp_path: Path) -> None:
    database = tmp_path / "shared" / "routing.duckdb"
    database.parent.mkdir()
    lock = database.parent / ".routing.duckdb.lock"
    with lock.open("a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # as a run on another plan output holds it
        started = time.monotonic()
        run = run_router(EXAMPLE, tmp_path / "B", "--database", str(database), "--lock-timeout", "1")
        waited = time.monotonic() - started
    assert run.returncode == 5, run.stderr
    assert f"another routing run is writing to {database.parent}" in run.stderr
    assert waited >= 1.0
    assert not database.exists() and not (tmp_path / "B" / "routing_plan").exists()


def test_two_plan_outputs_sharing_a_database_both_finish(tmp_path: Path) -> None:
    database = tmp_path / "shared.duckdb"
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "training_router", "--output-dir", str(EXAMPLE), "--plan-output",
             str(tmp_path / name), "--database", str(database), "--quiet"],
            env={**os.environ, "SOURCE_DATE_EPOCH": "1764000000"}, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )
        for name in ("A", "B")
    ]
    outputs = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    owner = Path(os.readlink(database)).parents[1]
    assert owner in (tmp_path / "A", tmp_path / "B")
    plan = json.loads((owner / "routing_plan" / "routing_plan.json").read_text())
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("select count(*) from routing_plan").fetchone() == (
            sum(len(t["symbols"]) for t in plan["targets"].values()),)
    for name in ("A", "B"):  # each plan output kept its own plan and database
        assert (tmp_path / name / "current" / "routing.duckdb").is_file()
