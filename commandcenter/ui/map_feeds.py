"""What the map's point layers show, built from the store and the city data in the user's
language: units (resources with their newest position), sensors (their indicator's latest
value and alarm colour), cameras and key sites. Each builder returns rows for
``commandcenter.map.bridge.point_rows_delta``; popups get [label, value] pairs, shown as text.
"""
from __future__ import annotations

import time
from typing import Iterable

from commandcenter.domain.catalog import Catalog
from commandcenter.store.db import Store
from commandcenter.ui import labels

UNIT_FIELDS = ["id", "name", "title", "status", "kind", "lon", "lat", "heading", "speed", "ts_ms", "rows"]
SENSOR_FIELDS = ["id", "name", "title", "kind", "colour", "value_text", "lon", "lat", "rows"]
CAMERA_FIELDS = ["id", "name", "title", "lon", "lat", "rows"]
SITE_FIELDS = ["id", "name", "title", "kind", "lon", "lat", "rows"]
MOVING = frozenset({"en_route", "returning"})
NO_DATA_COLOUR = "#6b7280"  # the stale-data grey of domain.levels


def _clock(ms: int | None) -> str:
    return time.strftime("%H:%M:%S", time.localtime(ms / 1000)) if ms else ""


def _name(item: dict, english: bool) -> str:
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
        name = _name(res, english)
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
