"""Aliases: TRAINING.orchestration.* → training_router."""
