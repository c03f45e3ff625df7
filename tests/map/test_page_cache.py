"""The map page is built once per catalogue and builder, then read from the cache."""
from __future__ import annotations

import dataclasses

import pytest

from commandcenter.map import page_cache


def test_a_miss_builds_and_stores_a_hit_reads_without_building(catalog, tmp_path, monkeypatch):
    first = page_cache.cached_page(catalog, tmp_path, asset_base="cc://app/assets", labels={"a": 1})
    files = list(tmp_path.glob("map-page-*.html"))
    assert len(files) == 1 and files[0].read_text(encoding="utf-8") == first

    import commandcenter.map.page as page

    def no_build(*args, **kwargs):
        raise AssertionError("built again despite a cached page")

    monkeypatch.setattr(page, "build_page", no_build)
    assert page_cache.cached_page(catalog, tmp_path, asset_base="cc://app/assets", labels={"a": 1}) == first
    with pytest.raises(AssertionError):  # other labels are another page
        page_cache.cached_page(catalog, tmp_path, asset_base="cc://app/assets", labels={"a": 2})


def test_the_key_follows_the_catalogue(catalog):
    key = page_cache.page_key(catalog, asset_base="x", labels=None)
    units = dict(catalog.org_units)
    code, unit = next(iter(units.items()))
    units[code] = dataclasses.replace(unit, name_zh=unit.name_zh + "新")
    changed = dataclasses.replace(catalog, org_units=units)
    assert page_cache.page_key(changed, asset_base="x", labels=None) != key
    assert page_cache.page_key(catalog, asset_base="x", labels=None) == key


def test_an_unwritable_cache_still_gives_the_page(catalog, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    html = page_cache.cached_page(catalog, blocker / "sub", asset_base="cc://app/assets")
    assert "leaflet" in html.lower()
