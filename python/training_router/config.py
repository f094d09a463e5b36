"""The routing config: defaults from dbt_project.yml, a user's YAML over them,
validated before any SQL runs (docs/ROUTING_RULES.md §3)."""

from __future__ import annotations

import copy
import hashlib
import json
import math
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError
from .project import dbt_project_dir, enums

# the enumerations are written once, in dbt_project.yml (vars.enums), for SQL and Python
STABILITIES = enums()["stabilities"]
LEAKAGE_STATUSES = enums()["leakage_statuses"]
BOTH_STRONG_BEHAVIORS = enums()["both_strong_behaviors"]
PLAN_FORMATS = enums()["plan_formats"]
HORIZON_TIERS = ("default", "short", "medium", "long", "very_long")

Checker = Callable[[str, Any], None]


def load_defaults() -> dict[str, Any]:
    """The defaults, read from the one place they are written: dbt_project.yml."""
    project_file = dbt_project_dir() / "dbt_project.yml"
    with project_file.open(encoding="utf-8") as handle:
        project = yaml.safe_load(handle)
    return copy.deepcopy(project["vars"]["routing_defaults"])


# --- value checkers: each raises ConfigError naming the key ---------------------


def _fail(key: str, problem: str) -> None:
    raise ConfigError(f"routing config: {key}: {problem}")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(low: float | None = None, high: float | None = None) -> Checker:
    def check(key: str, value: Any) -> None:
        if not _is_number(value):
            _fail(key, f"must be a number, got {value!r}")
        if not math.isfinite(value):
            _fail(key, f"must be a finite number, got {value!r}")
        if low is not None and value < low:
            _fail(key, f"must be between {low} and {high}, got {value!r}")
        if high is not None and value > high:
            _fail(key, f"must be between {low} and {high}, got {value!r}")

    return check


# The SQL types the integer settings end up in: a count compared with a 32-bit
# column (top_k, snapshot and family counts) or a sample size compared with a
# BIGINT column (docs/ROUTING_RULES.md §3).
INT32_MAX = 2**31 - 1
BIGINT_MAX = 2**63 - 1


def _integer(low: int, high: int) -> Checker:
    def check(key: str, value: Any) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            _fail(key, f"must be a whole number, got {value!r}")
        if not low <= value <= high:
            _fail(key, f"must be a whole number between {low} and {high}, got {value!r}")

    return check


def _boolean(key: str, value: Any) -> None:
    if not isinstance(value, bool):
        _fail(key, f"must be true or false, got {value!r}")


def _one_of(allowed: tuple[str, ...]) -> Checker:
    def check(key: str, value: Any) -> None:
        if value not in allowed:
            _fail(key, f"must be one of {', '.join(allowed)}, got {value!r}")

    return check


def _list_of(allowed: tuple[str, ...] | None, non_empty: bool = False) -> Checker:
    def check(key: str, value: Any) -> None:
        if not isinstance(value, list):
            _fail(key, f"must be a list, got {value!r}")
        if non_empty and not value:
            _fail(key, "must not be empty")
        for item in value:
            if not isinstance(item, str) or not item:
                _fail(key, f"must hold non-empty names, got {item!r}")
            if allowed is not None and item not in allowed:
                _fail(key, f"unknown name {item!r}; allowed: {', '.join(allowed)}")
        if len(set(value)) != len(value):
            _fail(key, "names an item twice")

    return check


_score = _number(-1e6, 1e6)
_classification_score = _number(0.0, 1.0)


def _threshold(key: str, value: Any) -> None:
    """A number, or {classification: x, regression: y | {default, short, ...}}."""
    if _is_number(value):
        _score(key, value)
        return
    if not isinstance(value, Mapping):
        _fail(key, f"must be a number or {{classification: x, regression: y}}, got {value!r}")
    # after the merge over the defaults every part is there (the SQL needs each one)
    for part in ("classification", "regression"):
        if part not in value:
            _fail(f"{key}.{part}", "missing")
    if isinstance(value["regression"], Mapping):
        for tier in HORIZON_TIERS:
            if tier not in value["regression"]:
                _fail(f"{key}.regression.{tier}", "missing")
    for part, sub in value.items():
        if part == "classification":
            _classification_score(f"{key}.classification", sub)
        elif part == "regression":
            if isinstance(sub, Mapping):
                for tier, tier_value in sub.items():
                    if tier not in HORIZON_TIERS:
                        _fail(f"{key}.regression.{tier}", f"unknown key; allowed: {', '.join(HORIZON_TIERS)}")
                    _score(f"{key}.regression.{tier}", tier_value)
            else:
                _score(f"{key}.regression", sub)
        else:
            _fail(f"{key}.{part}", "unknown key; allowed: classification, regression")


_fraction = _number(0.0, 1.0)

# Every leaf of the config and its check. Thresholds are leaves too (their
# shape is checked by _threshold, and a partial mapping is merged over the
# default's).
CHECKS: dict[str, Checker] = {
    "routing.min_sample_size.cross_sectional": _integer(0, BIGINT_MAX),
    "routing.min_sample_size.symbol": _integer(0, BIGINT_MAX),
    "routing.block_on_leakage": _boolean,
    "routing.cross_sectional.min_score": _threshold,
    "routing.cross_sectional.strong_score": _threshold,
    "routing.symbol.min_score": _threshold,
    "routing.symbol.strong_score": _threshold,
    "routing.stability_allowlist.cross_sectional": _list_of(STABILITIES),
    "routing.stability_allowlist.symbol": _list_of(STABILITIES),
    "routing.both_strong_behavior": _one_of(BOTH_STRONG_BEHAVIORS),
    "routing.enable_experimental_lane": _boolean,
    "routing.experimental.min_score": _threshold,
    "routing.experimental.allowed_stabilities": _list_of(STABILITIES),
    "routing.experimental.max_fraction_symbols_per_target": _fraction,
    "routing.require_safe_features_only": _boolean,
    "routing.allowed_feature_leakage_status": _list_of(LEAKAGE_STATUSES),
    "routing.require_min_successful_families": _integer(0, INT32_MAX),
    "routing.stability_classification.stable_overlap_min": _fraction,
    "routing.stability_classification.stable_tau_min": _number(-1.0, 1.0),
    "routing.stability_classification.drifting_overlap_min": _fraction,
    "routing.stability_classification.drifting_tau_min": _number(-1.0, 1.0),
    "routing.stability_classification.max_std_overlap": _fraction,
    "routing.stability_classification.max_std_tau": _number(0.0, 2.0),
    "routing.stability_classification.min_snapshots_for_stability": _integer(2, INT32_MAX),
    "routing.stability_classification.top_k": _integer(1, INT32_MAX),
    "routing.dump_plan_as": _list_of(PLAN_FORMATS),
    "training_plan.model_families": _list_of(None, non_empty=True),
    "training_plan.include_blocked": _boolean,
}


THRESHOLD_KEYS = frozenset(key for key, check in CHECKS.items() if check is _threshold)


def _merge_threshold(base: Any, override: Any) -> Any:
    """A user's threshold over the default one, at every level: a number replaces
    the whole threshold; a mapping replaces only what it names (a task type, or a
    regression tier), and a default given as one number is first spread over what
    the mapping leaves out. macros/routing_config.sql `_merge_threshold` does the
    same for `dbt build --vars`."""
    if not isinstance(override, Mapping) or not (_is_number(base) or isinstance(base, Mapping)):
        return override
    merged: dict[str, Any] = (
        {"classification": base, "regression": base} if _is_number(base) else copy.deepcopy(dict(base))
    )
    for part, value in override.items():
        below = merged.get(part)
        if part == "regression" and isinstance(value, Mapping) and _is_number(below):
            below = {tier: below for tier in HORIZON_TIERS}
        if isinstance(below, Mapping) and isinstance(value, Mapping):
            merged[part] = {**below, **value}
        else:
            merged[part] = value
    return merged


def _merge(base: Any, override: Any, key: str) -> Any:
    """Deep-merge a user's value over the default, refusing unknown keys."""
    if key in THRESHOLD_KEYS:
        return _merge_threshold(base, override)
    if key in CHECKS:
        return override
    if not isinstance(override, Mapping):
        _fail(key, f"must be a mapping of settings, got {override!r}")
    merged = copy.deepcopy(dict(base))
    for part, value in override.items():
        child = f"{key}.{part}" if key else str(part)
        if part not in base:
            _fail(child, "unknown key")
        merged[part] = _merge(base[part], value, child)
    return merged


def effective_config(user: Mapping[str, Any] | None, defaults: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The defaults with the user's settings over them, every leaf validated."""
    base = load_defaults() if defaults is None else defaults
    merged = _merge(base, user or {}, "")
    for key, check in CHECKS.items():
        node: Any = merged
        for part in key.split("."):
            node = node[part]
        check(key, node)
    routing = merged["routing"]
    classification = routing["stability_classification"]
    if classification["drifting_overlap_min"] > classification["stable_overlap_min"]:
        _fail(
            "routing.stability_classification.drifting_overlap_min",
            "must not exceed stable_overlap_min",
        )
    return merged


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a mapping that repeats a key (the plain
    loader keeps the last one silently)."""

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                if not isinstance(key, Hashable):
                    continue  # the safe loader refuses it below, as invalid YAML
                if key in seen:
                    raise ConfigError(
                        f"key {key!r} is given twice (lines {seen[key]} and {line}); keep one"
                    )
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _read_text(path: Path) -> str:
    """The file as text: UTF-8, a leading byte-order mark dropped."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"routing config {path}: cannot be read ({error.strerror})") from error
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data:
        raise ConfigError(f"routing config {path}: is not UTF-8 (looks like UTF-16): save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"routing config {path}: is not UTF-8 (invalid byte at offset {error.start}): save it as UTF-8"
        ) from None


def load_config_file(path: Path | None) -> dict[str, Any]:
    """Read and validate a routing_config.yaml (None: the defaults)."""
    if path is None:
        return effective_config({})
    text = _read_text(path)
    try:
        user = yaml.load(text, Loader=_UniqueKeyLoader)
    except ConfigError as error:
        raise ConfigError(f"routing config {path}: {error}") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"routing config {path}: not valid YAML ({error})") from error
    if user is None:
        user = {}
    if not isinstance(user, Mapping):
        raise ConfigError(f"routing config {path}: must be a mapping with routing: and training_plan:")
    try:
        return effective_config(user)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None


SEED_CONFIG_PATH = Path("CONFIG") / "training_config" / "routing_config.yaml"


def find_routing_config(explicit: Path | None, cwd: Path | None = None) -> Path | None:
    """The routing config a run uses: `--routing-config` when given, else the seed's
    CONFIG/training_config/routing_config.yaml under the working directory when it
    exists, else None (the defaults). The path is made absolute."""
    base = Path.cwd() if cwd is None else cwd
    if explicit is not None:
        return explicit if explicit.is_absolute() else base / explicit
    candidate = base / SEED_CONFIG_PATH
    return candidate if candidate.exists() else None


def config_hash(config: Mapping[str, Any]) -> str:
    """sha256 of the effective config in canonical JSON."""
    canonical = json.dumps(config, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
