"""Hybrid logical clock: (wall ms, counter, node). Encoded fixed-width so strings sort."""
from __future__ import annotations

from dataclasses import dataclass

# Operations stamped further ahead of our wall clock than this are flagged (SYNC.md).
MAX_DRIFT_MS = 5 * 60_000


@dataclass(frozen=True, order=True)
class Timestamp:
    wall_ms: int
    counter: int
    node: str

    def encode(self) -> str:
        return f"{self.wall_ms:013d}:{self.counter:05d}:{self.node}"

    @classmethod
    def decode(cls, text: str) -> "Timestamp":
        wall, counter, node = text.split(":", 2)
        return cls(int(wall), int(counter), node)


class HybridClock:
    def __init__(self, node: str, last: Timestamp | None = None) -> None:
        self.node = node
        self.last = last or Timestamp(0, 0, node)

    def tick(self, now_ms: int) -> Timestamp:
        """A timestamp for a local event."""
        if now_ms > self.last.wall_ms:
            self.last = Timestamp(now_ms, 0, self.node)
        else:
            self.last = Timestamp(self.last.wall_ms, self.last.counter + 1, self.node)
        return self.last

    def receive(self, remote: Timestamp, now_ms: int) -> tuple[Timestamp, bool]:
        """Advance past a received timestamp. Returns (new, flagged_far_future)."""
        flagged = remote.wall_ms - now_ms > MAX_DRIFT_MS
        wall = max(now_ms, self.last.wall_ms, remote.wall_ms)
        if wall == self.last.wall_ms == remote.wall_ms:
            counter = max(self.last.counter, remote.counter) + 1
        elif wall == self.last.wall_ms:
            counter = self.last.counter + 1
        elif wall == remote.wall_ms:
            counter = remote.counter + 1
        else:
            counter = 0
        self.last = Timestamp(wall, counter, self.node)
        return self.last, flagged
