"""Wall-clock spans of a run's phases, for --timings-json and the benchmark."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Timeline:
    def __init__(self) -> None:
        self.spans: list[dict[str, Any]] = []

    @contextmanager
    def span(self, name: str) -> Iterator[None]:
        started = time.time()
        try:
            yield
        finally:
            self.record(name, started, time.time())

    def record(self, name: str, started: float, ended: float) -> None:
        self.spans.append({"phase": name, "start": started, "end": ended, "seconds": ended - started})

    def as_dict(self) -> dict[str, Any]:
        return {"spans": self.spans, "seconds": {s["phase"]: round(s["seconds"], 4) for s in self.spans}}
