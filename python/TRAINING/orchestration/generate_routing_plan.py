"""``python -m TRAINING.orchestration.generate_routing_plan``: alias of ``python -m training_router``;
``from TRAINING.orchestration.generate_routing_plan import generate_routing_plan`` for the
programmatic entry (training_router.pipeline)."""

from training_router.cli import main
from training_router.pipeline import PlanOutcome, generate_routing_plan

__all__ = ["PlanOutcome", "generate_routing_plan", "main"]

if __name__ == "__main__":
    raise SystemExit(main())
