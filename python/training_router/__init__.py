"""Training router: decide where to train models after feature selection."""

from __future__ import annotations

__version__ = "0.1.0"

from .api import (
    generate_training_plan_from_routing,
    load_routing_plan,
    should_train_cross_sectional,
    should_train_symbol_specific,
)
from .errors import RouterError
from .pipeline import PlanOutcome, generate_routing_plan

__all__ = [
    "PlanOutcome",
    "RouterError",
    "__version__",
    "generate_routing_plan",
    "generate_training_plan_from_routing",
    "load_routing_plan",
    "should_train_cross_sectional",
    "should_train_symbol_specific",
]
