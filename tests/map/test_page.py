"""The map page: built once, offline, with the city's boundaries."""
from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from commandcenter.domain.levels import OrgLevel, Severity
from commandcenter.map.page import CONFIG_ELEMENT_ID, build_page


@pytest.fixture(scope="module")
def page(catalog):
    return build_page(catalog)


def test_page_references_no_network_url(page):
    assert not re.findall(r"(?i)(?:https?:)?//[a-z0-9.-]+\.(?:com|net|org|io)\b", page)
    assert "http://" not in page and "https://" not in page
    for name in ("jquery", "bootstrap", "font-awesome", "fontawesome", "awesome-markers"):
        assert name not in page.lower()


def test_page_loads_local_leaflet_and_the_bridge(page):
    sources = re.findall(r'<script[^>]*\ssrc="([^"]+)"', page) + re.findall(r'<link[^>]*\shref="([^"]+)"', page)
    assert "cc://app/assets/vendor/leaflet/leaflet.js" in sources
    assert not [s for s in sources if "markercluster" in s]  # unused: clusters are points.js
    assert "cc://app/assets/vendor/leaflet/leaflet.css" in sources
    assert "qrc:///qtwebchannel/qwebchannel.js" in sources
    assert "cc://app/assets/static/map.js" in sources
    assert all(s.startswith(("cc://", "qrc://")) for s in sources), sources


def test_asset_base_is_configurable(catalog):
    page = build_page(catalog, asset_base="cc://other/base/")
    assert 'src="cc://other/base/vendor/leaflet/leaflet.js"' in page


def test_district_names_are_labels_and_no_online_tiles(page, catalog):
    districts = [u for u in catalog.org_units.values() if u.level == OrgLevel.DISTRICT]
    assert districts
    for unit in districts:
        assert unit.name_zh in page
    assert page.count("cc-district-label") >= len(districts)
    assert "tileLayer" not in page
    assert '"preferCanvas": true' in page


def test_page_carries_colours_and_city_bounds_as_config(page, catalog):
    block = re.search(rf'<script type="application/json" id="{CONFIG_ELEMENT_ID}">(.*?)</script>', page, re.S)
    assert block is not None
    config = json.loads(block.group(1))
    assert config["severityColours"] == {s.name: s.info.colour for s in Severity}
    city = next(u for u in catalog.org_units.values() if u.level == OrgLevel.CITY)
    (south, west), (north, east) = config["bounds"]
    assert south == min(p[1] for p in city.polygon) and north == max(p[1] for p in city.polygon)
    assert west == min(p[0] for p in city.polygon) and east == max(p[0] for p in city.polygon)


def test_catalogue_text_cannot_break_out_of_the_page(catalog):
    code, unit = next((c, u) for c, u in catalog.org_units.items() if u.level == OrgLevel.DISTRICT)
    hostile = '</script><script>window.pwned=1</script>`${x}'
    units = dict(catalog.org_units)
    units[code] = replace(unit, name_zh=hostile)
    page = build_page(replace(catalog, org_units=units), labels={"incidents": "<b>事件</b>"})
    assert "<script>window.pwned" not in page
    assert "`${x}" not in page
    assert "<b>事件</b>" not in page


def test_template_syntax_in_catalogue_text_is_never_evaluated(catalog):
    # branca renders folium's output through Jinja: a template in a name must stay text (it
    # would render as JINJA_RAN, letters no random element id can hold)
    code, unit = next((c, u) for c, u in catalog.org_units.items() if u.level == OrgLevel.DISTRICT)
    units = dict(catalog.org_units)
    units[code] = replace(unit, name_zh='X{{ "JINJA" ~ "_RAN" }}Y')
    page = build_page(replace(catalog, org_units=units))
    assert "JINJA_RAN" not in page
    block = re.search(rf'<script type="application/json" id="{CONFIG_ELEMENT_ID}">(.*?)</script>', page, re.S)
    names = [u["name"] for u in json.loads(block.group(1))["orgUnits"]]
    assert 'X{{ "JINJA" ~ "_RAN" }}Y' in names  # the config still carries the name, as text


def test_page_has_a_content_security_policy_without_unsafe_inline_scripts(page):
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy is not None
    script_src = next(p for p in policy.group(1).split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "http" not in policy.group(1)
