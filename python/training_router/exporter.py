"""The Markdown reports and the job summary, shared by the CLI's streaming export and the
Python API (both write their JSON/YAML through streaming_export.py), and atomic file writes."""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

from .project import enums

ROUTES = enums()["routes"]
MARKDOWN_DETAIL_LIMIT = 200


def summarise_jobs(jobs: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Counts of jobs by route, by training type and by priority."""
    jobs = list(jobs)
    by_priority = Counter(str(job["priority"]) for job in jobs)
    return {
        "total_jobs": len(jobs),
        "by_route": dict(sorted(Counter(job["route"] for job in jobs).items())),
        "by_type": dict(sorted(Counter(job["training_type"] for job in jobs).items())),
        "by_priority": {key: by_priority[key] for key in sorted(by_priority, key=int, reverse=True)},
    }


# --- files ---------------------------------------------------------------------


@contextlib.contextmanager
def atomic_text(path: Path) -> Iterator[TextIO]:
    """Open a temporary file beside `path` for writing; on success rename it over `path`,
    so a reader sees the old file or the whole new one, never a part; on failure remove it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("w", encoding="utf-8") as handle:
            yield handle
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _md_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(header: list[str], rows: Iterable[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return lines


def routing_plan_markdown(plan: Mapping[str, Any]) -> str:
    """A readable report: totals, one line per target, and per-symbol detail for
    the targets it fits for (long plans list only what is not routed normally)."""
    meta = plan["metadata"]
    targets = plan["targets"]
    totals: Counter[str] = Counter()
    for target in targets.values():
        totals.update(target["route_counts"])
    n_decisions = sum(totals.values())
    lines = [
        "# Routing plan",
        "",
        f"- plan_id: `{meta['plan_id']}`",
        f"- generated_at: {meta['generated_at']}",
        f"- config_hash: `{meta['config_hash']}`",
        f"- inputs_hash: `{meta['inputs_hash']}`",
        f"- {len(targets)} target(s), {n_decisions} decision(s)",
        "",
        "## Decisions by route",
        "",
        *_md_table(["route", "pairs"], [[route, totals.get(route, 0)] for route in ROUTES]),
        "",
        "## Targets",
        "",
        *_md_table(
            ["target", "CS state", "CS job", "CS score", "CS stability", "CS", "SYM", "BOTH", "EXP", "BLOCKED"],
            [
                [
                    name,
                    t["cross_sectional"]["state"],
                    t["cross_sectional"]["route"],
                    t["cross_sectional"]["score"],
                    t["cross_sectional"]["stability"],
                    *[t["route_counts"][route] for route in ROUTES],
                ]
                for name, t in targets.items()
            ],
        ),
        "",
    ]
    detailed = n_decisions <= MARKDOWN_DETAIL_LIMIT
    lines += [
        "## Decisions" if detailed else "## Decisions other than the usual",
        "",
    ]
    if not detailed:
        lines += [
            f"The plan has {n_decisions} decisions; listed here are the blocked and experimental",
            f"ones (at most {MARKDOWN_DETAIL_LIMIT}). routing_plan.json and the DuckDB table",
            "`routing_plan` hold every decision.",
            "",
        ]
    rows = []
    for name, target in targets.items():
        for symbol, decision in target["symbols"].items():
            if detailed or decision["route"] in ("ROUTE_BLOCKED", "ROUTE_EXPERIMENTAL_ONLY"):
                rows.append([name, symbol, decision["route"], decision["cs_state"], decision["local_state"],
                             "; ".join(decision["reason"])])
    lines += _md_table(["target", "symbol", "route", "CS", "local", "reasons"], rows[:MARKDOWN_DETAIL_LIMIT])
    if len(rows) > MARKDOWN_DETAIL_LIMIT:
        lines += ["", f"... and {len(rows) - MARKDOWN_DETAIL_LIMIT} more."]
    return "\n".join(lines) + "\n"


def training_plan_markdown(plan: Mapping[str, Any]) -> str:
    meta = plan["metadata"]
    summary = plan["summary"]
    jobs = plan["jobs"]
    lines = [
        "# Training plan",
        "",
        f"- plan_id: `{meta['plan_id']}`",
        f"- generated_at: {meta['generated_at']}",
        f"- {summary['total_jobs']} job(s)",
        "",
        "## Jobs by priority",
        "",
        *_md_table(["priority", "jobs"], list(summary["by_priority"].items())),
        "",
        "## Jobs by type",
        "",
        *_md_table(["training type", "jobs"], list(summary["by_type"].items())),
        "",
        "## Jobs by route",
        "",
        *_md_table(["route", "jobs"], list(summary["by_route"].items())),
        "",
        "## Jobs" if len(jobs) <= MARKDOWN_DETAIL_LIMIT else f"## First {MARKDOWN_DETAIL_LIMIT} jobs",
        "",
        *_md_table(
            ["#", "job_id", "type", "priority", "families", "notes", "reason"],
            [
                [
                    i,
                    job["job_id"],
                    job["training_type"],
                    job["priority"],
                    ", ".join(job["model_families"]),
                    ", ".join(
                        k for k in ("needs_cs_ensemble", "experimental", "leakage_suspect") if job["metadata"].get(k)
                    ),
                    job["reason"],
                ]
                for i, job in enumerate(jobs[:MARKDOWN_DETAIL_LIMIT], start=1)
            ],
        ),
    ]
    return "\n".join(lines) + "\n"
