"""OASIS CAP 1.2 alerts as warning areas on the map.

A warning office sends one <alert> with one <info> per language and one <area> per warned
zone. We draw every area that has a polygon or circle, coloured by its warning level, so the
command room sees the warned zones next to its incidents. Three CAP habits need care:

- polygons are "lat,lon" pairs, the reverse of GeoJSON, and must be closed rings of 4+ pairs;
- circles are "lat,lon radius_km"; we turn them into 64-vertex rings on a sphere (a zero
  radius, common for an earthquake epicentre, becomes a Point);
- areas known only by a geocode (county code, SAME...) cannot be drawn without a gazetteer and
  are left out; an alert with nothing drawable at all is refused rather than imported empty.

status=Exercise alerts are flagged on every feature ("exercise": true): drill data must be
recognisable at a glance and never mistaken for a real warning. Text is kept literally.

Real feeds are not all UTF-8: Chinese warning systems still send GB2312/GBK with an XML
declaration saying so, which expat cannot read (it knows no multi-byte encodings but UTF-8/16).
`to_utf8` decodes such bytes with Python's codecs (GB2312 and GBK as GB18030, their superset)
and hands expat UTF-8. What the alert means to the command room (one alarm or incident, its
colour, its place) is in `cap_in.py`; drafting an outbound alert is `cap_out.py`.
"""
from __future__ import annotations

import codecs
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from commandcenter.domain.levels import COLOUR_HEX, WarningLevel
from commandcenter.interop.errors import InteropError
from commandcenter.interop.geometry import check_geometry
from commandcenter.interop.layers import Layer, build_layer, sanitise_name
from commandcenter.interop.xmlsafe import child, children, local, parse_xml, read_bytes

CAP_NAMESPACES = ("urn:oasis:names:tc:emergency:cap:1.2", "urn:oasis:names:tc:emergency:cap:1.1")
STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")
MSG_TYPES = ("Alert", "Update", "Cancel", "Ack", "Error")
# message types that may come without any <info> (CAP 1.2 3.2.1: info is 0..n)
_INFO_OPTIONAL = ("Cancel", "Ack", "Error")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
SCOPES = ("Public", "Restricted", "Private")
CATEGORIES = ("Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra",
              "CBRNE", "Other")
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
CERTAINTIES_1_1 = CERTAINTIES + ("Very Likely",)  # CAP 1.1 only; 1.2 says Likely
# decoders for declared encodings expat does not know; GB2312 and GBK files routinely hold
# characters only their superset GB18030 defines, so all three are read as GB18030
_DECODERS = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "cp936": "gb18030"}
_EXPAT_NATIVE = {"utf-8", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "iso8859-1", "ascii"}
_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
LAYER_KIND = "cap"
CIRCLE_STEPS = 64
MAX_RADIUS_KM = 2000.0  # beyond this a ring on a flat map stops looking like the zone it means
EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
UNKNOWN_COLOUR = COLOUR_HEX["stale"]  # grey: severity Unknown has no warning colour

_BY_SEVERITY = {level.cap_severity: level for level in WarningLevel}


@dataclass(frozen=True)
class CapCircle:
    lat: float
    lon: float
    radius_km: float


@dataclass
class CapArea:
    area_desc: str
    polygons: list[list[list[float]]] = field(default_factory=list)  # GeoJSON rings, [lon, lat]
    circles: list[CapCircle] = field(default_factory=list)
    geocodes: list[tuple[str, str]] = field(default_factory=list)  # (valueName, value)


@dataclass
class CapInfo:
    language: str
    category: list[str]
    event: str
    urgency: str
    severity: str
    certainty: str
    headline: str
    description: str
    instruction: str
    effective: str | None
    expires: str | None
    parameters: dict[str, str] = field(default_factory=dict)
    areas: list[CapArea] = field(default_factory=list)
    event_codes: list[tuple[str, str]] = field(default_factory=list)  # (valueName, value)
    sender_name: str = ""


@dataclass
class CapAlert:
    identifier: str
    sender: str
    sent: str
    status: str
    msg_type: str
    scope: str
    infos: list[CapInfo] = field(default_factory=list)
    references: list[str] = field(default_factory=list)  # "sender,identifier,sent" of earlier alerts

    @property
    def exercise(self) -> bool:
        return self.status == "Exercise"

    @property
    def key(self) -> str:
        """What CAP itself uses to name an alert in <references>: sender,identifier,sent."""
        return f"{self.sender},{self.identifier},{self.sent}"


def warning_level(severity: str) -> str:
    """red/orange/yellow/blue from CAP severity (DOMAIN.md convention); "" for Unknown."""
    level = _BY_SEVERITY.get(severity)
    return level.name.lower() if level else ""


def warning_colour(severity: str) -> str:
    level = _BY_SEVERITY.get(severity)
    return level.value.colour if level else UNKNOWN_COLOUR


def severity_rank(severity: str) -> int:
    """0 for Extreme .. 3 for Minor, 4 for Unknown or anything else (sorts most severe first)."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES) - 1


def language_order(ui_lang: str) -> tuple[str, ...]:
    """Language prefixes wanted for an interface language, best first (see choose_info)."""
    return ("zh-cn", "zh-hans", "zh", "en") if ui_lang.lower().replace("_", "-").startswith("zh") else ("en",)


def choose_info(alert: CapAlert, ui_lang: str = "zh_CN") -> CapInfo | None:
    """The one <info> that stands for the alert: the most severe; among equally severe ones
    (the same warning in several languages) zh-CN for a Chinese interface, else en, else the
    first. None when the alert has no info (a Cancel may have none)."""
    if not alert.infos:
        return None
    worst = min(severity_rank(i.severity) for i in alert.infos)
    candidates = [i for i in alert.infos if severity_rank(i.severity) == worst]
    for prefix in language_order(ui_lang):
        for info in candidates:
            lang = info.language.lower()
            if lang == prefix or lang.startswith(prefix + "-"):
                return info
    return candidates[0]


# --- encodings -------------------------------------------------------------------------------

def to_utf8(path, data: bytes) -> bytes:
    """Bytes expat can parse: a declared encoding expat lacks (GB2312, GBK, GB18030, Big5...)
    is decoded here and the declaration rewritten to UTF-8. BOM-marked and UTF-16 input is left
    to expat, which detects it itself. InteropError naming the line for undecodable bytes."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:3] == b"\xef\xbb\xbf" or data[:2] in (b"<\x00", b"\x00<"):
        return data
    match = _DECLARATION.match(data[:400])
    if match is None:
        return data
    declared = match.group(1).decode("ascii")
    try:
        name = codecs.lookup(_DECODERS.get(declared.lower(), declared)).name
    except LookupError:
        raise InteropError(path, "line 1", "encoding", f"unknown encoding {declared!r} in the XML declaration") from None
    if name in _EXPAT_NATIVE:
        return data
    try:
        text = data.decode(name)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InteropError(path, f"line {line}", "encoding",
                           f"bytes that are not {declared} at offset {exc.start}") from None
    start, end = match.span(1)
    head = data[:start].decode("ascii") + "UTF-8" + data[end:match.end()].decode("ascii")
    return (head + text[len(data[:match.end()].decode(name)):]).encode("utf-8")


# --- coordinates -----------------------------------------------------------------------------

def _number(text: str, path, where: str, field_: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InteropError(path, where, field_, f"{what}: not a number: {text[:40]!r}") from None
    if not math.isfinite(value):
        raise InteropError(path, where, field_, f"{what}: not a finite number: {text[:40]!r}")
    return value


def _latlon(token: str, path, where: str, field_: str, what: str) -> tuple[float, float]:
    parts = token.split(",")
    if len(parts) != 2:
        raise InteropError(path, where, field_, f"{what}: expected lat,lon, got {token[:40]!r}")
    lat = _number(parts[0], path, where, field_, what)
    lon = _number(parts[1], path, where, field_, what)
    if not -90.0 <= lat <= 90.0:
        raise InteropError(path, where, field_, f"{what}: latitude {lat} is out of range -90..90 "
                                                "(CAP pairs are lat,lon)")
    if not -180.0 <= lon <= 180.0:
        raise InteropError(path, where, field_, f"{what}: longitude {lon} is out of range -180..180")
    return lat, lon


def parse_polygon(text: str, path: object = "<text>", where: str = "polygon",
                  field_: str = "polygon") -> list[list[float]]:
    """CAP "lat,lon lat,lon ..." to a closed GeoJSON ring of [lon, lat]; InteropError if bad."""
    text = re.sub(r"\s*,\s*", ",", (text or "").strip())
    if not text:
        raise InteropError(path, where, field_, "empty polygon")
    values = [v for v in re.split(r"[\s,]+", text) if v]
    if len(values) % 2:
        raise InteropError(path, where, field_, f"odd number of coordinates ({len(values)}): "
                                                "CAP polygons are lat,lon pairs")
    ring = []
    for i, token in enumerate(text.split()):
        lat, lon = _latlon(token, path, where, field_, f"pair {i + 1}")
        ring.append([lon, lat])
    if len(ring) < 4:
        raise InteropError(path, where, field_, f"a polygon needs at least 4 lat,lon pairs "
                                                f"(first = last), got {len(ring)}")
    if ring[0] != ring[-1]:
        raise InteropError(path, where, field_, "polygon is not closed: the first and last pairs differ")
    return ring


def _decimal(value: float) -> str:
    """Shortest text that reads back as the same float, never in exponent form."""
    return format(Decimal(repr(float(value))), "f")


def format_polygon(ring_lonlat: list[list[float]]) -> str:
    """A GeoJSON ring ([lon, lat] positions) as CAP polygon text ("lat,lon lat,lon ...")."""
    return " ".join(f"{_decimal(p[1])},{_decimal(p[0])}" for p in ring_lonlat)


def parse_circle(text: str, path: object = "<text>", where: str = "circle",
                 field_: str = "circle") -> CapCircle:
    """CAP "lat,lon radius_km"; InteropError for a bad centre or a bad radius."""
    parts = re.sub(r"\s*,\s*", ",", (text or "").strip()).split()
    if len(parts) != 2:
        raise InteropError(path, where, field_, f"expected 'lat,lon radius_km', got {(text or '')[:40]!r}")
    lat, lon = _latlon(parts[0], path, where, field_, "centre")
    radius = _number(parts[1], path, where, field_, "radius")
    if radius < 0:
        raise InteropError(path, where, field_, f"radius {radius} km is negative")
    if radius > MAX_RADIUS_KM:
        raise InteropError(path, where, field_, f"radius {radius} km is over {MAX_RADIUS_KM:g} km "
                                                "and cannot be drawn as a map area")
    return CapCircle(lat=lat, lon=lon, radius_km=radius)


def destination(lat: float, lon: float, bearing_deg: float, distance_km: float) -> tuple[float, float]:
    """(lat, lon) reached from a point along a great circle (spherical Earth, mean radius)."""
    p1, l1 = math.radians(lat), math.radians(lon)
    b, d = math.radians(bearing_deg), distance_km / EARTH_RADIUS_KM
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    lon2 = (math.degrees(l2) + 540.0) % 360.0 - 180.0
    return math.degrees(p2), lon2


def circle_ring(circle: CapCircle, steps: int = CIRCLE_STEPS) -> list[list[float]]:
    """Closed GeoJSON ring of `steps` vertices at radius_km around the centre."""
    ring = []
    for k in range(steps):
        lat, lon = destination(circle.lat, circle.lon, 360.0 * k / steps, circle.radius_km)
        ring.append([lon, lat])
    ring.append(list(ring[0]))
    return ring


def area_geometry(area: CapArea) -> dict | None:
    """GeoJSON for an area: Polygon for one shape, MultiPolygon for several, None if geocode only.

    A zero-radius circle is a place, not a zone: alone it is a Point; next to other shapes it
    joins them in a GeometryCollection.
    """
    polygons = [[ring] for ring in area.polygons]
    polygons += [[circle_ring(c)] for c in area.circles if c.radius_km > 0]
    points = [[c.lon, c.lat] for c in area.circles if c.radius_km == 0]
    shapes = []
    if len(polygons) == 1:
        shapes.append({"type": "Polygon", "coordinates": polygons[0]})
    elif polygons:
        shapes.append({"type": "MultiPolygon", "coordinates": polygons})
    if len(points) == 1:
        shapes.append({"type": "Point", "coordinates": points[0]})
    elif points:
        shapes.append({"type": "MultiPoint", "coordinates": points})
    if not shapes:
        return None
    return shapes[0] if len(shapes) == 1 else {"type": "GeometryCollection", "geometries": shapes}


# --- XML -------------------------------------------------------------------------------------

def _text(elem: ET.Element, name: str) -> str:
    c = child(elem, name)
    return (c.text or "").strip() if c is not None else ""


def _time(elem: ET.Element, name: str, path, where: str, required: bool = False) -> str | None:
    text = _text(elem, name)
    if not text:
        if required:
            raise InteropError(path, where, name, "missing")
        return None
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InteropError(path, where, name, f"not an ISO 8601 time: {text[:40]!r}") from None
    return text


def _pairs(elem: ET.Element, name: str) -> list[tuple[str, str]]:
    return [(_text(p, "valueName"), _text(p, "value")) for p in children(elem, name)]


def _required(elem: ET.Element, name: str, path, where: str, allowed: tuple[str, ...] | None = None) -> str:
    """The text of a required element (CAP 1.2 section 3.2), refused when missing or empty,
    or, for an enumerated one, not one of its values."""
    text = _text(elem, name)
    if not text:
        raise InteropError(path, where, name, "missing (required by CAP 1.2)")
    if allowed is not None and text not in allowed:
        raise InteropError(path, where, name, f"{text[:40]!r} is not one of {', '.join(allowed)}")
    return text


def _area(elem: ET.Element, path, where: str) -> CapArea:
    area_desc = _required(elem, "areaDesc", path, where)
    polygons = [parse_polygon(p.text or "", path, where, f"polygon[{k}]")
                for k, p in enumerate(children(elem, "polygon"))]
    circles = [parse_circle(c.text or "", path, where, f"circle[{k}]")
               for k, c in enumerate(children(elem, "circle"))]
    return CapArea(area_desc=area_desc, polygons=polygons, circles=circles,
                   geocodes=_pairs(elem, "geocode"))


def _info(elem: ET.Element, path, where: str, certainties: tuple[str, ...] = CERTAINTIES) -> CapInfo:
    categories = [(c.text or "").strip() for c in children(elem, "category")]
    if not categories:
        raise InteropError(path, where, "category", "missing (required by CAP 1.2)")
    for k, category in enumerate(categories):
        if not category:
            raise InteropError(path, where, "category", "missing (required by CAP 1.2): an empty <category>")
        if category not in CATEGORIES:
            raise InteropError(path, where, f"category[{k}]",
                               f"{category[:40]!r} is not one of {', '.join(CATEGORIES)}")
    event = _required(elem, "event", path, where)
    urgency = _required(elem, "urgency", path, where, URGENCIES)
    severity = _required(elem, "severity", path, where, SEVERITIES)
    certainty = _required(elem, "certainty", path, where, certainties)
    parameters: dict[str, str] = {}
    for key, value in _pairs(elem, "parameter"):
        parameters[key] = f"{parameters[key]}; {value}" if key in parameters else value
    return CapInfo(
        language=_text(elem, "language") or "en-US",  # the CAP 1.2 default
        category=categories, event=event, urgency=urgency, severity=severity,
        certainty=certainty, headline=_text(elem, "headline"),
        description=_text(elem, "description"), instruction=_text(elem, "instruction"),
        effective=_time(elem, "effective", path, where), expires=_time(elem, "expires", path, where),
        parameters=parameters,
        areas=[_area(a, path, f"{where}/area[{j}]") for j, a in enumerate(children(elem, "area"))],
        event_codes=_pairs(elem, "eventCode"), sender_name=_text(elem, "senderName"),
    )


def parse_alert(path: str | Path, data: bytes) -> CapAlert:
    """The alert in `data` (read from `path`, named in errors); InteropError if it is not CAP."""
    root = parse_xml(path, to_utf8(path, data))
    ns = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    if local(root.tag) != "alert" or ns not in CAP_NAMESPACES:
        shown = f"<{local(root.tag)}>" + (f" in namespace {ns}" if ns else " without namespace")
        raise InteropError(path, "line 1", "alert",
                           f"root element is {shown}, expected <alert> in namespace {CAP_NAMESPACES[0]}")
    # Every element CAP 1.2 requires is checked, in document order, before anything is used:
    # an alert missing one is not CAP, and importing half of it would mislead the room.
    identifier = _required(root, "identifier", path, "alert")
    sender = _required(root, "sender", path, "alert")
    _required(root, "sent", path, "alert")
    sent = _time(root, "sent", path, "alert", required=True)
    status = _required(root, "status", path, "alert", STATUSES)
    msg_type = _required(root, "msgType", path, "alert", MSG_TYPES)
    scope = _required(root, "scope", path, "alert", SCOPES)
    if scope == "Restricted" and not _text(root, "restriction"):
        raise InteropError(path, "alert", "restriction", "missing: a Restricted alert must say its restriction")
    if scope == "Private" and not _text(root, "addresses"):
        raise InteropError(path, "alert", "addresses", "missing: a Private alert must name its addresses")
    certainties = CERTAINTIES_1_1 if ns.endswith(":1.1") else CERTAINTIES
    infos = [_info(e, path, f"info[{i}]", certainties) for i, e in enumerate(children(root, "info"))]
    if not infos and msg_type not in _INFO_OPTIONAL:
        raise InteropError(path, "alert", "info", f"missing: an {msg_type} needs at least one <info>")
    return CapAlert(
        identifier=identifier, sender=sender, sent=sent or "",
        status=status, msg_type=msg_type, scope=scope, infos=infos,
        references=_text(root, "references").split(),
    )


def parse_cap(path: str | Path) -> CapAlert:
    return parse_alert(path, read_bytes(path))


def default_layer_name(alert: CapAlert) -> str:
    """"cap-" + identifier: two alerts become two layers, the same alert again the same layer."""
    return sanitise_name(f"cap-{alert.identifier}")


def alert_features(alert: CapAlert, path: str | Path) -> list[dict]:
    """One Feature per drawable area; InteropError("area") when there is none at all."""
    features = drawable_features(alert, path)
    if not features:
        raise InteropError(path, "alert", "area",
                           "the alert has no polygon or circle to draw (areas given only by areaDesc or "
                           "geocode are not drawn)")
    return features


def drawable_features(alert: CapAlert, path: str | Path) -> list[dict]:
    """One Feature per drawable area, possibly none (an alarm needs no drawing)."""
    features = []
    for i, info in enumerate(alert.infos):
        for j, area in enumerate(info.areas):
            geometry = area_geometry(area)
            if geometry is None:
                continue
            props = {
                "identifier": alert.identifier, "sender": alert.sender, "sent": alert.sent,
                "status": alert.status, "msg_type": alert.msg_type, "event": info.event,
                "headline": info.headline, "description": info.description,
                "instruction": info.instruction, "urgency": info.urgency, "severity": info.severity,
                "certainty": info.certainty, "expires": info.expires,
                "effective": info.effective or alert.sent,  # CAP: absent means "from sent"
                "area_desc": area.area_desc, "language": info.language,
                "category": list(info.category), "parameters": dict(info.parameters),
                "warning_level": warning_level(info.severity), "colour": warning_colour(info.severity),
                "exercise": alert.exercise,
            }
            features.append({"type": "Feature", "id": f"{alert.identifier}/info[{i}]/area[{j}]",
                             "properties": props,
                             "geometry": check_geometry(geometry, path, f"info[{i}]/area[{j}]")})
    return features


def read_cap(path: str | Path, *, name: str | None = None, crs: str = "wgs84",
             imported_ms: int | None = None) -> Layer:
    """A layer of kind "cap" named "cap-<identifier>" unless `name` is given. CAP is WGS-84."""
    if crs != "wgs84":
        raise InteropError(path, "alert", "crs", f"CAP coordinates are WGS-84 by definition, not {crs}")
    alert = parse_cap(path)
    return alert_layer(alert, path, alert_features(alert, path), name=name, imported_ms=imported_ms)


def alert_layer(alert: CapAlert, path: str | Path, features: list[dict], *, name: str | None = None,
                imported_ms: int | None = None) -> Layer:
    layer = build_layer(path, features, name=name or default_layer_name(alert), crs="wgs84",
                        imported_ms=imported_ms)
    layer.kind = LAYER_KIND
    return layer
