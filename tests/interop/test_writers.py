"""Export: what another tool reads back is what we stored, hostile text included."""
from __future__ import annotations

import json

import pytest

from commandcenter.interop.crs import distance_m, wgs84_to_gcj02
from commandcenter.interop.csvfile import read_csv, write_csv
from commandcenter.interop.errors import InteropError
from commandcenter.interop.geojson import read_geojson, write_geojson
from commandcenter.interop.kml import read_kml, write_kml
from commandcenter.interop.layers import Layer

HOSTILE = "<img src=x onerror=alert(1)>"
NASTY = {"name": HOSTILE, "description": "<script>alert(1)</script> & <svg onload=alert(2)>",
         "note": "]]> \"quoted\", comma\nnew line", "名称": "避难所"}
RING = [[121.40, 31.20], [121.50, 31.20], [121.50, 31.30], [121.40, 31.20]]


def _layer(features):
    return Layer(name="sites", crs="wgs84", source="sites.geojson", imported_ms=1, features=features)


def _points():
    return _layer([
        {"type": "Feature", "properties": dict(NASTY), "geometry": {"type": "Point", "coordinates": [121.4737, 31.2304]}},
        {"type": "Feature", "properties": {"name": "plain"}, "geometry": {"type": "Point", "coordinates": [121.5, 31.25]}},
    ])


def _mixed():
    return _layer([
        {"type": "Feature", "id": "pt", "properties": dict(NASTY),
         "geometry": {"type": "Point", "coordinates": [121.4737, 31.2304]}},
        {"type": "Feature", "id": "line", "properties": {"name": "levee"},
         "geometry": {"type": "LineString", "coordinates": [[121.49, 31.24], [121.5, 31.25]]}},
        {"type": "Feature", "id": "area", "properties": {"name": "closed"},
         "geometry": {"type": "Polygon", "coordinates": [RING]}},
        {"type": "Feature", "id": "many", "properties": {"name": "pumps"},
         "geometry": {"type": "MultiPoint", "coordinates": [[121.1, 31.1], [121.2, 31.2]]}},
    ])


def _export(tmp_path, data, name):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_geojson_round_trip_keeps_geometry_and_hostile_text(tmp_path):
    layer = _mixed()
    back = read_geojson(_export(tmp_path, write_geojson(layer), "out.geojson"))
    assert back.features == layer.features


def test_kml_round_trip_keeps_geometry_and_hostile_text(tmp_path):
    layer = _mixed()
    data = write_kml(layer)
    assert HOSTILE.encode() not in data  # escaped in the XML, so no viewer parses it as markup
    back = read_kml(_export(tmp_path, data, "out.kml"))
    assert [f["geometry"] for f in back.features] == [f["geometry"] for f in layer.features]
    assert back.features[0]["properties"] == NASTY
    assert [f["id"] for f in back.features] == ["pt", "line", "area", "many"]


def test_csv_round_trip_keeps_points_and_hostile_text(tmp_path):
    data = write_csv(_points())
    assert data.startswith("\ufeff".encode())
    back = read_csv(_export(tmp_path, data, "out.csv"))
    assert back.features[0]["properties"] == NASTY
    assert back.features[1]["properties"] == {"name": "plain", "description": "", "note": "", "名称": ""}
    assert [f["geometry"] for f in back.features] == [f["geometry"] for f in _points().features]


def test_csv_export_refuses_non_point_features_naming_them():
    with pytest.raises(InteropError) as exc:
        write_csv(_mixed())
    assert exc.value.where == "features[1]"
    assert "'line'" in exc.value.problem and "LineString" in exc.value.problem


@pytest.mark.parametrize("write, read, suffix", [(write_geojson, read_geojson, "geojson"),
                                                  (write_kml, read_kml, "kml")])
def test_gcj02_export_and_reimport_come_back_to_the_same_place(tmp_path, write, read, suffix):
    layer = _mixed()
    path = _export(tmp_path, write(layer, "gcj02"), f"gcj.{suffix}")
    raw = read(path)  # read as if it were WGS-84: the positions are the GCJ-02 ones
    assert raw.features[0]["geometry"]["coordinates"] == pytest.approx(list(wgs84_to_gcj02(121.4737, 31.2304)))
    back = read(path, crs="gcj02")
    assert back.crs == "gcj02"
    for mine, theirs in zip(layer.features, back.features):
        assert mine["geometry"]["type"] == theirs["geometry"]["type"]
    for (lon, lat), (blon, blat) in zip(RING, back.features[2]["geometry"]["coordinates"][0]):
        assert distance_m(lon, lat, blon, blat) < 0.5


def test_csv_gcj02_export_round_trip(tmp_path):
    path = _export(tmp_path, write_csv(_points(), "gcj02"), "gcj.csv")
    back = read_csv(path, crs="gcj02")
    lon, lat = back.features[0]["geometry"]["coordinates"]
    assert distance_m(lon, lat, 121.4737, 31.2304) < 0.5


def test_geojson_export_records_the_crs_it_was_written_in():
    doc = json.loads(write_geojson(_points(), "gcj02"))
    assert doc["commandcenter"]["crs"] == "gcj02"
    assert json.loads(write_geojson(_points()))["commandcenter"]["crs"] == "wgs84"
