"""The escalation sweep and role checks on a real cache file."""
from __future__ import annotations

import pytest

from commandcenter.domain import commands as c
from commandcenter.domain import integrated as ig
from commandcenter.domain.roles import RoleError, Seat
from commandcenter.domain.sla import MINUTE_MS
from commandcenter.store import Store
from commandcenter.store.escalation import sweep

COMMUNITY, STREET, DISTRICT, CITY = "310101002001", "310101002", "310101", "310000"


@pytest.fixture
def room(store, catalog, clock):
    """An incident (II, waterlogging) dispatched to water (lead) and urban_mgmt at the community."""
    inc = c.report_incident(clock.now_ms(), title="下立交积水", category="waterlogging", severity="II",
                            org_unit=COMMUNITY, lon=121.476, lat=31.2298)
    store.execute(inc)
    incident = store.get("incident", inc.entity_id)
    ops = ig.dispatch_joint(incident, catalog, clock.now_ms(), lead=("water", COMMUNITY),
                            cooperating=[("urban_mgmt", COMMUNITY)])
    store.execute(ops)
    return incident, [op.entity_id for op in ops]


def counts(store):
    return {t: store.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("tasks", "notices", "log", "outbox", "audit")}


def test_one_accepts_the_other_runs_overdue_and_climbs_level_by_level(store, catalog, clock, room):
    incident, (water, urban) = room
    store.execute(c.task_action(store.get("task", water), "accept", clock.now_ms()))
    assert not sweep(store, catalog, reports=False)  # nothing due yet
    accept_by = store.get("task", urban)["accept_by_ms"]
    clock.set_ms(accept_by + 1)
    result = sweep(store, catalog, reports=False)
    assert result.escalated == 1
    task = store.get("task", urban)
    assert (task["org_unit"], task["level"], task["escalations"]) == (STREET, "street", 1)
    assert store.get("task", water)["org_unit"] == COMMUNITY  # the one that accepted stays
    notices = store.query("SELECT org_unit, kind, text FROM notices ORDER BY org_unit")
    assert [n["org_unit"] for n in notices] == [STREET, COMMUNITY] and all(n["kind"] == "escalation" for n in notices)
    assert "未签收超时" in notices[0]["text"]
    log = store.query("SELECT kind, user, role, text FROM log")
    assert len(log) == 1 and log[0]["kind"] == "escalation" and log[0]["user"] == "system"
    audit = store.query("SELECT user, action FROM audit ORDER BY seq DESC LIMIT 4")
    assert {a["user"] for a in audit} == {"system"} and "task.escalate" in {a["action"] for a in audit}

    before = counts(store)
    assert not sweep(store, catalog, reports=False)  # same moment again: nothing new
    assert counts(store) == before
    # the street has one accept window (30 min for II natural) before it climbs again
    window = task["next_escalation_ms"] - clock.now_ms()
    assert window == 30 * MINUTE_MS
    for expected in (DISTRICT, CITY):
        clock.set_ms(store.get("task", urban)["next_escalation_ms"] + 1)
        assert sweep(store, catalog, reports=False).escalated == 1
        assert store.get("task", urban)["org_unit"] == expected
    clock.advance(10**9)
    sweep(store, catalog, reports=False)  # (the accepted one is overdue by now and climbs)
    assert store.get("task", urban)["org_unit"] == CITY and store.get("task", urban)["escalations"] == 3
    assert store.verify_audit() is None


def test_an_accepted_task_escalates_when_overdue_unless_extended(store, catalog, clock, room):
    _, (water, _urban) = room
    store.execute(c.task_action(store.get("task", water), "accept", clock.now_ms()))
    row = store.get("task", water)
    store.execute(c.task_action(row, "request_extension", clock.now_ms(), until_ms=row["finish_by_ms"] + 60 * MINUTE_MS,
                                reason="泵站故障"))
    store.execute(c.task_action(store.get("task", water), "approve_extension", clock.now_ms()))
    clock.set_ms(row["finish_by_ms"] + 1)
    swept = sweep(store, catalog, reports=False)
    assert store.get("task", water)["org_unit"] == COMMUNITY and swept.escalated == 1  # only the unaccepted one
    clock.set_ms(row["finish_by_ms"] + 60 * MINUTE_MS + 1)
    sweep(store, catalog, reports=False)
    assert store.get("task", water)["org_unit"] == STREET
    assert "办理超期" in store.query("SELECT text FROM log WHERE text LIKE '%办理超期%'")[0]["text"]


def test_overdue_reports_are_reminded_once(store, catalog, clock, room):
    incident, _ = room
    rule = ig.report_rule(catalog.report_rules, "II")
    clock.set_ms(incident["reported_ms"] + rule.initial_minutes * MINUTE_MS + 1)
    swept = sweep(store, catalog)
    assert swept.reminders == 2
    assert {n["org_unit"] for n in store.query("SELECT org_unit FROM notices WHERE kind='report_due'")} == {DISTRICT, CITY}
    assert sweep(store, catalog).reminders == 0
    store.execute(ig.submit_report(store.get("incident", incident["id"]), [], clock.now_ms(), kind="initial",
                                   text="初报：积水30厘米", author="li"))
    clock.advance(rule.update_minutes * MINUTE_MS + 1)
    assert sweep(store, catalog).reminders == 2  # now the first update is late


def test_the_store_refuses_what_the_seat_may_not_do_and_writes_nothing(tmp_path, catalog, clock, room, store):
    incident, (water, urban) = room
    before = counts(store)
    seat = Seat("seat", "urban_mgmt")
    with pytest.raises(RoleError):
        store.execute(c.task_action(store.get("task", water), "accept", clock.now_ms()), seat=seat)
    with pytest.raises(RoleError):
        store.execute(ig.decide_response_level(incident, catalog, clock.now_ms(), level="3",
                                               plan=catalog.plans["flood"]), seat=Seat("dispatcher"))
    with pytest.raises(RoleError):
        store.execute(c.transition("incident", incident, "verify", clock.now_ms()), seat=Seat("observer"))
    assert counts(store) == before
    store.execute(c.task_action(store.get("task", urban), "accept", clock.now_ms()), seat=seat)
    entry = store.query("SELECT user, detail FROM audit ORDER BY seq DESC LIMIT 1")[0]
    assert '"role":"seat:urban_mgmt"' in entry["detail"]


def test_a_store_opened_for_a_seat_checks_every_command(tmp_path, catalog, clock):
    s = Store(tmp_path / "seat.db", clock=clock, seat=Seat("observer"))
    try:
        with pytest.raises(RoleError):
            s.execute(c.report_incident(clock.now_ms(), title="x", category="flood", severity="IV",
                                        org_unit=CITY, lon=121.4, lat=31.2))
        assert s.query("SELECT COUNT(*) AS n FROM incidents")[0]["n"] == 0
    finally:
        s.close()


def test_a_backlog_is_escalated_in_bounded_batches_longest_overdue_first(store, catalog, clock):
    inc = c.report_incident(clock.now_ms(), title="x", category="waterlogging", severity="II",
                            org_unit=COMMUNITY, lon=121.476, lat=31.2298)
    store.execute(inc)
    incident = store.get("incident", inc.entity_id)
    ops = []
    for k in range(5):  # dispatched a minute apart: the first one is the longest overdue
        ops.append(c.dispatch_task(incident, catalog, clock.now_ms() + k * 60_000, department="water",
                                   org_unit=COMMUNITY))
    store.execute(ops)
    clock.advance(24 * 60 * MINUTE_MS)
    first = sweep(store, catalog, reports=False, limit=2)
    assert (first.escalated, first.more) == (2, True)
    escalated = [op.entity_id for op in ops if store.get("task", op.entity_id)["escalations"]]
    assert escalated == [ops[0].entity_id, ops[1].entity_id]
    assert sweep(store, catalog, reports=False, limit=2).escalated == 2
    last = sweep(store, catalog, reports=False, limit=2)
    assert (last.escalated, last.more) == (1, False)


def test_a_severity_without_report_deadlines_owes_no_report(store, catalog, clock):
    inc = c.report_incident(clock.now_ms(), title="倒树", category="fallen_tree", severity="IV",
                            org_unit=COMMUNITY, lon=121.476, lat=31.2298)
    store.execute(inc)
    assert ig.next_report(store.get("incident", inc.entity_id), [], catalog.report_rules) is None
    clock.advance(10**8)
    assert sweep(store, catalog).reminders == 0
