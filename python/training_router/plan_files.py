"""Input discovery and hashing, plan metadata, and the atomic swap of outputs."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from .errors import BusyError, InputError
from .project import dbt_project_dir

TARGET_MARKERS = ("model_metadata.json", "target_confidence.json")
TARGET_FILES = ("model_metadata.json", "target_confidence.json", "leakage.json")


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


def input_files(metrics_dir: Path, stability_dir: Path | None, targets: Iterable[str]) -> list[Path]:
    """Every input file of the given targets, in a stable order."""
    files: list[Path] = []
    for target in targets:
        folder = metrics_dir / target
        files += [folder / name for name in TARGET_FILES if os.path.lexists(folder / name)]
        snapshots_root = (stability_dir / target) if stability_dir else (folder / "stability")
        if snapshots_root.is_dir():
            files += sorted(snapshots_root.glob("*/*.json"))
    return files


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror or error})") from error
    return digest.hexdigest()


def inputs_hash(files: list[Path], roots: list[Path]) -> str:
    """sha256 over (path relative to its input root, sha256 of content) of every input file."""

    def relative(path: Path) -> str:
        for root in roots:
            try:
                return path.relative_to(root).as_posix()
            except ValueError:
                continue
        return path.as_posix()

    with ThreadPoolExecutor(max_workers=4) as pool:
        digests = list(pool.map(_hash_file, files))
    outer = hashlib.sha256()
    for path, digest in sorted(zip((relative(p) for p in files), digests, strict=True)):
        outer.update(f"{path}\0{digest}\n".encode())
    return outer.hexdigest()


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
