"""Where the dbt project lives, found from this package, never from the cwd."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import DbtError


@lru_cache(maxsize=1)
def dbt_project_dir() -> Path:
    """The directory holding dbt_project.yml.

    ``ROUTER_DBT_PROJECT_DIR`` wins; otherwise the checkout this package sits in
    (``python/training_router`` → the repository root).
    """
    override = os.environ.get("ROUTER_DBT_PROJECT_DIR")
    candidates = [Path(override)] if override else []
    candidates.append(Path(__file__).resolve().parents[2])
    for candidate in candidates:
        if (candidate / "dbt_project.yml").is_file():
            return candidate
    raise DbtError(
        "cannot find the training router's dbt project (dbt_project.yml); "
        "set ROUTER_DBT_PROJECT_DIR to the repository root"
    )


@lru_cache(maxsize=1)
def enums() -> dict[str, tuple[str, ...]]:
    """The plan's enumerations (routes, lane_states, stabilities, leakage_statuses, job_types,
    ...), read from the one place they are written: dbt_project.yml `vars.enums`."""
    with (dbt_project_dir() / "dbt_project.yml").open(encoding="utf-8") as handle:
        project = yaml.safe_load(handle)
    return {name: tuple(values) for name, values in project["vars"]["enums"].items()}
