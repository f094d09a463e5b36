"""The build: a new database seeded from the previous one, dbt run over one
consistent view of the input files.

The input files are listed (size, modification time) before dbt reads them and
listed again after: if one changed in between, the plan could hold rows of two
versions of it (or miss rows that were on disk), so the build runs again, and
the loaded layer parses again only the files that changed. After MAX_RETRIES
repetitions that still saw changes, the run stops with InputError naming the
files. A build only counts when the second listing equals the first. A re-route
(the listing equals the one the loaded layer was built from) reads no input file:
the loaded layer is its one view, and it is not listed again.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import inputs, spark_engine
from .dbt_runner import DbtProcess, DbtResult, RunSettings, check_build, format_problems, start_dbt
from .errors import DbtError, InputError, OutputError, printable
from .faults import fault_point
from .history import carry_history, write_run_info
from .loaded_layer import INPUT_LAYER, SELECTION_LAYER, Reuse, seed_from_previous, selection_key
from .progress import Reporter
from .publish import writing
from .timeline import Timeline

MAX_RETRIES = 2
CHANGED_FILES_SHOWN = 10
# what DuckDB says when it cannot write the database dbt builds
_OUTPUT_FAILURES = ("No space left on device", "Read-only file system", "Disk quota exceeded")
REUSE_DETAIL = {
    Reuse.NONE: "every input file is read",
    Reuse.LOADED_LAYER: "new and changed input files are read",
    Reuse.SAME_INPUTS: "inputs unchanged, re-routing",
    Reuse.SAME_SELECTION: "inputs and selection unchanged, re-routing",
}

Notify = Callable[[str], None]


def notify_stderr(message: str) -> None:
    print(f"[ROUTER] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Built:
    """A finished build: its database, the listing it was built from, how many attempts it took."""

    database: Path
    listing_digest: str
    selection: str  # loaded_layer.selection_key of this build
    attempts: int
    reuse: Reuse
    warnings: list[str]


def build(request: inputs.Request, config: dict[str, Any], database: Path, previous: Path | None,
          work_dir: Path, full_refresh: bool, timeline: Timeline, *, keep_plans: int | None = None,
          progress: Reporter | None = None, notify: Notify = notify_stderr, engine: str = "duckdb") -> Built:
    """Build `database` from the inputs of `request`; raise the typed error of a failed build.
    With engine "spark" dbt builds on Spark and the tables are copied into `database`
    (spark_engine); the loaded layer is then rebuilt in full. On DuckDB the first dbt
    process starts before the inputs are listed (dbt_runner.start_dbt: its import runs
    beside the listing)."""
    settings = RunSettings(
        metrics_dir=request.metrics_dir,
        stability_dir=request.stability_dir,
        input_listing=work_dir / "input_files.jsonl",
        targets=request.targets if request.requested_targets else [],
        symbols=request.requested_symbols,
        routing=config["routing"],
        training_plan=config["training_plan"],
        # one path for every run, as the listing: the run's identity, read by plan_identity
        run_info=work_dir / "run_info.json",
        history_keep_plans=keep_plans,
    )
    warm = None if engine == "spark" else start_dbt(database=database, work_dir=work_dir, settings=settings)
    try:
        return _build(request, config, settings, database, previous, work_dir, full_refresh, timeline,
                      warm, progress or Reporter(), notify, engine)
    finally:
        if warm is not None:
            warm.discard()


def _build(request: inputs.Request, config: dict[str, Any], settings: RunSettings, database: Path,
           previous: Path | None, work_dir: Path, full_refresh: bool, timeline: Timeline,
           warm: DbtProcess | None, progress: Reporter, notify: Notify, engine: str) -> Built:
    on_spark = engine == "spark"
    warnings: list[str] = []
    with timeline.span("list_inputs"):
        scan = _checked_scan(request)
        if on_spark:
            hidden = spark_engine.hidden_input_problems(
                scan.files, [r for r in (request.stability_dir, request.metrics_dir) if r], request.targets)
            if hidden:
                raise InputError(format_problems(hidden), hidden)
        selected = set(request.targets)  # the listing holds every target folder's files
        n_files = sum(1 for f in scan.files if f.target_name in selected)
        progress.note(f"{len(request.targets)} target(s), {n_files:,} input file(s) found")
        with writing(settings.input_listing):
            listing = inputs.write_input_listing(scan, settings.input_listing)
            write_run_info(work_dir / "run_info.json", config, request.requested_targets,
                           request.requested_symbols)
    with timeline.span("copy_previous_database"), writing(database):
        fault_point("copy_previous_database", database)
        selection = selection_key(settings.targets, config["routing"]["stability_classification"]["top_k"])
        reuse = (seed_from_previous(previous, database, full_refresh, listing, selection)
                 if previous and not on_spark else Reuse.NONE)
        if reuse is Reuse.NONE and previous is not None:  # the history outlives a fresh loaded layer
            warning = carry_history(previous, database)
            warnings += [warning] if warning else []
    first_reuse = reuse
    for attempt in range(1, MAX_RETRIES + 2):
        fault_point("before_dbt_build")
        progress.phase("dbt build", ("on Spark" if on_spark else REUSE_DETAIL[reuse]) if attempt == 1
                       else f"again (attempt {attempt})")
        with timeline.span("dbt_build"):
            if on_spark:
                result = spark_engine.build(database, work_dir, settings, progress.dbt_output)
            else:
                dbt = warm if attempt == 1 and warm is not None else start_dbt(
                    database=database, work_dir=work_dir, settings=settings)
                try:
                    result = dbt.run(_command(reuse), progress.dbt_output)
                finally:
                    dbt.discard()
        fault_point("after_dbt_build")
        if not reads_input_files(reuse):  # nothing was read that could have changed meanwhile
            _check(result, database)
            return Built(database, listing, selection, attempt, first_reuse, warnings)
        with timeline.span("list_inputs_again"):
            again = _scan(request)
            changed = inputs.changed_files(scan, again, request.targets)
        if not changed:
            _check(result, database)
            return Built(database, listing, selection, attempt, first_reuse, warnings)
        if attempt > MAX_RETRIES:
            raise InputError(
                f"input files kept changing while the plan was built ({attempt} attempts); no plan was written. "
                f"Re-run when feature selection has finished writing them:\n{_listed(changed)}"
            )
        notify(f"{len(changed)} input file(s) changed while being read; reading them again "
               f"(attempt {attempt + 1} of {MAX_RETRIES + 1}):\n{_listed(changed)}")
        scan = again
        if scan.problems:
            raise InputError(format_problems(scan.problems), scan.problems)
        with writing(settings.input_listing):
            listing = inputs.write_input_listing(scan, settings.input_listing)
        reuse = Reuse.LOADED_LAYER  # the build so far is the previous state: re-read what changed
    raise AssertionError("unreachable")


def reads_input_files(reuse: Reuse) -> bool:
    """Whether a build of this kind reads input files. A re-route (SAME_INPUTS,
    SAME_SELECTION) builds without the input layer, from the loaded layer that equals the
    first listing: that listing is its consistent view, so no second listing is needed."""
    return reuse in (Reuse.NONE, Reuse.LOADED_LAYER)


def _scan(request: inputs.Request) -> inputs.InputScan:
    return inputs.scan_input_files(request.metrics_dir, request.stability_dir, request.targets)


def _checked_scan(request: inputs.Request) -> inputs.InputScan:
    scan = _scan(request)
    if scan.problems:
        raise InputError(format_problems(scan.problems), scan.problems)
    return scan


def _command(reuse: Reuse) -> list[str]:
    command = ["build", "--exclude", "test_type:unit"]
    if reuse is Reuse.NONE:
        command.append("--full-refresh")
    elif reuse is Reuse.SAME_INPUTS:
        command.extend(INPUT_LAYER)
    elif reuse is Reuse.SAME_SELECTION:
        command.extend([*INPUT_LAYER, *SELECTION_LAYER])
    return command


def _check(result: DbtResult, database: Path) -> None:
    """check_build, with DuckDB's write failures (a full disk) told as OutputError."""
    try:
        check_build(result, database)
    except DbtError as error:
        reason = next((r for r in _OUTPUT_FAILURES if r in str(error)), None)
        if reason is None:
            raise
        raise OutputError(
            f"cannot write the database being built at {printable(str(database))}: {reason}; "
            "free space there (or choose another --plan-output) and run again. The previous plan was kept."
        ) from None


def _listed(paths: list[str]) -> str:
    lines = [f"  {printable(p)}" for p in paths[:CHANGED_FILES_SHOWN]]
    if len(paths) > CHANGED_FILES_SHOWN:
        lines.append(f"  ... and {len(paths) - CHANGED_FILES_SHOWN} more")
    return "\n".join(lines)
