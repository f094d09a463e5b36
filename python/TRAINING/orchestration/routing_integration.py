"""Alias of training_router.api for the seed's documented imports."""

from training_router.api import (
    load_routing_plan,
    should_train_cross_sectional,
    should_train_symbol_specific,
)

__all__ = ["load_routing_plan", "should_train_cross_sectional", "should_train_symbol_specific"]
