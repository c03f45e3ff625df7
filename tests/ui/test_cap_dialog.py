"""The CAP draft dialog: what the operator edits is what the XML preview shows and what is
saved (valid against the OASIS schema); a drill incident's alert is locked to Exercise."""
from __future__ import annotations

from pathlib import Path

import pytest
import xmlschema

from commandcenter.domain.levels import OrgLevel
from commandcenter.interop.cap import parse_cap
from commandcenter.ui.cap_dialog import EXERCISE_MARK, CapDraftDialog

XSD = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "cap" / "cap12.xsd"
NOW = 1_782_878_400_000


def incident(catalog, **over) -> dict:
    unit = next(u for u in catalog.org_units.values() if u.level == OrgLevel.STREET)
    row = {"id": "i-1", "title": "南京路积水", "description": "积水 30 cm", "category": "waterlogging",
           "severity": "III", "status": "reported", "org_unit": unit.code, "lon": unit.center[0],
           "lat": unit.center[1], "mode": "live"}
    return {**row, **over}


@pytest.fixture
def dialog(qtbot, catalog):
    def make(**over):
        dlg = CapDraftDialog(incident(catalog, **over), catalog, None, now_ms=NOW)
        qtbot.addWidget(dlg)
        return dlg
    return make


def test_edits_show_in_the_preview_and_in_the_saved_file(dialog, tmp_path):
    dlg = dialog()
    assert "<headline>南京路积水</headline>" in dlg.preview.toPlainText()
    assert dlg.severity.currentText() == "Moderate" and dlg.status.isEnabled()
    dlg.headline.setText("南京路 积水 <严重>")
    dlg.instruction.setPlainText("绕行")
    dlg.severity.setCurrentText("Severe")
    dlg.area_desc.setText("南京东路一带")
    preview = dlg.preview.toPlainText()
    assert "<headline>南京路 积水 &lt;严重&gt;</headline>" in preview and "<instruction>绕行</instruction>" in preview
    assert preview.count("<severity>Severe</severity>") == 2  # both languages
    saved = dlg.save_to(tmp_path / "alert.xml")
    assert saved.read_text(encoding="utf-8") == preview
    xmlschema.XMLSchema(str(XSD)).validate(str(saved))
    alert = parse_cap(saved)
    assert (alert.status, alert.infos[0].headline, alert.infos[0].areas[0].area_desc) == (
        "Actual", "南京路 积水 <严重>", "南京东路一带")
    assert not list(tmp_path.glob(".*.tmp"))


def test_status_exercise_for_a_live_incident(dialog):
    dlg = dialog()
    assert not dlg.exercise_label.isVisibleTo(dlg)
    dlg.status.setCurrentText("Exercise")
    assert "<status>Exercise</status>" in dlg.preview.toPlainText()


def test_drill_incident_is_locked_to_exercise(dialog, tmp_path):
    dlg = dialog(mode="drill")
    assert dlg.exercise_label.isVisibleTo(dlg) and dlg.exercise_label.text() == EXERCISE_MARK == "演练 EXERCISE"
    assert not dlg.status.isEnabled()
    assert [dlg.status.itemText(i) for i in range(dlg.status.count())] == ["Exercise"]
    assert parse_cap(dlg.save_to(tmp_path / "drill.xml")).status == "Exercise"


def test_save_to_a_missing_folder_writes_nothing(dialog, tmp_path):
    dlg = dialog()
    with pytest.raises(OSError):
        dlg.save_to(tmp_path / "nowhere" / "a.xml")
    assert not (tmp_path / "nowhere").exists()


def test_the_alarms_dock_lists_and_acknowledges_a_cap_alarm(qtbot, catalog, store, hooks, clock):
    """The existing dock shows an imported CAP alarm (its indicator text, colour, area) and acts
    on it. (Converting goes through cap_in.convert_cap_alarm: a change to ui/alarms.py.)"""
    from commandcenter.interop.cap import parse_alert
    from commandcenter.interop.cap_in import plan_import
    from commandcenter.interop.cap_out import draft_alert, to_xml
    from commandcenter.ui.alarms import AlarmPanel

    row = incident(catalog, severity="I")
    alert = parse_alert("in.xml", to_xml(draft_alert(row, catalog, now_ms=NOW)))
    store.execute(plan_import(alert, catalog, store, NOW).ops)
    panel = AlarmPanel(catalog, store, hooks, clock)
    qtbot.addWidget(panel)
    (alarm_id,) = panel.ids()
    item = panel.tree.topLevelItem(0)
    headline = store.get("alarm", alarm_id)["cap_headline"]
    assert headline and item.text(1) == headline and item.text(3) != ""  # the warning's headline
    assert panel.banner.isVisibleTo(panel)  # red: announced like any red alarm
    assert panel.acknowledge(alarm_id)
    assert store.get("alarm", alarm_id)["status"] == "acknowledged"
    # convert: an incident pre-filled from the warning, linked to the alarm
    incident_id = panel.convert(alarm_id)
    assert incident_id is not None, panel.message.text()
    made = store.get("incident", incident_id)
    assert made["title"] == headline and made["severity"] == "I"
    assert store.get("alarm", alarm_id)["status"] == "converted"
    panel.teardown_hooks()
