"""``python -m TRAINING.orchestration.generate_routing_plan``: alias of ``python -m training_router``."""

from training_router.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
