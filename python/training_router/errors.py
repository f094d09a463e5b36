"""Typed errors, each with the process exit code the CLI returns for it."""

from __future__ import annotations

import os


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


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(value: str | os.PathLike[str]) -> str:
    """``text`` safe to show on one line of a message: line breaks, tabs and other
    control characters (and the Unicode line/paragraph separators, which also end a
    line for many readers) written as escapes (\\n, \\t, \\x1b, \\u2028), so that a
    file or key name holding one cannot split or forge a message line."""
    text = os.fspath(value)
    return "".join(
        _ESCAPES.get(char)
        or (f"\\x{ord(char):02x}" if ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 else None)
        or (f"\\u{ord(char):04x}" if char in "\u2028\u2029" else char)
        for char in text
    )
