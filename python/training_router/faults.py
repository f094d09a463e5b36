"""Fault injection for the tests: ROUTER_FAULT_AT=<point>:<action>[:<argument>].

Does nothing unless the variable names the point being passed. Actions:

- ``pause``: say so on stderr and wait (for the test to kill the process);
- ``raise``: raise RuntimeError (an internal error);
- ``kill``: SIGKILL this process, as a crash or a power cut would;
- ``wait:<flag file>``: say so on stderr, wait until the flag file exists, then remove it
  (so that the next pass of the same point waits again);
- ``errno:<NAME>``: raise OSError(errno.NAME), e.g. ``errno:ENOSPC``.

A point name may hold colons (``publish:3`` is the publication's third step).
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import time
from pathlib import Path

FAULT_ENV = "ROUTER_FAULT_AT"
ACTIONS = ("pause", "raise", "kill", "wait", "errno")


def _parse(value: str) -> tuple[str, str, str] | None:
    for action in ACTIONS:
        point, marker, rest = value.partition(f":{action}")
        if marker and (not rest or rest.startswith(":")):
            return point, action, rest[1:]
    return None


def fault_point(name: str, path: str | os.PathLike[str] | None = None) -> None:
    """Act as ROUTER_FAULT_AT says if it names this point; `path` names the file an
    injected OSError is about."""
    parsed = _parse(os.environ.get(FAULT_ENV, ""))
    if parsed is None or parsed[0] != name:
        return
    _, action, argument = parsed
    if action == "raise":
        raise RuntimeError(f"fault injected at {name}")
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if action == "errno":
        code = getattr(errno, argument)
        raise OSError(code, os.strerror(code), None if path is None else str(path))
    print(f"[ROUTER] fault point {name}: paused", file=sys.stderr, flush=True)
    if action == "pause":
        time.sleep(600)
        return
    flag = Path(argument)
    deadline = time.monotonic() + 600
    while not flag.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"fault point {name}: no flag file {flag} after 600 s")
        time.sleep(0.02)
    flag.unlink()
