"""The audit log is a hash chain: each entry carries the previous entry's hash.

A chain alone shows a changed entry (its hash no longer matches), a removed middle entry (a
gap in seq, or a link to a hash that is not its predecessor's) and a reordered or inserted one
(seq and the link are inside the hash). It cannot show that the newest entries were removed:
what is left is still a valid chain. So the store also keeps the tip (seq and hash of the
newest entry) in `meta`, written in the same transaction as the entries (TIP_KEY); verify
compares the chain's end with it when it is there (a cache from before the tip has none).

Verification reads the log as a stream (a million entries never sit in memory) and reports
the first bad entry with what is wrong, so a person can find it in the audit view.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable

GENESIS = "0" * 64
TIP_KEY = "audit_tip"  # meta key: "<seq>:<hash>" of the newest entry
AUDIT_FIELDS = ("seq", "ts_ms", "user", "action", "entity", "entity_id", "detail")
_ROW_FIELDS = AUDIT_FIELDS + ("prev_hash", "hash")
_LOCAL = timezone(timedelta(hours=8))  # the command rooms' clock, for the one-line messages

# what is wrong with an entry (codes for callers; `Break.message` says it in words)
HASH_MISMATCH = "hash_mismatch"  # the entry was changed after it was written
GAP = "gap"  # one or more entries before it were removed (seq jumps)
BROKEN_LINK = "broken_link"  # its prev_hash is not the previous entry's hash
TRUNCATED = "truncated"  # the newest entries were removed (the chain ends before the tip)
TIP_MISMATCH = "tip_mismatch"  # the chain ends at the tip's seq with another hash (rewritten)
UNRECORDED = "unrecorded"  # entries after the tip: added behind the store's back


def entry_hash(prev_hash: str, entry: dict) -> str:
    body = json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def encode_tip(seq: int, digest: str) -> str:
    return f"{int(seq)}:{digest}"


def decode_tip(text: str | None) -> tuple[int, str] | None:
    """The (seq, hash) of a meta tip, None when there is none; a malformed tip is (-1, text)
    so that verification reports it instead of ignoring it."""
    if text is None:
        return None
    seq, _, digest = text.partition(":")
    try:
        return int(seq), digest
    except ValueError:
        return -1, text


@dataclass(frozen=True)
class Break:
    """The first bad entry of a chain and what is wrong with it."""

    seq: int
    problem: str  # HASH_MISMATCH | GAP | BROKEN_LINK | TRUNCATED | TIP_MISMATCH | UNRECORDED
    action: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    ts_ms: int | None = None
    expected_seq: int | None = None  # GAP: the seq that should have come; TRUNCATED: the tip's seq

    @property
    def message(self) -> str:
        if self.problem == TRUNCATED:
            missing = f"entry {self.seq}" if self.seq == self.expected_seq else \
                f"entries {self.seq}..{self.expected_seq}"
            return (f"audit entry {self.seq}: truncated: the log ends at entry {self.seq - 1} but the "
                    f"store recorded entry {self.expected_seq} as the newest ({missing} removed)")
        if self.problem == TIP_MISMATCH:
            return (f"audit entry {self.seq}{self._what()}: tip mismatch: it is not the entry the "
                    "store recorded as the newest (the log was rewritten)")
        if self.problem == UNRECORDED:
            return (f"audit entry {self.seq}{self._what()}: not recorded by the store: it comes after "
                    "the recorded tip (an entry was inserted)")
        why = {
            HASH_MISMATCH: "hash mismatch: the entry was changed after it was written",
            GAP: f"gap: entry {self.expected_seq} is missing (removed)"
            if self.expected_seq is not None and self.seq == self.expected_seq + 1
            else f"gap: entries {self.expected_seq}..{self.seq - 1} are missing (removed)"
            if self.expected_seq is not None and self.seq > self.expected_seq
            else f"gap: expected entry {self.expected_seq} here",
            BROKEN_LINK: "broken link: it does not follow the previous entry "
                         "(an entry was removed, inserted or moved)",
        }[self.problem]
        return f"audit entry {self.seq}{self._what()}: {why}"

    def _what(self) -> str:
        parts = [p for p in (self.action, _entity(self.entity, self.entity_id), _when(self.ts_ms)) if p]
        return f" ({', '.join(parts)})" if parts else ""


def _entity(entity: str | None, entity_id: str | None) -> str:
    return " ".join(p for p in (entity, entity_id) if p)


def _when(ts_ms: int | None) -> str:
    if not isinstance(ts_ms, int):
        return ""
    return datetime.fromtimestamp(ts_ms / 1000, _LOCAL).isoformat(timespec="seconds")


def check_chain(rows: Iterable[dict], tip: tuple[int, str] | None = None) -> tuple[int, Break | None]:
    """(entries checked, first break or None). `rows` in seq order; `tip` is the store's
    recorded (seq, hash) of the newest entry, when it has one.

    Per entry, in this order: a seq that is not the next one is a GAP; a prev_hash that is not
    the previous entry's hash is a BROKEN_LINK; a hash that does not match the entry is a
    HASH_MISMATCH. After the last entry, a tip beyond it is TRUNCATED, a tip at it with
    another hash a TIP_MISMATCH, and entries after the tip (the store moves the tip with every
    entry it writes) UNRECORDED, naming the first of them."""
    prev = GENESIS
    expected_seq = 1
    last: dict | None = None
    at_tip: dict | None = None
    beyond_tip: dict | None = None
    checked = 0
    for row in rows:
        checked += 1
        entry = {k: row[k] for k in AUDIT_FIELDS}
        problem = None
        if row["seq"] != expected_seq:
            problem = GAP
        elif row["prev_hash"] != prev:
            problem = BROKEN_LINK
        elif entry_hash(prev, entry) != row["hash"]:
            problem = HASH_MISMATCH
        if problem is not None:
            return checked, _break(row, problem, expected_seq if problem == GAP else None)
        prev = row["hash"]
        expected_seq += 1
        last = row
        if tip is not None and row["seq"] == tip[0]:
            at_tip = row
        elif beyond_tip is None and tip is not None and row["seq"] > tip[0]:
            beyond_tip = row
    if tip is not None:
        tip_seq, tip_hash = tip
        last_seq = last["seq"] if last is not None else 0
        if tip_seq > last_seq:
            return checked, Break(last_seq + 1, TRUNCATED, expected_seq=tip_seq)
        if tip_seq < 0 or (tip_seq == 0 and tip_hash != GENESIS):
            return checked, Break(0, TIP_MISMATCH)
        if tip_seq > 0 and at_tip is not None and at_tip["hash"] != tip_hash:
            return checked, _break(at_tip, TIP_MISMATCH)
        if beyond_tip is not None:  # the store moves the tip with every entry it writes
            return checked, _break(beyond_tip, UNRECORDED)
    return checked, None


def _break(row: dict, problem: str, expected_seq: int | None = None) -> Break:
    ts = row.get("ts_ms")
    return Break(row["seq"], problem, row.get("action"), row.get("entity"), row.get("entity_id"),
                 ts if isinstance(ts, int) else None, expected_seq)


def verify_chain(rows: Iterable[dict]) -> int | None:
    """The seq of the first entry that does not match its hash or its predecessor, or None.

    A removed row shows as a gap in seq or a prev_hash that does not match. `check_chain`
    says what is wrong, and checks the store's tip too."""
    found = check_chain(rows)[1]
    return None if found is None else found.seq


# ------------------------------------------------------------------ a cache file
class AuditFileError(Exception):
    """The file cannot be read as a cache (missing, not a database, no audit table)."""


@dataclass(frozen=True)
class Verification:
    checked: int
    broken: Break | None
    tip: tuple[int, str] | None  # None: the cache has no recorded tip (older than the tip)

    @property
    def intact(self) -> bool:
        return self.broken is None


def readonly_uri(path: str | Path) -> str:
    """The URI that reads a cache without writing anything next to it. A WAL database opened
    with mode=ro still creates its -wal and -shm files when they are missing; when there is no
    -wal file the database is fully checkpointed (no client has it open), so it is read as
    immutable and nothing is created. With a client running, mode=ro shares its WAL."""
    from urllib.parse import quote

    path = Path(path).resolve()
    uri = f"file:{quote(str(path))}?mode=ro"
    return uri if Path(f"{path}-wal").exists() else uri + "&immutable=1"


def connect_readonly(path: str | Path) -> sqlite3.Connection:
    """A read-only connection: verifying or browsing never changes, migrates or creates the
    cache. Raises AuditFileError naming the file when it is missing or not a cache."""
    path = Path(path)
    if not path.is_file():
        raise AuditFileError(f"{path}: no such cache file")
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True)
        conn.execute("SELECT 1 FROM audit LIMIT 1").fetchall()
    except sqlite3.DatabaseError as exc:
        message = str(exc)
        if "no such table" in message:
            message = "not a commandcenter cache (no audit table)"
        raise AuditFileError(f"{path}: cannot read the audit log: {message}") from None
    return conn


def read_tip(conn: sqlite3.Connection) -> tuple[int, str] | None:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key=?", (TIP_KEY,)).fetchone()
    except sqlite3.DatabaseError:
        return None
    return decode_tip(row[0]) if row else None


def iter_rows(conn: sqlite3.Connection) -> Iterable[dict]:
    """Every entry in seq order as a dict, one at a time."""
    cursor = conn.cursor()
    cursor.row_factory = None
    cursor.execute(f"SELECT {','.join(_ROW_FIELDS)} FROM audit ORDER BY seq")
    for values in cursor:
        yield dict(zip(_ROW_FIELDS, values))


def verify_connection(conn: sqlite3.Connection) -> Verification:
    tip = read_tip(conn)
    checked, broken = check_chain(iter_rows(conn), tip)
    return Verification(checked, broken, tip)


def verify_file(path: str | Path) -> Verification:
    """Verify a cache file's audit log without writing anything. AuditFileError when the
    file cannot be read as a cache."""
    conn = connect_readonly(path)
    try:
        return verify_connection(conn)
    except sqlite3.DatabaseError as exc:
        raise AuditFileError(f"{path}: cannot read the audit log: {exc}") from None
    finally:
        conn.close()


# ------------------------------------------------------------- browsing, export
@dataclass(frozen=True)
class AuditFilter:
    """What the audit view and `audit export` select. Empty fields select everything.

    `action` is one action ("task.accept") or, ending in a dot, a kind ("task."); `text`
    matches user, action, entity id and detail (notes, field values) as a substring."""

    text: str = ""
    user: str = ""
    action: str = ""
    entity: str = ""
    since_ms: int | None = None  # inclusive
    until_ms: int | None = None  # exclusive

    def where(self) -> tuple[str, list]:
        clauses: list[str] = []
        params: list = []
        if self.user:
            clauses.append("user = ?")
            params.append(self.user)
        if self.action.endswith("."):
            clauses.append("substr(action, 1, ?) = ?")
            params += [len(self.action), self.action]
        elif self.action:
            clauses.append("action = ?")
            params.append(self.action)
        if self.entity:
            clauses.append("entity = ?")
            params.append(self.entity)
        if self.since_ms is not None:
            clauses.append("ts_ms >= ?")
            params.append(self.since_ms)
        if self.until_ms is not None:
            clauses.append("ts_ms < ?")
            params.append(self.until_ms)
        if self.text.strip():
            like = "%" + self.text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            clauses.append("(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in
                                             ("user", "action", "entity_id", "detail")) + ")")
            params += [like] * 4
        return (" AND ".join(clauses) or "1"), params


PAGE_COLUMNS = ("seq", "ts_ms", "user", "action", "entity", "entity_id", "detail")


def page(conn: sqlite3.Connection, flt: AuditFilter, before_seq: int | None = None,
         limit: int = 200) -> list[tuple]:
    """Entries matching `flt`, newest first, older than `before_seq` (keyset paging: each page
    is an index range on seq, as fast at entry 1,000,000 as at entry 1)."""
    where, params = flt.where()
    if before_seq is not None:
        where += " AND seq < ?"
        params = [*params, before_seq]
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(
        f"SELECT {','.join(PAGE_COLUMNS)} FROM audit WHERE {where} ORDER BY seq DESC LIMIT ?",
        [*params, limit],
    ).fetchall()


def distinct_values(conn: sqlite3.Connection, column: str, limit: int = 500) -> list[str]:
    """The users, actions or entities in the log, for filter menus."""
    if column not in ("user", "action", "entity"):
        raise ValueError(column)
    return [r[0] for r in conn.execute(
        f"SELECT DISTINCT {column} FROM audit WHERE {column} IS NOT NULL ORDER BY {column} LIMIT ?", (limit,))]


CSV_COLUMNS = ("seq", "time", "ts_ms", "user", "role", "action", "entity", "entity_id", "note", "detail",
               "hash")


def role_of(detail: str | None) -> str:
    """The seat's role recorded in an entry's detail; "" for the default commander."""
    try:
        value = json.loads(detail or "{}")
    except ValueError:
        return ""
    return str(value.get("role") or "") if isinstance(value, dict) else ""


def export_csv(conn: sqlite3.Connection, flt: AuditFilter) -> tuple[bytes, int]:
    """(CSV bytes, entries) of the entries matching `flt`, oldest first: UTF-8 with a BOM and
    CRLF lines (Excel opens the Chinese right), times in +08:00, the hash for checking back."""
    import csv
    import io

    where, params = flt.where()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    n = 0
    for seq, ts, user, action, entity, entity_id, detail, digest in conn.execute(
        f"SELECT seq, ts_ms, user, action, entity, entity_id, detail, hash FROM audit WHERE {where} "
        "ORDER BY seq", params,
    ):
        try:
            note = json.loads(detail or "{}").get("note") or ""
        except (ValueError, AttributeError):
            note = ""
        writer.writerow((seq, _when(ts), ts, _cell(user), _cell(role_of(detail)), _cell(action),
                         _cell(entity), _cell(entity_id), _cell(note), _cell(detail), digest))
        n += 1
    return ("\ufeff" + buf.getvalue()).encode("utf-8"), n


def _cell(value) -> str:
    """Text for a spreadsheet cell: a leading = + - @ would make Excel run it as a formula
    (notes and titles are typed by people), so such a cell starts with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
