"""`commandcenter import ...` and `commandcenter export layer ...` as a user runs them: one line
on success, one line on stderr and a non-zero exit on bad input, and then nothing written."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_run import run_cli as run
from commandcenter.interop.crs import distance_m, wgs84_to_gcj02
from commandcenter.interop.layers import LayerStore

COT_DIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "cot"
HOSTILE = "<img src=x onerror=alert(1)>"




def snapshot(data: Path) -> dict[str, bytes] | None:
    """Every file in the layers folder (temp files too), to prove a failure wrote nothing."""
    folder = data / "layers"
    if not folder.exists():
        return None
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.fixture
def data(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def shelters_csv(tmp_path):
    path = tmp_path / "shelters.csv"
    path.write_text(f"名称,纬度,经度\n人民广场,31.2304,121.4737\n\"{HOSTILE}\",31.25,121.5\n", encoding="utf-8-sig")
    return path


def test_import_csv_then_export_geojson(data, shelters_csv, tmp_path, capsys):
    code, out, err = run(["import", "csv", str(shelters_csv), "--data-dir", str(data)], capsys)
    assert (code, err) == (0, "")
    assert out == "imported 2 features into layer shelters (crs wgs84)\n"
    assert LayerStore(data).names() == ["shelters"]

    dest = tmp_path / "shelters.geojson"
    code, out, err = run(["export", "layer", "shelters", "--format", "geojson", "--out", str(dest),
                          "--data-dir", str(data)], capsys)
    assert (code, err) == (0, "")
    assert out.startswith("exported 2 features of layer shelters to ")
    doc = json.loads(dest.read_text(encoding="utf-8"))
    assert [f["properties"]["名称"] for f in doc["features"]] == ["人民广场", HOSTILE]
    assert doc["features"][0]["geometry"]["coordinates"] == [121.4737, 31.2304]


@pytest.mark.parametrize("sample, geometry", [("marker-2525.cot", "Point"), ("marker-spot.cot", "Point"),
                                              ("route.cot", "LineString"), ("shape-circle.cot", "Polygon")])
def test_import_each_cot_sample(data, capsys, sample, geometry):
    if not COT_DIR.is_dir():
        pytest.fail(f"CoT samples missing: expected ../shared/data/cot beside the repo at {COT_DIR.resolve()}")
    code, out, err = run(["import", "cot", str(COT_DIR / sample), "--data-dir", str(data)], capsys)
    stem = sample.removesuffix(".cot")
    assert (code, out, err) == (0, f"imported 1 feature into layer {stem} (crs wgs84)\n", "")
    assert LayerStore(data).load(stem).features[0]["geometry"]["type"] == geometry


def test_gcj02_import_records_origin_and_exports_back(data, tmp_path, capsys):
    gcj = wgs84_to_gcj02(121.4737, 31.2304)
    src = tmp_path / "amap points.geojson"
    src.write_text(json.dumps({"type": "Point", "coordinates": list(gcj)}), encoding="utf-8")
    code, out, _ = run(["import", "geojson", str(src), "--crs", "gcj02", "--data-dir", str(data)], capsys)
    assert (code, out) == (0, "imported 1 feature into layer amap_points (crs gcj02)\n")
    layer = LayerStore(data).load("amap_points")
    assert layer.crs == "gcj02"
    assert distance_m(*layer.features[0]["geometry"]["coordinates"], 121.4737, 31.2304) < 0.5

    dest = tmp_path / "back.csv"
    code, _, err = run(["export", "layer", "amap_points", "--format", "csv", "--crs", "gcj02",
                        "--out", str(dest), "--data-dir", str(data)], capsys)
    assert (code, err) == (0, "")
    row = dest.read_text(encoding="utf-8-sig").splitlines()[1].split(",")
    assert distance_m(float(row[0]), float(row[1]), *gcj) < 0.5


def test_existing_layer_needs_replace(data, shelters_csv, tmp_path, capsys):
    assert run(["import", "csv", str(shelters_csv), "--data-dir", str(data)], capsys)[0] == 0
    before = snapshot(data)
    bigger = tmp_path / "more.csv"
    bigger.write_text("lat,lon\n1,2\n3,4\n5,6\n", encoding="utf-8")
    code, out, err = run(["import", "csv", str(bigger), "--layer", "shelters", "--data-dir", str(data)], capsys)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "layer shelters already exists" in err and "--replace" in err
    assert snapshot(data) == before
    code, out, _ = run(["import", "csv", str(bigger), "--layer", "shelters", "--replace",
                        "--data-dir", str(data)], capsys)
    assert (code, out) == (0, "imported 3 features into layer shelters (crs wgs84)\n")


BAD_DATA = [
    ("csv", "bad.csv", "name,lat,lon\na,31.2,121.4\nb,31.x,121.4\n", "bad.csv:line 3: lat: not a number"),
    ("csv", "nolat.csv", "name,lon\na,121.4\n", "nolat.csv:line 1: lat: no lat column"),
    ("geojson", "bad.geojson", '{"type": "FeatureCollection", "features": [', "bad.geojson:line 1: json:"),
    ("geojson", "far.geojson", '{"type": "Point", "coordinates": [200, 31]}',
     "far.geojson:geometry: geometry.coordinates[0]: longitude 200"),
    ("geojson", "circle.geojson", '{"type": "Circle", "coordinates": [1, 2]}', "circle.geojson:line 1: type:"),
    ("kml", "lol.kml", '<?xml version="1.0"?>\n<!DOCTYPE k [<!ENTITY a "aaaa">]>\n<kml/>', "lol.kml:line 2: DOCTYPE: "),
    ("cot", "nopoint.cot", "<event uid='u' type='a-f-G' time='2026-01-01T00:00:00Z' start='2026-01-01T00:00:00Z' "
                           "stale='2026-01-01T00:05:00Z' how='m-g'><detail/></event>", "nopoint.cot:event: point: missing"),
]


@pytest.mark.parametrize("fmt, name, text, words", BAD_DATA)
def test_bad_data_exits_1_with_one_line_and_imports_nothing(data, tmp_path, shelters_csv, capsys, fmt, name, text, words):
    assert run(["import", "csv", str(shelters_csv), "--data-dir", str(data)], capsys)[0] == 0
    before = snapshot(data)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, out, err = run(["import", fmt, str(path), "--data-dir", str(data)], capsys)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and err.startswith("commandcenter: error: ")
    assert words in err
    assert snapshot(data) == before


@pytest.mark.parametrize("extra, words", [
    (["--layer", "../escape"], "'../escape' is not allowed"),
    (["--layer", "a b"], "is not allowed"),
    (["--crs", "bd09"], "--crs"),
])
def test_bad_arguments_exit_2_and_write_nothing(data, shelters_csv, capsys, extra, words):
    code, out, err = run(["import", "csv", str(shelters_csv), *extra, "--data-dir", str(data)], capsys)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and words in err
    assert snapshot(data) is None


def test_missing_file_and_unknown_format_exit_2(data, tmp_path, capsys):
    code, _, err = run(["import", "kml", str(tmp_path / "nope.kml"), "--data-dir", str(data)], capsys)
    assert code == 2 and "file not found" in err and err.count("\n") == 1
    code, _, err = run(["import", "gpx", str(tmp_path / "x.gpx"), "--data-dir", str(data)], capsys)
    assert code == 2 and "invalid choice" in err
    assert snapshot(data) is None


def test_export_errors(data, tmp_path, capsys):
    line = tmp_path / "levee.geojson"
    line.write_text(json.dumps({"type": "LineString", "coordinates": [[121.4, 31.2], [121.5, 31.3]]}), encoding="utf-8")
    assert run(["import", "geojson", str(line), "--data-dir", str(data)], capsys)[0] == 0

    out_csv = tmp_path / "levee.csv"
    code, _, err = run(["export", "layer", "levee", "--format", "csv", "--out", str(out_csv),
                        "--data-dir", str(data)], capsys)
    assert code == 1 and "LineString; CSV holds points only" in err and err.count("\n") == 1
    assert not out_csv.exists()

    code, _, err = run(["export", "layer", "ghost", "--format", "kml", "--out", str(tmp_path / "g.kml"),
                        "--data-dir", str(data)], capsys)
    assert code == 2 and "no layer named ghost" in err

    code, _, err = run(["export", "layer", "levee", "--format", "kml", "--out", str(tmp_path / "no" / "x.kml"),
                        "--data-dir", str(data)], capsys)
    assert code == 2 and "--out folder does not exist" in err

    code, _, err = run(["export", "layer", "levee", "--format", "shp", "--out", str(tmp_path / "x.shp"),
                        "--data-dir", str(data)], capsys)
    assert code == 2 and "--format" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "levee.geojson"]


def test_kml_export_opens_as_kml_with_text_escaped(data, shelters_csv, tmp_path, capsys):
    assert run(["import", "csv", str(shelters_csv), "--data-dir", str(data)], capsys)[0] == 0
    dest = tmp_path / "s.kml"
    code, _, _ = run(["export", "layer", "shelters", "--format", "kml", "--out", str(dest), "--data-dir", str(data)], capsys)
    assert code == 0
    text = dest.read_text(encoding="utf-8")
    assert "<kml" in text and "&lt;img src=x onerror=alert(1)&gt;" in text and HOSTILE not in text
