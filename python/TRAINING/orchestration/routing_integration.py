"""Alias of training_router.api for the seed's documented imports."""

from training_router.api import (
    get_route_for_target_symbol,
    load_routing_plan,
    should_train_cross_sectional,
    should_train_symbol_specific,
)

__all__ = [
    "get_route_for_target_symbol",
    "load_routing_plan",
    "should_train_cross_sectional",
    "should_train_symbol_specific",
]
