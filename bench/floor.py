#!/usr/bin/env python3
"""The "floor": one hand-written DuckDB script that routes a metrics directory.

Usage:
    python bench/floor.py DIR [--db FILE] [--threads N] [--load-workers N]
                              [--meta-read {struct,json}] [--snap-read {text,json}]
                              [--memory-limit 4GB]

No dbt, no input validation, no artifact export: it loads the inputs of docs/ROUTING_RULES.md
section 2, computes the derived metrics (section 4, including stability Jaccard / Kendall
tau), the lane states (section 5) and the routes (section 6, including the experimental
cap and machine-readable reason codes) with the default configuration, and prints wall
seconds per step, the peak RSS, the number of decisions and the count per route. It is
the speed a dbt implementation should be compared against.

Fast paths used (see bench/README.md for the measurements):
- read_text + from_json with a declared type (metadata: MAP(VARCHAR, STRUCT(...)),
  snapshots: STRUCT with VARCHAR[] / DOUBLE[]), never read_json over many small files;
- the file list split over --load-workers DuckDB cursors driven from Python threads
  (one read_text scan walks its files on one thread);
- SET preserve_insertion_order = false;
- stability from list functions: one list_position pass gives both the top-k overlap and
  the common features, Kendall tau counts inversions with a list_reduce bitmask fold.
"""
from __future__ import annotations

import argparse
import glob
import os
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import duckdb

import thresholds

# ---- default configuration (spec section 3) -------------------------------------------
MIN_SAMPLE_CS, MIN_SAMPLE_SYM = 5000, 1000
CLS = dict(zip(("cs_min", "cs_strong", "sym_min", "sym_strong"), thresholds.CLASSIFICATION, strict=True))
# tier: (cs_min, cs_strong, sym_min, sym_strong)
REG = thresholds.REGRESSION
EXP_MIN = 0.52
EXP_FRACTION = 0.2
MIN_FAMILIES = 1
STAB = dict(stable_overlap_min=0.70, stable_tau_min=0.60, drifting_overlap_min=0.50,
            drifting_tau_min=0.40, max_std_overlap=0.20, max_std_tau=0.25,
            min_snapshots=2, top_k=20)

META_TYPE_STRUCT = ('"MAP(VARCHAR, STRUCT(score DOUBLE, auc DOUBLE, sample_size BIGINT, '
                    'n_samples BIGINT, status VARCHAR, task_type VARCHAR, metric_name VARCHAR, '
                    'stability VARCHAR))"')
TC_TYPE = ('{"score":"DOUBLE","auc":"DOUBLE","sample_size":"BIGINT","n_samples":"BIGINT",'
           '"task_type":"VARCHAR","metric_name":"VARCHAR","stability":"VARCHAR",'
           '"model_families":"MAP(VARCHAR, VARCHAR)"}')
LEAK_TYPE = '{"status":"VARCHAR","symbols":"MAP(VARCHAR, VARCHAR)","features":"MAP(VARCHAR, VARCHAR)"}'
SNAP_TYPE = ('{"run_id":"VARCHAR","created_at":"VARCHAR","features":["VARCHAR"],'
             '"importances":["DOUBLE"]}')


def q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--db", default=":memory:")
    ap.add_argument("--threads", type=int, default=0, help="DuckDB threads (0 = DuckDB default)")
    ap.add_argument("--meta-read", choices=["struct", "json"], default="struct",
                    help="from_json into MAP(VARCHAR, STRUCT(...)) or MAP(VARCHAR, JSON) + ->>")
    ap.add_argument("--snap-read", choices=["text", "json"], default="text",
                    help="read_text + from_json, or read_json with explicit columns")
    ap.add_argument("--memory-limit", default=None)
    ap.add_argument("--load-workers", type=int, default=os.cpu_count() or 2,
                    help="parallel DuckDB cursors for reading the files (default: nproc)")
    a = ap.parse_args(argv)

    d = os.path.abspath(a.dir)
    con = duckdb.connect(a.db)
    if a.threads:
        con.execute(f"SET threads = {a.threads}")
    if a.memory_limit:
        con.execute(f"SET memory_limit = {q(a.memory_limit)}")
    con.execute("SET preserve_insertion_order = false")
    timings: list[tuple[str, float]] = []
    t_all = time.perf_counter()

    def step(name, sqls):
        t = time.perf_counter()
        for s in sqls:
            con.execute(s)
        timings.append((name, time.perf_counter() - t))

    # Target folders, split round-robin over the load workers. DuckDB's read_text scans its
    # file list on one thread and spends ~40 us per file, so W cursors each reading 1/W of
    # the targets (from W Python threads) is close to W times faster on W cores.
    targets = sorted(e.name for e in os.scandir(d) if e.is_dir())
    W = max(1, a.load_workers)
    groups = [targets[i::W] for i in range(W)]

    def parallel_load(table: str, columns: str, select_for_paths, paths_for_targets) -> None:
        con.execute(f"CREATE TABLE {table} ({columns})")

        def work(grp):
            paths = paths_for_targets(grp)
            if not paths:
                return
            cur = con.cursor()
            cur.execute(f"INSERT INTO {table} " + select_for_paths(), [paths])
            cur.close()
        if W == 1:
            work(groups[0])
        else:
            with ThreadPoolExecutor(W) as ex:
                list(ex.map(work, groups))

    # ------------------------------------------------------------------ load metadata
    if a.meta_read == "struct":
        meta_src = f"""
            SELECT regexp_extract(filename, '([^/]+)/model_metadata\\.json$', 1) AS target,
                   unnest(map_entries(from_json(content, {q(META_TYPE_STRUCT)}))) AS kv
            FROM read_text(?)"""
        fields = """kv.value.score AS score_raw, kv.value.auc AS auc, kv.value.sample_size AS ss,
                    kv.value.n_samples AS ns, kv.value.status AS status_raw,
                    kv.value.task_type AS task_type, kv.value.metric_name AS metric_name,
                    kv.value.stability AS stability"""
    else:
        meta_src = """
            SELECT regexp_extract(filename, '([^/]+)/model_metadata\\.json$', 1) AS target,
                   unnest(map_entries(from_json(content, '"MAP(VARCHAR, JSON)"'))) AS kv
            FROM read_text(?)"""
        fields = """TRY_CAST(kv.value->>'score' AS DOUBLE) AS score_raw,
                    TRY_CAST(kv.value->>'auc' AS DOUBLE) AS auc,
                    TRY_CAST(kv.value->>'sample_size' AS BIGINT) AS ss,
                    TRY_CAST(kv.value->>'n_samples' AS BIGINT) AS ns,
                    kv.value->>'status' AS status_raw, kv.value->>'task_type' AS task_type,
                    kv.value->>'metric_name' AS metric_name, kv.value->>'stability' AS stability"""
    meta_select = f"""
        WITH e AS ({meta_src}),
        f AS (SELECT target, string_split(kv.key, ':') AS parts, {fields} FROM e)
        SELECT target, parts[1] AS symbol, parts[-1] AS family,
               coalesce(score_raw, auc) AS score,
               coalesce(ss, ns, 0) AS sample_size,
               coalesce(status_raw, CASE WHEN isfinite(coalesce(score_raw, auc)) THEN 'OK' ELSE 'FAILED' END) AS status,
               task_type, metric_name, stability
        FROM f"""
    t = time.perf_counter()
    parallel_load(
        "entries",
        "target VARCHAR, symbol VARCHAR, family VARCHAR, score DOUBLE, sample_size BIGINT, "
        "status VARCHAR, task_type VARCHAR, metric_name VARCHAR, stability VARCHAR",
        lambda: meta_select,
        lambda grp: [p for p in (os.path.join(d, tg, "model_metadata.json") for tg in grp) if os.path.exists(p)])
    timings.append(("load metadata", time.perf_counter() - t))

    # ------------------------------------------------------- target_confidence / leakage
    tc_files = glob.glob(os.path.join(d, "*", "target_confidence.json"))
    lk_files = glob.glob(os.path.join(d, "*", "leakage.json"))
    sqls = []
    if tc_files:
        sqls.append(f"""
            CREATE TABLE tc AS
            WITH r AS (SELECT regexp_extract(filename, '([^/]+)/target_confidence\\.json$', 1) AS target,
                              from_json(content, {q(TC_TYPE)}) AS j
                       FROM read_text({q(os.path.join(d, '*', 'target_confidence.json'))}))
            SELECT target, coalesce(j.score, j.auc) AS score,
                   coalesce(j.sample_size, j.n_samples, 0) AS sample_size,
                   j.task_type AS task_type, j.metric_name AS metric_name, j.stability AS stability,
                   CASE WHEN j.model_families IS NULL THEN NULL
                        ELSE len(list_filter(map_values(j.model_families), lambda v: v = 'OK')) END AS n_families_ok
            FROM r""")
    else:
        sqls.append("""CREATE TABLE tc (target VARCHAR, score DOUBLE, sample_size BIGINT, task_type VARCHAR,
                       metric_name VARCHAR, stability VARCHAR, n_families_ok BIGINT)""")
    if lk_files:
        sqls.append(f"""
            CREATE TABLE leak AS
            SELECT regexp_extract(filename, '([^/]+)/leakage\\.json$', 1) AS target,
                   from_json(content, {q(LEAK_TYPE)}) AS j
            FROM read_text({q(os.path.join(d, '*', 'leakage.json'))})""")
        sqls.append("""CREATE TABLE leak_target AS SELECT target, coalesce(j.status, 'UNKNOWN') AS status FROM leak""")
        sqls.append("""CREATE TABLE leak_symbol AS
                       SELECT target, unnest(map_keys(j.symbols)) AS symbol, unnest(map_values(j.symbols)) AS status
                       FROM leak WHERE j.symbols IS NOT NULL""")
    else:
        sqls.append("CREATE TABLE leak_target (target VARCHAR, status VARCHAR)")
        sqls.append("CREATE TABLE leak_symbol (target VARCHAR, symbol VARCHAR, status VARCHAR)")
    step("load target_confidence/leakage", sqls)

    # ------------------------------------------------------------------ load snapshots
    snap_cols = ("target VARCHAR, universe VARCHAR, run_id VARCHAR, created_at VARCHAR, "
                 "features VARCHAR[], importances DOUBLE[]")
    if a.snap_read == "text":
        snap_select = f"""
            SELECT tu.target, tu.universe, j.run_id, j.created_at, j.features, j.importances
            FROM (SELECT regexp_extract(filename, '([^/]+)/stability/([^/]+)/[^/]+$', ['target', 'universe']) AS tu,
                         from_json(content, {q(SNAP_TYPE)}) AS j
                  FROM read_text(?))"""
    else:  # measured ~6x slower than read_text + from_json; kept for comparison
        snap_select = """
            SELECT tu.target, tu.universe, run_id, created_at, features, importances
            FROM (SELECT regexp_extract(filename, '([^/]+)/stability/([^/]+)/[^/]+$', ['target', 'universe']) AS tu,
                         run_id, created_at, features, importances
                  FROM read_json(?, filename = true, format = 'auto',
                                 columns = {run_id: 'VARCHAR', created_at: 'VARCHAR',
                                            features: 'VARCHAR[]', importances: 'DOUBLE[]'}))"""
    t = time.perf_counter()
    parallel_load(
        "snap", snap_cols, lambda: snap_select,
        lambda grp: [os.path.join(d, tg, "stability", "*", "*.json") for tg in grp
                     if os.path.isdir(os.path.join(d, tg, "stability"))])
    timings.append(("load snapshots", time.perf_counter() - t))

    # ------------------------------------------------------------------ stability
    k = STAB["top_k"]
    step("stability", [f"""
        CREATE TABLE snap_pairs AS
        WITH ranked AS (
            -- rank = position after sorting by importance descending, ties in list order
            SELECT target, universe, run_id, created_at,
                   CASE WHEN importances IS NULL THEN features
                        ELSE list_select(features, list_grade_up(
                                 list_transform(importances, lambda x, i: {{'n': -x, 'i': i}})))
                   END AS r
            FROM snap),
        seq AS (
            SELECT target, universe, r,
                   lag(r) OVER (PARTITION BY target, universe
                                ORDER BY TRY_CAST(created_at AS TIMESTAMP), created_at, run_id) AS p
            FROM ranked),
        pos AS (
            -- for each feature of the previous ranking, its 1-based rank in the current one
            SELECT target, universe, len(p) AS np, len(r) AS nr,
                   list_transform(p, lambda f: list_position(r, f)) AS pb
            FROM seq WHERE p IS NOT NULL),
        pos2 AS (
            SELECT target, universe, np, nr,
                   len(list_filter(pb[1:{k}], lambda x: x <= {k})) AS inter_k,
                   list_filter(pb, lambda x: x IS NOT NULL) AS rb   -- common features, p order
            FROM pos)
        SELECT target, universe,
               inter_k::DOUBLE / nullif(least({k}, np) + least({k}, nr) - inter_k, 0) AS overlap,
               CASE WHEN len(rb) < 3 THEN NULL
                    ELSE 1.0 - 4.0 * (
                        -- discordant pairs = inversions of rb; a left-to-right fold with a
                        -- 128-bit "seen" mask counts earlier larger values in O(n)
                        CASE WHEN list_max(rb) <= 126 THEN
                            list_reduce(rb, lambda acc, x: {{'m': acc.m | (1::HUGEINT << x),
                                                             'c': acc.c + bit_count(acc.m >> x)}},
                                        {{'m': 0::HUGEINT, 'c': 0::BIGINT}}).c
                        ELSE list_sum(list_transform(rb, lambda x, i:
                                 len(list_filter(rb[i + 1:], lambda y: y < x)))) END)
                         / (len(rb) * (len(rb) - 1)) END AS tau
        FROM pos2""", f"""
        CREATE TABLE stability_metrics AS
        WITH n AS (SELECT target, universe, count(*) AS n_snapshots FROM snap GROUP BY ALL),
        m AS (SELECT target, universe, count(*) AS n_pairs,
                     avg(overlap) AS mean_overlap, stddev_pop(overlap) AS std_overlap,
                     avg(tau) AS mean_tau, stddev_pop(tau) AS std_tau
              FROM snap_pairs GROUP BY ALL)
        SELECT n.target, n.universe, n.n_snapshots, m.n_pairs, mean_overlap, std_overlap, mean_tau, std_tau,
               CASE WHEN n.n_snapshots < {STAB['min_snapshots']} THEN 'UNKNOWN'
                    WHEN std_overlap > {STAB['max_std_overlap']} OR std_tau > {STAB['max_std_tau']} THEN 'DIVERGED'
                    WHEN mean_overlap >= {STAB['stable_overlap_min']}
                         AND (mean_tau IS NULL OR mean_tau >= {STAB['stable_tau_min']}) THEN 'STABLE'
                    WHEN mean_overlap >= {STAB['drifting_overlap_min']}
                         AND (mean_tau IS NULL OR mean_tau >= {STAB['drifting_tau_min']}) THEN 'DRIFTING'
                    ELSE 'DIVERGED' END AS stability
        FROM n LEFT JOIN m USING (target, universe)"""])

    # ------------------------------------------------------------------ routing
    def thr(col_idx: int, cls_val: float) -> str:
        reg = " ".join(f"WHEN '{t}' THEN {v[col_idx]}" for t, v in REG.items())
        return f"CASE WHEN is_cls THEN {cls_val} ELSE CASE tier {reg} END END"

    cls_metrics = "('auc', 'roc_auc', 'pr_auc', 'accuracy', 'f1', 'logloss')"
    step("routing", ["""
        CREATE TABLE sym_lane AS
        SELECT target, symbol,
               count(*) FILTER (status = 'OK' AND isfinite(score)) AS n_families_ok,
               round(avg(score) FILTER (status = 'OK' AND isfinite(score)), 12) AS score,  -- rounded: plain float means land just below thresholds (0.5399999999999999) and vary with summation order
               max(sample_size) AS sample_size,
               min(stability) AS explicit_stability
        FROM entries GROUP BY ALL""", f"""
        CREATE TABLE target_lane AS
        WITH ent AS (
            SELECT target, min(task_type) AS task_type, min(metric_name) AS metric_name,
                   count(DISTINCT family) FILTER (status = 'OK' AND isfinite(score)) AS n_families_ok
            FROM entries GROUP BY ALL),
        agg AS (
            SELECT target, count(score) AS n_scored, round(avg(score), 12) AS score, sum(sample_size) AS sample_size
            FROM sym_lane GROUP BY ALL),
        t AS (
            SELECT ent.target,
                   CASE WHEN tc.task_type IS NOT NULL THEN tc.task_type LIKE '%CLASSIFICATION%'
                        WHEN tc.metric_name IS NOT NULL THEN lower(tc.metric_name) IN {cls_metrics}
                        WHEN ent.task_type IS NOT NULL THEN ent.task_type LIKE '%CLASSIFICATION%'
                        WHEN ent.metric_name IS NOT NULL THEN lower(ent.metric_name) IN {cls_metrics}
                        ELSE true END AS is_cls,
                   coalesce(
                     nullif(regexp_extract(ent.target, '(\\d+)m(_|$)', 1), '')::INT,
                     nullif(regexp_extract(ent.target, '(\\d+)h(_|$)', 1), '')::INT * 60,
                     nullif(regexp_extract(ent.target, '(\\d+)d(_|$)', 1), '')::INT * 1440) AS horizon_minutes,
                   CASE WHEN tc.target IS NOT NULL THEN 'target_confidence'
                        WHEN agg.n_scored >= 2 THEN 'aggregated' END AS cs_source,
                   CASE WHEN tc.target IS NOT NULL THEN tc.score
                        WHEN agg.n_scored >= 2 THEN agg.score END AS cs_score,
                   CASE WHEN tc.target IS NOT NULL THEN tc.sample_size
                        WHEN agg.n_scored >= 2 THEN agg.sample_size END AS cs_sample_size,
                   coalesce(tc.n_families_ok, ent.n_families_ok) AS cs_families_ok,
                   coalesce(tc.stability, sm.stability, 'UNKNOWN') AS cs_stability,
                   coalesce(lt.status, 'UNKNOWN') AS target_leakage
            FROM ent
            LEFT JOIN tc USING (target)
            LEFT JOIN agg USING (target)
            LEFT JOIN stability_metrics sm ON sm.target = ent.target AND sm.universe = 'ALL'
            LEFT JOIN leak_target lt ON lt.target = ent.target),
        t2 AS (
            SELECT *, CASE WHEN horizon_minutes IS NULL THEN 'default'
                           WHEN horizon_minutes < 60 THEN 'short'
                           WHEN horizon_minutes < 240 THEN 'medium'
                           WHEN horizon_minutes < 1440 THEN 'long'
                           ELSE 'very_long' END AS tier
            FROM t)
        SELECT *, {thr(0, CLS['cs_min'])} AS cs_min, {thr(1, CLS['cs_strong'])} AS cs_strong,
                  {thr(2, CLS['sym_min'])} AS sym_min, {thr(3, CLS['sym_strong'])} AS sym_strong
        FROM t2""", f"""
        CREATE TABLE lanes AS
        WITH b AS (
            SELECT s.target, s.symbol, t.is_cls, t.tier, t.cs_source, t.cs_score, t.cs_sample_size,
                   t.cs_families_ok, t.cs_stability, t.target_leakage,
                   t.cs_min, t.cs_strong, t.sym_min, t.sym_strong,
                   s.score AS local_score, s.sample_size AS local_sample_size,
                   s.n_families_ok AS local_families_ok,
                   coalesce(s.explicit_stability, sm.stability, 'UNKNOWN') AS local_stability,
                   coalesce(ls.status, 'UNKNOWN') AS symbol_leakage
            FROM sym_lane s
            JOIN target_lane t USING (target)
            LEFT JOIN stability_metrics sm ON sm.target = s.target AND sm.universe = s.symbol
            LEFT JOIN leak_symbol ls ON ls.target = s.target AND ls.symbol = s.symbol)
        SELECT *,
            CASE WHEN cs_source IS NULL THEN 'CS_NO_METRICS'
                 WHEN cs_sample_size < {MIN_SAMPLE_CS} THEN 'CS_SAMPLE_TOO_SMALL'
                 WHEN cs_families_ok IS NOT NULL AND cs_families_ok < {MIN_FAMILIES} THEN 'CS_FAMILIES_FAILED'
            END AS cs_block,
            CASE WHEN local_sample_size IS NULL THEN 'LOCAL_NO_METRICS'
                 WHEN local_sample_size < {MIN_SAMPLE_SYM} THEN 'LOCAL_SAMPLE_TOO_SMALL'
                 WHEN local_families_ok < {MIN_FAMILIES} THEN 'LOCAL_FAMILIES_FAILED'
            END AS local_block,
            cs_stability IN ('STABLE', 'DRIFTING', 'UNKNOWN') AS cs_stab_ok,
            local_stability IN ('STABLE', 'UNKNOWN') AS local_stab_ok
        FROM b""", f"""
        CREATE TABLE lanes2 AS
        SELECT *,
            CASE WHEN cs_block IS NOT NULL THEN 'DISALLOWED'
                 WHEN cs_score >= cs_strong AND cs_stab_ok THEN 'STRONG'
                 WHEN cs_score >= cs_min AND cs_stab_ok THEN 'WEAK_BUT_OK'
                 WHEN cs_score >= {EXP_MIN} AND cs_stability IN ('DRIFTING', 'UNKNOWN') THEN 'EXPERIMENTAL'
                 ELSE 'DISALLOWED' END AS cs_state,
            CASE WHEN local_block IS NOT NULL THEN 'DISALLOWED'
                 WHEN local_score >= sym_strong AND local_stab_ok THEN 'STRONG'
                 WHEN local_score >= sym_min AND local_stab_ok THEN 'WEAK_BUT_OK'
                 WHEN local_score >= {EXP_MIN} AND local_stability IN ('DRIFTING', 'UNKNOWN') THEN 'EXPERIMENTAL'
                 ELSE 'DISALLOWED' END AS local_state
        FROM lanes""", f"""
        CREATE TABLE routed AS
        WITH r AS (
            SELECT *,
                target_leakage = 'BLOCKED' AS hb_target,
                symbol_leakage = 'BLOCKED' AS hb_symbol,
                (cs_source IS NULL OR cs_sample_size < {MIN_SAMPLE_CS})
                  AND (local_sample_size IS NULL OR local_sample_size < {MIN_SAMPLE_SYM}) AS hb_data,
                cs_state IN ('STRONG', 'WEAK_BUT_OK') AS cs_usable,
                local_state IN ('STRONG', 'WEAK_BUT_OK') AS local_usable
            FROM lanes2),
        r2 AS (
            SELECT *,
                CASE WHEN hb_target OR hb_symbol OR hb_data THEN 'ROUTE_BLOCKED'
                     WHEN cs_usable AND NOT local_usable THEN 'ROUTE_CROSS_SECTIONAL'
                     WHEN local_usable AND NOT cs_usable THEN 'ROUTE_SYMBOL_SPECIFIC'
                     WHEN cs_usable AND local_usable THEN 'ROUTE_BOTH'
                     WHEN cs_state = 'EXPERIMENTAL' OR local_state = 'EXPERIMENTAL' THEN 'ROUTE_EXPERIMENTAL_ONLY'
                     ELSE 'ROUTE_BLOCKED' END AS route0,
                count(*) OVER (PARTITION BY target) AS n_target_decisions
            FROM r),
        r3 AS (
            SELECT *,
                CASE WHEN route0 = 'ROUTE_EXPERIMENTAL_ONLY' THEN
                    row_number() OVER (PARTITION BY target, route0 = 'ROUTE_EXPERIMENTAL_ONLY'
                                       ORDER BY CASE WHEN local_state = 'EXPERIMENTAL' THEN local_score ELSE cs_score END DESC,
                                                symbol) END AS exp_rank,
                CASE WHEN {EXP_FRACTION} = 0 THEN 0
                     ELSE greatest(1, floor({EXP_FRACTION} * n_target_decisions)) END AS exp_cap
            FROM r2)
        SELECT target, symbol,
            CASE WHEN route0 = 'ROUTE_EXPERIMENTAL_ONLY' AND exp_rank > exp_cap THEN 'ROUTE_BLOCKED' ELSE route0 END AS route,
            cs_state, local_state, cs_score, local_score, cs_sample_size, local_sample_size,
            cs_stability, local_stability, target_leakage, symbol_leakage,
            CASE WHEN is_cls THEN 'classification' ELSE 'regression' END AS task_type, tier,
            cs_min, cs_strong, sym_min, sym_strong, cs_source,
            list_filter([
                coalesce(cs_block, CASE WHEN cs_state = 'DISALLOWED' AND cs_score < cs_min THEN 'CS_SCORE_TOO_LOW' END),
                CASE WHEN cs_block IS NULL AND cs_state = 'DISALLOWED' AND NOT cs_stab_ok THEN 'CS_STABILITY_NOT_ALLOWED' END,
                coalesce(local_block, CASE WHEN local_state = 'DISALLOWED' AND local_score < sym_min THEN 'LOCAL_SCORE_TOO_LOW' END),
                CASE WHEN local_block IS NULL AND local_state = 'DISALLOWED' AND NOT local_stab_ok THEN 'LOCAL_STABILITY_NOT_ALLOWED' END,
                CASE WHEN hb_target THEN 'LEAKAGE_TARGET' END,
                CASE WHEN hb_symbol THEN 'LEAKAGE_SYMBOL' END,
                CASE WHEN hb_data THEN 'INSUFFICIENT_DATA' END,
                CASE WHEN route0 = 'ROUTE_EXPERIMENTAL_ONLY' AND exp_rank > exp_cap THEN 'EXPERIMENTAL_CAP' END,
                CASE WHEN route0 = 'ROUTE_BLOCKED' AND NOT (hb_target OR hb_symbol OR hb_data) THEN 'NO_RULE_MATCH' END,
                CASE WHEN target_leakage = 'SUSPECT' OR symbol_leakage = 'SUSPECT' THEN 'LEAKAGE_SUSPECT' END
            ], lambda c: c IS NOT NULL) AS reason_codes
        FROM r3"""])
    total = time.perf_counter() - t_all

    for name, secs in timings:
        print(f"{name:32s} {secs:8.2f} s")
    print(f"{'total':32s} {total:8.2f} s")
    rss_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"peak RSS {rss_gb:.2f} GB")
    n_entries = con.execute("SELECT count(*) FROM entries").fetchone()[0]
    n_snap = con.execute("SELECT count(*) FROM snap").fetchone()[0]
    n_dec = con.execute("SELECT count(*) FROM routed").fetchone()[0]
    n_t = con.execute("SELECT count(DISTINCT target) FROM routed").fetchone()[0]
    print(f"targets={n_t} metadata_entries={n_entries} snapshots={n_snap} decisions={n_dec}")
    for route, n in con.execute("SELECT route, count(*) FROM routed GROUP BY ALL ORDER BY route").fetchall():
        print(f"  {route:26s} {n}")
    print("stability categories (target, universe):",
          dict(con.execute("SELECT stability, count(*) FROM stability_metrics GROUP BY ALL ORDER BY 1").fetchall()))
    print("reason codes:", dict(con.execute(
        "SELECT c, count(*) FROM (SELECT unnest(reason_codes) c FROM routed) GROUP BY ALL ORDER BY 1").fetchall()))
    print("lane states cs/local:", dict(con.execute(
        "SELECT cs_state || '/' || local_state, count(*) FROM routed GROUP BY ALL ORDER BY 1").fetchall()))
    con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
