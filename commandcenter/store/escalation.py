"""The clock-driven sweep: escalate due tasks and remind overdue reports (issue 5).

It runs on the client, offline too (it needs only the clock and the cache): every open task
below city level that is not signed for by its accept deadline, or still open past its finish
deadline, moves one level up with a notice at both levels and a command-log entry. After an
escalation the new holder has the task's accept window before the rule looks at it again
(`next_escalation_ms`), so an ignored task climbs 村居 → 街镇 → 区县 → 市 one window at a time.

The candidates come from two partial deadline indexes of the tasks below city level
(tasks_escalate_accept, tasks_escalate_finish), so a sweep over 300k tasks reads only the due
ones. Everything one sweep decides is written in
one transaction as the "system" seat (domain/roles.py). A sweep escalates at most
ESCALATIONS_PER_SWEEP tasks, the longest overdue first, so the GUI thread that runs it never
stalls for long: after a long outage a backlog drains over a few quick sweeps (the result says
there is more, and the client sweeps again at once).

Report reminders look only at incidents whose severity has report deadlines, and skip those
already reminded since their last report (or their closing), with indexes on both; at most
REMINDERS_PER_SWEEP notices per pass. Report deadlines are tens of minutes, so that pass runs
at most once every REMINDER_INTERVAL_MS per store (it reads every open incident of those
severities: ~0.4 s with 22k open ones on the development VM), not on every 10-s sweep.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass

from commandcenter.domain import integrated
from commandcenter.domain.catalog import Catalog
from commandcenter.domain.commands import Op
from commandcenter.domain.roles import SYSTEM, Seat

SYSTEM_SEAT = Seat(SYSTEM)
ESCALATIONS_PER_SWEEP = 500
REMINDERS_PER_SWEEP = 200
REMINDER_INTERVAL_MS = 60_000
_reminders_checked: "weakref.WeakKeyDictionary" = None  # store -> clock ms of its last reminder pass
_OPEN_INCIDENT = "('reported','verifying','confirmed','responding','contained','recovery','closed')"

_DUE_SQL = """
SELECT * FROM (
  SELECT t.*, i.title AS i_title, i.severity AS i_severity, i.category AS i_category,
         t.accept_by_ms AS due_ms
  FROM tasks t INDEXED BY tasks_escalate_accept JOIN incidents i ON i.id = t.incident_id
  WHERE t.status = 'dispatched' AND t.level != 'city'
    AND MAX(t.accept_by_ms, COALESCE(t.next_escalation_ms, 0)) < :now
  UNION ALL
  SELECT t.*, i.title, i.severity, i.category, COALESCE(t.extension_until_ms, t.finish_by_ms)
  FROM tasks t INDEXED BY tasks_escalate_finish JOIN incidents i ON i.id = t.incident_id
  WHERE t.status IN ('accepted', 'in_progress') AND t.level != 'city'
    AND MAX(COALESCE(t.extension_until_ms, t.finish_by_ms), COALESCE(t.next_escalation_ms, 0)) < :now
) ORDER BY due_ms LIMIT :limit
"""


@dataclass(frozen=True)
class SweepResult:
    escalated: int
    reminders: int
    more: bool = False  # a batch was full: sweep again soon

    def __bool__(self) -> bool:
        return bool(self.escalated or self.reminders)


def due_tasks(store, now_ms: int, limit: int = ESCALATIONS_PER_SWEEP) -> list[dict]:
    """Tasks the rule may escalate now, the longest overdue first."""
    return [dict(r) for r in store.conn.execute(_DUE_SQL, {"now": now_ms, "limit": limit})]


def sweep(store, catalog: Catalog, now_ms: int | None = None, *, reports: bool | None = None,
          limit: int = ESCALATIONS_PER_SWEEP) -> SweepResult:
    """One pass of the escalation rule and the report reminders; returns what it did.
    `reports`: True runs the reminders, False skips them, None (the default) runs them when
    this store's last reminder pass is REMINDER_INTERVAL_MS old (or there was none)."""
    now_ms = store.clock.now_ms() if now_ms is None else now_ms
    if reports is None:
        reports = reminders_due(store, now_ms)
    if reports:
        _checked()[store] = now_ms
    ops: list[Op] = []
    escalated = 0
    due = due_tasks(store, now_ms, limit)
    for row in due:
        row.pop("due_ms")
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
        store.execute(_new_rows_only(store, ops), user=SYSTEM, seat=SYSTEM_SEAT)
    if len(reminders) >= REMINDERS_PER_SWEEP:
        _checked().pop(store, None)  # a full batch: the next sweep reminds the rest
    return SweepResult(escalated, len(reminders), more=len(due) >= limit or len(reminders) >= REMINDERS_PER_SWEEP)


def _checked() -> "weakref.WeakKeyDictionary":
    global _reminders_checked
    if _reminders_checked is None:
        _reminders_checked = weakref.WeakKeyDictionary()
    return _reminders_checked


def reminders_due(store, now_ms: int) -> bool:
    last = _checked().get(store)
    return last is None or now_ms - last >= REMINDER_INTERVAL_MS or now_ms < last


def _new_rows_only(store, ops: list[Op]) -> list[Op]:
    """Rows a rule makes may have come in by pull from a node that applied the same rule
    first (same derived ids): those are not made twice."""
    from commandcenter.store.db import ENTITY_TABLES

    creates: dict[str, list[str]] = {}
    for op in ops:
        if op.is_create:
            creates.setdefault(op.entity, []).append(op.entity_id)
    have: set[str] = set()
    for entity, ids in creates.items():
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            have.update(r[0] for r in store.conn.execute(
                f"SELECT id FROM {ENTITY_TABLES[entity]} WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    return [op for op in ops if not (op.is_create and op.entity_id in have)]


def _report_reminders(store, catalog: Catalog, now_ms: int) -> list[Op]:
    """Notices for reports past their deadline that nobody has been reminded of yet: an
    incident is looked at only when no report_due notice was sent since its last report (or
    since it closed), so each owed report is reminded once."""
    severities = sorted({r.severity for r in catalog.report_rules} - {"*"})
    if any(r.severity == "*" for r in catalog.report_rules):
        severities = ["I", "II", "III", "IV"]
    earliest = min(r.initial_minutes for r in catalog.report_rules) * 60_000
    rows = store.conn.execute(
        f"""SELECT i.* FROM incidents i
        WHERE i.status IN {_OPEN_INCIDENT} AND i.mode = 'live'
          AND i.severity IN ({','.join('?' * len(severities))}) AND i.reported_ms < ?
          AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.incident_id = i.id AND r.kind = 'final')
          AND NOT EXISTS (SELECT 1 FROM notices n INDEXED BY notices_incident
                          WHERE n.incident_id = i.id AND n.kind = 'report_due'
                            AND n.created_ms > MAX(
                              COALESCE((SELECT MAX(r2.submitted_ms) FROM reports r2 WHERE r2.incident_id = i.id), 0),
                              CASE WHEN i.status = 'closed' THEN i.updated_ms ELSE 0 END))
        ORDER BY i.reported_ms""",
        [*severities, now_ms - earliest],
    )
    ops: list[Op] = []
    for inc in rows:
        inc = dict(inc)
        reports = [dict(r) for r in store.conn.execute(
            "SELECT kind, number, submitted_ms FROM reports WHERE incident_id = ?", (inc["id"],))]
        if inc["status"] == "closed" and not reports:
            continue  # closed without any report: nothing sensible to remind of
        due = integrated.next_report(inc, reports, catalog.report_rules)
        if due is None or due[2] >= now_ms:
            continue
        ops += integrated.report_reminder_ops(inc, due, catalog, now_ms)
        if len(ops) >= REMINDERS_PER_SWEEP:
            break
    return ops
