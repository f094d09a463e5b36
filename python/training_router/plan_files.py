"""Input discovery and hashing, plan metadata, and the atomic swap of outputs."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import stat
import subprocess
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BusyError, InputError
from .project import dbt_project_dir

TARGET_MARKERS = ("model_metadata.json", "target_confidence.json")


def discover_targets(metrics_dir: Path) -> list[str]:
    """Folder names that count as targets: holding model_metadata.json or target_confidence.json."""
    if not metrics_dir.exists():
        raise InputError(f"metrics directory {metrics_dir} does not exist")
    if not metrics_dir.is_dir():
        raise InputError(f"metrics directory {metrics_dir} is not a directory")
    try:
        entries = sorted(os.scandir(metrics_dir), key=lambda e: e.name)
    except OSError as error:
        raise InputError(f"metrics directory {metrics_dir} cannot be read ({error.strerror})") from error
    return [
        entry.name
        for entry in entries
        if entry.is_dir() and any(os.path.lexists(os.path.join(entry.path, m)) for m in TARGET_MARKERS)
    ]


TARGET_FILES = (
    ("model_metadata.json", "model_metadata"),
    ("target_confidence.json", "target_confidence"),
    ("leakage.json", "leakage"),
)


@dataclass(frozen=True)
class InputFile:
    """One input file as DuckDB's read_text would see it: size in bytes, mtime in µs since the epoch."""

    input_kind: str
    file_path: str
    file_size: int
    file_modified_us: int


@dataclass
class InputScan:
    """Every input file present now (all target folders), and the problems found in the selected targets."""

    files: list[InputFile] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)


def _input_file(kind: str, path: str, status: os.stat_result) -> InputFile:
    return InputFile(kind, path, status.st_size, status.st_mtime_ns // 1000)


def _subfolders(path: str) -> list[os.DirEntry[str]]:
    try:
        return [entry for entry in os.scandir(path) if entry.is_dir()]
    except (FileNotFoundError, NotADirectoryError):
        return []


def scan_input_files(metrics_dir: Path, stability_dir: Path | None, targets: Iterable[str]) -> InputScan:
    """One walk over the inputs: the listing the loaded layer compares with (the files the
    source globs of models/staging/metrics/_metrics__sources.yml match, with the size and
    modification time DuckDB reports), and the files the JSON reader would silently skip
    in the selected targets: dangling links, folders, unreadable files.

    The listing follows DuckDB's globbing, checked by tests/python/test_input_listing.py:
    every folder (hidden ones too, links followed), every regular file or link to one;
    dangling links and folders named *.json are not input files. DuckDB's glob passes over
    a dangling symbolic link, so a missing leakage.json behind one would otherwise go
    unnoticed (a wrong plan): those are problems."""
    scan = InputScan()
    selected = set(targets)

    def check(path: str, is_dir: bool) -> None:
        problem = _skipped_entry_problem(path, is_dir)
        if problem is not None:
            scan.problems.append((path, problem))

    target_folders = _subfolders(str(metrics_dir))
    for folder in target_folders:
        for name, kind in TARGET_FILES:
            path = os.path.join(folder.path, name)
            try:
                status = os.stat(path)  # follows links, as the reader does
            except OSError:
                status = None
            is_file = status is not None and stat.S_ISREG(status.st_mode)
            if is_file and status is not None:
                scan.files.append(_input_file(kind, path, status))
            if folder.name in selected and (not is_file or not os.access(path, os.R_OK)) and os.path.lexists(path):
                check(path, status is not None and stat.S_ISDIR(status.st_mode))
    snapshot_roots = (
        [(entry.name, entry.path) for entry in _subfolders(str(stability_dir))]
        if stability_dir
        else [(entry.name, os.path.join(entry.path, "stability")) for entry in target_folders]
    )
    for target, root in snapshot_roots:
        files, problems = _scan_snapshot_root(root, target in selected)
        scan.files.extend(files)
        scan.problems.extend(problems)
    scan.problems.sort()
    return scan


def _scan_snapshot_root(root: str, is_selected: bool) -> tuple[list[InputFile], list[tuple[str, str]]]:
    """The snapshot files under <root>/<universe>/*.json, and (for a selected target) the
    entries the reader would skip: dangling links and folders named *.json."""
    files: list[InputFile] = []
    problems: list[tuple[str, str]] = []
    for universe in _subfolders(root):
        for entry in os.scandir(universe.path):
            if not entry.name.endswith(".json"):
                continue
            if entry.is_file():
                try:
                    status = entry.stat()
                except FileNotFoundError:  # removed since the folder was read
                    continue
                files.append(_input_file("stability_snapshot", entry.path, status))
            elif is_selected:
                problem = _skipped_entry_problem(entry.path, entry.is_dir())
                if problem is not None:
                    problems.append((entry.path, problem))
    return files, problems


def _skipped_entry_problem(path: str, is_dir: bool) -> str | None:
    """Why the JSON reader would pass over this entry, if it would."""
    if is_dir:
        return "is a folder where a JSON file belongs"
    if not os.path.exists(path):
        return "is a link to a file that does not exist"
    if not os.access(path, os.R_OK):
        return "cannot be read (permission denied)"
    return None


def write_input_listing(scan: InputScan, listing: Path) -> str:
    """The listing as JSON lines, read by the source `router.input_listing` (formatted by
    hand: json.dumps of a dict per file was 1 s for 272k files; only the path needs escaping).
    Returns the sha256 of what it wrote: the database records which listing it was built from."""
    dumps = json.dumps
    text = "".join(
        f'{{"input_kind": "{f.input_kind}", "file_path": {dumps(f.file_path)}, '
        f'"file_size": {f.file_size}, "file_modified_us": {f.file_modified_us}}}\n'
        for f in scan.files
    ).encode("utf-8")
    listing.write_bytes(text)
    return hashlib.sha256(text).hexdigest()


def generated_at() -> str:
    """UTC time of the run, or SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        if epoch
        else dt.datetime.now(tz=dt.timezone.utc).replace(microsecond=0)
    )
    return moment.isoformat().replace("+00:00", "Z")


def git_commit() -> str:
    """The router's own commit, or 'unknown' outside a git checkout."""
    try:
        completed = subprocess.run(
            ["git", "-C", str(dbt_project_dir()), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return completed.stdout.strip() if completed.returncode == 0 else "unknown"


@contextmanager
def exclusive_lock(lock_file: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive lock on lock_file; wait at most `timeout` seconds for it."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BusyError(
                        f"another routing run is writing to {lock_file.parent} "
                        f"(lock {lock_file.name} held for more than {timeout:g} s); "
                        "try again when it has finished, or raise --lock-timeout"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def fsync_path(path: Path) -> None:
    """Flush a file or directory to disk (best effort on directories)."""
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def promote(pairs: list[tuple[Path, Path]]) -> None:
    """Move each finished file over its destination with an atomic rename."""
    for source, _ in pairs:
        fsync_path(source)
    for source, destination in pairs:
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, destination)
    for parent in {destination.parent for _, destination in pairs}:
        fsync_path(parent)


def remove_quietly(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        path.unlink(missing_ok=True)
