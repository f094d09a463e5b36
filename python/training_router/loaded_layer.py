"""Reuse of the previous run's parsed inputs (the dbt loaded layer).

A run starts its new database as a copy of the previous one when that one was
built by the same loading code, so the incremental loaded models re-read only
new and changed input files. Otherwise (first run, code changed, --full-refresh)
the build starts empty and dbt runs with --full-refresh. When even the listing of
input files is the one the previous database was built from (a re-route after a
config change), the staging and loaded models and their tests are not run at all.
"""

from __future__ import annotations

import enum
import hashlib
import shutil
from pathlib import Path

import duckdb

from .project import dbt_project_dir

BUILD_INFO_TABLE = "router_build_info"
# Everything that builds an incremental (kept) model.
LOADING_CODE = (
    "models/staging/metrics",
    "models/intermediate/loaded",
    "models/intermediate/int_stability_pairs_compared.sql",
    "macros",
    "dbt_project.yml",
)
# With the same input files (paths, sizes, modification times: the loaded layer's own
# quick check) the input layer would re-read nothing and find the problems it found last
# time, which were none (a database is kept only from a run that succeeded): skip it.
INPUT_LAYER = ("path:models/staging/metrics", "path:models/intermediate/loaded")


class Reuse(enum.Enum):
    """What a build can take from the previous database."""

    NONE = "none"  # build everything from the inputs (dbt --full-refresh)
    LOADED_LAYER = "loaded layer"  # re-read only new and changed input files
    SAME_INPUTS = "same inputs"  # the input files are those already loaded: skip the input layer


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


def _recorded(database: Path) -> tuple[str | None, str | None]:
    """(loading code fingerprint, input listing digest) recorded in a database, if any."""
    try:
        with duckdb.connect(str(database), read_only=True) as connection:
            row = connection.execute(f"select * from {BUILD_INFO_TABLE}").fetchone()
            names = [column[0] for column in connection.description or []]
    except duckdb.Error:
        return None, None
    recorded = dict(zip(names, row, strict=True)) if row else {}
    fingerprint, listing = recorded.get("loading_code_fingerprint"), recorded.get("input_listing_digest")
    return (str(fingerprint) if fingerprint else None, str(listing) if listing else None)


def seed_from_previous(database: Path, build_database: Path, full_refresh: bool, listing: str) -> Reuse:
    """Copy the previous database to the build location if its loaded layer is reusable,
    and say whether it was loaded from exactly the input files listed now."""
    if full_refresh or not database.is_file():
        return Reuse.NONE
    fingerprint, recorded_listing = _recorded(database)
    if fingerprint != loading_code_fingerprint():
        return Reuse.NONE
    shutil.copyfile(database, build_database)
    return Reuse.SAME_INPUTS if recorded_listing == listing else Reuse.LOADED_LAYER


def record_loaded_layer(build_database: Path, listing: str) -> None:
    """Note which loading code built this database from which listing, and flush it to the file."""
    with duckdb.connect(str(build_database)) as connection:
        connection.execute(
            f"create or replace table {BUILD_INFO_TABLE} as"
            " select ? as loading_code_fingerprint, ? as input_listing_digest",
            [loading_code_fingerprint(), listing],
        )
        connection.execute("checkpoint")
