""""What changed while you were away": the summary after the link comes back."""
from __future__ import annotations

from commandcenter.domain.hooks import ConnectionStatus
from commandcenter.store.away import AwayTracker, summarize

HOUR = 3_600_000


def _doc(entity, id_, version=1, **fields):
    return {"entity": entity, "doc": {"id": id_, "version": version, **fields}}


def _incident(id_, reported_ms, status="reported", title="积水", version=1):
    return _doc("incident", id_, version, title=title, category="waterlogging", severity="II", status=status,
                generation=0, org_unit="310101", lon=121.4, lat=31.2, reported_ms=reported_ms, updated_ms=reported_ms)


def _task(id_, incident_id, dispatched_ms, updated_ms, escalations=0, level="district"):
    return _doc("task", id_, incident_id=incident_id, department="water", org_unit="310101", level=level,
                status="dispatched", dispatched_ms=dispatched_ms, updated_ms=updated_ms, escalations=escalations)


def _alarm(id_, raised_ms):
    return _doc("alarm", id_, indicator="rain_1h", org_unit="310101", colour="red", status="open",
                raised_ms=raised_ms, updated_ms=raised_ms)


def _pull(store, changes, cursor):
    store.apply_pull(changes, cursor, "epoch-1")


def test_after_two_days_offline_the_summary_says_what_arrived(store, hooks, clock):
    seen = []
    tracker = AwayTracker(store, seen.append)
    hooks.connection_did_change.append(tracker.connection_changed)
    hooks.changes_did_commit.append(tracker.changes_committed)
    t0 = clock.now_ms()
    _pull(store, [_incident("i-old", t0 - HOUR, title="旧事件")], 1)  # known before the outage
    hooks.connection_did_change(ConnectionStatus("online", 0, t0))
    hooks.connection_did_change(ConnectionStatus("offline", 0, t0))
    clock.advance(48 * HOUR)
    back = clock.now_ms()
    hooks.connection_did_change(ConnectionStatus("syncing", 0, t0))
    _pull(store, [
        _incident("i-old", t0 - HOUR, status="closed", title="旧事件", version=2),
        _incident("i-new", back - HOUR, title="新事件"),
        _task("t-new", "i-new", back - HOUR, back - HOUR),
        _task("t-esc", "i-new", back - 2 * HOUR, back - 30 * 60_000, escalations=1, level="city"),
        _alarm("a-red", back - 3 * HOUR),
    ], 6)
    assert seen == []  # not before the catch-up is over
    hooks.connection_did_change(ConnectionStatus("online", 0, back))
    [summary] = seen
    assert summary.via == "link" and summary.away_ms == back - t0
    assert summary.counts == {"incident": 2, "task": 1, "escalation": 1, "alarm": 1}
    by_id = {item.entity_id: item for item in summary.items}
    assert by_id["i-new"].new and not by_id["i-old"].new and "closed" in by_id["i-old"].detail
    assert by_id["t-esc"].kind == "escalation" and by_id["t-esc"].incident_id == "i-new"
    assert summary.items[0].kind == "escalation"  # the most urgent first
    # the next change notice while online is not another summary
    hooks.connection_did_change(ConnectionStatus("syncing", 0, back))
    _pull(store, [_incident("i-3", back, title="又一个")], 7)
    hooks.connection_did_change(ConnectionStatus("online", 0, back))
    assert len(seen) == 1


def test_a_short_blip_or_a_first_sync_makes_no_summary(store, hooks, clock):
    seen = []
    tracker = AwayTracker(store, seen.append)
    hooks.changes_did_commit.append(tracker.changes_committed)
    # a brand-new cache: everything is new, nothing was missed
    tracker.connection_changed(ConnectionStatus("syncing", 0))
    _pull(store, [_incident("i-1", clock.now_ms())], 1)
    tracker.connection_changed(ConnectionStatus("online", 0, clock.now_ms()))
    assert seen == []
    tracker.connection_changed(ConnectionStatus("offline", 0))
    clock.advance(20_000)  # 20 s away
    tracker.connection_changed(ConnectionStatus("syncing", 0))
    _pull(store, [_incident("i-2", clock.now_ms())], 2)
    tracker.connection_changed(ConnectionStatus("online", 0, clock.now_ms()))
    assert seen == []


def test_an_imported_bundle_is_summarised_at_once(store, clock):
    seen = []
    tracker = AwayTracker(store, seen.append)
    _pull(store, [_incident("i-1", clock.now_ms() - HOUR)], 1)
    clock.advance(HOUR)
    from commandcenter.domain.hooks import ChangeSet

    store.conn.execute("UPDATE incidents SET status='responding' WHERE id='i-1'")
    tracker.changes_committed(ChangeSet({"incident": frozenset({"i-1"})}, origin="import"))
    [summary] = seen
    assert summary.via == "bundle" and summary.counts["incident"] == 1


def test_summarize_ignores_rows_that_are_gone(store, clock):
    summary = summarize(store, {"incident": {"nope"}, "task": {"nope"}}, 0, clock.now_ms())
    assert summary.empty and summary.items == ()


def test_our_own_work_coming_back_by_pull_is_not_news(store, clock):
    t = clock.now_ms()
    doc = _incident("i-mine", t - HOUR)
    doc["doc"]["hlc"] = f"{t:013d}:00000:{store.node_id}"
    other = _incident("i-theirs", t - HOUR)
    other["doc"]["hlc"] = f"{t:013d}:00000:another-node"
    _pull(store, [doc, other], 2)
    summary = summarize(store, {"incident": {"i-mine", "i-theirs"}}, t - 2 * HOUR, t)
    assert [item.entity_id for item in summary.items] == ["i-theirs"]
