"""GeoJSON (RFC 7946) in and out.

Accepts a FeatureCollection, a single Feature or a bare geometry. Properties are kept exactly
as they are (text stays text; nothing is interpreted as markup). Foreign members are dropped,
except the feature id.
"""
from __future__ import annotations

import json
from pathlib import Path

from commandcenter.interop.crs import converter, transform_geometry
from commandcenter.interop.errors import InteropError
from commandcenter.interop.geometry import GEOMETRY_TYPES, check_geometry
from commandcenter.interop.layers import META, Layer, build_layer
from commandcenter.interop.xmlsafe import read_bytes


def parse_features(path: str | Path, data: bytes) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InteropError(path, f"line {line}", "encoding", "not UTF-8 text") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InteropError(path, f"line {exc.lineno}", "json", f"{exc.msg} (column {exc.colno})") from None
    if not isinstance(doc, dict):
        raise InteropError(path, "line 1", "type", "expected a GeoJSON object at the top level")
    kind = doc.get("type")
    if kind == "FeatureCollection":
        items = doc.get("features")
        if not isinstance(items, list):
            raise InteropError(path, "line 1", "features", "a FeatureCollection needs a features array")
        return [_feature(f, path, f"features[{i}]") for i, f in enumerate(items)]
    if kind == "Feature":
        return [_feature(doc, path, "feature")]
    if kind in GEOMETRY_TYPES:
        return [{"type": "Feature", "properties": {}, "geometry": check_geometry(doc, path, "geometry", "geometry")}]
    raise InteropError(path, "line 1", "type",
                       f"expected FeatureCollection, Feature or a geometry, got {kind!r}")


def _feature(item: object, path: str | Path, where: str) -> dict:
    if not isinstance(item, dict) or item.get("type") != "Feature":
        got = item.get("type") if isinstance(item, dict) else type(item).__name__
        raise InteropError(path, where, "type", f"expected a Feature, got {got!r}")
    if item.get("geometry") is None:
        raise InteropError(path, where, "geometry", "missing: a feature without geometry cannot be shown on the map")
    props = item.get("properties")
    if props is None:
        props = {}
    if not isinstance(props, dict):
        raise InteropError(path, where, "properties", "must be an object or null")
    out = {"type": "Feature", "properties": props, "geometry": check_geometry(item["geometry"], path, where)}
    fid = item.get("id")
    if isinstance(fid, (str, int, float)) and not isinstance(fid, bool):
        out["id"] = fid
    return out


def read_geojson(path: str | Path, *, name: str | None = None, crs: str = "wgs84",
                 imported_ms: int | None = None) -> Layer:
    features = parse_features(path, read_bytes(path))
    return build_layer(path, features, name=name, crs=crs, imported_ms=imported_ms)


def write_geojson(layer: Layer, crs: str = "wgs84") -> bytes:
    """RFC 7946 text; with crs="gcj02" the positions are GCJ-02 and the member says so."""
    fn = converter("wgs84", crs)
    features = [{**f, "geometry": transform_geometry(f["geometry"], fn)} for f in layer.features]
    doc = {"type": "FeatureCollection",
           META: {"name": layer.name, "crs": crs, "source": layer.source},
           "features": features}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
