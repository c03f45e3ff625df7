"""Integrated command: response levels under a plan, joint dispatch, reports, supervision,
follow-up, the command log; with the shipped catalogue (plans.json, sla.json)."""
from __future__ import annotations

import pytest

from commandcenter.domain import commands as c
from commandcenter.domain import integrated as ig
from commandcenter.domain.machines import TransitionError
from commandcenter.domain.plans import plans_for
from commandcenter.domain.sla import MINUTE_MS

COMMUNITY, STREET, DISTRICT, CITY = "310101002001", "310101002", "310101", "310000"
T0 = 1_784_080_800_000


def incident(category="waterlogging", severity="II", **kw):
    op = c.report_incident(T0, title="下立交积水", category=category, severity=severity, org_unit=COMMUNITY,
                           lon=121.476, lat=31.2298)
    return {**op.fields, "version": 1, **kw}


def rows(ops, entity):
    return [{**op.fields, "version": 1} for op in ops if op.entity == entity]


def test_plans_apply_by_event_type_then_category_then_general(catalog):
    assert [p.code for p in plans_for(catalog.plans, "waterlogging", "natural")] == ["flood", "general"]
    assert [p.code for p in plans_for(catalog.plans, "gas_leak", "accident")] == ["accident", "general"]
    assert [p.code for p in plans_for(catalog.plans, "heatwave", "natural")] == ["general"]


def test_raising_the_level_dispatches_the_plans_tasks_cumulatively(catalog):
    inc = incident()
    plan = catalog.plans["flood"]
    ops = ig.decide_response_level(inc, catalog, T0 + 5, level="3", plan=plan, user="zhang", role="commander")
    assert ops[0].op == "incident.set_response_level"
    assert ops[0].fields["response_level"] == "3" and ops[0].fields["response_plan"] == "flood"
    tasks = rows(ops, "task")
    # level 4 and level 3 tasks, each at the incident's own org unit of the plan's level
    assert {(t["department"], t["org_unit"]) for t in tasks} == {
        ("water", STREET), ("street_office", STREET), ("urban_mgmt", DISTRICT), ("transport", DISTRICT)}
    assert [t["department"] for t in tasks if t["lead"]] == ["water"]
    assert all(t["plan"] == "flood" for t in tasks)
    log = rows(ops, "log")
    assert len(log) == 1 and log[0]["kind"] == "response_level" and log[0]["user"] == "zhang"
    assert "三级响应" in log[0]["text"] and "防汛防台" in log[0]["text"] and "4" in log[0]["text"]

    # raise to 1: only the tasks not yet there, and no second lead
    inc.update(ops[0].fields, version=2)
    more = ig.decide_response_level(inc, catalog, T0 + 10, level="1", plan=plan, open_tasks=tasks)
    new = rows(more, "task")
    assert {(t["department"], t["org_unit"]) for t in new} == {
        ("emergency", DISTRICT), ("power", DISTRICT), ("police", DISTRICT),
        ("emergency", CITY), ("health", CITY), ("fire", CITY)}
    assert not any(t["lead"] for t in new)


def test_the_same_decision_on_two_nodes_makes_the_same_rows(catalog):
    inc = incident()
    a = ig.decide_response_level(inc, catalog, T0 + 5, level="2", plan=catalog.plans["flood"])
    b = ig.decide_response_level(dict(inc), catalog, T0 + 9, level="2", plan=catalog.plans["flood"])
    assert [op.entity_id for op in a] == [op.entity_id for op in b]


def test_lowering_the_level_dispatches_nothing_and_is_logged(catalog):
    inc = incident(response_level="2", response_plan="flood")
    ops = ig.decide_response_level(inc, catalog, T0, level="4", plan=catalog.plans["flood"], reason="雨停")
    assert [op.entity for op in ops] == ["incident", "log"]
    assert "二级响应 → 四级响应" in ops[1].fields["text"] and "雨停" in ops[1].fields["text"]
    end = ig.decide_response_level(inc, catalog, T0, level=None, plan=None)
    assert end[0].fields["response_level"] is None and "结束响应" in end[1].fields["text"]


@pytest.mark.parametrize("kw,field", [
    ({"level": "5", "plan": "flood"}, "response_level"),
    ({"level": "2", "plan": None}, "plan"),
    ({"level": "2", "plan": "flood", "status": "closed"}, "status"),
    ({"level": "2", "plan": "flood", "response_level": "2", "response_plan": "flood"}, "response_level"),
])
def test_refused_response_level_decisions_name_the_field(catalog, kw, field):
    kw = dict(kw)
    level, plan = kw.pop("level"), kw.pop("plan")
    with pytest.raises(c.CommandError) as e:
        ig.decide_response_level(incident(**kw), catalog, T0, level=level, plan=catalog.plans.get(plan))
    assert e.value.field == field


def test_joint_dispatch_has_one_lead(catalog):
    inc = incident()
    ops = ig.dispatch_joint(inc, catalog, T0, lead=("water", STREET), cooperating=[("urban_mgmt", COMMUNITY)])
    assert [(op.fields["department"], op.fields["lead"]) for op in ops] == [("water", True), ("urban_mgmt", False)]
    with pytest.raises(c.CommandError) as e:
        ig.dispatch_joint(inc, catalog, T0, lead=("police", STREET), open_tasks=rows(ops, "task"))
    assert e.value.field == "lead" and "water" in str(e.value)
    with pytest.raises(c.CommandError) as e:
        ig.dispatch_joint(inc, catalog, T0, lead=("water", STREET), cooperating=[("water", COMMUNITY)])
    assert e.value.field == "department"


def test_reports_go_initial_updates_final_with_deadlines_per_severity(catalog):
    inc = incident(severity="II")
    rule = ig.report_rule(catalog.report_rules, "II")
    assert ig.next_report(inc, [], catalog.report_rules) == ("initial", 0, T0 + rule.initial_minutes * MINUTE_MS)
    with pytest.raises(c.CommandError):
        ig.submit_report(inc, [], T0, kind="update", text="x", author="a")
    reports = []
    for kind in ("initial", "update", "update"):
        op = ig.submit_report(inc, reports, T0 + len(reports) * 1000, kind=kind, text=f"{kind} text", author="li")
        reports.append({**op.fields})
    assert [r["number"] for r in reports] == [0, 1, 2]
    assert ig.next_report(inc, reports, catalog.report_rules) == ("update", 3, T0 + 2000 + rule.update_minutes * MINUTE_MS)
    with pytest.raises(c.CommandError):
        ig.submit_report(inc, reports, T0, kind="initial", text="again", author="li")
    closed = {**inc, "status": "closed", "updated_ms": T0 + 10_000}
    assert ig.next_report(closed, reports, catalog.report_rules)[:2] == ("final", 0)
    reports.append(ig.submit_report(closed, reports, T0 + 20_000, kind="final", text="done", author="li").fields)
    assert ig.next_report(closed, reports, catalog.report_rules) is None
    with pytest.raises(c.CommandError):
        ig.submit_report(closed, reports, T0, kind="update", text="late", author="li")
    with pytest.raises(c.CommandError) as e:
        ig.submit_report(inc, [], T0, kind="initial", text="  ", author="li")
    assert e.value.field == "text"


def task(catalog, **kw):
    op = c.dispatch_task(incident(), catalog, T0, department="water", org_unit=COMMUNITY)
    return {**op.fields, "version": 1, **kw}


def test_supervision_and_follow_up(catalog):
    op = ig.supervise_task(task(catalog), T0 + 1, text="今晚22时前排干")
    assert op.op == "task.supervise" and op.fields["supervision"] == "今晚22时前排干"
    with pytest.raises(c.CommandError):
        ig.supervise_task(task(catalog), T0, text=" ")
    with pytest.raises(TransitionError):
        ig.supervise_task(task(catalog, status="closed"), T0, text="x")
    with pytest.raises(TransitionError):
        ig.follow_up_task(task(catalog), T0, satisfaction="satisfied")
    done = task(catalog, status="closed")
    op = ig.follow_up_task(done, T0, satisfaction="basically", note="水退了")
    assert op.fields["satisfaction"] == "basically"
    with pytest.raises(c.CommandError):
        ig.follow_up_task({**done, **op.fields}, T0, satisfaction="satisfied")
    with pytest.raises(c.CommandError) as e:
        ig.follow_up_task(done, T0, satisfaction="great")
    assert e.value.field == "satisfaction"


def test_overdue_task_escalates_once_per_window(catalog):
    row = task(catalog, status="accepted")
    inc = incident()
    assert not ig.escalation_due(row, row["finish_by_ms"])
    now = row["finish_by_ms"] + 1
    assert ig.escalation_due(row, now)
    assert not ig.escalation_due({**row, "extension_until_ms": now + 1}, now)
    ops = ig.escalation_ops(row, inc, catalog, now)
    assert ops[0].fields["org_unit"] == STREET and ops[0].fields["level"] == "street"
    assert "办理超期" in ops[1].fields["text"] and ops[3].fields["kind"] == "escalation"
    again = ig.escalation_ops(row, inc, catalog, now + 99)
    assert [op.entity_id for op in again] == [op.entity_id for op in ops]  # same rows on any node


def test_report_reminders_go_to_the_district_and_the_city(catalog):
    inc = incident()
    due = ig.next_report(inc, [], catalog.report_rules)
    ops = ig.report_reminder_ops(inc, due, catalog, due[2] + 1)
    assert [op.fields["org_unit"] for op in ops] == [DISTRICT, CITY]
    assert all("初报" in op.fields["text"] for op in ops)


def test_log_and_notice_validation():
    with pytest.raises(c.CommandError):
        ig.write_log(T0, text="x", kind="gossip")
    with pytest.raises(c.CommandError):
        ig.write_log(T0, text="  ")
    with pytest.raises(c.CommandError):
        ig.send_notice(T0, org_unit=CITY, kind="spam", text="x")
    n = ig.send_notice(T0, org_unit=CITY, kind="reminder", text="催办")
    read = ig.read_notice({**n.fields, "version": 1}, T0 + 1, "wang")
    assert read.fields == {"read_ms": T0 + 1, "read_by": "wang"}
    with pytest.raises(c.CommandError):
        ig.read_notice({**n.fields, **read.fields, "version": 2}, T0 + 2, "wang")


SIDE = {
    "request_extension": lambda row: c.task_action(row, "request_extension", T0, until_ms=10**15, reason="r"),
    "approve_extension": lambda row: c.task_action({**row, "extension_requested_ms": 10**15}, "approve_extension", T0),
    "remind": lambda row: c.task_action(row, "remind", T0),
    "supervise": lambda row: ig.supervise_task(row, T0, text="x"),
    "follow_up": lambda row: ig.follow_up_task(row, T0, satisfaction="satisfied"),
}


@pytest.mark.parametrize("action", sorted(SIDE))
@pytest.mark.parametrize("state", ["dispatched", "returned", "accepted", "in_progress", "feedback", "verified", "closed"])
def test_every_side_action_in_every_state(catalog, action, state):
    """Side actions keep the state and are refused outside the states the table allows."""
    from commandcenter.domain.machines import TASK_SIDE_ACTIONS

    row = task(catalog, status=state)
    if state in TASK_SIDE_ACTIONS[action]:
        op = SIDE[action](row)
        assert "status" not in op.fields and op.op == f"task.{action}"
    else:
        with pytest.raises(TransitionError):
            SIDE[action](row)


@pytest.mark.parametrize("state", ["returned", "feedback", "verified", "closed"])
def test_only_running_tasks_escalate(catalog, state):
    row = task(catalog, status=state)
    assert not ig.escalation_due(row, 10**15)
