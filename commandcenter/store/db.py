"""The local cache. One connection, one writer: every write goes through this object on the
thread that owns it (the GUI thread's event loop in the client).

A command's effect is written as entity rows + one outbox row + one audit row in ONE
transaction with synchronous=FULL. Pulled changes and their cursor are written in one
transaction too, so the cursor is never ahead of the data.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from commandcenter.domain.clock import Clock, SystemClock
from commandcenter.domain.commands import CREATE_OPS, Op
from commandcenter.domain.hooks import ChangeSet, Hooks
from commandcenter.domain.ids import uuid7
from commandcenter.domain.roles import Seat
from commandcenter.store import audit
from commandcenter.store.hlc import HybridClock, Timestamp
from commandcenter.domain.merge import hlc_wall_ms
from commandcenter.domain.merge import merge as merge_op
from commandcenter.store.schema import COLUMNS, MIGRATIONS, SCHEMA_VERSION

ENTITY_TABLES = {
    "incident": "incidents", "task": "tasks", "resource": "resources", "alarm": "alarms",
    "log": "log", "notice": "notices", "report": "reports",
}
BOOL_FIELDS = {"lead"}
REPLAY_ROWS_KEPT = 200_000  # show_state's rows of documents already shown
# columns of a cached row that are this cache's bookkeeping, not fields of the document
_LOCAL_COLUMNS = frozenset({"version", "hlc", "server_version"})
NOISE_FIELDS = frozenset({"updated_ms"})  # they change with every write: losing one is no conflict
# The distinct units in `positions` by skipping along its primary key (one seek per unit, not
# a scan of every row): the prefix of the position queries.
_POSITION_IDS = (
    "WITH RECURSIVE ids(id) AS (SELECT MIN(resource_id) FROM positions UNION ALL "
    "SELECT (SELECT MIN(resource_id) FROM positions WHERE resource_id > ids.id) FROM ids "
    "WHERE ids.id IS NOT NULL) "
)

# Sample retention (issue 4): raw samples for two days, minute rollups for a month, hourly
# ones for two years (Store.prune_samples). The sync engine back-fills at most the raw window.
MINUTE_MS = 60_000
HOUR_MS = 3_600_000
SAMPLES_KEEP_MS = 48 * HOUR_MS
SAMPLES_1M_KEEP_MS = 30 * 24 * HOUR_MS
SAMPLES_1H_KEEP_MS = 2 * 365 * 24 * HOUR_MS
# touched minutes of one indicator closer than this many minutes are rebuilt as one range
ROLLUP_RUN_GAP = 10
# Rebuild the minute buckets of one indicator in [?2, ?3) from raw samples, and hourly buckets
# in [?2, ?3) from minutes; `last` is looked up by the newest time in each bucket.
_ROLLUP_1M = (
    "INSERT OR REPLACE INTO samples_1m(indicator, bucket_ms, n, min, max, sum, last) "
    "SELECT ?1, b, n, lo, hi, total, (SELECT value FROM samples WHERE indicator=?1 AND ts_ms=newest) "
    "FROM (SELECT ts_ms - ts_ms % 60000 AS b, COUNT(*) AS n, MIN(value) AS lo, MAX(value) AS hi, "
    "SUM(value) AS total, MAX(ts_ms) AS newest FROM samples WHERE indicator=?1 AND ts_ms>=?2 "
    "AND ts_ms<?3 GROUP BY b)"
)
_ROLLUP_1H = (
    "INSERT OR REPLACE INTO samples_1h(indicator, bucket_ms, n, min, max, sum, last) "
    "SELECT ?1, h, n, lo, hi, total, (SELECT last FROM samples_1m WHERE indicator=?1 AND bucket_ms=newest) "
    "FROM (SELECT bucket_ms - bucket_ms % 3600000 AS h, SUM(n) AS n, MIN(min) AS lo, MAX(max) AS hi, "
    "SUM(sum) AS total, MAX(bucket_ms) AS newest FROM samples_1m WHERE indicator=?1 AND bucket_ms>=?2 "
    "AND bucket_ms<?3 GROUP BY h)"
)


def _distinct_indicators(table: str) -> str:
    """The distinct indicators of a samples table by skipping along its primary key (one seek
    per indicator), as _POSITION_IDS does for units."""
    return (
        f"WITH RECURSIVE ids(id) AS (SELECT MIN(indicator) FROM {table} UNION ALL "
        f"SELECT (SELECT MIN(indicator) FROM {table} WHERE indicator > ids.id) FROM ids "
        "WHERE ids.id IS NOT NULL) "
    )


def _runs(buckets: set[int], gap: int) -> list[tuple[int, int]]:
    """Sorted buckets as inclusive (first, last) runs, joining runs less than `gap` apart."""
    ordered = sorted(buckets)
    runs: list[tuple[int, int]] = []
    lo = hi = ordered[0]
    for b in ordered[1:]:
        if b - hi > gap:
            runs.append((lo, hi))
            lo = b
        hi = b
    runs.append((lo, hi))
    return runs


def _bucket_rows(
    conn: sqlite3.Connection, table: str, indicator: str, since_ms: int, until_ms: int, width: int
) -> list[tuple[int, float, float, float]]:
    """(start, mean, min, max) of `table`'s buckets in range, merged into `width`-ms groups."""
    return [
        (r[0], r[1] / r[2], r[3], r[4])
        for r in conn.execute(
            f"SELECT bucket_ms - bucket_ms % ? AS g, SUM(sum), SUM(n), MIN(min), MAX(max) FROM {table} "
            "WHERE indicator=? AND bucket_ms>=? AND bucket_ms<=? GROUP BY g ORDER BY g",
            (width, indicator, since_ms, until_ms),
        )
    ]


class StoreError(RuntimeError):
    pass


def _as_drill(op: Op, run_id: str | None) -> Op:
    from dataclasses import replace

    return replace(op, fields={**op.fields, "mode": "drill", "run_id": run_id})


class Store:
    def __init__(
        self,
        path: str | Path,
        *,
        clock: Clock | None = None,
        hooks: Hooks | None = None,
        user: str = "local",
        seat: Seat | None = None,
        mode: str = "live",
        run_id: str | None = None,
    ) -> None:
        """`mode` "drill" (with the run's id) opens a drill database: live and drill never
        share a file (ARCHITECTURE.md), so a live store refuses a drill file and a drill store
        refuses a live one or another run's, and every record a drill store creates carries
        mode "drill" and the run id."""
        if mode not in ("live", "drill") or (mode == "drill") != bool(run_id):
            raise ValueError("mode is live (no run id) or drill (with its run id)")
        self.mode = mode
        self.run_id = run_id
        self._replay_rows: dict[int, tuple[dict, tuple]] = {}
        self.path = Path(path)
        self.clock = clock or SystemClock()
        self.hooks = hooks
        self.user = user
        # who sits here: every execute() is checked against this role (domain/roles.py)
        self.seat = seat or Seat()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=5000")
        self.conn = conn
        self._db = None
        self._migrate()
        try:
            self._check_mode()
        except StoreError:
            conn.close()
            raise
        self.node_id = self._ensure_node_id()
        last = self._meta("hlc")
        self.hlc = HybridClock(self.node_id, Timestamp.decode(last) if last else None)

    @property
    def db(self):
        """sqlite-utils over the same connection, for inspection, exports and tools. Imported
        on first use: it pulls in click, dateutil and pluggy (~70 ms) that start-up does not
        need. Writes still go through this class (one writer, one transaction per command)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    # ----------------------------------------------------------------- set-up
    def _migrate(self) -> None:
        current = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {current} is newer than this program ({SCHEMA_VERSION})"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in MIGRATIONS[version]:
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version={version}")
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    def _check_mode(self) -> None:
        """The file's mode and run, written on first open (a cache from before drills is live)."""
        mode, run = self._meta("db_mode"), self._meta("drill_run")
        if mode is None:
            self.conn.execute("BEGIN IMMEDIATE")
            self._set_meta("db_mode", self.mode)
            self._set_meta("drill_run", self.run_id)
            self.conn.execute("COMMIT")
            return
        if mode != self.mode:
            raise StoreError(f"{self.path} is a {mode} database{f' (drill run {run})' if run else ''}: "
                             f"a {self.mode} client does not open it (live and drill never share a file)")
        if mode == "drill" and run != self.run_id:
            raise StoreError(f"{self.path} holds drill run {run}, not {self.run_id}")

    def _ensure_node_id(self) -> str:
        """A node id per database FILE: a copied file detects the copy and takes a new one."""
        node = self._meta("node_id")
        here = str(self.path.resolve())
        if node is None or self._meta("db_path") != here:
            if node is not None:
                self._set_meta("previous_node_id", node)
            node = uuid7(self.clock.now_ms())
            self._set_meta("node_id", node)
            self._set_meta("db_path", here)
        return node

    def _meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else row[0]

    def _set_meta(self, key: str, value: str | None) -> None:
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (key, value),
        )

    def meta(self, key: str) -> str | None:
        return self._meta(key)

    def close(self) -> None:
        try:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self.conn.close()

    # ---------------------------------------------------------------- reading
    def get(self, entity: str, entity_id: str) -> dict | None:
        table = ENTITY_TABLES[entity]
        row = self.conn.execute(f"SELECT * FROM {table} WHERE id=?", (entity_id,)).fetchone()
        return None if row is None else _row(row)

    def query(self, sql: str, params: Sequence | dict = ()) -> list[dict]:
        return [_row(r) for r in self.conn.execute(sql, params).fetchall()]

    def open_incidents(self, limit: int = 500) -> list[dict]:
        return self.query(
            "SELECT * FROM incidents WHERE status NOT IN ('closed','cancelled') "
            "ORDER BY reported_ms DESC LIMIT ?",
            (limit,),
        )

    def open_incidents_for_map(self) -> list[tuple]:
        """(id, title, severity, status, category, org_unit, lon, lat) of every open incident.

        The map's initial load: all of them (100k must be fine), as plain tuples, without the
        per-row dict and extra-field decoding of `query`.
        """
        return _open_incidents_for_map(self.conn)

    def tasks_for(self, incident_id: str) -> list[dict]:
        return self.query(
            "SELECT * FROM tasks WHERE incident_id=? ORDER BY dispatched_ms", (incident_id,)
        )

    # ---------------------------------------------------------------- writing
    def execute(self, ops: Op | Iterable[Op], user: str | None = None, *, seat: Seat | None = None,
                within: Callable[[sqlite3.Connection], None] | None = None) -> ChangeSet:
        """Apply local commands: rows + outbox + audit in one durable transaction.

        Each operation is checked against the seat's role first (`seat`, else the store's own
        `self.seat`): a RoleError refuses the whole batch and nothing is written. `within`, when
        given, runs inside the same transaction after the operations (e.g. marking the conflict
        a re-applied value settles), so both are written or neither."""
        ops = [ops] if isinstance(ops, Op) else list(ops)
        if self.mode == "drill":  # every record made in a drill says so, and which run
            ops = [_as_drill(op, self.run_id) if op.op in CREATE_OPS else op for op in ops]
        user = user or self.user
        seat = seat or self.seat
        now = self.clock.now_ms()
        touched: dict[str, set[str]] = {}
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            seq = self._next_seq()
            last = self.conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
            audit_tip = (0, audit.GENESIS) if last is None else (last[0], last[1])
            role = ""
            if seat.role != "commander" or seat.department:
                role = seat.role if not seat.department else f"{seat.role}:{seat.department}"
            for op in ops:
                stamp = self.hlc.tick(now).encode()
                version = self._apply_local(op, stamp, seat)
                fields_json = _dumps(op.fields)
                self.conn.execute(
                    "INSERT INTO outbox(local_seq, op_id, node_id, entity, entity_id, op, fields, "
                    "base_version, hlc, schema_version, user, created_ms) "
                    "VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        seq,
                        f"{self.node_id}:{seq}",
                        self.node_id,
                        op.entity,
                        op.entity_id,
                        op.op,
                        fields_json,
                        op.base_version,
                        stamp,
                        SCHEMA_VERSION,
                        user,
                        now,
                    ),
                )
                seq += 1
                audit_tip = self._audit(now, user, op.op, op.entity, op.entity_id,
                                        _detail_json(fields_json, op.note, role, version), audit_tip)
                touched.setdefault(op.entity, set()).add(op.entity_id)
            if within is not None:
                within(self.conn)
            # the chain's tip, so that removing the newest entries shows (store/audit.py)
            self._set_meta(audit.TIP_KEY, audit.encode_tip(*audit_tip))
            self._set_meta("hlc", self.hlc.last.encode())
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            last = self._meta("hlc")
            self.hlc.last = Timestamp.decode(last) if last else Timestamp(0, 0, self.node_id)
            raise
        changes = ChangeSet({k: frozenset(v) for k, v in touched.items()}, outbox_changed=True)
        self._publish(changes)
        return changes

    def _apply_local(self, op: Op, stamp: str, seat: Seat) -> int:
        table = ENTITY_TABLES[op.entity]
        if op.op in CREATE_OPS:
            # no look-up first: the primary key refuses a second row with this id
            seat.check(op.op, op.fields)
            try:
                self._write_row(table, {**op.fields, "version": 1, "hlc": stamp,
                                        "field_hlc": {k: stamp for k in op.fields}}, insert=True)
            except sqlite3.IntegrityError as exc:
                if self.get(op.entity, op.entity_id) is not None:
                    raise StoreError(f"{op.entity} {op.entity_id} exists already") from None
                raise StoreError(f"{op.entity} {op.entity_id}: {exc}") from None
            return 1
        current = self.get(op.entity, op.entity_id)
        seat.check(op.op, current if current is not None else op.fields)
        if current is None:
            raise StoreError(f"{op.entity} {op.entity_id} not found")
        if current["version"] != op.base_version:
            raise StoreError(
                f"{op.entity} {op.entity_id} changed meanwhile (version {current['version']}, "
                f"command made against {op.base_version}); reload and try again"
            )
        version = current["version"] + 1
        self._write_row(table, {**op.fields, "id": op.entity_id, "version": version, "hlc": stamp,
                                "field_hlc": {k: stamp for k in op.fields}})
        return version

    def _held_ids(self, changes: list[dict]) -> dict[str, set[str]]:
        """Per table, which of these changes' rows the cache holds already."""
        wanted: dict[str, list[str]] = {t: [] for t in ENTITY_TABLES.values()}
        for change in changes:
            table = ENTITY_TABLES.get(change["entity"])
            if table is not None:
                wanted[table].append(change["doc"]["id"])
        held: dict[str, set[str]] = {t: set() for t in wanted}
        for table, ids in wanted.items():
            for k in range(0, len(ids), 500):
                chunk = ids[k:k + 500]
                held[table].update(r[0] for r in self.conn.execute(
                    f"SELECT id FROM {table} WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        return held

    @staticmethod
    def _row_values(table: str, fields: dict[str, Any]) -> tuple[tuple[str, ...], list]:
        """A new row's columns and values (fields without a column of their own in `extra`)."""
        known = COLUMNS[table]
        names = [k for k in fields if k in known]
        values = [fields[k] for k in names]
        for i, v in enumerate(values):
            kind = type(v)
            if kind is dict or kind is list:
                values[i] = _dumps(v)
            elif kind is bool:
                values[i] = int(v)
        if len(names) < len(fields):
            names.append("extra")
            values.append(_dumps({k: v for k, v in fields.items() if k not in known}))
        return tuple(names), values

    def _insert_rows(self, fresh: dict[tuple[str, tuple[str, ...]], list[list]]) -> None:
        """Write the batched new rows (by table and column set), and empty the batch."""
        for (table, names), rows in fresh.items():
            self.conn.executemany(
                f"INSERT INTO {table}({','.join(names)}) VALUES({','.join('?' * len(names))})", rows)
        fresh.clear()

    def _write_row(self, table: str, fields: dict[str, Any], insert: bool = False) -> None:
        known = COLUMNS[table]
        cols = {k: _sql_value(v) for k, v in fields.items() if k in known}
        unknown = {k: v for k, v in fields.items() if k not in known}
        if unknown:
            old = {}
            if not insert:
                r = self.conn.execute(f"SELECT extra FROM {table} WHERE id=?", (fields["id"],)).fetchone()
                old = json.loads(r[0]) if r and r[0] else {}
            cols["extra"] = _dumps({**old, **unknown})
        names = list(cols)
        if insert:
            self.conn.execute(
                f"INSERT INTO {table}({','.join(names)}) VALUES({','.join('?' * len(names))})",
                [cols[n] for n in names],
            )
        else:
            # stamps of the fields written, over those of the rest
            sets = ",".join(f"{n}=json_patch(COALESCE(field_hlc, '{{}}'), ?)" if n == "field_hlc" else f"{n}=?"
                            for n in names if n != "id")
            self.conn.execute(
                f"UPDATE {table} SET {sets} WHERE id=?",
                [cols[n] for n in names if n != "id"] + [fields["id"]],
            )

    def _next_seq(self) -> int:
        row = self.conn.execute("SELECT COALESCE(MAX(local_seq), 0) FROM outbox WHERE node_id=?", (self.node_id,)).fetchone()
        return row[0] + 1

    def _audit(
        self, now: int, user: str, action: str, entity: str, entity_id: str, detail: str, tip: tuple[int, str]
    ) -> tuple[int, str]:
        """Append one entry after `tip` (seq, hash of the newest entry); returns the new tip.
        `detail` is the entry's JSON text (see _detail_json)."""
        seq, prev = tip[0] + 1, tip[1]
        entry = {
            "seq": seq,
            "ts_ms": now,
            "user": user,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "detail": detail,
        }
        digest = audit.entry_hash(prev, entry)
        self.conn.execute(
            "INSERT INTO audit(seq, ts_ms, user, action, entity, entity_id, detail, prev_hash, hash) "
            "VALUES(:seq,:ts_ms,:user,:action,:entity,:entity_id,:detail,:prev_hash,:hash)",
            {**entry, "prev_hash": prev, "hash": digest},
        )
        return seq, digest

    def record_decision(self, action: str, entity: str | None, entity_id: str | None, detail: dict,
                        within: Callable[[sqlite3.Connection], None], user: str | None = None,
                        kind: str = "decision") -> None:
        """A local decision that sends nothing to the platform (e.g. accepting the platform's
        value of a conflict): `within` writes it and one audit entry records it, in one
        transaction. Views hear of it as a change of `kind` (e.g. "conflict")."""
        now = self.clock.now_ms()
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            last = self.conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
            tip = (0, audit.GENESIS) if last is None else (last[0], last[1])
            within(self.conn)
            tip = self._audit(now, user or self.user, action, entity, entity_id, _dumps(detail), tip)
            self._set_meta(audit.TIP_KEY, audit.encode_tip(*tip))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self._publish(ChangeSet({kind: frozenset({entity_id or ""})}))

    def verify_audit(self) -> int | None:
        """None when the chain is intact, else the seq of the first bad entry."""
        return audit.verify_chain(self.query("SELECT * FROM audit ORDER BY seq"))

    def _publish(self, changes: ChangeSet) -> None:
        if self.hooks is not None:
            self.hooks.changes_did_commit(changes)

    # ------------------------------------------------------------------ outbox
    def pending_ops(self, limit: int = 200) -> list[dict]:
        """Operations not yet acknowledged by the platform (wire format), in causal order: by
        hybrid-clock stamp, so an operation relayed from another node's bundle (an incident's
        create) reaches the platform before ours that build on it (its response level) and is
        never refused as "unknown". A node's own stamps rise with its local_seq, so each node's
        operations keep their order."""
        rows = self.query(
            "SELECT * FROM outbox WHERE acked_ms IS NULL ORDER BY hlc, node_id, local_seq LIMIT ?", (limit,))
        return [_wire(r) for r in rows]

    def pending_count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM outbox WHERE acked_ms IS NULL").fetchone()[0]

    def record_push_results(self, results: Iterable[dict], epoch: str | None = None) -> ChangeSet:
        """Mark operations acknowledged (by the platform of `epoch`). Every result (applied,
        merged, conflict, rejected) acknowledges the op; conflicts and rejections are kept for
        the user to see."""
        now = self.clock.now_ms()
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for res in results:
                self.conn.execute(
                    "UPDATE outbox SET acked_ms=?, result=?, reason=?, acked_epoch=? WHERE op_id=? AND acked_ms IS NULL",
                    (now, res["result"], res.get("reason"), epoch, res["op_id"]),
                )
                if res["result"] in ("conflict", "rejected", "merged"):
                    self._record_conflict(res, now)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        changes = ChangeSet({}, outbox_changed=True)
        self._publish(changes)
        return changes

    def _record_conflict(self, res: dict, now: int) -> None:
        """One row per field of ours the platform did not take, with both values, who wrote
        the winner and when (store/conflicts.py); one row without values when the answer
        carries none (a rejection for a reason, an older platform). A merge that lost only
        noise is not a conflict. Relayed operations of other nodes are their authors' business."""
        op = self.conn.execute(
            "SELECT entity, entity_id, op, fields, user, node_id FROM outbox WHERE op_id=?", (res["op_id"],)
        ).fetchone()
        if op is None or op[5] != self.node_id:
            return
        kind = res["result"] + ": " + (res.get("reason") or "")
        current = res.get("current") or {}
        if not current:
            if res["result"] == "merged":
                return
            self.conn.execute(
                "INSERT INTO conflicts(entity, entity_id, field, local_value, remote_value, author, at_ms, op_id, kind) "
                "VALUES(?,?,?,?,?,?,?,?,?)", (op[0], op[1], op[2], None, None, None, now, res["op_id"], kind))
            return
        mine = json.loads(op[3])
        for name, won in sorted(current.items()):
            stamp = won.get("hlc") or ""
            author = won.get("by") or (stamp.split(":", 2)[2] if stamp.count(":") >= 2 else None)
            self.conn.execute(
                "INSERT INTO conflicts(entity, entity_id, field, local_value, remote_value, author, at_ms, op_id, kind) "
                "VALUES(?,?,?,?,?,?,?,?,?)",
                (op[0], op[1], name, _dumps(mine.get(name)), _dumps(won.get("value")), author,
                 hlc_wall_ms(stamp) or now, res["op_id"], kind),
            )

    # ----------------------------------------------------------------- bundles
    def bundle_ops(self, since_ms: int | None = None) -> list[dict]:
        """Every operation this cache holds, ours and those relayed from other nodes (wire
        format), for a bundle; `since_ms`: only those written or received since then."""
        rows = self.query(
            "SELECT * FROM outbox WHERE created_ms >= ? ORDER BY node_id, local_seq", (since_ms or 0,)
        )
        return [_wire(r) for r in rows]

    def record_bundle_export(self, bundle_id: str, path: str, ops: int, signer: str) -> None:
        """An exported bundle: remembered (the status bar shows it) and audited."""
        now = self.clock.now_ms()

        def within(conn) -> None:
            conn.execute(
                "INSERT OR REPLACE INTO bundles(bundle_id, origin_node, direction, path, ops, applied, at_ms, signer) "
                "VALUES(?,?,?,?,?,?,?,?)", (bundle_id, self.node_id, "export", path, ops, 0, now, signer))
            self._set_meta("last_bundle_export_ms", str(now))

        self.record_decision("bundle.export", "bundle", bundle_id, {"bundle_id": bundle_id, "ops": ops, "path": path},
                             within, kind="bundle")

    def import_ops(self, ops: Sequence[dict], *, bundle_id: str, origin_node: str, signer: str = "",
                   path: str = "", acknowledged_epoch: str | None = None, drill_run: str | None = None,
                   progress: Callable[[int, int], None] | None = None) -> "ImportResult":
        """Take other nodes' operations from a verified bundle, all or nothing, in ONE
        transaction (SYNC.md, "Bundle"): each one not yet here goes into the outbox under its
        own (node_id, local_seq), to be relayed to the platform (or, with `acknowledged_epoch`,
        recorded as already on the platform of that epoch: a platform's bundle), and its effect
        merges into the cached row as the platform merges it (domain/merge.py). One already
        here is skipped; one whose key is here with other content refuses the whole bundle
        (StoreError). Importing the same operations again changes nothing, not even the audit.
        `drill_run`: the bundle's (its manifest's), None for a live cache's: a drill's bundle
        goes only into a cache of the same run, a live one never into a drill cache."""
        if drill_run != self.run_id:
            theirs = f"drill run {drill_run}" if drill_run else "a live cache"
            mine = f"drill run {self.run_id}" if self.run_id else "a live cache"
            raise StoreError(f"the bundle is from {theirs}, this is {mine}: live and drill never mix")
        now = self.clock.now_ms()
        touched: dict[str, set[str]] = {}
        new = known = applied = 0
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for i, op in enumerate(sorted(ops, key=lambda o: (o["hlc"], o["node_id"], o["local_seq"]))):
                if progress is not None and i % 1000 == 0:
                    progress(i, len(ops))
                fields_json = _dumps(op["fields"])
                here = self.conn.execute(
                    "SELECT op_id, entity, entity_id, op, fields, hlc FROM outbox WHERE node_id=? AND local_seq=?",
                    (op["node_id"], op["local_seq"]),
                ).fetchone()
                if here is not None:
                    if tuple(here[:4]) + (here[5],) != (op["op_id"], op["entity"], op["entity_id"], op["op"], op["hlc"]) \
                            or json.loads(here[4]) != op["fields"]:
                        raise StoreError(f"operation {op['node_id']}:{op['local_seq']} of the bundle differs from "
                                         f"the one this cache holds under that number; nothing imported")
                    known += 1
                    continue
                self.conn.execute(
                    "INSERT INTO outbox(local_seq, op_id, node_id, entity, entity_id, op, fields, base_version, hlc, "
                    "schema_version, user, created_ms, acked_ms, result, acked_epoch, origin) "
                    "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (op["local_seq"], op["op_id"], op["node_id"], op["entity"], op["entity_id"], op["op"], fields_json,
                     op["base_version"], op["hlc"], op["schema_version"], op.get("user"), now,
                     now if acknowledged_epoch else None, "relayed" if acknowledged_epoch else None,
                     acknowledged_epoch, f"bundle:{bundle_id}"),
                )
                new += 1
                try:
                    self.hlc.receive(Timestamp.decode(op["hlc"]), now)
                except ValueError:
                    pass
                if self._merge_foreign(op):
                    applied += 1
                    touched.setdefault(op["entity"], set()).add(op["entity_id"])
            if new == 0:
                self.conn.execute("ROLLBACK")
                return ImportResult(bundle_id, 0, known, 0)
            self.conn.execute(
                "INSERT OR REPLACE INTO bundles(bundle_id, origin_node, direction, path, ops, applied, at_ms, signer) "
                "VALUES(?,?,?,?,?,?,?,?)", (bundle_id, origin_node, "import", path, new, applied, now, signer))
            last = self.conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
            tip = (0, audit.GENESIS) if last is None else (last[0], last[1])
            tip = self._audit(now, self.user, "bundle.import", "bundle", bundle_id, _dumps(
                {"bundle_id": bundle_id, "origin_node": origin_node, "signer": signer, "new": new, "known": known,
                 "applied": applied, "path": path}), tip)
            self._set_meta(audit.TIP_KEY, audit.encode_tip(*tip))
            self._set_meta("hlc", self.hlc.last.encode())
            self._set_meta("last_bundle_import_ms", str(now))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            last_hlc = self._meta("hlc")
            self.hlc.last = Timestamp.decode(last_hlc) if last_hlc else Timestamp(0, 0, self.node_id)
            raise
        if progress is not None:
            progress(len(ops), len(ops))
        self._publish(ChangeSet({k: frozenset(v) for k, v in touched.items()}, outbox_changed=True, origin="import"))
        return ImportResult(bundle_id, new, known, applied)

    def _merge_foreign(self, op: dict) -> bool:
        """Merge another node's operation into its cached row; True when the row changed."""
        entity, entity_id = op["entity"], op["entity_id"]
        table = ENTITY_TABLES.get(entity)
        if table is None:
            return False
        current = self.get(entity, entity_id)
        stamps: dict[str, str] = {}
        if current is not None:
            row_hlc = current.get("hlc") or ""
            stamps = {k: row_hlc for k in current if k not in _LOCAL_COLUMNS}
            stamps.update(self.field_stamps(entity, entity_id))
        doc = None if current is None else {k: v for k, v in current.items() if k not in _LOCAL_COLUMNS}
        outcome = merge_op(entity, entity_id, op["op"], op["fields"], op["hlc"], op.get("user"), doc, stamps)
        if outcome.doc is None:
            return False
        if current is None:
            self._write_row(table, {**outcome.doc, "version": 1, "hlc": op["hlc"], "field_hlc": outcome.field_hlc},
                            insert=True)
            return True
        changed = {k: outcome.doc.get(k) for k, stamp in outcome.field_hlc.items() if stamps.get(k) != stamp}
        if not changed:
            return False
        self._write_row(table, {**changed, "id": entity_id, "version": current["version"] + 1,
                                "hlc": max(current.get("hlc") or "", op["hlc"]),
                                "field_hlc": {k: outcome.field_hlc[k] for k in changed}})
        return True

    def begin_epoch(self, epoch: str) -> int:
        """The platform has a new epoch (restored from an older backup, or replaced).

        Nothing is discarded: every operation the old epoch acknowledged is queued again (the
        platform answers those it still has from its idempotency table), the cursor restarts
        at 0, and the platform's row versions are forgotten because the new epoch counts
        afresh. Returns how many operations were queued again.
        """
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            requeued = self.conn.execute(
                "UPDATE outbox SET acked_ms=NULL, result=NULL, reason=NULL, acked_epoch=NULL "
                "WHERE acked_epoch IS NOT NULL AND acked_epoch != ?",
                (epoch,),
            ).rowcount
            for table in ENTITY_TABLES.values():
                self.conn.execute(f"UPDATE {table} SET server_version=NULL")
            old = self._meta("epoch")
            if old is not None:
                self._set_meta("previous_epoch", old)
            self._set_meta("epoch", epoch)
            self._set_meta("cursor", "0")
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self._publish(ChangeSet({}, outbox_changed=True))
        return requeued

    # -------------------------------------------------------------------- pull
    @property
    def cursor(self) -> int:
        return int(self._meta("cursor") or 0)

    @property
    def epoch(self) -> str | None:
        return self._meta("epoch")

    def show_state(self, docs: dict[tuple[str, str], dict], previous: dict[tuple[str, str], dict] | None = None
                   ) -> ChangeSet:
        """A replay's moment (drills/replay.py): the cache holds exactly `docs` (platform
        documents by (entity, id)), in ONE transaction. With `previous` (what it holds now, as
        given last time) only the documents that differ are written or removed: a small step
        of the slider writes little. Only for a replay's own cache: nothing goes to the outbox."""
        if self.mode != "drill":
            raise StoreError("only a drill replay's cache shows a recorded moment")
        # a replay's cache is rebuilt from the recording at will: no fsync per moment
        self.conn.execute("PRAGMA synchronous=OFF")
        touched: dict[str, set[str]] = {}
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            if previous is None:
                for table in ENTITY_TABLES.values():
                    self.conn.execute(f"DELETE FROM {table}")
                changed = list(docs.items())
                gone: list[tuple[str, str]] = []
                for entity in ENTITY_TABLES:
                    touched[entity] = {"*"}  # every view redraws: rows may have gone
            else:
                changed = [(k, d) for k, d in docs.items() if previous.get(k) is not d]
                gone = [k for k in previous if k not in docs]
            doomed: dict[str, list[tuple[str]]] = {}
            for entity, eid in gone:
                table = ENTITY_TABLES.get(entity)
                if table is not None:
                    doomed.setdefault(table, []).append((eid,))
                    touched.setdefault(entity, set()).add(eid)
            fresh: dict[tuple[str, tuple[str, ...]], list[list]] = {}
            rows = self._replay_rows
            if len(rows) > REPLAY_ROWS_KEPT:
                rows.clear()
            for (entity, eid), doc in changed:
                table = ENTITY_TABLES.get(entity)
                if table is None:
                    continue
                # a replay's documents are values that never change: each is turned into a
                # row once (a slider going back and forth shows the same documents again)
                cached = rows.get(id(doc))
                if cached is None or cached[0] is not doc:
                    row = {k: v for k, v in doc.items() if k != "version"}
                    row["server_version"] = doc.get("version")
                    cached = (doc, self._row_values(table, {**row, "version": 1}))
                    rows[id(doc)] = cached
                names, values = cached[1]
                fresh.setdefault((table, names), []).append(values)
                touched.setdefault(entity, set()).add(eid)
            for table, ids in doomed.items():
                self.conn.executemany(f"DELETE FROM {table} WHERE id=?", ids)
            for (table, names), batch in fresh.items():  # a changed row replaces the one shown
                self.conn.executemany(
                    f"INSERT OR REPLACE INTO {table}({','.join(names)}) VALUES({','.join('?' * len(names))})", batch)
            fresh.clear()
            self._insert_rows(fresh)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        result = ChangeSet({k: frozenset(v) for k, v in touched.items()}, origin="replay")
        if touched:
            self._publish(result)
        return result

    def apply_pull(self, changes: list[dict], next_cursor: int, epoch: str) -> ChangeSet:
        """Apply one page of server changes and move the cursor, in ONE transaction.

        The platform has validated every transition in these documents, so a status may move
        to an earlier rank here (redispatch, rework, release, reopen). Two things protect
        local work: a document older than the platform version we already hold is skipped,
        and fields that an operation of ours still waiting in the outbox sets keep our value
        (the push settles them, and the platform's answer comes back by a later pull).
        """
        touched: dict[str, set[str]] = {}
        now = self.clock.now_ms()
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            # one clock advance past the page's newest stamp (what receiving each would leave
            # behind: a clock past all of them); one lookup per table for the rows we hold;
            # rows new here inserted in batches (a first pull is nearly all new rows)
            newest = max((c["doc"].get("hlc") or "" for c in changes), default="")
            if newest:
                self.hlc.receive(Timestamp.decode(newest), now)
            held = self._held_ids(changes)
            fresh: dict[tuple[str, tuple[str, ...]], list[list]] = {}
            for change in changes:
                entity, doc = change["entity"], dict(change["doc"])
                table = ENTITY_TABLES.get(entity)
                if table is None:
                    continue
                server_version = doc.pop("version", None)
                doc["server_version"] = server_version
                stamps = change.get("field_hlc") or {}
                if doc["id"] not in held[table]:
                    names, values = self._row_values(table, {**doc, "version": 1, "field_hlc": stamps})
                    fresh.setdefault((table, names), []).append(values)
                    held[table].add(doc["id"])
                    touched.setdefault(entity, set()).add(doc["id"])
                    continue
                if fresh:  # an entity twice in a page: the first is written before the second is merged
                    self._insert_rows(fresh)
                current = self.get(entity, doc["id"])
                if current is None:  # pragma: no cover - held says it is here
                    raise StoreError(f"{entity} {doc['id']} vanished during a pull")
                known = current.get("server_version")
                if known is not None and server_version is not None and server_version <= known:
                    continue
                if stamps:
                    self._overwritten(entity, current, doc, stamps, change.get("field_by") or {}, now)
                pending = self._pending_fields(entity, doc["id"])
                if pending:
                    mine = self.field_stamps(entity, doc["id"])
                    for name in pending:
                        if name in current:
                            doc[name] = current[name]
                        if name in mine:
                            stamps[name] = max(mine[name], stamps.get(name, ""))
                self._write_row(table, {**doc, "version": current["version"] + 1, "field_hlc": stamps})
                touched.setdefault(entity, set()).add(doc["id"])
            self._insert_rows(fresh)
            self._set_meta("cursor", str(next_cursor))
            self._set_meta("epoch", epoch)
            self._set_meta("hlc", self.hlc.last.encode())
            self._set_meta("last_pull_ms", str(now))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        result = ChangeSet({k: frozenset(v) for k, v in touched.items()}, origin="pull")
        if touched:
            self._publish(result)
        return result

    def _overwritten(self, entity: str, current: dict, doc: dict, stamps: dict, authors: dict, now: int) -> None:
        """SYNC.md check 2 when our write reached the platform first: it was applied, then a
        newer write of another node overwrote it. If that write was made before ours reached
        the platform, its author could not have seen ours: ours lost a race, and the loser is
        kept in the conflicts table like one the platform refused (store/conflicts.py)."""
        suffix = ":" + self.node_id
        mine = self.field_stamps(entity, doc["id"])
        for name, stamp in mine.items():
            theirs = stamps.get(name)
            if (not stamp.endswith(suffix) or theirs is None or theirs <= stamp or theirs.endswith(suffix)
                    or name in NOISE_FIELDS or doc.get(name) == current.get(name)):
                continue
            op = self.conn.execute(
                "SELECT op_id, acked_ms FROM outbox WHERE entity=? AND entity_id=? AND hlc=? AND node_id=?",
                (entity, doc["id"], stamp, self.node_id)).fetchone()
            wall = hlc_wall_ms(theirs)
            if op is None or op[1] is None or wall is None or wall >= op[1]:
                continue  # made after ours was on the platform: an ordinary later edit
            if self.conn.execute("SELECT 1 FROM conflicts WHERE op_id=? AND field=?", (op[0], name)).fetchone():
                continue  # the platform refused this field of ours: that conflict is kept already
            self.conn.execute(
                "INSERT INTO conflicts(entity, entity_id, field, local_value, remote_value, author, at_ms, op_id, kind) "
                "VALUES(?,?,?,?,?,?,?,?,?)",
                (entity, doc["id"], name, _dumps(current.get(name)), _dumps(doc.get(name)),
                 authors.get(name) or theirs.split(":", 2)[-1], wall, op[0],
                 "conflict: overwritten by a newer write made before ours reached the platform"))

    def field_stamps(self, entity: str, entity_id: str) -> dict[str, str]:
        """The hybrid-clock stamp of each field's last write ({} for a row from before them)."""
        row = self.conn.execute(f"SELECT field_hlc FROM {ENTITY_TABLES[entity]} WHERE id=?", (entity_id,)).fetchone()
        return json.loads(row[0]) if row is not None and row[0] else {}

    def _pending_fields(self, entity: str, entity_id: str) -> set[str]:
        names: set[str] = set()
        for (fields,) in self.conn.execute(
            "SELECT fields FROM outbox WHERE acked_ms IS NULL AND entity=? AND entity_id=?", (entity, entity_id)
        ):
            names.update(json.loads(fields))
        names.discard("updated_ms")
        return names

    # ----------------------------------------------------------------- samples
    def ingest_samples(self, samples: Iterable[tuple[str, int, float]]) -> int:
        """Store a batch of indicator samples (indicator, ts_ms, value) in one transaction."""
        rows = list(samples)
        if not rows:
            return 0
        # Samples are re-fetchable from the platform's history: NORMAL durability is enough,
        # and keeps FULL (one fsync per commit) for the command path.
        with self._telemetry_transaction():
            self.conn.executemany(
                "INSERT OR REPLACE INTO samples(indicator, ts_ms, value) VALUES(?,?,?)", rows
            )
            self._roll_up(rows)
        return len(rows)

    def _roll_up(self, rows: list[tuple[str, int, float]]) -> None:
        """Rebuild the minute buckets a batch touched from the raw samples, then their hours
        from the minutes, inside the ingest transaction. Rebuilt, not incremented: a sample
        that arrives twice (INSERT OR REPLACE) is counted once, and a batch the size of a
        back-fill costs one grouped range scan per indicator and run of minutes."""
        minutes: dict[str, set[int]] = {}
        for code, ts, _value in rows:
            bucket = ts // MINUTE_MS
            touched = minutes.get(code)
            if touched is None:
                minutes[code] = {bucket}
            else:
                touched.add(bucket)
        minute_runs = [
            (code, lo * MINUTE_MS, (hi + 1) * MINUTE_MS)
            for code, buckets in minutes.items()
            for lo, hi in _runs(buckets, ROLLUP_RUN_GAP)
        ]
        self.conn.executemany(_ROLLUP_1M, minute_runs)
        hours = {(code, lo - lo % HOUR_MS, hi) for code, lo, hi in minute_runs}
        self.conn.executemany(_ROLLUP_1H, [(code, lo, hi + (-hi) % HOUR_MS) for code, lo, hi in hours])

    def series(
        self, indicator: str, since_ms: int, until_ms: int, max_points: int = 2000
    ) -> list[tuple[int, float, float, float]]:
        """(ts_ms, mean, min, max) of `indicator` in [since_ms, until_ms], oldest first, for a
        chart of that range: raw samples (mean = min = max = value) when at most `max_points`
        of them fall in the range, else 1-minute buckets, else hourly ones (grouped further
        when even those are too many), so about `max_points` come back at most. A rollup row's
        ts_ms is its bucket's start. A finer level is used only where it still covers the
        range: once raw samples are pruned (48 h) the minutes show the older part, not a hole.
        """
        max_points = max(1, max_points)
        conn = self.conn
        levels = (("samples", "ts_ms", 1), ("samples_1m", "bucket_ms", MINUTE_MS), ("samples_1h", "bucket_ms", HOUR_MS))
        for (table, col, width), (coarse, ccol, cwidth) in zip(levels, levels[1:]):
            lower = since_ms - since_ms % width
            count = conn.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE indicator=? AND {col}>=? AND {col}<=? LIMIT ?)",
                (indicator, lower, until_ms, max_points + 1),
            ).fetchone()[0]
            if count > max_points:
                continue
            first = conn.execute(
                f"SELECT MIN({col}) FROM {table} WHERE indicator=? AND {col}>=? AND {col}<=?",
                (indicator, lower, until_ms),
            ).fetchone()[0]
            coarse_first = conn.execute(
                f"SELECT MIN({ccol}) FROM {coarse} WHERE indicator=? AND {ccol}>=? AND {ccol}<=?",
                (indicator, since_ms - since_ms % cwidth, until_ms),
            ).fetchone()[0]
            if coarse_first is not None and (first is None or coarse_first < first - first % cwidth):
                continue  # this level was pruned in part of the range: the coarser one has it
            if table == "samples":
                return [
                    (ts, v, v, v)
                    for ts, v in conn.execute(
                        "SELECT ts_ms, value FROM samples WHERE indicator=? AND ts_ms>=? AND ts_ms<=? ORDER BY ts_ms",
                        (indicator, since_ms, until_ms),
                    )
                ]
            return _bucket_rows(conn, table, indicator, lower, until_ms, width)
        lower = since_ms - since_ms % HOUR_MS
        count = conn.execute(
            "SELECT COUNT(*) FROM samples_1h WHERE indicator=? AND bucket_ms>=? AND bucket_ms<=?",
            (indicator, lower, until_ms),
        ).fetchone()[0]
        group = -(-count // max_points) if count > max_points else 1
        return _bucket_rows(conn, "samples_1h", indicator, lower, until_ms, HOUR_MS * group)

    def prune_samples(self, now_ms: int) -> dict[str, int]:
        """Retention: raw samples older than SAMPLES_KEEP_MS (48 h), minute buckets older than
        SAMPLES_1M_KEEP_MS (30 days) and hourly ones older than SAMPLES_1H_KEEP_MS (2 years)
        are deleted, each table in one range delete per indicator. Returns table -> rows
        deleted."""
        removed: dict[str, int] = {}
        with self._telemetry_transaction():
            for table, col, keep in (
                ("samples", "ts_ms", SAMPLES_KEEP_MS),
                ("samples_1m", "bucket_ms", SAMPLES_1M_KEEP_MS),
                ("samples_1h", "bucket_ms", SAMPLES_1H_KEEP_MS),
            ):
                before = self.conn.total_changes  # rowcount is -1 for a statement opening with WITH
                self.conn.execute(
                    _distinct_indicators(table) + f"DELETE FROM {table} WHERE indicator IN "
                    f"(SELECT id FROM ids) AND {col} < ?",
                    (now_ms - keep,),
                )
                removed[table] = self.conn.total_changes - before
        return removed

    @contextmanager
    def _telemetry_transaction(self):
        """One transaction at synchronous=NORMAL for data the platform can send again (samples,
        positions); FULL (one fsync per commit) stays for the command path."""
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("BEGIN")
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        finally:
            self.conn.execute("PRAGMA synchronous=FULL")

    def samples_since(self, indicator: str, since_ms: int) -> list[tuple[int, float]]:
        return [
            (r[0], r[1])
            for r in self.conn.execute(
                "SELECT ts_ms, value FROM samples WHERE indicator=? AND ts_ms>=? ORDER BY ts_ms",
                (indicator, since_ms),
            )
        ]

    def latest_samples(self) -> dict[str, tuple[int, float]]:
        return {
            r[0]: (r[1], r[2])
            for r in self.conn.execute(
                "SELECT indicator, MAX(ts_ms), value FROM samples GROUP BY indicator"
            )
        }

    # --------------------------------------------------------------- positions
    def ingest_positions(self, rows: Iterable[tuple[str, int, float, float, float, float]]) -> int:
        """Store unit positions (resource_id, ts_ms, lon, lat, heading, speed) in one
        transaction; a position already held (same unit and time) is ignored. Returns how many
        were new. The resources row is not touched: positions are telemetry (no outbox, no
        audit), and the newest position wins over the row's lon/lat for display."""
        rows = list(rows)
        if not rows:
            return 0
        # re-fetchable from the platform for 30 minutes: NORMAL durability, as for samples
        with self._telemetry_transaction():
            before = self.conn.total_changes
            self.conn.executemany(
                "INSERT OR IGNORE INTO positions(resource_id, ts_ms, lon, lat, heading, speed) "
                "VALUES(?,?,?,?,?,?)",
                rows,
            )
            added = self.conn.total_changes - before
        return added

    def latest_positions(self) -> dict[str, tuple[int, float, float, float]]:
        """The newest position of every unit: id -> (ts_ms, lon, lat, heading)."""
        return {
            r[0]: (r[1], r[2], r[3], r[4])
            for r in self.conn.execute(
                _POSITION_IDS + "SELECT ids.id, p.ts_ms, p.lon, p.lat, p.heading FROM ids "
                "JOIN positions p ON p.resource_id = ids.id AND p.ts_ms = "
                "(SELECT MAX(ts_ms) FROM positions WHERE resource_id = ids.id)"
            )
        }

    def trails(self, since_ms: int, ids: Iterable[str] | None = None) -> dict[str, list[tuple[int, float, float]]]:
        """Each unit's positions at or after `since_ms`, oldest first: id -> [(ts_ms, lon, lat)].
        All units, or those in `ids`; a unit without positions in the window is left out."""
        if ids is None:
            cursor = self.conn.execute(
                _POSITION_IDS + "SELECT resource_id, ts_ms, lon, lat FROM positions "
                "WHERE resource_id IN (SELECT id FROM ids) AND ts_ms >= ? ORDER BY resource_id, ts_ms",
                (since_ms,),
            )
        else:
            cursor = self.conn.execute(
                "SELECT resource_id, ts_ms, lon, lat FROM positions "
                "WHERE resource_id IN (SELECT value FROM json_each(?)) AND ts_ms >= ? "
                "ORDER BY resource_id, ts_ms",
                (json.dumps(list(ids)), since_ms),
            )
        out: dict[str, list[tuple[int, float, float]]] = {}
        for r in cursor:
            out.setdefault(r[0], []).append((r[1], r[2], r[3]))
        return out

    def prune_positions(self, before_ms: int) -> int:
        """Delete positions older than `before_ms` (retention); returns how many went."""
        with self._telemetry_transaction():
            before = self.conn.total_changes  # rowcount is -1 for a statement opening with WITH
            self.conn.execute(
                _POSITION_IDS + "DELETE FROM positions WHERE resource_id IN (SELECT id FROM ids) "
                "AND ts_ms < ?",
                (before_ms,),
            )
            removed = self.conn.total_changes - before
        return removed

    def integrity_ok(self) -> bool:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


_MAP_INCIDENTS_SQL = (
    "SELECT id, title, severity, status, category, org_unit, lon, lat FROM incidents "
    "WHERE status NOT IN ('closed','cancelled')"
)


def _open_incidents_for_map(conn: sqlite3.Connection) -> list[tuple]:
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples
    return cursor.execute(_MAP_INCIDENTS_SQL).fetchall()


def read_open_incidents_for_map(path: str | Path) -> list[tuple]:
    """Store.open_incidents_for_map through a read-only connection of its own: safe on a worker
    thread while the store's writer goes on (WAL readers see the last commit)."""
    conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    try:
        return _open_incidents_for_map(conn)
    finally:
        conn.close()


def _wire(r: dict) -> dict:
    """An outbox row in the push wire format."""
    return {
        "op_id": r["op_id"], "node_id": r["node_id"], "local_seq": r["local_seq"], "entity": r["entity"],
        "entity_id": r["entity_id"], "op": r["op"], "fields": json.loads(r["fields"]),
        "base_version": r["base_version"], "hlc": r["hlc"], "schema_version": r["schema_version"],
        "user": r["user"],
    }


@dataclass(frozen=True)
class ImportResult:
    bundle_id: str
    new: int  # operations taken in
    known: int  # already here (ours, relayed before, or from an earlier import)
    applied: int  # of the new ones, those that changed a cached row


def _row(row: sqlite3.Row) -> dict:
    d = dict(row)
    d.pop("field_hlc", None)  # the merge's bookkeeping (field_stamps), not a field of the row
    extra = d.pop("extra", None)
    if extra:
        for k, v in json.loads(extra).items():
            d.setdefault(k, v)
    for name in BOOL_FIELDS & d.keys():
        d[name] = bool(d[name]) if d[name] is not None else None
    return d


def _sql_value(v: Any) -> Any:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (dict, list)):
        return _dumps(v)
    return v


def _detail_json(fields_json: str, note: str, role: str, version: int) -> str:
    """The audit detail {"fields", "note", ["role",] "version"} as _dumps would write it (keys
    sorted), reusing the fields' JSON already made for the outbox."""
    role_part = f',"role":{_dumps(role)}' if role else ""
    return f'{{"fields":{fields_json},"note":{_dumps(note)}{role_part},"version":{int(version)}}}'


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _dumps(v: Any) -> str:
    return _ENCODER.encode(v)  # json.dumps with these options, without a new encoder per call
