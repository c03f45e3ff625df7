"""WGS-84 <-> GCJ-02: the offset Chinese map data carries, checked against published values."""
from __future__ import annotations

import pytest

from commandcenter.interop.crs import distance_m, gcj02_to_wgs84, wgs84_to_gcj02

# (wgs lon, wgs lat, gcj lon, gcj lat): the reference points of the public eviltransform tests
REFERENCE = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),  # Shanghai, Pudong
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),  # Shenzhen
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),  # Beijing
]


@pytest.mark.parametrize("lon, lat, glon, glat", REFERENCE)
def test_wgs84_to_gcj02_matches_reference_points(lon, lat, glon, glat):
    out = wgs84_to_gcj02(lon, lat)
    assert distance_m(*out, glon, glat) < 0.01
    # and the offset is the few hundred metres users see between GPS and Chinese basemaps
    assert 100 < distance_m(lon, lat, glon, glat) < 1000


@pytest.mark.parametrize("lon, lat, glon, glat", REFERENCE)
def test_gcj02_to_wgs84_inverts_within_half_a_metre(lon, lat, glon, glat):
    assert distance_m(*gcj02_to_wgs84(glon, glat), lon, lat) < 0.5


@pytest.mark.parametrize("lon, lat", [(103.0, 30.0), (87.6, 43.8), (126.6, 45.7), (110.3, 20.0)])
def test_round_trip_across_china_is_below_half_a_metre(lon, lat):
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert distance_m(*back, lon, lat) < 0.5


@pytest.mark.parametrize("lon, lat", [(-77.0636, 38.8566), (2.35, 48.85), (139.69, 35.69)])
def test_points_outside_china_are_unchanged(lon, lat):
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)
