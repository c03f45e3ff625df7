"""The map selection panel: what lies inside a drawn rectangle or polygon, from a real store."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale, Qt

from commandcenter.citymap import load_city_map
from commandcenter.domain import commands
from commandcenter.ui.selection_panel import SelectionPanel

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

UNIT = "310101002001"
T0 = 1_784_080_800_000
HOSTILE = '<img src=x onerror=alert(1)><b>粗体</b>'

RECT = {"type": "rect", "bounds": [121.47, 31.22, 121.478, 31.24]}
# a U: the notch (lon 121.43..121.47, lat 31.20..31.26) is outside, though inside its bbox
U_SHAPE = {"type": "polygon", "ring": [
    [121.40, 31.18], [121.50, 31.18], [121.50, 31.26], [121.47, 31.26],
    [121.47, 31.20], [121.43, 31.20], [121.43, 31.26], [121.40, 31.26],
]}


@pytest.fixture(scope="module")
def city():
    return load_city_map()


def report(store, clock, title, lon, lat, severity="III"):
    op = commands.report_incident(
        clock.now_ms(), title=title, category="waterlogging", severity=severity,
        org_unit=UNIT, lon=lon, lat=lat,
    )
    store.execute(op)
    clock.advance(1000)  # distinct report times: the newest is listed first among equals
    return op.entity_id


def add_unit(store, unit_id, name, status, lon, lat, kind="fire_engine"):
    store.conn.execute(
        "INSERT INTO resources (id, name, kind, department, org_unit, status, lon, lat, heading, updated_ms, version)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,1)",
        (unit_id, name, kind, "fire", "310101", status, lon, lat, 0.0, 1),
    )


@pytest.fixture
def seeded(store, clock):
    ids = {
        "A": report(store, clock, "积水 人民广场", 121.475, 31.23, severity="II"),
        "B": report(store, clock, HOSTILE, 121.472, 31.235, severity="IV"),
        "E": report(store, clock, "on the rectangle's west edge", 121.47, 31.225),
        "C": report(store, clock, "in the notch", 121.46, 31.23),
        "F": report(store, clock, "south bar", 121.45, 31.19),
        "D": report(store, clock, "cancelled inside", 121.476, 31.23),
    }
    store.execute(commands.transition("incident", store.get("incident", ids["D"]), "cancel", clock.now_ms()))
    add_unit(store, "u1", "消防1号车", "en_route", 121.30, 31.10)  # the row is stale: positions say inside
    add_unit(store, "u2", "救护2号车", "available", 121.475, 31.23, kind="ambulance")  # drove off
    add_unit(store, "u3", "巡逻3号", "on_scene", 121.471, 31.221, kind="patrol")  # no telemetry
    add_unit(store, "u4", "无定位", "available", None, None)  # nowhere
    store.ingest_positions([
        ("u1", T0, 121.30, 31.10, 0.0, 0.0), ("u1", T0 + 5000, 121.476, 31.231, 90.0, 8.0),
        ("u2", T0, 121.475, 31.23, 0.0, 0.0), ("u2", T0 + 5000, 121.46, 31.23, 270.0, 8.0),
    ])
    return ids


@pytest.fixture
def panel(qtbot, catalog, store, city):
    widget = SelectionPanel(catalog, store, sensors=city.sensors)
    qtbot.addWidget(widget)
    widget.resize(600, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def english():
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))


def ids(panel, section):
    return [row[0] for row in panel.rows(section)]


def test_a_rectangle_lists_open_incidents_units_where_they_are_now_and_sensors(panel, seeded, city):
    panel.show_shape(RECT)

    assert panel.counts() == {"incidents": 3, "units": 2, "sensors": 1}
    # most severe first; the edge counts as inside; cancelled and outside ones are not listed
    assert ids(panel, "incidents") == [seeded["A"], seeded["E"], seeded["B"]]
    assert panel.rows("incidents")[0][1:] == ("积水 人民广场", "II Major · Reported")
    assert sorted(ids(panel, "units")) == ["u1", "u3"]  # u1 by its newest position, u3 by its row
    assert dict((r[0], r[2]) for r in panel.rows("units")) == {
        "u1": "Fire engine · En route", "u3": "Patrol · On scene",
    }
    people_square = next(s for s in city.sensors if s.id == "cd-peoples-square")
    assert panel.rows("sensors") == [(people_square.id, people_square.name_zh, "Crowd density sensor")]
    assert panel.summary() == "3 incidents, 2 units, 1 sensor in the selection"
    sections = [panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())]
    assert sections == ["Incidents (3)", "Units (2)", "Sensors (1)"]


def test_a_concave_polygon_leaves_out_its_notch(panel, seeded, city):
    panel.show_shape(U_SHAPE)

    assert sorted(ids(panel, "incidents")) == sorted(seeded[k] for k in "ABEF")  # not C, in the notch
    assert sorted(ids(panel, "units")) == ["u1", "u3"]  # u2 now stands in the notch
    sensors = set(ids(panel, "sensors"))
    assert {"cd-peoples-square", "rg-xujiahui", "gas-changning"} <= sensors
    assert not sensors & {"sub-jingan", "aq-jingan", "aq-xuhui"}  # notch, notch, south of it
    assert panel.counts()["sensors"] == len(sensors)
    assert panel.summary() == f"4 incidents, 2 units, {len(sensors)} sensors in the selection"


def test_hostile_titles_show_literally(panel, seeded):
    panel.show_shape(RECT)
    item = panel.item("incidents", seeded["B"])
    assert item.text(0) == HOSTILE
    assert panel.rows("incidents")[2][1] == HOSTILE


def test_activating_rows_names_the_item(panel, seeded, qtbot):
    panel.show_shape(RECT)
    tree = panel.tree

    item = panel.item("incidents", seeded["E"])
    tree.setCurrentItem(item)
    tree.setFocus()
    with qtbot.waitSignal(panel.incident_activated, timeout=2000) as blocker:
        qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert blocker.args == [seeded["E"]]

    item = panel.item("incidents", seeded["A"])
    tree.scrollToItem(item)
    centre = tree.visualItemRect(item).center()
    with qtbot.waitSignal(panel.incident_activated, timeout=2000) as blocker:
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)  # QTest's dclick has no press
        qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert blocker.args == [seeded["A"]]

    tree.setCurrentItem(panel.item("units", "u3"))
    with qtbot.waitSignal(panel.unit_activated, timeout=2000) as blocker:
        qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert blocker.args == ["u3"]

    tree.setCurrentItem(panel.item("sensors", "cd-peoples-square"))
    with qtbot.waitSignal(panel.sensor_activated, timeout=2000) as blocker:
        qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert blocker.args == ["cd-peoples-square"]

    # a section header names nothing
    tree.setCurrentItem(tree.topLevelItem(0))
    with qtbot.assertNotEmitted(panel.incident_activated):
        qtbot.keyClick(tree, Qt.Key.Key_Return)


def test_a_new_shape_replaces_the_lists_and_refresh_sees_new_reports(panel, seeded, store, clock):
    panel.show_shape(RECT)
    panel.show_shape({"type": "rect", "bounds": [100.0, 10.0, 100.1, 10.1]})
    assert panel.counts() == {"incidents": 0, "units": 0, "sensors": 0}
    assert panel.rows("incidents") == []
    assert panel.summary() == "Nothing in the selection"

    panel.show_shape(RECT)
    new = report(store, clock, "新报", 121.477, 31.239, severity="I")
    assert new not in ids(panel, "incidents")  # a snapshot until refreshed
    panel.refresh()
    assert ids(panel, "incidents")[0] == new and panel.counts()["incidents"] == 4


def test_a_bad_shape_lists_nothing_and_says_why(panel, seeded):
    panel.show_shape(RECT)
    panel.show_shape({"type": "rect", "bounds": [121.5, 31.2, 121.4, 31.3]})
    assert panel.counts() == {"incidents": 0, "units": 0, "sensors": 0}
    assert panel.rows("units") == []
    assert "shape.bounds" in panel.summary()
    assert panel.shape() is None


def test_sensor_names_follow_the_english_interface(panel, seeded, city, english):
    panel.show_shape(RECT)
    people_square = next(s for s in city.sensors if s.id == "cd-peoples-square")
    assert panel.rows("sensors")[0][1] == people_square.name_en


def test_with_hooks_the_selection_follows_reports_and_moving_units(qtbot, catalog, store, hooks, city, seeded, clock):
    panel = SelectionPanel(catalog, store, sensors=city.sensors, hooks=hooks)
    qtbot.addWidget(panel)
    panel.show_shape(RECT)
    new = report(store, clock, "新报", 121.477, 31.239, severity="I")
    qtbot.waitUntil(lambda: new in ids(panel, "incidents"), timeout=3000)  # no refresh() needed
    store.ingest_positions([("u2", T0 + 9000, 121.476, 31.231, 90.0, 8.0)])  # u2 drives back in
    hooks.positions_did_arrive(["u2"])
    qtbot.waitUntil(lambda: "u2" in ids(panel, "units"), timeout=3000)
    panel.teardown_hooks()
