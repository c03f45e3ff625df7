"""Doubled ring buffers for live series (Friture's trick).

Each series keeps capacity N but allocates 2N slots and writes every point twice, at i and
i + N. The newest n points are then always one contiguous slice, so the display timer hands
pyqtgraph a view with no copy and no concatenation, however the writes wrapped.
"""
from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np


class RingBuffer:
    """A bounded (t, value) float64 series; the oldest points fall off when full."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("a ring buffer needs a capacity of at least 1")
        self.capacity = int(capacity)
        self._t = np.zeros(2 * self.capacity, dtype=np.float64)
        self._v = np.zeros(2 * self.capacity, dtype=np.float64)
        self._next = 0  # slot of the next write, in [0, capacity)
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def append(self, ts: float | Iterable[float], values: float | Iterable[float]) -> None:
        """Append one point or a batch of points, oldest first."""
        t = np.atleast_1d(np.asarray(ts, dtype=np.float64))
        v = np.atleast_1d(np.asarray(values, dtype=np.float64))
        if t.shape != v.shape or t.ndim != 1:
            raise ValueError(f"times and values differ in shape: {t.shape} vs {v.shape}")
        n = t.size
        if n == 0:
            return
        if n > self.capacity:
            # only the newest `capacity` points can survive the write anyway
            t, v = t[-self.capacity:], v[-self.capacity:]
            n = self.capacity
        start = self._next
        first = min(n, self.capacity - start)
        for arr, src in ((self._t, t), (self._v, v)):
            arr[start:start + first] = src[:first]
            arr[start + self.capacity:start + self.capacity + first] = src[:first]
            rest = n - first
            if rest:
                arr[:rest] = src[first:]
                arr[self.capacity:self.capacity + rest] = src[first:]
        self._next = (start + n) % self.capacity
        self._size = min(self.capacity, self._size + n)

    def window(self, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Views of the newest `n` points (all when None), oldest first; valid until the next
        append, which may overwrite them."""
        size = self._size if n is None else max(0, min(int(n), self._size))
        end = self._next + self.capacity
        return self._t[end - size:end], self._v[end - size:end]

    def window_since(self, t0: float) -> tuple[np.ndarray, np.ndarray]:
        """Views of the points with t >= t0 (times are kept increasing by SeriesBank)."""
        t, v = self.window()
        i = int(np.searchsorted(t, t0, side="left"))
        return t[i:], v[i:]

    def last(self) -> tuple[float, float] | None:
        """The newest (t, value), or None when empty."""
        if not self._size:
            return None
        i = (self._next - 1) % self.capacity
        return float(self._t[i]), float(self._v[i])

    def clear(self) -> None:
        self._next = 0
        self._size = 0


class SeriesBank:
    """One RingBuffer per indicator code, and which codes changed since the display last looked.

    Times are stored in epoch SECONDS (what pyqtgraph's DateAxisItem reads), converted from
    the wire's milliseconds once, on arrival.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = int(capacity)
        self._series: dict[str, RingBuffer] = {}
        self.dirty: set[str] = set()

    def __contains__(self, code: object) -> bool:
        return code in self._series

    def __len__(self) -> int:
        return len(self._series)

    def codes(self) -> list[str]:
        return list(self._series)

    def get(self, code: str) -> RingBuffer | None:
        return self._series.get(code)

    def series(self, code: str) -> RingBuffer:
        """The buffer of `code`, created empty on first use."""
        buf = self._series.get(code)
        if buf is None:
            buf = self._series[code] = RingBuffer(self.capacity)
        return buf

    def add_samples(self, samples: Iterable[tuple[str, int, float]]) -> set[str]:
        """Append a batch of (code, ts_ms, value); returns the codes that got new points.

        A back-fill from the store and the live stream overlap, and a reconnect can replay a
        batch: a point not newer than a series' last point is dropped, so every series stays
        strictly increasing in time (clip-to-view and window_since bisect on it). Non-finite
        values are dropped too, so the display can skip pyqtgraph's finite check.
        """
        grouped: dict[str, list[tuple[float, float]]] = {}
        for code, ts_ms, value in samples:
            try:
                t, v = float(ts_ms) / 1000.0, float(value)
            except (TypeError, ValueError):
                continue
            if math.isfinite(t) and math.isfinite(v):
                grouped.setdefault(code, []).append((t, v))
        changed: set[str] = set()
        for code, points in grouped.items():
            points.sort(key=lambda p: p[0])
            buf = self.series(code)
            newest = buf.last()
            floor = -math.inf if newest is None else newest[0]
            ts: list[float] = []
            vs: list[float] = []
            for t, v in points:
                if t > floor:
                    ts.append(t)
                    vs.append(v)
                    floor = t
            if ts:
                buf.append(ts, vs)
                changed.add(code)
        self.dirty |= changed
        return changed

    def take_dirty(self) -> set[str]:
        """The codes changed since the previous call (and forget them)."""
        dirty, self.dirty = self.dirty, set()
        return dirty
