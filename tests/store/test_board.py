"""The board's queries on a real Store file with known rows: filters, order, counts, KPIs."""
from __future__ import annotations

import pytest

from commandcenter.domain import commands
from commandcenter.store import board as qb

MIN = 60_000
COMMUNITY = "310101002001"  # 贵州居委会, under 南京东路街道 (310101002), 黄浦区 (310101)
STREET = "310101002"
OTHER_STREET = "310101018"  # 豫园街道, also 黄浦区


def report(store, clock, severity="II", category="building_fire", org_unit=STREET, title="火灾"):
    op = commands.report_incident(clock.now_ms(), title=title, category=category, severity=severity,
                                  org_unit=org_unit, lon=121.48, lat=31.24)
    store.execute(op)
    return store.get("incident", op.entity_id)


def dispatch(store, catalog, clock, incident, department="police", org_unit=STREET):
    op = commands.dispatch_task(incident, catalog, clock.now_ms(), department=department, org_unit=org_unit,
                                lead=True)
    store.execute(op)
    return store.get("task", op.entity_id)


def act(store, clock, task, *actions):
    for action in actions:
        store.execute(commands.task_action(store.get("task", task["id"]), action, clock.now_ms()))
    return store.get("task", task["id"])


def ids(page):
    return [r["id"] for r in page.rows]


@pytest.fixture
def city(store, catalog, clock):
    """A fire (II, accident) with police + fire tasks in 南京东路, a fallen tree (IV, natural)
    with a water task in 豫园's community, and one report nobody is dispatched to."""
    fire = report(store, clock)
    police = dispatch(store, catalog, clock, fire, "police")
    clock.advance(MIN)
    fire_task = dispatch(store, catalog, clock, fire, "fire", COMMUNITY)
    tree = report(store, clock, severity="IV", category="fallen_tree", org_unit=OTHER_STREET, title="倒树")
    water = dispatch(store, catalog, clock, tree, "water", "310101018001")
    waiting = report(store, clock, title="等待派单")
    return {"fire": fire, "police": police, "fire_task": fire_task, "tree": tree, "water": water,
            "waiting": waiting}


def test_open_tasks_come_most_urgent_first_with_their_incident(store, clock, city):
    page = qb.open_tasks(store.conn, qb.BoardFilter(), clock.now_ms())
    # accident II: 20 min to accept; natural IV: 60 min. The police task was dispatched first.
    assert ids(page) == [city["police"]["id"], city["fire_task"]["id"], city["water"]["id"]]
    assert page.rows[0]["incident_title"] == "火灾"
    assert page.rows[0]["due_ms"] == city["police"]["accept_by_ms"]
    assert page.total == 3 and page.more == 0


def test_an_accepted_task_is_ordered_by_its_finish_deadline(store, clock, city):
    act(store, clock, city["police"], "accept")  # now 180 min to finish: last
    page = qb.open_tasks(store.conn, qb.BoardFilter(), clock.now_ms())
    assert ids(page)[-1] == city["police"]["id"]


def test_a_page_says_how_many_more_match(store, clock, city):
    page = qb.open_tasks(store.conn, qb.BoardFilter(), clock.now_ms(), limit=2)
    assert len(page.rows) == 2 and page.total == 3 and page.more == 1


@pytest.mark.parametrize(
    "f, expected",
    [
        (qb.BoardFilter(department="fire"), ["fire_task"]),
        (qb.BoardFilter(severity="IV"), ["water"]),
        (qb.BoardFilter(level="community"), ["fire_task", "water"]),
        (qb.BoardFilter(statuses=("dispatched",)), ["police", "fire_task", "water"]),
    ],
)
def test_each_filter_narrows_the_page(store, clock, city, f, expected):
    page = qb.open_tasks(store.conn, f, clock.now_ms())
    assert ids(page) == [city[k]["id"] for k in expected]
    assert page.total == len(expected)


def test_category_filter_takes_an_event_type_or_its_category(store, catalog, clock, city):
    by_type = qb.BoardFilter(event_types=qb.event_types_of(catalog, "fallen_tree"))
    by_category = qb.BoardFilter(event_types=qb.event_types_of(catalog, "accident"))
    assert ids(qb.open_tasks(store.conn, by_type, clock.now_ms())) == [city["water"]["id"]]
    assert ids(qb.open_tasks(store.conn, by_category, clock.now_ms())) == [
        city["police"]["id"], city["fire_task"]["id"]]


def test_org_unit_filter_takes_the_whole_subtree(store, catalog, clock, city):
    street = qb.BoardFilter(org_units=qb.subtree(catalog, STREET))
    community = qb.BoardFilter(org_units=qb.subtree(catalog, COMMUNITY))
    assert ids(qb.open_tasks(store.conn, street, clock.now_ms())) == [city["police"]["id"], city["fire_task"]["id"]]
    assert ids(qb.open_tasks(store.conn, community, clock.now_ms())) == [city["fire_task"]["id"]]
    assert len(qb.open_tasks(store.conn, qb.BoardFilter(org_units=qb.subtree(catalog, "310000")),
                             clock.now_ms()).rows) == 3


def test_overdue_only_is_relative_to_now(store, clock, city):
    f = qb.BoardFilter(overdue_only=True)
    assert qb.open_tasks(store.conn, f, clock.now_ms()).rows == []
    clock.advance(20 * MIN)  # the police task's 20 min accept window has passed, not the fire one's
    assert ids(qb.open_tasks(store.conn, f, clock.now_ms())) == [city["police"]["id"]]


def test_done_tasks_are_not_on_the_page(store, clock, city):
    act(store, clock, city["water"], "accept", "feedback", "verify")
    assert city["water"]["id"] not in ids(qb.open_tasks(store.conn, qb.BoardFilter(), clock.now_ms()))


def test_awaiting_dispatch_lists_incidents_without_tasks_unless_a_task_filter_is_on(store, clock, city):
    assert [i["id"] for i in qb.awaiting_dispatch(store.conn, qb.BoardFilter())] == [city["waiting"]["id"]]
    assert qb.awaiting_dispatch(store.conn, qb.BoardFilter(department="police")) == []
    assert qb.awaiting_dispatch(store.conn, qb.BoardFilter(severity="IV")) == []


def test_department_matrix_counts_status_and_overdue(store, clock, city):
    act(store, clock, city["police"], "accept")
    clock.advance(21 * MIN)  # the fire task is not signed for in time
    m = qb.department_matrix(store.conn, qb.BoardFilter(), clock.now_ms(), since_ms=0)
    assert m.get("police", "accepted") == 1
    assert m.get("fire", "dispatched") == 1
    assert m.get("fire", "overdue") == 1 and m.get("police", "overdue") == 0
    assert m.get("water", "dispatched") == 1
    act(store, clock, city["water"], "accept", "feedback", "verify")
    m = qb.department_matrix(store.conn, qb.BoardFilter(), clock.now_ms(), since_ms=0)
    assert m.get("water", "verified") == 1 and m.get("water", "dispatched") == 0
    # done tasks count only when dispatched inside the window
    m = qb.department_matrix(store.conn, qb.BoardFilter(), clock.now_ms(), since_ms=clock.now_ms())
    assert m.get("water", "verified") == 0


def test_org_unit_counts_drill_down_city_district_street_community(store, catalog, clock, city):
    clock.advance(21 * MIN)  # police and fire tasks are overdue (not signed for), water is not
    now = clock.now_ms()
    top = qb.org_unit_counts(store.conn, catalog, None, qb.BoardFilter(), now)
    assert [(c.code, c.open, c.overdue) for c in top] == [("310000", 3, 2)]
    districts = {c.code: c for c in qb.org_unit_counts(store.conn, catalog, "310000", qb.BoardFilter(), now)}
    assert (districts["310101"].open, districts["310101"].overdue) == (3, 2)
    assert all(c.open == 0 for code, c in districts.items() if code != "310101")
    streets = {c.code: c for c in qb.org_unit_counts(store.conn, catalog, "310101", qb.BoardFilter(), now)}
    assert (streets[STREET].open, streets[STREET].overdue) == (2, 2)
    assert (streets[OTHER_STREET].open, streets[OTHER_STREET].overdue) == (1, 0)
    communities = {c.code: c for c in qb.org_unit_counts(store.conn, catalog, STREET, qb.BoardFilter(), now)}
    assert communities[COMMUNITY].open == 1 and communities[COMMUNITY].children == 0


def test_kpis_response_resolution_on_time_and_satisfaction(store, catalog, clock, city):
    start = clock.now_ms() - MIN
    act(store, clock, city["police"], "accept")  # signed for in time
    clock.advance(61 * MIN)  # fire (20 min) and water (60 min) not signed for in time
    act(store, clock, city["water"], "accept", "feedback", "verify")  # late accept, finished in time
    k = qb.kpis(store.conn, qb.BoardFilter(), clock.now_ms(), since_ms=start)
    assert (k.dispatched, k.open, k.overdue) == (3, 2, 1)
    assert (k.accepted_in_time, k.accept_due) == (1, 3)
    assert k.response_rate == pytest.approx(1 / 3)
    assert k.resolution_rate == pytest.approx(1 / 3)
    assert (k.finished_in_time, k.finished) == (1, 1) and k.on_time_rate == 1.0
    assert k.satisfaction_rate is None  # nobody asked yet: n/a, not 0 %
    store.conn.execute("UPDATE tasks SET satisfaction = 'unsatisfied' WHERE id = ?", (city["water"]["id"],))
    assert qb.kpis(store.conn, qb.BoardFilter(), clock.now_ms(), since_ms=start).satisfaction_rate == 0.0


def test_kpis_window_and_filters(store, catalog, clock, city):
    now = clock.now_ms()
    assert qb.kpis(store.conn, qb.BoardFilter(), now, since_ms=now + 1).dispatched == 0
    empty = qb.kpis(store.conn, qb.BoardFilter(), now, since_ms=now + 1)
    assert empty.response_rate is None and empty.resolution_rate is None and empty.on_time_rate is None
    assert qb.kpis(store.conn, qb.BoardFilter(department="water"), now + 1, since_ms=0).dispatched == 1


def test_kpis_without_a_satisfaction_column_say_n_a(tmp_path, catalog):
    import sqlite3

    conn = sqlite3.connect(tmp_path / "old.db")
    conn.execute("CREATE TABLE tasks (id, incident_id, department, org_unit, level, status, dispatched_ms, "
                 "accept_by_ms, finish_by_ms, accepted_ms, finished_ms, extension_until_ms)")
    conn.execute("INSERT INTO tasks VALUES ('t', 'i', 'police', 'x', 'street', 'closed', 0, 10, 20, 5, 15, NULL)")
    k = qb.kpis(conn, qb.BoardFilter(), 100, since_ms=0)
    assert k.satisfaction_rate is None and not k.satisfaction_known
    assert k.on_time_rate == 1.0 and k.response_rate == 1.0


def test_an_approved_extension_moves_the_finish_deadline(store, catalog, clock, city):
    task = act(store, clock, city["police"], "accept")
    store.conn.execute("UPDATE tasks SET extension_until_ms = ? WHERE id = ?",
                       (task["finish_by_ms"] + 60 * MIN, task["id"]))
    clock.advance(200 * MIN)  # past 180 min, inside the extension
    overdue = qb.open_tasks(store.conn, qb.BoardFilter(overdue_only=True), clock.now_ms())
    assert task["id"] not in ids(overdue)
    clock.advance(60 * MIN)
    act(store, clock, task, "feedback", "verify")  # finished after the extension ran out
    k = qb.kpis(store.conn, qb.BoardFilter(department="police"), clock.now_ms(), since_ms=0)
    assert (k.finished_in_time, k.finished) == (0, 1)


def test_the_page_walks_the_deadline_index(store):
    sql, params = qb.page_sql(qb.BoardFilter(), 0, 10)
    plan = " ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql, params))
    assert "tasks_open_due" in plan and "TEMP B-TREE" not in plan
    sql, params = qb.page_sql(qb.BoardFilter(department="police"), 0, 10)
    plan = " ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql, params))
    assert "tasks_open_department_due" in plan and "TEMP B-TREE" not in plan
