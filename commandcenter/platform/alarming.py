"""The platform raises alarms: it sees every sample, while a client may be offline.

`AlarmRunner` feeds each batch of samples to the pure AlarmEvaluator and writes its raise /
escalate / clear events as platform-made operations (node "platform-alarms") through the same
idempotent push path as any client's, so clients receive alarm rows by pull like incidents,
and seats act on them with ordinary commands.

A restart on the same database repeats no alarm:
- live data: `restore` resumes every alarm not yet cleared (an ongoing breach continues the
  same alarm), and ids are deterministic, so samples fed again raise nothing new;
- a scenario: a restarted simulator plays the scenario again from its start, at new wall-clock
  times, so the same storm would get a new id. Each alarm therefore records the scenario
  seconds its breach spans (`scenario`, `scenario_loop`, `scenario_from_s`, `scenario_to_s`),
  and a breach that starts inside the span of an alarm already held for the same indicator is
  that alarm again: its events go to the held alarm (a cleared one stays cleared), the way
  scenario incidents are keyed by their place in the scenario (storage.sim_incident_id).
"""
from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from commandcenter.domain import alarms as domain_alarms
from commandcenter.domain.alarms import AlarmEvaluator, AlarmEvent
from commandcenter.domain.catalog import Indicator
from commandcenter.domain.commands import CommandError, Op
from commandcenter.sync.protocol import Sample

log = logging.getLogger(__name__)

ALARM_NODE = "platform-alarms"
ALARM_USER = "alarm-evaluator"
# How far (scenario seconds) a replayed breach may start from the one recorded and still be the
# same: the first breaching sample moves by up to a tick between runs.
MIN_SLACK_S = 120.0


@dataclass
class _Episode:
    alarm_id: str
    loop: int
    from_s: float
    to_s: float | None  # None while not cleared
    held: bool = True  # read from the platform at start-up (a previous run's)


class AlarmRunner:
    def __init__(
        self,
        indicators: Mapping[str, Indicator],
        storage: Any,
        *,
        time_scale: float = 1.0,
        scenario_id: str | None = None,
        clock_ms: Callable[[], int] | None = None,
    ) -> None:
        self.evaluator = AlarmEvaluator(indicators, time_scale=time_scale)
        self.storage = storage
        self.time_scale = time_scale
        self.scenario_id = scenario_id
        self._clock_ms = clock_ms or (lambda: int(time.time() * 1000))
        self._episodes: dict[str, list[_Episode]] = {}
        self._alias: dict[str, str] = {}  # evaluator's id -> the alarm held for that breach
        self._anchor: tuple[int, float] | None = None  # (sample ts_ms, scenario seconds)
        self._loop = 0
        # a tick of 1 s of samples stands for `time_scale` scenario seconds; three of them
        self.slack_s = max(MIN_SLACK_S, 3 * time_scale)

    # ------------------------------------------------------------------ start-up
    def restore(self) -> int:
        """Read the alarms the platform holds (blocking). Live data: resume those not yet
        cleared. A scenario: remember every alarm of this scenario by the span it covers.
        Returns how many alarms were taken up."""
        docs = sorted(self.storage.documents("alarm"), key=lambda d: d.get("raised_ms") or 0)
        taken = 0
        for doc in docs:
            if self.scenario_id is not None:
                if doc.get("scenario") == self.scenario_id and isinstance(doc.get("scenario_from_s"), (int, float)):
                    self._episodes.setdefault(doc["indicator"], []).append(
                        _Episode(doc["id"], int(doc.get("scenario_loop") or 0), float(doc["scenario_from_s"]),
                                 _number(doc.get("scenario_to_s")))
                    )
                    taken += 1
            elif doc.get("status") != "cleared":
                # raised_ms is sample time; updated_ms may be a seat's clock
                self.evaluator.restore(doc["indicator"], doc["id"], doc.get("colour") or "",
                                       int(doc.get("raised_ms") or 0))
                taken += 1
        return taken

    # ------------------------------------------------------------------ feeding
    def feed(
        self,
        samples: Iterable[Sample | tuple[str, int, float]],
        *,
        scenario_anchor: tuple[int, float] | None = None,
    ) -> list[int]:
        """Evaluate a batch of samples (oldest first) and commit the alarm changes in one
        transaction. Blocking. Returns the server seqs of the changes made.

        `scenario_anchor`: (a sample time, the scenario second it stands for), with a scenario;
        the batch's other sample times map to scenario seconds at `time_scale`."""
        if scenario_anchor is not None:
            if self._anchor is not None and scenario_anchor[1] < self._anchor[1]:
                self._loop += 1  # the scenario started again
            self._anchor = scenario_anchor
        events: list[AlarmEvent] = []
        for s in samples:
            code, ts_ms, value = (s.indicator, s.ts_ms, s.value) if isinstance(s, Sample) else s
            events += self.evaluator.feed(code, ts_ms, value)
        ops = self.ops_for(events)
        if not ops:
            return []
        results = self.storage.submit_many(ops, self._clock_ms(), node_id=ALARM_NODE, user=ALARM_USER)
        for op, result in zip(ops, results):
            if result.result not in ("applied", "merged"):
                log.warning("alarm %s %s: %s %s", op.entity_id, op.op, result.result, result.reason)
        return [r.server_seq for r in results if r.result in ("applied", "merged") and r.server_seq]

    def set_time_scale(self, time_scale: float) -> None:
        """A drill's clock changed speed (or paused: a tiny scale, the city stands still)."""
        self.time_scale = time_scale
        self.evaluator.time_scale = time_scale
        self.slack_s = max(MIN_SLACK_S, 3 * time_scale)

    def scenario_s(self, ts_ms: int) -> float | None:
        """The scenario second a sample time stands for (None without a scenario)."""
        if self.scenario_id is None or self._anchor is None:
            return None
        return self._anchor[1] + (ts_ms - self._anchor[0]) / 1000.0 * self.time_scale

    def ops_for(self, events: list[AlarmEvent]) -> list[Op]:
        """The operations of a batch of events against the platform's documents (and the
        batch's own earlier operations). Blocking (reads the storage)."""
        docs: dict[str, dict | None] = {}

        def current(alarm_id: str) -> dict | None:
            if alarm_id not in docs:
                docs[alarm_id] = self.storage.get("alarm", alarm_id)
            return docs[alarm_id]

        ops: list[Op] = []
        for event in events:
            if event.kind == "raise" and event.alarm_id not in self._alias:
                held = self._held_episode(event)
                self._alias[event.alarm_id] = held.alarm_id if held is not None else event.alarm_id
            alarm_id = self._alias.get(event.alarm_id, event.alarm_id)
            doc = current(alarm_id)
            try:
                op = self._op(event, alarm_id, doc)
            except CommandError as exc:
                log.info("alarm %s: %s not applied: %s", alarm_id, event.kind, exc)
                op = None
            if event.kind == "clear":
                self._alias.pop(event.alarm_id, None)
            if op is None:
                continue
            ops.append(op)
            base = doc or {}
            docs[alarm_id] = {**base, **op.fields, "version": int(base.get("version") or 0) + 1}
        return ops

    def _op(self, event: AlarmEvent, alarm_id: str, doc: dict | None) -> Op | None:
        if doc is None:
            if event.kind != "raise":
                return None  # an alarm this platform never wrote (its raise failed)
            op = domain_alarms.raise_alarm(event)
            fields = {**op.fields, "source": "platform"}
            start = self.scenario_s(event.breach_ms if event.breach_ms is not None else event.ts_ms)
            if start is not None:
                fields.update(scenario=self.scenario_id, scenario_loop=self._loop, scenario_from_s=round(start, 1),
                              scenario_to_s=None)
                self._episodes.setdefault(event.indicator, []).append(
                    _Episode(alarm_id, self._loop, start, None, held=False))
            return Op(op.entity, op.entity_id, op.op, fields)
        if doc.get("status") == "cleared":
            return None  # the breach was seen through already (a replayed scenario)
        if event.kind in ("raise", "escalate"):
            if domain_alarms.rank(event.colour) <= domain_alarms.rank(doc.get("colour") or ""):
                return None
            if doc.get("status") in ("acknowledged", "dismissed"):
                # answered at a milder colour: worse now, so it must be answered again
                return domain_alarms.reraise_alarm(doc, event.colour, event.value, event.ts_ms)
            return domain_alarms.escalate_alarm(doc, event.colour, event.value, event.ts_ms)
        op = domain_alarms.alarm_action(doc, "clear", event.ts_ms, value=event.value)
        end = self.scenario_s(event.ts_ms)
        if end is None or doc.get("scenario") != self.scenario_id:
            return op
        for episode in self._episodes.get(event.indicator, []):
            if episode.alarm_id == alarm_id:
                episode.to_s = end
        return Op(op.entity, op.entity_id, op.op, {**op.fields, "scenario_to_s": round(end, 1)}, op.base_version)

    def _held_episode(self, event: AlarmEvent) -> _Episode | None:
        """The alarm a previous run raised for the breach of a raise event (a replayed
        scenario). This run's own alarms never match: the evaluator tells its breaches apart."""
        start = self.scenario_s(event.breach_ms if event.breach_ms is not None else event.ts_ms)
        if start is None:
            return None
        for episode in reversed(self._episodes.get(event.indicator, [])):
            end = math.inf if episode.to_s is None else episode.to_s
            if episode.held and episode.loop == self._loop and episode.from_s - self.slack_s <= start <= end + self.slack_s:
                return episode
        return None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None
