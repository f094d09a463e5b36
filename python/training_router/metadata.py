"""What only the CLI knows of a run: when it ran and from which commit (history.write_run_info
hands them to dbt, whose plan_identity computes inputs_hash and plan_id)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess

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
