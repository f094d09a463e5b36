"""Size and render time of routing_report.html at the large scale, on a synthetic plan.

Builds a DuckDB file whose plan tables have the columns the report reads (routing_plan,
routing_targets, stability_metrics, reason_codes, route_changes) with TARGETS x SYMBOLS
decisions, writes the report, then opens it in headless Chromium and reads the page's
own render time (data-render-ms) and the wall time of the browser run.

    python bench/report_scale.py [--targets 200] [--symbols 3000] [--out /tmp/report-scale]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import duckdb

from training_router.report import write_report

ROUTES = "['ROUTE_BOTH','ROUTE_CROSS_SECTIONAL','ROUTE_SYMBOL_SPECIFIC','ROUTE_EXPERIMENTAL_ONLY','ROUTE_BLOCKED']"
STATES = "['STRONG','WEAK_BUT_OK','EXPERIMENTAL','DISALLOWED']"
STABILITIES = "['STABLE','DRIFTING','DIVERGED','UNKNOWN']"


def build(database: Path, targets: int, symbols: int, repo: Path) -> None:
    with duckdb.connect(str(database)) as c:
        c.execute(f"create table reason_codes as select * from read_csv('{repo / 'seeds' / 'reason_codes.csv'}')")
        c.execute(f"""
            create table routing_plan as
            with pairs as (
                select t, s, hash(t * 7919 + s) as h
                from range({targets}) as tt(t) cross join range({symbols}) as ss(s)
                where hash(t * 31 + s) % 50 <> 0  -- a few pairs without metrics
            )
            select
                'target_' || lpad(t::varchar, 3, '0') || '_h' || (t % 7 * 5)::varchar || 'm' as target_name,
                'SYM' || lpad(s::varchar, 4, '0') as symbol,
                {ROUTES}[1 + (h % 5)::int] as route,
                'X' as route_code, 'LOCAL_STRONG' as primary_reason_code,
                {STATES}[1 + (t % 4)] as cs_state,
                {STATES}[1 + ((h >> 8) % 4)::int] as local_state,
                0.5 + (t % 13) / 100.0 as cs_score,
                0.45 + ((h >> 16) % 2000) / 10000.0 as local_score,
                200000 as cs_sample_size, ((h >> 24) % 90000)::int + 500 as local_sample_size,
                2 as cs_successful_families, ((h >> 32) % 3)::int as local_successful_families,
                []::varchar[] as local_failed_model_families,
                {STABILITIES}[1 + (t % 4)] as cs_stability,
                {STABILITIES}[1 + ((h >> 40) % 4)::int] as local_stability,
                'aggregated' as cs_source, 'SAFE' as target_leakage_status,
                ['SAFE','UNKNOWN','BLOCKED'][1 + ((h >> 44) % 3)::int] as symbol_leakage_status,
                'classification' as task_type, 'roc_auc' as metric_name, 60 as horizon_minutes, 'medium' as horizon_tier,
                0.52 as cs_min_score, 0.58 as cs_strong_score, 0.54 as local_min_score, 0.60 as local_strong_score,
                0.52 as experimental_min_score, 5000 as cs_min_sample_size, 1000 as local_min_sample_size,
                null::double as experimental_score,
                case when h % 5 = 3 then ((h >> 48) % 40)::int + 1 end as experimental_rank, 600 as experimental_cap,
                [['LOCAL_STRONG','BOTH_USABLE'],['CS_WEAK_BUT_OK','LOCAL_SCORE_TOO_LOW','CS_ONLY_USABLE'],
                 ['LOCAL_WEAK_BUT_OK','CS_SCORE_TOO_LOW','LOCAL_ONLY_USABLE'],
                 ['EXPERIMENTAL_LANE','LOCAL_EXPERIMENTAL'],['NO_RULE_MATCH','LOCAL_SCORE_TOO_LOW']][1 + (h % 5)::int]
                    as reason_codes,
                ['synthetic reason']::varchar[] as reasons
            from pairs
        """)
        c.execute("""
            create table routing_targets as
            select
                target_name, true as has_model_metadata, true as has_target_confidence,
                any_value(task_type) as task_type, any_value(metric_name) as metric_name,
                any_value(horizon_minutes) as horizon_minutes, any_value(horizon_tier) as horizon_tier,
                any_value(cs_source) as cs_source, any_value(cs_score) as cs_score,
                any_value(cs_sample_size) as cs_sample_size, 2 as cs_successful_families,
                any_value(cs_stability) as cs_stability, 'explicit' as cs_stability_source,
                any_value(cs_state) as cs_state, ['CS_STRONG'] as cs_reason_codes, []::varchar[] as cs_failed_model_families,
                'SAFE' as target_leakage_status, 'ENABLED' as cs_route, 'pooled job' as cs_reason,
                []::varchar[] as excluded_features, count(*) as n_symbols,
                count(*) filter (where route = 'ROUTE_CROSS_SECTIONAL') as n_cross_sectional,
                count(*) filter (where route = 'ROUTE_SYMBOL_SPECIFIC') as n_symbol_specific,
                count(*) filter (where route = 'ROUTE_BOTH') as n_both,
                count(*) filter (where route = 'ROUTE_EXPERIMENTAL_ONLY') as n_experimental_only,
                count(*) filter (where route = 'ROUTE_BLOCKED') as n_blocked,
                any_value(cs_min_score) as cs_min_score, any_value(cs_strong_score) as cs_strong_score,
                any_value(local_min_score) as local_min_score, any_value(local_strong_score) as local_strong_score,
                any_value(experimental_min_score) as experimental_min_score,
                any_value(cs_min_sample_size) as cs_min_sample_size,
                any_value(local_min_sample_size) as local_min_sample_size
            from routing_plan group by target_name
        """)
        c.execute("""
            create table stability_metrics as
            select target_name, symbol as universe, 3 as n_snapshots, 2 as n_pairs,
                (hash(target_name || symbol) % 1000) / 1000.0 as mean_overlap, 0.05 as std_overlap,
                (hash(symbol || target_name) % 2000) / 1000.0 - 1 as mean_tau, 0.05 as std_tau,
                ['STABLE','DRIFTING','DIVERGED','UNKNOWN'][1 + (hash(target_name || symbol) % 4)::int]
                    as stability_category
            from routing_plan
        """)
        c.execute("""
            create table route_changes as
            select target_name, symbol, 'ROUTE_BOTH' as route_before, route as route_after,
                ['LOCAL_STRONG'] as reason_codes_before, reason_codes as reason_codes_after, 'changed' as change_kind
            from routing_plan where hash(symbol || target_name) % 100 = 0 and route <> 'ROUTE_BOTH'
        """)


def render_in_chromium(html: Path) -> tuple[float, str]:
    profile = tempfile.mkdtemp(prefix="report-scale-profile-")
    started = time.time()
    try:
        dom = subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--virtual-time-budget=30000", "--dump-dom", html.as_uri()],
            capture_output=True, text=True, check=True, timeout=300).stdout
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    wall = time.time() - started
    status = re.search(r'data-report="(\w+)"', dom)
    render = re.search(r'data-render-ms="(\d+)"', dom)
    return wall, f"status={status.group(1) if status else '?'} render_ms={render.group(1) if render else '?'}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--targets", type=int, default=200)
    parser.add_argument("--symbols", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "report-scale")
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    database = args.out / "plan.duckdb"
    build(database, args.targets, args.symbols, Path(__file__).resolve().parents[1])
    with duckdb.connect(str(database), read_only=True) as connection:
        n = connection.execute("select count(*) from routing_plan").fetchone()
        started = time.time()
        path = write_report(connection, args.out, {"plan_id": "synthetic", "generated_at": "2026-11-30T00:00:00Z"})
        written = time.time() - started
    print(f"decisions={n[0] if n else 0} report_bytes={path.stat().st_size} write_s={written:.2f}")
    wall, page = render_in_chromium(path)
    print(f"chromium_wall_s={wall:.2f} {page}")


if __name__ == "__main__":
    main()
