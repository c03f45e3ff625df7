"""The messages between the map page and the application, both ways.

Page -> application: JSON text sent through the QWebChannel slot ``on_page_message``. The page
runs a browser engine fed with platform and user data, so everything it says is checked here
before the UI acts on it: known types and fields only, bounded sizes.

Application -> page: deltas applied by ``ccApply`` in map.js, plain JSON values only.
"""
from __future__ import annotations

import json
import math
import re
from array import array
from dataclasses import dataclass
from typing import Any

from commandcenter.domain.catalog import Catalog
from commandcenter.domain.levels import Severity

# the live point layers of the page (map.js); feature_clicked names one of them
LAYERS = frozenset({"incidents", "units", "sensors", "cameras", "sites"})
IMPORT_PREFIX = "import:"  # imported layers: "import:<name>", one overlay each on the page
LAYER_NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")  # the names the layer folder accepts
GEOMETRY_TYPES = frozenset(
    {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"}
)
MAX_PROPERTY_TEXT = 2000
TRAIL_MINUTES = 15  # how much of a unit's track the map draws behind it
MESSAGE_TYPES = frozenset({"ready", "feature_clicked", "error", "area_selected", "selection", "context"})
MAX_SELECTION_POINTS = 500
ORG_CODE_RE = re.compile(r"[0-9A-Za-z_-]{1,32}")
MAX_ID_LENGTH = 64
MAX_ERROR_LENGTH = 2000
MAX_MESSAGE_BYTES = 16 * 1024
CLOSED_INCIDENT_STATES = frozenset({"closed", "cancelled"})

_FIELDS = {
    "ready": frozenset({"type", "rows"}),
    "feature_clicked": frozenset({"type", "layer", "id"}),
    "error": frozenset({"type", "message"}),
    "area_selected": frozenset({"type", "code"}),
    "selection": frozenset({"type", "shape"}),
    "context": frozenset({"type", "lon", "lat"}),
}


class BridgeError(ValueError):
    """A message or delta is malformed. `field` names the offending field (None: the whole)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class PageMessage:
    type: str
    rows: bool = False  # ready: the page has placed the binary rows table it fetched
    layer: str | None = None
    id: str | None = None
    message: str | None = None
    code: str | None = None
    shape: dict | None = None  # {"type": "rect", "bounds": [w, s, e, n]} | {"type": "polygon", "ring": [[lon, lat]...]}
    lon: float | None = None
    lat: float | None = None


def parse_page_message(text: Any) -> PageMessage:
    """Validate one message from the page, or raise BridgeError naming the bad field."""
    if not isinstance(text, str):
        raise BridgeError("a page message must be JSON text", None)
    if len(text.encode("utf-8")) > MAX_MESSAGE_BYTES:
        raise BridgeError(f"a page message must be at most {MAX_MESSAGE_BYTES} bytes", None)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BridgeError(f"a page message must be valid JSON: {exc.msg}", None) from None
    if not isinstance(data, dict):
        raise BridgeError("a page message must be a JSON object", None)
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in MESSAGE_TYPES:
        raise BridgeError(f"unknown message type {kind!r}", "type")
    unknown = sorted(set(data) - _FIELDS[kind])
    if unknown:
        raise BridgeError(f"unexpected field {unknown[0]!r} in a {kind} message", unknown[0])
    if kind == "ready":
        rows = data.get("rows", False)
        if not isinstance(rows, bool):
            raise BridgeError("'rows' of a ready message must be true or false", "rows")
        return PageMessage("ready", rows=rows)
    if kind == "feature_clicked":
        layer = data.get("layer")
        if not isinstance(layer, str) or layer not in LAYERS:
            raise BridgeError(f"unknown layer {layer!r}", "layer")
        return PageMessage("feature_clicked", layer=layer, id=_check_id(data.get("id")))
    if kind == "area_selected":
        code = data.get("code")
        if not isinstance(code, str) or not ORG_CODE_RE.fullmatch(code):
            raise BridgeError(f"an org unit code must be 1-32 letters, digits, _ or -, not {code!r}", "code")
        return PageMessage("area_selected", code=code)
    if kind == "context":
        lon, lat = _lon_lat(data.get("lon"), data.get("lat"), "lon/lat")
        return PageMessage("context", lon=lon, lat=lat)
    if kind == "selection":
        return PageMessage("selection", shape=_check_shape(data.get("shape")))
    message = data.get("message")
    if not isinstance(message, str):
        raise BridgeError("an error message needs a text 'message'", "message")
    if len(message) > MAX_ERROR_LENGTH:
        raise BridgeError(f"an error message must be at most {MAX_ERROR_LENGTH} characters", "message")
    return PageMessage("error", message=message)


def _lon_lat(lon: Any, lat: Any, field: str) -> tuple[float, float]:
    if not _finite(lon) or not _finite(lat) or not -180 <= lon <= 180 or not -90 <= lat <= 90:
        raise BridgeError(f"a position needs finite lon (-180..180) and lat (-90..90), not {lon!r}, {lat!r}", field)
    return float(lon), float(lat)


def _check_shape(shape: Any) -> dict:
    """A selection shape drawn on the page: a rectangle or a polygon, every number finite."""
    if not isinstance(shape, dict):
        raise BridgeError("a selection needs a shape object", "shape")
    kind = shape.get("type")
    if kind == "rect":
        bounds = shape.get("bounds")
        if not isinstance(bounds, list) or len(bounds) != 4:
            raise BridgeError("a rectangle needs bounds [west, south, east, north]", "shape.bounds")
        west, south = _lon_lat(bounds[0], bounds[1], "shape.bounds")
        east, north = _lon_lat(bounds[2], bounds[3], "shape.bounds")
        if west > east or south > north:
            raise BridgeError("a rectangle's west/south must not exceed its east/north", "shape.bounds")
        return {"type": "rect", "bounds": [west, south, east, north]}
    if kind == "polygon":
        ring = shape.get("ring")
        if not isinstance(ring, list) or not 3 <= len(ring) <= MAX_SELECTION_POINTS:
            raise BridgeError(f"a polygon needs 3 to {MAX_SELECTION_POINTS} points", "shape.ring")
        points = []
        for i, point in enumerate(ring):
            if not isinstance(point, list) or len(point) != 2:
                raise BridgeError(f"point {i} of the polygon is not [lon, lat]", "shape.ring")
            points.append(list(_lon_lat(point[0], point[1], "shape.ring")))
        return {"type": "polygon", "ring": points}
    raise BridgeError(f"unknown shape type {kind!r}", "shape.type")


def _check_id(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise BridgeError("a feature id must be a non-empty string", "id")
    if len(value) > MAX_ID_LENGTH:
        raise BridgeError(f"a feature id must be at most {MAX_ID_LENGTH} characters", "id")
    return value


def incident_delta(row: dict, catalog: Catalog, *, lang: str = "zh") -> dict:
    """The upsert delta showing one incident row on the page (names in `lang`, zh or en)."""
    incident_id = _check_id(row.get("id"))
    lon, lat = row.get("lon"), row.get("lat")
    if not _finite(lon) or not _finite(lat):
        raise BridgeError(f"incident {incident_id} has no valid position", "lon/lat")
    severity = str(row.get("severity") or "")
    try:
        level = Severity.parse(severity).info
    except KeyError:
        level = None
    category = str(row.get("category") or "")
    event_type = catalog.event_types.get(category)
    unit_code = str(row.get("org_unit") or "")
    unit = catalog.org_units.get(unit_code)
    english = lang == "en"
    props = {
        "title": str(row.get("title") or ""),
        "severity": severity,
        "severity_label": (level.en if english else level.zh) if level else "",
        "colour": level.colour if level else "",
        "status": str(row.get("status") or ""),
        "category": category,
        "category_name": (event_type.name_en if english else event_type.name_zh) if event_type else category,
        "icon": event_type.icon if event_type else "dot",
        "org_unit": unit_code,
        "org_unit_name": (unit.name_en if english else unit.name_zh) if unit else unit_code,
        "lon": float(lon),
        "lat": float(lat),
    }
    return {"op": "upsert", "layer": "incidents", "id": incident_id, "props": props}


INCIDENT_ROW_FIELDS = ("id", "title", "severity", "status", "category", "org_unit", "lon", "lat")


def incident_rows_delta(rows: list[tuple]) -> tuple[dict, list[str], int]:
    """One compact delta carrying many incidents (the map's initial load).

    `rows` are tuples in INCIDENT_ROW_FIELDS order (Store.open_incidents_for_map). Names of
    categories and org units are not repeated per row: the page has them in its config.
    Returns the delta, the ids it carries, and how many rows were left out (no valid id or
    position), so 100k incidents cost one small message per field instead of 100k dicts.
    """
    out = []
    ids = []
    skipped = 0
    for incident_id, title, severity, status, category, unit, lon, lat in rows:
        if not _mappable(incident_id, lon, lat):
            skipped += 1
            continue
        out.append([incident_id, title or "", severity or "", status or "", category or "", unit or "", lon, lat])
        ids.append(incident_id)
    delta = {"op": "rows", "layer": "incidents", "fields": list(INCIDENT_ROW_FIELDS), "rows": out}
    return delta, ids, skipped


# The binary rows table (the map's initial load, fetched by the page from the scheme handler
# rather than pushed through runJavaScript). Layout, all little-endian:
#   b"CCR1", u32 header length, the header (JSON, ASCII), spaces up to a multiple of 8,
#   then the sections, each at a multiple of 8; a column's `at` (and `text_at`) count from
#   the end of the header padding:
#   - "f64" columns (lon, lat): n doubles;
#   - "code" columns (severity, status, category, org_unit): n unsigned codes of `width`
#     bytes (1, 2 or 4) into the column's `values` (in the header);
#   - "text" columns (id, title): n + 1 u32 offsets in UTF-16 code units into the column's
#     text, which is `bytes` UTF-8 bytes at `text_at` (decoded once on the page, cut per row).
# The header names each column's kind and offset, so the page reads any layer's table.
ROWS_MAGIC = b"CCR1"
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
_CODE_TYPES = ((0xFF, "B", 1), (0xFFFF, "H", 2), (0xFFFFFFFF, "I", 4))


def _mappable(incident_id: object, lon: object, lat: object) -> bool:
    """A row the map can show: a usable id and a finite position (the rest are counted out)."""
    return (isinstance(incident_id, str) and 0 < len(incident_id) <= MAX_ID_LENGTH
            and _finite(lon) and _finite(lat))


def incident_rows_table(rows: list[tuple]) -> tuple[bytes, list[str], int]:
    """The open incidents as one binary rows table (see ROWS_MAGIC) for the page to fetch.

    `rows` are tuples in INCIDENT_ROW_FIELDS order. Returns the bytes, the ids they carry,
    and how many rows were left out (no valid id or position), like incident_rows_delta.
    Text is carried as it is: the page shows it through text nodes only.
    """
    ids: list[str] = []
    titles: list[str] = []
    lons = array("d")
    lats = array("d")
    codes: dict[str, tuple[dict[str, int], list[int]]] = {name: ({}, []) for name in ("severity", "status", "category", "org_unit")}
    code_columns = [codes["severity"], codes["status"], codes["category"], codes["org_unit"]]
    skipped = 0
    for incident_id, title, severity, status, category, unit, lon, lat in rows:
        if not _mappable(incident_id, lon, lat):
            skipped += 1
            continue
        ids.append(incident_id)
        titles.append(title if isinstance(title, str) else str(title or ""))
        lons.append(lon)
        lats.append(lat)
        for (index, out), value in zip(code_columns, (severity, status, category, unit)):
            key = value if isinstance(value, str) else str(value or "")
            code = index.get(key)
            if code is None:
                code = index[key] = len(index)
            out.append(code)
    n = len(ids)
    sections: list[bytes] = []
    columns: list[dict] = []
    at = 0

    def add(data: bytes) -> int:
        nonlocal at
        start = at
        sections.append(data)
        pad = -len(data) % 8
        if pad:
            sections.append(b"\0" * pad)
        at += len(data) + pad
        return start

    for name, values in (("lon", lons), ("lat", lats)):
        columns.append({"name": name, "kind": "f64", "at": add(_little(values).tobytes())})
    for name, (index, out) in codes.items():
        top, type_code, width = next(t for t in _CODE_TYPES if len(index) - 1 <= t[0])
        columns.append({"name": name, "kind": "code", "width": width, "values": list(index),
                        "at": add(_little(array(type_code, out)).tobytes())})
    for name, texts in (("id", ids), ("title", titles)):
        offsets, data = _text_column(texts)
        at_offsets = add(_little(offsets).tobytes())
        columns.append({"name": name, "kind": "text", "at": at_offsets, "text_at": add(data), "bytes": len(data)})
    header = json.dumps({"layer": "incidents", "n": n, "columns": columns}, ensure_ascii=True,
                        separators=(",", ":")).encode("ascii")
    header += b" " * (-(8 + len(header)) % 8)  # the sections start at a multiple of 8
    return ROWS_MAGIC + len(header).to_bytes(4, "little") + header + b"".join(sections), ids, skipped


def _text_column(texts: list[str]) -> tuple[array, bytes]:
    """UTF-16 offsets (n + 1) and the UTF-8 bytes of the texts joined."""
    joined = "".join(texts)
    try:
        data = joined.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: shown as U+FFFD, as the page would decode it
        texts = [t.encode("utf-8", "replace").decode("utf-8") for t in texts]
        joined = "".join(texts)
        data = joined.encode("utf-8")
    offsets = array("I", [0])
    total = 0
    if _ASTRAL.search(joined) is None:
        for text in texts:
            total += len(text)
            offsets.append(total)
    else:  # characters beyond the BMP are two UTF-16 code units on the page
        for text in texts:
            total += len(text) + len(_ASTRAL.findall(text))
            offsets.append(total)
    return offsets, data


def _little(values: array) -> array:
    if _BIG_ENDIAN:
        values = array(values.typecode, values)
        values.byteswap()
    return values


_BIG_ENDIAN = array("H", [1]).tobytes() != b"\x01\x00"


def point_rows_delta(layer: str, fields: list[str], rows: list[list]) -> dict:
    """Many features of one point layer (units, sensors, cameras, sites) in the compact form.

    Rows without a valid id or position are left out; other values must be JSON scalars or
    [label, value] lists (the popup rows), so nothing but text reaches the page.
    """
    if layer not in LAYERS:
        raise BridgeError(f"unknown layer {layer!r}", "layer")
    if "id" not in fields or "lon" not in fields or "lat" not in fields:
        raise BridgeError("point rows need id, lon and lat fields", "fields")
    at_id, at_lon, at_lat = fields.index("id"), fields.index("lon"), fields.index("lat")
    clean = []
    for row in rows:
        if len(row) != len(fields):
            continue
        feature_id = row[at_id]
        if not isinstance(feature_id, str) or not feature_id or len(feature_id) > MAX_ID_LENGTH:
            continue
        if not _finite(row[at_lon]) or not _finite(row[at_lat]):
            continue
        clean.append([_popup_rows(v) if isinstance(v, list) else _plain(v) for v in row])
    return {"op": "rows", "layer": layer, "fields": list(fields), "rows": clean}


def _popup_rows(value: list) -> list:
    return [[_plain(pair[0]), _plain(pair[1])] for pair in value if isinstance(pair, (list, tuple)) and len(pair) == 2]


def trail_delta(layer: str, feature_id: str, points: list[tuple[float, float, int]]) -> dict:
    """A unit's recent track: [lon, lat, ts_ms] oldest first (non-finite points left out)."""
    if layer not in LAYERS:
        raise BridgeError(f"unknown layer {layer!r}", "layer")
    clean = [[float(lon), float(lat), int(ts)] for lon, lat, ts in points if _finite(lon) and _finite(lat) and _finite(ts)]
    return {"op": "trail", "layer": layer, "id": _check_id(feature_id), "points": clean}


def heat_delta(points: list[tuple[float, float, float]]) -> dict:
    """The crowd heat map: [lon, lat, weight 0..1] (weights clamped, non-finite points left out)."""
    clean = [
        [float(lon), float(lat), min(1.0, max(0.0, float(w)))]
        for lon, lat, w in points
        if _finite(lon) and _finite(lat) and _finite(w)
    ]
    return {"op": "heat_set", "layer": "heat", "points": clean}


def nearest_delta(lon: float, lat: float, units: list[dict]) -> dict:
    """Lines from an incident to its nearest units: units are {id, lon, lat, label}."""
    lon, lat = _lon_lat(lon, lat, "lon/lat")
    clean = []
    for unit in units:
        u_lon, u_lat = _lon_lat(unit.get("lon"), unit.get("lat"), "units")
        clean.append({"id": _check_id(unit.get("id")), "lon": u_lon, "lat": u_lat, "label": _plain(unit.get("label"))})
    return {"op": "nearest_show", "layer": "nearest", "lon": lon, "lat": lat, "units": clean}


def fallback_delta(collection: dict) -> dict:
    """The vector fallback basemap (rivers, water, parks, roads) from its GeoJSON."""
    features = []
    for feature in collection.get("features", []) if isinstance(collection, dict) else []:
        clean = _clean_feature(feature)
        if clean is not None:
            features.append(clean)
    return {"op": "fallback_set", "layer": "fallback", "features": features}


def online_basemap_delta(url: str, title: str, max_zoom: int = 19) -> dict:
    """An online tile layer (only when the user configured its URL)."""
    check_tile_url(url)
    return {"op": "basemap_set", "layer": "basemap", "name": "online", "title": title, "url": url,
            "online": True, "minZoom": 0, "maxZoom": max_zoom}


TILE_URL_RE = re.compile(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?/[^\s\"'<>]*\{z\}[^\s\"'<>]*\{x\}[^\s\"'<>]*\{y\}[^\s\"'<>]*")


def check_tile_url(url: Any) -> str:
    """An http(s) tile URL template with {z}, {x} and {y}; raises BridgeError otherwise."""
    if not isinstance(url, str) or not TILE_URL_RE.fullmatch(url):
        raise BridgeError(
            f"a tile URL must be http(s)://host/...{{z}}...{{x}}...{{y}}..., not {url!r}", "tiles_url"
        )
    return url


def tile_origin(url: str) -> str:
    """scheme://host[:port] of a tile URL template (what the page may then load from)."""
    check_tile_url(url)
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0]}"


def floorplans_delta(plans: list[dict]) -> dict:
    """Indoor floor plans: {id, title, bounds [[s, w], [n, e]], floors: [{level, title, url}]}.
    Image URLs must be the app's own (cc://app/)."""
    clean = []
    for plan in plans:
        floors = []
        for floor in plan.get("floors", []):
            url = floor.get("url")
            if not isinstance(url, str) or not url.startswith("cc://app/"):
                raise BridgeError(f"floor plan images must come from cc://app/, not {url!r}", "floors.url")
            floors.append({"level": str(floor.get("level")), "title": str(floor.get("title") or ""), "url": url})
        (south, west), (north, east) = plan["bounds"]
        _lon_lat(west, south, "bounds")
        _lon_lat(east, north, "bounds")
        clean.append({"id": _check_id(plan.get("id")), "title": str(plan.get("title") or ""),
                      "bounds": [[south, west], [north, east]], "floors": floors})
    return {"op": "floorplans_set", "layer": "floorplans", "plans": clean}


def remove_delta(layer: str, feature_id: str) -> dict:
    """The delta taking one feature off a layer."""
    if layer not in LAYERS:
        raise BridgeError(f"unknown layer {layer!r}", "layer")
    return {"op": "remove", "layer": layer, "id": _check_id(feature_id)}


def focus_delta(layer: str, feature_id: str) -> dict:
    """The delta panning to one feature, highlighting it and opening its popup."""
    if layer not in LAYERS:
        raise BridgeError(f"unknown layer {layer!r}", "layer")
    return {"op": "focus", "layer": layer, "id": _check_id(feature_id)}


def layer_delta(layer: Any) -> dict:
    """The delta replacing the whole content of one imported layer on the page.

    `layer` is an interop Layer (anything with `name` and `features`). Properties are reduced to
    plain JSON scalars, so a NaN or a nested object in someone else's file can neither break the
    batch (batch_script refuses NaN) nor reach the page as anything but text. Features without a
    usable geometry are left out rather than failing the layer.
    """
    name = _check_layer_name(getattr(layer, "name", None))
    features = []
    for feature in getattr(layer, "features", None) or []:
        clean = _clean_feature(feature)
        if clean is not None:
            features.append(clean)
    kind = getattr(layer, "kind", "features")
    return {"op": "layer_set", "layer": IMPORT_PREFIX + name, "title": name, "kind": str(kind), "features": features}


def layer_remove_delta(name: str) -> dict:
    """The delta taking one imported layer (and its legend line) off the page."""
    return {"op": "layer_remove", "layer": IMPORT_PREFIX + _check_layer_name(name)}


def _check_layer_name(value: Any) -> str:
    if not isinstance(value, str) or not LAYER_NAME_RE.fullmatch(value):
        raise BridgeError(f"layer name {value!r} is not allowed", "name")
    return value


def _clean_feature(feature: Any) -> dict | None:
    if not isinstance(feature, dict):
        return None
    geometry = feature.get("geometry")
    if not _drawable(geometry):
        return None
    props = feature.get("properties")
    clean = {
        "type": "Feature",
        "geometry": geometry,
        "properties": {str(k): _plain(v) for k, v in props.items()} if isinstance(props, dict) else {},
    }
    if isinstance(feature.get("id"), (str, int)) and not isinstance(feature.get("id"), bool):
        clean["id"] = feature["id"]
    return clean


def _drawable(geometry: Any) -> bool:
    """A known geometry type whose numbers are all finite (JSON has no NaN, Leaflet no empty shape)."""
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        return False
    if geometry["type"] == "GeometryCollection":
        parts = geometry.get("geometries")
        return isinstance(parts, list) and all(_drawable(part) for part in parts)
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or not coordinates:
        return False
    stack = [coordinates]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif not _finite(item):
            return False
    return True


def _plain(value: Any) -> str | int | float | bool | None:
    """A property value the page can show as text: scalars as they are, the rest as JSON text."""
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return value[:MAX_PROPERTY_TEXT]
    return json.dumps(value, ensure_ascii=False, default=str)[:MAX_PROPERTY_TEXT]


def is_open_incident(row: dict | None) -> bool:
    """Whether an incident belongs on the map (closed and cancelled ones leave it)."""
    return row is not None and row.get("status") not in CLOSED_INCIDENT_STATES


def batch_script(deltas: list[dict]) -> str:
    """The one JavaScript call applying a batch: the JSON travels as a string literal and the
    page parses it with JSON.parse, so it is data, never evaluated code (and V8 parses a large
    JSON string about twice as fast as the same object literal)."""
    text = json.dumps(deltas, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    return "ccApply(" + json.dumps(text) + ");"


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
