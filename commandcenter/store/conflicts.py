"""Conflicts you can see (issue 11): what the platform did not apply of ours, with both values,
and the user's two answers.

A row of `conflicts` is written when the platform answers a push with `conflict`, `merged`
(part of the operation lost) or `rejected` (store/db.py `record_push_results`): the field,
our losing value (`local_value`, JSON), the platform's winning one (`remote_value`, JSON), who
wrote the winner and when (`author`, `at_ms`), our operation (`op_id`) and the platform's answer
(`kind`: "conflict: reason"). Older rows may name the operation in `field` and carry no values.

The user settles a conflict in the Sync dock:
- **accept theirs**: the platform's value stays; a local decision, audited, nothing is sent;
- **re-apply mine**: our value again, as a NEW ordinary operation (the same operation name, so
  the same role rule applies; made against the row's current version, so it is newer than the
  winner and wins), outboxed and audited like any command.
A status conflict cannot be re-applied (a workflow status moves only by its transitions; the
board offers them, e.g. reopen); nor can a rejection without a value.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from commandcenter.domain.commands import Op
from commandcenter.domain.roles import Seat

THEIRS = "theirs"
MINE = "mine"
# fields a plain field operation may not set: they move by transitions only
_NOT_REAPPLIABLE = frozenset({"status", "generation", "id", "version", "hlc"})


class ConflictError(ValueError):
    """The conflict cannot be settled this way (already settled, gone, no value to re-apply)."""


@dataclass(frozen=True)
class Conflict:
    id: int
    entity: str | None
    entity_id: str | None
    title: str  # what the user knows the row by (an incident's title; a task's department and incident)
    field: str | None  # None when the row predates per-field values
    mine: Any  # the losing value (None when unknown)
    theirs: Any  # the winning value (None when unknown)
    has_values: bool
    author: str | None
    at_ms: int | None
    op_id: str | None
    op: str | None  # our operation's name, e.g. "incident.update"
    result: str  # conflict | merged | rejected
    reason: str
    incident_id: str | None  # where the board shows it
    resolved_ms: int | None = None
    resolution: str | None = None

    @property
    def reappliable(self) -> bool:
        return (
            self.resolved_ms is None
            and self.has_values
            and self.field is not None
            and self.field not in _NOT_REAPPLIABLE
            and self.op is not None
            and self.entity is not None
        )


def _loads(text: str | None) -> tuple[bool, Any]:
    if text is None:
        return False, None
    try:
        return True, json.loads(text)
    except ValueError:
        return True, text


def _split_kind(kind: str | None) -> tuple[str, str]:
    text = kind or ""
    result, _, reason = text.partition(":")
    result = result.strip()
    if result not in ("conflict", "merged", "rejected"):
        return "conflict", text.strip()
    return result, reason.strip()


_SELECT = (
    "SELECT c.id, c.entity, c.entity_id, c.field, c.local_value, c.remote_value, c.author, c.at_ms, "
    "c.op_id, c.kind, c.resolved_ms, c.resolution, o.op AS op, i.title AS incident_title, "
    "t.department AS task_department, t.incident_id AS task_incident, ti.title AS task_incident_title "
    "FROM conflicts c LEFT JOIN outbox o ON o.op_id = c.op_id "
    "LEFT JOIN incidents i ON c.entity = 'incident' AND i.id = c.entity_id "
    "LEFT JOIN tasks t ON c.entity = 'task' AND t.id = c.entity_id "
    "LEFT JOIN incidents ti ON ti.id = t.incident_id "
)


def _conflict(row: dict) -> Conflict:
    has_mine, mine = _loads(row["local_value"])
    has_theirs, theirs = _loads(row["remote_value"])
    field = row["field"]
    op = row["op"]
    if field is not None and "." in field:  # a row from before per-field values named the operation
        op = op or field
        field = None
    result, reason = _split_kind(row["kind"])
    if row["entity"] == "incident":
        title = row["incident_title"] or (row["entity_id"] or "")[:8]
        incident_id = row["entity_id"]
    elif row["entity"] == "task":
        title = " · ".join(x for x in (row["task_incident_title"], row["task_department"]) if x) or (row["entity_id"] or "")[:8]
        incident_id = row["task_incident"]
    else:
        title = f"{row['entity'] or ''} {(row['entity_id'] or '')[:8]}".strip()
        incident_id = None
    return Conflict(
        id=row["id"], entity=row["entity"], entity_id=row["entity_id"], title=title, field=field,
        mine=mine, theirs=theirs, has_values=has_mine or has_theirs, author=row["author"], at_ms=row["at_ms"],
        op_id=row["op_id"], op=op, result=result, reason=reason, incident_id=incident_id,
        resolved_ms=row["resolved_ms"], resolution=row["resolution"],
    )


def open_conflicts(store, limit: int = 500) -> list[Conflict]:
    """Conflicts not yet settled, newest first."""
    rows = store.query(_SELECT + "WHERE c.resolved_ms IS NULL ORDER BY c.at_ms DESC, c.id DESC LIMIT ?", (limit,))
    return [_conflict(r) for r in rows]


def open_count(store) -> int:
    return store.conn.execute("SELECT COUNT(*) FROM conflicts WHERE resolved_ms IS NULL").fetchone()[0]


def get_conflict(store, conflict_id: int) -> Conflict:
    rows = store.query(_SELECT + "WHERE c.id = ?", (conflict_id,))
    if not rows:
        raise ConflictError(f"no conflict {conflict_id}")
    return _conflict(rows[0])


def _mark(conflict_id: int, resolution: str, now_ms: int, user: str):
    def within(conn) -> None:
        changed = conn.execute(
            "UPDATE conflicts SET resolved_ms=?, resolution=?, resolved_by=? WHERE id=? AND resolved_ms IS NULL",
            (now_ms, resolution, user, conflict_id),
        ).rowcount
        if changed != 1:
            # settled meanwhile (another window, a double click): nothing is written
            raise ConflictError(f"conflict {conflict_id} is settled already")
    return within


def accept_theirs(store, conflict_id: int, user: str | None = None) -> Conflict:
    """Keep the platform's value: audited, nothing sent."""
    conflict = get_conflict(store, conflict_id)
    if conflict.resolved_ms is not None:
        raise ConflictError(f"conflict {conflict_id} is settled already")
    user = user or store.user
    detail = {"conflict": conflict_id, "field": conflict.field, "kept": conflict.theirs,
              "dropped": conflict.mine, "op_id": conflict.op_id}
    store.record_decision("conflict.accept_theirs", conflict.entity, conflict.entity_id, detail,
                          _mark(conflict_id, THEIRS, store.clock.now_ms(), user), user=user, kind="conflict")
    return get_conflict(store, conflict_id)


def reapply_mine(store, conflict_id: int, user: str | None = None, seat: Seat | None = None) -> Conflict:
    """Our value again, as a new operation against the row as it is now (outboxed, audited)."""
    conflict = get_conflict(store, conflict_id)
    if not conflict.reappliable:
        if conflict.resolved_ms is not None:
            raise ConflictError(f"conflict {conflict_id} is settled already")
        if conflict.field in _NOT_REAPPLIABLE:
            raise ConflictError(f"a {conflict.field} conflict cannot be re-applied; use the board's actions")
        raise ConflictError(f"conflict {conflict_id} has no value of ours to re-apply")
    row = store.get(conflict.entity, conflict.entity_id)
    if row is None:
        raise ConflictError(f"{conflict.entity} {conflict.entity_id} is not in the cache")
    now = store.clock.now_ms()
    user = user or store.user
    fields = {conflict.field: conflict.mine}
    if "updated_ms" in row:
        fields["updated_ms"] = now
    op = Op(conflict.entity, conflict.entity_id, conflict.op, fields, row["version"],
            note=f"re-applied after conflict {conflict_id} ({conflict.op_id})")
    store.execute(op, user=user, seat=seat, within=_mark(conflict_id, MINE, now, user))
    return get_conflict(store, conflict_id)


def display(value: Any) -> str:
    """A value as the dock shows it: text as is, None as an em dash, the rest as JSON."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
