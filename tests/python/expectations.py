"""Compare a run's artifacts with an expected.yaml worked out by hand from the spec."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import duckdb

from conftest import Run

TARGET_FIELDS = {
    "cs_state": ("cross_sectional", "state"),
    "cs_route": ("cross_sectional", "route"),
    "cs_source": ("cross_sectional", "source"),
    "cs_score": ("cross_sectional", "score"),
    "cs_sample_size": ("cross_sectional", "sample_size"),
    "cs_stability": ("cross_sectional", "stability"),
    "task_type": ("task_type",),
    "horizon_tier": ("horizon_tier",),
}
SYMBOL_FIELDS = ("route", "cs_state", "local_state", "local_score", "local_sample_size", "local_stability")
JOB_METADATA_FIELDS = ("needs_cs_ensemble", "experimental", "excluded_features", "failed_model_families", "symbols",
                       "leakage_suspect")


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, float) and isinstance(actual, (int, float)):
        return abs(expected - actual) <= 5e-4
    return bool(expected == actual)


def assert_matches_expected(run: Run, expected: dict[str, Any], targets: Collection[str] | None = None,
                            without_blocked_jobs: bool = False) -> None:
    """`targets`: when the run routed more than the case (several cases merged into one
    metrics directory), its jobs are those of these targets, in the plan's order (a total
    order on priority, target, symbol, so another case's targets do not change it).
    `without_blocked_jobs`: the run had `include_blocked` and the case did not; that setting
    only adds the `blocked` jobs (docs/ROUTING_RULES.md §7), so the case's jobs are the others."""
    plan = run.routing_plan()
    problems: list[str] = []
    for target_name, target_expected in expected.get("targets", {}).items():
        target = plan["targets"].get(target_name)
        if target is None:
            problems.append(f"{target_name}: missing from the plan")
            continue
        for key, path in TARGET_FIELDS.items():
            if key in target_expected:
                actual: Any = target
                for part in path:
                    actual = actual[part]
                if not _same(target_expected[key], actual):
                    problems.append(f"{target_name}.{key}: expected {target_expected[key]!r}, got {actual!r}")
        symbols = target_expected.get("symbols", {})
        if set(symbols) and set(symbols) != set(target["symbols"]):
            problems.append(f"{target_name}: symbols {sorted(target['symbols'])} != expected {sorted(symbols)}")
        for symbol, symbol_expected in symbols.items():
            decision = target["symbols"].get(symbol)
            if decision is None:
                continue
            for key in SYMBOL_FIELDS:
                if key in symbol_expected and not _same(symbol_expected[key], decision[key]):
                    problems.append(
                        f"{target_name}/{symbol}.{key}: expected {symbol_expected[key]!r}, got {decision[key]!r}"
                    )
            for code in symbol_expected.get("reason_codes_include", []):
                if code not in decision["reason_codes"]:
                    problems.append(f"{target_name}/{symbol}: {code} missing from {decision['reason_codes']}")
            for code in symbol_expected.get("reason_codes_exclude", []):
                if code in decision["reason_codes"]:
                    problems.append(f"{target_name}/{symbol}: {code} unexpected in {decision['reason_codes']}")
    if "jobs" in expected:
        jobs = [j for j in run.training_plan()["jobs"] if (targets is None or j["target"] in targets)
                and not (without_blocked_jobs and j["training_type"] == "blocked")]
        if [j["job_id"] for j in jobs] != [j["job_id"] for j in expected["jobs"]]:
            wanted = [j["job_id"] for j in expected["jobs"]]
            problems.append(f"jobs: {[j['job_id'] for j in jobs]} != expected {wanted}")
        else:
            for job, job_expected in zip(jobs, expected["jobs"], strict=True):
                for key in ("priority", "training_type", "symbol"):
                    if key in job_expected and job[key] != job_expected[key]:
                        problems.append(f"job {job['job_id']}.{key}: expected {job_expected[key]!r}, got {job[key]!r}")
                for key in JOB_METADATA_FIELDS:
                    if key in job_expected:
                        actual = job["metadata"].get(key, False if isinstance(job_expected[key], bool) else None)
                        wanted = job_expected[key]
                        if isinstance(wanted, list) and isinstance(actual, list):
                            # the spec fixes no order for these name lists; the router sorts them
                            wanted, actual = sorted(wanted), actual
                        if actual != wanted:
                            problems.append(f"job {job['job_id']}.{key}: expected {wanted!r}, got {actual!r}")
    if "stability" in expected:
        with duckdb.connect(str(run.database), read_only=True) as connection:
            rows = connection.execute(
                "select target_name, universe, n_snapshots, mean_overlap, std_overlap, mean_tau, std_tau,"
                " stability_category from stability_metrics"
            ).fetchall()
        actual_rows = {(r[0], r[1]): r[2:] for r in rows}
        for target_name, universes in expected["stability"].items():
            for universe, row in universes.items():
                got = actual_rows.get((target_name, universe))
                if got is None:
                    problems.append(f"stability {target_name}/{universe}: missing")
                    continue
                for key, value in zip(
                    ("n_snapshots", "mean_overlap", "std_overlap", "mean_tau", "std_tau", "category"), got, strict=True
                ):
                    if key in row and not _same(row[key], value):
                        problems.append(
                            f"stability {target_name}/{universe}.{key}: expected {row[key]!r}, got {value!r}"
                        )
    assert not problems, "\n".join(problems)
