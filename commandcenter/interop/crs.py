"""WGS-84 <-> GCJ-02, the offset datum of Chinese map data.

Inside the app every coordinate is WGS-84 (GPS, CoT, RFC 7946). Chinese basemaps and most
Chinese data sets are GCJ-02, shifted by a few hundred metres; we convert only at import and
export. The forward formula is the well-known public one; it has no closed-form inverse, so
`gcj02_to_wgs84` iterates until the forward image matches to far below a metre.
"""
from __future__ import annotations

import math
from typing import Callable

CRS_NAMES = ("wgs84", "gcj02")

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by the GCJ-02 formula
_EE = 0.00669342162296594323  # its first eccentricity squared
_EARTH_R = 6371008.8  # mean radius, only for distances in metres


def out_of_china(lon: float, lat: float) -> bool:
    """The usual bounding box: outside it GCJ-02 applies no offset."""
    return not (73.66 < lon < 135.05 and 3.86 < lat < 53.55)


def _shift_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _shift_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if out_of_china(lon, lat):
        return lon, lat
    dlat = _shift_lat(lon - 105.0, lat - 35.0)
    dlon = _shift_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1.0 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """Fixed-point iteration on the forward formula; converges to ~1e-9 degrees in a few steps."""
    if out_of_china(lon, lat):
        return lon, lat
    wlon, wlat = lon, lat
    for _ in range(30):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        dlon, dlat = glon - lon, glat - lat
        wlon, wlat = wlon - dlon, wlat - dlat
        if abs(dlon) < 1e-10 and abs(dlat) < 1e-10:
            break
    return wlon, wlat


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance; used to state conversion accuracy in metres, not degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_R * math.asin(min(1.0, math.sqrt(h)))


def converter(source: str, target: str) -> Callable[[float, float], tuple[float, float]] | None:
    """The position function from one CRS to another, or None when they are the same."""
    for name in (source, target):
        if name not in CRS_NAMES:
            raise ValueError(f"unknown CRS {name!r}: use one of {', '.join(CRS_NAMES)}")
    if source == target:
        return None
    return wgs84_to_gcj02 if source == "wgs84" else gcj02_to_wgs84


def transform_geometry(geometry: dict, fn: Callable[[float, float], tuple[float, float]] | None) -> dict:
    """A copy of a GeoJSON geometry with every position passed through fn (altitude kept)."""
    if fn is None:
        return geometry

    def pos(p):
        lon, lat = fn(p[0], p[1])
        return [lon, lat, *p[2:]]

    def walk(coords, depth):
        if depth == 0:
            return pos(coords)
        return [walk(c, depth - 1) for c in coords]

    kind = geometry["type"]
    if kind == "GeometryCollection":
        return {"type": kind, "geometries": [transform_geometry(g, fn) for g in geometry["geometries"]]}
    depth = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2,
             "Polygon": 2, "MultiPolygon": 3}[kind]
    return {"type": kind, "coordinates": walk(geometry["coordinates"], depth)}
