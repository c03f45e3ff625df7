"""The Sync dock: pending operations, conflicts with both values and the two answers, and
"what changed while you were away" with links into the board."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from commandcenter.domain import commands as c
from commandcenter.domain.hooks import ConnectionStatus
from commandcenter.ui.sync_panel import SyncPanel

HOUR = 3_600_000


@pytest.fixture
def panel(qtbot, store, hooks, clock, catalog):
    widget = SyncPanel(store, hooks, clock, catalog=catalog)
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    yield widget
    widget.teardown_hooks()


def _report(store, title):
    op = c.report_incident(store.clock.now_ms(), title=title, category="waterlogging", severity="II",
                           org_unit="310101", lon=121.49, lat=31.23)
    store.execute(op)
    return store.get("incident", op.entity_id)


def _conflict(store, row, mine, theirs):
    op = c.Op("incident", row["id"], "incident.update", {"description": mine}, row["version"])
    store.execute(op)
    op_id = store.pending_ops()[-1]["op_id"]
    store.record_push_results([{"op_id": op_id, "result": "acked-for-test"}])
    store.conn.execute(
        "INSERT INTO conflicts(entity, entity_id, field, local_value, remote_value, author, at_ms, op_id, kind) "
        "VALUES('incident', ?, 'description', ?, ?, '中心 李明', ?, ?, 'conflict: the platform has newer values of description')",
        (row["id"], json.dumps(mine, ensure_ascii=False), json.dumps(theirs, ensure_ascii=False), store.clock.now_ms(), op_id))
    store.conn.execute("UPDATE incidents SET description=? WHERE id=?", (theirs, row["id"]))


def test_pending_operations_are_listed_while_offline(panel, store, hooks, qtbot):
    hooks.connection_did_change(ConnectionStatus("offline", 0, None, error="connection refused"))
    for title in ("一号", "二号", "三号"):
        _report(store, title)
    qtbot.waitUntil(lambda: panel.pending_rows() == 3, timeout=3000)
    assert panel.pending_box.title() == "Pending (3)"
    items = [panel.pending_table.item(i, 2).text() for i in range(3)]
    assert items == ["一号", "二号", "三号"]
    assert panel.pending_table.item(0, 4).text() == "this post"
    assert "Offline" in panel.header.text() and "connection refused" in panel.header.text()
    assert store.node_id[:13] in panel.header.text()


def test_a_conflict_shows_both_values_and_accept_theirs_settles_it(panel, store, qtbot):
    row = _report(store, "贵州路积水")
    _conflict(store, row, "水深30厘米", "水深50厘米")
    panel.refresh()
    assert panel.conflict_box.title() == "Conflicts (1)"
    [texts] = panel.conflict_texts()
    assert texts[1:6] == ["贵州路积水", "Description", "水深30厘米", "水深50厘米", "中心 李明"]
    assert not panel.accept_button.isEnabled()
    panel.conflict_table.selectRow(0)
    assert panel.accept_button.isEnabled() and panel.reapply_button.isEnabled()
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    assert panel.conflict_texts() == [] and panel.conflict_box.title() == "Conflicts (0)"
    assert store.query("SELECT action FROM audit ORDER BY seq DESC LIMIT 1")[0]["action"] == "conflict.accept_theirs"
    assert store.get("incident", row["id"])["description"] == "水深50厘米"


def test_reapply_mine_queues_my_value_again(panel, store, qtbot):
    row = _report(store, "贵州路积水")
    _conflict(store, row, "水深30厘米", "水深50厘米")
    panel.refresh()
    pending = store.pending_count()
    panel.conflict_table.selectRow(0)
    qtbot.mouseClick(panel.reapply_button, Qt.MouseButton.LeftButton)
    assert store.pending_count() == pending + 1
    assert store.get("incident", row["id"])["description"] == "水深30厘米"
    qtbot.waitUntil(lambda: panel.pending_box.title() == f"Pending ({pending + 1})", timeout=3000)
    assert panel.conflict_texts() == []


def test_a_status_conflict_offers_accept_only(panel, store):
    row = _report(store, "停电")
    store.conn.execute(
        "INSERT INTO conflicts(entity, entity_id, field, local_value, remote_value, author, at_ms, op_id, kind) "
        "VALUES('incident', ?, 'status', '\"responding\"', '\"closed\"', 'center', 1, 'x:9', 'conflict: already closed')",
        (row["id"],))
    panel.refresh()
    panel.conflict_table.selectRow(0)
    assert panel.accept_button.isEnabled() and not panel.reapply_button.isEnabled()
    assert panel.reapply_selected() is False


def test_what_changed_while_away_links_into_the_board(panel, store, hooks, clock, qtbot):
    t0 = clock.now_ms()
    store.apply_pull([{"entity": "incident", "doc": {
        "id": "i-0", "version": 1, "title": "旧", "category": "waterlogging", "severity": "III", "status": "reported",
        "generation": 0, "org_unit": "310101", "lon": 121.4, "lat": 31.2, "reported_ms": t0, "updated_ms": t0}}], 1, "e")
    hooks.connection_did_change(ConnectionStatus("offline", 0, t0))
    clock.advance(26 * HOUR)
    now = clock.now_ms()
    hooks.connection_did_change(ConnectionStatus("syncing", 0, t0))
    store.apply_pull([{"entity": "incident", "doc": {
        "id": "i-1", "version": 1, "title": "南京路倒树", "category": "fallen_tree", "severity": "II", "status": "reported",
        "generation": 0, "org_unit": "310101", "lon": 121.4, "lat": 31.2, "reported_ms": now - HOUR, "updated_ms": now - HOUR}}],
        2, "e")
    hooks.connection_did_change(ConnectionStatus("online", 0, now))
    assert panel.away_box.title() == "While you were away (1)"
    assert panel.away_label.text().startswith("While you were away (1 d 2 h): 1 incidents")
    [text] = panel.away_texts()
    assert "南京路倒树" in text and "new" in text
    with qtbot.waitSignal(panel.incident_selected, timeout=1000) as blocker:
        panel._on_away_item(panel.away_list.item(0))
    assert blocker.args == ["i-1"]
