#!/usr/bin/env python3
"""A straightforward Python router: the tool a user would otherwise write.

    python bench/plain.py METRICS_DIR OUT_DIR

Reads each target's JSON files, routes every (target, symbol) pair with check_floor.py's
plain reading of the rules (default config, stability from the snapshots with exact
statistics and an O(n²) Kendall tau), and writes routing_plan.json, routing_plan.yaml
and routing_plan.md into OUT_DIR. No validation, no incremental reuse, no history: the
comparison bench/run.py reports beside the router and the floor.
"""

from __future__ import annotations

import collections
import json
import os
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_floor import route_target


def route_all(root: str) -> dict[str, dict[str, str]]:
    plan: dict[str, dict[str, str]] = {}
    for target in sorted(os.listdir(root)):
        if os.path.exists(f"{root}/{target}/model_metadata.json"):
            routes = route_target(root, target)
            plan[target] = {symbol: route for (_, symbol), route in sorted(routes.items())}
    return plan


def write_plan(plan: dict[str, dict[str, str]], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    document = {
        "targets": {
            target: {"route_counts": dict(sorted(collections.Counter(symbols.values()).items())), "symbols": symbols}
            for target, symbols in plan.items()
        }
    }
    (out / "routing_plan.json").write_text(json.dumps(document, indent=2) + "\n")
    (out / "routing_plan.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    lines = ["# Routing plan", ""]
    for target, entry in document["targets"].items():
        lines += [f"## {target}", "", "| symbol | route |", "| --- | --- |"]
        lines += [f"| {symbol} | {route} |" for symbol, route in entry["symbols"].items()]
        lines.append("")
    (out / "routing_plan.md").write_text("\n".join(lines))


def main() -> int:
    root, out = sys.argv[1].rstrip("/"), Path(sys.argv[2])
    started = time.perf_counter()
    plan = route_all(root)
    routed = time.perf_counter()
    write_plan(plan, out)
    written = time.perf_counter()
    decisions = sum(len(symbols) for symbols in plan.values())
    print(f"read + route {routed - started:.2f} s, write json/yaml/md {written - routed:.2f} s")
    print(f"decisions={decisions}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
