"""The CLI's export: the six artifacts written straight from the DuckDB tables.

Each decision and each job is rendered to JSON by DuckDB (`json_object`) and
streamed into both routing_plan.json and routing_plan.yaml (in YAML as a
one-line flow mapping, which JSON text is). Python only assembles the
per-target parts, so a 600k-decision plan costs seconds, not minutes, and
memory stays bounded. The Markdown reports and the [ROUTER] summary come from a
"light" plan: every target, and only the decisions they show.
"""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TextIO

import duckdb

from . import fast_yaml, report
from .exporter import MARKDOWN_DETAIL_LIMIT, atomic_text, routing_plan_markdown, training_plan_markdown
from .publish import fsync_path
from .summary import SYMBOL_LINES_PER_TARGET
from .timeline import Timeline

BATCH = 50_000
# characters PyYAML refuses in a stream, or reads as line breaks, escaped for the YAML copy
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")

DECISION_JSON = """
    json_object(
        'route', plan.route,
        'cs_state', plan.cs_state,
        'local_state', plan.local_state,
        'primary_reason', plan.primary_reason,
        'route_reason', plan.route_reason,
        'reason', plan.reasons,
        'reason_codes', plan.reason_codes,
        'local_score', plan.local_score,
        'local_sample_size', plan.local_sample_size,
        'local_successful_families', plan.local_successful_families,
        'failed_model_families', plan.local_failed_model_families,
        'local_stability', plan.local_stability,
        'symbol_leakage_status', plan.symbol_leakage_status,
        'experimental_rank', plan.experimental_rank
    )
"""

JOB_JSON = """
    json_object(
        'job_id', job_id,
        'target', target_name,
        'symbol', symbol,
        'training_type', training_type,
        'route', route,
        'priority', priority,
        'model_families', model_families,
        'reason', reason,
        'metadata', json_object(
            'sample_size', sample_size,
            'failed_model_families', failed_model_families,
            'excluded_features', excluded_features,
            'symbols', symbols,
            'needs_cs_ensemble', needs_cs_ensemble,
            'experimental', experimental,
            'leakage_suspect', leakage_suspect
        )
    )
"""


THRESHOLD_COLUMNS = (
    "cs_min_score", "cs_strong_score", "local_min_score", "local_strong_score", "experimental_min_score",
    "cs_min_sample_size", "local_min_sample_size",
)


def _rows(connection: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = connection.execute(sql, params or [])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _quiet(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """No progress bar on the CLI's output (DuckDB draws one for queries over 2 s)."""
    connection.execute("set enable_progress_bar = false")
    return connection


def _timed(function: Callable[..., Path], *args: Any) -> tuple[Path, float, float]:
    started = time.time()
    return function(*args), started, time.time()


def _batches(connection: duckdb.DuckDBPyConnection, sql: str) -> Iterator[tuple[Any, ...]]:
    cursor = connection.execute(sql)
    while rows := cursor.fetchmany(BATCH):
        yield from rows


def _target_parts(connection: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """Everything of each target but its symbols, in target order."""
    targets: dict[str, dict[str, Any]] = {}
    for row in _rows(connection, "select * from routing_targets order by target_name"):
        name = row["target_name"]
        targets[name] = {
            "cross_sectional": {
                "state": row["cs_state"],
                "route": row["cs_route"],
                "reason": row["cs_reason"],
                "job_reason": row["cs_job_reason"],
                "experimental_job_reason": row["cs_experimental_job_reason"],
                "reason_codes": row["cs_reason_codes"],
                "score": row["cs_score"],
                "sample_size": row["cs_sample_size"],
                "successful_families": row["cs_successful_families"],
                "stability": row["cs_stability"],
                "stability_source": row["cs_stability_source"],
                "source": row["cs_source"],
                "failed_model_families": row["cs_failed_model_families"],
                "leakage_status": row["target_leakage_status"],
            },
            "task_type": row["task_type"],
            "metric_name": row["metric_name"],
            "horizon_minutes": row["horizon_minutes"],
            "horizon_tier": row["horizon_tier"],
            "excluded_features": row["excluded_features"],
            "route_counts": {
                "ROUTE_CROSS_SECTIONAL": row["n_cross_sectional"],
                "ROUTE_SYMBOL_SPECIFIC": row["n_symbol_specific"],
                "ROUTE_BOTH": row["n_both"],
                "ROUTE_EXPERIMENTAL_ONLY": row["n_experimental_only"],
                "ROUTE_BLOCKED": row["n_blocked"],
            },
        }
        if row["n_symbols"]:
            targets[name]["thresholds"] = {key: row[key] for key in THRESHOLD_COLUMNS}
    return targets


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _yaml_flow(json_text: str) -> str:
    if json_text.isascii():  # O(1) in CPython; every unsafe character is outside ASCII
        return json_text
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", json_text)


# A symbol's key in each format; symbols repeat across targets (3,000 names for 600k decisions).
_json_key = functools.lru_cache(maxsize=65_536)(_json_text)
_yaml_key = functools.lru_cache(maxsize=65_536)(fast_yaml.scalar)


def _yaml_block(mapping: dict[str, Any], indent: int) -> str:
    """A mapping as block YAML indented by `indent` spaces (fast_yaml, re-indented)."""
    pad = " " * indent
    return "".join(pad + line + "\n" for line in fast_yaml.dumps(mapping).splitlines())


def _write_routing_plan(connection: duckdb.DuckDBPyConnection, targets: dict[str, dict[str, Any]],
                        metadata: dict[str, Any], json_out: TextIO | None, yaml_out: TextIO | None) -> None:
    decisions = _batches(
        connection,
        f"""
        select plan.target_name, plan.symbol, {DECISION_JSON} as decision
        from routing_plan as plan
        order by plan.target_name, plan.symbol
        """,
    )
    pending = next(decisions, None)
    if json_out:
        json_out.write('{\n  "metadata": ' + _json_text(metadata) + ',\n  "targets": {')
    if yaml_out:
        yaml_out.write(fast_yaml.dumps({"metadata": metadata}) + "targets:" + ("\n" if targets else " {}\n"))
    for index, (name, parts) in enumerate(targets.items()):
        if json_out:
            json_out.write(("," if index else "") + f"\n    {_json_text(name)}: {{")
            for key, value in parts.items():
                json_out.write(f"\n      {_json_text(key)}: {_json_text(value)},")
            json_out.write('\n      "symbols": {')
        if yaml_out:
            yaml_out.write(f"  {fast_yaml.scalar(name)}:\n" + _yaml_block(parts, 4))
        first = True
        json_lines: list[str] = []
        yaml_lines: list[str] = []
        while pending is not None and pending[0] == name:
            _, symbol, decision = pending
            json_lines.append(f"\n        {_json_key(symbol)}: {decision}")
            yaml_lines.append(f"      {_yaml_key(symbol)}: {_yaml_flow(decision)}\n")
            first = False
            pending = next(decisions, None)
        if json_out:
            json_out.write(",".join(json_lines))
        if yaml_out and yaml_lines:
            yaml_out.write("    symbols:\n" + "".join(yaml_lines))
        if json_out:
            json_out.write("\n      }\n    }" if not first else "}\n    }")
        if yaml_out and first:
            yaml_out.write("    symbols: {}\n")
    if json_out:
        json_out.write("\n  }\n}\n" if targets else "}\n}\n")


def _job_summary(connection: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    def counts(column: str, order: str) -> dict[str, int]:
        return {str(k): v for k, v in connection.execute(
            f"select {column}, count(*) from training_plan group by {column} order by {order}").fetchall()}

    total = connection.execute("select count(*) from training_plan").fetchone()
    return {
        "total_jobs": total[0] if total else 0,
        "by_route": counts("route", "route"),
        "by_type": counts("training_type", "training_type"),
        "by_priority": counts("priority", "priority desc"),
    }


def _write_training_plan(connection: duckdb.DuckDBPyConnection, metadata: dict[str, Any], summary: dict[str, Any],
                         json_out: TextIO | None, yaml_out: TextIO | None) -> None:
    rows = _batches(connection, f"select {JOB_JSON} as job from training_plan order by plan_position")
    jobs = (job for (job,) in rows)
    _stream_training_plan(jobs, metadata, summary, json_out, yaml_out)


def _stream_training_plan(jobs: Iterable[str], metadata: dict[str, Any], summary: dict[str, Any],
                          json_out: TextIO | None, yaml_out: TextIO | None) -> None:
    """training_plan.json / .yaml from the jobs, each already one line of JSON text."""
    if json_out:
        json_out.write('{\n  "metadata": ' + _json_text(metadata) + ',\n  "jobs": [')
    if yaml_out:
        yaml_out.write(fast_yaml.dumps({"metadata": metadata}))
    first = True
    for job in jobs:
        if json_out:
            json_out.write(("," if not first else "") + f"\n    {job}")
        if yaml_out:
            yaml_out.write(("jobs:\n" if first else "") + f"- {_yaml_flow(job)}\n")
        first = False
    if json_out:
        json_out.write(("\n  ]" if not first else "]") + ',\n  "summary": ' + _json_text(summary) + "\n}\n")
    if yaml_out:
        yaml_out.write(("jobs: []\n" if first else "") + fast_yaml.dumps({"summary": summary}))


def light_plan(connection: duckdb.DuckDBPyConnection, targets: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Targets with only the decisions the summary and the Markdown report show."""
    shown = _rows(
        connection,
        f"""
        with shown as (
            select plan.*
            from routing_plan as plan
            inner join routing_targets as targets on plan.target_name = targets.target_name
            where targets.n_symbols <= {SYMBOL_LINES_PER_TARGET}
            union
            select * from (
                select *
                from routing_plan
                where (select count(*) from routing_plan) <= {MARKDOWN_DETAIL_LIMIT}
                    or route in ('ROUTE_BLOCKED', 'ROUTE_EXPERIMENTAL_ONLY')
                order by target_name, symbol
                limit {MARKDOWN_DETAIL_LIMIT + 1}
            )
        )
        select shown.target_name, shown.symbol, shown.route, shown.cs_state, shown.local_state, shown.reasons,
            shown.primary_reason
        from shown
        order by shown.target_name, shown.symbol
        """,
    )
    plan_targets = {name: {**parts, "symbols": {}} for name, parts in targets.items()}
    for row in shown:
        plan_targets[row["target_name"]]["symbols"][row["symbol"]] = {
            "route": row["route"], "cs_state": row["cs_state"], "local_state": row["local_state"],
            "reason": row["reasons"], "primary_reason": row["primary_reason"],
        }
    return {"targets": plan_targets}


def export(database: Path, out_dir: Path, metadata: dict[str, Any], formats: list[str],
           timeline: Timeline) -> tuple[list[Path], dict[str, Any], dict[str, Any]]:
    """Write the artifacts under out_dir; return the files, the light plan and the job summary."""
    written: list[Path] = []
    # The HTML report is built beside the plans, on a cursor of its own: its queries run in
    # DuckDB (no GIL) while Python writes the plans. Each plan file, once written, is flushed
    # to disk beside the next one (publish.py flushes again, then finds nothing left to
    # write). About 1.5 s less at large scale (bench/RESULTS.md, "Sixth session").
    with duckdb.connect(str(database), read_only=True) as connection, \
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="report") as beside, \
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="flush") as flusher:
        report_written = beside.submit(_timed, report.write_report, _quiet(connection.cursor()),
                                       out_dir / "routing_plan", metadata)
        _quiet(connection)
        flushed: list[Future[None]] = []
        with timeline.span("read_targets"):
            targets = _target_parts(connection)
            summary = _job_summary(connection)
            light = light_plan(connection, targets)
            light["metadata"] = metadata
            first_jobs = _first_jobs(connection) if "MARKDOWN" in formats else []
        for name, writer, args in (
            ("routing_plan", _write_routing_plan, (targets, metadata)),
            ("training_plan", _write_training_plan, (metadata, summary)),
        ):
            folder = out_dir / name
            folder.mkdir(parents=True, exist_ok=True)
            json_path, yaml_path = folder / f"{name}.json", folder / f"{name}.yaml"
            started = time.time()
            with (json_path.open("w", encoding="utf-8") if "JSON" in formats else _Null()) as json_out, \
                    (yaml_path.open("w", encoding="utf-8") if "YAML" in formats else _Null()) as yaml_out:
                writer(connection, *args, json_out or None, yaml_out or None)  # type: ignore[operator]
            timeline.record(f"export_{name}.json+yaml", started, time.time())
            files = [p for p, kind in ((json_path, "JSON"), (yaml_path, "YAML")) if kind in formats]
            written += files
            flushed += [flusher.submit(fsync_path, path) for path in files]
        if "PARQUET" in formats:
            with timeline.span("export_parquet"):
                written += write_parquet(connection, out_dir)
        report_path, report_started, report_ended = report_written.result()
        for flush in flushed:
            flush.result()  # a file that cannot be flushed fails the export (publish.fsync_path)
        written.append(report_path)
        timeline.record("export_report", report_started, report_ended)
    if "MARKDOWN" in formats:
        started = time.time()
        (out_dir / "routing_plan" / "routing_plan.md").write_text(routing_plan_markdown(light), encoding="utf-8")
        training_light = {"metadata": metadata, "summary": summary, "jobs": first_jobs}
        (out_dir / "training_plan" / "training_plan.md").write_text(
            training_plan_markdown(training_light), encoding="utf-8")
        written += [out_dir / "routing_plan" / "routing_plan.md", out_dir / "training_plan" / "training_plan.md"]
        timeline.record("export_markdown", started, time.time())
    return written, light, summary


# The tables copied as they are (every column, DuckDB types) in the artifacts' order.
PARQUET_TABLES = (
    ("routing_plan", "order by target_name, symbol"),
    ("training_plan", "order by plan_position"),
)


def _sql_path(path: Path) -> str:
    """A path as a SQL string literal (COPY takes no parameter for its file)."""
    return "'" + str(path).replace("'", "''") + "'"


def write_parquet(connection: duckdb.DuckDBPyConnection, out_dir: Path) -> list[Path]:
    """routing_plan.parquet and training_plan.parquet, straight from the tables (dump_plan_as PARQUET)."""
    written = []
    for table, order in PARQUET_TABLES:
        path = out_dir / table / f"{table}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        connection.execute(f"copy (select * from {table} {order}) to {_sql_path(path)} (format parquet)")
        written.append(path)
    return written


def _first_jobs(connection: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The jobs the Markdown report lists (one more than it shows, so it can say there are more)."""
    rows = connection.execute(
        f"select {JOB_JSON} from training_plan order by plan_position limit {MARKDOWN_DETAIL_LIMIT + 1}"
    ).fetchall()
    return [json.loads(row[0]) for row in rows]


class _Null:
    """Stands in for a file of a format not asked for."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def write_training_plan_document(folder: Path, plan: dict[str, Any], formats: Iterable[str]) -> list[Path]:
    """A training plan held in Python (the API's) written the way the CLI's export writes it
    (same streaming writers, so the same bytes), each file atomically (temp file + rename)."""
    formats = set(formats)
    folder.mkdir(parents=True, exist_ok=True)
    jobs = [json.dumps(job, ensure_ascii=False, allow_nan=False, separators=(",", ":")) for job in plan["jobs"]]
    written = []
    for kind, path in (("JSON", folder / "training_plan.json"), ("YAML", folder / "training_plan.yaml")):
        if kind in formats:
            with atomic_text(path) as out:
                _stream_training_plan(jobs, plan["metadata"], plan["summary"],
                                      out if kind == "JSON" else None, out if kind == "YAML" else None)
            written.append(path)
    if "MARKDOWN" in formats:
        with atomic_text(folder / "training_plan.md") as out:
            out.write(training_plan_markdown(plan))
        written.append(folder / "training_plan.md")
    return written
