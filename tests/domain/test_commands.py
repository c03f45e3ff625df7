"""Domain commands: validation, deadlines from SLA templates, side actions, escalation."""
from __future__ import annotations

import pytest

from commandcenter.domain import commands as c
from commandcenter.domain.catalog import Catalog, Department, OrgUnit, SlaTemplate
from commandcenter.domain.levels import OrgLevel
from commandcenter.domain.machines import TransitionError
from commandcenter.domain.sla import MINUTE_MS, clock_state, deadlines, time_left_ms

SQ = ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0))


@pytest.fixture
def cat():
    units = {
        "1": OrgUnit("1", None, OrgLevel.CITY, "市", "City", (0.5, 0.5), SQ),
        "11": OrgUnit("11", "1", OrgLevel.DISTRICT, "区", "District", (0.5, 0.5), SQ),
        "111": OrgUnit("111", "11", OrgLevel.STREET, "街", "Street", (0.5, 0.5), SQ),
        "1111": OrgUnit("1111", "111", OrgLevel.COMMUNITY, "居", "Community", (0.5, 0.5), SQ),
    }
    return Catalog(
        org_units=units,
        departments={"fire": Department("fire", "消防", "Fire", "119")},
        sla=[
            SlaTemplate("*", "*", 120, 2880),
            SlaTemplate("*", "I", 15, 120),
            SlaTemplate("accident", "I", 10, 60),
        ],
    )


def incident(**kw):
    op = c.report_incident(1_000, title="Fire", category="accident", severity="I", org_unit="1111", lon=0.5, lat=0.5)
    row = {**op.fields, "version": 1, **kw}
    return row


def test_report_validates_fields():
    with pytest.raises(c.CommandError) as e:
        c.report_incident(0, title="  ", category="x", severity="I", org_unit="1", lon=0, lat=0)
    assert e.value.field == "title"
    with pytest.raises(c.CommandError) as e:
        c.report_incident(0, title="t", category="x", severity="V", org_unit="1", lon=0, lat=0)
    assert e.value.field == "severity"
    with pytest.raises(c.CommandError) as e:
        c.report_incident(0, title="t", category="x", severity="I", org_unit="1", lon=200, lat=0)
    assert e.value.field == "lon/lat"


def test_dispatch_takes_the_most_specific_sla(cat):
    op = c.dispatch_task(incident(), cat, 0, department="fire", org_unit="1111")
    assert op.fields["accept_by_ms"] == 10 * MINUTE_MS
    assert op.fields["finish_by_ms"] == 60 * MINUTE_MS
    assert op.fields["level"] == "community"
    other = c.dispatch_task(incident(category="health", severity="IV"), cat, 0, department="fire", org_unit="11")
    assert other.fields["accept_by_ms"] == 120 * MINUTE_MS and other.fields["level"] == "district"


def test_dispatch_refuses_unknown_department_unit_and_closed_incident(cat):
    with pytest.raises(c.CommandError) as e:
        c.dispatch_task(incident(), cat, 0, department="navy", org_unit="1111")
    assert e.value.field == "department"
    with pytest.raises(c.CommandError) as e:
        c.dispatch_task(incident(), cat, 0, department="fire", org_unit="999")
    assert e.value.field == "org_unit"
    with pytest.raises(c.CommandError):
        c.dispatch_task(incident(status="closed"), cat, 0, department="fire", org_unit="1111")


def task_row(cat, **kw):
    op = c.dispatch_task(incident(), cat, 0, department="fire", org_unit="1111")
    return {**op.fields, "version": 1, **kw}


def test_return_needs_a_known_reason(cat):
    with pytest.raises(c.CommandError) as e:
        c.task_action(task_row(cat), "return", 5)
    assert e.value.field == "reason"
    op = c.task_action(task_row(cat), "return", 5, reason="wrong_area")
    assert op.fields["status"] == "returned" and op.fields["return_reason"] == "wrong_area"


def test_accept_stamps_time_and_bumps_base_version(cat):
    op = c.task_action(task_row(cat, version=3), "accept", 77)
    assert op.fields["accepted_ms"] == 77 and op.base_version == 3 and op.op == "task.accept"


def test_extension_request_and_approval(cat):
    row = task_row(cat, status="accepted")
    with pytest.raises(c.CommandError):
        c.task_action(row, "request_extension", 5, until_ms=row["finish_by_ms"] - 1, reason="rain")
    with pytest.raises(c.CommandError):
        c.task_action(row, "request_extension", 5, until_ms=row["finish_by_ms"] + 1, reason=" ")
    req = c.task_action(row, "request_extension", 5, until_ms=row["finish_by_ms"] + 10, reason="rain")
    row.update(req.fields)
    assert row["status"] == "accepted"  # a side action keeps the state
    ok = c.task_action(row, "approve_extension", 6)
    assert ok.fields["extension_until_ms"] == row["finish_by_ms"] + 10
    with pytest.raises(TransitionError):
        c.task_action(task_row(cat), "request_extension", 5, until_ms=10**12, reason="x")


def test_escalation_goes_one_level_up_until_city(cat):
    from commandcenter.domain import integrated

    row = task_row(cat)
    incident = {"title": "t", "severity": "III", "category": "flood"}
    assert not integrated.escalation_due(row, row["accept_by_ms"])
    now = row["accept_by_ms"] + 1
    assert integrated.escalation_due(row, now)
    for expected in ("111", "11", "1"):
        ops = integrated.escalation_ops(row, incident, cat, now)
        assert [op.op for op in ops] == ["task.escalate", "notice.send", "notice.send", "log.write"]
        assert {ops[1].fields["org_unit"], ops[2].fields["org_unit"]} == {row["org_unit"], expected}
        row.update(ops[0].fields)
        assert row["org_unit"] == expected
        # the new holder has a window before the rule looks again
        assert not integrated.escalation_due(row, now)
        now = row["next_escalation_ms"] + 1
    assert row["level"] == "city" and row["escalations"] == 3
    assert not integrated.escalation_due(row, 10**15)
    with pytest.raises(c.CommandError):
        integrated.escalation_ops(row, incident, cat, now)
    assert not integrated.escalation_due(task_row(cat, status="closed"), 10**15)


def test_clock_state_is_derived_from_deadlines(cat):
    row = task_row(cat)
    assert clock_state(row, 0) == "ok"
    assert clock_state(row, row["accept_by_ms"] - 60_000) == "warning"
    assert clock_state(row, row["accept_by_ms"] + 1) == "accept_overdue"
    assert time_left_ms(row, 1000) == row["accept_by_ms"] - 1000
    accepted = {**row, "status": "in_progress"}
    assert clock_state(accepted, row["finish_by_ms"] + 1) == "overdue"
    extended = {**accepted, "extension_until_ms": row["finish_by_ms"] + 10**6}
    assert clock_state(extended, row["finish_by_ms"] + 1) == "ok"
    assert clock_state({**row, "status": "closed"}, 10**15) == "done"


def test_deadlines_without_template_fail_clearly():
    from commandcenter.domain.sla import NoSlaTemplate

    with pytest.raises(NoSlaTemplate):
        deadlines([SlaTemplate("health", "I", 1, 2)], "accident", "II", 0)


def test_reopen_raises_generation():
    row = incident(status="closed", generation=2)
    op = c.reopen_incident(row, 5)
    assert op.fields == {"status": "reported", "generation": 3, "updated_ms": 5}


def test_response_level_validation():
    with pytest.raises(c.CommandError):
        c.set_response_level(incident(), "5", 0)
    assert c.set_response_level(incident(), "2", 0, plan="flood-plan").fields["response_level"] == "2"


def test_sla_type_rows_do_not_hide_category_rows():
    from commandcenter.domain.sla import pick_template

    rows = [
        SlaTemplate("*", "*", 120, 2880),
        SlaTemplate("accident", "I", 10, 60),
        SlaTemplate("gas_leak", "II", 20, 90),
    ]
    keys = ("gas_leak", "accident")
    assert pick_template(rows, keys, "II").accept_minutes == 20  # the type's own row
    assert pick_template(rows, keys, "I").accept_minutes == 10  # the category row is not hidden
    assert pick_template(rows, keys, "IV").accept_minutes == 120  # the fallback
    assert pick_template(rows, ("flood", "natural"), "I").accept_minutes == 120
