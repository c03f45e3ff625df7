"""The platform's storage: idempotent push, validated transitions, per-field LWW, paging."""
from __future__ import annotations

import pytest

from commandcenter.domain import commands
from commandcenter.domain.clock import ManualClock
from commandcenter.platform.storage import PRUNE_EVERY_S, SIM_NODE, PlatformStorage
from commandcenter.store import Store
from commandcenter.sync.protocol import WireOp

COMMUNITY = "310101002001"
START_MS = 1_784_080_800_000


@pytest.fixture
def storage(platform_db):
    """On SQLite and on PostgreSQL (tests/platform_fixtures.py)."""
    s = PlatformStorage(platform_db)
    yield s
    s.close()


@pytest.fixture
def node_a(tmp_path):
    """A client cache, the real source of operations."""
    s = Store(tmp_path / "a.db", clock=ManualClock(START_MS), user="alice")
    yield s
    s.close()


@pytest.fixture
def node_b(tmp_path):
    s = Store(tmp_path / "b.db", clock=ManualClock(START_MS), user="bob")
    yield s
    s.close()


def report(store: Store, title: str = "积水 Waterlogging") -> str:
    op = commands.report_incident(
        store.clock.now_ms(), title=title, category="waterlogging", severity="III",
        org_unit=COMMUNITY, lon=121.476, lat=31.2298,
    )
    store.execute(op)
    return op.entity_id


def dispatch(store: Store, incident_id: str, catalog) -> commands.Op:
    return commands.dispatch_task(
        store.get("incident", incident_id), catalog, START_MS, department="water", org_unit=COMMUNITY
    )


def act(store: Store, incident_id: str, action: str) -> None:
    row = store.get("incident", incident_id)
    if action == "reopen":
        store.execute(commands.reopen_incident(row, store.clock.now_ms()))
    else:
        store.execute(commands.transition("incident", row, action, store.clock.now_ms()))


def outbox(store: Store) -> list[WireOp]:
    return [WireOp.model_validate(op) for op in store.pending_ops(1000)]


def sync(store: Store, storage: PlatformStorage) -> list:
    """What the engine does, without HTTP: push the outbox, then pull everything."""
    results = storage.push(outbox(store))
    store.record_push_results([r.model_dump() for r in results])
    page = storage.pull(store.cursor, 1000)
    store.apply_pull([c.model_dump() for c in page.changes], page.next, page.epoch)
    return results


def test_replaying_a_batch_applies_each_operation_once(storage, node_a, catalog):
    iid = report(node_a)
    node_a.execute(dispatch(node_a, iid, catalog))
    act(node_a, iid, "verify")
    batch = outbox(node_a)

    first = storage.push(batch)
    replays = [storage.push(batch) for _ in range(3)]

    assert [r.result for r in first] == ["applied"] * 3
    assert all(r == first for r in replays)
    assert storage.seq == 3  # one change per operation, none from the replays
    page = storage.pull(0, 100)
    # the feed gives the newest document of each entity: the incident once, as verifying
    assert sorted(c.entity for c in page.changes) == ["incident", "task"]
    assert storage.get("incident", iid)["status"] == "verifying"
    assert storage.op_count(node_a.node_id) == 3


def test_pull_gives_the_newest_document_of_each_entity_in_commit_order(storage, node_a, catalog):
    iid = report(node_a)
    node_a.execute(dispatch(node_a, iid, catalog))
    act(node_a, iid, "verify")
    storage.push(outbox(node_a))
    page = storage.pull(0, 100)
    assert [(c.entity, c.seq) for c in page.changes] == [("task", 2), ("incident", 3)]
    assert page.changes[1].doc["status"] == "verifying" and page.next == 3
    assert storage.pull(2, 100).changes[0].seq == 3  # a client at seq 2 gets only the newer one


def test_the_feed_keeps_one_row_per_entity_and_an_old_cursor_still_gets_the_newest(storage, node_a):
    iid = report(node_a)
    storage.push(outbox(node_a))
    for action in ("verify", "confirm", "respond", "contain"):
        act(node_a, iid, action)
        storage.push(outbox(node_a))
    rows = storage._conn.execute("SELECT COUNT(*) FROM changes WHERE entity_id = ?", (iid,)).fetchone()[0]
    assert rows == 1  # not five: the table does not grow with each change
    (change,) = storage.pull(0, 100).changes
    assert change.doc["status"] == "contained" and change.seq == storage.seq == 5
    assert storage.pull(1, 100).changes[0].doc["status"] == "contained"
    assert storage.pull(5, 100).changes == []


def test_same_key_with_another_payload_is_rejected_and_changes_nothing(storage, node_a):
    iid = report(node_a)
    storage.push(outbox(node_a))
    act(node_a, iid, "verify")
    honest = outbox(node_a)[-1]  # the verify, local_seq 2
    forged = honest.model_copy(update={"local_seq": 1, "op_id": f"{node_a.node_id}:1"})

    [result] = storage.push([forged])

    assert result.result == "rejected"
    assert result.reason == "op id reused with a different payload"
    assert storage.get("incident", iid)["status"] == "reported"
    assert storage.seq == 1


def test_an_allowed_transition_is_applied_and_a_late_one_is_a_conflict(storage, node_a, node_b):
    iid = report(node_a)
    sync(node_a, storage)
    sync(node_b, storage)  # B knows the incident as "reported"
    for action in ("verify", "confirm", "respond", "contain", "close"):
        act(node_a, iid, action)
    assert {r.result for r in sync(node_a, storage)} == {"applied"}

    act(node_b, iid, "verify")  # made offline, before B heard of the close
    [late] = storage.push(outbox(node_b))

    assert late.result == "conflict"
    assert "closed" in late.reason
    assert storage.get("incident", iid)["status"] == "closed"


def test_an_impossible_transition_is_rejected(storage, node_a):
    iid = report(node_a)
    storage.push(outbox(node_a))
    forged = WireOp(
        op_id="x:1", node_id="x", local_seq=1, entity="incident", entity_id=iid,
        op="incident.close", fields={"status": "closed"}, base_version=1,
        hlc=f"{START_MS + 1:013d}:00000:x", schema_version=1,
    )

    [result] = storage.push([forged])

    assert result.result == "rejected"
    assert storage.get("incident", iid)["status"] == "reported"


def test_reopen_raises_the_generation_and_makes_older_transitions_conflicts(storage, node_a, node_b):
    iid = report(node_a)
    act(node_a, iid, "cancel")
    sync(node_a, storage)
    sync(node_b, storage)
    act(node_b, iid, "reopen")  # B reopens ...
    act(node_a, iid, "reopen")  # ... and so does A, concurrently
    node_b.clock.advance(1000)

    [b_reopen] = storage.push(outbox(node_b))
    [a_reopen] = storage.push(outbox(node_a))

    assert b_reopen.result == "applied"
    assert a_reopen.result == "conflict"  # generation 1 exists already: no generation 2
    doc = storage.get("incident", iid)
    assert (doc["status"], doc["generation"]) == ("reported", 1)


def test_last_writer_wins_per_field_whatever_the_push_order(storage, node_a, node_b):
    iid = report(node_a)
    sync(node_a, storage)
    sync(node_b, storage)
    node_a.execute(commands.set_response_level(node_a.get("incident", iid), "3", START_MS))
    node_b.clock.advance(60_000)  # B decides a minute later
    node_b.execute(commands.set_response_level(node_b.get("incident", iid), "1", node_b.clock.now_ms()))

    [newer] = storage.push(outbox(node_b))
    [older] = storage.push(outbox(node_a))  # arrives last, but was decided first

    assert newer.result == "applied"
    assert older.result == "conflict"
    assert "response_level" in older.reason
    assert storage.get("incident", iid)["response_level"] == "1"


def test_edits_of_different_fields_both_survive(storage, node_a, node_b, catalog):
    iid = report(node_a)
    op = dispatch(node_a, iid, catalog)
    node_a.execute(op)
    node_a.execute(commands.task_action(node_a.get("task", op.entity_id), "accept", START_MS))
    sync(node_a, storage)
    sync(node_b, storage)
    task = node_a.get("task", op.entity_id)
    node_a.clock.advance(5_000)
    node_a.execute(
        commands.task_action(task, "request_extension", node_a.clock.now_ms(),
                             until_ms=task["finish_by_ms"] + 3_600_000, reason="水泵故障")
    )
    node_b.clock.advance(1_000)
    node_b.execute(commands.task_action(node_b.get("task", op.entity_id), "remind", node_b.clock.now_ms()))

    results = storage.push(outbox(node_a)) + storage.push(outbox(node_b))

    assert [r.result for r in results] == ["applied", "applied"]
    doc = storage.get("task", op.entity_id)
    assert doc["extension_reason"] == "水泵故障"
    assert doc["reminders"] == 1


def test_unknown_fields_are_kept(storage):
    op = WireOp(
        op_id="n:1", node_id="n", local_seq=1, entity="incident", entity_id="i-1",
        op="incident.report",
        fields={"title": "t", "status": "reported", "generation": 0, "casualties_est": 3},
        base_version=0, hlc=f"{START_MS:013d}:00000:n", schema_version=2,
    )
    storage.push([op])
    assert storage.pull(0, 10).changes[0].doc["casualties_est"] == 3


def test_pull_pages_come_in_commit_order(storage, node_a):
    ids = [report(node_a, f"事件 {i}") for i in range(7)]
    storage.push(outbox(node_a))

    pages, since = [], 0
    while True:
        page = storage.pull(since, 3)
        pages.append(page)
        since = page.next
        if not page.has_more:
            break

    assert [len(p.changes) for p in pages] == [3, 3, 1]
    assert [p.has_more for p in pages] == [True, True, False]
    seqs = [c.seq for p in pages for c in p.changes]
    assert seqs == sorted(seqs) and len(set(seqs)) == 7
    assert [c.entity_id for p in pages for c in p.changes] == ids
    empty = storage.pull(since, 3)
    assert (empty.changes, empty.next, empty.has_more) == ([], since, False)


def test_the_wire_text_of_a_pull_page_is_the_page(storage, node_a, catalog):
    """What the HTTP answer carries (made from the stored JSON, without re-encoding) parses
    to the same page as `pull`, Chinese text, stamps and authors included, on both databases."""
    from commandcenter.sync.protocol import PullResponse

    iid = report(node_a, "积水 \"深\" 30 cm")
    node_a.execute(dispatch(node_a, iid, catalog))
    storage.push(outbox(node_a))
    for since, limit in ((0, 1), (0, 5), (1, 5), (10**6, 5)):
        page = storage.pull(since, limit)
        assert PullResponse.model_validate_json(storage.pull_json(since, limit)) == page
    assert page.changes == [] and storage.pull(0, 5).changes[0].doc["title"] == '积水 "深" 30 cm'


def test_simulator_incidents_enter_through_the_push_path(storage):
    class Incident:
        at_s, type, severity, org_unit, lon, lat = 600.0, "waterlogging", "II", COMMUNITY, 121.476, 31.2298
        title_zh, title_en = "延安路积水", "Waterlogging on Yan'an Road"
        description_zh, description_en = "积水深约30厘米", "Water about 30 cm deep"

    first = storage.report_incident_from_simulator(Incident, START_MS, "rainstorm-day")
    second = storage.report_incident_from_simulator(Incident, START_MS)

    assert (first.op_id, second.op_id) == (f"{SIM_NODE}:1", f"{SIM_NODE}:2")
    docs = [c.doc for c in storage.pull(0, 10).changes]
    assert [d["title"] for d in docs] == ["延安路积水"] * 2
    assert docs[0]["title_en"] == "Waterlogging on Yan'an Road"
    assert docs[0]["description"] == "积水深约30厘米"
    assert docs[0]["category"] == "waterlogging"
    assert docs[0]["scenario"] == "rainstorm-day"


def test_epoch_survives_reopening_the_file(tmp_path):
    first = PlatformStorage(tmp_path / "p.db")
    epoch = first.epoch
    first.close()
    again = PlatformStorage(tmp_path / "p.db")
    try:
        assert again.epoch == epoch
    finally:
        again.close()
    fresh = PlatformStorage(tmp_path / "other.db")
    try:
        assert fresh.epoch != epoch
    finally:
        fresh.close()


def test_a_transition_made_before_a_reopen_is_a_conflict(storage, node_a, node_b):
    iid = report(node_a)
    sync(node_a, storage)
    sync(node_b, storage)
    act(node_b, iid, "verify")  # B, offline, works on the first life of the incident
    node_a.clock.advance(10_000)
    act(node_a, iid, "cancel")
    act(node_a, iid, "reopen")
    sync(node_a, storage)

    [stale] = storage.push(outbox(node_b))

    assert stale.result == "conflict"
    doc = storage.get("incident", iid)
    assert (doc["status"], doc["generation"]) == ("reported", 1)


def test_history_returns_a_window_and_old_samples_are_pruned(tmp_path):
    """Samples older than the retention go at the first write and then at most every
    PRUNE_EVERY_S of the storage's clock (a fake one here: no real time in the logic)."""
    now = [5.0]  # seconds since boot: a machine up for less than PRUNE_EVERY_S still prunes
    storage = PlatformStorage(tmp_path / "p.db", sample_retention_ms=10_000, monotonic=lambda: now[0])
    try:
        storage.add_samples([("rain_1h", START_MS + i * 1000, float(i)) for i in range(5)])
        window = storage.history("rain_1h", START_MS + 1000, START_MS + 3000)
        assert [s.value for s in window] == [1.0, 2.0, 3.0]
        assert storage.history("aqi") == []

        now[0] += PRUNE_EVERY_S - 1  # too soon to prune again: the old samples stay
        storage.add_samples([("rain_1h", START_MS + 12_500, 9.0)])
        assert [s.value for s in storage.history("rain_1h")] == [0.0, 1.0, 2.0, 3.0, 4.0, 9.0]

        now[0] += 2  # past PRUNE_EVERY_S: older than 10 s before the newest sample go
        storage.add_samples([("rain_1h", START_MS + 12_600, 9.5)])
        assert [s.value for s in storage.history("rain_1h")] == [3.0, 4.0, 9.0, 9.5]
    finally:
        storage.close()


def test_the_first_write_prunes_whatever_the_clock_says(tmp_path):
    for boot_s in (0.0, 1.0, 1e7):
        storage = PlatformStorage(tmp_path / f"p{boot_s}.db", sample_retention_ms=1000, monotonic=lambda: boot_s)
        try:
            storage.add_samples([("rain_1h", START_MS, 1.0), ("rain_1h", START_MS + 5000, 2.0)])
            assert [s.value for s in storage.history("rain_1h")] == [2.0], boot_s
        finally:
            storage.close()


def test_history_of_all_indicators_in_time_order_with_a_limit(storage):
    storage.add_samples([("rain_1h", 1000 + i, float(i)) for i in range(5)]
                        + [("traffic_index", 1000 + i, 2.0) for i in range(5)])
    every = storage.history(None, since_ms=1002)
    assert [(s.indicator, s.ts_ms) for s in every[:2]] == [("rain_1h", 1002), ("traffic_index", 1002)]
    assert len(every) == 6
    assert len(storage.history(None, since_ms=0, limit=3)) == 3
    assert {s.indicator for s in storage.history("rain_1h", 0)} == {"rain_1h"}
