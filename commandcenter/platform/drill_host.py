"""The drill platform's exercise: one run of a drill, its clock, its injects, its recording.

The platform serving a drill (`platform serve --drill RUN --scenario DRILL`, started by
`commandcenter drill run`) owns the run (drills/run.py): the coordinators' consoles send
commands (play, pause, speed, seek, release, hold, skip, notes, completions, marks) to
`POST /v1/drill/command`, every seat reads the state from `GET /v1/drill`. The events are
stored in the drill database as they happen (the recording).

What an event means in the drill city is done here:
- a released inject becomes one notice (kind "inject") per address in its `to`: a department
  seat sees its department's, the command room (roles) the one addressed to the whole city;
  an inject with an incident reports that incident first, and its notices point at it;
- a seat's read receipt on such a notice acknowledges the inject;
- a player's operation that matches an inject's `watch` is recorded as its answer, with the
  time it was made (its hybrid-clock stamp), so the response time is measured, not guessed.
The host's own operations come from node "platform-drill"; the city simulator's from
"platform-sim". Neither counts as a player's answer.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from typing import Any, Callable

from commandcenter.domain.catalog import Catalog
from commandcenter.domain.integrated import send_notice
from commandcenter.domain.merge import hlc_wall_ms
from commandcenter.drills.run import DrillError, DrillRun, InjectState, RunEvent, run_state
from commandcenter.drills.scenario import Inject, Scenario

log = logging.getLogger(__name__)

DRILL_NODE = "platform-drill"
_NAMESPACE = uuid.UUID("0b5e3c47-8d2a-4d61-9a0e-1f6c2d8b7e55")
# the commands of POST /v1/drill/command and the body fields each takes
COMMANDS = {
    "play": (), "pause": (), "speed": ("speed",), "seek": ("t_s",), "end": ("reason",),
    "release": ("inject",), "hold": ("inject",), "unhold": ("inject",), "skip": ("inject", "reason"),
    "complete": ("inject", "outcome", "text"), "note": ("text", "inject"),
    "mark": ("objective", "rating", "text"), "evaluated": (),
}
_REQUIRED = {"speed": ("speed",), "seek": ("t_s",), "release": ("inject",), "hold": ("inject",),
             "unhold": ("inject",), "skip": ("inject",), "complete": ("inject", "outcome"), "note": ("text",),
             "mark": ("objective", "rating")}


def notice_id(run_id: str, inject_id: str, address: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{run_id}/{inject_id}/{address}"))


def incident_key(scenario: Scenario, run_id: str, inject: Inject) -> str:
    """What the inject's incident id is derived from (storage.sim_incident_id)."""
    return f"{scenario.id}/{run_id}/{inject.id}"


class DrillHost:
    def __init__(self, storage: Any, scenario: Scenario, catalog: Catalog, run_id: str, *,
                 clock_ms: Callable[[], int] | None = None) -> None:
        self.storage = storage
        self.scenario = scenario
        self.catalog = catalog
        self.run_id = run_id
        self._clock_ms = clock_ms or (lambda: int(time.time() * 1000))
        events = [RunEvent.from_dict(d) for d in storage.drill_events(run_id)]
        self.run = DrillRun(scenario, run_id, events)
        self._lock = threading.RLock()
        self._done = {e.inject for e in events if e.kind == "release"}  # releases carried out
        self._ops_rowid = 0  # read receipts and answers are looked for after this op
        self._notices = {notice_id(run_id, inj.id, a): inj.id for inj in scenario.injects for a in inj.to}
        roots = [u.code for u in catalog.org_units.values() if u.parent is None] if catalog else []
        self._city = roots[0] if roots else None  # notices to roles go to the whole city

    # -- commands ---------------------------------------------------------------------------

    def command(self, body: dict, user: str) -> list[int]:
        """Carry out one coordinator's command; DrillError when it cannot be done now.
        Returns the server seqs of what it changed in the drill city (for the live stream)."""
        action = body.get("action")
        if action not in COMMANDS:
            raise DrillError(f"action must be one of {', '.join(COMMANDS)}, got {action!r}")
        unknown = sorted(set(body) - {"action", *COMMANDS[action]})
        if unknown:
            raise DrillError(f"{action}: unknown field {unknown[0]!r} (takes {', '.join(COMMANDS[action]) or 'none'})")
        for name in _REQUIRED.get(action, ()):
            if body.get(name) in (None, ""):
                raise DrillError(f"{action}: {name} is required")
        now = self._clock_ms()
        with self._lock:
            before = len(self.run.events)
            run = self.run
            try:
                if action == "play":
                    run.play(now, user)
                elif action == "pause":
                    run.pause(now, user)
                elif action == "speed":
                    run.set_speed(_number(body["speed"], "speed"), now, user)
                elif action == "seek":
                    run.seek(_number(body["t_s"], "t_s"), now, user)
                elif action == "end":
                    run.end(now, user, reason=str(body.get("reason") or ""))
                elif action == "release":
                    run.release(str(body["inject"]), now, user)
                elif action == "hold":
                    run.hold(str(body["inject"]), now, user)
                elif action == "unhold":
                    run.unhold(str(body["inject"]), now, user)
                elif action == "skip":
                    run.skip(str(body["inject"]), now, user, reason=str(body.get("reason") or ""))
                elif action == "complete":
                    run.complete(str(body["inject"]), str(body["outcome"]), now, user, text=str(body.get("text") or ""))
                elif action == "note":
                    run.note(str(body["text"]), now, user, inject_id=body.get("inject") or None)
                elif action == "mark":
                    run.mark(str(body["objective"]), str(body["rating"]), now, user, text=str(body.get("text") or ""))
                elif action == "evaluated":
                    run.finish_evaluation(now, user)
                return self._commit(before, now)
            except DrillError:
                self._rollback(before)
                raise

    def step(self) -> list[int]:
        """One tick of the exercise: read receipts and answers since the last tick, then what
        the clock releases (or the end). Returns the server seqs of the city's changes."""
        now = self._clock_ms()
        with self._lock:
            before = len(self.run.events)
            self._observe(now)
            self.run.tick(now)
            return self._commit(before, now)

    def _commit(self, before: int, now: int) -> list[int]:
        """Store the new events (all or none), then carry out the releases among them."""
        new = self.run.events[before:]
        if not new:
            return []
        try:
            self.storage.add_drill_events(self.run_id, [e.to_dict() for e in new])
        except Exception:
            self._rollback(before)
            raise
        seqs: list[int] = []
        for e in new:
            if e.kind == "release" and e.inject not in self._done:
                seqs += self._carry_out(self.scenario.inject(e.inject), e, now)
                self._done.add(e.inject)
        return seqs

    def _rollback(self, before: int) -> None:
        """Forget events not stored: the run is rebuilt from the stored ones."""
        if len(self.run.events) != before:
            self.run = DrillRun(self.scenario, self.run_id, self.run.events[:before])

    def catch_up(self) -> list[int]:
        """After a restart: releases recorded but whose notices may not have been sent (the
        notice ids are fixed, so sending again changes nothing)."""
        now = self._clock_ms()
        seqs: list[int] = []
        with self._lock:
            for e in self.run.events:
                if e.kind == "release":
                    seqs += self._carry_out(self.scenario.inject(e.inject), e, now)
        return seqs

    def _carry_out(self, inj: Inject, event: RunEvent, now: int) -> list[int]:
        seqs: list[int] = []
        by = event.by or "导调"
        incident_id = None
        if inj.incident is not None:
            from commandcenter.platform.storage import sim_incident_id

            key = incident_key(self.scenario, self.run_id, inj)
            result = self.storage.report_incident_from_simulator(inj.incident, now, key, 0)
            incident_id = sim_incident_id(key, 0, inj.incident)
            if result.server_seq is not None:
                seqs.append(result.server_seq)
        ops = []
        for address in inj.to:
            is_department = self.catalog is not None and address in self.catalog.departments
            op = send_notice(
                now, org_unit=self._city, kind="inject", text=_notice_text(inj, "zh"),
                department=address if is_department else None, incident_id=incident_id, mode="drill",
                notice_id=notice_id(self.run_id, inj.id, address),
            )
            op.fields.update({
                "text_en": _notice_text(inj, "en"), "inject": inj.id, "address": address, "run_id": self.run_id,
                "expected_zh": inj.expected_zh, "expected_en": inj.expected_en,
                "respond_within_min": inj.respond_within_min, "released_by": by,
            })
            ops.append(op)
        for result in self.storage.submit_many(ops, now, node_id=DRILL_NODE, user=by):
            if result.result in ("applied", "merged") and result.server_seq is not None:
                seqs.append(result.server_seq)
        return seqs

    # -- what the players did ---------------------------------------------------------------

    def _observe(self, now: int) -> None:
        while True:
            rows = self.storage.ops_after(self._ops_rowid)
            if not rows:
                return
            for rowid, op, _result in rows:
                self._ops_rowid = rowid
                node = str(op.get("node_id") or "")
                if node.startswith("platform"):
                    continue  # the city's and the exercise's own operations
                self._player_op(op, now)

    def _player_op(self, op: dict, now: int) -> None:
        name, user = op.get("op"), str(op.get("user") or op.get("node_id") or "")
        entity_id = str(op.get("entity_id") or "")
        if name == "notice.read" and entity_id in self._notices:
            self.run.acknowledge(self._notices[entity_id], now, by=user)
            return
        fields = op.get("fields") or {}
        department = None
        if str(name).startswith("task."):
            department = fields.get("department")
            if department is None:
                doc = self.storage.get("task", entity_id)
                department = (doc or {}).get("department")
        at_ms = hlc_wall_ms(op.get("hlc") or "") or now
        for inj in self.scenario.injects:
            w = inj.watch
            if w is None or w.op != name:
                continue
            if w.department is not None and w.department != department:
                continue
            if w.level is not None and str(fields.get("response_level")) != w.level:
                continue
            st = self.run.injects[inj.id]
            if st.responses or not _answerable(inj, st):
                continue
            if self.run.respond(inj.id, now, op=name, by=user, entity_id=entity_id, department=department,
                                at_ms=min(at_ms, now)) is not None:
                return  # one action answers one inject: the earliest open one that waits for it

    # -- what a console shows -----------------------------------------------------------------

    def state(self) -> dict:
        now = self._clock_ms()
        with self._lock:
            return run_state(self.run, now)

    def events(self, since: int = 0) -> list[dict]:
        with self._lock:
            return [e.to_dict() for e in self.run.events[since:]]

    def time_scale(self) -> float:
        """Exercise seconds per real second now (alarm durations follow it)."""
        return self.run.speed if self.run.state == "running" else 1e-6


def _answerable(inj: Inject, st: InjectState) -> bool:
    if st.state in ("released", "acknowledged"):
        return True
    return inj.kind == "expected_action" and st.state == "pending"


def _notice_text(inj: Inject, lang: str) -> str:
    sender = inj.from_zh if lang == "zh" else inj.from_en
    message = inj.message_zh if lang == "zh" else inj.message_en
    mark = "【演练】" if lang == "zh" else "[EXERCISE] "
    who = (f"来自{sender}：" if lang == "zh" else f"From {sender}: ") if sender else ""
    return f"{mark}{inj.id} {who}{message}"


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise DrillError(f"{name} must be a number, got {value!r}") from None
    return float(value)
