"""The platform's own SQLite file: the operations it has seen, the merged documents, the
changes feed clients pull, and indicator samples.

Retrying a push must always be safe (SYNC.md, "Push"): every operation is recorded under its
(node_id, local_seq) key in the same transaction as its effect, so a replay finds the stored
result instead of applying twice, and a crash between the two cannot happen. server_seq is
handed out by the one writer inside that transaction, so the feed is in commit order and a
client cursor never skips a change.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from commandcenter.domain import merge
from commandcenter.domain.commands import Op, report_incident
from commandcenter.platform.sqldb import Database, DatabaseError, driver_errors, is_postgres_url, redact
from commandcenter.sync.protocol import MAX_HISTORY_SAMPLES, Change, OpResult, PullResponse, Sample, WireOp

SIM_NODE = "platform-sim"
SIM_NAMESPACE = uuid.UUID("6f1c1a52-3a1e-4b7e-9d43-5b0c2f7e8a10")
SIM_SCHEMA_VERSION = 1
MAX_HISTORY = MAX_HISTORY_SAMPLES
SAMPLE_RETENTION_MS = 7 * 24 * 3_600_000
PRUNE_EVERY_S = 600


# a drill run's recording (drills/run.py events), in both databases
_DRILL_EVENTS = """CREATE TABLE IF NOT EXISTS drill_events (
    run_id TEXT NOT NULL, seq INTEGER NOT NULL, wall_ms BIGINT NOT NULL, event TEXT NOT NULL,
    PRIMARY KEY (run_id, seq))"""

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)""",
    """CREATE TABLE IF NOT EXISTS ops (
        node_id TEXT NOT NULL, local_seq INTEGER NOT NULL, op_id TEXT NOT NULL,
        payload_hash TEXT NOT NULL, payload TEXT NOT NULL, result TEXT NOT NULL, reason TEXT,
        server_seq INTEGER, received_ms INTEGER NOT NULL,
        PRIMARY KEY (node_id, local_seq))""",
    """CREATE TABLE IF NOT EXISTS docs (
        entity TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, version INTEGER NOT NULL,
        field_hlc TEXT NOT NULL, field_by TEXT, PRIMARY KEY (entity, id))""",
    """CREATE TABLE IF NOT EXISTS changes (
        server_seq INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT NOT NULL,
        entity_id TEXT NOT NULL, doc TEXT NOT NULL, op_id TEXT)""",
    """CREATE TABLE IF NOT EXISTS samples (
        indicator TEXT NOT NULL, ts_ms INTEGER NOT NULL, value REAL NOT NULL,
        PRIMARY KEY (indicator, ts_ms)) WITHOUT ROWID""",
    # pull skips a change superseded by a later one of the same entity
    """CREATE INDEX IF NOT EXISTS changes_entity ON changes(entity, entity_id, server_seq)""",
)
# The same tables on PostgreSQL (several platform processes on one database). server_seq is
# taken as MAX+1 inside the push's advisory lock, so it is gapless and in commit order.
_PG_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)""",
    """CREATE TABLE IF NOT EXISTS ops (
        node_id TEXT NOT NULL, local_seq BIGINT NOT NULL, op_id TEXT NOT NULL,
        payload_hash TEXT NOT NULL, payload TEXT NOT NULL, result TEXT NOT NULL, reason TEXT,
        server_seq BIGINT, received_ms BIGINT NOT NULL,
        PRIMARY KEY (node_id, local_seq))""",
    """CREATE TABLE IF NOT EXISTS docs (
        entity TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, version BIGINT NOT NULL,
        field_hlc TEXT NOT NULL, field_by TEXT, PRIMARY KEY (entity, id))""",
    """CREATE TABLE IF NOT EXISTS changes (
        server_seq BIGINT PRIMARY KEY, entity TEXT NOT NULL,
        entity_id TEXT NOT NULL, doc TEXT NOT NULL, op_id TEXT)""",
    """CREATE TABLE IF NOT EXISTS samples (
        indicator TEXT NOT NULL, ts_ms BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (indicator, ts_ms))""",
    """CREATE INDEX IF NOT EXISTS changes_entity ON changes(entity, entity_id, server_seq)""",
)


class StorageError(RuntimeError):
    """The platform database cannot be opened or is not ours."""


@dataclass(frozen=True)
class _Outcome:
    result: str
    reason: str | None = None
    server_seq: int | None = None
    current: dict | None = None  # what won each field of ours that did not take effect


class PlatformStorage:
    """One connection, one writer. Safe to call from the server's event loop thread and from
    a helper thread: a lock serialises every statement.

    `path` is a SQLite file, or a postgresql:// URL: then several platform processes may share
    the database (pushes are serialised by an advisory lock, see sqldb.py)."""

    def __init__(self, path: str | Path, sample_retention_ms: int = SAMPLE_RETENTION_MS, *,
                 monotonic: Callable[[], float] = time.monotonic, drill_run: str | None = None) -> None:
        """`drill_run`: serve the drill database of that run (docs/drills.md). A drill
        database is never opened as a live one, a live one (with data) never as a drill's,
        and every document it holds is marked mode "drill" with the run id."""
        self.postgres = is_postgres_url(path)
        self.drill_run = drill_run
        self.path = path if self.postgres else Path(path)
        self.sample_retention_ms = sample_retention_ms
        # Samples are pruned at the first write and then every PRUNE_EVERY_S on this clock
        # (injected in tests). None: never yet. A start time of 0.0 was wrong: monotonic time
        # counts from boot, so a machine up for less than ten minutes never pruned.
        self._monotonic = monotonic
        self._pruned_at: float | None = None
        conn = None
        try:
            conn = Database(path)
            # one writer at a time, also when several processes start on one new database
            conn.begin_write()
            for statement in _PG_SCHEMA if conn.postgres else _SCHEMA:
                conn.execute(statement)
            # a database from before per-field authors (issue 11): additive, like every change
            if conn.postgres:
                conn.execute("ALTER TABLE docs ADD COLUMN IF NOT EXISTS field_by TEXT")
            elif "field_by" not in {r[1] for r in conn.execute("PRAGMA table_info(docs)")}:
                conn.execute("ALTER TABLE docs ADD COLUMN field_by TEXT")
            _add_users_schema(conn)  # issue 11: users, tokens, who pushed each op
            # a database from before the feed kept one row per entity: drop what pull never returns
            conn.execute(
                "DELETE FROM changes WHERE server_seq NOT IN "
                "(SELECT MAX(server_seq) FROM changes GROUP BY entity, entity_id)"
            )
            self._conn = conn
            conn.execute(_DRILL_EVENTS)
            problem = self._drill_problem(drill_run)
            if problem is not None:
                conn.execute("ROLLBACK")
                conn.close_quietly()
                raise StorageError(f"{redact(path) if self.postgres else path}: {problem}")
            if drill_run is not None:
                self._set_meta("drill_run", drill_run)
            epoch = self._meta("epoch")
            if epoch is None:
                epoch = uuid.uuid4().hex
                self._set_meta("epoch", epoch)
            conn.commit()
        except (OSError, DatabaseError, *driver_errors()) as exc:
            if conn is not None:
                conn.close_quietly()
            name = redact(path) if self.postgres else path
            raise StorageError(f"cannot open platform database {name}: {exc}") from exc
        self._lock = threading.RLock()
        self.epoch = epoch
        self._hlc_wall, self._hlc_counter = self._hlc_from_meta()

    def _drill_problem(self, drill_run: str | None) -> str | None:
        if drill_run is not None and self.postgres:
            return "a drill runs on its own SQLite file (--db), not on a shared PostgreSQL database"
        run = self._meta("drill_run")
        if drill_run is None and run is not None:
            return f"the drill database of run {run}: a live platform does not serve it"
        if drill_run is not None and run is None and self._conn.execute("SELECT COUNT(*) FROM ops").fetchone()[0]:
            return "a live platform database: a drill never runs on it (live and drill never share a database)"
        if drill_run is not None and run is not None and run != drill_run:
            return f"holds drill run {run}, not {drill_run}"
        return None

    # ------------------------------------------------------------------ drill runs
    def drill_script(self, text: str) -> str | None:
        """Record the run's drill file (its text) the first time; later, the recorded one if
        it differs from `text` (None when they agree). A replay reads the recorded one."""
        with self._lock:
            recorded = self._meta("drill_scenario")
            if recorded is None:
                self._conn.begin_write()
                self._set_meta("drill_scenario", text)
                self._conn.execute("COMMIT")
                return None
        return None if recorded == text else recorded

    def drill_events(self, run_id: str) -> list[dict]:
        """The recorded events of a drill run, in order (drills/run.py RunEvent dicts)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT event FROM drill_events WHERE run_id=? ORDER BY seq", (run_id,)).fetchall()
        return [json.loads(r[0]) for r in rows]

    def add_drill_events(self, run_id: str, events: Sequence[dict]) -> None:
        """Append events, all or none (a run's recording never has a hole)."""
        if not events:
            return
        with self._lock:
            self._conn.begin_write()
            try:
                for e in events:
                    self._conn.execute("INSERT INTO drill_events(run_id, seq, wall_ms, event) VALUES(?,?,?,?)",
                                       (run_id, int(e["seq"]), int(e["wall_ms"]), _dumps(e)))
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def ops_after(self, rowid: int, limit: int = 1000) -> list[tuple[int, dict, str]]:
        """Operations taken (not refused) after storage row `rowid`, oldest first, as
        (rowid, wire op, result): what a drill's host reads for read receipts and answers."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT rowid, payload, result FROM ops WHERE rowid > ? AND result != 'rejected' "
                "ORDER BY rowid LIMIT ?", (rowid, limit)).fetchall()
        return [(r[0], json.loads(r[1]), r[2]) for r in rows]

    # ------------------------------------------------------------------ basics
    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else row[0]

    def _set_meta(self, key: str, value: str) -> None:
        self._conn.execute(
            "INSERT INTO meta(key, value) VALUES(?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (key, value),
        )

    @property
    def seq(self) -> int:
        """The newest server_seq (0 for an empty feed)."""
        with self._lock:
            return self._seq_locked()

    def _seq_locked(self) -> int:
        return self._conn.execute("SELECT COALESCE(MAX(server_seq), 0) FROM changes").fetchone()[0]

    def get(self, entity: str, entity_id: str) -> dict | None:
        """The merged document as clients receive it."""
        with self._lock:
            row = self._conn.execute(
                "SELECT doc FROM docs WHERE entity=? AND id=?", (entity, entity_id)
            ).fetchone()
        return None if row is None else json.loads(row[0])

    def documents(self, entity: str) -> list[dict]:
        """Every merged document of one entity (the alarm runner resumes open alarms)."""
        with self._lock:
            rows = self._conn.execute("SELECT doc FROM docs WHERE entity=?", (entity,)).fetchall()
        return [json.loads(r[0]) for r in rows]

    def op_result(self, node_id: str, local_seq: int) -> OpResult | None:
        """The recorded result of one operation, or None when the platform never saw it."""
        with self._lock:
            row = self._conn.execute(
                "SELECT op_id, result, reason, server_seq FROM ops WHERE node_id=? AND local_seq=?",
                (node_id, local_seq),
            ).fetchone()
        if row is None:
            return None
        return OpResult(op_id=row[0], result=row[1], reason=row[2], server_seq=row[3])

    def op_count(self, node_id: str | None = None) -> int:
        with self._lock:
            if node_id is None:
                return self._conn.execute("SELECT COUNT(*) FROM ops").fetchone()[0]
            return self._conn.execute(
                "SELECT COUNT(*) FROM ops WHERE node_id=?", (node_id,)
            ).fetchone()[0]

    # ----------------------------------------------------------------- bundles
    def operations(self) -> list[dict]:
        """Every operation the platform took (not the refused ones), in arrival order, in the
        wire format: what a platform bundle carries (platform/bundles.py)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT payload FROM ops WHERE result != 'rejected' ORDER BY node_id, local_seq").fetchall()
        return [json.loads(r[0]) for r in rows]

    def payload_hashes(self, keys: Sequence[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """The stored payload hash of each (node_id, local_seq) the platform has seen."""
        found: dict[tuple[str, int], str] = {}
        with self._lock:
            for node_id, local_seq in keys:
                row = self._conn.execute("SELECT payload_hash FROM ops WHERE node_id=? AND local_seq=?",
                                         (node_id, local_seq)).fetchone()
                if row is not None:
                    found[(node_id, local_seq)] = row[0]
        return found

    # -------------------------------------------------------------------- push
    def push(self, ops: Sequence[WireOp], user: Any = None) -> list[OpResult]:
        """Apply a batch; every operation gets a result. Replays return the stored result.

        `user` (platform/users.py User), when given, is checked against every new operation
        on the current document; a refused one is rejected "forbidden: ..." and not recorded.
        None: the platform's own operations (simulator, escalation), unchecked."""
        results: list[OpResult] = []
        with self._lock:
            self._conn.begin_write()
            try:
                if self.postgres:
                    # another process may have stamped later: stay after its clock
                    wall, counter = self._hlc_from_meta()
                    self._observe(wall, counter)
                    before = self._seq_locked()
                for op in ops:
                    results.append(self._push_one(op, user))
                self._set_meta("hlc", self._hlc_encode(self._hlc_wall, self._hlc_counter, "platform"))
                if self.postgres:
                    after = self._seq_locked()
                    if after > before:
                        self._conn.notify_changes(after)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                self._hlc_wall, self._hlc_counter = self._hlc_from_meta()
                raise
        return results

    def _push_one(self, op: WireOp, user: Any = None) -> OpResult:
        payload = _dumps(op.model_dump(mode="json"))
        digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
        seen = self._conn.execute(
            "SELECT payload_hash, result, reason, server_seq FROM ops WHERE node_id=? AND local_seq=?",
            (op.node_id, op.local_seq),
        ).fetchone()
        if seen is not None:
            if seen[0] == digest:
                return OpResult(op_id=op.op_id, result=seen[1], reason=seen[2], server_seq=seen[3],
                                current=self._current(op, seen[1]))
            return OpResult(
                op_id=op.op_id, result="rejected", reason="op id reused with a different payload"
            )
        if user is not None:
            refused = _refusal(user, op, self.get(op.entity, op.entity_id))
            if refused is not None:
                return OpResult(op_id=op.op_id, result="rejected", reason=refused)
        self._conn.execute("SAVEPOINT op")
        try:
            outcome = self._apply(op)
        except (ValueError, TypeError, KeyError) as exc:
            # Bad data inside a well-formed operation: refuse it with a reason rather than
            # failing the whole batch, which would block the node's queue for ever.
            self._conn.execute("ROLLBACK TO op")
            outcome = _Outcome("rejected", f"cannot apply: {exc}")
        self._conn.execute("RELEASE op")
        self._conn.execute(
            "INSERT INTO ops(node_id, local_seq, op_id, payload_hash, payload, result, reason, "
            "server_seq, received_ms, pushed_by) VALUES(?,?,?,?,?,?,?,?,?,?)",
            (
                op.node_id,
                op.local_seq,
                op.op_id,
                digest,
                payload,
                outcome.result,
                outcome.reason,
                outcome.server_seq,
                int(time.time() * 1000),
                user.name if user is not None else None,
            ),
        )
        return OpResult(
            op_id=op.op_id,
            result=outcome.result,
            reason=outcome.reason,
            server_seq=outcome.server_seq,
            current=outcome.current,
        )

    def _apply(self, op: WireOp) -> _Outcome:
        stamp = merge.HLC.match(op.hlc)
        if stamp is None:
            return _Outcome("rejected", f"malformed hlc {op.hlc!r}")
        self._observe(int(stamp.group(1)), int(stamp.group(2)))
        row = self._conn.execute(
            "SELECT doc, version, field_hlc, field_by FROM docs WHERE entity=? AND id=?",
            (op.entity, op.entity_id),
        ).fetchone()
        doc, version, field_hlc, field_by = (None, 0, {}, {}) if row is None else (
            json.loads(row[0]), row[1], json.loads(row[2]), json.loads(row[3] or "{}"))
        outcome = merge.merge(op.entity, op.entity_id, op.op, op.fields, op.hlc, op.user or op.node_id,
                              doc, field_hlc, field_by)
        seq = None
        if outcome.doc is not None:
            seq = self._commit_doc(op, outcome.doc, version, outcome.field_hlc, outcome.field_by)
        return _Outcome(outcome.result, outcome.reason, seq, outcome.current or None)

    def _current(self, op: WireOp, result: str) -> dict | None:
        """For a replayed conflict: what holds the operation's fields now."""
        if result not in ("conflict", "merged"):
            return None
        row = self._conn.execute(
            "SELECT doc, field_hlc, field_by FROM docs WHERE entity=? AND id=?", (op.entity, op.entity_id)
        ).fetchone()
        if row is None:
            return None
        doc, field_hlc, field_by = json.loads(row[0]), json.loads(row[1]), json.loads(row[2] or "{}")
        names = [n for n in op.fields if n not in merge.RESERVED and n not in merge.NOISE] or ["status"]
        return {n: merge.winner(n, doc, field_hlc, field_by) for n in names if n in doc} or None

    def _commit_doc(self, op: WireOp, doc: dict, version: int, field_hlc: dict, field_by: dict) -> int:
        if self.drill_run is not None:  # whoever wrote it, a drill's document says so
            doc["mode"], doc["run_id"] = "drill", self.drill_run
        version += 1
        doc["version"] = version
        doc["hlc"] = max(doc.get("hlc") or "", op.hlc)
        text = _dumps(doc)
        self._conn.execute(
            "INSERT INTO docs(entity, id, doc, version, field_hlc, field_by) VALUES(?,?,?,?,?,?) "
            "ON CONFLICT(entity, id) DO UPDATE SET doc=excluded.doc, version=excluded.version, "
            "field_hlc=excluded.field_hlc, field_by=excluded.field_by",
            (op.entity, op.entity_id, text, version, _dumps(field_hlc), _dumps(field_by)),
        )
        if self.postgres:
            seq = self._conn.execute(
                "INSERT INTO changes(server_seq, entity, entity_id, doc, op_id) "
                "SELECT COALESCE(MAX(server_seq), 0) + 1, ?, ?, ?, ? FROM changes RETURNING server_seq",
                (op.entity, op.entity_id, text, op.op_id),
            ).fetchone()[0]
        else:
            seq = self._conn.execute(
                "INSERT INTO changes(entity, entity_id, doc, op_id) VALUES(?,?,?,?)",
                (op.entity, op.entity_id, text, op.op_id),
            ).lastrowid
        # the feed keeps the newest document of each entity only: pull never returns an older
        # one, so the table stays as large as the data, not as its history (the history of
        # what was done is in `ops`)
        self._conn.execute(
            "DELETE FROM changes WHERE entity = ? AND entity_id = ? AND server_seq < ?",
            (op.entity, op.entity_id, seq),
        )
        return seq

    # -------------------------------------------------------------------- pull
    def pull(self, since: int, limit: int = 500) -> PullResponse:
        """Changes after `since` in commit order; `next` is the cursor to ask with next."""
        rows, has_more = self._pull_rows(since, limit)
        changes = [
            Change(seq=r[0], entity=r[1], entity_id=r[2], doc=json.loads(r[3]), op_id=r[4],
                   field_hlc=json.loads(r[5]) if r[5] else None, field_by=json.loads(r[6]) if r[6] else None)
            for r in rows
        ]
        return PullResponse(
            epoch=self.epoch,
            changes=changes,
            next=changes[-1].seq if changes else since,
            has_more=has_more,
        )

    def pull_json(self, since: int, limit: int = 500) -> str:
        """`pull` as the wire's JSON text, made from the stored documents' own JSON (no
        parsing and re-encoding of each one: the platform's side of a fast first pull)."""
        rows, has_more = self._pull_rows(since, limit)
        enc = json.dumps
        parts = [
            f'{{"seq":{r[0]},"entity":{enc(r[1])},"entity_id":{enc(r[2])},"doc":{r[3]},'
            f'"op_id":{enc(r[4])},"field_hlc":{r[5] or "null"},"field_by":{r[6] or "null"}}}'
            for r in rows
        ]
        nxt = rows[-1][0] if rows else since
        return (f'{{"epoch":{enc(self.epoch)},"changes":[{",".join(parts)}],"next":{nxt},'
                f'"has_more":{"true" if has_more else "false"}}}')

    def _pull_rows(self, since: int, limit: int) -> tuple[list, bool]:
        with self._lock:
            # Only the newest document of each entity: an older one is superseded (CouchDB's
            # changes feed). A client far behind gets the current state in fewer pages and
            # never sees an entity step back through its history across pages.
            # (_commit_doc deletes the older row of an entity in the same transaction, so every
            # row of `changes` is the newest of its entity.) Each field's stamp comes along, for
            # clients that merge other nodes' operations from bundles.
            rows = self._conn.execute(
                "SELECT c.server_seq, c.entity, c.entity_id, c.doc, c.op_id, d.field_hlc, d.field_by FROM changes c "
                "LEFT JOIN docs d ON d.entity = c.entity AND d.id = c.entity_id "
                "WHERE c.server_seq > ? ORDER BY c.server_seq LIMIT ?",
                (since, limit + 1),
            ).fetchall()
        return rows[:limit], len(rows) > limit

    # ----------------------------------------------------------------- samples
    def add_samples(self, samples: Iterable[Sample | tuple[str, int, float]]) -> int:
        rows = [
            (s.indicator, s.ts_ms, s.value) if isinstance(s, Sample) else tuple(s)
            for s in samples
        ]
        if not rows:
            return 0
        with self._lock:
            self._conn.begin_write()
            try:
                self._conn.executemany(
                    "INSERT INTO samples(indicator, ts_ms, value) VALUES(?,?,?) "
                    "ON CONFLICT(indicator, ts_ms) DO UPDATE SET value=excluded.value", rows
                )
                now = self._monotonic()
                if self._pruned_at is None or now - self._pruned_at > PRUNE_EVERY_S:
                    # A platform runs for months at one sample per indicator per second.
                    self._pruned_at = now
                    cutoff = max(r[1] for r in rows) - self.sample_retention_ms
                    self._conn.executemany(
                        "DELETE FROM samples WHERE indicator=? AND ts_ms<?",
                        [(code, cutoff) for code in {r[0] for r in rows}],
                    )
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return len(rows)

    def history(
        self, indicator: str | None, since_ms: int = 0, until_ms: int | None = None, limit: int = MAX_HISTORY
    ) -> list[Sample]:
        """Samples in [since_ms, until_ms], oldest first: the back-fill after a gap in the live
        stream. One indicator, or all of them when `indicator` is None (a client back-fills its
        whole wall in one request)."""
        upper = until_ms if until_ms is not None else 2**62
        with self._lock:
            if indicator is None:
                rows = self._conn.execute(
                    "SELECT indicator, ts_ms, value FROM samples WHERE ts_ms>=? AND ts_ms<=? "
                    "ORDER BY ts_ms LIMIT ?",
                    (since_ms, upper, limit),
                ).fetchall()
            else:
                rows = self._conn.execute(
                    "SELECT indicator, ts_ms, value FROM samples WHERE indicator=? AND ts_ms>=? "
                    "AND ts_ms<=? ORDER BY ts_ms LIMIT ?",
                    (indicator, since_ms, upper, limit),
                ).fetchall()
        return [Sample(indicator=r[0], ts_ms=r[1], value=r[2]) for r in rows]

    def history_each(
        self, since: dict[str, int], until_ms: int | None = None, limit: int = MAX_HISTORY
    ) -> list[Sample]:
        """Samples of each indicator in `since` at or after its own time, ordered by indicator
        (in the indicators' sorted order) then time: a client back-fills every chart from its
        own newest sample in one request. One primary-key range per indicator, so a long gap
        costs what it returns, not a sort of the whole table. A full answer means "ask again":
        the last indicator in it may have more."""
        upper = until_ms if until_ms is not None else 2**62
        out: list[Sample] = []
        with self._lock:
            for code in sorted(since):
                if len(out) >= limit:
                    break
                rows = self._conn.execute(
                    "SELECT ts_ms, value FROM samples WHERE indicator=? AND ts_ms>=? AND ts_ms<=? "
                    "ORDER BY ts_ms LIMIT ?",
                    (code, since[code], upper, limit - len(out)),
                ).fetchall()
                out.extend(Sample(indicator=code, ts_ms=r[0], value=r[1]) for r in rows)
        return out

    # ------------------------------------------------------------- simulator
    def report_incident_from_simulator(
        self, incident: Any, now_ms: int, scenario_id: str | None = None, index: int | None = None
    ) -> OpResult:
        """A scenario incident enters like any client's report, as an operation of the node
        "platform-sim", so clients receive it by pull and replays stay idempotent.

        Its id is derived from the scenario and the incident's place in it, so a platform
        restarted on the same database does not report the same incident twice.
        """
        incident_id = sim_incident_id(scenario_id, index, incident) if scenario_id is not None else None
        op = report_incident(
            now_ms,
            title=incident.title_zh,
            category=incident.type,
            severity=incident.severity,
            org_unit=incident.org_unit,
            lon=incident.lon,
            lat=incident.lat,
            description=incident.description_zh,
            incident_id=incident_id,
        )
        fields = {
            **op.fields,
            "title_en": incident.title_en,
            "description_en": incident.description_en,
            "source": "simulator",
        }
        if scenario_id is not None:
            fields["scenario"] = scenario_id
            fields["scenario_at_s"] = incident.at_s
        return self.submit(Op(op.entity, op.entity_id, op.op, fields), now_ms, user="simulator")

    def submit(self, op: Op, now_ms: int, *, node_id: str = SIM_NODE, user: str = "simulator") -> OpResult:
        """An operation made on the platform itself (the simulator, its simulated seats),
        through the same idempotent push path as any client's."""
        with self._lock:
            if self.postgres:
                self._observe(*self._hlc_from_meta())
            local_seq = self._conn.execute(
                "SELECT COALESCE(MAX(local_seq), 0) + 1 FROM ops WHERE node_id=?", (node_id,)
            ).fetchone()[0]
            wire = WireOp(
                op_id=f"{node_id}:{local_seq}",
                node_id=node_id,
                local_seq=local_seq,
                entity=op.entity,
                entity_id=op.entity_id,
                op=op.op,
                fields=op.fields,
                base_version=op.base_version,
                hlc=self._tick(now_ms, node_id),
                schema_version=SIM_SCHEMA_VERSION,
                user=user,
            )
            return self.push([wire])[0]

    def submit_many(
        self, ops: Sequence[Op], now_ms: int, *, node_id: str = SIM_NODE, user: str = "simulator"
    ) -> list[OpResult]:
        """Several platform-made operations in ONE transaction (a fleet registering its units,
        a step's status changes): one fsync instead of one per operation."""
        with self._lock:
            if self.postgres:
                self._observe(*self._hlc_from_meta())
            first = self._conn.execute(
                "SELECT COALESCE(MAX(local_seq), 0) + 1 FROM ops WHERE node_id=?", (node_id,)
            ).fetchone()[0]
            wires = [
                WireOp(
                    op_id=f"{node_id}:{first + i}",
                    node_id=node_id,
                    local_seq=first + i,
                    entity=op.entity,
                    entity_id=op.entity_id,
                    op=op.op,
                    fields=op.fields,
                    base_version=op.base_version,
                    hlc=self._tick(now_ms, node_id),
                    schema_version=SIM_SCHEMA_VERSION,
                    user=user,
                )
                for i, op in enumerate(ops)
            ]
            return self.push(wires) if wires else []

    # --------------------------------------------------------------- the clock
    def _hlc_from_meta(self) -> tuple[int, int]:
        stamp = merge.HLC.match(self._meta("hlc") or "")
        return (int(stamp.group(1)), int(stamp.group(2))) if stamp else (0, 0)

    def _observe(self, wall: int, counter: int) -> None:
        """Keep the platform's own stamps after every stamp it has received."""
        if (wall, counter) > (self._hlc_wall, self._hlc_counter):
            self._hlc_wall, self._hlc_counter = wall, counter

    def _tick(self, now_ms: int, node: str) -> str:
        if now_ms > self._hlc_wall:
            self._hlc_wall, self._hlc_counter = now_ms, 0
        else:
            self._hlc_counter += 1
        return self._hlc_encode(self._hlc_wall, self._hlc_counter, node)

    @staticmethod
    def _hlc_encode(wall: int, counter: int, node: str) -> str:
        return f"{wall:013d}:{counter:05d}:{node}"


def sim_incident_id(scenario_id: str, index: int | None, incident: Any) -> str:
    """The id of a scenario's incident: the same on every run of the platform."""
    key = f"{scenario_id}/{index if index is not None else incident.at_s}/{incident.title_zh}"
    return str(uuid.uuid5(SIM_NAMESPACE, key))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# ------------------------------------------------------------ users (issue 11, platform/users.py)
def _add_users_schema(conn: Any) -> None:
    """The users table and ops.pushed_by, in plain SQL (SQLite and PostgreSQL)."""
    from commandcenter.platform.users import USERS_SCHEMA

    for statement in USERS_SCHEMA:
        # milliseconds do not fit PostgreSQL's 32-bit INTEGER
        conn.execute(statement.replace("INTEGER", "BIGINT") if conn.postgres else statement)
    if conn.postgres:  # (a failed probe would abort PostgreSQL's transaction)
        conn.execute("ALTER TABLE ops ADD COLUMN IF NOT EXISTS pushed_by TEXT")
    elif "pushed_by" not in {r[1] for r in conn.execute("PRAGMA table_info(ops)")}:
        conn.execute("ALTER TABLE ops ADD COLUMN pushed_by TEXT")


def _refusal(user: Any, op: WireOp, current: dict | None) -> str | None:
    """"forbidden: ..." when `user` may not carry out `op` on the platform's current document
    (the op's own fields for a create), with the client store's rule (domain/roles.py)."""
    from commandcenter.domain.roles import RoleError
    from commandcenter.platform.users import forbidden

    try:
        user.check(op.op, current if current is not None else op.fields, op.user)
    except RoleError as exc:
        return forbidden(exc)
    return None
