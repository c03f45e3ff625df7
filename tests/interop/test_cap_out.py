"""Outbound CAP: a draft from an incident validates against the OASIS schema and reads back as
the same alert (fields and geometry, lat,lon order included); the Chinese-profile identifier;
drill incidents are always Exercise. And, inbound, the drill database and the Alarms dock's
convert path for CAP alarms (cap_in)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import xmlschema

from commandcenter.catalog import load_catalog
from commandcenter.domain.levels import OrgLevel
from commandcenter.interop.cap import parse_alert
from commandcenter.interop.cap_in import convert_cap_alarm, plan_import
from commandcenter.interop.cap_out import draft_alert, to_xml, with_zh_info
from commandcenter.interop.errors import InteropError
from commandcenter.store import Store

XSD = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "cap" / "cap12.xsd"
NOW = 1_782_878_400_000  # 2026-07-01 12:00:00 +08:00


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def schema():
    if not XSD.is_file():
        pytest.fail(f"CAP schema missing: expected it at {XSD.resolve()}")
    return xmlschema.XMLSchema(str(XSD))


@pytest.fixture(scope="module")
def street(catalog):
    return next(u for u in catalog.org_units.values() if u.level == OrgLevel.STREET)


def incident(street, **over) -> dict:
    row = {"id": "0190-abc", "title": "南京路 积水 <30cm> & 车辆受困", "title_en": "Waterlogging on Nanjing Road",
           "description": "积水深 30 cm", "category": "waterlogging", "severity": "I", "status": "confirmed",
           "org_unit": street.code, "lon": street.center[0], "lat": street.center[1], "mode": "live"}
    return {**row, **over}


@pytest.mark.parametrize("shape", ["polygon", "circle"])
def test_draft_validates_and_round_trips(catalog, schema, street, shape):
    alert = draft_alert(incident(street), catalog, now_ms=NOW, shape=shape)
    xml = to_xml(alert)
    schema.validate(xml.decode("utf-8"))
    assert parse_alert("draft.xml", xml) == alert
    area = alert.infos[0].areas[0]
    if shape == "polygon":
        ring = area.polygons[0]
        assert ring[0] == ring[-1] and ring[0] == [street.polygon[0][0], street.polygon[0][1]]
        lat, lon = re.search(r"<polygon>([^ ]+)", xml.decode()).group(1).split(",")
        assert (float(lat), float(lon)) == (street.polygon[0][1], street.polygon[0][0])  # lat first in CAP
    else:
        assert (area.circles[0].lon, area.circles[0].lat) == street.center


def test_draft_fields(catalog, street):
    alert = draft_alert(incident(street), catalog, now_ms=NOW)
    assert re.fullmatch(r"\d{6}00000000_20260701120000_0", alert.identifier)
    assert alert.identifier.startswith(street.code[:6])
    assert (alert.sent, alert.status, alert.msg_type, alert.scope) == ("2026-07-01T12:00:00+08:00", "Actual", "Alert",
                                                                       "Public")
    zh, en = alert.infos
    assert (zh.language, zh.event, zh.severity, zh.urgency, zh.certainty) == ("zh-CN", "城市内涝积水", "Extreme",
                                                                              "Immediate", "Observed")
    assert zh.parameters == {"预警级别": "一级", "预警颜色": "红色"}
    assert (en.language, en.headline, en.areas[0].area_desc) == ("en", "Waterlogging on Nanjing Road", street.name_en)
    assert zh.areas[0].area_desc == street.name_zh


def test_drill_incident_is_always_exercise(catalog, schema, street):
    drill = incident(street, mode="drill")
    alert = draft_alert(drill, catalog, now_ms=NOW)
    assert alert.status == "Exercise"
    schema.validate(to_xml(alert).decode("utf-8"))
    with pytest.raises(ValueError, match="drill incident"):
        draft_alert(drill, catalog, now_ms=NOW, status="Actual")


def test_edited_draft_still_validates(catalog, schema, street):
    alert = with_zh_info(draft_alert(incident(street), catalog, now_ms=NOW), urgency="Expected",
                         headline="改过的标题", area_desc="南京东路一带")
    schema.validate(to_xml(alert).decode("utf-8"))
    back = parse_alert("x.xml", to_xml(alert))
    assert back.infos[0].headline == "改过的标题" and back.infos[0].areas[0].area_desc == "南京东路一带"
    assert {i.urgency for i in back.infos} == {"Expected"}


# --- inbound: drill database, and the dock's convert path ----------------------------------------

def exercise_alert(catalog, street, status="Exercise"):
    alert = draft_alert(incident(street, mode="drill" if status == "Exercise" else "live"), catalog, now_ms=NOW,
                        status=status)
    return parse_alert("in.xml", to_xml(alert))


def test_exercise_alert_becomes_drill_rows_in_a_drill_database(tmp_path, catalog, street):
    store = Store(tmp_path / "drill.db")
    try:
        alert = exercise_alert(catalog, street)
        plan = plan_import(alert, catalog, store, NOW, as_="incident", db_mode="drill")
        store.execute(plan.ops)
        (row,) = store.query("SELECT * FROM incidents")
        assert (row["mode"], row["severity"], row["category"]) == ("drill", "I", "waterlogging")
        with pytest.raises(InteropError, match="stays out of the live cache"):
            plan_import(alert, catalog, store, NOW, db_mode="live")
        with pytest.raises(InteropError, match="does not go into a drill database"):
            plan_import(exercise_alert(catalog, street, "Actual"), catalog, store, NOW, db_mode="drill")
    finally:
        store.close()


def test_cap_alarm_converts_into_an_incident(tmp_path, catalog, street):
    store = Store(tmp_path / "cache.db")
    try:
        alert = exercise_alert(catalog, street, "Actual")
        store.execute(plan_import(alert, catalog, store, NOW).ops)
        (alarm,) = store.query("SELECT * FROM alarms")
        ops = convert_cap_alarm(alarm, catalog, NOW + 1000)
        store.execute(ops)
        (made,) = store.query("SELECT * FROM incidents")
        assert (made["title"], made["severity"], made["category"], made["org_unit"]) == (
            "南京路 积水 <30cm> & 车辆受困", "I", "waterlogging", alarm["org_unit"])
        assert store.get("alarm", alarm["id"])["status"] == "converted"
        assert store.get("alarm", alarm["id"])["incident_id"] == made["id"]
        # a Cancel of the alert now concerns the incident the room works on: its log
        cancel = parse_alert("c.xml", to_xml(alert).replace(b"<msgType>Alert</msgType>", b"<msgType>Cancel</msgType>")
                             .replace(alert.identifier.encode(), b"C-1", 1)
                             .replace(b"<scope>Public</scope>", f"<scope>Public</scope><references>{alert.key}"
                                      "</references>".encode()))
        plan = plan_import(cancel, catalog, store, NOW + 2000)
        assert plan.entity == "incident" and plan.ops[0].entity == "log"
    finally:
        store.close()
