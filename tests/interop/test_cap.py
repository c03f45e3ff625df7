"""CAP 1.2 alerts: the four specification examples, the lat,lon round trip, circles on a sphere,
exercise marking, and every way an alert can be wrong (one message naming file, element, field)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from commandcenter.interop.cap import (CapArea, CapCircle, area_geometry, circle_ring, format_polygon,
                                       parse_cap, parse_polygon, read_cap)
from commandcenter.interop.crs import distance_m
from commandcenter.interop.errors import InteropError
from commandcenter.interop.layers import LayerStore

CAP_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "cap"
HOSTILE = "<img src=x onerror=alert(1)>"
NS = "urn:oasis:names:tc:emergency:cap:1.2"


def sample(name: str) -> Path:
    path = CAP_DIR / name
    if not path.is_file():
        pytest.fail(f"CAP samples missing: expected ../shared/data/cap beside the repo at {CAP_DIR.resolve()}")
    return path


def alert_xml(*, status="Actual", headline="Test warning", severity="Severe", area=None, root="alert",
              ns=NS, identifier="<identifier>31000041600000_20260701120000_1</identifier>",
              sent="<sent>2026-07-01T12:00:00+08:00</sent>", info_extra="") -> str:
    if area is None:
        area = "<polygon>31.2,121.4 31.2,121.5 31.3,121.5 31.2,121.4</polygon>"
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{ns}">{identifier}'
            f"<sender>sh-meteo@example.cn</sender>{sent}<status>{status}</status>"
            f"<msgType>Alert</msgType><scope>Public</scope><info><language>zh-CN</language>"
            f"<category>Met</category><event>暴雨</event><urgency>Immediate</urgency>"
            f"<severity>{severity}</severity><certainty>Likely</certainty><headline>{headline}</headline>"
            f"{info_extra}<area><areaDesc>浦东新区</areaDesc>{area}</area></info></{root}>")


def write(tmp_path, text, name="alert.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the specification examples ----------------------------------------------------------------

@pytest.mark.parametrize("name, identifier, status, infos, areas", [
    ("v1dot2_appendix_adot1.xml", "43b080713727", "Actual", 1, [("U.S. nationwide and interests worldwide", 0, 0, 0)]),
    ("v1dot2_appendix_adot2.xml", "KSTO1055887203", "Actual", 1, [("EXTREME NORTH CENTRAL", 1, 0, 3)]),
    ("v1dot2_appendix_adot3.xml", "TRI13970876.2", "Actual", 1, [("1 mi. WSW of Brawley", 0, 1, 0)]),
    ("v1dot2_appendix_adot4.xml", "KAR0-0306112239-SW", "Actual", 2,
     [("Los Angeles County", 0, 0, 1), ("condado de Los Ángeles", 0, 0, 1)]),
])
def test_each_specification_example_parses(name, identifier, status, infos, areas):
    alert = parse_cap(sample(name))
    assert (alert.identifier, alert.status, len(alert.infos)) == (identifier, status, infos)
    got = [(a.area_desc, len(a.polygons), len(a.circles), len(a.geocodes)) for i in alert.infos for a in i.areas]
    assert len(got) == len(areas)
    assert [(d[:len(want[0])], *rest) for (d, *rest), want in zip(got, areas)] == areas


def test_example_3_parameters_and_message_fields():
    alert = parse_cap(sample("v1dot2_appendix_adot3.xml"))
    assert (alert.sender, alert.sent, alert.msg_type, alert.scope) == (
        "trinet@caltech.edu", "2003-06-11T20:56:00-07:00", "Update", "Public")
    info = alert.infos[0]
    assert (info.event, info.severity, info.category) == ("Earthquake", "Minor", ["Geo"])
    assert info.parameters["Magnitude"] == "3.4 Ml"
    assert alert.infos[0].areas[0].circles == [CapCircle(lat=32.9525, lon=-115.5527, radius_km=0.0)]


def test_example_4_keeps_both_languages():
    alert = parse_cap(sample("v1dot2_appendix_adot4.xml"))
    assert [i.language for i in alert.infos] == ["en-US", "es-US"]
    assert alert.infos[1].event == "Abducción de Niño"


def test_polygon_example_is_drawn_with_lat_lon_swapped():
    layer = read_cap(sample("v1dot2_appendix_adot2.xml"), imported_ms=7)
    assert (layer.name, layer.kind, layer.crs, layer.imported_ms) == ("cap-KSTO1055887203", "cap", "wgs84", 7)
    (feature,) = layer.features
    ring = feature["geometry"]["coordinates"][0]
    assert feature["geometry"]["type"] == "Polygon"
    assert ring[0] == [-120.14, 38.47]  # the CAP text starts "38.47,-120.14"
    assert ring[0] == ring[-1] and len(ring) == 5
    props = feature["properties"]
    assert (props["event"], props["severity"], props["warning_level"], props["colour"]) == (
        "SEVERE THUNDERSTORM", "Severe", "orange", "#ff8a00")
    assert (props["expires"], props["exercise"], props["identifier"]) == (
        "2003-06-17T16:00:00-07:00", False, "KSTO1055887203")
    assert props["effective"] == "2003-06-17T14:57:00-07:00"  # CAP: absent effective means sent


def test_zero_radius_circle_is_a_point():
    layer = read_cap(sample("v1dot2_appendix_adot3.xml"))
    assert layer.name == "cap-TRI13970876_2"
    assert layer.features[0]["geometry"] == {"type": "Point", "coordinates": [-115.5527, 32.9525]}
    assert layer.features[0]["properties"]["warning_level"] == "blue"


@pytest.mark.parametrize("name", ["v1dot2_appendix_adot1.xml", "v1dot2_appendix_adot4.xml"])
def test_alert_without_polygon_or_circle_is_refused(name):
    with pytest.raises(InteropError) as err:
        read_cap(sample(name))
    assert err.value.field == "area" and name in err.value.path
    assert "no polygon or circle" in err.value.problem


# --- geometry ------------------------------------------------------------------------------------

@pytest.mark.parametrize("ring", [
    [[121.4737, 31.2304], [121.5, 31.2304], [121.5, 31.25], [121.4737, 31.2304]],
    [[-120.14, 38.47], [-119.95, 38.34], [-119.74, 38.52], [-119.89, 38.62], [-120.14, 38.47]],
    [[0.00001, -0.00001], [179.9999999, -89.5], [-180.0, 90.0], [0.00001, -0.00001]],
])
def test_polygon_round_trip(ring):
    text = format_polygon(ring)
    assert "e" not in text.lower()
    assert parse_polygon(text) == ring


def test_format_polygon_writes_lat_first():
    assert format_polygon([[121.5, 31.25], [121.6, 31.25], [121.6, 31.3], [121.5, 31.25]]) == \
        "31.25,121.5 31.25,121.6 31.3,121.6 31.25,121.5"


@pytest.mark.parametrize("lat, lon, radius_km", [(31.2304, 121.4737, 10.0), (60.0, 25.0, 150.0), (-33.9, 151.2, 0.5)])
def test_circle_becomes_a_closed_ring_at_the_radius(lat, lon, radius_km):
    ring = circle_ring(CapCircle(lat=lat, lon=lon, radius_km=radius_km))
    assert len(ring) == 65 and ring[0] == ring[-1]
    for vlon, vlat in ring:
        assert distance_m(lon, lat, vlon, vlat) == pytest.approx(radius_km * 1000, rel=0.01)
    # north, east, south, west of the centre, in that order
    assert ring[0][1] > lat and ring[16][0] > lon and ring[32][1] < lat and ring[48][0] < lon


def test_area_with_polygon_and_circle_is_a_multipolygon():
    ring = [[121.4, 31.2], [121.5, 31.2], [121.5, 31.3], [121.4, 31.2]]
    area = CapArea("x", polygons=[ring], circles=[CapCircle(31.0, 121.0, 5.0)])
    geometry = area_geometry(area)
    assert geometry["type"] == "MultiPolygon" and geometry["coordinates"][0] == [ring]
    assert len(geometry["coordinates"][1][0]) == 65
    assert area_geometry(CapArea("only a code", geocodes=[("SAME", "006037")])) is None


def test_circle_read_from_file(tmp_path):
    layer = read_cap(write(tmp_path, alert_xml(area="<circle>31.2304,121.4737 10</circle>")))
    ring = layer.features[0]["geometry"]["coordinates"][0]
    assert distance_m(121.4737, 31.2304, *ring[0]) == pytest.approx(10_000, rel=0.01)


# --- levels, exercise, text ----------------------------------------------------------------------

@pytest.mark.parametrize("severity, level, colour", [
    ("Extreme", "red", "#e02424"), ("Severe", "orange", "#ff8a00"), ("Moderate", "yellow", "#f5c400"),
    ("Minor", "blue", "#2f7df6"), ("Unknown", "", "#6b7280"),
])
def test_warning_level_and_colour_from_severity(tmp_path, severity, level, colour):
    props = read_cap(write(tmp_path, alert_xml(severity=severity))).features[0]["properties"]
    assert (props["warning_level"], props["colour"]) == (level, colour)


def test_exercise_alert_is_flagged(tmp_path):
    layer = read_cap(write(tmp_path, alert_xml(status="Exercise")))
    assert layer.features[0]["properties"]["exercise"] is True
    assert layer.features[0]["properties"]["status"] == "Exercise"
    real = read_cap(write(tmp_path, alert_xml(status="Actual"), "real.xml"))
    assert real.features[0]["properties"]["exercise"] is False


def test_hostile_headline_is_stored_as_literal_text(tmp_path):
    escaped = HOSTILE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    layer = read_cap(write(tmp_path, alert_xml(headline=escaped)))
    LayerStore(tmp_path / "data").save(layer)
    loaded = LayerStore(tmp_path / "data").load(layer.name)
    assert loaded.features[0]["properties"]["headline"] == HOSTILE
    assert loaded.kind == "cap"


def test_chinese_profile_identifier_and_parameters(tmp_path):
    params = ("<parameter><valueName>预警级别</valueName><value>橙色</value></parameter>"
              "<parameter><valueName>预警级别</valueName><value>Ⅱ级</value></parameter>")
    layer = read_cap(write(tmp_path, alert_xml(info_extra=params)))
    assert layer.name == "cap-31000041600000_20260701120000_1"
    props = layer.features[0]["properties"]
    assert props["parameters"] == {"预警级别": "橙色; Ⅱ级"}
    assert (props["area_desc"], props["event"], props["language"]) == ("浦东新区", "暴雨", "zh-CN")


def test_cap_1_1_namespace_is_accepted(tmp_path):
    layer = read_cap(write(tmp_path, alert_xml(ns="urn:oasis:names:tc:emergency:cap:1.1")))
    assert len(layer.features) == 1


def test_layer_kind_round_trips_and_old_files_default_to_features(tmp_path):
    store = LayerStore(tmp_path)
    layer = read_cap(write(tmp_path, alert_xml()), name="warn")
    store.save(layer)
    doc = json.loads(store.path_of("warn").read_text(encoding="utf-8"))
    assert doc["commandcenter"]["kind"] == "cap"
    del doc["commandcenter"]["kind"]
    store.path_of("warn").write_text(json.dumps(doc), encoding="utf-8")
    assert store.load("warn").kind == "features"


# --- bad alerts ----------------------------------------------------------------------------------

BAD = [
    ("not xml", "this is not <xml", "line 1", "xml", "malformed XML"),
    ("doctype", '<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY x "xxxx">]>\n<alert xmlns="' + NS + '"/>',
     "line 2", "DOCTYPE", "refused"),
    ("wrong root", alert_xml(root="event"), "line 1", "alert", "expected <alert>"),
    ("no namespace", alert_xml(ns=""), "line 1", "alert", "without namespace"),
    ("other namespace", alert_xml(ns="urn:example:cap"), "line 1", "alert", "urn:example:cap"),
    ("no identifier", alert_xml(identifier=""), "alert", "identifier", "missing"),
    ("no sent", alert_xml(sent=""), "alert", "sent", "missing"),
    ("bad sent", alert_xml(sent="<sent>yesterday</sent>"), "alert", "sent", "not an ISO 8601 time"),
    ("no status", alert_xml(status=""), "alert", "status", "missing"),
    ("bad status", alert_xml(status="Real"), "alert", "status", "'Real' is not one of Actual"),
    ("odd numbers", alert_xml(area="<polygon>31.2,121.4 31.2,121.5 31.3,121.5 31.2</polygon>"),
     "info[0]/area[0]", "polygon[0]", "odd number of coordinates"),
    ("not a number", alert_xml(area="<polygon>31.2,121.4 31.2,abc 31.3,121.5 31.2,121.4</polygon>"),
     "info[0]/area[0]", "polygon[0]", "pair 2: not a number: 'abc'"),
    ("lat out of range", alert_xml(area="<polygon>121.4,31.2 121.5,31.2 121.5,31.3 121.4,31.2</polygon>"),
     "info[0]/area[0]", "polygon[0]", "pair 1: latitude 121.4 is out of range"),
    ("lon out of range", alert_xml(area="<polygon>31.2,181 31.2,121.5 31.3,121.5 31.2,181</polygon>"),
     "info[0]/area[0]", "polygon[0]", "pair 1: longitude 181.0 is out of range"),
    ("not closed", alert_xml(area="<polygon>31.2,121.4 31.2,121.5 31.3,121.5 31.3,121.4</polygon>"),
     "info[0]/area[0]", "polygon[0]", "not closed"),
    ("too few", alert_xml(area="<polygon>31.2,121.4 31.2,121.5 31.2,121.4</polygon>"),
     "info[0]/area[0]", "polygon[0]", "at least 4 lat,lon pairs"),
    ("second polygon", alert_xml(area="<polygon>31.2,121.4 31.2,121.5 31.3,121.5 31.2,121.4</polygon>"
                                      "<polygon></polygon>"), "info[0]/area[0]", "polygon[1]", "empty polygon"),
    ("negative radius", alert_xml(area="<circle>31.2,121.4 -5</circle>"), "info[0]/area[0]", "circle[0]",
     "radius -5.0 km is negative"),
    ("radius not a number", alert_xml(area="<circle>31.2,121.4 5km</circle>"), "info[0]/area[0]", "circle[0]",
     "radius: not a number"),
    ("no radius", alert_xml(area="<circle>31.2,121.4</circle>"), "info[0]/area[0]", "circle[0]",
     "expected 'lat,lon radius_km'"),
    ("huge radius", alert_xml(area="<circle>31.2,121.4 9000</circle>"), "info[0]/area[0]", "circle[0]",
     "over 2000 km"),
    ("bad expires", alert_xml(info_extra="<expires>soon</expires>"), "info[0]", "expires", "not an ISO 8601"),
    ("geocode only", alert_xml(area="<geocode><valueName>SAME</valueName><value>1</value></geocode>"),
     "alert", "area", "no polygon or circle to draw"),
]


REQUIRED = [("alert", n) for n in ("identifier", "sender", "sent", "status", "msgType", "scope")] + \
           [("info[0]", n) for n in ("category", "event", "urgency", "severity", "certainty")] + \
           [("info[0]/area[0]", "areaDesc")]


@pytest.mark.parametrize("where, name", REQUIRED, ids=[r[1] for r in REQUIRED])
def test_every_required_cap_element_is_checked(tmp_path, where, name):
    import re

    text, n = re.subn(rf"<{name}>[^<]*</{name}>", "", alert_xml())
    assert n == 1
    path = write(tmp_path, text, "bad.xml")
    with pytest.raises(InteropError) as err:
        read_cap(path)
    assert (err.value.where, err.value.field) == (where, name)
    assert err.value.problem.startswith("missing")


def test_cap_1_1_may_say_very_likely_and_1_2_may_not(tmp_path):
    text = alert_xml().replace("<certainty>Likely</certainty>", "<certainty>Very Likely</certainty>")
    old = write(tmp_path, text.replace(NS, "urn:oasis:names:tc:emergency:cap:1.1"), "old.xml")
    assert read_cap(old).features[0]["properties"]["headline"] == "Test warning"
    with pytest.raises(InteropError) as err:
        read_cap(write(tmp_path, text, "new.xml"))
    assert err.value.field == "certainty" and "'Very Likely' is not one of" in err.value.problem


@pytest.mark.parametrize("label, text, where, field, words", BAD, ids=[b[0] for b in BAD])
def test_bad_alert_names_file_element_and_field(tmp_path, label, text, where, field, words):
    path = write(tmp_path, text, "bad.xml")
    with pytest.raises(InteropError) as err:
        read_cap(path)
    assert (err.value.path, err.value.where, err.value.field) == (str(path), where, field)
    assert words in err.value.problem


def test_gcj02_is_refused_for_cap(tmp_path):
    with pytest.raises(InteropError) as err:
        read_cap(write(tmp_path, alert_xml()), crs="gcj02")
    assert err.value.field == "crs" and "WGS-84" in err.value.problem
