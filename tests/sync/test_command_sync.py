"""Integrated command over the real platform: escalation done by two offline posts converges
to one set of rows; the command log, notices, reports and a response-level decision reach a
fresh client."""
from __future__ import annotations

import asyncio

import pytest

from commandcenter.domain import commands, integrated
from commandcenter.store.escalation import sweep
from tests.sync.test_engine import (  # noqa: F401 (other_store is a fixture)
    COMMUNITY,
    online_and_drained,
    other_store,
    outbox_results,
    pull_into,
    running_engine,
    wait_for,
)

pytestmark = pytest.mark.platform


def setup_room(store, catalog):
    op = commands.report_incident(store.clock.now_ms(), title="下立交积水", category="waterlogging", severity="II",
                                  org_unit=COMMUNITY, lon=121.4764, lat=31.2298)
    store.execute(op)
    incident = store.get("incident", op.entity_id)
    store.execute(integrated.dispatch_joint(incident, catalog, store.clock.now_ms(), lead=("water", COMMUNITY),
                                            cooperating=[("urban_mgmt", COMMUNITY)]))
    return incident


def test_two_offline_posts_escalate_the_same_task_and_the_platform_keeps_one_set(
        store, other_store, catalog, platform_proc, tmp_path):
    incident = setup_room(store, catalog)
    url = platform_proc.url
    water = next(t for t in store.tasks_for(incident["id"]) if t["department"] == "water")
    store.execute(commands.task_action(water, "accept", store.clock.now_ms()))

    async def share():
        async with running_engine(store, url) as engine:
            await wait_for(online_and_drained(engine), 5, "the room is pushed")
        await pull_into(other_store, url)

    asyncio.run(share())
    urban = next(t for t in store.tasks_for(incident["id"]) if t["department"] == "urban_mgmt")
    # both posts are offline and their clocks pass the accept deadline: each escalates
    for s in (store, other_store):
        s.clock.set_ms(urban["accept_by_ms"] + 60_000)
        assert sweep(s, catalog, reports=False).escalated == 1

    async def reconnect():
        for s in (store, other_store):
            async with running_engine(s, url) as engine:
                await wait_for(online_and_drained(engine), 5, "the escalation is pushed")
        for s in (store, other_store):
            await pull_into(s, url)

    asyncio.run(reconnect())
    results = outbox_results(other_store)
    assert "rejected" not in results and "merged" in results  # its duplicate rows were recognised
    for s in (store, other_store):
        task = s.get("task", urban["id"])
        assert (task["org_unit"], task["escalations"]) == ("310101002", 1)
        notices = s.query("SELECT org_unit FROM notices WHERE task_id = ?", [urban["id"]])
        assert sorted(n["org_unit"] for n in notices) == ["310101002", COMMUNITY]
        assert len(s.query("SELECT id FROM log WHERE kind = 'escalation'")) == 1


def test_decisions_reports_and_log_reach_a_fresh_client(store, other_store, catalog, platform_proc):
    incident = setup_room(store, catalog)
    ops = integrated.decide_response_level(incident, catalog, store.clock.now_ms(), level="2",
                                           plan=catalog.plans["flood"], open_tasks=store.tasks_for(incident["id"]),
                                           user="zhang", role="commander", reason="积水上涨")
    store.execute(ops)
    store.execute(integrated.submit_report(store.get("incident", incident["id"]), [], store.clock.now_ms(),
                                           kind="initial", text="初报", author="li"))

    async def main():
        async with running_engine(store, platform_proc.url) as engine:
            await wait_for(online_and_drained(engine), 5, "pushed")
        await pull_into(other_store, platform_proc.url)

    asyncio.run(main())
    assert set(outbox_results(store)) == {"applied"}
    row = other_store.get("incident", incident["id"])
    assert (row["response_level"], row["response_plan"]) == ("2", "flood")
    assert len(other_store.tasks_for(incident["id"])) == len(store.tasks_for(incident["id"])) > 2
    assert other_store.query("SELECT kind, text FROM reports")[0]["text"] == "初报"
    log = other_store.query("SELECT kind, user, text FROM log")
    assert log[0]["kind"] == "response_level" and log[0]["user"] == "zhang" and "积水上涨" in log[0]["text"]
