"""Aliases under the names the seed project documents; the code is in training_router."""
