"""The city simulator: plays a scenario as live indicator samples and reported incidents.

Samples carry real wall-clock time so the client's charts show "now"; the scenario clock only
decides which value a curve has and which incidents are due. `step` advances the scenario
without real time, so tests and benchmarks drive it directly and get the same numbers as a
live run with the same seed.

With `fill_from_catalog`, a catalogue indicator the scenario has no curve for still gets a
sample every tick: its baseline at the scenario's local hour (or the middle of its typical
range) plus small noise. A city that adds an indicator to indicators.json then sees it move in
the demo without writing a curve.
"""
from __future__ import annotations

import asyncio
import inspect
import random
import time
from typing import Any, Awaitable, Callable

from commandcenter.domain.catalog import Catalog, Indicator
from commandcenter.drills.scenario import Curve, Scenario, ScenarioIncident
from commandcenter.sync.protocol import Sample

TickHandler = Callable[[list[Sample], list[ScenarioIncident]], Awaitable[Any] | Any]


class CitySimulator:
    def __init__(
        self,
        scenario: Scenario,
        catalog: Catalog | None = None,
        speed: float = 60.0,
        clock_ms: Callable[[], int] | None = None,
        *,
        seed: int | str | None = None,
        loop: bool = False,
        interval_s: float = 1.0,
        start_at_s: float = 0.0,
        fill_from_catalog: bool = False,
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.scenario = scenario
        self.catalog = catalog
        self.speed = speed
        self.loop = loop
        self.interval_s = interval_s
        self._clock_ms = clock_ms or (lambda: int(time.time() * 1000))
        # A fixed seed per scenario: two runs of the same scenario show the same wiggles.
        self._rng = random.Random(seed if seed is not None else scenario.id)
        self._floor = {code: _floor_of(curve) for code, curve in scenario.indicators.items()}
        # Filled indicators draw from their own generator, so turning filling on does not
        # change the wiggles of the scripted curves.
        self._fill_rng = random.Random(f"{seed if seed is not None else scenario.id}/fill")
        self._fill = _fill_plan(scenario, catalog) if fill_from_catalog else []
        self._start_ms = int(scenario.start.timestamp() * 1000)
        self.t_s = 0.0
        self._next_incident = 0
        self.finished = False
        if not 0 <= start_at_s <= scenario.duration_s:
            raise ValueError(f"start_at_s {start_at_s} is outside the scenario (0..{scenario.duration_s})")
        self.start_at_s = start_at_s

    @property
    def scenario_time_ms(self) -> int:
        """The scenario's own wall clock (start + elapsed), in epoch ms."""
        return int(self.scenario.wall_time(self.t_s).timestamp() * 1000)

    def step(self, scenario_seconds: float) -> tuple[list[Sample], list[ScenarioIncident]]:
        """Advance the scenario clock; return one sample per indicator at the new time and the
        incidents that became due, in scenario order."""
        if self.finished:
            return [], []
        if scenario_seconds < 0:
            raise ValueError("the simulator does not run backwards")
        duration = self.scenario.duration_s
        t = self.t_s + scenario_seconds
        due: list[ScenarioIncident] = []
        if t >= duration:
            due += self._due(duration)
            if self.loop:
                t = t % duration
                self._next_incident = 0
            else:
                t = duration
                self.finished = True
        due += self._due(t)
        self.t_s = t
        return self._samples(t), due

    def advance_to(self, t_s: float) -> tuple[list[Sample], list[ScenarioIncident]]:
        """Bring the scenario to offset `t_s` (a drill's exercise clock): forward reports the
        incidents due on the way; back only moves the curves (what happened stays reported)."""
        t = min(max(0.0, t_s), self.scenario.duration_s)
        if t >= self.t_s:
            samples, due = self.step(t - self.t_s)
            return (samples or self._samples(self.t_s)), due
        self.t_s = t
        self.finished = False
        return self._samples(t), []

    def preroll(self, max_history_s: float = 600.0) -> tuple[list[Sample], list[ScenarioIncident]]:
        """Jump to `start_at_s` as if the scenario had been running at `speed` until now.

        Returns the samples of the real seconds before now (one per indicator per second, at
        most `max_history_s` of them, back-dated so the charts show a history) and every
        incident due by then. A snapshot at "T+3h" needs no three hours of waiting.
        """
        target = self.start_at_s
        now = self._clock_ms()
        seconds = int(min(target / self.speed, max_history_s))
        samples: list[Sample] = []
        for k in range(seconds, 0, -1):
            samples += self._samples(max(0.0, target - k * self.speed), ts_ms=now - k * 1000)
        due = self._due(target)
        self.t_s = target
        return samples, due

    def _due(self, t: float) -> list[ScenarioIncident]:
        incidents = self.scenario.incidents
        start = self._next_incident
        while self._next_incident < len(incidents) and incidents[self._next_incident].at_s <= t:
            self._next_incident += 1
        return incidents[start:self._next_incident]

    def _samples(self, t: float, ts_ms: int | None = None) -> list[Sample]:
        now = self._clock_ms() if ts_ms is None else ts_ms
        out = []
        for code, curve in self.scenario.indicators.items():
            value = curve.value_at(t)
            if curve.noise > 0:
                value += self._rng.gauss(0.0, curve.noise)
            floor = self._floor[code]
            if floor is not None:
                value = max(floor, value)
            out.append(Sample(indicator=code, ts_ms=now, value=round(value, 4)))
        if self._fill:
            scenario_ms = self._start_ms + int(t * 1000)
            gauss = self._fill_rng.gauss
            for code, ind, mid, sigma, floor in self._fill:
                base = ind.baseline_at(scenario_ms)
                value = (mid if base is None else base) + gauss(0.0, sigma)
                if floor is not None:
                    value = max(floor, value)
                out.append(Sample(indicator=code, ts_ms=now, value=round(value, 4)))
        return out

    async def run(self, on_tick: TickHandler) -> None:
        """Tick every `interval_s` real seconds until the scenario ends (or for ever when
        looping). The scenario advances by the real time elapsed times `speed`, so a slow tick
        does not make the scenario drift behind the wall clock."""
        await _call(on_tick, *self.step(0.0))
        last = time.monotonic()
        next_tick = last + self.interval_s
        while not self.finished:
            await asyncio.sleep(max(0.0, next_tick - time.monotonic()))
            now = time.monotonic()
            next_tick = max(next_tick + self.interval_s, now)
            samples, incidents = self.step((now - last) * self.speed)
            last = now
            await _call(on_tick, samples, incidents)


# noise of a filled indicator: this share of its typical range (lo..hi), one standard deviation
FILL_NOISE_SHARE = 0.02


def _fill_plan(scenario: Scenario, catalog: Catalog | None) -> list[tuple[str, Indicator, float, float, float | None]]:
    """(code, indicator, middle of typical, noise std dev, floor) per catalogue indicator the
    scenario does not script, in catalogue order; computed once so a tick stays cheap."""
    if catalog is None:
        return []
    plan = []
    for code, ind in catalog.indicators.items():
        if code in scenario.indicators:
            continue
        lo, hi = ind.typical
        floor = 0.0 if lo >= 0 else None  # a count or a level that is never negative stays so
        plan.append((code, ind, (lo + hi) / 2, (hi - lo) * FILL_NOISE_SHARE, floor))
    return plan


def _floor_of(curve: Curve) -> float | None:
    """Noise must not push a quantity that is never negative in the script (rain, queue
    lengths, counts) below zero."""
    return 0.0 if all(value >= 0 for _, value in curve.keyframes) else None


async def _call(fn: TickHandler, *args: Any) -> None:
    result = fn(*args)
    if inspect.isawaitable(result):
        await result
