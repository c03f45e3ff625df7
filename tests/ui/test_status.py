"""The connection indicator says what the sync engine and the outbox say."""
from __future__ import annotations

from datetime import datetime

import pytest

from commandcenter.domain import commands
from commandcenter.domain.hooks import ConnectionStatus
from commandcenter.domain.levels import COLOUR_HEX
from commandcenter.ui.status import ConnectionIndicator


@pytest.fixture
def indicator(qtbot, store, hooks, clock):
    widget = ConnectionIndicator(store, hooks, clock)
    qtbot.addWidget(widget)
    yield widget
    widget.teardown_hooks()


def test_offline_with_pending_operations(indicator, hooks, clock):
    hooks.connection_did_change(ConnectionStatus("offline", 3, None))
    assert indicator.state_text() == "Offline"
    assert indicator.pending_text() == "3 pending"
    assert indicator.last_sync_text() == "Never synced"
    assert indicator.state_colour() == COLOUR_HEX["orange"]


def test_online_after_a_sync_shows_the_time(indicator, hooks, clock, qtbot):
    with qtbot.waitSignal(indicator.state_changed, timeout=500) as blocker:
        hooks.connection_did_change(ConnectionStatus("online", 0, clock.now_ms()))
    assert blocker.args == ["online"]
    assert indicator.state_text() == "Online"
    assert indicator.pending_text() == "0 pending"
    expected = datetime.fromtimestamp(clock.now_ms() / 1000).strftime("%H:%M:%S")
    assert expected in indicator.last_sync_text()
    assert indicator.state_colour() == COLOUR_HEX["green"]


def test_a_sync_days_ago_shows_its_date(indicator, hooks, clock):
    synced = clock.now_ms()
    clock.advance(3 * 24 * 3600_000)
    hooks.connection_did_change(ConnectionStatus("offline", 7, synced))
    assert datetime.fromtimestamp(synced / 1000).strftime("%Y-%m-%d") in indicator.last_sync_text()


def test_an_error_turns_it_red_and_is_explained(indicator, hooks):
    hooks.connection_did_change(ConnectionStatus("offline", 1, None, error="connection refused"))
    assert indicator.state_colour() == COLOUR_HEX["red"]
    assert "connection refused" in indicator.toolTip()


def test_a_local_command_counts_as_pending_at_once(indicator, store, clock):
    assert indicator.pending_text() == "0 pending"
    store.execute(
        commands.report_incident(
            clock.now_ms(), title="测试", category="flood", severity="IV",
            org_unit="310000", lon=121.4, lat=31.2,
        )
    )
    assert indicator.pending() == 1
    assert indicator.pending_text() == "1 pending"


def test_mode_label(indicator):
    assert indicator.mode() == ""
    indicator.set_mode("演练 EXERCISE")
    assert indicator.mode() == "演练 EXERCISE"
    assert not indicator._mode_label.isHidden()
    indicator.set_mode("")
    assert indicator._mode_label.isHidden()


def test_an_indicator_deleted_without_teardown_stops_listening(qtbot, store, hooks, clock):
    widget = ConnectionIndicator(store, hooks, clock)
    widget.deleteLater()
    qtbot.waitUntil(lambda: len(hooks.connection_did_change) == 0, timeout=1000)
    assert len(hooks.changes_did_commit) == 0
    hooks.connection_did_change(ConnectionStatus("online", 0, clock.now_ms()))
