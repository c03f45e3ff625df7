"""The simulated command room of the demo city: dispatchers and department seats.

When the simulator reports an incident, a simulated dispatcher confirms it and, a couple of
scenario minutes later, dispatches it to the departments its event type usually calls (lead
at the street, the co-operating one at the community). Simulated seats sign for most tasks
after a while and leave some unaccepted, so the board shows clocks running in every state.
Everything goes through the domain commands and the platform's idempotent push path, so
clients see it by pull like any other work.

Time: the room lives in scenario time. Its tasks' deadlines are the SLA's divided by the
simulation speed (`time_scale`), so at 60x a 30-minute accept window is 30 real seconds and a
seat that signs for after 40 scenario minutes is late, as it would be in the real room; the
clients' clocks and escalation rule then behave as they would at 1x. Actions carried out for a
start-at jump (preroll) are stamped at the wall time their scenario time maps to. Ids are derived from the incident, so a restart
on the same database repeats nothing.
"""
from __future__ import annotations

import heapq
import itertools
import random
import uuid
from typing import Any

from commandcenter.domain import commands, machines
from commandcenter.domain.catalog import Catalog
from commandcenter.domain.levels import OrgLevel

NAMESPACE = uuid.UUID("0b6f3d5e-8c2a-4f1e-a9d7-3e5c1b2a4d60")
SEAT_USER = "simulated-seat"
DISPATCHER_USER = "simulated-dispatcher"


class SimulatedCommandRoom:
    def __init__(
        self,
        storage: Any,
        catalog: Catalog,
        *,
        seed: int | str = "demo",
        dispatch_after_s: float = 120.0,
        accept_after_s: tuple[float, float] = (300.0, 2400.0),
        accept_share: float = 0.7,
        time_scale: float = 1.0,
    ) -> None:
        self.storage = storage
        self.time_scale = max(1.0, float(time_scale))
        self.catalog = catalog
        self.dispatch_after_s = dispatch_after_s
        self.accept_after_s = accept_after_s
        self.accept_share = accept_share
        self._rng = random.Random(seed)
        self._queue: list[tuple[float, int, str, str]] = []
        self._order = itertools.count()

    def incident_reported(self, incident_id: str, t_s: float) -> None:
        """Schedule the dispatch of an incident reported at scenario time `t_s`."""
        self._schedule(t_s + self.dispatch_after_s, "dispatch", incident_id)

    def due(self, t_s: float, now_ms: int, wall_of=None) -> list[int]:
        """Carry out every action due by scenario time `t_s`; the server_seqs it committed.
        `wall_of(at_s)` stamps each action at its own wall time (a preroll), else `now_ms`."""
        seqs: list[int] = []
        while self._queue and self._queue[0][0] <= t_s:
            at, _, kind, entity_id = heapq.heappop(self._queue)
            stamp = int(wall_of(at)) if wall_of is not None else now_ms
            if kind == "dispatch":
                seqs += self._dispatch(entity_id, at, stamp)
            elif kind == "accept":
                seqs += self._accept(entity_id, stamp)
        return seqs

    def _schedule(self, at: float, kind: str, entity_id: str) -> None:
        heapq.heappush(self._queue, (at, next(self._order), kind, entity_id))

    def _submit(self, op: commands.Op, now_ms: int, user: str) -> list[int]:
        result = self.storage.submit(op, now_ms, user=user)
        return [result.server_seq] if result.result in ("applied", "merged") and result.server_seq else []

    def _dispatch(self, incident_id: str, at: float, now_ms: int) -> list[int]:
        incident = self.storage.get("incident", incident_id)
        if incident is None or incident["status"] in ("closed", "cancelled"):
            return []
        seqs: list[int] = []
        for action in ("confirm", "respond"):
            if action in machines.INCIDENT.allowed(incident["status"]):
                seqs += self._submit(commands.transition("incident", incident, action, now_ms), now_ms, DISPATCHER_USER)
                incident = self.storage.get("incident", incident_id)
        event_type = self.catalog.event_types.get(incident["category"])
        departments = (event_type.departments if event_type else ()) or ("emergency",)
        unit = incident["org_unit"]
        street = self.catalog.ancestor_at(unit, OrgLevel.STREET)
        targets = [(departments[0], street.code if street else unit, True)]
        targets += [(d, unit, False) for d in departments[1:2]]
        for department, org_unit, lead in targets:
            task_id = str(uuid.uuid5(NAMESPACE, f"{incident_id}/{department}"))
            if self.storage.get("task", task_id) is not None:
                continue
            op = commands.dispatch_task(
                incident, self.catalog, now_ms, department=department, org_unit=org_unit, lead=lead,
                task_id=task_id,
            )
            for key in ("accept_by_ms", "finish_by_ms"):  # deadlines in scenario time
                op.fields[key] = now_ms + int((op.fields[key] - now_ms) / self.time_scale)
            seqs += self._submit(op, now_ms, DISPATCHER_USER)
            if self._rng.random() < self.accept_share:
                self._schedule(at + self._rng.uniform(*self.accept_after_s), "accept", task_id)
        return seqs

    def _accept(self, task_id: str, now_ms: int) -> list[int]:
        task = self.storage.get("task", task_id)
        if task is None or task["status"] != "dispatched":
            return []
        return self._submit(commands.task_action(task, "accept", now_ms), now_ms, SEAT_USER)

