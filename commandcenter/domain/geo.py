"""Plane-and-sphere helpers for map interaction: distances, point-in-shape, lasso selection.

Pure Python so the UI, the CLI and tests share one definition of "inside" and "nearest".
Positions are WGS-84 (lon, lat) in degrees, as everywhere else in the app.

Rules worth knowing:

* Distances are great-circle (haversine) on a sphere of the mean Earth radius. Against the
  WGS-84 ellipsoid that is within ~0.5 %, plenty for "which unit is closest".
* Inside-tests work on raw lon/lat as a plane (a city is small enough for that).
* A point ON a boundary counts as inside: on an edge or vertex of a ring, on the edge of a
  rectangle, on the edge of a hole (a hole's edge is part of the polygon's boundary). A user who
  drags a rectangle exactly over a marker expects it selected, whatever the float rounding says.
* Shapes crossing the antimeridian (180°) are not supported: China never needs them. A
  rectangle with west > east selects nothing (select_points refuses it).
"""
from __future__ import annotations

import math
from typing import Any, Callable, Iterable, Sequence

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius
_EDGE_EPS = 1e-12  # degrees (~0.1 µm): how close to an edge counts as on it

Point = Sequence[float]  # (lon, lat)


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two lon/lat points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def path_length_m(points: Sequence[Point]) -> float:
    """Length in metres of a path through (lon, lat) points (0 for fewer than two)."""
    total = 0.0
    for (lon1, lat1), (lon2, lat2) in zip(points, points[1:]):
        total += haversine_m(lon1, lat1, lon2, lat2)
    return total


def _vertices(ring: Sequence[Point]) -> list[tuple[float, float]]:
    """The ring's vertices as floats, without the repeated closing point."""
    pts = [(float(p[0]), float(p[1])) for p in ring]
    if len(pts) > 1 and pts[0] == pts[-1]:
        pts.pop()
    return pts


def _on_segment(x: float, y: float, ax: float, ay: float, bx: float, by: float) -> bool:
    cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax)
    if abs(cross) > _EDGE_EPS * max(1.0, math.hypot(bx - ax, by - ay)):
        return False
    return (min(ax, bx) - _EDGE_EPS <= x <= max(ax, bx) + _EDGE_EPS
            and min(ay, by) - _EDGE_EPS <= y <= max(ay, by) + _EDGE_EPS)


def _on_ring(lon: float, lat: float, pts: list[tuple[float, float]]) -> bool:
    return any(_on_segment(lon, lat, *pts[i - 1], *pts[i]) for i in range(len(pts)))


def _strictly_inside(lon: float, lat: float, pts: list[tuple[float, float]]) -> bool:
    """Even-odd ray casting (a ray towards +lon); boundary points are not handled here."""
    inside = False
    j = len(pts) - 1
    for i in range(len(pts)):
        xi, yi = pts[i]
        xj, yj = pts[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def point_in_ring(lon: float, lat: float, ring: Sequence[Point]) -> bool:
    """Whether a point is inside a ring (even-odd rule; open or closed ring; boundary = inside).

    A ring with fewer than three distinct vertices encloses nothing: False.
    """
    pts = _vertices(ring)
    if len(set(pts)) < 3:
        return False
    return _on_ring(lon, lat, pts) or _strictly_inside(lon, lat, pts)


def point_in_polygon(lon: float, lat: float, polygon: Sequence[Sequence[Point]]) -> bool:
    """Whether a point is inside a GeoJSON-style polygon: rings[0] the outer, the rest holes.

    Inside the outer ring and not strictly inside any hole; a point on a hole's edge is on the
    polygon's boundary, so it is inside.
    """
    if not polygon or not point_in_ring(lon, lat, polygon[0]):
        return False
    for hole in polygon[1:]:
        pts = _vertices(hole)
        if len(set(pts)) >= 3 and not _on_ring(lon, lat, pts) and _strictly_inside(lon, lat, pts):
            return False
    return True


def in_bbox(lon: float, lat: float, west: float, south: float, east: float, north: float) -> bool:
    """Whether a point is inside a lon/lat box, edges included (no antimeridian wrap)."""
    return west <= lon <= east and south <= lat <= north


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _position(item: Any) -> tuple[float, float] | None:
    if not isinstance(item, dict):
        return None
    lon, lat = item.get("lon"), item.get("lat")
    return (float(lon), float(lat)) if _finite(lon) and _finite(lat) else None


def _check_number(value: Any, field: str) -> float:
    if not _finite(value):
        raise ValueError(f"{field}: must be a finite number, got {value!r}")
    return float(value)


def check_shape(shape: Any) -> Callable[[float, float], bool]:
    """Validate a selection shape and return its inside-test; ValueError names the bad field.

    {"type": "rect", "bounds": [west, south, east, north]} or
    {"type": "polygon", "ring": [[lon, lat], ...]} (at least three distinct points).
    """
    if not isinstance(shape, dict):
        raise ValueError(f"shape: must be an object, got {type(shape).__name__}")
    kind = shape.get("type")
    if kind == "rect":
        bounds = shape.get("bounds")
        if not isinstance(bounds, (list, tuple)) or len(bounds) != 4:
            raise ValueError("shape.bounds: must be [west, south, east, north]")
        west, south, east, north = (_check_number(v, f"shape.bounds[{i}]") for i, v in enumerate(bounds))
        if west > east:
            raise ValueError(f"shape.bounds: west {west} is east of east {east} (the antimeridian is not supported)")
        if south > north:
            raise ValueError(f"shape.bounds: south {south} is north of north {north}")
        return lambda lon, lat: in_bbox(lon, lat, west, south, east, north)
    if kind == "polygon":
        ring = shape.get("ring")
        if not isinstance(ring, (list, tuple)):
            raise ValueError("shape.ring: must be a list of [lon, lat] points")
        pts = []
        for i, point in enumerate(ring):
            if not isinstance(point, (list, tuple)) or len(point) != 2:
                raise ValueError(f"shape.ring[{i}]: must be [lon, lat]")
            pts.append((_check_number(point[0], f"shape.ring[{i}][0]"), _check_number(point[1], f"shape.ring[{i}][1]")))
        if len(set(pts)) < 3:
            raise ValueError(f"shape.ring: needs at least 3 distinct points, got {len(set(pts))}")
        return lambda lon, lat: point_in_ring(lon, lat, pts)
    raise ValueError(f"shape.type: must be 'rect' or 'polygon', got {kind!r}")


def select_points(items: Iterable[dict], shape: Any) -> list:
    """The items (dicts with "lon"/"lat") inside a shape, in their given order.

    Items without a finite position are never selected. A bad shape raises ValueError before
    anything is looked at.
    """
    inside = check_shape(shape)
    selected = []
    for item in items:
        pos = _position(item)
        if pos is not None and inside(*pos):
            selected.append(item)
    return selected


def nearest(
    items: Iterable[dict],
    lon: float,
    lat: float,
    n: int = 5,
    *,
    where: Callable[[dict], bool] | None = None,
) -> list[tuple[float, dict]]:
    """The n items closest to a point, as (metres, item), closest first.

    Equal distances are ordered by the items' "id" (as text), so the answer does not depend on
    the order the store returned them in. Items without a finite position, and those `where`
    rejects, are skipped.
    """
    lon = _check_number(lon, "lon")
    lat = _check_number(lat, "lat")
    if n <= 0:
        return []
    found = []
    for item in items:
        pos = _position(item)
        if pos is None or (where is not None and not where(item)):
            continue
        found.append((haversine_m(lon, lat, *pos), item))
    found.sort(key=lambda pair: (pair[0], str(pair[1].get("id", ""))))
    return found[:n]
