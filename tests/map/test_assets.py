"""Which files the cc:// handler may serve."""
from __future__ import annotations

import os

import pytest

from commandcenter.map import assets


def test_static_files_resolve_with_their_types():
    path = assets.asset_path("static/map.js")
    assert path == assets.static_dir().resolve() / "map.js"
    assert assets.mime_type(path) == "text/javascript"
    assert assets.mime_type("static/map.css") == "text/css"
    assert assets.mime_type("x/y.png") == "image/png"


@pytest.mark.skipif(not assets.vendor_ready(), reason="map assets not fetched: run tools/fetch-map-assets.sh")
def test_vendor_files_resolve():
    assert assets.asset_path("vendor/leaflet/leaflet.js").name == "leaflet.js"
    assert assets.asset_path("vendor/leaflet/images/layers.png").is_file()


@pytest.mark.parametrize(
    "url_path",
    [
        "",
        "static",
        "static/",
        "static/../map/assets.py",
        "static/../../catalog.py",
        "vendor/leaflet/../../../../pyproject.toml",
        "../static/map.js",
        "./static/map.js",
        "static/./map.js",
        "static//map.js",
        "/static/map.js",
        "/etc/passwd",
        "static\\..\\assets.py",
        "static/map.js\x00.png",
        "other/map.js",
        "static/missing.js",
        "static/__init__.py",
    ],
)
def test_paths_outside_the_asset_folders_are_refused(url_path):
    assert assets.asset_path(url_path) is None


def test_symlink_escaping_its_folder_is_refused(tmp_path, monkeypatch):
    secret = tmp_path / "secret.js"
    secret.write_text("secret")
    root = tmp_path / "static"
    root.mkdir()
    os.symlink(secret, root / "link.js")
    (root / "ok.js").write_text("ok")
    monkeypatch.setattr(assets, "static_dir", lambda: root)
    assert assets.asset_path("static/ok.js") == (root / "ok.js").resolve()
    assert assets.asset_path("static/link.js") is None
