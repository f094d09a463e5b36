"""Command line: route every (target, symbol) pair and write the plans.

    python -m training_router --output-dir METRICS_IN [--targets T ...] [--symbols S ...]
        [--routing-config routing_config.yaml] [--plan-output DIR] [--stability-dir DIR]
        [--database FILE]

The run builds into new files beside the outputs and moves them into place
only when the dbt build, its tests and the export all succeeded, so a failed
run leaves the previous plan and database as they were.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from . import __version__
from .config import find_routing_config, load_config_file
from .dbt_runner import RunSettings, check_build, format_problems, run_dbt
from .errors import InputError, NoCandidatesError, RouterError, UsageError
from .history import (
    carry_history,
    change_lines,
    change_summary_line,
    compare_plans,
    current_changes,
    plan_metadata,
    write_changes,
    write_run_info,
)
from .loaded_layer import (
    INPUT_LAYER,
    SELECTION_LAYER,
    Reuse,
    record_loaded_layer,
    seed_from_previous,
    selection_key,
)
from .plan_files import (
    discover_targets,
    exclusive_lock,
    promote,
    remove_quietly,
    scan_input_files,
    write_input_listing,
)
from .progress import Reporter, reporter_for
from .streaming_export import export
from .summary import summary_lines
from .timeline import Timeline

GLOB_CHARACTERS = set("*?[]{}")
REUSE_DETAIL = {
    Reuse.NONE: "every input file is read",
    Reuse.LOADED_LAYER: "new and changed input files are read",
    Reuse.SAME_INPUTS: "inputs unchanged, re-routing",
    Reuse.SAME_SELECTION: "inputs and selection unchanged, re-routing",
}
FAULT_ENV = "ROUTER_FAULT_AT"


def fault_point(name: str) -> None:
    """Test hook for fault injection: ROUTER_FAULT_AT=<name>:pause waits to be killed,
    <name>:raise raises. Does nothing unless the variable names this point."""
    point, _, action = os.environ.get(FAULT_ENV, "").partition(":")
    if point != name:
        return
    if action == "raise":
        raise RuntimeError(f"fault injected at {name}")
    print(f"[ROUTER] fault point {name}: paused", file=sys.stderr, flush=True)
    time.sleep(600)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="generate_routing_plan",
        description="Decide where to train models for every (target, symbol) pair and write the plans.",
    )
    parser.add_argument("--output-dir", type=Path,
                        help="feature-selection output: the metrics directory, one folder per target"
                             " (required unless --compare)")
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
    parser.add_argument("--dry-run", action="store_true",
                        help="route and print the summary and the changes against the published plan;"
                             " publish nothing (no history row, artifacts and database untouched)")
    parser.add_argument("--compare", nargs=2, metavar=("PLAN_BEFORE", "PLAN_AFTER"),
                        help="print the route changes between two plans kept in the database's history"
                             " (ids or unique prefixes, see table plan_runs); routes and writes nothing")
    parser.add_argument("--keep-plans", type=int, metavar="N",
                        help="how many published plans the history keeps (default 30, at least 2)")
    parser.add_argument("--quiet", action="store_true", help="print only the final line")
    parser.add_argument("--timings-json", type=Path, help="write the wall time of each phase to this file")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _check_path(path: Path, flag: str) -> Path:
    resolved = path.expanduser().resolve()
    if GLOB_CHARACTERS & set(str(resolved)):
        raise UsageError(f"{flag} {path}: the path may not contain any of * ? [ ] {{ }}")
    return resolved


def _check_names(names: Sequence[str] | None, flag: str) -> list[str]:
    cleaned = []
    for name in names or []:
        if not name or "\0" in name:
            raise UsageError(f"{flag}: empty or NUL-containing name {name!r}")
        cleaned.append(name)
    return sorted(set(cleaned))


def run(args: argparse.Namespace, progress: Reporter | None = None) -> dict[str, Any]:
    """One routing run; returns what it wrote. Raises RouterError subclasses.
    ``progress`` is told the phases and dbt's output (see progress.py)."""
    progress = progress or Reporter()
    progress.phase("discovering inputs")
    timeline = Timeline()
    started = time.time()
    if args.output_dir is None:
        raise UsageError("--output-dir is required (the metrics directory to route)")
    if args.keep_plans is not None and args.keep_plans < 2:
        raise UsageError(f"--keep-plans: must be a whole number >= 2, got {args.keep_plans}")
    # --routing-config, else the seed's CONFIG/training_config/routing_config.yaml here, else defaults
    config_file = find_routing_config(args.routing_config)
    config = load_config_file(config_file)
    metrics_dir = _check_path(args.output_dir, "--output-dir")
    stability_dir = _check_path(args.stability_dir, "--stability-dir") if args.stability_dir else None
    plan_output = _check_path(args.plan_output, "--plan-output")
    database = _check_path(args.database, "--database") if args.database else plan_output / "routing.duckdb"
    requested_targets = _check_names(args.targets, "--targets")
    requested_symbols = _check_names(args.symbols, "--symbols")

    found = discover_targets(metrics_dir)
    if not found:
        raise NoCandidatesError(
            f"metrics directory {metrics_dir} holds no target folder "
            "(a folder with model_metadata.json or target_confidence.json)"
        )
    warnings = [
        f"target {name!r} was named with --targets but {metrics_dir} has no folder for it"
        for name in requested_targets
        if name not in found
    ]
    targets = [t for t in found if t in requested_targets] if requested_targets else found
    if not targets:
        raise NoCandidatesError(
            f"none of the targets named with --targets ({', '.join(requested_targets)}) has a folder in {metrics_dir}"
        )
    scan = scan_input_files(metrics_dir, stability_dir, targets)
    if scan.problems:
        raise InputError(format_problems(scan.problems), scan.problems)
    timeline.record("config_and_discovery", started, time.time())
    progress.note(f"{len(targets)} target(s), {len(scan.files):,} input file(s) found")

    work_dir = plan_output / ".router"
    settings = RunSettings(
        metrics_dir=metrics_dir,
        stability_dir=stability_dir,
        # one path for every run (runs hold the lock), so that it does not defeat dbt's partial parsing
        input_listing=work_dir / "input_files.jsonl",
        targets=targets if requested_targets else [],
        symbols=requested_symbols,
        routing=config["routing"],
        training_plan=config["training_plan"],
        # one path for every run, as the listing: the run's identity, read by plan_identity
        run_info=work_dir / "run_info.json",
        history_keep_plans=args.keep_plans,
    )
    build_id = f"build-{os.getpid()}"
    # a folder per run beside the database (promote is a rename), the file in it always
    # named the same: dbt's profile sees one path text on every run (see dbt_runner)
    build_folder = database.parent / f".{database.name}.{build_id}"
    build_database = build_folder / "build.duckdb"
    staging = work_dir / build_id
    with exclusive_lock(plan_output / ".router.lock", args.lock_timeout):
        # leftovers of runs that were killed: nobody else uses them while we hold the lock
        for leftover in [*database.parent.glob(f".{database.name}.build-*"), *work_dir.glob("build-*")]:
            remove_quietly(leftover)
        try:
            staging.mkdir(parents=True, exist_ok=True)
            build_folder.mkdir()
            listing = write_input_listing(scan, settings.input_listing)
            write_run_info(work_dir / "run_info.json", config, requested_targets, requested_symbols)
            with timeline.span("copy_previous_database"):
                selection = selection_key(settings.targets, config["routing"]["stability_classification"]["top_k"])
                reuse = seed_from_previous(database, build_database, args.full_refresh, listing, selection)
                if reuse is Reuse.NONE:  # the history outlives a fresh loaded layer
                    warning = carry_history(database, build_database)
                    warnings += [warning] if warning else []
            with timeline.span("dbt_build"):
                command = ["build", "--exclude", "test_type:unit"]
                if reuse is Reuse.NONE:
                    command.append("--full-refresh")
                elif reuse is Reuse.SAME_INPUTS:
                    command.extend(INPUT_LAYER)
                elif reuse is Reuse.SAME_SELECTION:
                    command.extend([*INPUT_LAYER, *SELECTION_LAYER])
                progress.phase("dbt build", REUSE_DETAIL[reuse])
                result = run_dbt(command, database=build_database, work_dir=work_dir, settings=settings,
                                 on_output=progress.dbt_output)
            check_build(result, build_database)

            with timeline.span("metadata_and_changes"), \
                    duckdb.connect(str(build_database), read_only=True) as connection:
                metadata = plan_metadata(connection)
                metadata["config_file"] = str(config_file) if config_file else None
                changes = current_changes(connection, metadata)

            progress.phase("exporting the plans")
            fault_point("export")
            written, light, job_summary = export(build_database, staging, metadata,
                                                 config["routing"]["dump_plan_as"], timeline)
            n_decisions = sum(sum(t["route_counts"].values()) for t in light["targets"].values())
            if n_decisions == 0:
                raise NoCandidatesError(
                    f"no routing candidates: the selected targets in {metrics_dir} have no symbols to route"
                )
            written += write_changes(staging / "routing_plan", changes)
            if args.dry_run:
                return _outcome(light, job_summary, n_decisions, database, plan_output, warnings, timeline,
                                changes, started, config_file)
            with timeline.span("record_loaded_layer"):
                record_loaded_layer(build_database, listing, selection)

            progress.phase("publishing")
            fault_point("promote")
            with timeline.span("promote"):
                promote([(path, plan_output / path.relative_to(staging)) for path in written]
                        + [(build_database, database)])
        finally:
            remove_quietly(staging)
            remove_quietly(build_folder)
    return _outcome(light, job_summary, n_decisions, database, plan_output, warnings, timeline, changes, started,
                    config_file)


def _outcome(light: dict[str, Any], job_summary: dict[str, Any], n_decisions: int, database: Path,
             plan_output: Path, warnings: list[str], timeline: Timeline, changes: dict[str, Any],
             started: float, config_file: Path | None) -> dict[str, Any]:
    timeline.record("total", started, time.time())
    return {
        "config_file": config_file,
        "routing_plan": light,
        "job_summary": job_summary,
        "n_decisions": n_decisions,
        "database": database,
        "plan_output": plan_output,
        "warnings": warnings,
        "timeline": timeline,
        "changes": changes,
    }


def _compare(args: argparse.Namespace) -> int:
    plan_output = _check_path(args.plan_output, "--plan-output")
    database = _check_path(args.database, "--database") if args.database else plan_output / "routing.duckdb"
    document = compare_plans(database, *args.compare)
    print(change_summary_line(document))
    for line in change_lines(document):
        print(line)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.compare:
            return _compare(args)
        with reporter_for(args.quiet) as progress:
            outcome = run(args, progress)
    except RouterError as error:
        print(f"[ROUTER] error: {error}", file=sys.stderr)
        return error.exit_code
    except Exception as error:  # a bug: say so plainly, keep the trace for the report
        traceback.print_exc()
        print(f"[ROUTER] internal error: {error!r}; the previous plan was left in place", file=sys.stderr)
        return 1
    if args.timings_json:
        args.timings_json.write_text(json.dumps(outcome["timeline"].as_dict(), indent=2) + "\n")
    if not args.quiet:
        print(f"[ROUTER] routing config: {outcome['config_file'] or 'defaults'}", file=sys.stderr)
    for warning in outcome["warnings"]:
        print(f"[ROUTER] warning: {warning}", file=sys.stderr)
    if not args.quiet:  # --quiet: the final line only
        for line in summary_lines(outcome["routing_plan"]):
            print(line)
        print(change_summary_line(outcome["changes"]))
    if args.dry_run:
        for line in change_lines(outcome["changes"]):
            print(line)
        print(
            f"[ROUTER] dry run: {outcome['n_decisions']} decision(s), {outcome['job_summary']['total_jobs']} job(s);"
            f" plan {outcome['routing_plan']['metadata']['plan_id']} NOT published (nothing was written to"
            f" {outcome['plan_output']})"
        )
        return 0
    print(
        f"[ROUTER] {outcome['n_decisions']} decision(s), {outcome['job_summary']['total_jobs']} job(s); "
        f"plan {outcome['routing_plan']['metadata']['plan_id']} written to {outcome['plan_output']} "
        f"(database {outcome['database']})"
    )
    return 0
