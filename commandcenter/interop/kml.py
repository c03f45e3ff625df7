"""KML in and out: Placemarks with Point, LineString, Polygon (and MultiGeometry of them).

name and description become properties, ExtendedData Data/SimpleData too. Descriptions in KML
are often HTML; we keep them as literal text and never render them.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from commandcenter.interop.crs import converter, transform_geometry
from commandcenter.interop.errors import InteropError
from commandcenter.interop.geometry import check_geometry
from commandcenter.interop.layers import Layer, build_layer
from commandcenter.interop.xmlsafe import child, children, local, parse_xml, read_bytes

KML_NS = "http://www.opengis.net/kml/2.2"
_SIMPLE = ("Point", "LineString", "Polygon")


def _coords(elem: ET.Element | None, path, where: str, field: str) -> list[list[float]]:
    if elem is None or not (elem.text or "").strip():
        raise InteropError(path, where, field, "missing coordinates")
    out = []
    for i, token in enumerate(elem.text.split()):
        parts = token.split(",")
        if not 2 <= len(parts) <= 3:
            raise InteropError(path, where, f"{field}[{i}]", f"expected lon,lat[,alt], got {token[:40]!r}")
        try:
            out.append([float(p) for p in parts])
        except ValueError:
            raise InteropError(path, where, f"{field}[{i}]", f"not a number: {token[:40]!r}") from None
    return out


def _geometry(elem: ET.Element, path, where: str) -> dict:
    kind = local(elem.tag)
    if kind == "Point":
        pts = _coords(child(elem, "coordinates"), path, where, "Point.coordinates")
        if len(pts) != 1:
            raise InteropError(path, where, "Point.coordinates", f"a point has one position, got {len(pts)}")
        return {"type": "Point", "coordinates": pts[0]}
    if kind == "LineString":
        return {"type": "LineString",
                "coordinates": _coords(child(elem, "coordinates"), path, where, "LineString.coordinates")}
    if kind == "Polygon":
        rings = []
        for boundary in ("outerBoundaryIs", "innerBoundaryIs"):
            for b in children(elem, boundary):
                ring = child(b, "LinearRing")
                rings.append(_coords(child(ring, "coordinates") if ring is not None else None,
                                     path, where, f"Polygon.{boundary}.coordinates"))
        if not rings:
            raise InteropError(path, where, "Polygon.outerBoundaryIs", "missing outer boundary")
        return {"type": "Polygon", "coordinates": rings}
    parts = [_geometry(g, path, where) for g in elem if local(g.tag) in (*_SIMPLE, "MultiGeometry")]
    if not parts:
        raise InteropError(path, where, "MultiGeometry", "contains no Point, LineString or Polygon")
    kinds = {p["type"] for p in parts}
    if len(kinds) == 1 and kinds <= set(_SIMPLE):
        return {"type": f"Multi{parts[0]['type']}", "coordinates": [p["coordinates"] for p in parts]}
    return {"type": "GeometryCollection", "geometries": parts}


def _text(elem: ET.Element | None) -> str | None:
    return None if elem is None else (elem.text or "")


def parse_features(path: str | Path, data: bytes) -> list[dict]:
    root = parse_xml(path, data)
    if local(root.tag) != "kml":
        raise InteropError(path, "line 1", "kml", f"root element is <{local(root.tag)}>, expected <kml>")
    features = []
    for i, pm in enumerate(e for e in root.iter() if local(e.tag) == "Placemark"):
        where = f"Placemark[{i}]"
        geom_elem = next((c for c in pm if local(c.tag) in (*_SIMPLE, "MultiGeometry")), None)
        if geom_elem is None:
            unsupported = [local(c.tag) for c in pm if local(c.tag) in ("Model", "Track", "MultiTrack")]
            problem = (f"unsupported geometry {unsupported[0]}" if unsupported
                       else "missing: a Placemark needs a Point, LineString or Polygon")
            raise InteropError(path, where, "geometry", problem)
        props: dict[str, object] = {}
        for key in ("name", "description"):
            value = _text(child(pm, key))
            if value is not None:
                props[key] = value.strip() if key == "name" else value
        ext = child(pm, "ExtendedData")
        if ext is not None:
            for d in ext.iter():
                if local(d.tag) == "Data" and d.get("name"):
                    props.setdefault(d.get("name"), _text(child(d, "value")) or "")
                elif local(d.tag) == "SimpleData" and d.get("name"):
                    props.setdefault(d.get("name"), d.text or "")
        geometry = check_geometry(_geometry(geom_elem, path, where), path, where)
        feat = {"type": "Feature", "properties": props, "geometry": geometry}
        if pm.get("id"):
            feat["id"] = pm.get("id")
        features.append(feat)
    return features


def read_kml(path: str | Path, *, name: str | None = None, crs: str = "wgs84",
             imported_ms: int | None = None) -> Layer:
    features = parse_features(path, read_bytes(path))
    return build_layer(path, features, name=name, crs=crs, imported_ms=imported_ms)


def _coord_text(positions) -> str:
    return " ".join(",".join(repr(v) for v in p) for p in positions)


def _add_geometry(parent: ET.Element, geom: dict) -> None:
    kind = geom["type"]
    if kind == "Point":
        ET.SubElement(ET.SubElement(parent, "Point"), "coordinates").text = _coord_text([geom["coordinates"]])
    elif kind == "LineString":
        ET.SubElement(ET.SubElement(parent, "LineString"), "coordinates").text = _coord_text(geom["coordinates"])
    elif kind == "Polygon":
        poly = ET.SubElement(parent, "Polygon")
        for i, ring in enumerate(geom["coordinates"]):
            b = ET.SubElement(poly, "outerBoundaryIs" if i == 0 else "innerBoundaryIs")
            ET.SubElement(ET.SubElement(b, "LinearRing"), "coordinates").text = _coord_text(ring)
    elif kind == "GeometryCollection":
        multi = ET.SubElement(parent, "MultiGeometry")
        for g in geom["geometries"]:
            _add_geometry(multi, g)
    else:
        multi = ET.SubElement(parent, "MultiGeometry")
        for c in geom["coordinates"]:
            _add_geometry(multi, {"type": kind.removeprefix("Multi"), "coordinates": c})


def write_kml(layer: Layer, crs: str = "wgs84") -> bytes:
    """KML 2.2; text goes in as element text, so ElementTree escapes it (never markup)."""
    fn = converter("wgs84", crs)
    kml = ET.Element("kml", xmlns=KML_NS)
    doc = ET.SubElement(kml, "Document")
    ET.SubElement(doc, "name").text = layer.name
    for feat in layer.features:
        pm = ET.SubElement(doc, "Placemark")
        if "id" in feat:
            pm.set("id", str(feat["id"]))
        props = feat.get("properties") or {}
        for key in ("name", "description"):
            if key in props and props[key] is not None:
                ET.SubElement(pm, key).text = _as_text(props[key])
        extra = {k: v for k, v in props.items() if k not in ("name", "description")}
        if extra:
            ext = ET.SubElement(pm, "ExtendedData")
            for k, v in extra.items():
                d = ET.SubElement(ext, "Data", name=str(k))
                ET.SubElement(d, "value").text = _as_text(v)
        _add_geometry(pm, transform_geometry(feat["geometry"], fn))
    ET.indent(kml)
    return ET.tostring(kml, encoding="utf-8", xml_declaration=True)


def _as_text(value: object) -> str:
    """Strings as they are; other JSON values as JSON so they survive a round trip readably."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
