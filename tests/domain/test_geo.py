"""Geometry for map interaction: distances a dispatcher can check on a map, inside-tests on the
shapes a user drags (concave lassos, holes, points exactly on an edge), nearest units."""
from __future__ import annotations

import math

import pytest

from commandcenter.domain.geo import (
    haversine_m,
    in_bbox,
    nearest,
    path_length_m,
    point_in_polygon,
    point_in_ring,
    select_points,
)

# Reference distances on the WGS-84 ellipsoid (Vincenty inverse, computed independently).
PEOPLES_SQUARE = (121.4737, 31.2304)
PEARL_TOWER = (121.4997, 31.2397)
SQUARE_TO_TOWER_M = 2683.05
HONGQIAO = (121.3364, 31.1979)
PUDONG = (121.8053, 31.1443)
HONGQIAO_TO_PUDONG_M = 45095.05

# A "U" (concave): the notch x in (1, 2), y in (1, 3) is outside.
U_SHAPE = [(0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3)]
SQUARE_WITH_HOLE = [
    [(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)],
    [(4, 4), (6, 4), (6, 6), (4, 6), (4, 4)],
]


def test_one_degree_of_latitude_is_about_111_2_km():
    assert haversine_m(121.47, 31.0, 121.47, 32.0) == pytest.approx(111_200, rel=0.005)
    assert haversine_m(0, 0, 0, 1) == pytest.approx(111_200, rel=0.005)


def test_one_degree_of_longitude_shrinks_with_latitude():
    at_shanghai = haversine_m(121.0, 31.23, 122.0, 31.23)
    assert at_shanghai == pytest.approx(111_195 * math.cos(math.radians(31.23)), rel=0.001)


@pytest.mark.parametrize("a, b, expected", [
    (PEOPLES_SQUARE, PEARL_TOWER, SQUARE_TO_TOWER_M),
    (HONGQIAO, PUDONG, HONGQIAO_TO_PUDONG_M),
])
def test_shanghai_distances_match_the_ellipsoid_within_half_a_percent(a, b, expected):
    assert haversine_m(*a, *b) == pytest.approx(expected, rel=0.005)
    assert haversine_m(*b, *a) == pytest.approx(haversine_m(*a, *b))
    assert haversine_m(*a, *a) == 0.0


def test_path_length_is_the_sum_of_its_legs():
    assert path_length_m([]) == 0.0
    assert path_length_m([PEOPLES_SQUARE]) == 0.0
    there_and_back = path_length_m([PEOPLES_SQUARE, PEARL_TOWER, PEOPLES_SQUARE])
    assert there_and_back == pytest.approx(2 * haversine_m(*PEOPLES_SQUARE, *PEARL_TOWER))
    # lists of lists work as well as tuples (GeoJSON coordinates)
    assert path_length_m([list(HONGQIAO), list(PUDONG)]) == pytest.approx(HONGQIAO_TO_PUDONG_M, rel=0.005)


def test_concave_ring_excludes_its_notch():
    assert point_in_ring(0.5, 2.0, U_SHAPE)  # left arm
    assert point_in_ring(2.5, 2.0, U_SHAPE)  # right arm
    assert point_in_ring(1.5, 0.5, U_SHAPE)  # base
    assert not point_in_ring(1.5, 2.0, U_SHAPE)  # in the notch
    assert not point_in_ring(4.0, 1.0, U_SHAPE)
    # a ray through the notch crosses four edges: still inside the right arm
    assert point_in_ring(2.5, 2.5, U_SHAPE)


def test_points_on_edges_and_vertices_count_as_inside():
    assert point_in_ring(3.0, 1.5, U_SHAPE)  # right edge (ray casting alone says outside)
    assert point_in_ring(1.5, 0.0, U_SHAPE)  # bottom edge
    assert point_in_ring(0.0, 3.0, U_SHAPE)  # vertex
    assert point_in_ring(1.5, 1.0, U_SHAPE)  # bottom of the notch
    assert point_in_ring(1.0, 2.0, U_SHAPE)  # side of the notch
    assert not point_in_ring(1.5, 1.0 + 1e-9, U_SHAPE)


def test_open_and_closed_rings_agree_and_degenerate_rings_enclose_nothing():
    closed = U_SHAPE + [U_SHAPE[0]]
    for lon, lat in [(0.5, 2.0), (1.5, 2.0), (3.0, 1.5)]:
        assert point_in_ring(lon, lat, closed) == point_in_ring(lon, lat, U_SHAPE)
    assert not point_in_ring(0.5, 0.0, [(0, 0), (1, 0), (0, 0)])
    assert not point_in_ring(0, 0, [])


def test_polygon_hole_is_outside_but_its_edge_is_inside():
    assert point_in_polygon(2, 2, SQUARE_WITH_HOLE)
    assert not point_in_polygon(5, 5, SQUARE_WITH_HOLE)
    assert point_in_polygon(4, 5, SQUARE_WITH_HOLE)  # on the hole's edge: polygon boundary
    assert point_in_polygon(10, 5, SQUARE_WITH_HOLE)  # on the outer edge
    assert not point_in_polygon(11, 5, SQUARE_WITH_HOLE)
    assert not point_in_polygon(1, 1, [])


def test_bbox_includes_its_edges():
    assert in_bbox(121.5, 31.2, 121.4, 31.1, 121.5, 31.3)
    assert in_bbox(121.4, 31.1, 121.4, 31.1, 121.5, 31.3)
    assert not in_bbox(121.51, 31.2, 121.4, 31.1, 121.5, 31.3)
    assert not in_bbox(121.45, 31.31, 121.4, 31.1, 121.5, 31.3)


ITEMS = [
    {"id": "a", "lon": 0.5, "lat": 2.0},
    {"id": "b", "lon": 1.5, "lat": 2.0},
    {"id": "c", "lon": 3.0, "lat": 1.5},
    {"id": "d", "lon": 5.0, "lat": 5.0},
    {"id": "e", "lon": None, "lat": 1.0},
    {"id": "f", "lon": float("nan"), "lat": 1.0},
]


def test_select_points_by_rectangle_and_by_concave_lasso_keeps_order():
    rect = select_points(ITEMS, {"type": "rect", "bounds": [0, 0, 3, 2]})
    assert [i["id"] for i in rect] == ["a", "b", "c"]
    lasso = select_points(ITEMS, {"type": "polygon", "ring": [list(p) for p in U_SHAPE]})
    assert [i["id"] for i in lasso] == ["a", "c"]  # b sits in the notch, d far away


@pytest.mark.parametrize("shape, field", [
    (None, "shape"),
    ({"type": "circle"}, "shape.type"),
    ({"type": "rect"}, "shape.bounds"),
    ({"type": "rect", "bounds": [0, 0, 1]}, "shape.bounds"),
    ({"type": "rect", "bounds": [0, 0, float("inf"), 1]}, "shape.bounds[2]"),
    ({"type": "rect", "bounds": [0, "0", 1, 1]}, "shape.bounds[1]"),
    ({"type": "rect", "bounds": [2, 0, 1, 1]}, "shape.bounds"),
    ({"type": "rect", "bounds": [0, 2, 1, 1]}, "shape.bounds"),
    ({"type": "polygon", "ring": "0,0 1,1"}, "shape.ring"),
    ({"type": "polygon", "ring": [[0, 0], [1, 0], [1, 1, 1]]}, "shape.ring[2]"),
    ({"type": "polygon", "ring": [[0, 0], [1, float("nan")], [1, 1]]}, "shape.ring[1][1]"),
    ({"type": "polygon", "ring": [[0, 0], [1, 0], [0, 0], [1, 0]]}, "shape.ring"),
])
def test_bad_shapes_raise_naming_the_field(shape, field):
    with pytest.raises(ValueError) as info:
        select_points(ITEMS, shape)
    assert str(info.value).startswith(f"{field}:")


def test_nearest_closest_first_with_ties_by_id():
    units = [
        {"id": "u3", "lon": 0.0, "lat": 0.01, "status": "available"},
        {"id": "u1", "lon": 0.0, "lat": -0.01, "status": "available"},  # same distance as u3
        {"id": "u2", "lon": 0.0, "lat": 0.005, "status": "assigned"},
        {"id": "u4", "lon": 0.5, "lat": 0.0, "status": "available"},
        {"id": "u5", "lon": None, "lat": 0.0, "status": "available"},
    ]
    found = nearest(units, 0.0, 0.0, n=3)
    assert [item["id"] for _, item in found] == ["u2", "u1", "u3"]
    assert found[0][0] == pytest.approx(556, rel=0.01)
    assert found[1][0] == found[2][0]
    free = nearest(units, 0.0, 0.0, where=lambda u: u["status"] == "available")
    assert [item["id"] for _, item in free] == ["u1", "u3", "u4"]
    assert nearest(units, 0.0, 0.0, n=0) == []
    with pytest.raises(ValueError, match="^lat:"):
        nearest(units, 0.0, float("nan"))
