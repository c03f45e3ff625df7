"""Validation of GeoJSON geometries (RFC 7946), shared by every reader.

Readers build geometries from their own syntax and then pass them through here, so a bad
coordinate is reported the same way whatever the format, before anything is stored.
"""
from __future__ import annotations

import math

from commandcenter.interop.errors import InteropError

GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                  "MultiPolygon", "GeometryCollection")


def number(value: object) -> bool:
    """True for finite int/float; bool is an int in Python but never a coordinate."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_position(pos: object, path: str, where: str, field: str) -> list[float]:
    if not isinstance(pos, list) or not 2 <= len(pos) <= 3:
        raise InteropError(path, where, field, f"a position must be [lon, lat] or [lon, lat, alt], got {_short(pos)}")
    for i, v in enumerate(pos):
        if not number(v):
            raise InteropError(path, where, f"{field}[{i}]", f"not a number: {_short(v)}")
    lon, lat = pos[0], pos[1]
    if not -180.0 <= lon <= 180.0:
        raise InteropError(path, where, f"{field}[0]", f"longitude {lon} is out of range -180..180")
    if not -90.0 <= lat <= 90.0:
        raise InteropError(path, where, f"{field}[1]", f"latitude {lat} is out of range -90..90")
    return [float(v) for v in pos]


def _positions(coords: object, path: str, where: str, field: str, minimum: int) -> list:
    if not isinstance(coords, list):
        raise InteropError(path, where, field, f"expected an array of positions, got {_short(coords)}")
    if len(coords) < minimum:
        raise InteropError(path, where, field, f"needs at least {minimum} positions, got {len(coords)}")
    return [check_position(p, path, where, f"{field}[{i}]") for i, p in enumerate(coords)]


def _rings(coords: object, path: str, where: str, field: str) -> list:
    if not isinstance(coords, list) or not coords:
        raise InteropError(path, where, field, "a polygon needs at least one linear ring")
    rings = []
    for i, ring in enumerate(coords):
        ring = _positions(ring, path, where, f"{field}[{i}]", 4)
        if ring[0][:2] != ring[-1][:2]:
            raise InteropError(path, where, f"{field}[{i}]",
                               "linear ring is not closed (first and last positions differ)")
        rings.append(ring)
    return rings


def _list(coords: object, path: str, where: str, field: str) -> list:
    if not isinstance(coords, list):
        raise InteropError(path, where, field, f"expected an array, got {_short(coords)}")
    return coords


def check_geometry(geometry: object, path: str, where: str, field: str = "geometry") -> dict:
    """A clean copy of a valid geometry (floats, no foreign members), or InteropError."""
    if not isinstance(geometry, dict):
        raise InteropError(path, where, field, f"expected a geometry object, got {_short(geometry)}")
    kind = geometry.get("type")
    if kind not in GEOMETRY_TYPES:
        raise InteropError(path, where, f"{field}.type",
                           f"unsupported geometry type {_short(kind)}: use one of {', '.join(GEOMETRY_TYPES)}")
    if kind == "GeometryCollection":
        parts = _list(geometry.get("geometries"), path, where, f"{field}.geometries")
        return {"type": kind, "geometries": [check_geometry(g, path, where, f"{field}.geometries[{i}]")
                                             for i, g in enumerate(parts)]}
    coords = geometry.get("coordinates")
    cf = f"{field}.coordinates"
    if kind == "Point":
        out = check_position(coords, path, where, cf)
    elif kind == "MultiPoint":
        out = _positions(coords, path, where, cf, 1)
    elif kind == "LineString":
        out = _positions(coords, path, where, cf, 2)
    elif kind == "MultiLineString":
        out = [_positions(c, path, where, f"{cf}[{i}]", 2) for i, c in enumerate(_list(coords, path, where, cf))]
    elif kind == "Polygon":
        out = _rings(coords, path, where, cf)
    else:
        out = [_rings(c, path, where, f"{cf}[{i}]") for i, c in enumerate(_list(coords, path, where, cf))]
    return {"type": kind, "coordinates": out}


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
