"""Run the dbt build in a subprocess and turn its outcome into typed errors.

dbt runs in a child process, not in-process: the DuckDB adapter keeps its
connection (and the database file's lock) for the life of the process, and a
second in-process invoke can read stale data (measured; docs/DESIGN.md, "Parsing"). dbt's
target/ and logs/ go to directories the caller chooses, never into the
project, so an installed copy and concurrent runs stay clean.

The CLI's settings reach dbt as environment variables, not ``--vars``: dbt
re-parses the whole project whenever a var changes (7 s here, against 4-5 s
with its saved parse), but after a change of environment variable only the
files that read it. For the same reason a run in a new output location
starts from the last run's saved parse (a copy kept in the user's cache
directory); dbt checks that file itself and parses in full when it does not
match.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from .errors import DbtError, InputError, InvariantError, printable
from .project import dbt_project_dir

INPUT_PROBLEMS_MODEL = "int_input_problems_collected"
PARTIAL_PARSE_FILE = "partial_parse.msgpack"


@dataclass(frozen=True)
class RunSettings:
    """What one routing run tells the dbt project (read by the project's sources and
    by the macro ``run_var``; a ``--vars`` value of the same name would win)."""

    metrics_dir: Path
    stability_dir: Path | None
    input_listing: Path
    targets: list[str]
    symbols: list[str]
    routing: dict[str, Any]
    training_plan: dict[str, Any]
    run_info: Path | None = None  # the run's identity for plan_identity (history.write_run_info)
    history_keep_plans: int | None = None  # None: the project's default (dbt_project.yml)

    def environment(self) -> dict[str, str]:
        """Every setting, always set, so that a variable left in the user's shell never leaks in."""
        return {
            "ROUTER_METRICS_DIR": str(self.metrics_dir),
            "ROUTER_STABILITY_DIR": str(self.stability_dir) if self.stability_dir else "",
            "ROUTER_INPUT_LISTING": str(self.input_listing),
            "ROUTER_TARGETS": json.dumps(self.targets),
            "ROUTER_SYMBOLS": json.dumps(self.symbols),
            "ROUTER_ROUTING": json.dumps(self.routing, sort_keys=True),
            "ROUTER_TRAINING_PLAN": json.dumps(self.training_plan, sort_keys=True),
            "ROUTER_RUN_INFO": str(self.run_info) if self.run_info else "",
            "ROUTER_HISTORY_KEEP_PLANS": json.dumps(self.history_keep_plans) if self.history_keep_plans else "",
        }


def parse_cache_file() -> Path | None:
    """Where the last saved dbt parse of this project is kept between output locations:
    $ROUTER_CACHE_DIR (empty: no cache), else $XDG_CACHE_HOME/training_router, else
    ~/.cache/training_router. One file per project directory."""
    configured = os.environ.get("ROUTER_CACHE_DIR")
    if configured is not None:
        if not configured:
            return None
        cache = Path(configured)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        cache = (Path(xdg) if xdg else Path.home() / ".cache") / "training_router"
    project = hashlib.sha256(str(dbt_project_dir()).encode()).hexdigest()[:16]
    return cache / f"dbt-parse-{project}.msgpack"


def _seed_saved_parse(target_path: Path, cached: Path | None) -> None:
    """A new output location starts from the cached parse; best effort, dbt validates it."""
    saved = target_path / PARTIAL_PARSE_FILE
    if cached is None or saved.exists() or not cached.is_file():
        return
    try:
        target_path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, saved)
    except OSError:
        pass


def _keep_saved_parse(target_path: Path, cached: Path | None) -> None:
    """Publish this run's parse to the cache, atomically (a concurrent run reads the old one)."""
    saved = target_path / PARTIAL_PARSE_FILE
    if cached is None or not saved.is_file():
        return
    partial = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(saved, partial)
        os.replace(partial, cached)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


@dataclass
class DbtResult:
    """What one dbt invocation did: per-node results from run_results.json."""

    returncode: int
    results: list[dict[str, Any]] = field(default_factory=list)
    elapsed: float = 0.0
    output: str = ""


# The dbt child imports dbt (~1.3 s) before it reads its command (a JSON list) from
# stdin: a build starts it first and hands it the command once the inputs are listed
# and the previous database copied, so the import runs beside that work. With stdin
# closed and nothing read, it exits quietly.
_CHILD_PROGRAM = """\
import json, sys
from dbt.cli.main import cli
line = sys.stdin.readline()
if not line:
    sys.exit(0)
sys.argv[1:] = json.loads(line)
sys.exit(cli())
"""


class DbtProcess:
    """One dbt invocation whose process starts before its command is known (``start_dbt``)."""

    def __init__(self, process: subprocess.Popen[str], project: Path, work_dir: Path,
                 dbt_vars: dict[str, Any] | None) -> None:
        self._process = process
        self._project = project
        self._target_path = work_dir / "dbt-target"
        self._log_path = work_dir / "dbt-logs"
        self._dbt_vars = dbt_vars

    def run(self, command: list[str], on_output: Callable[[str], None] | None = None) -> DbtResult:
        """Run ``dbt <command>`` in the started process and wait for it."""
        run_results = self._target_path / "run_results.json"
        if run_results.exists():
            run_results.unlink()
        cached_parse = parse_cache_file()
        _seed_saved_parse(self._target_path, cached_parse)
        argv = [
            *command,
            "--project-dir", str(self._project),
            "--target-path", str(self._target_path),
            "--log-path", str(self._log_path),
            *(["--vars", json.dumps(self._dbt_vars)] if self._dbt_vars else []),
        ]
        assert self._process.stdin is not None
        with contextlib.suppress(BrokenPipeError):  # it died early: its output says why
            self._process.stdin.write(json.dumps(argv) + "\n")
            self._process.stdin.close()
        returncode, output = _stream(self._process, on_output)
        _keep_saved_parse(self._target_path, cached_parse)
        result = DbtResult(returncode=returncode, output=output)
        if run_results.is_file():
            payload = json.loads(run_results.read_text(encoding="utf-8"))
            result.results = payload.get("results", [])
            result.elapsed = float(payload.get("elapsed_time", 0.0))
        return result

    def discard(self) -> None:
        """End a process that was never given its command (or has finished)."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None and not stream.closed:
                stream.close()


def start_dbt(
    *,
    database: Path,
    work_dir: Path,
    settings: RunSettings | None = None,
    dbt_vars: dict[str, Any] | None = None,
    threads: int | None = None,
    extra_env: dict[str, str] | None = None,
) -> DbtProcess:
    """Start a dbt process for ``database`` (its folder must exist); dbt's files go under
    work_dir. ``settings`` are passed as environment variables (the CLI's way),
    ``dbt_vars`` as ``--vars`` (the way a user of bare dbt would). Give it its command
    with ``run`` or end it with ``discard``."""
    project = dbt_project_dir()
    env = dict(os.environ)
    env.update(
        {
            # relative to dbt's working directory, the database's folder: dbt hashes the
            # profile's values, this path included, and parses the whole project again
            # when the hash changes, so a build folder per run must not change the text
            "ROUTER_DATABASE": database.name,
            "DBT_PROFILES_DIR": str(project),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DBT_PARTIAL_PARSE": "true",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if settings is not None:
        env.update(settings.environment())
    if threads is not None:
        env["ROUTER_DBT_THREADS"] = str(threads)
    if extra_env:
        env.update(extra_env)
    process = subprocess.Popen(
        [sys.executable, "-c", _CHILD_PROGRAM], cwd=database.parent, env=env, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
        preexec_fn=_die_with_parent,
    )
    return DbtProcess(process, project, work_dir, dbt_vars)


def run_dbt(
    command: list[str],
    *,
    database: Path,
    work_dir: Path,
    settings: RunSettings | None = None,
    dbt_vars: dict[str, Any] | None = None,
    threads: int | None = None,
    on_output: Callable[[str], None] | None = None,
    extra_env: dict[str, str] | None = None,
) -> DbtResult:
    """Run ``dbt <command>`` against ``database`` (``start_dbt``, then ``run``); ``on_output``
    sees each line of dbt's console output as it comes (progress); the whole output is
    kept for errors."""
    process = start_dbt(database=database, work_dir=work_dir, settings=settings, dbt_vars=dbt_vars,
                        threads=threads, extra_env=extra_env)
    try:
        return process.run(command, on_output)
    finally:
        process.discard()


def _stream(process: subprocess.Popen[str], on_output: Callable[[str], None] | None) -> tuple[int, str]:
    """Read the dbt child's output (stderr merged into stdout, one pipe: no deadlock) line
    by line as it comes; returns the exit status and the whole output. If reading is
    interrupted (Ctrl-C, an error in ``on_output``), the child is killed."""
    lines: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if on_output is not None:
                on_output(line)
        returncode = process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
    return returncode, "".join(lines)


def last_parse_kind(log_file: Path) -> str:
    """How dbt parsed the project in the last invocation logged in ``log_file`` (dbt.log):
    "unchanged" (its saved parse as it was), "partial" (saved parse, changed files
    re-parsed) or "full"."""
    log = log_file.read_text(encoding="utf-8", errors="replace")
    last = log[log.rindex("Running with dbt="):]
    if "Partial parsing enabled, no changes found" in last:
        return "unchanged"
    if "Partial parsing enabled" in last:
        return "partial"
    return "full"


def _die_with_parent() -> None:
    """In the dbt child: ask Linux to kill it when the CLI dies (e.g. SIGKILL), so no
    orphaned build keeps running. Best effort; other systems skip it."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _short_name(unique_id: str) -> str:
    return unique_id.split(".")[-1] if unique_id.count(".") < 3 else ".".join(unique_id.split(".")[2:])


def read_input_problems(database: Path) -> list[tuple[str, str]]:
    """The (file, problem) rows the staging models found, in a stable order."""
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            f"select file_path, problem from {INPUT_PROBLEMS_MODEL} order by file_path, problem"
        ).fetchall()
    return [(str(path), str(problem)) for path, problem in rows]


def check_build(result: DbtResult, database: Path) -> None:
    """Raise the typed error that explains a failed build; return if it succeeded."""
    if not result.results:
        if result.returncode == 0:
            return
        tail = "\n".join(result.output.strip().splitlines()[-15:])
        raise DbtError(f"dbt failed before running anything:\n{tail}")

    errors = [r for r in result.results if r.get("status") == "error"]
    failures = [r for r in result.results if r.get("status") == "fail"]

    problem_test_failed = any("no_input_problems" in r.get("unique_id", "") for r in failures + errors)
    if problem_test_failed:
        problems = read_input_problems(database)
        raise InputError(format_problems(problems), problems)

    if errors:
        messages = [f"{_short_name(r['unique_id'])}: {(r.get('message') or '').strip()}" for r in errors]
        file_error = next((m for m in messages if "IO Error" in m or "No such file" in m), None)
        if file_error is not None:
            raise InputError(f"an input file could not be read: {file_error}")
        raise DbtError("dbt build failed:\n" + "\n".join(messages))

    if failures:
        lines = [
            f"{_short_name(r['unique_id'])}: {r.get('failures')} offending row(s)" for r in failures
        ]
        raise InvariantError("routing invariants failed (dbt tests):\n" + "\n".join(lines))

    if result.returncode != 0:
        tail = "\n".join(result.output.strip().splitlines()[-15:])
        raise DbtError(f"dbt exited with status {result.returncode}:\n{tail}")


def format_problems(problems: list[tuple[str, str]], limit: int = 50) -> str:
    """One line per problem: the file and the problem, control characters in either
    (a folder or key name holding a line break) shown escaped (errors.printable)."""
    lines = [f"bad input: {len(problems)} problem(s) found; no plan was written"]
    for path, problem in problems[:limit]:
        lines.append(f"  {printable(path)}: {printable(problem)}")
    if len(problems) > limit:
        lines.append(f"  ... and {len(problems) - limit} more (table {INPUT_PROBLEMS_MODEL})")
    return "\n".join(lines)
