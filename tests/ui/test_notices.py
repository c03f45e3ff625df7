"""The notices and command-log docks, and the seat menu: what each seat sees and may do."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from commandcenter.domain import commands, integrated
from commandcenter.domain.roles import Seat
from commandcenter.store.escalation import sweep
from commandcenter.ui.notices import CommandLogPanel, NoticesPanel

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

COMMUNITY = "310101002001"


@pytest.fixture
def escalated(store, catalog, clock):
    """Water (lead) signs for, urban management lets it run overdue: one escalation."""
    op = commands.report_incident(clock.now_ms(), title="下立交积水", category="waterlogging", severity="II",
                                  org_unit=COMMUNITY, lon=121.476, lat=31.2298)
    store.execute(op)
    incident = store.get("incident", op.entity_id)
    store.execute(integrated.dispatch_joint(incident, catalog, clock.now_ms(), lead=("water", COMMUNITY),
                                            cooperating=[("urban_mgmt", COMMUNITY)]))
    tasks = {t["department"]: t for t in store.tasks_for(incident["id"])}
    store.execute(commands.task_action(tasks["water"], "accept", clock.now_ms()))
    clock.set_ms(tasks["urban_mgmt"]["accept_by_ms"] + 1)
    assert sweep(store, catalog, reports=False).escalated == 1
    return incident


def test_notices_arrive_bold_and_counted_and_can_be_marked_read(qtbot, catalog, store, hooks, clock, escalated):
    pokes = []
    panel = NoticesPanel(catalog, store, hooks, clock, poke=lambda: pokes.append(1))
    qtbot.addWidget(panel)
    assert panel.tree.topLevelItemCount() == 2 and panel.unread == 2
    first = panel.tree.topLevelItem(0)
    assert first.font(3).bold() and "升级" in first.text(3)
    notice_id = first.data(0, Qt.ItemDataRole.UserRole)
    with qtbot.waitSignal(panel.unread_changed, timeout=1000) as sig:
        panel.select(notice_id)
        panel.read_button.click()
    assert sig.args == [1]
    assert store.get("notice", notice_id)["read_by"] == store.user
    assert pokes == [1]  # the read receipt goes out now, not with the next other command
    bold = [panel.tree.topLevelItem(i).font(3).bold() for i in range(2)]
    assert sorted(bold) == [False, True]
    # a department seat sees its own department's notices only
    store.seat = Seat("seat", "water")
    panel.refresh()
    assert panel.tree.topLevelItemCount() == 0
    store.seat = Seat("observer")
    panel.refresh()
    panel.select(panel.tree.topLevelItem(1).data(0, Qt.ItemDataRole.UserRole))
    assert not panel.read_button.isEnabled()  # an observer changes nothing
    panel.teardown_hooks()


def test_the_command_log_lists_decisions_and_filters(qtbot, catalog, store, hooks, clock, escalated):
    panel = CommandLogPanel(catalog, store, hooks)
    qtbot.addWidget(panel)
    assert panel.row_count() == 1 and "升级" in panel.tree.topLevelItem(0).text(3)
    clock.advance(60_000)  # a later decision: newest first
    ops = integrated.decide_response_level(escalated, catalog, clock.now_ms(), level="3", plan=catalog.plans["flood"],
                                           open_tasks=store.tasks_for(escalated["id"]), user="zhang", role="commander")
    store.execute(ops)
    qtbot.waitUntil(lambda: panel.row_count() == 2, timeout=2000)  # refreshed on the commit
    assert "zhang" in panel.tree.topLevelItem(0).text(2)
    panel.kind_combo.setCurrentIndex(panel.kind_combo.findData("escalation"))
    assert panel.row_count() == 1
    panel.kind_combo.setCurrentIndex(0)
    panel.search.setText("三级")
    assert panel.row_count() == 1 and "三级" in panel.tree.topLevelItem(0).text(3)
    panel.search.setText("100%_")  # LIKE wildcards are literal
    assert panel.row_count() == 0
    panel.teardown_hooks()
