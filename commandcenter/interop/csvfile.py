"""CSV with latitude/longitude columns, in and out (points only).

Header names are matched case-insensitively, in English or Chinese. All other columns become
properties as text: we do not guess types, so "007" stays "007". Errors name the line.
"""
from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

from commandcenter.interop.crs import converter, transform_geometry
from commandcenter.interop.errors import InteropError
from commandcenter.interop.layers import Layer, build_layer
from commandcenter.interop.xmlsafe import read_bytes

LAT_NAMES = ("lat", "latitude", "纬度")
LON_NAMES = ("lon", "lng", "long", "longitude", "经度")


def _column(header: list[str], names: tuple[str, ...], path, field: str) -> int:
    found = [i for i, h in enumerate(header) if h.strip().lower() in names]
    if not found:
        raise InteropError(path, "line 1", field,
                           f"no {field} column in the header (expected one of: {', '.join(names)})")
    if len(found) > 1:
        raise InteropError(path, "line 1", field, f"more than one {field} column: "
                           + ", ".join(header[i] for i in found))
    return found[0]


def _coordinate(text: str, path, line: int, field: str, limit: float) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise InteropError(path, f"line {line}", field, f"not a number: {text[:40]!r}") from None
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise InteropError(path, f"line {line}", field, f"{value} is out of range -{limit:g}..{limit:g}")
    return value


def parse_features(path: str | Path, data: bytes) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InteropError(path, f"line {line}", "encoding", "not UTF-8 text (save the file as UTF-8)") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise InteropError(path, "line 1", "header", "empty file: expected a header with lat and lon columns")
        ilat = _column(header, LAT_NAMES, path, "lat")
        ilon = _column(header, LON_NAMES, path, "lon")
        others = [(i, h.strip()) for i, h in enumerate(header) if i not in (ilat, ilon)]
        features = []
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise InteropError(path, f"line {line}", "row",
                                   f"has {len(row)} fields, the header has {len(header)}")
            lat = _coordinate(row[ilat], path, line, header[ilat].strip(), 90.0)
            lon = _coordinate(row[ilon], path, line, header[ilon].strip(), 180.0)
            features.append({"type": "Feature", "properties": {h: row[i] for i, h in others},
                             "geometry": {"type": "Point", "coordinates": [lon, lat]}})
    except csv.Error as exc:
        raise InteropError(path, f"line {reader.line_num}", "csv", str(exc)) from None
    return features


def read_csv(path: str | Path, *, name: str | None = None, crs: str = "wgs84",
             imported_ms: int | None = None) -> Layer:
    features = parse_features(path, read_bytes(path))
    return build_layer(path, features, name=name, crs=crs, imported_ms=imported_ms)


def write_csv(layer: Layer, crs: str = "wgs84") -> bytes:
    """UTF-8 with BOM (Excel then shows Chinese correctly); lon, lat first, then properties."""
    fn = converter("wgs84", crs)
    keys: list[str] = []
    for i, feat in enumerate(layer.features):
        if feat["geometry"]["type"] != "Point":
            label = feat.get("id", (feat.get("properties") or {}).get("name", ""))
            raise InteropError(layer.name, f"features[{i}]", "geometry",
                               f"feature {label!r} is a {feat['geometry']['type']}; CSV holds points only")
        for k in feat.get("properties") or {}:
            if k not in keys and k.strip().lower() not in LAT_NAMES + LON_NAMES:
                keys.append(k)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["lon", "lat", *keys])
    for feat in layer.features:
        lon, lat = transform_geometry(feat["geometry"], fn)["coordinates"][:2]
        props = feat.get("properties") or {}
        writer.writerow([repr(lon), repr(lat), *(_cell(props.get(k)) for k in keys)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
