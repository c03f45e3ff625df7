"""The joint-command view of one incident as each seat sees it: the response level under a plan
dispatching its tasks, reports with their deadline, the command log, supervision and follow-up,
and only the actions the seat's role may take (the store refusing the rest is in
tests/store/test_escalation.py)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from commandcenter.domain import commands, integrated
from commandcenter.domain.roles import Seat
from commandcenter.domain.sla import MINUTE_MS
from commandcenter.ui import labels
from commandcenter.ui.incident_detail import IncidentDetail

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

COMMUNITY, STREET, DISTRICT = "310101002001", "310101002", "310101"


@pytest.fixture
def incident(store, clock):
    op = commands.report_incident(clock.now_ms(), title="延安路下立交积水", category="waterlogging", severity="II",
                                  org_unit=COMMUNITY, lon=121.476, lat=31.2298)
    store.execute(op)
    return store.get("incident", op.entity_id)


@pytest.fixture
def panel(qtbot, catalog, store, hooks, clock):
    made = []

    def make(seat=Seat()):
        store.seat = seat
        widget = IncidentDetail(catalog, store, hooks, clock)
        qtbot.addWidget(widget)
        widget.resize(1000, 1400)
        widget.show()
        qtbot.waitExposed(widget)
        made.append(widget)
        return widget

    yield make
    for w in made:
        w.teardown_hooks()


def click(qtbot, button):
    assert button is not None and button.isVisible(), "the button is not offered"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def choose(combo, data):
    i = combo.findData(data)
    assert i >= 0, f"{data!r} is not offered"
    combo.setCurrentIndex(i)


def joint(store, catalog, clock, incident):
    store.execute(integrated.dispatch_joint(incident, catalog, clock.now_ms(), lead=("water", COMMUNITY),
                                            cooperating=[("urban_mgmt", COMMUNITY)]))
    return {t["department"]: t for t in store.tasks_for(incident["id"])}


def test_the_commander_raises_the_level_and_the_plans_tasks_appear(panel, store, catalog, clock, incident, qtbot):
    view = panel()
    view.show_incident(incident["id"])
    rp = view.response_panel
    assert rp.decide_button.isVisible()
    assert rp.plan_combo.currentData() == "flood"  # the plan for waterlogging comes first
    choose(rp.level_combo, "3")
    assert catalog.departments["urban_mgmt"].name_zh in rp.preview_label.text()  # says what it will dispatch
    rp.reason_edit.setText("积水超过40厘米")
    click(qtbot, rp.decide_button)
    row = store.get("incident", incident["id"])
    assert (row["response_level"], row["response_plan"]) == ("3", "flood")
    tasks = store.tasks_for(incident["id"])
    assert len(tasks) == 4 and all(view.task_row(t["id"]) is not None for t in tasks)
    assert labels.response_level("3") in view.response_label.text() and "防汛" in view.response_label.text()
    first = view.timeline_panel.list.item(0).text()
    assert "积水超过40厘米" in first and "三级响应" in first
    assert view.message() == ""


def test_a_dispatcher_sees_no_response_decision_nor_supervision(panel, store, catalog, clock, incident):
    tasks = joint(store, catalog, clock, incident)
    view = panel(Seat("dispatcher"))
    view.show_incident(incident["id"])
    assert not view.response_panel.decide_button.isVisible()
    assert view.dispatch_box.isVisible()
    water = view.task_row(tasks["water"]["id"])
    assert "remind" in water.buttons and "supervise" not in water.buttons
    assert "accept" not in water.buttons  # signing for is the department's own act


def test_a_department_seat_acts_on_its_own_tasks_only(panel, store, catalog, clock, incident, qtbot):
    tasks = joint(store, catalog, clock, incident)
    view = panel(Seat("seat", "urban_mgmt"))
    view.show_incident(incident["id"])
    assert not view.dispatch_box.isVisible() and not view.response_panel.isVisible()
    assert view.action_button("verify") is None  # incident moves are not a seat's
    assert view.task_row(tasks["water"]["id"]).buttons == {}
    own = view.task_row(tasks["urban_mgmt"]["id"])
    assert {"accept", "return"} <= set(own.buttons) and "escalate" not in own.buttons
    click(qtbot, own.buttons["accept"])
    assert store.get("task", tasks["urban_mgmt"]["id"])["status"] == "accepted"
    entry = store.query("SELECT detail FROM audit ORDER BY seq DESC LIMIT 1")[0]["detail"]
    assert "seat:urban_mgmt" in entry


def test_an_observer_changes_nothing(panel, store, catalog, clock, incident):
    tasks = joint(store, catalog, clock, incident)
    view = panel(Seat("observer"))
    view.show_incident(incident["id"])
    assert view.action_button("verify") is None and not view.dispatch_box.isVisible()
    assert all(not view.task_row(t["id"]).buttons for t in tasks.values())
    assert not view.timeline_panel.note_edit.isVisible() and not view.reports_panel.file_button.isVisible()
    assert not view.findChildren(QPushButton, "responseDecide")[0].isVisible()


def test_a_second_lead_is_refused_inline(panel, store, catalog, clock, incident, qtbot):
    joint(store, catalog, clock, incident)
    view = panel()
    view.show_incident(incident["id"])
    choose(view.department_combo, "police")
    choose(view.org_unit_combo, STREET)
    view.lead_check.setChecked(True)
    click(qtbot, view.dispatch_button)
    assert "water" in view.message() or "水务" in view.message()
    assert len(store.tasks_for(incident["id"])) == 2


def test_reports_initial_then_updates_with_the_deadline_shown(panel, store, clock, incident, qtbot, catalog):
    view = panel(Seat("field"))
    view.show_incident(incident["id"])
    rp = view.reports_panel
    assert rp.kind_combo.currentData() == "initial"
    assert labels.report_kind("initial") in rp.due_label.text()
    clock.advance(31 * MINUTE_MS)  # II: the initial report is due in 30 minutes
    view._on_clock_timer_timeout()
    assert "-" not in rp.due_label.text() and "overdue by 01:00" in rp.due_label.text()
    rp.text_edit.setPlainText("初报：积水约40厘米，2辆车被困")
    click(qtbot, rp.file_button)
    reports = store.query("SELECT kind, number, author FROM reports")
    assert [(r["kind"], r["number"]) for r in reports] == [("initial", 0)]
    assert rp.list.count() == 1 and "2辆车被困" in rp.list.item(0).text()
    assert rp.kind_combo.currentData() == "update"
    rp.text_edit.setPlainText("")
    click(qtbot, rp.file_button)
    assert view.message() and len(store.query("SELECT id FROM reports")) == 1  # empty text refused


def test_supervision_needs_an_instruction_and_follow_up_comes_after_close(panel, store, catalog, clock, incident, qtbot):
    tasks = joint(store, catalog, clock, incident)
    view = panel()
    view.show_incident(incident["id"])
    water = tasks["water"]["id"]
    click(qtbot, view.task_row(water).buttons["supervise"])
    assert view.message() and not store.get("task", water)["supervised_ms"]
    view.instruction_edit.setText("22时前排干积水")
    click(qtbot, view.task_row(water).buttons["supervise"])
    assert store.get("task", water)["supervision"] == "22时前排干积水"
    assert "22时前排干积水" in view.task_row(water).summary.text()
    for action in ("accept", "feedback", "verify", "close"):
        store.execute(commands.task_action(store.get("task", water), action, clock.now_ms()))
    row = view.task_row(water)
    choose(row.satisfaction_combo, "satisfied")
    click(qtbot, row.buttons["follow_up"])
    assert store.get("task", water)["satisfaction"] == "satisfied"
    assert "follow_up" not in view.task_row(water).buttons


def test_an_extension_is_asked_by_the_seat_and_approved_by_the_dispatcher(panel, store, catalog, clock, incident, qtbot):
    tasks = joint(store, catalog, clock, incident)
    water = tasks["water"]["id"]
    store.execute(commands.task_action(store.get("task", water), "accept", clock.now_ms()))
    seat_view = panel(Seat("seat", "water"))
    seat_view.show_incident(incident["id"])
    row = seat_view.task_row(water)
    row.hours_spin.setValue(6)
    seat_view.instruction_edit.setText("泵站故障")
    click(qtbot, row.buttons["request_extension"])
    asked = store.get("task", water)
    assert asked["extension_requested_ms"] == max(asked["finish_by_ms"], clock.now_ms()) + 6 * 3_600_000
    assert "approve_extension" not in seat_view.task_row(water).buttons
    boss = panel(Seat("dispatcher"))
    boss.show_incident(incident["id"])
    click(qtbot, boss.task_row(water).buttons["approve_extension"])
    assert store.get("task", water)["extension_until_ms"] == asked["extension_requested_ms"]


def test_a_cap_alert_is_drafted_from_the_incident(panel, store, incident, tmp_path):
    from commandcenter.interop.cap import parse_alert

    view = panel(Seat("dispatcher"))
    view.show_incident(incident["id"])
    assert view.cap_button.isVisible()
    dialog = view.open_cap_draft()
    out = tmp_path / "alert.xml"
    dialog.save_to(out)
    alert = parse_alert(out, out.read_bytes())
    assert alert.status == "Actual" and alert.infos[0].headline.startswith("延安路下立交积水")
    dialog.close()
    field = panel(Seat("field"))
    field.show_incident(incident["id"])
    assert not field.cap_button.isVisible()


def test_a_return_is_arbitrated_to_another_department_and_logged(panel, store, catalog, clock, incident, qtbot):
    tasks = joint(store, catalog, clock, incident)
    urban = tasks["urban_mgmt"]["id"]
    store.execute(commands.task_action(store.get("task", urban), "return", clock.now_ms(), reason="overlapping_duty"))
    view = panel(Seat("dispatcher"))
    view.show_incident(incident["id"])
    choose(view.department_combo, "housing")
    choose(view.org_unit_combo, STREET)
    clock.advance(60_000)
    click(qtbot, view.task_row(urban).buttons["redispatch"])
    row = store.get("task", urban)
    assert (row["status"], row["department"], row["org_unit"]) == ("dispatched", "housing", STREET)
    assert row["dispatched_ms"] == clock.now_ms() and row["return_reason"] is None
    entry = store.query("SELECT kind, text FROM log WHERE kind = 'decision'")[0]
    assert "审定" in entry["text"] and "职能交叉" in entry["text"] and "住建" in entry["text"]


def test_reminders_and_supervision_reach_the_department_as_notices(panel, store, catalog, clock, incident, qtbot):
    tasks = joint(store, catalog, clock, incident)
    water = tasks["water"]["id"]
    view = panel()
    view.show_incident(incident["id"])
    view.instruction_edit.setText("30分钟内到场")
    click(qtbot, view.task_row(water).buttons["remind"])
    assert store.get("task", water)["reminders"] == 1
    view.instruction_edit.setText("22时前排干")
    click(qtbot, view.task_row(water).buttons["supervise"])
    notices = store.query("SELECT kind, department, text FROM notices ORDER BY created_ms, kind")
    assert [(n["kind"], n["department"]) for n in notices] == [("reminder", "water"), ("supervision", "water")]
    assert "30分钟内到场" in notices[0]["text"] and "22时前排干" in notices[1]["text"]
    assert store.query("SELECT kind FROM log")[0]["kind"] == "supervision"


def test_the_panel_exports_the_incidents_situation_report(panel, store, catalog, clock, incident, tmp_path):
    joint(store, catalog, clock, incident)
    store.execute(integrated.submit_report(store.get("incident", incident["id"]), [], clock.now_ms(),
                                           kind="initial", text="初报：积水40厘米", author="li"))
    view = panel()
    view.show_incident(incident["id"])
    assert view.sitrep_button.isVisible()
    view.export_sitrep(tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "延安路下立交积水" in page and "初报：积水40厘米" in page and "<script" not in page
    view.export_sitrep(tmp_path / "r.pdf")
    assert (tmp_path / "r.pdf").read_bytes()[:5] == b"%PDF-"


def test_each_task_shows_both_clocks_from_dispatch(panel, store, catalog, clock, incident):
    tasks = joint(store, catalog, clock, incident)
    water = tasks["water"]
    view = panel()
    view.show_incident(incident["id"])
    text = view.task_row(water["id"]).deadlines_label.text()
    assert "Sign for by" in text and "Finish by" in text and "left" in text  # both, counted from dispatch
    clock.advance(31 * MINUTE_MS)  # II natural: 30 minutes to sign for
    store.execute(commands.task_action(store.get("task", water["id"]), "accept", clock.now_ms()))
    text = view.task_row(water["id"]).deadlines_label.text()
    assert "Signed for" in text and "late" in text and "Finish by" in text


def test_an_english_interface_shows_the_english_description_when_there_is_one(panel, store, clock):
    from PySide6.QtCore import QLocale

    op = commands.report_incident(clock.now_ms(), title="积水", category="waterlogging", severity="III",
                                  org_unit=COMMUNITY, lon=121.476, lat=31.2298, description="积水深约20厘米")
    store.execute(commands.Op(op.entity, op.entity_id, op.op,
                              {**op.fields, "title_en": "Waterlogging", "description_en": "Water about 20 cm deep"}))
    view = panel()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    try:
        view.show_incident(op.entity_id)
        assert view.description_label.text() == "Water about 20 cm deep"
        assert view.title_label.text() == "Waterlogging"
    finally:
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    view.refresh()
    assert view.description_label.text() == "积水深约20厘米"
