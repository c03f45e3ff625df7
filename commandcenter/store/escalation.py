"""The clock-driven sweep: escalate due tasks and remind overdue reports (issue 5).

It runs on the client, offline too (it needs only the clock and the cache): every open task
below city level that is not signed for by its accept deadline, or still open past its finish
deadline, moves one level up with a notice at both levels and a command-log entry. After an
escalation the new holder has the task's accept window before the rule looks at it again
(`next_escalation_ms`), so an ignored task climbs 村居 → 街镇 → 区县 → 市 one window at a time.

The candidates come from the two deadline indexes (tasks_status_accept, tasks_status_finish),
so a sweep over 300k tasks reads only the due ones. Everything one sweep decides is written in
one transaction as the "system" seat (domain/roles.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from commandcenter.domain import integrated
from commandcenter.domain.catalog import Catalog
from commandcenter.domain.commands import Op
from commandcenter.domain.roles import SYSTEM, Seat

SYSTEM_SEAT = Seat(SYSTEM)
_OPEN_INCIDENT = "('reported','verifying','confirmed','responding','contained','recovery','closed')"

_DUE_SQL = f"""
SELECT t.*, i.title AS i_title, i.severity AS i_severity, i.category AS i_category
FROM tasks t JOIN incidents i ON i.id = t.incident_id
WHERE t.status = 'dispatched' AND t.accept_by_ms < :now AND t.level != 'city'
  AND COALESCE(t.next_escalation_ms, 0) < :now
UNION ALL
SELECT t.*, i.title, i.severity, i.category
FROM tasks t JOIN incidents i ON i.id = t.incident_id
WHERE t.status IN ('accepted', 'in_progress') AND t.finish_by_ms < :now AND t.level != 'city'
  AND COALESCE(t.extension_until_ms, 0) < :now AND COALESCE(t.next_escalation_ms, 0) < :now
"""


@dataclass(frozen=True)
class SweepResult:
    escalated: int
    reminders: int

    def __bool__(self) -> bool:
        return bool(self.escalated or self.reminders)


def due_tasks(store, now_ms: int) -> list[dict]:
    return [dict(r) for r in store.conn.execute(_DUE_SQL, {"now": now_ms})]


def sweep(store, catalog: Catalog, now_ms: int | None = None, *, reports: bool = True) -> SweepResult:
    """One pass of the escalation rule (and the report reminders); returns what it did."""
    now_ms = store.clock.now_ms() if now_ms is None else now_ms
    ops: list[Op] = []
    escalated = 0
    for row in due_tasks(store, now_ms):
        incident = {"title": row.pop("i_title"), "severity": row.pop("i_severity"), "category": row.pop("i_category")}
        if not integrated.escalation_due(row, now_ms):
            continue
        try:
            ops += integrated.escalation_ops(row, incident, catalog, now_ms)
        except integrated.CommandError:
            continue  # an org unit this catalogue does not know: leave it to a person
        escalated += 1
    reminders = _report_reminders(store, catalog, now_ms) if reports and catalog.report_rules else []
    ops += reminders
    if ops:
        store.execute(ops, user=SYSTEM, seat=SYSTEM_SEAT)
    return SweepResult(escalated, len(reminders))


def _report_reminders(store, catalog: Catalog, now_ms: int) -> list[Op]:
    """Notices for reports past their deadline that nobody has been reminded of yet."""
    incidents = store.conn.execute(
        f"SELECT * FROM incidents WHERE status IN {_OPEN_INCIDENT} AND mode = 'live' "
        "AND id NOT IN (SELECT incident_id FROM reports WHERE kind = 'final')"
    ).fetchall()
    if not incidents:
        return []
    by_incident: dict[str, list[dict]] = {}
    for r in store.conn.execute("SELECT incident_id, kind, number, submitted_ms FROM reports"):
        by_incident.setdefault(r[0], []).append({"kind": r[1], "number": r[2], "submitted_ms": r[3]})
    sent = {r[0] for r in store.conn.execute("SELECT id FROM notices WHERE kind = 'report_due'")}
    ops: list[Op] = []
    for inc in incidents:
        inc = dict(inc)
        if inc["status"] == "closed" and not by_incident.get(inc["id"]):
            continue  # closed without any report: nothing sensible to remind of
        due = integrated.next_report(inc, by_incident.get(inc["id"], []), catalog.report_rules)
        if due is None or due[2] >= now_ms:
            continue
        ops += [op for op in integrated.report_reminder_ops(inc, due, catalog, now_ms) if op.entity_id not in sent]
    return ops
