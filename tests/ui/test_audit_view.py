"""The audit view on a real store: newest first with words for the actions, filters, paging
as the table scrolls, refresh on commits, the chain check and the CSV export."""
from __future__ import annotations

import sqlite3

import pytest

from commandcenter.domain import commands as c
from commandcenter.domain import integrated as g
from commandcenter.domain.roles import Seat
from commandcenter.ui.audit_view import PAGE, AuditView


def report(store, clock, n, user=None, title="积水"):
    for i in range(n):
        clock.advance(1000)
        store.execute(c.report_incident(clock.now_ms(), title=f"{title} {i}", category="water", severity="IV",
                                        org_unit="310101", lon=121.47, lat=31.23, incident_id=f"{title}-{i}"),
                      user=user)


@pytest.fixture
def view(qtbot, store, hooks):
    v = AuditView(store, hooks)
    qtbot.addWidget(v)
    v.resize(1200, 600)
    v.show()
    yield v
    v.teardown_hooks()


def cell(v, row, col):
    return v.model.index(row, col).data()


def test_newest_first_with_time_user_action_words_and_summary(qtbot, store, hooks, clock, view):
    report(store, clock, 2)
    row = store.get("incident", "积水-1")
    store.execute(c.transition("incident", row, "verify", clock.now_ms()), user="王五",
                  seat=Seat(role="dispatcher"))
    assert view.model.rowCount() == 3  # refreshed on the commit
    assert cell(view, 0, 0) == 3 and cell(view, 0, 2) == "王五"
    assert cell(view, 0, 1) == "2026-07-15 10:00:02"  # +08:00
    assert cell(view, 0, 4) not in ("", "incident.verify") and "·" in cell(view, 0, 4)
    assert cell(view, 0, 3) != ""  # the dispatcher's role is shown
    assert cell(view, 2, 3) == ""  # the default commander is not
    assert "status=verifying" in cell(view, 0, 7)
    assert "title=积水 0" in cell(view, 2, 7)


def test_filters_by_user_action_text_and_entity(qtbot, store, clock, view):
    report(store, clock, 3)
    report(store, clock, 2, user="王五", title="火情")
    view.refresh()
    view.user_box.setCurrentIndex(view.user_box.findData("王五"))
    assert view.model.rowCount() == 2
    view.user_box.setCurrentIndex(0)
    view.search.setText("火情 1")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert cell(view, 0, 6) == "火情-1"
    view.search.setText("")
    qtbot.waitUntil(lambda: view.model.rowCount() == 5)
    store.execute(g.write_log(clock.now_ms(), text="现场指挥部已设立", incident_id="积水-0"))
    assert view.model.rowCount() == 6
    assert view.action_box.findData("task.") == -1  # only kinds the log holds are offered
    view.action_box.setCurrentIndex(view.action_box.findData("log."))
    assert view.model.rowCount() == 1 and "现场指挥部已设立" in cell(view, 0, 7)
    view.action_box.setCurrentIndex(view.action_box.findData("incident.report"))
    assert view.model.rowCount() == 5
    view.action_box.setCurrentIndex(0)
    view.entity_box.setCurrentIndex(view.entity_box.findData("log"))
    assert view.model.rowCount() == 1


def test_time_range_uses_the_store_clock(qtbot, store, clock, view):
    report(store, clock, 2)
    clock.advance(2 * 3_600_000)
    report(store, clock, 1, title="新")
    view.refresh()
    view.range_box.setCurrentIndex(1)  # last hour
    assert view.model.rowCount() == 1 and cell(view, 0, 6) == "新-0"
    view.range_box.setCurrentIndex(0)
    assert view.model.rowCount() == 3


def test_pages_are_fetched_as_the_table_scrolls(qtbot, store, clock, view):
    report(store, clock, PAGE + 50)
    view.refresh()
    assert view.model.rowCount() == PAGE and view.model.canFetchMore()
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.rowCount() == PAGE + 50)
    assert not view.model.canFetchMore()
    assert [cell(view, r, 0) for r in (0, PAGE - 1, PAGE, PAGE + 49)] == [PAGE + 50, 51, 50, 1]


def test_a_hidden_view_refreshes_when_shown(qtbot, store, clock, view):
    view.hide()
    report(store, clock, 2)
    assert view.model.rowCount() == 0
    view.show()
    assert view.model.rowCount() == 2


def test_verify_says_intact_or_names_the_first_bad_entry(qtbot, store, clock, view, tmp_path):
    report(store, clock, 3)
    with qtbot.waitSignal(view.verified) as intact:
        view.verify_button.click()
    assert intact.args[0] is True and "3" in view.status.text()
    raw = sqlite3.connect(tmp_path / "cache.db")
    raw.execute("UPDATE audit SET detail = replace(detail, '积水 1', '火情') WHERE seq = 2")
    raw.commit()
    raw.close()
    with qtbot.waitSignal(view.verified) as broken:
        view.verify_button.click()
    assert broken.args[0] is False
    assert "2" in view.status.text() and "积水-1" in view.status.text()


def test_export_writes_what_the_filters_select(qtbot, store, clock, view, tmp_path):
    report(store, clock, 3)
    report(store, clock, 2, user="王五", title="火情")
    view.refresh()
    view.user_box.setCurrentIndex(view.user_box.findData("王五"))
    out = tmp_path / "audit.csv"
    assert view.export_csv(out) == 2
    lines = out.read_bytes().decode("utf-8-sig").splitlines()
    assert len(lines) == 3 and all(",王五," in line for line in lines[1:])
    assert str(out) in view.status.text()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
