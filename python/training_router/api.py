"""The Python API that training code calls (docs/ROUTING_RULES.md §9)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .exporter import summarise_jobs
from .streaming_export import write_training_plan_document

SYMBOL_ROUTES = ("ROUTE_SYMBOL_SPECIFIC", "ROUTE_BOTH")
SYMBOL_JOB_PRIORITY = {"ROUTE_BOTH": 3, "ROUTE_SYMBOL_SPECIFIC": 2, "ROUTE_EXPERIMENTAL_ONLY": 1}


def load_routing_plan(path: str | Path) -> dict[str, Any]:
    """Read routing_plan.json; `path` may be the file, its folder, or the plan output dir."""
    candidate = Path(path)
    for option in (candidate, candidate / "routing_plan.json", candidate / "routing_plan" / "routing_plan.json"):
        if option.is_file():
            with option.open(encoding="utf-8") as handle:
                plan: dict[str, Any] = json.load(handle)
            if "targets" not in plan or "metadata" not in plan:
                raise ValueError(f"{option} is not a routing plan (no metadata/targets)")
            return plan
    raise FileNotFoundError(f"no routing_plan.json at {candidate}")


def get_route_for_target_symbol(plan: Mapping[str, Any], target: str, symbol: str) -> str | None:
    """The pair's route in a routing plan; None when the pair is not in the plan."""
    entry = plan["targets"].get(target)
    decision = entry["symbols"].get(symbol) if entry else None
    return None if decision is None else str(decision["route"])


def should_train_cross_sectional(plan: Mapping[str, Any], target: str) -> bool:
    """True when the target gets a pooled cs_<target> job."""
    entry = plan["targets"].get(target)
    return bool(entry) and entry["cross_sectional"]["route"] == "ENABLED"


def should_train_symbol_specific(plan: Mapping[str, Any], target: str, symbol: str) -> bool:
    """True when the pair gets its own sym_<target>_<symbol> job (experimental ones included)."""
    entry = plan["targets"].get(target)
    decision = entry["symbols"].get(symbol) if entry else None
    if decision is None:
        return False
    return decision["route"] in SYMBOL_ROUTES or (
        decision["route"] == "ROUTE_EXPERIMENTAL_ONLY" and decision["local_state"] == "EXPERIMENTAL"
    )


def training_jobs(
    plan: Mapping[str, Any], model_families: Sequence[str], include_blocked: bool = False
) -> list[dict[str, Any]]:
    """The jobs of docs/ROUTING_RULES.md §7 for a routing plan, in plan order."""
    jobs: list[dict[str, Any]] = []
    families = list(model_families)
    for target_name, target in plan["targets"].items():
        excluded = list(target.get("excluded_features", []))
        cs = target["cross_sectional"]
        symbols = target["symbols"]
        pooled = sorted(s for s, d in symbols.items() if d["route"] in ("ROUTE_CROSS_SECTIONAL", "ROUTE_BOTH"))
        pooled_exp = sorted(
            s for s, d in symbols.items()
            if d["route"] == "ROUTE_EXPERIMENTAL_ONLY" and d["local_state"] != "EXPERIMENTAL"
        )
        for job_id, members, priority, experimental, reason in (
            (f"cs_{target_name}", pooled, 2, False, cs.get("job_reason")),
            (f"cs_exp_{target_name}", pooled_exp, 1, True, cs.get("experimental_job_reason")),
        ):
            if not members:
                continue
            meta: dict[str, Any] = {
                "sample_size": cs["sample_size"],
                "failed_model_families": cs.get("failed_model_families", []),
                "excluded_features": excluded,
                "symbols": members,
                "needs_cs_ensemble": False,
                "experimental": experimental,
                "leakage_suspect": any("LEAKAGE_SUSPECT" in symbols[s]["reason_codes"] for s in members),
            }
            jobs.append({
                "job_id": job_id, "target": target_name, "symbol": None, "training_type": "cross_sectional",
                "route": "ROUTE_EXPERIMENTAL_ONLY" if experimental else "ROUTE_CROSS_SECTIONAL",
                "priority": priority, "model_families": families, "reason": reason, "metadata": meta,
            })
        for symbol, decision in symbols.items():
            route = decision["route"]
            if should_train_symbol_specific(plan, target_name, symbol):
                job_id, training_type, priority = f"sym_{target_name}_{symbol}", "symbol_specific", \
                    SYMBOL_JOB_PRIORITY[route]
            elif route == "ROUTE_BLOCKED" and include_blocked:
                job_id, training_type, priority = f"blocked_{target_name}_{symbol}", "blocked", 0
            else:
                continue
            meta = {
                "sample_size": decision["local_sample_size"],
                "failed_model_families": decision["failed_model_families"],
                "excluded_features": excluded,
                "symbols": None,
                "needs_cs_ensemble": route == "ROUTE_BOTH",
                "experimental": route == "ROUTE_EXPERIMENTAL_ONLY",
                "leakage_suspect": "LEAKAGE_SUSPECT" in decision["reason_codes"],
            }
            jobs.append({
                "job_id": job_id, "target": target_name, "symbol": symbol, "training_type": training_type,
                "route": route, "priority": priority,
                "model_families": [] if training_type == "blocked" else families,
                "reason": decision.get("route_reason"), "metadata": meta,
            })
    jobs.sort(key=lambda j: (-j["priority"], j["target"], j["symbol"] is not None, j["symbol"] or "", j["job_id"]))
    return jobs


def training_plan_folder(output_dir: str | Path) -> Path:
    """Where generate_training_plan_from_routing writes: `output_dir` itself when it is named
    `training_plan` (the seed's `METRICS/training_plan`), else `output_dir/training_plan`
    (a plan output folder such as `METRICS`)."""
    out = Path(output_dir)
    return out if out.name == "training_plan" else out / "training_plan"


def generate_training_plan_from_routing(
    routing_plan_path: str | Path,
    output_dir: str | Path,
    model_families: Sequence[str] = ("lightgbm", "xgboost"),
    include_blocked: bool | None = None,
) -> dict[str, Any]:
    """Turn a routing_plan.json into training_plan.{json,yaml,md} and return the plan.

    The files go into `training_plan_folder(output_dir)`, each replaced atomically, in
    the formats of the plan's `dump_plan_as` (PARQUET is written by the CLI only). Same
    jobs as the dbt model `training_plan` for the same families; use it to re-plan with
    other families without re-routing.
    """
    plan = load_routing_plan(routing_plan_path)
    config = plan["metadata"].get("config", {})
    if include_blocked is None:
        include_blocked = bool(config.get("training_plan", {}).get("include_blocked", False))
    jobs = training_jobs(plan, model_families, include_blocked)
    training_plan = {"metadata": dict(plan["metadata"]), "jobs": jobs, "summary": summarise_jobs(jobs)}
    formats = config.get("routing", {}).get("dump_plan_as", ["JSON", "YAML", "MARKDOWN"])
    write_training_plan_document(training_plan_folder(output_dir), training_plan, formats)
    return training_plan
