"""Command line: route every (target, symbol) pair and write the plans.

    python -m training_router --output-dir METRICS_IN [--targets T ...] [--symbols S ...]
        [--routing-config routing_config.yaml] [--plan-output DIR] [--stability-dir DIR]
        [--database FILE]

Parses the arguments, runs pipeline.generate_routing_plan and prints its outcome.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import RouterError
from .pipeline import generate_routing_plan
from .summary import summary_lines


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="generate_routing_plan",
        description="Decide where to train models for every (target, symbol) pair and write the plans.",
    )
    parser.add_argument("--output-dir", required=True, type=Path,
                        help="feature-selection output: the metrics directory, one folder per target")
    parser.add_argument("--targets", nargs="+", metavar="TARGET", help="route only these targets")
    parser.add_argument("--symbols", nargs="+", metavar="SYMBOL",
                        help="route exactly these symbols for every target")
    parser.add_argument("--routing-config", type=Path, help="routing_config.yaml (defaults otherwise)")
    parser.add_argument("--plan-output", type=Path, default=Path("METRICS"),
                        help="where routing_plan/ and training_plan/ go (default: ./METRICS)")
    parser.add_argument("--stability-dir", type=Path,
                        help="snapshots as DIR/<target>/<universe>/*.json instead of <target>/stability/")
    parser.add_argument("--database", type=Path,
                        help="the DuckDB file (default: <plan-output>/routing.duckdb)")
    parser.add_argument("--lock-timeout", type=float, default=60.0,
                        help="seconds to wait for another run on the same output to finish (default 60)")
    parser.add_argument("--full-refresh", action="store_true",
                        help="re-read every input file instead of only new and changed ones")
    parser.add_argument("--quiet", action="store_true", help="print only the final line")
    parser.add_argument("--timings-json", type=Path, help="write the wall time of each phase to this file")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        outcome = generate_routing_plan(
            args.output_dir, targets=args.targets, symbols=args.symbols, routing_config=args.routing_config,
            plan_output=args.plan_output, stability_dir=args.stability_dir, database=args.database,
            lock_timeout=args.lock_timeout, full_refresh=args.full_refresh,
        )
    except RouterError as error:
        print(f"[ROUTER] error: {error}", file=sys.stderr)
        return error.exit_code
    except Exception as error:  # a bug: say so plainly, keep the trace for the report
        traceback.print_exc()
        print(f"[ROUTER] internal error: {error!r}; the previous plan was left in place", file=sys.stderr)
        return 1
    if args.timings_json:
        args.timings_json.write_text(json.dumps(outcome.timeline.as_dict(), indent=2) + "\n")
    for warning in outcome.warnings:
        print(f"[ROUTER] warning: {warning}", file=sys.stderr)
    if not args.quiet:
        for line in summary_lines(outcome.routing_plan):
            print(line)
    print(
        f"[ROUTER] {outcome.n_decisions} decision(s), {outcome.n_jobs} job(s); "
        f"plan {outcome.plan_id} written to {outcome.plan_output} (database {outcome.database})"
    )
    return 0
