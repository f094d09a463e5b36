"""dbt's parse of the project is reused between runs (it costs ~4 s when done in full):
the CLI's settings reach dbt as environment variables, the database path dbt sees does
not change from run to run, and a new output location starts from the last saved
parse. None of this may change a plan: a reused parse must still see the new settings."""

from __future__ import annotations

import os
from pathlib import Path

from training_router.dbt_runner import last_parse_kind

from conftest import EXAMPLE, Run, run_router

SWING = "y_will_swing_low_10m_0.20"


def _last_parse(run: Run) -> str:
    """How dbt parsed in the run's last invocation: 'partial', 'unchanged' or 'full'."""
    return last_parse_kind(run.plan_output / ".router" / "dbt-logs" / "dbt.log")


def _routes(run: Run) -> dict[str, str]:
    return {symbol: d["route"] for symbol, d in run.routing_plan()["targets"][SWING]["symbols"].items()}


def test_a_new_threshold_is_applied_without_any_parse(tmp_path: Path) -> None:
    out = tmp_path / "METRICS"
    first = run_router(EXAMPLE, out)
    assert first.returncode == 0, first.stderr
    first_plan = first.routing_plan()["targets"]  # the next run in `out` overwrites the file
    assert _routes(first)["AAPL"] == "ROUTE_BOTH"
    config = tmp_path / "routing_config.yaml"
    config.write_text("routing:\n  min_sample_size: {symbol: 100000}\n")

    again = run_router(EXAMPLE, out, "--routing-config", str(config))
    assert again.returncode == 0, again.stderr
    assert _last_parse(again) == "unchanged"  # thresholds are read when compiling, not parsing
    # every symbol lane is now too small: no route may train a symbol-specific model
    assert set(_routes(again).values()) <= {"ROUTE_CROSS_SECTIONAL", "ROUTE_BLOCKED"}, _routes(again)

    fresh = run_router(EXAMPLE, tmp_path / "FRESH", "--routing-config", str(config), "--full-refresh")
    assert fresh.returncode == 0, fresh.stderr
    assert again.routing_plan()["targets"] == fresh.routing_plan()["targets"]

    back = run_router(EXAMPLE, out)
    assert back.returncode == 0, back.stderr
    assert _last_parse(back) == "unchanged"
    assert back.routing_plan()["targets"] == first_plan


def test_a_new_output_location_starts_from_the_saved_parse(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"ROUTER_CACHE_DIR": str(cache)}
    first = run_router(EXAMPLE, tmp_path / "A", env=env)
    assert first.returncode == 0, first.stderr
    assert _routes(first)["AAPL"] == "ROUTE_BOTH"
    assert _last_parse(first) == "full"
    assert list(cache.glob("dbt-parse-*.msgpack"))

    second = run_router(EXAMPLE, tmp_path / "B", env=env)
    assert second.returncode == 0, second.stderr
    assert _last_parse(second) == "partial"
    assert second.routing_plan()["targets"] == first.routing_plan()["targets"]


def test_a_broken_or_unwritable_cache_only_costs_a_full_parse(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    seeded = run_router(EXAMPLE, tmp_path / "A", env={"ROUTER_CACHE_DIR": str(cache)})
    assert seeded.returncode == 0, seeded.stderr
    for saved in cache.glob("dbt-parse-*.msgpack"):
        saved.write_bytes(b"not a parse")
    broken = run_router(EXAMPLE, tmp_path / "B", env={"ROUTER_CACHE_DIR": str(cache)})
    assert broken.returncode == 0, broken.stderr
    assert _last_parse(broken) == "full"

    blocker = tmp_path / "a_file"
    blocker.write_text("")
    unwritable = run_router(EXAMPLE, tmp_path / "C", env={"ROUTER_CACHE_DIR": str(blocker / "cache")})
    assert unwritable.returncode == 0, unwritable.stderr
    assert unwritable.routing_plan()["targets"] == seeded.routing_plan()["targets"]


def test_settings_left_in_the_shell_do_not_reach_the_plan(tmp_path: Path) -> None:
    clean = run_router(EXAMPLE, tmp_path / "CLEAN")
    assert clean.returncode == 0, clean.stderr
    assert _routes(clean)["AAPL"] == "ROUTE_BOTH" and _routes(clean)["NFLX"] == "ROUTE_BLOCKED"
    stray = {
        "ROUTER_ROUTING": '{"min_sample_size": {"symbol": 100000}}',
        "ROUTER_TARGETS": '["no_such_target"]',
        "ROUTER_SYMBOLS": '["NFLX"]',
        "ROUTER_INPUT_LISTING": os.devnull,
    }
    polluted = run_router(EXAMPLE, tmp_path / "POLLUTED", env=stray)
    assert polluted.returncode == 0, polluted.stderr
    assert polluted.routing_plan()["targets"] == clean.routing_plan()["targets"]
