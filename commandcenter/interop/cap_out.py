"""Drafting an outbound CAP 1.2 alert from an incident, and writing it as XML (docs/cap.md).

The draft is a `cap.CapAlert`, the same structure the importer reads, so "draft -> XML ->
parse_alert" must give back an equal object: that round trip is the test that the lat,lon
order, the times and the text survive. The XML follows the element order of the OASIS schema
(cap12.xsd is a sequence: order matters, and empty optional elements are left out, because an
empty <headline/> is valid XML but says nothing).

Chinese profile (GB/T 35965.1-2018, DOMAIN.md): the identifier is the publisher code (AREA6 +
SECTOR3 + 000 + 00) + "_" + the Beijing time of entry YYYYMMDDhhmmss + "_" + N; times are
+08:00; the local warning level and colour travel as parameters (预警级别, 预警颜色). A drill
incident is always status Exercise: nothing drafted from a drill may look like a real warning.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape

from commandcenter.domain.catalog import Catalog
from commandcenter.interop.cap import CAP_NAMESPACES, CapAlert, CapArea, CapCircle, CapInfo, format_polygon

BEIJING = timezone(timedelta(hours=8))
OUT_STATUSES = ("Actual", "Exercise")
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
# incident severity -> CAP severity and the local warning level / colour (DOMAIN.md convention)
CAP_SEVERITY = {"I": "Extreme", "II": "Severe", "III": "Moderate", "IV": "Minor"}
LOCAL_LEVEL = {"I": ("一级", "红色"), "II": ("二级", "橙色"), "III": ("三级", "黄色"), "IV": ("四级", "蓝色")}
LEVEL_PARAMETER, COLOUR_PARAMETER = "预警级别", "预警颜色"
# event type code -> CAP category; else by the type's category (natural -> Met ...)
CATEGORY_OF_TYPE = {
    "earthquake": "Geo", "landslide": "Geo", "forest_fire": "Fire", "building_fire": "Fire",
    "traffic_accident": "Transport", "metro_disruption": "Transport", "stranded_passengers": "Transport",
    "hazmat": "CBRNE", "gas_leak": "Infra", "power_outage": "Infra", "water_main_burst": "Infra",
    "road_collapse": "Infra", "building_collapse": "Infra", "elevator_entrapment": "Infra",
}
CATEGORY_OF_KIND = {"natural": "Met", "accident": "Safety", "health": "Health", "social": "Security"}
DEFAULT_SECTOR = "000"  # GB/T 4657 sector code of the publisher; a city sets its own
CIRCLE_KM = 1.0
_SENDER_RE = re.compile(r"[^\s,<&]{1,200}")  # CAP 1.2 3.2.1: no spaces, commas or restricted characters
_OPEN_STATES = ("reported", "verifying")  # not yet confirmed: certainty Likely


def check_sender(sender: str) -> str:
    if not _SENDER_RE.fullmatch(sender or ""):
        raise ValueError(f"sender {sender!r}: CAP senders have no spaces, commas, '<' or '&'")
    return sender


def sent_text(now_ms: int) -> str:
    """CAP dateTime in Beijing time, whole seconds, "+08:00" (the schema refuses fractions and Z)."""
    return datetime.fromtimestamp(now_ms // 1000, BEIJING).isoformat()


def publisher_code(org_unit: str, sector: str = DEFAULT_SECTOR) -> str:
    """AREA6 + SECTOR3 + 000 + 00: the first six digits of the org unit's code (GB/T 2260)."""
    digits = re.sub(r"\D", "", org_unit or "")
    return f"{(digits + '000000')[:6]}{sector}00000"


def identifier_for(org_unit: str, now_ms: int, n: int = 0, sector: str = DEFAULT_SECTOR) -> str:
    stamp = datetime.fromtimestamp(now_ms // 1000, BEIJING).strftime("%Y%m%d%H%M%S")
    return f"{publisher_code(org_unit, sector)}_{stamp}_{n}"


def cap_category(event_type: str, catalog: Catalog) -> str:
    if event_type in CATEGORY_OF_TYPE:
        return CATEGORY_OF_TYPE[event_type]
    et = catalog.event_types.get(event_type)
    return CATEGORY_OF_KIND.get(et.category, "Other") if et else "Other"


def incident_area(incident: dict, catalog: Catalog, *, shape: str = "polygon",
                  radius_km: float = CIRCLE_KM) -> CapArea:
    """The org unit's outline as a CAP polygon, or a circle around the incident (when asked,
    or when the unit has no usable outline)."""
    unit = catalog.org_units.get(incident.get("org_unit") or "")
    desc = unit.name_zh if unit else (incident.get("org_unit") or "")
    ring = [[float(x), float(y)] for x, y in unit.polygon] if unit else []
    if ring and ring[0] != ring[-1]:
        ring.append(list(ring[0]))
    if shape == "polygon" and len(ring) >= 4:
        return CapArea(area_desc=desc, polygons=[ring])
    lon, lat = incident.get("lon"), incident.get("lat")
    if lon is None or lat is None:
        lon, lat = unit.center if unit else (0.0, 0.0)
    return CapArea(area_desc=desc, circles=[CapCircle(lat=float(lat), lon=float(lon), radius_km=radius_km)])


def draft_alert(incident: dict, catalog: Catalog, *, now_ms: int, sender: str | None = None,
                status: str | None = None, english: bool = True, shape: str = "polygon",
                sector: str = DEFAULT_SECTOR, n: int = 0) -> CapAlert:
    """An Alert for the public about `incident` (a row of the incidents table).

    ValueError for a status other than Actual/Exercise, or Actual for a drill incident."""
    drill = (incident.get("mode") or "live") == "drill"
    status = status or ("Exercise" if drill else "Actual")
    if status not in OUT_STATUSES:
        raise ValueError(f"status {status!r}: an outbound alert is Actual or Exercise")
    if drill and status != "Exercise":
        raise ValueError(f"incident {incident.get('id')} is a drill incident: its alerts are always Exercise")
    severity = incident.get("severity") if incident.get("severity") in CAP_SEVERITY else "IV"
    level, colour = LOCAL_LEVEL[severity]
    event_type = catalog.event_types.get(incident.get("category") or "")
    area = incident_area(incident, catalog, shape=shape)
    sent = sent_text(now_ms)
    common = dict(
        category=[cap_category(incident.get("category") or "", catalog)],
        urgency="Immediate" if severity in ("I", "II") else "Expected",
        severity=CAP_SEVERITY[severity],
        certainty="Likely" if incident.get("status") in _OPEN_STATES else "Observed",
        effective=sent, expires=None,
        parameters={LEVEL_PARAMETER: level, COLOUR_PARAMETER: colour},
        areas=[area],
    )
    title = str(incident.get("title") or "").strip()
    zh = CapInfo(language="zh-CN", event=event_type.name_zh if event_type else (incident.get("category") or "突发事件"),
                 headline=title, description=str(incident.get("description") or "").strip(),
                 instruction="", **common)
    infos = [zh]
    if english:
        unit = catalog.org_units.get(incident.get("org_unit") or "")
        en_area = replace(area, area_desc=unit.name_en if unit else area.area_desc)
        infos.append(CapInfo(language="en", event=event_type.name_en if event_type else zh.event,
                             headline=str(incident.get("title_en") or title).strip(), description=zh.description,
                             instruction="", **{**common, "areas": [en_area],
                                                "parameters": dict(common["parameters"])}))
    sender = check_sender(sender or publisher_code(incident.get("org_unit") or "", sector))
    return CapAlert(identifier=identifier_for(incident.get("org_unit") or "", now_ms, n, sector), sender=sender,
                    sent=sent, status=status, msg_type="Alert", scope="Public", infos=infos)


def with_zh_info(alert: CapAlert, **changes) -> CapAlert:
    """The alert with fields of every info changed (the dialog edits one text for all
    languages' enumerations; headline etc. only for zh-CN)."""
    texts = {k: changes.pop(k) for k in ("headline", "description", "instruction", "area_desc") if k in changes}
    infos = []
    for info in alert.infos:
        info = replace(info, **changes)
        if info.language == "zh-CN" and texts:
            area_desc = texts.pop("area_desc", None)
            info = replace(info, **texts)
            if area_desc is not None:
                info = replace(info, areas=[replace(a, area_desc=area_desc) for a in info.areas])
        infos.append(info)
    return replace(alert, infos=infos)


# --- XML -------------------------------------------------------------------------------------

def _el(name: str, text: str | None, indent: str) -> str:
    return f"{indent}<{name}>{escape(text)}</{name}>\n" if text else ""


def _pair(name: str, key: str, value: str, indent: str) -> str:
    return (f"{indent}<{name}>\n{indent}  <valueName>{escape(key)}</valueName>\n"
            f"{indent}  <value>{escape(value)}</value>\n{indent}</{name}>\n")


def _area_xml(area: CapArea, indent: str) -> str:
    inner = indent + "  "
    out = f"{indent}<area>\n" + _el("areaDesc", area.area_desc or "-", inner)
    out += "".join(_el("polygon", format_polygon(ring), inner) for ring in area.polygons)
    out += "".join(_el("circle", f"{c.lat!r},{c.lon!r} {c.radius_km!r}", inner) for c in area.circles)
    out += "".join(_pair("geocode", k, v, inner) for k, v in area.geocodes)
    return out + f"{indent}</area>\n"


def _info_xml(info: CapInfo) -> str:
    i = "    "
    out = "  <info>\n" + _el("language", info.language, i)
    out += "".join(_el("category", c, i) for c in info.category)
    out += _el("event", info.event or "-", i)
    out += _el("urgency", info.urgency, i) + _el("severity", info.severity, i) + _el("certainty", info.certainty, i)
    out += "".join(_pair("eventCode", k, v, i) for k, v in info.event_codes)
    out += _el("effective", info.effective, i) + _el("expires", info.expires, i)
    out += _el("senderName", info.sender_name, i)
    out += _el("headline", info.headline, i) + _el("description", info.description, i)
    out += _el("instruction", info.instruction, i)
    out += "".join(_pair("parameter", k, v, i) for k, v in info.parameters.items())
    out += "".join(_area_xml(a, i) for a in info.areas)
    return out + "  </info>\n"


def to_xml(alert: CapAlert) -> bytes:
    """The alert as CAP 1.2 XML (UTF-8), elements in schema order, empty optionals left out."""
    out = '<?xml version="1.0" encoding="UTF-8"?>\n'
    out += f'<alert xmlns="{CAP_NAMESPACES[0]}">\n'
    for name, value in (("identifier", alert.identifier), ("sender", alert.sender), ("sent", alert.sent),
                        ("status", alert.status), ("msgType", alert.msg_type), ("scope", alert.scope)):
        out += _el(name, value, "  ")
    if alert.references:
        out += _el("references", " ".join(alert.references), "  ")
    out += "".join(_info_xml(info) for info in alert.infos)
    return (out + "</alert>\n").encode("utf-8")

