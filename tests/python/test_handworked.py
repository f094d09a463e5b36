"""Small fixtures whose routes were worked out by hand from docs/ROUTING_RULES.md
(each case's README.md has the derivation)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from training_router.api import generate_training_plan_from_routing

from conftest import FIXTURES, run_router
from expectations import assert_matches_expected

CASES = sorted(p for p in (FIXTURES / "handworked").iterdir() if (p / "expected.yaml").is_file())


def case_args(case: Path) -> list[str]:
    """The CLI arguments a case is routed with: its routing_config.yaml and the
    --targets / --symbols (and --allow-missing-targets) of its args.yaml, when it has them."""
    args: list[str] = []
    if (case / "routing_config.yaml").is_file():
        args += ["--routing-config", str(case / "routing_config.yaml")]
    if (case / "args.yaml").is_file():
        selection = yaml.safe_load((case / "args.yaml").read_text()) or {}
        if selection.get("targets"):
            args += ["--targets", *selection["targets"]]
        if selection.get("symbols"):
            args += ["--symbols", *selection["symbols"]]
        if selection.get("allow_missing_targets"):
            args.append("--allow-missing-targets")
    return args


def expected(case: Path) -> dict:
    return yaml.safe_load((case / "expected.yaml").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_handworked_case(case: Path, tmp_path: Path) -> None:
    run = run_router(case / "metrics", tmp_path / "METRICS", *case_args(case))
    assert run.returncode == 0, run.stderr
    assert_matches_expected(run, expected(case))
    # the Python API re-derives the same jobs (reasons included) from routing_plan.json:
    # every route, the experimental pooled lane and include_blocked occur among the cases
    families = run.routing_plan()["metadata"]["config"]["training_plan"]["model_families"]
    plan = generate_training_plan_from_routing(run.plan_output, tmp_path / "api" / "training_plan", families)
    assert plan["jobs"] == run.training_plan()["jobs"]


def test_there_are_enough_handworked_cases() -> None:
    assert len(CASES) >= 8
