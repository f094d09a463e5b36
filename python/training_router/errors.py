"""Typed errors, each with the process exit code the CLI returns for it."""

from __future__ import annotations


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


class DbtError(RouterError):
    """dbt itself failed (compilation or an unexpected database error)."""

    exit_code = 1
