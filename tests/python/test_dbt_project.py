"""`dbt build` alone (no CLI) builds and tests everything, unit tests included."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from training_router.dbt_runner import run_dbt

from conftest import EXAMPLE


def test_dbt_build_alone_runs_models_data_tests_and_unit_tests(tmp_path: Path) -> None:
    database = tmp_path / "routing.duckdb"
    result = run_dbt(["build"], database=database, work_dir=tmp_path, dbt_vars={"metrics_dir": str(EXAMPLE)})
    assert result.returncode == 0, result.output[-3000:]
    statuses = {r["unique_id"]: r["status"] for r in result.results}
    unit_tests = [u for u in statuses if u.startswith("unit_test.")]
    data_tests = [u for u in statuses if u.startswith("test.")]
    assert len(unit_tests) >= 20 and len(data_tests) >= 20
    not_ok = {u: s for u, s in statuses.items() if s not in ("success", "pass")}
    assert not not_ok
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("select count(*) from routing_plan").fetchone() == (10,)
    manifest = json.loads((tmp_path / "dbt-target" / "manifest.json").read_text())
    undocumented = [
        f"{node['name']}.{column}"
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        for column, spec in node["columns"].items()
        if not spec.get("description")
    ]
    models_without_docs = [n["name"] for n in manifest["nodes"].values()
                           if n["resource_type"] == "model" and not n.get("description")]
    assert not models_without_docs and not undocumented
