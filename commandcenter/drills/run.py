"""One run of a drill: the exercise clock and the state of every inject, as a fold over events.

Everything a run does is an event (`RunEvent`): the clock's play, pause, speed and seek; an
inject released, held, skipped, acknowledged, answered, completed or expired; a coordinator's
note; an evaluator's mark on an objective. The events are the recording: `DrillRun.apply`
folds them into the state, so a run restored from its events (a restarted platform) or
rebuilt up to any moment (replay) is the same run. Nothing here does I/O or knows Qt; the host
(platform/drill_host.py) stores the events and carries out what they mean (the notices to the
addressed seats, the inject's incident in the drill city).

States (ARCHITECTURE.md): run scheduled -> running <-> paused -> ended -> evaluated; inject
pending -> released -> acknowledged -> completed (met / partial / not met) | expired. A
coordinator may also skip a pending inject (it is then never released) or hold it (the clock
does not release it until it is let go). docs/drills.md says what each means in the room.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

from commandcenter.drills.scenario import Inject, Scenario, format_offset

MIN_SPEED, MAX_SPEED = 1.0, 60.0
RUN_STATES = ("scheduled", "running", "paused", "ended", "evaluated")
INJECT_STATES = ("pending", "released", "acknowledged", "completed", "expired", "skipped")
OUTCOMES = ("met", "partial", "not_met")
RATINGS = ("P", "S", "M", "U")  # performed / some challenges / major challenges / unable
OPEN_INJECT = ("released", "acknowledged")

EVENT_KINDS = (
    "play", "pause", "speed", "seek", "end", "evaluated",
    "release", "hold", "unhold", "skip", "acknowledge", "response", "complete", "expire",
    "note", "mark",
)


_RUN_ID_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def check_run_id(run_id: str) -> str | None:
    """Why `run_id` cannot name a run (it names a folder too), or None."""
    if not run_id or len(run_id) > 64 or not set(run_id) <= _RUN_ID_CHARS or run_id[0] in "-.":
        return f"a run id is 1-64 letters, digits, '-', '_' or '.', not starting with '-' or '.', got {run_id!r}"
    return None


def new_run_id(scenario_id: str, now_ms: int) -> str:
    """A readable, sortable run id: the drill and the local start time (20261204-1030)."""
    import time as _time

    return f"{scenario_id}-{_time.strftime('%Y%m%d-%H%M%S', _time.localtime(now_ms / 1000))}"


class DrillError(ValueError):
    """A coordinator's command the run cannot take now (the reason names the state)."""


@dataclass(frozen=True)
class RunEvent:
    seq: int  # 1, 2, ... in the order they happened
    wall_ms: int  # real time
    t_s: float  # exercise time when it happened
    kind: str  # EVENT_KINDS
    by: str = ""  # who (a user name; "clock" for the exercise clock's own releases)
    inject: str | None = None
    data: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "RunEvent":
        return cls(seq=int(d["seq"]), wall_ms=int(d["wall_ms"]), t_s=float(d["t_s"]), kind=str(d["kind"]),
                   by=str(d.get("by") or ""), inject=d.get("inject"), data=dict(d.get("data") or {}))


@dataclass
class InjectState:
    id: str
    state: str = "pending"
    held: bool = False
    released_ms: int | None = None
    released_t_s: float | None = None
    released_by: str = ""
    acknowledged_ms: int | None = None
    acknowledged_by: str = ""
    completed_ms: int | None = None
    outcome: str | None = None  # OUTCOMES, when completed
    responses: list[dict] = field(default_factory=list)  # {wall_ms, t_s, op, by, entity_id, department}
    notes: list[dict] = field(default_factory=list)  # {wall_ms, t_s, by, text}

    @property
    def first_response_ms(self) -> int | None:
        return min((r["wall_ms"] for r in self.responses), default=None)

    def response_min(self) -> float | None:
        """Exercise minutes from the release to the first answer (None: none yet)."""
        if self.released_t_s is None or not self.responses:
            return None
        return max(0.0, min(r["t_s"] for r in self.responses) - self.released_t_s) / 60.0


@dataclass(frozen=True)
class Mark:
    objective: str
    rating: str  # RATINGS
    by: str
    text: str
    wall_ms: int
    t_s: float


class DrillRun:
    """The state of one run of `scenario`, built from its events (see the module doc)."""

    def __init__(self, scenario: Scenario, run_id: str, events: Iterable[RunEvent] = ()) -> None:
        if not scenario.is_drill:
            raise DrillError(f"{scenario.id} is not a drill: it has no exercise, phases, objectives, injects")
        self.scenario = scenario
        self.run_id = run_id
        self.events: list[RunEvent] = []
        self.state = "scheduled"
        self.speed = 1.0
        self._anchor_wall_ms: int | None = None  # the clock runs from here...
        self._anchor_t_s = 0.0  # ...at this exercise time
        self.injects = {inj.id: InjectState(inj.id) for inj in scenario.injects}
        self.marks: dict[str, Mark] = {}  # objective -> the latest mark
        self.notes: list[dict] = []  # the run's notes not tied to one inject
        for event in events:
            self.apply(event)

    # -- the clock --------------------------------------------------------------------------

    @property
    def duration_s(self) -> float:
        return self.scenario.duration_s

    def t_s(self, now_ms: int) -> float:
        """Exercise time at real time `now_ms` (it stands still unless running)."""
        if self.state != "running" or self._anchor_wall_ms is None:
            return self._anchor_t_s
        t = self._anchor_t_s + max(0, now_ms - self._anchor_wall_ms) / 1000.0 * self.speed
        return min(t, self.duration_s)

    def _reanchor(self, now_ms: int) -> None:
        self._anchor_t_s = self.t_s(now_ms)
        self._anchor_wall_ms = now_ms

    # -- commands: each checks, then records one event and applies it ----------------------

    def _record(self, now_ms: int, kind: str, by: str, inject: str | None = None, **data: Any) -> RunEvent:
        event = RunEvent(len(self.events) + 1, now_ms, round(self.t_s(now_ms), 3), kind, by, inject, data)
        self.apply(event)
        return event

    def play(self, now_ms: int, by: str = "") -> RunEvent:
        if self.state not in ("scheduled", "paused"):
            raise DrillError(f"the run is {self.state}: only a scheduled or paused run can play")
        return self._record(now_ms, "play", by)

    def pause(self, now_ms: int, by: str = "") -> RunEvent:
        if self.state != "running":
            raise DrillError(f"the run is {self.state}: only a running run can pause")
        return self._record(now_ms, "pause", by)

    def set_speed(self, speed: float, now_ms: int, by: str = "") -> RunEvent:
        if not MIN_SPEED <= speed <= MAX_SPEED:
            raise DrillError(f"speed must be {MIN_SPEED:g}x to {MAX_SPEED:g}x, got {speed:g}")
        self._open(f"change the speed")
        return self._record(now_ms, "speed", by, speed=float(speed))

    def seek(self, t_s: float, now_ms: int, by: str = "") -> RunEvent:
        """Move the exercise clock (forward or back). Injects already released stay released:
        what the players were told cannot be taken back; pending ones come due again."""
        if not 0 <= t_s <= self.duration_s:
            raise DrillError(f"T+{t_s:g}s is outside the exercise (0..{self.duration_s:g}s)")
        self._open("seek")
        return self._record(now_ms, "seek", by, to_s=float(t_s))

    def end(self, now_ms: int, by: str = "", reason: str = "") -> RunEvent:
        """End the run (at its end, or early: HSEEP's early termination). Every inject still
        open or never released expires; the evaluators mark from here."""
        if self.state not in ("scheduled", "running", "paused"):
            raise DrillError(f"the run is {self.state} already")
        event = self._record(now_ms, "end", by, reason=reason)
        for st in self.injects.values():
            if st.state in ("pending", *OPEN_INJECT):
                self._record(now_ms, "expire", "clock", st.id, was=st.state)
        return event

    def finish_evaluation(self, now_ms: int, by: str = "") -> RunEvent:
        if self.state != "ended":
            raise DrillError(f"the run is {self.state}: it is evaluated after it has ended")
        missing = [o.id for o in self.scenario.objectives if o.id not in self.marks]
        if missing:
            raise DrillError(f"objectives not rated yet: {', '.join(missing)}")
        return self._record(now_ms, "evaluated", by)

    def _open(self, what: str) -> None:
        if self.state in ("ended", "evaluated"):
            raise DrillError(f"the run is {self.state}: cannot {what}")

    def _inject(self, inject_id: str) -> InjectState:
        st = self.injects.get(inject_id)
        if st is None:
            raise DrillError(f"no inject {inject_id} in {self.scenario.id}")
        return st

    def release(self, inject_id: str, now_ms: int, by: str = "") -> RunEvent:
        st = self._inject(inject_id)
        self._open("release an inject")
        if st.state != "pending":
            raise DrillError(f"{inject_id} is {st.state}: only a pending inject is released")
        if self.scenario.inject(inject_id).kind == "expected_action":
            raise DrillError(f"{inject_id} is an expected action: it is observed, not sent")
        return self._record(now_ms, "release", by, inject_id)

    def hold(self, inject_id: str, now_ms: int, by: str = "") -> RunEvent:
        st = self._inject(inject_id)
        self._open("hold an inject")
        if st.state != "pending" or st.held:
            raise DrillError(f"{inject_id} is {'held' if st.held else st.state}: only a pending inject is held")
        return self._record(now_ms, "hold", by, inject_id)

    def unhold(self, inject_id: str, now_ms: int, by: str = "") -> RunEvent:
        st = self._inject(inject_id)
        if not st.held:
            raise DrillError(f"{inject_id} is not held")
        return self._record(now_ms, "unhold", by, inject_id)

    def skip(self, inject_id: str, now_ms: int, by: str = "", reason: str = "") -> RunEvent:
        st = self._inject(inject_id)
        self._open("skip an inject")
        if st.state != "pending":
            raise DrillError(f"{inject_id} is {st.state}: only a pending inject is skipped")
        return self._record(now_ms, "skip", by, inject_id, reason=reason)

    def acknowledge(self, inject_id: str, now_ms: int, by: str = "") -> RunEvent | None:
        """A seat has read the inject (its notice's read receipt). Only the first counts."""
        st = self._inject(inject_id)
        if st.state != "released":
            return None
        return self._record(now_ms, "acknowledge", by, inject_id)

    def respond(self, inject_id: str, now_ms: int, *, op: str, by: str = "", entity_id: str = "",
                department: str | None = None, at_ms: int | None = None) -> RunEvent | None:
        """A player's action that answers the inject (found by its `watch` in the drill's
        operation log). `at_ms`: when the action was made, if not now."""
        st = self._inject(inject_id)
        if st.state not in OPEN_INJECT and not (st.state == "pending" and self._is_action(inject_id)):
            return None
        if any(r["entity_id"] == entity_id and r["op"] == op for r in st.responses if entity_id):
            return None  # the same action seen twice
        when = at_ms if at_ms is not None else now_ms
        return self._record(now_ms, "response", by, inject_id, op=op, entity_id=entity_id,
                            department=department, at_ms=when, at_t_s=round(self.t_s(when), 3))

    def _is_action(self, inject_id: str) -> bool:
        return self.scenario.inject(inject_id).kind == "expected_action"

    def complete(self, inject_id: str, outcome: str, now_ms: int, by: str = "", text: str = "") -> RunEvent:
        st = self._inject(inject_id)
        if outcome not in OUTCOMES:
            raise DrillError(f"outcome must be one of {', '.join(OUTCOMES)}, got {outcome!r}")
        allowed = OPEN_INJECT + (("pending", "expired") if self._is_action(inject_id) else ("expired",))
        if st.state not in allowed:
            raise DrillError(f"{inject_id} is {st.state}: it cannot be completed")
        return self._record(now_ms, "complete", by, inject_id, outcome=outcome, text=text)

    def note(self, text: str, now_ms: int, by: str = "", inject_id: str | None = None) -> RunEvent:
        if not text.strip():
            raise DrillError("a note needs text")
        if inject_id is not None:
            self._inject(inject_id)
        return self._record(now_ms, "note", by, inject_id, text=text.strip())

    def mark(self, objective: str, rating: str, now_ms: int, by: str = "", text: str = "") -> RunEvent:
        if objective not in {o.id for o in self.scenario.objectives}:
            raise DrillError(f"no objective {objective} in {self.scenario.id}")
        if rating not in RATINGS:
            raise DrillError(f"rating must be one of {', '.join(RATINGS)} (P performed, S some challenges, "
                             f"M major challenges, U unable), got {rating!r}")
        if self.state == "evaluated":
            raise DrillError("the run is evaluated: its marks are final")
        return self._record(now_ms, "mark", by, objective=objective, rating=rating, text=text.strip())

    # -- what the clock does -------------------------------------------------------------------

    def due(self, now_ms: int) -> list[Inject]:
        """Automatic injects the clock has reached that are neither held nor done, in order."""
        if self.state != "running":
            return []
        t = self.t_s(now_ms)
        return [inj for inj in self.scenario.injects
                if inj.automatic and inj.at_s <= t and self.injects[inj.id].state == "pending"
                and not self.injects[inj.id].held]

    def tick(self, now_ms: int) -> list[RunEvent]:
        """Release what is due and end the run at the end of the exercise time."""
        if self.state != "running":
            return []
        out = [self._record(now_ms, "release", "clock", inj.id) for inj in self.due(now_ms)]
        if self.t_s(now_ms) >= self.duration_s:
            before = len(self.events)
            self.end(now_ms, "clock", reason="the exercise time is over")
            out += self.events[before:]
        return out

    # -- the fold --------------------------------------------------------------------------

    def apply(self, e: RunEvent) -> None:
        if e.seq != len(self.events) + 1:
            raise DrillError(f"event {e.seq} out of order (expected {len(self.events) + 1})")
        if e.kind not in EVENT_KINDS:
            raise DrillError(f"event {e.seq}: unknown kind {e.kind!r}")
        self.events.append(e)
        st = self.injects.get(e.inject) if e.inject else None
        if e.kind == "play":
            self._anchor_t_s, self._anchor_wall_ms, self.state = e.t_s, e.wall_ms, "running"
        elif e.kind == "pause":
            self._anchor_t_s, self._anchor_wall_ms, self.state = e.t_s, e.wall_ms, "paused"
        elif e.kind == "speed":
            self._anchor_t_s, self._anchor_wall_ms, self.speed = e.t_s, e.wall_ms, float(e.data["speed"])
        elif e.kind == "seek":
            self._anchor_t_s, self._anchor_wall_ms = float(e.data["to_s"]), e.wall_ms
        elif e.kind == "end":
            self._anchor_t_s, self._anchor_wall_ms, self.state = e.t_s, e.wall_ms, "ended"
        elif e.kind == "evaluated":
            self.state = "evaluated"
        elif e.kind == "mark":
            self.marks[e.data["objective"]] = Mark(e.data["objective"], e.data["rating"], e.by,
                                                   e.data.get("text", ""), e.wall_ms, e.t_s)
        elif e.kind == "note" and st is None:
            self.notes.append({"wall_ms": e.wall_ms, "t_s": e.t_s, "by": e.by, "text": e.data["text"]})
        elif st is not None:
            _apply_to_inject(st, e)


def _apply_to_inject(st: InjectState, e: RunEvent) -> None:
    if e.kind == "release":
        st.state, st.held = "released", False
        st.released_ms, st.released_t_s, st.released_by = e.wall_ms, e.t_s, e.by
    elif e.kind == "hold":
        st.held = True
    elif e.kind == "unhold":
        st.held = False
    elif e.kind == "skip":
        st.state = "skipped"
    elif e.kind == "acknowledge":
        st.state, st.acknowledged_ms, st.acknowledged_by = "acknowledged", e.wall_ms, e.by
    elif e.kind == "response":
        st.responses.append({"wall_ms": int(e.data.get("at_ms", e.wall_ms)), "t_s": float(e.data.get("at_t_s", e.t_s)),
                             "op": e.data["op"], "by": e.by, "entity_id": e.data.get("entity_id", ""),
                             "department": e.data.get("department")})
    elif e.kind == "complete":
        st.state, st.completed_ms, st.outcome = "completed", e.wall_ms, e.data["outcome"]
        if e.data.get("text"):
            st.notes.append({"wall_ms": e.wall_ms, "t_s": e.t_s, "by": e.by, "text": e.data["text"]})
    elif e.kind == "expire":
        st.state = "expired"
    elif e.kind == "note":
        st.notes.append({"wall_ms": e.wall_ms, "t_s": e.t_s, "by": e.by, "text": e.data["text"]})


# -- what a console shows (GET /v1/drill, and a replay's console) ---------------------------------

def run_state(run: DrillRun, now_ms: int) -> dict:
    """The run as JSON-ready data: the script, the clock, every inject's state, the marks."""
    sc = run.scenario
    t = run.t_s(now_ms)
    phase = sc.phase_at(t)
    return {
        "run_id": run.run_id,
        "scenario": {
            "id": sc.id, "title_zh": sc.title_zh, "title_en": sc.title_en,
            "start": sc.start.isoformat(), "duration_s": sc.duration_s,
            "phases": [vars(p) for p in sc.phases],
            "objectives": [{**vars(o), "departments": list(o.departments)} for o in sc.objectives],
        },
        "state": run.state, "speed": run.speed, "t_s": round(t, 3), "now_ms": now_ms,
        "clock": format_offset(t), "phase": phase.id if phase else None,
        "events": len(run.events),
        "injects": [inject_state(inj, run.injects[inj.id], t) for inj in sc.injects],
        "marks": {k: vars(m) for k, m in run.marks.items()},
        "notes": list(run.notes),
    }


def inject_state(inj: Inject, st: InjectState, t: float) -> dict:
    return {
        "id": inj.id, "at_s": inj.at_s, "phase": inj.phase, "kind": inj.kind, "mode": inj.mode,
        "to": list(inj.to), "from_zh": inj.from_zh, "from_en": inj.from_en,
        "message_zh": inj.message_zh, "message_en": inj.message_en,
        "expected_zh": inj.expected_zh, "expected_en": inj.expected_en,
        "respond_within_min": inj.respond_within_min, "objectives": list(inj.objectives),
        "state": st.state, "held": st.held, "due": inj.at_s <= t,
        "released_ms": st.released_ms, "released_t_s": st.released_t_s, "released_by": st.released_by,
        "acknowledged_ms": st.acknowledged_ms, "acknowledged_by": st.acknowledged_by,
        "outcome": st.outcome, "responses": list(st.responses), "notes": list(st.notes),
        "response_min": st.response_min(),
    }
