"""Publication: the lock, the version folder a run builds into, and one atomic switch.

Layout of a plan output (``METRICS``)::

    METRICS/.plans/v41/routing_plan/*     a published plan: every artifact and its database
    METRICS/.plans/v41/training_plan/*
    METRICS/.plans/v41/routing.duckdb
    METRICS/current -> .plans/v41         the ONE link a publication switches
    METRICS/routing_plan -> current/routing_plan      static links: the documented paths
    METRICS/training_plan -> current/training_plan
    METRICS/routing.duckdb -> current/routing.duckdb  (or --database FILE -> /abs/METRICS/current/routing.duckdb)

A run builds into ``.plans/.building-<n>/`` (nobody reads it), flushes it to disk,
renames it to ``v<n>`` and then replaces ``current`` by a new link with one
rename(2). Every documented path resolves through ``current``, so a reader finds all
artifacts and the database of one plan at every instant, whatever moment a crash
or a kill hits. The previous version folder is kept (a reader may still be on it);
older ones, and the folders of runs that died, are removed under the lock.

Runs on one plan output are serialised by ``METRICS/.router.lock``; runs sharing a
``--database`` location also by ``.<name>.lock`` beside it, always taken second, so two
runs cannot wait for each other in a cycle.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import BusyError, OutputError, printable
from .faults import fault_point

PLANS = ".plans"
CURRENT = "current"
DATABASE_NAME = "routing.duckdb"
ARTIFACT_FOLDERS = ("routing_plan", "training_plan")
_VERSION = re.compile(r"^(?:v|\.building-)(\d+)$")

# errors of the file system the outputs are on: the user can act on them
OUTPUT_ERRNOS = {
    errno.ENOSPC: "free space on that file system (or choose another --plan-output) and run again",
    errno.EDQUOT: "free space within your disk quota (or choose another --plan-output) and run again",
    errno.EROFS: "the file system is read-only: choose a writable --plan-output (and --database)",
    errno.EACCES: "make the folder writable for this user, or choose another --plan-output",
    errno.EPERM: "make the folder writable (is it immutable, chattr +i?), or choose another --plan-output",
}


@contextmanager
def writing(what: Path) -> Iterator[None]:
    """Turn a write failure the user can act on (full disk, read-only or forbidden
    folder) into OutputError naming the path; other errors pass through."""
    try:
        yield
    except OSError as error:
        if error.errno not in OUTPUT_ERRNOS:
            raise
        # rename and symlink name the destination second: that is the one being written
        path = next((p for p in (error.filename2, error.filename) if p is not None), what)
        raise OutputError(
            f"cannot write {printable(str(path))}: {error.strerror}; {OUTPUT_ERRNOS[error.errno]}. "
            "The previous plan was kept."
        ) from None


@dataclass(frozen=True)
class Layout:
    """Where a plan output's parts live."""

    plan_output: Path
    database: Path  # the documented database path (a link once published)

    @property
    def plans(self) -> Path:
        return self.plan_output / PLANS

    @property
    def current(self) -> Path:
        return self.plan_output / CURRENT

    @property
    def work_dir(self) -> Path:
        """dbt's target/ and logs/ and the input listing: one path for every run (runs
        hold the lock), so that dbt's partial parsing is not defeated."""
        return self.plan_output / ".router"

    @property
    def lock_files(self) -> list[Path]:
        """The plan output's lock, then the database location's: always in this order."""
        return [self.plan_output / ".router.lock", self.database.parent / f".{self.database.name}.lock"]

    def links(self) -> list[tuple[Path, str]]:
        """The documented paths and what each link holds."""
        inside = self.database.parent == self.plan_output
        database_target = (
            f"{CURRENT}/{DATABASE_NAME}" if inside else str(self.plan_output.resolve() / CURRENT / DATABASE_NAME)
        )
        return [
            *((self.plan_output / name, f"{CURRENT}/{name}") for name in ARTIFACT_FOLDERS),
            (self.database, database_target),
        ]

    def current_version(self) -> Path | None:
        """The published version folder, or None before the first publication."""
        try:
            target = os.readlink(self.current)
        except OSError:
            return None
        folder = self.plan_output / target
        return folder if folder.is_dir() else None

    def previous_database(self) -> Path | None:
        """The database of the plan published now (through the documented path, so a
        --database shared with another plan output gives the last plan written there)."""
        for candidate in (self.database, self.current / DATABASE_NAME):
            if candidate.is_file():
                return candidate.resolve()
        return None


@dataclass(frozen=True)
class Version:
    """A version folder being built: every artifact under it, and the database."""

    number: int
    folder: Path

    @property
    def database(self) -> Path:
        return self.folder / DATABASE_NAME

    @property
    def name(self) -> str:
        return f"v{self.number}"


# --- locking ---------------------------------------------------------------------


@contextmanager
def locked(layout: Layout, timeout: float) -> Iterator[None]:
    """Hold the plan output's lock and the database location's, waiting at most
    `timeout` seconds in all."""
    deadline = time.monotonic() + timeout
    with ExitStack() as stack:
        seen: set[Path] = set()
        for lock_file in layout.lock_files:
            if lock_file in seen:
                continue
            seen.add(lock_file)
            stack.enter_context(_exclusive_lock(lock_file, deadline, timeout))
        yield


@contextmanager
def _exclusive_lock(lock_file: Path, deadline: float, timeout: float) -> Iterator[None]:
    with writing(lock_file):
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        handle = lock_file.open("a+")
    with handle:
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BusyError(
                        f"another routing run is writing to {printable(str(lock_file.parent))} "
                        f"(lock {printable(lock_file.name)} held for more than {timeout:g} s); "
                        "try again when it has finished, or raise --lock-timeout"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# --- before the build (under the lock) ----------------------------------------------


def _versions(layout: Layout) -> dict[str, int]:
    try:
        names = os.listdir(layout.plans)
    except FileNotFoundError:
        return {}
    return {name: int(m.group(1)) for name in names if (m := _VERSION.match(name))}


def prepare(layout: Layout) -> None:
    """Under the lock: move a plan of the old layout (real folders and files at the
    documented paths) into a version folder, and remove what dead runs left."""
    with writing(layout.plan_output):
        layout.plans.mkdir(parents=True, exist_ok=True)
        layout.work_dir.mkdir(exist_ok=True)
        _migrate_old_layout(layout)
        current = layout.current_version()
        kept = {current.name} if current else set()
        if current is not None:  # the newest published version before it: a reader may be on it
            older = [n for n in _versions(layout).items() if n[0].startswith("v") and n[1] < _number(current.name)]
            kept |= {max(older, key=lambda item: item[1])[0]} if older else set()
        for name in _versions(layout):
            if name not in kept:
                remove_quietly(layout.plans / name)
        # the layout before version folders: build folders beside the database, staging under .router
        for leftover in [*layout.database.parent.glob(f".{layout.database.name}.build-*"),
                         *layout.work_dir.glob("build-*")]:
            remove_quietly(leftover)


def _number(name: str) -> int:
    match = _VERSION.match(name)
    return int(match.group(1)) if match else -1


def _migrate_old_layout(layout: Layout) -> None:
    """One time, on the first run after an upgrade: the old plan's folders and database
    move into a version folder and links take their place. Each documented path is
    briefly absent while its folder moves (a rename of a folder cannot replace it with
    a link in one step); never does a path show another plan's file."""
    legacy = [(path, target) for path, target in layout.links()
              if os.path.lexists(path) and not path.is_symlink()]
    if not legacy:
        return
    folder = layout.current_version()
    if folder is None:
        number = max(_versions(layout).values(), default=0) + 1
        folder = layout.plans / f"v{number}"
        folder.mkdir(exist_ok=True)
        _switch_link(layout.current, f"{PLANS}/{folder.name}")
    for path, target in legacy:
        destination = folder / Path(target).name
        if os.path.lexists(destination):
            remove_quietly(path)
        elif path.is_dir():
            os.rename(path, destination)
        else:
            try:
                os.link(path, destination)  # the database: its path never disappears
            except OSError:
                shutil.copyfile(path, destination)
        _switch_link(path, target)


def new_version(layout: Layout) -> Version:
    """A fresh folder to build the next plan into (numbered after every folder present)."""
    number = max([*_versions(layout).values(), 0]) + 1
    folder = layout.plans / f".building-{number}"
    with writing(folder):
        folder.mkdir(parents=True)
    return Version(number, folder)


def discard(layout: Layout, version: Version) -> None:
    """Remove a version that was not published (built, or renamed but never switched in)."""
    remove_quietly(version.folder)
    current = layout.current_version()
    if current is None or current.name != version.name:
        remove_quietly(layout.plans / version.name)


# --- the switch ------------------------------------------------------------------------


class _Steps:
    """Counts the publication's file system steps: ROUTER_FAULT_AT=publish:<n>:kill
    stops the process before the n-th (the tests try every n)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
        fault_point(f"publish:{self.count}")


def publish(layout: Layout, version: Version) -> None:
    """Make `version` the published plan: flush it, give it its final name, switch
    `current`, make sure the documented paths are links through it, and remove the
    versions older than the one it replaces."""
    step = _Steps()
    with writing(version.folder):
        step()
        for path in _tree(version.folder):
            fsync_path(path)
        step()
        published = layout.plans / version.name
        os.rename(version.folder, published)
        step()
        fsync_path(layout.plans)
        replaced = layout.current_version()
        _switch_link(layout.current, f"{PLANS}/{version.name}", step)
        for path, target in layout.links():
            _ensure_link(path, target, step)
        for name in sorted(_versions(layout)):
            if name not in {version.name, replaced.name if replaced else None}:
                step()
                remove_quietly(layout.plans / name)


def _tree(folder: Path) -> list[Path]:
    """Every file under folder, then every folder, deepest first (fsync order)."""
    files: list[Path] = []
    folders: list[Path] = []
    for root, _dirs, names in os.walk(folder):
        files += [Path(root) / n for n in sorted(names)]
        folders.append(Path(root))
    return files + folders[::-1]


def _ensure_link(path: Path, target: str, step: _Steps) -> None:
    try:
        if os.readlink(path) == target:
            return
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    _switch_link(path, target, step)


def _switch_link(path: Path, target: str, step: _Steps | None = None) -> None:
    """Point `path` at `target` in one rename(2) over it: a reader sees the old link or the new."""
    temporary = path.with_name(f".{path.name}.link-{os.getpid()}")
    remove_quietly(temporary)
    if step:
        step()
    os.symlink(target, temporary)
    if step:
        step()
    os.rename(temporary, path)
    if step:
        step()
    fsync_path(path.parent)


def fsync_path(path: Path) -> None:
    """Flush a file or directory to disk. A file that cannot be flushed raises OSError
    naming it: its data may not be on disk, and Linux reports a failed write-back to one
    fsync only, so an ignored failure would publish a plan a crash can tear. A directory
    is flushed on a best-effort basis (some file systems cannot flush one)."""
    if not path.is_dir():
        fault_point("fsync", path)
        try:
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as error:
            raise OSError(error.errno, error.strerror, str(path)) from None
        return
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_quietly(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        path.unlink(missing_ok=True)
