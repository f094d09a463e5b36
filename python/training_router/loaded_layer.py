"""Reuse of the previous run's parsed inputs (the dbt loaded layer).

A run starts its new database as a copy of the previous one when that one was
built by the same loading code, so the incremental loaded models re-read only
new and changed input files. Otherwise (first run, code changed, --full-refresh)
the build starts empty and dbt runs with --full-refresh.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb

from .project import dbt_project_dir

BUILD_INFO_TABLE = "router_build_info"
# Everything that builds an incremental (kept) model.
LOADING_CODE = (
    "models/staging",
    "models/intermediate/loaded",
    "models/intermediate/int_stability_pairs_compared.sql",
    "macros",
    "dbt_project.yml",
)


def loading_code_fingerprint() -> str:
    """sha256 of the SQL and config that decide how input files are parsed."""
    root = dbt_project_dir()
    digest = hashlib.sha256()
    for entry in LOADING_CODE:
        path = root / entry
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(file.relative_to(root).as_posix().encode())
            digest.update(b"\0")
            digest.update(file.read_bytes())
    return digest.hexdigest()


def _recorded_fingerprint(database: Path) -> str | None:
    try:
        with duckdb.connect(str(database), read_only=True) as connection:
            row = connection.execute(f"select loading_code_fingerprint from {BUILD_INFO_TABLE}").fetchone()
    except duckdb.Error:
        return None
    return str(row[0]) if row else None


def seed_from_previous(database: Path, build_database: Path, full_refresh: bool) -> bool:
    """Copy the previous database to the build location if its loaded layer is reusable."""
    if full_refresh or not database.is_file():
        return False
    if _recorded_fingerprint(database) != loading_code_fingerprint():
        return False
    shutil.copyfile(database, build_database)
    return True


def record_loaded_layer(build_database: Path) -> None:
    """Note which loading code built this database, and flush it to the file."""
    with duckdb.connect(str(build_database)) as connection:
        connection.execute(
            f"create or replace table {BUILD_INFO_TABLE} as select ? as loading_code_fingerprint",
            [loading_code_fingerprint()],
        )
        connection.execute("checkpoint")
