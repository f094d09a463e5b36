"""Input content beyond the one-problem-per-file corpus (tests/fixtures/bad_input/):
a UTF-8 byte-order mark is accepted, large integers are kept exactly, and names
holding control characters cannot split or forge a problem line."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb

from training_router.dbt_runner import format_problems

from conftest import EXAMPLE, Run, run_router

BOM = b"\xef\xbb\xbf"


def _plan_without_metadata(run: Run) -> dict:
    plan = run.routing_plan()
    plan.pop("metadata", None)
    return plan


def test_bom_prefixed_inputs_route_exactly_like_the_same_files_without(tmp_path: Path, example_run: Run) -> None:
    """Every input file of the example (metadata, pooled metrics, leakage, snapshots)
    prefixed with a UTF-8 BOM: the same decisions, reasons and thresholds."""
    metrics = tmp_path / "metrics"
    shutil.copytree(EXAMPLE, metrics)
    prefixed = 0
    for path in sorted(metrics.rglob("*.json")):
        path.write_bytes(BOM + path.read_bytes())
        prefixed += 1
    kinds = {p.name for p in metrics.rglob("*.json")}
    assert {"model_metadata.json", "target_confidence.json", "leakage.json"} <= kinds and prefixed > 3
    run = run_router(metrics, tmp_path / "METRICS")
    assert run.returncode == 0, run.stderr[-3000:]
    assert _plan_without_metadata(run) == _plan_without_metadata(example_run)
    assert run.training_plan()["jobs"] == example_run.training_plan()["jobs"]


def test_large_sample_sizes_are_kept_exactly(tmp_path: Path) -> None:
    """2^53 + 1 (not a double) and the BIGINT maximum reach the table digit for digit."""
    target = "t_big_samples_10m"
    metrics = tmp_path / "metrics"
    (metrics / target).mkdir(parents=True)
    (metrics / target / "model_metadata.json").write_text(
        f'{{"AAA:{target}:lightgbm": {{"score": 0.61, "sample_size": 9007199254740993}},\n'
        f' "BBB:{target}:lightgbm": {{"score": 0.58, "n_samples": 9223372036854775807}},\n'
        f' "CCC:{target}:lightgbm": {{"score": 0.58, "sample_size": 1.5e3}}}}\n'
    )
    run = run_router(metrics, tmp_path / "METRICS")
    assert run.returncode == 0, run.stderr[-3000:]
    with duckdb.connect(str(run.database), read_only=True) as connection:
        rows = dict(connection.execute(
            "select symbol, sample_size from int_model_metadata_loaded order by symbol").fetchall())
    assert rows == {"AAA": 9007199254740993, "BBB": 9223372036854775807, "CCC": 1500}


PROBLEM_LINE = re.compile(r"^  (?P<path>/.+?\.json): (?P<problem>.+)$")


def test_control_characters_in_names_are_escaped_one_line_per_problem(tmp_path: Path) -> None:
    """A target folder whose name holds a line break and an entry key holding a tab and
    an ANSI escape: each problem stays on one line, the names shown escaped, and the key
    is read as SYMBOL:target:family (its target holds the line break too)."""
    target = "t_new\nline_10m"
    metrics = tmp_path / "metrics"
    (metrics / target).mkdir(parents=True)
    (metrics / target / "model_metadata.json").write_text(json.dumps({
        f"A\tA\x1b[31m:{target}:lightgbm": {"score": "0.6", "sample_size": 2000},
        f"BBB:{target}:lightgbm": {"score": 1.5, "sample_size": 2000, "metric_name": "auc"},
    }))
    (metrics / "t_fine_10m").mkdir()
    (metrics / "t_fine_10m" / "model_metadata.json").write_text(json.dumps(
        {"AAA:t_fine_10m:lightgbm": {"score": 0.6, "sample_size": 2000}}))
    run = run_router(metrics, tmp_path / "METRICS")
    assert run.returncode == 3, run.stderr[-3000:]
    assert "bad input: 2 problem(s) found" in run.stderr
    lines = [m for m in map(PROBLEM_LINE.match, run.stderr.splitlines()) if m]
    assert len(lines) == 2, run.stderr
    for line in lines:
        assert line["path"].endswith("/t_new\\nline_10m/model_metadata.json")
        assert "\x1b" not in line["problem"] and "\t" not in line["problem"]
    problems = sorted(line["problem"] for line in lines)
    assert problems[0].startswith('entry "A\\tA\\x1b[31m:t_new\\nline_10m:lightgbm": score must be a number')
    assert problems[1] == ('entry "BBB:t_new\\nline_10m:lightgbm": score 1.5 is outside [0, 1], '
                           "the range of metric auc")


def test_format_problems_escapes_every_line_breaking_character() -> None:
    breakers = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    message = format_problems([(f"/m/t{breakers}/model_metadata.json", f"key{breakers}: bad")])
    assert len(message.splitlines()) == 2
    assert message.splitlines()[1] == (
        "  /m/t\\n\\r\\x0b\\x0c\\x1c\\x1d\\x1e\\x85\\u2028\\u2029/model_metadata.json: "
        "key\\n\\r\\x0b\\x0c\\x1c\\x1d\\x1e\\x85\\u2028\\u2029: bad"
    )


def test_horizons_too_large_for_bigint_are_very_long_not_an_overflow(tmp_path: Path) -> None:
    """The horizon comes from the folder name; minutes × 60 or × 1440 beyond BIGINT is held
    at its maximum (very_long), not a DuckDB overflow error."""
    names = {
        "t_9223372036854775807h": 9223372036854775807,
        "t_99999999999999999999999d": 9223372036854775807,
        "t_123456789012345678901234567890m": 9223372036854775807,
        "t_1000000000000h": 60000000000000,  # large, and it fits
        "t_90m": 90,
    }
    metrics = tmp_path / "metrics"
    for name in names:
        (metrics / name).mkdir(parents=True)
        (metrics / name / "model_metadata.json").write_text(json.dumps(
            {f"AAA:{name}:lightgbm": {"score": 0.6, "sample_size": 2000}}))
    run = run_router(metrics, tmp_path / "METRICS")
    assert run.returncode == 0, run.stderr[-3000:]
    with duckdb.connect(str(run.database), read_only=True) as connection:
        rows = {t: (minutes, tier) for t, minutes, tier in connection.execute(
            "select target_name, horizon_minutes, horizon_tier from int_targets_selected").fetchall()}
    assert {t: m for t, (m, _) in rows.items()} == names
    assert {t: tier for t, (_, tier) in rows.items()} == {
        **{t: "very_long" for t in names}, "t_90m": "medium"}
