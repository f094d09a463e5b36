"""Where the dbt project lives, found from this package, never from the cwd."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

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
