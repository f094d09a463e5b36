"""One routing run, step by step: inputs → build → export → publish.

``generate_routing_plan`` is what the CLI runs, callable from Python (a pipeline
that routes right after feature selection). Data flows one way: the request
(inputs.py) goes to the build (build.py), whose database the export reads
(streaming_export.py) into the version folder that publish.py switches in. Any
failure raises a RouterError subclass (``exit_code`` holds the CLI's exit code)
and leaves the previous plan as it was.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from . import build, inputs, publish, spark_engine
from .config import find_routing_config, load_config_file
from .errors import NoCandidatesError, UsageError
from .faults import fault_point
from .history import current_changes, plan_metadata, write_changes
from .loaded_layer import record_loaded_layer
from .progress import Reporter
from .streaming_export import export
from .timeline import Timeline

GLOB_CHARACTERS = set("*?[]{}")
PathLike = str | os.PathLike[str]


@dataclass
class PlanOutcome:
    """What a run published (or, for a dry run, would have published)."""

    plan_id: str
    plan_output: Path
    database: Path  # the documented path (a link to the plan's database)
    artifacts: list[Path]  # the documented paths of the files written (none for a dry run)
    n_decisions: int
    job_summary: dict[str, Any]  # total_jobs, by_route, by_type, by_priority
    warnings: list[str]
    routing_plan: dict[str, Any]  # the light plan: every target, the decisions the summary shows
    timeline: Timeline
    build_attempts: int = 1
    metadata: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)  # route changes against the previous plan
    dry_run: bool = False
    config_file: Path | None = None  # the routing config used (None: the defaults)

    @property
    def n_jobs(self) -> int:
        return int(self.job_summary["total_jobs"])


def checked_path(path: PathLike, flag: str) -> Path:
    resolved = Path(path).expanduser().resolve()
    if GLOB_CHARACTERS & set(str(resolved)):
        raise UsageError(f"{flag} {path}: the path may not contain any of * ? [ ] {{ }}")
    return resolved


def checked_names(names: Sequence[str] | None, flag: str) -> list[str]:
    if isinstance(names, str):
        raise UsageError(f"{flag}: expected a list of names, got the string {names!r}")
    cleaned = []
    for name in names or []:
        if not isinstance(name, str) or not name or "\0" in name:
            raise UsageError(f"{flag}: empty or NUL-containing name {name!r}")
        cleaned.append(name)
    return sorted(set(cleaned))


def generate_routing_plan(
    output_dir: PathLike,
    targets: Sequence[str] | None = None,
    symbols: Sequence[str] | None = None,
    routing_config: PathLike | None = None,
    plan_output: PathLike = "METRICS",
    stability_dir: PathLike | None = None,
    database: PathLike | None = None,
    lock_timeout: float = 60.0,
    full_refresh: bool = False,
    dry_run: bool = False,
    keep_plans: int | None = None,
    progress: Reporter | None = None,
    notify: build.Notify = build.notify_stderr,
    engine: str = "duckdb",
    allow_missing_targets: bool = False,
) -> PlanOutcome:
    """Route every (target, symbol) pair of the feature-selection output `output_dir`
    and publish the plans under `plan_output` (the CLI's arguments, by keyword).
    `dry_run` routes and compares without publishing; `keep_plans` is how many plans the
    history keeps; `progress` is told the phases and dbt's output (progress.py); `notify`
    receives what the run has to tell while it goes (input files read again);
    `allow_missing_targets` turns a name in `targets` that matches no folder from an error
    (UsageError, before anything is built) into a warning.

    Raises UsageError (exit 2), InputError / NoCandidatesError (3), InvariantError (4),
    BusyError (5), OutputError (6) or DbtError (1); the previous plan stays as it was."""
    if engine not in spark_engine.ENGINES:
        raise UsageError(f"--engine: one of {', '.join(spark_engine.ENGINES)}, got {engine!r}")
    if engine == "spark":
        spark_engine.check_requirements()
    progress = progress or Reporter()
    progress.phase("discovering inputs")
    timeline = Timeline()
    started = time.time()
    if keep_plans is not None and (not isinstance(keep_plans, int) or keep_plans < 2):
        raise UsageError(f"--keep-plans: must be a whole number >= 2, got {keep_plans}")
    # routing_config, else the seed's CONFIG/training_config/routing_config.yaml here, else defaults
    config_file = find_routing_config(Path(routing_config) if routing_config is not None else None)
    config = load_config_file(config_file)
    metrics_dir = checked_path(output_dir, "--output-dir")
    stability = checked_path(stability_dir, "--stability-dir") if stability_dir is not None else None
    out = checked_path(plan_output, "--plan-output")
    layout = publish.Layout(out, checked_path(database, "--database") if database is not None
                            else out / publish.DATABASE_NAME)
    request = inputs.resolve_request(metrics_dir, stability, checked_names(targets, "--targets"),
                                     checked_names(symbols, "--symbols"), allow_missing_targets)
    timeline.record("config_and_discovery", started, time.time())

    with publish.locked(layout, lock_timeout):
        publish.prepare(layout)
        version = publish.new_version(layout)
        try:
            built = build.build(request, config, version.database, layout.previous_database(),
                                layout.work_dir, full_refresh, timeline, keep_plans=keep_plans,
                                progress=progress, notify=notify, engine=engine)
            with timeline.span("metadata_and_changes"), \
                    duckdb.connect(str(built.database), read_only=True) as connection:
                metadata = plan_metadata(connection)
                metadata["config_file"] = str(config_file) if config_file else None
                changes = current_changes(connection, metadata)
            progress.phase("exporting the plans")
            with publish.writing(version.folder):
                fault_point("export")
                written, light, job_summary = export(built.database, version.folder, metadata,
                                                     config["routing"]["dump_plan_as"], timeline)
                n_decisions = sum(sum(t["route_counts"].values()) for t in light["targets"].values())
                if n_decisions == 0:
                    raise NoCandidatesError(
                        f"no routing candidates: the selected targets in {metrics_dir} have no symbols to route"
                    )
                written += write_changes(version.folder / "routing_plan", changes)
            if not dry_run:
                if engine == "duckdb":  # a Spark build leaves no loaded layer for DuckDB to reuse
                    with timeline.span("record_loaded_layer"), publish.writing(built.database):
                        record_loaded_layer(built.database, built.listing_digest, built.selection)
                progress.phase("publishing")
                fault_point("promote")
                with timeline.span("promote"):
                    publish.publish(layout, version)
        except BaseException:
            publish.discard(layout, version)
            raise
        if dry_run:
            publish.discard(layout, version)
    timeline.record("total", started, time.time())
    return PlanOutcome(
        plan_id=metadata["plan_id"],
        plan_output=out,
        database=layout.database,
        artifacts=[] if dry_run else [out / path.relative_to(version.folder) for path in written],
        n_decisions=n_decisions,
        job_summary=job_summary,
        warnings=[*request.warnings, *built.warnings],
        routing_plan=light,
        timeline=timeline,
        build_attempts=built.attempts,
        metadata=metadata,
        changes=changes,
        dry_run=dry_run,
        config_file=config_file,
    )
