"""The default score thresholds, read from the one place they are written (dbt_project.yml,
vars.routing_defaults), in the shape the bench scripts use: a tuple
(cs_min, cs_strong, sym_min, sym_strong) for classification, and one per horizon tier for
regression."""

from __future__ import annotations

from pathlib import Path

import yaml

_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project.yml"
_ROUTING = yaml.safe_load(_PROJECT.read_text(encoding="utf-8"))["vars"]["routing_defaults"]["routing"]
# in tuple order: cs_min, cs_strong, sym_min, sym_strong
_SCORES = [_ROUTING[lane][kind] for lane in ("cross_sectional", "symbol") for kind in ("min_score", "strong_score")]

CLASSIFICATION: tuple[float, ...] = tuple(score["classification"] for score in _SCORES)
REGRESSION: dict[str, tuple[float, ...]] = {
    tier: tuple(score["regression"][tier] for score in _SCORES) for tier in _SCORES[0]["regression"]
}
