"""Reporting from a right-click on the map: the point decides the org unit, OK writes one
incident through the store, a refusal names the field and writes nothing."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QDialog, QLabel

from commandcenter.ui.report_dialog import ReportDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

COMMUNITY = "310101002001"  # 贵州居委会, under 南京东路街道, 黄浦区
OUTSIDE = (120.0, 30.0)  # Hangzhou way: no org unit of the city


@pytest.fixture
def pokes():
    return []


@pytest.fixture
def make_dialog(qtbot, catalog, store, clock, pokes):
    def make(lon, lat, **kwargs):
        dialog = ReportDialog(catalog, store, clock, lon, lat, poke=lambda: pokes.append(1), **kwargs)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return make


@pytest.fixture
def english():
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))


def count(store, table):
    return store.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"]


def choose(combo, data):
    i = combo.findData(data)
    assert i >= 0, f"{data!r} is not offered"
    combo.setCurrentIndex(i)


def test_a_community_centre_is_located_and_the_report_lands_in_the_store(
    make_dialog, catalog, store, clock, qtbot, pokes
):
    unit = catalog.org_units[COMMUNITY]
    lon, lat = unit.center
    dialog = make_dialog(lon, lat, mode="drill")

    assert dialog.position_label.text() == f"{lon:.6f}, {lat:.6f}"
    street = catalog.org_units[unit.parent]
    district = catalog.org_units[street.parent]
    assert dialog.org_unit_label.text() == f"{district.name_zh} › {street.name_zh} › {unit.name_zh}"
    assert dialog.ok_button.isEnabled()
    # names in the interface language (Chinese by default)
    i = dialog.event_type_combo.findData("waterlogging")
    assert dialog.event_type_combo.itemText(i) == catalog.event_types["waterlogging"].name_zh

    dialog.title_edit.setText("积水 贵州路")  # QTest types Latin-1 only
    choose(dialog.event_type_combo, "waterlogging")
    choose(dialog.severity_combo, "II")
    dialog.description_edit.setPlainText("水深约30厘米")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    row = store.get("incident", dialog.incident_id)
    assert row is not None
    assert (row["title"], row["org_unit"], row["category"], row["severity"], row["mode"]) == (
        "积水 贵州路", COMMUNITY, "waterlogging", "II", "drill"
    )
    assert row["description"] == "水深约30厘米"
    assert (row["lon"], row["lat"]) == (pytest.approx(lon), pytest.approx(lat))
    assert row["status"] == "reported" and row["reported_ms"] == clock.now_ms()
    assert store.pending_count() == 1  # queued for the platform
    assert pokes == [1]  # sync was woken


def test_enter_in_the_title_reports_with_the_defaults(make_dialog, catalog, store, qtbot):
    dialog = make_dialog(*catalog.org_units[COMMUNITY].center)
    qtbot.keyClicks(dialog.title_edit, "Road collapse")
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Return)

    row = store.get("incident", dialog.incident_id)
    assert row["severity"] == "IV"  # the least severe unless someone says otherwise
    assert row["category"] == next(iter(catalog.event_types))
    assert row["mode"] == "live"


def test_an_empty_title_is_refused_naming_the_title_and_nothing_is_written(
    make_dialog, catalog, store, qtbot, pokes
):
    dialog = make_dialog(*catalog.org_units[COMMUNITY].center)
    before = (count(store, "incidents"), count(store, "outbox"), count(store, "audit"))
    qtbot.keyClicks(dialog.title_edit, "   ")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.message().startswith("Title:")
    assert dialog.message_label.isVisible()
    assert dialog.incident_id is None
    assert (count(store, "incidents"), count(store, "outbox"), count(store, "audit")) == before
    assert pokes == []

    # fixing the title and trying again works, and the message goes away
    qtbot.keyClicks(dialog.title_edit, "Gas leak")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.message() == ""
    assert count(store, "incidents") == before[0] + 1
    assert store.get("incident", dialog.incident_id)["title"] == "Gas leak"  # stripped


def test_a_point_outside_the_city_cannot_be_reported(make_dialog, store, qtbot, pokes):
    dialog = make_dialog(*OUTSIDE)

    assert not dialog.ok_button.isEnabled()
    assert "Outside the city" in dialog.org_unit_label.text()
    assert dialog.org_unit is None
    assert not dialog.title_edit.isEnabled()
    assert dialog.submit() is False  # even going around the disabled button
    assert count(store, "incidents") == 0 and pokes == []
    assert dialog.isVisible()


def test_hostile_text_is_stored_and_shown_as_text(make_dialog, catalog, store, qtbot):
    hostile = '<img src=x onerror=alert(1)><b>粗体</b>'
    dialog = make_dialog(*catalog.org_units[COMMUNITY].center)
    for label in dialog.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    dialog.title_edit.setText(hostile)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert store.get("incident", dialog.incident_id)["title"] == hostile


def test_names_follow_the_english_interface(make_dialog, catalog, english):
    unit = catalog.org_units[COMMUNITY]
    street = catalog.org_units[unit.parent]
    district = catalog.org_units[street.parent]
    dialog = make_dialog(*unit.center)

    assert dialog.org_unit_label.text() == f"{district.name_en} › {street.name_en} › {unit.name_en}"
    assert dialog.org_unit_label.toolTip() == f"{district.name_zh} › {street.name_zh} › {unit.name_zh}"
    i = dialog.event_type_combo.findData("waterlogging")
    assert dialog.event_type_combo.itemText(i) == catalog.event_types["waterlogging"].name_en
    assert dialog.severity_combo.itemText(dialog.severity_combo.findData("I")) == "I Catastrophic"
