"""Property test: random VALID metrics directories and configs, routed by the CLI, keep
the plan's invariants (docs/ROUTING_RULES.md §5–§8):

* exactly one decision per (target, symbol) of the input, in the JSON and in the table;
* with block_on_leakage, every leakage-BLOCKED pair (target or symbol) is ROUTE_BLOCKED;
* ROUTE_EXPERIMENTAL_ONLY per target ≤ the cap (0 if the fraction is 0, else
  max(1, floor(fraction × pairs))), and none when the experimental lane is off;
* the jobs are exactly `training_router.api.training_jobs(plan, families, include_blocked)`;
* the JSON and YAML artifacts parse, agree with each other and with the DuckDB tables
  routing_plan / training_plan.

One CLI run costs ~15 s, so few examples; derandomized so CI sees the same ones, and
without shrinking (each shrink step would be another run).
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import yaml
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from training_router.api import training_jobs

from conftest import run_router

FAMILY_POOL = ["lightgbm", "xgboost", "catboost"]
SYMBOL_POOL = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG", "HHH"]
FEATURE_POOL = [f"f{i:02d}" for i in range(10)]
HORIZONS = ["5m", "30m", "2h", "12h", "1d", "3d", "nohorizon"]
# Scores at and around the default thresholds (classification 0.52/0.54/0.58/0.60,
# regression around the tiered defaults), plus nulls; sample sizes around the
# minimums. Pools repeat the healthy values so that few examples still reach every
# route instead of blocking nearly everything.
CLASSIFICATION_SCORES = [None, 0.45, 0.50, 0.52, 0.53, 0.53, 0.54, 0.55, 0.57, 0.58, 0.59, 0.60, 0.61, 0.63, 0.66]
REGRESSION_SCORES = [None, -2.5, -1.0, -0.5, -0.3, -0.2, 0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.3]
SYMBOL_SAMPLES = [48000, 48000, 48000, 48000, None, 0, 500, 999, 1000, 1001]
CS_SAMPLES = [240000, 240000, None, 4999, 5000]
STABILITIES = ["STABLE", "DRIFTING", "DIVERGED", "UNKNOWN"]
LEAKAGE = ["SAFE", "SUSPECT", "BLOCKED", "UNKNOWN"]
ROUTES = {"ROUTE_CROSS_SECTIONAL", "ROUTE_SYMBOL_SPECIFIC", "ROUTE_BOTH", "ROUTE_EXPERIMENTAL_ONLY", "ROUTE_BLOCKED"}


@st.composite
def entry(draw: st.DrawFn, task: str, base_score: float | None) -> dict[str, Any]:
    """One family's result for a symbol: mostly the symbol's own score, sometimes failed."""
    pool = CLASSIFICATION_SCORES if task == "classification" else REGRESSION_SCORES
    status = draw(st.sampled_from([None] * 6 + ["OK", "OK", "FAILED", "SKIPPED"]))
    score = base_score if draw(st.integers(0, 3)) else draw(st.sampled_from(pool))
    if status == "OK" and score is None:
        score = pool[-1]
    if status == "SKIPPED":
        score = None
    doc: dict[str, Any] = {}
    if score is not None or draw(st.booleans()):
        doc["auc" if draw(st.integers(0, 4)) == 0 else "score"] = score
    sample = draw(st.sampled_from(SYMBOL_SAMPLES))
    if sample is not None:
        doc["n_samples" if draw(st.integers(0, 4)) == 0 else "sample_size"] = sample
    if status is not None:
        doc["status"] = status
    if draw(st.integers(0, 5)) == 0:
        doc["stability"] = draw(st.sampled_from(STABILITIES))
    if task == "regression":
        kinds = [{"metric_name": "r2"}, {"task_type": "REGRESSION"}]
        if score is None or -1 <= score <= 1:  # ic is a correlation: a score beyond ±1 is refused
            kinds.append({"task_type": "REGRESSION", "metric_name": "ic"})
        doc.update(draw(st.sampled_from(kinds)))
    else:
        doc.update(draw(st.sampled_from([{}, {"metric_name": "roc_auc"}, {"task_type": "BINARY_CLASSIFICATION"}])))
    if draw(st.integers(0, 6)) == 0:
        doc["some_unknown_field"] = {"ignored": True}
    return doc


@st.composite
def snapshot(draw: st.DrawFn, k: int) -> dict[str, Any]:
    features = draw(st.lists(st.sampled_from(FEATURE_POOL), min_size=3, max_size=8, unique=True))
    doc: dict[str, Any] = {"run_id": f"r{k}", "created_at": f"2026-11-0{k + 1}T10:00:00Z", "features": features}
    if draw(st.booleans()):
        doc["importances"] = draw(st.lists(st.sampled_from([0.1, 0.2, 0.3, 0.5]),
                                           min_size=len(features), max_size=len(features)))
    return doc


@st.composite
def target(draw: st.DrawFn, index: int, universe: list[str], families: list[str]) -> dict[str, Any]:
    name = f"y_prop{index}_{draw(st.sampled_from(HORIZONS))}"
    task = draw(st.sampled_from(["classification", "classification", "regression"]))
    symbols = draw(st.lists(st.sampled_from(universe), min_size=min(2, len(universe)), max_size=len(universe),
                            unique=True))
    files: dict[str, Any] = {}
    metadata: dict[str, Any] = {}
    pool = CLASSIFICATION_SCORES if task == "classification" else REGRESSION_SCORES
    for symbol in sorted(symbols):
        base_score = draw(st.sampled_from(pool))
        for family in draw(st.lists(st.sampled_from(families), min_size=1, max_size=len(families), unique=True)):
            metadata[f"{symbol}:{name}:{family}"] = draw(entry(task, base_score))
    files["model_metadata.json"] = metadata

    if draw(st.booleans()):
        confidence: dict[str, Any] = {"score": draw(st.sampled_from(pool))}
        sample = draw(st.sampled_from(CS_SAMPLES))
        if sample is not None:
            confidence["sample_size"] = sample
        if draw(st.booleans()):
            confidence["stability"] = draw(st.sampled_from(STABILITIES))
        if draw(st.booleans()):
            confidence["model_families"] = {f: draw(st.sampled_from(["OK", "FAILED", "SKIPPED"])) for f in families}
        confidence["metric_name"] = "roc_auc" if task == "classification" else "r2"
        files["target_confidence.json"] = confidence

    leakage_blocked = False
    blocked_symbols: set[str] = set()
    if draw(st.booleans()):
        leakage: dict[str, Any] = {}
        if draw(st.booleans()):
            leakage["status"] = draw(st.sampled_from(LEAKAGE))
            leakage_blocked = leakage["status"] == "BLOCKED"
        if draw(st.booleans()):
            named = draw(st.lists(st.sampled_from(universe), max_size=3, unique=True))
            leakage["symbols"] = {s: draw(st.sampled_from([*LEAKAGE, "BLOCKED"])) for s in named}
            blocked_symbols = {s for s, v in leakage["symbols"].items() if v == "BLOCKED"}
        if draw(st.booleans()):
            named = draw(st.lists(st.sampled_from(FEATURE_POOL), max_size=4, unique=True))
            leakage["features"] = {f: draw(st.sampled_from(LEAKAGE)) for f in named}
        files["leakage.json"] = leakage

    for universe_name in ["ALL", *draw(st.lists(st.sampled_from(sorted(symbols)), max_size=2, unique=True))]:
        for k in range(draw(st.integers(0, 3))):
            files[f"stability/{universe_name}/s{k}.json"] = draw(snapshot(k))
    return {"name": name, "files": files, "symbols": set(symbols),
            "leakage_blocked": leakage_blocked, "blocked_symbols": blocked_symbols}


@st.composite
def scenario(draw: st.DrawFn) -> dict[str, Any]:
    families = draw(st.lists(st.sampled_from(FAMILY_POOL), min_size=1, max_size=3, unique=True))
    universe = draw(st.lists(st.sampled_from(SYMBOL_POOL), min_size=2, max_size=8, unique=True))
    targets = [draw(target(i, universe, families)) for i in range(draw(st.sampled_from([1, 2, 3, 3])))]

    routing: dict[str, Any] = {
        "both_strong_behavior": draw(st.sampled_from(["ROUTE_BOTH", "ROUTE_BOTH", "PREFER_CS", "PREFER_SYMBOL"])),
        "enable_experimental_lane": draw(st.sampled_from([True, True, False])),
        "block_on_leakage": draw(st.sampled_from([True, True, False])),
        "experimental": {"max_fraction_symbols_per_target": draw(st.sampled_from([0.0, 0.1, 0.2, 0.34, 0.5, 1.0]))},
        "require_min_successful_families": draw(st.sampled_from([1, 1, 1, 0, 2])),
    }
    if draw(st.booleans()):
        routing["min_sample_size"] = {"symbol": draw(st.sampled_from([500, 1000, 1001])),
                                      "cross_sectional": draw(st.sampled_from([4999, 5000]))}
    if draw(st.booleans()):
        low, high = draw(st.sampled_from([(0.50, 0.55), (0.52, 0.58), (0.54, 0.60), (0.55, 0.55)]))
        routing["cross_sectional"] = {"min_score": low, "strong_score": high}
    if draw(st.booleans()):
        routing["symbol"] = {"min_score": {"classification": draw(st.sampled_from([0.53, 0.54, 0.56])),
                                           "regression": {"short": draw(st.sampled_from([0.0, 0.05]))}}}
    if draw(st.booleans()):
        routing["experimental"]["min_score"] = draw(st.sampled_from([0.45, 0.50, 0.52]))
    training_plan = {
        "model_families": draw(st.lists(st.sampled_from([*FAMILY_POOL, "random_forest"]),
                                        min_size=1, max_size=3, unique=True)),
        "include_blocked": draw(st.booleans()),
    }
    return {"targets": targets, "config": {"routing": routing, "training_plan": training_plan}}


def _explicit_case() -> dict[str, Any]:
    """A hand-made case with what random draws reach only sometimes: a pooled job whose
    target_confidence lists a failed family, a leakage-BLOCKED symbol, every route, and
    the experimental cap at work (fraction 0.2 of 5 pairs → 1; BBB and DDD tie at 0.53,
    BBB wins on the symbol)."""
    def metadata(target: str, scores: dict[str, tuple[float, int]]) -> dict[str, Any]:
        return {f"{s}:{target}:{f}": {"score": v, "sample_size": n, "metric_name": "roc_auc"}
                for s, (v, n) in scores.items() for f in ("lightgbm", "xgboost")}

    a, b = "y_explicit_a_15m", "y_explicit_b_2h"
    snapshot = {"created_at": "2026-11-01T10:00:00Z", "features": ["f01", "f02", "f03"]}
    target_a = {
        "name": a, "symbols": {"AAA", "CCC", "EEE"}, "leakage_blocked": False, "blocked_symbols": {"CCC"},
        "files": {
            "model_metadata.json": metadata(a, {"AAA": (0.63, 48000), "CCC": (0.63, 48000), "EEE": (0.58, 500)}),
            "target_confidence.json": {"score": 0.62, "sample_size": 240000, "stability": "STABLE",
                                       "model_families": {"lightgbm": "OK", "xgboost": "FAILED"}},
            "leakage.json": {"symbols": {"CCC": "BLOCKED"}, "features": {"f01": "SUSPECT"}},
        },
    }
    target_b = {
        "name": b, "symbols": {"AAA", "BBB", "DDD", "EEE", "FFF"}, "leakage_blocked": False,
        "blocked_symbols": set(),
        "files": {
            "model_metadata.json": metadata(b, {"AAA": (0.63, 48000), "BBB": (0.53, 48000), "DDD": (0.53, 48000),
                                                "EEE": (0.40, 48000), "FFF": (0.45, 500)}),
            "target_confidence.json": {"score": 0.45, "sample_size": 240000},
            "stability/ALL/s0.json": {**snapshot, "run_id": "r0"},
            "stability/ALL/s1.json": {**snapshot, "run_id": "r1", "created_at": "2026-11-02T10:00:00Z"},
        },
    }
    return {
        "targets": [target_a, target_b],
        "config": {
            "routing": {"both_strong_behavior": "ROUTE_BOTH", "enable_experimental_lane": True,
                        "block_on_leakage": True, "experimental": {"max_fraction_symbols_per_target": 0.2},
                        "require_min_successful_families": 1},
            "training_plan": {"model_families": ["lightgbm", "xgboost"], "include_blocked": True},
        },
    }


def _write(root: Path, case: dict[str, Any]) -> tuple[Path, Path]:
    metrics = root / "metrics"
    for t in case["targets"]:
        for relative, doc in t["files"].items():
            path = metrics / t["name"] / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    config = root / "routing_config.yaml"
    config.write_text(yaml.safe_dump(case["config"], sort_keys=False), encoding="utf-8")
    return metrics, config


def _cap(fraction: float, n_pairs: int) -> int:
    return 0 if fraction == 0 else max(1, math.floor(fraction * n_pairs))


def _check_invariants(case: dict[str, Any], run) -> dict[tuple[str, str], str]:
    routing_config = case["config"]["routing"]
    plan_config = case["config"]["training_plan"]
    plan = run.routing_plan()
    jobs_document = run.training_plan()

    # the artifacts parse and the YAML says what the JSON says
    for name, loaded in (("routing_plan", plan), ("training_plan", jobs_document)):
        assert yaml.safe_load((run.plan_output / name / f"{name}.yaml").read_text(encoding="utf-8")) == loaded, name

    # exactly one decision per input pair
    expected_pairs = sorted((t["name"], s) for t in case["targets"] for s in t["symbols"])
    json_pairs = sorted((t, s) for t, entry in plan["targets"].items() for s in entry["symbols"])
    assert json_pairs == expected_pairs
    with duckdb.connect(str(run.database), read_only=True) as connection:
        decision_rows = connection.execute(
            "select target_name, symbol, route, cs_state, local_state, reason_codes from routing_plan"
        ).fetchall()
        job_rows = connection.execute(
            "select job_id, target_name, symbol, training_type, route, priority, model_families "
            "from training_plan order by plan_position"
        ).fetchall()
    assert sorted((t, s) for t, s, *_ in decision_rows) == expected_pairs

    # the table routing_plan agrees with routing_plan.json
    decisions = {(t, s): d for t, entry in plan["targets"].items() for s, d in entry["symbols"].items()}
    for t, s, route, cs_state, local_state, codes in decision_rows:
        d = decisions[(t, s)]
        assert (route, cs_state, local_state) == (d["route"], d["cs_state"], d["local_state"]), (t, s)
        assert sorted(codes) == sorted(d["reason_codes"]), (t, s)
        assert route in ROUTES

    # leakage blocks
    if routing_config["block_on_leakage"]:
        for t in case["targets"]:
            for s in t["symbols"]:
                if t["leakage_blocked"] or s in t["blocked_symbols"]:
                    assert decisions[(t["name"], s)]["route"] == "ROUTE_BLOCKED", (t["name"], s)

    # the experimental cap
    fraction = routing_config["experimental"]["max_fraction_symbols_per_target"]
    for t in case["targets"]:
        routes = [decisions[(t["name"], s)]["route"] for s in t["symbols"]]
        n_experimental = routes.count("ROUTE_EXPERIMENTAL_ONLY")
        cap = _cap(fraction, len(routes)) if routing_config["enable_experimental_lane"] else 0
        assert n_experimental <= cap, (t["name"], n_experimental, cap)

    # both_strong_behavior: ROUTE_BOTH only when asked for
    if routing_config["both_strong_behavior"] != "ROUTE_BOTH":
        assert all(d["route"] != "ROUTE_BOTH" for d in decisions.values())

    # the jobs are the API's jobs for this plan, and the table holds the same jobs in the same order
    expected_jobs = training_jobs(plan, plan_config["model_families"], plan_config["include_blocked"])
    assert jobs_document["jobs"] == expected_jobs
    assert [
        (j["job_id"], j["target"], j["symbol"], j["training_type"], j["route"], j["priority"], j["model_families"])
        for j in jobs_document["jobs"]
    ] == [(*row[:6], list(row[6])) for row in job_rows]
    assert jobs_document["summary"]["total_jobs"] == len(job_rows)
    return {key: d["route"] for key, d in decisions.items()}


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=list(HealthCheck),
)
@given(case=scenario())
def test_random_valid_inputs_keep_the_invariants(case: dict[str, Any]) -> None:
    for route in sorted(set(_route_and_check(case).values())):
        event(f"route {route}")  # shown with --hypothesis-show-statistics


def test_hand_made_case_keeps_the_invariants() -> None:
    a, b = "y_explicit_a_15m", "y_explicit_b_2h"
    assert _route_and_check(_explicit_case()) == {
        (a, "AAA"): "ROUTE_BOTH",
        (a, "CCC"): "ROUTE_BLOCKED",              # leakage.json symbols: BLOCKED
        (a, "EEE"): "ROUTE_CROSS_SECTIONAL",      # local sample 500 < 1000
        (b, "AAA"): "ROUTE_SYMBOL_SPECIFIC",      # CS 0.45 too low, local 0.63 strong
        (b, "BBB"): "ROUTE_EXPERIMENTAL_ONLY",    # local 0.53: experimental, first of the cap (1)
        (b, "DDD"): "ROUTE_BLOCKED",              # same score, later symbol: EXPERIMENTAL_CAP
        (b, "EEE"): "ROUTE_BLOCKED",              # 0.40: nothing usable → NO_RULE_MATCH
        (b, "FFF"): "ROUTE_BLOCKED",              # 0.45, sample 500 → NO_RULE_MATCH
    }


def _route_and_check(case: dict[str, Any]) -> dict[tuple[str, str], str]:
    with tempfile.TemporaryDirectory(prefix="router-prop-") as tmp:
        root = Path(tmp)
        metrics, config = _write(root, case)
        run = run_router(metrics, root / "METRICS", "--routing-config", str(config))
        assert run.returncode == 0, f"exit {run.returncode}\n{run.stderr}\nconfig: {case['config']}"
        return _check_invariants(case, run)
