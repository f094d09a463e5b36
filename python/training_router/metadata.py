"""A plan's metadata: when, from which code, config and inputs, and its id."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path
from typing import Any

from . import __version__
from .config import config_hash
from .inputs import Request, inputs_hash
from .project import dbt_project_dir


def generated_at() -> str:
    """UTC time of the run, or SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        if epoch
        else dt.datetime.now(tz=dt.timezone.utc).replace(microsecond=0)
    )
    return moment.isoformat().replace("+00:00", "Z")


def git_commit() -> str:
    """The router's own commit, or 'unknown' outside a git checkout."""
    try:
        completed = subprocess.run(
            ["git", "-C", str(dbt_project_dir()), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return completed.stdout.strip() if completed.returncode == 0 else "unknown"


def plan_metadata(request: Request, config: dict[str, Any], database: Path) -> dict[str, Any]:
    """The metadata every artifact carries; plan_id is a digest of what decides the plan."""
    roots = [p for p in (request.stability_dir, request.metrics_dir) if p]
    metadata: dict[str, Any] = {
        "generated_at": generated_at(),
        "git_commit": git_commit(),
        "router_version": __version__,
        "config_hash": config_hash(config),
        "inputs_hash": inputs_hash(database, roots, request.targets),
        "targets_requested": request.requested_targets,
        "symbols_requested": request.requested_symbols,
    }
    metadata["plan_id"] = config_hash(
        {k: metadata[k] for k in ("git_commit", "config_hash", "inputs_hash",
                                  "targets_requested", "symbols_requested")}
    )[:16]
    metadata["config"] = config
    return metadata
