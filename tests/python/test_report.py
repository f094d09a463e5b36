"""routing_report.html's content (the data block it embeds), against the plan's own artifacts.

The browser test (test_report_browser.py) checks that the page renders; these check what it
is given: every decision of routing_plan.json in the route map, and the changes since the
previous plan equal to a recomputation from the two plans' routing_plan.json.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from conftest import EXAMPLE, Run, run_router

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def report_data(run: Run) -> dict[str, Any]:
    html = (run.plan_output / "routing_plan" / "routing_report.html").read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S)
    assert block, "no data block"
    return json.loads(block.group(1))


def map_routes(data: dict[str, Any]) -> dict[tuple[str, str], str]:
    """The route of every cell of the route map, decoded as the page does."""
    routes = {}
    for t, target in enumerate(data["targets"]):
        for s, symbol in enumerate(data["symbols"]):
            ch = data["cells"]["route"][t][s]
            if ch != ".":
                routes[(target["name"], symbol)] = data["dictionaries"]["route"][ALPHABET.index(ch)]
    return routes


def plan_routes(run: Run) -> dict[tuple[str, str], str]:
    return {
        (t, s): d["route"]
        for t, target in run.routing_plan()["targets"].items()
        for s, d in target["symbols"].items()
    }


def test_route_map_holds_every_decision_of_the_plan(example_run: Run) -> None:
    data = report_data(example_run)
    assert map_routes(data) == plan_routes(example_run)
    assert data["meta"]["plan_id"] == example_run.routing_plan()["metadata"]["plan_id"]
    # targets ordered by cross-sectional state (STRONG before DISALLOWED), symbols by usable pairs
    assert [t["name"] for t in data["targets"]] == ["y_will_swing_low_10m_0.20", "y_will_peak_60m_0.8"]
    assert data["symbolUsable"] == sorted(data["symbolUsable"], reverse=True)
    assert data["changes"] is None  # the first plan at its location


def test_changes_since_the_previous_plan_match_the_two_plans(tmp_path: Path) -> None:
    out = tmp_path / "METRICS"
    first = run_router(EXAMPLE, out)
    assert first.returncode == 0, first.stderr
    before, first_id = plan_routes(first), first.routing_plan()["metadata"]["plan_id"]
    config = tmp_path / "routing_config.yaml"
    config.write_text("routing:\n  symbol:\n    min_score:\n      classification: 0.595\n")
    second = run_router(EXAMPLE, out, "--routing-config", str(config))
    assert second.returncode == 0, second.stderr
    after = plan_routes(second)
    expected = {pair: (before.get(pair), after.get(pair))
                for pair in before.keys() | after.keys() if before.get(pair) != after.get(pair)}
    assert expected  # the config change moves some pairs

    changes = report_data(second)["changes"]
    assert changes["previous_plan_id"] == first_id
    assert {(r["target"], r["symbol"]): (r["route_before"], r["route_after"]) for r in changes["rows"]} == expected
    assert changes["total"] == len(expected)
