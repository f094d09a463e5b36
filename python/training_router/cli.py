"""Command line: route every (target, symbol) pair and write the plans.

    python -m training_router --output-dir METRICS_IN [--targets T ...] [--symbols S ...]
        [--routing-config routing_config.yaml] [--plan-output DIR] [--stability-dir DIR]
        [--database FILE]

Parses the arguments, runs pipeline.generate_routing_plan (or compares two plans of the
history) and prints the outcome.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import RouterError, UsageError
from .history import change_lines, change_summary_line, compare_plans
from .pipeline import PlanOutcome, checked_path, generate_routing_plan
from .progress import reporter_for
from .spark_engine import ENGINES
from .summary import summary_lines


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="generate_routing_plan",
        description="Decide where to train models for every (target, symbol) pair and write the plans.",
    )
    parser.add_argument("--output-dir", type=Path,
                        help="feature-selection output: the metrics directory, one folder per target"
                             " (required unless --compare)")
    parser.add_argument("--targets", nargs="+", metavar="TARGET", help="route only these targets")
    parser.add_argument("--allow-missing-targets", action="store_true",
                        help="a --targets name with no folder is a warning, not an error (exit 2)")
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
    parser.add_argument("--dry-run", action="store_true",
                        help="route and print the summary and the changes against the published plan;"
                             " publish nothing (no history row, artifacts and database untouched)")
    parser.add_argument("--compare", nargs=2, metavar=("PLAN_BEFORE", "PLAN_AFTER"),
                        help="print the route changes between two plans kept in the database's history"
                             " (ids or unique prefixes, see table plan_runs); routes and writes nothing")
    parser.add_argument("--keep-plans", type=int, metavar="N",
                        help="how many published plans the history keeps (default 30, at least 2)")
    parser.add_argument("--engine", choices=ENGINES, default="duckdb",
                        help="where dbt builds the plan: duckdb (default) or spark (dbt-spark, a local "
                             "SparkSession; ROUTER_SPARK_MASTER picks the master)")
    parser.add_argument("--quiet", action="store_true", help="print only the final line")
    parser.add_argument("--timings-json", type=Path, help="write the wall time of each phase to this file")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _compare(args: argparse.Namespace) -> int:
    plan_output = checked_path(args.plan_output, "--plan-output")
    database = checked_path(args.database, "--database") if args.database else plan_output / "routing.duckdb"
    document = compare_plans(database, *args.compare)
    print(change_summary_line(document))
    for line in change_lines(document):
        print(line)
    return 0


def _route(args: argparse.Namespace) -> PlanOutcome:
    if args.output_dir is None:
        raise UsageError("--output-dir is required (the metrics directory to route)")
    with reporter_for(args.quiet) as progress:
        return generate_routing_plan(
            args.output_dir, targets=args.targets, symbols=args.symbols, routing_config=args.routing_config,
            plan_output=args.plan_output, stability_dir=args.stability_dir, database=args.database,
            lock_timeout=args.lock_timeout, full_refresh=args.full_refresh, dry_run=args.dry_run, engine=args.engine,
            keep_plans=args.keep_plans, progress=progress, allow_missing_targets=args.allow_missing_targets,
        )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.compare:
            return _compare(args)
        outcome = _route(args)
    except RouterError as error:
        print(f"[ROUTER] error: {error}", file=sys.stderr)
        return error.exit_code
    except Exception as error:  # a bug: say so plainly, keep the trace for the report
        traceback.print_exc()
        print(f"[ROUTER] internal error: {error!r}; the previous plan was left in place", file=sys.stderr)
        return 1
    if args.timings_json:
        args.timings_json.write_text(json.dumps(outcome.timeline.as_dict(), indent=2) + "\n")
    if not args.quiet:
        print(f"[ROUTER] routing config: {outcome.config_file or 'defaults'}", file=sys.stderr)
    for warning in outcome.warnings:
        print(f"[ROUTER] warning: {warning}", file=sys.stderr)
    if not args.quiet:  # --quiet: the final line only
        for line in summary_lines(outcome.routing_plan):
            print(line)
        print(change_summary_line(outcome.changes))
    if outcome.dry_run:
        for line in change_lines(outcome.changes):
            print(line)
        print(
            f"[ROUTER] dry run: {outcome.n_decisions} decision(s), {outcome.n_jobs} job(s);"
            f" plan {outcome.plan_id} NOT published (nothing was written to {outcome.plan_output})"
        )
        return 0
    print(
        f"[ROUTER] {outcome.n_decisions} decision(s), {outcome.n_jobs} job(s); "
        f"plan {outcome.plan_id} written to {outcome.plan_output} (database {outcome.database})"
    )
    return 0
