"""Typed errors, each with the process exit code the CLI returns for it."""

from __future__ import annotations

import os
import re

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators: a name holding
# one would split a message over lines or rewrite the terminal
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(value: str | os.PathLike[str]) -> str:
    """A path or name for a one-line message: as it is, or, when it holds a control
    character (a newline in a folder name, say), Python's quoted, escaped repr of it."""
    text = os.fspath(value)
    return repr(text) if _CONTROL.search(text) else text


class RouterError(Exception):
    """Base class: a failure the CLI reports in plain words and an exit code."""

    exit_code = 1


class UsageError(RouterError):
    """Bad command-line arguments or an invalid routing config (nothing ran)."""

    exit_code = 2


class ConfigError(UsageError):
    """The routing config is invalid; the message names the key."""


class InputError(RouterError):
    """An input file is missing, unreadable or malformed; the message names it."""

    exit_code = 3

    def __init__(self, message: str, problems: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class NoCandidatesError(InputError):
    """The inputs hold no (target, symbol) pair to route."""


class InvariantError(RouterError):
    """A dbt test on the routing tables failed: the plan would break an invariant."""

    exit_code = 4


class BusyError(RouterError):
    """Another run holds the output location and did not finish in time."""

    exit_code = 5


class OutputError(RouterError):
    """The outputs cannot be written (a full disk, a read-only or forbidden folder); the
    message names the path and what to do. The previous plan is kept."""

    exit_code = 6


class DbtError(RouterError):
    """dbt itself failed (compilation or an unexpected database error)."""

    exit_code = 1
