"""Alias of training_router.consumer: the API training code uses to read a training plan."""

from training_router.consumer import (
    get_cs_jobs,
    get_jobs_for_symbol,
    get_jobs_for_target,
    get_symbol_jobs,
    get_training_plan_summary,
    load_training_plan,
    should_train_target_symbol,
)

__all__ = [
    "get_cs_jobs",
    "get_jobs_for_symbol",
    "get_jobs_for_target",
    "get_symbol_jobs",
    "get_training_plan_summary",
    "load_training_plan",
    "should_train_target_symbol",
]
