"""The [ROUTER] summary printed after a run (docs/ROUTING_RULES.md §8)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SYMBOL_LINES_PER_TARGET = 12
TARGET_LINES = 30


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"


def summary_lines(routing_plan: Mapping[str, Any]) -> list[str]:
    lines = []
    targets = routing_plan["targets"]
    for index, (name, target) in enumerate(targets.items()):
        if index == TARGET_LINES:
            lines.append(f"[ROUTER] ... and {len(targets) - TARGET_LINES} more target(s); see routing_plan.md")
            break
        cs = target["cross_sectional"]
        label = "AUC" if target["task_type"] == "classification" else "score"
        detail = cs["reason"] if cs["score"] is None else f"{label}={_score(cs['score'])}, {cs['stability']}"
        lines.append(f"[ROUTER] target={name}: CS={cs['state']} ({detail})")
        symbols = target["symbols"]
        n_symbols = sum(target["route_counts"].values())
        if n_symbols <= SYMBOL_LINES_PER_TARGET:
            for symbol, decision in symbols.items():
                lines.append(f"[ROUTER]   {symbol} → {decision['route']} ({decision['primary_reason']})")
        else:
            counts = ", ".join(f"{route}={count}" for route, count in target["route_counts"].items() if count)
            lines.append(f"[ROUTER]   {n_symbols} symbols: {counts}")
    return lines
