"""A name in --targets that matches no target folder (issue 19, finding 4).

A typo used to warn at the end and publish a plan without the target asked for, over
the previous plan: a training job reading it silently trained nothing for that target.
Now the run refuses before any SQL (exit 2), naming each unknown name with the closest
folder, unless --allow-missing-targets says a missing target is expected; and the
progress line counts the input files of the targets routed, not of every folder."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from training_router import generate_routing_plan
from training_router.errors import UsageError
from training_router.inputs import resolve_request

from conftest import EXAMPLE, run_router

PEAK = "y_will_peak_60m_0.8"
SWING = "y_will_swing_low_10m_0.20"


def test_unknown_names_are_refused_with_the_closest_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        resolve_request(EXAMPLE, None, [PEAK, "y_will_swing_low_10m_0.2", "zzz"], [])
    message = str(caught.value)
    assert "'y_will_swing_low_10m_0.2' (did you mean 'y_will_swing_low_10m_0.20'?)" in message
    assert "'zzz'" in message and "zzz' (did you mean" not in message
    assert "--allow-missing-targets" in message and "\n" not in message
    assert caught.value.exit_code == 2


def test_the_python_api_refuses_before_building(tmp_path: Path) -> None:
    out = tmp_path / "METRICS"
    with pytest.raises(UsageError, match=re.escape("y_will_peak_60m_0.9")):
        generate_routing_plan(EXAMPLE, targets=["y_will_peak_60m_0.9"], plan_output=out)
    assert not out.exists()  # nothing was created, let alone built


def test_allowed_missing_target_is_a_warning(tmp_path: Path) -> None:
    request = resolve_request(EXAMPLE, None, [PEAK, "nope"], [], allow_missing_targets=True)
    assert request.targets == [PEAK]
    assert any("'nope'" in w and "--allow-missing-targets" in w for w in request.warnings)


def test_typo_leaves_the_published_plan_and_counts_are_real(tmp_path: Path) -> None:
    metrics = tmp_path / "metrics"
    shutil.copytree(EXAMPLE, metrics)
    out = tmp_path / "METRICS"
    first = run_router(metrics, out, "--targets", PEAK, "does_not_exist", "--allow-missing-targets")
    assert first.returncode == 0, first.stderr
    assert "warning: target 'does_not_exist' was named with --targets" in first.stderr
    # the peak target has 7 input files; the example's folders hold 19 in all
    assert "1 target(s), 7 input file(s) found" in first.stderr, first.stderr
    plan = (out / "routing_plan" / "routing_plan.json").read_bytes()

    typo = run_router(metrics, out, "--targets", PEAK, "y_will_swing_low_10m_0.2")
    assert typo.returncode == 2, typo.stderr
    errors = [line for line in typo.stderr.splitlines() if "error" in line]
    assert len(errors) == 1, typo.stderr
    assert "did you mean 'y_will_swing_low_10m_0.20'?" in errors[0]
    assert "dbt" not in typo.stderr.lower()
    assert (out / "routing_plan" / "routing_plan.json").read_bytes() == plan
