"""Replay of a recorded drill run: the whole drill city at any moment, forward and back.

A run is recorded by its drill platform (platform/drill_host.py): every operation the platform
took (the `ops` table, in the order it applied them), the run's events (`drill_events`), the
indicator samples, and the drill file itself (meta `drill_scenario`, so a replay does not
depend on the file staying as it was). `Recording` reads that database read-only.

`Replay` builds the documents (incidents, tasks, resources, alarms, notices, log, reports) at
any real time of the run with the platform's own merge (domain/merge.py), applied in the
platform's order, so the state is the platform's state at that moment. Seeking does not
replay from the start: one pass at open keeps a snapshot of the whole state every
`every` operations (documents are immutable values, so a snapshot is a shallow copy), and a
seek starts from the snapshot before the moment and applies at most `every` operations.
bench/replay.py measures it (seek_ms).

The exercise clock and the inject states at the moment come from the run's events
(drills/run.py folds those up to the moment).
"""
from __future__ import annotations

import bisect
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from commandcenter.domain import merge
from commandcenter.drills.run import DrillRun, RunEvent
from commandcenter.drills.scenario import Scenario, parse_scenario

SNAPSHOT_EVERY = 256


class RecordingError(ValueError):
    pass


@dataclass(frozen=True)
class RecordedOp:
    wall_ms: int  # when the platform took it
    entity: str
    entity_id: str
    op: str
    fields: dict
    hlc: str
    user: str


class Recording:
    """A drill run's recording: its platform database, opened read-only."""

    def __init__(self, platform_db: str | Path, catalog=None) -> None:
        self.path = Path(platform_db)
        if not self.path.is_file():
            raise RecordingError(f"{self.path}: no such recording (a drill run's platform.db)")
        try:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            try:
                meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
                self.run_id = meta.get("drill_run")
                if not self.run_id:
                    raise RecordingError(f"{self.path}: not a drill run's database (a live platform's)")
                text = meta.get("drill_scenario")
                if not text:
                    raise RecordingError(f"{self.path}: the run has no drill file recorded")
                rows = conn.execute(
                    "SELECT payload, received_ms FROM ops WHERE result != 'rejected' ORDER BY rowid").fetchall()
                events = conn.execute(
                    "SELECT event FROM drill_events WHERE run_id=? ORDER BY seq", (self.run_id,)).fetchall()
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            raise RecordingError(f"{self.path}: cannot read the recording: {exc}") from None
        self.scenario: Scenario = parse_scenario(text, path=f"{self.path}:drill_scenario", catalog=catalog)
        self.ops: list[RecordedOp] = []
        for payload, received in rows:
            w = json.loads(payload)
            self.ops.append(RecordedOp(int(received), w["entity"], w["entity_id"], w["op"], w.get("fields") or {},
                                       w["hlc"], w.get("user") or w.get("node_id") or ""))
        self.ops.sort(key=lambda o: o.wall_ms)  # stable: the platform's order within a millisecond
        self.events = [RunEvent.from_dict(json.loads(e[0])) for e in events]

    @property
    def start_ms(self) -> int:
        firsts = [x for x in (self.ops[0].wall_ms if self.ops else None,
                              self.events[0].wall_ms if self.events else None) if x is not None]
        return min(firsts) if firsts else 0

    @property
    def end_ms(self) -> int:
        lasts = [x for x in (self.ops[-1].wall_ms if self.ops else None,
                             self.events[-1].wall_ms if self.events else None) if x is not None]
        return max(lasts) if lasts else 0

    def samples(self, since_ms: int, until_ms: int) -> list[tuple[str, int, float]]:
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            return [(r[0], int(r[1]), float(r[2])) for r in conn.execute(
                "SELECT indicator, ts_ms, value FROM samples WHERE ts_ms > ? AND ts_ms <= ? ORDER BY ts_ms",
                (since_ms, until_ms))]
        finally:
            conn.close()


Docs = dict[tuple[str, str], dict]


class Replay:
    """The drill city of a recording at any moment (see the module doc)."""

    def __init__(self, recording: Recording, every: int = SNAPSHOT_EVERY) -> None:
        self.recording = recording
        self.every = every
        self._times = [op.wall_ms for op in recording.ops]
        self._event_times = [e.wall_ms for e in recording.events]
        # snapshot k: the state after the first k * every operations (docs, stamps, authors)
        self._snapshots: list[tuple[Docs, dict, dict]] = []
        docs: Docs = {}
        stamps: dict = {}
        authors: dict = {}
        for k, op in enumerate(recording.ops):
            if k % every == 0:
                self._snapshots.append((dict(docs), dict(stamps), dict(authors)))
            self._apply(op, docs, stamps, authors)
        if len(recording.ops) % every == 0:
            self._snapshots.append((dict(docs), dict(stamps), dict(authors)))
        self.final = docs

    def _apply(self, op: RecordedOp, docs: Docs, stamps: dict, authors: dict) -> None:
        key = (op.entity, op.entity_id)
        doc = docs.get(key)
        out = merge.merge(op.entity, op.entity_id, op.op, op.fields, op.hlc, op.user, doc,
                          stamps.get(key), authors.get(key))
        if out.doc is None:
            return
        new = dict(out.doc)
        new["version"] = (doc or {}).get("version", 0) + 1
        new["hlc"] = max((doc or {}).get("hlc") or "", op.hlc)
        new["mode"], new["run_id"] = "drill", self.recording.run_id
        docs[key] = new
        stamps[key] = out.field_hlc
        authors[key] = out.field_by

    def ops_before(self, wall_ms: int) -> int:
        """How many operations the platform had taken by `wall_ms`."""
        return bisect.bisect_right(self._times, wall_ms)

    def docs_at(self, wall_ms: int) -> Docs:
        """Every document as it stood at real time `wall_ms` of the run."""
        n = self.ops_before(wall_ms)
        k = n // self.every
        docs, stamps, authors = self._snapshots[k]
        if k * self.every == n:
            return docs
        docs, stamps, authors = dict(docs), dict(stamps), dict(authors)
        for op in self.recording.ops[k * self.every:n]:
            self._apply(op, docs, stamps, authors)
        return docs

    def run_at(self, wall_ms: int) -> DrillRun:
        """The run (exercise clock, injects, marks) as it stood at `wall_ms`."""
        n = bisect.bisect_right(self._event_times, wall_ms)
        return DrillRun(self.recording.scenario, self.recording.run_id or "", self.recording.events[:n])
