"""The bridge message schema: what the page may say, and what the application sends it."""
from __future__ import annotations

import json

import pytest

from commandcenter.domain.commands import report_incident
from commandcenter.domain.levels import OrgLevel, Severity
from commandcenter.map.bridge import (
    BridgeError,
    PageMessage,
    batch_script,
    check_tile_url,
    floorplans_delta,
    heat_delta,
    nearest_delta,
    point_rows_delta,
    incident_delta,
    layer_delta,
    layer_remove_delta,
    parse_page_message,
    remove_delta,
)
from commandcenter.interop.layers import Layer


def _msg(**fields):
    return json.dumps(fields)


def test_known_messages_parse():
    assert parse_page_message(_msg(type="ready")) == PageMessage("ready")
    assert parse_page_message(_msg(type="feature_clicked", layer="incidents", id="abc")) == PageMessage(
        "feature_clicked", layer="incidents", id="abc"
    )
    assert parse_page_message(_msg(type="error", message="boom")) == PageMessage("error", message="boom")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (_msg(type="navigate", url="http://x"), "type"),
        (_msg(layer="incidents", id="a"), "type"),
        (_msg(type=["ready"]), "type"),
        (_msg(type="feature_clicked", layer="secrets", id="a"), "layer"),
        (_msg(type="feature_clicked", id="a"), "layer"),
        (_msg(type="feature_clicked", layer="incidents"), "id"),
        (_msg(type="feature_clicked", layer="incidents", id=""), "id"),
        (_msg(type="feature_clicked", layer="incidents", id=42), "id"),
        (_msg(type="feature_clicked", layer="incidents", id="x" * 65), "id"),
        (_msg(type="feature_clicked", layer="incidents", id="a", html="<b>"), "html"),
        (_msg(type="ready", extra=1), "extra"),
        (_msg(type="error"), "message"),
        (_msg(type="error", message="x" * 2001), "message"),
        (_msg(type="area_selected"), "code"),
        (_msg(type="area_selected", code="../310101"), "code"),
        (_msg(type="area_selected", code="x" * 33), "code"),
        (_msg(type="context", lon=121.4), "lon/lat"),
        (_msg(type="context", lon=200, lat=31), "lon/lat"),
        (_msg(type="context", lon="121", lat=31), "lon/lat"),
        (_msg(type="selection"), "shape"),
        (_msg(type="selection", shape={"type": "circle"}), "shape.type"),
        (_msg(type="selection", shape={"type": "rect", "bounds": [1, 2, 3]}), "shape.bounds"),
        (_msg(type="selection", shape={"type": "rect", "bounds": [121.5, 31, 121.4, 31.1]}), "shape.bounds"),
        (_msg(type="selection", shape={"type": "polygon", "ring": [[121, 31], [121.1, 31]]}), "shape.ring"),
        (_msg(type="selection", shape={"type": "polygon", "ring": [[121, 31], [121.1, 31], ["a", 31]]}), "shape.ring"),
        (_msg(type="selection", shape={"type": "polygon", "ring": [[121, 31]] * 501}), "shape.ring"),
        ("not json", None),
        ("[1, 2]", None),
        ("x" * 20000, None),
    ],
)
def test_bad_messages_are_refused_naming_the_field(text, field):
    with pytest.raises(BridgeError) as info:
        parse_page_message(text)
    assert info.value.field == field


def test_id_of_exactly_64_characters_is_accepted():
    assert parse_page_message(_msg(type="feature_clicked", layer="incidents", id="x" * 64)).id == "x" * 64


def _incident_row(catalog, **overrides):
    unit = next(u for u in catalog.org_units.values() if u.level == OrgLevel.COMMUNITY)
    op = report_incident(
        1_784_080_800_000,
        title="<script>alert(1)</script> 积水",
        category="waterlogging",
        severity="II",
        org_unit=unit.code,
        lon=unit.center[0],
        lat=unit.center[1],
    )
    return {**op.fields, "version": 1, **overrides}, unit


def test_incident_delta_carries_plain_display_values(catalog):
    row, unit = _incident_row(catalog)
    delta = incident_delta(row, catalog)
    assert delta["op"] == "upsert" and delta["layer"] == "incidents" and delta["id"] == row["id"]
    props = delta["props"]
    assert props["title"] == row["title"]  # verbatim: the page inserts it as text
    assert props["severity"] == "II"
    assert props["colour"] == Severity.II.info.colour
    assert props["severity_label"] == Severity.II.info.zh
    assert props["status"] == "reported"
    assert props["category_name"] == catalog.event_types["waterlogging"].name_zh
    assert props["org_unit_name"] == unit.name_zh
    assert (props["lon"], props["lat"]) == unit.center
    assert json.loads(json.dumps(delta, allow_nan=False)) == delta
    english = incident_delta(row, catalog, lang="en")["props"]
    assert english["org_unit_name"] == unit.name_en
    assert english["severity_label"] == Severity.II.info.en


def test_incident_delta_tolerates_unknown_codes(catalog):
    row, _ = _incident_row(catalog, category="meteor", org_unit="999999", severity="V")
    props = incident_delta(row, catalog)["props"]
    assert props["category_name"] == "meteor"
    assert props["org_unit_name"] == "999999"
    assert props["colour"] == ""


@pytest.mark.parametrize(("lon", "lat"), [(None, 31.2), (float("nan"), 31.2), (121.4, float("inf")), ("121", 31.2)])
def test_incident_without_a_position_is_refused(catalog, lon, lat):
    row, _ = _incident_row(catalog, lon=lon, lat=lat)
    with pytest.raises(BridgeError) as info:
        incident_delta(row, catalog)
    assert info.value.field == "lon/lat"


def test_remove_delta():
    assert remove_delta("incidents", "abc") == {"op": "remove", "layer": "incidents", "id": "abc"}
    with pytest.raises(BridgeError) as info:
        remove_delta("tiles", "abc")
    assert info.value.field == "layer"


def test_batch_script_is_one_call_with_a_json_string():
    deltas = [remove_delta("incidents", "a"), {"op": "upsert", "layer": "incidents", "id": "b", "props": {"title": "</script>\u2028'"}}]
    script = batch_script(deltas)
    assert script.startswith("ccApply(") and script.endswith(");")
    assert json.loads(json.loads(script[len("ccApply("):-2])) == deltas
    assert "\u2028" not in script


def _point(lon=121.47, lat=31.23, **props):
    return {"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def test_layer_delta_replaces_the_whole_layer_with_its_features():
    features = [
        _point(name='<img src=x onerror="window.pwned=1">'),
        {"type": "Feature", "id": 7, "properties": None,
         "geometry": {"type": "LineString", "coordinates": [[121.4, 31.2], [121.5, 31.3]]}},
    ]
    delta = layer_delta(Layer(name="pumps", crs="gcj02", source="p.kml", imported_ms=0, features=features))
    assert delta["op"] == "layer_set" and delta["layer"] == "import:pumps" and delta["title"] == "pumps"
    assert [f["geometry"]["type"] for f in delta["features"]] == ["Point", "LineString"]
    assert delta["features"][0]["properties"]["name"] == '<img src=x onerror="window.pwned=1">'  # verbatim
    assert delta["features"][1]["properties"] == {} and delta["features"][1]["id"] == 7
    assert json.loads(json.loads(batch_script([delta])[len("ccApply("):-2])) == [delta]


def test_layer_delta_reduces_properties_to_text_safe_scalars():
    feature = _point(depth=float("nan"), tags=["a", "b"], nested={"x": 1}, ok=True, n=3, text="y" * 5000)
    props = layer_delta(Layer(name="x", crs="wgs84", source="", imported_ms=0, features=[feature]))["features"][0][
        "properties"
    ]
    assert props["depth"] == "nan"
    assert props["tags"] == '["a", "b"]' and props["nested"] == '{"x": 1}'
    assert props["ok"] is True and props["n"] == 3
    assert len(props["text"]) == 2000
    batch_script([{"props": props}])  # no NaN left: the batch would refuse it


def test_layer_delta_leaves_out_features_it_cannot_draw():
    class Loose:
        name = "loose"
        features = [
            _point(),
            "not a feature",
            {"type": "Feature", "geometry": None},
            {"type": "Feature", "geometry": {"type": "Circle", "coordinates": [1, 2]}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [float("inf"), 31.0]}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": []}},
        ]

    assert len(layer_delta(Loose)["features"]) == 1


@pytest.mark.parametrize("name", ["", "../x", "a b", "x" * 65, None, "<b>"])
def test_layer_names_outside_the_layer_folder_pattern_are_refused(name):
    with pytest.raises(BridgeError) as info:
        layer_remove_delta(name)
    assert info.value.field == "name"


def test_layer_remove_delta():
    assert layer_remove_delta("pumps") == {"op": "layer_remove", "layer": "import:pumps"}


def test_map_tool_messages_parse():
    assert parse_page_message(_msg(type="area_selected", code="310101")).code == "310101"
    context = parse_page_message(_msg(type="context", lon=121.47, lat=31.23))
    assert (context.lon, context.lat) == (121.47, 31.23)
    ring = [[121.4, 31.2], [121.5, 31.2], [121.45, 31.3]]
    assert parse_page_message(_msg(type="selection", shape={"type": "polygon", "ring": ring})).shape == {
        "type": "polygon", "ring": ring}


def test_point_rows_keep_only_rows_with_an_id_and_a_position_and_text_values():
    delta = point_rows_delta("units", ["id", "name", "lon", "lat", "rows"], [
        ["u1", "<svg onload=alert(1)>", 121.4, 31.2, [["状态", "待命"], ["bad"]]],
        ["", "no id", 121.4, 31.2, []],
        ["u3", "no position", None, 31.2, []],
        ["u4", {"nested": 1}, 121.4, float("nan"), []],
        ["u5", {"nested": 1}, 121.4, 31.2, []],
    ])
    assert [row[0] for row in delta["rows"]] == ["u1", "u5"]
    assert delta["rows"][0][4] == [["状态", "待命"]]
    assert delta["rows"][1][1] == '{"nested": 1}'
    batch_script([delta])  # JSON-clean
    with pytest.raises(BridgeError):
        point_rows_delta("secrets", ["id", "lon", "lat"], [])


def test_overlay_deltas_are_validated():
    assert heat_delta([(121.4, 31.2, 3.0), (121.4, float("nan"), 0.5)])["points"] == [[121.4, 31.2, 1.0]]
    with pytest.raises(BridgeError) as info:
        floorplans_delta([{"id": "p", "bounds": [[31.2, 121.4], [31.21, 121.41]],
                           "floors": [{"level": "1F", "url": "https://example.com/x.png"}]}])
    assert info.value.field == "floors.url"
    with pytest.raises(BridgeError):
        nearest_delta(121.4, 31.2, [{"id": "u", "lon": 500, "lat": 31.2, "label": "x"}])
    assert check_tile_url("https://tiles.example.org/{z}/{x}/{y}.png")
    for bad in ("https://tiles.example.org/{z}/{x}.png", "file:///{z}/{x}/{y}", "https://h/{z}/{x}/{y}\"><img>"):
        with pytest.raises(BridgeError):
            check_tile_url(bad)


def test_both_initial_loads_leave_out_the_same_undrawable_rows():
    """The binary table and its JSON fallback show the same incidents: a row without a usable id
    or a finite position is counted out by both, never sent."""
    from commandcenter.map.bridge import MAX_ID_LENGTH, incident_rows_delta, incident_rows_table

    good = ("a", "积水", "I", "reported", "waterlogging", "310101", 121.47, 31.23)
    rows = [good,
            ("", "no id", "I", "reported", "waterlogging", "310101", 121.4, 31.2),
            ("x" * (MAX_ID_LENGTH + 1), "long id", "I", "reported", "waterlogging", "310101", 121.4, 31.2),
            ("b", "no position", "II", "reported", "waterlogging", "310101", None, 31.2),
            ("c", "NaN", "II", "reported", "waterlogging", "310101", 121.4, float("nan")),
            ("d", "inf", "II", "reported", "waterlogging", "310101", float("inf"), 31.2),
            ("e", None, None, None, None, None, 121.5, 31.25)]
    delta, delta_ids, delta_skipped = incident_rows_delta(rows)
    table, table_ids, table_skipped = incident_rows_table(rows)
    assert delta_ids == table_ids == ["a", "e"]
    assert delta_skipped == table_skipped == 5
    assert [r[0] for r in delta["rows"]] == ["a", "e"]
    assert table.startswith(b"CCR1") and "积水".encode() in table
