"""The routing config file: ranges the SQL can hold, duplicate keys, partial
thresholds merged at every level (the same way in Python and in dbt), encodings,
and where the file is looked up (docs/ROUTING_RULES.md §3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from training_router.config import (
    BIGINT_MAX,
    CHECKS,
    INT32_MAX,
    effective_config,
    find_routing_config,
    load_config_file,
)
from training_router.dbt_runner import run_dbt
from training_router.errors import ConfigError

from conftest import EXAMPLE, run_router

SWING = "y_will_swing_low_10m_0.20"
PEAK = "y_will_peak_60m_0.8"


def _nested(key: str, value: object) -> dict:
    root: dict = {}
    node = root
    parts = key.split(".")
    for part in parts[:-1]:
        node[part] = {}
        node = node[part]
    node[parts[-1]] = value
    return root


# --- every integer key has an upper bound that fits its SQL column ----------------

INTEGER_BOUNDS = {
    "routing.min_sample_size.cross_sectional": (0, BIGINT_MAX),
    "routing.min_sample_size.symbol": (0, BIGINT_MAX),
    "routing.require_min_successful_families": (0, INT32_MAX),
    "routing.stability_classification.min_snapshots_for_stability": (2, INT32_MAX),
    "routing.stability_classification.top_k": (1, INT32_MAX),
}


def test_every_integer_key_is_listed_here() -> None:
    defaults = effective_config({})
    integer_keys = set()
    for key in CHECKS:
        node: object = defaults
        for part in key.split("."):
            node = node[part]  # type: ignore[index]
        if isinstance(node, int) and not isinstance(node, bool):
            integer_keys.add(key)
    assert integer_keys == set(INTEGER_BOUNDS)


@pytest.mark.parametrize("key", sorted(INTEGER_BOUNDS))
def test_integer_key_takes_its_maximum_and_refuses_one_more(key: str) -> None:
    low, high = INTEGER_BOUNDS[key]
    effective_config(_nested(key, high))
    for value in (high + 1, 10**30, low - 1):
        with pytest.raises(ConfigError) as raised:
            effective_config(_nested(key, value))
        assert key in str(raised.value) and f"between {low} and {high}" in str(raised.value)


FLOAT_KEYS = sorted(k for k in CHECKS if k.endswith(("_min", "_tau", "_overlap", "fraction_symbols_per_target")))


@pytest.mark.parametrize("key", FLOAT_KEYS)
def test_float_keys_refuse_a_huge_value(key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        effective_config(_nested(key, 1e300))


def test_cli_refuses_a_top_k_too_big_for_its_column_with_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("routing:\n  stability_classification:\n    top_k: 100000000000\n")
    run = run_router(EXAMPLE, tmp_path / "METRICS", "--routing-config", str(config))
    assert run.returncode == 2, run.stderr
    assert "top_k" in run.stderr and "100000000000" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "METRICS" / "routing.duckdb").exists()


def test_every_integer_key_at_its_maximum_routes(tmp_path: Path) -> None:
    """The largest accepted values go through dbt: nothing overflows its column."""
    config = tmp_path / "c.yaml"
    user: dict = {}
    for key, (_, high) in INTEGER_BOUNDS.items():
        node = user
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = high
    config.write_text(json.dumps(user))  # JSON is YAML
    run = run_router(EXAMPLE, tmp_path / "METRICS", "--routing-config", str(config))
    assert run.returncode == 0, run.stderr[-3000:]
    # every sample is below the minimum and no pair has that many families: no lane is usable
    lanes = _lane_rows(run.database)
    assert len(lanes) == 10 and {state for state, _ in lanes.values()} <= {"DISALLOWED", "SAMPLE_TOO_SMALL"}


# --- duplicate keys --------------------------------------------------------------


@pytest.mark.parametrize("text,key,lines", [
    ("routing:\n  stability_classification:\n    top_k: 10\n    top_k: 30\n", "top_k", (3, 4)),
    ("routing:\n  block_on_leakage: true\nrouting:\n  block_on_leakage: false\n", "routing", (1, 3)),
    ("training_plan: {include_blocked: true, include_blocked: false}\n", "include_blocked", (1, 1)),
])
def test_duplicate_key_is_refused_naming_key_and_lines(tmp_path: Path, text: str, key: str,
                                                        lines: tuple[int, int]) -> None:
    config = tmp_path / "routing_config.yaml"
    config.write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_config_file(config)
    message = str(raised.value)
    assert f"'{key}' is given twice (lines {lines[0]} and {lines[1]})" in message
    assert str(config) in message


def test_cli_refuses_duplicate_key_with_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("routing:\n  both_strong_behavior: PREFER_CS\n  both_strong_behavior: ROUTE_BOTH\n")
    run = run_router(EXAMPLE, tmp_path / "METRICS", "--routing-config", str(config))
    assert run.returncode == 2, run.stderr
    assert "'both_strong_behavior' is given twice (lines 2 and 3)" in run.stderr
    assert len([line for line in run.stderr.splitlines() if "given twice" in line]) == 1


def test_yaml_merge_keys_are_not_duplicates(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(
        "routing:\n  symbol:\n    min_score: &m {classification: 0.55}\n"
        "    strong_score:\n      <<: *m\n      classification: 0.65\n"
    )
    routing = load_config_file(config)["routing"]
    assert routing["symbol"]["min_score"]["classification"] == 0.55
    assert routing["symbol"]["strong_score"]["classification"] == 0.65


# --- encodings and empty files ---------------------------------------------------


def test_empty_and_comment_only_files_are_the_defaults(tmp_path: Path) -> None:
    defaults = effective_config({})
    for text in ("", "\n", "# nothing set yet\n"):
        config = tmp_path / "c.yaml"
        config.write_text(text)
        assert load_config_file(config) == defaults


def test_bom_prefixed_file_reads_like_the_same_file_without(tmp_path: Path) -> None:
    text = "routing:\n  both_strong_behavior: PREFER_CS\n"
    plain, bom = tmp_path / "plain.yaml", tmp_path / "bom.yaml"
    plain.write_bytes(text.encode())
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert load_config_file(bom) == load_config_file(plain)
    assert load_config_file(bom)["routing"]["both_strong_behavior"] == "PREFER_CS"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_file_is_refused_saying_save_as_utf8(tmp_path: Path, encoding: str) -> None:
    config = tmp_path / "c.yaml"
    config.write_bytes("routing:\n  both_strong_behavior: PREFER_CS\n".encode(encoding))
    with pytest.raises(ConfigError, match="is not UTF-8 \\(looks like UTF-16\\): save it as UTF-8"):
        load_config_file(config)


def test_invalid_utf8_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    before = b"routing:\n  both_strong_behavior: PREFER"
    config.write_bytes(before + b"\xff\n")
    with pytest.raises(ConfigError, match=f"is not UTF-8 \\(invalid byte at offset {len(before)}\\)"):
        load_config_file(config)


# --- partial thresholds: merged over the defaults at every level -------------------

DEFAULT_REGRESSION = {"default": -0.5, "short": 0.0, "medium": -0.3, "long": -1.0, "very_long": -2.0}


def test_partial_threshold_by_task_type_keeps_the_other_task_type() -> None:
    merged = effective_config({"routing": {"cross_sectional": {"min_score": {"classification": 0.55}}}})
    assert merged["routing"]["cross_sectional"]["min_score"] == {"classification": 0.55,
                                                                "regression": DEFAULT_REGRESSION}


def test_partial_threshold_by_tier_keeps_the_other_tiers() -> None:
    merged = effective_config({"routing": {"symbol": {"strong_score": {"regression": {"short": 0.25}}}}})
    assert merged["routing"]["symbol"]["strong_score"] == {
        "classification": 0.60,
        "regression": {"default": 0.10, "short": 0.25, "medium": 0.15, "long": 0.05, "very_long": -0.3},
    }


def test_partial_threshold_over_a_default_given_as_one_number() -> None:
    """experimental.min_score defaults to one number (0.52): a partial mapping spreads it."""
    merged = effective_config({"routing": {"experimental": {"min_score": {"regression": {"long": 0.1}}}}})
    assert merged["routing"]["experimental"]["min_score"] == {
        "classification": 0.52,
        "regression": {"default": 0.52, "short": 0.52, "medium": 0.52, "long": 0.1, "very_long": 0.52},
    }
    merged = effective_config({"routing": {"experimental": {"min_score": {"classification": 0.6}}}})
    assert merged["routing"]["experimental"]["min_score"] == {"classification": 0.6, "regression": 0.52}


def test_plain_number_still_applies_to_both_task_types() -> None:
    merged = effective_config({"routing": {"symbol": {"min_score": 0.3}}})
    assert merged["routing"]["symbol"]["min_score"] == 0.3
    merged = effective_config({"routing": {"symbol": {"min_score": {"regression": 0.1}}}})
    assert merged["routing"]["symbol"]["min_score"] == {"classification": 0.54, "regression": 0.1}


PARTIALS = [
    {"cross_sectional": {"min_score": {"classification": 0.55}}},
    {"symbol": {"strong_score": {"regression": {"short": 0.25}}},
     "experimental": {"min_score": {"regression": {"long": 0.1}}}},
    {"experimental": {"min_score": {"classification": 0.6}}, "symbol": {"min_score": {"regression": 0.1}}},
]


@pytest.mark.parametrize("partial", PARTIALS, ids=["by_task_type", "by_tier", "over_number"])
def test_dbt_merges_a_partial_threshold_like_python(tmp_path: Path, partial: dict) -> None:
    """`dbt build --vars` with the same partial config resolves to the same thresholds."""
    result = run_dbt(
        ["compile", "--quiet", "--inline", "select '{{ tojson(routing_config()) }}' as effective"],
        database=tmp_path / "x.duckdb", work_dir=tmp_path, dbt_vars={"routing": partial},
    )
    assert result.returncode == 0, result.output[-3000:]
    compiled = result.output[result.output.index("'") + 1: result.output.rindex("'")]
    assert json.loads(compiled)["routing"] == effective_config({"routing": partial})["routing"]


def test_partial_classification_minimum_changes_exactly_the_pairs_below_it(tmp_path: Path, example_run) -> None:
    """symbol.min_score.classification raised from 0.54 to 0.57: local lanes scoring in
    [0.54, 0.57) are no longer usable (GOOGL and MSFT score 0.56); the others keep their
    state, and the regression thresholds keep their defaults."""
    config = tmp_path / "c.yaml"
    config.write_text("routing:\n  symbol:\n    min_score:\n      classification: 0.57\n")
    run = run_router(EXAMPLE, tmp_path / "METRICS", "--routing-config", str(config))
    assert run.returncode == 0, run.stderr[-3000:]
    before = _lane_rows(example_run.database)
    after = _lane_rows(run.database)
    assert set(after) == set(before)
    changed = {pair for pair in before if before[pair][0] != after[pair][0]}
    usable_before_not_after = {pair for pair, (state, score) in before.items()
                               if state == "WEAK_BUT_OK" and score < 0.57}
    assert usable_before_not_after == {(SWING, "GOOGL"), (PEAK, "MSFT")}
    assert changed == usable_before_not_after
    assert all(after[pair][0] not in ("STRONG", "WEAK_BUT_OK") for pair in changed)
    assert all(min_score == 0.57 for min_score in _symbol_min_scores(run.database))


def _lane_rows(database: Path) -> dict[tuple[str, str], tuple[str, float]]:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute("select target_name, symbol, local_state, local_score from routing_plan").fetchall()
    return {(t, s): (state, score) for t, s, state, score in rows}


def _symbol_min_scores(database: Path) -> list[float]:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        return [r[0] for r in connection.execute("select local_min_score from routing_plan").fetchall()]


# --- where the config file is looked up (the seed's CONFIG/training_config/) -------


def test_find_routing_config_order(tmp_path: Path) -> None:
    assert find_routing_config(None, tmp_path) is None
    seed = tmp_path / "CONFIG" / "training_config" / "routing_config.yaml"
    seed.parent.mkdir(parents=True)
    seed.write_text("")
    assert find_routing_config(None, tmp_path) == seed
    explicit = tmp_path / "other.yaml"
    assert find_routing_config(explicit, tmp_path) == explicit
    assert find_routing_config(Path("rel.yaml"), tmp_path) == tmp_path / "rel.yaml"


def _routes(database: Path) -> dict[tuple[str, str], str]:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute("select target_name, symbol, route from routing_plan").fetchall()
    return {(t, s): route for t, s, route in rows}


PREFER_CS = "routing:\n  both_strong_behavior: PREFER_CS\n"


def test_seed_config_location_in_the_working_directory_is_used(tmp_path: Path, example_run) -> None:
    """The seed's CONFIG/training_config/routing_config.yaml, found from the working
    directory without --routing-config: PREFER_CS turns the two ROUTE_BOTH pairs of the
    swing target into ROUTE_CROSS_SECTIONAL and changes nothing else."""
    work = tmp_path / "project"
    seed_config = work / "CONFIG" / "training_config" / "routing_config.yaml"
    seed_config.parent.mkdir(parents=True)
    seed_config.write_text(PREFER_CS)
    run = run_router(EXAMPLE, tmp_path / "METRICS", cwd=work)
    assert run.returncode == 0, run.stderr[-3000:]
    before, after = _routes(example_run.database), _routes(run.database)
    expected = {**before, (SWING, "AAPL"): "ROUTE_CROSS_SECTIONAL", (SWING, "GOOGL"): "ROUTE_CROSS_SECTIONAL"}
    assert before[(SWING, "AAPL")] == before[(SWING, "GOOGL")] == "ROUTE_BOTH"
    assert after == expected
    assert f"[ROUTER] routing config: {seed_config}" in run.stderr.splitlines()
    metadata = run.routing_plan()["metadata"]
    assert metadata["config_file"] == str(seed_config)
    assert metadata["config"]["routing"]["both_strong_behavior"] == "PREFER_CS"

    # the same content given with --routing-config from elsewhere: the same config_hash
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text(PREFER_CS)
    same = run_router(EXAMPLE, tmp_path / "METRICS2", "--routing-config", str(elsewhere))
    assert same.returncode == 0, same.stderr[-3000:]
    assert same.routing_plan()["metadata"]["config_file"] == str(elsewhere)
    assert same.routing_plan()["metadata"]["config_hash"] == metadata["config_hash"]


def test_routing_config_flag_wins_over_the_seed_location(tmp_path: Path, example_run) -> None:
    work = tmp_path / "project"
    seed_config = work / "CONFIG" / "training_config" / "routing_config.yaml"
    seed_config.parent.mkdir(parents=True)
    seed_config.write_text(PREFER_CS)
    explicit = work / "mine.yaml"
    explicit.write_text("routing:\n  both_strong_behavior: ROUTE_BOTH\n")
    run = run_router(EXAMPLE, tmp_path / "METRICS", "--routing-config", "mine.yaml", cwd=work)
    assert run.returncode == 0, run.stderr[-3000:]
    assert _routes(run.database) == _routes(example_run.database)
    assert f"[ROUTER] routing config: {explicit}" in run.stderr.splitlines()
    assert run.routing_plan()["metadata"]["config_file"] == str(explicit)
    # a broken seed-location file is not read when the flag names another file
    seed_config.write_text("routing: [broken\n")
    again = run_router(EXAMPLE, tmp_path / "METRICS", "--routing-config", "mine.yaml", cwd=work)
    assert again.returncode == 0, again.stderr[-3000:]


def test_without_any_config_file_the_defaults_are_said(example_run) -> None:
    assert "[ROUTER] routing config: defaults" in example_run.stderr.splitlines()
    assert example_run.routing_plan()["metadata"]["config_file"] is None


def test_a_broken_file_at_the_seed_location_is_refused_naming_it(tmp_path: Path) -> None:
    work = tmp_path / "project"
    seed_config = work / "CONFIG" / "training_config" / "routing_config.yaml"
    seed_config.parent.mkdir(parents=True)
    seed_config.write_text("routing:\n  block_on_leakage: true\n  block_on_leakage: false\n")
    run = run_router(EXAMPLE, tmp_path / "METRICS", cwd=work)
    assert run.returncode == 2, run.stderr
    assert str(seed_config) in run.stderr and "'block_on_leakage' is given twice (lines 2 and 3)" in run.stderr


def test_an_unhashable_key_is_invalid_yaml_not_a_crash(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("routing:\n  ? [a, b]\n  : 1\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config_file(config)
