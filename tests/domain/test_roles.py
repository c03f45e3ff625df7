"""Roles: what each seat may do; every refusal named."""
from __future__ import annotations

import pytest

from commandcenter.domain import roles
from commandcenter.domain.roles import RoleError, Seat

WATER_TASK = {"department": "water"}

# (role, department, op, row, allowed)
CASES = [
    ("commander", None, "incident.set_response_level", None, True),
    ("commander", None, "task.supervise", WATER_TASK, True),
    ("dispatcher", None, "task.dispatch", None, True),
    ("dispatcher", None, "task.redispatch", WATER_TASK, True),
    ("dispatcher", None, "incident.set_response_level", None, False),
    ("dispatcher", None, "task.supervise", WATER_TASK, False),
    ("dispatcher", None, "task.accept", WATER_TASK, False),
    ("seat", "water", "task.accept", WATER_TASK, True),
    ("seat", "water", "task.return", WATER_TASK, True),
    ("seat", "water", "task.feedback", WATER_TASK, True),
    ("seat", "water", "task.request_extension", WATER_TASK, True),
    ("seat", "police", "task.accept", WATER_TASK, False),
    ("seat", "water", "task.dispatch", WATER_TASK, False),
    ("seat", "water", "task.close", WATER_TASK, False),
    ("seat", "water", "task.approve_extension", WATER_TASK, False),
    ("seat", "water", "incident.report", None, False),
    ("field", None, "incident.report", None, True),
    ("field", None, "report.submit", None, True),
    ("field", None, "task.dispatch", None, False),
    ("field", None, "incident.close", None, False),
    ("observer", None, "incident.report", None, False),
    ("observer", None, "notice.read", None, False),
    ("observer", None, "log.write", None, False),
    ("system", None, "task.escalate", WATER_TASK, True),
    ("system", None, "notice.send", None, True),
    ("system", None, "task.close", WATER_TASK, False),
    ("system", None, "incident.set_response_level", None, False),
]


@pytest.mark.parametrize("role,department,op,row,allowed", CASES)
def test_the_table(role, department, op, row, allowed):
    seat = Seat(role, department)
    assert seat.may(op, row) is allowed
    if allowed:
        seat.check(op, row)
    else:
        with pytest.raises(RoleError) as e:
            seat.check(op, row)
        assert role in str(e.value) and op in str(e.value)


def test_a_seat_needs_a_department_and_roles_are_known():
    with pytest.raises(ValueError):
        Seat("seat")
    with pytest.raises(ValueError):
        Seat("janitor")
    assert not roles.may("janitor", "incident.report")


def test_every_task_action_is_somebodys_job():
    from commandcenter.domain.machines import TASK, TASK_SIDE_ACTIONS

    people = [r for r in roles.ROLES if r != "commander"]
    for action in [*TASK.actions, *TASK_SIDE_ACTIONS]:
        op = f"task.{action}"
        assert roles.may("commander", op, WATER_TASK)
        if action not in ("supervise", "escalate"):
            assert any(roles.may(r, op, WATER_TASK, "water") for r in people), op
