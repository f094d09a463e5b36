"""Training router: decide where to train models after feature selection."""

from __future__ import annotations

__version__ = "0.1.0"

from .api import (
    generate_training_plan_from_routing,
    get_route_for_target_symbol,
    load_routing_plan,
    should_train_cross_sectional,
    should_train_symbol_specific,
)
from .consumer import (
    get_cs_jobs,
    get_jobs_for_symbol,
    get_jobs_for_target,
    get_symbol_jobs,
    get_training_plan_summary,
    load_training_plan,
    should_train_target_symbol,
)
from .errors import RouterError
from .pipeline import PlanOutcome, generate_routing_plan

__all__ = [
    "PlanOutcome",
    "RouterError",
    "__version__",
    "generate_routing_plan",
    "generate_training_plan_from_routing",
    "get_cs_jobs",
    "get_jobs_for_symbol",
    "get_jobs_for_target",
    "get_route_for_target_symbol",
    "get_symbol_jobs",
    "get_training_plan_summary",
    "load_routing_plan",
    "load_training_plan",
    "should_train_cross_sectional",
    "should_train_symbol_specific",
    "should_train_target_symbol",
]
