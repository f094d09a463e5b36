"""Publication: every documented path belongs to one plan at every instant.

The outputs are published into a version folder and switched in with one rename of
the `current` link (python/training_router/publish.py). These tests kill the run at
every file system step of the publication in turn (ROUTER_FAULT_AT=publish:<n>:kill,
a SIGKILL before step n) and check, after each kill, that the six artifacts and the
database all hold one plan, and that the next run gets through."""

from __future__ import annotations

import json
import os
import re
import signal
from pathlib import Path

import duckdb
import pytest
import yaml

from conftest import EXAMPLE, Run, run_router

SWING = "y_will_swing_low_10m_0.20"
ARTIFACTS = [f"{name}/{name}.{ext}" for name in ("routing_plan", "training_plan") for ext in ("json", "yaml", "md")]
PLAN_ID_IN_MARKDOWN = re.compile(r"plan_id: `(\w+)`")


def _plan_id(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)["metadata"]["plan_id"]
    if path.suffix == ".yaml":
        return yaml.safe_load(text)["metadata"]["plan_id"]
    found = PLAN_ID_IN_MARKDOWN.search(text)
    assert found, path
    return found.group(1)


def _one_plan(out: Path, database: Path, present_only: bool = False) -> str | None:
    """The plan every output at the documented paths belongs to (asserting there is one):
    one plan_id in all six artifacts, and the database's routes equal to the JSON's."""
    paths = [out / a for a in ARTIFACTS]
    if present_only and not any(p.exists() for p in [*paths, database]):
        return None
    if present_only:
        paths = [p for p in paths if p.exists()]
    else:
        assert all(p.is_file() for p in paths), [p for p in paths if not p.is_file()]
    ids = {p.relative_to(out).as_posix(): _plan_id(p) for p in paths}
    changes = out / "routing_plan" / "routing_changes.json"
    if changes.exists():  # written with the plan (history.py): must be the same plan's
        ids[changes.name] = json.loads(changes.read_text())["metadata"]["plan_id"]
    assert len(set(ids.values())) == 1, ids
    json_plan = out / "routing_plan" / "routing_plan.json"
    if json_plan.exists() and (database.exists() or not present_only):
        plan = json.loads(json_plan.read_text())
        decisions = {(t, s, d["route"]) for t, target in plan["targets"].items() for s, d in target["symbols"].items()}
        with duckdb.connect(str(database), read_only=True) as connection:
            rows = set(connection.execute("select target_name, symbol, route from routing_plan").fetchall())
        assert rows == decisions
    return next(iter(ids.values()))


def _other_config(out: Path) -> list[str]:
    """A config that changes the published plan (AAPL of the swing target is ROUTE_BOTH by default)."""
    plan = json.loads((out / "routing_plan" / "routing_plan.json").read_text())
    if plan["targets"][SWING]["symbols"]["AAPL"]["route"] != "ROUTE_BOTH":
        return []
    config = out.parent / "prefer_cs.yaml"
    config.write_text("routing:\n  both_strong_behavior: PREFER_CS\n")
    return ["--routing-config", str(config)]


def _kill_at_every_step(out: Path, database: Path, *args: str) -> int:
    """Runs killed before publication step 1, 2, ... until one completes; returns the number of steps."""
    seen: set[str | None] = set()
    for step in range(1, 60):
        before = _one_plan(out, database)
        seen.add(before)
        run = run_router(EXAMPLE, out, *args, *_other_config(out), env={"ROUTER_FAULT_AT": f"publish:{step}:kill"})
        if run.returncode == 0:
            after = _one_plan(out, database)
            assert after != before
            return step - 1
        # the run got through the lock, the clean-up of what the previous kill left, the build
        # and the steps before this one, then died here
        assert run.returncode == -signal.SIGKILL, run.stderr
        seen.add(_one_plan(out, database))
        assert len(seen) <= 2, seen  # the default config's plan or the other one's, never a third mix
        versions = os.listdir(out / ".plans")
        assert len(versions) <= 3, versions
    raise AssertionError("the publication never completed")


def test_a_kill_at_any_publication_step_leaves_one_whole_plan(tmp_path: Path) -> None:
    out = tmp_path / "METRICS"
    assert run_router(EXAMPLE, out).returncode == 0
    assert run_router(EXAMPLE, out, *_other_config(out)).returncode == 0  # two versions: the next run removes one
    steps = _kill_at_every_step(out, out / "routing.duckdb")
    # flush, rename the folder, flush, new link, switch, flush, remove the oldest version
    assert steps == 7
    versions = os.listdir(out / ".plans")
    assert len(versions) == 2 and os.readlink(out / "current").split("/")[-1] in versions  # and the one before


def test_a_kill_at_any_step_of_a_first_publication_with_a_separate_database(tmp_path: Path) -> None:
    """A first run also creates the links; --database elsewhere is a link to the plan's database."""
    out, database = tmp_path / "METRICS", tmp_path / "db" / "routing.duckdb"
    for step in range(1, 60):
        run = run_router(EXAMPLE, out, "--database", str(database), env={"ROUTER_FAULT_AT": f"publish:{step}:kill"})
        if run.returncode == 0:
            break
        assert run.returncode == -signal.SIGKILL, run.stderr
        _one_plan(out, database, present_only=True)
    assert step > 8  # the links were created step by step too
    _one_plan(out, database)
    assert os.readlink(database) == str(out / "current" / "routing.duckdb")
    assert not (out / "routing.duckdb").exists()


def test_documented_paths_are_links_through_current(tmp_path: Path) -> None:
    out = tmp_path / "METRICS"
    run = run_router(EXAMPLE, out)
    assert run.returncode == 0, run.stderr
    assert os.readlink(out / "routing_plan") == "current/routing_plan"
    assert os.readlink(out / "training_plan") == "current/training_plan"
    assert os.readlink(out / "routing.duckdb") == "current/routing.duckdb"
    assert os.readlink(out / "current").startswith(".plans/v")
    from training_router import load_routing_plan

    assert load_routing_plan(out / "routing_plan")["metadata"]["plan_id"] == _one_plan(out, out / "routing.duckdb")


def test_the_old_layout_is_migrated_and_its_database_reused(tmp_path: Path) -> None:
    """Outputs written before version folders (real folders and file) become links on the next run."""
    out = tmp_path / "METRICS"
    assert run_router(EXAMPLE, out).returncode == 0
    # rebuild the old layout from the published plan
    version = out / os.readlink(out / "current")
    for name in ("routing_plan", "training_plan", "routing.duckdb"):
        (out / name).unlink()
        os.rename(version / name, out / name)
    for name in ("current", ".plans"):
        path = out / name
        path.unlink() if path.is_symlink() else os.rmdir(path / version.name) or os.rmdir(path)
    assert not (out / "routing_plan").is_symlink()
    old_id = _one_plan(out, out / "routing.duckdb")
    run = run_router(EXAMPLE, out, *_other_config(out))
    assert run.returncode == 0, run.stderr
    assert (out / "routing_plan").is_symlink() and (out / "routing.duckdb").is_symlink()
    assert _one_plan(out, out / "routing.duckdb") != old_id
    # the old plan is kept as the previous version; the loaded layer came from it
    assert len(os.listdir(out / ".plans")) == 2
    assert "--full-refresh" not in (out / ".router" / "dbt-logs" / "dbt.log").read_text().split("Running with dbt=")[-1]


def test_a_shrinking_dump_plan_as_leaves_no_file_of_another_plan(tmp_path: Path) -> None:
    out = tmp_path / "METRICS"
    assert run_router(EXAMPLE, out).returncode == 0
    config = tmp_path / "json_only.yaml"
    config.write_text("routing:\n  dump_plan_as: [JSON]\n")
    run = run_router(EXAMPLE, out, "--routing-config", str(config))
    assert run.returncode == 0, run.stderr
    for name in ("routing_plan", "training_plan"):
        names = {p.name for p in (out / name).iterdir()}
        assert f"{name}.json" in names
        assert not names & {f"{name}.yaml", f"{name}.md"}, names


def test_dump_plan_as_empty_publishes_the_database_only(tmp_path: Path) -> None:
    out = tmp_path / "METRICS"
    config = tmp_path / "none.yaml"
    config.write_text("routing:\n  dump_plan_as: []\n")
    run: Run = run_router(EXAMPLE, out, "--routing-config", str(config))
    assert run.returncode == 0, run.stderr
    for name in ("routing_plan", "training_plan"):
        names = {p.name for p in (out / name).iterdir()}
        assert not names & {f"{name}.json", f"{name}.yaml", f"{name}.md"}, names
    with duckdb.connect(str(out / "routing.duckdb"), read_only=True) as connection:
        assert connection.execute("select count(*) from routing_plan").fetchone() == (10,)


def test_an_open_database_reader_keeps_its_plan_through_two_publications(tmp_path: Path) -> None:
    out = tmp_path / "METRICS"
    assert run_router(EXAMPLE, out).returncode == 0
    with duckdb.connect(str(out / "routing.duckdb"), read_only=True) as reader:
        for _ in range(2):
            assert run_router(EXAMPLE, out, *_other_config(out)).returncode == 0
        assert reader.execute(
            "select route from routing_plan where target_name = ? and symbol = 'AAPL'", [SWING]
        ).fetchone() == ("ROUTE_BOTH",)
    assert len(os.listdir(out / ".plans")) == 2


@pytest.mark.parametrize("api", ["training_router", "TRAINING.orchestration.generate_routing_plan"])
def test_programmatic_entry_returns_the_outcome_and_raises_typed_errors(tmp_path: Path, api: str) -> None:
    import importlib

    from training_router.errors import InputError

    generate_routing_plan = importlib.import_module(api).generate_routing_plan
    outcome = generate_routing_plan(EXAMPLE, plan_output=tmp_path / "METRICS", notify=lambda _: None)
    assert outcome.n_decisions == 10 and outcome.n_jobs == 6
    assert outcome.plan_id == _one_plan(tmp_path / "METRICS", outcome.database)
    assert outcome.database == tmp_path / "METRICS" / "routing.duckdb"
    assert set(ARTIFACTS) <= {p.relative_to(tmp_path / "METRICS").as_posix() for p in outcome.artifacts}
    assert all(p.is_file() for p in outcome.artifacts)
    with pytest.raises(InputError) as raised:
        generate_routing_plan(tmp_path / "missing", plan_output=tmp_path / "METRICS")
    assert raised.value.exit_code == 3 and "does not exist" in str(raised.value)
