"""Domain commands: validate a request against the current row and return one Op.

A command never writes. The store applies the Op (entity row + outbox + audit in one
transaction); the sync engine pushes it; the platform re-validates it with the same machines.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from commandcenter.domain import machines
from commandcenter.domain.catalog import Catalog
from commandcenter.domain.ids import uuid7
from commandcenter.domain.levels import ResponseLevel, Severity
from commandcenter.domain.sla import deadlines


class CommandError(ValueError):
    """A command's input is invalid. `field` names the offending field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Op:
    entity: str  # incident | task | resource | alarm
    entity_id: str
    op: str  # e.g. "incident.report", "task.accept"
    fields: dict[str, Any]  # the fields this op sets (all fields for a create)
    base_version: int = 0  # the row version the op was made against (0 = create)
    note: str = ""  # free text for the audit log
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_create(self) -> bool:
        return self.base_version == 0


INCIDENT_CREATE = "incident.report"
TASK_CREATE = "task.dispatch"
CREATE_OPS = {INCIDENT_CREATE, TASK_CREATE, "resource.register", "alarm.raise", "log.write", "notice.send", "report.submit"}


def report_incident(
    now_ms: int,
    *,
    title: str,
    category: str,
    severity: str,
    org_unit: str,
    lon: float,
    lat: float,
    description: str = "",
    mode: str = "live",
    incident_id: str | None = None,
) -> Op:
    if not title.strip():
        raise CommandError("an incident needs a title", "title")
    try:
        Severity.parse(severity)
    except KeyError:
        raise CommandError(f"unknown severity {severity!r}", "severity") from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise CommandError("position out of range", "lon/lat")
    iid = incident_id or uuid7(now_ms)
    return Op(
        "incident",
        iid,
        INCIDENT_CREATE,
        {
            "id": iid,
            "title": title.strip(),
            "description": description,
            "category": category,
            "severity": severity,
            "status": machines.INCIDENT.initial,
            "generation": 0,
            "response_level": None,
            "org_unit": org_unit,
            "lon": float(lon),
            "lat": float(lat),
            "reported_ms": now_ms,
            "updated_ms": now_ms,
            "mode": mode,
        },
    )


def transition(entity: str, row: dict, action: str, now_ms: int, **fields: Any) -> Op:
    """A plain state-machine transition of any entity."""
    machine = machines.MACHINES[entity]
    new_status = machine.target(row["status"], action)
    changed = {"status": new_status, "updated_ms": now_ms, **fields}
    return Op(entity, row["id"], f"{entity}.{action}", changed, row["version"])


def reopen_incident(row: dict, now_ms: int) -> Op:
    """Reopen is its own operation and raises the generation (SYNC.md)."""
    return transition("incident", row, "reopen", now_ms, generation=row["generation"] + 1)


def set_response_level(row: dict, level: str | None, now_ms: int, *, plan: str = "") -> Op:
    """The bare field change. The command room decides through integrated.decide_response_level
    (a plan, its tasks, the command-log entry); this one is for tests of the merge and for tools."""
    if level is not None and level not in {lv.value.code for lv in ResponseLevel}:
        raise CommandError(f"unknown response level {level!r}", "response_level")
    if row["status"] in ("closed", "cancelled"):
        raise CommandError("the incident is no longer open", "status")
    return Op(
        "incident",
        row["id"],
        "incident.set_response_level",
        {"response_level": level, "updated_ms": now_ms},
        row["version"],
        note=plan,
    )


def dispatch_task(
    incident: dict,
    catalog: Catalog,
    now_ms: int,
    *,
    department: str,
    org_unit: str,
    lead: bool = True,
    note: str = "",
    task_id: str | None = None,
) -> Op:
    """派单: a task for one department at one org unit, deadlines from the SLA templates."""
    if department not in catalog.departments:
        raise CommandError(f"unknown department {department!r}", "department")
    unit = catalog.org_units.get(org_unit)
    if unit is None:
        raise CommandError(f"unknown org unit {org_unit!r}", "org_unit")
    if incident["status"] in ("closed", "cancelled"):
        raise CommandError("cannot dispatch for a closed or cancelled incident", "status")
    category = sla_keys(catalog, incident["category"])
    accept_by, finish_by = deadlines(catalog.sla, category, incident["severity"], now_ms)
    tid = task_id or uuid7(now_ms)
    return Op(
        "task",
        tid,
        TASK_CREATE,
        {
            "id": tid,
            "incident_id": incident["id"],
            "department": department,
            "org_unit": org_unit,
            "level": unit.level.code,
            "lead": bool(lead),
            "status": machines.TASK.initial,
            "note": note,
            "dispatched_ms": now_ms,
            "accept_by_ms": accept_by,
            "finish_by_ms": finish_by,
            "accepted_ms": None,
            "finished_ms": None,
            "return_reason": None,
            "extension_until_ms": None,
            "extension_reason": None,
            "escalations": 0,
            "reminders": 0,
            "updated_ms": now_ms,
            "mode": incident.get("mode", "live"),
        },
    )


def sla_keys(catalog: Catalog, event_type: str) -> tuple[str, ...]:
    """SLA lookup keys for an event type: the type itself, then its category."""
    et = catalog.event_types.get(event_type)
    return (event_type,) if et is None else (event_type, et.category)


def task_action(row: dict, action: str, now_ms: int, **params: Any) -> Op:
    """Every task action but dispatch and escalate (see integrated.escalation_ops)."""
    if action in machines.TASK_SIDE_ACTIONS:
        if row["status"] not in machines.TASK_SIDE_ACTIONS[action]:
            raise machines.TransitionError("task", row["status"], action)
        if action == "request_extension":
            until = params.get("until_ms")
            if not until or until <= (row.get("extension_until_ms") or row["finish_by_ms"]):
                raise CommandError("an extension must move the deadline later", "until_ms")
            reason = (params.get("reason") or "").strip()
            if not reason:
                raise CommandError("an extension request needs a reason", "reason")
            fields = {"extension_requested_ms": until, "extension_reason": reason}
        elif action == "approve_extension":
            until = row.get("extension_requested_ms")
            if not until:
                raise CommandError("no extension was requested", "extension_requested_ms")
            fields = {"extension_until_ms": until, "extension_requested_ms": None}
        elif action == "remind":
            fields = {"reminders": row.get("reminders", 0) + 1}
        else:
            raise CommandError("use integrated.escalation_ops to escalate", "action")
        return Op("task", row["id"], f"task.{action}", {**fields, "updated_ms": now_ms}, row["version"])

    extra: dict[str, Any] = {}
    if action == "accept":
        extra["accepted_ms"] = now_ms
    elif action == "return":
        reason = params.get("reason")
        if reason not in machines.RETURN_REASONS:
            raise CommandError(f"a return needs a reason code, got {reason!r}", "reason")
        extra["return_reason"] = reason
    elif action == "redispatch":
        for key in ("department", "org_unit", "level", "accept_by_ms", "finish_by_ms"):
            if key in params:
                extra[key] = params[key]
        extra["dispatched_ms"] = now_ms
        extra["return_reason"] = None
    elif action in ("verify",):
        extra["finished_ms"] = now_ms
    elif action == "feedback":
        extra["note"] = params.get("note", row.get("note", ""))
    return transition("task", row, action, now_ms, **extra)
