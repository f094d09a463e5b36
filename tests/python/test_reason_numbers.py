"""Numbers in reasons are rounded the same way on every engine (macro reason_number).

The fixture's derivation is tests/fixtures/reason_numbers/README.md: local scores that sit
half way between two 4-decimal values once multiplied by 10^4 in doubles. The Spark parity
suite routes the same target on Spark and compares the plans whole."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES, run_router

HALFWAY = FIXTURES / "reason_numbers" / "metrics"
TARGET = "ret_fwd_2h_halfway"


def test_half_way_scores_are_rounded_half_away_from_zero(tmp_path: Path) -> None:
    run = run_router(HALFWAY, tmp_path / "METRICS")
    assert run.returncode == 0, run.stderr
    symbols = run.routing_plan()["targets"][TARGET]["symbols"]
    aaa, bbb = symbols["AAA"], symbols["BBB"]
    assert aaa["local_state"] == "DISALLOWED" and bbb["local_state"] == "WEAK_BUT_OK"
    assert "local score too low (-0.8611 < -0.2)" in aaa["reason"], aaa["reason"]
    assert "(r2 -0.8611," in aaa["route_reason"], aaa["route_reason"]
    assert "(r2 0.1001," in bbb["route_reason"], bbb["route_reason"]
