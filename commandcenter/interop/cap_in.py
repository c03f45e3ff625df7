"""What an inbound CAP alert becomes in the cache: an alarm, or an incident (docs/cap.md).

`cap.py` reads the XML; this module decides what the command room sees, and returns the Ops
for `Store.execute` (rows + outbox + audit in one transaction). It reads the cache only through
a store-like object (`get`, `query`), so it stays Qt-free and store-free; the caller writes.

Decisions, each because of what a seat needs:
- One alarm per alert, from its most severe <info> (several infos are usually the same warning
  in several languages; when they differ, the worst one is what the room must act on).
- The colour is the warning colour: a Chinese-profile level parameter (预警级别 / 预警颜色) wins,
  because the local level is the law and CAP severity only a convention; else the CAP severity
  (Extreme red, Severe orange, Moderate yellow, Minor blue); Unknown is blue, the lowest, so
  the alarm is still listed.
- The indicator is "cap:<eventCode value or event>", which no catalogue indicator uses, so the
  dock can tell a CAP alarm from a threshold alarm; `convert_cap_alarm` is its convert path.
- Ids are uuid5 of the alert's sender,identifier,sent: the same alert imported twice (or on two
  seats) names the same row, and a re-import changes nothing and says so.
- Drill isolation (ARCHITECTURE.md: live and drill never share a database): an Exercise alert
  becomes rows only in a drill database (mode "drill"); an Actual alert only in a live one;
  Test, System and Draft alerts never become rows (CAP: "to be disregarded" / not for the
  public). They can still be drawn as a layer.
- Update: the alarm of the referenced alert takes the new colour, place and text (it may go
  down as well as up: the sender revised it); a converted or closed alarm and an incident are
  command decisions, so they are not rewritten: the incident gets a command-log entry.
  Cancel: the referenced alarm is cleared; an incident gets a log entry (the room decides
  whether to close it). An Update that references nothing we imported is imported as new.
"""
from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field

from commandcenter.domain.alarms import AlarmEvent, alarm_action, incident_id_for, raise_alarm
from commandcenter.domain.catalog import Catalog, OrgUnit
from commandcenter.domain.commands import CommandError, Op, report_incident
from commandcenter.domain.integrated import write_log
from commandcenter.domain.levels import OrgLevel
from commandcenter.interop.cap import CapAlert, CapInfo, choose_info, circle_ring
from commandcenter.interop.errors import InteropError
from commandcenter.interop.layers import sanitise_name

CAP_NAMESPACE = uuid.UUID("6f1d2c84-1e0b-4a57-9d0c-5b3e8f2a7c19")
INDICATOR_PREFIX = "cap:"
MODES = ("alarm", "incident", "layer")
OPEN_ALARM = ("raised", "acknowledged")

COLOUR_OF_SEVERITY = {"Extreme": "red", "Severe": "orange", "Moderate": "yellow", "Minor": "blue"}
# incident severity from CAP severity: the sender's own grading, one to one (and the inverse of
# cap_out.CAP_SEVERITY, so an alert drafted here and read back keeps its severity)
INCIDENT_SEVERITY = {"Extreme": "I", "Severe": "II", "Moderate": "III", "Minor": "IV"}
# Chinese-profile level parameters (GB/T 35965.1 carries local levels as parameters)
LEVEL_PARAMETERS = ("预警级别", "预警颜色", "level", "colour", "color", "warninglevel", "severitylevel")
_LEVEL_WORDS = {
    "red": ("red", "红", "红色", "一级", "1", "i", "Ⅰ", "Ⅰ级", "i级", "1级"),
    "orange": ("orange", "橙", "橙色", "二级", "2", "ii", "Ⅱ", "Ⅱ级", "ii级", "2级"),
    "yellow": ("yellow", "黄", "黄色", "三级", "3", "iii", "Ⅲ", "Ⅲ级", "iii级", "3级"),
    "blue": ("blue", "蓝", "蓝色", "四级", "4", "iv", "Ⅳ", "Ⅳ级", "iv级", "4级"),
}
_COLOUR_OF_WORD = {w.lower(): colour for colour, words in _LEVEL_WORDS.items() for w in words}

# CAP event -> event type of resources/city/event_types.json: keywords in the event text
# (zh and en, first match wins), then the CAP category, then FALLBACK_EVENT_TYPE.
EVENT_KEYWORDS = (
    (("内涝", "积水", "waterlogging"), "waterlogging"),
    (("风暴潮", "storm surge"), "storm_surge"),
    (("暴雨", "rainstorm", "heavy rain", "雷暴", "雷电", "thunderstorm"), "rainstorm"),
    (("洪水", "洪涝", "flood"), "flood"),
    (("台风", "typhoon", "hurricane", "tropical storm", "大风", "gale"), "typhoon"),
    (("高温", "heat"), "heatwave"),
    (("地震", "earthquake"), "earthquake"),
    (("地质", "滑坡", "泥石流", "崩塌", "landslide", "mudslide"), "landslide"),
    (("森林火", "草原火", "forest fire", "wildfire", "fire weather"), "forest_fire"),
    (("燃气", "gas leak"), "gas_leak"),
    (("停电", "power outage"), "power_outage"),
    (("危化", "化学", "hazmat", "chemical"), "hazmat"),
    (("疫情", "传染病", "epidemic", "pandemic"), "epidemic"),
    (("食物中毒", "food poisoning"), "food_poisoning"),
    (("踩踏", "crowd"), "crowd_crush"),
)
CATEGORY_EVENT_TYPES = {
    "Met": "rainstorm", "Geo": "earthquake", "Fire": "building_fire", "Health": "epidemic",
    "Env": "hazmat", "CBRNE": "hazmat", "Transport": "traffic_accident", "Infra": "power_outage",
    "Security": "mass_gathering",
}
FALLBACK_EVENT_TYPE = "mass_gathering"  # = alarm_events.json's default: a general public-safety event


@dataclass
class CapPlan:
    """What importing one alert will do: the Ops to execute, the layers of earlier alerts it
    replaces or cancels, and one line for the user. No ops means nothing changes in the cache."""

    action: str  # alarm | incident | update | cancel | duplicate | none
    message: str
    ops: list[Op] = field(default_factory=list)
    entity: str | None = None
    entity_id: str | None = None
    superseded_layers: list[str] = field(default_factory=list)  # default layer names of referenced alerts


def _id(*parts: str) -> str:
    return str(uuid.uuid5(CAP_NAMESPACE, "/".join(parts)))


def alarm_id_for_alert(alert: CapAlert) -> str:
    return _id("alarm", alert.key)


def incident_id_for_alert(alert: CapAlert) -> str:
    return _id("incident", alert.key)


# --- mapping ---------------------------------------------------------------------------------

def alert_colour(info: CapInfo | None) -> str:
    """Warning colour: a profile level parameter wins, else the CAP severity, else blue."""
    if info is None:
        return "blue"
    for key, value in info.parameters.items():
        if key.strip().lower() in LEVEL_PARAMETERS:
            colour = _COLOUR_OF_WORD.get(value.strip().lower()) or _COLOUR_OF_WORD.get(value.strip()[:2].lower())
            if colour:
                return colour
    return COLOUR_OF_SEVERITY.get(info.severity, "blue")


def event_type_for(info: CapInfo | None, catalog: Catalog) -> str:
    """Event type code for the alert (EVENT_KEYWORDS, then CATEGORY_EVENT_TYPES, then the
    fallback); only codes the catalogue has are used."""
    known = catalog.event_types

    def ok(code: str) -> bool:
        return not known or code in known

    if info is not None:
        text = f"{info.event} {' '.join(v for _, v in info.event_codes)}".lower()
        for words, code in EVENT_KEYWORDS:
            if ok(code) and any(w in text for w in words):
                return code
        for category in info.category:
            code = CATEGORY_EVENT_TYPES.get(category)
            if code and ok(code):
                return code
    if ok(FALLBACK_EVENT_TYPE):
        return FALLBACK_EVENT_TYPE
    return next(iter(known))


def indicator_for(info: CapInfo | None) -> str:
    code = next((v for _, v in info.event_codes if v), "") if info else ""
    return INDICATOR_PREFIX + (code or (info.event if info else "") or "alert")[:60]


def centroid(info: CapInfo | None) -> tuple[float, float] | None:
    """(lon, lat) of the info's areas: the area-weighted centre of its polygons and circles,
    else the mean of zero-radius circles (epicentres), else None (geocode or text only)."""
    if info is None:
        return None
    rings = [ring for area in info.areas for ring in area.polygons]
    rings += [circle_ring(c) for area in info.areas for c in area.circles if c.radius_km > 0]
    total = sx = sy = 0.0
    for ring in rings:
        a, cx, cy = _ring_centroid(ring)
        total, sx, sy = total + a, sx + a * cx, sy + a * cy
    if total > 0:
        return sx / total, sy / total
    points = [(c.lon, c.lat) for area in info.areas for c in area.circles]
    points += [(p[0], p[1]) for ring in rings for p in ring[:-1]]
    if not points:
        return None
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def _ring_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-15:
        return 0.0, 0.0, 0.0
    return abs(a) / 2, cx / (3 * a), cy / (3 * a)


def _city(catalog: Catalog) -> OrgUnit | None:
    return next((u for u in catalog.org_units.values() if u.level == OrgLevel.CITY), None)


def _text_of(info: CapInfo | None) -> tuple[str, str]:
    if info is None:
        return "", ""
    title = info.headline or info.event
    description = "\n\n".join(t for t in (info.description, info.instruction) if t)
    return title, description


def cap_fields(alert: CapAlert, info: CapInfo | None, keys: list[str]) -> dict:
    """The extra fields a CAP row carries, so a view can say what it is without the XML."""
    return {
        "source": "cap", "cap_identifier": alert.identifier, "cap_sender": alert.sender,
        "cap_sent": alert.sent, "cap_status": alert.status, "cap_msg_type": alert.msg_type,
        "cap_event": info.event if info else "", "cap_headline": info.headline if info else "",
        "cap_severity": info.severity if info else "", "cap_urgency": info.urgency if info else "",
        "cap_certainty": info.certainty if info else "", "cap_expires": info.expires if info else None,
        "cap_language": info.language if info else "",
        "cap_area": "、".join(a.area_desc for a in info.areas if a.area_desc) if info else "",
        "cap_keys": keys,
    }


# --- the cache -------------------------------------------------------------------------------

def cap_rows(store) -> list[tuple[str, dict]]:
    """(entity, row) of every CAP alarm and incident in the cache."""
    alarms = store.query("SELECT * FROM alarms WHERE indicator LIKE 'cap:%'")
    incidents = store.query("SELECT * FROM incidents WHERE extra LIKE '%\"cap_keys\"%'")
    # incidents first: a converted CAP alarm's incident carries its keys too, and an Update or
    # Cancel of that alert concerns the incident the room now works on
    return [("incident", r) for r in incidents] + [("alarm", r) for r in alarms]


def _holder(store, keys: list[str]) -> tuple[str, dict] | None:
    wanted = set(keys)
    for entity, row in cap_rows(store):
        if wanted & set(row.get("cap_keys") or ()):
            return entity, row
    return None


def check_importable(alert: CapAlert, path, db_mode: str = "live") -> None:
    """InteropError when the alert may not become a row in a `db_mode` database (see above)."""
    if alert.msg_type in ("Ack", "Error"):
        raise InteropError(path, "alert", "msgType", f"an {alert.msg_type} message acknowledges another "
                                                     "message: it is not a warning to import")
    if alert.status in ("Test", "System", "Draft"):
        raise InteropError(path, "alert", "status", f"a {alert.status} alert is not for the command room and "
                                                    "becomes no alarm or incident (use --as layer to draw it)")
    if alert.status == "Exercise" and db_mode != "drill":
        raise InteropError(path, "alert", "status", "an Exercise alert stays out of the live cache: import it "
                                                    "into a drill database, or use --as layer to draw it")
    if alert.status == "Actual" and db_mode == "drill":
        raise InteropError(path, "alert", "status", "a real (Actual) alert does not go into a drill database")


def plan_import(alert: CapAlert, catalog: Catalog, store, now_ms: int, *, as_: str = "alarm",
                ui_lang: str = "zh_CN", db_mode: str = "live", path: object = "<alert>") -> CapPlan:
    """Decide what importing `alert` does to the cache behind `store` (read only here)."""
    if as_ not in ("alarm", "incident"):
        raise ValueError(f"as_ must be alarm or incident, not {as_!r}")
    check_importable(alert, path, db_mode)
    superseded = [sanitise_name(f"cap-{ref.split(',')[1]}") for ref in alert.references if ref.count(",") == 2]
    seen = _holder(store, [alert.key])
    if seen is not None:
        entity, row = seen
        return CapPlan("duplicate", f"alert {alert.identifier} was imported already ({entity} {row['id']}): "
                                    "nothing changed", entity=entity, entity_id=row["id"])
    info = choose_info(alert, ui_lang)
    held = _holder(store, alert.references) if alert.references else None
    mode = "drill" if db_mode == "drill" else "live"
    try:
        if alert.msg_type == "Cancel":
            plan = _cancel(alert, held, now_ms, mode)
        elif alert.msg_type == "Update" and held is not None:
            plan = _update(alert, info, held, catalog, now_ms, mode)
        elif as_ == "alarm":
            plan = _new_alarm(alert, info, catalog, now_ms, mode)
        else:
            plan = _new_incident(alert, info, catalog, now_ms, mode, ui_lang)
    except CommandError as exc:
        raise InteropError(path, "alert", exc.field or "alert", str(exc)) from None
    plan.superseded_layers = superseded
    return plan


def _new_alarm(alert: CapAlert, info: CapInfo | None, catalog: Catalog, now_ms: int, mode: str) -> CapPlan:
    where = centroid(info)
    unit = catalog.locate(*where) if where else None
    colour = alert_colour(info)
    alarm_id = alarm_id_for_alert(alert)
    event = AlarmEvent("raise", alarm_id, indicator_for(info), colour, 0.0, now_ms, unit.code if unit else None)
    op = raise_alarm(event)
    fields = {**op.fields, "value": None, **cap_fields(alert, info, [alert.key]),
              "lon": where[0] if where else None, "lat": where[1] if where else None}
    if mode == "drill":
        fields["mode"] = "drill"
    place = f" in {unit.name_en} ({unit.code})" if unit else " outside the city's org units"
    return CapPlan("alarm", f"alert {alert.identifier}: {colour} alarm {alarm_id}{place}",
                   [Op(op.entity, op.entity_id, op.op, fields, note=f"CAP {alert.key}")], "alarm", alarm_id)


def _incident_op(alert: CapAlert, info: CapInfo | None, catalog: Catalog, now_ms: int, mode: str,
                 incident_id: str, keys: list[str], en: CapInfo | None = None) -> Op:
    where = centroid(info)
    unit = (catalog.locate(*where) if where else None) or _city(catalog)
    if unit is None:
        raise CommandError("the catalogue has no org unit for the incident", "org_unit")
    lon, lat = where if where else unit.center
    title, description = _text_of(info)
    severity = INCIDENT_SEVERITY.get(info.severity if info else "", "IV")
    op = report_incident(now_ms, title=title or alert.identifier, category=event_type_for(info, catalog),
                         severity=severity, org_unit=unit.code, lon=lon, lat=lat, description=description,
                         mode=mode, incident_id=incident_id)
    fields = {**op.fields, **cap_fields(alert, info, keys)}
    if en is not None and en is not info and (en.headline or en.event):
        fields["title_en"] = en.headline or en.event
    return Op(op.entity, op.entity_id, op.op, fields, note=f"CAP {alert.key}")


def _new_incident(alert: CapAlert, info: CapInfo | None, catalog: Catalog, now_ms: int, mode: str,
                  ui_lang: str) -> CapPlan:
    incident_id = incident_id_for_alert(alert)
    en = choose_info(alert, "en")
    op = _incident_op(alert, info, catalog, now_ms, mode, incident_id, [alert.key], en)
    return CapPlan("incident", f"alert {alert.identifier}: incident {incident_id} (severity "
                               f"{op.fields['severity']}, {op.fields['category']}) in {op.fields['org_unit']}",
                   [op], "incident", incident_id)


def _log(alert: CapAlert, incident: dict, text: str, now_ms: int, mode: str) -> Op:
    return write_log(now_ms, text=text, kind="note", incident_id=incident["id"], mode=mode,
                     log_id=_id("log", alert.key), source="cap", cap_keys=[alert.key])


def _update(alert: CapAlert, info: CapInfo | None, held: tuple[str, dict], catalog: Catalog, now_ms: int,
            mode: str) -> CapPlan:
    entity, row = held
    keys = [*row.get("cap_keys", []), alert.key]
    title, _ = _text_of(info)
    if entity == "incident":
        op = _log(alert, row, f"CAP 更新 Update {alert.identifier}: {title}", now_ms, mode)
        return CapPlan("update", f"alert {alert.identifier} updates incident {row['id']}: noted in its command "
                                 "log (the incident itself is a command decision and is not rewritten)",
                       [op], "incident", row["id"])
    if row["status"] not in OPEN_ALARM:
        return CapPlan("none", f"alert {alert.identifier} updates alarm {row['id']}, which is {row['status']}: "
                               "nothing changed", entity="alarm", entity_id=row["id"])
    where = centroid(info)
    unit = catalog.locate(*where) if where else None
    fields = {"colour": alert_colour(info), "org_unit": unit.code if unit else None, "updated_ms": now_ms,
              "indicator": indicator_for(info), "lon": where[0] if where else None,
              "lat": where[1] if where else None, **cap_fields(alert, info, keys)}
    op = Op("alarm", row["id"], "alarm.cap_update", fields, row["version"], note=f"CAP {alert.key}")
    return CapPlan("update", f"alert {alert.identifier} updates alarm {row['id']}: now {fields['colour']}",
                   [op], "alarm", row["id"])


def _cancel(alert: CapAlert, held: tuple[str, dict] | None, now_ms: int, mode: str) -> CapPlan:
    if held is None:
        return CapPlan("none", f"alert {alert.identifier} cancels alerts that were never imported: nothing "
                               "changed in the cache")
    entity, row = held
    if entity == "incident":
        op = _log(alert, row, f"CAP 取消 Cancel {alert.identifier}: 预警已解除 the warning was cancelled",
                  now_ms, mode)
        return CapPlan("cancel", f"alert {alert.identifier} cancels the warning of incident {row['id']}: noted "
                                 "in its command log (closing it is the room's decision)", [op], "incident", row["id"])
    if row["status"] == "cleared":
        return CapPlan("none", f"alert {alert.identifier} cancels alarm {row['id']}, already cleared: nothing "
                               "changed", entity="alarm", entity_id=row["id"])
    clear = alarm_action(row, "clear", now_ms)
    fields = {**clear.fields, "cap_keys": [*row.get("cap_keys", []), alert.key], "cap_msg_type": "Cancel"}
    return CapPlan("cancel", f"alert {alert.identifier} cancels alarm {row['id']}: cleared",
                   [Op(clear.entity, clear.entity_id, clear.op, fields, clear.base_version,
                       note=f"CAP {alert.key}")], "alarm", row["id"])


# --- the Alarms dock's convert path for CAP alarms --------------------------------------------

def convert_cap_alarm(alarm_row: dict, catalog: Catalog, now_ms: int) -> list[Op]:
    """Report + convert for a CAP alarm (domain.alarms.convert_to_incident only knows catalogue
    indicators): the incident is pre-filled from the alarm's CAP fields, its id is the same
    `incident_id_for(alarm id)` so two seats converting at once report one incident."""
    if not str(alarm_row.get("indicator") or "").startswith(INDICATOR_PREFIX):
        raise CommandError(f"{alarm_row.get('indicator')!r} is not a CAP alarm", "indicator")
    convert = alarm_action(alarm_row, "convert", now_ms, incident_id=incident_id_for(alarm_row["id"]))
    unit = catalog.org_units.get(alarm_row.get("org_unit") or "") or _city(catalog)
    if unit is None:
        raise CommandError("the catalogue has no org unit for the incident", "org_unit")
    lon, lat = alarm_row.get("lon"), alarm_row.get("lat")
    if not (isinstance(lon, (int, float)) and isinstance(lat, (int, float)) and math.isfinite(lon + lat)):
        lon, lat = unit.center
    info = CapInfo(language="", category=[], event=alarm_row.get("cap_event") or "", urgency="",
                   severity=alarm_row.get("cap_severity") or "", certainty="",
                   headline=alarm_row.get("cap_headline") or "", description="", instruction="",
                   effective=None, expires=None)
    severity = {"red": "I", "orange": "II", "yellow": "III", "blue": "IV"}.get(alarm_row.get("colour"), "IV")
    report = report_incident(now_ms, title=info.headline or info.event or alarm_row["indicator"],
                             category=event_type_for(info, catalog), severity=severity, org_unit=unit.code,
                             lon=float(lon), lat=float(lat),
                             description=f"由 CAP 预警转入 from CAP alert {alarm_row.get('cap_identifier', '')}",
                             mode=alarm_row.get("mode") or "live", incident_id=convert.fields["incident_id"])
    fields = {**report.fields, "alarm_id": alarm_row["id"], "source": "cap",
              "cap_keys": list(alarm_row.get("cap_keys") or [])}
    return [Op(report.entity, report.entity_id, report.op, fields, note=f"alarm {alarm_row['id']}"), convert]
