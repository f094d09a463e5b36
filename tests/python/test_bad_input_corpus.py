"""The broken-input corpus (tests/fixtures/bad_input/): one malformed file per case.

Each case folder holds ONE target folder, named for the case, and `expected.yaml`
`{file: <path suffix named in the message>, message: <the plain-words problem>}`.
All cases are routed together in one run (one CLI run costs ~15 s): the run must
fail with exit 3 and print, for every case, a line `  <path>: <problem>` whose path
ends with the case's file and whose problem contains its message — and nothing else
(docs/ROUTING_RULES.md §10). test_errors.py covers the mixed-up-in-one-file variant and
the previous-plan-kept guarantee; this file covers each problem in isolation, in
every input kind, plus unreadable files and directory-level problems.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, Run, run_router

CORPUS = FIXTURES / "bad_input"
CASES = sorted(p for p in CORPUS.iterdir() if (p / "expected.yaml").is_file())
FORBIDDEN = ("Traceback", "Binder Error", "Conversion Error", "Invalid Input Error", "Catalog Error")
PROBLEM_LINE = re.compile(r"^  (?P<path>/.+?\.json): (?P<problem>.+)$")


def _expected(case: Path) -> dict[str, str]:
    expected = yaml.safe_load((case / "expected.yaml").read_text(encoding="utf-8"))
    assert set(expected) == {"file", "message"}, case
    return expected


def _target_folders(case: Path) -> list[Path]:
    return [p for p in case.iterdir() if p.is_dir()]


# --- the corpus itself is well-formed ------------------------------------------


def test_corpus_has_every_case() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_has_one_uniquely_named_target_folder(case: Path) -> None:
    folders = _target_folders(case)
    assert len(folders) == 1, f"{case.name}: expected one target folder, found {folders}"
    folder = folders[0]
    assert (folder / "model_metadata.json").exists() or (folder / "target_confidence.json").exists()
    assert _expected(case)["file"].startswith(folder.name + "/")


def test_case_target_names_are_unique() -> None:
    names = [f.name for case in CASES for f in _target_folders(case)]
    assert len(names) == len(set(names))


# --- all cases in one run -------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    base = tmp_path_factory.mktemp("bad_input_corpus")
    metrics = base / "metrics"
    metrics.mkdir()
    for case in CASES:
        for folder in _target_folders(case):
            shutil.copytree(folder, metrics / folder.name)
    return run_router(metrics, base / "METRICS")


def test_corpus_run_fails_as_bad_input(corpus_run: Run) -> None:
    assert corpus_run.returncode == 3, corpus_run.stderr
    assert f"bad input: {len(CASES)} problem(s) found; no plan was written" in corpus_run.stderr


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_is_reported_with_its_file_and_problem(corpus_run: Run, case: Path) -> None:
    expected = _expected(case)
    lines = [m for m in map(PROBLEM_LINE.match, corpus_run.stderr.splitlines()) if m]
    for_file = [m for m in lines if m["path"].endswith("/" + expected["file"])]
    assert for_file, f"no problem line names {expected['file']!r}:\n{corpus_run.stderr}"
    assert any(expected["message"] in m["problem"] for m in for_file), (
        f"{expected['file']}: expected {expected['message']!r} in one of {[m['problem'] for m in for_file]}"
    )


def test_one_line_per_problem_and_none_for_valid_files(corpus_run: Run) -> None:
    """Each case breaks exactly one thing; the valid sibling files draw no complaint."""
    lines = [m for m in map(PROBLEM_LINE.match, corpus_run.stderr.splitlines()) if m]
    reported = sorted(str(Path(m["path"]).relative_to(corpus_run.plan_output.parent / "metrics")) for m in lines)
    assert reported == sorted(_expected(case)["file"] for case in CASES)


def test_corpus_run_shows_no_engine_error_or_stack_trace(corpus_run: Run) -> None:
    for marker in FORBIDDEN:
        assert marker not in corpus_run.stderr, corpus_run.stderr


def test_corpus_run_writes_no_plan(corpus_run: Run) -> None:
    out = corpus_run.plan_output
    assert not (out / "routing.duckdb").exists()
    assert not (out / "routing_plan").exists()
    assert not (out / "training_plan").exists()
    assert not [p.name for p in out.parent.iterdir() if ".build-" in p.name]


# --- unreadable files: dangling symlinks (we run as root; chmod 000 does not stop reads)


VALID_TC = {"score": 0.62, "sample_size": 240000, "stability": "STABLE", "metric_name": "roc_auc"}


def _write_json(path: Path, doc: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def _metadata(target: str) -> dict[str, dict[str, object]]:
    return {
        f"AAA:{target}:lightgbm": {"score": 0.63, "sample_size": 48000},
        f"BBB:{target}:lightgbm": {"score": 0.61, "sample_size": 48000},
    }


@pytest.fixture(scope="module")
def dangling_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, dict[str, Path]]:
    """One run over a metrics dir whose only faults are three dangling symlinks, each
    in an otherwise valid target, next to an entirely valid target."""
    base = tmp_path_factory.mktemp("dangling")
    metrics = base / "metrics"
    nowhere = base / "gone"  # never created
    links: dict[str, Path] = {}

    target = "t_dangling_metadata_10m"                       # model_metadata.json unreadable
    _write_json(metrics / target / "target_confidence.json", VALID_TC)
    links["model_metadata"] = metrics / target / "model_metadata.json"

    target = "t_dangling_snapshot_10m"                       # one snapshot unreadable
    _write_json(metrics / target / "model_metadata.json", _metadata(target))
    _write_json(metrics / target / "stability" / "ALL" / "s1.json", {
        "run_id": "r1", "created_at": "2026-11-01T10:00:00Z", "features": ["f1", "f2", "f3"],
        "importances": [0.5, 0.3, 0.2]})
    links["snapshot"] = metrics / target / "stability" / "ALL" / "s2.json"

    target = "t_dangling_leakage_10m"                        # leakage.json unreadable
    _write_json(metrics / target / "model_metadata.json", _metadata(target))
    _write_json(metrics / target / "target_confidence.json", VALID_TC)
    links["leakage"] = metrics / target / "leakage.json"

    target = "t_fine_10m"
    _write_json(metrics / target / "model_metadata.json", _metadata(target))

    for name, link in links.items():
        os.symlink(nowhere / f"{name}.json", link)
    return run_router(metrics, base / "METRICS"), links


def test_dangling_symlinks_fail_the_run_as_bad_input(dangling_run) -> None:
    run, _ = dangling_run
    assert run.returncode == 3, f"exit {run.returncode}\nstdout:\n{run.stdout}\nstderr:\n{run.stderr}"
    assert not (run.plan_output / "routing.duckdb").exists()


@pytest.mark.parametrize("kind", ["model_metadata", "snapshot", "leakage"])
def test_dangling_symlink_is_named_in_the_message(dangling_run, kind: str) -> None:
    run, links = dangling_run
    relative = links[kind].relative_to(run.plan_output.parent / "metrics")
    assert str(relative) in run.stderr, f"{relative} not named; exit {run.returncode}, stderr:\n{run.stderr}"


def test_dangling_symlinks_show_no_stack_trace(dangling_run) -> None:
    run, _ = dangling_run
    for marker in FORBIDDEN:
        assert marker not in run.stderr, run.stderr


# --- directory-level problems, found before dbt runs (cheap) -------------------
# (test_errors.py has: the metrics dir missing, empty, and --targets naming only
# missing folders or a missing one beside a real one; these are the neighbours.)


def test_metrics_dir_that_is_a_file(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "metrics.json"
    not_a_dir.write_text("{}\n")
    run = run_router(not_a_dir, tmp_path / "METRICS")
    assert run.returncode == 3
    assert str(not_a_dir) in run.stderr and "is not a directory" in run.stderr
    assert "Traceback" not in run.stderr


def test_metrics_dir_one_level_too_deep_or_high_has_no_target(tmp_path: Path) -> None:
    """Folders without model_metadata.json/target_confidence.json are not targets:
    a stray leakage.json or snapshots alone, or the files one level too high."""
    metrics = tmp_path / "metrics"
    _write_json(metrics / "only_leakage_10m" / "leakage.json", {"status": "SAFE"})
    _write_json(metrics / "only_snapshots_10m" / "stability" / "ALL" / "s1.json",
                {"features": ["f1"], "importances": [1.0]})
    _write_json(metrics / "model_metadata.json", _metadata("metrics"))        # one level too high
    _write_json(metrics / "nested" / "t_10m" / "model_metadata.json", _metadata("t_10m"))  # too deep
    run = run_router(metrics, tmp_path / "METRICS")
    assert run.returncode == 3
    assert "holds no target folder" in run.stderr and str(metrics) in run.stderr
    assert not (tmp_path / "METRICS" / "routing.duckdb").exists()


def test_missing_metrics_dir_given_relative_is_named(tmp_path: Path) -> None:
    """A relative --output-dir that does not exist is reported with its resolved path
    (the CLI runs from tmp_path here)."""
    run = run_router(Path("no_such_metrics_dir"), tmp_path / "METRICS")
    assert run.returncode == 3
    assert str(tmp_path / "no_such_metrics_dir") in run.stderr and "does not exist" in run.stderr
    assert not (tmp_path / "METRICS" / "routing.duckdb").exists()


# --- non-regular files, link loops and names with control characters -------------
# (a FIFO, a socket or a device cannot be committed to the corpus: made here)


@pytest.fixture(scope="module")
def special_files_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, dict[str, Path]]:
    """One run over targets whose only faults are a FIFO, a socket, a device, a link loop
    and a folder name holding a newline, beside a valid target."""
    import socket

    base = tmp_path_factory.mktemp("special")
    metrics = base / "metrics"
    bad: dict[str, Path] = {}

    target = "t_fifo_leakage_10m"                           # reading it would block: never opened
    _write_json(metrics / target / "model_metadata.json", _metadata(target))
    bad["fifo"] = metrics / target / "leakage.json"
    os.mkfifo(bad["fifo"])

    target = "t_fifo_metadata_10m"
    _write_json(metrics / target / "target_confidence.json", VALID_TC)
    bad["fifo_metadata"] = metrics / target / "model_metadata.json"
    os.mkfifo(bad["fifo_metadata"])

    target = "t_socket_confidence_10m"
    _write_json(metrics / target / "model_metadata.json", _metadata(target))
    bad["socket"] = metrics / target / "target_confidence.json"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(bad["socket"]))

    target = "t_device_snapshot_10m"
    _write_json(metrics / target / "model_metadata.json", _metadata(target))
    bad["device"] = metrics / target / "stability" / "ALL" / "s1.json"
    bad["device"].parent.mkdir(parents=True)
    os.mknod(bad["device"], 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null

    target = "t_looping_snapshot_10m"
    _write_json(metrics / target / "model_metadata.json", _metadata(target))
    bad["loop"] = metrics / target / "stability" / "ALL" / "s1.json"
    bad["loop"].parent.mkdir(parents=True)
    os.symlink(bad["loop"].name, bad["loop"])                # s1.json -> s1.json

    target = "t_new\nline_10m"
    _write_json(metrics / target / "model_metadata.json", _metadata(target))
    bad["newline"] = metrics / target / "leakage.json"
    os.mkfifo(bad["newline"])

    target = "t_fine_10m"
    _write_json(metrics / target / "model_metadata.json", _metadata(target))
    return run_router(metrics, base / "METRICS"), bad


SPECIAL_PROBLEMS = {
    "fifo": "is not a regular file (FIFO)",
    "fifo_metadata": "is not a regular file (FIFO)",
    "socket": "is not a regular file (socket)",
    "device": "is not a regular file (character device)",
    "loop": "is a symbolic link that loops",
    "newline": "is not a regular file (FIFO)",
}


def test_special_files_fail_the_run_as_bad_input(special_files_run) -> None:
    run, bad = special_files_run
    assert run.returncode == 3, run.stderr
    assert f"bad input: {len(bad)} problem(s) found; no plan was written" in run.stderr
    for marker in FORBIDDEN:
        assert marker not in run.stderr, run.stderr
    assert not (run.plan_output / "routing.duckdb").exists()


@pytest.mark.parametrize("kind", sorted(SPECIAL_PROBLEMS))
def test_special_file_is_named_on_one_line(special_files_run, kind: str) -> None:
    run, bad = special_files_run
    shown = str(bad[kind]).replace("\n", "\\n")
    lines = [line for line in run.stderr.splitlines() if line.startswith(f"  {shown}: ")]
    assert len(lines) == 1, run.stderr
    assert SPECIAL_PROBLEMS[kind] in lines[0]


def test_names_with_control_characters_never_split_a_message(special_files_run) -> None:
    run, _ = special_files_run
    lines = run.stderr.splitlines()
    problem_lines = [line for line in lines if line.startswith("  ")]
    assert len(problem_lines) == len(SPECIAL_PROBLEMS)
    assert all(line.startswith("  /") for line in problem_lines), lines
    assert any("t_new\\nline_10m" in line for line in problem_lines)
