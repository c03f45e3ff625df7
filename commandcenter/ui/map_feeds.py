"""What the map's point layers show, built from the store and the city data in the user's
language: units (resources with their newest position), sensors (their indicator's latest
value and alarm colour), cameras and key sites. Each builder returns rows for
``commandcenter.map.bridge.point_rows_delta``; popups get [label, value] pairs, shown as text.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Iterable

from commandcenter.citymap import CityMap, sensor_state
from commandcenter.domain.catalog import Catalog
from commandcenter.domain.geo import nearest
from commandcenter.domain.levels import COLOUR_HEX
from commandcenter.store.db import Store
from commandcenter.ui import labels

UNIT_FIELDS = ["id", "name", "title", "status", "kind", "lon", "lat", "heading", "speed", "ts_ms", "rows"]
SENSOR_FIELDS = ["id", "name", "title", "kind", "colour", "value_text", "alarm", "lon", "lat", "rows"]
CAMERA_FIELDS = ["id", "name", "title", "lon", "lat", "rows"]
SITE_FIELDS = ["id", "name", "title", "kind", "lon", "lat", "rows"]
MOVING = frozenset({"en_route", "returning"})
NO_DATA_COLOUR = "#6b7280"  # the stale-data grey of domain.levels


def _clock(ms: int | None) -> str:
    return time.strftime("%H:%M:%S", time.localtime(ms / 1000)) if ms else ""


def display_name(item: dict, english: bool) -> str:
    """A data row's name in the user's language (name_en when there is one)."""
    if english and item.get("name_en"):
        return str(item["name_en"])
    return str(item.get("name") or item.get("name_zh") or item.get("id") or "")


def _unit_name(catalog: Catalog, code: str | None) -> str:
    unit = catalog.org_units.get(code or "")
    return labels.name(unit) if unit else (code or "")


def unit_rows(store: Store, catalog: Catalog, *, english: bool, ids: Iterable[str] | None = None,
              positions: dict | None = None) -> list[list]:
    """Units (resources) where they are now: the newest streamed position, else the document's."""
    if ids is None:
        resources = store.query("SELECT * FROM resources")
    else:
        wanted = sorted(set(ids))
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        resources = store.query(f"SELECT * FROM resources WHERE id IN ({marks})", wanted)
    positions = store.latest_positions() if positions is None else positions
    rows = []
    for res in resources:
        where = positions.get(res["id"])
        ts, lon, lat, heading = where if where else (res.get("updated_ms"), res.get("lon"), res.get("lat"), res.get("heading"))
        if lon is None or lat is None:
            continue
        status = res.get("status") or ""
        department = catalog.departments.get(res.get("department") or "")
        name = display_name(res, english)
        popup = [
            [labels.map_word("kind"), labels.resource_kind(res.get("kind"))],
            [labels.map_word("department"), labels.name(department) if department else (res.get("department") or "")],
            [labels.map_word("status"), labels.resource_status(status)],
            [labels.map_word("area"), _unit_name(catalog, res.get("org_unit"))],
            [labels.map_word("updated"), _clock(ts)],
        ]
        rows.append([res["id"], name, name, status, res.get("kind") or "", lon, lat,
                     heading if heading is not None else 0.0, 1.0 if status in MOVING else 0.0, ts or 0, popup])
    return rows


def _item_name(item, english: bool) -> str:
    return (item.name_en if english and item.name_en else item.name_zh) or item.id


def open_alarms_by_indicator(store: Store) -> dict[str, dict]:
    """The open (raised or acknowledged) alarm of each indicator, the worst when several."""
    rank = {"red": 0, "orange": 1, "yellow": 2, "blue": 3}
    out: dict[str, dict] = {}
    for row in store.query("SELECT * FROM alarms WHERE status IN ('raised','acknowledged')"):
        code = row.get("indicator")
        if code not in out or rank.get(row.get("colour"), 9) < rank.get(out[code].get("colour"), 9):
            out[code] = row
    return out


def sensor_rows(city: CityMap, catalog: Catalog, latest: dict, *, english: bool,
                alarms: dict[str, dict] | None = None) -> list[list]:
    """Sensors coloured by their indicator's threshold state, with the current value as a
    label; a sensor whose indicator has an open alarm is ringed. `latest` is
    Store.latest_samples(): indicator -> (ts_ms, value)."""
    alarms = alarms or {}
    rows = []
    for sensor in city.sensors:
        indicator = catalog.indicators.get(sensor.indicator)
        if indicator is None:
            continue
        ts, value = latest.get(sensor.indicator, (None, None))
        state, _ = sensor_state(sensor, indicator, value)
        text = _value_text(value, indicator.unit)
        name = _item_name(sensor, english)
        popup = [
            [labels.map_word("indicator"), labels.name(indicator)],
            [labels.map_word("value"), text if value is not None else labels.map_word("no_data")],
            [labels.map_word("area"), _unit_name(catalog, sensor.org_unit)],
            [labels.map_word("updated"), _clock(ts)],
        ]
        alarm = alarms.get(sensor.indicator)
        if alarm is not None:
            popup.append([labels.map_word("alarm"),
                          f"{labels.warning_colour(alarm.get('colour'))} · {labels.alarm_status(alarm.get('status'))}"])
        rows.append([sensor.id, name, name, sensor.kind, COLOUR_HEX.get(state, NO_DATA_COLOUR), text,
                     alarm.get("status") if alarm else "", sensor.lon, sensor.lat, popup])
    return rows


def _value_text(value, unit: str) -> str:
    """A reading as a room reads it: 157 mm, 23.8 °C, 0.16 人/m² (no false precision)."""
    if value is None or not isinstance(value, (int, float)) or value != value or value in (float("inf"), float("-inf")):
        return "—"
    magnitude = abs(value)
    text = f"{value:.0f}" if magnitude >= 100 else f"{value:.1f}" if magnitude >= 10 else f"{value:.2f}"
    return f"{text} {unit}".strip()


def heat_points(city: CityMap, catalog: Catalog, latest: dict) -> list[tuple[float, float, float]]:
    """The crowd heat map: each crowd sensor weighted by its indicator's value against the
    indicator's red threshold (1.0 = at the red line)."""
    points = []
    for sensor in city.sensors:
        if not sensor.kind.startswith("crowd"):
            continue
        indicator = catalog.indicators.get(sensor.indicator)
        ts, value = latest.get(sensor.indicator, (None, None))
        if indicator is None or value is None:
            continue
        red = indicator.thresholds.get("red") or max(indicator.thresholds.values(), default=0) or 1.0
        # a crowd is visible at all (a quarter), and reaches full heat at the red line
        points.append((sensor.lon, sensor.lat, 0.25 + 0.75 * max(0.0, min(1.0, float(value) / float(red)))))
    return points


def camera_rows(city: CityMap, catalog: Catalog, *, english: bool) -> list[list]:
    rows = []
    for camera in city.cameras:
        name = _item_name(camera, english)
        popup = [[labels.map_word("area"), _unit_name(catalog, camera.org_unit)]]
        rows.append([camera.id, name, name, camera.lon, camera.lat, popup])
    return rows


def site_rows(city: CityMap, catalog: Catalog, *, english: bool) -> list[list]:
    rows = []
    for site in city.sites:
        name = _item_name(site, english)
        popup = [
            [labels.map_word("kind"), labels.site_kind(site.kind)],
            [labels.map_word("capacity"), str(site.capacity)],
            [labels.map_word("area"), _unit_name(catalog, site.org_unit)],
        ]
        rows.append([site.id, name, name, site.kind, site.lon, site.lat, popup])
    return rows


FLOORPLAN_PREFIX = "/city/"  # cc://app/city/<image as in floorplans.json>


def floorplans(city: CityMap, *, english: bool) -> tuple[list[dict], dict[str, Path]]:
    """The plans for the page (image URLs on cc://) and the files the scheme handler may serve."""
    plans, files = [], {}
    for plan in city.floorplans:
        floors = []
        for floor in plan.floors:
            path = FLOORPLAN_PREFIX + floor.image
            files[path] = floor.path
            title = (floor.name_en if english and floor.name_en else floor.name_zh) or floor.level
            floors.append({"level": floor.level, "title": title, "url": "cc://app" + path})
        (south, west), (north, east) = plan.bounds
        plans.append({"id": plan.id, "title": _item_name(plan, english), "bounds": [[south, west], [north, east]],
                      "floors": floors})
    return plans, files


def unit_positions(store: Store) -> list[dict]:
    """Every unit as {id, name, name_en, kind, status, lon, lat}, at its newest position."""
    positions = store.latest_positions()
    out = []
    for res in store.query("SELECT * FROM resources"):
        where = positions.get(res["id"])
        lon, lat = (where[1], where[2]) if where else (res.get("lon"), res.get("lat"))
        if lon is None or lat is None:
            continue
        out.append({**res, "lon": lon, "lat": lat})
    return out


def nearest_available(store: Store, lon: float, lat: float, n: int = 5) -> list[tuple[float, dict]]:
    """The n available units closest to a point, as (metres, unit), closest first."""
    return nearest(unit_positions(store), lon, lat, n, where=lambda unit: unit.get("status") == "available")
