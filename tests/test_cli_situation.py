"""`commandcenter export situation` as a user runs it: the open incidents of the client's own
cache on one HTML file (or a file and its _files folder); on bad input one line on stderr, a
non-zero exit, and nothing written."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cli_run import run_cli as run
from commandcenter.domain.commands import report_incident, transition
from commandcenter.domain.levels import OrgLevel
from commandcenter.interop.layers import Layer, LayerStore
from commandcenter.map import assets
from commandcenter.store import Store

pytestmark = pytest.mark.skipif(not assets.vendor_ready(), reason="map assets not fetched: run tools/fetch-map-assets.sh")

HOSTILE = '<img src=x onerror="window.pwned=1">'




def listing(folder: Path) -> list[str]:
    """Every file under a folder (temp files too), to prove a failure wrote nothing."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


@pytest.fixture
def data(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def outdir(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def cache(data, catalog, clock):
    """The client's cache with three incidents, one of them already closed."""
    units = sorted((u for u in catalog.org_units.values() if u.level == OrgLevel.COMMUNITY), key=lambda u: u.code)
    store = Store(data / "cache.db", clock=clock)
    ids = []
    for title, severity, unit in [(HOSTILE, "I", units[0]), ("地下通道积水", "III", units[4]), ("已处置", "IV", units[8])]:
        op = report_incident(clock.now_ms(), title=title, category="waterlogging", severity=severity,
                             org_unit=unit.code, lon=unit.center[0], lat=unit.center[1])
        store.execute(op)
        ids.append(op.entity_id)
    for action in ("confirm", "respond", "contain", "close"):
        store.execute(transition("incident", store.get("incident", ids[2]), action, clock.now_ms()))
    store.close()
    return data / "cache.db"


def test_exports_the_open_incidents_of_the_cache_in_one_file(data, cache, outdir, capsys):
    LayerStore(data).save(Layer(name="pumps", crs="wgs84", source="p.csv", imported_ms=0, features=[
        {"type": "Feature", "properties": {"n": "泵站"}, "geometry": {"type": "Point", "coordinates": [121.47, 31.23]}}]))
    out = outdir / "态势.html"
    code, stdout, err = run(["export", "situation", "--out", str(out), "--data-dir", str(data)], capsys)
    assert (code, err) == (0, "")
    assert stdout == f"exported 2 open incidents, 1 layer to {out} (one self-contained file)\n"
    assert listing(outdir) == ["态势.html"]
    page = out.read_text(encoding="utf-8")
    assert "未结事件 2 起" in page and "count: 2}" in page
    assert "地下通道积水" in page and "已处置" not in page
    assert "<img src=x" not in page and "&lt;img src=x" in page
    assert '"pumps"' in page and "城市应急态势" in page


def test_beside_writes_leaflet_next_to_the_page_in_english(data, cache, outdir, capsys):
    out = outdir / "sit.html"
    code, stdout, err = run(["export", "situation", "--out", str(out), "--assets", "beside", "--lang", "en",
                             "--title", "Rainstorm <drill>", "--data-dir", str(data)], capsys)
    assert (code, err) == (0, "")
    assert stdout.endswith(f"with Leaflet in {outdir / 'sit_files'}\n")
    assert listing(outdir) == ["sit.html", "sit_files", "sit_files/images", "sit_files/images/layers-2x.png",
                               "sit_files/images/layers.png", "sit_files/images/marker-icon.png",
                               "sit_files/leaflet.css", "sit_files/leaflet.js"]
    page = out.read_text(encoding="utf-8")
    assert '<script src="sit_files/leaflet.js"></script>' in page
    assert "2 open incidents" in page and "<h1>Rainstorm &lt;drill&gt;</h1>" in page


def test_empty_data_dir_exports_the_boundaries_and_says_so(data, outdir, capsys, catalog):
    out = outdir / "empty.html"
    code, stdout, err = run(["export", "situation", "--out", str(out), "--data-dir", str(data)], capsys)
    assert (code, err) == (0, "")
    assert stdout.startswith("exported an empty situation (no cache at ")
    assert not (data / "cache.db").exists()  # exporting does not create the client's cache
    page = out.read_text(encoding="utf-8")
    assert "当前无未结事件" in page and "count: 0}" in page
    district = next(u for u in catalog.org_units.values() if u.level == OrgLevel.DISTRICT)
    assert district.name_zh in page


def test_replaces_an_existing_export(data, cache, outdir, capsys):
    out = outdir / "s.html"
    out.write_text("old", encoding="utf-8")
    code, _, _ = run(["export", "situation", "--out", str(out), "--data-dir", str(data)], capsys)
    assert code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert listing(outdir) == ["s.html"]


@pytest.mark.parametrize("out, message", [
    ("missing/s.html", "--out folder does not exist"),
    ("folder.html", "--out is a folder"),
    ("s.png", "--out must be an .html file"),
])
def test_bad_out_exits_2_and_writes_nothing(data, cache, outdir, capsys, out, message):
    (outdir / "folder.html").mkdir()
    before = listing(outdir)
    code, stdout, err = run(["export", "situation", "--out", str(outdir / out), "--data-dir", str(data)], capsys)
    assert code == 2 and stdout == ""
    assert err.startswith("commandcenter: error: ") and message in err
    assert listing(outdir) == before


def test_unknown_assets_mode_is_refused(data, outdir, capsys):
    code, _, err = run(["export", "situation", "--out", str(outdir / "s.html"), "--assets", "cdn",
                        "--data-dir", str(data)], capsys)
    assert code == 2 and "--assets" in err and "invalid choice" in err
    assert listing(outdir) == []


def test_beside_folder_name_taken_by_a_file_is_refused(data, outdir, capsys):
    (outdir / "s_files").write_text("not a folder", encoding="utf-8")
    code, _, err = run(["export", "situation", "--out", str(outdir / "s.html"), "--assets", "beside",
                        "--data-dir", str(data)], capsys)
    assert code == 2 and "s_files exists and is not a folder" in err
    assert listing(outdir) == ["s_files"]


def test_missing_leaflet_files_tell_how_to_fetch_them(data, outdir, capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(assets, "vendor_dir", lambda: tmp_path / "no-vendor")
    code, stdout, err = run(["export", "situation", "--out", str(outdir / "s.html"), "--data-dir", str(data)], capsys)
    assert code == 1 and stdout == ""
    assert "Leaflet files missing" in err and "make setup" in err and "fetch-map-assets.sh" in err
    assert listing(outdir) == []


def test_unreadable_cache_names_the_file_and_writes_nothing(data, outdir, capsys):
    data.mkdir()
    (data / "cache.db").write_bytes(b"this is not a database" * 100)
    code, _, err = run(["export", "situation", "--out", str(outdir / "s.html"), "--data-dir", str(data)], capsys)
    assert code == 1
    assert re.search(r"cache\.db: cannot read the cache", err)
    assert listing(outdir) == []


def test_a_broken_layer_is_left_out_with_a_warning(data, cache, outdir, capsys):
    (data / "layers").mkdir()
    (data / "layers" / "broken.geojson").write_text("{not json", encoding="utf-8")
    out = outdir / "s.html"
    code, stdout, err = run(["export", "situation", "--out", str(out), "--data-dir", str(data)], capsys)
    assert code == 0 and stdout.startswith("exported 2 open incidents to ")
    assert err.startswith("commandcenter: warning: layer broken left out: ") and "broken.geojson" in err
    assert "count: 2}" in out.read_text(encoding="utf-8")
