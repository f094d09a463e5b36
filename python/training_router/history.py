"""Plan identity, history and changes: the Python side of models/history.

The CLI hands dbt what only it knows (generated_at, git commit, the validated
config and its hash, the selection) as one JSON file at a constant path (the
source `router.run_info`); dbt computes inputs_hash and plan_id (plan_identity)
and keeps the history (plan_runs, routing_history, route_changes). This module
writes that file, reads the identity back as the artifacts' metadata, carries
the history into a fresh build database, and renders the changes.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb

from . import __version__
from .config import config_hash
from .errors import UsageError
from .metadata import generated_at, git_commit

HISTORY_TABLES = ("plan_runs", "routing_history")
CHANGES_DETAIL_LIMIT = 200
SUMMARY_TRANSITIONS = 5
CHANGE_COLUMNS = (
    "target_name", "symbol", "change_kind", "route_before", "route_after", "reason_codes_before",
    "reason_codes_after", "primary_reason_code_before", "primary_reason_code_after", "cs_state_before",
    "cs_state_after", "local_state_before", "local_state_after",
)


def write_run_info(path: Path, config: Mapping[str, Any], targets: list[str], symbols: list[str]) -> None:
    """The run's identity as dbt reads it (source router.run_info); JSON texts kept as
    text so that the metadata read back is exactly what was validated here."""
    document = {
        "generated_at": generated_at(),
        "git_commit": git_commit(),
        "router_version": __version__,
        "config_hash": config_hash(config),
        "config_json": json.dumps(config, ensure_ascii=False),
        "targets_json": json.dumps(targets, ensure_ascii=False),
        "symbols_json": json.dumps(symbols, ensure_ascii=False),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False) + "\n", encoding="utf-8")


def plan_metadata(connection: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The artifacts' metadata, from the database's plan_identity (its one owner)."""
    row = connection.execute(
        "select generated_at, git_commit, router_version, config_hash, inputs_hash, targets_json,"
        " symbols_json, plan_id, config_json from plan_identity"
    ).fetchone()
    if row is None:
        raise RuntimeError("plan_identity is empty")
    at, commit, version, config_digest, inputs_digest, targets, symbols, plan_id, config = row
    return {
        "generated_at": at,
        "git_commit": commit,
        "router_version": version,
        "config_hash": config_digest,
        "inputs_hash": inputs_digest,
        "targets_requested": json.loads(targets),
        "symbols_requested": json.loads(symbols),
        "plan_id": plan_id,
        "config": json.loads(config),
    }


def carry_history(previous: Path, build: Path) -> str | None:
    """Copy the history tables of the previous database into a fresh build database (the
    loaded layer was not reusable). Returns a warning when the previous history is unreadable."""
    if not previous.is_file():
        return None
    try:
        with duckdb.connect(str(build)) as connection:
            connection.execute("attach ? as previous (read_only)", [str(previous)])
            present = {
                name for (name,) in connection.execute(
                    "select table_name from information_schema.tables where table_catalog = 'previous'"
                ).fetchall()
            }
            for table in HISTORY_TABLES:
                if table in present:
                    connection.execute(f"create table {table} as select * from previous.main.{table}")
            connection.execute("detach previous")
            connection.execute("checkpoint")
    except duckdb.Error as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        return f"the plan history in {previous} could not be read ({first_line}); a new history starts"
    return None


def _change_rows(connection: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = connection.execute(sql, params)
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _run_row(connection: duckdb.DuckDBPyConnection, plan_id: str | None) -> dict[str, Any]:
    if plan_id is None:
        return {}
    rows = _change_rows(
        connection,
        "select plan_id, generated_at, config_hash, inputs_hash from plan_runs where plan_id = ?"
        " order by run_seq desc limit 1",
        [plan_id],
    )
    return rows[0] if rows else {}


def _change_document(connection: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]],
                     plan_id: str, previous_plan_id: str | None) -> dict[str, Any]:
    after, before = _run_row(connection, plan_id), _run_row(connection, previous_plan_id)
    metadata = {
        "plan_id": plan_id,
        "previous_plan_id": previous_plan_id,
        "generated_at": after.get("generated_at"),
        "previous_generated_at": before.get("generated_at"),
        "config_hash": after.get("config_hash"),
        "previous_config_hash": before.get("config_hash"),
        "inputs_hash": after.get("inputs_hash"),
        "previous_inputs_hash": before.get("inputs_hash"),
    }
    changes = [
        {
            "target": row["target_name"],
            "symbol": row["symbol"],
            "change_kind": row["change_kind"],
            "route_before": row["route_before"],
            "route_after": row["route_after"],
            "reason_codes_before": row["reason_codes_before"],
            "reason_codes_after": row["reason_codes_after"],
            "primary_reason_before": row["primary_reason_code_before"],
            "primary_reason_after": row["primary_reason_code_after"],
            "cs_state_before": row["cs_state_before"],
            "cs_state_after": row["cs_state_after"],
            "local_state_before": row["local_state_before"],
            "local_state_after": row["local_state_after"],
        }
        for row in rows
    ]
    return {"metadata": metadata, "changes": changes, "summary": summarise_changes(changes)}


def current_changes(connection: duckdb.DuckDBPyConnection, metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The changes document of the plan just built (table route_changes)."""
    previous = connection.execute(
        "select plan_id from plan_runs order by run_seq desc limit 1 offset 1"
    ).fetchone()
    rows = _change_rows(
        connection, f"select {', '.join(CHANGE_COLUMNS)} from route_changes order by target_name, symbol", [])
    document = _change_document(connection, rows, metadata["plan_id"], previous[0] if previous else None)
    document["metadata"]["generated_at"] = metadata["generated_at"]
    return document


def resolve_plan(connection: duckdb.DuckDBPyConnection, given: str) -> str:
    """A kept plan's id from its id or a unique prefix of it (exit 2 otherwise)."""
    matches = [
        plan_id for (plan_id,) in connection.execute(
            "select distinct plan_id from plan_runs where starts_with(plan_id, ?) order by plan_id", [given]
        ).fetchall()
    ]
    if len(matches) == 1:
        return str(matches[0])
    if not matches:
        raise UsageError(f"--compare: no kept plan has an id starting with {given!r} (see table plan_runs)")
    raise UsageError(f"--compare: {given!r} is the start of {len(matches)} kept plan ids; give more of it")


def compare_plans(database: Path, plan_before: str, plan_after: str) -> dict[str, Any]:
    """The changes between two plans kept in a published database (nothing is written)."""
    if not database.is_file():
        raise UsageError(f"--compare: database {database} does not exist")
    try:
        with duckdb.connect(str(database), read_only=True) as connection:
            before, after = resolve_plan(connection, plan_before), resolve_plan(connection, plan_after)
            rows = _change_rows(
                connection,
                f"select {', '.join(CHANGE_COLUMNS)} from route_changes_between(?, ?) order by target_name, symbol",
                [before, after],
            )
            return _change_document(connection, rows, after, before)
    except duckdb.Error as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise UsageError(f"--compare: {database} holds no readable plan history ({first_line})") from error


def _short(route: str | None) -> str:
    return "NONE" if route is None else route.removeprefix("ROUTE_")


def summarise_changes(changes: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    changes = list(changes)
    transitions = Counter(f"{_short(c['route_before'])}→{_short(c['route_after'])}"
                          for c in changes if c["change_kind"] == "changed")
    return {
        "n_changes": len(changes),
        "by_kind": {kind: sum(1 for c in changes if c["change_kind"] == kind)
                    for kind in ("changed", "appeared", "disappeared")},
        "by_transition": dict(sorted(transitions.items(), key=lambda item: (-item[1], item[0]))),
        "by_target": dict(sorted(Counter(c["target"] for c in changes).items())),
    }


def change_summary_line(document: Mapping[str, Any]) -> str:
    """One line of change counts for the end of the [ROUTER] summary."""
    previous = document["metadata"]["previous_plan_id"]
    if previous is None:
        return "[ROUTER] first plan at this location: no previous plan to compare with"
    summary = document["summary"]
    kinds = summary["by_kind"]
    if summary["n_changes"] == 0:
        return f"[ROUTER] no pair changed route since plan {previous}"
    parts = [f"{n} {transition}" for transition, n in list(summary["by_transition"].items())[:SUMMARY_TRANSITIONS]]
    if len(summary["by_transition"]) > SUMMARY_TRANSITIONS:
        parts.append("…")
    extra = [f"{kinds[kind]} {kind}" for kind in ("appeared", "disappeared") if kinds[kind]]
    text = f"[ROUTER] {kinds['changed']} pair(s) changed route since plan {previous}"
    if parts:
        text += ": " + ", ".join(parts)
    if extra:
        text += "; " + ", ".join(extra)
    return text


def _why_now(change: Mapping[str, Any]) -> str:
    """The new plan's primary reason for the pair, or that the pair left the plan."""
    return "not in the plan any more" if change["route_after"] is None else str(change["primary_reason_after"])


def _md_cell(value: Any) -> str:
    text = "" if value is None else ", ".join(value) if isinstance(value, list) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def changes_markdown(document: Mapping[str, Any]) -> str:
    """Per target: how many pairs changed and how, and the top reasons; every pair only
    when there are few."""
    meta, changes, summary = document["metadata"], document["changes"], document["summary"]
    lines = [
        "# Route changes",
        "",
        f"- plan_id: `{meta['plan_id']}`",
        f"- previous_plan_id: `{meta['previous_plan_id']}`" if meta["previous_plan_id"] else
        "- previous plan: none (the first plan at this location)",
        f"- generated_at: {meta['generated_at']}",
    ]
    if meta["previous_plan_id"]:
        lines += [
            f"- config: {'unchanged' if meta['config_hash'] == meta['previous_config_hash'] else 'changed'}; "
            f"inputs: {'unchanged' if meta['inputs_hash'] == meta['previous_inputs_hash'] else 'changed'}",
        ]
    kinds = summary["by_kind"]
    lines += [
        f"- {kinds['changed']} pair(s) changed route, {kinds['appeared']} appeared, "
        f"{kinds['disappeared']} disappeared",
        "",
    ]
    if not changes:
        return "\n".join(lines) + "\n"
    by_target: dict[str, list[Mapping[str, Any]]] = {}
    for change in changes:
        by_target.setdefault(change["target"], []).append(change)
    lines += ["## By target", "", "| target | changes | how | top reasons now |", "|---|---|---|---|"]
    for target, items in by_target.items():
        how = Counter(f"{_short(c['route_before'])}→{_short(c['route_after'])}" for c in items)
        reasons = Counter(_why_now(c) for c in items)
        lines.append(
            f"| {_md_cell(target)} | {len(items)} | "
            + _md_cell(", ".join(f"{n} {t}" for t, n in how.most_common(3)))
            + " | " + _md_cell(", ".join(f"{r} ({n})" for r, n in reasons.most_common(3))) + " |"
        )
    lines.append("")
    if len(changes) <= CHANGES_DETAIL_LIMIT:
        lines += ["## Pairs", "", "| target | symbol | before | after | reasons before | reasons after |",
                  "|---|---|---|---|---|---|"]
        lines += [
            "| " + " | ".join(_md_cell(v) for v in (c["target"], c["symbol"], c["route_before"], c["route_after"],
                                                     c["reason_codes_before"], c["reason_codes_after"])) + " |"
            for c in changes
        ]
    else:
        lines += [f"{len(changes)} pairs changed: routing_changes.json and the table `route_changes` list them all."]
    return "\n".join(lines) + "\n"


def write_changes(folder: Path, document: Mapping[str, Any]) -> list[Path]:
    """routing_changes.json (one change per line) and routing_changes.md into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path, md_path = folder / "routing_changes.json", folder / "routing_changes.md"
    dumps = json.dumps
    body = ",".join(f"\n    {dumps(change, ensure_ascii=False)}" for change in document["changes"])
    json_path.write_text(
        '{\n  "metadata": ' + dumps(document["metadata"], ensure_ascii=False)
        + ',\n  "changes": [' + body + ("\n  ]" if body else "]")
        + ',\n  "summary": ' + dumps(document["summary"], ensure_ascii=False) + "\n}\n",
        encoding="utf-8",
    )
    md_path.write_text(changes_markdown(document), encoding="utf-8")
    return [json_path, md_path]


def change_lines(document: Mapping[str, Any], limit: int = 50) -> list[str]:
    """The changes as [ROUTER] lines (for --compare and --dry-run)."""
    lines = [
        f"[ROUTER]   {c['target']} {c['symbol']}: {c['route_before'] or '(none)'} → {c['route_after'] or '(none)'}"
        f" ({_why_now(c)})"
        for c in document["changes"][:limit]
    ]
    if len(document["changes"]) > limit:
        lines.append(f"[ROUTER]   ... and {len(document['changes']) - limit} more")
    return lines
