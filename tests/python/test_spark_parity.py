"""The Spark engine (`--engine spark`) against the DuckDB engine, on the same inputs.

A Spark run costs a session start plus ~1-2 s per dbt node whatever the data size, so
cases are batched: every batch is one metrics directory routed ONCE per engine with one
config, and the artifacts are compared whole (routing_plan.json and training_plan.json,
apart from the metadata fields naming the engine or the time). The batches:

* `default`: the shipped example, the scores of tests/fixtures/reason_numbers (half way
  between two 4-decimal values, where the engines' own round() differ), every hand-worked
  case without a config of its own, the
  hostile names of test_names_are_data.py, a target with a hostile name, and a generated
  set (scenarios drawn with a fixed seed from test_properties.py's strategy, renamed apart,
  some to hostile names) that must give every route; routed with the config of the
  hand-worked case that only sets `include_blocked` (which only adds priority-0 `blocked`
  jobs, docs/ROUTING_RULES.md §7, so the other cases' expectations hold on the other jobs);
* one per distinct (routing_config.yaml, args.yaml) of the other hand-worked cases: cases
  whose config and selection are equal share a batch. Today all seven differ, and each of
  their settings changes the routes of every target of a run.

Each hand-worked case is also checked against its hand-written expected.yaml (the way
test_handworked.py does), so a fault common to both engines is caught too. The
bad-input corpus is one Spark run that must fail with exit 3 naming every bad file.
Selected with `-m spark`; they run in `make test` (which installs Java and the Spark
extras first) and fail, not skip, when Spark cannot run.
"""

from __future__ import annotations

import copy
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings

from test_handworked import CASES as HANDWORKED_CASES
from test_handworked import case_args, expected
from test_names_are_data import EXPECTED_ROUTES as NAMES_EXPECTED_ROUTES
from test_names_are_data import F_DASH, F_DQ, F_SQ, F_UNI, S_DASH, S_DQ, S_KK, S_ONEIL, build_metrics
from test_properties import _write as write_scenario
from test_properties import scenario
from training_router.project import enums

from conftest import EXAMPLE, FIXTURES, Run, run_router
from expectations import assert_matches_expected

pytestmark = pytest.mark.spark

CORPUS = FIXTURES / "bad_input"
REASON_NUMBERS = FIXTURES / "reason_numbers" / "metrics"
# the metadata fields that name the engine or the time of the run
ENGINE_OR_TIME = ("engine", "generated_at")
HOSTILE_TARGET = "y_it's; -x é 15m"
PROBLEM_LINE = re.compile(r"^  (?P<path>/.+?\.json): (?P<problem>.+)$")
# where Spark's message differs (docs/PORTING.md, "Known differences"): a repeated key below
# the top level is refused for the whole document (Spark's variant parser refuses it); a
# double is printed the Java way (2.5E19, not 2.5e+19); NaN and Infinity, which Spark's
# variant keeps, are named as text. The file is refused and named all the same.
SPARK_MESSAGES = {
    "duplicate_key_leakage_symbols": "repeats a key",
    "infinity_literal": 'score "Infinity" is too large for a number',
    "nan_literal": 'score "NaN" is too large for a number',
    "n_samples_exponent_too_large": "sample_size 2.5E19 is too large (max 9223372036854775807)",
    "sample_size_1e20": "sample_size 1.0E20 is too large (max 9223372036854775807)",
    "sample_size_2_pow_63": "is too large (max 9223372036854775807)",
    "score_beyond_1e300": "score -1.0E305 is too large (beyond ±1e300",
    "score_beyond_double": 'score "Infinity" is too large for a number',
    "score_outside_roc_auc": "score 1.0E308 is outside [0, 1], the range of metric roc_auc",
}

# the generated targets: scenarios drawn from test_properties.scenario() with a fixed seed,
# renamed g<k>_<name>, the first three to these hostile names, and their symbols and features
# by HOSTILE_*; none starts with "_" or ".", which --engine spark refuses (docs/PORTING.md)
GENERATED_SCENARIOS = 6
GENERATED_HOSTILE_TARGETS = ("-g0 it's \"q\"; ünï 株_10m", "g1 x'); drop table training_plan; --",
                             "g2 Ω ; \"dq\" é_30m")
HOSTILE_SYMBOLS = {"AAA": S_ONEIL, "BBB": S_DQ, "CCC": S_DASH, "DDD": S_KK}
HOSTILE_FEATURES = {"f00": F_DQ, "f01": F_SQ, "f02": F_UNI, "f03": F_DASH}


@dataclass(frozen=True)
class Batch:
    """One metrics directory routed once per engine with the same arguments."""

    name: str
    cases: tuple[Path, ...]  # hand-worked cases whose targets it holds
    args: tuple[str, ...]  # --routing-config / --targets / --symbols
    include_blocked: bool  # the config it is routed with adds `blocked` jobs


def _settings(case: Path) -> tuple[Any, Any]:
    def load(name: str) -> Any:
        return yaml.safe_load((case / name).read_text(encoding="utf-8")) if (case / name).is_file() else None
    return load("routing_config.yaml"), load("args.yaml")


def _own_config(case: Path) -> bool:
    return _settings(case) != (None, None)


def _only_adds_blocked_jobs(case: Path) -> bool:
    return _settings(case) == ({"training_plan": {"include_blocked": True}}, None)


def _includes_blocked(case: Path) -> bool:
    config = _settings(case)[0] or {}
    return bool((config.get("training_plan") or {}).get("include_blocked"))


def _default_batch() -> Batch:
    hosts = [c for c in HANDWORKED_CASES if _only_adds_blocked_jobs(c)]
    cases = [c for c in HANDWORKED_CASES if not _own_config(c)] + hosts
    return Batch("default", tuple(cases), tuple(case_args(hosts[0])) if hosts else (), bool(hosts))


def _config_batches() -> list[Batch]:
    """The other hand-worked cases with a config or selection of their own, one batch per
    distinct (routing_config.yaml, args.yaml): equal settings share one metrics directory."""
    groups: dict[str, list[Path]] = {}
    for case in HANDWORKED_CASES:
        if _own_config(case) and not _only_adds_blocked_jobs(case):
            groups.setdefault(repr(_settings(case)), []).append(case)
    return [Batch("+".join(c.name for c in cases), tuple(cases), tuple(case_args(cases[0])),
                  _includes_blocked(cases[0])) for cases in groups.values()]


DEFAULT = _default_batch()
CONFIG_BATCHES = _config_batches()


def _without_engine_or_time(plan: dict[str, Any]) -> dict[str, Any]:
    metadata = {k: v for k, v in plan["metadata"].items() if k not in ENGINE_OR_TIME}
    return {**plan, "metadata": metadata}


def _route(metrics: Path, out: Path, engine: str, *args: str) -> Run:
    (out / engine).mkdir(exist_ok=True)
    return run_router(metrics, out / engine / "METRICS", "--engine", engine, *args)


def _decisions(run: Run) -> dict[tuple[str, str], str]:
    return {(t, s): d["route"] for t, entry in run.routing_plan()["targets"].items()
            for s, d in entry["symbols"].items()}


def _copy_targets(source: Path, metrics: Path) -> None:
    for target in sorted(p for p in source.iterdir() if p.is_dir()):
        assert not (metrics / target.name).exists(), f"target {target.name} is in two cases"
        shutil.copytree(target, metrics / target.name)


def _route_on_both_engines(metrics: Path, *args: str) -> dict[str, Run]:
    return {engine: _route(metrics, metrics.parent, engine, *args) for engine in ("duckdb", "spark")}


def _assert_same_plans(runs: dict[str, Run]) -> None:
    """Both runs succeeded, their plans are equal apart from engine and time, and each
    database names the engine that built it."""
    for engine, run in runs.items():
        assert run.returncode == 0, f"{engine}: {run.stderr}"
    duckdb_run, spark_run = runs["duckdb"], runs["spark"]
    assert _without_engine_or_time(spark_run.routing_plan()) == _without_engine_or_time(duckdb_run.routing_plan())
    assert _without_engine_or_time(spark_run.training_plan()) == _without_engine_or_time(duckdb_run.training_plan())
    for engine, run in runs.items():
        with duckdb.connect(str(run.database), read_only=True) as connection:
            assert connection.execute("select engine from plan_identity").fetchall() == [(engine,)]


def _assert_hand_worked_cases(batch: Batch, spark: Run) -> None:
    merged = len(batch.cases) > 1 or batch is DEFAULT
    for case in batch.cases:
        targets = [p.name for p in (case / "metrics").iterdir() if p.is_dir()] if merged else None
        # a case written without include_blocked, routed with it: its expected jobs are the others
        without_blocked_jobs = batch.include_blocked and not _includes_blocked(case)
        assert_matches_expected(spark, expected(case), targets=targets, without_blocked_jobs=without_blocked_jobs)


def test_every_hand_worked_case_is_in_a_batch() -> None:
    batched = [case for batch in (DEFAULT, *CONFIG_BATCHES) for case in batch.cases]
    assert sorted(batched) == sorted(HANDWORKED_CASES)
    assert len(HANDWORKED_CASES) >= 12 and len(CONFIG_BATCHES) >= 7


# --- the default batch -------------------------------------------------------------


def _drawn_scenarios() -> list[dict[str, Any]]:
    """GENERATED_SCENARIOS draws of test_properties.scenario(), the same on every run
    (derandomize: the seed comes from this function's code)."""
    drawn: list[dict[str, Any]] = []

    @settings(max_examples=GENERATED_SCENARIOS, derandomize=True, database=None, deadline=None,
              phases=(Phase.generate,), suppress_health_check=list(HealthCheck))
    @given(case=scenario())
    def draw(case: dict[str, Any]) -> None:
        drawn.append(copy.deepcopy(case))

    draw()
    return drawn


def _renamed(target: dict[str, Any], name: str) -> dict[str, Any]:
    """A drawn target under another name, its symbols and features renamed by HOSTILE_*."""
    def sym(s: str) -> str:
        return HOSTILE_SYMBOLS.get(s, s)

    def feat(f: str) -> str:
        return HOSTILE_FEATURES.get(f, f)

    files: dict[str, Any] = {}
    for relative, doc in target["files"].items():
        if relative == "model_metadata.json":
            doc = {f"{sym(k.split(':')[0])}:{name}:{k.split(':')[2]}": v for k, v in doc.items()}
        elif relative == "leakage.json":
            doc = {**doc, **({"symbols": {sym(s): v for s, v in doc["symbols"].items()}} if "symbols" in doc else {}),
                   **({"features": {feat(f): v for f, v in doc["features"].items()}} if "features" in doc else {})}
        elif relative.startswith("stability/"):
            _, universe, file_name = relative.split("/")
            relative = f"stability/{sym(universe)}/{file_name}"
            doc = {**doc, "features": [feat(f) for f in doc["features"]]}
        files[relative] = doc
    return {**target, "name": name, "files": files, "symbols": {sym(s) for s in target["symbols"]}}


def _generated_targets() -> list[dict[str, Any]]:
    targets = [t for s in _drawn_scenarios() for t in s["targets"]]
    names = [*GENERATED_HOSTILE_TARGETS, *(f"g{k}_{t['name']}" for k, t in enumerate(targets))]
    return [_renamed(t, n) for t, n in zip(targets, names[:len(targets)], strict=True)]


@pytest.fixture(scope="module")
def default_batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Run], list[str]]:
    """The default batch routed on both engines, and the names of its generated targets."""
    metrics = tmp_path_factory.mktemp("parity-default") / "metrics"
    metrics.mkdir()
    # REASON_NUMBERS: scores half way between two 4-decimal values (tests/fixtures/reason_numbers)
    for source in (EXAMPLE, REASON_NUMBERS, *(case / "metrics" for case in DEFAULT.cases),
                   build_metrics(metrics.parent / "names")):
        _copy_targets(source, metrics)
    shutil.copytree(EXAMPLE / "y_will_swing_low_10m_0.20", metrics / HOSTILE_TARGET)
    hostile = metrics / HOSTILE_TARGET / "model_metadata.json"
    hostile.write_text(hostile.read_text(encoding="utf-8").replace("y_will_swing_low_10m_0.20", HOSTILE_TARGET),
                       encoding="utf-8")
    generated = _generated_targets()
    _copy_targets(write_scenario(metrics.parent / "generated", {"targets": generated, "config": {}})[0], metrics)
    return _route_on_both_engines(metrics, *DEFAULT.args), [t["name"] for t in generated]


def test_default_batch_gives_the_same_plans_on_both_engines(default_batch) -> None:
    runs, _ = default_batch
    _assert_same_plans(runs)


def test_default_batch_hand_worked_expectations_hold_on_spark(default_batch) -> None:
    runs, _ = default_batch
    _assert_hand_worked_cases(DEFAULT, runs["spark"])
    # test_names_are_data.py's hand-worked routes for hostile target, symbol and feature names
    decisions = _decisions(runs["spark"])
    assert {key: decisions.get(key) for key in NAMES_EXPECTED_ROUTES} == NAMES_EXPECTED_ROUTES
    assert any(t == HOSTILE_TARGET for t, _ in decisions)


def test_the_generated_targets_give_every_route_and_hostile_names(default_batch) -> None:
    """So that the comparison covers every route through generated inputs: fails if the
    generator stops reaching one (the DuckDB plan, the reference)."""
    runs, generated = default_batch
    assert set(GENERATED_HOSTILE_TARGETS) <= set(generated)
    decisions = {key: route for key, route in _decisions(runs["duckdb"]).items() if key[0] in generated}
    assert set(decisions.values()) == set(enums()["routes"])
    assert {t for t, _ in decisions} == set(generated)
    assert set(HOSTILE_SYMBOLS.values()) <= {s for _, s in decisions}


# --- one batch per distinct config ----------------------------------------------------


@pytest.fixture(scope="module", params=CONFIG_BATCHES, ids=[b.name for b in CONFIG_BATCHES])
def config_batch(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> tuple[Batch, dict[str, Run]]:
    batch: Batch = request.param
    metrics = tmp_path_factory.mktemp(f"parity-{batch.name[:40]}") / "metrics"
    metrics.mkdir()
    for case in batch.cases:
        _copy_targets(case / "metrics", metrics)
    return batch, _route_on_both_engines(metrics, *batch.args)


def test_config_batch_gives_the_same_plans_on_both_engines(config_batch) -> None:
    _, runs = config_batch
    _assert_same_plans(runs)


def test_config_batch_hand_worked_expectations_hold_on_spark(config_batch) -> None:
    batch, runs = config_batch
    _assert_hand_worked_cases(batch, runs["spark"])


# --- bad input -------------------------------------------------------------------


def _corpus_cases() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if (p / "expected.yaml").is_file())


@pytest.fixture(scope="module")
def corpus_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    metrics = tmp_path_factory.mktemp("spark_bad_input") / "metrics"
    metrics.mkdir()
    for case in _corpus_cases():
        for folder in (p for p in case.iterdir() if p.is_dir()):
            shutil.copytree(folder, metrics / folder.name)
    return _route_on_both_engines(metrics)


def _problems(run: Run) -> dict[str, str]:
    found = {}
    for line in run.stderr.splitlines():
        match = PROBLEM_LINE.match(line)
        if match:
            found[match["path"]] = match["problem"]
    return found


def test_spark_refuses_every_bad_input_naming_the_file(corpus_runs: dict[str, Run]) -> None:
    run = corpus_runs["spark"]
    assert run.returncode == 3, run.stderr
    assert "Traceback" not in run.stderr
    problems = _problems(run)
    for case in _corpus_cases():
        wanted = yaml.safe_load((case / "expected.yaml").read_text(encoding="utf-8"))
        message = SPARK_MESSAGES.get(case.name, wanted["message"])
        matching = [p for path, p in problems.items() if path.endswith("/" + wanted["file"])]
        assert matching, f"{case.name}: no line names {wanted['file']}:\n{run.stderr}"
        assert message in matching[0], f"{case.name}: {matching[0]!r} lacks {message!r}"


def test_both_engines_name_the_same_bad_files(corpus_runs: dict[str, Run]) -> None:
    assert corpus_runs["duckdb"].returncode == 3, corpus_runs["duckdb"].stderr
    duckdb_problems, spark_problems = (_problems(corpus_runs[e]) for e in ("duckdb", "spark"))
    assert sorted(spark_problems) == sorted(duckdb_problems)
    documented = tuple(
        "/" + yaml.safe_load((CORPUS / case / "expected.yaml").read_text(encoding="utf-8"))["file"]
        for case in SPARK_MESSAGES
    )
    differing = sorted(p for p in duckdb_problems if duckdb_problems[p] != spark_problems[p])
    assert [p for p in differing if not p.endswith(documented)] == []


# --- without Java -----------------------------------------------------------------


def test_missing_java_is_a_usage_error_saying_how_to_install_it(tmp_path: Path) -> None:
    run = run_router(EXAMPLE, tmp_path / "METRICS", "--engine", "spark",
                     env={"PATH": str(tmp_path / "no-java-here"), "JAVA_HOME": str(tmp_path / "no-jdk")})
    assert run.returncode == 2, run.stderr
    assert "apt-get install -y openjdk-17-jre-headless" in run.stderr
    assert not (tmp_path / "METRICS" / "routing_plan").exists()


# --- names Spark's reader would skip ------------------------------------------------


def test_names_spark_would_skip_are_refused_before_the_build(tmp_path: Path) -> None:
    """Spark (Hadoop) silently skips files and folders named _* or .*, which DuckDB reads:
    a Spark plan would lack their rows. The run refuses them, naming each, before Spark starts."""
    metrics = tmp_path / "metrics"
    shutil.copytree(EXAMPLE, metrics)
    shutil.copytree(metrics / "y_will_peak_60m_0.8", metrics / "_y_underscored_60m")
    renamed = metrics / "_y_underscored_60m" / "model_metadata.json"  # its keys name their folder's target
    renamed.write_text(renamed.read_text().replace(":y_will_peak_60m_0.8:", ":_y_underscored_60m:"))
    hidden_snapshot = metrics / "y_will_swing_low_10m_0.20" / "stability" / "ALL" / ".2026-11-20_r4.json"
    shutil.copyfile(hidden_snapshot.parent / "2026-11-15_r3.json", hidden_snapshot)
    run = run_router(metrics, tmp_path / "METRICS", "--engine", "spark")
    assert run.returncode == 3, run.stderr
    named = {m.group("path") for line in run.stderr.splitlines() if (m := PROBLEM_LINE.match(line))}
    assert str(hidden_snapshot) in named
    assert str(metrics / "_y_underscored_60m" / "model_metadata.json") in named
    assert all(str(metrics / "_y_underscored_60m") in p or p == str(hidden_snapshot) for p in named)
    assert "skips names that start with '_' or '.'" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "METRICS" / "routing_plan").exists()
    # DuckDB reads the same inputs and routes the underscored target
    duckdb_run = run_router(metrics, tmp_path / "DUCK")
    assert duckdb_run.returncode == 0, duckdb_run.stderr
    assert "_y_underscored_60m" in duckdb_run.routing_plan()["targets"]
