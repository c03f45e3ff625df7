"""Clocks. Everything that needs "now" takes a clock, so drills can run on a virtual one."""
from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now_ms(self) -> int: ...


class SystemClock:
    def now_ms(self) -> int:
        return int(time.time() * 1000)


class ManualClock:
    """A clock that moves only when told (tests, drills)."""

    def __init__(self, start_ms: int = 1_700_000_000_000) -> None:
        self._now = start_ms

    def now_ms(self) -> int:
        return self._now

    def set_ms(self, ms: int) -> None:
        """Jump to an absolute time (tests and drills)."""
        self.advance(ms - self.now_ms())

    def advance(self, ms: int) -> None:
        self._now += ms
