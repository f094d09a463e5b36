"""Reuse of the previous run's parsed inputs (the dbt loaded layer).

A run starts its new database as a copy of the previous one when that one was
built by the same loading code, so the incremental loaded models re-read only
new and changed input files. Otherwise (first run, code changed, --full-refresh)
the build starts empty and dbt runs with --full-refresh. When even the listing of
input files is the one the previous database was built from (a re-route after a
config change), the staging and loaded models and their tests are not run at all,
and when moreover the target selection and ``stability_classification.top_k`` are
those of the previous run, neither are the routing models that depend on nothing else
(SELECTION_LAYER: at large scale ~4 s of a re-route).
"""

from __future__ import annotations

import enum
import hashlib
import json
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
# Models that read only the loaded layer, the target selection (--targets) and
# stability_classification.top_k — no threshold: with the same inputs and those two
# settings, the previous database's tables are what they would build. Their SQL is part
# of the selection key, so a changed model is built again.
SELECTION_LAYER = ("int_targets_selected", "int_symbol_lanes_aggregated", "int_stability_pairs_compared")
SELECTION_CODE = (
    "models/intermediate/int_targets_selected.sql",
    "models/intermediate/int_symbol_lanes_aggregated.sql",
)


class Reuse(enum.Enum):
    """What a build can take from the previous database."""

    NONE = "none"  # build everything from the inputs (dbt --full-refresh)
    LOADED_LAYER = "loaded layer"  # re-read only new and changed input files
    SAME_INPUTS = "same inputs"  # the input files are those already loaded: skip the input layer
    SAME_SELECTION = "same selection"  # and the same selection key: skip SELECTION_LAYER too


def loading_code_fingerprint() -> str:
    """sha256 of the SQL and config that decide how input files are parsed."""
    return _code_digest(LOADING_CODE)


def selection_key(targets: list[str], top_k: object) -> str:
    """What SELECTION_LAYER's tables depend on besides the loaded layer."""
    settings = json.dumps({"targets": targets, "top_k": top_k}, sort_keys=True)
    return hashlib.sha256(f"{settings}\0{_code_digest(SELECTION_CODE)}".encode()).hexdigest()


def _code_digest(entries: tuple[str, ...]) -> str:
    root = dbt_project_dir()
    digest = hashlib.sha256()
    for entry in entries:
        path = root / entry
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(file.relative_to(root).as_posix().encode())
            digest.update(b"\0")
            digest.update(file.read_bytes())
    return digest.hexdigest()


def _recorded(database: Path) -> dict[str, object]:
    """What a database recorded about how it was built (loading code fingerprint, input
    listing digest, selection key); empty if nothing."""
    try:
        with duckdb.connect(str(database), read_only=True) as connection:
            row = connection.execute(f"select * from {BUILD_INFO_TABLE}").fetchone()
            names = [column[0] for column in connection.description or []]
    except duckdb.Error:
        return {}
    return dict(zip(names, row, strict=True)) if row else {}


def seed_from_previous(database: Path, build_database: Path, full_refresh: bool, listing: str,
                       selection: str | None = None) -> Reuse:
    """Copy the previous database to the build location if its loaded layer is reusable,
    and say whether it was loaded from exactly the input files listed now (and, if so,
    with the same selection key)."""
    if full_refresh or not database.is_file():
        return Reuse.NONE
    recorded = _recorded(database)
    fingerprint = recorded.get("loading_code_fingerprint")
    if not fingerprint or fingerprint != loading_code_fingerprint():
        return Reuse.NONE
    shutil.copyfile(database, build_database)
    if not recorded.get("input_listing_digest") or recorded["input_listing_digest"] != listing:
        return Reuse.LOADED_LAYER
    if selection is not None and recorded.get("selection_key") == selection:
        return Reuse.SAME_SELECTION
    return Reuse.SAME_INPUTS


def record_loaded_layer(build_database: Path, listing: str, selection: str | None = None) -> None:
    """Note which loading code built this database from which listing (and selection key),
    and flush it to the file."""
    with duckdb.connect(str(build_database)) as connection:
        connection.execute(
            f"create or replace table {BUILD_INFO_TABLE} as"
            " select ? as loading_code_fingerprint, ? as input_listing_digest, ? as selection_key",
            [loading_code_fingerprint(), listing, selection],
        )
        connection.execute("checkpoint")
