"""The Spark engine (``--engine spark``): the same dbt project built by dbt-spark.

dbt-spark's session method starts a SparkSession inside dbt's process (master from
ROUTER_SPARK_MASTER, default local[*]). Every table it builds is Parquet in a warehouse
folder inside the run's build folder, with its Derby metastore beside it. After the
build the tables are copied into the run's DuckDB file, so that what follows (input
problems, inputs_hash, the export, the atomic publish) is the DuckDB engine's code,
and the published database answers the same queries whichever engine built it. For
Spark SQL, `dump_plan_as: [..., PARQUET]` publishes routing_plan.parquet and
training_plan.parquet: ``select * from parquet.`METRICS/routing_plan/routing_plan.parquet```.

The data tests run once, on DuckDB, over the copy of Spark's tables (a test costs 1-4 s
on Spark); the history models are DuckDB-only and built there too. The loaded layer's
incremental reuse is DuckDB-only: a Spark run reads every input file (docs/PORTING.md).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import duckdb

from .dbt_runner import DbtResult, RunSettings, run_dbt
from .errors import UsageError
from .inputs import InputFile

ENGINES = ("duckdb", "spark")
DBT_TARGET = "spark"
SCHEMA = "router"  # profiles.yml: the spark target's schema
# Spark builds seeds and models only: a data test costs 1-4 s there, 0.05 s on DuckDB
SPARK_BUILD = ("build", "--target", DBT_TARGET, "--exclude", "test_type:unit", "test_type:data")
# then, on the DuckDB copy of Spark's tables: every data test (not those of the staging
# views, which stay in Spark) and the DuckDB-only history models
CHECKS_ON_DUCKDB = ("--select", "test_type:data", "path:models/history",
                    "--exclude", "test_type:unit", "path:models/staging")
JAVA_HINT = (
    "--engine spark needs Java 17: install it with `apt-get install -y openjdk-17-jre-headless` "
    "(as root) or point JAVA_HOME at a JDK/JRE 17"
)


def check_requirements() -> None:
    """Refuse (exit 2, one line) when Java or pyspark/dbt-spark are missing."""
    java_home = os.environ.get("JAVA_HOME")
    java = Path(java_home) / "bin" / "java" if java_home else None
    if not ((java is not None and java.is_file()) or shutil.which("java")):
        raise UsageError(JAVA_HINT)
    missing = [name for name in ("pyspark", "dbt.adapters.spark") if not _importable(name)]
    if missing:
        raise UsageError(
            f"--engine spark needs {' and '.join(missing)}: install them with "
            "`pip install 'training-router[spark]'` (or `make spark-deps`)"
        )


HIDDEN_NAME = "Spark's file reader skips names that start with '_' or '.', so this file would be left out " \
    "of the plan: rename it, or route with --engine duckdb"


def hidden_input_problems(files: Iterable[InputFile], roots: Iterable[Path],
                          targets: Iterable[str]) -> list[tuple[str, str]]:
    """The input files of the selected targets that Spark would silently not read: a file or
    folder below an input root whose name starts with '_' or '.' (Hadoop's hidden files).
    DuckDB reads them, so the same inputs would give two different plans; refuse instead."""
    prefixes = [str(root).rstrip("/") + "/" for root in roots]
    selected = set(targets)
    problems = []
    for file in files:
        if file.target_name not in selected:
            continue
        relative = next((file.file_path[len(p):] for p in prefixes if file.file_path.startswith(p)), None)
        if relative is not None and any(part[:1] in ("_", ".") for part in relative.split("/")):
            problems.append((file.file_path, HIDDEN_NAME))
    return sorted(problems)


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def build(database: Path, work_dir: Path, settings: RunSettings,
          on_output: Callable[[str], None] | None = None) -> DbtResult:
    """One build on Spark into a fresh warehouse under work_dir, then the tables copied into
    `database` and checked there (finish_on_duckdb). Returns the result to check."""
    base = work_dir / "spark"
    for leftover in (base / "warehouse", base / "metastore"):
        shutil.rmtree(leftover, ignore_errors=True)
    result = run_dbt(list(SPARK_BUILD), database=database, work_dir=base, settings=settings,
                     on_output=on_output, extra_env=environment(base))
    return finish_on_duckdb(result, base, database, work_dir, settings)


def environment(base: Path) -> dict[str, str]:
    """What the spark target of profiles.yml reads."""
    return {
        "ROUTER_SPARK_WAREHOUSE": str(base / "warehouse"),
        "ROUTER_SPARK_METASTORE": str(base / "metastore"),
        "ROUTER_SPARK_MASTER": os.environ.get("ROUTER_SPARK_MASTER", "local[*]"),
    }


def _table_dirs(base: Path) -> list[Path]:
    schema_dir = base / "warehouse" / f"{SCHEMA}.db"
    if not schema_dir.is_dir():
        return []
    return sorted(p for p in schema_dir.iterdir() if p.is_dir() and any(p.glob("*.parquet")))


def copy_tables_to_duckdb(base: Path, database: Path) -> list[str]:
    """Every table Spark built, as a DuckDB table of the same name; returns the names."""
    names = []
    with duckdb.connect(str(database)) as connection:
        for table in _table_dirs(base):
            files = str(table / "*.parquet").replace("'", "''")
            connection.execute(f'create or replace table "{table.name}" as select * from read_parquet(\'{files}\')')
            names.append(table.name)
        connection.execute("checkpoint")
    return names


def finish_on_duckdb(result: DbtResult, base: Path, database: Path, work_dir: Path,
                     settings: RunSettings) -> DbtResult:
    """After the Spark build (seeds and models, no tests): its tables copied into the build's
    DuckDB file, then one dbt build on DuckDB there: the data tests (the input-problem test
    that stops a bad-input run, the routing invariants) over Spark's tables, and the
    DuckDB-only history models. Returns the result to check: the Spark build's when it
    failed, else the DuckDB one's."""
    copy_tables_to_duckdb(base, database)
    failed = result.returncode != 0 or any(r.get("status") in ("error", "fail") for r in result.results)
    if failed:
        return result
    return run_dbt(["build", *CHECKS_ON_DUCKDB], database=database, work_dir=work_dir, settings=settings)
