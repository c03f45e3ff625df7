"""Who may do what (issue 5, "Roles").

Five roles sit at a command room's seats. The table below is the single source of truth: the
UI asks `may()` which actions to offer, and the store asks `check()` before it writes, so an
action the UI should not have offered is refused all the same.

- commander (指挥长): every decision, including response levels, plans and supervision.
- dispatcher (调度员): takes calls, moves incidents, dispatches, arbitrates returns, reminds,
  approves extensions, verifies and closes tasks, follows up, files reports.
- seat (部门席位): a department's desk. Acts on its own department's tasks only: signs for,
  returns, starts, feeds back, asks for an extension; reads its notices.
- field (前方指挥部): a field command post. Reports incidents, files reports, moves units,
  writes to the command log.
- observer (观察员): reads everything, changes nothing.

"system" is the client's own clock-driven rules (the escalation sweep, report reminders): it
may escalate tasks and write notices and log entries, nothing else. It is not a seat a person
can take.
"""
from __future__ import annotations

from dataclasses import dataclass

ROLES = ("commander", "dispatcher", "seat", "field", "observer")
SYSTEM = "system"

# role -> operations (Op.op) it may carry out. "*" is every operation.
_DISPATCHER = frozenset(
    {
        "incident.report", "incident.verify", "incident.confirm", "incident.respond",
        "incident.contain", "incident.recover", "incident.close", "incident.cancel",
        "incident.reopen", "incident.update",
        "task.dispatch", "task.redispatch", "task.remind", "task.approve_extension",
        "task.verify", "task.reject_feedback", "task.close", "task.follow_up",
        "resource.register", "resource.assign", "resource.depart", "resource.arrive",
        "resource.leave", "resource.release", "resource.disable", "resource.restore",
        "alarm.acknowledge", "alarm.dismiss", "alarm.convert", "alarm.raise", "alarm.cap_update",
        "alarm.clear",
        "report.submit", "log.write", "notice.read", "notice.send",
    }
)
_SEAT = frozenset(
    {
        "task.accept", "task.return", "task.start", "task.feedback", "task.request_extension",
        "notice.read", "log.write",
    }
)
_FIELD = frozenset(
    {
        "incident.report", "report.submit", "log.write", "notice.read",
        "resource.assign", "resource.depart", "resource.arrive", "resource.leave",
        "resource.release", "resource.disable", "resource.restore",
        "alarm.acknowledge",
    }
)
_SYSTEM = frozenset({"task.escalate", "notice.send", "log.write"})

PERMISSIONS: dict[str, frozenset[str]] = {
    "commander": frozenset({"*"}),
    "dispatcher": _DISPATCHER,
    "seat": _SEAT,
    "field": _FIELD,
    "observer": frozenset(),
    SYSTEM: _SYSTEM,
}

# operations that touch one department's task: a seat may do them on its own department's only
_DEPARTMENT_SCOPED = frozenset(op for op in _SEAT if op.startswith("task."))

LABELS = {
    "commander": ("指挥长", "Commander"),
    "dispatcher": ("调度员", "Dispatcher"),
    "seat": ("部门席位", "Department seat"),
    "field": ("前方指挥部", "Field command post"),
    "observer": ("观察员", "Observer"),
}


class RoleError(PermissionError):
    """The seat's role may not carry out this operation."""

    def __init__(self, role: str, op: str, why: str = "") -> None:
        super().__init__(f"a {role} may not {op}" + (f": {why}" if why else ""))
        self.role = role
        self.op = op


@dataclass(frozen=True)
class Seat:
    """Who sits at this client: a role and, for a department seat, the department."""

    role: str = "commander"
    department: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES and self.role != SYSTEM:
            raise ValueError(f"unknown role {self.role!r} (one of {', '.join(ROLES)})")
        if self.role == "seat" and not self.department:
            raise ValueError("a department seat needs its department")

    def may(self, op: str, row: dict | None = None) -> bool:
        return may(self.role, op, row, self.department)

    def check(self, op: str, row: dict | None = None) -> None:
        check(self.role, op, row, self.department)


def may(role: str, op: str, row: dict | None = None, department: str | None = None) -> bool:
    """Whether `role` may carry out operation `op` (e.g. "task.accept") on `row` (the current
    row, for department-scoped operations)."""
    try:
        check(role, op, row, department)
    except RoleError:
        return False
    return True


def check(role: str, op: str, row: dict | None = None, department: str | None = None) -> None:
    """Raise RoleError when `role` may not carry out `op` on `row`."""
    allowed = PERMISSIONS.get(role)
    if allowed is None:
        raise RoleError(role, op, "unknown role")
    if "*" not in allowed and op not in allowed:
        raise RoleError(role, op)
    if role == "seat" and op in _DEPARTMENT_SCOPED:
        owner = (row or {}).get("department")
        if owner != department:
            raise RoleError(role, op, f"the task belongs to {owner}, this seat is {department}")
