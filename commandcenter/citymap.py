"""Load the city's static map data: key sites, IoT sensors, cameras, floor plans, fallback basemap.

The files live in resources/ (city/sites.json, city/sensors.json, city/cameras.json,
city/floorplans.json + city/floorplans/*.png, map/fallback.geojson, media/) and are generated
by tools/make_citymap.py; a city may replace them without code. Like the catalogue, every
problem is a CatalogError naming file, item and field (``sensors.json: sensors[3]
(rg-xujiahui).indicator: unknown indicator 'rain'``), so a data editor can fix it without a
debugger. Points must lie inside the city and inside the org unit they name, so the map never
shows a sensor in one district and counts it in another. No Qt, stdlib only.

The pure helpers at the end (sensor_state, camera_source) are the rules the map layer uses to
colour a sensor and to decide what a camera may play: only files under resources/media or
http(s)/rtsp URLs, never a `file:` URL or a path that climbs out of the media folder.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from commandcenter.catalog import CatalogError, _File, load_catalog, resources_dir  # noqa: F401 - CatalogError re-exported
from commandcenter.domain.catalog import Catalog, Indicator

SITES_FILE = "sites.json"
SENSORS_FILE = "sensors.json"
CAMERAS_FILE = "cameras.json"
FLOORPLANS_FILE = "floorplans.json"
FALLBACK_FILE = "fallback.geojson"

SITE_KINDS = ("hospital", "shelter", "school")
SENSOR_KINDS = (
    "rain_gauge", "weather_station", "visibility_meter", "water_level", "waterlogging",
    "water_pressure", "traffic_detector", "substation", "gas_pressure", "air_quality",
    "crowd_density", "crowd_counter",
)
STREAM_SCHEMES = ("http", "https", "rtsp")
FALLBACK_KINDS = {"river": "LineString", "road": "LineString", "water": "Polygon", "park": "Polygon"}
FALLBACK_CLASSES = {"river": ("major", "minor"), "road": ("expressway", "arterial")}
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_LEVEL = re.compile(r"^(B[1-9]|[1-9][0-9]?F)$")
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Site:
    id: str
    kind: str  # hospital | shelter | school
    name_zh: str
    name_en: str
    lon: float
    lat: float
    org_unit: str  # the most local org unit containing the point
    capacity: int  # beds (hospital), people (shelter), pupils (school)


@dataclass(frozen=True)
class Sensor:
    id: str
    kind: str  # one of SENSOR_KINDS (the map's glyph)
    name_zh: str
    name_en: str
    indicator: str  # the indicator code whose latest sample is this sensor's value
    lon: float
    lat: float
    org_unit: str


@dataclass(frozen=True)
class Camera:
    id: str
    name_zh: str
    name_en: str
    lon: float
    lat: float
    org_unit: str
    stream: str  # a path relative to resources/media, or an http(s)/rtsp URL


@dataclass(frozen=True)
class Floor:
    level: str  # "B2", "B1", "1F", "2F" ...
    name_zh: str
    name_en: str
    image: str  # as in the file, relative to the city folder ("floorplans/x.png")
    path: Path  # the absolute image file


@dataclass(frozen=True)
class FloorPlan:
    id: str
    name_zh: str
    name_en: str
    site: str | None  # a Site id when the building is a key site
    bounds: tuple[tuple[float, float], tuple[float, float]]  # ((south, west), (north, east))
    floors: tuple[Floor, ...]  # bottom to top as in the file


@dataclass(frozen=True)
class CityMap:
    sites: tuple[Site, ...]
    sensors: tuple[Sensor, ...]
    cameras: tuple[Camera, ...]
    floorplans: tuple[FloorPlan, ...]
    fallback: dict  # the GeoJSON FeatureCollection of the vector fallback basemap
    media_root: Path  # where camera streams that are files live


def load_city_map(root: Path | None = None, catalog: Catalog | None = None) -> CityMap:
    """Read and check the map data under `root` (a resources folder; default the repository's).

    `catalog` gives the org units (point-in-polygon) and indicator codes; it is loaded from
    the same root when not given.
    """
    root = Path(root) if root is not None else resources_dir()
    if catalog is None:
        catalog = load_catalog(root)
    city = root / "city"
    media = root / "media"
    sites = _load_sites(city / SITES_FILE, catalog)
    sensors = _load_sensors(city / SENSORS_FILE, catalog)
    cameras = _load_cameras(city / CAMERAS_FILE, catalog, media)
    floorplans = _load_floorplans(city / FLOORPLANS_FILE, catalog, city, {s.id for s in sites})
    fallback = _load_fallback(root / "map" / FALLBACK_FILE)
    return CityMap(sites, sensors, cameras, floorplans, fallback, media)


# -- pure helpers for the map ------------------------------------------------------------------


def sensor_state(sensor: Sensor, indicator: Indicator, value: float | None) -> tuple[str, str]:
    """(colour, value text) of a sensor given the latest sample of its indicator.

    The colour is the indicator's threshold colour (domain.levels.COLOUR_HEX key); with no
    sample (None or not a finite number) it is "stale" and the text is "—".
    """
    if sensor.indicator != indicator.code:
        raise ValueError(f"sensor {sensor.id} reads {sensor.indicator!r}, not {indicator.code!r}")
    if value is None or isinstance(value, bool) or not math.isfinite(value):
        return "stale", "—"
    text = f"{value:.6g}"
    return indicator.colour_of(value), f"{text} {indicator.unit}" if indicator.unit else text


def camera_source(camera: Camera, media_root: Path) -> str:
    """What the video panel should open: an absolute local path under `media_root`, or the
    stream URL as given when its scheme is http, https or rtsp. Anything else (a `file:` URL,
    an absolute path, `..` out of the media folder, another scheme) raises ValueError."""
    stream = camera.stream.strip()
    if not stream:
        raise ValueError(f"camera {camera.id}: empty stream")
    parts = urlsplit(stream)
    if parts.scheme:  # "c:\\clip.mp4" has one too and is refused: streams are relative paths
        if parts.scheme.lower() not in STREAM_SCHEMES:
            raise ValueError(
                f"camera {camera.id}: stream scheme {parts.scheme!r} is not allowed "
                f"(one of {', '.join(STREAM_SCHEMES)}, or a file under the media folder)"
            )
        if not parts.netloc:
            raise ValueError(f"camera {camera.id}: stream URL {stream!r} has no host")
        return stream
    base = Path(media_root).resolve()
    if Path(stream).is_absolute() or "\\" in stream:
        raise ValueError(f"camera {camera.id}: stream {stream!r} must be relative to the media folder")
    target = (base / stream).resolve()
    if base not in target.parents:
        raise ValueError(f"camera {camera.id}: stream {stream!r} leaves the media folder")
    return str(target)


# -- loaders -----------------------------------------------------------------------------------


def _items(f: _File, key: str) -> list:
    return f.list_field(f.read(), key)


def _id(f: _File, item: dict, where: str, seen: set[str]) -> str:
    ident = f.text(item, "id", where)
    if not _ID.match(ident):
        raise f.error(f"{where}.id", f"{ident!r} must be lower-case letters, digits, '-' or '_' (max 64)")
    if ident in seen:
        raise f.error(f"{where}.id", f"duplicate id {ident!r}")
    seen.add(ident)
    return ident


def _place(f: _File, item: dict, where: str, catalog: Catalog) -> tuple[float, float, str]:
    """lon, lat and org_unit of an item, checked against the city's org units."""
    lon = f.number(item.get("lon"), f"{where}.lon")
    lat = f.number(item.get("lat"), f"{where}.lat")
    if not -180 <= lon <= 180:
        raise f.error(f"{where}.lon", f"{lon} is not a WGS-84 longitude")
    if not -90 <= lat <= 90:
        raise f.error(f"{where}.lat", f"{lat} is not a WGS-84 latitude")
    found = catalog.locate(lon, lat)
    if found is None:
        raise f.error(f"{where}.lon", f"({lon}, {lat}) is outside the city")
    code = f.text(item, "org_unit", where)
    unit = catalog.org_units.get(code)
    if unit is None:
        raise f.error(f"{where}.org_unit", f"unknown org unit {code!r}")
    if not unit.contains(lon, lat):
        raise f.error(
            f"{where}.org_unit", f"({lon}, {lat}) is not inside {code!r}; it is in {found.code!r} ({found.name_en})"
        )
    return lon, lat, code


def _choice(f: _File, item: dict, key: str, where: str, allowed) -> str:
    value = f.text(item, key, where)
    if value not in allowed:
        raise f.error(f"{where}.{key}", f"unknown {key} {value!r} (one of {', '.join(allowed)})")
    return value


def _load_sites(path: Path, catalog: Catalog) -> tuple[Site, ...]:
    f = _File(path)
    out: list[Site] = []
    seen: set[str] = set()
    for i, item in enumerate(_items(f, "sites")):
        where = f"sites[{i}]"
        item = f.obj(item, where)
        ident = _id(f, item, where, seen)
        where = f"sites[{i}] ({ident})"
        kind = _choice(f, item, "kind", where, SITE_KINDS)
        lon, lat, org_unit = _place(f, item, where, catalog)
        capacity = item.get("capacity")
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0:
            raise f.error(f"{where}.capacity", f"must be a whole number >= 0, got {capacity!r}")
        out.append(Site(ident, kind, f.text(item, "name_zh", where), f.text(item, "name_en", where),
                        lon, lat, org_unit, capacity))
    return tuple(out)


def _load_sensors(path: Path, catalog: Catalog) -> tuple[Sensor, ...]:
    f = _File(path)
    out: list[Sensor] = []
    seen: set[str] = set()
    for i, item in enumerate(_items(f, "sensors")):
        where = f"sensors[{i}]"
        item = f.obj(item, where)
        ident = _id(f, item, where, seen)
        where = f"sensors[{i}] ({ident})"
        kind = _choice(f, item, "kind", where, SENSOR_KINDS)
        indicator = f.text(item, "indicator", where)
        if indicator not in catalog.indicators:
            raise f.error(f"{where}.indicator", f"unknown indicator {indicator!r}")
        lon, lat, org_unit = _place(f, item, where, catalog)
        scope = catalog.indicators[indicator].org_unit
        if scope is not None and not catalog.org_units[scope].contains(lon, lat):
            raise f.error(f"{where}.lon", f"indicator {indicator!r} is scoped to {scope!r}; the sensor is outside it")
        out.append(Sensor(ident, kind, f.text(item, "name_zh", where), f.text(item, "name_en", where),
                          indicator, lon, lat, org_unit))
    return tuple(out)


def _load_cameras(path: Path, catalog: Catalog, media: Path) -> tuple[Camera, ...]:
    f = _File(path)
    out: list[Camera] = []
    seen: set[str] = set()
    for i, item in enumerate(_items(f, "cameras")):
        where = f"cameras[{i}]"
        item = f.obj(item, where)
        ident = _id(f, item, where, seen)
        where = f"cameras[{i}] ({ident})"
        lon, lat, org_unit = _place(f, item, where, catalog)
        camera = Camera(ident, f.text(item, "name_zh", where), f.text(item, "name_en", where),
                        lon, lat, org_unit, f.text(item, "stream", where))
        try:
            source = camera_source(camera, media)
        except ValueError as exc:
            raise f.error(f"{where}.stream", str(exc).split(": ", 1)[-1]) from None
        if not urlsplit(source).scheme:  # a file under the media folder
            if not Path(source).is_file():
                raise f.error(f"{where}.stream", f"file {camera.stream!r} not found in {media}")
        out.append(camera)
    return tuple(out)


def _image(f: _File, item: dict, where: str, city: Path) -> tuple[str, Path]:
    image = f.text(item, "image", where)
    base = city.resolve()
    target = (base / image).resolve()
    if Path(image).is_absolute() or "\\" in image or base not in target.parents:
        raise f.error(f"{where}.image", f"{image!r} must be a path inside the city folder")
    try:
        with target.open("rb") as fh:
            magic = fh.read(8)
    except OSError:
        raise f.error(f"{where}.image", f"file {image!r} not found in {city}") from None
    if magic != _PNG_MAGIC:
        raise f.error(f"{where}.image", f"{image!r} is not a PNG file")
    return image, target


def _load_floorplans(path: Path, catalog: Catalog, city: Path, site_ids: set[str]) -> tuple[FloorPlan, ...]:
    f = _File(path)
    out: list[FloorPlan] = []
    seen: set[str] = set()
    for i, item in enumerate(_items(f, "floorplans")):
        where = f"floorplans[{i}]"
        item = f.obj(item, where)
        ident = _id(f, item, where, seen)
        where = f"floorplans[{i}] ({ident})"
        site = item.get("site")
        if site is not None and site not in site_ids:
            raise f.error(f"{where}.site", f"unknown site {site!r} (an id in {SITES_FILE}, or null)")
        bounds = _bounds(f, item.get("bounds"), f"{where}.bounds", catalog)
        raw_floors = item.get("floors")
        if not isinstance(raw_floors, list) or not raw_floors:
            raise f.error(f"{where}.floors", "missing or not a non-empty list")
        floors: list[Floor] = []
        levels: set[str] = set()
        for k, floor in enumerate(raw_floors):
            fwhere = f"{where}.floors[{k}]"
            floor = f.obj(floor, fwhere)
            level = f.text(floor, "level", fwhere)
            if not _LEVEL.match(level):
                raise f.error(f"{fwhere}.level", f"{level!r} must look like B2, B1, 1F, 2F")
            if level in levels:
                raise f.error(f"{fwhere}.level", f"duplicate level {level!r}")
            levels.add(level)
            image, target = _image(f, floor, fwhere, city)
            floors.append(Floor(level, f.text(floor, "name_zh", fwhere), f.text(floor, "name_en", fwhere),
                                image, target))
        out.append(FloorPlan(ident, f.text(item, "name_zh", where), f.text(item, "name_en", where),
                             site, bounds, tuple(floors)))
    return tuple(out)


def _bounds(f: _File, raw: Any, where: str, catalog: Catalog) -> tuple[tuple[float, float], tuple[float, float]]:
    ok = isinstance(raw, list) and len(raw) == 2 and all(isinstance(c, list) and len(c) == 2 for c in raw)
    if not ok:
        raise f.error(where, "must be [[south, west], [north, east]]")
    south, west = (f.number(v, f"{where}[0]") for v in raw[0])
    north, east = (f.number(v, f"{where}[1]") for v in raw[1])
    if not (south < north and west < east):
        raise f.error(where, "south must be below north and west left of east")
    for lat in (south, north):
        for lon in (west, east):
            if catalog.locate(lon, lat) is None:
                raise f.error(where, f"corner ({lon}, {lat}) is outside the city")
    return (south, west), (north, east)


def _load_fallback(path: Path) -> dict:
    f = _File(path)
    data = f.read()
    features = f.list_field(data, "features")
    if data.get("type") != "FeatureCollection":
        raise f.error("type", f"must be 'FeatureCollection', got {data.get('type')!r}")
    for i, feature in enumerate(features):
        where = f"features[{i}]"
        feature = f.obj(feature, where)
        props = f.obj(feature.get("properties"), f"{where}.properties")
        pwhere = f"{where}.properties"
        kind = _choice(f, props, "kind", pwhere, tuple(FALLBACK_KINDS))
        if kind in FALLBACK_CLASSES:
            _choice(f, props, "class", pwhere, FALLBACK_CLASSES[kind])
        f.text(props, "name_zh", pwhere)
        f.text(props, "name_en", pwhere)
        geometry = f.obj(feature.get("geometry"), f"{where}.geometry")
        gtype = FALLBACK_KINDS[kind]
        if geometry.get("type") != gtype:
            raise f.error(f"{where}.geometry.type", f"a {kind} must be a {gtype}, got {geometry.get('type')!r}")
        coords = geometry.get("coordinates")
        if gtype == "Polygon":
            if not isinstance(coords, list) or not coords or not isinstance(coords[0], list):
                raise f.error(f"{where}.geometry.coordinates", "must be a list of rings")
            points, cwhere, least = coords[0], f"{where}.geometry.coordinates[0]", 4
        else:
            points, cwhere, least = coords, f"{where}.geometry.coordinates", 2
        if not isinstance(points, list) or len(points) < least:
            raise f.error(cwhere, f"needs at least {least} positions")
        for k, point in enumerate(points):
            if not isinstance(point, list) or len(point) < 2:
                raise f.error(f"{cwhere}[{k}]", "must be [lon, lat]")
            lon, lat = f.number(point[0], f"{cwhere}[{k}]"), f.number(point[1], f"{cwhere}[{k}]")
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise f.error(f"{cwhere}[{k}]", f"({lon}, {lat}) is not a WGS-84 lon/lat")
        if gtype == "Polygon" and points[0] != points[-1]:
            raise f.error(cwhere, "ring is not closed (first position != last)")
    return data
