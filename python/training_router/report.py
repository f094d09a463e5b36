"""routing_report.html: one self-contained page that shows the plan (the route map, per-target
counts and CS lanes, stability, near misses, changes since the previous plan).

The page needs no network: the charting library (Plotly's bundled plotly.min.js), the styles,
the script and the data are all inline. The data is read from the plan's tables on the
export's open connection and embedded once as JSON in a `<script type="application/json">`
block with `<`, `>`, `&`, U+2028 and U+2029 escaped, so a name like `</script>` stays data.
The page's script inserts every name with textContent (never innerHTML), and Plotly labels
get `&`, `<`, `>` as entities, which Plotly shows as text.

A 600k-decision plan is embedded column-wise (one character per pair for each enumerated
column, integer lists for scores) and drawn by Plotly's heatmap as one image, not one DOM
node per pair. The bytes depend only on the tables and the plan metadata, so the same plan
gives the same file.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from .project import enums

REPORT_NAME = "routing_report.html"
# the order routes are drawn and counted in (best lane first); colours in the page's script
ROUTES = ("ROUTE_BOTH", "ROUTE_CROSS_SECTIONAL", "ROUTE_SYMBOL_SPECIFIC", "ROUTE_EXPERIMENTAL_ONLY", "ROUTE_BLOCKED")
CS_STATE_ORDER = enums()["lane_states"]  # best first, as written in dbt_project.yml
STABILITY_ORDER = ("DIVERGED", "DRIFTING", "UNKNOWN", "STABLE")
# a pair is a near miss when its score is this close to a threshold of its lane
NEAR_MISS_DISTANCE = 0.02
NEAR_MISS_ROWS = 500
STABILITY_ROWS = 5_000
CHANGE_ROWS = 2_000
SCORE_SCALE = 10_000  # scores embedded as integers (4 decimals)
# one character per pair for an enumerated column: letters and digits only, '.' = no decision
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ENUM_COLUMNS = ("route", "local_state", "local_stability", "symbol_leakage_status", "local_successful_families")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _rows(connection: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = connection.execute(sql, params or [])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _has_table(connection: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = connection.execute(
        "select count(*) from information_schema.tables where table_name = ?", [name]).fetchone()
    return bool(found and found[0])


def _order_case(column: str, order: tuple[str, ...]) -> str:
    whens = " ".join(f"when '{value}' then {rank}" for rank, value in enumerate(order))
    return f"case {column} {whens} else {len(order)} end"


def _ordered_axes(connection: duckdb.DuckDBPyConnection) -> None:
    """Temp tables report_targets / report_symbols: display order of the map's rows and columns."""
    connection.execute(f"""
        create or replace temp table report_targets as
        select target_name, row_number() over (
            order by {_order_case('cs_state', CS_STATE_ORDER)}, n_blocked, target_name) - 1 as t_idx
        from routing_targets
    """)
    connection.execute("""
        create or replace temp table report_symbols as
        select symbol, usable, row_number() over (order by usable desc, symbol) - 1 as s_idx
        from (
            select symbol, count(*) filter (where route <> 'ROUTE_BLOCKED') as usable
            from routing_plan
            group by symbol
        )
    """)


def _dictionary(connection: duckdb.DuckDBPyConnection, column: str) -> list[str]:
    values = [str(r[0]) for r in connection.execute(
        f"select distinct coalesce(cast({column} as varchar), '') from routing_plan order by 1").fetchall()]
    if column == "route":  # route map colours are by position in ROUTES
        return list(ROUTES) + sorted(set(values) - set(ROUTES))
    return values


def _cells(connection: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Per target (in display order): a string per enumerated column, lists for the rest."""
    dictionaries = {column: _dictionary(connection, column) for column in _ENUM_COLUMNS}
    enum_sql = []
    for column, values in dictionaries.items():
        if len(values) > len(_ALPHABET):
            raise ValueError(f"{column} has {len(values)} distinct values, more than the report encodes")
        enum_sql.append(
            f"string_agg(coalesce(substr('{_ALPHABET}', list_position(?, coalesce(cast(plan.{column} as varchar), '')),"
            f" 1), '.'), '' order by symbols.s_idx) as {column}"
        )
    combos = [r[0] for r in connection.execute(
        "select distinct array_to_string(reason_codes, ',') from routing_plan order by 1").fetchall()]
    rows = connection.execute(
        f"""
        select
            targets.t_idx,
            {', '.join(enum_sql)},
            list(cast(round(plan.local_score * {SCORE_SCALE}) as bigint) order by symbols.s_idx) as score,
            list(plan.local_sample_size order by symbols.s_idx) as sample,
            list(list_position(?, array_to_string(plan.reason_codes, ',')) - 1 order by symbols.s_idx) as reasons
        from report_targets as targets
        cross join report_symbols as symbols
        left join routing_plan as plan
            on plan.target_name = targets.target_name and plan.symbol = symbols.symbol
        group by targets.t_idx
        order by targets.t_idx
        """,
        [*dictionaries.values(), combos],
    ).fetchall()
    columns = [*_ENUM_COLUMNS, "score", "sample", "reasons"]
    cells = {name: [row[i + 1] for row in rows] for i, name in enumerate(columns)}
    experimental = connection.execute("""
        select targets.t_idx, symbols.s_idx, plan.experimental_rank
        from routing_plan as plan
        inner join report_targets as targets on plan.target_name = targets.target_name
        inner join report_symbols as symbols on plan.symbol = symbols.symbol
        where plan.experimental_rank is not null
        order by 1, 2
    """).fetchall()
    return {
        "dictionaries": dictionaries,
        "reasonCombos": [c.split(",") if c else [] for c in combos],
        "cells": cells,
        "experimentalRank": [list(r) for r in experimental],
    }


def _targets(connection: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return _rows(connection, """
        select
            targets.target_name as name, targets.cs_state, targets.cs_route, targets.cs_reason,
            targets.cs_reason_codes, targets.cs_score, targets.cs_sample_size, targets.cs_successful_families,
            targets.cs_stability, targets.cs_source, targets.target_leakage_status, targets.task_type,
            targets.metric_name, targets.horizon_minutes, targets.n_symbols,
            [targets.n_both, targets.n_cross_sectional, targets.n_symbol_specific,
             targets.n_experimental_only, targets.n_blocked] as counts,
            targets.cs_min_score, targets.cs_strong_score, targets.local_min_score,
            targets.local_strong_score, targets.experimental_min_score,
            targets.cs_min_sample_size, targets.local_min_sample_size
        from routing_targets as targets
        inner join report_targets as ordered on targets.target_name = ordered.target_name
        order by ordered.t_idx
    """)


def _stability(connection: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    order = _order_case("stability_category", STABILITY_ORDER)
    rows = _rows(connection, f"""
        select target_name as target, universe, n_snapshots, n_pairs, mean_overlap, std_overlap,
            mean_tau, std_tau, stability_category as category
        from stability_metrics
        order by {order}, target_name, universe
        limit {STABILITY_ROWS}
    """)
    counts = dict(connection.execute(
        f"select stability_category, count(*) from stability_metrics group by 1 order by min({order}), 1").fetchall())
    return {"rows": rows, "counts": counts, "total": sum(counts.values())}


def _near_misses(connection: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    sql = f"""
        with local_lane as (
            select target_name, symbol, route, 'local' as lane, local_score as score,
                threshold_name, threshold
            from routing_plan
            unpivot (threshold for threshold_name in (local_min_score, local_strong_score, experimental_min_score))
        ),
        cs_lane as (
            select distinct target_name, cast(null as varchar) as symbol, cast(null as varchar) as route,
                'cross-sectional' as lane, cs_score as score, threshold_name, threshold
            from routing_plan
            unpivot (threshold for threshold_name in (cs_min_score, cs_strong_score))
        ),
        near as (
            select *, score - threshold as distance
            from (select * from local_lane union all select * from cs_lane)
            where abs(score - threshold) <= {NEAR_MISS_DISTANCE}
        )
        select * from near
    """
    total = connection.execute(f"select count(*) from ({sql})").fetchone()
    rows = _rows(connection, f"""
        select target_name as target, symbol, route, lane, score, threshold_name as threshold_name,
            threshold, round(distance, 6) as distance
        from ({sql})
        order by abs(distance), target_name, symbol nulls first, threshold_name
        limit {NEAR_MISS_ROWS}
    """)
    return {"rows": rows, "total": total[0] if total else 0, "distance": NEAR_MISS_DISTANCE}


def _previous_plan_id(connection: duckdb.DuckDBPyConnection) -> str | None:
    """The plan before this one at the same location (plan_runs' second latest row), if any."""
    if not _has_table(connection, "plan_runs"):
        return None
    found = connection.execute("select plan_id from plan_runs order by run_seq desc limit 1 offset 1").fetchone()
    return found[0] if found else None


def _changes(connection: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """route_changes (built with the plan history) against the previous plan; None: no previous plan."""
    previous = _previous_plan_id(connection)
    if previous is None or not _has_table(connection, "route_changes"):
        return None
    columns = {d[0] for d in connection.execute("select * from route_changes limit 0").description}
    extra = [c for c in ("reason_codes_before", "reason_codes_after", "change_kind") if c in columns]
    rows = _rows(connection, f"""
        select target_name as target, symbol, route_before, route_after{''.join(', ' + c for c in extra)}
        from route_changes
        order by target_name, symbol
        limit {CHANGE_ROWS}
    """)
    summary = _rows(connection, """
        select route_before, route_after, count(*) as n
        from route_changes
        group by all
        order by n desc, route_before nulls first, route_after nulls first
    """)
    return {"rows": rows, "summary": summary, "total": sum(r["n"] for r in summary), "previous_plan_id": previous}


def report_data(connection: duckdb.DuckDBPyConnection, metadata: dict[str, Any]) -> dict[str, Any]:
    """Everything the page shows, as one JSON-able document."""
    _ordered_axes(connection)
    symbols = connection.execute("select symbol, usable from report_symbols order by s_idx").fetchall()
    config = metadata.get("config") or {}
    routing = config.get("routing", {}) if isinstance(config, dict) else {}
    return {
        "meta": {k: metadata.get(k) for k in ("plan_id", "generated_at", "config_hash", "inputs_hash",
                                               "router_version", "git_commit")},
        "routes": list(ROUTES),
        "reasonText": dict(connection.execute(
            "select reason_code, reason_text from reason_codes order by reason_code").fetchall()),
        "targets": _targets(connection),
        "symbols": [s for s, _ in symbols],
        "symbolUsable": [u for _, u in symbols],
        **_cells(connection),
        "stability": {**_stability(connection), "classification": routing.get("stability_classification")},
        "nearMisses": _near_misses(connection),
        "changes": _changes(connection),
        "scoreScale": SCORE_SCALE,
    }


def embed_json(document: Any) -> str:
    """JSON safe inside <script type="application/json">: no '<', '>', '&', U+2028/2029 left."""
    text = json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=str)
    return "".join(_JSON_ESCAPES.get(ch, ch) for ch in text) if any(c in text for c in _JSON_ESCAPES) else text


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return _inline_script(get_plotlyjs())


def _inline_script(script: str) -> str:
    """Script text safe inside <script>: a `</script` (any case) would end the element early."""
    return re.sub(r"</(script)", r"<\\/\1", script, flags=re.IGNORECASE)


def render(data: dict[str, Any]) -> str:
    """The page: the template with its placeholders filled in one pass (no filled text is re-read)."""
    assets = resources.files("training_router") / "report_assets"
    parts = {
        "/*STYLE*/": (assets / "report.css").read_text(encoding="utf-8"),
        "/*PLOTLY*/": _plotly_js(),
        "/*APP*/": _inline_script((assets / "report.js").read_text(encoding="utf-8")),
        "/*DATA*/": embed_json(data),
    }
    template = (assets / "report.html").read_text(encoding="utf-8")
    return re.sub(r"/\*(STYLE|PLOTLY|APP|DATA)\*/", lambda m: parts[m.group(0)], template)


def write_report(connection: duckdb.DuckDBPyConnection, folder: Path, metadata: dict[str, Any]) -> Path:
    """Write routing_report.html into folder (the staging routing_plan/ folder) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / REPORT_NAME
    path.write_text(render(report_data(connection, metadata)), encoding="utf-8")
    return path
