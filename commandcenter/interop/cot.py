"""Cursor-on-Target events (TAK and friends) as map features.

One file holds one <event>, or a root element wrapping several. A plain event becomes a
Point; a route (b-m-r) becomes a LineString through its <link point="lat,lon"> children; a
drawn circle or ellipse (<shape><ellipse major minor angle>) becomes a Polygon around its
centre. hae/ce/le of 9999999 mean "unknown" and are stored as None.
"""
from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from commandcenter.interop.errors import InteropError
from commandcenter.interop.geometry import check_geometry, check_position
from commandcenter.interop.layers import Layer, build_layer
from commandcenter.interop.xmlsafe import child, local, parse_xml, read_bytes

UNKNOWN = 9999999.0
_ELLIPSE_STEPS = 64
_M_PER_DEG_LAT = 111_320.0


def _float(text: str | None, path, where: str, field: str) -> float | None:
    if text is None or text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise InteropError(path, where, field, f"not a number: {text[:40]!r}") from None
    if not math.isfinite(value):
        raise InteropError(path, where, field, f"not a finite number: {text[:40]!r}")
    return value


def _unknown_is_none(value: float | None) -> float | None:
    return None if value is None or value >= UNKNOWN else value


def _time(text: str | None, path, where: str, field: str, required: bool = True) -> str | None:
    if text is None:
        if required:
            raise InteropError(path, where, field, "missing")
        return None
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InteropError(path, where, field, f"not an ISO 8601 time: {text[:40]!r}") from None
    return text


def _ellipse(lon: float, lat: float, major: float, minor: float, angle_deg: float) -> list[list[float]]:
    """Ring around the centre on a local flat approximation (fine for shapes of a few km)."""
    m_per_deg_lon = _M_PER_DEG_LAT * max(math.cos(math.radians(lat)), 1e-6)
    rot = math.radians(angle_deg)
    ring = []
    for k in range(_ELLIPSE_STEPS):
        t = 2 * math.pi * k / _ELLIPSE_STEPS
        east, north = minor * math.cos(t), major * math.sin(t)
        x = east * math.cos(rot) + north * math.sin(rot)
        y = -east * math.sin(rot) + north * math.cos(rot)
        ring.append([lon + x / m_per_deg_lon, lat + y / _M_PER_DEG_LAT])
    ring.append(list(ring[0]))
    return ring


def _event(ev: ET.Element, path, where: str) -> dict:
    uid = ev.get("uid")
    etype = ev.get("type")
    if not uid:
        raise InteropError(path, where, "event.uid", "missing")
    if not etype:
        raise InteropError(path, where, "event.type", "missing")
    point = child(ev, "point")
    if point is None:
        raise InteropError(path, where, "point", "missing: an event needs <point lat lon>")
    lat = _float(point.get("lat"), path, where, "point.lat")
    lon = _float(point.get("lon"), path, where, "point.lon")
    if lat is None or lon is None:
        raise InteropError(path, where, "point.lat" if lat is None else "point.lon", "missing")
    check_position([lon, lat], path, where, "point")
    detail = child(ev, "detail")
    contact = child(detail, "contact") if detail is not None else None
    remarks = child(detail, "remarks") if detail is not None else None
    props: dict[str, object] = {
        "uid": uid,
        "type": etype,
        "how": ev.get("how"),
        "time": _time(ev.get("time"), path, where, "event.time"),
        "start": _time(ev.get("start"), path, where, "event.start"),
        "stale": _time(ev.get("stale"), path, where, "event.stale"),
        "callsign": contact.get("callsign") if contact is not None else None,
        "remarks": (remarks.text or "") if remarks is not None else None,
        "hae": _unknown_is_none(_float(point.get("hae"), path, where, "point.hae")),
        "ce": _unknown_is_none(_float(point.get("ce"), path, where, "point.ce")),
        "le": _unknown_is_none(_float(point.get("le"), path, where, "point.le")),
    }
    geometry: dict = {"type": "Point", "coordinates": [lon, lat]}
    if detail is not None:
        route = [link for link in detail if local(link.tag) == "link" and link.get("point")]
        shape = child(detail, "shape")
        ellipse = child(shape, "ellipse") if shape is not None else None
        if etype.startswith("b-m-r") and route:
            line = []
            for i, link in enumerate(route):
                field = f"detail.link[{i}].point"
                parts = link.get("point").split(",")
                if len(parts) < 2:
                    raise InteropError(path, where, field, f"expected lat,lon, got {link.get('point')[:40]!r}")
                plat = _float(parts[0], path, where, field)
                plon = _float(parts[1], path, where, field)
                line.append([plon, plat])
            geometry = {"type": "LineString", "coordinates": line}
            props["waypoints"] = [link.get("callsign") or "" for link in route]
        elif ellipse is not None:
            major = _float(ellipse.get("major"), path, where, "shape.ellipse.major")
            minor = _float(ellipse.get("minor"), path, where, "shape.ellipse.minor")
            angle = _float(ellipse.get("angle"), path, where, "shape.ellipse.angle") or 0.0
            if not major or not minor or major <= 0 or minor <= 0:
                raise InteropError(path, where, "shape.ellipse", "major and minor must be positive metres")
            geometry = {"type": "Polygon", "coordinates": [_ellipse(lon, lat, major, minor, angle)]}
            props.update({"shape": "ellipse", "major_m": major, "minor_m": minor, "angle_deg": angle})
    return {"type": "Feature", "id": uid, "properties": props,
            "geometry": check_geometry(geometry, path, where)}


def parse_features(path: str | Path, data: bytes) -> list[dict]:
    root = parse_xml(path, data)
    if local(root.tag) == "event":
        events = [root]
    else:
        events = [e for e in root if local(e.tag) == "event"]
        if not events:
            raise InteropError(path, "line 1", "event", f"no <event> element (root is <{local(root.tag)}>)")
    where = "event" if len(events) == 1 else "event[{}]"
    return [_event(ev, path, where.format(i)) for i, ev in enumerate(events)]


def read_cot(path: str | Path, *, name: str | None = None, crs: str = "wgs84",
             imported_ms: int | None = None) -> Layer:
    features = parse_features(path, read_bytes(path))
    return build_layer(path, features, name=name, crs=crs, imported_ms=imported_ms)
