"""Alias of training_router.api for the seed's documented imports."""

from training_router.api import generate_training_plan_from_routing

__all__ = ["generate_training_plan_from_routing"]
