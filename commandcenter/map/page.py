"""Build the map page once, with folium, referencing only local assets.

The page is static: boundaries of the demo city are baked in, and everything that changes
(incidents, later units and alarms) arrives afterwards as JSON deltas through the bridge, so the
page is never rebuilt for an update. folium's stock page pulls Leaflet, jQuery, Bootstrap and
Font Awesome from CDNs, which do not exist in a command post without network; this builder
references Leaflet from ``asset_base`` and nothing else (clusters are our own, points.js).

Order of the head, for the first picture: the fetch of the incidents' rows table (when the app
serves one) starts first, then the stylesheets and our deferred scripts are requested, and
Leaflet (the one script that blocks the parser) comes last. The app's scheme handler serves
each request on the GUI thread, one after the other, so the order is the order they arrive in.

Text that reaches the page inside HTML (district names in labels, layer names in the layer
control) is escaped here; incident text never passes through HTML at all (map.js inserts it as
text nodes). A Content-Security-Policy allows only the page's own inline scripts (by hash) and
scripts from cc:// and qrc://, so even a missed escape could not run injected markup.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from typing import Any, Mapping

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from commandcenter.domain.catalog import Catalog, OrgUnit
from commandcenter.domain.levels import OrgLevel, Severity
from commandcenter.map.bridge import TRAIL_MINUTES

DEFAULT_ASSET_BASE = "cc://app/assets"
CONFIG_ELEMENT_ID = "cc-config"

BACKGROUND = "#0b1220"  # near-black blue: keeps a video wall dark and severity colours readable
DISTRICT_STYLE = {"color": "#6b8fd6", "weight": 2.5, "opacity": 0.9, "fillColor": "#1b2a44", "fillOpacity": 0.25}
STREET_STYLE = {"color": "#4a6391", "weight": 1.2, "opacity": 0.8, "fill": False}
COMMUNITY_STYLE = {"color": "#3d5478", "weight": 0.6, "opacity": 0.8, "dashArray": "3 3", "fillOpacity": 0.0}

# Words shown on the page. The defaults are Chinese (the page's first language); the UI passes
# its translated words through `labels` so the map follows the application's language.
DEFAULT_LABELS: dict[str, Any] = {
    "districts": "区县界",
    "streets": "街镇界",
    "communities": "村居界",
    "incidents": "事件",
    "severity": "级别",
    "status": "状态",
    "category": "类型",
    "org_unit": "属地",
    "legend": "图例",
    "layer_count": "{n} 个要素",
    "layer_count_one": "1 个要素",
    "severity_I": "特别重大",
    "severity_II": "重大",
    "severity_III": "较大",
    "severity_IV": "一般",
    "units": "救援力量",
    "sensors": "感知设备",
    "cameras": "视频监控",
    "sites": "重点场所",
    "heat": "人群密度",
    "floorplans": "室内平面图",
    "tool_box": "框选",
    "tool_polygon": "圈选",
    "tool_measure": "测距",
    "tool_clear": "清除",
    "site_hospital": "医院",
    "site_shelter": "避难场所",
    "site_school": "学校",
    "unit_available": "力量·待命",
    "unit_en_route": "力量·出动中",
    "unit_on_scene": "力量·到场",
    "unit_out_of_service": "力量·停用",
    "statuses": {
        "reported": "已上报",
        "verifying": "核实中",
        "confirmed": "已确认",
        "responding": "处置中",
        "contained": "已控制",
        "recovery": "恢复中",
        "closed": "已关闭",
        "cancelled": "已撤销",
    },
}

# The page's own scripts, in load order: the point layer class, the core (deltas, bridge,
# layers, legend), then the overlays and tools built on the core.
PAGE_SCRIPTS = ("points.js", "map.js", "overlays.js", "tools.js")

# Unit status colours (the resource machine's states): free units stand out in green.
UNIT_STATUS_COLOURS = {
    "available": "#22c55e",
    "assigned": "#f59e0b",
    "en_route": "#f59e0b",
    "on_scene": "#ef4444",
    "returning": "#38bdf8",
    "out_of_service": "#475569",
}
SITE_COLOURS = {"hospital": "#e11d48", "shelter": "#16a34a", "school": "#7c3aed"}

# Radius in pixels per severity: the worst events are the ones seen first from across a room.
SEVERITY_RADIUS = {"I": 11, "II": 9, "III": 7, "IV": 6}


class _ExportHandles(MacroElement):
    """Publishes folium's map and layer-control objects to map.js.

    folium declares the layer control with ``let``, which other scripts cannot reach through
    ``window``; this assignment runs inside folium's own script, after both exist.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            window.ccFolium = {map: {{ this.map_name }}, layerControl: {{ this.control_name }}};
        {% endmacro %}
        """
    )

    def __init__(self, map_name: str, control_name: str) -> None:
        super().__init__()
        self._name = "ExportHandles"
        self.map_name = map_name
        self.control_name = control_name


def build_page(
    catalog: Catalog,
    *,
    asset_base: str = DEFAULT_ASSET_BASE,
    labels: Mapping[str, Any] | None = None,
    lang: str = "zh",
    tile_origins: tuple[str, ...] = (),
    rows_url: str | None = None,
) -> str:
    """The complete HTML of the map page for this city.

    `labels` overrides entries of DEFAULT_LABELS (a partial "statuses" mapping is merged);
    `lang` ("zh" or "en") picks the catalogue names shown on the map. `tile_origins` are the
    online tile servers the user configured (scheme://host[:port]): the only places outside
    the app the page may load images from. `rows_url` is where the page fetches the binary
    table of the open incidents as it starts (map/bridge.py incident_rows_table); None: the
    incidents come only as deltas.
    """
    name = (lambda unit: unit.name_en) if lang == "en" else (lambda unit: unit.name_zh)
    base = asset_base.rstrip("/")
    words = _merge_labels(labels)
    city = _city_unit(catalog)
    south, west, north, east = _bounds(city, catalog)

    fmap = folium.Map(
        location=(city.center[1], city.center[0]) if city else ((south + north) / 2, (west + east) / 2),
        tiles=None,
        prefer_canvas=True,
        zoom_start=13,
        zoom_snap=0.25,
        attribution_control=False,
    )
    # folium renders its default links after the header elements added below: Leaflet's
    # script, which blocks the parser, goes last; the stylesheets are added first by hand.
    fmap.default_js = [("leaflet", f"{base}/vendor/leaflet/leaflet.js")]
    fmap.default_css = []

    _add_district_layer(fmap, catalog, words["districts"], name)
    _add_outline_layer(fmap, catalog, OrgLevel.STREET, words["streets"], STREET_STYLE, name, hover=False)
    _add_outline_layer(fmap, catalog, OrgLevel.COMMUNITY, words["communities"], COMMUNITY_STYLE, name, hover=True)
    control = folium.LayerControl(collapsed=True, position="topright")
    control.add_to(fmap)
    fmap.add_child(_ExportHandles(fmap.get_name(), control.get_name()))

    config = {
        "severityColours": {s.name: s.info.colour for s in Severity},
        "severityRadius": SEVERITY_RADIUS,
        "labels": words,
        "background": BACKGROUND,
        "focusZoom": 15,
        # Fitted by map.js once the map has a size: a view created hidden (a docked tab not
        # yet shown) has none, and fitting a 0x0 map throws inside Leaflet.
        "bounds": [[south, west], [north, east]],
        "fitPadding": 12,
        "unitStatusColours": UNIT_STATUS_COLOURS,
        "siteColours": SITE_COLOURS,
        "trailMinutes": TRAIL_MINUTES,
        "clusterMaxZoom": 15,
        "orgUnits": _org_config(catalog, name),
        # names the compact incident rows refer to by code (map/bridge.py incident_rows_delta)
        "categoryNames": {code: (t.name_en if lang == "en" else t.name_zh) for code, t in catalog.event_types.items()},
        "categoryIcons": {code: t.icon for code, t in catalog.event_types.items()},
    }
    root = fmap.get_root()
    if rows_url is not None:
        if not re.fullmatch(r"cc://[A-Za-z0-9./_-]+", rows_url):
            raise ValueError(f"the rows table must come from a cc:// path, not {rows_url!r}")
        # Started before anything else, so the table travels while Leaflet loads; map.js
        # places it once its layers exist (and the page says it is ready only after that).
        root.header.add_child(Element(
            "<script>window.ccRowsFetch = fetch(" + json.dumps(rows_url) + ").then(function (r) {"
            " if (!r.ok) { throw new Error('rows table: HTTP ' + r.status); } return r.arrayBuffer(); })"
            ".catch(function (err) { return err instanceof Error ? err : new Error(String(err)); });</script>"
        ))
    for css in (f"{base}/vendor/leaflet/leaflet.css", f"{base}/static/map.css"):
        root.header.add_child(Element(f'<link rel="stylesheet" href="{css}"/>'))
    root.html.add_child(
        Element(
            f'<script type="application/json" id="{CONFIG_ELEMENT_ID}">{_json_for_html(config)}</script>'
        )
    )
    # Deferred scripts run after the parser has run folium's inline script (which sits at the
    # end of the document), in document order: the channel library first, then ours.
    root.header.add_child(Element('<script defer src="qrc:///qtwebchannel/qwebchannel.js"></script>'))
    for script in PAGE_SCRIPTS:
        root.header.add_child(Element(f'<script defer src="{base}/static/{script}"></script>'))
    page = root.render()
    return _with_csp(page, img_origins=tile_origins)


def _org_config(catalog: Catalog, unit_name) -> list[dict]:
    """The org tree for drill-down: code, level, parent, name and outline ([lat, lon] pairs)."""
    units = []
    for unit in sorted(catalog.org_units.values(), key=lambda u: (u.level.value.rank, u.code)):
        units.append({
            "code": unit.code,
            "level": unit.level.code,
            "parent": unit.parent,
            "name": unit_name(unit),
            "ring": [[round(lat, 6), round(lon, 6)] for lon, lat in unit.polygon],
        })
    return units


def _merge_labels(labels: Mapping[str, Any] | None) -> dict[str, Any]:
    words = {**DEFAULT_LABELS, "statuses": dict(DEFAULT_LABELS["statuses"])}
    for key, value in (labels or {}).items():
        if key == "statuses":
            words["statuses"].update({str(k): str(v) for k, v in value.items()})
        else:
            words[key] = str(value)
    return words


def _city_unit(catalog: Catalog) -> OrgUnit | None:
    return next((u for u in catalog.org_units.values() if u.level == OrgLevel.CITY), None)


def _bounds(city: OrgUnit | None, catalog: Catalog) -> tuple[float, float, float, float]:
    """South, west, north, east of the city polygon (or of all units when there is no city)."""
    points = list(city.polygon) if city else [p for u in catalog.org_units.values() for p in u.polygon]
    if not points:
        raise ValueError("the catalogue has no org unit polygons to show on the map")
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    return min(lats), min(lons), max(lats), max(lons)


def _units_at(catalog: Catalog, level: OrgLevel) -> list[OrgUnit]:
    return sorted((u for u in catalog.org_units.values() if u.level == level), key=lambda u: u.code)


def _feature(unit: OrgUnit, label: str) -> dict:
    """A GeoJSON feature carrying only an escaped label: folium writes properties into a script
    block and its tooltips into HTML, so raw catalogue text must not travel in them."""
    ring = [list(p) for p in unit.polygon]
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])
    return {
        "type": "Feature",
        "properties": {"label": _html_text(label)},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def _add_district_layer(fmap: folium.Map, catalog: Catalog, name: str, unit_name) -> None:
    """District outlines, each with its Chinese name as a permanent label at its centre."""
    group = folium.FeatureGroup(name=_html_text(name), overlay=True, control=True)
    for unit in _units_at(catalog, OrgLevel.DISTRICT):
        layer = folium.GeoJson(
            _feature(unit, unit_name(unit)),
            style_function=lambda _f: DISTRICT_STYLE,
            interactive=False,
            smooth_factor=0.5,
        )
        folium.Tooltip(
            _html_text(unit_name(unit)),
            sticky=False,
            permanent=True,
            direction="center",
            class_name="cc-district-label",
            interactive=False,
        ).add_to(layer)
        layer.add_to(group)
    group.add_to(fmap)


def _add_outline_layer(
    fmap: folium.Map,
    catalog: Catalog,
    level: OrgLevel,
    name: str,
    style: dict,
    unit_name,
    *,
    hover: bool,
) -> None:
    units = _units_at(catalog, level)
    features = []
    for unit in units:
        parent = catalog.org_units.get(unit.parent) if unit.parent else None
        label = f"{unit_name(parent)} · {unit_name(unit)}" if parent and level == OrgLevel.COMMUNITY else unit_name(unit)
        features.append(_feature(unit, label))
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=_html_text(name),
        style_function=lambda _f: style,
        interactive=hover,
        highlight_function=(lambda _f: {"weight": 2, "color": "#8fb3ff"}) if hover else None,
        smooth_factor=0.5,
    )
    if hover:
        folium.GeoJsonTooltip(fields=["label"], labels=False, sticky=True, class_name="cc-unit-tooltip").add_to(layer)
    layer.add_to(fmap)


_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?")


def _checked_origin(origin: str) -> str:
    if not _ORIGIN.fullmatch(origin):
        raise ValueError(f"not an http(s) origin: {origin!r}")
    return origin


def _html_text(text: str) -> str:
    """Text made safe for folium's HTML-in-a-JS-template-literal tooltips and layer names."""
    escaped = html.escape(str(text), quote=True)
    escaped = escaped.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")
    # branca renders folium's output through Jinja again: braces must not reach it as braces
    return escaped.replace("{", "&#123;").replace("}", "&#125;")


def _json_for_html(value: Any) -> str:
    """JSON that cannot close the <script> element it sits in."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    # harmless inside JSON, but kept out so no page text ever looks like a template literal
    text = text.replace("`", "\\u0060").replace("$", "\\u0024")
    # branca compiles an Element's text as a Jinja template, so "{{ ... }}" in a name would be
    # evaluated in Python when the page is rendered. JSON's own braces are never followed by
    # "{", "%" or "#", so these pairs only occur inside strings, where the escape is valid.
    return text.replace("{{", "{\\u007b").replace("{%", "{\\u0025").replace("{#", "{\\u0023")


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _with_csp(
    page: str,
    *,
    sources: tuple[str, ...] = ("cc:",),
    script_sources: tuple[str, ...] = ("cc:", "qrc:"),
    connect_sources: tuple[str, ...] = ("cc:", "qrc:"),
    img_origins: tuple[str, ...] = (),
) -> str:
    """Insert a Content-Security-Policy allowing exactly the page's inline scripts.

    The defaults fit the app's page (cc:// assets, qrc:// channel); the exported situation
    page (map/situation.py) passes its own origins: none at all, or the files beside it.
    """
    hashes = sorted(
        {
            "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"
            for body in _INLINE_SCRIPT.findall(page)
        }
    )
    policy = "; ".join(
        [
            "default-src 'none'",
            "script-src " + (" ".join((*script_sources, *hashes)) or "'none'"),
            "style-src " + " ".join((*sources, "'unsafe-inline'")),
            "img-src " + " ".join((*sources, "data:", *(_checked_origin(o) for o in img_origins))),
            "font-src " + (" ".join(sources) or "'none'"),
            "connect-src " + (" ".join(connect_sources) or "'none'"),
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    head = "<head>"
    if head not in page:
        raise ValueError("folium produced a page without <head>")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return page.replace(head, f"{head}\n    {meta}", 1)


# Shared with map/situation.py, the standalone page exported for people without the app.
with_csp = _with_csp
html_text = _html_text
json_for_html = _json_for_html
