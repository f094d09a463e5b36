"""Progress of a run on stderr: phase, files found, dbt nodes done out of total, elapsed.

Three reporters, chosen by :func:`reporter_for`:

- on a terminal (stderr is a TTY): a live ``rich`` progress bar, and one line per finished
  phase;
- in logs and CI (stderr is not a TTY): a few plain lines, one per phase, no escapes;
- with ``--quiet``: nothing.

The summary of the plan is not progress: the CLI prints it on stdout after the run.
dbt's progress is read from its console output (``N of M START/OK/PASS ...`` lines),
which :func:`training_router.dbt_runner.run_dbt` streams line by line.
"""

from __future__ import annotations

import re
import sys
import time
from typing import IO, Any

# dbt's console line for a node: "12:00:01  3 of 79 OK created sql table model main.x ..... [OK in 0.3s]"
DBT_NODE_LINE = re.compile(r"\b(\d+) of (\d+) (START|OK|PASS|FAIL|ERROR|WARN|SKIP|NO-OP)\b(.*)")
NODE_NAME = re.compile(r"(\S+)\s+\.{2,}")


class Reporter:
    """Silent reporter (``--quiet``); the base of the others."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.dbt_total = 0
        self.dbt_done = 0

    def __enter__(self) -> Reporter:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.close(failed=exc_type is not None)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def phase(self, name: str, detail: str = "") -> None:
        """A new phase of the run begins (the previous one is over)."""

    def note(self, detail: str) -> None:
        """What the current phase found (e.g. how many input files)."""

    def dbt_output(self, line: str) -> None:
        """One line of dbt's console output; counts the nodes dbt finished."""
        match = DBT_NODE_LINE.search(line)
        if match is None or match.group(4).lstrip().startswith("hook:"):
            return  # project hooks are numbered apart ("1 of 1 OK hook: ..."): not nodes
        self.dbt_total = int(match.group(2))
        if match.group(3) == "START":
            return
        self.dbt_done += 1
        name = NODE_NAME.search(match.group(4))
        self.node_done(name.group(1).split(".")[-1] if name else "")

    def node_done(self, name: str) -> None:
        """dbt finished a node (``self.dbt_done`` of ``self.dbt_total``)."""

    def close(self, failed: bool = False) -> None:
        """The run is over (failed or not): stop drawing."""


class PlainReporter(Reporter):
    """A few plain lines on a stream that is not a terminal: one per phase, no escapes."""

    def __init__(self, stream: IO[str]) -> None:
        super().__init__()
        self.stream = stream
        self.in_dbt = False

    def _line(self, text: str) -> None:
        print(f"[ROUTER] {self.elapsed():6.1f}s {text}", file=self.stream, flush=True)

    def phase(self, name: str, detail: str = "") -> None:
        self._end_dbt()
        self.in_dbt = name.startswith("dbt")
        self._line(f"{name}{': ' + detail if detail else ''}")

    def note(self, detail: str) -> None:
        self._line(detail)

    def _end_dbt(self) -> None:
        if self.in_dbt and self.dbt_total:
            self._line(f"dbt: {self.dbt_done} of {self.dbt_total} models, seeds and tests done")
        self.in_dbt = False

    def close(self, failed: bool = False) -> None:
        self._end_dbt()


class RichReporter(Reporter):
    """A live progress bar on a terminal (rich), and a line per finished phase above it."""

    def __init__(self, stream: IO[str]) -> None:
        super().__init__()
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.console = Console(file=stream, stderr=stream is sys.stderr)
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[node]}"),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        self.task: Any = None
        self.current: tuple[str, str, float] | None = None
        self.progress.start()

    def _finish_phase(self, failed: bool = False) -> None:
        if self.current is None:
            return
        name, detail, began = self.current
        done = f" — {self.dbt_done} of {self.dbt_total} done" if name.startswith("dbt") and self.dbt_total else ""
        self.console.print(
            f"{'[red]✗[/]' if failed else '[green]✓[/]'} {name}{': ' + detail if detail else ''}{done} "
            f"[dim]({time.monotonic() - began:.1f} s, {self.elapsed():.1f} s total)[/]",
            highlight=False,
        )
        self.current = None

    def phase(self, name: str, detail: str = "") -> None:
        self._finish_phase()
        self.current = (name, detail, time.monotonic())
        if self.task is not None:
            self.progress.remove_task(self.task)
        self.task = self.progress.add_task(name, total=None, node=detail)

    def note(self, detail: str) -> None:
        if self.current is not None:
            self.current = (self.current[0], detail, self.current[2])
        if self.task is not None:
            self.progress.update(self.task, node=detail)

    def node_done(self, name: str) -> None:
        if self.task is not None:
            self.progress.update(self.task, total=self.dbt_total, completed=self.dbt_done, node=name)

    def close(self, failed: bool = False) -> None:
        self._finish_phase(failed)
        self.progress.stop()
        self.task = None


def reporter_for(quiet: bool, stream: IO[str] | None = None) -> Reporter:
    """The reporter for this run: nothing when quiet, a live bar on a terminal, plain lines otherwise."""
    stream = stream if stream is not None else sys.stderr
    if quiet:
        return Reporter()
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return RichReporter(stream)
    return PlainReporter(stream)
