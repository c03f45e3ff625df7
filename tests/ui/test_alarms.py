"""The alarm list: open alarms worst first; acknowledge, dismiss with a reason, convert to an
incident pre-filled from the alarm; a new red alarm is announced once. Real store file; every
action lands in the audit log and the outbox."""
from __future__ import annotations

import pytest

from commandcenter.domain.hooks import ChangeSet
from commandcenter.ui.alarms import AlarmPanel

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def put_alarm(store, hooks, alarm_id, indicator, colour, status="raised", value=90.0, raised_ms=1_784_080_800_000):
    """An alarm row as the platform's pull delivers it (the platform raises alarms)."""
    store.conn.execute(
        "INSERT OR REPLACE INTO alarms (id, indicator, org_unit, colour, status, value, raised_ms, updated_ms, version)"
        " VALUES (?,?,?,?,?,?,?,?,1)",
        (alarm_id, indicator, "310101", colour, status, value, raised_ms, raised_ms),
    )
    hooks.changes_did_commit(ChangeSet(entities={"alarm": frozenset({alarm_id})}))


@pytest.fixture
def panel(qtbot, catalog, store, hooks, clock):
    widget = AlarmPanel(catalog, store, hooks, clock)
    qtbot.addWidget(widget)
    widget.resize(800, 400)
    widget.show()
    yield widget
    widget.teardown_hooks()


def audit_actions(store):
    return [r["action"] for r in store.query("SELECT action FROM audit ORDER BY seq")]


def test_open_alarms_are_listed_worst_first_and_a_new_red_one_is_announced(qtbot, panel, store, hooks):
    put_alarm(store, hooks, "a-yellow", "wind_speed", "yellow", value=12.0)
    assert panel.ids() == ["a-yellow"] and panel.banner.isHidden()
    with qtbot.waitSignal(panel.red_alarm, timeout=1000) as blocker:
        put_alarm(store, hooks, "a-red", "rain_1h", "red", value=92.0)
    assert blocker.args == ["a-red"]
    assert panel.ids() == ["a-red", "a-yellow"]
    assert panel.banner.isVisible() and "1小时降雨量" in panel.banner.text()
    # acknowledging it answers it: the banner goes
    panel.select("a-red")
    assert panel.acknowledge("a-red") is True
    assert store.get("alarm", "a-red")["status"] == "acknowledged"
    assert panel.banner.isHidden()
    assert store.pending_count() >= 1  # queued for the platform


def test_dismiss_needs_a_reason_and_is_audited(panel, store, hooks):
    put_alarm(store, hooks, "a1", "aqi", "orange", value=170.0)
    before = len(audit_actions(store))
    assert panel.dismiss("a1", "") is False
    assert panel.message.isVisible() and "reason" in panel.message.text()
    assert store.get("alarm", "a1")["status"] == "raised" and len(audit_actions(store)) == before
    assert panel.dismiss("a1", "传感器检修") is True
    row = store.get("alarm", "a1")
    assert row["status"] == "dismissed" and row["reason"] == "传感器检修"
    assert len(audit_actions(store)) == before + 1
    assert "a1" not in panel.ids()


def test_convert_reports_a_prefilled_incident_and_links_it(qtbot, panel, store, hooks, catalog):
    put_alarm(store, hooks, "a2", "rain_1h", "red", value=92.0)
    with qtbot.waitSignal(panel.incident_created, timeout=1000) as blocker:
        incident_id = panel.convert("a2")
    assert blocker.args == [incident_id]
    incident = store.get("incident", incident_id)
    assert incident["category"] in catalog.event_types
    assert catalog.indicators["rain_1h"].name_zh in incident["title"]
    assert incident["org_unit"] in catalog.org_units
    alarm = store.get("alarm", "a2")
    assert alarm["status"] == "converted" and alarm["incident_id"] == incident_id
    assert "a2" not in panel.ids()


def test_an_alarm_that_turns_red_or_comes_back_raised_is_announced_again(qtbot, panel, store, hooks):
    put_alarm(store, hooks, "a1", "rain_1h", "yellow", value=40.0)
    with qtbot.waitSignal(panel.red_alarm, timeout=1000) as blocker:
        put_alarm(store, hooks, "a1", "rain_1h", "red", value=85.0)  # escalated while raised
    assert blocker.args == ["a1"] and panel.banner.isVisible()
    panel.acknowledge("a1")
    assert panel.banner.isHidden()
    # the platform raises it again after it was answered (a new generation): announced again
    store.conn.execute("UPDATE alarms SET status='raised', value=95.0, extra=? WHERE id='a1'", ('{"generation": 1}',))
    with qtbot.waitSignal(panel.red_alarm, timeout=1000):
        hooks.changes_did_commit(ChangeSet(entities={"alarm": frozenset({"a1"})}))
    assert panel.banner.isVisible()
