"""Each reader on real and hand-written files, and every way a file can be wrong.

A wrong file must give one message naming the file, the line or item, and the field.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from commandcenter.interop.cot import read_cot
from commandcenter.interop.crs import distance_m, wgs84_to_gcj02
from commandcenter.interop.csvfile import read_csv
from commandcenter.interop.errors import InteropError
from commandcenter.interop.geojson import read_geojson
from commandcenter.interop.kml import read_kml

COT_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "cot"
HOSTILE = "<img src=x onerror=alert(1)>"


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def _fc(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def _pt(lon, lat, **props):
    return {"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": [lon, lat]}}


# --- GeoJSON ---------------------------------------------------------------------------------

def test_geojson_feature_collection_with_every_geometry_type(tmp_path):
    ring = [[121.4, 31.2], [121.5, 31.2], [121.5, 31.3], [121.4, 31.2]]
    geoms = [
        {"type": "Point", "coordinates": [121.47, 31.23, 4.5]},
        {"type": "MultiPoint", "coordinates": [[121.47, 31.23], [121.48, 31.24]]},
        {"type": "LineString", "coordinates": [[121.47, 31.23], [121.48, 31.24]]},
        {"type": "MultiLineString", "coordinates": [[[121.47, 31.23], [121.48, 31.24]]]},
        {"type": "Polygon", "coordinates": [ring]},
        {"type": "MultiPolygon", "coordinates": [[ring]]},
    ]
    feats = [{"type": "Feature", "id": f"f{i}", "properties": {"name": g["type"]}, "geometry": g}
             for i, g in enumerate(geoms)]
    layer = read_geojson(_write(tmp_path, "Key Sites.geojson", _fc(*feats)), imported_ms=5)
    assert layer.name == "Key_Sites"
    assert layer.source == "Key Sites.geojson"
    assert layer.crs == "wgs84" and layer.imported_ms == 5
    assert [f["geometry"] for f in layer.features] == geoms
    assert [f["id"] for f in layer.features] == [f"f{i}" for i in range(6)]


def test_geojson_single_feature_and_bare_geometry(tmp_path):
    one = read_geojson(_write(tmp_path, "one.json", json.dumps(_pt(121.0, 31.0, name="x"))))
    assert one.features[0]["properties"] == {"name": "x"}
    bare = read_geojson(_write(tmp_path, "bare.json", json.dumps({"type": "Point", "coordinates": [1, 2]})))
    assert bare.features == [{"type": "Feature", "properties": {},
                              "geometry": {"type": "Point", "coordinates": [1.0, 2.0]}}]


def test_geojson_with_bom_and_chinese_text(tmp_path):
    path = tmp_path / "shelters.geojson"
    path.write_bytes("\ufeff".encode() + _fc(_pt(121.0, 31.0, 名称="人民广场避难所")).encode("utf-8"))
    assert read_geojson(path).features[0]["properties"] == {"名称": "人民广场避难所"}


def test_geojson_hostile_text_is_kept_literally(tmp_path):
    layer = read_geojson(_write(tmp_path, "h.geojson", _fc(_pt(121.0, 31.0, name=HOSTILE, note="<script>x</script>"))))
    assert layer.features[0]["properties"] == {"name": HOSTILE, "note": "<script>x</script>"}


def test_geojson_gcj02_input_is_stored_as_wgs84(tmp_path):
    wgs = (121.5272106, 31.1774276)
    gcj = wgs84_to_gcj02(*wgs)
    layer = read_geojson(_write(tmp_path, "g.geojson", _fc(_pt(*gcj))), crs="gcj02")
    assert layer.crs == "gcj02"
    assert distance_m(*layer.features[0]["geometry"]["coordinates"], *wgs) < 0.5


@pytest.mark.parametrize("text, where, field, words", [
    ('{"type": "FeatureCollection", "features": [', "line 1", "json", "Expecting value"),
    ('{\n"type": "Feature",\n "x": }', "line 3", "json", "Expecting value"),
    ('[1, 2]', "line 1", "type", "top level"),
    ('{"type": "Topology"}', "line 1", "type", "'Topology'"),
    (_fc(_pt(1, 2), {"type": "Feature", "properties": {}, "geometry": {"type": "Circle", "coordinates": [1, 2]}}),
     "features[1]", "geometry.type", "unsupported geometry type 'Circle'"),
    (_fc(_pt(181, 2)), "features[0]", "geometry.coordinates[0]", "longitude 181 is out of range"),
    (_fc(_pt(1, -91)), "features[0]", "geometry.coordinates[1]", "latitude -91 is out of range"),
    (_fc(_pt(1, "31.2")), "features[0]", "geometry.coordinates[1]", "not a number"),
    (_fc(_pt(1, True)), "features[0]", "geometry.coordinates[1]", "not a number"),
    (_fc({"type": "Feature", "properties": {}, "geometry": None}), "features[0]", "geometry", "missing"),
    (_fc({"type": "Feature", "properties": [], "geometry": {"type": "Point", "coordinates": [1, 2]}}),
     "features[0]", "properties", "object"),
    (_fc({"type": "Point", "coordinates": [1, 2]}), "features[0]", "type", "expected a Feature"),
    (_fc({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1, 2]]}}),
     "features[0]", "geometry.coordinates", "at least 2 positions"),
    (_fc({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}}),
     "features[0]", "geometry.coordinates[0]", "not closed"),
    ('{"type": "FeatureCollection"}', "line 1", "features", "features array"),
])
def test_geojson_errors_name_file_place_and_field(tmp_path, text, where, field, words):
    path = _write(tmp_path, "bad.geojson", text)
    with pytest.raises(InteropError) as exc:
        read_geojson(path)
    assert (exc.value.where, exc.value.field) == (where, field)
    assert words in exc.value.problem
    assert str(exc.value).startswith(f"{path}:{where}: {field}: ")


def test_geojson_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "gbk.geojson"
    path.write_bytes(b'{"type": "Feature",\n"properties": {"name": "' + "避难所".encode("gbk") + b'"}}')
    with pytest.raises(InteropError, match=r"gbk.geojson:line 2: encoding: not UTF-8"):
        read_geojson(path)


# --- KML -------------------------------------------------------------------------------------

KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
  <Document>
    <name>Flood watch</name>
    <Folder>
      <Placemark id="p1">
        <name>Pump station 3</name>
        <description><![CDATA[<b>capacity</b> 3 m³/s <img src=x onerror=alert(1)>]]></description>
        <ExtendedData><Data name="district"><value>黄浦区</value></Data></ExtendedData>
        <Point><coordinates>121.4737,31.2304,4</coordinates></Point>
      </Placemark>
    </Folder>
    <Placemark>
      <name>Levee</name>
      <LineString><coordinates>
        121.49,31.24 121.50,31.25
        121.51,31.25
      </coordinates></LineString>
    </Placemark>
    <Placemark>
      <name>Closed area</name>
      <Polygon>
        <outerBoundaryIs><LinearRing><coordinates>121.4,31.2 121.5,31.2 121.5,31.3 121.4,31.2</coordinates></LinearRing></outerBoundaryIs>
        <innerBoundaryIs><LinearRing><coordinates>121.45,31.22 121.46,31.22 121.46,31.23 121.45,31.22</coordinates></LinearRing></innerBoundaryIs>
      </Polygon>
    </Placemark>
  </Document>
</kml>
"""


def test_kml_placemarks_become_features(tmp_path):
    layer = read_kml(_write(tmp_path, "flood.kml", KML))
    assert layer.name == "flood"
    pump, levee, area = layer.features
    assert pump["id"] == "p1"
    assert pump["properties"] == {"name": "Pump station 3", "district": "黄浦区",
                                  "description": "<b>capacity</b> 3 m³/s " + HOSTILE}
    assert pump["geometry"] == {"type": "Point", "coordinates": [121.4737, 31.2304, 4.0]}
    assert levee["geometry"] == {"type": "LineString",
                                 "coordinates": [[121.49, 31.24], [121.50, 31.25], [121.51, 31.25]]}
    assert area["geometry"]["type"] == "Polygon" and len(area["geometry"]["coordinates"]) == 2


def test_kml_without_namespace_and_multigeometry(tmp_path):
    text = ("<kml><Placemark><name>two</name><MultiGeometry>"
            "<Point><coordinates>1,2</coordinates></Point><Point><coordinates>3,4</coordinates></Point>"
            "</MultiGeometry></Placemark></kml>")
    layer = read_kml(_write(tmp_path, "m.kml", text))
    assert layer.features[0]["geometry"] == {"type": "MultiPoint", "coordinates": [[1.0, 2.0], [3.0, 4.0]]}


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<kml><Placemark><name>&lol3;</name><Point><coordinates>1,2</coordinates></Point></Placemark></kml>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<kml><Placemark><name>&xxe;</name><Point><coordinates>1,2</coordinates></Point></Placemark></kml>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY, '<!DOCTYPE kml>\n<kml/>'])
def test_kml_with_doctype_or_entities_is_refused(tmp_path, text):
    path = _write(tmp_path, "evil.kml", text)
    with pytest.raises(InteropError) as exc:
        read_kml(path)
    assert exc.value.field == "DOCTYPE"
    assert "refused" in str(exc.value)
    assert str(exc.value).startswith(f"{path}:line ")


@pytest.mark.parametrize("text, where, field, words", [
    ("<kml><Placemark><name>a</name>", "line 1", "xml", "malformed XML"),
    ("<gpx/>", "line 1", "kml", "expected <kml>"),
    ("<kml><Placemark><name>a</name></Placemark></kml>", "Placemark[0]", "geometry", "missing"),
    ("<kml><Placemark><Point><coordinates>1,2</coordinates></Point></Placemark>"
     "<Placemark><Point><coordinates>121.4;31.2</coordinates></Point></Placemark></kml>",
     "Placemark[1]", "Point.coordinates[0]", "expected lon,lat"),
    ("<kml><Placemark><Point><coordinates>east,31</coordinates></Point></Placemark></kml>",
     "Placemark[0]", "Point.coordinates[0]", "not a number"),
    ("<kml><Placemark><Point><coordinates>200,31</coordinates></Point></Placemark></kml>",
     "Placemark[0]", "geometry.coordinates[0]", "out of range"),
    ("<kml><Placemark><Point><coordinates> </coordinates></Point></Placemark></kml>",
     "Placemark[0]", "Point.coordinates", "missing coordinates"),
])
def test_kml_errors_name_the_placemark_and_field(tmp_path, text, where, field, words):
    with pytest.raises(InteropError) as exc:
        read_kml(_write(tmp_path, "bad.kml", text))
    assert (exc.value.where, exc.value.field) == (where, field)
    assert words in exc.value.problem


# --- Cursor on Target ------------------------------------------------------------------------

def _cot_samples() -> Path:
    if not COT_DIR.is_dir():
        pytest.fail(f"CoT samples missing: expected ../shared/data/cot beside the repo at {COT_DIR.resolve()}")
    return COT_DIR


def test_all_four_cot_samples_are_present():
    assert sorted(p.name for p in _cot_samples().glob("*.cot")) == [
        "marker-2525.cot", "marker-spot.cot", "route.cot", "shape-circle.cot"]


def test_cot_marker_2525():
    layer = read_cot(_cot_samples() / "marker-2525.cot", imported_ms=1)
    assert layer.name == "marker-2525" and layer.crs == "wgs84"
    (f,) = layer.features
    assert f["id"] == "a0c524c6-0422-4382-9981-e39d1dc71730"
    assert f["geometry"] == {"type": "Point", "coordinates": [-77.06364199776728, 38.856650047254725]}
    p = f["properties"]
    assert (p["type"], p["how"], p["callsign"]) == ("a-u-G", "h-g-i-g-o", "U.16.135057")
    assert (p["time"], p["stale"]) == ("2020-12-16T19:59:34.910Z", "2021-01-02T20:40:03.838Z")
    assert (p["hae"], p["ce"], p["le"]) == (None, None, None)


def test_cot_spot_marker():
    (f,) = read_cot(_cot_samples() / "marker-spot.cot").features
    assert f["properties"]["type"] == "b-m-p-s-m"
    assert f["properties"]["callsign"] == "R 1"
    assert f["geometry"]["coordinates"] == [-77.0563755018233, 38.85606343062312]


def test_cot_route_is_a_line_through_its_waypoints_not_the_zero_point():
    (f,) = read_cot(_cot_samples() / "route.cot").features
    assert f["properties"]["callsign"] == "Route 1"
    line = f["geometry"]
    assert line["type"] == "LineString" and len(line["coordinates"]) == 13
    assert line["coordinates"][0] == [-77.05440032542333, 38.84335305982451]
    assert line["coordinates"][-1] == [-77.0410272520001, 38.84984726157651]
    assert f["properties"]["waypoints"][0] == "Route 1 SP"


def test_cot_circle_is_a_polygon_of_its_radius():
    (f,) = read_cot(_cot_samples() / "shape-circle.cot").features
    assert f["properties"]["callsign"] == "Drawing Circle 1"
    assert f["properties"]["major_m"] == pytest.approx(226.98412686380018)
    ring = f["geometry"]["coordinates"][0]
    assert f["geometry"]["type"] == "Polygon" and ring[0] == ring[-1]
    centre = (-77.0729993250914, 38.83737606453269)
    for lon, lat in ring:
        assert distance_m(lon, lat, *centre) == pytest.approx(226.98, rel=0.01)


def _event(point='<point lat="31.2" lon="121.4" hae="12" ce="9999999.0" le="3"/>', attrs=None):
    a = {"version": "2.0", "uid": "u1", "type": "a-f-G-U-C", "time": "2026-07-15T00:00:00Z",
         "start": "2026-07-15T00:00:00Z", "stale": "2026-07-15T00:05:00Z", "how": "m-g"}
    a.update(attrs or {})
    attr_text = " ".join(f'{k}="{v}"' for k, v in a.items() if v is not None)
    return f"<event {attr_text}>{point}<detail><contact callsign='Engine 7'/></detail></event>"


def test_cot_known_heights_are_kept_and_several_events_in_one_file(tmp_path):
    text = "<events>" + _event() + _event(attrs={"uid": "u2"}) + "</events>"
    layer = read_cot(_write(tmp_path, "units.cot", text))
    assert [f["id"] for f in layer.features] == ["u1", "u2"]
    p = layer.features[0]["properties"]
    assert (p["hae"], p["ce"], p["le"], p["callsign"]) == (12.0, None, 3.0, "Engine 7")


@pytest.mark.parametrize("text, where, field, words", [
    (_event(point=""), "event", "point", "missing"),
    (_event(point='<point lat="31.2"/>'), "event", "point.lon", "missing"),
    (_event(point='<point lat="north" lon="121"/>'), "event", "point.lat", "not a number"),
    (_event(point='<point lat="95" lon="121"/>'), "event", "point[1]", "out of range"),
    (_event(attrs={"uid": None}), "event", "event.uid", "missing"),
    (_event(attrs={"stale": "tomorrow"}), "event", "event.stale", "ISO 8601"),
    ("<events>" + _event() + _event(point="") + "</events>", "event[1]", "point", "missing"),
    ("<events/>", "line 1", "event", "no <event>"),
    ("<!DOCTYPE event [<!ENTITY a 'b'>]>" + _event(), "line 1", "DOCTYPE", "refused"),
])
def test_cot_errors_name_the_event_and_field(tmp_path, text, where, field, words):
    with pytest.raises(InteropError) as exc:
        read_cot(_write(tmp_path, "bad.cot", text))
    assert (exc.value.where, exc.value.field) == (where, field)
    assert words in exc.value.problem


# --- CSV -------------------------------------------------------------------------------------

def test_csv_english_headers_any_case(tmp_path):
    path = _write(tmp_path, "hospitals.csv", "Name,LAT,Lng,beds\nRuijin,31.2115,121.4700,2000\n"
                                             f"\"{HOSTILE}\",31.2,121.4,007\n")
    layer = read_csv(path)
    assert [f["geometry"]["coordinates"] for f in layer.features] == [[121.47, 31.2115], [121.4, 31.2]]
    assert layer.features[0]["properties"] == {"Name": "Ruijin", "beds": "2000"}
    assert layer.features[1]["properties"] == {"Name": HOSTILE, "beds": "007"}


@pytest.mark.parametrize("bom", [True, False])
def test_csv_chinese_headers_with_or_without_bom(tmp_path, bom):
    path = tmp_path / "避难所.csv"
    text = "名称,经度,纬度\n人民广场,121.4737,31.2304\n\n"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    layer = read_csv(path, name="shelters")
    assert layer.name == "shelters"
    assert layer.features == [{"type": "Feature", "properties": {"名称": "人民广场"},
                               "geometry": {"type": "Point", "coordinates": [121.4737, 31.2304]}}]


@pytest.mark.parametrize("text, where, field, words", [
    ("name,lon\na,121\n", "line 1", "lat", "no lat column"),
    ("name,lat\na,31\n", "line 1", "lon", "no lon column"),
    ("", "line 1", "header", "empty file"),
    ("lat,latitude,lon\n1,2,3\n", "line 1", "lat", "more than one"),
    ("name,lat,lon\na,31.2,121.4\nb,31.x,121.4\n", "line 3", "lat", "not a number: '31.x'"),
    ("name,lat,lon\na,31.2,121.4\nb,31.2,121.4\nc,31.2,1e400\n", "line 4", "lon", "out of range"),
    ("name,lat,lon\na,91,121.4\n", "line 2", "lat", "out of range -90..90"),
    ("name,lat,lon\na,31.2\n", "line 2", "row", "has 2 fields"),
])
def test_csv_errors_name_the_line(tmp_path, text, where, field, words):
    path = _write(tmp_path, "bad.csv", text)
    with pytest.raises(InteropError) as exc:
        read_csv(path)
    assert (exc.value.where, exc.value.field) == (where, field)
    assert words in exc.value.problem
    assert str(exc.value).startswith(f"{path}:{where}: {field}: ")
