"""The current situation as one standalone HTML map, for people who do not have the app.

A liaison officer, a district leader on a phone, the duty room of a neighbouring city: they get
a file (often as an e-mail attachment) and open it in any browser, usually with no network at
hand. So the page carries everything itself: Leaflet inline (``assets="inline"``, one file) or in
a folder beside it (``assets="beside"``, ``<name>_files/``), boundaries, open incidents as
circle markers coloured by severity, imported layers, a title box and a legend. No tiles, no CDN.

All outside text (incident titles, layer names and properties, catalogue names) is escaped
before it reaches HTML; popups are passed as JSON string literals, never as template source; and
the page.py Content-Security-Policy allows only this page's own inline scripts (and, beside,
the scripts in its folder), so a missed escape still could not run anything.
"""
from __future__ import annotations

import base64
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Literal
from urllib.parse import quote

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from commandcenter.domain.catalog import Catalog
from commandcenter.domain.levels import OrgLevel, Severity
from commandcenter.map import assets as map_assets
from commandcenter.map.bridge import BridgeError, incident_delta, layer_delta
from commandcenter.map.page import (
    BACKGROUND,
    DEFAULT_LABELS,
    SEVERITY_RADIUS,
    STREET_STYLE,
    _add_district_layer,
    _add_outline_layer,
    _bounds,
    _city_unit,
    html_text,
    json_for_html,
    with_csp,
)

AssetMode = Literal["inline", "beside"]
ASSET_MODES = ("inline", "beside")
CHINA_TZ = timezone(timedelta(hours=8))  # the export's clock: Beijing time, whatever the machine says

LEAFLET_JS = "leaflet/leaflet.js"
LEAFLET_CSS = "leaflet/leaflet.css"
# The images leaflet.css refers to (layer control icon, default marker). The page draws only
# circle markers, but the layer control shows its icon when collapsed on a small screen.
LEAFLET_IMAGES = ("layers.png", "layers-2x.png", "marker-icon.png")
_SOURCE_MAP = re.compile(r"\n?//# sourceMappingURL=\S+\s*$")

LAYER_COLOURS = ("#22d3ee", "#a3e635", "#f472b6", "#c084fc", "#fb923c", "#2dd4bf")
MAX_POPUP_PROPERTIES = 20
MAX_POPUP_VALUE = 300

WORDS = {
    "zh": {
        "incidents": "事件", "districts": "区县界", "streets": "街镇界", "legend": "事件级别",
        "generated": "导出时间", "tz": "北京时间", "count": "未结事件 {n} 起",
        "empty": "当前无未结事件", "severity": "级别", "status": "状态", "category": "类型",
        "org_unit": "属地", "reported": "上报", "layer": "图层", "skipped": "{n} 起无位置未显示",
        "statuses": DEFAULT_LABELS["statuses"],
    },
    "en": {
        "incidents": "Incidents", "districts": "Districts", "streets": "Streets", "legend": "Severity",
        "generated": "Exported", "tz": "Beijing time", "count": "{n} open incidents",
        "empty": "No open incidents", "severity": "Severity", "status": "Status", "category": "Type",
        "org_unit": "Area", "reported": "Reported", "layer": "Layer", "skipped": "{n} without position not shown",
        "statuses": {
            "reported": "Reported", "verifying": "Verifying", "confirmed": "Confirmed",
            "responding": "Responding", "contained": "Contained", "recovery": "Recovery",
            "closed": "Closed", "cancelled": "Cancelled",
        },
    },
}

PAGE_CSS = """
html, body { background: %(bg)s; }
.leaflet-container { background: %(bg)s; font: 13px/1.4 "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
.cc-box { position: absolute; z-index: 1000; background: rgba(11,18,32,0.88); color: #e5edf8;
  border: 1px solid #2c3e5c; border-radius: 6px; padding: 8px 12px; pointer-events: auto; }
.cc-title { top: 10px; left: 54px; max-width: 60%%; }
.cc-title h1 { font-size: 17px; margin: 0 0 4px; }
.cc-title p { margin: 0; font-size: 12px; color: #b6c4da; }
.cc-legend { bottom: 14px; left: 10px; font-size: 12px; }
.cc-legend b { display: block; margin-bottom: 4px; }
.cc-legend span { display: inline-block; width: 11px; height: 11px; border-radius: 50%%;
  margin-right: 6px; vertical-align: -1px; border: 1px solid #fff; }
.cc-district-label { background: transparent; border: 0; box-shadow: none; color: #c7d5ee;
  font-weight: bold; text-shadow: 0 0 3px #000; }
.cc-district-label::before { display: none; }
.cc-popup-title { font-weight: bold; font-size: 14px; margin-bottom: 4px; }
.cc-popup table { border-collapse: collapse; }
.cc-popup th { text-align: left; padding-right: 8px; color: #555; font-weight: normal; vertical-align: top; }
.cc-popup td { word-break: break-all; }
"""


class _BindPopup(MacroElement):
    """Binds a popup whose content is a JSON string literal (escaped HTML), not template text.

    folium's own Popup puts its HTML into a JS template literal and needs jQuery; this needs
    neither, and no outside text ever becomes part of a template or script source.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindPopup({{ this.content }}, {maxWidth: 340});
        {% endmacro %}
        """
    )

    def __init__(self, content_html: str) -> None:
        super().__init__()
        self._name = "BindPopup"
        self.content = _js_string(content_html)


class _BindFeaturePopups(MacroElement):
    """Binds each GeoJSON feature's pre-escaped ``cc_popup`` property as its popup."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.eachLayer(function (l) {
                l.bindPopup(l.feature.properties.cc_popup, {maxWidth: 340});
            });
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "BindFeaturePopups"


class _PublishHandles(MacroElement):
    """``window.ccSituation``: the map, the incident layer and its count, for tests and for
    anyone who wants to script the file (folium declares its variables with ``var`` inside one
    script, which is global, but the names are random)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            window.ccSituation = {map: {{ this.map_name }}, incidents: {{ this.group_name }},
                                  count: {{ this.count }}};
        {% endmacro %}
        """
    )

    def __init__(self, map_name: str, group_name: str, count: int) -> None:
        super().__init__()
        self._name = "PublishHandles"
        self.map_name = map_name
        self.group_name = group_name
        self.count = int(count)


def _text(value: Any) -> str:
    """Outside text for HTML inside folium's scripts. Beyond page.html_text's escapes, braces
    become entities: branca re-compiles every MacroElement's script output as a Jinja template,
    so a title holding ``{{ ... }}`` would otherwise be evaluated in Python at export time."""
    return html_text(value).replace("{", "&#123;").replace("}", "&#125;")


def _js_string(markup: str) -> str:
    """A JS string literal of `markup` that can close no <script> and holds no Jinja syntax."""
    return json_for_html(markup).replace("{", "\\u007b").replace("}", "\\u007d")


def _raw(markup: str) -> Element:
    """An Element that outputs `markup` as data: branca compiles Element(text) as a Jinja
    template, so outside text (or Leaflet's source) must never be passed as the template."""
    element = Element("{{ this.markup }}")
    element.markup = markup
    return element


class AssetError(RuntimeError):
    """The Leaflet files are not there: the set-up (make setup) has not fetched them."""


def build_situation_html(
    catalog: Catalog,
    incidents: list[dict],
    *,
    layers: Iterable[Any] = (),
    title: str,
    generated_ms: int,
    lang: str = "zh",
    assets: AssetMode = "inline",
    asset_dir_name: str = "situation_files",
) -> tuple[str, dict[str, bytes]]:
    """The page's HTML and, for ``assets="beside"``, the files to write next to it.

    `incidents` are store rows (open ones; rows without a valid position are left out and
    counted in the title box). `layers` are interop Layer objects (anything with `name` and
    `features`). The returned dict maps paths relative to the HTML file (always under
    `asset_dir_name`/) to their bytes; it is empty for "inline". Raises AssetError when the
    Leaflet files are missing and ValueError for a bad mode, language or folder name.
    """
    if assets not in ASSET_MODES:
        raise ValueError(f"assets must be one of {', '.join(ASSET_MODES)}, got {assets!r}")
    if lang not in WORDS:
        raise ValueError(f"lang must be one of {', '.join(WORDS)}, got {lang!r}")
    if assets == "beside":
        _check_dir_name(asset_dir_name)
    if not map_assets.vendor_ready():
        raise AssetError(
            f"Leaflet files missing in {map_assets.vendor_dir()}: run `make setup` "
            "(or tools/fetch-map-assets.sh) first"
        )
    words = WORDS[lang]
    english = lang == "en"
    name = (lambda unit: unit.name_en) if english else (lambda unit: unit.name_zh)
    city = _city_unit(catalog)
    south, west, north, east = _bounds(city, catalog)

    fmap = folium.Map(
        location=((south + north) / 2, (west + east) / 2),
        tiles=None,
        zoom_start=11,
        zoom_snap=0.25,
        attribution_control=False,
    )
    fmap.default_js = []
    fmap.default_css = []
    fmap.fit_bounds([[south, west], [north, east]], padding=(12, 12))

    _add_district_layer(fmap, catalog, words["districts"], name)
    _add_outline_layer(fmap, catalog, OrgLevel.STREET, words["streets"], STREET_STYLE, name, hover=False)

    group = folium.FeatureGroup(name=_text(words["incidents"]), overlay=True, control=True)
    shown, skipped = 0, 0
    # least severe first, so the worst are drawn on top
    for row in sorted(incidents, key=lambda r: (-_rank(r), str(r.get("reported_ms") or ""), str(r.get("id")))):
        try:
            props = incident_delta(row, catalog, lang=lang)["props"]
        except BridgeError:
            skipped += 1
            continue
        marker = folium.CircleMarker(
            location=(props["lat"], props["lon"]),
            radius=SEVERITY_RADIUS.get(props["severity"], 6),
            color="#ffffff",
            weight=1.5,
            fill=True,
            fill_color=props["colour"] or "#8fa3bf",
            fill_opacity=0.9,
            class_name="cc-incident",
        )
        folium.Tooltip(_text(props["title"]), sticky=True).add_to(marker)
        marker.add_child(_BindPopup(_incident_popup(props, row, words)))
        marker.add_to(group)
        shown += 1
    group.add_to(fmap)

    for index, layer in enumerate(layers):
        _add_layer(fmap, layer, LAYER_COLOURS[index % len(LAYER_COLOURS)], words)

    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    fmap.add_child(_PublishHandles(fmap.get_name(), group.get_name(), shown))

    root = fmap.get_root()
    root.title = _text(title)
    files: dict[str, bytes] = {}
    head = _inline_assets() if assets == "inline" else _beside_assets(asset_dir_name, files)
    root.header.add_child(_raw(head + f"<style>{PAGE_CSS % {'bg': BACKGROUND}}</style>"))
    root.html.add_child(_raw(_title_box(title, generated_ms, shown, skipped, words)))
    root.html.add_child(_raw(_legend(words, english)))
    page = root.render()
    page = page.replace("<html>", f'<html lang="{"en" if english else "zh-CN"}">', 1)
    if assets == "inline":
        page = with_csp(page, sources=(), script_sources=(), connect_sources=())
    else:
        # 'self' for a page served from a web server; file: for one opened from disk (browsers
        # give a file:// page an opaque origin, which 'self' may not match).
        page = with_csp(page, sources=("'self'", "file:"), script_sources=("'self'", "file:"), connect_sources=())
    return page, files


def _rank(row: dict) -> int:
    try:
        return Severity.parse(str(row.get("severity") or "")).info.rank
    except KeyError:
        return 9


def _check_dir_name(name: str) -> None:
    if not isinstance(name, str) or not name or name in (".", "..") or any(c in name for c in "/\\\x00"):
        raise ValueError(f"asset_dir_name must be a plain folder name, got {name!r}")


def _vendor_bytes(rel: str) -> bytes:
    return (map_assets.vendor_dir() / rel).read_bytes()


def _leaflet_js() -> str:
    return _SOURCE_MAP.sub("\n", _vendor_bytes(LEAFLET_JS).decode("utf-8"))


def _inline_assets() -> str:
    """Leaflet's JS and CSS inside the page; the CSS's images as data: URIs."""
    css = _vendor_bytes(LEAFLET_CSS).decode("utf-8")
    for image in LEAFLET_IMAGES:
        data = base64.b64encode(_vendor_bytes(f"leaflet/images/{image}")).decode("ascii")
        css = css.replace(f"url(images/{image})", f"url(data:image/png;base64,{data})")
    js = _leaflet_js()
    if "</script" in js.lower() or "</style" in css.lower():
        raise AssetError("the Leaflet files cannot be embedded: they contain a closing tag")
    return f"<style>{css}</style>\n<script>{js}</script>\n"


def _beside_assets(folder: str, files: dict[str, bytes]) -> str:
    """Leaflet's files in the folder beside the page, referenced relatively."""
    files[f"{folder}/leaflet.js"] = _leaflet_js().encode("utf-8")
    files[f"{folder}/leaflet.css"] = _vendor_bytes(LEAFLET_CSS)
    for image in LEAFLET_IMAGES:
        files[f"{folder}/images/{image}"] = _vendor_bytes(f"leaflet/images/{image}")
    base = _text(quote(folder))
    return f'<link rel="stylesheet" href="{base}/leaflet.css">\n<script src="{base}/leaflet.js"></script>\n'


def _incident_popup(props: dict, row: dict, words: dict) -> str:
    status = props["status"]
    rows = [
        (words["severity"], props["severity_label"] or props["severity"]),
        (words["status"], words["statuses"].get(status, status)),
        (words["category"], props["category_name"]),
        (words["org_unit"], props["org_unit_name"]),
    ]
    reported = row.get("reported_ms")
    if isinstance(reported, int) and not isinstance(reported, bool):
        rows.append((words["reported"], _time(reported)))
    return (
        '<div class="cc-popup">'
        f'<div class="cc-popup-title">{_text(props["title"])}</div>'
        + _table(rows)
        + "</div>"
    )


def _table(rows: list[tuple[str, Any]]) -> str:
    cells = "".join(
        f"<tr><th>{_text(key)}</th><td>{_text(_short(value))}</td></tr>" for key, value in rows
        if value not in (None, "")
    )
    return f"<table>{cells}</table>"


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= MAX_POPUP_VALUE else text[: MAX_POPUP_VALUE - 1] + "…"


def _add_layer(fmap: folium.Map, layer: Any, colour: str, words: dict) -> None:
    """One imported layer as a switchable GeoJSON overlay; points as filled dots."""
    delta = layer_delta(layer)  # cleaned: drawable geometry, scalar properties only
    name = delta["title"]
    features = []
    for feature in delta["features"]:
        props = feature["properties"]
        rows = list(props.items())[:MAX_POPUP_PROPERTIES]
        popup = (
            '<div class="cc-popup">'
            f'<div class="cc-popup-title">{_text(words["layer"])}: {_text(name)}</div>'
            + _table(rows)
            + "</div>"
        )
        # only the escaped popup travels: raw properties never reach the page
        features.append({"type": "Feature", "geometry": feature["geometry"], "properties": {"cc_popup": popup}})
    if not features:
        return
    style = {"color": colour, "weight": 2, "opacity": 0.9, "fillColor": colour, "fillOpacity": 0.25}
    overlay = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=_text(name),
        style_function=lambda _f: style,
        marker=folium.CircleMarker(radius=5, fill=True, fill_opacity=0.9, weight=1, class_name="cc-layer-point"),
    )
    overlay.add_child(_BindFeaturePopups())
    overlay.add_to(fmap)


def _time(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def _title_box(title: str, generated_ms: int, shown: int, skipped: int, words: dict) -> str:
    count = words["count"].format(n=shown) if shown else words["empty"]
    if skipped:
        count += " · " + words["skipped"].format(n=skipped)
    return (
        '<div class="cc-box cc-title">'
        f"<h1>{_text(title)}</h1>"
        f'<p class="cc-generated">{_text(words["generated"])} {_time(generated_ms)} ({_text(words["tz"])})</p>'
        f'<p class="cc-count">{_text(count)}</p>'
        "</div>"
    )


def _legend(words: dict, english: bool) -> str:
    lines = "".join(
        f'<div><span style="background:{s.info.colour}"></span>{_text(s.info.en if english else s.info.zh)}</div>'
        for s in Severity
    )
    return f'<div class="cc-box cc-legend"><b>{_text(words["legend"])}</b>{lines}</div>'
