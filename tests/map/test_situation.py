"""The exported situation page as text: self-contained, locked down by its CSP, outside text
escaped (and never evaluated as a template), and the asset files for the "beside" layout."""
from __future__ import annotations

import base64
import hashlib
import re

import pytest

from commandcenter.domain.levels import OrgLevel, Severity
from commandcenter.interop.layers import Layer
from commandcenter.map import assets
from commandcenter.map.situation import AssetError, build_situation_html

pytestmark = pytest.mark.skipif(not assets.vendor_ready(), reason="map assets not fetched: run tools/fetch-map-assets.sh")

GENERATED_MS = 1_784_066_400_000  # 2026-07-15 06:00 +08:00
HOSTILE = '<img src=x onerror="window.pwned=1">`${x}'
# Jinja would render this as JINJA_RAN: letters no random element id (hex) can hold
TEMPLATE = '{{ "JINJA" ~ "_RAN" }}{% if true %}'


def _rows(catalog):
    units = sorted((u for u in catalog.org_units.values() if u.level == OrgLevel.COMMUNITY), key=lambda u: u.code)
    base = {"status": "reported", "category": "waterlogging", "reported_ms": GENERATED_MS}
    return [
        {**base, "id": "a", "title": HOSTILE, "severity": "I", "org_unit": units[0].code,
         "lon": units[0].center[0], "lat": units[0].center[1]},
        {**base, "id": "b", "title": TEMPLATE, "severity": "IV", "org_unit": units[1].code,
         "lon": units[1].center[0], "lat": units[1].center[1]},
        {**base, "id": "c", "title": "无坐标", "severity": "II", "org_unit": units[2].code, "lon": None, "lat": None},
    ]


def _layer(catalog):
    lon, lat = next(iter(catalog.org_units.values())).center
    return Layer(name="shelters", crs="wgs84", source="s.csv", imported_ms=0, features=[
        {"type": "Feature", "properties": {"名称": HOSTILE, "note": TEMPLATE},
         "geometry": {"type": "Point", "coordinates": [lon, lat]}},
    ])


def build(catalog, **kwargs):
    args = {"layers": [_layer(catalog)], "title": "态势 <b>" + TEMPLATE, "generated_ms": GENERATED_MS}
    return build_situation_html(catalog, _rows(catalog), **{**args, **kwargs})


def _policy(page: str) -> dict[str, list[str]]:
    content = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in content.split(";"))}


def test_inline_page_needs_nothing_but_itself(catalog):
    page, files = build(catalog, assets="inline")
    assert files == {}
    refs = re.findall(r'<(?:script|link|img)\b[^>]*(?:src|href)="([^"]*)"', page)
    assert refs == []  # Leaflet, its CSS and its images are all inside
    assert "Leaflet 1.9" in page and "url(images/" not in page and "data:image/png;base64," in page
    assert "sourceMappingURL" not in page
    policy = _policy(page)
    assert policy["default-src"] == ["'none'"] and policy["connect-src"] == ["'none'"]
    # exactly the page's own inline scripts may run, nothing else
    bodies = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() + "'" for b in bodies}
    assert set(policy["script-src"]) == hashes
    assert "http" not in " ".join(" ".join(v) for v in policy.values())


def test_beside_page_references_its_folder_relatively(catalog):
    page, files = build(catalog, assets="beside", asset_dir_name="态势 0715_files")
    assert sorted(files) == [
        "态势 0715_files/images/layers-2x.png", "态势 0715_files/images/layers.png",
        "态势 0715_files/images/marker-icon.png", "态势 0715_files/leaflet.css", "态势 0715_files/leaflet.js",
    ]
    assert files["态势 0715_files/leaflet.js"].startswith(b"/* @preserve\n * Leaflet 1.9")
    assert files["态势 0715_files/images/layers.png"] == (assets.vendor_dir() / "leaflet/images/layers.png").read_bytes()
    refs = re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="([^"]*)"', page)
    assert refs == ["%E6%80%81%E5%8A%BF%200715_files/leaflet.css", "%E6%80%81%E5%8A%BF%200715_files/leaflet.js"]
    assert "Leaflet 1.9" not in page
    assert "'unsafe-inline'" not in _policy(page)["script-src"]


def test_outside_text_is_escaped_and_never_rendered_as_a_template(catalog):
    page, _ = build(catalog)
    assert "JINJA_RAN" not in page
    assert '{{ "JINJA"' not in page and "{% if true %}" not in page  # braces are entities
    assert '<img src=x' not in page
    assert "`${x}" not in page
    assert "&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;&#96;&#36;&#123;x&#125;" in page  # tooltip
    assert "<title>态势 &lt;b&gt;&#123;&#123; &quot;JINJA&quot; ~ &quot;_RAN&quot; &#125;&#125;" in page
    assert "<h1>态势 &lt;b&gt;" in page


def test_title_box_counts_shown_incidents_and_legend_lists_severities(catalog):
    page, _ = build(catalog)
    assert "导出时间 2026-07-15 06:00 (北京时间)" in page
    assert "未结事件 2 起 · 1 起无位置未显示" in page
    assert "count: 2}" in page
    for severity in Severity:
        assert f'background:{severity.info.colour}"></span>{severity.info.zh}' in page
    district = next(u for u in catalog.org_units.values() if u.level == OrgLevel.DISTRICT)
    assert district.name_zh in page


def test_english_page_and_empty_situation(catalog):
    page, _ = build_situation_html(catalog, [], title="Situation", generated_ms=GENERATED_MS, lang="en")
    assert "No open incidents" in page and "Exported 2026-07-15 06:00 (Beijing time)" in page
    assert "Catastrophic" in page and '<html lang="en">' in page
    district = next(u for u in catalog.org_units.values() if u.level == OrgLevel.DISTRICT)
    assert district.name_en in page


@pytest.mark.parametrize("kwargs, message", [
    ({"assets": "cdn"}, "assets must be one of"),
    ({"lang": "fr"}, "lang must be one of"),
    ({"assets": "beside", "asset_dir_name": "../x"}, "asset_dir_name"),
    ({"assets": "beside", "asset_dir_name": ""}, "asset_dir_name"),
])
def test_bad_arguments_raise(catalog, kwargs, message):
    with pytest.raises(ValueError, match=message):
        build(catalog, **kwargs)


def test_missing_leaflet_files_say_how_to_fetch_them(catalog, tmp_path, monkeypatch):
    monkeypatch.setattr(assets, "vendor_dir", lambda: tmp_path / "vendor")
    with pytest.raises(AssetError, match="make setup"):
        build(catalog)
