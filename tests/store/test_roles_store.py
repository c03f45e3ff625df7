"""Every role refusal, at the store: for each seat and each operation its role may not carry
out, the store raises RoleError and writes nothing (rows, outbox, audit)."""
from __future__ import annotations

import pytest

from commandcenter.domain import commands, integrated, machines, roles
from commandcenter.domain.alarms import AlarmEvent, raise_alarm
from commandcenter.domain.commands import Op
from commandcenter.domain.roles import RoleError, Seat

COMMUNITY = "310101002001"

OPS = sorted(
    {f"incident.{a}" for a in machines.INCIDENT.actions}
    | {"incident.report", "incident.set_response_level"}
    | {f"task.{a}" for a in (*machines.TASK.actions, *machines.TASK_SIDE_ACTIONS)}
    | {"task.dispatch"}
    | {f"alarm.{a}" for a in machines.ALARM.actions}
    | {f"resource.{a}" for a in machines.RESOURCE.actions}
    | {"resource.register", "alarm.raise", "log.write", "notice.send", "notice.read", "report.submit"}
)
SEATS = [Seat("dispatcher"), Seat("seat", "water"), Seat("seat", "police"), Seat("field"), Seat("observer")]
REFUSALS = [(seat, op) for seat in SEATS for op in OPS if not seat.may(op, {"department": "water"})]


def test_the_refusals_cover_every_role_but_the_commander():
    assert {s.role for s, _ in REFUSALS} == {"dispatcher", "seat", "field", "observer"}
    assert len(REFUSALS) > 100
    assert all(roles.may("commander", op) for op in OPS)


@pytest.fixture(scope="module")
def rows(tmp_path_factory, catalog):
    """A store with one row of each kind; the ids of those rows."""
    from commandcenter.domain.clock import ManualClock
    from commandcenter.store import Store

    store = Store(tmp_path_factory.mktemp("roles") / "cache.db", clock=ManualClock(1_784_080_800_000))
    now = store.clock.now_ms()
    inc = commands.report_incident(now, title="t", category="waterlogging", severity="III", org_unit=COMMUNITY,
                                   lon=121.47, lat=31.23)
    store.execute(inc)
    task = commands.dispatch_task(store.get("incident", inc.entity_id), catalog, now, department="water",
                                  org_unit=COMMUNITY)
    alarm = raise_alarm(AlarmEvent("raise", "al-1", "rain_1h", "yellow", 40.0, now))
    notice = integrated.send_notice(now, org_unit=COMMUNITY, kind="reminder", text="x")
    store.execute([task, alarm, notice, Op("resource", "u-1", "resource.register",
                                            {"id": "u-1", "name": "u", "status": "available"})])
    ids = {"incident": inc.entity_id, "task": task.entity_id, "alarm": "al-1", "notice": notice.entity_id,
           "resource": "u-1", "log": "log-new", "report": "report-new"}
    yield store, ids
    store.close()


def counts(store):
    return [store.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("outbox", "audit", "log", "reports")]


@pytest.mark.parametrize("seat,op", REFUSALS, ids=[f"{s.role}:{s.department or ''}-{o}" for s, o in REFUSALS])
def test_the_store_refuses(rows, seat, op):
    store, ids = rows
    entity = op.split(".")[0]
    row = store.get(entity, ids[entity])
    fields = {"id": ids[entity], "updated_ms": 1} if row is None else {"updated_ms": 1}
    before = counts(store)
    with pytest.raises(RoleError) as e:
        store.execute(Op(entity, ids[entity], op, fields, row["version"] if row else 0), seat=seat)
    assert seat.role in str(e.value) and op in str(e.value)
    assert counts(store) == before
