"""Shared helpers: run the CLI on a metrics directory and read what it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "metrics"
FIXTURES = REPO / "tests" / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def _parse_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The runs of this session share one saved dbt parse, kept out of the user's cache."""
    os.environ["ROUTER_CACHE_DIR"] = str(tmp_path_factory.mktemp("router-cache"))


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    plan_output: Path

    @property
    def database(self) -> Path:
        return self.plan_output / "routing.duckdb"

    def routing_plan(self) -> dict[str, Any]:
        return json.loads((self.plan_output / "routing_plan" / "routing_plan.json").read_text())

    def training_plan(self) -> dict[str, Any]:
        return json.loads((self.plan_output / "training_plan" / "training_plan.json").read_text())


def run_router(metrics_dir: Path, plan_output: Path, *args: str, env: dict[str, str] | None = None,
               module: str = "training_router", cwd: Path | None = None) -> Run:
    """Run the CLI as a user would: a fresh process, from another working directory."""
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": "1764000000", **(env or {})}
    completed = subprocess.run(
        [sys.executable, "-m", module, "--output-dir", str(metrics_dir), "--plan-output", str(plan_output), *args],
        cwd=cwd or plan_output.parent,
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
    )
    return Run(completed.returncode, completed.stdout, completed.stderr, plan_output)


@pytest.fixture(scope="session")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The shipped example routed once with the default config, via the seed's module name."""
    out = tmp_path_factory.mktemp("example") / "METRICS"
    run = run_router(EXAMPLE, out, module="TRAINING.orchestration.generate_routing_plan")
    assert run.returncode == 0, run.stderr
    return run
