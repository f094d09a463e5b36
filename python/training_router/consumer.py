"""The consumer API training code uses to read a training plan (docs/ROUTING_RULES.md §9).

A training plan is training_plan.json as the CLI (or generate_training_plan_from_routing)
writes it: `{"metadata": {...}, "jobs": [...], "summary": {...}}`. The helpers below
only select from `jobs`, keeping the plan's order (priority descending, then target,
then symbol); they never re-derive a job.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

JOB_FIELDS = ("job_id", "target", "symbol", "training_type", "route", "priority", "model_families", "reason",
              "metadata")
CROSS_SECTIONAL = "cross_sectional"
SYMBOL_SPECIFIC = "symbol_specific"


def _plan_file(path: Path) -> Path:
    for option in (path, path / "training_plan.json", path / "training_plan" / "training_plan.json"):
        if option.is_file():
            return option
    raise FileNotFoundError(f"no training_plan.json at {path}")


def _check_plan(plan: Any, source: Path) -> dict[str, Any]:
    """The plan if it has the training plan's shape, else ValueError naming the file and the problem."""
    if not isinstance(plan, dict) or not {"metadata", "jobs", "summary"} <= plan.keys():
        raise ValueError(f"{source}: not a training plan (expected an object with metadata, jobs and summary)")
    if not isinstance(plan["jobs"], list):
        raise ValueError(f"{source}: not a training plan (jobs is not a list)")
    for index, job in enumerate(plan["jobs"], start=1):
        missing = [field for field in JOB_FIELDS if not isinstance(job, dict) or field not in job]
        if missing:
            raise ValueError(f"{source}: not a training plan (job {index} lacks {', '.join(missing)})")
    return plan


def load_training_plan(path: str | Path) -> dict[str, Any]:
    """Read training_plan.json; `path` may be the file, its folder, or the plan output folder
    (e.g. METRICS). FileNotFoundError when there is none, ValueError when the file is not
    a training plan (not JSON, or not its shape)."""
    source = _plan_file(Path(path))
    try:
        with source.open(encoding="utf-8") as handle:
            plan = json.load(handle)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{source}: not a training plan (not JSON: {error})") from None
    return _check_plan(plan, source)


def get_jobs_for_target(plan: Mapping[str, Any], target: str) -> list[dict[str, Any]]:
    """Every job of `target` (pooled, symbol and, with include_blocked, blocked ones)."""
    return [job for job in plan["jobs"] if job["target"] == target]


def get_jobs_for_symbol(plan: Mapping[str, Any], symbol: str, include_pooled: bool = False) -> list[dict[str, Any]]:
    """The jobs whose `symbol` is `symbol` (its own jobs, across targets); with
    include_pooled also the pooled jobs whose universe (metadata.symbols) holds it."""
    return [
        job for job in plan["jobs"]
        if job["symbol"] == symbol
        or (include_pooled and job["symbol"] is None and symbol in (job["metadata"].get("symbols") or []))
    ]


def get_cs_jobs(plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The pooled jobs (training_type cross_sectional: cs_<target> and cs_exp_<target>)."""
    return [job for job in plan["jobs"] if job["training_type"] == CROSS_SECTIONAL]


def get_symbol_jobs(plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The per-symbol jobs (training_type symbol_specific; blocked jobs are not among them)."""
    return [job for job in plan["jobs"] if job["training_type"] == SYMBOL_SPECIFIC]


def should_train_target_symbol(plan: Mapping[str, Any], target: str, symbol: str) -> bool:
    """True when some job trains on the pair: its own symbol job, or a pooled job of the
    target whose universe holds the symbol. A blocked job does not train."""
    return any(
        (job["symbol"] == symbol and job["training_type"] == SYMBOL_SPECIFIC)
        or (job["training_type"] == CROSS_SECTIONAL and symbol in (job["metadata"].get("symbols") or []))
        for job in get_jobs_for_target(plan, target)
    )


def get_training_plan_summary(plan: Mapping[str, Any]) -> dict[str, Any]:
    """The plan's summary: total_jobs and the counts by_route, by_type and by_priority."""
    return dict(plan["summary"])
