"""dump_plan_as PARQUET (opt-in): routing_plan.parquet and training_plan.parquet beside the
other artifacts, straight from the DuckDB tables (docs/ROUTING_RULES.md §8)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from conftest import EXAMPLE, Run, run_router


@pytest.fixture(scope="module")
def parquet_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    base = tmp_path_factory.mktemp("parquet") / "it's here"  # a quote in the path: COPY's file is SQL text
    base.mkdir()
    config = base / "routing_config.yaml"
    config.write_text("routing:\n  dump_plan_as: [JSON, YAML, MARKDOWN, PARQUET]\n")
    run = run_router(EXAMPLE, base / "METRICS", "--routing-config", str(config))
    assert run.returncode == 0, run.stderr
    return run


@pytest.mark.parametrize(("table", "order"), [("routing_plan", "target_name, symbol"),
                                              ("training_plan", "plan_position")])
def test_parquet_reads_back_equal_to_the_table(parquet_run: Run, table: str, order: str) -> None:
    path = parquet_run.plan_output / table / f"{table}.parquet"
    with duckdb.connect(str(parquet_run.database), read_only=True) as connection:
        expected = connection.execute(f"select * from {table} order by {order}").fetchall()
        columns = [d[0] for d in connection.execute(f"describe {table}").fetchall()]
    with duckdb.connect() as reader:
        cursor = reader.execute("select * from read_parquet(?)", [str(path)])
        assert [d[0] for d in cursor.description] == columns
        assert cursor.fetchall() == expected
    assert len(expected) == {"routing_plan": 10, "training_plan": 6}[table]


def test_parquet_is_opt_in(example_run: Run) -> None:
    assert not list(Path(example_run.plan_output).rglob("*.parquet"))


def test_parquet_alone_writes_no_other_artifact(tmp_path: Path) -> None:
    config = tmp_path / "routing_config.yaml"
    config.write_text("routing:\n  dump_plan_as: [PARQUET]\n")
    run = run_router(EXAMPLE, tmp_path / "METRICS", "--routing-config", str(config))
    assert run.returncode == 0, run.stderr
    artifacts = sorted(p.relative_to(run.plan_output).as_posix()
                       for name in ("routing_plan", "training_plan") for p in run.plan_output.glob(f"{name}/{name}.*"))
    assert artifacts == ["routing_plan/routing_plan.parquet", "training_plan/training_plan.parquet"]


def test_a_later_plan_without_parquet_leaves_none_behind(tmp_path: Path) -> None:
    """The parquet files belong to the plan that wrote them: the next plan, without
    PARQUET, publishes a set of artifacts that has none."""
    with_parquet = tmp_path / "with.yaml"
    with_parquet.write_text("routing:\n  dump_plan_as: [JSON, PARQUET]\n")
    first = run_router(EXAMPLE, tmp_path / "METRICS", "--routing-config", str(with_parquet))
    assert first.returncode == 0, first.stderr
    assert (first.plan_output / "training_plan" / "training_plan.parquet").is_file()
    second = run_router(EXAMPLE, tmp_path / "METRICS")
    assert second.returncode == 0, second.stderr
    assert not (second.plan_output / "routing_plan" / "routing_plan.parquet").exists()
    assert not (second.plan_output / "training_plan" / "training_plan.parquet").exists()
    assert (second.plan_output / "training_plan" / "training_plan.json").is_file()
