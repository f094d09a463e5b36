"""Bad config, bad input and failed runs: clear errors, exit codes, nothing lost."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from training_router.config import CHECKS, effective_config, load_config_file, load_defaults
from training_router.errors import ConfigError

from conftest import EXAMPLE, Run, run_router

SWING = "y_will_swing_low_10m_0.20"
PEAK = "y_will_peak_60m_0.8"


# --- config: refused before any SQL runs, naming the key -----------------------

WRONG_TYPE = {
    "routing.min_sample_size.symbol": "many",
    "routing.block_on_leakage": "yes",
    "routing.cross_sectional.min_score": "high",
    "routing.stability_allowlist.symbol": "STABLE",
    "routing.both_strong_behavior": 3,
    "routing.experimental.max_fraction_symbols_per_target": "0.2",
    "routing.stability_classification.top_k": 2.5,
    "training_plan.model_families": "lightgbm",
    "training_plan.include_blocked": 1,
}
OUT_OF_RANGE = {
    "routing.min_sample_size.cross_sectional": -1,
    "routing.cross_sectional.strong_score": {"classification": 1.5},
    "routing.stability_allowlist.cross_sectional": ["STABLE", "WOBBLY"],
    "routing.both_strong_behavior": "PREFER_NEITHER",
    "routing.experimental.max_fraction_symbols_per_target": 1.2,
    "routing.experimental.allowed_stabilities": ["SHAKY"],
    "routing.allowed_feature_leakage_status": ["CLEAN"],
    "routing.stability_classification.stable_tau_min": 2,
    "routing.stability_classification.min_snapshots_for_stability": 1,
    "routing.dump_plan_as": ["PDF"],
}


def _nested(key: str, value: object) -> dict:
    node: dict = {}
    root = node
    parts = key.split(".")
    for part in parts[:-1]:
        node[part] = {}
        node = node[part]
    node[parts[-1]] = value
    return root


@pytest.mark.parametrize("key,value", [*WRONG_TYPE.items(), *OUT_OF_RANGE.items()])
def test_invalid_config_value_is_refused_naming_the_key(key: str, value: object) -> None:
    with pytest.raises(ConfigError) as raised:
        effective_config(_nested(key, value))
    assert key.split(".")[-1] in str(raised.value)
    assert key.rsplit(".", 1)[0].split(".")[-1] in str(raised.value)


def test_unknown_config_key_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"routing\.min_sample_sise: unknown key"):
        effective_config({"routing": {"min_sample_sise": {"symbol": 10}}})


def _leaves(node: dict, prefix: str = ""):
    for name, value in node.items():
        key = f"{prefix}.{name}" if prefix else name
        if key not in CHECKS and isinstance(value, dict):
            yield from _leaves(value, key)
        else:
            yield key


def test_every_leaf_has_a_check_and_defaults_pass() -> None:
    config = effective_config({})
    assert config["routing"]["min_sample_size"]["symbol"] == 1000
    assert set(_leaves(load_defaults())) == set(CHECKS)


def test_partial_threshold_keeps_the_other_defaults() -> None:
    config = effective_config({"routing": {"symbol": {"min_score": {"regression": {"short": 0.3}}}}})
    assert config["routing"]["symbol"]["min_score"]["classification"] == 0.54
    assert config["routing"]["symbol"]["min_score"]["regression"]["short"] == 0.3
    assert config["routing"]["symbol"]["min_score"]["regression"]["medium"] == -0.2


def test_cli_refuses_bad_config_with_exit_2_and_no_output(tmp_path: Path) -> None:
    config = tmp_path / "routing_config.yaml"
    config.write_text("routing:\n  both_strong_behavior: PREFER_NOBODY\n")
    run = run_router(EXAMPLE, tmp_path / "METRICS", "--routing-config", str(config))
    assert run.returncode == 2
    assert "both_strong_behavior" in run.stderr and "PREFER_NOBODY" in run.stderr
    assert not (tmp_path / "METRICS" / "routing.duckdb").exists()


def test_config_file_that_is_not_yaml(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("routing: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config_file(config)


# --- bad input: every problem named with its file, exit 3, previous plan kept ---


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".router" not in p.parts and p.name != ".router.lock"
    }


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path, dict[str, str]]:
    """Route the example once (the previous plan), then a copy with many broken files into the same place."""
    base = tmp_path_factory.mktemp("broken")
    out = base / "METRICS"
    good = run_router(EXAMPLE, out)
    assert good.returncode == 0, good.stderr
    before = _digest(out)

    metrics = base / "metrics"
    shutil.copytree(EXAMPLE, metrics)
    swing, peak = metrics / SWING, metrics / PEAK
    meta = json.loads((swing / "model_metadata.json").read_text())
    first_key = next(iter(meta))
    meta[first_key]["score"] = "0.61"                                   # string score
    meta[f"MSFT:{SWING}:xgboost"] = {"score": 0.6, "sample_size": -5}  # negative sample size
    meta[f"GOOGL:{SWING}:catboost"] = {"score": 0.6, "sample_size": 12.5}  # fractional sample size
    meta["BADKEY"] = {"score": 0.6}                                      # key not SYMBOL:target:family
    meta["TSLA:other_target:lightgbm"] = {"score": 0.6}                # target mismatch
    meta[f"NFLX:{SWING}:lgbm2"] = {"score": 0.6, "status": "MAYBE"}     # unknown status
    meta[f"AAPL:{SWING}:rf"] = {"score": True}                          # boolean score
    text = json.dumps(meta).replace('"AAPL:' + SWING + ':rf": {"score": true}',
                                    '"AAPL:' + SWING + ':rf": {"score": NaN}')
    (swing / "model_metadata.json").write_text(text)
    (peak / "model_metadata.json").write_text('{"AAPL:' + PEAK + ':lightgbm": {"score": 0.6')   # truncated
    (swing / "leakage.json").write_text('{"status": "LEAKY"}')                              # unknown leakage
    (peak / "target_confidence.json").write_text("[1, 2]")                                  # array, not object
    snapshot_dir = next((swing / "stability").iterdir())
    snapshot = next(snapshot_dir.glob("*.json"))
    doc = json.loads(snapshot.read_text())
    doc["importances"] = doc["importances"][:-1]                                            # length differs
    snapshot.write_text(json.dumps(doc))
    (snapshot_dir / "zz_empty.json").write_text("")                                         # empty file
    (snapshot_dir / "zz_blank.json").write_text(" \n\t\r\n")                                 # white space only
    (snapshot_dir / "zz_text.json").write_text('\n  "just text"')                            # a string document
    (snapshot_dir / "zz_indented.json").write_text("\n\t " + json.dumps(json.loads(snapshot.read_text())
                                                                      | {"importances": None}))  # fine
    run = run_router(metrics, out)
    return run, out, before


EXPECTED_PROBLEMS = [
    ("model_metadata.json", "score must be a number, found the string"),
    ("model_metadata.json", "sample_size must not be negative"),
    ("model_metadata.json", "sample_size must be a whole number, found 12.5"),
    ("model_metadata.json", '"BADKEY" is not of the form SYMBOL:target:family'),
    ("model_metadata.json", 'names target "other_target"'),
    ("model_metadata.json", 'status must be one of OK, FAILED, SKIPPED, found "MAYBE"'),
    ("model_metadata.json", "score is NaN or Infinity"),
    ("model_metadata.json", "is not valid JSON"),
    ("leakage.json", 'status must be one of SAFE, SUSPECT, BLOCKED, UNKNOWN, found "LEAKY"'),
    ("target_confidence.json", "holds a JSON array"),
    (".json", '"importances" has'),
    ("zz_empty.json", "is empty"),
    ("zz_blank.json", "is empty"),
    ("zz_text.json", "holds a JSON varchar where a snapshot object"),
]


@pytest.mark.parametrize("file_name,message", EXPECTED_PROBLEMS)
def test_bad_input_is_reported_with_file_and_problem(broken_run, file_name: str, message: str) -> None:
    run, _, _ = broken_run
    assert run.returncode == 3
    lines = [line for line in run.stderr.splitlines() if message in line]
    assert lines, f"no line with {message!r} in:\n{run.stderr}"
    assert any(file_name in line for line in lines)


def test_a_document_after_white_space_is_read_like_any_other(broken_run) -> None:
    run, _, _ = broken_run
    assert run.returncode == 3
    assert "zz_indented.json" not in run.stderr


def test_bad_input_shows_no_stack_trace(broken_run) -> None:
    run, _, _ = broken_run
    assert "Traceback" not in run.stderr and "Binder Error" not in run.stderr


def test_failed_run_leaves_previous_artifacts_and_database_identical(broken_run) -> None:
    run, out, before = broken_run
    assert run.returncode == 3
    assert _digest(out) == before
    assert not list((out / ".plans").glob(".building-*"))  # the failed run's version folder is gone
    assert len(list((out / ".plans").iterdir())) == 1


def test_missing_metrics_directory(tmp_path: Path) -> None:
    run = run_router(tmp_path / "nope", tmp_path / "METRICS")
    assert run.returncode == 3
    assert "nope" in run.stderr and "does not exist" in run.stderr


def test_empty_metrics_directory_has_no_candidates(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    run = run_router(tmp_path / "empty", tmp_path / "METRICS")
    assert run.returncode == 3
    assert "holds no target folder" in run.stderr


def test_named_target_without_folder_warns_and_routes_the_rest(tmp_path: Path) -> None:
    """Only with --allow-missing-targets; without it the run refuses (test_targets_named.py)."""
    run = run_router(EXAMPLE, tmp_path / "METRICS", "--targets", SWING, "../x", "--allow-missing-targets")
    assert run.returncode == 0, run.stderr
    assert "warning: target '../x' was named with --targets" in run.stderr
    assert list(run.routing_plan()["targets"]) == [SWING]
    assert not (tmp_path / "x").exists()


def test_only_missing_targets_named_is_an_error(tmp_path: Path) -> None:
    run = run_router(EXAMPLE, tmp_path / "METRICS", "--targets", "no_such_target", "--allow-missing-targets")
    assert run.returncode == 3
    assert "no_such_target" in run.stderr


def _bad_values(key: str) -> list[object]:
    """A wrong-type value and, where the key has a range or a closed set, an out-of-range one."""
    default: object = effective_config({})
    for part in key.split("."):
        default = default[part]  # type: ignore[index]
    if key.endswith(("min_score", "strong_score")):  # a score threshold: number or by task type
        return ["high", {"classification": 1.5}, float("inf"), {"regression": {"hourly": 0.1}}]
    if isinstance(default, bool):
        return ["true", 1]  # a boolean has no range: two wrong types
    if isinstance(default, int):
        return ["many", -1 if "min_snapshots" not in key else 1]
    if isinstance(default, float):
        return ["0.5", 7.5]
    if isinstance(default, list):
        return ["STABLE", ["NOT_A_NAME"]] if key != "training_plan.model_families" else ["lightgbm", []]
    return [3, "NOT_AN_OPTION"]


@pytest.mark.parametrize("key", sorted(CHECKS))
def test_every_key_refuses_a_wrong_type_and_an_out_of_range_value(key: str) -> None:
    for value in _bad_values(key):
        with pytest.raises(ConfigError) as raised:
            effective_config(_nested(key, value))
        assert key in str(raised.value), (value, str(raised.value))
